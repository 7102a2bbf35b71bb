import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Linear, loadSafetensors, loadSafetensorsWithMetadata, ReLU, saveSafetensors, Sequential } from '../src/index.js';
import fixture from './fixtures/safetensors.json' with { type: 'json' };

const values = (t: g.Tensor) => Array.from(t.dataSync());
const fromBase64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const decodeNumber = (v: number | string) => (typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity);

/** A file from a header (an object, or raw JSON text) and data bytes; `length` overrides the header length field. */
function file(header: unknown, data: ArrayLike<number> = [], length?: bigint): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(Array.from(data), 8 + json.length);
  return out;
}
const f32 = (shape: number[], begin: number, end: number) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

/** A file assembled byte by byte from the published format description. */
function handMadeFile(): Uint8Array {
  const header =
    '{"__metadata__":{"format":"pt"},"b":{"dtype":"I64","shape":[2],"data_offsets":[8,24]},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const padded = header + ' '.repeat((8 - ((8 + header.length) % 8)) % 8);
  const bytes: number[] = [];
  const len = padded.length;
  for (let i = 0; i < 8; i++) bytes.push(i === 0 ? len & 0xff : i === 1 ? (len >> 8) & 0xff : 0); // u64 little-endian
  for (const ch of padded) bytes.push(ch.charCodeAt(0));
  bytes.push(0x00, 0x00, 0x80, 0x3f); // 1.0f little-endian
  bytes.push(0x00, 0x00, 0x00, 0xc0); // -2.0f
  bytes.push(7, 0, 0, 0, 0, 0, 0, 0); // int64 7
  bytes.push(0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff); // int64 -3
  return new Uint8Array(bytes);
}

