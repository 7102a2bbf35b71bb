/**
 * The in-place samplers (`uniform_`, `normal_`, `bernoulli_`, `exponential_`,
 * `geometric_`, `cauchy_`, `logNormal_`, `random_`), as PyTorch's CPU kernels:
 * each element drawn in TensorIterator's order over the tensor's memory (a
 * view is filled as PyTorch fills it), from the default generator or from
 * `{ generator }`. The method forms are in methods/random.ts.
 */
import {
  bernoulliValues,
  cauchyValues,
  exponentialValues,
  geometricValues,
  logNormalValues,
  normalValues,
  randomValues,
  uniformValues,
} from '../distributions.js';
import { isFloating, type TypedArray } from '../dtype.js';
import { type Engine, engineOf } from '../random.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { parseArgs } from './args.js';
import { bernoulliMask, checkProbabilityDType } from './bernoulli-mask.js';
import { castValues } from './creation.js';
import { checkTensor, isTensor } from './dispatch.js';
import { checkWritable, inplace, writeValues } from './inplace.js';
import { iterationOrder, placeInOrder } from './iteration-order.js';
import { type GeneratorOptions, randomFromTo } from './random-creation.js';

type Args = readonly unknown[];

/** Options of `uniform_`: PyTorch's `from`, `to` and `generator`. */
export interface UniformOptions extends GeneratorOptions {
  from?: number;
  to?: number;
}
/** Options of `normal_`: `mean`, `std` and `generator`. */
export interface NormalOptions extends GeneratorOptions {
  mean?: number;
  std?: number;
}
/** Options of `bernoulli_`: `p` (a number, or a tensor of probabilities broadcast to the tensor) and `generator`. */
export interface BernoulliInPlaceOptions extends GeneratorOptions {
  p?: number | Tensor;
}
/** Options of `exponential_`: the rate `lambd` (PyTorch's spelling) and `generator`. */
export interface ExponentialOptions extends GeneratorOptions {
  lambd?: number;
}
/** Options of `geometric_`: the success probability `p` and `generator`. */
export interface GeometricOptions extends GeneratorOptions {
  p?: number;
}
/** Options of `cauchy_`: `median`, `sigma` and `generator`. */
export interface CauchyOptions extends GeneratorOptions {
  median?: number;
  sigma?: number;
}
/** Options of `logNormal_`: the `mean` and `std` of the underlying normal, and `generator`. */
export interface LogNormalOptions extends GeneratorOptions {
  mean?: number;
  std?: number;
}
/** Options of `random_`: `from` (inclusive), `to` (exclusive; null for the dtype's largest, inclusive) and `generator`. */
export interface RandomOptions extends GeneratorOptions {
  from?: number;
  to?: number | null;
}

/** The arguments of an in-place sampler: PyTorch's positional ones (also by name) and `generator`. */
function samplerArgs(op: string, t: Tensor, args: Args, positional: readonly string[]): { a: Record<string, unknown>; e: Engine } {
  checkWritable(op, t);
  const a = parseArgs(op, args, positional, ['generator']);
  return { a, e: engineOf(op, a['generator']) };
}

function numberArg(op: string, a: Record<string, unknown>, name: string, fallback?: number): number {
  const v = a[name] ?? fallback;
  if (typeof v !== 'number') {
    throw new TypeError(
      `${op}(): argument '${name}' must be a number, not ${v === undefined ? 'missing' : v === null ? 'null' : typeof v}`,
    );
  }
  return v;
}

