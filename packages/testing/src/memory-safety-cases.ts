/**
 * Memory safety, on every backend: hostile shapes at every shape-taking entry
 * point, canary tensors that failed allocations and hostile input must leave
 * bit for bit alone, and random chains of views whose values — and whose
 * in-place writes into their base — are checked against index arithmetic done
 * here in plain JavaScript. Every case is generated from a seed derived from
 * its name, so a failure reproduces.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { assertEqual, assertThrows, fail } from './assert.js';
import type { TestApi } from './index.js';
import { roundsOf } from './rounds.js';

interface Context {
  device: string;
  inDevice<T>(fn: () => T): T;
  supportsFloat64: boolean;
  /** ConformanceOptions.propertyScale. */
  propertyScale: number;
}

/** A 32-bit FNV-1a hash of a case's name: its seed. */
function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: a small seeded generator of floats in [0, 1). */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const int = (r: Random, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1)); // inclusive
const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

// ---------------------------------------------------------------- hostile shapes

/** Sizes no shape may contain, and sizes that are valid but too large to allocate (with small valid ones around them). */
const HOSTILE: readonly unknown[] = [
  -1,
  -2,
  -0.5,
  0.5,
  1.5,
  NaN,
  Infinity,
  -Infinity,
  '2',
  '',
  null,
  undefined,
  true,
  {},
  [],
  [2],
  1e300,
  -1e300,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  1073725440,
  65536,
];
/** Whole shapes that are hostile as a whole: products past 2^53, past the allocation limit, empty with huge sizes, not arrays. */
const HOSTILE_SHAPES: readonly unknown[] = [
  [2 ** 27, 2 ** 27],
  [2 ** 27, 2 ** 27, 0],
  [65536, 65536],
  [2 ** 31],
  [1073725440],
  [1e300, 0],
  [0.5, 16384],
  [-2, -2],
  ['2', '2'],
  [NaN],
  [Infinity, 0],
  [2 ** 26, 2 ** 26, 2 ** 26],
  5,
  '2,2',
  null,
  { length: 2 },
  new Float64Array([2, 0.5]),
];

function hostileShape(r: Random): unknown {
  if (r() < 0.25) return pick(r, HOSTILE_SHAPES);
  const n = int(r, 0, 4);
  return Array.from({ length: n }, () => (r() < 0.55 ? int(r, 0, 3) : pick(r, HOSTILE)));
}
const hostileNumber = (r: Random): unknown => (r() < 0.5 ? int(r, -4, 4) : pick(r, HOSTILE));

/** Errors that come from inside Graft or the engine rather than from a check at the boundary. */
const INTERNAL =
  /Cannot read|Cannot convert|is not a function|is not iterable|Invalid typed array length|Invalid array length|Array buffer allocation failed|Maximum call stack|NaN bytes/i;

/** A tensor returned from hostile input must be a valid one. */
function checkValidResult(what: string, t: unknown): void {
  const list = Array.isArray(t) ? t : [t];
  for (const x of list) {
    if (!(x instanceof g.Tensor)) fail(`${what}: returned ${typeof x}, not a Tensor`);
    for (const d of x.shape) if (!Number.isSafeInteger(d) || d < 0) fail(`${what}: returned a tensor of shape [${x.shape.join(', ')}]`);
    const n = x.numel();
    if (!Number.isSafeInteger(n)) fail(`${what}: returned ${n} elements`);
    if (n <= 1 << 16) assertEqual(x.dataSync().length, n, `${what}: elements read back`);
  }
}

