/**
 * The fused products `β·input + α·(product)`: addmm, addmv, baddbmm, addbmm
 * and addr, with PyTorch 1.13's checks, dtype rules and derivatives.yaml's
 * gradients. As PyTorch documents, `beta = 0` ignores `input`'s values (its
 * NaN and infinities do not propagate); as PyTorch's BLAS-backed kernels do,
 * `alpha = 0` skips the product in addmm, addmv and addbmm (baddbmm and addr
 * multiply it by 0, so a NaN there propagates, as in PyTorch).
 */
import { type DType, isFloating, promoteTypes } from '../dtype.js';
import { wantsGrad } from '../autograd/record.js';
import { checkOptions } from '../options.js';
import { formatShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { composite } from './composite.js';
import { checkTensor, commonDevice, wrap } from './dispatch.js';
import { exactFloat, int32Exact } from './integer.js';
import { inplace } from './inplace.js';
import { bmm, isTransposedMatrix, mm, mv, outer } from './linalg.js';
import { castTo } from './promotion.js';

/** Options of the fused products (PyTorch's keyword arguments). */
export interface BetaAlphaOptions {
  /** The multiplier of `input` (default 1). 0 ignores `input`'s values: its NaN and infinities do not propagate. */
  beta?: number | boolean;
  /** The multiplier of the product (default 1). */
  alpha?: number | boolean;
}

/** PyTorch's names of dtypes, in the messages PyTorch users search for. */
const TORCH_DTYPE_NAME: Record<DType, string> = { float32: 'Float', float64: 'Double', int32: 'Long', bool: 'Bool' };

function rawScalars(op: string, options: BetaAlphaOptions | undefined): { beta: number | boolean; alpha: number | boolean } {
  const o = checkOptions(op, options, ['beta', 'alpha']);
  const read = (name: 'beta' | 'alpha'): number | boolean => {
    const v = o[name];
    if (v === undefined) return 1;
    if (typeof v !== 'number' && typeof v !== 'boolean')
      throw new TypeError(`${op}(): argument '${name}' must be a number, not ${typeof v}`);
    return v;
  };
  return { beta: read('beta'), alpha: read('alpha') };
}

/** beta and alpha as numbers in `dtype`: integers truncate, as PyTorch's Scalar → int64 does in these kernels. */
function blasScalars(op: string, options: BetaAlphaOptions | undefined, dtype: DType): { beta: number; alpha: number } {
  const { beta, alpha } = rawScalars(op, options);
  const cast = (v: number | boolean) => (dtype === 'int32' ? Math.trunc(Number(v)) : Number(v));
  return { beta: cast(beta), alpha: cast(alpha) };
}

/** `t · s`, except where s is 1 (derivatives.yaml's maybe_multiply). */
function scaled(t: Tensor, s: number): Tensor {
  return s === 1 ? t : t.mul(s);
}

function dtypeError(message: string): TypeError {
  return new TypeError(message);
}

/** The PyTorch expand check of `input` against the product's shape (its message, then what Graft adds). */
function checkBroadcastsTo(op: string, input: Tensor, shape: readonly number[]): void {
  if (input.ndim > shape.length) {
    throw new Error(
      `${op}: the number of sizes provided (${shape.length}) must be greater or equal to the number of dimensions in the tensor (${input.ndim}): ` +
        `input of shape ${formatShape(input.shape)} cannot broadcast to the product's shape ${formatShape(shape)}`,
    );
  }
  const lead = shape.length - input.ndim;
  input.shape.forEach((size, k) => {
    const target = shape[lead + k]!;
    if (size !== 1 && size !== target) {
      throw new Error(
        `${op}: The expanded size of the tensor (${target}) must match the existing size (${size}) at non-singleton dimension ${lead + k}.  ` +
          `Target sizes: ${formatShape(shape)}.  Tensor sizes: ${formatShape(input.shape)}`,
      );
    }
  });
}

/**
 * `beta · input + alpha · product()` in `input`'s dtype, at `shape`:
 * beta = 0 ignores input's values; with `skipProductAtZeroAlpha`, alpha = 0
 * skips the product (BLAS's gemm/gemv). int32 is computed exactly in floating
 * point and checked to fit.
 */
function combine(
  op: string,
  input: Tensor,
  shape: readonly number[],
  beta: number,
  alpha: number,
  product: (cast: (t: Tensor) => Tensor) => Tensor,
  skipProductAtZeroAlpha: boolean,
): Tensor {
  const dtype = input.dtype;
  const wide = dtype === 'int32' ? exactFloat(input.backend) : dtype;
  const cast = (t: Tensor) => castTo(t, wide);
  let out: Tensor;
  const skip = alpha === 0 && skipProductAtZeroAlpha;
  if (beta === 0) {
    out = skip
      ? wrap(
          input,
          input.backend.fill(
            shape.reduce((n, s) => n * s, 1),
            0,
            wide,
          ),
          shape,
          wide,
        )
      : scaled(product(cast), alpha);
  } else {
    const base = scaled(cast(input), beta);
    out = skip ? base.expand(shape).clone() : base.add(scaled(product(cast), alpha));
  }
  return dtype === 'int32' ? int32Exact(op, out, `${op} of .double() operands`) : out;
}

/**
 * `beta · input + alpha · (mat1 @ mat2)`, as `torch.addmm`: `input` broadcasts
 * to the product's shape; the three share one dtype.
 *
 * @example
 * g.addmm(g.zeros(2), g.ones(2, 3), g.ones(3, 2), { alpha: 2 }).tolist(); // [[6, 6], [6, 6]]
 */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options?: BetaAlphaOptions): Tensor {
  checkTensor('addmm', input);
  checkTensor('addmm', mat1, 'mat1');
  checkTensor('addmm', mat2, 'mat2');
  commonDevice('addmm', input, mat1, mat2);
  if (input.dtype !== mat2.dtype) throw dtypeError(`addmm: self and mat2 must have the same dtype (got ${input.dtype} and ${mat2.dtype})`);
  if (mat1.dtype !== mat2.dtype) throw dtypeError(`addmm: mat1 and mat2 must have the same dtype (got ${mat1.dtype} and ${mat2.dtype})`);
  if (mat1.ndim !== 2) throw new Error(`addmm: mat1 must be a matrix, got ${mat1.ndim}-D tensor`);
  if (mat2.ndim !== 2) throw new Error(`addmm: mat2 must be a matrix, got ${mat2.ndim}-D tensor`);
  if (mat1.shape[1] !== mat2.shape[0]) {
    throw new Error(`addmm: mat1 and mat2 shapes cannot be multiplied (${mat1.shape.join('x')} and ${mat2.shape.join('x')})`);
  }
  const shape = [mat1.shape[0]!, mat2.shape[1]!];
  checkBroadcastsTo('addmm', input, shape);
  if (input.dtype === 'bool') throw dtypeError("addmm: not implemented for 'bool'");
  const { beta, alpha } = blasScalars('addmm', options, input.dtype);
  const needMat1 = wantsGrad(mat1);
  const needMat2 = wantsGrad(mat2);
  return composite(() => combine('addmm', input, shape, beta, alpha, (c) => mm(c(mat1), c(mat2)), true), {
    name: 'AddmmBackward0',
    inputs: [input, mat1, mat2],
    saved: () => [mat1, mat2],
    // mat2's gradient as PyTorch's mm_mat2_backward: computed transposed when mat2 is a transposed matrix
    // (a Linear's `weight.t()`), so the weight's own gradient comes out contiguous.
    backward: (g) => [
      scaled(g, beta),
      needMat1 ? scaled(g.mm(mat2.t()), alpha) : null,
      needMat2 ? scaled(isTransposedMatrix(mat2) ? g.t().mm(mat1).t() : mat1.t().mm(g), alpha) : null,
    ],
  });
}

