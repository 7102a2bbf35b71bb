/** Tensor methods: elementwise arithmetic and math. See methods/index.ts. */
import type { TensorLike } from '../ops/dispatch.js';
import {
  type AlphaOptions,
  type ClampOptions,
  type DivOptions,
  type RoundOptions,
  abs,
  add,
  ceil,
  clamp,
  cos,
  div,
  erf,
  exp,
  expm1,
  floor,
  log,
  log1p,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  reciprocal,
  relu,
  round,
  rsqrt,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  sub,
  tanh,
} from '../ops/elementwise.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * `this + alpha · other`, broadcasting; `other` may be a number. Integer
     * results that do not fit int32 raise. See {@link @graft/core!"@graft/core".add | g.add}.
     *
     * @example
     * g.tensor([1, 2]).add(10); // tensor([11., 12.])
     * g.tensor([1, 2]).add(g.tensor([1, 1]), { alpha: 2 }); // tensor([3., 4.])
     */
    add(other: TensorLike, options?: AlphaOptions): Tensor;
    /**
     * `this - alpha · other`, broadcasting; `other` may be a number. See {@link @graft/core!"@graft/core".sub | g.sub}
     * (`g.sub(10, x)` puts the number first).
     *
     * @example
     * g.tensor([5, 7]).sub(2); // tensor([3., 5.])
     */
    sub(other: TensorLike, options?: AlphaOptions): Tensor;
    /**
     * `this · other` elementwise, broadcasting; `other` may be a number. See {@link @graft/core!"@graft/core".mul | g.mul}.
     *
     * @example
     * g.tensor([1, 2]).mul(g.tensor([[3], [4]])); // tensor([[3., 6.], [4., 8.]])
     */
    mul(other: TensorLike): Tensor;
    /**
     * `this / other`: true division (integers give float32), or rounded with
     * `{ roundingMode: 'trunc' | 'floor' }` (`'floor'` is Python's `//`). See {@link @graft/core!"@graft/core".div | g.div}.
     *
     * @example
     * g.tensor([1, 2]).div(4); // tensor([0.2500, 0.5000])
     * g.tensor([-7, 7]).div(2, { roundingMode: 'floor' }); // tensor([-4.,  3.])
     */
    div(other: TensorLike, options?: DivOptions): Tensor;
    /**
     * This tensor to the power `exponent` (a tensor or a number), elementwise.
     * Integer powers follow PyTorch's rules (see {@link @graft/core!"@graft/core".pow | g.pow}).
     *
     * @example
     * g.tensor([2, 3]).pow(2); // tensor([4., 9.])
     */
    pow(exponent: TensorLike): Tensor;
    /**
     * The elementwise maximum of this tensor and `other`, broadcasting; NaN
     * wins, as in PyTorch. See {@link @graft/core!"@graft/core".maximum | g.maximum}.
     *
     * @example
     * g.tensor([1, 5]).maximum(g.tensor([3, 2])); // tensor([3., 5.])
     */
    maximum(other: TensorLike): Tensor;
    /**
     * The elementwise minimum of this tensor and `other`, broadcasting; NaN
     * wins, as in PyTorch. See {@link @graft/core!"@graft/core".minimum | g.minimum}.
     *
     * @example
     * g.tensor([1, 5]).minimum(g.tensor([3, 2])); // tensor([1., 2.])
     */
    minimum(other: TensorLike): Tensor;
    /**
     * `-this`, elementwise.
     *
     * @example
     * g.tensor([1, -2]).neg(); // tensor([-1.,  2.])
     */
    neg(): Tensor;
    /**
     * `|this|`, elementwise.
     *
     * @example
     * g.tensor([-1.5, 2]).abs(); // tensor([1.5000, 2.0000])
     */
    abs(): Tensor;
    /**
     * -1, 0 or 1 by the sign of each element.
     *
     * @example
     * g.tensor([-3, 0, 2]).sign(); // tensor([-1.,  0.,  1.])
     */
    sign(): Tensor;
    /**
     * `1 / this`, elementwise (integers give float32).
     *
     * @example
     * g.tensor([4]).reciprocal(); // tensor([0.2500])
     */
    reciprocal(): Tensor;
    /**
     * `this · this`, elementwise (its gradient node is PyTorch's `PowBackward0`).
     *
     * @example
     * g.tensor([3]).square(); // tensor([9.])
     */
    square(): Tensor;
    /**
     * The square root of each element (NaN below 0).
     *
     * @example
     * g.tensor([4]).sqrt(); // tensor([2.])
     */
    sqrt(): Tensor;
    /**
     * `1 / √this`, elementwise.
     *
     * @example
     * g.tensor([4]).rsqrt(); // tensor([0.5000])
     */
    rsqrt(): Tensor;
    /**
     * `eˣ` of each element.
     *
     * @example
     * g.tensor([0]).exp(); // tensor([1.])
     */
    exp(): Tensor;
    /**
     * `eˣ - 1` of each element, exact near 0 (where `x.exp().sub(1)` loses digits).
     *
     * @example
     * g.tensor([1e-10]).expm1(); // tensor([1.0000e-10])
     */
    expm1(): Tensor;
    /**
     * The natural logarithm of each element (-inf at 0, NaN below).
     *
     * @example
     * g.tensor([1]).log(); // tensor([0.])
     */
    log(): Tensor;
    /**
     * `log(1 + x)` of each element, exact near 0.
     *
     * @example
     * g.tensor([1e-10]).log1p(); // tensor([1.0000e-10])
     */
    log1p(): Tensor;
    /**
     * The sine of each element (radians).
     *
     * @example
     * g.tensor([0]).sin(); // tensor([0.])
     */
    sin(): Tensor;
    /**
     * The cosine of each element (radians).
     *
     * @example
     * g.tensor([0]).cos(); // tensor([1.])
     */
    cos(): Tensor;
    /**
     * The hyperbolic tangent of each element; exactly ±1 where PyTorch's result
     * saturates, so the gradient there is exactly 0. See {@link @graft/core!"@graft/core".tanh | g.tanh}.
     *
     * @example
     * g.tensor([0, 100]).tanh(); // tensor([0., 1.])
     */
    tanh(): Tensor;
    /**
     * The logistic sigmoid `1 / (1 + e⁻ˣ)` of each element; exactly 0 and 1
     * where PyTorch's result saturates.
     *
     * @example
     * g.tensor([0, -100]).sigmoid(); // tensor([0.5000, 0.0000])
     */
    sigmoid(): Tensor;
    /**
     * `max(x, 0)` of each element. See {@link @graft/core!"@graft/core".relu | g.relu} for its double backward.
     *
     * @example
     * g.tensor([-1, 2]).relu(); // tensor([0., 2.])
     */
    relu(): Tensor;
    /**
     * The error function of each element.
     *
     * @example
     * g.tensor([0]).erf(); // tensor([0.])
     */
    erf(): Tensor;
    /**
     * Each element rounded down.
     *
     * @example
     * g.tensor([1.5, -1.5]).floor(); // tensor([ 1., -2.])
     */
    floor(): Tensor;
    /**
     * Each element rounded up.
     *
     * @example
     * g.tensor([1.5, -1.5]).ceil(); // tensor([ 2., -1.])
     */
    ceil(): Tensor;
    /**
     * Each element rounded half to even, as PyTorch; with `{ decimals }`, to
     * that many decimal places (see {@link @graft/core!"@graft/core".round | g.round}).
     *
     * @example
     * g.tensor([0.5, 1.5]).round(); // tensor([0., 2.])
     * g.tensor([1.2345]).round({ decimals: 2 }); // tensor([1.2300])
     */
    round(options?: RoundOptions): Tensor;
    /**
     * This tensor with each element limited to `[min, max]`; either bound may
     * be omitted (`null`), be a tensor, or be given as `{ min, max }`. See {@link @graft/core!"@graft/core".clamp | g.clamp}.
     *
     * @example
     * g.tensor([-2, 0.5, 3]).clamp(0, 1); // tensor([0.0000, 0.5000, 1.0000])
     * g.tensor([-2, 0.5, 3]).clamp({ max: 1 }); // tensor([-2.0000,  0.5000,  1.0000])
     */
    clamp(min?: number | Tensor | null | ClampOptions, max?: number | Tensor | null | ClampOptions, options?: ClampOptions): Tensor;
  }
}

