/**
 * Shapes, strides and the arithmetic of views and broadcasting — and the one
 * place shapes are validated. Every shape entering Graft (creation functions,
 * reshape/view/expand/repeat arguments, `g.tensor`'s `{ shape }`) goes through
 * `checkShape`; every tensor and view is checked by `checkLayout` when it is
 * constructed; every allocation is measured against `MAX_TENSOR_BYTES` by
 * `checkAllocation` before a kernel runs. Kernels can then trust what they get.
 */
import { BYTES_PER_ELEMENT, type DType } from './dtype.js';

export type Shape = readonly number[];

/**
 * The most bytes one tensor's storage may hold: 2³¹ − 1 (2 GiB − 1 byte). Every
 * byte offset inside a tensor then fits a signed 32-bit integer — the wasm32
 * SIMD kernels' `int` arithmetic, GLSL's `int` on WebGL — and the array fits
 * every browser's ArrayBuffer limit. A view (an `expand`ed tensor) may describe
 * more elements than this; materializing it is what is refused.
 */
export const MAX_TENSOR_BYTES = 2 ** 31 - 1;

/** A value as it appears in a message: strings quoted, so `['2', 2]` is not mistaken for `[2, 2]`. */
function describeValue(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `[${v.map(describeValue).join(', ')}]`;
  if (v !== null && typeof v === 'object') return v.constructor?.name ?? 'object';
  return String(v);
}

/** Options of `checkShape`. */
export interface ShapeCheck {
  /**
   * Where -1 may stand for a size: `'one'` (reshape/view infer one dim), `'any'`
   * (expand keeps a dim's size). Default: nowhere.
   */
  minusOne?: 'one' | 'any';
  /** What the list is called in messages (default `'shape'`). */
  what?: string;
}

/**
 * Validates a shape given by a user: an array (or TypedArray) of non-negative
 * safe integers whose product is a safe integer. Returns a fresh array (the
 * caller's array may change later; a tensor must not). Throws naming the op
 * and the shape: `zeros: a shape must be non-negative integers, got [0.5, 8]`.
 */
export function checkShape(op: string, shape: unknown, options: ShapeCheck = {}): number[] {
  const what = options.what ?? 'shape';
  const isList = Array.isArray(shape) || (ArrayBuffer.isView(shape) && !(shape instanceof DataView));
  if (!isList) {
    throw new TypeError(`${op}: a ${what} must be an array of non-negative integers, got ${describeValue(shape)}`);
  }
  const list = Array.from(shape as ArrayLike<unknown>);
  const out = new Array<number>(list.length);
  let product = 1;
  let inferred = 0;
  let empty = false;
  for (let i = 0; i < list.length; i++) {
    const d = list[i];
    if (d === -1 && options.minusOne !== undefined) {
      if (options.minusOne === 'one' && ++inferred > 1) {
        throw new RangeError(`${op}: only one dimension can be inferred, got ${what} ${describeValue(list)}`);
      }
      out[i] = -1;
      continue;
    }
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      const allowed = options.minusOne !== undefined ? ' (or -1)' : '';
      const kind = typeof d === 'number' && Number.isInteger(d) && d < 0 ? RangeError : TypeError;
      throw new kind(`${op}: a ${what} must be non-negative integers${allowed}, got ${describeValue(list)}`);
    }
    out[i] = d + 0; // -0 becomes 0
    if (d === 0) empty = true;
    else product *= d;
  }
  if (!empty && !Number.isSafeInteger(product)) {
    throw new RangeError(
      `${op}: a ${what} of ${describeValue(list)} has ${product} elements, more than a tensor can count exactly ` +
        `(the product of the sizes must be at most 2^53 - 1)`,
    );
  }
  return out;
}

/**
 * Validates an integer argument of a shape op (a start, a length, an index).
 * `±Infinity` passes where `infinite` is set (slice bounds, clamped later).
 */
export function checkInteger(op: string, name: string, value: unknown, infinite = false): number {
  if (typeof value === 'number' && (Number.isInteger(value) || (infinite && (value === Infinity || value === -Infinity)))) return value;
  throw new TypeError(`${op}: ${name} must be an integer, got ${describeValue(value)}`);
}

/**
 * The invariant of every tensor and view, checked when one is constructed
 * (O(ndim), no allocation): a valid shape, integer strides (any sign), an
 * integer offset, and every element the view can reach —
 * `offset + Σ (size−1)·stride` over the negative and over the positive strides —
 * inside its storage of `storageSize` elements. So no op can hand a kernel a
 * view that reads or writes outside its storage.
 */
