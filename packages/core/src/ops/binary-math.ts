/**
 * Binary math: atan2, hypot, the two remainders (`fmod`, C's, with the
 * dividend's sign; `remainder`, Python's, with the divisor's), floor division,
 * logaddexp and logaddexp2. Remainders of integers are exact and raise on a
 * zero divisor, as PyTorch's ZeroDivisionError; of floats they use the
 * backend's exact `fmod` (so remainder(1, 0.1) is 0.09999999999999995, as in
 * PyTorch and Python).
 */
import { noGrad } from '../autograd/grad-mode.js';
import { needsGrad, record, wantsGrad } from '../autograd/record.js';
import { type DType, isFloating, toFloating } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { composite } from './composite.js';
import { checkTensor, commonDevice, isTensor, type TensorLike } from './dispatch.js';
import { binaryForward, div, where } from './elementwise.js';
import { exactFloat, int32Exact } from './integer.js';
import { binaryResultType, castTo, scalarValue } from './promotion.js';
import { assertNonzero, cFmod, operand, roundedDivide } from './rounding.js';

/** PyTorch refuses numbers here (`argument 'other' must be Tensor`); so does Graft, naming the op and the argument. */
function checkTensors(op: string, a: unknown, b: unknown): [Tensor, Tensor] {
  const ta = checkTensor(op, a, 'input');
  const tb = checkTensor(op, b, 'other');
  commonDevice(op, ta, tb);
  return [ta, tb];
}

/** Ops PyTorch defines for floating dtypes only: `"hypot_cpu" not implemented for 'Long'`. */
function checkFloating(op: string, a: Tensor, b: Tensor): void {
  const dtype = binaryResultType(a, b);
  if (!isFloating(dtype)) throw new TypeError(`${op}(): not implemented for '${dtype}' (convert with .float() first)`);
}

/**
 * The angle of the point (other, input) from the x axis, in [-π, π]: the
 * quadrant-aware arctangent of input / other, with C's signed zeros
 * (atan2(±0, -0) is ±π). Both arguments are tensors, as in PyTorch; integers
 * give float32.
 *
 * @example
 * g.atan2(g.tensor([1, -1]), g.tensor([-1, -1])); // tensor([ 2.3562, -2.3562])
 */
export function atan2(input: Tensor, other: Tensor): Tensor {
  const [a, b] = checkTensors('atan2', input, other);
  const out = binaryForward('atan2', a, b, 'float');
  if (needsGrad(a, b)) {
    record(
      out,
      'Atan2Backward0',
      [a, b],
      (g) => {
        const recip = a.mul(a).add(b.mul(b)).reciprocal();
        return [wantsGrad(a) ? g.mul(b).mul(recip) : null, wantsGrad(b) ? g.mul(a.neg()).mul(recip) : null];
      },
      [a, b],
    );
  }
  return out;
}

/**
 * NumPy's name for {@link atan2} (PyTorch's `arctan2`).
 *
 * @example
 * g.arctan2(g.tensor([1]), g.tensor([1])); // tensor([0.7854])
 */
export function arctan2(input: Tensor, other: Tensor): Tensor {
  return atan2(input, other);
}

/**
 * `√(a² + b²)` without overflow or underflow in the squares. Floating
 * tensors only, as in PyTorch.
 *
 * @example
 * g.hypot(g.tensor([3, 1e30]), g.tensor([4, 1e30])); // tensor([5.0000e+00, 1.4142e+30])
 */
export function hypot(input: Tensor, other: Tensor): Tensor {
  const [a, b] = checkTensors('hypot', input, other);
  checkFloating('hypot', a, b);
  const out = binaryForward('hypot', a, b, 'same');
  if (needsGrad(a, b)) {
    record(out, 'HypotBackward0', [a, b], (g) => [wantsGrad(a) ? g.mul(a).div(out) : null, wantsGrad(b) ? g.mul(b).div(out) : null], [
      a,
      b,
      out,
    ]);
  }
  return out;
}

/** The remainder `r` of a / b with `sign` 'dividend' (C's fmod) or 'divisor' (Python's %), unrecorded. */
function remainderForward(op: 'fmod' | 'remainder', a: TensorLike, b: TensorLike): Tensor {
  const like = (isTensor(a) ? a : b) as Tensor;
  const dtype = binaryResultType(a, b);
  if (dtype === 'bool') throw new TypeError(`${op}(): not implemented for 'bool' (convert with .int() or .float() first)`);
  const integral = !isFloating(dtype);
  const zeroDivision = `${op}(): ZeroDivisionError: integer ${op} by zero`;
  if (integral && !isTensor(b) && scalarValue(op, b) === 0) throw new RangeError(zeroDivision);
  // Integers: in floating point, where every int32 remainder is exact; it always fits int32 (|r| < |b|).
  const compute: DType = integral ? exactFloat(like.backend) : dtype;
  return composite(() => {
    const ta = operand(a, compute, like);
    const tb = operand(b, compute, like);
    if (integral && isTensor(b)) assertNonzero(tb, zeroDivision);
    let r = cFmod(ta, tb);
    if (op === 'remainder') {
      // Python's: where the remainder is nonzero and its sign differs from the divisor's, add the divisor.
      const flip = r.ne(0).logicalAnd(tb.lt(0).ne(r.lt(0)));
      r = where(flip, r.add(tb), r);
    }
    return integral ? int32Exact(op, r, 'a.double()') : r;
  });
}

/** PyTorch records these with a NotImplemented node: backward through it is an error, not a silent zero. */
function recordNotImplemented(out: Tensor, op: string, inputs: readonly unknown[]): void {
  record(out, 'NotImplemented', inputs, () => {
    throw new Error(`derivative for aten::${op} is not implemented`);
  });
}