/**
 * `beta · input + alpha · (mat @ vec)`, as `torch.addmv`: the result has
 * `mat`'s dtype (`input` is cast to it) and `input` broadcasts.
 *
 * @example
 * g.addmv(g.ones(2), g.ones(2, 3), g.ones(3)).tolist(); // [4, 4]
 */
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, options?: BetaAlphaOptions): Tensor {
  checkTensor('addmv', input);
  checkTensor('addmv', mat, 'mat');
  checkTensor('addmv', vec, 'vec');
  commonDevice('addmv', input, mat, vec);
  if (!(mat.ndim === 2 && vec.ndim === 1 && input.ndim <= 1)) {
    throw new Error(
      `addmv: vector + matrix @ vector expected, got ${input.ndim}, ${mat.ndim}, ${vec.ndim} ` +
        `(input, mat and vec of shapes ${formatShape(input.shape)}, ${formatShape(mat.shape)} and ${formatShape(vec.shape)})`,
    );
  }
  if (mat.shape[1] !== vec.shape[0] || (mat.shape[0] !== input.numel() && input.numel() !== 1)) {
    throw new Error(
      `addmv: size mismatch, got ${input.shape[0] ?? 1}, ${mat.shape[0]}x${mat.shape[1]},${vec.shape[0]} ` +
        `(input, mat and vec of shapes ${formatShape(input.shape)}, ${formatShape(mat.shape)} and ${formatShape(vec.shape)})`,
    );
  }
  if (mat.dtype !== vec.dtype) {
    throw dtypeError(
      `addmv: expected scalar type ${TORCH_DTYPE_NAME[mat.dtype]} but found ${TORCH_DTYPE_NAME[vec.dtype]} (mat is ${mat.dtype}, vec ${vec.dtype})`,
    );
  }
  if (mat.dtype === 'bool') throw dtypeError("addmv: not implemented for 'bool'");
  const { beta, alpha } = blasScalars('addmv', options, mat.dtype);
  const shape = [mat.shape[0]!];
  const needMat = wantsGrad(mat);
  const needVec = wantsGrad(vec);
  return composite(
    () => {
      const self = castTo(input, mat.dtype);
      return combine('addmv', self, shape, beta, alpha, (c) => mv(c(mat), c(vec)), true);
    },
    {
      name: 'AddmvBackward0',
      inputs: [input, mat, vec],
      saved: () => [mat, vec],
      backward: (g) => [scaled(g, beta), needMat ? scaled(g.outer(vec), alpha) : null, needVec ? scaled(mat.t().mv(g), alpha) : null],
    },
  );
}

