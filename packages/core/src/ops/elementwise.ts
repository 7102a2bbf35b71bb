/**
 * Elementwise ops: unary math, broadcasting binary arithmetic, comparisons,
 * logic, `where` and `clamp`. Each differentiable op records its backward rule
 * right where its forward is; rules are written in Tensor ops, so they are
 * themselves differentiable (higher-order gradients).
 */
import { needsGrad, record, wantsGrad } from '../autograd/record.js';
import type { BinaryOp, UnaryOp } from '../backend/spec.js';
import { type DType, isFloating, resultType, scalarDType, toFloating } from '../dtype.js';
import { broadcastShapes, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkTensor, commonDevice, expandView, isTensor, type TensorLike, wrap } from './dispatch.js';

// ---------------------------------------------------------------- dtype helpers

/** Casts `t` to `dtype` (no copy when it already is). Not recorded: callers record. */
export function castTo(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  return wrap(t, t.backend.cast(t, dtype), t.shape, dtype);
}

function operandDType(x: TensorLike): { level: 0 | 1 | 2; dtype: DType } {
  if (isTensor(x)) return { level: x.shape.length === 0 ? 1 : 0, dtype: x.dtype };
  return { level: 2, dtype: scalarDType(x) };
}

/** PyTorch's result type of two operands (tensors with dims > 0-d tensors > numbers). */
export function binaryResultType(a: TensorLike, b: TensorLike): DType {
  if (isTensor(a) && isTensor(b) && a.dtype === b.dtype) return a.dtype;
  const levels: (DType | undefined)[] = [undefined, undefined, undefined];
  for (const x of [a, b]) {
    const { level, dtype } = operandDType(x);
    const prev = levels[level];
    levels[level] = prev === undefined ? dtype : widen(prev, dtype);
  }
  return resultType(levels[0], levels[1], levels[2]);
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };
function widen(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

function scalarValue(op: string, x: number | boolean): number {
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x !== 'number') throw new TypeError(`${op}(): expected a Tensor or a number, got ${x === null ? 'null' : typeof x}`);
  return x;
}

// ---------------------------------------------------------------- unary

/** Ops that compute in floating point: integer inputs are promoted to float32. */
const FLOATING_UNARY = new Set<UnaryOp>([
  'reciprocal', 'sqrt', 'rsqrt', 'exp', 'expm1', 'log', 'log1p', 'sin', 'cos', 'tanh', 'sigmoid', 'erf',
]);

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
  }
  const out = wrap(x, x.backend.unary(op, input, outDtype), x.shape, outDtype);
  if (input !== x) input.dispose();
  return out;
}

type UnaryBackward = (grad: Tensor, x: Tensor, out: Tensor) => Tensor;

/** `saves`: which tensor the backward rule reads (kept alive and version-checked). */
function unaryOp(op: UnaryOp, gradName: string, backward: UnaryBackward | null, saves: 'x' | 'out' | 'none' = 'none'): (x: Tensor) => Tensor {
  return (x: Tensor) => {
    const out = unaryForward(op, x);
    if (backward !== null && needsGrad(x)) {
      record(out, gradName, [x], (g) => [backward(g, x, out)], saves === 'x' ? [x] : saves === 'out' ? [out] : undefined);
    }
    return out;
  };
}

const zerosRule: UnaryBackward = (g) => g.mul(0);

