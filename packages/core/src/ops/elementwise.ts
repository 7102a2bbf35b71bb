/**
 * Elementwise ops: unary math, broadcasting binary arithmetic, comparisons,
 * logic, `where` and `clamp`. Each differentiable op records its backward rule
 * right where its forward is; rules are written in Tensor ops, so they are
 * themselves differentiable (higher-order gradients).
 */
import { isGraphRecordingEnabled, noGrad } from '../autograd/grad-mode.js';
import { needsGrad, record, wantsGrad } from '../autograd/record.js';
import { forwardAdActive } from '../autograd/tangents.js';
import type { BinaryOp, UnaryOp } from '../backend/spec.js';
import { type DType, isFloating, toFloating } from '../dtype.js';
import { checkOptions } from '../options.js';
import { broadcastShapes, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { isOptionsObject, parseArgs } from './args.js';
import { composite } from './composite.js';
import { checkTensor, commonDevice, expandView, isTensor, type TensorLike, wrap } from './dispatch.js';
import { exactFloat, int32Exact } from './integer.js';
import { binaryResultType, castTo, scalarValue, zerosLike } from './promotion.js';
import { roundDecimals, roundedDivide, type RoundingMode } from './rounding.js';
import { where } from './where.js';

export { binaryResultType, castTo } from './promotion.js';
export type { RoundingMode } from './rounding.js';
export { where } from './where.js';

// ---------------------------------------------------------------- unary

/** Ops that compute in floating point: integer inputs are promoted to float32. */
const FLOATING_UNARY = new Set<UnaryOp>([
  'reciprocal',
  'sqrt',
  'rsqrt',
  'exp',
  'expm1',
  'log',
  'log1p',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'erf',
  'sinh',
  'cosh',
  'tan',
  'asin',
  'acos',
  'atan',
  'asinh',
  'acosh',
  'atanh',
  'log2',
  'log10',
  'exp2',
  'erfc',
  'erfinv',
  'lgamma',
  'digamma',
  'trigamma',
]);

/** Integer unary ops whose result can leave int32 (-(-2^31), |-2^31|, 46341²): computed exactly, checked. */
const INTEGER_EXACT_UNARY = new Set<UnaryOp>(['neg', 'abs', 'square']);

/** Runs a unary kernel with PyTorch's dtype rules. Not recorded. */
export function unaryForward(op: UnaryOp, x: Tensor): Tensor {
  checkTensor(op, x);
  let input = x;
  let outDtype: DType = x.dtype;
  if (op === 'isnan' || op === 'isfinite' || op === 'logicalNot') outDtype = 'bool';
  else if (FLOATING_UNARY.has(op)) {
    if (!isFloating(x.dtype)) input = castTo(x, 'float32');
    outDtype = input.dtype;
  } else if (x.dtype === 'bool' && (op === 'neg' || op === 'sign' || op === 'abs' || op === 'relu')) {
    throw new TypeError(`${op}: not supported for bool tensors (convert with .int() or .float() first)`);
  } else if (x.dtype === 'int32' && INTEGER_EXACT_UNARY.has(op)) {
    const wide = castTo(x, exactFloat(x.backend));
    const exact = wrap(x, x.backend.unary(op, wide, wide.dtype), x.shape, wide.dtype);
    wide.dispose();
    return int32Exact(op, exact, `x.double().${op}()`);
  }
  const out = wrap(x, x.backend.unary(op, input, outDtype), x.shape, outDtype);
  if (input !== x) input.dispose();
  return out;
}

/** PyTorch's `zeros_like(grad)`: a constant, not connected to the graph (a second backward gives None). */
const zerosRule = (g: Tensor): Tensor[] => [zerosLike(g)];

/**
 * `grad` with zeros where the bool tensor `zeroWhere` (computed from the saved
 * `source`, relu's result) is true. PyTorch's formula (threshold_backward) is
 * a function of `source`, so under `createGraph` the first derivative stays
 * connected to it with a zero derivative: a second backward leaves zeros in
 * the leaves' `.grad`, where a bare mask would disconnect the graph and leave
 * null. Ops whose PyTorch formula does not reference its input (clamp, where,
 * maximum) use plain masks, so None-vs-zeros matches PyTorch either way.
 */
export function maskedGrad(name: string, grad: Tensor, zeroWhere: Tensor, source: Tensor): Tensor {
  const out = noGrad(() => where(zeroWhere, 0, grad)); // the node below is the one to record
  record(out, name, [grad, source], (gg) => [maskedGrad(name, gg, zeroWhere, source), zerosLike(source)], [zeroWhere]);
  return out;
}

/**
 * `-x`, elementwise.
 *
 * @example
 * g.neg(g.tensor([1, -2])); // tensor([-1.,  2.])
 */
export function neg(x: Tensor): Tensor {
  const out = unaryForward('neg', x);
  if (needsGrad(x)) record(out, 'NegBackward0', [x], (g) => [g.neg()]);
  return out;
}
/**
 * `|x|`, elementwise.
 *
 * @example
 * g.abs(g.tensor([-1.5])); // tensor([1.5000])
 */
export function abs(x: Tensor): Tensor {
  const out = unaryForward('abs', x);
  if (needsGrad(x)) record(out, 'AbsBackward0', [x], (g) => [g.mul(x.sign())], [x]);
  return out;
}
/**
 * -1, 0 or 1 by the sign of each element of `x`.
 *
 * @example
 * g.sign(g.tensor([-3, 0, 2])); // tensor([-1.,  0.,  1.])
 */
export function sign(x: Tensor): Tensor {
  const out = unaryForward('sign', x);
  if (needsGrad(x)) record(out, 'SignBackward0', [x], zerosRule);
  return out;
}
/**
 * `1 / x`, elementwise (integers give float32).
 *
 * @example
 * g.reciprocal(g.tensor([4])); // tensor([0.2500])
 */
export function reciprocal(x: Tensor): Tensor {
  const out = unaryForward('reciprocal', x);
  if (needsGrad(x)) record(out, 'ReciprocalBackward0', [x], (g) => [g.mul(out.mul(out)).neg()], [out]);
  return out;
}
/**
 * `x * x`, elementwise (recorded as PyTorch's `PowBackward0`).
 *
 * @example
 * g.square(g.tensor([3])); // tensor([9.])
 */
export function square(x: Tensor): Tensor {
  const out = unaryForward('square', x);
  if (needsGrad(x)) record(out, 'PowBackward0', [x], (g) => [g.mul(x.mul(2))], [x]);
  return out;
}
/**
 * The square root of each element (NaN below 0).
 *
 * @example
 * g.sqrt(g.tensor([4])); // tensor([2.])
 */
export function sqrt(x: Tensor): Tensor {
  const out = unaryForward('sqrt', x);
  if (needsGrad(x)) record(out, 'SqrtBackward0', [x], (g) => [g.div(out.mul(2))], [out]);
  return out;
}
/**
 * `1 / √x`, elementwise.
 *
 * @example
 * g.rsqrt(g.tensor([4])); // tensor([0.5000])
 */
export function rsqrt(x: Tensor): Tensor {
  const out = unaryForward('rsqrt', x);
  if (needsGrad(x)) record(out, 'RsqrtBackward0', [x], (g) => [g.mul(-0.5).mul(out.mul(out).mul(out))], [out]);
  return out;
}
/**
 * `eˣ` of each element.
 *
 * @example
 * g.exp(g.tensor([0])); // tensor([1.])
 */
export function exp(x: Tensor): Tensor {
  const out = unaryForward('exp', x);
  if (needsGrad(x)) record(out, 'ExpBackward0', [x], (g) => [g.mul(out)], [out]);
  return out;
}
/**
 * `eˣ - 1` of each element, exact near 0 (where `exp(x) - 1` loses digits).
 *
 * @example
 * g.expm1(g.tensor([0])); // tensor([0.])
 */
export function expm1(x: Tensor): Tensor {
  const out = unaryForward('expm1', x);
  if (needsGrad(x)) record(out, 'Expm1Backward0', [x], (g) => [g.mul(out.add(1))], [out]);
  return out;
}
/**
 * The natural logarithm of each element (-inf at 0, NaN below).
 *
 * @example
 * g.log(g.tensor([1])); // tensor([0.])
 */
export function log(x: Tensor): Tensor {
  const out = unaryForward('log', x);
  if (needsGrad(x)) record(out, 'LogBackward0', [x], (g) => [g.div(x)], [x]);
  return out;
}
/**
 * `log(1 + x)` of each element, exact near 0.
 *
 * @example
 * g.log1p(g.tensor([0])); // tensor([0.])
 */
export function log1p(x: Tensor): Tensor {
  const out = unaryForward('log1p', x);
  if (needsGrad(x)) record(out, 'Log1PBackward0', [x], (g) => [g.div(x.add(1))], [x]);
  return out;
}
/**
 * The sine of each element (radians).
 *
 * @example
 * g.sin(g.tensor([0])); // tensor([0.])
 */
export function sin(x: Tensor): Tensor {
  const out = unaryForward('sin', x);
  if (needsGrad(x)) record(out, 'SinBackward0', [x], (g) => [g.mul(x.cos())], [x]);
  return out;
}
/**
 * The cosine of each element (radians).
 *
 * @example
 * g.cos(g.tensor([0])); // tensor([1.])
 */
export function cos(x: Tensor): Tensor {
  const out = unaryForward('cos', x);
  if (needsGrad(x)) record(out, 'CosBackward0', [x], (g) => [g.mul(x.sin()).neg()], [x]);
  return out;
}
/**
 * Hyperbolic tangent; saturates to exactly ±1 where PyTorch's float32 (or
 * float64) result does, so the gradient there is exactly 0.
 *
 * @example
 * g.tanh(g.tensor([0, 100])); // tensor([0., 1.])
 */
export function tanh(x: Tensor): Tensor {
  const out = unaryForward('tanh', x);
  if (needsGrad(x)) record(out, 'TanhBackward0', [x], (g) => [tanhBackward(g, out)], [out]);
  return out;
}

/**
 * PyTorch's `tanh_backward(grad, output)`, `grad · (1 - y²)`: one pass with
 * the backend's optional kernel (dense operands of one float dtype, outside
 * createGraph and forward AD), else the ops, which also record it for a
 * second derivative. Both give the same bits.
 */
function tanhBackward(grad: Tensor, output: Tensor): Tensor {
  const kernel = grad.backend.tanhBackward;
  if (
    kernel === undefined ||
    isGraphRecordingEnabled() ||
    forwardAdActive() ||
    grad.dtype !== output.dtype ||
    !isFloating(grad.dtype) ||
    !shapesEqual(grad.shape, output.shape) ||
    !grad.isContiguous() ||
    !output.isContiguous() ||
    grad.device !== output.device
  ) {
    return grad.mul(oneMinusSquare(output));
  }
  return wrap(grad, kernel.call(grad.backend, grad, output), grad.shape, grad.dtype);
}

/**
 * 1 - y² as (1 - y)(1 + y): PyTorch's tanh_backward computes 1 - y·y with a
 * fused multiply-add (one rounding); 1 - fl(y²) would lose a dozen ulps to
 * cancellation as |y| nears 1, this loses none.
 */
function oneMinusSquare(y: Tensor): Tensor {
  return y.neg().add(1).mul(y.add(1));
}
/**
 * Logistic sigmoid `1 / (1 + e⁻ˣ)`; saturates to exactly 0 and 1 where PyTorch's does.
 *
 * @example
 * g.sigmoid(g.tensor([0, -100])); // tensor([0.5000, 0.0000])
 */
export function sigmoid(x: Tensor): Tensor {
  const out = unaryForward('sigmoid', x);
  if (needsGrad(x)) record(out, 'SigmoidBackward0', [x], (g) => [g.mul(out.neg().add(1)).mul(out)], [out]);
  return out;
}
/**
 * `max(x, 0)`. Its gradient stays connected to the result under createGraph,
 * as PyTorch's threshold_backward: a double backward gives zeros, not None.
 *
 * @example
 * g.relu(g.tensor([-1, 2])); // tensor([0., 2.])
 */
export function relu(x: Tensor): Tensor {
  const out = unaryForward('relu', x);
  if (needsGrad(x)) record(out, 'ReluBackward0', [x], (g) => [thresholdBackward(g, out, 0)], [out]);
  return out;
}

/**
 * PyTorch's `threshold_backward(grad, source, threshold)`: `grad` with zeros
 * where `source <= threshold`. One pass with the backend's optional kernel
 * (dense operands of one float dtype), else a comparison and a where
 * (`maskedGrad`). Recorded as maskedGrad records it, so a second backward
 * gives what PyTorch's gives.
 */
function thresholdBackward(grad: Tensor, source: Tensor, threshold: number): Tensor {
  const kernel = grad.backend.thresholdBackward;
  if (
    kernel === undefined ||
    grad.dtype !== source.dtype ||
    !isFloating(grad.dtype) ||
    !shapesEqual(grad.shape, source.shape) ||
    !grad.isContiguous() ||
    !source.isContiguous() ||
    grad.device !== source.device
  ) {
    return maskedGrad('ThresholdBackwardBackward0', grad, source.le(threshold), source);
  }
  const out = wrap(grad, kernel.call(grad.backend, grad, source, threshold), grad.shape, grad.dtype);
  record(out, 'ThresholdBackwardBackward0', [grad, source], (gg) => [thresholdBackward(gg, source, threshold), zerosLike(source)], [
    source,
  ]);
  return out;
}
/**
 * The error function of each element.
 *
 * @example
 * g.erf(g.tensor([0])); // tensor([0.])
 */
export function erf(x: Tensor): Tensor {
  const out = unaryForward('erf', x);
  if (needsGrad(x))
    record(
      out,
      'ErfBackward0',
      [x],
      (g) => [
        g.mul(
          x
            .square()
            .neg()
            .exp()
            .mul(2 / Math.sqrt(Math.PI)),
        ),
      ],
      [x],
    );
  return out;
}
/**
 * Each element rounded down.
 *
 * @example
 * g.floor(g.tensor([1.5])); // tensor([1.])
 */
export function floor(x: Tensor): Tensor {
  const out = unaryForward('floor', x);
  if (needsGrad(x)) record(out, 'FloorBackward0', [x], zerosRule);
  return out;
}
/**
 * Each element rounded up.
 *
 * @example
 * g.ceil(g.tensor([1.5])); // tensor([2.])
 */
export function ceil(x: Tensor): Tensor {
  const out = unaryForward('ceil', x);
  if (needsGrad(x)) record(out, 'CeilBackward0', [x], zerosRule);
  return out;
}
/** round to integers (`decimals` unset). */
function roundToInteger(x: Tensor): Tensor {
  const out = unaryForward('round', x);
  if (needsGrad(x)) record(out, 'RoundBackward0', [x], zerosRule);
  return out;
}

/** Options of `round` (PyTorch's keyword argument). */
export interface RoundOptions {
  /** Digits after the decimal point to round to (negative: to tens, hundreds, …). Floating inputs only. */
  decimals?: number;
}

/**
 * Rounds half to even, as PyTorch; with `{ decimals }`, to that many decimal
 * places by PyTorch's algorithm (`round(x · 10^d) / 10^d` in x's precision,
 * so float32 results are PyTorch's float32 results).
 *
 * @example
 * g.round(g.tensor([0.5, 1.5])); // tensor([0., 2.])
 * g.round(g.tensor([1.2345, 2.675]), { decimals: 2 }); // tensor([1.2300, 2.6800])
 */
export function round(x: Tensor, options?: RoundOptions): Tensor {
  const { decimals } = checkOptions('round', options, ['decimals']);
  if (decimals === undefined || decimals === null) return roundToInteger(x);
  checkTensor('round', x);
  return roundDecimals(x, decimals);
}
/**
 * Whether each element is NaN (bool).
 *
 * @example
 * g.isnan(g.tensor([NaN, 1])); // tensor([ True, False])
 */
export function isnan(x: Tensor): Tensor {
  return unaryForward('isnan', x);
}
/**
 * Whether each element is finite: not ±inf and not NaN (bool).
 *
 * @example
 * g.isfinite(g.tensor([Infinity, 1])); // tensor([False,  True])
 */
export function isfinite(x: Tensor): Tensor {
  return unaryForward('isfinite', x);
}
/**
 * Elementwise NOT of truthiness (bool); PyTorch's `logical_not`.
 *
 * @example
 * g.logicalNot(g.tensor([true, false])); // tensor([False,  True])
 */
export function logicalNot(x: Tensor): Tensor {
  return unaryForward('logicalNot', x);
}

// ---------------------------------------------------------------- binary

/** Integer binary ops whose result can leave int32: computed exactly, checked (see integer.ts). */
const INTEGER_EXACT_BINARY = new Set<BinaryOp>(['add', 'sub', 'mul', 'pow']);

/**
 * Runs a broadcasting binary kernel with PyTorch's promotion rules. Not recorded.
 * `outKind`: the result keeps the promoted dtype ('same'), is bool, or is floating.
 */
export function binaryForward(op: BinaryOp, a: TensorLike, b: TensorLike, outKind: 'same' | 'bool' | 'float'): Tensor {
  // Fast path: two live float tensors of one shape, dtype and device (most of a training step).
  if (
    a instanceof Tensor &&
    b instanceof Tensor &&
    a.dtype === b.dtype &&
    shapesEqual(a.shape, b.shape) &&
    (a.dtype === 'float32' || a.dtype === 'float64') &&
    !a.isDisposed &&
    !b.isDisposed &&
    a.storage.device === b.storage.device
  ) {
    const outDtype = outKind === 'bool' ? 'bool' : a.dtype;
    return wrap(a, a.backend.binary(op, a, b, a.shape, outDtype), a.shape, outDtype);
  }
  const aIsT = isTensor(a);
  const bIsT = isTensor(b);
  if (!aIsT && !bIsT) throw new TypeError(`${op}(): expected at least one Tensor operand, got ${typeof a} and ${typeof b}`);
  const like = (aIsT ? a : b) as Tensor;
  if (aIsT) checkTensor(op, a, 'input');
  if (bIsT) checkTensor(op, b, 'other');
  if (aIsT && bIsT) commonDevice(op, a, b);

  let compute = binaryResultType(a, b);
  if (outKind === 'float') compute = toFloating(compute);
  let kernelOp = op;
  if (compute === 'bool' && outKind === 'same') {
    if (op === 'add' || op === 'maximum') kernelOp = 'logicalOr';
    else if (op === 'mul' || op === 'minimum') kernelOp = 'logicalAnd';
    else
      throw new TypeError(
        `${op}(): not implemented for 'bool' (two bool operands: use logicalAnd/logicalOr/logicalNot, or convert with .int())`,
      );
  }
  if (compute === 'int32' && outKind === 'same' && INTEGER_EXACT_BINARY.has(op)) return integerBinary(op, a, b, like);
  const outDtype: DType = outKind === 'bool' ? 'bool' : compute;

  const shape = aIsT && bIsT ? broadcastShapes(op, a.shape, b.shape) : like.shape;
  const ca = aIsT ? castTo(a, compute) : undefined;
  const cb = bIsT ? castTo(b, compute) : undefined;
  const va = ca !== undefined ? expandView(ca, shape) : scalarValue(op, a as number);
  const vb = cb !== undefined ? expandView(cb, shape) : scalarValue(op, b as number);
  const out = wrap(like, like.backend.binary(kernelOp, va, vb, shape, outDtype), shape, outDtype);
  if (ca !== undefined && ca !== a) ca.dispose();
  if (cb !== undefined && cb !== b) cb.dispose();
  return out;
}

/**
 * An int32 add/sub/mul/pow, exactly: computed in float64 (exact for every
 * int32 operand and every result that fits), checked to fit int32. Integer
 * pow follows PyTorch's powi: 0 for |base| > 1 with a negative tensor
 * exponent (the truncated quotient), 0 for 0 to a negative power.
 */
function integerBinary(op: BinaryOp, a: TensorLike, b: TensorLike, like: Tensor): Tensor {
  const wide = exactFloat(like.backend);
  return composite(() => {
    const wa = isTensor(a) ? castTo(a, wide) : scalarValue(op, a);
    const wb = isTensor(b) ? castTo(b, wide) : scalarValue(op, b);
    let exact = binaryForward(op, wa, wb, 'same');
    if (op === 'pow') {
      const zeroToNegative = isTensor(wa)
        ? wa.eq(0).logicalAnd(isTensor(wb) ? wb.lt(0) : wb < 0)
        : wa === 0
          ? (wb as Tensor).lt(0)
          : undefined;
      if (zeroToNegative !== undefined) exact = where(zeroToNegative, 0, exact);
      // Round to the integer: |result| ≤ 1/2 with a negative exponent (0, as powi), and a GPU's pow may land an ulp off.
      exact = exact.round();
    }
    const how = isTensor(a) ? `a.double().${op}(b)` : `g.${op}(a, b.double())`;
    return int32Exact(op, exact, how);
  });
}

/** Options of `add` and `sub` (PyTorch's keyword argument). */
export interface AlphaOptions {
  /** The multiplier of the second operand (default 1); an integer for integer operands. */
  alpha?: number;
}

/**
 * `a op alpha · b` unrecorded, in the dtype of `a op b` (alpha never changes
 * it: an int32 tensor plus 0.5 · 2 is float32, as PyTorch's): alpha · b is
 * computed in that dtype (a float64 result does not round it to a float32
 * operand's precision first); integer results exactly (alpha · b computed
 * with the sum, in float64); bool stays bool (`a || (alpha && b)`).
 */
function withAlpha(op: 'add' | 'sub', a: TensorLike, b: TensorLike, alpha: number | undefined): Tensor {
  if (alpha === undefined || alpha === 1) return binaryForward(op, a, b, 'same');
  if (typeof alpha !== 'number') throw new TypeError(`${op}(): argument 'alpha' must be a number, not ${typeof alpha}`);
  const dtype = binaryResultType(a, b);
  if (!Number.isInteger(alpha) && !isFloating(dtype)) {
    throw new TypeError(`${op}(): For integral input tensors, argument alpha must not be a floating point number. Got alpha = ${alpha}`);
  }
  const inDtype = (t: TensorLike): TensorLike => (isTensor(t) ? castTo(t, dtype) : t);
  return composite(() => {
    // A bool alpha·b is b where alpha is nonzero, else false: the sum stays bool.
    if (dtype === 'bool') return binaryForward(op, a, alpha !== 0 ? b : false, 'same');
    if (dtype !== 'int32') {
      const scaled = isTensor(b) ? binaryForward('mul', castTo(b, dtype), alpha, 'same') : scalarValue(op, b) * alpha;
      return binaryForward(op, inDtype(a), scaled, 'same');
    }
    const wide = exactFloat(((isTensor(a) ? a : b) as Tensor).backend);
    const wa = isTensor(a) ? castTo(a, wide) : scalarValue(op, a);
    const wb = isTensor(b) ? binaryForward('mul', castTo(b, wide), alpha, 'same') : scalarValue(op, b) * alpha;
    return int32Exact(op, binaryForward(op, wa, wb, 'same'), `a.double().${op}(b, { alpha: ${alpha} })`);
  });
}

/** PyTorch refuses subtraction with a bool operand (a tensor or a boolean), pointing to the ops that invert masks. */
function checkSubOperands(a: TensorLike, b: TensorLike): void {
  const isBool = (t: TensorLike) => (isTensor(t) ? t.dtype === 'bool' : typeof t === 'boolean');
  if (isBool(a) && isBool(b)) {
    throw new TypeError(
      'sub(): Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead. In Graft: a.logicalXor(b).',
    );
  }
  if (isBool(a) || isBool(b)) {
    throw new TypeError(
      'sub(): Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead. In Graft: x.logicalNot().',
    );
  }
}

/**
 * `a + alpha * b`, broadcasting; numbers on either side. Integer results that
 * do not fit int32 raise (see docs/core.md, "Integers").
 *
 * @example
 * g.add(g.tensor([1, 2]), 10); // tensor([11., 12.])
 * g.add(g.tensor([1, 2]), g.tensor([1, 1]), { alpha: 2 }); // tensor([3., 4.])
 */
export function add(a: TensorLike, b: TensorLike, options?: AlphaOptions): Tensor {
  const { alpha } = checkOptions('add', options, ['alpha']);
  const out = withAlpha('add', a, b, alpha);
  if (needsGrad(a, b)) record(out, 'AddBackward0', [a, b], (g) => [g, alpha === undefined ? g : g.mul(alpha)]);
  return out;
}

/**
 * `a - alpha * b`, broadcasting; numbers on either side (`g.sub(10, d)`).
 *
 * @example
 * g.sub(10, g.tensor([1, 2])); // tensor([9., 8.])
 */
export function sub(a: TensorLike, b: TensorLike, options?: AlphaOptions): Tensor {
  const { alpha } = checkOptions('sub', options, ['alpha']);
  checkSubOperands(a, b);
  const out = withAlpha('sub', a, b, alpha);
  if (needsGrad(a, b)) {
    // PyTorch records `number - tensor` as rsub.
    const name = isTensor(a) ? 'SubBackward0' : 'RsubBackward1';
    record(out, name, [a, b], (g) => [g, g.mul(-(alpha ?? 1))]);
  }
  return out;
}

/**
 * `a * b`, broadcasting. Integer results that do not fit int32 raise.
 *
 * @example
 * g.mul(g.tensor([1, 2]), g.tensor([[3], [4]])); // tensor([[3., 6.], [4., 8.]])
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const out = binaryForward('mul', a, b, 'same');
  if (needsGrad(a, b)) {
    const aNeeded = wantsGrad(b);
    const bNeeded = wantsGrad(a);
    record(out, 'MulBackward0', [a, b], (g) => [bNeeded ? g.mul(b) : null, aNeeded ? g.mul(a) : null], [
      aNeeded ? a : null,
      bNeeded ? b : null,
    ]);
  }
  return out;
}

/** Options of `div` (PyTorch's keyword argument). */
export interface DivOptions {
  /**
   * `null` (default): true division, integers promoted to float32. `'trunc'`:
   * rounded toward zero; `'floor'`: rounded down (Python's `//`). With a
   * rounding mode integers stay integers (division by zero raises, as in
   * PyTorch) and the gradient is zero.
   */
  roundingMode?: RoundingMode | null;
}

/**
 * Division `a / b`: true division (integers are promoted to float32), or
 * rounded with `{ roundingMode: 'trunc' | 'floor' }` by PyTorch's algorithm
 * (floor division of floats is exact: 1 // 0.1 is 9, as in Python).
 *
 * @example
 * g.div(g.tensor([1, 2]), 4); // tensor([0.2500, 0.5000])
 * g.div(g.tensor([-7, 7]), 2, { roundingMode: 'floor' }); // tensor([-4.,  3.])
 */
export function div(a: TensorLike, b: TensorLike, options?: DivOptions): Tensor {
  const { roundingMode } = checkOptions('div', options, ['roundingMode']);
  if (roundingMode !== undefined && roundingMode !== null) {
    if (roundingMode !== 'trunc' && roundingMode !== 'floor') {
      throw new RangeError(
        `div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(roundingMode)}' (roundingMode: null, 'trunc' or 'floor')`,
      );
    }
    return roundedDivide(a, b, roundingMode);
  }
  const out = binaryForward('div', a, b, 'float');
  if (needsGrad(a, b)) {
    const bNeedsGrad = wantsGrad(b);
    // PyTorch's DivBackward0 saves a and b, not the result (which may then be changed in place, as
    // F.normalize's often is): d/db = -g·((a/b)/b), the result recomputed, with PyTorch's roundings.
    record(out, 'DivBackward0', [a, b], (g) => [wantsGrad(a) ? g.div(b) : null, bNeedsGrad ? g.mul(div(a, b).div(b)).neg() : null], [
      b,
      bNeedsGrad ? a : null,
    ]);
  }
  return out;
}

/**
 * `a ** b`; a number exponent or base works too. Integers follow PyTorch:
 * a negative number exponent raises ("Integers to negative integer powers
 * are not allowed."), a negative tensor exponent gives 0 unless the base is
 * ±1, `0 ** 0` is 1, and a result outside int32 raises.
 *
 * @example
 * g.pow(g.tensor([2, 3]), 2); // tensor([4., 9.])
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (isTensor(a) && !isTensor(b) && typeof b === 'number' && b < 0 && Number.isInteger(b) && !isFloating(binaryResultType(a, b))) {
    throw new RangeError('pow(): Integers to negative integer powers are not allowed.');
  }
  const out = (isTensor(a) && typeof b === 'number' && powByScalar(a, b)) || binaryForward('pow', a, b, 'same');
  if (needsGrad(a, b)) {
    if (!isTensor(b)) {
      const e = scalarValue('pow', b);
      record(out, 'PowBackward0', [a], (g) => [e === 0 ? zerosLike(a as Tensor) : g.mul((a as Tensor).pow(e - 1).mul(e))], [a]);
    } else if (!isTensor(a)) {
      // derivatives.yaml's pow_backward_exponent for a number base: grad * (result * log(base)), and 0 where
      // base == 0 and exponent >= 0 (there result · log 0 is 0 · -inf).
      const logBase = Math.log(scalarValue('pow', a));
      const dExponent = (g: Tensor) => {
        const d = out.mul(logBase);
        return g.mul(logBase === -Infinity ? where((b as Tensor).ge(0), 0, d) : d);
      };
      record(out, 'PowBackward2', [a, b], (g) => [null, dExponent(g)], [out, b]);
    } else {
      record(
        out,
        'PowBackward1',
        [a, b],
        (g) => [
          // pow_backward_self: where(exponent == 0, 0, grad * (exponent * self^(exponent - 1))).
          wantsGrad(a) ? where(b.eq(0), 0, g.mul(b.mul(a.pow(b.sub(1))))) : null,
          // d/db a^b = a^b log a, defined as 0 where a == 0 and b >= 0 (PyTorch's convention).
          wantsGrad(b) ? g.mul(where(a.eq(0).logicalAnd(b.ge(0)), 0, out.mul(a.log()))) : null,
        ],
        [a, b, out],
      );
    }
  }
  return out;
}

/**
 * A floating base to one of the exponents PyTorch's CPU pow kernel computes
 * by arithmetic instead of `std::pow` (ATen's PowKernel.cpp: 2, 3 and -2 by
 * products, 0.5, -0.5 and -1 by sqrt, rsqrt and reciprocal; 1 a copy): the
 * same roundings as PyTorch, and elementwise kernels instead of a general
 * power per element (x.pow(3) on a million floats took 68 ms, its two
 * products 1.4). Null for any other exponent or base. Not recorded.
 */
function powByScalar(a: Tensor, e: number): Tensor | null {
  if (!isFloating(a.dtype)) return null;
  const byProducts = (n: 2 | 3): Tensor => {
    const square = unaryForward('square', a);
    if (n === 2) return square;
    const cube = binaryForward('mul', square, a, 'same');
    square.dispose();
    return cube;
  };
  switch (e) {
    case 1:
      return binaryForward('mul', a, 1, 'same');
    case 2:
    case 3:
      return byProducts(e);
    case -2: {
      const square = byProducts(2);
      const out = binaryForward('div', 1, square, 'same');
      square.dispose();
      return out;
    }
    case 0.5:
      return unaryForward('sqrt', a);
    case -0.5:
      return unaryForward('rsqrt', a);
    case -1:
      return unaryForward('reciprocal', a);
    default:
      return null;
  }
}

function maxMinBackward(pick: 'gt' | 'lt', a: TensorLike, b: TensorLike, g: Tensor): (Tensor | null)[] {
  // PyTorch's rule: ties split the gradient evenly, the operand that loses gets 0, and otherwise (it wins, or
  // either is NaN, where no comparison holds) it gets the whole gradient.
  const aT = isTensor(a) ? a : null;
  const bT = isTensor(b) ? b : null;
  const half = g.mul(0.5);
  const tie = eq(a, b);
  const aLoses = pick === 'gt' ? lt(a, b) : gt(a, b);
  const bLoses = pick === 'gt' ? gt(a, b) : lt(a, b);
  return [wantsGrad(aT) ? where(tie, half, where(aLoses, 0, g)) : null, wantsGrad(bT) ? where(tie, half, where(bLoses, 0, g)) : null];
}

/**
 * Elementwise maximum, broadcasting (NaN wins, as in PyTorch).
 *
 * @example
 * g.maximum(g.tensor([1, 5]), g.tensor([3, 2])); // tensor([3., 5.])
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  const out = binaryForward('maximum', a, b, 'same');
  if (needsGrad(a, b)) record(out, 'MaximumBackward0', [a, b], (g) => maxMinBackward('gt', a, b, g), [a, b]);
  return out;
}

/**
 * Elementwise minimum, broadcasting (NaN wins, as in PyTorch).
 *
 * @example
 * g.minimum(g.tensor([1, 5]), g.tensor([3, 2])); // tensor([1., 2.])
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  const out = binaryForward('minimum', a, b, 'same');
  if (needsGrad(a, b)) record(out, 'MinimumBackward0', [a, b], (g) => maxMinBackward('lt', a, b, g), [a, b]);
  return out;
}

/**
 * `a == b` (bool).
 *
 * @example
 * g.eq(g.tensor([1, 2]), 2); // tensor([False,  True])
 */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return binaryForward('eq', a, b, 'bool');
}
/**
 * `a != b` (bool).
 *
 * @example
 * g.ne(g.tensor([1, 2]), 2); // tensor([ True, False])
 */
