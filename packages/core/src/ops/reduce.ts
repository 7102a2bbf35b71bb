/**
 * Reductions over dims (with `keepdim`), the softmax family and cumsum.
 *
 * Arguments follow PyTorch: positional in PyTorch's order, or by name in a
 * trailing options object (`x.sum(1, true)`, `x.sum(1, { keepdim: true })`,
 * `x.sum({ dim: 1, dtype: 'float64' })`). Composite ops (var, std, norm,
 * logsumexp, the softmax fallbacks) free their intermediates and record one
 * node with PyTorch's name (see composite.ts). Integer sums, products and
 * cumulative sums are exact or raise (see integer.ts); reductions of empty
 * tensors give PyTorch's values (sum 0, prod 1, mean nan, logsumexp -inf,
 * all true, any false) and PyTorch's errors where there is no identity
 * (amax, argmax, max).
 */
import { noGrad } from '../autograd/grad-mode.js';
import { needsGrad, record } from '../autograd/record.js';
import type { ReduceOp } from '../backend/spec.js';
import { type DType, isFloating, sumDType } from '../dtype.js';
import { tidy } from '../memory.js';
import { normalizeDim, normalizeDims, numel, reductionDims } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { dimArg, dimsArg, dtypeArg, keepdimArg, parseArgs } from './args.js';
import { composite } from './composite.js';
import { checkTensor, isTensor, wrap } from './dispatch.js';
import { castTo, zerosLike } from './promotion.js';
import { exactFloat, int32Exact } from './integer.js';
import { scatterAddShaped } from './indexing.js';
import { cumprod } from './cumulative.js';
import { cat } from './movement.js';
import { type ValuesIndices, valuesIndices } from './named-tuple.js';
import { where } from './where.js';

type Dims = number | readonly number[] | undefined | null;

/** Keyword arguments of the reductions (each also positional, in PyTorch's order). */
export interface ReduceOptions {
  dim?: number | readonly number[] | null;
  keepdim?: boolean;
}

/** Keyword arguments of `sum`, `mean`, `prod`: also the dtype to compute and return in (PyTorch's `dtype=`). */
export interface SumOptions extends ReduceOptions {
  dtype?: DType;
}

/** The shape after reducing `axes`, with or without the reduced dims kept as 1. */
function reducedShape(shape: readonly number[], axes: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (!axes.includes(i)) out.push(shape[i]!);
    else if (keepdim) out.push(1);
  }
  return out;
}

/** A new tensor of `shape` filled with `value` on x's device. */
function filled(x: Tensor, shape: readonly number[], value: number, dtype: DType): Tensor {
  return wrap(x, x.backend.fill(numel(shape), value, dtype), shape, dtype);
}

/** Throws PyTorch's error for a reduction without an identity (max, argmax, …) over nothing. */
function requireNonEmpty(name: string, x: Tensor, dim: unknown, axes: readonly number[]): void {
  if (x.numel() !== 0) return;
  if (dim === undefined || dim === null || (Array.isArray(dim) && dim.length === 0)) {
    const hint = name.startsWith('arg') ? '' : " Specify the reduction dim with the 'dim' argument.";
    throw new Error(`${name}(): Expected reduction dim to be specified for input.numel() == 0.${hint}`);
  }
  const empty = axes.find((a) => x.shape[a] === 0);
  if (empty !== undefined) throw new Error(`${name}(): Expected reduction dim ${empty} to have non-zero size.`);
}

/** A reduction over nothing: its identity (for bool, min is all's true and max is any's false). */
function emptyValue(op: ReduceOp, dtype: DType): number {
  if (op === 'sum') return 0;
  if (op === 'prod') return 1;
  if (dtype === 'bool') return op === 'min' ? 1 : 0;
  return op === 'max' ? -Infinity : Infinity;
}

/** Runs a reduce kernel into `dtype` (empty reductions give the op's identity on every backend). Not recorded. */
function reduceKernel(op: ReduceOp, x: Tensor, axes: readonly number[], keepdim: boolean, dtype: DType): Tensor {
  const shape = reducedShape(x.shape, axes, keepdim);
  if (axes.some((a) => x.shape[a] === 0)) return filled(x, shape, emptyValue(op, dtype), dtype);
  const input = castTo(x, dtype);
  const out = wrap(x, x.backend.reduce(op, input, axes), shape, dtype);
  if (input !== x) input.dispose();
  return out;
}