function checkFloating(op: string, t: Tensor): void {
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: expected a floating tensor ('float32' or 'float64'), got ${t.dtype}`);
}

/** Draws `t.numel()` values in `t`'s iteration order (`draw` gets whether `t` is contiguous), places and writes them. */
function fill<T extends Tensor>(op: string, t: T, e: Engine, draw: (e: Engine, n: number, contiguous: boolean) => TypedArray): T {
  const order = iterationOrder(t.shape, [t.strides]);
  const drawn = draw(e, t.numel(), t.isContiguous());
  const placed = placeInOrder(drawn, order, (n) => new (drawn.constructor as new (n: number) => TypedArray)(n));
  const sameType = (t.dtype === 'float32' && placed instanceof Float32Array) || (t.dtype === 'float64' && placed instanceof Float64Array);
  return writeValues(op, t, sameType ? placed : castValues(placed, t.dtype, op));
}

/**
 * Fills `t` with uniform samples in [from, to), as PyTorch's `uniform_`.
 *
 * @example
 * g.empty(5, 3).uniform_(-1, 1);
 */
export function uniform_<T extends Tensor>(t: T, ...args: Args): T {
  const { a, e } = samplerArgs('uniform_', t, args, ['from', 'to']);
  checkFloating('uniform_', t);
  const from = numberArg('uniform_', a, 'from', 0);
  const to = numberArg('uniform_', a, 'to', 1);
  if (!(from <= to)) throw new Error(`uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`);
  const max = t.dtype === 'float32' ? 3.4028234663852886e38 : Number.MAX_VALUE;
  if (!(to - from <= max)) {
    throw new RangeError(
      `uniform_ expects to-from <= the largest ${t.dtype}, but found to=${to} and from=${from} which result in to-from to exceed the limit`,
    );
  }
  return fill('uniform_', t, e, (e, n) => uniformValues(e, n, t.dtype, from, to));
}

/**
 * Fills `t` with normal samples, as PyTorch's `normal_` (its vectorised path
 * for a contiguous tensor of 16 or more elements, its scalar path otherwise).
 *
 * @example
 * g.empty(3).normal_(0, 0.1);
 */
export function normal_<T extends Tensor>(t: T, ...args: Args): T {
  const { a, e } = samplerArgs('normal_', t, args, ['mean', 'std']);
  checkFloating('normal_', t);
  const mean = numberArg('normal_', a, 'mean', 0);
  const std = numberArg('normal_', a, 'std', 1);
  if (!(std >= 0)) throw new Error(`normal expects std >= 0.0, but found std ${std}`);
  return fill('normal_', t, e, (e, n, contiguous) => normalValues(e, n, t.dtype, mean, std, contiguous && n >= 16));
}

/**
 * Fills `t` with Bernoulli draws, as PyTorch's CPU `bernoulli_`: with a number
 * p, one double uniform per element below p (dropout draws its mask so);
 * with a tensor of probabilities (broadcast to `t`), one uniform of p's
 * precision per element.
 *
 * @example
 * g.manualSeed(0);
 * g.empty(4).bernoulli_(0.5); // the mask torch.empty(4).bernoulli_(0.5) gives after torch.manual_seed(0)
 * g.empty(2, 3).bernoulli_(g.tensor([0.1, 0.5, 0.9]));
 */
export function bernoulli_<T extends Tensor>(t: T, ...args: Args): T {
  const { a, e } = samplerArgs('bernoulli_', t, args, ['p']);
  const p = a['p'] ?? 0.5;
  if (isTensor(p)) {
    checkTensor('bernoulli_', p, 'p');
    checkProbabilityDType('bernoulli_', p);
    if (p.device !== t.device)
      throw new Error(`bernoulli_: p is on '${p.device}' but the tensor is on '${t.device}' (move one with .to())`);
    let expanded: Tensor;
    try {
      expanded = p.expand(t.shape as number[]);
    } catch {
      throw new Error(`bernoulli_: p of shape ${formatShape(p.shape)} cannot be broadcast to the tensor's shape ${formatShape(t.shape)}`);
    }
    const order = iterationOrder(t.shape, [t.strides, expanded.strides]);
    const mask = bernoulliMask('bernoulli_', e, expanded, order);
    if (expanded !== p) expanded.dispose();
    return inplace(t, 'bernoulli_', mask);
  }
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`bernoulli_ expects p to be in [0, 1], but got p=${String(p)}`);
  return fill('bernoulli_', t, e, (e, n) => bernoulliValues(e, n, p));
}

/**
 * Fills `t` with Exp(λ) samples (density λe^(−λx)), as PyTorch's CPU
 * `exponential_(lambd=1)`: −log(1 − u)/λ, u a double uniform.
 *
 * @example
 * g.empty(3).exponential_();     // λ = 1
 * g.empty(3).exponential_(2.5, { generator: new g.Generator().manualSeed(1) });
 */
