/**
 * Unary math beyond the basics: hyperbolic and inverse trigonometric
 * functions, base-2 and base-10 logarithms and powers, truncation. Each is one
 * backend kernel (PyTorch's values at the edges are the kernel's contract)
 * and a backward rule written as PyTorch's derivatives.yaml writes it, in the
 * same order of operations, so float32 gradients round as PyTorch's do.
 * Integer and bool inputs give float32, as in PyTorch.
 */
import { needsGrad, record } from '../autograd/record.js';
import type { UnaryOp } from '../backend/spec.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from './dispatch.js';
import { composite } from './composite.js';
import { binaryForward, sub, unaryForward } from './elementwise.js';
import { zerosLike } from './promotion.js';

type Rule = (grad: Tensor, x: Tensor, out: Tensor) => Tensor;

/** A differentiable floating unary op: the kernel, and PyTorch's node with `rule` reading `x` or the result. */
function floatingUnary(op: UnaryOp, node: string, rule: Rule, reads: 'x' | 'out'): (x: Tensor) => Tensor {
  return (x: Tensor) => {
    const out = unaryForward(op, x);
    if (needsGrad(x)) record(out, node, [x], (g) => [rule(g, x, out)], [reads === 'x' ? x : out]);
    return out;
  };
}

/**
 * The hyperbolic sine of each element (integers give float32). Overflows
 * to ±inf where PyTorch's does (float32: |x| ≥ 88.7228, where e^|x| does).
 *
 * @example
 * g.sinh(g.tensor([0, 1])); // tensor([0.0000, 1.1752])
 */
export const sinh = floatingUnary('sinh', 'SinhBackward0', (g, x) => g.mul(x.cosh()), 'x');

/**
 * The hyperbolic cosine of each element (integers give float32).
 *
 * @example
 * g.cosh(g.tensor([0, 1])); // tensor([1.0000, 1.5431])
 */
export const cosh = floatingUnary('cosh', 'CoshBackward0', (g, x) => g.mul(x.sinh()), 'x');

/**
 * The tangent of each element (radians; integers give float32).
 *
 * @example
 * g.tan(g.tensor([0, 1])); // tensor([0.0000, 1.5574])
 */
export const tan = floatingUnary('tan', 'TanBackward0', (g, _x, out) => g.mul(out.square().add(1)), 'out');

/**
 * The arcsine of each element, in [-π/2, π/2]; NaN outside [-1, 1].
 *
 * @example
 * g.asin(g.tensor([0, 1])); // tensor([0.0000, 1.5708])
 */
export const asin = floatingUnary('asin', 'AsinBackward0', (g, x) => g.mul(x.neg().mul(x).add(1).rsqrt()), 'x');

/**
 * The arccosine of each element, in [0, π]; NaN outside [-1, 1].
 *
 * @example
 * g.acos(g.tensor([1, 0])); // tensor([0.0000, 1.5708])
 */
export const acos = floatingUnary('acos', 'AcosBackward0', (g, x) => g.mul(x.neg().mul(x).add(1).rsqrt().neg()), 'x');

/**
 * The arctangent of each element, in (-π/2, π/2).
 *
 * @example
 * g.atan(g.tensor([0, 1])); // tensor([0.0000, 0.7854])
 */
export const atan = floatingUnary('atan', 'AtanBackward0', (g, x) => g.div(x.mul(x).add(1)), 'x');

/**
 * The inverse hyperbolic sine of each element.
 *
 * @example
 * g.asinh(g.tensor([0, 1])); // tensor([0.0000, 0.8814])
 */
export const asinh = floatingUnary('asinh', 'AsinhBackward0', (g, x) => g.mul(x.square().add(1).rsqrt()), 'x');

/**
 * The inverse hyperbolic cosine of each element; NaN below 1.
 *
 * @example
 * g.acosh(g.tensor([1, 2])); // tensor([0.0000, 1.3170])
 */
export const acosh = floatingUnary('acosh', 'AcoshBackward0', (g, x) => g.mul(x.square().sub(1).rsqrt()), 'x');

/**
 * The inverse hyperbolic tangent of each element: ±inf at ±1, NaN beyond.
 *
 * @example
 * g.atanh(g.tensor([0, 0.5])); // tensor([0.0000, 0.5493])
 */
