/**
 * Functions of a square matrix: `linalg.matrixPower` (repeated squaring of
 * matmuls, as PyTorch's, so its gradient is the matmuls'; negative powers
 * through the inverse) and `linalg.matrixExp` (Padé scaling and squaring on
 * the host in float64; its gradient by the block-triangular identity
 * exp([[Aᵀ, G], [0, Aᵀ]]) = [[·, dexp], [0, ·]], as PyTorch's).
 */
import { needsGrad, record } from '../../autograd/record.js';
import { matrixExp as hostMatrixExp } from '../../backend/host-expm.js';
import type { Tensor } from '../../tensor.js';
import { composite } from '../composite.js';
import { zeros } from '../creation.js';
import { cat } from '../movement.js';
import { where } from '../where.js';
import { inverse } from './det.js';
import { checkSquare, eyeLike, matrixAt, maskLike, mT, readMatrices, upload } from './util.js';

/**
 * A square matrix (or each of a batch) to the integer power `n`: the
 * identity for 0, and for n < 0 the inverse's power (a singular matrix then
 * raises PyTorch's error; an int32 matrix, which has no inverse, too). Computed by repeated squaring with matmuls, as
 * PyTorch's, so it runs on the backend and its gradient is the matmuls'.
 *
 * @example
 * g.linalg.matrixPower(g.tensor([[1, 1], [0, 1]]), 3).tolist(); // [[1, 3], [0, 1]]
 */
export function matrixPower(A: Tensor, n: number): Tensor {
  // Integer matrices too, as PyTorch (their negative powers raise in the inverse).
  checkSquare('linalg.matrix_power', A, 'A', true);
  if (typeof n !== 'number' || !Number.isInteger(n))
    throw new TypeError(`linalg.matrix_power(): argument 'n' must be an integer, not ${String(n)}`);
  return composite(() => {
    const size = A.shape[A.ndim - 1]!;
    // n = 0: the identity, in the graph with a zero gradient (PyTorch copies it into a clone of A).
    if (n === 0)
      return where(
        maskLike(size, size, A, () => true),
        eyeLike(size, A),
        A,
      );
    if (n === 1) return A.clone();
    if (n === -1) return inverse(A);
    const a = n < 0 ? inverse(A) : A;
    let k = Math.abs(n);
    if (k === 2) return a.matmul(a);
    if (k === 3) return a.matmul(a).matmul(a);
    // Binary decomposition of k, from the least significant bit.
    let z: Tensor | undefined;
    let result: Tensor | undefined;
    while (k > 0) {
      const bit = k % 2;
      k = Math.floor(k / 2);
      z = z === undefined ? a : z.matmul(z);
      if (bit === 1) result = result === undefined ? z : result.matmul(z);
    }
    return result!;
  });
}

/**
 * The matrix exponential of a square matrix (or of each in a batch), by
 * scaling and squaring with Padé approximants, on the host in float64 on
 * every backend.
 *
 * @example
 * g.linalg.matrixExp(g.tensor([[0, 1], [0, 0]])).tolist(); // [[1, 1], [0, 1]]
 */
export function matrixExp(A: Tensor): Tensor {
  checkSquare('linalg.matrix_exp', A);
  const h = readMatrices(A);
  const n = h.rows;
  const out = new Float64Array(h.data.length);
  for (let i = 0; i < h.count; i++) out.set(hostMatrixExp(matrixAt(h, i), n), i * n * n);
  const E = upload(A, out, A.shape);
  if (needsGrad(A)) record(E, 'LinalgMatrixExpBackward0', [A], (g) => [matrixExpBackward(g, A)], [A]);
  return E;
}

/** The adjoint of the differential of exp at A applied to G: the top-right block of exp([[Aᵀ, G], [0, Aᵀ]]). */
function matrixExpBackward(G: Tensor, A: Tensor): Tensor {
  const n = A.shape[A.ndim - 1]!;
  const At = mT(A).expand(G.shape);
  const top = cat([At, G], -1);
  const bottom = cat([zeros(G.shape, { dtype: G.dtype, device: G.device }), At], -1);
  return matrixExp(cat([top, bottom], -2))
    .narrow(-2, 0, n)
    .narrow(-1, n, n);
}
