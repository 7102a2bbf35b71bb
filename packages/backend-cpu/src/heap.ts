/**
 * Where the CPU backend keeps tensor data. Large arrays live in WebAssembly
 * memory, so SIMD kernels work on them in place; small ones are plain typed
 * arrays (cheapest to make and to read). The memory of disposed tensors is
 * reused: wasm blocks by a segregated-fit allocator that merges free
 * neighbours (heap-blocks.ts), so the heap stays bounded by the peak of live
 * bytes also when shapes change every step; plain arrays by exact length, up
 * to a cap. Handles come back dirty: every kernel writes all of its output.
 *
 * Sizes and addresses are plain doubles here, never 32-bit integer arithmetic
 * (`(n + 15) & ~15` wraps at 2 GiB and once moved the heap top back over live
 * tensors). A request the wasm memory cannot hold changes nothing: the heap
 * top, free lists and memory stay as they were, and the array is made as a
 * plain typed array instead, or a clear error is thrown.
 */
import { ARRAY_TYPE, BYTES_PER_ELEMENT, type DType, type TypedArray, type View } from '@graft/core/backend';
import { FreeBlocks } from './heap-blocks.js';
import { memory } from './wasm/module.js';

/** Arrays of at least this many bytes go to wasm memory. */
const HEAP_MIN_BYTES = 16 * 1024;
/** The bottom of wasm memory is left to the module's stack. */
const HEAP_BASE = 1 << 20;

/** Bumped whenever wasm memory grows (which detaches every view of it). */
let generation = 0;
let top = HEAP_BASE;
const heapFree = new FreeBlocks();

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
      this.view = new ARRAY_TYPE[this.dtype](memory!.buffer, this.ptr, this.length);
      this.gen = generation;
    }
    return this.view!;
  }

  get byteLength(): number {
    return this.length * BYTES_PER_ELEMENT[this.dtype];
  }
}

export type Handle = TypedArray | HeapArray;

/** The typed array behind a handle (valid until the next allocation). */
export function arr(h: Handle): TypedArray {
  return h instanceof HeapArray ? h.array() : h;
}

/** Byte address of element `offset` of a heap handle, or -1 for a plain array. */
export function address(h: Handle, offset: number): number {
  return h instanceof HeapArray ? h.ptr + offset * BYTES_PER_ELEMENT[h.dtype] : -1;
}

/** wasm32 memory holds at most 65 536 pages of 64 KiB (4 GiB); addresses are unsigned 32-bit. */
const WASM_PAGE = 65536;
const WASM_MAX_BYTES = 65536 * WASM_PAGE;

