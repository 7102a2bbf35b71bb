/** Tensor methods: matrix decompositions and functions (PyTorch's legacy top-level forms). See methods/index.ts. */
import type { SlogdetResult } from '../ops/linalg/det.js';
import {
  cholesky,
  type LegacyCholeskyOptions,
  type LegacyQROptions,
  type LegacySVDOptions,
  type LegacySVDResult,
  matrixExp,
  matrixPower,
  type PinverseOptions,
  pinverse,
  qr,
  slogdet,
  svd,
} from '../ops/linalg/legacy.js';
import type { QRResult } from '../ops/linalg/qr.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * `[sign, logabsdet]` of the determinant of this square matrix (or of
     * each in a batch), also by name.
     *
     * @example
     * g.tensor([[0, 2], [3, 0]]).slogdet().sign.item(); // -1
     */
    slogdet(): SlogdetResult;
    /**
     * The Cholesky factor of this symmetric positive-definite matrix: lower,
     * or upper with `upper` (PyTorch's legacy `Tensor.cholesky`).
     *
     * @example
     * g.tensor([[4, 2], [2, 5]]).cholesky().tolist(); // [[2, 0], [1, 2]]
     */
    cholesky(upper?: boolean | LegacyCholeskyOptions, options?: LegacyCholeskyOptions): Tensor;
    /**
     * `[Q, R]` of this matrix, reduced (`some`, the default) or complete
     * (PyTorch's legacy `Tensor.qr`).
     *
     * @example
     * const [Q, R] = g.tensor([[3, 1], [4, 2]]).qr();
     */
    qr(some?: boolean | LegacyQROptions, options?: LegacyQROptions): QRResult;
    /**
     * `[U, S, V]` of this matrix, with V (not Vh), reduced by default
     * (PyTorch's legacy `Tensor.svd`).
     *
     * @example
     * g.tensor([[3, 0], [0, -2]]).svd().S.tolist(); // [3, 2]
     */
    svd(some?: boolean | LegacySVDOptions, computeUv?: boolean | LegacySVDOptions, options?: LegacySVDOptions): LegacySVDResult;
    /**
     * The pseudo-inverse of this matrix, with the relative tolerance `rcond`
     * (default 1e-15).
     *
     * @example
     * g.tensor([[2, 0], [0, 0]]).pinverse().tolist(); // [[0.5, 0], [0, 0]]
     */
    pinverse(rcond?: number | PinverseOptions, options?: PinverseOptions): Tensor;
    /**
     * This square matrix to the integer power `n` (negative: of the inverse).
     *
     * @example
     * g.tensor([[1, 1], [0, 1]]).matrixPower(3).tolist(); // [[1, 3], [0, 1]]
     */
    matrixPower(n: number): Tensor;
    /**
     * The matrix exponential of this square matrix.
     *
     * @example
     * g.tensor([[0, 1], [0, 0]]).matrixExp().tolist(); // [[1, 1], [0, 1]]
     */
    matrixExp(): Tensor;
  }
}

installMethods<'slogdet' | 'cholesky' | 'qr' | 'svd' | 'pinverse' | 'matrixPower' | 'matrixExp'>({
  slogdet() {
    return slogdet(this);
  },
  cholesky(upper, options) {
    return cholesky(this, upper, options);
  },
  qr(some, options) {
    return qr(this, some, options);
  },
  svd(some, computeUv, options) {
    return svd(this, some, computeUv, options);
  },
  pinverse(rcond, options) {
    return pinverse(this, rcond, options);
  },
  matrixPower(n) {
    return matrixPower(this, n);
  },
  matrixExp() {
    return matrixExp(this);
  },
});