function check3d(op: string, t: Tensor, name: string): void {
  if (t.ndim !== 3) throw new Error(`${op}: ${name} must be a 3D tensor, got a ${t.ndim}-D tensor of shape ${formatShape(t.shape)}`);
}

/**
 * `beta · input + alpha · (batch1 @ batch2)` for batches of matrices, as
 * `torch.baddbmm`: the result has `batch1`'s dtype (`input` is cast to it) and
 * `input` broadcasts to `[B, n, p]`.
 *
 * @example
 * g.baddbmm(g.zeros(4, 2, 2), g.ones(4, 2, 3), g.ones(4, 3, 2)).shape; // [4, 2, 2]
 */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options?: BetaAlphaOptions): Tensor {
  checkTensor('baddbmm', input);
  checkTensor('baddbmm', batch1, 'batch1');
  checkTensor('baddbmm', batch2, 'batch2');
  commonDevice('baddbmm', input, batch1, batch2);
  check3d('baddbmm', batch1, 'batch1');
  check3d('baddbmm', batch2, 'batch2');
  const [b, n, m] = batch1.shape as [number, number, number];
  if (batch2.shape[0] !== b || batch2.shape[1] !== m) {
    throw new Error(
      `baddbmm: Expected size for first two dimensions of batch2 tensor to be: [${b}, ${m}] but got: [${batch2.shape[0]}, ${batch2.shape[1]}].`,
    );
  }
  const shape = [b, n, batch2.shape[2]!];
  checkBroadcastsTo('baddbmm', input, shape);
  if (batch1.dtype !== batch2.dtype) {
    throw dtypeError(
      `baddbmm: expected scalar type ${TORCH_DTYPE_NAME[batch1.dtype]} but found ${TORCH_DTYPE_NAME[batch2.dtype]} ` +
        `(batch1 is ${batch1.dtype}, batch2 ${batch2.dtype})`,
    );
  }
  if (batch1.dtype === 'bool') throw dtypeError("baddbmm: not implemented for 'bool'");
  const { beta, alpha } = blasScalars('baddbmm', options, batch1.dtype);
  const needBatch1 = wantsGrad(batch1);
  const needBatch2 = wantsGrad(batch2);
  return composite(
    () => {
      const self = castTo(input, batch1.dtype);
      return combine('baddbmm', self, shape, beta, alpha, (c) => bmm(c(batch1), c(batch2)), false);
    },
    {
      name: 'BaddbmmBackward0',
      inputs: [input, batch1, batch2],
      saved: () => [batch1, batch2],
      backward: (g) => [
        scaled(g, beta),
        needBatch1 ? scaled(g.bmm(batch2.transpose(1, 2)), alpha) : null,
        needBatch2 ? scaled(batch1.transpose(1, 2).bmm(g), alpha) : null,
      ],
    },
  );
}

