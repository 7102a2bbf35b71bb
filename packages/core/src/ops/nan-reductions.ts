/**
 * Reductions PyTorch has beside sum/mean/var: `nansum` and `nanmean` (NaN
 * treated as missing), `countNonzero`, `aminmax`, and `stdMean`/`varMean`
 * (both statistics in one call). Composed from core's reductions, with
 * PyTorch's node names where it records one (`NansumBackward0`; `nanmean` is
 * PyTorch's own composition, `nansum / count`).
 */
import { isFloating } from '../dtype.js';
import { normalizeDims } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { dimsArg, dtypeArg, keepdimArg, parseArgs } from './args.js';
import { composite } from './composite.js';
import { checkTensor } from './dispatch.js';
import { isnan } from './elementwise.js';
import { amax, amin, mean, std, sum, type VarOptions, var_ } from './reduce.js';
import type { SumOptions } from './reduce.js';
import { namedTuple } from './named-tuple.js';
import { where } from './where.js';

/** A `dim` argument: one dim, several, or all (undefined/null). */
type Dims = number | readonly number[] | undefined | null;

/** `x`'s NaNs replaced by 0 (where the input is not floating point, `x` itself). */
function withoutNaN(x: Tensor): Tensor {
  return isFloating(x.dtype) ? where(isnan(x), 0, x) : x;
}

/**
 * The sum over `dim` (all dims by default) with NaN counted as 0 — PyTorch's
 * `nansum`; its gradient is 0 at the NaNs. Integers sum as `sum` does.
 *
 * @example
 * g.tensor([1, NaN, 2]).nansum().item(); // 3
 */
export function nansum(x: Tensor, dim?: Dims | SumOptions, keepdim?: boolean | SumOptions, options?: SumOptions): Tensor {
  checkTensor('nansum', x);
  const a = parseArgs('nansum', [dim, keepdim, options], ['dim', 'keepdim'], ['dtype']);
  const d = dimsArg('nansum', a['dim']);
  const kd = keepdimArg('nansum', a['keepdim']);
  const dtype = dtypeArg('nansum', a['dtype']);
  const src = dtype === undefined || dtype === x.dtype ? x : x.to(dtype);
  const axes = normalizeDims('nansum', d, src.ndim);
  const out = composite(() => sum(withoutNaN(src), axes, kd), {
    name: 'NansumBackward0',
    inputs: [src],
    // The output's gradient at every input position, 0 at the NaNs.
    backward: (g) => [where(isnan(src), 0, (kd ? g : g.reshape(src.shape.map((s, i) => (axes.includes(i) ? 1 : s)))).expand(src.shape))],
    saved: () => [src],
  });
  if (src !== x) src.dispose();
  return out;
}

/**
 * The mean over `dim` of the values that are not NaN (NaN where all are) —
 * PyTorch's `nanmean`, `nansum / count`. Floating point inputs only.
 *
 * @example
 * g.tensor([1, NaN, 2]).nanmean().item(); // 1.5
 */
export function nanmean(x: Tensor, dim?: Dims | SumOptions, keepdim?: boolean | SumOptions, options?: SumOptions): Tensor {
  checkTensor('nanmean', x);
  const a = parseArgs('nanmean', [dim, keepdim, options], ['dim', 'keepdim'], ['dtype']);
  const dtype = dtypeArg('nanmean', a['dtype']);
  if (!isFloating(dtype ?? x.dtype)) {
    throw new TypeError(`nanmean(): expected input to have floating point dtype but got ${dtype ?? x.dtype}`);
  }
  const d = dimsArg('nanmean', a['dim']) ?? null;
  const kd = keepdimArg('nanmean', a['keepdim']);
  // PyTorch's own composition (its node is DivBackward0); composite frees the sum and the count.
  return composite(() => {
    const src = dtype === undefined || dtype === x.dtype ? x : x.to(dtype);
    return nansum(src, d, kd).div(isnan(src).logicalNot().sum(d, kd).to(src.dtype));
  });
}

