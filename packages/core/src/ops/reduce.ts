/**
 * Reductions over dims (with `keepdim`), the softmax family and cumsum.
 * Composite ops (var, norm, logsumexp, softmax) compute their forward without
 * recording and record one node with PyTorch's name and an explicit backward.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { needsGrad, record } from '../autograd/record.js';
import type { ReduceOp } from '../backend/spec.js';
import { type DType, isFloating, sumDType } from '../dtype.js';
import { formatShape, normalizeDim, normalizeDims } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, wrap } from './dispatch.js';
import { castTo, where } from './elementwise.js';
import { scatterAdd } from './indexing.js';
import { cat } from './movement.js';

type Dims = number | readonly number[] | undefined;

/** The shape after reducing `axes`, with or without the reduced dims kept as 1. */
function reducedShape(shape: readonly number[], axes: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (!axes.includes(i)) out.push(shape[i]!);
    else if (keepdim) out.push(1);
  }
  return out;
}

/** Runs a reduce kernel. Not recorded. */
function reduceForward(op: ReduceOp, name: string, x: Tensor, dim: Dims, keepdim: boolean, dtype: DType): { out: Tensor; axes: number[] } {
  checkTensor(name, x);
  const axes = normalizeDims(name, dim as number | number[] | undefined, x.ndim);
  if ((op === 'max' || op === 'min') && x.numel() === 0) {
    const empty = axes.some((a) => x.shape[a] === 0) || x.ndim === 0;
    if (empty || dim === undefined) {
      throw new Error(`${name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
    }
  }
  const input = castTo(x, dtype);
  const out = wrap(x, x.backend.reduce(op, input, axes, dtype), reducedShape(x.shape, axes, keepdim), dtype);
  if (input !== x) input.dispose();
  return { out, axes };
}

/** Reshapes a reduced gradient so it broadcasts against the input (re-inserting reduced dims). */
function keepDims(g: Tensor, shape: readonly number[], axes: readonly number[], keepdim: boolean): Tensor {
  if (keepdim || axes.length === 0) return g;
  return g.reshape(reducedShape(shape, axes, true));
}

/**
 * Sum over `dim` (all dims by default). Integers and bools sum to int32.
 *
 * @example
 * g.tensor([[1, 2], [3, 4]]).sum(1).tolist(); // [3, 7]
 */
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const { out, axes } = reduceForward('sum', 'sum', x, dim, keepdim, sumDType(x.dtype));
  if (needsGrad(x)) {
    record(out, 'SumBackward' + (dim === undefined ? '0' : '1'), [x], (g) => [keepDims(g, x.shape, axes, keepdim).expand(x.shape)]);
  }
  return out;
}

/**
 * Mean over `dim` (all dims by default); floating dtypes only, as in PyTorch.
 *
 * @example
 * g.tensor([1, 2, 3, 4]).mean().item(); // 2.5
 */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor('mean', x);
  if (!isFloating(x.dtype)) {
    throw new TypeError(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}`);
  }
  const { out: total, axes } = reduceForward('sum', 'mean', x, dim, keepdim, x.dtype);
  let count = 1;
  for (const a of axes) count *= x.shape[a]!;
  const out = wrap(total, total.backend.binary('div', total, count, total.shape, total.dtype), total.shape, total.dtype);
  total.dispose();
  if (needsGrad(x)) {
    record(out, 'MeanBackward' + (dim === undefined ? '0' : '1'), [x], (g) => [keepDims(g, x.shape, axes, keepdim).expand(x.shape).div(count)]);
  }
  return out;
}

/**
 * Product over `dim` (all dims by default).
 *
 * @example
 * g.tensor([1, 2, 3]).prod().item(); // 6
 */
export function prod(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const { out, axes } = reduceForward('prod', 'prod', x, dim, keepdim, sumDType(x.dtype));
  if (needsGrad(x)) {
    record(out, 'ProdBackward' + (dim === undefined ? '0' : '1'), [x], (g) => {
      // d prod / d x_i = prod of the others; computed without dividing so zeros are exact.
      return [prodGrad(x, axes, keepDims(g, x.shape, axes, keepdim), keepDims(out, x.shape, axes, keepdim))];
    }, [x, out]);
  }
  return out;
}

function prodGrad(x: Tensor, axes: readonly number[], g: Tensor, out: Tensor): Tensor {
  const zero = x.eq(0);
  const anyZero = noGrad(() => zero.any().item());
  if (!anyZero) return g.mul(out).div(x);
  // With zeros, flatten the reduced axes into one and use exclusive cumulative products.
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const moved = x.permute(perm);
  const lead = kept.map((i) => x.shape[i]!);
  const flat = moved.reshape([...lead, -1]);
  const ones = flat.narrow(-1, 0, 1).mul(0).add(1);
  const before = cumprod(cat2(ones, flat.narrow(-1, 0, flat.shape[flat.ndim - 1]! - 1)), -1);
  const rev = flat.flip(-1);
  const after = cumprod(cat2(ones, rev.narrow(-1, 0, rev.shape[rev.ndim - 1]! - 1)), -1).flip(-1);
  const others = before.mul(after).reshape(moved.shape);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return g.mul(others.permute(inverse));
}

function cat2(a: Tensor, b: Tensor): Tensor {
  return cat([a, b], -1);
}

/** Options of `var` and `std`. */
export interface VarOptions {
  /** Bessel's correction: N - correction in the denominator (default 1). */
  correction?: number;
  keepdim?: boolean;
}

/**
 * Variance over `dim` with Bessel's `correction` (default 1), as torch.var.
 *
 * @example
 * g.tensor([1, 2, 3, 4]).var().item(); // 1.6666666
 */
export function var_(x: Tensor, dim?: Dims, options: VarOptions = {}): Tensor {
  checkTensor('var', x);
  if (!isFloating(x.dtype)) throw new TypeError(`var(): expected a floating point input, got ${x.dtype}`);
  const correction = options.correction ?? 1;
  const keepdim = options.keepdim ?? false;
  const axes = normalizeDims('var', dim as number | number[] | undefined, x.ndim);
  let n = 1;
  for (const a of axes) n *= x.shape[a]!;
  const out = noGrad(() => {
    const centered = x.sub(x.mean(axes, true));
    return centered.mul(centered).sum(axes, keepdim).div(Math.max(n - correction, 0));
  });
  if (needsGrad(x)) {
    record(out, 'VarBackward0', [x], (g) => [
      keepDims(g, x.shape, axes, keepdim).mul(x.sub(x.mean(axes, true))).mul(2 / Math.max(n - correction, 0)),
    ], [x]);
  }
  return out;
}

/**
 * Standard deviation over `dim`: `sqrt(var)`.
 *
 * @example
 * g.tensor([1, 3]).std().item(); // 1.4142135
 */
export function std(x: Tensor, dim?: Dims, options: VarOptions = {}): Tensor {
  checkTensor('std', x);
  const v = noGrad(() => var_(x, dim, options));
  const out = noGrad(() => v.sqrt());
  if (needsGrad(x)) {
    const keepdim = options.keepdim ?? false;
    const axes = normalizeDims('std', dim as number | number[] | undefined, x.ndim);
    let n = 1;
    for (const a of axes) n *= x.shape[a]!;
    const correction = options.correction ?? 1;
    record(out, 'StdBackward0', [x], (g) => [
      keepDims(g.div(out), x.shape, axes, keepdim).mul(x.sub(x.mean(axes, true))).div(Math.max(n - correction, 0)),
    ], [x, out]);
  }
  return out;
}

/**
 * The p-norm over `dim` (all elements by default): p = 2, 1, Infinity, -Infinity, 0 or any number.
 *
 * @example
 * g.tensor([3, 4]).norm().item(); // 5
 */
export function norm(x: Tensor, p = 2, dim?: Dims, keepdim = false): Tensor {
  checkTensor('norm', x);
  if (!isFloating(x.dtype)) throw new TypeError(`norm(): input dtype should be floating point, but got ${x.dtype}`);
  const axes = normalizeDims('norm', dim as number | number[] | undefined, x.ndim);
  const out = noGrad(() => {
    const a = x.abs();
    if (p === 2) return x.mul(x).sum(axes, keepdim).sqrt();
    if (p === 1) return a.sum(axes, keepdim);
    if (p === Infinity) return a.amax(axes, keepdim);
    if (p === -Infinity) return a.amin(axes, keepdim);
    if (p === 0) return a.ne(0).to(x.dtype).sum(axes, keepdim);
    return a.pow(p).sum(axes, keepdim).pow(1 / p);
  });
  if (needsGrad(x)) {
    record(out, 'NormBackward1', [x], (g) => {
      const gk = keepDims(g, x.shape, axes, keepdim);
      const nk = keepDims(out, x.shape, axes, keepdim);
      if (p === 0) return [x.mul(0)];
      if (p === 1) return [gk.mul(x.sign())];
      if (p === 2) return [gk.mul(x).div(nk).maskedFill(nk.eq(0).expand(x.shape), 0)];
      if (!Number.isFinite(p)) {
        const hit = x.abs().eq(nk).to(x.dtype);
        return [gk.mul(x.sign()).mul(hit).div(hit.sum(axes, true))];
      }
      const scaled = x.abs().pow(p - 2).mul(x).mul(gk).div(nk.pow(p - 1));
      return [scaled.maskedFill(nk.eq(0).expand(x.shape), 0)];
    }, [x, out]);
  }
  return out;
}

/**
 * `log(sum(exp(x)))` over `dim`, computed stably (subtracting the max).
 *
 * @example
 * g.tensor([1000, 1000]).logsumexp(0).item(); // 1000.6931…
 */
export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  checkTensor('logsumexp', x);
  const axes = normalizeDims('logsumexp', dim, x.ndim);
  const input = isFloating(x.dtype) ? x : castTo(x, 'float32');
  const out = noGrad(() => {
    const m = input.amax(axes, true);
    // Infinite maxima would give inf - inf = nan: shift by 0 there instead.
    const shift = where(m.isfinite(), m, 0);
    const s = input.sub(shift).exp().sum(axes, true).log().add(shift);
    return keepdim ? s : s.squeeze(axes);
  });
  if (needsGrad(x)) {
    record(out, 'LogsumexpBackward0', [x], (g) => [
      keepDims(g, x.shape, axes, keepdim).mul(x.sub(keepDims(out, x.shape, axes, keepdim)).exp()),
    ], [x, out]);
  }
  return out;
}