export function exponential_<T extends Tensor>(t: T, ...args: Args): T {
  const { a, e } = samplerArgs('exponential_', t, args, ['lambd']);
  checkFloating('exponential_', t);
  const lambda = numberArg('exponential_', a, 'lambd', 1);
  if (!(lambda >= 0)) throw new Error(`exponential_ expects lambda >= 0.0, but found lambda=${lambda}`);
  return fill('exponential_', t, e, (e, n) => exponentialValues(e, n, t.dtype, lambda));
}

/**
 * Fills `t` with Geometric(p) samples — the number of Bernoulli(p) trials up
 * to the first success (1, 2, …) — as PyTorch's `geometric_(p)`; float or
 * int32 tensors.
 *
 * @example
 * g.empty(4).geometric_(0.3);
 */
export function geometric_<T extends Tensor>(t: T, ...args: Args): T {
  const { a, e } = samplerArgs('geometric_', t, args, ['p']);
  if (t.dtype === 'bool') throw new TypeError(`geometric_: not implemented for 'bool' (use a float or int32 tensor)`);
  const p = numberArg('geometric_', a, 'p');
  if (!(p > 0 && p < 1)) throw new Error(`geometric_ expects p to be in (0, 1), but got p=${p}`);
  return fill('geometric_', t, e, (e, n) => geometricValues(e, n, p));
}

/**
 * Fills `t` with Cauchy samples (location `median`, scale `sigma`), as
 * PyTorch's `cauchy_(median=0, sigma=1)`.
 *
 * @example
 * g.empty(3).cauchy_();
 */
export function cauchy_<T extends Tensor>(t: T, ...args: Args): T {
  const { a, e } = samplerArgs('cauchy_', t, args, ['median', 'sigma']);
  checkFloating('cauchy_', t);
  const median = numberArg('cauchy_', a, 'median', 0);
  const sigma = numberArg('cauchy_', a, 'sigma', 1);
  return fill('cauchy_', t, e, (e, n) => cauchyValues(e, n, t.dtype, median, sigma));
}

/**
 * Fills `t` with log-normal samples — exp of N(mean, std²) — as PyTorch's
 * `log_normal_(mean=1, std=2)`.
 *
 * @example
 * g.empty(3).logNormal_();       // mean 1, std 2, as PyTorch's defaults
 * g.empty(3).logNormal_(0, 0.5);
 */
export function logNormal_<T extends Tensor>(t: T, ...args: Args): T {
  const { a, e } = samplerArgs('logNormal_', t, args, ['mean', 'std']);
  checkFloating('logNormal_', t);
  const mean = numberArg('logNormal_', a, 'mean', 1);
  const std = numberArg('logNormal_', a, 'std', 2);
  if (!(std > 0)) throw new Error(`log_normal_ expects std > 0.0, but found std=${std}`);
  return fill('logNormal_', t, e, (e, n) => logNormalValues(e, n, t.dtype, mean, std));
}

/**
 * Fills `t` with integers, as PyTorch's `random_`: `random_()` draws from
 * [0, 2^24] for float32, [0, 2^53] for float64, [0, 2^31 − 1] for int32 and
 * {0, 1} for bool; `random_(to)` from [0, to); `random_(from, to)` from
 * [from, to); `random_(from, null)` from `from` to the dtype's largest.
 *
 * @example
 * g.zeros(4, { dtype: 'int32' }).random_(10);   // [0, 10)
 * g.empty(3).random_(-5, 5, { generator: new g.Generator().manualSeed(1) });
 */
export function random_<T extends Tensor>(t: T, ...args: Args): T {
  checkWritable('random_', t);
  const a = parseArgs('random_', args, ['from', 'to'], ['generator']);
  const e = engineOf('random_', a['generator']);
  let from = a['from'];
  let to = a['to'];
  // random_(to): a single positional bound is the exclusive upper one, as PyTorch's overload.
  if (from !== undefined && to === undefined && !('to' in a) && args.filter((x) => typeof x === 'number').length === 1) {
    to = from;
    from = 0;
  }
  if (from === undefined && to === undefined) return fill('random_', t, e, (e, n) => randomValues(e, n, t.dtype));
  const low = numberArg('random_', { from: from ?? 0 }, 'from');
  const high = to === null || to === undefined ? null : numberArg('random_', { to }, 'to');
  const draw = randomFromTo('random_', t.dtype, low, high);
  return fill('random_', t, e, (e, n) => draw(e, n));
}
