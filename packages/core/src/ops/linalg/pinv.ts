/**
 * The pseudo-inverse and the numerical rank, `linalg.pinv` (and `g.pinverse`)
 * and `linalg.matrixRank`: from the SVD (or, with `hermitian`, the symmetric
 * eigendecomposition) on the host in float64 (see util.ts), with PyTorch's
 * tolerances: singular values above max(atol, rtol·σ₁) count, rtol defaulting
 * to eps·max(m, n) unless atol > 0 is given. The pseudo-inverse's gradient is
 * PyTorch's pinv_backward.
 */
import { needsGrad, record } from '../../autograd/record.js';
import { svd as hostSvd, symmetricEigen } from '../../backend/host-eigen.js';
import type { Tensor } from '../../tensor.js';
import { parseArgs } from '../args.js';
import { batchOf, checkMatrix, checkSquare, epsOf, matrixAt, mT, readMatrices, upload } from './util.js';

/** Options of `linalg.pinv`. */
export interface PinvOptions {
  /** Absolute tolerance: singular values ≤ atol are treated as zero (default 0). */
  atol?: number | null;
  /** Relative tolerance, times the largest singular value (default eps·max(m, n), or 0 when atol > 0). */
  rtol?: number | null;
  /** Whether A is symmetric (only its lower triangle is read; an eigendecomposition replaces the SVD). */
  hermitian?: boolean;
  /** Legacy: a relative tolerance (= `rtol`, with atol 0). */
  rcond?: number;
}

/** Options of `linalg.matrixRank`. */
export interface MatrixRankOptions {
  /** Absolute tolerance: singular values ≤ atol do not count (default 0). */
  atol?: number | null;
  /** Relative tolerance, times the largest singular value (default eps·max(m, n), or 0 when atol > 0). */
  rtol?: number | null;
  /** Whether A is symmetric (only its lower triangle is read). */
  hermitian?: boolean;
  /** Legacy: an absolute tolerance (= `atol`, with rtol 0). */
  tol?: number | null;
}

export interface Tolerances {
  atol: number;
  /** Relative tolerance, or undefined for the default. */
  rtol: number | undefined;
  hermitian: boolean;
}

function numberOrNull(op: string, name: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') throw new TypeError(`${op}(): argument '${name}' must be a number, not ${typeof v}`);
  return v;
}

function tolerances(op: string, a: Record<string, unknown>, legacy: 'rcond' | 'tol'): Tolerances {
  const hermitian = a['hermitian'] ?? false;
  if (typeof hermitian !== 'boolean') throw new TypeError(`${op}(): argument 'hermitian' must be a boolean, not ${typeof hermitian}`);
  const old = numberOrNull(op, legacy, a[legacy]);
  let atol = numberOrNull(op, 'atol', a['atol']);
  let rtol = numberOrNull(op, 'rtol', a['rtol']);
  if (old !== undefined) {
    if (atol !== undefined || rtol !== undefined) throw new TypeError(`${op}(): '${legacy}' cannot be combined with 'atol' or 'rtol'`);
    // rcond is a relative tolerance; matrix_rank's tol an absolute one.
    if (legacy === 'rcond') [atol, rtol] = [0, old];
    else [atol, rtol] = [old, 0];
  }
  // PyTorch: rtol defaults to eps·max(m, n), or to 0 when an atol > 0 is given.
  if (rtol === undefined && atol !== undefined && atol > 0) rtol = 0;
  return { atol: atol ?? 0, rtol, hermitian };
}

/** The singular values (or |eigenvalues|) of each matrix, and the cut-off of each. */
function cutoff(s: ArrayLike<number>, t: Tolerances, m: number, n: number, eps: number): number {
  let max = 0;
  for (let i = 0; i < s.length; i++) max = Math.max(max, Math.abs(s[i]!));
  const rtol = t.rtol ?? eps * Math.max(m, n);
  return Math.max(t.atol, rtol * max);
}

/**
 * The Moore–Penrose pseudo-inverse of a matrix (or of each in a batch):
 * V·diag(1/σᵢ)·Uᵀ over the singular values above max(atol, rtol·σ₁); with
 * `hermitian`, from the eigendecomposition of the symmetric matrix in A's
 * lower triangle. The legacy form `pinv(A, rcond, hermitian)` takes a
 * relative tolerance. Computed on the host in float64 on every backend.
 *
 * @example
 * g.linalg.pinv(g.tensor([[1, 2], [2, 4]])).tolist(); // [[0.04, 0.08], [0.08, 0.16]]
 */
export function pinv(A: Tensor, rcond?: number | PinvOptions, hermitian?: boolean | PinvOptions, options?: PinvOptions): Tensor {
  const op = 'linalg.pinv';
  const a = parseArgs(op, [rcond, hermitian, options], ['rcond', 'hermitian'], ['atol', 'rtol']);
  const t = tolerances(op, a, 'rcond');
  return pinvImpl(op, A, t);
}

