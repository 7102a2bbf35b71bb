/**
 * Cholesky's factorisation, `linalg.cholesky` and `linalg.choleskyEx`: on the
 * host in float64 (see util.ts), reading only the triangle PyTorch reads (the
 * lower one, or the upper one with `{ upper: true }`), with PyTorch's errors
 * and gradient (Murray, arXiv 1602.07527; symmetrised, as PyTorch does).
 */
import { needsGrad, record } from '../../autograd/record.js';
import { cholesky as hostCholesky, transpose as hostTranspose } from '../../backend/host-triangular.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { solveTriangular } from './solve.js';
import { batchOf, batchPrefix, checkSquare, matrixAt, mT, named, readMatrices, tril, uploadAll } from './util.js';

/** Options of `linalg.cholesky`. */
export interface CholeskyOptions {
  /** Return the upper factor U (A = Uᵀ·U, reading A's upper triangle) instead of L (default false). */
  upper?: boolean;
}

/** Options of `linalg.choleskyEx`. */
export interface CholeskyExOptions extends CholeskyOptions {
  /** Raise PyTorch's error for a matrix that is not positive-definite (default false: `info` reports it). */
  checkErrors?: boolean;
}

/** What `linalg.choleskyEx` returns: `[L, info]`, also by name. */
export interface CholeskyExResult extends Iterable<Tensor> {
  readonly 0: Tensor;
  readonly 1: Tensor;
  readonly length: 2;
  readonly L: Tensor;
  /** int32, per matrix: 0, or the order of the first leading minor that is not positive-definite. */
  readonly info: Tensor;
}

/**
 * The Cholesky factor of a symmetric positive-definite matrix (or of each in
 * a batch): L lower triangular with A = L·Lᵀ, read from A's lower triangle;
 * with `{ upper: true }`, U = Lᵀ read from the upper triangle. A matrix that
 * is not positive-definite raises PyTorch's error, naming the leading minor.
 * Computed on the host in float64 on every backend.
 *
 * @example
 * g.linalg.cholesky(g.tensor([[4, 2], [2, 5]])).tolist(); // [[2, 0], [1, 2]]
 */
export function cholesky(A: Tensor, options?: CholeskyOptions): Tensor {
  const o = checkOptions('linalg.cholesky', options, ['upper']);
  return choleskyImpl('linalg.cholesky', A, upperArg('linalg.cholesky', o.upper), true, false)[0]!;
}

/**
 * `linalg.cholesky` that reports a matrix that is not positive-definite in
 * `info` instead of raising (unless `{ checkErrors: true }`). Where `info` is
 * k > 0, L holds what LAPACK's unblocked factorisation leaves (PyTorch's CPU
 * result for small matrices): the first k - 1 columns factored.
 *
 * @example
 * const { L, info } = g.linalg.choleskyEx(g.tensor([[1, 2], [2, 1]]));
 * info.item(); // 2
 */
export function choleskyEx(A: Tensor, options?: CholeskyExOptions): CholeskyExResult {
  const o = checkOptions('linalg.cholesky_ex', options, ['upper', 'checkErrors']);
  if (o.checkErrors !== undefined && typeof o.checkErrors !== 'boolean') {
    throw new TypeError(`linalg.cholesky_ex(): argument 'checkErrors' must be a boolean, not ${typeof o.checkErrors}`);
  }
  const [L, info] = choleskyImpl('linalg.cholesky', A, upperArg('linalg.cholesky_ex', o.upper), o.checkErrors === true, true) as [
    Tensor,
    Tensor,
  ];
  return named<CholeskyExResult>([L, info], ['L', 'info']);
}

function upperArg(op: string, upper: unknown): boolean {
  if (upper === undefined) return false;
  if (typeof upper !== 'boolean') throw new TypeError(`${op}(): argument 'upper' must be a boolean, not ${typeof upper}`);
  return upper;
}

/**
 * The factorisation: L (or U), and `info` when `withInfo`. The node is
 * PyTorch's (`LinalgCholeskyExBackward0`); the legacy `g.cholesky` names its
 * own.
 */
export function choleskyImpl(
  op: string,
  A: Tensor,
  upper: boolean,
  raise: boolean,
  withInfo: boolean,
  nodeName = 'LinalgCholeskyExBackward0',
): Tensor[] {
  checkSquare(op, A);
  const h = readMatrices(A);
  const n = h.rows;
  const out = new Float64Array(h.data.length);
  const info = new Int32Array(h.count);
  for (let i = 0; i < h.count; i++) {
    // U = chol(Aᵀ's lower triangle)ᵀ reads A's upper triangle, as potrf with uplo 'U'.
    const a = upper ? hostTranspose(matrixAt(h, i), n, n) : matrixAt(h, i);
    const r = hostCholesky(a, n);
    info[i] = r.info;
    if (r.info > 0 && raise) {
      throw new Error(
        `${op}: ${batchPrefix(A, i)}The factorization could not be completed because the input is not positive-definite ` +
          `(the leading minor of order ${r.info} is not positive-definite).`,
      );
    }
    out.set(upper ? hostTranspose(r.l, n, n) : r.l, i * n * n);
  }
  const [L, infoT] = uploadAll(A, [
    [out, A.shape],
    [info, batchOf(A), 'int32'],
  ]) as [Tensor, Tensor];
  if (needsGrad(A)) record(L, nodeName, [A], (g) => [choleskyBackward(g, L, upper)], [L]);
  if (!withInfo) {
    infoT.dispose();
    return [L];
  }
  return [L, infoT];
}

/**
 * PyTorch's cholesky_backward: with Φ(X) the lower triangle of X with its
 * diagonal halved, gA = ½·(P + Pᵀ) for P = L⁻ᵀ·Φ(Lᵀ·gL)·L⁻¹ (by triangular
 * solves, so that it differentiates again).
 */
function choleskyBackward(gL: Tensor, factor: Tensor, upper: boolean): Tensor {
  const L = upper ? mT(factor) : factor;
  const g = upper ? mT(gL) : gL;
  const phi = tril(mT(L).matmul(g));
  const sym = phi.add(mT(tril(phi, -1))).mul(0.5);
  const left = solveTriangular(mT(L), sym, { upper: true });
  return solveTriangular(L, left, { upper: false, left: false });
}
