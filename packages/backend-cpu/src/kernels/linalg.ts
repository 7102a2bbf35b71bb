/** inverse and slogdet on the CPU: the host LU of @graft/core on the backend's arrays. */
import { hostLinalg, type View } from '@graft/core';
import { alloc, arr, type Handle } from '../heap.js';
import { numel } from '../strided.js';

export function inverse(x: View<Handle>): Handle {
  const out = alloc(x.dtype, numel(x.shape));
  hostLinalg.hostInverse(arr(x.handle), x, arr(out));
  return out;
}

export function slogdet(x: View<Handle>): [Handle, Handle, Handle] {
  const count = numel(x.shape.slice(0, -2));
  const handles: [Handle, Handle, Handle] = [alloc(x.dtype, count), alloc(x.dtype, count), alloc(x.dtype, count)];
  const [sign, logabs, det] = handles.map(arr);
  hostLinalg.hostSlogdet(arr(x.handle), x, sign!, logabs!, det!);
  return handles;
}
