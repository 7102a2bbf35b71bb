/**
 * Elementwise predicates and closeness: `isinf`, `isposinf`, `isneginf`,
 * `isreal`, `signbit` (bool tensors), `isclose` (PyTorch's algorithm,
 * `|a - b| ≤ atol + rtol·|b|` with infinities only equal to themselves) and
 * the whole-tensor answers `allclose` and `equal` (booleans).
 */
import { isFloating } from '../dtype.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { parseArgs } from './args.js';
import { composite } from './composite.js';
import { checkTensor, commonDevice, wrap } from './dispatch.js';
import { exactFloat } from './integer.js';
import { castTo } from './promotion.js';

/** A bool tensor of `x`'s shape filled with `value` (the answer for every element of an integer tensor). */
function constantBool(x: Tensor, value: boolean): Tensor {
  return wrap(x, x.backend.fill(x.numel(), value ? 1 : 0, 'bool'), x.shape, 'bool');
}

/**
 * Whether each element is +inf or -inf (bool; integers never are).
 *
 * @example
 * g.isinf(g.tensor([1, Infinity, -Infinity, NaN])); // tensor([False,  True,  True, False])
 */
export function isinf(x: Tensor): Tensor {
  checkTensor('isinf', x);
  if (!isFloating(x.dtype)) return constantBool(x, false);
  return composite(() => x.abs().eq(Infinity));
}

/**
 * Whether each element is +inf (bool).
 *
 * @example
 * g.isposinf(g.tensor([Infinity, -Infinity])); // tensor([ True, False])
 */
export function isposinf(x: Tensor): Tensor {
  checkTensor('isposinf', x);
  if (!isFloating(x.dtype)) return constantBool(x, false);
  return x.eq(Infinity);
}

/**
 * Whether each element is -inf (bool).
 *
 * @example
 * g.isneginf(g.tensor([Infinity, -Infinity])); // tensor([False,  True])
 */
export function isneginf(x: Tensor): Tensor {
  checkTensor('isneginf', x);
  if (!isFloating(x.dtype)) return constantBool(x, false);
  return x.eq(-Infinity);
}

/**
 * Whether each element is real: always true, as Graft has no complex dtype
 * (PyTorch's `isreal` on a real tensor).
 *
 * @example
 * g.isreal(g.tensor([1, NaN])); // tensor([True, True])
 */
export function isreal(x: Tensor): Tensor {
  checkTensor('isreal', x);
  return constantBool(x, true);
}

/**
 * Whether each element's sign bit is set: true for negative numbers, -0 and
 * -inf (bool; false for bool tensors). NaN counts as positive (JavaScript
 * does not keep a NaN's sign).
 *
 * @example
 * g.signbit(g.tensor([-1, -0, 0, 2])); // tensor([ True,  True, False, False])
 */
export function signbit(x: Tensor): Tensor {
  checkTensor('signbit', x);
  if (x.dtype === 'bool') return constantBool(x, false);
  if (!isFloating(x.dtype)) return x.lt(0);
  // -0 is the one negative number that is not below 0: its reciprocal is -inf.
  return composite(() => x.lt(0).logicalOr(x.reciprocal().lt(0)));
}

/** Options of `isclose` and `allclose` (PyTorch's keyword arguments). */
export interface IscloseOptions {
  /** Relative tolerance (default 1e-5), ≥ 0. */
  rtol?: number;
  /** Absolute tolerance (default 1e-8), ≥ 0. */
  atol?: number;
  /** Whether NaN equals NaN (default false). */
  equalNan?: boolean;
}

