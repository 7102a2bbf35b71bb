/** Linear algebra: matmul (NumPy rules) and its named forms, trace; inverse, det and logdet from ops/linalg/. */
import { needsGrad, record, wantsGrad } from '../autograd/record.js';
import type { View } from '../backend/spec.js';
import { broadcastShapes, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { composite } from './composite.js';
import { checkTensor, commonDevice, expandView, wrap } from './dispatch.js';
import { mul } from './elementwise.js';
import { exactFloat, int32Exact } from './integer.js';
import { castTo } from './promotion.js';
import { sumToShape } from '../autograd/unbroadcast.js';

function dims(x: Tensor): string {
  return x.shape.join('x');
}

/**
 * Matrix product with NumPy's rules: 1-D operands are promoted to a row or a
 * column and the added dim removed again; batch dims broadcast.
 *
 * @example
 * g.matmul(g.ones(2, 3), g.ones(3)).tolist(); // [3, 3]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return product('matmul', a, b);
}

/**
 * matmul under the name of the op the user called (mm, bmm, mv, dot): int32
 * products are exact or raise (computed in float64, checked to fit int32).
 */
function product(op: string, a: Tensor, b: Tensor): Tensor {
  checkTensor(op, a);
  checkTensor(op, b, 'other');
  commonDevice(op, a, b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new Error(`${op}: both arguments need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`);
  }
  if (a.dtype !== b.dtype) throw new TypeError(`${op}: expected m1 and m2 to have the same dtype, but got: ${a.dtype} != ${b.dtype}`);
  if (a.dtype === 'bool') throw new TypeError(`${op}: not implemented for 'bool'`);
  const a2 = a.ndim === 1 ? [1, a.shape[0]!] : a.shape;
  const b2 = b.ndim === 1 ? [b.shape[0]!, 1] : b.shape;
  const m = a2[a2.length - 2]!;
  const k = a2[a2.length - 1]!;
  const k2 = b2[b2.length - 2]!;
  const n = b2[b2.length - 1]!;
  if (k !== k2) {
    throw new Error(
      `${op}: mat1 and mat2 shapes cannot be multiplied (${m}x${k} and ${k2}x${n}); inputs have shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  if (a.dtype === 'int32' && b.dtype === 'int32') {
    return composite(() => {
      const wide = exactFloat(a.backend);
      return int32Exact(op, product(op, castTo(a, wide), castTo(b, wide)), `a.double().${op}(b.double())`);
    });
  }
  const batch = broadcastShapes(op, a2.slice(0, -2), b2.slice(0, -2));
  const fullA = expandView(a.ndim === 1 ? viewAsMatrix(a, 'row') : a, [...batch, m, k]);
  const fullB = expandView(b.ndim === 1 ? viewAsMatrix(b, 'column') : b, [...batch, k, n]);
  const outShape = [...batch, m, n];
  const handle = a.backend.matmul(fullA, fullB);
  const shape = [...batch];
  if (a.ndim !== 1) shape.push(m);
  if (b.ndim !== 1) shape.push(n);
  const out = wrap(a, handle, shape, a.dtype);
  if (needsGrad(a, b)) {
    const name =
      a.ndim === 1 && b.ndim === 1
        ? 'DotBackward0'
        : a.ndim === 2 && b.ndim === 1
          ? 'MvBackward0'
          : a.ndim === 2 && b.ndim === 2
            ? 'MmBackward0'
            : a.ndim === 3 && b.ndim === 3
              ? 'BmmBackward0'
              : 'UnsafeViewBackward0';
    // Each gradient reads only the other operand, which is all that is saved.
    const aNeeded = wantsGrad(a);
    const bNeeded = wantsGrad(b);
    // As PyTorch's mm_mat1/mm_mat2_backward: the gradient of a transposed matrix
    // (a Linear's `weight.t()`) is computed transposed, so that the weight's own
    // gradient comes out contiguous and AccumulateGrad takes it without a copy.
    // A matrix `b` under a batch of `a`s gets one product over the folded batch
    // (as PyTorch's matmul folds), not a batched product and a sum.
    const aTransposed = a.ndim === 2 && b.ndim === 2 && isTransposedMatrix(a);
    const bMatrix = b.ndim === 2;
    const bTransposed = bMatrix && isTransposedMatrix(b);
    const rows = batch.reduce((r, d) => r * d, m); // of the batch of a's rows folded into one matrix
    record(
      out,
      name,
      [a, b],
      (g) => {
        const g2 = g.reshape(outShape);
        return [
          !aNeeded
            ? null
            : aTransposed
              ? b.matmul(g2.t()).t()
              : sumToShape(g2.matmul(b.reshape(b2).transpose(-1, -2)), a2).reshape(a.shape),
          !bNeeded
            ? null
            : bMatrix
              ? matrixGrad(a.reshape(rows, k), g2.reshape(rows, n), bTransposed)
              : sumToShape(a.reshape(a2).transpose(-1, -2).matmul(g2), b2).reshape(b.shape),
        ];
      },
      [bNeeded ? a : null, aNeeded ? b : null],
    );
  }
  return out;
}

/** `aᵀ g`, the gradient of the matrix `b` in `a b`, computed as `(gᵀ a)ᵀ` when `b` is a transposed matrix (see `product`). */
function matrixGrad(a: Tensor, g: Tensor, transposed: boolean): Tensor {
  return transposed ? g.t().matmul(a).t() : a.t().matmul(g);
}

/** @internal Whether a matrix is laid out as the transpose of a contiguous one (column-major), as `w.t()` is. */
export function isTransposedMatrix(x: Tensor): boolean {
  const [rows, cols] = x.shape as [number, number];
  return rows > 1 && cols > 1 && x.strides[0] === 1 && x.strides[1] === rows;
}

/** A 1-D vector seen as a 1×k row or a k×1 column (views, no copy). */
function viewAsMatrix(x: View, as: 'row' | 'column'): View {
  const s = x.strides[0]!;
  const k = x.shape[0]!;
  return as === 'row'
    ? { handle: x.handle, dtype: x.dtype, shape: [1, k], strides: [k * s, s], offset: x.offset }
    : { handle: x.handle, dtype: x.dtype, shape: [k, 1], strides: [s, 1], offset: x.offset };
}

function requireDims(op: string, x: Tensor, ndim: number, what: string): void {
  if (x.ndim !== ndim)
    throw new Error(`${op}: ${what} must be a ${ndim}-D tensor, but got a ${x.ndim}-D tensor of shape ${formatShape(x.shape)}`);
}

/**
 * Product of two matrices.
 *
 * @example
 * g.mm(g.ones(2, 3), g.ones(3, 4)).shape; // [2, 4]
 */
export function mm(a: Tensor, b: Tensor): Tensor {
  checkTensor('mm', a);
  checkTensor('mm', b, 'mat2');
  requireDims('mm', a, 2, 'self');
  requireDims('mm', b, 2, 'mat2');
  if (a.shape[1] !== b.shape[0]) throw new Error(`mm: mat1 and mat2 shapes cannot be multiplied (${dims(a)} and ${dims(b)})`);
  return product('mm', a, b);
}

/**
 * Batched product of [B, n, m] and [B, m, p] tensors.
 *
 * @example
 * g.bmm(g.ones(5, 2, 3), g.ones(5, 3, 4)).shape; // [5, 2, 4]
 */
export function bmm(a: Tensor, b: Tensor): Tensor {
  checkTensor('bmm', a);
  checkTensor('bmm', b, 'mat2');
  requireDims('bmm', a, 3, 'batch1');
  requireDims('bmm', b, 3, 'batch2');
  if (a.shape[0] !== b.shape[0])
    throw new Error(`bmm: batch1 and batch2 must have the same batch size, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  if (a.shape[2] !== b.shape[1])
    throw new Error(
      `bmm: Expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}].`,
    );
  return matmul(a, b);
}

/**
 * Matrix-vector product.
 *
 * @example
 * g.mv(g.eye(2), g.tensor([1, 2])).tolist(); // [1, 2]
 */
export function mv(a: Tensor, v: Tensor): Tensor {
  checkTensor('mv', a);
  checkTensor('mv', v, 'vec');
  requireDims('mv', a, 2, 'self');
  requireDims('mv', v, 1, 'vec');
  if (a.shape[1] !== v.shape[0]) throw new Error(`mv: size mismatch, got input (${a.shape[0]}), mat (${dims(a)}), vec (${v.shape[0]})`);
  return product('mv', a, v);
}

/**
 * Inner product of two 1-D tensors.
 *
 * @example
 * g.dot(g.tensor([1, 2]), g.tensor([3, 4])).item(); // 11
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  checkTensor('dot', a);
  checkTensor('dot', b, 'tensor');
  if (a.ndim !== 1 || b.ndim !== 1) throw new Error(`1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  if (a.shape[0] !== b.shape[0]) {
    throw new Error(
      `inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`,
    );
  }
  return product('dot', a, b);
}

/**
 * Outer product of two 1-D tensors.
 *
 * @example
 * g.outer(g.tensor([1, 2]), g.tensor([1, 10])).tolist(); // [[1, 10], [2, 20]]
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkTensor('outer', a);
  checkTensor('outer', b, 'vec2');
  if (a.ndim !== 1 || b.ndim !== 1) throw new Error(`outer: expected 1-D tensors, got ${a.ndim}D and ${b.ndim}D`);
  return composite(() => mul(a.reshape(-1, 1), b));
}

/**
 * Sum of the main diagonal of a matrix.
 *
 * @example
 * g.tensor([[1, 2], [3, 4]]).trace().item(); // 5
 */
export function trace(x: Tensor): Tensor {
  checkTensor('trace', x);
  if (x.ndim !== 2) throw new Error(`trace: expected a matrix, but got tensor with dim ${x.ndim}`);
  const n = Math.min(x.shape[0]!, x.shape[1]!);
  return composite(
    () => {
      const diagonal = x.viewWithLayout([n], [x.strides[0]! + x.strides[1]!], x.offset);
      if (x.dtype !== 'int32') return diagonal.sum();
      return int32Exact('trace', diagonal.sum({ dtype: exactFloat(x.backend) }), 'x.double().trace()');
    },
    {
      name: 'TraceBackward0',
      inputs: [x],
      backward: (g) => {
        const eye = wrap(x, x.backend.fill(n, 1, x.dtype), [n], x.dtype);
        const diag = eye
          .reshape(n, 1)
          .pad([0, n])
          .reshape(-1)
          .narrow(0, 0, n * n)
          .reshape(n, n);
        const full = diag.pad([0, x.shape[1]! - n, 0, x.shape[0]! - n]);
        return [full.mul(g)];
      },
    },
  );
}

// The inverse and the determinant live with the rest of the linear algebra (ops/linalg/det.ts).
export { det, inverse, logdet } from './linalg/det.js';