/** `-x`. @example g.neg(g.tensor([1, -2])) // tensor([-1.,  2.]) */
export const neg = unaryOp('neg', 'NegBackward0', (g) => g.neg());
/** `|x|`. @example g.abs(g.tensor([-1.5])) // tensor([1.5000]) */
export const abs = unaryOp('abs', 'AbsBackward0', (g, x) => g.mul(x.sign()), 'x');
/** -1, 0 or 1 by the sign of x. @example g.sign(g.tensor([-3, 0, 2])) // tensor([-1.,  0.,  1.]) */
export const sign = unaryOp('sign', 'SignBackward0', zerosRule);
/** `1 / x`. @example g.reciprocal(g.tensor([4])) // tensor([0.2500]) */
export const reciprocal = unaryOp('reciprocal', 'ReciprocalBackward0', (g, _x, out) => g.mul(out.mul(out)).neg(), 'out');
/** `x * x` (recorded as PyTorch's `PowBackward0`). @example g.square(g.tensor([3])) // tensor([9.]) */
export const square = unaryOp('square', 'PowBackward0', (g, x) => g.mul(x.mul(2)), 'x');
/** `√x`. @example g.sqrt(g.tensor([4])) // tensor([2.]) */
export const sqrt = unaryOp('sqrt', 'SqrtBackward0', (g, _x, out) => g.div(out.mul(2)), 'out');
/** `1 / √x`. @example g.rsqrt(g.tensor([4])) // tensor([0.5000]) */
export const rsqrt = unaryOp('rsqrt', 'RsqrtBackward0', (g, _x, out) => g.mul(out.pow(3)).mul(-0.5), 'out');
/** `eˣ`. @example g.exp(g.tensor([0])) // tensor([1.]) */
export const exp = unaryOp('exp', 'ExpBackward0', (g, _x, out) => g.mul(out), 'out');
/** `eˣ - 1`, exact near 0. @example g.expm1(g.tensor([0])) // tensor([0.]) */
export const expm1 = unaryOp('expm1', 'Expm1Backward0', (g, _x, out) => g.mul(out.add(1)), 'out');
/** Natural log. @example g.log(g.tensor([1])) // tensor([0.]) */
export const log = unaryOp('log', 'LogBackward0', (g, x) => g.div(x), 'x');
/** `log(1 + x)`, exact near 0. @example g.log1p(g.tensor([0])) // tensor([0.]) */
export const log1p = unaryOp('log1p', 'Log1PBackward0', (g, x) => g.div(x.add(1)), 'x');
/** Sine. @example g.sin(g.tensor([0])) // tensor([0.]) */
export const sin = unaryOp('sin', 'SinBackward0', (g, x) => g.mul(x.cos()), 'x');
/** Cosine. @example g.cos(g.tensor([0])) // tensor([1.]) */
export const cos = unaryOp('cos', 'CosBackward0', (g, x) => g.mul(x.sin()).neg(), 'x');
/** Hyperbolic tangent. @example g.tanh(g.tensor([0])) // tensor([0.]) */
export const tanh = unaryOp('tanh', 'TanhBackward0', (g, _x, out) => g.mul(out.mul(out).neg().add(1)), 'out');
/** Logistic sigmoid `1 / (1 + e⁻ˣ)`. @example g.sigmoid(g.tensor([0])) // tensor([0.5000]) */
export const sigmoid = unaryOp('sigmoid', 'SigmoidBackward0', (g, _x, out) => g.mul(out.mul(out.neg().add(1))), 'out');
/** `max(x, 0)`. @example g.relu(g.tensor([-1, 2])) // tensor([0., 2.]) */
export const relu = unaryOp('relu', 'ReluBackward0', (g, _x, out) => g.mul(out.gt(0)), 'out');
/** The error function. @example g.erf(g.tensor([0])) // tensor([0.]) */
export const erf = unaryOp('erf', 'ErfBackward0', (g, x) => g.mul(x.square().neg().exp().mul(2 / Math.sqrt(Math.PI))), 'x');
/** Rounds down. @example g.floor(g.tensor([1.5])) // tensor([1.]) */
export const floor = unaryOp('floor', 'FloorBackward0', zerosRule);
/** Rounds up. @example g.ceil(g.tensor([1.5])) // tensor([2.]) */
export const ceil = unaryOp('ceil', 'CeilBackward0', zerosRule);
/** Rounds half to even, as PyTorch. @example g.round(g.tensor([0.5, 1.5])) // tensor([0., 2.]) */
export const round = unaryOp('round', 'RoundBackward0', zerosRule);
/** Elementwise NaN test (bool). @example g.isnan(g.tensor([NaN, 1])) // tensor([ True, False]) */
export const isnan = unaryOp('isnan', '', null);
/** Elementwise finiteness test (bool). @example g.isfinite(g.tensor([Infinity, 1])) // tensor([False,  True]) */
export const isfinite = unaryOp('isfinite', '', null);
/** Elementwise NOT (bool). @example g.logicalNot(g.tensor([true, false])) // tensor([False,  True]) */
export const logicalNot = unaryOp('logicalNot', '', null);

// ---------------------------------------------------------------- binary

/**
 * Runs a broadcasting binary kernel with PyTorch's promotion rules. Not recorded.
 * `computeDtype` overrides the promoted type the operands are cast to.
 */