/** Reshapes a reduced gradient so it broadcasts against the input (re-inserting reduced dims). */
function keepDims(g: Tensor, shape: readonly number[], axes: readonly number[], keepdim: boolean): Tensor {
  if (keepdim || axes.length === 0) return g;
  return g.reshape(reducedShape(shape, axes, true));
}

/** A sum or product, exactly for integers: computed in float64 and checked to fit int32 (bool sums always fit). */
function sumOrProd(op: 'sum' | 'prod', x: Tensor, axes: readonly number[], keepdim: boolean): Tensor {
  if (x.dtype !== 'int32') return reduceKernel(op, x, axes, keepdim, sumDType(x.dtype));
  return composite(() => {
    let exact = reduceKernel(op, castTo(x, exactFloat(x.backend)), axes, keepdim, exactFloat(x.backend));
    // A product that overflowed to ±inf and then met a zero is exactly 0 (inf · 0 is NaN in floating point).
    if (op === 'prod') exact = where(exact.isnan(), 0, exact);
    return int32Exact(op, exact, `x.double().${op}() or x.${op}({ dtype: 'float64' })`);
  });
}

/** `x` as `dtype` (PyTorch's `dtype=` argument: the input is cast before the op, differentiably). */
function asDType(x: Tensor, dtype: DType | undefined): Tensor {
  return dtype === undefined || dtype === x.dtype ? x : x.to(dtype);
}

/**
 * Sum over `dim` (all dims by default). Integers and bools sum to int32,
 * exactly: a sum that does not fit int32 raises (PyTorch's int64 would hold
 * it) — get it with `x.double().sum()` or `x.sum({ dtype: 'float64' })`.
 *
 * @example
 * g.tensor([[1, 2], [3, 4]]).sum(1).tolist(); // [3, 7]
 * g.tensor([[1, 2], [3, 4]]).sum(1, { keepdim: true }).shape; // [2, 1]
 * g.arange(100000).sum({ dtype: 'float64' }).item(); // 4999950000
 */
export function sum(x: Tensor, dim?: Dims | SumOptions, keepdim?: boolean | SumOptions, options?: SumOptions): Tensor {
  checkTensor('sum', x);
  const a = parseArgs('sum', [dim, keepdim, options], ['dim', 'keepdim'], ['dtype']);
  const d = dimsArg('sum', a['dim']);
  const kd = keepdimArg('sum', a['keepdim']);
  const src = asDType(x, dtypeArg('sum', a['dtype']));
  const axes = reductionDims('sum', d, src.ndim);
  const out = sumOrProd('sum', src, axes, kd);
  if (needsGrad(src)) {
    record(out, 'SumBackward' + (d === undefined ? '0' : '1'), [src], (g) => [keepDims(g, src.shape, axes, kd).expand(src.shape)]);
  }
  if (src !== x) src.dispose();
  return out;
}

/**
 * Mean over `dim` (all dims by default); floating dtypes only, as in PyTorch
 * (or give `{ dtype }`). The mean of nothing is nan.
 *
 * @example
 * g.tensor([1, 2, 3, 4]).mean().item(); // 2.5
 * g.arange(4).mean({ dtype: 'float32' }).item(); // 1.5
 */
