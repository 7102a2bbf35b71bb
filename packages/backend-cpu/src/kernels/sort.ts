/**
 * The optional `sort` kernel: core's host sort (PyTorch's CPU order, ties and
 * NaN included) run straight on this backend's arrays, without the read back
 * and upload of core's fallback.
 */
import { hostSort, numel, type View } from '@graft/core/backend';
import { alloc, arr, type Handle, release } from '../heap.js';

export function sort(x: View<Handle>, axis: number, descending: boolean, stable: boolean): [Handle, Handle] {
  const n = numel(x.shape);
  const values = alloc(x.dtype, n);
  let indices: Handle;
  try {
    indices = alloc('int32', n);
  } catch (e) {
    release(values);
    throw e;
  }
  // Arrays are taken after both allocations: growing wasm memory detaches earlier views.
  hostSort.sortLines(arr(x.handle), x, axis, descending, stable, arr(values), arr(indices));
  return [values, indices];
}
