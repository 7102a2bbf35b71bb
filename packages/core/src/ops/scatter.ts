/**
 * The scatter family: `scatter`, `scatterAdd`, `scatterReduce`, `indexAdd`,
 * `indexCopy`, `indexFill`, `maskedFill` — each a copy of its input with some
 * positions written (the in-place forms are the Tensor methods `scatter_`, …).
 *
 * Sums go through the `scatterAdd` kernel; the other reductions (and the
 * plain `scatter`, where the last of repeated indices wins, as on PyTorch's
 * CPU) through the optional `scatterReduce` kernel, or a composite of one-hot
 * comparisons where a backend lacks it. Every op works on every dtype PyTorch
 * allows: integer sums and products are exact or raise (integer.ts), bool
 * sums are a logical or and bool products a logical and, as in PyTorch.
 * Gradients are PyTorch's (derivatives.yaml, FunctionsManual's
 * `scatter_reduce_backward`), also where they look odd (an `amax` tie with an
 * excluded self still splits the gradient with it).
 */
import { noGrad } from '../autograd/grad-mode.js';
import { record, wantsGrad } from '../autograd/record.js';
import type { ScatterReduceOp } from '../backend/spec.js';
import type { DType } from '../dtype.js';
import { checkOptions } from '../options.js';
import { broadcastShapes, formatShape, normalizeDim, numel } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { parseArgs } from './args.js';
import { composite } from './composite.js';
import { arange } from './creation.js';
import { checkTensor, commonDevice, expandView, isTensor, wrap } from './dispatch.js';
import { checkBounds, checkIndex, gather, indexSelect, pad } from './indexing.js';
import { exactFloat, INT32_MAX, INT32_MIN, int32Exact } from './integer.js';
import { movedim } from './construction.js';
import { castTo, zerosLike } from './promotion.js';
import { scalarAs } from './scalar-value.js';
import { where } from './where.js';

// ---------------------------------------------------------------- helpers (unrecorded)

/** `cond ? a : b` in `dtype` (tensors cast, numbers as `scalarAs`), broadcast; not recorded. */
function choose(op: string, cond: Tensor, a: Tensor | number, b: Tensor | number, dtype: DType): Tensor {
  let shape = cond.shape as readonly number[];
  if (isTensor(a)) shape = broadcastShapes(op, shape, a.shape);
  if (isTensor(b)) shape = broadcastShapes(op, shape, b.shape);
  const ca = isTensor(a) ? castTo(a, dtype) : undefined;
  const cb = isTensor(b) ? castTo(b, dtype) : undefined;
  const handle = cond.backend.where(
    expandView(cond, shape),
    ca !== undefined ? expandView(ca, shape) : scalarAs(op, a as number, dtype),
    cb !== undefined ? expandView(cb, shape) : scalarAs(op, b as number, dtype),
    shape,
    dtype,
  );
  if (ca !== undefined && ca !== a) ca.dispose();
  if (cb !== undefined && cb !== b) cb.dispose();
  return wrap(cond, handle, shape, dtype);
}

/** A new tensor of `shape` filled with `value` on t's device. */
function filled(t: Tensor, shape: readonly number[], value: number, dtype: DType): Tensor {
  return wrap(t, t.backend.fill(numel(shape), value, dtype), shape, dtype);
}

/** A fresh contiguous copy (an op's result never shares its input's storage). */
function copyOf(t: Tensor): Tensor {
  return wrap(t, t.backend.contiguous(t), t.shape, t.dtype);
}

/** The leading `shape` corner of `t` (a view): src is used only where index reaches. */
function corner(t: Tensor, shape: readonly number[]): Tensor {
  let out = t;
  shape.forEach((size, d) => {
    if (out.shape[d] !== size) out = out.narrow(d, 0, size);
  });
  return out;
}

/** zeros(shape).scatter_add_(dim, index, src) through the kernel; src has index's shape. */
function scatterAddKernel(like: Tensor, shape: readonly number[], d: number, index: Tensor, src: Tensor): Tensor {
  return wrap(like, like.backend.scatterAdd(shape, d, index, src), shape, src.dtype);
}

/** How many values `index` sends to each position of `shape` (in `dtype`). */
function hitCounts(like: Tensor, shape: readonly number[], d: number, index: Tensor, dtype: DType): Tensor {
  const ones = filled(like, [], 1, dtype);
  return scatterAddKernel(like, shape, d, index, ones.expand(index.shape as number[]));
}

/**
 * `self.scatter_reduce(d, index, src, op, includeSelf)` for the reductions a
 * scatter-add cannot give: the backend's kernel, else one-hot comparisons.
 * self and src share a float or int32 dtype; src has index's shape.
 */
function scatterReduceKernel(op: ScatterReduceOp, self: Tensor, d: number, index: Tensor, src: Tensor, includeSelf: boolean): Tensor {
  if (index.numel() === 0 || self.numel() === 0) return copyOf(self);
  if (self.backend.scatterReduce !== undefined) {
    return wrap(self, self.backend.scatterReduce(op, self, d, index, src, includeSelf), self.shape, self.dtype);
  }
  return scatterReduceComposite(op, self, d, index, src, includeSelf);
}