describe('safetensors: reading and writing the format', () => {
  it('reads a hand-made file', () => {
    const { tensors, metadata } = loadSafetensorsWithMetadata(handMadeFile());
    expect({ ...metadata }).toEqual({ format: 'pt' });
    expect(values(tensors['w']!)).toEqual([1, -2]);
    expect(tensors['w']!.dtype).toBe('float32');
    expect(values(tensors['b']!)).toEqual([7, -3]);
    expect(tensors['b']!.dtype).toBe('int32');
  });

  it('writes the layout the format describes (aligned header, offsets, little-endian data)', () => {
    const bytes = saveSafetensors({ a: g.tensor([1.5, 2]), n: g.tensor([3], { dtype: 'int32' }) }, { note: 'x' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    expect(header).toEqual({
      __metadata__: { note: 'x' },
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      n: { dtype: 'I32', shape: [1], data_offsets: [8, 12] },
    });
    expect(new DataView(bytes.buffer).getFloat32(8 + headerLength, true)).toBe(1.5);
  });

  it('a model saved and loaded gives identical outputs', () => {
    const make = () => new Sequential(new Linear(4, 8), new BatchNorm1d(8), new Linear(8, 2));
    const a = make();
    a.call(g.randn(16, 4)); // moves the running statistics
    a.eval();
    const b = make();
    b.loadStateDict(loadSafetensors(saveSafetensors(a.stateDict())));
    b.eval();
    const x = g.randn(5, 4);
    expect(values(b.call(x) as g.Tensor)).toEqual(values(a.call(x) as g.Tensor));
  });

  it('round trips random state dicts of every Graft dtype and shape (0-d and empty included), byte for byte', () => {
    g.manualSeed(11);
    for (let trial = 0; trial < 20; trial++) {
      const state = new Map<string, g.Tensor>();
      const count = 1 + (trial % 5);
      for (let i = 0; i < count; i++) {
        const shape = [[], [0], [3], [2, 3], [1, 0, 2], [4, 1, 2]][(trial + i) % 6]!;
        const dtype = (['float32', 'float64', 'int32', 'bool'] as const)[(trial * 3 + i) % 4];
        const t = dtype === 'int32' ? g.randint(-1000, 1000, shape) : dtype === 'bool' ? g.rand(shape).gt(0.5) : g.randn(shape, { dtype });
        state.set(`layer${i}.${['weight', '__proto__', 'toString', 'é'][i % 4]}`, t);
      }
      const bytes = saveSafetensors(state, { trial: String(trial) });
      const loaded = loadSafetensorsWithMetadata(bytes);
      expect(Object.keys(loaded.tensors)).toEqual([...state.keys()]);
      for (const [name, t] of state) {
        expect(loaded.tensors[name]!.dtype).toBe(t.dtype);
        expect(loaded.tensors[name]!.shape).toEqual(t.shape);
        expect(values(loaded.tensors[name]!)).toEqual(values(t));
      }
      expect(saveSafetensors(loaded.tensors, loaded.metadata)).toEqual(bytes);
    }
  });

  it('accepts an ArrayBuffer, a view into a larger buffer (non-zero byteOffset) and a Node Buffer', () => {
    const bytes = handMadeFile();
    expect(values(loadSafetensors(bytes.slice().buffer)['w']!)).toEqual([1, -2]);
    const big = new Uint8Array(bytes.length + 13);
    big.set(bytes, 5);
    expect(values(loadSafetensors(big.subarray(5, 5 + bytes.length))['b']!)).toEqual([7, -3]);
    expect(values(loadSafetensors(Buffer.from(bytes))['w']!)).toEqual([1, -2]);
    expect(() => loadSafetensors('file' as unknown as Uint8Array)).toThrow('expected the file');
  });

  it('"__proto__", "constructor", "toString" are ordinary tensor names: loaded into a record without prototype, saved from a Map', () => {
    const state = new Map([
      ['__proto__', g.tensor([1, 2])],
      ['constructor', g.tensor([3])],
      ['toString', g.tensor([4], { dtype: 'int32' })],
    ]);
    const tensors = loadSafetensors(saveSafetensors(state));
    expect(Object.getPrototypeOf(tensors)).toBe(null);
    expect(Object.keys(tensors)).toEqual(['__proto__', 'constructor', 'toString']);
    // biome-ignore lint/suspicious/noProto: a tensor named __proto__ is the case under test
    expect(values(tensors['__proto__']!)).toEqual([1, 2]);
    expect(values(tensors['constructor']!)).toEqual([3]);
    expect(values(tensors['toString']!)).toEqual([4]);
    // And a record that has them as own keys saves them too.
    expect(Object.keys(loadSafetensors(saveSafetensors(tensors)))).toEqual(['__proto__', 'constructor', 'toString']);
  });

  it('metadata must map strings to strings, on load and on save', () => {
    expect(() => loadSafetensors(file({ __metadata__: { epochs: 3 } }))).toThrow(
      'loadSafetensors: __metadata__ values must be strings, but "epochs" is the number 3',
    );
    expect(() => loadSafetensors(file({ __metadata__: ['a'] }))).toThrow('__metadata__ must be an object of strings');
    expect(() => saveSafetensors({}, { epochs: 3 } as unknown as Record<string, string>)).toThrow(
      'saveSafetensors: __metadata__ values must be strings, but "epochs" is the number 3',
    );
    expect(() => saveSafetensors({ w: 3 } as unknown as Record<string, g.Tensor>)).toThrow('saveSafetensors: "w" is not a Tensor');
    expect(() => saveSafetensors({ __metadata__: g.zeros(1) })).toThrow('"__metadata__" is reserved');
    expect(loadSafetensorsWithMetadata(file({ __metadata__: null })).metadata).toBeUndefined();
  });
});

describe('safetensors: what the format rejects is an Error naming the problem', () => {
  const cases: [string, () => Uint8Array | ArrayBuffer, RegExp | string][] = [
    [
      'overlapping offsets',
      () => file({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, new Array(12).fill(0)),
      'tensor "b" (data_offsets [4, 12]) overlaps tensor "a" (data_offsets [0, 8])',
    ],
    [
      'two tensors on the same bytes',
      () => file({ a: f32([2], 0, 8), b: f32([2], 0, 8) }, new Array(8).fill(0)),
      /tensor "[ab]" \(data_offsets \[0, 8\]\) overlaps tensor "[ab]"/,
    ],
    [
      'a hole between tensors',
      () => file({ a: f32([2], 0, 8), b: f32([2], 12, 20) }, new Array(20).fill(0)),
      'the data bytes [8, 12) before tensor "b" (data_offsets [12, 20]) belong to no tensor',
    ],
    ['a hole at the start', () => file({ a: f32([2], 4, 12) }, new Array(12).fill(0)), 'the data bytes [0, 4) before tensor "a"'],
    [
      'bytes after the last tensor',
      () => file({ a: f32([2], 0, 8) }, new Array(9).fill(0)),
      "the tensors' data ends at byte 8, but 9 data bytes follow the header",
    ],
    ['data but no tensors', () => file({}, [1, 2]), "the tensors' data ends at byte 0, but 2 data bytes follow the header"],
    [
      'non-integer offsets',
      () => file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8.5] } }, new Array(8).fill(0)),
      'tensor "a" has data_offsets [0,8.5]: expected [begin, end], two non-negative integers',
    ],
    [
      'string offsets',
      () => file({ a: { dtype: 'F32', shape: [2], data_offsets: ['0', '8'] } }, new Array(8).fill(0)),
      'tensor "a" has data_offsets ["0","8"]',
    ],
    [
      'offsets beyond 2^53',
      // biome-ignore lint/correctness/noPrecisionLoss: offsets past 2^53 are the case under test
      () => file({ a: { dtype: 'U8', shape: [1], data_offsets: [9007199254740993, 9007199254740994] } }, [0]),
      'tensor "a" has data_offsets',
    ],
    [
      'one offset',
      () => file({ a: { dtype: 'F32', shape: [2], data_offsets: [0] } }, new Array(8).fill(0)),
      'tensor "a" has data_offsets [0]',
    ],
    [
      'offsets out of the buffer',
      () => file({ a: f32([2], 0, 8) }, new Array(4).fill(0)),
      'tensor "a" has data_offsets [0, 8] outside the 4 data bytes',
    ],
    [
      'begin after end',
      () => file({ a: { dtype: 'U8', shape: [0], data_offsets: [4, 0] } }, new Array(4).fill(0)),
      'tensor "a" has data_offsets [4, 0] outside the 4 data bytes (or begin > end)',
    ],
    [
      'invalid UTF-8 in the header',
      () => {
        const f = file('{"a":1}');
        f[10] = 0xff;
        return f;
      },
      'the 7-byte header is not valid UTF-8',
    ],
    [
      'a lone continuation byte',
      () => {
        const f = file('{"\u00e9":1}');
        f[10] = 0x80;
        return f;
      },
      'not valid UTF-8',
    ],
    ['a byte-order mark', () => file('\ufeff{}'), 'the header is not valid JSON'],
    ['a header that is not JSON', () => file('{"a":'), 'the header is not valid JSON'],
    ['a header that is an array', () => file('[]'), 'the header must be a JSON object, got an array'],
    ['a header that is a number', () => file('42'), 'the header must be a JSON object, got the number 42'],
    ['a header that is null', () => file('null'), 'the header must be a JSON object, got null'],
    ['a header that is a string', () => file('"weights"'), 'the header must be a JSON object, got the string "weights"'],
    [
      'a header length larger than the file',
      () => file({}, [], 100n),
      'header length 100 exceeds the file size (10 bytes, 2 after the length)',
    ],
    [
      'an absurd header length',
      () => file({}, [], 2n ** 63n),
      "header length 9223372036854775808 is larger than the format's limit of 100000000 bytes",
    ],
    ['fewer than 8 bytes', () => new Uint8Array(3), '3 bytes is too short'],
    [
      'an entry that is not an object',
      () => file({ a: 5 }),
      'tensor "a" must be an object { dtype, shape, data_offsets }, got the number 5',
    ],
    ['missing dtype', () => file({ a: { shape: [2], data_offsets: [0, 8] } }, new Array(8).fill(0)), 'tensor "a" is missing "dtype"'],
    ['missing shape', () => file({ a: { dtype: 'F32', data_offsets: [0, 8] } }, new Array(8).fill(0)), 'tensor "a" is missing "shape"'],
    ['missing data_offsets', () => file({ a: { dtype: 'F32', shape: [2] } }, new Array(8).fill(0)), 'tensor "a" is missing "data_offsets"'],
    [
      'a dtype that is not a string',
      () => file({ a: { dtype: 5, shape: [2], data_offsets: [0, 8] } }, new Array(8).fill(0)),
      'tensor "a" has unknown dtype 5',
    ],
    [
      'a shape that is not an array',
      () => file({ a: { dtype: 'F32', shape: '2', data_offsets: [0, 8] } }, new Array(8).fill(0)),
      'tensor "a" has shape "2": a shape is an array of non-negative integers',
    ],
    [
      'a fractional shape [0.5, 16384]',
      () => file({ a: { dtype: 'F32', shape: [0.5, 16384], data_offsets: [0, 32768] } }, new Array(32768).fill(0)),
      'tensor "a" has shape [0.5,16384]',
    ],
    [
      'a negative shape [-2, 2]',
      () => file({ a: { dtype: 'F32', shape: [-2, 2], data_offsets: [0, 16] } }, new Array(16).fill(0)),
      'tensor "a" has shape [-2,2]',
    ],
    [
      'a string in the shape ["2", 2]',
      () => file({ a: { dtype: 'F32', shape: ['2', 2], data_offsets: [0, 16] } }, new Array(16).fill(0)),
      'tensor "a" has shape ["2",2]',
    ],
    [
      'a shape whose size overflows',
      () => file({ a: { dtype: 'U8', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 0] } }),
      'tensor "a" has shape [1099511627776, 1099511627776], whose size overflows',
    ],
    [
      'a shape that does not match the bytes',
      () => file({ a: f32([3], 0, 8) }, new Array(8).fill(0)),
      'tensor "a" of dtype F32 and shape [3] needs 12 bytes, but its data_offsets [0, 8] span 8',
    ],
    [
      'an unknown dtype',
      () => file({ a: { dtype: 'F31', shape: [2], data_offsets: [0, 8] } }, new Array(8).fill(0)),
      'tensor "a" has unknown dtype "F31"',
    ],
    [
      'the dtype "toString"',
      () => file({ a: { dtype: 'toString', shape: [2], data_offsets: [0, 8] } }, new Array(8).fill(0)),
      'tensor "a" has unknown dtype "toString"',
    ],
    [
      'the dtype "constructor"',
      () => file({ a: { dtype: 'constructor', shape: [2], data_offsets: [0, 8] } }, new Array(8).fill(0)),
      'tensor "a" has unknown dtype "constructor"',
    ],
    [
      'the dtype "__proto__"',
      () => file({ a: { dtype: '__proto__', shape: [2], data_offsets: [0, 8] } }, new Array(8).fill(0)),
      'tensor "a" has unknown dtype "__proto__"',
    ],
    [
      'an I64 value outside int32',
      () => file({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, [0, 0, 0, 0, 1, 0, 0, 0]),
      'tensor "a" holds I64 value 4294967296, outside int32',
    ],
  ];
  for (const [name, make, message] of cases) {
    it(name, () => {
      let error: unknown;
      try {
        loadSafetensors(make());
      } catch (e) {
        error = e;
      }
      expect(error, 'it must throw').toBeInstanceOf(Error);
      expect((error as Error).constructor, 'an Error, not a TypeError/RangeError from inside').toBe(Error);
      expect((error as Error).message).toMatch(/^loadSafetensors: /);
      if (typeof message === 'string') expect((error as Error).message).toContain(message);
      else expect((error as Error).message).toMatch(message);
    });
  }

  it('accepts what the format allows: zero-size tensors anywhere, a 0-d tensor, unknown extra fields, padding spaces', () => {
    const tensors = loadSafetensors(
      file(
        `{"z":{"dtype":"F32","shape":[0,3],"data_offsets":[4,4]},"s":{"dtype":"F32","shape":[],"data_offsets":[0,4],"extra":1},"e":{"dtype":"I8","shape":[0],"data_offsets":[0,0]}}   `,
        [0, 0, 0x80, 0x3f],
      ),
    );
    expect(tensors['z']!.shape).toEqual([0, 3]);
    expect(tensors['s']!.shape).toEqual([]);
    expect(tensors['s']!.item()).toBe(1);
    expect(tensors['e']!.shape).toEqual([0]);
  });
});

