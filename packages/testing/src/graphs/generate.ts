/**
 * A seeded generator of random autograd graphs (see spec.ts): shared
 * subexpressions, leaves used many times, broadcasting, views, multi-output
 * ops, detach, in-place ops, custom Functions, hooks, retained gradients,
 * repeated and higher-order backward.
 *
 * Every value carries an interval bounding its elements, so ops are only
 * applied where they are smooth and well conditioned (log of values ≥ 0.2,
 * division by values away from 0, exp of values ≤ 4): finite differences then
 * check the gradients, and PyTorch and Graft agree to float64 rounding.
 */
import type { ConstSpec, GraphMode, GraphSpec, LeafSpec, Ref, Step } from './spec.js';

/** mulberry32: a small, fast, well-mixed 32-bit generator (deterministic everywhere). */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** One of `items`, each as likely. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** A uniform float in [lo, hi), rounded to 4 decimals so specs stay short and exact in JSON. */
  uniform(lo: number, hi: number): number {
    return Math.round((lo + (hi - lo) * this.next()) * 1e4) / 1e4;
  }
}

/** FNV-1a of a string: seeds each graph from its name, not its position. */
export function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

interface Value {
  readonly id: number;
  readonly shape: readonly number[];
  /** Every element lies in [lo, hi]. */
  readonly lo: number;
  readonly hi: number;
  /** Whether it requires grad (a leaf that does, or a step on one that does, not detached). */
  readonly rg: boolean;
  /** The int32 indices of max/min along a dim: not a float value, never an operand. */
  readonly index: boolean;
  /** One of several outputs of a step (PyTorch 1.13's retain_grad crashes on those that get no gradient). */
  readonly multi: boolean;
  /** How many steps consume it (the loss prefers unused values). */
  uses: number;
}

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const MAX_NUMEL = 36;
const MAX_MAGNITUDE = 1e3;

interface Interval {
  lo: number;
  hi: number;
}

function mulInterval(a: Interval, b: Interval): Interval {
  const p = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  return { lo: Math.min(...p), hi: Math.max(...p) };
}

function magnitude(i: Interval): number {
  return Math.max(Math.abs(i.lo), Math.abs(i.hi));
}

/** An interval for a monotone increasing function. */
function increasing(f: (x: number) => number, i: Interval): Interval {
  return { lo: f(i.lo), hi: f(i.hi) };
}

class GraphBuilder {
  readonly leaves: LeafSpec[] = [];
  readonly leafIds: number[] = [];
  readonly consts: ConstSpec[] = [];
  readonly steps: Step[] = [];
  readonly values: Value[] = [];

  constructor(readonly rng: Rng) {}

  randomShape(maxRank = 3): number[] {
    const rank = this.rng.int(0, maxRank);
    const shape: number[] = [];
    for (let i = 0; i < rank; i++) shape.push(this.rng.int(1, 4));
    while (numel(shape) > MAX_NUMEL) shape.pop();
    return shape;
  }

  /** A new leaf with values in [-2, 2]. */
  leaf(shape: readonly number[], requiresGrad = this.rng.chance(0.85)): Value {
    const data = Array.from({ length: numel(shape) }, () => this.rng.uniform(-2, 2));
    this.leaves.push({ shape: [...shape], data, requiresGrad });
    const v = this.addValue(shape, { lo: -2, hi: 2 }, requiresGrad, false);
    this.leafIds.push(v.id);
    return v;
  }

  constant(shape: readonly number[], dtype: ConstSpec['dtype'], data?: number[]): number {
    const values =
      data ?? Array.from({ length: numel(shape) }, () => (dtype === 'bool' ? (this.rng.chance(0.5) ? 1 : 0) : this.rng.uniform(-1.5, 1.5)));
    this.consts.push({ shape: [...shape], data: values, dtype });
    return this.consts.length - 1;
  }

  private addValue(shape: readonly number[], range: Interval, rg: boolean, index: boolean, multi = false): Value {
    const v: Value = { id: this.values.length, shape: [...shape], lo: range.lo, hi: range.hi, rg, index, multi, uses: 0 };
    this.values.push(v);
    return v;
  }

  /** Appends a step and its output values; returns them. */
  step(op: string, args: Ref[], outs: { shape: readonly number[]; range: Interval }[], opts?: Record<string, unknown>): Value[] {
    let rg = false;
    for (const a of args) {
      if (!('v' in a)) continue;
      this.values[a.v]!.uses++;
      rg ||= this.values[a.v]!.rg;
    }
    if (op === 'detach') rg = false;
    this.steps.push({ op, args, outs: outs.length, ...(opts !== undefined ? { opts } : {}) });
    const indexAt = op === 'maxDim' || op === 'minDim' ? 1 : -1;
    return outs.map((o, k) => this.addValue(o.shape, o.range, rg && k !== indexAt, k === indexAt, outs.length > 1));
  }