/**
 * The fallback of `scatterReduce`: with the dim moved last, position m of a
 * line takes the values whose index is m — `where(index == m, src, identity)`
 * reduced over the line (for 'assign', the largest position sent there, then
 * its value). Memory grows with index.numel() × self.shape[d]. Not recorded.
 */
function scatterReduceComposite(op: ScatterReduceOp, self: Tensor, d: number, index: Tensor, src: Tensor, includeSelf: boolean): Tensor {
  return composite(() => {
    const { x1: x, idx1: idx, src1, back } = lines(self, index, src);
    const vals = src1!;
    const m = x.shape[d]!;
    const n = idx.shape[d]!;
    const lineIdx = movedim(idx, d, -1); // [...B, n]
    const lineSrc = movedim(vals, d, -1);
    const onehot = lineIdx.unsqueeze(-1).eq(arange(m, { dtype: 'int32', device: x.device })); // [...B, n, m]
    let reduced: Tensor;
    let hit: Tensor;
    if (op === 'assign') {
      const order = arange(n, { dtype: 'int32', device: x.device });
      const last = choose('scatter', onehot, order.unsqueeze(-1), -1, 'int32').amax(-2); // [...B, m]
      hit = last.ge(0);
      reduced = gather(lineSrc, -1, last.clamp(0));
    } else {
      const identity =
        x.dtype === 'int32'
          ? op === 'amax'
            ? INT32_MIN
            : op === 'amin'
              ? INT32_MAX
              : 1
          : op === 'amax'
            ? -Infinity
            : op === 'amin'
              ? Infinity
              : 1;
      const spread = choose('scatter_reduce', onehot, lineSrc.unsqueeze(-1), identity, x.dtype);
      reduced = op === 'prod' ? spread.prod(-2) : op === 'amax' ? spread.amax(-2) : spread.amin(-2);
      hit = onehot.any(-2);
    }
    // The part of self the index reaches, its dim last like `reduced`.
    const region = movedim(
      corner(
        x,
        x.shape.map((s, k) => (k === d ? s : idx.shape[k]!)),
      ),
      d,
      -1,
    );
    let combined = reduced;
    if (includeSelf && op !== 'assign') {
      combined = op === 'prod' ? region.mul(reduced) : op === 'amax' ? region.maximum(reduced) : region.minimum(reduced);
    }
    const regionOut = movedim(choose('scatter_reduce', hit, combined, region, x.dtype), -1, d);
    const hitOut = movedim(hit, -1, d);
    // Back to self's full shape: the region is a leading corner.
    const pads: number[] = [];
    for (let k = x.ndim - 1; k >= 0; k--) pads.push(0, x.shape[k]! - regionOut.shape[k]!);
    return back(choose('scatter_reduce', pad(hitOut, pads), pad(regionOut, pads), x, x.dtype));
  });
}

/** `self + alpha·(src scattered by index)`, exact for int32, a logical or for bool. Not recorded; src has index's shape. */
function addScattered(op: string, self: Tensor, d: number, index: Tensor, src: Tensor, alpha = 1): Tensor {
  return composite(() => {
    if (self.dtype === 'bool') {
      const counts = scatterAddKernel(self, self.shape, d, index, castTo(src, 'int32'));
      return alpha === 0 ? copyOf(self) : self.logicalOr(counts.ne(0));
    }
    if (self.dtype === 'int32') {
      const wide = exactFloat(self.backend);
      const a = scalarAs(op, alpha, 'int32');
      const sum = scatterAddKernel(self, self.shape, d, index, castTo(src, wide));
      const total = castTo(self, wide).add(a === 1 ? sum : sum.mul(a));
      return int32Exact(op, total, `${op} on .double() tensors`);
    }
    const sum = scatterAddKernel(self, self.shape, d, index, src);
    return self.add(alpha === 1 ? sum : sum.mul(alpha));
  });
}

/** `self` with the positions `index` names multiplied by what is sent there, exact for int32, a logical and for bool. */
function prodScattered(op: string, self: Tensor, d: number, index: Tensor, src: Tensor, includeSelf: boolean): Tensor {
  return composite(() => {
    if (self.dtype === 'bool') {
      const r = scatterReduceKernel('amin', castTo(self, 'int32'), d, index, castTo(src, 'int32'), includeSelf);
      return castTo(r, 'bool');
    }
    if (self.dtype === 'int32') {
      const wide = exactFloat(self.backend);
      const r = scatterReduceKernel('prod', castTo(self, wide), d, index, castTo(src, wide), includeSelf);
      return int32Exact(op, r, `${op} on .double() tensors`);
    }
    return scatterReduceKernel('prod', self, d, index, src, includeSelf);
  });
}

