/**
 * The activations of `nn.functional` beyond relu/leakyRelu/gelu/softmax.
 * Each is defined by a composition of core ops whose gradients are PyTorch's, also at the
 * kinks (`hardtanh` passes no gradient at its bounds, `hardswish` -0.5 at
 * -3, `elu` alpha at 0, …), and whose unselected branches never overflow
 * (an `exp` that would reach inf is clamped first, so no 0·inf = NaN leaks
 * into a gradient). Being compositions, they are twice differentiable.
 * Those ATen fuses (hardtanh, relu6, the ELU family, softplus, SiLU, Mish,
 * hardswish, hardsigmoid) run through `g.fused.activation`: the backend's
 * one-pass kernel where it has one (the CPU's), the composition elsewhere
 * and for second derivatives.
 */
import * as g from '@graft/core';
import type { DType, Tensor } from '@graft/core';
import { implicitSoftmaxDim } from './argument-checks.js';
import { keywordArguments } from './arguments.js';
import { type InplaceOptions, maybeInPlace } from './inplace.js';
import { checkTensorArguments } from './tensor-arguments.js';

/** A number argument, checked (PyTorch raises a TypeError for anything else). */
function numberArgument(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number') throw new TypeError(`${op}: argument '${name}' must be a number, not ${JSON.stringify(value)}`);
  return value;
}

/** clamp(x, lo, hi) whose gradient is 1 strictly inside (lo, hi) and 0 at and beyond the bounds, as ATen's hardtanh_backward. */
function clampOpenGradient(x: Tensor, lo: number, hi: number): Tensor {
  // Inside is "not (x <= lo or x >= hi)", as ATen's hardtanh_backward: a NaN is inside (its gradient passes).
  return g.where(x.le(lo).logicalOr(x.ge(hi)).logicalNot(), x, x.clamp(lo, hi).detach());
}

/**
 * ELU's family: scale·x for x > 0, alpha·scale·(exp(inputScale·x) − 1)
 * otherwise, as ATen's elu: `exp(x) - 1` (not expm1), whose gradient is then
 * its `alpha·scale·inputScale·exp(inputScale·x)` — through expm1's, which
 * reads its output (e^x − 1 + 1), it cancelled to 0 below x ≈ −17 in float32.
 * The negative side is "x <= 0", as ATen's: a NaN takes the positive side
 * (its gradient is scale).
 */
function eluFamily(x: Tensor, alpha: number, scale: number, inputScale: number): Tensor {
  // exp of the clamped input: the branch a positive x does not take stays finite.
  const negative = x
    .clamp(null, 0)
    .mul(inputScale)
    .exp()
    .sub(1)
    .mul(alpha * scale);
  return g.where(x.le(0), negative, scale === 1 ? x : x.mul(scale));
}

/** The ELU family through the backend's fused kernel where it has one (`eluFamily` is its definition). */
function fusedElu(x: Tensor, alpha: number, scale: number, inputScale: number): Tensor {
  return g.fused.activation({ kind: 'elu', alpha, scale, inputScale }, x, (t) => eluFamily(t, alpha, scale, inputScale));
}

/** hardtanh through the backend's fused kernel where it has one (`clampOpenGradient` is its definition). */
function fusedHardtanh(x: Tensor, lo: number, hi: number): Tensor {
  return g.fused.activation({ kind: 'hardtanh', min: lo, max: hi }, x, (t) => clampOpenGradient(t, lo, hi));
}

/** Options of `elu` and `celu`. */
export interface EluOptions extends InplaceOptions {
  /** The value the negative side saturates to is −alpha (default 1). */
  alpha?: number;
}

/**
 * ELU: x for x > 0, alpha·(eˣ − 1) otherwise (gradient alpha at 0, as PyTorch).
 *
 * @example
 * F.elu(x);
 * F.elu(x, 0.5);
 * F.elu(x, { alpha: 0.5, inplace: true });
 */
export function elu(input: Tensor, alpha?: number, inplace?: boolean): Tensor;
export function elu(input: Tensor, options?: EluOptions): Tensor;
export function elu(input: Tensor, alpha: number, options?: InplaceOptions): Tensor;
export function elu(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('elu', { input });
  return g.tidy(() => {
    const o = keywordArguments<EluOptions>('elu', rest, ['alpha', 'inplace']);
    const alpha = numberArgument('elu', 'alpha', o.alpha ?? 1);
    return maybeInPlace(input, fusedElu(input, alpha, 1, 1), o.inplace);
  });
}