  /** Values numbered leaves first (leaves are made between steps, the spec lists them first). */
  renumbering(): (id: number) => number {
    const order = [...this.leafIds, ...this.values.filter((v) => !this.leafIds.includes(v.id)).map((v) => v.id)];
    const newId = new Map<number, number>();
    order.forEach((old, i) => newId.set(old, i));
    return (id) => newId.get(id)!;
  }
}

/** The ops the generator uses, each returning null when it does not apply to the picked value. */
type OpMaker = (b: GraphBuilder, x: Value) => Value[] | null;

const UNARY: Record<string, { domain: (i: Interval) => boolean; range: (i: Interval) => Interval }> = {
  neg: { domain: () => true, range: (i) => ({ lo: -i.hi, hi: -i.lo }) },
  exp: { domain: (i) => i.hi <= 4, range: (i) => increasing(Math.exp, i) },
  expm1: { domain: (i) => i.hi <= 4, range: (i) => increasing(Math.expm1, i) },
  log: { domain: (i) => i.lo >= 0.2, range: (i) => increasing(Math.log, i) },
  log1p: { domain: (i) => i.lo >= -0.8, range: (i) => increasing(Math.log1p, i) },
  sqrt: { domain: (i) => i.lo >= 0.2, range: (i) => increasing(Math.sqrt, i) },
  rsqrt: { domain: (i) => i.lo >= 0.2, range: (i) => ({ lo: 1 / Math.sqrt(i.hi), hi: 1 / Math.sqrt(i.lo) }) },
  reciprocal: {
    domain: (i) => i.lo >= 0.2 || i.hi <= -0.2,
    range: (i) => ({ lo: Math.min(1 / i.lo, 1 / i.hi), hi: Math.max(1 / i.lo, 1 / i.hi) }),
  },
  tanh: { domain: () => true, range: (i) => increasing(Math.tanh, i) },
  sigmoid: { domain: () => true, range: (i) => increasing((x) => 1 / (1 + Math.exp(-x)), i) },
  sin: { domain: () => true, range: () => ({ lo: -1, hi: 1 }) },
  cos: { domain: () => true, range: () => ({ lo: -1, hi: 1 }) },
  erf: { domain: () => true, range: () => ({ lo: -1, hi: 1 }) },
  square: {
    domain: (i) => magnitude(i) <= 30,
    range: (i) => ({ lo: i.lo > 0 || i.hi < 0 ? Math.min(i.lo * i.lo, i.hi * i.hi) : 0, hi: magnitude(i) ** 2 }),
  },
  // Kinks at 0: only where the values stay away from it, so finite differences are exact.
  abs: { domain: (i) => i.lo >= 0.05 || i.hi <= -0.05, range: (i) => ({ lo: Math.min(Math.abs(i.lo), Math.abs(i.hi)), hi: magnitude(i) }) },
  relu: { domain: () => true, range: (i) => ({ lo: Math.max(i.lo, 0), hi: Math.max(i.hi, 0) }) },
  clone: { domain: () => true, range: (i) => i },
  detach: { domain: () => true, range: (i) => i },
};

/** A shape that broadcasts with `shape`: some leading dims dropped, some dims set to 1. */
function broadcastPartner(b: GraphBuilder, shape: readonly number[]): number[] {
  const drop = b.rng.int(0, shape.length);
  return shape.slice(drop).map((d) => (b.rng.chance(0.3) ? 1 : d));
}

/** A value of exactly `shape` from the pool (shared subexpressions), or a new leaf. */
function operand(b: GraphBuilder, shape: readonly number[], accept: (v: Value) => boolean = () => true): Value {
  const same = b.values.filter((v) => !v.index && v.shape.length === shape.length && v.shape.every((d, i) => d === shape[i]) && accept(v));
  if (same.length !== 0 && b.rng.chance(0.6)) return b.rng.pick(same);
  return b.leaf(shape);
}

function broadcastShape(a: readonly number[], c: readonly number[]): number[] {
  const n = Math.max(a.length, c.length);
  return Array.from({ length: n }, (_, i) => Math.max(a[a.length - n + i] ?? 1, c[c.length - n + i] ?? 1));
}