/** amax/amin into self (bool: or/and through int32). */
function extremeScattered(op: 'amax' | 'amin', self: Tensor, d: number, index: Tensor, src: Tensor, includeSelf: boolean): Tensor {
  if (self.dtype !== 'bool') return scatterReduceKernel(op, self, d, index, src, includeSelf);
  return composite(() => castTo(scatterReduceKernel(op, castTo(self, 'int32'), d, index, castTo(src, 'int32'), includeSelf), 'bool'));
}

/** Means: (self if includeSelf, plus the values sent) over their count; positions nothing is sent to keep self. Integers floor. */
function meanScattered(self: Tensor, d: number, index: Tensor, src: Tensor, includeSelf: boolean): Tensor {
  return composite(() => {
    const wide = self.dtype === 'int32' ? exactFloat(self.backend) : self.dtype;
    const x = castTo(self, wide);
    const counts = hitCounts(self, self.shape, d, index, wide);
    const sums = scatterAddKernel(self, self.shape, d, index, castTo(src, wide));
    const total = includeSelf ? x.add(sums) : sums;
    const n = includeSelf ? counts.add(1) : counts;
    const hit = counts.ne(0);
    if (self.dtype === 'int32') {
      const mean = choose('scatter_reduce', hit, total.div(n.maximum(1), { roundingMode: 'floor' }), x, wide);
      return int32Exact('scatter_reduce', mean, 'scatter_reduce on .double() tensors');
    }
    return choose('scatter_reduce', hit, total.div(n.maximum(1)), x, wide);
  });
}

/** The node recorded where PyTorch defines no derivative: backward raises PyTorch's error. */
function notImplemented(out: Tensor, inputs: readonly unknown[], what: string): void {
  record(out, 'torch::autograd::NotImplemented', inputs, () => {
    throw new Error(`derivative for ${what} is not implemented (PyTorch defines no gradient for it either)`);
  });
}

/** `t` as a tensor whose backward raises `message` (PyTorch's DelayedError): for a first derivative that has no second. */
function delayedError(t: Tensor, message: string): Tensor {
  if (!t.requiresGrad) return t;
  const out = t.detach();
  record(out, 'DelayedError', [t], () => {
    throw new Error(message);
  });
  return out;
}

// ---------------------------------------------------------------- checks

/**
 * PyTorch's checks of a scatter (scatter_gather_dtype_check, scatter_shape_check):
 * the dim, an int32 index (when not empty), src of self's dtype, and an index
 * no larger than self (apart from dim) and src. Returns the dim, normalized.
 */
function checkScatter(op: string, torchOp: string, x: Tensor, dim: number, index: Tensor, src?: Tensor): number {
  checkTensor(op, x);
  checkTensor(op, index, 'index');
  if (src !== undefined) checkTensor(op, src, 'src');
  commonDevice(op, x, index, src);
  if (typeof dim !== 'number') throw new TypeError(`${op}(): argument 'dim' must be a number, not ${typeof dim}`);
  const d = normalizeDim(op, dim, x.ndim);
  // PyTorch words the dtype checks of all three ops as scatter's.
  if (index.numel() !== 0 && index.dtype !== 'int32') {
    throw new TypeError(`scatter(): Expected dtype int32 for index, but got ${index.dtype} (${op})`);
  }
  if (src !== undefined && src.dtype !== x.dtype) {
    throw new TypeError(`scatter(): Expected self.dtype to be equal to src.dtype (${op} got ${x.dtype} and ${src.dtype})`);
  }
  if (index.numel() === 0) return d;
  const rank = (t: Tensor) => Math.max(t.ndim, 1);
  const size = (t: Tensor, k: number) => (t.ndim === 0 ? 1 : t.shape[k]!);
  if (rank(x) !== rank(index)) throw new Error('Index tensor must have the same number of dimensions as self tensor');
  let wrong = false;
  for (let k = 0; k < rank(x); k++) if (k !== d && size(index, k) > size(x, k)) wrong = true;
  if (src !== undefined) {
    for (let k = 0; k < rank(x) && !wrong; k++) if (size(index, k) > size(src, k)) wrong = true;
    if (rank(src) !== rank(index)) throw new Error('Index tensor must have the same number of dimensions as src tensor');
    if (wrong) {
      throw new Error(
        `Expected index ${formatShape(index.shape)} to be smaller than self ${formatShape(x.shape)} apart from dimension ${d} and to be smaller size than src ${formatShape(src.shape)}`,
      );
    }
  } else if (wrong) {
    throw new Error(`Expected index ${formatShape(index.shape)} to be smaller than self ${formatShape(x.shape)} apart from dimension ${d}`);
  }
  checkBounds(torchOp, index, size(x, d), d, { message: boundsMessage(op, size(x, d), d) });
  return d;
}

