/** Indexing ops: gather, indexSelect, pad; the index checks the scatter family (scatter.ts) shares. */
import { noGrad } from '../autograd/grad-mode.js';
import { needsGrad, record } from '../autograd/record.js';
import { assertAsync } from '../checks.js';
import { tidy } from '../memory.js';
import { checkInteger, formatShape, normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, commonDevice, expandView, wrap } from './dispatch.js';
import { composite } from './composite.js';

/** Throws unless `index` is a live int32 tensor (Graft's index type: PyTorch's int64). */
export function checkIndex(op: string, index: Tensor): void {
  checkTensor(op, index, 'index');
  if (index.dtype !== 'int32') throw new TypeError(`${op}(): Expected dtype int32 for index, but got ${index.dtype}`);
}

/** How `checkBounds` words and bounds a check: negative indices from the end (`index_fill`), PyTorch's own message. */
export interface BoundsCheck {
  /** Accept [-size, size) (negative indices count from the end) instead of [0, size). */
  negative?: boolean;
  /** The error for an index out of range, given its value (absent when the check ran on a GPU). */
  message?: (value: number | undefined) => string;
}

/**
 * Throws when any index is outside [0, size) (as PyTorch's bounds check). On
 * a GPU the check runs there and is reported at the next read (see assertAsync).
 */
export function checkBounds(op: string, index: Tensor, size: number, dim: number, how: BoundsCheck = {}): void {
  tidy(() => checkBoundsOnce(op, index, size, dim, how));
}

function checkBoundsOnce(op: string, index: Tensor, size: number, dim: number, how: BoundsCheck): void {
  const low = how.negative ? -size : 0;
  const message =
    how.message ??
    ((v: number | undefined) =>
      v === undefined
        ? `${op}(): an index is out of bounds for dimension ${dim} with size ${size}`
        : `${op}(): index ${v} is out of bounds for dimension ${dim} with size ${size}`);
  // An expanded index (stride 0) repeats its values: check each once.
  let distinct = index;
  index.strides.forEach((stride, d) => {
    if (stride === 0 && index.shape[d]! > 1) distinct = distinct.narrow(d, 0, 1);
  });
  if (index.backend.deferChecks) {
    const inRange = noGrad(() => distinct.ge(low).logicalAnd(distinct.lt(size)));
    assertAsync(inRange, () => message(undefined));
    inRange.dispose();
    return;
  }
  const values = distinct.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < low || v >= size) throw new RangeError(message(v));
  }
}

/**
 * Picks values along `dim` by `index`: for dim 1, `out[i][j] = x[i][index[i][j]]`.
 *
 * @example
 * g.gather(g.tensor([[1, 2], [3, 4]]), 1, g.tensor([[0, 0], [1, 0]], { dtype: 'int32' })); // tensor([[1., 1.], [4., 3.]])
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor('gather', x);
  checkIndex('gather', index);
  commonDevice('gather', x, index);
  const d = normalizeDim('gather', dim, x.ndim);
  if (index.ndim !== x.ndim && !(x.ndim === 0 && index.ndim <= 1)) {
    throw new Error(`gather(): Index tensor must have the same number of dimensions as input tensor (got ${index.ndim} and ${x.ndim})`);
  }
  for (let k = 0; k < index.ndim; k++) {
    if (k !== d && index.shape[k]! > x.shape[k]!) {
      throw new Error(
        `gather(): Size does not match at dimension ${k} expected index ${formatShape(index.shape)} to be smaller than self ${formatShape(x.shape)} apart from dimension ${d}`,
      );
    }
  }
  checkBounds('gather', index, x.shape[d] ?? 1, d);
  const out = wrap(x, x.backend.gather(x, d, index), index.shape, x.dtype);
  if (needsGrad(x)) {
    record(out, 'GatherBackward0', [x], (g) => [scatterAddShaped(x.shape, d, index, g)], [index]);
  }
  return out;
}

/** zeros(shape).scatterAdd(dim, index, src), differentiable in src (its adjoint is gather). */
export function scatterAddShaped(shape: readonly number[], dim: number, index: Tensor, src: Tensor): Tensor {
  const out = wrap(src, src.backend.scatterAdd(shape, dim, index, src), shape, src.dtype);
  if (needsGrad(src)) record(out, 'ScatterAddBackward0', [src], (g) => [gather(g, dim, index)], [index]);
  return out;
}

