/**
 * The host round trip of the ops computed in JavaScript (sorting, selecting,
 * counting): one read of an input's storage, results written back to its
 * device. On the CPU backend the read is free (its storage is the array); on
 * a GPU it is one stall per op.
 */
import type { Layout, Out } from '../backend/host-sort.js';
import { ARRAY_TYPE, type DType } from '../dtype.js';
import { numel } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { wrap } from './dispatch.js';

/** A new tensor on x's device holding `values` (of `shape` and `dtype`). */
export function upload(x: Tensor, values: Out, shape: readonly number[], dtype: DType): Tensor {
  return wrap(x, x.backend.write(values as never, dtype), shape, dtype);
}

/** x's elements in row-major order as doubles (exact for every dtype), from one read of its storage. */
export function hostValues(x: Tensor): Float64Array {
  const n = x.numel();
  const out = new Float64Array(n);
  if (n === 0) return out;
  const src = x.backend.readSync(x.handle);
  const nd = x.ndim;
  const counter = new Array<number>(nd).fill(0);
  let at = x.offset;
  for (let i = 0; i < n; i++) {
    out[i] = src[at]!;
    for (let d = nd - 1; d >= 0; d--) {
      at += x.strides[d]!;
      if (++counter[d]! < x.shape[d]!) break;
      at -= x.strides[d]! * x.shape[d]!;
      counter[d] = 0;
    }
  }
  return out;
}

/**
 * Runs a host line algorithm (backend/host-sort.ts) on `x`: reads x's storage
 * once, lets `run` fill values (x's dtype) and indices (int32) of `shape`
 * through x's layout, and writes both to x's device.
 */
export function onHost(
  x: Tensor,
  shape: readonly number[],
  run: (src: ArrayLike<number>, layout: Layout, values: Out, indices: Out) => void,
): [Tensor, Tensor] {
  const n = numel(shape);
  const values = new ARRAY_TYPE[x.dtype](n);
  const indices = new Int32Array(n);
  if (n > 0) run(x.backend.readSync(x.handle), x, values, indices);
  return [upload(x, values, shape, x.dtype), upload(x, indices, shape, 'int32')];
}