/** PyTorch's broadcasting check, in its words ("tensor a" is the first shape). */
function checkBroadcast(a: readonly number[], b: readonly number[]): void {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const sa = a[a.length - n + i] ?? 1;
    const sb = b[b.length - n + i] ?? 1;
    if (sa !== sb && sa !== 1 && sb !== 1) {
      throw new Error(
        `The size of tensor a (${sa}) must match the size of tensor b (${sb}) at non-singleton dimension ${i} (shapes ${formatShape(a)} and ${formatShape(b)})`,
      );
    }
  }
}

/** PyTorch's bounds message, then the op (without the value when the check ran on a GPU). */
function boundsMessage(op: string, size: number, dim: number, prefix = ''): (v: number | undefined) => string {
  return (v) => `${prefix}${v === undefined ? 'an index' : `index ${v}`} is out of bounds for dimension ${dim} with size ${size} (${op})`;
}

/**
 * x, index and src in the layout the kernels take: one rank (a 0-d tensor as
 * one element), src narrowed to index's shape (src is used only where index
 * reaches). `back` gives the result x's own shape.
 */
function lines(
  x: Tensor,
  index: Tensor,
  src?: Tensor,
): { x1: Tensor; idx1: Tensor; src1: Tensor | undefined; back: (r: Tensor) => Tensor } {
  const x1 = x.ndim === 0 ? x.reshape([1]) : x;
  const idx1 = index.ndim === 0 ? index.reshape([1]) : index;
  const src1 = src === undefined ? undefined : corner(src.ndim === 0 ? src.reshape([1]) : src, idx1.shape);
  return { x1, idx1, src1, back: (r) => (x.ndim === 0 ? r.reshape([]) : r) };
}

// ---------------------------------------------------------------- scatter

/** How `scatter` combines what it writes with what is there (PyTorch's `reduce=`). */
export type ScatterReduceMode = 'add' | 'multiply';

/** Keyword arguments of `scatter`. */
export interface ScatterOptions {
  /** Combine instead of overwrite: `'add'` or `'multiply'` (no gradient, as in PyTorch). */
  reduce?: ScatterReduceMode;
}

/**
 * `x` with `src[i][j][k]` written to position `[i][index[i][j][k]][k]` (for
 * dim 1), PyTorch's `torch.scatter`; `src` may be a number (PyTorch's
 * `value=`). Where indices repeat along `dim` the last one wins, as on
 * PyTorch's CPU. With `{ reduce: 'add' | 'multiply' }` the values are added
 * to or multiplied into what is there instead (and, as in PyTorch, backward
 * through it raises). Index is int32, no larger than `x` (apart from `dim`)
 * and `src`; `src` has x's dtype.
 *
 * @example
 * const index = g.tensor([[0, 2], [1, 1]], { dtype: 'int32' });
 * g.scatter(g.zeros(2, 3), 1, index, g.tensor([[1, 2], [3, 4]])); // tensor([[1., 0., 2.], [0., 4., 0.]])
 * g.scatter(g.zeros(2, 3), 1, index, 5, { reduce: 'add' }); // tensor([[ 5.,  0.,  5.], [ 0., 10.,  0.]])
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number | boolean, options?: ScatterOptions): Tensor {
  const { reduce } = checkOptions('scatter', options, ['reduce']);
  if (reduce !== undefined && reduce !== 'add' && reduce !== 'multiply') {
    throw new Error(`reduce argument must be either add or multiply. (scatter got reduce '${String(reduce)}')`);
  }
  const tensorSrc = isTensor(src) ? src : undefined;
  const d = checkScatter('scatter', 'scatter', x, dim, index, tensorSrc);
  const out = composite(() => {
    if (index.numel() === 0) return copyOf(x);
    const { x1, idx1, src1, back } = lines(x, index, tensorSrc);
    const sent = src1 ?? filled(x, [], scalarAs('scatter', src as number, x.dtype), x.dtype).expand(idx1.shape as number[]);
    if (reduce === 'add') return back(addScattered('scatter', x1, d, idx1, sent));
    if (reduce === 'multiply') return back(prodScattered('scatter', x1, d, idx1, sent, true));
    return back(scatterReduceKernel('assign', x1, d, idx1, sent, true));
  });
  if (reduce !== undefined) notImplemented(out, tensorSrc !== undefined ? [x, tensorSrc] : [x], 'aten::scatter');
  else if (tensorSrc !== undefined) {
    record(
      out,
      'ScatterBackward0',
      [x, tensorSrc],
      (g) => [wantsGrad(x) ? scatter(g, d, index, 0) : null, wantsGrad(tensorSrc) ? gather(g, d, index) : null],
      [index],
    );
  } else record(out, 'ScatterBackward1', [x], (g) => [scatter(g, d, index, 0)], [index]);
  return out;
}

/**
 * `x` with `src[i][j][k]` added at position `[i][index[i][j][k]][k]` (for dim
 * 1), PyTorch's `torch.scatter_add`: repeated indices add up. Integer sums
 * are exact or raise; bool sums are a logical or.
 *
 * @example
 * g.scatterAdd(g.zeros(3), 0, g.tensor([0, 2, 0], { dtype: 'int32' }), g.tensor([1, 2, 3])); // tensor([4., 0., 2.])
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  if (!isTensor(src)) checkTensor('scatterAdd', src, 'src');
  const d = checkScatter('scatterAdd', 'scatter_add', x, dim, index, src);
  const out = composite(() => {
    if (index.numel() === 0) return copyOf(x);
    const { x1, idx1, src1, back } = lines(x, index, src);
    return back(addScattered('scatter_add', x1, d, idx1, src1!));
  });
  record(out, 'ScatterAddBackward0', [x, src], (g) => [wantsGrad(x) ? g : null, wantsGrad(src) ? gather(g, d, index) : null], [index]);
  return out;
}

/** The reductions of `scatterReduce` (PyTorch's `reduce`). */
export type ScatterReduction = 'sum' | 'prod' | 'mean' | 'amax' | 'amin';