export function ne(a: TensorLike, b: TensorLike): Tensor {
  return binaryForward('ne', a, b, 'bool');
}
/**
 * `a < b` (bool).
 *
 * @example
 * g.lt(g.tensor([1, 2]), 2); // tensor([ True, False])
 */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return binaryForward('lt', a, b, 'bool');
}
/**
 * `a <= b` (bool).
 *
 * @example
 * g.le(g.tensor([1, 2]), 2); // tensor([True, True])
 */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return binaryForward('le', a, b, 'bool');
}
/**
 * `a > b` (bool).
 *
 * @example
 * g.gt(g.tensor([1, 2]), 1); // tensor([False,  True])
 */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return binaryForward('gt', a, b, 'bool');
}
/**
 * `a >= b` (bool).
 *
 * @example
 * g.ge(g.tensor([1, 2]), 2); // tensor([False,  True])
 */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return binaryForward('ge', a, b, 'bool');
}
/**
 * Elementwise AND of truthiness (bool), broadcasting; PyTorch's `logical_and`.
 *
 * @example
 * g.logicalAnd(g.tensor([true, true]), g.tensor([true, false])); // tensor([ True, False])
 */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return binaryForward('logicalAnd', a, b, 'bool');
}
/**
 * Elementwise OR of truthiness (bool), broadcasting; PyTorch's `logical_or`.
 *
 * @example
 * g.logicalOr(g.tensor([false, true]), false); // tensor([False,  True])
 */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return binaryForward('logicalOr', a, b, 'bool');
}

