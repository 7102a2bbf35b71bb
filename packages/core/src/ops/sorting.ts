/**
 * Sorting and selecting along a dim: sort, argsort, topk, kthvalue, median,
 * nanmedian, mode, cummax, cummin.
 *
 * Values, indices and the choice among tied elements (and NaNs) are
 * PyTorch's CPU ones: each op runs PyTorch's own algorithm (backend/host-sort.ts).
 * `sort` uses the backend's optional `sort` kernel where there is one; every
 * other op here — and `sort` without the kernel — reads its input back once
 * and computes on the host (on the CPU backend that read is free). Gradients
 * flow to the selected elements (a scatter into the input's shape, as
 * PyTorch's `value_selecting_reduction_backward`), so they are twice
 * differentiable.
 */
import { cumExtremeLines, kthvalueLines, medianLines, modeLines, sortLines, topkLines } from '../backend/host-sort.js';
import type { DType } from '../dtype.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { boolArg, dimArg, intArg, keepdimArg, parseArgs } from './args.js';
import { composite } from './composite.js';
import { checkTensor, wrap } from './dispatch.js';
import { onHost } from './host.js';
import { scatterAddShaped } from './indexing.js';
import { type ValuesIndices, valuesIndices } from './named-tuple.js';
import { zerosLike } from './promotion.js';

/** `[x, 0]` for a 0-d input: what every op here returns for one (PyTorch's). */
function scalarResult(x: Tensor): [Tensor, Tensor] {
  return [wrap(x, x.backend.contiguous(x), [], x.dtype), wrap(x, x.backend.fill(1, 0, 'int32'), [], 'int32')];
}

/** The shape after reducing dim `d` (kept as 1 with `keepdim`). */
function reducedShape(shape: readonly number[], d: number, keepdim: boolean): number[] {
  return shape.flatMap((s, i) => (i !== d ? [s] : keepdim ? [1] : []));
}

/**
 * The gradient of a value-selecting op: `g` put back where each value came
 * from, zeros elsewhere (`indices` along `d`; reduced dims are re-inserted
 * unless `keepdim`). Written with scatterAdd, whose own gradient is a
 * gather, so it is differentiable again.
 */
function selectedGrad(x: Tensor, d: number, indices: Tensor, g: Tensor, keepdim: boolean): Tensor {
  if (x.ndim === 0) return g;
  if (x.numel() === 0) return zerosLike(x);
  const gk = keepdim ? g : g.unsqueeze(d);
  const ik = keepdim ? indices : indices.unsqueeze(d);
  return scatterAddShaped(x.shape, d, ik, gk);
}

/** Runs a forward that returns `[values, indices]` and records `name` with the value-selecting gradient. */
function selecting(name: string, x: Tensor, d: number, keepdim: boolean, forward: () => [Tensor, Tensor]): ValuesIndices {
  const [values, indices] = composite(forward, {
    name,
    inputs: [x],
    backward: (g, [, idx]) => [selectedGrad(x, d, idx, g, keepdim)],
    saved: ([, idx]) => [idx],
  });
  // PyTorch's tuple is named after the op: SortBackward0 -> sort, NanmedianBackward1 -> nanmedian.
  return valuesIndices(values, indices, name.replace(/Backward\d$/, '').toLowerCase());
}

/** PyTorch's error for an op not implemented for a dtype (its kernel's dispatch). */
function notImplemented(op: string, dtype: DType): Error {
  return new TypeError(`${op}(): not implemented for '${dtype}'`);
}