function binary(op: 'add' | 'sub' | 'mul' | 'maximum' | 'minimum'): OpMaker {
  const combine = (p: Interval, q: Interval, alpha: number): Interval => {
    const scaled = alpha === 1 ? q : mulInterval(q, { lo: alpha, hi: alpha });
    switch (op) {
      case 'add':
        return { lo: p.lo + scaled.lo, hi: p.hi + scaled.hi };
      case 'sub':
        return { lo: p.lo - scaled.hi, hi: p.hi - scaled.lo };
      case 'mul':
        return mulInterval(p, q);
      case 'maximum':
        return { lo: Math.max(p.lo, q.lo), hi: Math.max(p.hi, q.hi) };
      case 'minimum':
        return { lo: Math.min(p.lo, q.lo), hi: Math.min(p.hi, q.hi) };
    }
  };
  return (b, x) => {
    const swap = b.rng.chance(0.4);
    if (b.rng.chance(0.15)) {
      // A number on one side (PyTorch's rsub for `n - x`).
      const n = b.rng.uniform(-2, 2);
      const num = { lo: n, hi: n };
      const args: Ref[] = swap ? [{ n }, { v: x.id }] : [{ v: x.id }, { n }];
      return b.step(op, args, [{ shape: x.shape, range: swap ? combine(num, x, 1) : combine(x, num, 1) }]);
    }
    const y = operand(b, b.rng.chance(0.5) ? [...x.shape] : broadcastPartner(b, x.shape));
    const shape = broadcastShape(x.shape, y.shape);
    if (numel(shape) > MAX_NUMEL) return null;
    const alpha = (op === 'add' || op === 'sub') && b.rng.chance(0.2) ? b.rng.pick([2, -0.5, 3]) : 1;
    const [p, q] = swap ? [y, x] : [x, y];
    return b.step(op, [{ v: p.id }, { v: q.id }], [{ shape, range: combine(p, q, alpha) }], alpha !== 1 ? { alpha } : undefined);
  };
}

const div: OpMaker = (b, x) => {
  const ok = (v: Value) => v.lo >= 0.3 || v.hi <= -0.3;
  if (b.rng.chance(0.5) && ok(x)) {
    // Something divided by x.
    const y = operand(b, broadcastPartner(b, x.shape));
    const shape = broadcastShape(x.shape, y.shape);
    const inv = { lo: Math.min(1 / x.lo, 1 / x.hi), hi: Math.max(1 / x.lo, 1 / x.hi) };
    return b.step('div', [{ v: y.id }, { v: x.id }], [{ shape, range: mulInterval(y, inv) }]);
  }
  const candidates = b.values.filter((v) => !v.index && ok(v) && compatible(x.shape, v.shape));
  if (candidates.length === 0) {
    const n = b.rng.pick([2, -3, 0.5]);
    return b.step('div', [{ v: x.id }, { n }], [{ shape: x.shape, range: mulInterval(x, { lo: 1 / n, hi: 1 / n }) }]);
  }
  const y = b.rng.pick(candidates);
  const shape = broadcastShape(x.shape, y.shape);
  if (numel(shape) > MAX_NUMEL) return null;
  const inv = { lo: Math.min(1 / y.lo, 1 / y.hi), hi: Math.max(1 / y.lo, 1 / y.hi) };
  return b.step('div', [{ v: x.id }, { v: y.id }], [{ shape, range: mulInterval(x, inv) }]);
};

function compatible(a: readonly number[], c: readonly number[]): boolean {
  const n = Math.max(a.length, c.length);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const dc = c[c.length - n + i] ?? 1;
    if (da !== dc && da !== 1 && dc !== 1) return false;
  }
  return true;
}

const pow: OpMaker = (b, x) => {
  if (b.rng.chance(0.5) || x.lo < 0.3 || x.hi > 5) {
    const e = b.rng.pick([2, 3]);
    if (magnitude(x) > 10) return null;
    const r = e === 2 ? UNARY.square!.range(x) : increasing((v) => v ** 3, x);
    return b.step('pow', [{ v: x.id }, { n: e }], [{ shape: x.shape, range: r }]);
  }
  // Tensor exponent: x ** y with x in [0.3, 5] and y bounded.
  const y = operand(b, broadcastPartner(b, x.shape), (v) => magnitude(v) <= 2);
  if (magnitude(y) > 2) return null;
  const shape = broadcastShape(x.shape, y.shape);
  const corners = [x.lo ** y.lo, x.lo ** y.hi, x.hi ** y.lo, x.hi ** y.hi];
  return b.step('pow', [{ v: x.id }, { v: y.id }], [{ shape, range: { lo: Math.min(...corners), hi: Math.max(...corners) } }]);
};