/** The pseudo-inverse with its node (`LinalgPinvBackward0`). */
export function pinvImpl(op: string, A: Tensor, t: Tolerances): Tensor {
  if (t.hermitian) checkSquare(op, A);
  else checkMatrix(op, A);
  const h = readMatrices(A);
  const { rows: m, cols: n } = h;
  const eps = epsOf(A.dtype);
  const out = new Float64Array(h.count * n * m);
  for (let b = 0; b < h.count; b++) {
    const a = matrixAt(h, b);
    const base = b * n * m;
    if (t.hermitian) {
      const { values, vectors } = symmetricEigen(a, n, true);
      const tol = cutoff(values, t, m, n, eps);
      for (let k = 0; k < n; k++) {
        if (!(Math.abs(values[k]!) > tol)) continue;
        const inv = 1 / values[k]!;
        for (let i = 0; i < n; i++) {
          const vik = vectors[i * n + k]! * inv;
          for (let j = 0; j < n; j++) out[base + i * n + j]! += vik * vectors[j * n + k]!;
        }
      }
      continue;
    }
    const { u, s, vh, uCols } = hostSvd(a, m, n, false);
    const tol = cutoff(s, t, m, n, eps);
    for (let k = 0; k < s.length; k++) {
      if (!(s[k]! > tol)) continue;
      const inv = 1 / s[k]!;
      // pinv[i][j] += V[i][k]·U[j][k]/σ_k, with V[i][k] = Vh[k][i].
      for (let i = 0; i < n; i++) {
        const vik = vh[k * n + i]! * inv;
        for (let j = 0; j < m; j++) out[base + i * m + j]! += vik * u[j * uCols + k]!;
      }
    }
  }
  const P = upload(A, out, [...batchOf(A), n, m]);
  if (needsGrad(A)) record(P, 'LinalgPinvBackward0', [A], (g) => [pinvBackward(g, P, A)], [A, P]);
  return P;
}

/** PyTorch's pinv_backward (Golub & Pereyra's derivative of the pseudo-inverse, for the fixed rank). */
export function pinvBackward(grad: Tensor, pinvA: Tensor, A: Tensor): Tensor {
  const m = A.shape[A.ndim - 2]!;
  const n = A.shape[A.ndim - 1]!;
  const pinvAh = mT(pinvA);
  const gradh = mT(grad);
  if (m <= n) {
    const K = gradh.matmul(pinvA);
    const KpinvAh = K.matmul(pinvAh);
    return mT(pinvA.matmul(K))
      .neg()
      .add(KpinvAh)
      .sub(A.matmul(pinvA).matmul(KpinvAh))
      .add(pinvAh.matmul(pinvA).matmul(gradh.sub(K.matmul(A))));
  }
  const K = pinvA.matmul(gradh);
  const pinvAhK = pinvAh.matmul(K);
  return mT(K.matmul(pinvA))
    .neg()
    .add(gradh.sub(A.matmul(K)).matmul(pinvA).matmul(pinvAh))
    .add(pinvAhK)
    .sub(pinvAhK.matmul(pinvA).matmul(A));
}

/**
 * The numerical rank of a matrix (or of each in a batch): how many singular
 * values (or, with `hermitian`, |eigenvalues|) exceed max(atol, rtol·σ₁).
 * The legacy form `matrixRank(A, tol, hermitian)` takes an absolute
 * tolerance. An int32 tensor (PyTorch's int64). Computed on the host in
 * float64 on every backend.
 *
 * @example
 * g.linalg.matrixRank(g.tensor([[1, 2], [2, 4]])).item(); // 1
 */
export function matrixRank(
  A: Tensor,
  tol?: number | null | MatrixRankOptions,
  hermitian?: boolean | MatrixRankOptions,
  options?: MatrixRankOptions,
): Tensor {
  const op = 'linalg.matrix_rank';
  const a = parseArgs(op, [tol, hermitian, options], ['tol', 'hermitian'], ['atol', 'rtol']);
  const t = tolerances(op, a, 'tol');
  if (t.hermitian) checkSquare(op, A);
  else checkMatrix(op, A);
  const h = readMatrices(A);
  const { rows: m, cols: n } = h;
  const eps = epsOf(A.dtype);
  const ranks = new Int32Array(h.count);
  for (let b = 0; b < h.count; b++) {
    if (m === 0 || n === 0) continue;
    const a = matrixAt(h, b);
    const s = t.hermitian ? symmetricEigen(a, n, true).values : hostSvd(a, m, n, false).s;
    const c = cutoff(s, t, m, n, eps);
    for (let k = 0; k < s.length; k++) if (Math.abs(s[k]!) > c) ranks[b]!++;
  }
  return upload(A, ranks, batchOf(A), 'int32');
}
