/**
 * Random creation functions: `rand`, `randn`, `randint`, their `*Like` forms,
 * `randperm`. Numbers are drawn on the host from a generator (random.ts,
 * distributions.ts) — the default one, or `{ generator }` — and written to
 * the device, so a seed gives PyTorch's CPU numbers on every backend.
 */
import { type Engine, engineOf, type Generator } from '../random.js';
import { normalValues, randintValues, randpermValues, uniformValues } from '../distributions.js';
import type { DType, TypedArray } from '../dtype.js';
import { checkInteger, checkShape, isContiguous, numel, parseShapeArgs } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { castValues, type CreationOptions, creationOptions, make } from './creation.js';
import { isTensor } from './dispatch.js';
import { dtypeArg } from './args.js';
import { emptyLikeStrides, iterationOrder, placeInOrder } from './iteration-order.js';

/** The `{ generator }` option every random function takes: draw from this generator instead of the default one. */
export interface GeneratorOptions {
  /** The generator to draw from (default: `g.defaultGenerator`, which `g.manualSeed` seeds). */
  generator?: Generator;
}

/** Options of the random creation functions: `{ dtype, device, requiresGrad, generator }`. */
export interface RandomCreationOptions extends CreationOptions, GeneratorOptions {}

type RandomShapeAndOptions = (number | readonly number[] | RandomCreationOptions | undefined)[];

function randomShapeAndOptions(op: string, args: RandomShapeAndOptions): { shape: number[]; options: RandomCreationOptions; e: Engine } {
  const { shape, rest } = parseShapeArgs<RandomCreationOptions>(op, args);
  const options = creationOptions<RandomCreationOptions>(op, rest, ['generator']);
  return { shape, options, e: engineOf(op, options.generator) };
}

/** The dtype of a floating sampler: float32 by default; an integer dtype is PyTorch's "not implemented" error. */
export function floatDType(op: string, dtype: DType | undefined): DType {
  const d = dtype ?? 'float32';
  if (d !== 'float32' && d !== 'float64') throw new TypeError(`${op}: expected a floating dtype ('float32' or 'float64'), got ${d}`);
  return d;
}

/**
 * Uniform samples in [0, 1), as `torch.rand`: from the default generator, or
 * from `{ generator }`.
 *
 * @example
 * g.manualSeed(0); g.rand(3); // tensor([0.4963, 0.7682, 0.0885])
 * g.rand(2, 2, { generator: new g.Generator().manualSeed(1) });
 */
export function rand(...args: RandomShapeAndOptions): Tensor {
  const { shape, options, e } = randomShapeAndOptions('rand', args);
  const dtype = floatDType('rand', options.dtype);
  return make('rand', shape, dtype, options, () => uniformValues(e, numel(shape), dtype));
}

/**
 * Standard normal samples, as `torch.randn` (PyTorch's exact stream: its
 * vectorised path from 16 elements on, its scalar path below).
 *
 * @example
 * g.manualSeed(0); g.randn(3); // tensor([ 1.5410, -0.2934, -2.1788])
 */
export function randn(...args: RandomShapeAndOptions): Tensor {
  const { shape, options, e } = randomShapeAndOptions('randn', args);
  const dtype = floatDType('randn', options.dtype);
  return make('randn', shape, dtype, options, () => normalValues(e, numel(shape), dtype));
}

/**
 * Integers uniform in [low, high), as `torch.randint` (int32, Graft's
 * integer type, by default; PyTorch's int64 draws: two words per value when
 * the range reaches 2^32). `randint(high, shape)` starts at 0.
 *
 * @example
 * g.manualSeed(0); g.randint(0, 10, [3]); // tensor([4, 9, 3])
 * g.randint(5, [2, 2], { generator: new g.Generator().manualSeed(1) });
 */
export function randint(
  low: number,
  high: number | readonly number[],
  shape?: readonly number[] | RandomCreationOptions,
  options?: RandomCreationOptions,
): Tensor {
  let lo = low;
  let hi: number;
  let s: unknown;
  let o: RandomCreationOptions | undefined;
  if (Array.isArray(high)) {
    lo = 0;
    hi = low;
    s = high;
    o = shape as RandomCreationOptions | undefined;
  } else {
    hi = high as number;
    s = shape ?? [];
    o = options;
  }
  const opts = creationOptions<RandomCreationOptions>('randint', o, ['generator']);
  const e = engineOf('randint', opts.generator);
  const size = checkShape('randint', s);
  const dtype = opts.dtype ?? 'int32';
  // int32 plays torch.randint's int64 here; the values are checked against int32 when they are written.
  const draw = randomFromTo('randint', dtype, lo, hi, dtype === 'int32');
  return make('randint', size, dtype, opts, () => castValues(draw(e, numel(size)), dtype, 'randint'));
}