export function checkLayout(op: string, shape: Shape, strides: Shape, offset: number, storageSize: number): void {
  const nd = shape.length;
  if (strides.length !== nd) {
    throw new TypeError(`${op}: a view needs one stride per dim, got shape ${describeValue(shape)} and strides ${describeValue(strides)}`);
  }
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new RangeError(
      `${op}: a view's offset must be a non-negative integer, got ${describeValue(offset)} (shape ${formatShape(shape)})`,
    );
  }
  let product = 1;
  let empty = false;
  let lowest = offset;
  let highest = offset;
  for (let i = 0; i < nd; i++) {
    const size = shape[i]!;
    const stride = strides[i]!;
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new TypeError(`${op}: a shape must be non-negative integers, got ${describeValue(shape)}`);
    }
    if (!Number.isSafeInteger(stride)) {
      throw new TypeError(`${op}: strides must be integers, got ${describeValue(strides)} (shape ${formatShape(shape)})`);
    }
    if (size === 0) {
      empty = true;
      continue;
    }
    product *= size;
    const reach = (size - 1) * stride;
    if (reach > 0) highest += reach;
    else lowest += reach;
  }
  if (empty) return; // reads nothing
  if (!Number.isSafeInteger(product)) {
    throw new RangeError(`${op}: a shape of ${formatShape(shape)} has more elements than a tensor can count exactly (at most 2^53 - 1)`);
  }
  if (lowest < 0 || highest >= storageSize) {
    throw new RangeError(
      `${op}: a view of shape ${formatShape(shape)}, strides ${formatShape(strides)} and offset ${offset} reaches elements ` +
        `${lowest} to ${highest}, outside its storage of ${storageSize} elements`,
    );
  }
}

/** Bytes a contiguous tensor of `count` elements of `dtype` takes. */
export function byteSize(count: number, dtype: DType): number {
  return count * BYTES_PER_ELEMENT[dtype];
}

/**
 * The error for an allocation that cannot be made, worded as PyTorch's
 * allocator: `zeros: cannot allocate 4294901760 bytes (shape [1073725440], float32) on 'cpu': …`.
 */
export function allocationError(op: string, shape: Shape, dtype: DType, device: string, reason: string): RangeError {
  return new RangeError(
    `${op}: cannot allocate ${byteSize(numel(shape), dtype)} bytes (shape ${formatShape(shape)}, ${dtype}) on '${device}': ${reason}`,
  );
}

/**
 * Throws unless a contiguous tensor of `shape` and `dtype` fits the per-tensor
 * limit (`MAX_TENSOR_BYTES`). Called before anything is allocated, so a kernel
 * never sees a size it cannot hold.
 */
export function checkAllocation(op: string, shape: Shape, dtype: DType, device: string): void {
  const count = numel(shape);
  if (!Number.isSafeInteger(count) || count < 0) throw allocationError(op, shape, dtype, device, 'not a valid number of elements');
  if (byteSize(count, dtype) > MAX_TENSOR_BYTES) {
    throw allocationError(op, shape, dtype, device, `a tensor may hold at most ${MAX_TENSOR_BYTES} bytes (2 GiB - 1)`);
  }
}

/**
 * The number of elements of a tensor of `shape`: the product of its sizes (1 for `[]`).
 *
 * @example
 * numel([2, 3]); // 6
 */
export function numel(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/**
 * The row-major (C-order) strides of `shape`, in elements: the layout of a
 * contiguous tensor, and of every handle a kernel returns.
 *
 * @example
 * contiguousStrides([2, 3, 4]); // [12, 4, 1]
 */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/**
 * Whether a view of `shape` with `strides` steps through its elements
 * row-major without gaps (the strides of size-1 dims do not matter), so that
 * from its offset on it reads as a plain array of `numel(shape)` elements.
 *
 * @example
 * isContiguous([2, 3], [3, 1]); // true
 * isContiguous([3, 2], [1, 3]); // false: a transpose
 */
export function isContiguous(shape: Shape, strides: Shape): boolean {
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d !== 1 && strides[i] !== s) return false;
    s *= d;
  }
  return true;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** NumPy broadcasting of two shapes; throws naming the op when they do not fit. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  if (shapesEqual(a, b)) return a as number[];
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else
      throw new Error(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast: ` +
          `the size of dimension ${i - n} is ${da} in one and ${db} in the other (expected equal sizes or 1)`,
      );
  }
  return out;
}

/** Wraps a possibly negative dim into [0, ndim), as PyTorch's `maybe_wrap_dim`. */
export function normalizeDim(op: string, dim: number, ndim: number): number {
  const rank = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -rank || dim >= rank) {
    throw new RangeError(`${op}: dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + rank : dim;
}