const where: OpMaker = (b, x) => {
  const cond = b.constant(broadcastPartner(b, x.shape), 'bool');
  const y = b.rng.chance(0.3) ? null : operand(b, broadcastPartner(b, x.shape));
  const n = b.rng.uniform(-1, 1);
  const condShape = b.consts[cond]!.shape;
  const shape = broadcastShape(broadcastShape(x.shape, condShape), y?.shape ?? []);
  const other = y ?? { lo: n, hi: n };
  return b.step(
    'where',
    [{ c: cond }, { v: x.id }, y !== null ? { v: y.id } : { n }],
    [{ shape, range: { lo: Math.min(x.lo, other.lo), hi: Math.max(x.hi, other.hi) } }],
  );
};

const matmul: OpMaker = (b, x) => {
  if (x.shape.length === 0) return null;
  const k = x.shape[x.shape.length - 1]!;
  const rank = b.rng.int(1, 3);
  let otherShape: number[];
  if (rank === 1) otherShape = [k];
  else {
    const n = b.rng.int(1, 3);
    const batch = x.shape.length >= 3 && b.rng.chance(0.5) ? [b.rng.chance(0.5) ? 1 : x.shape[x.shape.length - 3]!] : [];
    otherShape = rank === 2 ? [k, n] : [...(batch.length ? batch : [b.rng.int(1, 2)]), k, n];
  }
  const y = operand(b, otherShape, (v) => magnitude(v) <= 10);
  if (magnitude(x) > 10 || magnitude(y) > 10) return null;
  const xs = x.shape.length === 1 ? [1, k] : x.shape;
  const ys = y.shape.length === 1 ? [k, 1] : y.shape;
  const batch = broadcastShape(xs.slice(0, -2), ys.slice(0, -2));
  if (!compatible(xs.slice(0, -2), ys.slice(0, -2))) return null;
  const shape = [...batch];
  if (x.shape.length !== 1) shape.push(xs[xs.length - 2]!);
  if (y.shape.length !== 1) shape.push(ys[ys.length - 1]!);
  if (numel(shape) > MAX_NUMEL) return null;
  const bound = k * magnitude(x) * magnitude(y);
  return b.step('matmul', [{ v: x.id }, { v: y.id }], [{ shape, range: { lo: -bound, hi: bound } }]);
};

/** Dims to reduce (maybe all), or null for a full reduction. */
function reduceDims(b: GraphBuilder, x: Value): number[] | null {
  if (x.shape.length === 0 || b.rng.chance(0.25)) return null;
  const dims = x.shape.map((_, i) => i).filter(() => b.rng.chance(0.5));
  if (dims.length === 0) dims.push(b.rng.int(0, x.shape.length - 1));
  return dims.map((d) => (b.rng.chance(0.3) ? d - x.shape.length : d));
}

function reducedShape(shape: readonly number[], dims: number[] | null, keepdim: boolean): number[] {
  if (dims === null) return keepdim ? shape.map(() => 1) : [];
  const axes = dims.map((d) => (d < 0 ? d + shape.length : d));
  return shape.flatMap((s, i) => (axes.includes(i) ? (keepdim ? [1] : []) : [s]));
}

function reduction(op: 'sum' | 'mean' | 'prod' | 'amax' | 'amin' | 'logsumexp' | 'var' | 'norm'): OpMaker {
  return (b, x) => {
    if (op === 'logsumexp' && x.shape.length === 0) return null;
    let dims = reduceDims(b, x);
    const keepdim = x.shape.length !== 0 && b.rng.chance(0.4);
    // PyTorch needs explicit dims for logsumexp and for keepdim; prod takes one dim.
    if (dims === null && (op === 'logsumexp' || keepdim)) dims = x.shape.map((_, i) => i);
    if (op === 'prod' && dims !== null && dims.length > 1) dims = dims.slice(0, 1);
    const axes = dims === null ? x.shape.map((_, i) => i) : dims.map((d) => (d < 0 ? d + x.shape.length : d));
    const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
    let range: Interval;
    switch (op) {
      case 'sum':
        range = { lo: Math.min(count * x.lo, x.lo), hi: Math.max(count * x.hi, x.hi) };
        break;
      case 'mean':
      case 'amax':
      case 'amin':
        range = x;
        break;
      case 'prod': {
        const m = magnitude(x);
        if (m ** count > MAX_MAGNITUDE) return null;
        range = { lo: -(m ** count), hi: m ** count };
        break;
      }
      case 'logsumexp':
        if (x.hi > 30) return null;
        range = { lo: x.lo, hi: x.hi + Math.log(count) };
        break;
      case 'var':
        if (count < 2) return null;
        range = { lo: 0, hi: (x.hi - x.lo) ** 2 * count };
        break;
      case 'norm':
        if (!(x.lo >= 0.2 || x.hi <= -0.2)) return null;
        range = { lo: 0, hi: magnitude(x) * Math.sqrt(count) };
        break;
    }
    const shape = reducedShape(x.shape, dims, keepdim);
    // amax/amin at ties split gradients; random values have none, but expand/repeat make exact copies
    // of one element, which finite differences move together: still consistent.
    return b.step(op, [{ v: x.id }], [{ shape, range }], { dim: dims, keepdim });
  };
}