// ---------------------------------------------------------------- clamp

type Bound = number | Tensor | null | undefined;

/** Options of `clamp` (PyTorch's keyword arguments `min` and `max`). */
export interface ClampOptions {
  min?: number | Tensor | null;
  max?: number | Tensor | null;
}

/**
 * Limits values to [min, max]; either bound may be omitted (null/undefined),
 * given positionally or as `{ min, max }`.
 *
 * @example
 * g.clamp(g.tensor([-2, 0.5, 3]), 0, 1); // tensor([0.0000, 0.5000, 1.0000])
 * g.clamp(g.tensor([-2, 0.5, 3]), { max: 1 }); // tensor([-2.0000,  0.5000,  1.0000])
 */
export function clamp(x: Tensor, min?: Bound | ClampOptions, max?: Bound | ClampOptions, options?: ClampOptions): Tensor {
  return clampAs('clamp', x, min, max, options);
}

/** `clamp` under another name for its errors (`clamp_`). */
export function clampAs(op: string, x: Tensor, min?: Bound | ClampOptions, max?: Bound | ClampOptions, options?: ClampOptions): Tensor {
  checkTensor(op, x);
  const args = parseArgs(op, [min, max, options], ['min', 'max']);
  return clampBounds(x, args['min'] as Bound, args['max'] as Bound);
}