function closeness(op: string, a: Tensor, b: Tensor, args: unknown[]): Tensor {
  checkTensor(op, a, 'input');
  checkTensor(op, b, 'other');
  commonDevice(op, a, b);
  const o = parseArgs(op, args, ['rtol', 'atol', 'equalNan']);
  const rtol = (o['rtol'] ?? 1e-5) as number;
  const atol = (o['atol'] ?? 1e-8) as number;
  const equalNan = (o['equalNan'] ?? false) as boolean;
  if (typeof rtol !== 'number' || typeof atol !== 'number') throw new TypeError(`${op}(): rtol and atol must be numbers`);
  if (typeof equalNan !== 'boolean') throw new TypeError(`${op}(): argument 'equalNan' must be a boolean, not ${typeof equalNan}`);
  if (a.dtype !== b.dtype) {
    throw new TypeError(`${op}(): ${a.dtype} did not match ${b.dtype} (both tensors must have one dtype; convert one with .to())`);
  }
  if (!(rtol >= 0)) throw new RangeError(`rtol must be greater than or equal to zero, but got ${rtol}`);
  if (!(atol >= 0)) throw new RangeError(`atol must be greater than or equal to zero, but got ${atol}`);
  return composite(() => {
    let close = a.eq(b);
    if (equalNan && isFloating(a.dtype)) close = close.logicalOr(a.isnan().logicalAnd(b.isnan()));
    if (rtol === 0 && atol === 0) return close;
    // PyTorch: allowed = atol + |rtol · b|, actual = |a - b| (exactly, for integers), close where actual is finite and ≤ allowed.
    const cb = isFloating(b.dtype) ? b : castTo(b, 'float32');
    const allowed = cb.mul(rtol).abs().add(atol);
    let actual: Tensor;
    if (isFloating(a.dtype)) actual = a.sub(b).abs();
    else if (a.dtype === 'bool') actual = castTo(a, 'float32').sub(cb).abs();
    else {
      // int64 in PyTorch: the difference is exact, then compared in float32.
      const wide = exactFloat(a.backend);
      actual = castTo(castTo(a, wide).sub(castTo(b, wide)).abs(), 'float32');
    }
    return close.logicalOr(actual.isfinite().logicalAnd(actual.le(allowed)));
  });
}

/**
 * Whether each pair of elements is close: `|a - b| ≤ atol + rtol·|b|`, or
 * equal (infinities are close only to themselves; NaN to NaN only with
 * `{ equalNan: true }`). Both tensors share a dtype, as in PyTorch, and
 * broadcast.
 *
 * @example
 * g.isclose(g.tensor([1, 2]), g.tensor([1.000001, 2.1])); // tensor([ True, False])
 * g.isclose(g.tensor([NaN]), g.tensor([NaN]), { equalNan: true }); // tensor([True])
 */
export function isclose(
  input: Tensor,
  other: Tensor,
  rtol?: number | IscloseOptions,
  atol?: number,
  equalNan?: boolean,
  options?: IscloseOptions,
): Tensor {
  return closeness('isclose', input, other, [rtol, atol, equalNan, options]);
}

/**
 * Whether every pair of elements is close (see {@link isclose}): a boolean.
 * Reads the answer back from the device.
 *
 * @example
 * g.allclose(g.tensor([1, 2]), g.tensor([1.000001, 2])); // true
 */
export function allclose(
  input: Tensor,
  other: Tensor,
  rtol?: number | IscloseOptions,
  atol?: number,
  equalNan?: boolean,
  options?: IscloseOptions,
): boolean {
  const all = composite(() => closeness('allclose', input, other, [rtol, atol, equalNan, options]).all());
  const result = all.item() as boolean;
  all.dispose();
  return result;
}

/**
 * Whether two tensors have the same shape and the same values (of any
 * dtypes; NaN equals nothing): a boolean, as PyTorch's `torch.equal`.
 * Reads the answer back from the device.
 *
 * @example
 * g.equal(g.tensor([1, 2]), g.tensor([1, 2])); // true
 * g.equal(g.tensor([1, 2]), g.tensor([[1, 2]])); // false (shapes differ)
 */
export function equal(input: Tensor, other: Tensor): boolean {
  checkTensor('equal', input, 'input');
  checkTensor('equal', other, 'other');
  commonDevice('equal', input, other);
  if (!shapesEqual(input.shape, other.shape)) return false;
  if (input.numel() === 0) return true;
  const all = composite(() => input.eq(other).all());
  const result = all.item() as boolean;
  all.dispose();
  return result;
}
