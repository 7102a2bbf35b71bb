/**
 * Walking strided views without copying: dims that are contiguous for every
 * operand are merged first, so most views become one long row, and kernels
 * run a tight inner loop per row.
 */
import { numel } from '@graft/core/backend';

export interface Collapsed {
  shape: number[];
  /** strides[k] is operand k's strides over `shape`. */
  strides: number[][];
}

/**
 * Merges adjacent dims that every operand can step through as one, and drops
 * size-1 dims. The result always has at least one dim.
 */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): Collapsed {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[d]! * size)) {
      outShape[last]! *= size;
      for (let k = 0; k < strides.length; k++) outStrides[k]![last] = strides[k]![d]!;
    } else {
      outShape.push(size);
      for (let k = 0; k < strides.length; k++) outStrides[k]!.push(strides[k]![d]!);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (const s of outStrides) s.push(1);
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Calls `row(offsets, rowIndex)` for every row of the collapsed layout (all dims
 * but the last), with each operand's offset to the row start. `offsets` is
 * reused between calls.
 */
export function forEachRow(c: Collapsed, base: readonly number[], row: (offsets: number[], rowIndex: number) => void): void {
  const nd = c.shape.length;
  const k = c.strides.length;
  const offsets = base.slice();
  if (nd === 1) {
    row(offsets, 0);
    return;
  }
  const counter = new Array<number>(nd - 1).fill(0);
  let rows = 1;
  for (let d = 0; d < nd - 1; d++) rows *= c.shape[d]!;
  for (let r = 0; r < rows; r++) {
    row(offsets, r);
    // Advance the odometer over the outer dims.
    for (let d = nd - 2; d >= 0; d--) {
      if (++counter[d]! < c.shape[d]!) {
        for (let j = 0; j < k; j++) offsets[j]! += c.strides[j]![d]!;
        break;
      }
      counter[d] = 0;
      for (let j = 0; j < k; j++) offsets[j]! -= c.strides[j]![d]! * (c.shape[d]! - 1);
    }
  }
}

type Writable = { [i: number]: number; length: number };

/**
 * Copies a strided source into a strided destination (same shape), converting
 * to the destination's element type on store; `toBool` maps values to 0/1.
 */
export function copyStrided(
  src: ArrayLike<number>,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: Writable,
  dstOffset: number,
  dstStrides: readonly number[],
  shape: readonly number[],
  toBool = false,
): void {
  if (numel(shape) === 0) return;
  const c = collapse(shape, [dstStrides, srcStrides]);
  const n = c.shape[c.shape.length - 1]!;
  const ds = c.strides[0]![c.shape.length - 1]!;
  const ss = c.strides[1]![c.shape.length - 1]!;
  if (c.shape.length === 1 && ds === 1 && ss === 1 && !toBool && dst.constructor === src.constructor) {
    (dst as Float32Array).set((src as Float32Array).subarray(srcOffset, srcOffset + n), dstOffset);
    return;
  }
  // Long contiguous rows of one element type (a concat's): copied whole, as the single-row case.
  const rowSet = ds === 1 && ss === 1 && !toBool && n >= 64 && dst.constructor === src.constructor;
  forEachRow(c, [dstOffset, srcOffset], (o) => {
    let d = o[0]!;
    let s = o[1]!;
    if (rowSet) {
      (dst as Float32Array).set((src as Float32Array).subarray(s, s + n), d);
    } else if (toBool) {
      for (let i = 0; i < n; i++, d += ds, s += ss) dst[d] = src[s] !== 0 ? 1 : 0;
    } else if (ds === 1 && ss === 1) {
      for (let i = 0; i < n; i++) dst[d + i] = src[s + i]!;
    } else if (ss === 0) {
      const v = src[s]!;
      for (let i = 0; i < n; i++, d += ds) dst[d] = v;
    } else {
      for (let i = 0; i < n; i++, d += ds, s += ss) dst[d] = src[s]!;
    }
  });
}

/** Whether a view is row-major from its offset with no gaps (dims of size 1 may have any stride). */
export function isDense(v: { readonly shape: readonly number[]; readonly strides: readonly number[] }): boolean {
  let expected = 1;
  for (let d = v.shape.length - 1; d >= 0; d--) {
    const size = v.shape[d]!;
    if (size !== 1 && v.strides[d] !== expected) return false;
    expected *= size;
  }
  return true;
}