/** Keyword arguments of `scatterReduce`. */
export interface ScatterReduceOptions {
  /** Whether x's own values take part in the reduction (default true). */
  includeSelf?: boolean;
}

const REDUCTIONS: readonly string[] = ['sum', 'prod', 'mean', 'amax', 'amin'];

/**
 * `x` with the values of `src` reduced into the positions `index` names (for
 * dim 1, `src[i][j][k]` goes to `[i][index[i][j][k]][k]`), PyTorch's
 * `torch.scatter_reduce`: `reduce` is `'sum'`, `'prod'`, `'mean'`, `'amax'`
 * or `'amin'`; with `{ includeSelf: false }` x's values at those positions do
 * not take part. Positions nothing is sent to keep x's value. Integer means
 * round down, as PyTorch's; NaN wins in amax/amin. Gradients are PyTorch's,
 * ties in amax/amin sharing it evenly.
 *
 * @example
 * const index = g.tensor([0, 0, 1], { dtype: 'int32' });
 * g.scatterReduce(g.tensor([5, 1]), 0, index, g.tensor([2, 7, 3]), 'amax'); // tensor([7., 3.])
 * g.scatterReduce(g.tensor([5, 1]), 0, index, g.tensor([2, 7, 3]), 'mean', { includeSelf: false }); // tensor([4.5000, 3.0000])
 */
export function scatterReduce(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor,
  reduce: ScatterReduction,
  options?: ScatterReduceOptions,
): Tensor {
  const a = parseArgs('scatterReduce', [options], [], ['includeSelf']);
  const includeSelf = a['includeSelf'] ?? true;
  if (typeof includeSelf !== 'boolean')
    throw new TypeError(`scatterReduce(): argument 'includeSelf' must be a boolean, not ${typeof includeSelf}`);
  if (!isTensor(src)) checkTensor('scatterReduce', src, 'src');
  if (!REDUCTIONS.includes(reduce)) {
    throw new Error(`reduce argument must be either sum, prod, mean, amax or amin. (scatterReduce got '${String(reduce)}')`);
  }
  const d = checkScatter('scatterReduce', 'scatter_reduce', x, dim, index, src);
  if (reduce === 'mean' && x.dtype === 'bool') throw new TypeError(`scatter_reduce(): 'mean' is not implemented for 'bool'`);
  const out = composite(() => {
    if (index.numel() === 0) return copyOf(x);
    const { x1, idx1, src1, back } = lines(x, index, src);
    const sent = src1!;
    if (reduce === 'sum') {
      if (includeSelf) return back(addScattered('scatter_reduce', x1, d, idx1, sent));
      if (x.dtype === 'bool') return back(extremeScattered('amax', x1, d, idx1, sent, false));
      const hit = hitCounts(x1, x1.shape, d, idx1, 'int32').ne(0);
      return back(choose('scatter_reduce', hit, addScattered('scatter_reduce', zerosLike(x1), d, idx1, sent), x1, x.dtype));
    }
    if (reduce === 'prod') return back(prodScattered('scatter_reduce', x1, d, idx1, sent, includeSelf));
    if (reduce === 'mean') return back(meanScattered(x1, d, idx1, sent, includeSelf));
    return back(extremeScattered(reduce, x1, d, idx1, sent, includeSelf));
  });
  if (wantsGrad(x) || wantsGrad(src)) {
    record(out, 'ScatterReduceBackward0', [x, src], (g) => scatterReduceBackward(g, x, d, index, src, reduce, includeSelf, out), [
      x,
      src,
      index,
      out,
    ]);
  }
  return out;
}

/** PyTorch's scatter_reduce_backward (FunctionsManual.cpp), written in differentiable ops. */
function scatterReduceBackward(
  grad: Tensor,
  self: Tensor,
  d: number,
  index: Tensor,
  src: Tensor,
  reduce: ScatterReduction,
  includeSelf: boolean,
  result: Tensor,
): [Tensor | null, Tensor | null] {
  const [gradSelf, gradSrc] = composite(() => scatterReduceGrads(grad, self, d, index, src, reduce, includeSelf, result));
  // An unwanted gradient is left to the engine's scope (it may be `grad` itself).
  return [wantsGrad(self) ? gradSelf! : null, wantsGrad(src) ? gradSrc! : null];
}

