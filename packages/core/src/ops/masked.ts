/**
 * Masked copies: `maskedSelect` (PyTorch's `x[mask]` after broadcasting x and
 * mask) and `maskedScatter` (the masked places filled, in order, from a
 * source). How many places a mask holds decides the shapes, so the mask is
 * read on the host once per call (PyTorch syncs there too); positions are
 * found there and the copies run on the device as a gather and a where.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { needsGrad, record } from '../autograd/record.js';
import { tidy } from '../memory.js';
import { broadcastShapes, contiguousStrides, formatShape, numel, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, commonDevice, expandView, fromValues, wrap } from './dispatch.js';
import { gatherFlat, gatherRaw, scatterAddFlat, viewOf } from './index-positions.js';
import { checkWritable, inplace } from './inplace.js';
import { pad } from './indexing.js';
import { where } from './where.js';

function checkMask(op: string, torchName: string, x: Tensor, mask: Tensor): void {
  checkTensor(op, x);
  checkTensor(op, mask, 'mask');
  if (mask.dtype !== 'bool') throw new TypeError(`${torchName}: expected BoolTensor for mask, got ${mask.dtype}`);
  commonDevice(op, x, mask);
}

/** Row-major strides of a tensor of `shape` read in the broadcast `target` shape (0 on the dims it is broadcast along). */
function broadcastStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] {
  return target.map((_, j) => {
    const i = j - (target.length - shape.length);
    return i < 0 || shape[i] === 1 ? 0 : strides[i]!;
  });
}

/**
 * The places where `mask` (broadcast to `target`) is true, read on the host
 * once: for each, its position in each of `layouts` (a tensor's strides read
 * in `target`, and an offset).
 */
function maskPlaces(
  mask: Tensor,
  target: readonly number[],
  layouts: readonly { strides: readonly number[]; offset: number }[],
): Int32Array[] {
  const values = mask.dataSync();
  const maskStrides = broadcastStrides(mask.shape, contiguousStrides(mask.shape), target);
  const n = numel(target);
  const found: number[][] = layouts.map(() => []);
  const coord = new Array<number>(target.length).fill(0);
  for (let e = 0; e < n; e++) {
    let at = 0;
    for (let d = 0; d < target.length; d++) at += coord[d]! * maskStrides[d]!;
    if (values[at] !== 0) {
      layouts.forEach((l, i) => {
        let p = l.offset;
        for (let d = 0; d < target.length; d++) p += coord[d]! * l.strides[d]!;
        found[i]!.push(p);
      });
    }
    for (let d = target.length - 1; d >= 0; d--) {
      if (++coord[d]! < target[d]!) break;
      coord[d] = 0;
    }
  }
  return found.map((f) => Int32Array.from(f));
}

/**
 * The elements of `x` where `mask` is true, as a 1-D tensor (x and mask
 * broadcast together first): PyTorch's `masked_select`. Differentiable in
 * `x`. Reads the mask on the host once (the result's length depends on it).
 *
 * @example
 * g.maskedSelect(g.tensor([[1, 2], [3, 4]]), g.tensor([true, false])); // tensor([1., 3.])
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  checkMask('maskedSelect', 'masked_select', x, mask);
  const target = broadcastShapes('maskedSelect', x.shape, mask.shape);
  const grad = needsGrad(x);
  const { out, back } = tidy(() =>
    noGrad(() => {
      // Where to read in x's storage, and (for the gradient) where each element lies in x's row-major numbering.
      const [storage, rowMajor] = maskPlaces(mask, target, [
        { strides: broadcastStrides(x.shape, x.strides, target), offset: x.offset },
        { strides: broadcastStrides(x.shape, contiguousStrides(x.shape), target), offset: 0 },
      ]);
      const positions = fromValues(storage!, [storage!.length], 'int32', x.device);
      const out = gatherRaw(x, viewOf(x, [x.storage.size], [1], 0), positions);
      return { out, back: grad ? fromValues(rowMajor!, [rowMajor!.length], 'int32', x.device) : undefined };
    }),
  );
  if (back !== undefined) {
    // Broadcast elements of x appear several times: the scatter sums their gradients.
    const n = x.numel();
    record(out, 'MaskedSelectBackward0', [x], (g) => [scatterAddFlat(n, back, g).reshape(x.shape)], [back]);
    back.dispose();
  }
  return out;
}

/**
 * `x` (broadcast with `mask`) with the places where `mask` is true filled, in
 * row-major order, from the first elements of `source` (of x's dtype, with at
 * least as many elements as the mask has true places): PyTorch's
 * `masked_scatter`. Differentiable in `x` and `source`. Reads the mask on the
 * host once.
 *
 * @example
 * g.maskedScatter(g.zeros(2, 2), g.tensor([[true, false], [false, true]]), g.tensor([7, 8, 9])); // tensor([[7., 0.], [0., 8.]])
 */