/** PyTorch's error for a reduction over an empty dim. */
function requireNonEmptyDim(op: string, x: Tensor, d: number): void {
  if (x.ndim > 0 && x.shape[d] === 0) throw new Error(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
}

/** Sorts `x` along `d` (the backend's kernel, or on the host): `[values, indices]`. Not recorded. */
function sortForward(x: Tensor, d: number, descending: boolean, stable: boolean): [Tensor, Tensor] {
  if (x.ndim === 0) return scalarResult(x);
  const kernel = x.backend.sort;
  if (kernel !== undefined && x.numel() > 0) {
    const [values, indices] = kernel.call(x.backend, x, d, descending, stable);
    return [wrap(x, values, x.shape, x.dtype), wrap(x, indices, x.shape, 'int32')];
  }
  return onHost(x, x.shape, (src, layout, values, indices) => sortLines(src, layout, d, descending, stable, values, indices));
}

/** Keyword arguments of `sort` and `argsort` (`dim` and `descending` also positional). */
export interface SortOptions {
  /** The dim to sort along (default -1). */
  dim?: number;
  /** Largest first (NaN first). Default false: smallest first, NaN last. */
  descending?: boolean;
  /**
   * Keep equal values in their order. Default false, which gives the order
   * PyTorch's CPU sort gives: stable for up to 16 elements along the dim,
   * and beyond that the order libstdc++'s introsort leaves equal values in.
   */
  stable?: boolean | null;
}

function sortArgs(op: string, x: Tensor, args: unknown[]): { d: number; descending: boolean; stable: boolean } {
  checkTensor(op, x);
  const a = parseArgs(op, args, ['dim', 'descending'], ['stable']);
  const d = normalizeDim(op, dimArg(op, a['dim'], true) ?? -1, x.ndim);
  return { d, descending: boolArg(op, 'descending', a['descending'], false), stable: boolArg(op, 'stable', a['stable'], false) };
}

/**
 * Sorts along `dim` (default -1): `[values, indices]` (also `.values`,
 * `.indices`), indices int32. NaN sorts as the greatest value. `{ stable:
 * true }` keeps equal values in order; by default equal values come out as
 * PyTorch's CPU sort leaves them (the same order, bit for bit: in order for
 * up to 16 elements, and libstdc++'s introsort order beyond). Differentiable:
 * the gradient goes back to where each value came from.
 *
 * @example
 * const [values, indices] = g.tensor([3, 1, 2]).sort();
 * values.tolist(); // [1, 2, 3]
 * indices.tolist(); // [1, 2, 0]
 * g.tensor([1, NaN, 2]).sort(0, true).values.tolist(); // [NaN, 2, 1]
 */
export function sort(x: Tensor, dim?: number | SortOptions, descending?: boolean | SortOptions, options?: SortOptions): ValuesIndices {
  const { d, descending: desc, stable } = sortArgs('sort', x, [dim, descending, options]);
  return selecting('SortBackward0', x, d, true, () => sortForward(x, d, desc, stable));
}

/**
 * The indices (int32) that sort `x` along `dim`: `sort(...).indices`.
 *
 * @example
 * g.tensor([3, 1, 2]).argsort().tolist(); // [1, 2, 0]
 * g.tensor([2, 1, 2]).argsort({ descending: true, stable: true }).tolist(); // [0, 2, 1]
 */
export function argsort(x: Tensor, dim?: number | SortOptions, descending?: boolean | SortOptions, options?: SortOptions): Tensor {
  const { d, descending: desc, stable } = sortArgs('argsort', x, [dim, descending, options]);
  return composite(() => sortForward(x, d, desc, stable)[1]);
}

/** Keyword arguments of `topk` (each also positional: `k, dim, largest, sorted`). */
export interface TopkOptions {
  k?: number;
  /** Default -1. */
  dim?: number;
  /** The largest (default) or the smallest k. */
  largest?: boolean;
  /** Sorted (default), or in the order the selection leaves them (PyTorch's). */
  sorted?: boolean;
}

/**
 * The `k` largest (or, `largest: false`, smallest) elements along `dim`
 * (default -1) and their indices: `[values, indices]`. NaN counts as the
 * largest. Ties and NaNs are picked and ordered as PyTorch's CPU topk does.
 * Differentiable.
 *
 * @example
 * const [values, indices] = g.tensor([1, 5, 3, 4]).topk(2);
 * values.tolist(); // [5, 4]
 * indices.tolist(); // [1, 3]
 * g.tensor([1, 5, 3]).topk(1, { largest: false }).values.tolist(); // [1]
 */
export function topk(
  x: Tensor,
  k: number | TopkOptions,
  dim?: number | TopkOptions,
  largest?: boolean | TopkOptions,
  sorted?: boolean | TopkOptions,
  options?: TopkOptions,
): ValuesIndices {
  checkTensor('topk', x);
  const a = parseArgs('topk', [k, dim, largest, sorted, options], ['k', 'dim', 'largest', 'sorted']);
  const count = intArg('topk', 'k', a['k']);
  const d = normalizeDim('topk', dimArg('topk', a['dim'], true) ?? -1, x.ndim);
  const big = boolArg('topk', 'largest', a['largest'], true);
  const inOrder = boolArg('topk', 'sorted', a['sorted'], true);
  if (count < 0 || count > (x.ndim > 0 ? x.shape[d]! : 1)) throw new RangeError('topk(): selected index k out of range');
  if (x.dtype === 'bool') throw notImplemented('topk', x.dtype);
  return selecting('TopkBackward0', x, d, true, () => {
    if (x.ndim === 0) return scalarResult(x); // PyTorch returns the element, also for k = 0
    const shape = x.shape.map((s, i) => (i === d ? count : s));
    return onHost(x, shape, (src, layout, values, indices) => topkLines(src, layout, d, count, big, inOrder, values, indices));
  });
}

/** Keyword arguments of `kthvalue` (each also positional: `k, dim, keepdim`). */
export interface KthvalueOptions {
  k?: number;
  /** Default -1. */
  dim?: number;
  keepdim?: boolean;
}

/**
 * The `k`-th smallest element (1-based) along `dim` (default -1) and its
 * index: `[values, indices]`. NaN counts as the largest; among equal values
 * the index is the one PyTorch's CPU quickselect lands on. Differentiable.
 *
 * @example
 * const [value, index] = g.tensor([3, 1, 2]).kthvalue(2);
 * value.item(); // 2
 * index.item(); // 2
 */
export function kthvalue(
  x: Tensor,
  k: number | KthvalueOptions,
  dim?: number | KthvalueOptions,
  keepdim?: boolean | KthvalueOptions,
  options?: KthvalueOptions,
): ValuesIndices {
  checkTensor('kthvalue', x);
  const a = parseArgs('kthvalue', [k, dim, keepdim, options], ['k', 'dim', 'keepdim']);
  const kth = intArg('kthvalue', 'k', a['k']);
  const d = normalizeDim('kthvalue', dimArg('kthvalue', a['dim'], true) ?? -1, x.ndim);
  const kd = keepdimArg('kthvalue', a['keepdim']);
  requireNonEmptyDim('kthvalue', x, d);
  if (kth < 1 || kth > (x.ndim > 0 ? x.shape[d]! : 1))
    throw new RangeError(`kthvalue(): selected number k out of range for dimension ${d}`);
  if (x.dtype === 'bool') throw notImplemented('kthvalue', x.dtype);
  return selecting('KthvalueBackward0', x, d, kd, () => {
    if (x.ndim === 0) return scalarResult(x);
    return onHost(x, reducedShape(x.shape, d, kd), (src, layout, values, indices) => kthvalueLines(src, layout, d, kth, values, indices));
  });
}

/** Keyword arguments of `median`, `nanmedian` and `mode` (each also positional: `dim, keepdim`). */
export interface MedianOptions {
  dim?: number;
  keepdim?: boolean;
}

/** median/nanmedian over all elements: the lower median as a 0-d tensor; ties share the gradient. */
function medianAll(op: 'median' | 'nanmedian', x: Tensor): Tensor {
  if (x.dtype === 'bool') throw notImplemented(op, x.dtype);
  if (x.numel() === 0 && x.dtype === 'int32') {
    throw new Error(
      `${op}(): the median of an empty int32 tensor does not exist (PyTorch gives NaN, which int32 cannot hold); convert with .float()`,
    );
  }
  const ignoreNan = op === 'nanmedian';
  return composite(
    () => {
      if (x.numel() === 0) return wrap(x, x.backend.fill(1, NaN, x.dtype), [], x.dtype);
      const flat = x.reshape(-1);
      return onHost(flat, [1], (src, layout, values, indices) => medianLines(src, layout, 0, ignoreNan, values, indices))[0].reshape([]);
    },
    {
      name: ignoreNan ? 'NanmedianBackward0' : 'MedianBackward0',
      inputs: [x],
      // PyTorch's evenly_distribute_backward: shared among the elements equal to the median (the NaNs, for a NaN).
      backward: (g, value) => {
        const hit = x.eq(value).logicalOr(x.isnan().logicalAnd(value.isnan())).to(x.dtype);
        return [hit.mul(g.div(hit.sum()))];
      },
      saved: (value) => [x, value],
    },
  );
}

/** median/nanmedian along a dim: values and indices. */
function medianDim(op: 'median' | 'nanmedian', x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const d = normalizeDim(op, dim, x.ndim);
  requireNonEmptyDim('median', x, d);
  if (x.dtype === 'bool') throw notImplemented(op, x.dtype);
  const ignoreNan = op === 'nanmedian';
  return selecting(ignoreNan ? 'NanmedianBackward1' : 'MedianBackward1', x, d, keepdim, () => {
    if (x.ndim === 0) return scalarResult(x);
    return onHost(x, reducedShape(x.shape, d, keepdim), (src, layout, values, indices) =>
      medianLines(src, layout, d, ignoreNan, values, indices),
    );
  });
}

function medianOf(op: 'median' | 'nanmedian', x: Tensor, args: unknown[]): Tensor | ValuesIndices {
  checkTensor(op, x);
  const a = parseArgs(op, args, ['dim', 'keepdim']);
  const dim = dimArg(op, a['dim'], true);
  if (dim === undefined) {
    if (a['keepdim'] !== undefined) throw new TypeError(`${op}(): 'keepdim' needs a 'dim'`);
    return medianAll(op, x);
  }
  return medianDim(op, x, dim, keepdimArg(op, a['keepdim']));
}

/**
 * The lower median: of all elements (a 0-d tensor; NaN if any is NaN, as
 * PyTorch; NaN for an empty float tensor), or along `dim` as `[values,
 * indices]` (a row with NaN gives its first NaN; among equal values, the
 * one of the median's rank in index order). Differentiable: along a dim the
 * gradient goes to the index; over all elements it is shared among the
 * elements equal to the median.
 *
 * @example
 * g.tensor([3, 1, 2, 4]).median().item(); // 2
 * g.tensor([[3, 1, 2], [6, 5, 4]]).median(1).indices.tolist(); // [2, 1]
 */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number | MedianOptions, keepdim?: boolean | MedianOptions, options?: MedianOptions): ValuesIndices;