/**
 * How many elements are nonzero, over `dim` (all dims by default) — PyTorch's
 * `count_nonzero` (int32 here: Graft's integer type).
 *
 * @example
 * g.tensor([[0, 1], [2, 3]]).countNonzero(1).tolist(); // [1, 2]
 */
export function countNonzero(x: Tensor, dim?: Dims | { dim?: Dims }): Tensor {
  checkTensor('countNonzero', x);
  const a = parseArgs('countNonzero', [dim], ['dim']);
  const d = dimsArg('countNonzero', a['dim']) ?? null;
  return composite(() => x.ne(0).sum(d));
}

/** Options of `aminmax`. */
export interface AminmaxOptions {
  /** The dim to reduce (all by default). */
  dim?: number;
  /** Keep the reduced dim with size 1. */
  keepdim?: boolean;
}

/** What `aminmax` returns: `[min, max]`, with the fields `.min` and `.max` (PyTorch's named tuple). */
export interface MinMax extends Iterable<Tensor> {
  readonly 0: Tensor;
  readonly 1: Tensor;
  readonly length: 2;
  readonly min: Tensor;
  readonly max: Tensor;
}

/**
 * The minimum and the maximum in one call, over `dim` or all elements —
 * PyTorch's `aminmax` (values only; NaN propagates as in `amin`/`amax`).
 *
 * @example
 * g.aminmax(g.tensor([3, 1, 2])).min; // tensor(1.)
 */
export function aminmax(x: Tensor, options: AminmaxOptions = {}): MinMax {
  checkTensor('aminmax', x);
  const a = parseArgs('aminmax', [options], [], ['dim', 'keepdim']);
  const kd = keepdimArg('aminmax', a['keepdim']);
  const d = a['dim'];
  if (d !== undefined && d !== null && typeof d !== 'number')
    throw new TypeError(`aminmax(): argument 'dim' must be a number, not ${typeof d}`);
  if (x.numel() === 0 && (d === undefined || d === null)) {
    throw new Error('aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.');
  }
  const dims = d === undefined || d === null ? null : (d as number);
  const min = amin(x, dims ?? undefined, kd);
  const max = amax(x, dims ?? undefined, kd);
  return namedTuple('aminmax', { min, max }) as unknown as MinMax;
}

/**
 * `[std, mean]` over `dim` with std's arguments (`correction`, `unbiased`,
 * `keepdim`) — PyTorch's `std_mean`.
 *
 * @example
 * g.stdMean(g.tensor([1, 3]))[0]; // tensor(1.4142)
 */
export function stdMean(
  x: Tensor,
  dim?: Dims | VarOptions,
  unbiased?: boolean | VarOptions,
  keepdim?: boolean | VarOptions,
  options?: VarOptions,
): [Tensor, Tensor] {
  return withMean('stdMean', std, x, [dim, unbiased, keepdim, options]);
}

/**
 * `[var, mean]` over `dim` with var's arguments — PyTorch's `var_mean`.
 *
 * @example
 * g.varMean(g.tensor([1, 3]))[1]; // tensor(2.)
 */
export function varMean(
  x: Tensor,
  dim?: Dims | VarOptions,
  unbiased?: boolean | VarOptions,
  keepdim?: boolean | VarOptions,
  options?: VarOptions,
): [Tensor, Tensor] {
  return withMean('varMean', var_, x, [dim, unbiased, keepdim, options]);
}

type VarArgs = [Dims | VarOptions, boolean | VarOptions | undefined, boolean | VarOptions | undefined, VarOptions | undefined];

/** `[statistic(x, …args), mean]`, the mean over the same dims with the same keepdim. */
function withMean(op: string, statistic: typeof std, x: Tensor, args: VarArgs): [Tensor, Tensor] {
  const a = parseArgs(op, args, ['dim', 'unbiased', 'keepdim'], ['correction']);
  return [statistic(x, ...args), mean(x, dimsArg(op, a['dim']) ?? undefined, keepdimArg(op, a['keepdim']))];
}