/** Every shape-taking entry point, each called with a hostile shape or number. */
function entryPoints(r: Random): [op: string, call: () => unknown][] {
  const s = hostileShape(r);
  const n = hostileNumber;
  const x = g.arange(6, { dtype: 'float32' }).reshape(2, 3);
  const one = g.ones(1, 1);
  const spread = Array.isArray(s) ? (s as number[]) : [s as number];
  return [
    [
      'tensor',
      () =>
        g.tensor(
          new Float32Array(
            Array.isArray(s) && s.every((d) => typeof d === 'number' && d >= 0 && d < 64) ? (s as number[]).reduce((a, b) => a * b, 1) : 4,
          ),
          { shape: s as number[] },
        ),
    ],
    ['zeros', () => g.zeros(s as number[])],
    ['zeros', () => g.zeros(...spread)],
    ['ones', () => g.ones(s as number[])],
    ['empty', () => g.empty(...spread)],
    ['full', () => g.full(s as number[], 7)],
    ['rand', () => g.rand(s as number[])],
    ['randn', () => g.randn(...spread)],
    ['randint', () => g.randint(0, 5, s as number[])],
    ['eye', () => g.eye(n(r) as number, n(r) as number)],
    ['arange', () => g.arange(n(r) as number)],
    ['arange', () => g.arange(n(r) as number, n(r) as number, n(r) as number)],
    ['linspace', () => g.linspace(0, 1, n(r) as number)],
    ['reshape', () => x.reshape(s as number[])],
    ['view', () => x.view(...spread)],
    ['expand', () => one.expand(s as number[])],
    ['repeat', () => one.repeat(s as number[])],
    ['flatten', () => x.flatten(n(r) as number, n(r) as number)],
    ['narrow', () => x.narrow(n(r) as number, n(r) as number, n(r) as number)],
    ['select', () => x.select(n(r) as number, n(r) as number)],
    ['slice', () => x.slice(n(r) as number, n(r) as number, n(r) as number, n(r) as number)],
    ['split', () => x.split(s as number[], 1)],
    ['chunk', () => x.chunk(n(r) as number, n(r) as number)],
    ['permute', () => x.permute(s as number[])],
    ['unsqueeze', () => x.unsqueeze(n(r) as number)],
    ['squeeze', () => x.squeeze(n(r) as number)],
    ['transpose', () => x.transpose(n(r) as number, n(r) as number)],
    ['pad', () => x.pad(s as number[])],
    ['expand', () => g.zerosLike(one.expand(s as number[]))],
  ];
}

// ---------------------------------------------------------------- views: a plain JavaScript reference

/** A strided view over a plain array, with PyTorch's view arithmetic done by hand. */
interface RefView {
  data: number[];
  shape: number[];
  strides: number[];
  offset: number;
}