export function median(
  x: Tensor,
  dim?: number | MedianOptions,
  keepdim?: boolean | MedianOptions,
  options?: MedianOptions,
): Tensor | ValuesIndices {
  return medianOf('median', x, [dim, keepdim, options]);
}

/**
 * `median` ignoring NaN: the lower median of the non-NaN elements (NaN
 * where there are none), over all elements or along `dim` as `[values,
 * indices]`.
 *
 * @example
 * g.tensor([1, NaN, 3, 2]).nanmedian().item(); // 2
 * g.tensor([[NaN, 1], [2, 5]]).nanmedian(1).values.tolist(); // [1, 2]
 */
export function nanmedian(x: Tensor): Tensor;
export function nanmedian(
  x: Tensor,
  dim: number | MedianOptions,
  keepdim?: boolean | MedianOptions,
  options?: MedianOptions,
): ValuesIndices;
export function nanmedian(
  x: Tensor,
  dim?: number | MedianOptions,
  keepdim?: boolean | MedianOptions,
  options?: MedianOptions,
): Tensor | ValuesIndices {
  return medianOf('nanmedian', x, [dim, keepdim, options]);
}

/**
 * The most frequent value along `dim` (default -1) and an index where it
 * occurs: `[values, indices]`. Among equally frequent values the smallest
 * wins; the index is the one PyTorch's CPU mode gives (the last of the run
 * its sort leaves). NaNs never count as equal. Differentiable.
 *
 * @example
 * const [value, index] = g.tensor([1, 2, 2, 3]).mode();
 * value.item(); // 2
 * index.item(); // 2
 */