function scatterReduceGrads(
  grad: Tensor,
  self: Tensor,
  d: number,
  index: Tensor,
  src: Tensor,
  reduce: ScatterReduction,
  includeSelf: boolean,
  result: Tensor,
): Tensor[] {
  {
    let gradSelf: Tensor;
    let gradSrc: Tensor;
    if (reduce === 'sum') {
      gradSelf = grad;
      gradSrc = gather(grad, d, index);
    } else if (reduce === 'prod') {
      // Exclusive products where self or src holds zeros, computed without dividing by them.
      const maskedSelf = maskedFill(self, self.eq(0), 1);
      const maskedSelfResult = scatterReduce(maskedSelf, d, index, src, 'prod', { includeSelf });
      gradSelf = grad.mul(maskedSelfResult).div(maskedSelf);
      const srcZero = src.eq(0);
      const srcNumZeros = gather(scatterAdd(zerosLike(self), d, index, srcZero.to(self.dtype)), d, index);
      const srcSingleZero = srcZero.logicalAnd(srcNumZeros.eq(1));
      const maskedSrc = maskedFill(src, srcSingleZero, 1);
      const maskedSrcResult = scatterReduce(self, d, index, maskedSrc, 'prod', { includeSelf });
      const first = gather(grad.mul(maskedSrcResult), d, index);
      const other = gather(grad.mul(result), d, index).div(maskedFill(src, srcZero, 1));
      gradSrc = where(srcSingleZero, first, other);
      if (noGrad(() => srcNumZeros.gt(1).any().item())) {
        gradSrc = delayedError(
          gradSrc,
          'scatter_reduce(): Double backward is unsupported for src when >1 zeros in src are scattered to the same position. ' +
            'Please see https://github.com/pytorch/pytorch/issues/61540 for more information',
        );
      }
    } else if (reduce === 'mean') {
      let n = scatterAdd(includeSelf ? onesOf(grad) : zerosLike(grad), d, index, onesOf(src));
      n = maskedFill(n, n.eq(0), 1);
      gradSelf = grad.div(n);
      gradSrc = gather(grad, d, index).div(gather(n, d, index));
    } else {
      // amax/amin: the gradient is shared evenly between the values equal to the result.
      const value = gather(result, d, index);
      const selfIsResult = self.eq(result);
      const srcIsResult = src.eq(value);
      const count = scatterAdd(selfIsResult.to(self.dtype), d, index, srcIsResult.to(self.dtype));
      const distributed = grad.div(count);
      gradSelf = selfIsResult.mul(distributed);
      gradSrc = srcIsResult.mul(gather(distributed, d, index));
    }
    if (!includeSelf) gradSelf = scatter(gradSelf, d, index, 0);
    return [gradSelf, gradSrc];
  }
}

/** ones shaped like t, of t's dtype (a fill, not recorded). */
function onesOf(t: Tensor): Tensor {
  return filled(t, t.shape, 1, t.dtype);
}

// ---------------------------------------------------------------- index_add, index_copy, index_fill

/** Checks of the index_* ops: a vector of int32 indices; returns the dim. */
function checkIndexOp(op: string, torchOp: string, x: Tensor, dim: number, index: Tensor): number {
  checkTensor(op, x);
  checkIndex(op, index);
  commonDevice(op, x, index);
  if (typeof dim !== 'number') throw new TypeError(`${op}(): argument 'dim' must be a number, not ${typeof dim}`);
  const d = normalizeDim(op, dim, x.ndim);
  if (index.ndim > 1) {
    throw new Error(
      `${torchOp}(): Index is supposed to be a vector, but got dim: ${index.ndim} with type: int32 and size: ${formatShape(index.shape)}`,
    );
  }
  return d;
}

/**
 * The source of index_add/index_copy, checked (dtype, one slice per index,
 * slices of x's shape apart from dim) and expanded to the index-shaped
 * layout the scatter kernels take, with the index spread across the other
 * dims (stride 0, no copy).
 */
