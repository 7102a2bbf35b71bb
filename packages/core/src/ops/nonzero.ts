/**
 * `nonzero` and `argwhere`: the coordinates of the nonzero elements. Their
 * number decides the result's shape, so the tensor is read on the host once
 * per call (PyTorch's CUDA nonzero synchronises too); the coordinates are
 * found there and written to the tensor's device.
 */
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, fromValues } from './dispatch.js';
import { maskCoordinates } from './index-slots.js';

/** Options of `nonzero` (PyTorch's keyword argument). */
export interface NonzeroOptions {
  /** Return one 1-D tensor of coordinates per dim (PyTorch's `as_tuple=True`) instead of one `[n, ndim]` tensor. */
  asTuple?: boolean;
}

/**
 * The coordinates of the nonzero elements (NaN counts as nonzero; for bool,
 * the true ones), in row-major order: an int32 tensor of shape `[n, ndim]`,
 * or with `{ asTuple: true }` one int32 tensor of `n` coordinates per dim (a
 * 0-d tensor counts as one dim). Reads `x` on the host once: the result's
 * size depends on the values.
 *
 * @example
 * g.nonzero(g.tensor([[0, 1], [2, 0]]));                   // tensor([[0, 1], [1, 0]])
 * g.nonzero(g.tensor([[0, 1], [2, 0]]), { asTuple: true }); // [tensor([0, 1]), tensor([1, 0])]
 */
export function nonzero(x: Tensor, options: NonzeroOptions & { asTuple: true }): Tensor[];
export function nonzero(x: Tensor, options?: NonzeroOptions & { asTuple?: false }): Tensor;
export function nonzero(x: Tensor, options?: NonzeroOptions): Tensor | Tensor[];
export function nonzero(x: Tensor, options?: NonzeroOptions): Tensor | Tensor[] {
  checkTensor('nonzero', x);
  const { asTuple = false } = checkOptions('nonzero', options, ['asTuple']);
  if (typeof asTuple !== 'boolean') throw new TypeError(`nonzero(): argument 'asTuple' must be a boolean, not ${typeof asTuple}`);
  // The one host read.
  const values = x.dataSync();
  const coords = maskCoordinates(values, x.ndim === 0 ? [1] : x.shape);
  const n = coords[0]!.length;
  if (asTuple) return coords.map((c) => fromValues(c, [n], 'int32', x.device));
  const nd = x.ndim;
  const flat = new Int32Array(n * nd);
  for (let k = 0; k < n; k++) for (let d = 0; d < nd; d++) flat[k * nd + d] = coords[d]![k]!;
  return fromValues(flat, [n, nd], 'int32', x.device);
}

/**
 * The coordinates of the nonzero elements as one `[n, ndim]` int32 tensor:
 * `nonzero(x)` (PyTorch's `argwhere`). Reads `x` on the host once.
 *
 * @example
 * g.argwhere(g.tensor([0, 3, 0, 5])); // tensor([[1], [3]])
 */
export function argwhere(x: Tensor): Tensor {
  checkTensor('argwhere', x);
  return nonzero(x);
}