function alongDim(op: 'softmax' | 'logSoftmax' | 'cumsum'): OpMaker {
  return (b, x) => {
    if (x.shape.length === 0) return null;
    const dim = b.rng.int(-x.shape.length, x.shape.length - 1);
    const n = x.shape[dim < 0 ? dim + x.shape.length : dim]!;
    let range: Interval;
    if (op === 'softmax') range = { lo: 0, hi: 1 };
    else if (op === 'logSoftmax') {
      if (x.hi - x.lo > 30) return null;
      range = { lo: x.lo - x.hi - Math.log(n), hi: 0 };
    } else range = { lo: Math.min(x.lo * n, x.lo), hi: Math.max(x.hi * n, x.hi) };
    return b.step(op, [{ v: x.id }], [{ shape: x.shape, range }], { dim });
  };
}

const maxDim: OpMaker = (b, x) => {
  if (x.shape.length === 0) return null;
  const dim = b.rng.int(0, x.shape.length - 1);
  const keepdim = b.rng.chance(0.4);
  const shape = reducedShape(x.shape, [dim], keepdim);
  const op = b.rng.pick(['max', 'min']);
  // Two outputs: values and (int) indices; only values join the pool's float values.
  return b
    .step(
      op === 'max' ? 'maxDim' : 'minDim',
      [{ v: x.id }],
      [
        { shape, range: x },
        { shape, range: { lo: 0, hi: 0 } },
      ],
      { dim, keepdim },
    )
    .slice(0, 1);
};

function factorizations(n: number): number[][] {
  const out: number[][] = [[n]];
  for (let a = 1; a <= n; a++) if (n % a === 0) out.push([a, n / a]);
  for (let a = 1; a <= n; a++) for (let c = 1; c <= n / a; c++) if (n % (a * c) === 0) out.push([a, c, n / (a * c)]);
  return out;
}

const reshape: OpMaker = (b, x) => {
  const options = factorizations(numel(x.shape)).filter((s) => s.length <= 4);
  const shape = b.rng.pick(options);
  if (b.rng.chance(0.3) && shape.length > 0) shape[b.rng.int(0, shape.length - 1)] = -1;
  const outShape = shape.includes(-1) ? shape.map((d) => (d === -1 ? numel(x.shape) / numel(shape.filter((s) => s !== -1)) : d)) : shape;
  return b.step('reshape', [{ v: x.id }], [{ shape: outShape, range: x }], { shape });
};

const transpose: OpMaker = (b, x) => {
  if (x.shape.length < 2) return null;
  const d0 = b.rng.int(0, x.shape.length - 1);
  const d1 = b.rng.int(0, x.shape.length - 1);
  const shape = [...x.shape];
  [shape[d0], shape[d1]] = [shape[d1]!, shape[d0]!];
  return b.step('transpose', [{ v: x.id }], [{ shape, range: x }], { dim0: d0, dim1: d1 });
};

const permute: OpMaker = (b, x) => {
  const dims = x.shape.map((_, i) => i);
  for (let i = dims.length - 1; i > 0; i--) {
    const j = b.rng.int(0, i);
    [dims[i], dims[j]] = [dims[j]!, dims[i]!];
  }
  return b.step('permute', [{ v: x.id }], [{ shape: dims.map((d) => x.shape[d]!), range: x }], { dims });
};

const unsqueeze: OpMaker = (b, x) => {
  const dim = b.rng.int(0, x.shape.length);
  const shape = [...x.shape];
  shape.splice(dim, 0, 1);
  return b.step('unsqueeze', [{ v: x.id }], [{ shape, range: x }], { dim });
};

const squeeze: OpMaker = (b, x) => {
  const ones = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  if (ones.length === 0) return null;
  const dim = b.rng.chance(0.3) ? null : b.rng.pick(ones);
  const shape = x.shape.filter((d, i) => (dim === null ? d !== 1 : i !== dim));
  return b.step('squeeze', [{ v: x.id }], [{ shape, range: x }], { dim });
};

const expand: OpMaker = (b, x) => {
  const shape = x.shape.map((d) => (d === 1 && b.rng.chance(0.7) ? b.rng.int(2, 3) : d));
  if (b.rng.chance(0.4)) shape.unshift(b.rng.int(1, 3));
  if (numel(shape) > MAX_NUMEL) return null;
  const arg = shape.map((d, i) =>
    i >= shape.length - x.shape.length && d === x.shape[i - (shape.length - x.shape.length)] && b.rng.chance(0.3) ? -1 : d,
  );
  return b.step('expand', [{ v: x.id }], [{ shape, range: x }], { shape: arg });
};