function indexedSource(
  op: string,
  torchOp: string,
  x: Tensor,
  d: number,
  index: Tensor,
  source: Tensor,
  sameDtype: (x: DType, s: DType) => string,
): () => { src: Tensor; idx: Tensor } {
  checkTensor(op, source, 'source');
  commonDevice(op, x, source);
  if (source.dtype !== x.dtype) throw new TypeError(sameDtype(x.dtype, source.dtype));
  const n = index.numel();
  const sourceSize = source.ndim === 0 ? 1 : source.shape[d];
  if (n !== sourceSize) {
    throw new Error(
      torchOp === 'index_add_'
        ? `index_add_(): Number of indices (${n}) should be equal to source.size(dim): (${sourceSize}), for dim: ${d}`
        : `index_copy_(): Number of indices (${n}) should be equal to source.size(dim) (${sourceSize})`,
    );
  }
  // The slices must agree (PyTorch broadcasts the source's slice into x's, and says so where it cannot).
  const shape = x.ndim === 0 ? [n] : x.shape.map((s, k) => (k === d ? n : s));
  if (source.ndim !== 0 && x.ndim !== 0) {
    const xSlice = x.shape.filter((_, k) => k !== d);
    const sSlice = source.shape.filter((_, k) => k !== d);
    for (let i = 1; i <= Math.max(xSlice.length, sSlice.length); i++) {
      const a = xSlice[xSlice.length - i] ?? 1;
      const b = sSlice[sSlice.length - i] ?? 1;
      if (a !== b && b !== 1) {
        throw new Error(
          `The size of tensor a (${a}) must match the size of tensor b (${b}) at non-singleton dimension ${Math.max(xSlice.length, sSlice.length) - i}`,
        );
      }
    }
  }
  // Views made when called: inside the op's composite, which frees them.
  return () => {
    const src = source.ndim === 0 ? source.reshape([1]).expand(shape) : source.expand(shape);
    const idxView = index.ndim === 0 ? index.reshape([1]) : index;
    const strides = shape.map((_, k) => (k === (x.ndim === 0 ? 0 : d) ? idxView.strides[0]! : 0));
    return { src, idx: idxView.viewWithLayout(shape, strides, idxView.offset, 'index') };
  };
}

/** Keyword arguments of `indexAdd`. */
export interface IndexAddOptions {
  /** The scale of `source` (default 1). */
  alpha?: number;
}

/**
 * `x` with `alpha · source` added to the slices along `dim` that the 1-D
 * int32 `index` names (the i-th slice of source goes to slice `index[i]`;
 * repeated indices add up), PyTorch's `torch.index_add`. Integer sums are
 * exact or raise; an integer x truncates alpha.
 *
 * @example
 * g.indexAdd(g.zeros(3, 2), 0, g.tensor([0, 2, 0], { dtype: 'int32' }), g.ones(3, 2), { alpha: 2 });
 * // tensor([[4., 4.], [0., 0.], [2., 2.]])
 */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, options?: IndexAddOptions): Tensor {
  const { alpha = 1 } = checkOptions('indexAdd', options, ['alpha']);
  if (typeof alpha !== 'number') throw new TypeError(`indexAdd(): argument 'alpha' must be a number, not ${typeof alpha}`);
  const d = checkIndexOp('indexAdd', 'index_add_', x, dim, index);
  const views = indexedSource(
    'indexAdd',
    'index_add_',
    x,
    d,
    index,
    source,
    (a, b) => `index_add_(): self (${a}) and source (${b}) must have the same scalar type`,
  );
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  checkBounds('index_add_', index, size, d, {
    message: () => `index out of range in self (indexAdd: an index is outside [0, ${size}) along dimension ${d})`,
  });
  const out = composite(() => {
    if (index.numel() === 0) return copyOf(x);
    const { src, idx } = views();
    const flat = x.ndim === 0 ? x.reshape([1]) : x;
    const r = addScattered('index_add_', flat, x.ndim === 0 ? 0 : d, idx, src, alpha);
    return x.ndim === 0 ? r.reshape([]) : r;
  });
  record(
    out,
    'IndexAddBackward0',
    [x, source],
    (g) => {
      if (!wantsGrad(source)) return [g, null];
      const picked = source.ndim === 0 ? indexSelect(g, d, index.reshape([])) : indexSelect(g, d, index);
      return [wantsGrad(x) ? g : null, alpha === 1 ? picked : picked.mul(alpha)];
    },
    [index],
  );
  return out;
}

/**
 * `x` with the slices along `dim` that the 1-D int32 `index` names replaced
 * by the slices of `source` (the i-th goes to slice `index[i]`; where an index
 * repeats, the last wins, as on PyTorch's CPU), PyTorch's `torch.index_copy`.
 *
 * @example
 * g.indexCopy(g.zeros(3, 2), 0, g.tensor([2, 0], { dtype: 'int32' }), g.tensor([[1, 2], [3, 4]]));
 * // tensor([[3., 4.], [0., 0.], [1., 2.]])
 */
export function indexCopy(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  const d = checkIndexOp('indexCopy', 'index_copy_', x, dim, index);
  const views = indexedSource(
    'indexCopy',
    'index_copy_',
    x,
    d,
    index,
    source,
    (a, b) => `index_copy_(): self and source expected to have the same dtype, but got (self) ${a} and (source) ${b}`,
  );
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  checkBounds('index_copy_', index, size, d, { message: boundsMessage('indexCopy', size, d, 'index_copy_(): ') });
  const out = composite(() => {
    if (index.numel() === 0) return copyOf(x);
    const { src, idx } = views();
    const flat = x.ndim === 0 ? x.reshape([1]) : x;
    const r = scatterReduceKernel('assign', flat, x.ndim === 0 ? 0 : d, idx, src, true);
    return x.ndim === 0 ? r.reshape([]) : r;
  });
  record(
    out,
    'IndexCopyBackward0',
    [x, source],
    (g) => [
      wantsGrad(x) ? indexFill(g, d, index, 0) : null,
      wantsGrad(source) ? (source.ndim === 0 ? indexSelect(g, d, index.reshape([])) : indexSelect(g, d, index)) : null,
    ],
    [index],
  );
  return out;
}