describe('safetensors written the way PyTorch writes them (the safetensors library layout, from the generator)', () => {
  for (const f of fixture.data.files) {
    it(f.name, () => {
      const { tensors, metadata } = loadSafetensorsWithMetadata(fromBase64(f.bytes));
      expect(metadata === undefined ? null : { ...metadata }).toEqual(f.metadata);
      expect(Object.keys(tensors).sort()).toEqual(f.tensors.map((t) => t.name).sort());
      for (const want of f.tensors as { name: string; dtype: string; shape: number[]; values: (number | string)[] }[]) {
        const name = want.name;
        const t = tensors[name]!;
        expect(t.dtype, name).toBe(want.dtype);
        expect(t.shape, name).toEqual(want.shape);
        const expected = want.values.map(decodeNumber);
        expect(values(t), name).toEqual(want.dtype === 'float32' ? expected.map(Math.fround) : expected);
      }
    });
  }

  it('a PyTorch model state dict loads into the same Graft model and gives PyTorch outputs', () => {
    const m = fixture.data.model;
    const model = new Sequential(new Linear(4, 3), new BatchNorm1d(3), new ReLU(), new Linear(3, 2));
    const state = loadSafetensors(fromBase64(m.bytes));
    expect(Object.keys(state).sort()).toEqual([...m.keys].sort());
    model.loadStateDict(state);
    model.eval();
    const out = model.call(g.tensor(Float32Array.from(m.x), { shape: [5, 4] })) as g.Tensor;
    const got = values(out);
    m.out.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(1e-5));
  });
});

