/** `where(cond, a, b)`: the elementwise choice, broadcasting all three; `where(cond)` is `nonzero(cond, { asTuple: true })`. */
import { record, wantsGrad } from '../autograd/record.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, commonDevice, expandView, isTensor, type TensorLike, wrap } from './dispatch.js';
import { nonzero } from './nonzero.js';
import { binaryResultType, castTo, scalarValue } from './promotion.js';

/**
 * Picks `a` where `cond` is true and `b` elsewhere, broadcasting all three.
 * With `cond` alone, the coordinates of its nonzero elements, one int32
 * tensor per dim (PyTorch's `torch.where(cond)`, `nonzero(cond, { asTuple:
 * true })`: reads `cond` on the host once).
 *
 * @example
 * g.where(g.tensor([true, false]), g.tensor([1, 2]), 0); // tensor([1., 0.])
 * g.where(g.tensor([[0, 1], [2, 0]])); // [tensor([0, 1]), tensor([1, 0])]
 */
export function where(cond: Tensor): Tensor[];
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor;
export function where(cond: Tensor, a?: TensorLike, b?: TensorLike): Tensor | Tensor[] {
  if (a === undefined && b === undefined) return nonzero(checkTensor('where', cond, 'condition'), { asTuple: true });
  if (a === undefined || b === undefined)
    throw new TypeError('where(): expected a condition alone, or a condition and two values (input and other)');
  checkTensor('where', cond, 'condition');
  if (cond.dtype !== 'bool') throw new TypeError(`where: expected condition to be a bool tensor, but got ${cond.dtype}`);
  if (isTensor(a)) commonDevice('where', cond, a);
  if (isTensor(b)) commonDevice('where', cond, b);
  const dtype = binaryResultType(a, b);
  let shape = cond.shape as readonly number[];
  if (isTensor(a)) shape = broadcastShapes('where', shape, a.shape);
  if (isTensor(b)) shape = broadcastShapes('where', shape, b.shape);
  const ca = isTensor(a) ? castTo(checkTensor('where', a, 'input'), dtype) : undefined;
  const cb = isTensor(b) ? castTo(checkTensor('where', b, 'other'), dtype) : undefined;
  const handle = cond.backend.where(
    expandView(cond, shape),
    ca !== undefined ? expandView(ca, shape) : scalarValue('where', a as number),
    cb !== undefined ? expandView(cb, shape) : scalarValue('where', b as number),
    shape,
    dtype,
  );
  const out = wrap(cond, handle, shape, dtype);
  if (ca !== undefined && ca !== a) ca.dispose();
  if (cb !== undefined && cb !== b) cb.dispose();
  record(out, 'WhereBackward0', [a, b], (g) => [wantsGrad(a) ? where(cond, g, 0) : null, wantsGrad(b) ? where(cond, 0, g) : null], [cond]);
  return out;
}
