/**
 * Recycles typed arrays of disposed tensors, so a loop that disposes (or runs
 * in `tidy`) allocates nothing after its first step. Arrays come back dirty:
 * every kernel writes all of its output.
 */
import type { DType, TypedArray } from '@graft/core';

const ARRAY = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;

/** Free arrays by dtype and length: small lengths index an array, large ones a Map. */
const SMALL = 4096;
const freeSmall: Record<DType, (TypedArray[] | undefined)[]> = { float32: [], float64: [], int32: [], bool: [] };
const free: Record<DType, Map<number, TypedArray[]>> = {
  float32: new Map(), float64: new Map(), int32: new Map(), bool: new Map(),
};
/** Bytes parked in the pool; capped so a burst of large frees cannot hold memory forever. */
let pooledBytes = 0;
const MAX_POOLED_BYTES = 256 * 1024 * 1024;

export function dtypeOf(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

/** An array of `length` elements of `dtype`, with unspecified contents. */
export function alloc(dtype: DType, length: number): TypedArray {
  const list = length < SMALL ? freeSmall[dtype][length] : free[dtype].get(length);
  if (list !== undefined && list.length !== 0) {
    const a = list.pop()!;
    pooledBytes -= a.byteLength;
    return a;
  }
  return new ARRAY[dtype](length);
}

export function release(a: TypedArray): void {
  if (a.length === 0 || pooledBytes + a.byteLength > MAX_POOLED_BYTES) return;
  const dtype = dtypeOf(a);
  let list: TypedArray[] | undefined;
  if (a.length < SMALL) {
    list = freeSmall[dtype][a.length];
    if (list === undefined) freeSmall[dtype][a.length] = list = [];
  } else {
    list = free[dtype].get(a.length);
    if (list === undefined) free[dtype].set(a.length, (list = []));
  }
  list.push(a);
  pooledBytes += a.byteLength;
}

export function zeroed(dtype: DType, length: number): TypedArray {
  const a = alloc(dtype, length);
  a.fill(0);
  return a;
}