/**
 * Maximum over `dim` (all dims by default), without indices.
 *
 * @example
 * g.tensor([[1, 5], [3, 2]]).amax(0).tolist(); // [3, 5]
 */
export function amax(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const { out, axes } = reduceForward('max', 'amax', x, dim, keepdim, x.dtype);
  if (needsGrad(x)) record(out, 'AmaxBackward0', [x], (g) => [extremumGrad(x, out, g, axes, keepdim)], [x, out]);
  return out;
}

/**
 * Minimum over `dim` (all dims by default), without indices.
 *
 * @example
 * g.tensor([[1, 5], [3, 2]]).amin(0).tolist(); // [1, 2]
 */
export function amin(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const { out, axes } = reduceForward('min', 'amin', x, dim, keepdim, x.dtype);
  if (needsGrad(x)) record(out, 'AminBackward0', [x], (g) => [extremumGrad(x, out, g, axes, keepdim)], [x, out]);
  return out;
}

/** The gradient of amax/amin: split evenly among the tied extreme elements. */
function extremumGrad(x: Tensor, out: Tensor, g: Tensor, axes: readonly number[], keepdim: boolean): Tensor {
  const hit = x.eq(keepDims(out, x.shape, axes, keepdim)).to(x.dtype);
  return hit.mul(keepDims(g, x.shape, axes, keepdim)).div(hit.sum(axes, true));
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  checkTensor(op, x);
  if (x.numel() === 0) throw new Error(`${op}(): Expected reduction dim to be specified for input.numel() == 0.`);
  if (dim === undefined) {
    const flat = x.reshape(-1);
    const out = wrap(x, x.backend.argReduce(op, flat, 0), keepdim ? x.shape.map(() => 1) : [], 'int32');
    if (flat !== x) flat.dispose();
    return out;
  }
  const d = normalizeDim(op, dim, x.ndim);
  if (x.ndim === 0) return wrap(x, x.backend.fill(1, 0, 'int32'), [], 'int32');
  return wrap(x, x.backend.argReduce(op, x, d), reducedShape(x.shape, [d], keepdim), 'int32');
}

