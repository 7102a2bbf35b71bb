/**
 * The safetensors format: an 8-byte little-endian header length N, a UTF-8
 * JSON header of N bytes ({ name: { dtype, shape, data_offsets: [begin, end] },
 * "__metadata__": { string: string } }, padded with spaces), then the raw
 * little-endian data. Weights move between Graft and PyTorch
 * (`safetensors.torch.save_file` / `load_file`).
 *
 * Loading checks everything the format requires (as the reference reader
 * does) before it makes a tensor: a header length within the file and below
 * 100 MB, valid UTF-8, a JSON object, entries with a known dtype, a shape of
 * non-negative integers and integer offsets whose span is exactly the
 * shape's bytes, and tensors that tile the data exactly — no overlap, no
 * hole, nothing after the last one. Any violation is an `Error` naming the
 * problem (the tensor, the offsets), never a wrong tensor.
 */
import * as g from '@graft/core';
import type { DType, Tensor } from '@graft/core';

/** The reference reader's limit on the header's size. */
const MAX_HEADER_BYTES = 100_000_000;

type Values = Float32Array | Float64Array | Int32Array | Uint8Array;

/** How each of the format's dtypes is stored, and how it becomes a Graft tensor. */
interface FileDType {
  bytes: number;
  /** Values from a fresh, aligned, little-endian copy of the tensor's bytes. */
  decode(buffer: ArrayBuffer, count: number, name: string): Values;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** FP8 E4M3 ("fn": no infinities, S.1111.111 is NaN). */
function e4m3ToFloat(b: number): number {
  const s = b & 0x80 ? -1 : 1;
  const e = (b >> 3) & 0xf;
  const m = b & 7;
  if (e === 15 && m === 7) return NaN;
  if (e === 0) return s * m * 2 ** -9;
  return s * (1 + m / 8) * 2 ** (e - 7);
}

/** Integers that Graft holds as int32: a value outside it is an error, not a wrap. */
function toInt32(values: ArrayLike<number | bigint>, name: string, dtype: string): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > 2147483647 || v < -2147483648) {
      throw new Error(`loadSafetensors: tensor "${name}" holds ${dtype} value ${v}, outside int32 (Graft's integer type)`);
    }
    out[i] = Number(v);
  }
  return out;
}

const FILE_DTYPES: ReadonlyMap<string, FileDType> = new Map<string, FileDType>([
  ['BOOL', { bytes: 1, decode: (b) => Uint8Array.from(new Uint8Array(b), (v) => (v ? 1 : 0)) }],
  ['U8', { bytes: 1, decode: (b) => Int32Array.from(new Uint8Array(b)) }],
  ['I8', { bytes: 1, decode: (b) => Int32Array.from(new Int8Array(b)) }],
  ['F8_E5M2', { bytes: 1, decode: (b) => Float32Array.from(new Uint8Array(b), (v) => halfToFloat(v << 8)) }],
  ['F8_E4M3', { bytes: 1, decode: (b) => Float32Array.from(new Uint8Array(b), e4m3ToFloat) }],
  ['I16', { bytes: 2, decode: (b) => Int32Array.from(new Int16Array(b)) }],
  ['U16', { bytes: 2, decode: (b) => Int32Array.from(new Uint16Array(b)) }],
  ['F16', { bytes: 2, decode: (b) => Float32Array.from(new Uint16Array(b), halfToFloat) }],
  ['BF16', { bytes: 2, decode: (b) => new Float32Array(Uint32Array.from(new Uint16Array(b), (h) => h << 16).buffer) }],
  ['I32', { bytes: 4, decode: (b) => new Int32Array(b) }],
  ['U32', { bytes: 4, decode: (b, _count, name) => toInt32(new Uint32Array(b), name, 'U32') }],
  ['F32', { bytes: 4, decode: (b) => new Float32Array(b) }],
  ['F64', { bytes: 8, decode: (b) => new Float64Array(b) }],
  // PyTorch's default integer type; Graft's is int32: values must fit.
  ['I64', { bytes: 8, decode: (b, _count, name) => toInt32(new BigInt64Array(b), name, 'I64') }],
  ['U64', { bytes: 8, decode: (b, _count, name) => toInt32(new BigUint64Array(b), name, 'U64') }],
]);

const TO_FILE: ReadonlyMap<DType, string> = new Map<DType, string>([
  ['float32', 'F32'],
  ['float64', 'F64'],
  ['int32', 'I32'],
  ['bool', 'BOOL'],
]);

function littleEndian(): boolean {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}

/** How a JSON value is named in an error. */
function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `the ${typeof v} ${JSON.stringify(v)}`;
}

