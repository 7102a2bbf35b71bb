/**
 * Recycles typed arrays of disposed tensors, so a loop that disposes (or runs
 * in `tidy`) allocates nothing after its first step. Arrays come back dirty:
 * every kernel writes all of its output.
 */
import type { DType, TypedArray } from '@graft/core';

const ARRAY = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;

/** Free arrays by dtype and length. */
const free: Record<DType, Map<number, TypedArray[]>> = {
  float32: new Map(), float64: new Map(), int32: new Map(), bool: new Map(),
};
/** Bytes parked in the pool; capped so a burst of large frees cannot hold memory forever. */
let pooledBytes = 0;
const MAX_POOLED_BYTES = 256 * 1024 * 1024;
/** Arrays smaller than this are cheaper to allocate than to look up. */
const MIN_POOLED_LENGTH = 64;

export function dtypeOf(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

/** An array of `length` elements of `dtype`, with unspecified contents. */
export function alloc(dtype: DType, length: number): TypedArray {
  if (length >= MIN_POOLED_LENGTH) {
    const list = free[dtype].get(length);
    if (list !== undefined && list.length !== 0) {
      const a = list.pop()!;
      pooledBytes -= a.byteLength;
      return a;
    }
  }
  return new ARRAY[dtype](length);
}

export function release(a: TypedArray): void {
  if (a.length < MIN_POOLED_LENGTH || pooledBytes + a.byteLength > MAX_POOLED_BYTES) return;
  const map = free[dtypeOf(a)];
  let list = map.get(a.length);
  if (list === undefined) map.set(a.length, (list = []));
  list.push(a);
  pooledBytes += a.byteLength;
}

export function zeroed(dtype: DType, length: number): TypedArray {
  const a = alloc(dtype, length);
  a.fill(0);
  return a;
}