/** Normalizes an optional dim list into a sorted, de-duplicated list of axes. */
export function normalizeDims(op: string, dim: number | readonly number[] | undefined, ndim: number): number[] {
  if (dim === undefined) return Array.from({ length: ndim }, (_, i) => i);
  if (typeof dim !== 'number' && !Array.isArray(dim)) {
    throw new TypeError(`${op}: dim must be an integer or an array of integers, got ${describeValue(dim)}`);
  }
  const list = typeof dim === 'number' ? [dim] : dim;
  const axes = list.map((d) => normalizeDim(op, d, ndim));
  const seen = new Set<number>();
  for (const a of axes) {
    if (seen.has(a)) throw new Error(`${op}: dim ${a} appears multiple times in the list of dims`);
    seen.add(a);
  }
  return axes.filter((a) => a < ndim).sort((x, y) => x - y);
}

/**
 * A reduction's dims: as `normalizeDims`, but an empty list means every dim,
 * as in PyTorch's reductions (`x.sum([])` is `x.sum()`, not `x`).
 *
 * @example
 * reductionDims('sum', [], 2); // [0, 1]
 */
export function reductionDims(op: string, dim: number | readonly number[] | undefined, ndim: number): number[] {
  return normalizeDims(op, Array.isArray(dim) && dim.length === 0 ? undefined : dim, ndim);
}

/**
 * Reads a shape given either as spread numbers `(2, 3)` or one array `([2, 3])`,
 * validated by `checkShape`. Returns the shape and whatever trailing argument
 * is a plain object (an options object).
 */
export function parseShapeArgs<T>(op: string, args: readonly unknown[]): { shape: number[]; rest: T | undefined } {
  let rest: T | undefined;
  let list: unknown[] = args as unknown[];
  const last = list[list.length - 1];
  if (last !== undefined && last !== null && typeof last === 'object' && !Array.isArray(last) && !ArrayBuffer.isView(last)) {
    rest = last as T;
    list = list.slice(0, -1);
  }
  const single = list.length === 1 && (Array.isArray(list[0]) || ArrayBuffer.isView(list[0]));
  return { shape: checkShape(op, single ? list[0] : list), rest };
}

/**
 * Resolves a single -1 in a target shape against a number of elements, as
 * `reshape`/`view` do, checking that the element counts agree.
 */
export function inferShape(op: string, shape: unknown, size: number, from: Shape): number[] {
  const out = checkShape(op, shape, { minusOne: 'one' });
  const infer = out.indexOf(-1);
  let known = 1;
  for (const d of out) if (d !== -1) known *= d;
  if (infer >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new Error(`${op}: shape '${formatShape(out)}' is invalid for input of size ${size} (input shape ${formatShape(from)})`);
    }
    out[infer] = size / known;
  } else if (known !== size) {
    throw new Error(`${op}: shape '${formatShape(out)}' is invalid for input of size ${size} (input shape ${formatShape(from)})`);
  }
  return out;
}

/**
 * Strides for viewing (shape, strides) as newShape without copying, or null when
 * the memory layout does not allow it (PyTorch's `computeStride`).
 */
export function viewStrides(shape: Shape, strides: Shape, newShape: Shape): number[] | null {
  // A 0-d tensor is one element: any shape of ones views it, with strides of 1 (PyTorch's computeStride).
  if (shape.length === 0) return newShape.map(() => 1);
  const out = new Array<number>(newShape.length);
  if (numel(shape) === 0) return contiguousStrides(newShape);
  let viewD = newShape.length - 1;
  let chunkBaseStride = strides[strides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let tensorD = shape.length - 1; tensorD >= 0; tensorD--) {
    tensorNumel *= shape[tensorD]!;
    if (tensorD === 0 || (shape[tensorD - 1] !== 1 && strides[tensorD - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (tensorD > 0) {
        chunkBaseStride = strides[tensorD - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return out;
}