/** Strings JSON can carry to every reader: no lone UTF-16 surrogates. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The bytes of any binary input, as a Uint8Array over the same memory. */
function asBytes(op: string, input: unknown): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && input instanceof SharedArrayBuffer))
    return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError(
    `${op}: expected the file's bytes as a Uint8Array or an ArrayBuffer, got ${input === null ? 'null' : typeof input === 'object' ? (input.constructor?.name ?? 'an object') : typeof input}`,
  );
}

/** A plain record's own keys, or a Map's entries. */
function entriesOf<T>(record: Record<string, T> | ReadonlyMap<string, T>): [string, T][] {
  if (record instanceof Map) return [...(record as ReadonlyMap<string, T>)];
  return Object.keys(record).map((k) => [k, (record as Record<string, T>)[k]!]);
}

function checkMetadata(op: string, metadata: unknown): Record<string, string> | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  if (typeof metadata !== 'object' || Array.isArray(metadata))
    throw new Error(`${op}: __metadata__ must be an object of strings, got ${kind(metadata)}`);
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of entriesOf(metadata as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new Error(`${op}: __metadata__ values must be strings, but "${k}" is ${kind(v)}`);
    if (LONE_SURROGATE.test(k) || LONE_SURROGATE.test(v))
      throw new Error(`${op}: __metadata__ entry "${k}" is not well-formed Unicode (a lone surrogate)`);
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Serialises a state dict (a Record or a Map of tensors; any names, `"__proto__"`
 * included) with optional string metadata to safetensors bytes.
 *
 * @example
 * const bytes = saveSafetensors(model.stateDict(), { format: 'pt' });
 */
export function saveSafetensors(
  state: Record<string, Tensor> | ReadonlyMap<string, Tensor>,
  metadata?: Record<string, string> | null,
): Uint8Array {
  if (!littleEndian()) throw new Error('saveSafetensors: big-endian platforms are not supported');
  if (typeof state !== 'object' || state === null || Array.isArray(state) || state instanceof g.Tensor) {
    throw new TypeError(`saveSafetensors: expected a state dict (a Record or a Map of tensors), got ${kind(state)}`);
  }
  const header = Object.create(null) as Record<string, unknown>;
  const meta = checkMetadata('saveSafetensors', metadata);
  if (meta !== undefined) header['__metadata__'] = meta;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of entriesOf(state)) {
    if (name === '__metadata__') throw new Error('saveSafetensors: "__metadata__" is reserved and cannot be a tensor name');
    if (LONE_SURROGATE.test(name))
      throw new Error(`saveSafetensors: tensor name ${JSON.stringify(name)} is not well-formed Unicode (a lone surrogate)`);
    if (!(t instanceof g.Tensor)) throw new TypeError(`saveSafetensors: "${name}" is not a Tensor (got ${kind(t)})`);
    const data = t.dataSync();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    Object.defineProperty(header, name, {
      value: { dtype: TO_FILE.get(t.dtype), shape: [...t.shape], data_offsets: [offset, offset + bytes.byteLength] },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  const padding = (8 - (json.byteLength % 8)) % 8;
  if (padding) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padding));
  const out = new Uint8Array(8 + json.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  let pos = 8 + json.byteLength;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.byteLength;
  }
  return out;
}

/** One header entry, checked. */
interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function parseEntry(name: string, raw: unknown, dataLength: number): Entry {
  const fail = (problem: string): never => {
    throw new Error(`loadSafetensors: tensor "${name}" ${problem}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return fail(`must be an object { dtype, shape, data_offsets }, got ${kind(raw)}`);
  const info = raw as Record<string, unknown>;
  for (const field of ['dtype', 'shape', 'data_offsets']) if (!Object.hasOwn(info, field)) fail(`is missing "${field}"`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string' || !FILE_DTYPES.has(dtype))
    return fail(`has unknown dtype ${JSON.stringify(dtype)} (the format's dtypes: ${[...FILE_DTYPES.keys()].join(', ')})`);
  if (!Array.isArray(shape) || !shape.every(isIndex))
    return fail(`has shape ${JSON.stringify(shape)}: a shape is an array of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    return fail(`has data_offsets ${JSON.stringify(offsets)}: expected [begin, end], two non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength)
    return fail(`has data_offsets [${begin}, ${end}] outside the ${dataLength} data bytes (or begin > end)`);
  let count = 1;
  for (const size of shape) {
    count *= size;
    if (!Number.isSafeInteger(count)) fail(`has shape [${shape.join(', ')}], whose size overflows`);
  }
  const bytes = count * FILE_DTYPES.get(dtype)!.bytes;
  if (end - begin !== bytes) {
    fail(
      `of dtype ${dtype} and shape [${shape.join(', ')}] needs ${bytes} bytes, but its data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** The tensors must tile the data: sorted by offsets, each starts where the previous ended, and the last ends the file. */
function checkTiling(entries: Entry[], dataLength: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let previous: Entry | undefined;
  for (const e of sorted) {
    if (e.begin < at) {
      throw new Error(
        `loadSafetensors: tensor "${e.name}" (data_offsets [${e.begin}, ${e.end}]) overlaps tensor "${previous!.name}" (data_offsets [${previous!.begin}, ${previous!.end}])`,
      );
    }
    if (e.begin > at)
      throw new Error(
        `loadSafetensors: the data bytes [${at}, ${e.begin}) before tensor "${e.name}" (data_offsets [${e.begin}, ${e.end}]) belong to no tensor`,
      );
    at = e.end;
    previous = e;
  }
  if (at !== dataLength)
    throw new Error(
      `loadSafetensors: the tensors' data ends at byte ${at}, but ${dataLength} data bytes follow the header: bytes [${at}, ${dataLength}) belong to no tensor`,
    );
}

/** Options of `loadSafetensors` and `loadSafetensorsWithMetadata`. */
export interface LoadSafetensorsOptions {
  /** Where to put the tensors (default: the current backend). */
  device?: string;
}

/**
 * Reads safetensors bytes (a Uint8Array, also a view into a larger buffer,
 * or an ArrayBuffer); also returns the metadata. The returned records have
 * no prototype, so any tensor name — `"__proto__"` included — is an
 * ordinary key. F16/BF16/F8 become float32; I8/U8/I16/U16/U32/I64/U64
 * become int32 (a value outside int32 is an error).
 *
 * @example
 * const { tensors, metadata } = loadSafetensorsWithMetadata(bytes);
 */
export function loadSafetensorsWithMetadata(
  bytes: Uint8Array | ArrayBuffer,
  options?: LoadSafetensorsOptions,
): { tensors: Record<string, Tensor>; metadata: Record<string, string> | undefined } {
  const o = g.checkOptions('loadSafetensors', options, ['device']);
  if (!littleEndian()) throw new Error('loadSafetensors: big-endian platforms are not supported');
  const file = asBytes('loadSafetensors', bytes);
  if (file.byteLength < 8)
    throw new Error(`loadSafetensors: ${file.byteLength} bytes is too short for a safetensors file (the header length alone is 8 bytes)`);
  const headerLength = new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES))
    throw new Error(`loadSafetensors: header length ${headerLength} is larger than the format's limit of ${MAX_HEADER_BYTES} bytes`);
  const n = Number(headerLength);
  if (n > file.byteLength - 8)
    throw new Error(
      `loadSafetensors: header length ${n} exceeds the file size (${file.byteLength} bytes, ${file.byteLength - 8} after the length)`,
    );
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(file.subarray(8, 8 + n));
  } catch {
    throw new Error(`loadSafetensors: the ${n}-byte header is not valid UTF-8`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new Error(`loadSafetensors: the header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw new Error(`loadSafetensors: the header must be a JSON object, got ${kind(header)}`);
  const fields = header as Record<string, unknown>;
  const dataStart = 8 + n;
  const dataLength = file.byteLength - dataStart;
  const metadata = checkMetadata('loadSafetensors', Object.hasOwn(fields, '__metadata__') ? fields['__metadata__'] : undefined);
  const entries = Object.keys(fields)
    .filter((name) => name !== '__metadata__')
    .map((name) => parseEntry(name, fields[name], dataLength));
  checkTiling(entries, dataLength);
  const tensors = Object.create(null) as Record<string, Tensor>;
  const device = o.device !== undefined ? { device: o.device } : {};
  for (const e of entries) {
    const count = e.shape.reduce((a, b) => a * b, 1);
    // A copy (not Buffer#slice, which is a view into Node's pool): aligned for typed-array views, independent of the caller's buffer.
    const region = new Uint8Array(file.subarray(dataStart + e.begin, dataStart + e.end)).buffer;
    const values = FILE_DTYPES.get(e.dtype)!.decode(region, count, e.name);
    tensors[e.name] = g.tensor(values, { shape: e.shape, ...device });
  }
  return { tensors, metadata };
}

/**
 * Reads safetensors bytes into a state dict (a record without prototype, in
 * the header's order; see `loadSafetensorsWithMetadata`).
 *
 * @example
 * model.loadStateDict(loadSafetensors(bytes));
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer, options?: LoadSafetensorsOptions): Record<string, Tensor> {
  return loadSafetensorsWithMetadata(bytes, options).tensors;
}