/**
 * `beta · input + alpha · Σᵢ batch1[i] @ batch2[i]`, as `torch.addbmm`: one
 * matrix product over the batch and inner dims together; `input` broadcasts
 * to `[n, p]`; the three share one dtype.
 *
 * @example
 * g.addbmm(g.zeros(2, 2), g.ones(4, 2, 3), g.ones(4, 3, 2)).tolist(); // [[12, 12], [12, 12]]
 */
export function addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options?: BetaAlphaOptions): Tensor {
  checkTensor('addbmm', input);
  checkTensor('addbmm', batch1, 'batch1');
  checkTensor('addbmm', batch2, 'batch2');
  commonDevice('addbmm', input, batch1, batch2);
  check3d('addbmm', batch1, 'batch1');
  check3d('addbmm', batch2, 'batch2');
  const [b, n, m] = batch1.shape as [number, number, number];
  if (batch2.shape[0] !== b) {
    throw new Error(`addbmm: batch1 and batch2 must have same number of batches, got ${b} and ${batch2.shape[0]}`);
  }
  if (batch2.shape[1] !== m) {
    throw new Error(`addbmm: Incompatible matrix sizes for bmm (${n}x${m} and ${batch2.shape[1]}x${batch2.shape[2]})`);
  }
  const p = batch2.shape[2]!;
  const shape = [n, p];
  checkBroadcastsTo('addbmm', input, shape);
  if (input.dtype !== batch2.dtype || batch1.dtype !== batch2.dtype) {
    throw dtypeError(
      `addbmm: self and mat2 must have the same dtype (input, batch1 and batch2 are ${input.dtype}, ${batch1.dtype} and ${batch2.dtype})`,
    );
  }
  if (input.dtype === 'bool') throw dtypeError("addbmm: not implemented for 'bool'");
  const { beta, alpha } = blasScalars('addbmm', options, input.dtype);
  // Σᵢ batch1[i] @ batch2[i] = [n, B·m] @ [B·m, p]: the batch joins the inner dim of one matrix product.
  const product = (c: (t: Tensor) => Tensor) =>
    mm(
      c(batch1)
        .permute(1, 0, 2)
        .reshape(n, b * m),
      c(batch2).reshape(b * m, p),
    );
  const needBatch1 = wantsGrad(batch1);
  const needBatch2 = wantsGrad(batch2);
  return composite(() => combine('addbmm', input, shape, beta, alpha, product, true), {
    name: 'AddbmmBackward0',
    inputs: [input, batch1, batch2],
    saved: () => [batch1, batch2],
    backward: (g) => {
      const spread = g.unsqueeze(0).expand(b, n, p);
      return [
        scaled(g, beta),
        needBatch1 ? scaled(spread.bmm(batch2.transpose(1, 2)), alpha) : null,
        needBatch2 ? scaled(batch1.transpose(1, 2).bmm(spread), alpha) : null,
      ];
    },
  });
}