/** A file's length field, header text and data size, for a failure message. */
function describeFile(bytes: Uint8Array): string {
  if (bytes.length < 8) return `${bytes.length} bytes`;
  const n = new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true);
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + Math.min(Number(n), 2000)));
  return `length field ${n}, file ${bytes.length} bytes, header ${text}`;
}

/** mulberry32: a small seeded generator, so a failing mutation can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The format's rules, written out independently of the loader: the decoded tensors of a valid file, or null. */
function reference(bytes: Uint8Array): Map<string, { shape: number[]; values: number[] }> | null {
  const sizes: Record<string, number> = {
    BOOL: 1,
    U8: 1,
    I8: 1,
    F8_E5M2: 1,
    F8_E4M3: 1,
    I16: 2,
    U16: 2,
    F16: 2,
    BF16: 2,
    I32: 4,
    U32: 4,
    F32: 4,
    F64: 8,
    I64: 8,
    U64: 8,
  };
  if (bytes.length < 8) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > 100_000_000n || Number(n) > bytes.length - 8) return null;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + Number(n))));
  } catch {
    return null;
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return null;
  const start = 8 + Number(n);
  const spans: [number, number][] = [];
  const out = new Map<string, { shape: number[]; values: number[] }>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (info === null) continue;
      if (typeof info !== 'object' || Array.isArray(info) || !Object.values(info).every((v) => typeof v === 'string')) return null;
      continue;
    }
    if (typeof info !== 'object' || info === null || Array.isArray(info)) return null;
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
    const isIndex = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
    if (typeof dtype !== 'string' || !Object.hasOwn(sizes, dtype)) return null;
    if (!Array.isArray(shape) || !shape.every(isIndex) || !Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex))
      return null;
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const [b, e] = offsets as [number, number];
    if (!Number.isSafeInteger(count) || b > e || start + e > bytes.length || e - b !== count * sizes[dtype]!) return null;
    spans.push([b, e]);
    const at = (i: number) => start + b + i * sizes[dtype]!;
    const half = (h: number) =>
      (h & 0x8000 ? -1 : 1) *
      ((h >> 10) & 0x1f
        ? ((h >> 10) & 0x1f) === 31
          ? h & 0x3ff
            ? NaN
            : Infinity
          : (1 + (h & 0x3ff) / 1024) * 2 ** (((h >> 10) & 0x1f) - 15)
        : (h & 0x3ff) * 2 ** -24);
    const read: Record<string, (i: number) => number | bigint> = {
      BOOL: (i) => (view.getUint8(at(i)) ? 1 : 0),
      U8: (i) => view.getUint8(at(i)),
      I8: (i) => view.getInt8(at(i)),
      I16: (i) => view.getInt16(at(i), true),
      U16: (i) => view.getUint16(at(i), true),
      I32: (i) => view.getInt32(at(i), true),
      U32: (i) => view.getUint32(at(i), true),
      I64: (i) => view.getBigInt64(at(i), true),
      U64: (i) => view.getBigUint64(at(i), true),
      F32: (i) => view.getFloat32(at(i), true),
      F64: (i) => view.getFloat64(at(i), true),
      F16: (i) => Math.fround(half(view.getUint16(at(i), true))),
      BF16: (i) => new Float32Array(new Uint32Array([view.getUint16(at(i), true) << 16]).buffer)[0]!,
      F8_E5M2: (i) => Math.fround(half(view.getUint8(at(i)) << 8)),
      F8_E4M3: (i) => {
        const v = view.getUint8(at(i));
        const [s, e, m] = [v & 0x80 ? -1 : 1, (v >> 3) & 0xf, v & 7];
        return e === 15 && m === 7 ? NaN : e === 0 ? s * m * 2 ** -9 : s * (1 + m / 8) * 2 ** (e - 7);
      },
    };
    const vals: number[] = [];
    for (let i = 0; i < count; i++) {
      const v = read[dtype]!(i);
      if (typeof v === 'bigint' || dtype === 'U32') {
        if (v > 2147483647 || v < -2147483648) return null; // Graft's integers are int32: such a value is refused
      }
      vals.push(Number(v));
    }
    out.set(name, { shape: shape as number[], values: vals });
  }
  spans.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let end = 0;
  for (const [b, e] of spans) {
    if (b !== end) return null;
    end = e;
  }
  return end === bytes.length - start ? out : null;
}

