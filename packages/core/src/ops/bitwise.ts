/**
 * Bitwise ops on int32 and bool tensors (PyTorch's `bitwise_*`, its `&`, `|`,
 * `^`, `~`, `<<`, `>>`) and `logicalXor`. int32 plays PyTorch's int64 here:
 * and, or, xor and not always fit; shifts are computed exactly (a left shift
 * whose int64 result leaves int32 raises rather than wrap), with the shift
 * count taken modulo 64 as PyTorch's int64 kernels take it on x86.
 */
import type { BinaryOp } from '../backend/spec.js';
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { composite } from './composite.js';
import { checkTensor, commonDevice, isTensor, type TensorLike } from './dispatch.js';
import { binaryForward, sub, where } from './elementwise.js';
import { exactFloat, int32Exact } from './integer.js';
import { binaryResultType, castTo } from './promotion.js';
import { operand } from './rounding.js';

/** The operands' promoted dtype, which must be int32 or bool (`"bitwise_and_cpu" not implemented for 'Float'` in PyTorch). */
function integralType(op: string, a: TensorLike, b: TensorLike): DType {
  const aIsT = isTensor(a);
  const bIsT = isTensor(b);
  if (!aIsT && !bIsT) throw new TypeError(`${op}(): expected at least one Tensor operand, got ${typeof a} and ${typeof b}`);
  if (aIsT) checkTensor(op, a, 'input');
  if (bIsT) checkTensor(op, b, 'other');
  if (aIsT && bIsT) commonDevice(op, a, b);
  const dtype = binaryResultType(a, b);
  if (dtype !== 'int32' && dtype !== 'bool') {
    throw new TypeError(`${op}(): not implemented for '${dtype}' (bitwise ops take int32 or bool tensors)`);
  }
  return dtype;
}

function bitwise(op: string, kernel: BinaryOp, logical: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const dtype = integralType(op, a, b);
  return binaryForward(dtype === 'bool' ? logical : kernel, a, b, dtype === 'bool' ? 'bool' : 'same');
}

/**
 * Elementwise AND of the bits of int32 tensors (of truth values for bool
 * ones); either argument may be a number. PyTorch's `&`.
 *
 * @example
 * g.bitwiseAnd(g.tensor([12, 10], { dtype: 'int32' }), 6); // tensor([4, 2])
 */
export function bitwiseAnd(input: TensorLike, other: TensorLike): Tensor {
  return bitwise('bitwiseAnd', 'bitwiseAnd', 'logicalAnd', input, other);
}

/**
 * Elementwise OR of the bits of int32 tensors (of truth values for bool
 * ones); either argument may be a number. PyTorch's `|`.
 *
 * @example
 * g.bitwiseOr(g.tensor([12, 10], { dtype: 'int32' }), 1); // tensor([13, 11])
 */
export function bitwiseOr(input: TensorLike, other: TensorLike): Tensor {
  return bitwise('bitwiseOr', 'bitwiseOr', 'logicalOr', input, other);
}

/**
 * Elementwise XOR of the bits of int32 tensors (of truth values for bool
 * ones); either argument may be a number. PyTorch's `^`.
 *
 * @example
 * g.bitwiseXor(g.tensor([12, 10], { dtype: 'int32' }), 6); // tensor([10, 12])
 */
export function bitwiseXor(input: TensorLike, other: TensorLike): Tensor {
  return bitwise('bitwiseXor', 'bitwiseXor', 'ne', input, other);
}

/**
 * Elementwise NOT: `~x = -x - 1` for int32 tensors, logical NOT for bool
 * ones. PyTorch's `~`.
 *
 * @example
 * g.bitwiseNot(g.tensor([0, 5, -1], { dtype: 'int32' })); // tensor([-1, -6,  0])
 */
export function bitwiseNot(input: Tensor): Tensor {
  checkTensor('bitwiseNot', input);
  if (input.dtype === 'bool') return input.logicalNot();
  if (input.dtype !== 'int32')
    throw new TypeError(`bitwiseNot(): not implemented for '${input.dtype}' (bitwise ops take int32 or bool tensors)`);
  return sub(-1, input); // -1 - x: exact, and always inside int32
}

/** The shift count as x86 takes it for an int64 shift: its low 6 bits (-1 shifts by 63). */
function shiftCount(b: Tensor | number): Tensor | number {
  return isTensor(b) ? b.sub(b.div(64).floor().mul(64)) : b - Math.floor(b / 64) * 64;
}

function shift(op: 'bitwiseLeftShift' | 'bitwiseRightShift', a: TensorLike, b: TensorLike): Tensor {
  const dtype = integralType(op, a, b);
  if (dtype === 'bool') throw new TypeError(`${op}(): not implemented for 'bool' (shifts take int32 tensors)`);
  const like = (isTensor(a) ? a : b) as Tensor;
  const wide = exactFloat(like.backend);
  return composite(() => {
    const wa = operand(a, wide, like);
    const wb = operand(b, wide, like);
    const s = shiftCount(wb) as Tensor;
    const scale = binaryForward('pow', 2, s, 'same'); // 2^s, exact in floating point
    if (op === 'bitwiseRightShift') return castTo(wa.div(scale).floor(), 'int32'); // an arithmetic shift: |result| ≤ |a|
    // a · 2^s is exact; past 2^63 int64 wraps (to 0 when the low 64 bits are all zero: a divisible by 2^(64 - s)).
    let exact = wa.mul(scale);
    const wrapsToZero = s.ge(33).logicalAnd(wa.remainder(binaryForward('pow', 2, sub(64, s), 'same')).eq(0));
    exact = where(wrapsToZero, 0, exact);
    return int32Exact(op, exact, 'a.double() * 2 ** b');
  });
}

/**
 * `input << other`: int32 `input` times 2^other, exactly as PyTorch's int64
 * would compute it (the count modulo 64); a result that does not fit int32
 * raises. Either argument may be a number.
 *
 * @example
 * g.bitwiseLeftShift(g.tensor([1, 3], { dtype: 'int32' }), 4); // tensor([16, 48])
 */
export function bitwiseLeftShift(input: TensorLike, other: TensorLike): Tensor {
  return shift('bitwiseLeftShift', input, other);
}

/**
 * `input >> other`: an arithmetic right shift of int32 `input` (rounds toward
 * -inf), the count modulo 64 as in PyTorch. Either argument may be a number.
 *
 * @example
 * g.bitwiseRightShift(g.tensor([16, -16], { dtype: 'int32' }), 3); // tensor([ 2, -2])
 */
export function bitwiseRightShift(input: TensorLike, other: TensorLike): Tensor {
  return shift('bitwiseRightShift', input, other);
}

/**
 * Elementwise XOR of truthiness (bool), broadcasting; PyTorch's
 * `logical_xor` (nonzero and NaN are true). Both arguments are tensors, as in
 * PyTorch.
 *
 * @example
 * g.logicalXor(g.tensor([true, true]), g.tensor([true, false])); // tensor([False,  True])
 */
export function logicalXor(input: Tensor, other: Tensor): Tensor {
  checkTensor('logicalXor', input, 'input');
  checkTensor('logicalXor', other, 'other');
  commonDevice('logicalXor', input, other);
  return composite(() => binaryForward('ne', input.ne(0), other.ne(0), 'bool'));
}