const narrow: OpMaker = (b, x) => {
  const dims = x.shape.flatMap((d, i) => (d >= 2 ? [i] : []));
  if (dims.length === 0) return null;
  const dim = b.rng.pick(dims);
  const size = x.shape[dim]!;
  const start = b.rng.int(0, size - 1);
  const length = b.rng.int(1, size - start);
  const shape = [...x.shape];
  shape[dim] = length;
  return b.step('narrow', [{ v: x.id }], [{ shape, range: x }], { dim, start, length });
};

const select: OpMaker = (b, x) => {
  if (x.shape.length === 0) return null;
  const dim = b.rng.int(0, x.shape.length - 1);
  const size = x.shape[dim]!;
  const index = b.rng.int(-size, size - 1);
  return b.step('select', [{ v: x.id }], [{ shape: x.shape.filter((_, i) => i !== dim), range: x }], { dim, index });
};

const slice: OpMaker = (b, x) => {
  if (x.shape.length === 0) return null;
  const dim = b.rng.int(0, x.shape.length - 1);
  const size = x.shape[dim]!;
  const start = b.rng.int(0, size - 1);
  const end = b.rng.int(start + 1, size);
  const step = b.rng.int(1, 2);
  const shape = [...x.shape];
  shape[dim] = Math.ceil((end - start) / step);
  return b.step('slice', [{ v: x.id }], [{ shape, range: x }], { dim, start, end, step });
};

const flip: OpMaker = (b, x) => {
  if (x.shape.length === 0) return null;
  const dims = x.shape.map((_, i) => i).filter(() => b.rng.chance(0.5));
  if (dims.length === 0) dims.push(0);
  return b.step('flip', [{ v: x.id }], [{ shape: x.shape, range: x }], { dims });
};

const repeat: OpMaker = (b, x) => {
  const reps = x.shape.map(() => b.rng.int(1, 2));
  if (b.rng.chance(0.3)) reps.unshift(2);
  const lead = reps.length - x.shape.length;
  const shape = reps.map((r, i) => r * (i < lead ? 1 : x.shape[i - lead]!));
  if (numel(shape) > MAX_NUMEL) return null;
  return b.step('repeat', [{ v: x.id }], [{ shape, range: x }], { reps });
};

const pad: OpMaker = (b, x) => {
  if (x.shape.length === 0) return null;
  const k = b.rng.int(1, Math.min(2, x.shape.length));
  const pads: number[] = [];
  for (let i = 0; i < k; i++) pads.push(b.rng.int(0, 2), b.rng.int(0, 1));
  const shape = [...x.shape];
  for (let i = 0; i < k; i++) shape[shape.length - 1 - i]! += pads[2 * i]! + pads[2 * i + 1]!;
  if (numel(shape) > MAX_NUMEL) return null;
  const value = b.rng.pick([0, 0.5]);
  return b.step('pad', [{ v: x.id }], [{ shape, range: { lo: Math.min(x.lo, value), hi: Math.max(x.hi, value) } }], { pad: pads, value });
};

const split: OpMaker = (b, x) => {
  const dims = x.shape.flatMap((d, i) => (d >= 2 ? [i] : []));
  if (dims.length === 0) return null;
  const dim = b.rng.pick(dims);
  const size = x.shape[dim]!;
  const chunk = b.rng.chance(0.5);
  const n = b.rng.int(1, size - 1);
  const sizes: number[] = [];
  if (chunk) {
    const piece = Math.ceil(size / (n + 1));
    for (let s = 0; s < size; s += piece) sizes.push(Math.min(piece, size - s));
  } else for (let s = 0; s < size; s += n) sizes.push(Math.min(n, size - s));
  const outs = sizes.map((len) => {
    const shape = [...x.shape];
    shape[dim] = len;
    return { shape, range: { lo: x.lo, hi: x.hi } };
  });
  return b.step(chunk ? 'chunk' : 'split', [{ v: x.id }], outs, chunk ? { chunks: n + 1, dim } : { size: n, dim });
};

