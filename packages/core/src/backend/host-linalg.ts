/**
 * Host (JavaScript) linear algebra: LU with partial pivoting per matrix of a
 * batch, in doubles. Core runs it for `inverse`, `det`, `logdet` on a backend
 * without the optional `inverse`/`slogdet` kernels (it reads the matrices back
 * and uploads the result: for small matrices the round trip is cheaper than a
 * shader per pivot step); a backend may also call it on its own arrays.
 */
import { numel } from '../shape.js';
import type { View } from './spec.js';

type Arr = ArrayLike<number>;
type Out = { [i: number]: number; length: number };

/** Calls fn(offset, index) for each matrix of a [...batch, n, n] layout. */
function forEachMatrix(x: Omit<View, 'handle' | 'dtype'>, fn: (offset: number, index: number) => void): void {
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

interface LU {
  lu: Float64Array;
  perm: Int32Array;
  /** +1 or -1: the parity of the row swaps. */
  parity: number;
  /** Index of the first zero pivot, or -1. */
  singularAt: number;
}

function factor(src: Arr, off: number, rs: number, cs: number, n: number): LU {
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

/**
 * Inverts every matrix of `src` (a strided [...batch, n, n] layout) into `out`
 * (contiguous); throws PyTorch's error for a singular matrix.
 */
export function hostInverse(src: Arr, layout: Omit<View, 'handle' | 'dtype'>, out: Out): void {
  const nd = layout.shape.length;
  const n = layout.shape[nd - 1]!;
  const rs = layout.strides[nd - 2]!;
  const cs = layout.strides[nd - 1]!;
  forEachMatrix(layout, (off, b) => {
    const { lu, perm, singularAt } = factor(src, off, rs, cs, n);
    if (singularAt >= 0) {
      throw new Error(
        `linalg.inv: ${numel(layout.shape.slice(0, -2)) > 1 ? `(Batch element ${b}): ` : ''}The diagonal element ${singularAt + 1} is zero, ` +
          'the inversion could not be completed because the input matrix is singular.',
      );
    }
    const col = new Float64Array(n);
    const base = b * n * n;
    for (let c = 0; c < n; c++) {
      for (let i = 0; i < n; i++) col[i] = perm[i] === c ? 1 : 0;
      for (let i = 0; i < n; i++) {
        let s = col[i]!;
        for (let k = 0; k < i; k++) s -= lu[i * n + k]! * col[k]!;
        col[i] = s;
      }
      for (let i = n - 1; i >= 0; i--) {
        let s = col[i]!;
        for (let k = i + 1; k < n; k++) s -= lu[i * n + k]! * col[k]!;
        col[i] = s / lu[i * n + i]!;
      }
      for (let i = 0; i < n; i++) out[base + i * n + c] = col[i]!;
    }
  });
}

/** Sign, log|det| and det of every matrix of `src` (a strided [...batch, n, n] layout). */
export function hostSlogdet(src: Arr, layout: Omit<View, 'handle' | 'dtype'>, sign: Out, logabs: Out, det: Out): void {
  const nd = layout.shape.length;
  const n = layout.shape[nd - 1]!;
  const rs = layout.strides[nd - 2]!;
  const cs = layout.strides[nd - 1]!;
  forEachMatrix(layout, (off, b) => {
    const { lu, parity, singularAt } = factor(src, off, rs, cs, n);
    if (singularAt >= 0) {
      sign[b] = 0;
      logabs[b] = -Infinity;
      det[b] = 0;
      return;
    }
    let s = parity;
    let l = 0;
    let d = parity;
    for (let i = 0; i < n; i++) {
      const u = lu[i * n + i]!;
      if (u < 0) s = -s;
      l += Math.log(Math.abs(u));
      d *= u;
    }
    sign[b] = s;
    logabs[b] = l;
    det[b] = d;
  });
}