/** The value of a fill: a number, a boolean or a 0-d tensor (PyTorch's message otherwise). */
function fillValue(op: string, torchOp: string, value: unknown): void {
  if (isTensor(value)) {
    checkTensor(op, value, 'value');
    if (value.ndim !== 0) {
      throw new Error(`${torchOp} only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`);
    }
  } else if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw new TypeError(
      `${op}(): argument 'value' must be a number, a boolean or a 0-d Tensor, not ${value === null ? 'null' : typeof value}`,
    );
  }
}

/** A 0-d value tensor on x's device (PyTorch takes a CPU scalar tensor with any device). */
function valueOn(x: Tensor, value: Tensor): Tensor {
  return value.device === x.device ? value : value.to(x.device);
}

/**
 * `x` with the slices along `dim` that the 1-D int32 `index` names filled with
 * `value` (a number, a boolean or a 0-d tensor, cast to x's dtype), PyTorch's
 * `torch.index_fill`. Negative indices count from the end, as in PyTorch.
 *
 * @example
 * g.indexFill(g.zeros(2, 3), 1, g.tensor([0, -1], { dtype: 'int32' }), 7); // tensor([[7., 0., 7.], [7., 0., 7.]])
 */
export function indexFill(x: Tensor, dim: number, index: Tensor, value: number | boolean | Tensor): Tensor {
  const d = checkIndexOp('indexFill', 'index_fill_', x, dim, index);
  fillValue('indexFill', 'index_fill_', value);
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  checkBounds('index_fill_', index, size, d, { negative: true, message: boundsMessage('indexFill', size, d) });
  const valueTensor = isTensor(value) ? value : undefined;
  // Which slices are filled: a mask along dim, shaped to broadcast against x.
  const slices = (): Tensor =>
    composite(() => {
      const flat = index.reshape([-1]);
      const wrapped = choose('index_fill', flat.lt(0), flat.add(size), flat, 'int32');
      const hits = hitCounts(x, [size], 0, wrapped, 'int32').ne(0);
      return x.ndim === 0 ? hits.reshape([]) : hits.reshape(x.shape.map((s, k) => (k === d ? s : 1)));
    });
  const out = composite(() => {
    const mask = slices();
    const v = valueTensor !== undefined ? valueOn(x, valueTensor) : scalarAs('index_fill', value as number, x.dtype);
    return choose('index_fill', mask, v, x, x.dtype);
  });
  if (valueTensor === undefined) {
    record(out, 'IndexFillBackward0', [x], (g) => [indexFill(g, d, index, 0)], [index]);
  } else {
    record(
      out,
      'IndexFillBackward1',
      [x, valueTensor],
      (g) => {
        const mask = wantsGrad(valueTensor) ? slices() : undefined;
        return [
          wantsGrad(x) ? indexFill(g, d, index, 0) : null,
          mask !== undefined ? where(mask, g, 0).sum().to(valueTensor.device) : null,
        ];
      },
      [index],
    );
  }
  return out;
}

// ---------------------------------------------------------------- masked_fill

/**
 * `x` with `value` (a number, a boolean or a 0-d tensor, cast to x's dtype)
 * where the bool `mask` is true, PyTorch's `masked_fill`; x and mask
 * broadcast. Every dtype keeps its values exactly (an int32 beyond 2^24 too).
 *
 * @example
 * g.maskedFill(g.tensor([1, 2, 3]), g.tensor([true, false, true]), 0); // tensor([0., 2., 0.])
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | boolean | Tensor): Tensor {
  checkTensor('maskedFill', x);
  checkTensor('maskedFill', mask, 'mask');
  commonDevice('maskedFill', x, mask);
  if (mask.dtype !== 'bool') throw new TypeError(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  fillValue('maskedFill', 'masked_fill_', value);
  checkBroadcast(mask.shape, x.shape);
  const valueTensor = isTensor(value) ? value : undefined;
  const out = composite(() =>
    choose(
      'maskedFill',
      mask,
      valueTensor !== undefined ? valueOn(x, valueTensor) : scalarAs('maskedFill', value as number, x.dtype),
      x,
      x.dtype,
    ),
  );
  if (valueTensor === undefined) {
    record(out, 'MaskedFillBackward0', [x], (g) => [maskedFill(g, mask, 0)], [mask]);
  } else {
    record(
      out,
      'MaskedFillBackward1',
      [x, valueTensor],
      (g) => [wantsGrad(x) ? maskedFill(g, mask, 0) : null, wantsGrad(valueTensor) ? where(mask, g, 0).sum().to(valueTensor.device) : null],
      [mask],
    );
  }
  return out;
}