function clampBounds(x: Tensor, min: Bound, max: Bound): Tensor {
  const hasMin = min !== undefined && min !== null;
  const hasMax = max !== undefined && max !== null;
  if (!hasMin && !hasMax) throw new Error("clamp: at least one of 'min' or 'max' must not be None");
  for (const [name, bound] of [
    ['min', min],
    ['max', max],
  ] as const) {
    if (bound !== undefined && bound !== null && typeof bound !== 'number' && !isTensor(bound)) {
      throw new TypeError(
        `clamp(): argument '${name}' must be a number or a Tensor, not ${isOptionsObject(bound) ? 'an options object' : typeof bound}`,
      );
    }
  }
  const out = composite(() => {
    let r = x;
    if (hasMin) r = binaryForward('maximum', r, min, 'same');
    if (hasMax) r = binaryForward('minimum', r, max, 'same');
    return r;
  });
  if (needsGrad(x, min, max)) {
    const name = isTensor(min) || isTensor(max) ? 'ClampBackward0' : 'ClampBackward1';
    record(
      out,
      name,
      [x, min, max],
      (g) => {
        let keep = hasMin ? ge(x, min) : undefined;
        if (hasMax) keep = keep === undefined ? le(x, max) : keep.logicalAnd(le(x, max));
        return [
          wantsGrad(x) ? where(keep!, g, 0) : null,
          // ATen's clamp_backward_min_max: where min > max the result is max everywhere, so max takes the
          // whole gradient and min none (and min == max gives it to max).
          isTensor(min) && wantsGrad(min) ? where(hasMax ? lt(x, min).logicalAnd(lt(min, max)) : lt(x, min), g, 0) : null,
          isTensor(max) && wantsGrad(max) ? where(hasMin ? gt(x, max).logicalOr(lt(max, min)) : gt(x, max), g, 0) : null,
        ];
      },
      [x, min, max],
    );
  }
  return out;
}
