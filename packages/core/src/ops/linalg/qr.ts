/**
 * `linalg.qr`: Householder QR on the host in float64 (see util.ts) with
 * LAPACK's sign conventions (geqrf + orgqr), so Q and R match PyTorch's CPU
 * results sign for sign; PyTorch's gradient (its linalg_qr_backward).
 */
import { needsGrad, recordMulti } from '../../autograd/record.js';
import { factorQ, factorR, householderQr } from '../../backend/host-qr.js';
import { parseArgs } from '../args.js';
import type { Tensor } from '../../tensor.js';
import { cat } from '../movement.js';
import { zeros } from '../creation.js';
import { solveTriangular } from './solve.js';
import { batchOf, checkMatrix, matrixAt, mT, named, readMatrices, triu, tril, uploadAll } from './util.js';

/** The modes of `linalg.qr`. */
export type QRMode = 'reduced' | 'complete' | 'r';

/** Options of `linalg.qr`. */
export interface QROptions {
  /** 'reduced' (default: Q m×k, R k×n), 'complete' (Q m×m, R m×n) or 'r' (R only; Q is empty). */
  mode?: QRMode;
}

/** What `linalg.qr` returns: `[Q, R]`, also by name. */
export interface QRResult extends Iterable<Tensor> {
  readonly 0: Tensor;
  readonly 1: Tensor;
  readonly length: 2;
  readonly Q: Tensor;
  readonly R: Tensor;
}

/**
 * The QR decomposition A = Q·R of a matrix (or of each in a batch) by
 * Householder reflections, with LAPACK's signs (those PyTorch's CPU kernels
 * give). `mode`: 'reduced' (default) gives Q m×k and R k×n with k = min(m,
 * n); 'complete' gives Q m×m and R m×n; 'r' gives R and an empty Q.
 * Computed on the host in float64 on every backend.
 *
 * @example
 * const [Q, R] = g.linalg.qr(g.tensor([[3, 1], [4, 2]]));
 * R.tolist(); // [[-5, -2.2], [0, 0.4]]
 */
export function qr(A: Tensor, mode?: QRMode | QROptions, options?: QROptions): QRResult {
  const a = parseArgs('linalg.qr', [mode, options], ['mode']);
  const m = a['mode'] ?? 'reduced';
  if (m !== 'reduced' && m !== 'complete' && m !== 'r') {
    throw new Error(`qr received unrecognized mode '${String(m)}' but expected one of 'reduced' (default), 'r', or 'complete'`);
  }
  const [Q, R] = qrImpl('linalg.qr', A, m);
  return named<QRResult>([Q, R], ['Q', 'R']);
}

/** The factors and their node (`LinalgQrBackward0`, as PyTorch's legacy `torch.qr` records too). */
export function qrImpl(op: string, A: Tensor, mode: QRMode): [Tensor, Tensor] {
  checkMatrix(op, A);
  const h = readMatrices(A);
  const { rows: m, cols: n } = h;
  const k = Math.min(m, n);
  const qCols = mode === 'complete' ? m : k;
  const rRows = mode === 'complete' ? m : k;
  const q = new Float64Array(h.count * m * qCols);
  const r = new Float64Array(h.count * rRows * n);
  for (let i = 0; i < h.count; i++) {
    const f = householderQr(matrixAt(h, i), m, n);
    r.set(factorR(f, rRows), i * rRows * n);
    if (mode !== 'r') q.set(factorQ(f, qCols), i * m * qCols);
  }
  const batch = batchOf(A);
  const [Q, R] = uploadAll(A, [mode === 'r' ? [[], [0]] : [q, [...batch, m, qCols]], [r, [...batch, rRows, n]]]) as [Tensor, Tensor];
  if (needsGrad(A)) {
    recordMulti([Q, R], 'LinalgQrBackward0', [A], (grads) => [qrBackward(grads[0], grads[1], Q, R, mode)], [Q, R]);
  }
  return [Q, R];
}

/**
 * PyTorch's linalg_qr_backward. For m ≥ n:
 * gA = (gQ + Q·syminvadj(triu(gR·Rᵀ − Qᵀ·gQ)))·R⁻ᵀ with syminvadj(X) = X + Xᵀ
 * with its diagonal halved; for m < n (A = Q·[R₁ R₂]):
 * gA = [Q·trilImInvAdjSkew(Qᵀ·gQ − gR·Rᵀ)·R₁⁻ᵀ, 0] + Q·gR with
 * trilImInvAdjSkew(X) = tril(X − Xᵀ).
 */
function qrBackward(gQ: Tensor | undefined, gR: Tensor | undefined, Q: Tensor, R: Tensor, mode: QRMode): Tensor | null {
  if (mode === 'r') {
    throw new Error(
      "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.",
    );
  }
  const m = Q.shape[Q.ndim - 2]!;
  const n = R.shape[R.ndim - 1]!;
  if (mode === 'complete' && m > n) throw new Error("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.");
  if (gQ === undefined && gR === undefined) return null;
  let gA: Tensor;
  if (gQ !== undefined) {
    const qtg = mT(Q).matmul(gQ);
    gA = gR !== undefined ? gR.matmul(mT(R)).sub(qtg) : qtg.neg();
  } else gA = gR!.matmul(mT(R));
  if (m >= n) {
    // syminvadj(triu(gA)) = triu(gA) + triu(gA, 1)ᵀ.
    let out = Q.matmul(triu(gA).add(mT(triu(gA, 1))));
    if (gQ !== undefined) out = out.add(gQ);
    return solveTriangular(mT(R), out, { upper: false, left: false });
  }
  const neg = gA.neg();
  let out = Q.matmul(tril(neg.sub(mT(neg))));
  out = solveTriangular(mT(R.narrow(-1, 0, m)), out, { upper: false, left: false });
  out = cat([out, zeros([...out.shape.slice(0, -1), n - m], { dtype: out.dtype, device: out.device })], -1);
  return gR !== undefined ? out.add(Q.matmul(gR)) : out;
}