describe('safetensors: mutation fuzzing (seeded)', () => {
  const bases = [
    fromBase64(fixture.data.files[0]!.bytes),
    fromBase64(fixture.data.model.bytes),
    saveSafetensors(
      new Map([
        [
          'a',
          g.tensor([
            [1, 2],
            [3, 4],
          ]),
        ],
        ['b', g.tensor([true, false])],
        ['c', g.tensor(5, { dtype: 'float64' })],
        ['d', g.zeros(0, 2)],
        ['e', g.tensor([7], { dtype: 'int32' })],
      ]),
    ),
  ];
  const weird: unknown[] = [
    -1,
    0.5,
    '0',
    null,
    [],
    {},
    [1],
    2 ** 53,
    2 ** 53 + 2,
    1e300,
    -0,
    true,
    'F32',
    'toString',
    '__proto__',
    'constructor',
    'I64',
    'BF16',
    'U64',
    'F8_E4M3',
    'hasOwnProperty',
  ];

  function headerOf(bytes: Uint8Array): { n: number; json: Record<string, unknown> } {
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    return { n, json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) };
  }

  function withHeader(bytes: Uint8Array, header: unknown, lengthDelta = 0): Uint8Array {
    const { n } = headerOf(bytes);
    const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
    const out = new Uint8Array(8 + text.length + bytes.length - 8 - n);
    new DataView(out.buffer).setBigUint64(0, BigInt(Math.max(0, text.length + lengthDelta)), true);
    out.set(text, 8);
    out.set(bytes.subarray(8 + n), 8 + text.length);
    return out;
  }

  function mutate(base: Uint8Array, random: () => number): Uint8Array {
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const int = (n: number) => Math.floor(random() * n);
    const { json } = headerOf(base);
    const names = Object.keys(json).filter((k) => k !== '__metadata__');
    const name = pick(names);
    const entry = json[name] as Record<string, unknown>;
    switch (int(12)) {
      case 0:
        return base.slice(0, int(base.length));
      case 1: {
        const b = base.slice();
        const i = int(b.length);
        b[i]! ^= 1 << int(8);
        return b;
      }
      case 2: {
        const b = base.slice();
        for (let k = 1 + int(4); k > 0; k--) b[int(b.length)] = int(256);
        return b;
      }
      case 3: {
        const b = base.slice();
        new DataView(b.buffer).setBigUint64(
          0,
          pick([0n, 1n, 7n, BigInt(b.length), BigInt(b.length - 8), 2n ** 64n - 1n, 100_000_001n, BigInt(int(b.length))]),
          true,
        );
        return b;
      }
      case 4: {
        const b = new Uint8Array(base.length + 1 + int(9));
        b.set(base);
        return b;
      }
      case 5: {
        entry['data_offsets'] = (entry['data_offsets'] as number[]).map((v) => (random() < 0.5 ? v + int(9) - 4 : v));
        return withHeader(base, json);
      }
      case 6: {
        entry[pick(['dtype', 'shape', 'data_offsets'])] = pick(weird);
        return withHeader(base, json);
      }
      case 7: {
        const s = [...(entry['shape'] as number[])];
        if (s.length === 0 || random() < 0.3) s.push(pick([0, 1, 2, 0.5, -1]));
        else s[int(s.length)] = pick([0, 1, 2, 3, 0.5, -2, '2', 2 ** 40]) as number;
        entry['shape'] = s;
        return withHeader(base, json);
      }
      case 8: {
        entry['dtype'] = pick([
          'F32',
          'F64',
          'I32',
          'I64',
          'BOOL',
          'U8',
          'I8',
          'I16',
          'U16',
          'F16',
          'BF16',
          'U32',
          'U64',
          'F8_E5M2',
          'toString',
          '__proto__',
          'constructor',
          'f32',
          '',
        ]);
        return withHeader(base, json);
      }
      case 9: {
        delete entry[pick(['dtype', 'shape', 'data_offsets'])];
        return withHeader(base, json);
      }
      case 10: {
        json['__metadata__'] = pick<unknown>([{ a: 1 }, { a: 'b' }, null, [], 'x', { __proto__: 'p' }, { toString: 'x' }]);
        return withHeader(base, json, pick([0, 0, 0, 1, -1]));
      }
      default: {
        if (random() < 0.5) return withHeader(base, pick(['[]', '42', 'null', '"x"', '{', '{}', JSON.stringify(json).slice(0, -1)]));
        const renamed: Record<string, unknown> = Object.create(null);
        for (const [k, v] of Object.entries(json))
          Object.defineProperty(renamed, k === name ? pick(['__proto__', 'constructor', 'toString', '', 'é', name]) : k, {
            value: v,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        return withHeader(base, renamed);
      }
    }
  }

  it('3000 mutations of valid files: each is a clean Error, or a load equal to the bytes each tensor claims', () => {
    const random = prng(0x5afe7e45);
    let loaded = 0;
    let refused = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const bytes = mutate(bases[trial % bases.length]!, random);
      const expected = reference(bytes);
      let result: Record<string, g.Tensor> | undefined;
      try {
        result = loadSafetensors(bytes);
      } catch (e) {
        if (!(e instanceof Error) || e.constructor !== Error || !e.message.startsWith('loadSafetensors: ')) {
          throw new Error(`trial ${trial}: not a clean Error: ${String(e)}`, { cause: e });
        }
        if (expected !== null) throw new Error(`trial ${trial}: a valid file was refused: ${e.message}: ${describeFile(bytes)}`);
        refused++;
        continue;
      }
      if (expected === null) throw new Error(`trial ${trial}: an invalid file was accepted: ${describeFile(bytes)}`);
      expect(Object.keys(result).sort(), `trial ${trial}`).toEqual([...expected.keys()].sort());
      for (const [name, want] of expected) {
        expect(result[name]!.shape, `trial ${trial} ${name}`).toEqual(want.shape);
        const got = values(result[name]!);
        const same =
          got.length === want.values.length &&
          got.every((v, i) => Object.is(v, want.values[i]) || (Number.isNaN(v) && Number.isNaN(want.values[i]!)) || v === want.values[i]);
        if (!same)
          throw new Error(`trial ${trial}: tensor "${name}" is not the bytes it claims: ${got.slice(0, 8)} vs ${want.values.slice(0, 8)}`);
      }
      loaded++;
    }
    // Both outcomes occur often enough for the property to mean something.
    expect(loaded).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(1000);
  });
});