/**
 * Index of the maximum (of the flattened tensor, or along `dim`), as int32.
 *
 * @example
 * g.tensor([1, 5, 3]).argmax().item(); // 1
 */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argReduce('argmax', x, dim, keepdim);
}

/**
 * Index of the minimum (of the flattened tensor, or along `dim`), as int32.
 *
 * @example
 * g.tensor([4, 1, 3]).argmin().item(); // 1
 */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argReduce('argmin', x, dim, keepdim);
}

/** What `max(dim)` and `min(dim)` return. */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

function maxMinDim(op: 'max' | 'min', x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  checkTensor(op, x);
  const d = normalizeDim(op, dim, x.ndim);
  if (x.ndim > 0 && x.shape[d] === 0) {
    throw new Error(`${op}(): Expected reduction dim ${d} to have non-zero size (input shape ${formatShape(x.shape)})`);
  }
  const indices = argReduce(op === 'max' ? 'argmax' : 'argmin', x, d, true);
  const values = noGrad(() => x.gather(d, x.ndim === 0 ? indices.reshape([]) : indices));
  const outValues = keepdim || x.ndim === 0 ? values : values.squeeze(d);
  const outIndices = keepdim || x.ndim === 0 ? indices : indices.squeeze(d);
  if (needsGrad(x)) {
    record(outValues, op === 'max' ? 'MaxBackward0' : 'MinBackward0', [x], (g) => {
      const gk = keepdim || x.ndim === 0 ? g : g.unsqueeze(d);
      return [scatterAdd(x.shape, d, indices, gk)];
    }, [indices]);
  }
  return { values: outValues, indices: outIndices };
}