export function mode(x: Tensor, dim?: number | MedianOptions, keepdim?: boolean | MedianOptions, options?: MedianOptions): ValuesIndices {
  checkTensor('mode', x);
  const a = parseArgs('mode', [dim, keepdim, options], ['dim', 'keepdim']);
  const d = normalizeDim('mode', dimArg('mode', a['dim'], true) ?? -1, x.ndim);
  const kd = keepdimArg('mode', a['keepdim']);
  requireNonEmptyDim('mode', x, d);
  return selecting('ModeBackward0', x, d, kd, () => {
    if (x.ndim === 0) return scalarResult(x);
    return onHost(x, reducedShape(x.shape, d, kd), (src, layout, values, indices) => modeLines(src, layout, d, values, indices));
  });
}

/** The dim of cummax/cummin (required; positional or `{ dim }`). */
export interface CumOptions {
  dim?: number;
}

function cumExtreme(op: 'cummax' | 'cummin', x: Tensor, args: unknown[]): ValuesIndices {
  checkTensor(op, x);
  const a = parseArgs(op, args, ['dim']);
  const d = normalizeDim(op, dimArg(op, a['dim'])!, x.ndim);
  const [values, indices] = composite(
    (): [Tensor, Tensor] => {
      if (x.ndim === 0) return scalarResult(x);
      return onHost(x, x.shape, (src, layout, v, i) => cumExtremeLines(src, layout, d, op === 'cummax' ? 'max' : 'min', v, i));
    },
    {
      name: op === 'cummax' ? 'CummaxBackward0' : 'CumminBackward0',
      inputs: [x],
      // cummaxmin_backward: each output's gradient added where its value came from (indices repeat).
      backward: (g, [, idx]) => [selectedGrad(x, d, idx, g, true)],
      saved: ([, idx]) => [idx],
    },
  );
  return valuesIndices(values, indices, op);
}

/**
 * The running maximum along `dim` and where it was reached: `[values,
 * indices]`. An equal value moves the index to the later element; from the
 * first NaN on the value is NaN (PyTorch's). Differentiable.
 *
 * @example
 * const [values, indices] = g.tensor([1, 3, 2, 3]).cummax(0);
 * values.tolist(); // [1, 3, 3, 3]
 * indices.tolist(); // [0, 1, 1, 3]
 */
export function cummax(x: Tensor, dim: number | CumOptions, options?: CumOptions): ValuesIndices {
  return cumExtreme('cummax', x, [dim, options]);
}

/**
 * The running minimum along `dim` and where it was reached: `[values,
 * indices]` (as `cummax`).
 *
 * @example
 * g.tensor([3, 1, 2, 1]).cummin(0).indices.tolist(); // [0, 1, 1, 3]
 */
export function cummin(x: Tensor, dim: number | CumOptions, options?: CumOptions): ValuesIndices {
  return cumExtreme('cummin', x, [dim, options]);
}