/** SELU's α, as PyTorch's. */
const SELU_ALPHA = 1.6732632423543772;
/** SELU's scale, as PyTorch's. */
const SELU_SCALE = 1.0507009873554805;

/**
 * SELU: scale·(x for x > 0, α·(eˣ − 1) otherwise), with PyTorch's constants.
 *
 * @example
 * F.selu(x);
 * F.selu(x, { inplace: true });
 */
export function selu(input: Tensor, inplace?: boolean): Tensor;
export function selu(input: Tensor, options?: InplaceOptions): Tensor;
export function selu(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('selu', { input });
  return g.tidy(() => {
    const o = keywordArguments<InplaceOptions>('selu', rest, ['inplace']);
    return maybeInPlace(input, fusedElu(input, SELU_ALPHA, SELU_SCALE, 1), o.inplace);
  });
}

/**
 * CELU: x for x > 0, alpha·(e^(x/alpha) − 1) otherwise.
 *
 * @example
 * F.celu(x, 2);
 * F.celu(x, { alpha: 2 });
 */
export function celu(input: Tensor, alpha?: number, inplace?: boolean): Tensor;
export function celu(input: Tensor, options?: EluOptions): Tensor;
export function celu(input: Tensor, alpha: number, options?: InplaceOptions): Tensor;
export function celu(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('celu', { input });
  return g.tidy(() => {
    const o = keywordArguments<EluOptions>('celu', rest, ['alpha', 'inplace']);
    const alpha = numberArgument('celu', 'alpha', o.alpha ?? 1);
    if (alpha === 0) throw new Error('celu: ZeroDivisionError, alpha cannot be 0 for CELU');
    return maybeInPlace(input, fusedElu(input, alpha, 1, 1 / alpha), o.inplace);
  });
}

/**
 * SiLU (swish): x·σ(x).
 *
 * @example
 * F.silu(x);
 */
export function silu(input: Tensor, inplace?: boolean): Tensor;
export function silu(input: Tensor, options?: InplaceOptions): Tensor;
export function silu(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('silu', { input });
  return g.tidy(() => {
    const o = keywordArguments<InplaceOptions>('silu', rest, ['inplace']);
    return maybeInPlace(
      input,
      g.fused.activation({ kind: 'silu' }, input, (x) => x.mul(x.sigmoid())),
      o.inplace,
    );
  });
}

/** softplus without its checks: x where beta·x > threshold, log(1 + e^(beta·x))/beta elsewhere. */
function softplusOf(x: Tensor, beta: number, threshold: number): Tensor {
  const scaled = beta === 1 ? x : x.mul(beta);
  // The exp of the value capped where the linear branch is taken (so the other stays finite, its gradient 0);
  // a NaN passes through (not a clamp: its gradient would be 0 where ATen's is NaN).
  let smooth = g.where(scaled.gt(threshold), threshold, scaled).exp().log1p();
  if (beta !== 1) smooth = smooth.div(beta);
  return g.where(scaled.gt(threshold), x, smooth);
}

/**
 * Mish: x·tanh(softplus(x)).
 *
 * @example
 * F.mish(x);
 */
export function mish(input: Tensor, inplace?: boolean): Tensor;
export function mish(input: Tensor, options?: InplaceOptions): Tensor;
export function mish(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('mish', { input });
  return g.tidy(() => {
    const o = keywordArguments<InplaceOptions>('mish', rest, ['inplace']);
    // Beyond 20, tanh(softplus(x)) is 1 in float32 and float64 alike: the linear branch changes no value.
    const mish = (x: Tensor) => x.mul(softplusOf(x, 1, 20).tanh());
    return maybeInPlace(input, g.fused.activation({ kind: 'mish' }, input, mish), o.inplace);
  });
}

/** Options of `softplus`. */
export interface SoftplusOptions {
  /** The sharpness (default 1). */
  beta?: number;
  /** Above beta·x > threshold the function is x (default 20). */
  threshold?: number;
}

/**
 * Softplus: log(1 + e^(beta·x)) / beta, and x where beta·x > threshold.
 *
 * @example
 * F.softplus(x);
 * F.softplus(x, 2, 10);
 * F.softplus(x, { beta: 2 });
 */