/**
 * The maximum: of all elements (a 0-d tensor), along `dim` (`{ values, indices }`),
 * or elementwise against another tensor.
 *
 * @example
 * g.tensor([[1, 5], [3, 2]]).max(1).values.tolist(); // [5, 3]
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
  if (dim === undefined) return wholeExtremum('max', x);
  if (typeof dim !== 'number') return x.maximum(dim);
  return maxMinDim('max', x, dim, keepdim);
}

/**
 * The minimum: of all elements (a 0-d tensor), along `dim` (`{ values, indices }`),
 * or elementwise against another tensor.
 *
 * @example
 * g.tensor([[1, 5], [3, 2]]).min(1).indices.tolist(); // [0, 1]
 */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
  if (dim === undefined) return wholeExtremum('min', x);
  if (typeof dim !== 'number') return x.minimum(dim);
  return maxMinDim('min', x, dim, keepdim);
}

function wholeExtremum(op: 'max' | 'min', x: Tensor): Tensor {
  const { out } = reduceForward(op, op, x, undefined, false, x.dtype);
  if (needsGrad(x)) {
    const axes = x.shape.map((_, i) => i);
    record(out, op === 'max' ? 'MaxBackward1' : 'MinBackward1', [x], (g) => [extremumGrad(x, out, g, axes, false)], [x, out]);
  }
  return out;
}

/**
 * True if every element is truthy (over `dim`, or all).
 *
 * @example
 * g.tensor([1, 0]).all().item(); // false
 */
export function all(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor('all', x);
  const b = x.dtype === 'bool' ? x : x.ne(0);
  const { out } = reduceForward('min', 'all', b, dim, keepdim, 'bool');
  if (b !== x) b.dispose();
  if (x.numel() === 0 && dim === undefined) return wrap(x, x.backend.fill(1, 1, 'bool'), [], 'bool');
  return out;
}