/** The storage offsets a view reaches, in row-major order of its indices. */
function refOffsets(v: RefView): number[] {
  const out: number[] = [];
  const n = v.shape.reduce((a, b) => a * b, 1);
  const index = new Array<number>(v.shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let o = v.offset;
    for (let d = 0; d < index.length; d++) o += index[d]! * v.strides[d]!;
    out.push(o);
    for (let d = index.length - 1; d >= 0; d--) {
      if (++index[d]! < v.shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}
const refValues = (v: RefView): number[] => refOffsets(v).map((o) => v.data[o]!);

function contiguousRef(values: number[], shape: number[]): RefView {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return { data: values, shape, strides, offset: 0 };
}

interface Step {
  /** What was done, for the failure message. */
  label: string;
  /** True for ops that make a view of the same storage (writes through it reach the base). */
  isView: boolean;
  apply(t: Tensor): Tensor;
  ref(v: RefView): RefView;
}

const wrapDim = (d: number, nd: number) => (d < 0 ? d + nd : d);

/** A random view (or copy) op valid for a view of this shape, with its reference semantics. */
function randomStep(r: Random, v: RefView): Step | null {
  const nd = v.shape.length;
  const dimOf = (extra = 0) => int(r, -(nd + extra), nd + extra - 1);
  const kind = pick(r, [
    'narrow',
    'select',
    'slice',
    'transpose',
    'permute',
    'unsqueeze',
    'squeeze',
    't',
    'expand',
    'flip',
    'reshape',
  ] as const);
  switch (kind) {
    case 'narrow': {
      if (nd === 0) return null;
      const dim = dimOf();
      const d = wrapDim(dim, nd);
      const size = v.shape[d]!;
      const start = int(r, 0, size);
      const length = int(r, 0, size - start);
      const given = r() < 0.3 && start < size ? start - size : start; // negative starts count from the end
      return {
        label: `narrow(${dim}, ${given}, ${length})`,
        isView: true,
        apply: (t) => t.narrow(dim, given, length),
        ref: (u) => ({ ...u, shape: u.shape.map((s, k) => (k === d ? length : s)), offset: u.offset + start * u.strides[d]! }),
      };
    }
    case 'select': {
      if (nd === 0) return null;
      const dim = dimOf();
      const d = wrapDim(dim, nd);
      const size = v.shape[d]!;
      if (size === 0) return null;
      const index = int(r, -size, size - 1);
      const i = index < 0 ? index + size : index;
      return {
        label: `select(${dim}, ${index})`,
        isView: true,
        apply: (t) => t.select(dim, index),
        ref: (u) => ({
          ...u,
          shape: u.shape.filter((_, k) => k !== d),
          strides: u.strides.filter((_, k) => k !== d),
          offset: u.offset + i * u.strides[d]!,
        }),
      };
    }
    case 'slice': {
      if (nd === 0) return null;
      const dim = dimOf();
      const d = wrapDim(dim, nd);
      const size = v.shape[d]!;
      const bound = () => (r() < 0.2 ? null : int(r, -size - 2, size + 2));
      const start = bound();
      const end = bound();
      const step = int(r, 1, 3);
      // Python's slice clamping.
      const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
      const s = start === null ? 0 : clamp(start);
      const e = Math.max(end === null ? size : clamp(end), s);
      const length = Math.ceil((e - s) / step);
      return {
        label: `slice(${dim}, ${start}, ${end}, ${step})`,
        isView: true,
        apply: (t) => t.slice(dim, start, end, step),
        ref: (u) => ({
          ...u,
          shape: u.shape.map((x, k) => (k === d ? length : x)),
          strides: u.strides.map((x, k) => (k === d ? x * step : x)),
          offset: u.offset + s * u.strides[d]!,
        }),
      };
    }
    case 'transpose': {
      if (nd === 0) return null;
      const a = dimOf();
      const b = dimOf();
      const swap = <T>(xs: T[]) => {
        const out = xs.slice();
        [out[wrapDim(a, nd)], out[wrapDim(b, nd)]] = [xs[wrapDim(b, nd)]!, xs[wrapDim(a, nd)]!];
        return out;
      };
      return {
        label: `transpose(${a}, ${b})`,
        isView: true,
        apply: (t) => t.transpose(a, b),
        ref: (u) => ({ ...u, shape: swap(u.shape), strides: swap(u.strides) }),
      };
    }
    case 'permute': {
      const order = Array.from({ length: nd }, (_, i) => i);
      for (let i = nd - 1; i > 0; i--) {
        const j = int(r, 0, i);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      return {
        label: `permute(${order.join(', ')})`,
        isView: true,
        apply: (t) => t.permute(order),
        ref: (u) => ({ ...u, shape: order.map((k) => u.shape[k]!), strides: order.map((k) => u.strides[k]!) }),
      };
    }
    case 'unsqueeze': {
      if (nd >= 5) return null;
      const dim = dimOf(1);
      const d = wrapDim(dim, nd + 1);
      const insert = (xs: number[], value: number) => [...xs.slice(0, d), value, ...xs.slice(d)];
      // The stride of a size-1 dim is never used to reach an element: any value is right.
      return {
        label: `unsqueeze(${dim})`,
        isView: true,
        apply: (t) => t.unsqueeze(dim),
        ref: (u) => ({ ...u, shape: insert(u.shape, 1), strides: insert(u.strides, 1) }),
      };
    }
    case 'squeeze': {
      if (nd === 0) return null;
      if (r() < 0.5) {
        const keep = (u: RefView) => u.shape.map((s) => s !== 1);
        return {
          label: 'squeeze()',
          isView: true,
          apply: (t) => t.squeeze(),
          ref: (u) => ({ ...u, shape: u.shape.filter((_, k) => keep(u)[k]), strides: u.strides.filter((_, k) => keep(u)[k]) }),
        };
      }
      const dim = dimOf();
      const d = wrapDim(dim, nd);
      const drop = v.shape[d] === 1;
      return {
        label: `squeeze(${dim})`,
        isView: true,
        apply: (t) => t.squeeze(dim),
        ref: (u) => (drop ? { ...u, shape: u.shape.filter((_, k) => k !== d), strides: u.strides.filter((_, k) => k !== d) } : u),
      };
    }
    case 't': {
      if (nd > 2) return null;
      return {
        label: 't()',
        isView: true,
        apply: (t) => t.t(),
        ref: (u) => (nd < 2 ? u : { ...u, shape: [u.shape[1]!, u.shape[0]!], strides: [u.strides[1]!, u.strides[0]!] }),
      };
    }
    case 'expand': {
      if (nd >= 5) return null;
      const lead = r() < 0.3 ? 1 : 0;
      const target = [...(lead ? [int(r, 0, 3)] : []), ...v.shape.map((s) => (s === 1 && r() < 0.7 ? int(r, 0, 3) : r() < 0.2 ? -1 : s))];
      const shape = target.map((s, k) => (s === -1 ? v.shape[k - lead]! : s));
      return {
        label: `expand(${target.join(', ')})`,
        isView: false, // its elements alias: no writes through it
        apply: (t) => t.expand(target),
        ref: (u) => ({
          ...u,
          shape,
          strides: shape.map((s, k) => (k < lead || (u.shape[k - lead] === 1 && s !== 1) ? 0 : u.strides[k - lead]!)),
        }),
      };
    }
    case 'flip': {
      if (nd === 0) return null;
      const dims = [...new Set(Array.from({ length: int(r, 1, nd) }, () => int(r, 0, nd - 1)))];
      return {
        label: `flip([${dims.join(', ')}])`,
        isView: false, // a copy, as in PyTorch
        apply: (t) => t.flip(dims),
        ref: (u) => {
          const flipped: RefView = {
            ...u,
            strides: u.strides.map((s, k) => (dims.includes(k) ? -s : s)),
            offset: u.offset + dims.reduce((o, k) => o + (u.shape[k]! > 0 ? (u.shape[k]! - 1) * u.strides[k]! : 0), 0),
          };
          return contiguousRef(refValues(flipped), u.shape.slice());
        },
      };
    }
    case 'reshape': {
      const n = v.shape.reduce((a, b) => a * b, 1);
      // A random factorization of n (or any shape with a zero when n is 0), sometimes with one -1.
      const shape: number[] = [];
      let rest = n;
      const parts = int(r, 0, 3);
      for (let i = 0; i < parts; i++) {
        const divisors = n === 0 ? [0, 1, 2, 3] : Array.from({ length: rest }, (_, k) => k + 1).filter((k) => rest % k === 0);
        const dsz = pick(r, divisors);
        shape.push(dsz);
        if (n !== 0) rest /= dsz;
      }
      if (n === 0 && !shape.includes(0)) shape.push(0);
      else if (n !== 0) shape.push(rest);
      const given = shape.slice();
      if (n !== 0 && r() < 0.3) given[int(r, 0, given.length - 1)] = -1;
      return {
        label: `reshape(${given.join(', ')})`,
        isView: false, // a view or a copy: values only
        apply: (t) => t.reshape(given),
        ref: (u) => contiguousRef(refValues(u), shape),
      };
    }
  }
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

export function memorySafetyCases(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));

  t.describe(`conformance on '${ctx.device}': hostile shapes get a clear error or a valid tensor`, () => {
    it('every shape-taking entry point, 150 rounds of seeded hostile shapes and numbers', () => {
      const r = generator(seedOf('hostile shapes'));
      // Rounds draw from one stream: a scaled run takes the first ones.
      const rounds = roundsOf(150, ctx.propertyScale).length;
      for (let round = 0; round < rounds; round++) {
        for (const [op, call] of entryPoints(r)) {
          const what = `round ${round}: ${op}`;
          let result: unknown;
          try {
            result = call();
          } catch (e) {
            if (!(e instanceof Error)) fail(`${what}: threw ${String(e)}, not an Error`);
            if (INTERNAL.test(e.message)) fail(`${what}: an internal error escaped: ${e.message}`);
            if (!e.message.includes(op) && !/cannot allocate \d+ bytes/.test(e.message)) {
              fail(`${what}: the error does not name the op: ${e.message}`);
            }
            continue;
          }
          checkValidResult(what, result);
        }
      }
    });

    it('the reported examples: each names the op and the shape', () => {
      const data = new Float32Array(4);
      assertThrows(() => g.tensor(data, { shape: [-2, -2] }), ['tensor', 'non-negative integers', '[-2, -2]'], 'negative sizes');
      assertThrows(() => g.zeros([0.5, 8]), ['zeros: a shape must be non-negative integers, got [0.5, 8]'], 'fractional size');
      assertThrows(() => g.tensor(data, { shape: ['2', '2'] as unknown as number[] }), ['tensor', "['2', '2']"], 'strings');
      assertThrows(() => g.tensor(data, { shape: [1e300, 0] }), ['tensor', '[1e+300, 0]'], 'a size past 2^53 times zero');
      assertThrows(() => g.eye(-1), ['eye', '-1'], 'eye(-1)');
      assertThrows(() => g.zeros(2 ** 27, 2 ** 27), ['zeros', 'at most 2^53 - 1'], 'a product past 2^53');
      // A safetensors header claiming shape [0.5, 16384] over 8192 values: refused at the core boundary.
      assertThrows(() => g.tensor(new Float32Array(8192), { shape: [0.5, 16384] }), ['tensor', '[0.5, 16384]'], 'safetensors-like shape');
      assertThrows(() => g.ones(3).reshape(['3'] as unknown as number[]), ['reshape', "['3']"], 'reshape with a string');
      assertThrows(() => g.ones(1).expand(2.5), ['expand', '[2.5]'], 'expand to a fractional size');
      assertThrows(() => g.ones(2).repeat(-1), ['repeat', 'repeats', '[-1]'], 'negative repeat');
      assertThrows(() => g.ones(4).narrow(0, 0.5, 2), ['narrow', 'start', '0.5'], 'fractional narrow');
    });

    it('a user array given as a shape is copied: changing it later changes no tensor', () => {
      const shape = [2, 3];
      const a = g.zeros(shape);
      const b = g.tensor(new Float32Array(6), { shape });
      shape[0] = 1000;
      assertEqual(JSON.stringify([a.shape, b.shape]), '[[2,3],[2,3]]', 'shapes after the caller changed its array');
      assertEqual(a.add(b).dataSync().length, 6, 'elements');
    });
  });

  t.describe(`conformance on '${ctx.device}': failed allocations leave every other tensor untouched`, () => {
    it('canaries, small and large, survive huge allocations and hostile input bit for bit; new tensors do not alias them', () => {
      const canaries: Tensor[] = [
        g.arange(0, 7, { dtype: 'float32' }).mul(1.5),
        g.arange(0, 16384, { dtype: 'float32' }).mul(3).add(1), // 64 KiB: the CPU backend's wasm heap
        g.arange(0, 5000, { dtype: 'int32' }).mul(7),
        g.arange(0, 4099, { dtype: 'float32' }).sin(),
        g.arange(0, 20000, { dtype: 'float32' }).lt(10000),
        ...(ctx.supportsFloat64 ? [g.arange(0, 3000, { dtype: 'float64' }).div(7)] : []),
      ];
      const snapshot = () => canaries.map((c) => Array.from(c.dataSync()));
      const before = snapshot();
      const huge = () => g.ones(1).expand(2 ** 30);
      const attempts: [string, () => unknown][] = [
        ['zeros', () => g.zeros([1073725440])],
        ['zeros', () => g.zeros(2 ** 31)],
        ['ones', () => g.ones(65536, 65536)],
        ['empty', () => g.empty([2 ** 29, 2])],
        ['full', () => g.full([2 ** 30], 1)],
        ['rand', () => g.rand(2 ** 30)],
        ['randn', () => g.randn(2 ** 29, 4)],
        ['randint', () => g.randint(0, 3, [2 ** 31])],
        ['arange', () => g.arange(0, 2 ** 31)],
        ['linspace', () => g.linspace(0, 1, 2 ** 31)],
        ['eye', () => g.eye(65536)],
        ['tensor', () => g.tensor(new Float32Array(8192), { shape: [0.5, 16384] })],
        ['tensor', () => g.tensor(new Float32Array(4), { shape: [-2, -2] })],
        ['contiguous', () => huge().contiguous()],
        ['exp', () => huge().exp()],
        ['add', () => g.zeros(65536, 1).add(g.zeros(1, 65536))],
        ['matmul', () => g.ones(65536, 1).matmul(g.ones(1, 65536))],
        ['repeat', () => g.ones(4096).repeat(4096, 64)],
        ['cat', () => g.cat([huge(), huge()])],
        ['pad', () => huge().pad([0, 2 ** 30])],
        [
          'to',
          () =>
            g
              .ones(1, { dtype: 'bool' })
              .expand(2 ** 30)
              .to('float32'),
        ],
        ['where', () => g.where(g.ones(65536, 1).gt(0), g.zeros(1, 65536), 1)],
      ];
      // Wrong errors are reported after the canaries are checked: a changed canary is the worse failure.
      const wrongErrors: string[] = [];
      for (const [op, attempt] of attempts) {
        let error: unknown;
        try {
          attempt();
        } catch (e) {
          error = e;
        }
        if (!(error instanceof Error)) wrongErrors.push(`${op}: a huge or hostile allocation did not throw`);
        else if (!error.message.startsWith(`${op}: `) || INTERNAL.test(error.message))
          wrongErrors.push(`${op}: not a clear error naming the op: ${error.message}`);
      }
      const after = snapshot();
      before.forEach((values, i) => {
        if (!sameList(values, after[i]!)) {
          const changed = values.filter((v, k) => !Object.is(v, after[i]![k])).length;
          fail(`canary ${i} (shape [${canaries[i]!.shape.join(', ')}]): ${changed} elements changed after failed allocations`);
        }
      });
      // New tensors of the canaries' sizes, filled with a value no canary holds: no canary may change.
      const fresh = canaries.map((c) => g.full(c.shape, c.dtype === 'bool' ? false : -1, { dtype: c.dtype }));
      fresh.forEach((f) => (f.dtype === 'bool' ? f.fill_(true) : f.add_(-1)));
      const afterFresh = snapshot();
      before.forEach((values, i) => {
        if (!sameList(values, afterFresh[i]!)) fail(`canary ${i} changed when new tensors were written: they alias it`);
      });
      fresh.forEach((f, i) => {
        const expected = f.dtype === 'bool' ? 1 : -2;
        if (!Array.from(f.dataSync()).every((v) => v === expected)) fail(`new tensor ${i} does not hold what was written to it`);
      });
      if (wrongErrors.length !== 0) fail(wrongErrors.join('\n'));
    });
  });

  t.describe(`conformance on '${ctx.device}': random chains of views match index arithmetic`, () => {
    it('values of 150 random view chains over random shapes (with empty dims) equal a plain JavaScript reference', () => {
      const r = generator(seedOf('view chains: values'));
      for (let chain = 0; chain < roundsOf(150, ctx.propertyScale).length; chain++) runChain(r, chain, false);
    });
    it('in-place writes through 150 random chains of views change exactly the elements of the base they reach', () => {
      const r = generator(seedOf('view chains: writes'));
      for (let chain = 0; chain < roundsOf(150, ctx.propertyScale).length; chain++) runChain(r, chain, true);
    });
  });
}

/** One random chain from a random base; with `write`, only views (no copies) and then an in-place write through the last. */
function runChain(r: Random, chain: number, write: boolean): void {
  const shape = Array.from({ length: int(r, 0, 4) }, () => (r() < 0.15 ? 0 : int(r, 1, 4)));
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: n }, (_, i) => i + 1);
  const base = g.tensor(Float32Array.from(data), { shape });
  let ref = contiguousRef(data, shape);
  let t = base;
  const labels = [`base [${shape.join(', ')}]`];
  const length = int(r, 1, 6);
  for (let k = 0; k < length; k++) {
    const step = randomStep(r, ref);
    if (step === null || (write && !step.isView)) continue;
    labels.push(step.label);
    const where = `chain ${chain}: ${labels.join(' → ')}`;
    try {
      t = step.apply(t);
    } catch (e) {
      fail(`${where}: threw ${(e as Error).message}`);
    }
    ref = step.ref(ref);
    if (!sameList(t.shape, ref.shape)) fail(`${where}: shape [${t.shape.join(', ')}], expected [${ref.shape.join(', ')}]`);
    const got = Array.from(t.dataSync());
    if (!sameList(got, refValues(ref))) fail(`${where}: values [${got.join(', ')}], expected [${refValues(ref).join(', ')}]`);
  }
  if (!write) return;
  const where = `chain ${chain}: ${labels.join(' → ')} then add_(1000)`;
  t.add_(1000);
  const expected = data.slice();
  for (const o of refOffsets(ref)) expected[o]! += 1000;
  const got = Array.from(base.dataSync());
  if (!sameList(got, expected)) fail(`${where}: base holds [${got.join(', ')}], expected [${expected.join(', ')}]`);
}