export function binaryForward(op: BinaryOp, a: TensorLike, b: TensorLike, outKind: 'same' | 'bool' | 'float'): Tensor {
  // Fast path: two live float tensors of one shape, dtype and device (most of a training step).
  if (
    a instanceof Tensor && b instanceof Tensor && a.dtype === b.dtype && shapesEqual(a.shape, b.shape) && (a.dtype === 'float32' || a.dtype === 'float64') &&
    !a.isDisposed && !b.isDisposed && a.storage.device === b.storage.device
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
    else throw new TypeError(`${op}: not supported for two bool operands (use logicalXor/logicalNot, or convert with .int())`);
  }
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

function scaleBy(b: TensorLike, alpha: number | undefined): TensorLike {
  if (alpha === undefined || alpha === 1) return b;
  return isTensor(b) ? binaryForward('mul', b, alpha, 'same') : scalarValue('add', b) * alpha;
}

/**
 * `a + alpha * b`, broadcasting; numbers on either side.
 *
 * @example
 * g.add(g.tensor([1, 2]), 10); // tensor([11., 12.])
 */
export function add(a: TensorLike, b: TensorLike, options?: { alpha?: number }): Tensor {
  const alpha = options?.alpha;
  const scaled = scaleBy(b, alpha);
  const out = binaryForward('add', a, scaled, 'same');
  if (needsGrad(a, b)) record(out, 'AddBackward0', [a, b], (g) => [g, alpha === undefined ? g : g.mul(alpha)]);
  return out;
}

/**
 * `a - alpha * b`, broadcasting; numbers on either side (`g.sub(10, d)`).
 *
 * @example
 * g.sub(10, g.tensor([1, 2])); // tensor([9., 8.])
 */
export function sub(a: TensorLike, b: TensorLike, options?: { alpha?: number }): Tensor {
  const alpha = options?.alpha;
  const scaled = scaleBy(b, alpha);
  const out = binaryForward('sub', a, scaled, 'same');
  if (needsGrad(a, b)) {
    // PyTorch records `number - tensor` as rsub.
    const name = isTensor(a) ? 'SubBackward0' : 'RsubBackward1';
    record(out, name, [a, b], (g) => [g, g.mul(-(alpha ?? 1))]);
  }
  return out;
}

/**
 * `a * b`, broadcasting.
 *
 * @example
 * g.mul(g.tensor([1, 2]), g.tensor([[3], [4]])); // tensor([[3., 6.], [4., 8.]])
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const out = binaryForward('mul', a, b, 'same');
  if (needsGrad(a, b)) {
    const aNeeded = wantsGrad(b);
    const bNeeded = wantsGrad(a);
    record(out, 'MulBackward0', [a, b], (g) => [bNeeded ? g.mul(b) : null, aNeeded ? g.mul(a) : null], [aNeeded ? a : null, bNeeded ? b : null]);
  }
  return out;
}

/**
 * True division `a / b` (integers are promoted to float32).
 *
 * @example
 * g.div(g.tensor([1, 2]), 4); // tensor([0.2500, 0.5000])
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const out = binaryForward('div', a, b, 'float');
  if (needsGrad(a, b)) {
    const bNeedsGrad = wantsGrad(b);
    record(
      out,
      'DivBackward0',
      [a, b],
      (g) => [wantsGrad(a) ? g.div(b) : null, bNeedsGrad ? g.mul(out).div(b).neg() : null],
      [b, bNeedsGrad ? out : null],
    );
  }
  return out;
}

/**
 * `a ** b`; a number exponent or base works too.
 *
 * @example
 * g.pow(g.tensor([2, 3]), 2); // tensor([4., 9.])
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const out = binaryForward('pow', a, b, 'same');
  if (needsGrad(a, b)) {
    if (!isTensor(b)) {
      const e = scalarValue('pow', b);
      record(out, 'PowBackward0', [a], (g) => [e === 0 ? g.mul(0) : g.mul((a as Tensor).pow(e - 1).mul(e))], [a]);
    } else if (!isTensor(a)) {
      record(out, 'PowBackward2', [a, b], (g) => [null, g.mul(out).mul(Math.log(scalarValue('pow', a)))], [out]);
    } else {
      record(out, 'PowBackward1', [a, b], (g) => [
        wantsGrad(a) ? g.mul(b).mul(where(b.eq(0), 0, a.pow(b.sub(1)))) : null,
        // d/db a^b = a^b log a, defined as 0 where a == 0 and b >= 0 (PyTorch's convention).
        wantsGrad(b) ? g.mul(where(a.eq(0).logicalAnd(b.ge(0)), 0, out.mul(a.log()))) : null,
      ], [a, b, out]);
    }
  }
  return out;
}

function maxMinBackward(pick: 'gt' | 'lt', a: TensorLike, b: TensorLike, g: Tensor): (Tensor | null)[] {
  // Ties split the gradient evenly, as PyTorch does.
  const aT = isTensor(a) ? a : null;
  const bT = isTensor(b) ? b : null;
  const half = g.mul(0.5);
  const tie = eq(a, b);
  const aWins = pick === 'gt' ? gt(a, b) : lt(a, b);
  const bWins = pick === 'gt' ? lt(a, b) : gt(a, b);
  return [
    wantsGrad(aT) ? where(tie, half, where(aWins, g, 0)) : null,
    wantsGrad(bT) ? where(tie, half, where(bWins, g, 0)) : null,
  ];
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

/** `a == b` (bool). @example g.eq(g.tensor([1, 2]), 2) // tensor([False,  True]) */
export function eq(a: TensorLike, b: TensorLike): Tensor { return binaryForward('eq', a, b, 'bool'); }
/** `a != b` (bool). @example g.ne(g.tensor([1, 2]), 2) // tensor([ True, False]) */
export function ne(a: TensorLike, b: TensorLike): Tensor { return binaryForward('ne', a, b, 'bool'); }
/** `a < b` (bool). @example g.lt(g.tensor([1, 2]), 2) // tensor([ True, False]) */
export function lt(a: TensorLike, b: TensorLike): Tensor { return binaryForward('lt', a, b, 'bool'); }
/** `a <= b` (bool). @example g.le(g.tensor([1, 2]), 2) // tensor([True, True]) */
export function le(a: TensorLike, b: TensorLike): Tensor { return binaryForward('le', a, b, 'bool'); }
/** `a > b` (bool). @example g.gt(g.tensor([1, 2]), 1) // tensor([False,  True]) */
export function gt(a: TensorLike, b: TensorLike): Tensor { return binaryForward('gt', a, b, 'bool'); }
/** `a >= b` (bool). @example g.ge(g.tensor([1, 2]), 2) // tensor([False,  True]) */
export function ge(a: TensorLike, b: TensorLike): Tensor { return binaryForward('ge', a, b, 'bool'); }
/** Elementwise AND of truthiness (bool). @example g.logicalAnd(g.tensor([true, true]), g.tensor([true, false])) // tensor([ True, False]) */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor { return binaryForward('logicalAnd', a, b, 'bool'); }
/** Elementwise OR of truthiness (bool). @example g.logicalOr(g.tensor([false, true]), false) // tensor([False,  True]) */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor { return binaryForward('logicalOr', a, b, 'bool'); }

// ---------------------------------------------------------------- where, clamp

/**
 * Picks `a` where `cond` is true and `b` elsewhere, broadcasting all three.
 *
 * @example
 * g.where(g.tensor([true, false]), g.tensor([1, 2]), 0); // tensor([1., 0.])
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', cond, 'condition');
  if (cond.dtype !== 'bool') throw new TypeError(`where: expected condition to be a bool tensor, but got ${cond.dtype}`);
  if (isTensor(a)) commonDevice('where', cond, a);
  if (isTensor(b)) commonDevice('where', cond, b);
  const dtype = binaryResultType(a, b);
  let shape = cond.shape as readonly number[];
  if (isTensor(a)) shape = broadcastShapes('where', shape, a.shape);
  if (isTensor(b)) shape = broadcastShapes('where', shape, b.shape);
  const ca = isTensor(a) ? castTo(checkTensor('where', a, 'input'), dtype) : undefined;
  const cb = isTensor(b) ? castTo(checkTensor('where', b, 'other'), dtype) : undefined;
  const handle = cond.backend.where(
    expandView(cond, shape),
    ca !== undefined ? expandView(ca, shape) : scalarValue('where', a as number),
    cb !== undefined ? expandView(cb, shape) : scalarValue('where', b as number),
    shape,
    dtype,
  );
  const out = wrap(cond, handle, shape, dtype);
  if (ca !== undefined && ca !== a) ca.dispose();
  if (cb !== undefined && cb !== b) cb.dispose();
  if (needsGrad(a, b)) {
    record(out, 'WhereBackward0', [a, b], (g) => [
      wantsGrad(a) ? where(cond, g, 0) : null,
      wantsGrad(b) ? where(cond, 0, g) : null,
    ], [cond]);
  }
  return out;
}

/**
 * Limits values to [min, max]; either bound may be omitted (null/undefined).
 *
 * @example
 * g.clamp(g.tensor([-2, 0.5, 3]), 0, 1); // tensor([0.0000, 0.5000, 1.0000])
 */
export function clamp(x: Tensor, min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
  checkTensor('clamp', x);
  const hasMin = min !== undefined && min !== null;
  const hasMax = max !== undefined && max !== null;
  if (!hasMin && !hasMax) throw new Error("clamp: at least one of 'min' or 'max' must not be None");
  let out = x;
  if (hasMin) out = binaryForward('maximum', out, min, 'same');
  if (hasMax) {
    const prev = out;
    out = binaryForward('minimum', out, max, 'same');
    if (prev !== x) prev.dispose();
  }
  if (needsGrad(x, min, max)) {
    const name = isTensor(min) || isTensor(max) ? 'ClampBackward0' : 'ClampBackward1';
    record(out, name, [x, min, max], (g) => {
      let keep = hasMin ? ge(x, min) : undefined;
      if (hasMax) keep = keep === undefined ? le(x, max) : keep.logicalAnd(le(x, max));
      return [
        wantsGrad(x) ? where(keep!, g, 0) : null,
        isTensor(min) && wantsGrad(min) ? where(lt(x, min), g, 0) : null,
        isTensor(max) && wantsGrad(max) ? where(gt(x, max), g, 0) : null,
      ];
    }, [x, min, max]);
  }
  return out;
}