/**
 * A `*Like` sampler: `torch.empty_like(t)` keeps `t`'s strides when they are
 * dense, and PyTorch fills that layout in memory order; Graft draws in that
 * order and makes a contiguous tensor of the same values.
 */
function sampleLike(
  op: string,
  t: Tensor,
  options: RandomCreationOptions | undefined,
  draw: (e: Engine, n: number, dtype: DType, contiguous: boolean) => TypedArray,
  dtypeOf: (given: DType | undefined) => DType,
): Tensor {
  if (!isTensor(t)) throw new TypeError(`${op}(): argument 'input' must be a Tensor, not ${t === null ? 'null' : typeof t}`);
  const given = creationOptions<RandomCreationOptions>(op, options, ['generator']);
  const e = engineOf(op, given.generator);
  const dtype = dtypeOf(given.dtype);
  const o: CreationOptions = { dtype, device: given.device ?? t.device, requiresGrad: given.requiresGrad };
  const layout = emptyLikeStrides(t.shape, t.strides);
  const order = iterationOrder(t.shape, [layout]);
  return make(op, t.shape, dtype, o, () => {
    const drawn = draw(e, t.numel(), dtype, isContiguous(t.shape, layout));
    return placeInOrder(drawn, order, (n) => new (drawn.constructor as new (n: number) => TypedArray)(n));
  });
}

/**
 * Uniform samples shaped like `t` (its dtype and device unless given), as
 * `torch.rand_like`.
 *
 * @example
 * const x = g.zeros(2, 3);
 * g.randLike(x);
 * g.randLike(x, { generator: new g.Generator().manualSeed(1) });
 */
export function randLike(t: Tensor, options?: RandomCreationOptions): Tensor {
  return sampleLike(
    'randLike',
    t,
    options,
    (e, n, dtype) => uniformValues(e, n, dtype),
    (d) => floatDType('randLike', d ?? t.dtype),
  );
}

/**
 * Standard normal samples shaped like `t`, as `torch.randn_like` (a
 * non-contiguous `t` is drawn by PyTorch's scalar path, as PyTorch does).
 *
 * @example
 * g.randnLike(g.zeros(2, 3)); // a 2×3 float32 tensor of N(0, 1) samples
 */
export function randnLike(t: Tensor, options?: RandomCreationOptions): Tensor {
  return sampleLike(
    'randnLike',
    t,
    options,
    (e, n, dtype, contiguous) => normalValues(e, n, dtype, 0, 1, contiguous && n >= 16),
    (d) => floatDType('randnLike', d ?? t.dtype),
  );
}

/**
 * Integers uniform in [low, high) shaped like `t`, in `t`'s dtype unless
 * given (a float32 `t` gives float32 integers), as `torch.randint_like(t,
 * low=0, high)`.
 *
 * @example
 * const x = g.zeros(2, 3);
 * g.randintLike(x, 10);       // [0, 10)
 * g.randintLike(x, 5, 10, { dtype: 'int32' });
 */
export function randintLike(t: Tensor, high: number, options?: RandomCreationOptions): Tensor;
export function randintLike(t: Tensor, low: number, high: number, options?: RandomCreationOptions): Tensor;
export function randintLike(t: Tensor, a: number, b?: number | RandomCreationOptions, c?: RandomCreationOptions): Tensor {
  const [low, high, options] = typeof b === 'number' ? [a, b, c] : [0, a, b];
  const dtype = dtypeArg('randintLike', (options as CreationOptions | undefined)?.dtype) ?? (isTensor(t) ? t.dtype : 'float32');
  const draw = randomFromTo('randintLike', dtype, low, high);
  return sampleLike(
    'randintLike',
    t,
    options,
    (e, n) => castValues(draw(e, n), dtype, 'randintLike'),
    (d) => d ?? dtype,
  );
}

const digits: Record<DType, number> = { float32: 24, float64: 53, int32: 0, bool: 0 };

/** ATen's `update_from`: a `from` beyond float precision moved up to the next value the dtype holds. */
function updateFrom(from: number, dtype: DType): number {
  const plus1 = dtype === 'float32' ? Math.fround(from + 1) : from + 1;
  if (plus1 >= from) return from;
  let f = Math.abs(from + 1);
  let n = 0;
  while (f >= 2) {
    f = Math.floor(f / 2);
    n++;
  }
  return plus1 + 2 ** (n - digits[dtype] + 1);
}