/** Bytes rounded up to the heap's 16-byte granule (SIMD alignment), in doubles. */
function granule(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

function tryGrow(pages: number): boolean {
  try {
    memory!.grow(pages);
    return true;
  } catch {
    return false;
  }
}

/** The address of `bytes` bytes of wasm memory, or -1 (and nothing changed) when they cannot be had. */
function heapAlloc(bytes: number): number {
  if (memory === undefined || !Number.isSafeInteger(bytes) || bytes < 0) return -1;
  const size = granule(bytes);
  const reused = heapFree.take(size);
  if (reused >= 0) return reused;
  if (size > WASM_MAX_BYTES - top) return -1; // can never fit below 4 GiB
  const capacity = memory.buffer.byteLength;
  if (top + size > capacity) {
    const need = Math.ceil((top + size - capacity) / WASM_PAGE);
    // Grow by a quarter at least (fewer detaches of every view), but never past the 4 GiB maximum.
    const generous = Math.min(Math.max(need, Math.ceil(capacity / WASM_PAGE / 4)), (WASM_MAX_BYTES - capacity) / WASM_PAGE);
    if (!tryGrow(generous) && !tryGrow(need)) return -1;
    generation++;
  }
  const ptr = top;
  top += size;
  return ptr;
}

/** Scratch bytes in wasm memory for a kernel (give them back with `freeScratch`); -1 when there are none. */
export function scratch(bytes: number): number {
  return heapAlloc(bytes);
}
export function freeScratch(ptr: number, bytes: number): void {
  if (ptr < 0) return;
  // A block that ends at the top (after merging with free neighbours) gives the top back.
  const lowered = heapFree.give(ptr, granule(bytes), top);
  if (lowered >= 0) top = lowered;
}

/** The heap's extent and free bytes below it (for tests of its bounds). */
export function heapInfo(): { top: number; freeBytes: number; capacity: number } {
  return { top, freeBytes: heapFree.freeBytes, capacity: memory?.buffer.byteLength ?? 0 };
}

/** The number of elements a handle holds. */
export function handleLength(h: Handle): number {
  return h.length;
}

/**
 * Throws unless every element `v` can reach lies inside its handle. Core
 * constructs no view that fails this (its Tensor invariant); kernels that hand
 * raw addresses to wasm, or write through index arithmetic, check again so the
 * backend is safe on its own.
 */
export function checkView(kernel: string, v: View<Handle>): void {
  let lowest = v.offset;
  let highest = v.offset;
  for (let d = 0; d < v.shape.length; d++) {
    const size = v.shape[d]!;
    if (size === 0) return; // reads nothing
    const reach = (size - 1) * v.strides[d]!;
    if (reach > 0) highest += reach;
    else lowest += reach;
  }
  const length = handleLength(v.handle);
  if (!(lowest >= 0 && highest < length) || !Number.isSafeInteger(lowest) || !Number.isSafeInteger(highest)) {
    throw new RangeError(
      `cpu ${kernel}: a view of shape [${v.shape.join(', ')}], strides [${v.strides.join(', ')}] and offset ${v.offset} ` +
        `reaches elements ${lowest} to ${highest} of an array of ${length}`,
    );
  }
}

// ---- small arrays: a pool of plain typed arrays by dtype and length

const SMALL = 4096;
/**
 * Free lists of small arrays by length, one table per dtype. Each table is filled up front: a sparse
 * array, written at whatever lengths a program used, turns into a dictionary and every lookup into a
 * hash probe (a tenth of a small op's time after a training step had run in the same process).
 */
const smallTable = (): (TypedArray[] | undefined)[] => new Array<TypedArray[] | undefined>(SMALL).fill(undefined);
const freeSmall: Record<DType, (TypedArray[] | undefined)[]> = {
  float32: smallTable(),
  float64: smallTable(),
  int32: smallTable(),
  bool: smallTable(),
};
const freeLarge: Record<DType, Map<number, TypedArray[]>> = { float32: new Map(), float64: new Map(), int32: new Map(), bool: new Map() };
let pooledBytes = 0;
const MAX_POOLED_BYTES = 256 * 1024 * 1024;

export function dtypeOf(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

/**
 * A handle for `length` elements of `dtype`, with unspecified contents. Throws
 * a RangeError saying how many bytes were asked for when they cannot be had;
 * nothing is changed then.
 */
export function alloc(dtype: DType, length: number): Handle {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`cpu: cannot allocate ${String(length)} ${dtype} elements: not a valid size`);
  }
  const bytes = length * BYTES_PER_ELEMENT[dtype];
  if (memory !== undefined && bytes >= HEAP_MIN_BYTES) {
    const ptr = heapAlloc(bytes);
    if (ptr >= 0) return new HeapArray(ptr, length, dtype);
  }
  const list = length < SMALL ? freeSmall[dtype][length] : freeLarge[dtype].get(length);
  if (list !== undefined && list.length !== 0) {
    const a = list.pop()!;
    pooledBytes -= bytes; // not a.byteLength: a getter on four array types, megamorphic
    return a;
  }
  try {
    return new ARRAY_TYPE[dtype](length);
  } catch (e) {
    // Beyond the engine's typed-array limit, or out of memory (the wasm heap was full or too small too).
    throw new RangeError(`cpu: cannot allocate ${bytes} bytes (${length} ${dtype} elements): out of memory (${(e as Error).message})`);
  }
}

/** Gives a handle's memory back for reuse. */
export function release(h: Handle): void {
  if (h instanceof HeapArray) {
    freeScratch(h.ptr, h.byteLength);
    return;
  }
  const length = h.length;
  const dtype = dtypeOf(h);
  const bytes = length * BYTES_PER_ELEMENT[dtype];
  if (length === 0 || pooledBytes + bytes > MAX_POOLED_BYTES) return;
  let list: TypedArray[] | undefined;
  if (length < SMALL) {
    list = freeSmall[dtype][length];
    if (list === undefined) freeSmall[dtype][length] = list = [];
  } else {
    list = freeLarge[dtype].get(length);
    if (list === undefined) freeLarge[dtype].set(length, (list = []));
  }
  list.push(h);
  pooledBytes += bytes;
}
