/** Moving between dtypes and devices. */
import { needsGrad, record } from '../autograd/record.js';
import { backendFor } from '../backend/registry.js';
import { type DType, isDType, isFloating } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from './dispatch.js';
import { castTo } from './elementwise.js';

/**
 * `x` as another dtype or on another device; `x` itself when nothing changes.
 *
 * @example
 * g.tensor([1.7]).to('int32'); // tensor([1])
 */
export function to(x: Tensor, target: string | DType): Tensor {
  checkTensor('to', x);
  if (isDType(target)) {
    if (target === x.dtype) return x;
    const out = castTo(x, target);
    if (needsGrad(x) && isFloating(target)) record(out, 'ToCopyBackward0', [x], (g) => [g.to(x.dtype)]);
    return out;
  }
  if (target === x.device) return x;
  const backend = backendFor(target);
  if (x.dtype === 'float64' && !backend.supportsFloat64) {
    throw new Error(`to: device '${target}' does not support float64 (convert with .float() first)`);
  }
  const values = x.dataSync();
  const out = Tensor.fromHandle(backend, target, backend.write(values, x.dtype), x.shape, x.dtype);
  if (needsGrad(x)) record(out, 'ToCopyBackward0', [x], (g) => [g.to(x.device)]);
  return out;
}
