/**
 * Least squares, min ‖A·X − B‖, for one m×n matrix A and an m×k right-hand
 * side, in doubles, by the methods of LAPACK's drivers that PyTorch offers:
 * 'gelsy' (QR with column pivoting and a complete orthogonal factorisation;
 * PyTorch's CPU default), 'gels' (QR or LQ, assuming full rank), and 'gelsd'
 * / 'gelss' (the SVD). Matrices are contiguous row-major Float64Arrays.
 */
import { multiply } from './host-expm.js';
import { svd } from './host-eigen.js';
import { applyQt, factorQ, factorR, householderQr } from './host-qr.js';
import { solveTriangular, transpose } from './host-triangular.js';

/** The solution (n×k), and for the drivers that determine it, the effective rank and the singular values. */
export interface LeastSquares {
  x: Float64Array;
  rank?: number;
  s?: Float64Array;
}

/**
 * gelsy: A·P = Q·R with column pivoting; the rank is the largest r for which
 * R's leading r×r block has condition number below 1/rcond (LAPACK estimates
 * those singular values incrementally; here they are computed, which decides
 * alike unless the condition number is within the estimate's error of
 * 1/rcond); the solution is the minimum-norm solution of the problem with R's
 * trailing block set to zero.
 */
export function lstsqGelsy(a: Float64Array, m: number, n: number, b: Float64Array, k: number, rcond: number): LeastSquares {
  const mn = Math.min(m, n);
  const x = new Float64Array(n * k);
  if (mn === 0) return { x, rank: 0 };
  const h = householderQr(a, m, n, true);
  const r = factorR(h, mn);
  if (r[0] === 0 || Number.isNaN(r[0]!)) return { x, rank: 0 };
  let rank = 1;
  while (rank < mn) {
    const i = rank + 1;
    const block = new Float64Array(i * i);
    for (let p = 0; p < i; p++) for (let q = p; q < i; q++) block[p * i + q] = r[p * n + q]!;
    const s = svd(block, i, i, false, 'linalg.lstsq').s;
    if (s[0]! * rcond <= s[i - 1]!) rank = i;
    else break;
  }
  const c = Float64Array.from(b.subarray(0, m * k));
  applyQt(h, c, k);
  // W = [R11 R12] (rank×n) has full row rank: its minimum-norm solution is Y·T⁻ᵀ·c for Wᵀ = Y·T.
  const w = new Float64Array(rank * n);
  for (let p = 0; p < rank; p++) for (let q = p; q < n; q++) w[p * n + q] = r[p * n + q]!;
  const top = c.subarray(0, rank * k);
  let y: Float64Array;
  if (rank === n) y = solveTriangular(w, n, top, k, true, true, false);
  else {
    const hw = householderQr(transpose(w, rank, n), n, rank);
    const t = factorR(hw, rank);
    const z = solveTriangular(transpose(t, rank, rank), rank, top, k, false, true, false);
    y = multiply(factorQ(hw, rank), z, n, rank, k);
  }
  const perm = h.perm!;
  for (let j = 0; j < n; j++) for (let c2 = 0; c2 < k; c2++) x[perm[j]! * k + c2] = y[j * k + c2]!;
  return { x, rank };
}

/** gels: QR (m ≥ n) or LQ (m < n) without pivoting; a rank-deficient A gives non-finite values, as LAPACK's. */
export function lstsqGels(a: Float64Array, m: number, n: number, b: Float64Array, k: number): LeastSquares {
  if (m >= n) {
    const h = householderQr(a, m, n);
    const c = Float64Array.from(b.subarray(0, m * k));
    applyQt(h, c, k);
    return { x: solveTriangular(factorR(h, n), n, c.subarray(0, n * k), k, true, true, false) };
  }
  // Aᵀ = Q·R, so A = Rᵀ·Qᵀ and the minimum-norm solution is Q·R⁻ᵀ·B.
  const h = householderQr(transpose(a, m, n), n, m);
  const z = solveTriangular(transpose(factorR(h, m), m, m), m, b, k, false, true, false);
  return { x: multiply(factorQ(h, m), z, n, m, k) };
}

/** gelsd / gelss: X = V·diag(1/sᵢ)·Uᵀ·B over the singular values sᵢ > rcond·s₁ (their count is the rank). */
export function lstsqSvd(a: Float64Array, m: number, n: number, b: Float64Array, k: number, rcond: number): LeastSquares {
  const mn = Math.min(m, n);
  const { u, s, vh, uCols } = svd(a, m, n, false, 'linalg.lstsq');
  let rank = 0;
  while (rank < mn && s[rank]! > rcond * s[0]!) rank++;
  const x = new Float64Array(n * k);
  for (let i = 0; i < rank; i++) {
    for (let c = 0; c < k; c++) {
      let d = 0;
      for (let p = 0; p < m; p++) d += u[p * uCols + i]! * b[p * k + c]!;
      d /= s[i]!;
      for (let j = 0; j < n; j++) x[j * k + c]! += vh[i * n + j]! * d;
    }
  }
  return { x, rank, s };
}