export function softplus(input: Tensor, beta?: number, threshold?: number): Tensor;
export function softplus(input: Tensor, options?: SoftplusOptions): Tensor;
export function softplus(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('softplus', { input });
  return g.tidy(() => {
    const o = keywordArguments<SoftplusOptions>('softplus', rest, ['beta', 'threshold']);
    const beta = numberArgument('softplus', 'beta', o.beta ?? 1);
    const threshold = numberArgument('softplus', 'threshold', o.threshold ?? 20);
    return g.fused.activation({ kind: 'softplus', beta, threshold }, input, (x) => softplusOf(x, beta, threshold));
  });
}

/**
 * Softsign: x / (1 + |x|).
 *
 * @example
 * F.softsign(x);
 */
export function softsign(input: Tensor): Tensor {
  checkTensorArguments('softsign', { input });
  return g.tidy(() => input.div(input.abs().add(1)));
}

/** Options of `hardtanh`. */
export interface HardtanhOptions extends InplaceOptions {
  /** Lower bound (default -1). */
  minVal?: number;
  /** Upper bound (default 1). */
  maxVal?: number;
}

/**
 * Hardtanh: x clamped to [minVal, maxVal]; the gradient is 0 at the bounds, as PyTorch's.
 *
 * @example
 * F.hardtanh(x);
 * F.hardtanh(x, -2, 2);
 * F.hardtanh(x, { minVal: 0, maxVal: 1 });
 */
export function hardtanh(input: Tensor, minVal?: number, maxVal?: number, inplace?: boolean): Tensor;
export function hardtanh(input: Tensor, options?: HardtanhOptions): Tensor;
export function hardtanh(input: Tensor, minVal: number, maxVal: number, options?: InplaceOptions): Tensor;
export function hardtanh(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('hardtanh', { input });
  return g.tidy(() => {
    const o = keywordArguments<HardtanhOptions>('hardtanh', rest, ['minVal', 'maxVal', 'inplace']);
    const lo = numberArgument('hardtanh', 'minVal', o.minVal ?? -1);
    const hi = numberArgument('hardtanh', 'maxVal', o.maxVal ?? 1);
    checkHardtanhBounds('hardtanh', lo, hi);
    return maybeInPlace(input, fusedHardtanh(input, lo, hi), o.inplace);
  });
}

/** @internal PyTorch's check of hardtanh's bounds. */
export function checkHardtanhBounds(op: string, lo: number, hi: number): void {
  if (!(lo <= hi)) throw new Error(`${op}: min_val cannot be greater than max_val (got minVal=${lo}, maxVal=${hi})`);
}

/**
 * ReLU6: min(max(x, 0), 6) (gradient 0 at 0 and 6, as PyTorch's).
 *
 * @example
 * F.relu6(x);
 */
export function relu6(input: Tensor, inplace?: boolean): Tensor;
export function relu6(input: Tensor, options?: InplaceOptions): Tensor;
export function relu6(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('relu6', { input });
  return g.tidy(() => {
    const o = keywordArguments<InplaceOptions>('relu6', rest, ['inplace']);
    return maybeInPlace(input, fusedHardtanh(input, 0, 6), o.inplace);
  });
}

/**
 * Hardswish: x·relu6(x + 3)/6 (gradient −0.5 at −3 and 1 at 3, as PyTorch's).
 *
 * @example
 * F.hardswish(x);
 */
export function hardswish(input: Tensor, inplace?: boolean): Tensor;
export function hardswish(input: Tensor, options?: InplaceOptions): Tensor;
export function hardswish(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('hardswish', { input });
  return g.tidy(() => {
    const o = keywordArguments<InplaceOptions>('hardswish', rest, ['inplace']);
    // ATen's backward: 0 below −3, x/3 + 0.5 on [−3, 3), 1 from 3 on — the clamp's gradient includes 0 but not 6.
    const hardswish = (x: Tensor) => {
      const shifted = x.add(3);
      return x.mul(g.where(shifted.lt(6), shifted.clamp(0), 6)).div(6);
    };
    return maybeInPlace(input, g.fused.activation({ kind: 'hardswish' }, input, hardswish), o.inplace);
  });
}

/**
 * Hardsigmoid: relu6(x + 3)/6 (gradient 1/6 strictly inside (−3, 3), 0 elsewhere).
 *
 * @example
 * F.hardsigmoid(x);
 */
