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
 * PyTorch's named tuple `torch.return_types.<op>`: an array of the fields'
 * tensors that also has each field by name, and prints as PyTorch prints it.
 *
 * @example
 * const r = namedTuple('aminmax', { min: a, max: b }); // r[0] === r.min
 * String(r); // 'torch.return_types.aminmax(\nmin=tensor(…),\nmax=tensor(…))'
 */
export function namedTuple<F extends Record<string, Tensor>>(op: string, fields: F): Tensor[] & F {
  const entries = Object.entries(fields);
  // An array with the named fields as own properties (shadowing Array.prototype.values, as PyTorch's field does).
  const tuple = Object.assign(
    entries.map(([, t]) => t),
    fields,
  );
  const repr = (): string => `torch.return_types.${op}(\n${entries.map(([name, t]) => `${name}=${String(t)}`).join(',\n')})`;
  // Not enumerable: destructuring, spreading and Object.keys see the tensors and the fields only.
  Object.defineProperty(tuple, 'toString', { value: repr });
  Object.defineProperty(tuple, Symbol.for('nodejs.util.inspect.custom'), { value: repr });
  return tuple;
}

/**
 * `[values, indices]` with the fields `.values` and `.indices` as well,
 * named after `op` (`torch.return_types.max(` … when printed).
 *
 * @example
 * const r = valuesIndices(v, i, 'max');
 * const [values] = r; // r.values === values
 */
export function valuesIndices(values: Tensor, indices: Tensor, op: string): ValuesIndices {
  return namedTuple(op, { values, indices }) as unknown as ValuesIndices;
}
