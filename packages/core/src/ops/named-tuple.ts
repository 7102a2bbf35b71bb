/**
 * PyTorch's named tuple of values and indices (`torch.return_types.max`,
 * `sort`, `topk`, `kthvalue`, `median`, `mode`, `cummax`, …), made in one
 * place so that every op returning one returns the same thing.
 */
import type { Tensor } from '../tensor.js';

/**
 * What `max(dim)`, `min(dim)`, `sort`, `topk`, `kthvalue`, `median(dim)`,
 * `nanmedian(dim)`, `mode`, `cummax` and `cummin` return: an array
 * `[values, indices]` that also has `.values` and `.indices` (PyTorch's
 * named tuple).
 */
export interface ValuesIndices extends Iterable<Tensor> {
  readonly 0: Tensor;
  readonly 1: Tensor;
  readonly length: 2;
  readonly values: Tensor;
  readonly indices: Tensor;
}

/**
 * `[values, indices]` with the fields `.values` and `.indices` as well.
 *
 * @example
 * const r = valuesIndices(v, i);
 * const [values] = r; // r.values === values
 */
export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  // An array with the named fields as own properties (shadowing Array.prototype.values, as PyTorch's field does).
  return Object.assign([values, indices], { values, indices }) as unknown as ValuesIndices;
}