installMethods<
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'neg'
  | 'abs'
  | 'sign'
  | 'reciprocal'
  | 'square'
  | 'sqrt'
  | 'rsqrt'
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'erf'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'clamp'
>({
  add(other, options) {
    return add(this, other, options);
  },
  sub(other, options) {
    return sub(this, other, options);
  },
  mul(other) {
    return mul(this, other);
  },
  div(other, options) {
    return div(this, other, options);
  },
  pow(exponent) {
    return pow(this, exponent);
  },
  maximum(other) {
    return maximum(this, other);
  },
  minimum(other) {
    return minimum(this, other);
  },
  neg() {
    return neg(this);
  },
  abs() {
    return abs(this);
  },
  sign() {
    return sign(this);
  },
  reciprocal() {
    return reciprocal(this);
  },
  square() {
    return square(this);
  },
  sqrt() {
    return sqrt(this);
  },
  rsqrt() {
    return rsqrt(this);
  },
  exp() {
    return exp(this);
  },
  expm1() {
    return expm1(this);
  },
  log() {
    return log(this);
  },
  log1p() {
    return log1p(this);
  },
  sin() {
    return sin(this);
  },
  cos() {
    return cos(this);
  },
  tanh() {
    return tanh(this);
  },
  sigmoid() {
    return sigmoid(this);
  },
  relu() {
    return relu(this);
  },
  erf() {
    return erf(this);
  },
  floor() {
    return floor(this);
  },
  ceil() {
    return ceil(this);
  },
  round(options) {
    return round(this, options);
  },
  clamp(min, max, options) {
    return clamp(this, min, max, options);
  },
});
