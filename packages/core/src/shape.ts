/** Shapes, strides and the arithmetic of views and broadcasting. */

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** Row-major strides for a shape, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

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
    throw new RangeError(
      `${op}: dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${dim})`,
    );
  }
  return dim < 0 ? dim + rank : dim;
}

/** Normalizes an optional dim list into a sorted, de-duplicated list of axes. */
export function normalizeDims(op: string, dim: number | readonly number[] | undefined, ndim: number): number[] {
  if (dim === undefined) return Array.from({ length: ndim }, (_, i) => i);
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
 * Reads a shape given either as spread numbers `(2, 3)` or one array `([2, 3])`.
 * Returns the shape and whatever trailing argument is not a number (an options object).
 */
export function parseShapeArgs<T>(op: string, args: readonly unknown[]): { shape: number[]; rest: T | undefined } {
  let rest: T | undefined;
  let list: unknown[] = args as unknown[];
  const last = list[list.length - 1];
  if (last !== undefined && typeof last === 'object' && !Array.isArray(last)) {
    rest = last as T;
    list = list.slice(0, -1);
  }
  const dims = list.length === 1 && Array.isArray(list[0]) ? (list[0] as unknown[]) : list;
  for (const d of dims) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new TypeError(`${op}: a shape must be non-negative integers, got (${dims.map(String).join(', ')})`);
    }
  }
  return { shape: dims as number[], rest };
}

/**
 * Resolves a single -1 in a target shape against a number of elements, as
 * `reshape`/`view` do, checking that the element counts agree.
 */
export function inferShape(op: string, shape: readonly number[], size: number, from: Shape): number[] {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d === -1) {
      if (infer >= 0) throw new Error(`${op}: only one dimension can be inferred`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new Error(`${op}: invalid shape dimension ${d} in ${formatShape(shape)}`);
    } else known *= d;
  }
  const out = shape.slice();
  if (infer >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new Error(`${op}: shape '${formatShape(shape)}' is invalid for input of size ${size} (input shape ${formatShape(from)})`);
    }
    out[infer] = size / known;
  } else if (known !== size) {
    throw new Error(`${op}: shape '${formatShape(shape)}' is invalid for input of size ${size} (input shape ${formatShape(from)})`);
  }
  return out;
}

/**
 * Strides for viewing (shape, strides) as newShape without copying, or null when
 * the memory layout does not allow it (PyTorch's `computeStride`).
 */
export function viewStrides(shape: Shape, strides: Shape, newShape: Shape): number[] | null {
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