/** addr's scalar checks (ATen's check_addr_scalar) and the value in the result's dtype. */
function addrScalar(name: 'beta' | 'alpha', value: number | boolean, dtype: DType): number {
  if (typeof value === 'boolean' && dtype !== 'bool') {
    throw new TypeError(`addr: Boolean ${name} only supported for Boolean results. (the result is ${dtype})`);
  }
  if (!isFloating(dtype) && typeof value === 'number' && !Number.isInteger(value)) {
    throw new TypeError(
      `addr: For integral input tensors, argument ${name} must not be a floating point number. (got ${value} for a ${dtype} result)`,
    );
  }
  return dtype === 'bool' ? Number(Boolean(value)) : Number(value);
}

/**
 * `beta · input + alpha · outer(vec1, vec2)`, as `torch.addr`: PyTorch's type
 * promotion over the three (bool too: `(beta ∧ input) ∨ (alpha ∧ vec1 ∧ vec2)`),
 * and `input` broadcasts to `[n, m]`.
 *
 * @example
 * g.addr(g.zeros(2, 3), g.tensor([1, 2]), g.tensor([1, 2, 3])).tolist(); // [[1, 2, 3], [2, 4, 6]]
 */
export function addr(input: Tensor, vec1: Tensor, vec2: Tensor, options?: BetaAlphaOptions): Tensor {
  checkTensor('addr', input);
  checkTensor('addr', vec1, 'vec1');
  checkTensor('addr', vec2, 'vec2');
  commonDevice('addr', input, vec1, vec2);
  if (vec1.ndim !== 1) throw new Error(`addr: Expected 1-D argument vec1, but got ${vec1.ndim}-D`);
  if (vec2.ndim !== 1) throw new Error(`addr: Expected 1-D argument vec2, but got ${vec2.ndim}-D`);
  const shape = [vec1.shape[0]!, vec2.shape[0]!];
  checkBroadcastsTo('addr', input, shape);
  const dtype = promoteTypes(promoteTypes(input.dtype, vec1.dtype), vec2.dtype);
  const raw = rawScalars('addr', options);
  const beta = addrScalar('beta', raw.beta, dtype);
  const alpha = addrScalar('alpha', raw.alpha, dtype);
  const needVec1 = wantsGrad(vec1);
  const needVec2 = wantsGrad(vec2);
  return composite(
    () => {
      if (dtype === 'bool') {
        const product = alpha ? outer(vec1, vec2) : outer(vec1, vec2).logicalAnd(false);
        return beta ? input.logicalOr(product) : product;
      }
      // (alpha · vec1) · vec2, as ATen's kernel evaluates it.
      const self = castTo(input, dtype);
      return combine('addr', self, shape, beta, 1, (c) => outer(scaled(c(castTo(vec1, dtype)), alpha), c(castTo(vec2, dtype))), false);
    },
    {
      name: 'AddrBackward0',
      inputs: [input, vec1, vec2],
      saved: () => [vec1, vec2],
      backward: (g) => [
        scaled(g, beta),
        needVec1 ? scaled(g.mv(vec2.to(g.dtype)), alpha) : null,
        needVec2 ? scaled(g.t().mv(vec1.to(g.dtype)), alpha) : null,
      ],
    },
  );
}

/** Ops whose in-place form writes the result into `input`. */
const OUT_OF_PLACE = { addmm, addmv, baddbmm, addbmm, addr } as const;

/**
 * The in-place form of a fused product (`x.addmm_(a, b)`): the result must
 * have `x`'s shape (no broadcasting of `x`), as PyTorch's `addmm_` and friends.
 */
export function fusedProductInPlace<T extends Tensor>(
  op: keyof typeof OUT_OF_PLACE,
  self: T,
  a: Tensor,
  b: Tensor,
  options: BetaAlphaOptions | undefined,
): T {
  const result = OUT_OF_PLACE[op](self, a, b, options);
  if (!shapesEqual(result.shape, self.shape)) {
    result.dispose();
    throw new Error(
      `${op}_: Bad in-place call: input tensor size ${formatShape(self.shape)} and output tensor size ${formatShape(result.shape)} should match`,
    );
  }
  try {
    return inplace(self, `${op}_`, result);
  } catch (e) {
    if (!result.isDisposed) result.dispose();
    throw e;
  }
}
