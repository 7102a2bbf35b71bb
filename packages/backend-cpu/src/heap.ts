/**
 * Where the CPU backend keeps tensor data. Large arrays live in WebAssembly
 * memory, so SIMD kernels work on them in place; small ones are plain typed
 * arrays (cheapest to make and to read). Arrays of disposed tensors are
 * recycled by exact size, so a training loop allocates nothing after its first
 * step. Handles come back dirty: every kernel writes all of its output.
 */
import type { DType, TypedArray } from '@graft/core';
import { memory } from './wasm/module.js';

const ARRAY = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;
const BYTES = { float32: 4, float64: 8, int32: 4, bool: 1 } as const;

/** Arrays of at least this many bytes go to wasm memory. */
const HEAP_MIN_BYTES = 16 * 1024;
/** The bottom of wasm memory is left to the module's stack. */
const HEAP_BASE = 1 << 20;

/** Bumped whenever wasm memory grows (which detaches every view of it). */
let generation = 0;
let top = HEAP_BASE;
const heapFree = new Map<number, number[]>();

/** A typed array in wasm memory: an address, re-viewed after the memory grows. */
export class HeapArray {
  private view: TypedArray | undefined;
  private gen = -1;
  constructor(
    readonly ptr: number,
    readonly length: number,
    readonly dtype: DType,
  ) {}

  array(): TypedArray {
    if (this.gen !== generation) {
      this.view = new ARRAY[this.dtype](memory!.buffer, this.ptr, this.length);
      this.gen = generation;
    }
    return this.view!;
  }

  get byteLength(): number {
    return this.length * BYTES[this.dtype];
  }
}

export type Handle = TypedArray | HeapArray;

/** The typed array behind a handle (valid until the next allocation). */
export function arr(h: Handle): TypedArray {
  return h instanceof HeapArray ? h.array() : h;
}

/** Byte address of element `offset` of a heap handle, or -1 for a plain array. */
export function address(h: Handle, offset: number): number {
  return h instanceof HeapArray ? h.ptr + offset * BYTES[h.dtype] : -1;
}

function heapAlloc(bytes: number): number {
  const size = (bytes + 15) & ~15;
  const list = heapFree.get(size);
  if (list !== undefined && list.length !== 0) return list.pop()!;
  if (top + size > memory!.buffer.byteLength) {
    const need = top + size - memory!.buffer.byteLength;
    const pages = Math.max(Math.ceil(need / 65536), Math.ceil(memory!.buffer.byteLength / 65536 / 4));
    try {
      memory!.grow(pages);
    } catch {
      try {
        memory!.grow(Math.ceil(need / 65536));
      } catch {
        return -1;
      }
    }
    generation++;
  }
  const ptr = top;
  top += size;
  return ptr;
}

/** Scratch bytes in wasm memory for a kernel (give them back with `freeScratch`). */
export function scratch(bytes: number): number {
  return heapAlloc(bytes);
}
export function freeScratch(ptr: number, bytes: number): void {
  if (ptr < 0) return;
  const size = (bytes + 15) & ~15;
  let list = heapFree.get(size);
  if (list === undefined) heapFree.set(size, (list = []));
  list.push(ptr);
}

// ---- small arrays: a pool of plain typed arrays by dtype and length

const SMALL = 4096;
const freeSmall: Record<DType, (TypedArray[] | undefined)[]> = { float32: [], float64: [], int32: [], bool: [] };
const freeLarge: Record<DType, Map<number, TypedArray[]>> = { float32: new Map(), float64: new Map(), int32: new Map(), bool: new Map() };
let pooledBytes = 0;
const MAX_POOLED_BYTES = 256 * 1024 * 1024;

export function dtypeOf(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

/** A handle for `length` elements of `dtype`, with unspecified contents. */
export function alloc(dtype: DType, length: number): Handle {
  const bytes = length * BYTES[dtype];
  if (memory !== undefined && bytes >= HEAP_MIN_BYTES) {
    const ptr = heapAlloc(bytes);
    if (ptr >= 0) return new HeapArray(ptr, length, dtype);
  }
  const list = length < SMALL ? freeSmall[dtype][length] : freeLarge[dtype].get(length);
  if (list !== undefined && list.length !== 0) {
    const a = list.pop()!;
    pooledBytes -= a.byteLength;
    return a;
  }
  return new ARRAY[dtype](length);
}

/** Gives a handle's memory back for reuse. */
export function release(h: Handle): void {
  if (h instanceof HeapArray) {
    freeScratch(h.ptr, h.byteLength);
    return;
  }
  if (h.length === 0 || pooledBytes + h.byteLength > MAX_POOLED_BYTES) return;
  const dtype = dtypeOf(h);
  let list: TypedArray[] | undefined;
  if (h.length < SMALL) {
    list = freeSmall[dtype][h.length];
    if (list === undefined) freeSmall[dtype][h.length] = list = [];
  } else {
    list = freeLarge[dtype].get(h.length);
    if (list === undefined) freeLarge[dtype].set(h.length, (list = []));
  }
  list.push(h);
  pooledBytes += h.byteLength;
}