/** ATen's `update_to`: a `to` beyond float precision moved down. */
function updateTo(to: number, dtype: DType): number {
  const minus1 = dtype === 'float32' ? Math.fround(to - 1) : to - 1;
  if (minus1 < to) return to;
  let f = Math.abs(to - 1);
  let n = 0;
  while (f >= 2) {
    f = Math.floor(f / 2);
    n++;
  }
  return minus1 - 2 ** (n - digits[dtype] + 1);
}

const BOUNDS: Record<DType, readonly [number, number]> = {
  bool: [0, 1],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  float32: [-3.4028234663852886e38, 3.4028234663852886e38],
  float64: [-Number.MAX_VALUE, Number.MAX_VALUE],
};

/**
 * Integers in [from, to) for a tensor of `dtype`, as `random_(from, to)` —
 * or in [from, the dtype's largest] when `to` is null, as `random_(from,
 * None)`: PyTorch's checks (from < to; float bounds moved to values the dtype
 * holds; the bounds of the dtype), then a sampler drawing one word per value,
 * two when the range reaches 2^32 in a 64-bit or floating dtype (`int64`:
 * Graft's int32 stands for PyTorch's int64, as in `randint`).
 */
export function randomFromTo(
  op: string,
  dtype: DType,
  from: number,
  to: number | null,
  int64 = false,
): (e: Engine, n: number) => Float64Array {
  const floating = dtype === 'float32' || dtype === 'float64';
  checkInteger(op, 'from', from);
  let range: bigint;
  if (to === null) {
    const largest: Record<DType, number> = { float32: 2 ** 24, float64: 2 ** 53, int32: 2 ** 31 - 1, bool: 1 };
    const toInclusive = largest[dtype];
    if (floating) from = updateFrom(from, dtype);
    if (!(from < toInclusive)) {
      throw new RangeError(
        `${op}: random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted to dtype, but got from=${from} > to_inc=${toInclusive}`,
      );
    }
    checkBounds(op, dtype, from, toInclusive);
    range = BigInt(toInclusive) - BigInt(from) + 1n;
  } else {
    checkInteger(op, 'to', to);
    if (!(from < to)) throw new RangeError(`${op}: random_ expects 'from' to be less than 'to', but got from=${from} >= to=${to}`);
    if (floating) {
      from = updateFrom(from, dtype);
      to = updateTo(to, dtype);
      if (!(from < to)) {
        throw new RangeError(
          `${op}: random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got from=${from} >= to=${to}`,
        );
      }
    }
    if (!int64) checkBounds(op, dtype, from, to - 1);
    range = BigInt(to) - BigInt(from);
  }
  const wide = int64 || floating;
  const r = range < 2n ** 53n ? Number(range) : range;
  const low = from;
  return (e, n) => randintValues(e, n, low, r, wide);
}

function checkBounds(op: string, dtype: DType, from: number, toInclusive: number): void {
  const [min, max] = BOUNDS[dtype];
  if (!(from >= min && from <= max)) throw new RangeError(`${op}: from is out of bounds for ${dtype}`);
  if (!(toInclusive >= min && toInclusive <= max)) throw new RangeError(`${op}: to - 1 is out of bounds for ${dtype}`);
}

/**
 * A random permutation of 0..n−1, as `torch.randperm` (int32 by default;
 * PyTorch 1.13's algorithm: n − 1 swaps, one word each).
 *
 * @example
 * g.manualSeed(0); g.randperm(5); // tensor([4, 0, 1, 3, 2]) — torch.randperm(5) after torch.manual_seed(0)
 * g.randperm(10, { generator: new g.Generator().manualSeed(1), dtype: 'float32' });
 */
export function randperm(n: number, options?: RandomCreationOptions): Tensor {
  const o = creationOptions<RandomCreationOptions>('randperm', options, ['generator']);
  const e = engineOf('randperm', o.generator);
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new TypeError(`randperm: n must be an integer, got ${String(n)}`);
  if (n < 0) throw new RangeError(`randperm: n must be non-negative, got ${n}`);
  const dtype = o.dtype ?? 'int32';
  const limit: Record<DType, number> = { int32: 2 ** 31, float32: 2 ** 24 + 1, float64: 2 ** 53 + 1, bool: -1 };
  if (dtype === 'bool') throw new TypeError(`randperm: not implemented for 'bool' (use 'int32', 'float32' or 'float64')`);
  if (n > limit[dtype]) {
    throw new RangeError(
      dtype === 'int32'
        ? `randperm: n is too large for result tensor type int32 (n - 1 = ${n - 1} does not fit)`
        : `randperm: n cannot be greater than ${dtype === 'float32' ? '2^24+1 for float32' : '2^53+1 for float64'}, got ${n}`,
    );
  }
  return make('randperm', [n], dtype, o, () => {
    const perm = randpermValues(e, n);
    return dtype === 'int32' ? perm : castValues(perm, dtype, 'randperm');
  });
}
