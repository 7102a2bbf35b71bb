/**
 * Rounding divisions and rounding to decimals, with PyTorch's exact
 * algorithms: `div(a, b, { roundingMode: 'trunc' | 'floor' })` and
 * `round(x, { decimals })`. Both are composites of elementwise ops in the
 * input's precision (so float32 results match PyTorch's float32 arithmetic),
 * recorded as one node whose gradient is zero, as PyTorch's.
 */
import { wantsGrad } from '../autograd/record.js';
import { assertAsync } from '../checks.js';
import { type DType, isFloating } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { composite } from './composite.js';
import { checkTensor, commonDevice, expandView, isTensor, type TensorLike, wrap } from './dispatch.js';
import { exactFloat, int32Exact } from './integer.js';
import { binaryResultType, castTo, scalarValue, zerosLike } from './promotion.js';
import { where } from './where.js';

/** How `div` rounds its quotient: toward zero (`'trunc'`) or down (`'floor'`, Python's `//`). */
export type RoundingMode = 'trunc' | 'floor';

/** An operand as a tensor of `dtype` on `like`'s device (a number becomes a 0-d tensor). Not recorded. */
export function operand(x: TensorLike, dtype: DType, like: Tensor): Tensor {
  if (isTensor(x)) return castTo(x, dtype);
  const v = scalarValue('div', x);
  return wrap(like, like.backend.fill(1, v, dtype), [], dtype);
}

/** Rounds toward zero (the `trunc` kernel: signed zeros and NaN kept). Not recorded. */
function truncate(q: Tensor): Tensor {
  return wrap(q, q.backend.unary('trunc', q, q.dtype), q.shape, q.dtype);
}

/** C's fmod of two tensors of one floating dtype: the backend's exact kernel, or a - trunc(a / b) · b. Not recorded. */
export function cFmod(a: Tensor, b: Tensor): Tensor {
  const backend = a.backend;
  if (backend.fmod !== undefined) {
    const shape = broadcastShapes('div', a.shape, b.shape);
    return wrap(a, backend.fmod(expandView(a, shape), expandView(b, shape), shape, a.dtype), shape, a.dtype);
  }
  return a.sub(truncate(a.div(b)).mul(b));
}

/**
 * PyTorch's `div_floor_floating`: the quotient from C's exact fmod (so 1 // 0.1
 * is 9, as in Python, not floor(1 / 0.1) = 10), corrected to the floor and
 * rounded back when the division was inexact; signed zero as a / b; IEEE a / b
 * for b = 0.
 */
function floorDivideFloat(a: Tensor, b: Tensor): Tensor {
  const mod = cFmod(a, b);
  let div = a.sub(mod).div(b);
  const towardZero = mod.ne(0).logicalAnd(b.lt(0).ne(mod.lt(0)));
  div = where(towardZero, div.sub(1), div);
  let floordiv = div.floor();
  floordiv = where(div.sub(floordiv).gt(0.5), floordiv.add(1), floordiv);
  const quotient = a.div(b);
  floordiv = where(div.eq(0), quotient.mul(0), floordiv); // copysign(0, a / b): |a / b| < 1 here
  return where(b.eq(0), quotient, floordiv);
}

/**
 * Integer division by zero raises, as PyTorch's ZeroDivisionError (on a GPU:
 * at the next read); `message` names the op.
 */
export function assertNonzero(divisor: Tensor, message: string): void {
  const nonzero = divisor.ne(0);
  if (divisor.backend.deferChecks) assertAsync(nonzero, message);
  else if (!nonzero.all().item()) throw new RangeError(message);
}

/**
 * `a / b` rounded toward zero ('trunc') or down ('floor'), in the operands'
 * promoted dtype: integers stay integers (exact; division by zero raises),
 * floats follow PyTorch's algorithm in their own precision. Zero gradient.
 */
export function roundedDivide(a: TensorLike, b: TensorLike, mode: RoundingMode, op = 'div'): Tensor {
  const aIsT = isTensor(a);
  const bIsT = isTensor(b);
  if (!aIsT && !bIsT) throw new TypeError(`${op}(): expected at least one Tensor operand, got ${typeof a} and ${typeof b}`);
  if (aIsT) checkTensor(op, a, 'input');
  if (bIsT) checkTensor(op, b, 'other');
  if (aIsT && bIsT) commonDevice(op, a, b);
  const like = (aIsT ? a : b) as Tensor;
  const dtype = binaryResultType(a, b);
  if (dtype === 'bool')
    throw new TypeError(`${op}(): rounding_mode '${mode}' not implemented for 'bool' (convert with .int() or .float() first)`);
  const integral = !isFloating(dtype);
  const zeroDivision = `${op}(): ZeroDivisionError: integer division by zero (rounding_mode '${mode}')`;
  if (integral && !bIsT && scalarValue(op, b as number) === 0) throw new RangeError(zeroDivision);
  const compute = integral ? exactFloat(like.backend) : dtype;
  return composite(
    () => {
      const ta = operand(a, compute, like);
      const tb = operand(b, compute, like);
      if (integral) {
        if (bIsT) assertNonzero(tb, zeroDivision);
        const q = ta.div(tb);
        const rounded = mode === 'trunc' ? truncate(q) : q.floor();
        return int32Exact(op, rounded, `a.double().div(b, { roundingMode: '${mode}' })`);
      }
      return mode === 'trunc' ? truncate(ta.div(tb)) : floorDivideFloat(ta, tb);
    },
    {
      // PyTorch: div.Tensor_mode and div.Scalar_mode; both have a zero derivative.
      name: bIsT ? 'DivBackward2' : 'DivBackward3',
      inputs: [a, b],
      backward: () => [wantsGrad(a) ? zerosLike(a as Tensor) : null, wantsGrad(b) ? zerosLike(b as Tensor) : null],
    },
  );
}

/**
 * PyTorch's `round(decimals=d)`: for d > 0, `round(x · 10^d) / 10^d`; for
 * d < 0, `round(x / 10^-d) · 10^-d`; ties to even, in x's precision (so a
 * float32 result is PyTorch's float32 result, and 10^d overflowing gives NaN
 * as in PyTorch). Zero gradient (RoundBackward1).
 */
export function roundDecimals(x: Tensor, decimals: number): Tensor {
  if (!Number.isInteger(decimals)) throw new TypeError(`round(): argument 'decimals' must be an integer, got ${decimals}`);
  if (!isFloating(x.dtype)) {
    throw new TypeError(
      `round(): decimals not implemented for '${x.dtype}' (PyTorch rounds integers only without decimals; convert with .float() first)`,
    );
  }
  const scale = 10 ** Math.abs(decimals);
  return composite(() => (decimals >= 0 ? x.mul(scale).round().div(scale) : x.div(scale).round().mul(scale)), {
    name: 'RoundBackward1',
    inputs: [x],
    backward: () => [zerosLike(x)],
  });
}