export const atanh = floatingUnary('atanh', 'AtanhBackward0', (g, x) => g.div(sub(1, x.square())), 'x');

/**
 * The base-2 logarithm of each element (-inf at 0, NaN below).
 *
 * @example
 * g.log2(g.tensor([1, 8])); // tensor([0., 3.])
 */
export const log2 = floatingUnary('log2', 'Log2Backward0', (g, x) => g.div(x.mul(Math.LN2)), 'x');

/**
 * The base-10 logarithm of each element (-inf at 0, NaN below).
 *
 * @example
 * g.log10(g.tensor([1, 100])); // tensor([0., 2.])
 */
export const log10 = floatingUnary('log10', 'Log10Backward0', (g, x) => g.div(x.mul(Math.LN10)), 'x');

/**
 * `2ˣ` of each element (integers give float32).
 *
 * @example
 * g.exp2(g.tensor([0, 3])); // tensor([1., 8.])
 */
export const exp2 = floatingUnary('exp2', 'Exp2Backward0', (g, _x, out) => g.mul(out).mul(Math.LN2), 'out');

/**
 * NumPy's name for {@link asin} (PyTorch's `arcsin`).
 *
 * @example
 * g.arcsin(g.tensor([1])); // tensor([1.5708])
 */
export function arcsin(x: Tensor): Tensor {
  return asin(x);
}
/**
 * NumPy's name for {@link acos} (PyTorch's `arccos`).
 *
 * @example
 * g.arccos(g.tensor([0])); // tensor([1.5708])
 */
export function arccos(x: Tensor): Tensor {
  return acos(x);
}
/**
 * NumPy's name for {@link atan} (PyTorch's `arctan`).
 *
 * @example
 * g.arctan(g.tensor([1])); // tensor([0.7854])
 */
export function arctan(x: Tensor): Tensor {
  return atan(x);
}
/**
 * NumPy's name for {@link asinh} (PyTorch's `arcsinh`).
 *
 * @example
 * g.arcsinh(g.tensor([1])); // tensor([0.8814])
 */
export function arcsinh(x: Tensor): Tensor {
  return asinh(x);
}
/**
 * NumPy's name for {@link acosh} (PyTorch's `arccosh`).
 *
 * @example
 * g.arccosh(g.tensor([2])); // tensor([1.3170])
 */
export function arccosh(x: Tensor): Tensor {
  return acosh(x);
}
/**
 * NumPy's name for {@link atanh} (PyTorch's `arctanh`).
 *
 * @example
 * g.arctanh(g.tensor([0.5])); // tensor([0.5493])
 */
export function arctanh(x: Tensor): Tensor {
  return atanh(x);
}

/**
 * Each element rounded toward zero. Integers stay integers (a copy); bool is
 * refused, as in PyTorch. The gradient is zero.
 *
 * @example
 * g.trunc(g.tensor([-1.7, 2.5])); // tensor([-1.,  2.])
 */
export function trunc(x: Tensor): Tensor {
  checkTensor('trunc', x);
  if (x.dtype === 'bool') throw new TypeError("trunc(): not implemented for 'bool' (convert with .int() or .float() first)");
  const out = unaryForward('trunc', x);
  if (needsGrad(x)) record(out, 'TruncBackward0', [x], (g) => [zerosLike(g)]);
  return out;
}

/**
 * PyTorch's other name for {@link trunc}.
 *
 * @example
 * g.fix(g.tensor([-1.7])); // tensor([-1.])
 */
export function fix(x: Tensor): Tensor {
  return trunc(x);
}

/**
 * The fractional part `x - trunc(x)`, with x's sign (NaN for ±inf). Floating
 * inputs only, as in PyTorch; the gradient passes through.
 *
 * @example
 * g.frac(g.tensor([-1.75, 2.5])); // tensor([-0.7500,  0.5000])
 */
export function frac(x: Tensor): Tensor {
  checkTensor('frac', x);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new TypeError(`frac(): not implemented for '${x.dtype}' (the fractional part of an integer is 0; convert with .float() first)`);
  }
  // x - trunc(x) is exact in floating point.
  return composite(() => binaryForward('sub', x, unaryForward('trunc', x), 'same'), {
    name: 'FracBackward0',
    inputs: [x],
    backward: (g) => [g],
  });
}