export function maskedScatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  checkMask('maskedScatter', 'masked_scatter', x, mask);
  checkTensor('maskedScatter', source, 'source');
  commonDevice('maskedScatter', x, source);
  if (source.dtype !== x.dtype) {
    throw new TypeError(`masked_scatter: expected self and source to have same dtypes but got ${x.dtype} and ${source.dtype}`);
  }
  const target = broadcastShapes('maskedScatter', x.shape, mask.shape);
  const grad = needsGrad(x, source);
  const m = source.numel();
  const { out, places, written } = tidy(() =>
    noGrad(() => {
      const targetStrides = contiguousStrides(target);
      const [placesHost] = maskPlaces(mask, target, [{ strides: targetStrides, offset: 0 }]);
      const k = placesHost!.length;
      if (m < k) throw new Error(`masked_scatter: Number of elements of source < number of ones in mask (${m} < ${k})`);
      // For each place of the result, the source element it takes (its rank among the true places).
      const from = new Int32Array(numel(target));
      placesHost!.forEach((p, rank) => (from[p] = rank));
      const written = wrap(mask, mask.backend.contiguous(expandView(mask, target)), target, 'bool');
      const flatSource = source.isContiguous() ? source : source.contiguous();
      const taken =
        m === 0
          ? wrap(x, x.backend.fill(numel(target), 0, x.dtype), target, x.dtype)
          : gatherRaw(flatSource, viewOf(flatSource, [m], [1]), fromValues(from, target, 'int32', x.device));
      const out = wrap(x, x.backend.where(written, taken, expandView(x, target), target, x.dtype), target, x.dtype);
      const places = grad ? fromValues(placesHost!, [k], 'int32', x.device) : undefined;
      return { out, places, written: grad ? written : undefined };
    }),
  );
  if (places !== undefined) {
    record(
      out,
      'MaskedScatterBackward0',
      [x, source],
      (g) => {
        // The source's gradient: the result's gradient at the masked places, then zeros for the elements not used.
        const picked = gatherFlat(g.reshape(-1), places);
        const gs = picked.shape[0] === m ? picked : pad(picked, [0, m - picked.shape[0]!]);
        return [where(written!, 0, g), gs.reshape(source.shape)];
      },
      [places, written],
    );
    places.dispose();
    written!.dispose();
  }
  return out;
}

/**
 * In place: the places of `x` where `mask` (broadcastable to x's shape) is
 * true take the first elements of `source`, in order (PyTorch's
 * `masked_scatter_`). Returns `x`. Reads the mask on the host once.
 *
 * @example
 * const x = g.zeros(3);
 * x.maskedScatter_(g.tensor([true, false, true]), g.tensor([1, 2])); // tensor([1., 0., 2.])
 */
export function maskedScatter_<T extends Tensor>(x: T, mask: Tensor, source: Tensor): T {
  checkMask('maskedScatter_', 'masked_scatter_', x, mask);
  checkWritable('maskedScatter_', x);
  const target = broadcastShapes('maskedScatter_', x.shape, mask.shape);
  if (!shapesEqual(target, x.shape)) {
    throw new Error(
      `maskedScatter_(): mask of shape ${formatShape(mask.shape)} cannot be broadcast to self's shape ${formatShape(x.shape)}`,
    );
  }
  return inplace(x, 'maskedScatter_', maskedScatter(x, mask, source));
}
