/**
 * `g.linalg`: PyTorch's `torch.linalg`. The decompositions and solvers run on
 * the host in float64 on every backend (the matrices are read back, and the
 * results cast to the input's dtype and uploaded): LU with partial pivoting,
 * Householder QR with LAPACK's signs, Cholesky, Jacobi for the symmetric
 * eigendecomposition and the SVD, Padé for the exponential. Norms and
 * products run on the backend. Every gradient is PyTorch's, written in Tensor
 * ops so that it differentiates again.
 */
export { matmul } from '../linalg.js';
export {
  type SolveExOptions,
  type SolveExResult,
  type SolveOptions,
  type SolveTriangularOptions,
  solve,
  solveEx,
  solveTriangular,
} from './solve.js';
export { type CholeskyExOptions, type CholeskyExResult, type CholeskyOptions, cholesky, choleskyEx } from './cholesky.js';
export { type QRMode, type QROptions, type QRResult, qr } from './qr.js';
export { type EighOptions, type EighResult, eigh, eigvalsh } from './eigh.js';
export { type SVDOptions, type SVDResult, type SvdvalsOptions, svd, svdvals } from './svd.js';
export { det, inverse as inv, invEx, type InvExOptions, type InvExResult, slogdet, type SlogdetResult } from './det.js';
export { type MatrixRankOptions, matrixRank, pinv, type PinvOptions } from './pinv.js';
export { type LstsqDriver, type LstsqOptions, type LstsqResult, lstsq } from './lstsq.js';
export { matrixExp, matrixPower } from './matrix-functions.js';
export {
  cond,
  type LinalgNormOptions,
  type MatrixNormOptions,
  type MatrixNormOrd,
  matrixNorm,
  norm,
  type VectorNormOptions,
  vectorNorm,
} from './norms.js';
export { type CrossOptions, cross, type DiagonalOptions, diagonal, multiDot } from './products.js';
