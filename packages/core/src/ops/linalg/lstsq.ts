/**
 * Least squares, `linalg.lstsq`: on the host in float64 (see util.ts) by the
 * method of the LAPACK driver asked for — 'gelsy' (PyTorch's CPU default:
 * QR with column pivoting), 'gels' (QR, full rank assumed), 'gelsd' and
 * 'gelss' (SVD) — with PyTorch's outputs for each (residuals only from gels,
 * gelsd and gelss when m > n, rank from all but gels, singular values from
 * gelsd and gelss) and its gradient (through the pseudo-inverse).
 */
import { needsGrad, record, wantsGrad } from '../../autograd/record.js';
import { lstsqGels, lstsqGelsy, lstsqSvd } from '../../backend/host-lstsq.js';
import { isFloating } from '../../dtype.js';
import { broadcastShapes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { parseArgs } from '../args.js';
import { checkTensor } from '../dispatch.js';
import { pinvBackward, pinvImpl } from './pinv.js';
import { epsOf, matrixAt, mT, named, readMatrices, uploadAll } from './util.js';

/** The LAPACK drivers `linalg.lstsq` offers on the CPU. */
export type LstsqDriver = 'gelsy' | 'gels' | 'gelsd' | 'gelss';

/** Options of `linalg.lstsq`. */
export interface LstsqOptions {
  /** Singular values below rcond·σ₁ count as zero in the rank (default eps·max(m, n)). */
  rcond?: number | null;
  /** 'gelsy' (the default), 'gels', 'gelsd' or 'gelss'. */
  driver?: LstsqDriver | null;
}

/** What `linalg.lstsq` returns: `[solution, residuals, rank, singularValues]`, also by name. */
export interface LstsqResult extends Iterable<Tensor> {
  readonly 0: Tensor;
  readonly 1: Tensor;
  readonly 2: Tensor;
  readonly 3: Tensor;
  readonly length: 4;
  readonly solution: Tensor;
  /** ‖A·X − B‖² per column, when m > n and the driver computes it (not gelsy) at full rank; else empty. */
  readonly residuals: Tensor;
  /** int32 effective ranks (empty for gels). */
  readonly rank: Tensor;
  /** A's singular values (gelsd, gelss; else empty). */
  readonly singularValues: Tensor;
}

/**
 * The least-squares solution X of min ‖A·X − B‖ for a matrix A (m×n, or a
 * batch; batch dims broadcast with B's), B m×k or a vector of length m. The
 * driver chooses the method and which extra outputs are filled, as in
 * PyTorch: 'gelsy' (default) gives the minimum-norm solution of the problem
 * at A's numerical rank (by QR with column pivoting) and the rank; 'gels'
 * assumes full rank; 'gelsd'/'gelss' use the SVD and also give the singular
 * values. Computed on the host in float64 on every backend.
 *
 * @example
 * const A = g.tensor([[1, 0], [0, 1], [1, 1]]);
 * g.linalg.lstsq(A, g.tensor([1, 2, 3])).solution.tolist(); // [1, 2]
 */
export function lstsq(A: Tensor, B: Tensor, rcond?: number | null | LstsqOptions, options?: LstsqOptions): LstsqResult {
  const op = 'torch.linalg.lstsq';
  const a = parseArgs('linalg.lstsq', [rcond, options], ['rcond'], ['driver']);
  checkTensor('linalg.lstsq', A, 'input');
  checkTensor('linalg.lstsq', B, 'other');
  if (A.ndim < 2) throw new Error(`${op}: input must have at least 2 dimensions.`);
  if (B.ndim < 1) throw new Error(`${op}: other must have at least 1 dimension.`);
  if (!isFloating(A.dtype)) throw new TypeError(`linalg.lstsq: Expected a floating point or complex tensor as input. Got ${A.dtype}`);
  if (A.dtype !== B.dtype) {
    throw new TypeError(
      `${op}: Expected input and other to have the same dtype, but got input's dtype ${A.dtype} and other's dtype ${B.dtype}`,
    );
  }
  const diff = A.ndim - B.ndim;
  if (diff < 0 || diff > 1) {
    throw new Error(`${op}: input.dim() must be greater or equal to other.dim() and (input.dim() - other.dim()) <= 1`);
  }
  const vector = diff === 1;
  const bShape = vector ? [...B.shape, 1] : [...B.shape];
  const [m, n] = A.shape.slice(-2) as [number, number];
  if (bShape[bShape.length - 2] !== m) {
    throw new Error(`${op}: input.size(-2) should match other.size(${vector ? -1 : -2})`);
  }
  const driver = a['driver'] ?? 'gelsy';
  if (driver !== 'gelsy' && driver !== 'gels' && driver !== 'gelsd' && driver !== 'gelss') {
    throw new Error(`${op}: parameter \`driver\` should be one of (gels, gelsy, gelsd, gelss)`);
  }
  const rc = a['rcond'];
  if (rc !== undefined && rc !== null && typeof rc !== 'number')
    throw new TypeError(`linalg.lstsq(): argument 'rcond' must be a number, not ${typeof rc}`);
  const rcondValue = typeof rc === 'number' ? rc : epsOf(A.dtype) * Math.max(m, n);
  const k = bShape[bShape.length - 1]!;
  const batch = broadcastShapes('linalg.lstsq', A.shape.slice(0, -2), bShape.slice(0, -2));
  const ha = readMatrices(A, [...batch, m, n]);
  const hb = readMatrices(B, [...batch, m, k], bShape);
  const x = new Float64Array(ha.count * n * k);
  const ranks = new Int32Array(ha.count);
  const mn = Math.min(m, n);
  const svals = new Float64Array(ha.count * mn);
  const residuals = new Float64Array(ha.count * k);
  for (let i = 0; i < ha.count; i++) {
    const am = matrixAt(ha, i);
    const bm = matrixAt(hb, i);
    const r =
      driver === 'gelsy'
        ? lstsqGelsy(am, m, n, bm, k, rcondValue)
        : driver === 'gels'
          ? lstsqGels(am, m, n, bm, k)
          : lstsqSvd(am, m, n, bm, k, rcondValue);
    x.set(r.x, i * n * k);
    ranks[i] = r.rank ?? 0;
    if (r.s !== undefined) svals.set(r.s, i * mn);
    // ‖A·X − B‖² per column.
    for (let c = 0; c < k; c++) {
      let sum = 0;
      for (let p = 0; p < m; p++) {
        let v = -bm[p * k + c]!;
        for (let q = 0; q < n; q++) v += am[p * n + q]! * r.x[q * k + c]!;
        sum += v * v;
      }
      residuals[i * k + c] = sum;
    }
  }
  const withResiduals = m > n && driver !== 'gelsy' && (driver === 'gels' || Array.from(ranks).every((r) => r === n));
  const [solution, res, rank, sv] = uploadAll(A, [
    [x, vector ? [...batch, n] : [...batch, n, k]],
    withResiduals ? [residuals, [...batch, k]] : [[], [0]],
    driver === 'gels' ? [[], [0], 'int32'] : [ranks, batch, 'int32'],
    driver === 'gelsd' || driver === 'gelss' ? [svals, [...batch, mn]] : [[], [0]],
  ]) as [Tensor, Tensor, Tensor, Tensor];
  if (needsGrad(A, B)) {
    const aNeeded = wantsGrad(A);
    record(solution, 'LinalgLstsqBackward0', [A, B], (g) => lstsqBackward(g, A, B, vector, aNeeded), [A, B]);
  }
  return named<LstsqResult>([solution, res, rank, sv], ['solution', 'residuals', 'rank', 'singularValues']);
}

/** PyTorch's linalg_lstsq_backward: with P = pinv(A), gA = pinv_backward(gX·Bᵀ, P, A) and gB = Pᵀ·gX. */
function lstsqBackward(gX: Tensor, A: Tensor, B: Tensor, vector: boolean, aNeeded: boolean): (Tensor | null)[] {
  const P = pinvImpl('linalg.pinv', A, { atol: 0, rtol: undefined, hermitian: false });
  const g = vector ? gX.unsqueeze(-1) : gX;
  const b = vector ? B.unsqueeze(-1) : B;
  const gB = mT(P).matmul(g);
  const gA = aNeeded ? pinvBackward(g.matmul(mT(b)), P, A) : null;
  return [gA, vector ? gB.squeeze(-1) : gB];
}