/**
 * True if any element is truthy (over `dim`, or all).
 *
 * @example
 * g.tensor([1, 0]).any().item(); // true
 */
export function any(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor('any', x);
  const b = x.dtype === 'bool' ? x : x.ne(0);
  const { out } = reduceForward('max', 'any', b, dim, keepdim, 'bool');
  if (b !== x) b.dispose();
  if (x.numel() === 0 && dim === undefined) return wrap(x, x.backend.fill(1, 0, 'bool'), [], 'bool');
  return out;
}

/**
 * Softmax along `dim`, computed stably (the max is subtracted first).
 *
 * @example
 * g.tensor([1000, 0]).softmax(0).tolist(); // [1, 0]
 */
export function softmax(x: Tensor, dim: number): Tensor {
  checkTensor('softmax', x);
  const d = normalizeDim('softmax', dim, x.ndim);
  const input = isFloating(x.dtype) ? x : castTo(x, 'float32');
  const out = noGrad(() => {
    if (input.backend.softmax !== undefined) return wrap(input, input.backend.softmax(input, d, false), input.shape, input.dtype);
    const m = input.amax(d, true);
    const e = input.sub(where(m.isfinite(), m, 0)).exp();
    return e.div(e.sum(d, true));
  });
  if (needsGrad(x)) {
    record(out, 'SoftmaxBackward0', [x], (g) => {
      const gy = g.mul(out);
      return [gy.sub(out.mul(gy.sum(d, true)))];
    }, [out]);
  }
  return out;
}

/**
 * `log(softmax(x))` along `dim`, computed stably.
 *
 * @example
 * g.tensor([0, 0]).logSoftmax(0).tolist(); // [-0.6931…, -0.6931…]
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  checkTensor('logSoftmax', x);
  const d = normalizeDim('logSoftmax', dim, x.ndim);
  const input = isFloating(x.dtype) ? x : castTo(x, 'float32');
  const out = noGrad(() => {
    if (input.backend.softmax !== undefined) return wrap(input, input.backend.softmax(input, d, true), input.shape, input.dtype);
    return input.sub(input.logsumexp(d, true));
  });
  if (needsGrad(x)) {
    record(out, 'LogSoftmaxBackward0', [x], (g) => [g.sub(out.exp().mul(g.sum(d, true)))], [out]);
  }
  return out;
}

/**
 * Cumulative sum along `dim`.
 *
 * @example
 * g.tensor([1, 2, 3]).cumsum(0).tolist(); // [1, 3, 6]
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  checkTensor('cumsum', x);
  const d = normalizeDim('cumsum', dim, x.ndim);
  const dtype = sumDType(x.dtype);
  const input = castTo(x, dtype);
  const out = wrap(x, x.backend.cumulative('cumsum', input, x.ndim === 0 ? 0 : d, dtype), x.shape, dtype);
  if (input !== x) input.dispose();
  if (needsGrad(x)) record(out, 'CumsumBackward0', [x], (g) => [x.ndim === 0 ? g : g.flip(d).cumsum(d).flip(d)]);
  return out;
}

/** Cumulative product along `dim` (used by prod's gradient). */
export function cumprod(x: Tensor, dim: number): Tensor {
  checkTensor('cumprod', x);
  const d = normalizeDim('cumprod', dim, x.ndim);
  const dtype = sumDType(x.dtype);
  const out = wrap(x, x.backend.cumulative('cumprod', x, x.ndim === 0 ? 0 : d, dtype), x.shape, dtype);
  if (needsGrad(x)) {
    record(out, 'CumprodBackward0', [x], (g) => {
      // Valid where x has no zeros (the only use here is on nonzero-free prefixes or via prod's exact path).
      const r = g.mul(out).flip(d).cumsum(d).flip(d);
      return [r.div(x)];
    }, [x, out]);
  }
  return out;
}
