/**
 * The symmetric eigendecomposition, `linalg.eigh` and `linalg.eigvalsh`:
 * Jacobi rotations on the host in float64 (see util.ts), eigenvalues in
 * ascending order as PyTorch's; PyTorch's gradient (linalg_eig_backward for
 * Hermitian input).
 */
import { needsGrad, recordMulti } from '../../autograd/record.js';
import { symmetricEigen } from '../../backend/host-eigen.js';
import { parseArgs } from '../args.js';
import type { Tensor } from '../../tensor.js';
import { batchOf, checkSquare, diagEmbed, eyeLike, matrixAt, mT, named, readMatrices, uploadAll } from './util.js';

/** Options of `linalg.eigh` and `linalg.eigvalsh`. */
export interface EighOptions {
  /** Which triangle of A is read: 'L' (lower, the default) or 'U'. */
  UPLO?: 'L' | 'U';
}

/** What `linalg.eigh` returns: `[eigenvalues, eigenvectors]`, also by name. */
export interface EighResult extends Iterable<Tensor> {
  readonly 0: Tensor;
  readonly 1: Tensor;
  readonly length: 2;
  readonly eigenvalues: Tensor;
  readonly eigenvectors: Tensor;
}

function uploArg(op: string, args: unknown[]): boolean {
  const a = parseArgs(op, args, ['UPLO']);
  const uplo = a['UPLO'] ?? 'L';
  if (uplo !== 'L' && uplo !== 'U') throw new Error(`Expected UPLO argument to be 'L' or 'U', but got ${String(uplo)}`);
  return uplo === 'L';
}

/**
 * The eigenvalues (ascending) and orthonormal eigenvectors (the columns of
 * the second result) of a symmetric matrix, or of each in a batch, reading
 * only its lower triangle (or the upper one with `'U'`). Each eigenvector's
 * sign is arbitrary, as in PyTorch (whose LAPACK may choose the other one).
 * Computed on the host in float64 on every backend.
 *
 * @example
 * const [L, V] = g.linalg.eigh(g.tensor([[2, 1], [1, 2]]));
 * L.tolist(); // [1, 3]
 */
export function eigh(A: Tensor, UPLO?: 'L' | 'U' | EighOptions, options?: EighOptions): EighResult {
  const lower = uploArg('linalg.eigh', [UPLO, options]);
  return named<EighResult>(eighImpl('linalg.eigh', A, lower), ['eigenvalues', 'eigenvectors']);
}

/**
 * The eigenvalues (ascending) of a symmetric matrix, or of each in a batch,
 * reading only its lower triangle (or the upper one with `'U'`). Its gradient
 * is PyTorch's (through the eigenvectors, computed alongside).
 *
 * @example
 * g.linalg.eigvalsh(g.tensor([[2, 1], [1, 2]])).tolist(); // [1, 3]
 */
export function eigvalsh(A: Tensor, UPLO?: 'L' | 'U' | EighOptions, options?: EighOptions): Tensor {
  const lower = uploArg('linalg.eigvalsh', [UPLO, options]);
  const [L, V] = eighImpl('linalg.eigvalsh', A, lower);
  // The eigenvectors stay alive only as long as the graph saves them.
  V.dispose();
  return L;
}

function eighImpl(op: string, A: Tensor, lower: boolean): [Tensor, Tensor] {
  checkSquare(op, A);
  const h = readMatrices(A);
  const n = h.rows;
  const values = new Float64Array(h.count * n);
  const vectors = new Float64Array(h.count * n * n);
  for (let i = 0; i < h.count; i++) {
    const e = symmetricEigen(matrixAt(h, i), n, lower);
    values.set(e.values, i * n);
    vectors.set(e.vectors, i * n * n);
  }
  const [L, V] = uploadAll(A, [
    [values, [...batchOf(A), n]],
    [vectors, A.shape],
  ]) as [Tensor, Tensor];
  if (needsGrad(A)) recordMulti([L, V], 'LinalgEighBackward0', [A], (grads) => [eighBackward(grads[0], grads[1], L, V)], [L, V]);
  return [L, V];
}

/**
 * PyTorch's linalg_eig_backward for Hermitian input:
 * gA = V·(skew(Vᵀ·gV)/E + diag(gL))·Vᵀ, with skew(X) = ½(X − Xᵀ) and
 * E_ij = L_j − L_i off the diagonal (repeated eigenvalues give infinities, as
 * in PyTorch: the eigenvectors are then not differentiable).
 */
function eighBackward(gL: Tensor | undefined, gV: Tensor | undefined, L: Tensor, V: Tensor): Tensor | null {
  if (gL === undefined && gV === undefined) return null;
  if (gV === undefined) return V.mul(gL!.unsqueeze(-2)).matmul(mT(V));
  const n = L.shape[L.ndim - 1]!;
  const vg = mT(V).matmul(gV);
  const skew = vg.sub(mT(vg)).mul(0.5);
  const E = L.unsqueeze(-2).sub(L.unsqueeze(-1)).add(eyeLike(n, L));
  let inner = skew.div(E);
  if (gL !== undefined) inner = inner.add(diagEmbed(gL));
  return V.matmul(inner.matmul(mT(V)));
}
