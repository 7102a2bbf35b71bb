/**
 * LU factorisation with partial pivoting of one matrix, in doubles, and the
 * solves built on it. The host linear algebra (`host-linalg.ts`, and
 * `ops/linalg/`) runs on it; nothing here is public.
 */
import { numel } from '../shape.js';
import type { View } from './spec.js';

type Arr = ArrayLike<number>;

/** Calls fn(offset, index) for each matrix of a [...batch, m, n] layout. */
export function forEachMatrix(x: Omit<View, 'handle' | 'dtype'>, fn: (offset: number, index: number) => void): void {
  const nd = x.shape.length;
  const batchShape = x.shape.slice(0, nd - 2);
  const count = numel(batchShape);
  const counter = new Array<number>(batchShape.length).fill(0);
  let off = x.offset;
  for (let b = 0; b < count; b++) {
    fn(off, b);
    for (let d = batchShape.length - 1; d >= 0; d--) {
      counter[d]!++;
      off += x.strides[d]!;
      if (counter[d]! < batchShape[d]!) break;
      off -= x.strides[d]! * batchShape[d]!;
      counter[d] = 0;
    }
  }
}

/** P·A = L·U of an n×n matrix: L unit lower and U upper, packed in `lu` (row-major). */
export interface LU {
  lu: Float64Array;
  /** Row i of P·A is row perm[i] of A. */
  perm: Int32Array;
  /** +1 or -1: the parity of the row swaps. */
  parity: number;
  /** Index of the first zero pivot, or -1. */
  singularAt: number;
}

/**
 * LU with partial pivoting (LAPACK's getrf: the pivot is the first entry of
 * largest magnitude in its column) of the n×n matrix at `src[off + i·rs + j·cs]`.
 * A zero pivot is recorded in `singularAt` and its column skipped, as getrf does.
 */
export function luFactor(src: Arr, off: number, rs: number, cs: number, n: number): LU {
  const lu = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) lu[i * n + j] = src[off + i * rs + j * cs]!;
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let parity = 1;
  let singularAt = -1;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(lu[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j]!;
        lu[k * n + j] = lu[p * n + j]!;
        lu[p * n + j] = t;
      }
      const t = perm[k]!;
      perm[k] = perm[p]!;
      perm[p] = t;
      parity = -parity;
    }
    const pivot = lu[k * n + k]!;
    if (pivot === 0) {
      if (singularAt < 0) singularAt = k;
      continue;
    }
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k]! /= pivot);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) lu[i * n + j]! -= f * lu[k * n + j]!;
    }
  }
  return { lu, perm, parity, singularAt };
}

/** The LU factors of a contiguous row-major n×n matrix. */
export function luOf(a: Float64Array, n: number): LU {
  return luFactor(a, 0, n, 1, n);
}

/**
 * Solves A·X = B for X (n×k, row-major) from A's factors; B is n×k row-major.
 * With `transposed`, solves Aᵀ·X = B instead (Uᵀ, then Lᵀ, then the inverse
 * permutation). A zero pivot gives infinities, as LAPACK's getrs does.
 */
export function luSolve(f: LU, b: Float64Array, n: number, k: number, transposed = false): Float64Array {
  const { lu, perm } = f;
  const x = new Float64Array(n * k);
  if (!transposed) {
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) x[i * k + c] = b[perm[i]! * k + c]!;
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < i; p++) {
        const l = lu[i * n + p]!;
        if (l !== 0) for (let c = 0; c < k; c++) x[i * k + c]! -= l * x[p * k + c]!;
      }
    }
    for (let i = n - 1; i >= 0; i--) {
      for (let p = i + 1; p < n; p++) {
        const u = lu[i * n + p]!;
        if (u !== 0) for (let c = 0; c < k; c++) x[i * k + c]! -= u * x[p * k + c]!;
      }
      const d = lu[i * n + i]!;
      for (let c = 0; c < k; c++) x[i * k + c]! /= d;
    }
    return x;
  }
  // Aᵀ = Uᵀ Lᵀ P: solve Uᵀ y = b, Lᵀ z = y, then x = Pᵀ z.
  const y = Float64Array.from(b.subarray(0, n * k));
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < i; p++) {
      const u = lu[p * n + i]!;
      if (u !== 0) for (let c = 0; c < k; c++) y[i * k + c]! -= u * y[p * k + c]!;
    }
    const d = lu[i * n + i]!;
    for (let c = 0; c < k; c++) y[i * k + c]! /= d;
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let p = i + 1; p < n; p++) {
      const l = lu[p * n + i]!;
      if (l !== 0) for (let c = 0; c < k; c++) y[i * k + c]! -= l * y[p * k + c]!;
    }
  }
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) x[perm[i]! * k + c] = y[i * k + c]!;
  return x;
}