/**
 * C's `fmod`: the remainder of `input / other` with the dividend's sign
 * (fmod(-7, 2) is -1), exact; `other` may be a number. Integers stay integers
 * and a zero divisor raises (PyTorch's ZeroDivisionError); float division by
 * zero gives NaN.
 *
 * @example
 * g.fmod(g.tensor([-7, 7]), 2); // tensor([-1.,  1.])
 */
export function fmod(input: Tensor, other: TensorLike): Tensor {
  checkTensor('fmod', input, 'input');
  if (isTensor(other)) commonDevice('fmod', input, checkTensor('fmod', other, 'other'));
  const out = remainderForward('fmod', input, other);
  if (needsGrad(input, other)) {
    if (!isTensor(other)) record(out, 'FmodBackward0', [input], (g) => [g]);
    else {
      record(
        out,
        'FmodBackward1',
        [input, other],
        (g) => [wantsGrad(input) ? g : null, wantsGrad(other) ? g.neg().mul(div(input, other, { roundingMode: 'trunc' })) : null],
        [input, other],
      );
    }
  }
  return out;
}

/**
 * Python's modulus: the remainder of `input / other` with the divisor's sign
 * (remainder(-7, 2) is 1), computed from the exact fmod as PyTorch does;
 * either argument may be a number. Integers stay integers and a zero divisor
 * raises (PyTorch's ZeroDivisionError).
 *
 * @example
 * g.remainder(g.tensor([-7, 7]), 2); // tensor([1., 1.])
 * g.remainder(g.tensor([-7, 7]), -2); // tensor([-1., -1.])
 */
export function remainder(input: TensorLike, other: TensorLike): Tensor {
  if (!isTensor(input) && !isTensor(other)) throw new TypeError('remainder(): expected at least one Tensor operand');
  if (isTensor(input)) checkTensor('remainder', input, 'input');
  if (isTensor(other)) checkTensor('remainder', other, 'other');
  if (isTensor(input) && isTensor(other)) commonDevice('remainder', input, other);
  const out = remainderForward('remainder', input, other);
  if (needsGrad(input, other)) {
    if (!isTensor(input)) recordNotImplemented(out, 'remainder', [input, other]);
    else if (!isTensor(other)) record(out, 'RemainderBackward0', [input], (g) => [g]);
    else {
      record(
        out,
        'RemainderBackward1',
        [input, other],
        (g) => [wantsGrad(input) ? g : null, wantsGrad(other) ? g.neg().mul(div(input, other, { roundingMode: 'floor' })) : null],
        [input, other],
      );
    }
  }
  return out;
}

/**
 * `input // other`, rounded down (PyTorch 1.13's floor_divide, the same as
 * `div(a, b, { roundingMode: 'floor' })`); either argument may be a number.
 * Integers stay integers and a zero divisor raises. Not differentiable, as in
 * PyTorch (backward through it is an error).
 *
 * @example
 * g.floorDivide(g.tensor([-7, 7]), 2); // tensor([-4.,  3.])
 */
export function floorDivide(input: TensorLike, other: TensorLike): Tensor {
  const out = noGrad(() => roundedDivide(input, other, 'floor', 'floorDivide'));
  if (needsGrad(input, other)) recordNotImplemented(out, 'floor_divide', [input, other]);
  return out;
}

/**
 * `log(eᵃ + eᵇ)` without overflow (PyTorch's algorithm: the larger operand
 * plus log1p(e^-|a-b|), and a itself where a = b = ±inf). Floating tensors
 * only, as in PyTorch.
 *
 * @example
 * g.logaddexp(g.tensor([1, -2]), g.tensor([0.5, 3])); // tensor([1.4741, 3.0067])
 */
export function logaddexp(input: Tensor, other: Tensor): Tensor {
  return logAddExpOf('logaddexp', input, other);
}

/**
 * `log₂(2ᵃ + 2ᵇ)` without overflow. Floating tensors only, as in PyTorch.
 *
 * @example
 * g.logaddexp2(g.tensor([1, 3]), g.tensor([1, 0])); // tensor([2.0000, 3.1699])
 */
export function logaddexp2(input: Tensor, other: Tensor): Tensor {
  return logAddExpOf('logaddexp2', input, other);
}

function logAddExpOf(op: 'logaddexp' | 'logaddexp2', input: Tensor, other: Tensor): Tensor {
  const [a, b] = checkTensors(op, input, other);
  checkFloating(op, a, b);
  const dtype = toFloating(binaryResultType(a, b));
  const base2 = op === 'logaddexp2';
  return composite(
    () => {
      const ca = castTo(a, dtype);
      const cb = castTo(b, dtype);
      const tail = ca.sub(cb).abs().neg();
      const log1p = base2
        ? tail
            .exp2()
            .log1p()
            .mul(1 / Math.LN2)
        : tail.exp().log1p();
      const same = ca.eq(cb).logicalAnd(ca.abs().eq(Infinity));
      return where(same, ca, ca.maximum(cb).add(log1p));
    },
    {
      name: base2 ? 'Logaddexp2Backward0' : 'LogaddexpBackward0',
      inputs: [a, b],
      saved: () => [a, b],
      backward: (g) => {
        const grow = (d: Tensor) => (base2 ? d.exp2() : d.exp()).add(1);
        return [wantsGrad(a) ? g.div(grow(b.sub(a))) : null, wantsGrad(b) ? g.div(grow(a.sub(b))) : null];
      },
    },
  );
}