const catOrStack: OpMaker = (b, x) => {
  const stack = b.rng.chance(0.4);
  const count = b.rng.int(2, 3);
  const parts: Value[] = [x];
  if (stack) {
    for (let i = 1; i < count; i++) parts.push(operand(b, x.shape));
    const dim = b.rng.int(0, x.shape.length);
    const shape = [...x.shape];
    shape.splice(dim, 0, count);
    if (numel(shape) > MAX_NUMEL) return null;
    return b.step(
      'stack',
      parts.map((p) => ({ v: p.id })),
      [{ shape, range: span(parts) }],
      { dim },
    );
  }
  if (x.shape.length === 0) return null;
  const dim = b.rng.int(0, x.shape.length - 1);
  for (let i = 1; i < count; i++) {
    const shape = [...x.shape];
    shape[dim] = b.rng.int(1, 3);
    parts.push(operand(b, shape));
  }
  const shape = [...x.shape];
  shape[dim] = parts.reduce((n, p) => n + p.shape[dim]!, 0);
  if (numel(shape) > MAX_NUMEL) return null;
  return b.step(
    'cat',
    parts.map((p) => ({ v: p.id })),
    [{ shape, range: span(parts) }],
    { dim },
  );
};

function span(parts: readonly Value[]): Interval {
  return { lo: Math.min(...parts.map((p) => p.lo)), hi: Math.max(...parts.map((p) => p.hi)) };
}

const gather: OpMaker = (b, x) => {
  if (x.shape.length === 0) return null;
  const dim = b.rng.int(0, x.shape.length - 1);
  if (b.rng.chance(0.5)) {
    const n = b.rng.int(1, 4);
    const index = b.constant(
      [n],
      'int32',
      Array.from({ length: n }, () => b.rng.int(0, x.shape[dim]! - 1)),
    );
    const shape = [...x.shape];
    shape[dim] = n;
    if (numel(shape) > MAX_NUMEL) return null;
    return b.step('indexSelect', [{ v: x.id }, { c: index }], [{ shape, range: x }], { dim });
  }
  const shape = x.shape.map((d, i) => (i === dim ? b.rng.int(1, 4) : b.rng.int(1, d)));
  if (numel(shape) > MAX_NUMEL) return null;
  const index = b.constant(
    shape,
    'int32',
    Array.from({ length: numel(shape) }, () => b.rng.int(0, x.shape[dim]! - 1)),
  );
  return b.step('gather', [{ v: x.id }, { c: index }], [{ shape, range: x }], { dim });
};

const maskedFill: OpMaker = (b, x) => {
  const mask = b.constant(broadcastPartner(b, x.shape), 'bool');
  const value = b.rng.uniform(-1, 1);
  return b.step(
    'maskedFill',
    [{ v: x.id }, { c: mask }],
    [{ shape: x.shape, range: { lo: Math.min(x.lo, value), hi: Math.max(x.hi, value) } }],
    { value },
  );
};

const clamp: OpMaker = (b, x) => {
  // Bounds inside the range make kinks; keep them where the values cannot sit exactly on them.
  const lo = b.rng.chance(0.5) ? b.rng.uniform(x.lo, x.hi) + 1e-3 : null;
  const hi = b.rng.chance(0.5) || lo === null ? (lo ?? x.lo) + Math.abs(b.rng.uniform(0.1, 2)) : null;
  return b.step('clamp', [{ v: x.id }], [{ shape: x.shape, range: { lo: lo ?? x.lo, hi: hi ?? x.hi } }], { min: lo, max: hi });
};

const inplace: OpMaker = (b, x) => {
  // An in-place op on a fresh copy (not a view: in-place on views of graph tensors is refused).
  if (b.rng.chance(0.5)) {
    const n = b.rng.pick([2, -0.5, 1.5]);
    return b.step('cloneMul_', [{ v: x.id }, { n }], [{ shape: x.shape, range: mulInterval(x, { lo: n, hi: n }) }]);
  }
  const y = operand(b, broadcastPartner(b, x.shape));
  return b.step('cloneAdd_', [{ v: x.id }, { v: y.id }], [{ shape: x.shape, range: { lo: x.lo + y.lo, hi: x.hi + y.hi } }]);
};

/** Custom autograd Functions: one that hands one gradient object to two inputs, one with two outputs. */
const custom: OpMaker = (b, x) => {
  if (b.rng.chance(0.5)) {
    const y = operand(b, x.shape);
    return b.step('DupAdd', [{ v: x.id }, { v: y.id }], [{ shape: x.shape, range: { lo: x.lo + y.lo, hi: x.hi + y.hi } }]);
  }
  if (magnitude(x) > 10) return null;
  return b.step(
    'TwoOut',
    [{ v: x.id }],
    [
      { shape: x.shape, range: mulInterval(x, { lo: 2, hi: 2 }) },
      { shape: x.shape, range: UNARY.square!.range(x) },
    ],
  );
};

const unary: OpMaker = (b, x) => {
  const names = Object.keys(UNARY).filter((n) => UNARY[n]!.domain(x));
  const op = b.rng.pick(names);
  return b.step(op, [{ v: x.id }], [{ shape: x.shape, range: UNARY[op]!.range(x) }]);
};