export function mean(x: Tensor, dim?: Dims | SumOptions, keepdim?: boolean | SumOptions, options?: SumOptions): Tensor {
  checkTensor('mean', x);
  const a = parseArgs('mean', [dim, keepdim, options], ['dim', 'keepdim'], ['dtype']);
  const d = dimsArg('mean', a['dim']);
  const kd = keepdimArg('mean', a['keepdim']);
  const dtype = dtypeArg('mean', a['dtype']);
  if (!isFloating(dtype ?? x.dtype)) {
    throw new TypeError(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}`,
    );
  }
  const src = asDType(x, dtype);
  const axes = reductionDims('mean', d, src.ndim);
  let count = 1;
  for (const ax of axes) count *= src.shape[ax]!;
  const out = composite(() => reduceKernel('sum', src, axes, kd, src.dtype).div(count));
  if (needsGrad(src)) {
    record(out, 'MeanBackward' + (d === undefined ? '0' : '1'), [src], (g) => [
      keepDims(g, src.shape, axes, kd).div(count).expand(src.shape),
    ]);
  }
  if (src !== x) src.dispose();
  return out;
}

/**
 * Product over `dim` (all dims by default). Integer products are exact or
 * raise, as integer sums.
 *
 * @example
 * g.tensor([1, 2, 3]).prod().item(); // 6
 */
export function prod(x: Tensor, dim?: Dims | SumOptions, keepdim?: boolean | SumOptions, options?: SumOptions): Tensor {
  checkTensor('prod', x);
  const a = parseArgs('prod', [dim, keepdim, options], ['dim', 'keepdim'], ['dtype']);
  const d = dimsArg('prod', a['dim']);
  const kd = keepdimArg('prod', a['keepdim']);
  const src = asDType(x, dtypeArg('prod', a['dtype']));
  const axes = reductionDims('prod', d, src.ndim);
  const out = sumOrProd('prod', src, axes, kd);
  if (needsGrad(src)) {
    record(
      out,
      'ProdBackward' + (d === undefined ? '0' : '1'),
      [src],
      (g) => {
        // d prod / d x_i = prod of the others; computed without dividing so zeros are exact.
        return [prodGrad(src, axes, keepDims(g, src.shape, axes, kd), keepDims(out, src.shape, axes, kd))];
      },
      [src, out],
    );
  }
  if (src !== x) src.dispose();
  return out;
}

/** PyTorch's prod_backward: g · out / x without zeros; exclusive products (differentiable) with them. */
function prodGrad(x: Tensor, axes: readonly number[], g: Tensor, out: Tensor): Tensor {
  return composite(() => {
    const anyZero = noGrad(() => tidy(() => x.eq(0).any().item()));
    if (!anyZero) return g.mul(out).div(x);
    // Flatten the reduced axes into one and multiply exclusive prefix and suffix products.
    const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const perm = [...kept, ...axes];
    const moved = x.permute(perm);
    const lead = kept.map((i) => x.shape[i]!);
    const flat = moved.reshape([...lead, -1]);
    const n = flat.shape[flat.ndim - 1]!;
    const ones = filled(x, [...lead, 1], 1, x.dtype);
    const before = cumprod(cat([ones, flat.narrow(-1, 0, n - 1)], -1), -1);
    const rev = flat.flip(-1);
    const after = cumprod(cat([ones, rev.narrow(-1, 0, n - 1)], -1), -1).flip(-1);
    const others = before.mul(after).reshape(moved.shape);
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return g.mul(others.permute(inverse));
  });
}

/** Options of `var` and `std` (each also positional, in PyTorch's order `dim, unbiased, keepdim`). */
export interface VarOptions extends ReduceOptions {
  /** Bessel's correction: N - correction in the denominator (default 1). */
  correction?: number;
  /** PyTorch's older spelling: true is correction 1, false correction 0. */
  unbiased?: boolean;
}

function varArgs(op: string, x: Tensor, args: unknown[]): { axes: number[]; keepdim: boolean; denominator: number; all: boolean } {
  checkTensor(op, x);
  if (!isFloating(x.dtype)) throw new TypeError(`${op}(): expected a floating point input, got ${x.dtype}`);
  const a = parseArgs(op, args, ['dim', 'unbiased', 'keepdim'], ['correction']);
  if (a['unbiased'] !== undefined && a['correction'] !== undefined)
    throw new TypeError(`${op}(): cannot specify both 'unbiased' and 'correction'`);
  if (a['unbiased'] !== undefined && typeof a['unbiased'] !== 'boolean')
    throw new TypeError(`${op}(): argument 'unbiased' must be a boolean, not ${typeof a['unbiased']}`);
  const correction = a['correction'] ?? (a['unbiased'] === false ? 0 : 1);
  if (typeof correction !== 'number') throw new TypeError(`${op}(): argument 'correction' must be a number, not ${typeof correction}`);
  const dim = dimsArg(op, a['dim']);
  const axes = reductionDims(op, dim, x.ndim);
  let n = 1;
  for (const ax of axes) n *= x.shape[ax]!;
  return { axes, keepdim: keepdimArg(op, a['keepdim']), denominator: Math.max(n - correction, 0), all: dim === undefined };
}

/**
 * Variance over `dim` with Bessel's `correction` (default 1), as torch.var:
 * `x.var(dim, { correction, keepdim })`, or PyTorch's positional
 * `x.var(dim, unbiased, keepdim)`. nan where N ≤ correction (and for nothing).
 *
 * @example
 * g.tensor([1, 2, 3, 4]).var().item(); // 1.6666666
 * g.tensor([[1, 2], [3, 5]]).var(1, { correction: 0, keepdim: true }).tolist(); // [[0.25], [1]]
 */
export function var_(
  x: Tensor,
  dim?: Dims | VarOptions,
  unbiased?: boolean | VarOptions,
  keepdim?: boolean | VarOptions,
  options?: VarOptions,
): Tensor {
  const { axes, keepdim: kd, denominator } = varArgs('var', x, [dim, unbiased, keepdim, options]);
  return composite(
    () => {
      const centered = x.sub(x.mean(axes, true));
      return centered.mul(centered).sum(axes, kd).div(denominator);
    },
    {
      name: 'VarBackward0',
      inputs: [x],
      backward: (g) => [
        keepDims(g, x.shape, axes, kd)
          .mul(x.sub(x.mean(axes, true)))
          .mul(2 / denominator),
      ],
      saved: () => [x],
    },
  );
}

/**
 * Standard deviation over `dim`: `sqrt(var)`, with var's arguments.
 *
 * @example
 * g.tensor([1, 3]).std().item(); // 1.4142135
 */
export function std(
  x: Tensor,
  dim?: Dims | VarOptions,
  unbiased?: boolean | VarOptions,
  keepdim?: boolean | VarOptions,
  options?: VarOptions,
): Tensor {
  const args = [dim, unbiased, keepdim, options];
  const { axes, keepdim: kd, denominator } = varArgs('std', x, args);
  return composite(() => var_(x, ...(args as [Dims])).sqrt(), {
    name: 'StdBackward0',
    inputs: [x],
    backward: (g, out) => [
      // Where std is 0 (a constant slice) its gradient is 0, not 0/0: PyTorch's std_backward masks it.
      keepDims(where(out.eq(0), 0, g.div(out)), x.shape, axes, kd)
        .mul(x.sub(x.mean(axes, true)))
        .div(denominator),
    ],
    saved: (out) => [x, out],
  });
}

/** Options of `norm` (each also positional: `p, dim, keepdim`). */
export interface NormOptions extends ReduceOptions {
  p?: number;
  dtype?: DType;
}

/**
 * The vector p-norm over `dim` (all elements by default): p = 2, 1, Infinity,
 * -Infinity, 0 or any number (torch.linalg.vector_norm). The norm of nothing
 * is 0 (Infinity norms of nothing raise, having no identity).
 *
 * @example
 * g.tensor([3, 4]).norm().item(); // 5
 * g.tensor([[3, 4]]).norm(1, 1, { keepdim: true }).tolist(); // [[7]]
 */
export function norm(
  x: Tensor,
  p?: number | NormOptions,
  dim?: Dims | NormOptions,
  keepdim?: boolean | NormOptions,
  options?: NormOptions,
): Tensor {
  checkTensor('norm', x);
  const a = parseArgs('norm', [p, dim, keepdim, options], ['p', 'dim', 'keepdim'], ['dtype']);
  const order = a['p'] ?? 2;
  if (typeof order !== 'number') throw new TypeError(`norm(): argument 'p' must be a number, not ${typeof order}`);
  const src = asDType(x, dtypeArg('norm', a['dtype']));
  if (!isFloating(src.dtype)) throw new TypeError(`norm(): input dtype should be floating point, but got ${src.dtype}`);
  const d = dimsArg('norm', a['dim']);
  const kd = keepdimArg('norm', a['keepdim']);
  const axes = reductionDims('norm', d, src.ndim);
  if (!Number.isFinite(order) && src.numel() === 0) {
    const place = d === undefined ? 'an empty tensor' : `the dimension ${axes.find((ax) => src.shape[ax] === 0) ?? ''}`;
    if (d === undefined || axes.some((ax) => src.shape[ax] === 0)) {
      throw new Error(
        `norm(): cannot compute the ${order > 0 ? 'inf' : '-inf'} norm on ${place} because ${d === undefined ? 'the operation does not have an identity' : 'this dimension is empty and the operation does not have an identity'}`,
      );
    }
  }
  const out = composite(
    () => {
      if (order === 2) return src.mul(src).sum(axes, kd).sqrt();
      const abs = src.abs();
      if (order === 1) return abs.sum(axes, kd);
      if (order === Infinity) return abs.amax(axes, kd);
      if (order === -Infinity) return abs.amin(axes, kd);
      if (order === 0) return abs.ne(0).to(src.dtype).sum(axes, kd);
      return abs
        .pow(order)
        .sum(axes, kd)
        .pow(1 / order);
    },
    {
      name: 'NormBackward1',
      inputs: [src],
      backward: (g, out) => {
        if (order === 0) return [zerosLike(src)];
        const gk = keepDims(g, src.shape, axes, kd);
        const nk = keepDims(out, src.shape, axes, kd);
        if (order === 1) return [gk.mul(src.sign())];
        if (order === 2) return [gk.mul(src).div(nk).maskedFill(nk.eq(0).expand(src.shape), 0)];
        if (!Number.isFinite(order)) {
          const hit = src.abs().eq(nk).to(src.dtype);
          return [gk.mul(src.sign()).mul(hit).div(hit.sum(axes, true))];
        }
        const scaled = src
          .abs()
          .pow(order - 2)
          .mul(src)
          .mul(gk)
          .div(nk.pow(order - 1));
        return [scaled.maskedFill(nk.eq(0).expand(src.shape), 0)];
      },
      saved: (out) => [src, out],
    },
  );
  if (src !== x) src.dispose();
  return out;
}

/**
 * `log(sum(exp(x)))` over `dim`, computed stably (subtracting the max); -inf
 * over nothing, and infinite maxima handled as PyTorch does.
 *
 * @example
 * g.tensor([1000, 1000]).logsumexp(0).item(); // 1000.6931…
 */
export function logsumexp(
  x: Tensor,
  dim?: number | readonly number[] | ReduceOptions,
  keepdim?: boolean | ReduceOptions,
  options?: ReduceOptions,
): Tensor {
  checkTensor('logsumexp', x);
  const a = parseArgs('logsumexp', [dim, keepdim, options], ['dim', 'keepdim']);
  const d = dimsArg('logsumexp', a['dim']);
  if (d === undefined) throw new TypeError("logsumexp(): missing required argument 'dim'");
  const kd = keepdimArg('logsumexp', a['keepdim']);
  const axes = reductionDims('logsumexp', d, x.ndim);
  return composite(
    () => {
      const input = isFloating(x.dtype) ? x : castTo(x, 'float32');
      if (axes.some((ax) => input.shape[ax] === 0)) return filled(input, reducedShape(input.shape, axes, kd), -Infinity, input.dtype);
      const m = input.amax(axes, true);
      // Infinite maxima would give inf - inf = nan: shift by 0 there instead (PyTorch's masked_fill).
      const shift = where(m.isfinite(), m, 0);
      const s = input.sub(shift).exp().sum(axes, true).log().add(shift);
      return kd ? s : s.squeeze(axes);
    },
    {
      name: 'LogsumexpBackward0',
      inputs: [x],
      backward: (g, out) => [keepDims(g, x.shape, axes, kd).mul(x.sub(keepDims(out, x.shape, axes, kd)).exp())],
      saved: (out) => [x, out],
    },
  );
}

/** The dim and keepdim of amax/amin/argmax/all/…: positional or in the options object. */
function dimKeepdim(op: string, args: unknown[]): { dim: number | readonly number[] | undefined; keepdim: boolean } {
  const a = parseArgs(op, args, ['dim', 'keepdim']);
  return { dim: dimsArg(op, a['dim']), keepdim: keepdimArg(op, a['keepdim']) };
}

function extremum(
  op: 'max' | 'min',
  name: string,
  x: Tensor,
  dim: number | readonly number[] | undefined,
  keepdim: boolean,
  gradName: string,
): Tensor {
  const axes = reductionDims(name, dim, x.ndim);
  requireNonEmpty(name, x, dim, axes);
  const out = reduceKernel(op, x, axes, keepdim, x.dtype);
  if (needsGrad(x)) record(out, gradName, [x], (g) => [extremumGrad(x, out, g, axes, keepdim)], [x, out]);
  return out;
}

/**
 * Maximum over `dim` (all dims by default), without indices.
 *
 * @example
 * g.tensor([[1, 5], [3, 2]]).amax(0).tolist(); // [3, 5]
 */
export function amax(x: Tensor, dim?: Dims | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor {
  checkTensor('amax', x);
  const a = dimKeepdim('amax', [dim, keepdim, options]);
  return extremum('max', 'amax', x, a.dim, a.keepdim, 'AmaxBackward0');
}

/**
 * Minimum over `dim` (all dims by default), without indices.
 *
 * @example
 * g.tensor([[1, 5], [3, 2]]).amin(0).tolist(); // [1, 2]
 */
export function amin(x: Tensor, dim?: Dims | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor {
  checkTensor('amin', x);
  const a = dimKeepdim('amin', [dim, keepdim, options]);
  return extremum('min', 'amin', x, a.dim, a.keepdim, 'AminBackward0');
}

/** The gradient of amax/amin: split evenly among the tied extreme elements. */
function extremumGrad(x: Tensor, out: Tensor, g: Tensor, axes: readonly number[], keepdim: boolean): Tensor {
  const hit = x.eq(keepDims(out, x.shape, axes, keepdim)).to(x.dtype);
  return hit.mul(keepDims(g, x.shape, axes, keepdim)).div(hit.sum(axes, true));
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, args: unknown[]): Tensor {
  checkTensor(op, x);
  const a = parseArgs(op, args, ['dim', 'keepdim']);
  const dim = dimArg(op, a['dim'], true);
  const keepdim = keepdimArg(op, a['keepdim']);
  if (dim === undefined) {
    requireNonEmpty(op, x, undefined, []);
    const shape = keepdim ? x.shape.map(() => 1) : [];
    return composite(() => wrap(x, x.backend.argReduce(op, x.reshape(-1), 0), shape, 'int32'));
  }
  const d = normalizeDim(op, dim, x.ndim);
  if (x.ndim === 0) return filled(x, [], 0, 'int32');
  requireNonEmpty(op, x, d, [d]);
  const shape = reducedShape(x.shape, [d], keepdim);
  if (x.numel() === 0) return filled(x, shape, 0, 'int32');
  return wrap(x, x.backend.argReduce(op, x, d), shape, 'int32');
}

/**
 * Index of the maximum (of the flattened tensor, or along `dim`), as int32.
 *
 * @example
 * g.tensor([1, 5, 3]).argmax().item(); // 1
 */
export function argmax(x: Tensor, dim?: number | ReduceOptions | null, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor {
  return argReduce('argmax', x, [dim, keepdim, options]);
}

/**
 * Index of the minimum (of the flattened tensor, or along `dim`), as int32.
 *
 * @example
 * g.tensor([4, 1, 3]).argmin().item(); // 1
 */
export function argmin(x: Tensor, dim?: number | ReduceOptions | null, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor {
  return argReduce('argmin', x, [dim, keepdim, options]);
}

function maxMinDim(op: 'max' | 'min', x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const d = normalizeDim(op, dim, x.ndim);
  if (x.ndim > 0) requireNonEmpty(op, x, d, [d]);
  const shape = x.ndim === 0 ? [] : reducedShape(x.shape, [d], keepdim);
  const [values, indices] = composite(
    (): [Tensor, Tensor] => {
      if (x.numel() === 0) return [filled(x, shape, 0, x.dtype), filled(x, shape, 0, 'int32')];
      const idx = argReduce(op === 'max' ? 'argmax' : 'argmin', x, [d, true]);
      const picked = x.gather(d, x.ndim === 0 ? idx.reshape([]) : idx);
      return [picked.reshape(shape), idx.reshape(shape)];
    },
    {
      name: op === 'max' ? 'MaxBackward0' : 'MinBackward0',
      inputs: [x],
      backward: (g, [, indices]) => {
        const gk = keepdim || x.ndim === 0 ? g : g.unsqueeze(d);
        const ik = keepdim || x.ndim === 0 ? indices : indices.unsqueeze(d);
        return [scatterAddShaped(x.shape, d, ik, gk)];
      },
      saved: ([, indices]) => [indices],
    },
  );
  return valuesIndices(values, indices, op);
}

function maxMin(op: 'max' | 'min', x: Tensor, args: unknown[]): Tensor | ValuesIndices {
  checkTensor(op, x);
  if (isTensor(args[0])) {
    return op === 'max' ? x.maximum(args[0] as Tensor) : x.minimum(args[0] as Tensor);
  }
  const a = parseArgs(op, args, ['dim', 'keepdim']);
  const dim = dimArg(op, a['dim'], true);
  if (dim === undefined) {
    if (a['keepdim'] !== undefined) throw new TypeError(`${op}(): 'keepdim' needs a 'dim'`);
    return extremum(op, op, x, undefined, false, op === 'max' ? 'MaxBackward1' : 'MinBackward1');
  }
  return maxMinDim(op, x, dim, keepdimArg(op, a['keepdim']));
}

/**
 * The maximum: of all elements (a 0-d tensor), along `dim` (`[values,
 * indices]`, also as `.values` and `.indices`), or elementwise against
 * another tensor.
 *
 * @example
 * g.tensor([[1, 5], [3, 2]]).max(1).values.tolist(); // [5, 3]
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim: number | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): ValuesIndices;
export function max(
  x: Tensor,
  dim?: number | Tensor | ReduceOptions,
  keepdim?: boolean | ReduceOptions,
  options?: ReduceOptions,
): Tensor | ValuesIndices {
  return maxMin('max', x, [dim, keepdim, options]);
}

/**
 * The minimum: of all elements (a 0-d tensor), along `dim` (`[values,
 * indices]`, also as `.values` and `.indices`), or elementwise against
 * another tensor.
 *
 * @example
 * g.tensor([[1, 5], [3, 2]]).min(1).indices.tolist(); // [0, 1]
 */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim: number | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): ValuesIndices;
export function min(
  x: Tensor,
  dim?: number | Tensor | ReduceOptions,
  keepdim?: boolean | ReduceOptions,
  options?: ReduceOptions,
): Tensor | ValuesIndices {
  return maxMin('min', x, [dim, keepdim, options]);
}

/** all/any: truthiness reduced by min/max; over nothing, the identity (true for all, false for any). */
function truthReduce(op: 'all' | 'any', x: Tensor, args: unknown[]): Tensor {
  checkTensor(op, x);
  const { dim, keepdim } = dimKeepdim(op, args);
  const axes = normalizeDims(op, dim, x.ndim);
  return composite(() => {
    const truth = x.dtype === 'bool' ? x : x.ne(0);
    return reduceKernel(op === 'all' ? 'min' : 'max', truth, axes, keepdim, 'bool');
  });
}

/**
 * True if every element is truthy (over `dim`, or all); true for nothing.
 *
 * @example
 * g.tensor([1, 0]).all().item(); // false
 */
export function all(x: Tensor, dim?: Dims | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor {
  return truthReduce('all', x, [dim, keepdim, options]);
}

/**
 * True if any element is truthy (over `dim`, or all); false for nothing.
 *
 * @example
 * g.tensor([1, 0]).any().item(); // true
 */
export function any(x: Tensor, dim?: Dims | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor {
  return truthReduce('any', x, [dim, keepdim, options]);
}

/** Keyword arguments of softmax, logSoftmax and cumsum: the dim, and the dtype to compute in. */
export interface DimDTypeOptions {
  dim?: number;
  dtype?: DType;
}

/** The dim and the input cast to `dtype` (PyTorch casts before the op), for softmax/logSoftmax/cumsum. */
function dimAndInput(op: string, x: Tensor, args: unknown[]): { d: number; src: Tensor } {
  checkTensor(op, x);
  const a = parseArgs(op, args, ['dim'], ['dtype']);
  const src = asDType(x, dtypeArg(op, a['dtype']));
  return { d: normalizeDim(op, dimArg(op, a['dim'])!, src.ndim), src };
}

/**
 * Softmax along `dim`, computed stably (the max is subtracted first; rows
 * with an infinite maximum are nan, as in PyTorch). `{ dtype }` casts first.
 *
 * @example
 * g.tensor([1000, 0]).softmax(0).tolist(); // [1, 0]
 */
export function softmax(x: Tensor, dim: number | DimDTypeOptions, options?: DimDTypeOptions): Tensor {
  const { d, src } = dimAndInput('softmax', x, [dim, options]);
  const input = isFloating(src.dtype) ? src : castTo(src, 'float32');
  const out = composite(
    () => {
      if (input.numel() === 0) return zerosLike(input);
      // A 0-d input is one row of one element (kernels take a dim that exists).
      const rows = input.ndim === 0 ? input.reshape([1]) : input;
      if (input.backend.softmax !== undefined) return wrap(input, input.backend.softmax(rows, d, false), input.shape, input.dtype);
      // PyTorch's: exp(x - max) / sum, with no guard for infinite maxima (such rows are nan).
      const e = rows.sub(rows.amax(d, true)).exp();
      return e.div(e.sum(d, true)).reshape(input.shape);
    },
    {
      name: 'SoftmaxBackward0',
      inputs: [src],
      backward: (g, y) => {
        const gy = g.mul(y);
        return [gy.sub(y.mul(gy.sum(d, true)))];
      },
      saved: (y) => [y],
    },
  );
  if (input !== src) input.dispose();
  if (src !== x) src.dispose();
  return out;
}

/**
 * `log(softmax(x))` along `dim`, computed stably. `{ dtype }` casts first.
 *
 * @example
 * g.tensor([0, 0]).logSoftmax(0).tolist(); // [-0.6931…, -0.6931…]
 */
export function logSoftmax(x: Tensor, dim: number | DimDTypeOptions, options?: DimDTypeOptions): Tensor {
  const { d, src } = dimAndInput('logSoftmax', x, [dim, options]);
  const input = isFloating(src.dtype) ? src : castTo(src, 'float32');
  const out = composite(
    () => {
      if (input.numel() === 0) return zerosLike(input);
      const rows = input.ndim === 0 ? input.reshape([1]) : input; // as softmax's
      if (input.backend.softmax !== undefined) return wrap(input, input.backend.softmax(rows, d, true), input.shape, input.dtype);
      // PyTorch's: (x - max) - log(sum(exp(x - max))), with no guard for infinite maxima.
      const shifted = rows.sub(rows.amax(d, true));
      return shifted.sub(shifted.exp().sum(d, true).log()).reshape(input.shape);
    },
    {
      name: 'LogSoftmaxBackward0',
      inputs: [src],
      backward: (g, y) => [g.sub(y.exp().mul(g.sum(d, true)))],
      saved: (y) => [y],
    },
  );
  if (input !== src) input.dispose();
  if (src !== x) src.dispose();
  return out;
}

/**
 * Cumulative sum along `dim`. Integer sums are exact or raise, as `sum`.
 * `{ dtype }` casts first.
 *
 * @example
 * g.tensor([1, 2, 3]).cumsum(0).tolist(); // [1, 3, 6]
 */
export function cumsum(x: Tensor, dim: number | DimDTypeOptions, options?: DimDTypeOptions): Tensor {
  const { d, src } = dimAndInput('cumsum', x, [dim, options]);
  const axis = src.ndim === 0 ? 0 : d;
  let out: Tensor;
  if (src.dtype === 'int32') {
    out = composite(() => {
      const wide = castTo(src, exactFloat(src.backend));
      const exact = wrap(src, src.backend.cumulative('cumsum', wide, axis, wide.dtype), src.shape, wide.dtype);
      return int32Exact('cumsum', exact, `x.double().cumsum(dim) or x.cumsum(dim, { dtype: 'float64' })`);
    });
  } else {
    const dtype = sumDType(src.dtype);
    out = composite(() => wrap(src, src.backend.cumulative('cumsum', castTo(src, dtype), axis, dtype), src.shape, dtype));
  }
  if (needsGrad(src)) record(out, 'CumsumBackward0', [src], (g) => [src.ndim === 0 ? g : g.flip(d).cumsum(d).flip(d)]);
  if (src !== x) src.dispose();
  return out;
}
