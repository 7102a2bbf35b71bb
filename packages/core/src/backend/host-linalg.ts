/**
 * Host (JavaScript) linear algebra: LU with partial pivoting per matrix of a
 * batch, in doubles. Core runs it for `inverse`, `det`, `logdet` on a backend
 * without the optional `inverse`/`slogdet` kernels (it reads the matrices back
 * and uploads the result: for small matrices the round trip is cheaper than a
 * shader per pivot step); a backend may also call it on its own arrays.
 */
import { forEachMatrix, luFactor as factor } from './host-lu.js';
import type { View } from './spec.js';

type Arr = ArrayLike<number>;
type Out = { [i: number]: number; length: number };

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
        `linalg.inv: ${layout.shape.length > 2 ? `(Batch element ${b}): ` : ''}The diagonal element ${singularAt + 1} is zero, ` +
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
