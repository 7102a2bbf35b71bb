/**
 * PyTorch's 0-d tensors of optimizer state, kept on the host, and PyTorch's
 * arithmetic on them and on Python floats. Several torch.optim algorithms
 * keep a number as a 0-d tensor (NAdam's `mu_product`, ASGD's `eta` and `mu`,
 * LBFGS's `ro`, `t`, `H_diag`) and compute with it next to Python floats: the
 * result is rounded to the tensor's dtype (float32 unless it was loaded into
 * float64 parameters). Computing the same roundings on the host gives
 * PyTorch's numbers without reading a tensor back at every step.
 */
import type { DType } from '@graft/core';

/** A floating dtype a {@link StateScalar} may have. */
export type ScalarDType = 'float32' | 'float64';

/** `value` rounded to `dtype`. */
export function roundTo(value: number, dtype: ScalarDType): number {
  return dtype === 'float32' ? Math.fround(value) : value;
}

/**
 * A 0-d tensor of PyTorch's optimizer state, held on the host: its value
 * (already rounded to its dtype) and its dtype. `stateDict()` writes it as a
 * 0-d tensor; `loadStateDict()` reads one (cast to the parameter's dtype, as
 * PyTorch casts state).
 *
 * @example
 * const muProduct = new StateScalar(1, 'float32');
 * py.mul(muProduct, 0.9).value; // Math.fround(0.9): a float32 product, as PyTorch's
 */
export class StateScalar {
  readonly value: number;
  constructor(
    value: number,
    readonly dtype: ScalarDType,
  ) {
    this.value = roundTo(value, dtype);
  }
}

/** A Python float (a number) or a 0-d tensor (a {@link StateScalar}). */
export type PyScalar = number | StateScalar;

/** The float dtype of a tensor dtype (state of int tensors does not exist: float32 then). */
export function scalarDType(dtype: DType): ScalarDType {
  return dtype === 'float64' ? 'float64' : 'float32';
}

/** The dtype an operation on `a` and `b` computes in: none for two Python floats, else the widest 0-d tensor's. */
function dtypeOf(a: PyScalar, b: PyScalar): ScalarDType | undefined {
  const da = a instanceof StateScalar ? a.dtype : undefined;
  const db = b instanceof StateScalar ? b.dtype : undefined;
  if (da === 'float64' || db === 'float64') return 'float64';
  return da ?? db;
}

const numberOf = (x: PyScalar): number => (x instanceof StateScalar ? x.value : x);

/** `f(a, b)` as Python computes it: in doubles for two floats; else with both operands and the result in the tensor's dtype. */
function binary(a: PyScalar, b: PyScalar, f: (x: number, y: number) => number): PyScalar {
  const dtype = dtypeOf(a, b);
  if (dtype === undefined) return f(a as number, b as number);
  return new StateScalar(f(roundTo(numberOf(a), dtype), roundTo(numberOf(b), dtype)), dtype);
}

function compare(a: PyScalar, b: PyScalar, f: (x: number, y: number) => boolean): boolean {
  const dtype = dtypeOf(a, b);
  return dtype === undefined ? f(a as number, b as number) : f(roundTo(numberOf(a), dtype), roundTo(numberOf(b), dtype));
}

/**
 * Python's operators on floats and 0-d tensors, as PyTorch evaluates them.
 * `float / tensor` is `tensor.reciprocal() * float` (PyTorch's `__rtruediv__`);
 * `min`/`max` are Python's (the first argument unless the second is strictly
 * smaller/larger).
 *
 * @example
 * py.div(1, new StateScalar(3, 'float32')); // a float32 0-d tensor: fround(fround(1 / 3) * 1)
 */
export const py = {
  value: numberOf,
  add: (a: PyScalar, b: PyScalar) => binary(a, b, (x, y) => x + y),
  sub: (a: PyScalar, b: PyScalar) => binary(a, b, (x, y) => x - y),
  mul: (a: PyScalar, b: PyScalar) => binary(a, b, (x, y) => x * y),
  div(a: PyScalar, b: PyScalar): PyScalar {
    if (typeof a === 'number' && b instanceof StateScalar) return py.mul(new StateScalar(1 / b.value, b.dtype), a);
    return binary(a, b, (x, y) => x / y);
  },
  abs: (a: PyScalar): PyScalar => (a instanceof StateScalar ? new StateScalar(Math.abs(a.value), a.dtype) : Math.abs(a)),
  sqrt: (a: PyScalar): PyScalar => (a instanceof StateScalar ? new StateScalar(Math.sqrt(a.value), a.dtype) : Math.sqrt(a)),
  lt: (a: PyScalar, b: PyScalar) => compare(a, b, (x, y) => x < y),
  le: (a: PyScalar, b: PyScalar) => compare(a, b, (x, y) => x <= y),
  gt: (a: PyScalar, b: PyScalar) => compare(a, b, (x, y) => x > y),
  ge: (a: PyScalar, b: PyScalar) => compare(a, b, (x, y) => x >= y),
  min: (a: PyScalar, b: PyScalar): PyScalar => (py.lt(b, a) ? b : a),
  max: (a: PyScalar, b: PyScalar): PyScalar => (py.gt(b, a) ? b : a),
};