/**
 * The entries at `index` (1-D, int32) along `dim`.
 *
 * @example
 * g.indexSelect(g.tensor([[1, 2], [3, 4]]), 0, g.tensor([1], { dtype: 'int32' })); // tensor([[3., 4.]])
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor('indexSelect', x);
  checkIndex('indexSelect', index);
  commonDevice('indexSelect', x, index);
  if (index.ndim > 1) throw new Error(`index_select(): Index is supposed to be a vector, got shape ${formatShape(index.shape)}`);
  const d = normalizeDim('indexSelect', dim, x.ndim);
  const n = index.numel();
  checkBounds('index_select', index, x.shape[d] ?? 1, d);
  // A gather with the index broadcast across every other dim (stride 0): no copy of the index.
  const shape = x.ndim === 0 ? [n] : x.shape.map((s, k) => (k === d ? n : s));
  const strides = shape.map((_, k) => (k === d ? (index.ndim === 0 ? 0 : index.strides[0]!) : 0));
  const expanded = { handle: index.handle, dtype: index.dtype, shape, strides, offset: index.offset };
  const outShape = x.ndim === 0 ? (index.ndim === 0 ? [] : [n]) : shape;
  const out = wrap(x, x.backend.gather(x, d, expanded), outShape, x.dtype);
  if (needsGrad(x)) {
    record(
      out,
      'IndexSelectBackward0',
      [x],
      (g) => {
        const full = index.reshape(shape.map((_, k) => (k === d ? n : 1))).expand(shape);
        return [scatterAddShaped(x.shape, d, full, g.reshape(shape))];
      },
      [index],
    );
  }
  return out;
}

/**
 * Constant padding in torch.nn.functional.pad order: `[lastBefore, lastAfter,
 * secondLastBefore, …]`. Negative pads crop.
 *
 * @example
 * g.pad(g.tensor([1, 2]), [1, 2]).tolist(); // [0, 1, 2, 0, 0]
 */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  checkTensor('pad', x);
  if (!Array.isArray(pads)) throw new TypeError(`pad: pads must be an array of integers, got ${typeof pads}`);
  pads.forEach((p, i) => checkInteger('pad', `pads[${i}]`, p));
  if (!pads.some((p) => p < 0)) return padConstant(x, pads, value);
  return composite(() => padConstant(x, pads, value));
}

/** Crops (negative pads: views) and pads with `value`; the crop views are the caller's to free. */
function padConstant(x: Tensor, pads: readonly number[], value: number): Tensor {
  if (pads.length % 2 !== 0 || pads.length / 2 > x.ndim) {
    throw new Error(`pad: padding length must be divisible by 2 and at most twice the number of dims (${x.ndim}), got ${pads.length}`);
  }
  const perDim: [number, number][] = x.shape.map(() => [0, 0]);
  for (let i = 0; i < pads.length / 2; i++) perDim[x.ndim - 1 - i] = [pads[2 * i]!, pads[2 * i + 1]!];
  // Crop first (negative pads are a view), then pad the rest.
  let src = x;
  const crop = perDim.some(([a, b]) => a < 0 || b < 0);
  if (crop) {
    for (let dim = 0; dim < x.ndim; dim++) {
      const [a, b] = perDim[dim]!;
      const start = Math.max(-a, 0);
      const end = src.shape[dim]! - Math.max(-b, 0);
      if (end < start) throw new Error(`pad: the input size ${x.shape[dim]} at dim ${dim} is too small for padding (${a}, ${b})`);
      if (start !== 0 || end !== src.shape[dim]) src = src.slice(dim, start, end);
    }
  }
  const positive = perDim.map(([a, b]) => [Math.max(a, 0), Math.max(b, 0)] as [number, number]);
  const shape = src.shape.map((s, i) => s + positive[i]![0] + positive[i]![1]);
  const out = wrap(src, src.backend.pad(expandView(src, src.shape), positive, value), shape, src.dtype);
  if (needsGrad(src)) {
    record(out, 'ConstantPadNdBackward0', [src], (g) => {
      let r = g;
      positive.forEach(([a, b], dim) => {
        if (a !== 0 || b !== 0) r = r.slice(dim, a, a + src.shape[dim]!);
      });
      return [r];
    });
  }
  return out;
}