export function hardsigmoid(input: Tensor, inplace?: boolean): Tensor;
export function hardsigmoid(input: Tensor, options?: InplaceOptions): Tensor;
export function hardsigmoid(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('hardsigmoid', { input });
  return g.tidy(() => {
    const o = keywordArguments<InplaceOptions>('hardsigmoid', rest, ['inplace']);
    const hardsigmoid = (x: Tensor) => {
      const inside = x.gt(-3).logicalAnd(x.lt(3));
      return g.where(inside, x.add(3), x.add(3).clamp(0, 6).detach()).div(6);
    };
    return maybeInPlace(input, g.fused.activation({ kind: 'hardsigmoid' }, input, hardsigmoid), o.inplace);
  });
}

/**
 * PReLU: x for x > 0, a·x otherwise, with a learnt `weight` of one value or
 * one per channel (dim 1 of the input).
 *
 * @example
 * F.prelu(x, g.tensor([0.25]));
 */
export function prelu(input: Tensor, weight: Tensor): Tensor {
  checkTensorArguments('prelu', { input, weight });
  return g.tidy(() => {
    if (!(weight instanceof g.Tensor)) throw new TypeError(`prelu: argument 'weight' must be a Tensor, not ${typeof weight}`);
    const n = weight.numel();
    let w = weight;
    if (n !== 1) {
      if (input.ndim === 0) throw new Error('prelu: Not allow zero-dim input tensor.');
      const channels = input.ndim > 1 ? input.shape[1]! : 1;
      if (channels !== n) {
        throw new Error(
          `prelu: Mismatch of parameter numbers and input channel size. Found parameter numbers = ${n} and channel size = ${channels} (input of shape [${input.shape.join(', ')}]).`,
        );
      }
      w = weight.reshape([n, ...input.shape.slice(2).map(() => 1)]);
    } else if (weight.ndim > input.ndim) {
      w = weight.reshape([]);
    }
    return g.where(input.gt(0), input, input.mul(w));
  });
}

/** Options of `glu`. */
export interface GluOptions {
  /** The dim to halve (default -1). */
  dim?: number;
}

/**
 * Gated linear unit: a·σ(b), a and b the halves of the input along `dim`.
 *
 * @example
 * F.glu(g.randn(2, 6)).shape; // [2, 3]
 * F.glu(x, { dim: 1 });
 */
export function glu(input: Tensor, dim?: number): Tensor;
export function glu(input: Tensor, options?: GluOptions): Tensor;
export function glu(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('glu', { input });
  return g.tidy(() => {
    const o = keywordArguments<GluOptions>('glu', rest, ['dim']);
    if (input.ndim === 0) throw new Error('glu: glu does not support scalars because halving size must be even');
    const dim = numberArgument('glu', 'dim', o.dim ?? -1);
    if (!Number.isInteger(dim) || dim < -input.ndim || dim >= input.ndim)
      throw new RangeError(`glu: Dimension out of range (expected to be in range of [${-input.ndim}, ${input.ndim - 1}], but got ${dim})`);
    const d = dim < 0 ? dim + input.ndim : dim;
    const size = input.shape[d]!;
    if (size % 2 !== 0) throw new Error(`glu: Halving dimension must be even, but dimension ${d} is size ${size}`);
    const half = size / 2;
    return input.narrow(d, 0, half).mul(input.narrow(d, half, half).sigmoid());
  });
}

/** Options of `softmin`. */
export interface SoftminOptions {
  /** The dim to normalise; without one, PyTorch's legacy choice (0 for 0-, 1- and 3-D inputs, else 1) with a warning. */
  dim?: number | null;
  /** Cast to this dtype (after negating, as PyTorch). */
  dtype?: DType;
}

/**
 * Softmin: softmax(−x) along `dim`.
 *
 * @example
 * F.softmin(x, -1);
 * F.softmin(x, { dim: 1, dtype: 'float64' });
 */
export function softmin(input: Tensor, dim?: number | null, options?: Omit<SoftminOptions, 'dim'>): Tensor;
export function softmin(input: Tensor, options?: SoftminOptions): Tensor;
export function softmin(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('softmin', { input });
  return g.tidy(() => {
    const o = keywordArguments<SoftminOptions>('softmin', rest, ['dim', 'dtype']);
    const negated = o.dtype !== undefined ? input.neg().to(o.dtype) : input.neg();
    return negated.softmax(o.dim ?? implicitSoftmaxDim('softmin', input.ndim));
  });
}

/**
 * Tanhshrink: x − tanh(x).
 *
 * @example
 * F.tanhshrink(x);
 */
export function tanhshrink(input: Tensor): Tensor {
  checkTensorArguments('tanhshrink', { input });
  return g.tidy(() => input.sub(input.tanh()));
}