/** Ops and their relative weights. */
const MAKERS: [OpMaker, number][] = [
  [unary, 10],
  [binary('add'), 5],
  [binary('sub'), 3],
  [binary('mul'), 6],
  [binary('maximum'), 1],
  [binary('minimum'), 1],
  [div, 3],
  [pow, 2],
  [where, 2],
  [matmul, 4],
  [reduction('sum'), 3],
  [reduction('mean'), 2],
  [reduction('prod'), 1],
  [reduction('amax'), 1],
  [reduction('amin'), 1],
  [reduction('logsumexp'), 1],
  [reduction('var'), 1],
  [reduction('norm'), 1],
  [alongDim('softmax'), 1],
  [alongDim('logSoftmax'), 1],
  [alongDim('cumsum'), 1],
  [maxDim, 1],
  [reshape, 3],
  [transpose, 2],
  [permute, 1],
  [unsqueeze, 1],
  [squeeze, 1],
  [expand, 2],
  [narrow, 2],
  [select, 2],
  [slice, 2],
  [flip, 1],
  [repeat, 1],
  [pad, 1],
  [split, 2],
  [catOrStack, 2],
  [gather, 2],
  [maskedFill, 1],
  [clamp, 1],
  [inplace, 2],
  [custom, 2],
];
const TOTAL_WEIGHT = MAKERS.reduce((n, [, w]) => n + w, 0);

function pickMaker(rng: Rng): OpMaker {
  let r = rng.next() * TOTAL_WEIGHT;
  for (const [maker, w] of MAKERS) {
    r -= w;
    if (r < 0) return maker;
  }
  return MAKERS[0]![0];
}

/** What `generateGraph` may use (by default: every mode, and hooks that scale gradients). */
export interface GenerateOptions {
  /** Restricts modes (finite-difference runs skip nothing; every mode is checkable). */
  modes?: readonly GraphMode[];
  /** Hook scales: [1] keeps gradients exact (for finite differences). */
  hookScales?: readonly number[];
}

/**
 * A random graph, fully determined by its name.
 *
 * @example
 * const spec = generateGraph('graph-17');
 */
export function generateGraph(name: string, options: GenerateOptions = {}): GraphSpec {
  const rng = new Rng(seedOf(name));
  const b = new GraphBuilder(rng);
  b.leaf(b.randomShape(), true);
  const steps = rng.int(3, 14);
  let attempts = 0;
  while (b.steps.length < steps && attempts++ < 200) {
    // Prefer recent values (deep chains) but reuse old ones too (shared subexpressions).
    const pool = b.values.filter((v) => !v.index && magnitude(v) < MAX_MAGNITUDE);
    const x = rng.chance(0.6) ? pool[pool.length - 1 - Math.min(rng.int(0, 2), pool.length - 1)]! : rng.pick(pool);
    pickMaker(rng)(b, x);
  }
  const remap = b.renumbering();
  const floats = b.values.filter((v) => !v.index && magnitude(v) < MAX_MAGNITUDE);
  // The loss: the unused values (the graph's sinks), plus a few others, each weighted by a constant.
  const sinks = floats.filter((v) => v.uses === 0 && v.rg);
  const lossValues = new Set<Value>(sinks.length !== 0 ? sinks.slice(-3) : [floats[floats.length - 1]!]);
  for (const v of floats) if (rng.chance(0.1)) lossValues.add(v);
  const loss = [...lossValues].map((v) => [remap(v.id), b.constant(v.shape, 'float')] as const);
  const mode = rng.pick<GraphMode>(options.modes ?? ['backward', 'backward', 'backwardTwice', 'grad', 'double']);
  const retain = floats.filter((v) => v.rg && !v.multi && !b.leafIds.includes(v.id) && rng.chance(0.15)).map((v) => remap(v.id));
  const scales = options.hookScales ?? [1, 2, -0.5];
  const hooks = floats.filter((v) => v.rg && rng.chance(0.1)).map((v) => ({ value: remap(v.id), scale: rng.pick(scales) }));
  const doubleWeights = mode === 'double' ? b.leaves.map((l) => b.constant(l.shape, 'float')) : undefined;
  const steps2 = b.steps.map((s) => ({ ...s, args: s.args.map((a) => ('v' in a ? { v: remap(a.v) } : a)) }));
  return {
    name,
    leaves: b.leaves,
    consts: b.consts,
    steps: steps2,
    loss,
    mode,
    retain,
    hooks,
    ...(doubleWeights !== undefined ? { doubleWeights } : {}),
  };
}
