/**
 * Triangular solves and Cholesky's factorisation of one matrix, in doubles,
 * for the host linear algebra (ops/linalg/). Matrices are contiguous
 * row-major Float64Arrays.
 */

/**
 * Solves T·X = B (`left`) or X·T = B for X, with T n×n triangular (only its
 * `upper` or lower triangle is read; with `unit`, its diagonal is taken as
 * ones). B and X are rows×cols: n×k when `left`, k×n otherwise. A zero on the
 * diagonal gives infinities or NaN, as LAPACK's trtrs.
 */
export function solveTriangular(
  t: Float64Array,
  n: number,
  b: Float64Array,
  k: number,
  upper: boolean,
  left: boolean,
  unit: boolean,
): Float64Array {
  if (!left) {
    // X·T = B  ⇔  Tᵀ·Xᵀ = Bᵀ, with Tᵀ triangular the other way.
    const tt = transpose(t, n, n);
    const bt = transpose(b, k, n);
    return transpose(solveTriangular(tt, n, bt, k, !upper, true, unit), n, k);
  }
  const x = Float64Array.from(b.subarray(0, n * k));
  if (upper) {
    for (let i = n - 1; i >= 0; i--) {
      for (let p = i + 1; p < n; p++) {
        const u = t[i * n + p]!;
        if (u !== 0) for (let c = 0; c < k; c++) x[i * k + c]! -= u * x[p * k + c]!;
      }
      if (!unit) {
        const d = t[i * n + i]!;
        for (let c = 0; c < k; c++) x[i * k + c]! /= d;
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < i; p++) {
        const l = t[i * n + p]!;
        if (l !== 0) for (let c = 0; c < k; c++) x[i * k + c]! -= l * x[p * k + c]!;
      }
      if (!unit) {
        const d = t[i * n + i]!;
        for (let c = 0; c < k; c++) x[i * k + c]! /= d;
      }
    }
  }
  return x;
}

/** The transpose of a rows×cols row-major matrix. */
export function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  return out;
}

/**
 * Cholesky's factor L (lower, A = L·Lᵀ) of an n×n matrix, reading only its
 * lower triangle, as LAPACK's potrf with uplo 'L'. `info` is 0, or the order
 * k of the first leading minor that is not positive-definite (a pivot ≤ 0 or
 * NaN). L is then what LAPACK's unblocked (right-looking) potf2 leaves, as
 * PyTorch returns it from `cholesky_ex`: columns before k - 1 factored, the
 * rest of the lower triangle updated by them, and the failed pivot's value on
 * the diagonal.
 */
export function cholesky(a: Float64Array, n: number): { l: Float64Array; info: number } {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) l[i * n + j] = a[i * n + j]!;
  for (let j = 0; j < n; j++) {
    const d = l[j * n + j]!;
    if (!(d > 0)) return { l, info: j + 1 };
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) l[i * n + j]! /= ljj;
    // The trailing lower triangle loses this column's outer product.
    for (let i = j + 1; i < n; i++) {
      const lij = l[i * n + j]!;
      if (lij !== 0) for (let c = j + 1; c <= i; c++) l[i * n + c]! -= lij * l[c * n + j]!;
    }
  }
  return { l, info: 0 };
}