/** Options of `threshold`. */
export interface ThresholdOptions extends InplaceOptions {
  /** Values at or below it are replaced. */
  threshold?: number;
  /** What they are replaced with. */
  value?: number;
}

/**
 * Threshold: x where x > threshold, `value` elsewhere (no gradient there).
 *
 * @example
 * F.threshold(x, 0.1, 20);
 * F.threshold(x, { threshold: 0.1, value: 20 });
 */
export function threshold(input: Tensor, threshold: number, value: number, inplace?: boolean): Tensor;
export function threshold(input: Tensor, threshold: number, value: number, options?: InplaceOptions): Tensor;
export function threshold(input: Tensor, options: ThresholdOptions): Tensor;
export function threshold(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('threshold', { input });
  return g.tidy(() => {
    const o = keywordArguments<ThresholdOptions>('threshold', rest, ['threshold', 'value', 'inplace']);
    const th = numberArgument('threshold', 'threshold', o.threshold);
    const value = numberArgument('threshold', 'value', o.value);
    // ATen's `x <= threshold ? value : x`: a NaN stays NaN (and passes its gradient).
    return maybeInPlace(input, g.where(input.le(th), value, input), o.inplace);
  });
}

/** Options of `softshrink` and `hardshrink`. */
export interface ShrinkOptions {
  /** The half-width of the band mapped to 0 (default 0.5). */
  lambd?: number;
}

/**
 * Softshrink: x − λ above λ, x + λ below −λ, 0 in between (λ ≥ 0).
 *
 * @example
 * F.softshrink(x);
 * F.softshrink(x, 1);
 */
export function softshrink(input: Tensor, lambd?: number): Tensor;
export function softshrink(input: Tensor, options?: ShrinkOptions): Tensor;
export function softshrink(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('softshrink', { input });
  return g.tidy(() => {
    const lambd = checkSoftshrinkLambda('softshrink', keywordArguments<ShrinkOptions>('softshrink', rest, ['lambd']).lambd ?? 0.5);
    // A NaN gives 0, as ATen's forward; its gradient is 0 here where ATen's backward passes it (its mask is
    // `-λ <= x <= λ`, its forward's `x > λ`, `x < -λ`): no composite has both.
    return g.where(input.gt(lambd), input.sub(lambd), g.where(input.lt(-lambd), input.add(lambd), 0));
  });
}

/** @internal softshrink's λ, checked as PyTorch checks it. */
export function checkSoftshrinkLambda(op: string, lambd: unknown): number {
  const l = numberArgument(op, 'lambd', lambd);
  if (!(l >= 0)) throw new Error(`${op}: lambda must be greater or equal to 0, but found to be ${l}.`);
  return l;
}

/**
 * Hardshrink: x where |x| > λ, 0 elsewhere.
 *
 * @example
 * F.hardshrink(x);
 * F.hardshrink(x, { lambd: 1 });
 */
export function hardshrink(input: Tensor, lambd?: number): Tensor;
export function hardshrink(input: Tensor, options?: ShrinkOptions): Tensor;
export function hardshrink(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('hardshrink', { input });
  return g.tidy(() => {
    const lambd = numberArgument('hardshrink', 'lambd', keywordArguments<ShrinkOptions>('hardshrink', rest, ['lambd']).lambd ?? 0.5);
    // ATen's `-λ <= x <= λ ? 0 : x`: a NaN is outside the band.
    return g.where(input.ge(-lambd).logicalAnd(input.le(lambd)), 0, input);
  });
}

/** log σ(x), stable at both ends; the gradient 1 − σ(x) (0.5 at 0). */
export function logSigmoidOf(x: Tensor): Tensor {
  // Each branch's exp sees only its own half (the other is 0), so neither overflows; a NaN takes the
  // positive branch through `where` (a clamp would zero its gradient, where ATen's is NaN).
  const below = x.lt(0);
  const negative = g.where(below, x, 0);
  const positive = g.where(below, 0, x);
  return g.where(below, negative.sub(negative.exp().log1p()), positive.neg().exp().log1p().neg());
}

/**
 * LogSigmoid: log(1 / (1 + e^(−x))), computed stably.
 *
 * @example
 * F.logsigmoid(x);
 */
export function logsigmoid(input: Tensor): Tensor {
  checkTensorArguments('logsigmoid', { input });
  return g.tidy(() => logSigmoidOf(input));
}
