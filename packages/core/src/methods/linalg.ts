/** Tensor methods: linear algebra and transposes. See methods/index.ts. */
import { bmm, det, dot, inverse, logdet, matmul, mm, mv, outer, trace } from '../ops/linalg.js';
import { permute, t, transpose } from '../ops/movement.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * The matrix product with NumPy's rules: 1-D operands act as a row or a
     * column, batch dims broadcast. See {@link @graft/core!"@graft/core".matmul | g.matmul}.
     *
     * @example
     * g.ones(2, 3).matmul(g.ones(3)).tolist(); // [3, 3]
     */
    matmul(other: Tensor): Tensor;
    /**
     * The product of two matrices (2-D only; {@link @graft/core!"@graft/core".matmul | g.matmul} broadcasts).
     *
     * @example
     * g.ones(2, 3).mm(g.ones(3, 4)).shape; // [2, 4]
     */
    mm(other: Tensor): Tensor;
    /**
     * The batched product of a [B, n, m] and a [B, m, p] tensor.
     *
     * @example
     * g.ones(5, 2, 3).bmm(g.ones(5, 3, 4)).shape; // [5, 2, 4]
     */
    bmm(other: Tensor): Tensor;
    /**
     * The product of this matrix and the vector `other`.
     *
     * @example
     * g.eye(2).mv(g.tensor([1, 2])).tolist(); // [1, 2]
     */
    mv(other: Tensor): Tensor;
    /**
     * The inner product of two 1-D tensors.
     *
     * @example
     * g.tensor([1, 2]).dot(g.tensor([3, 4])).item(); // 11
     */
    dot(other: Tensor): Tensor;
    /**
     * The outer product of two 1-D tensors.
     *
     * @example
     * g.tensor([1, 2]).outer(g.tensor([1, 10])).tolist(); // [[1, 10], [2, 20]]
     */
    outer(other: Tensor): Tensor;
    /**
     * The sum of the main diagonal of a matrix.
     *
     * @example
     * g.tensor([[1, 2], [3, 4]]).trace().item(); // 5
     */
    trace(): Tensor;
    /**
     * The inverse of a square matrix (or of each in a batch), by LU with
     * partial pivoting; a singular matrix raises PyTorch's error.
     *
     * @example
     * g.tensor([[2, 0], [0, 4]]).inverse().tolist(); // [[0.5, 0], [0, 0.25]]
     */
    inverse(): Tensor;
    /**
     * The determinant of a square matrix (or of each in a batch).
     *
     * @example
     * g.tensor([[1, 2], [3, 4]]).det().item(); // -2
     */
    det(): Tensor;
    /**
     * `log(det(x))`: NaN for a negative determinant and -inf for a singular
     * matrix, as PyTorch.
     *
     * @example
     * g.tensor([[2, 0], [0, 3]]).logdet().item(); // 1.7917…
     */
    logdet(): Tensor;
    /**
     * The transpose of a matrix (a view); 0-D and 1-D tensors come back as they are.
     *
     * @example
     * g.zeros(2, 3).t().shape; // [3, 2]
     */
    t(): Tensor;
    /**
     * This tensor with all its dims reversed (a view): the transpose of a
     * matrix, as PyTorch's `x.T`.
     *
     * @example
     * g.zeros(2, 3, 4).T.shape; // [4, 3, 2]
     */
    get T(): Tensor;
    /**
     * This tensor with dims `dim0` and `dim1` swapped (a view).
     *
     * @example
     * g.zeros(2, 3).transpose(0, 1).shape; // [3, 2]
     */
    transpose(dim0: number, dim1: number): Tensor;
    /**
     * This tensor with its dims reordered (a view); the dims spread or as one array.
     *
     * @example
     * g.zeros(2, 3, 4).permute(2, 0, 1).shape; // [4, 2, 3]
     */
    permute(...dims: number[] | [readonly number[]]): Tensor;
  }
}

installMethods<
  'matmul' | 'mm' | 'bmm' | 'mv' | 'dot' | 'outer' | 'trace' | 'inverse' | 'det' | 'logdet' | 't' | 'T' | 'transpose' | 'permute'
>({
  matmul(other) {
    return matmul(this, other);
  },
  mm(other) {
    return mm(this, other);
  },
  bmm(other) {
    return bmm(this, other);
  },
  mv(other) {
    return mv(this, other);
  },
  dot(other) {
    return dot(this, other);
  },
  outer(other) {
    return outer(this, other);
  },
  trace() {
    return trace(this);
  },
  inverse() {
    return inverse(this);
  },
  det() {
    return det(this);
  },
  logdet() {
    return logdet(this);
  },
  t() {
    return t(this);
  },
  get T() {
    return permute(
      this,
      this.shape.map((_: number, i: number) => this.ndim - 1 - i),
    );
  },
  transpose(dim0, dim1) {
    return transpose(this, dim0, dim1);
  },
  permute(...dims) {
    return permute(this, ...dims);
  },
});
