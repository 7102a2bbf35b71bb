/** Tensor methods: hyperbolic, inverse trigonometric and special functions, predicates, and their in-place forms. See methods/index.ts. */
import { inplaceOf } from '../ops/inplace.js';
import { bitwiseNot } from '../ops/bitwise.js';
import { type ClampMaxOptions, type ClampMinOptions, type NanToNumOptions, clampMax, clampMin, nanToNum } from '../ops/bounds.js';
import { isinf, isneginf, isposinf, isreal, signbit } from '../ops/predicates.js';
import { type LogitOptions, digamma, erfc, erfinv, lgamma, logit, polygamma } from '../ops/special.js';
import {
  acos,
  acosh,
  arccos,
  arccosh,
  arcsin,
  arcsinh,
  arctan,
  arctanh,
  asin,
  asinh,
  atan,
  atanh,
  cosh,
  exp2,
  fix,
  frac,
  log10,
  log2,
  sinh,
  tan,
  trunc,
} from '../ops/unary-math.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * Each element rounded toward zero (integers stay integers). See {@link @graft/core!"@graft/core".trunc | g.trunc}.
     *
     * @example
     * g.tensor([-1.7, 2.5]).trunc(); // tensor([-1.,  2.])
     */
    trunc(): Tensor;
    /**
     * In-place `trunc`: writes the result into this tensor (and the views of its storage); PyTorch's `trunc_`.
     *
     * @example
     * const w = g.tensor([-1.7, 2.5]); w.trunc_(); // w is tensor([-1.,  2.])
     */
    trunc_(): this;
    /**
     * PyTorch's other name for `trunc`.
     *
     * @example
     * g.tensor([-1.7]).fix(); // tensor([-1.])
     */
    fix(): Tensor;
    /**
     * In-place `fix`: writes the result into this tensor (and the views of its storage); PyTorch's `fix_`.
     *
     * @example
     * const w = g.tensor([-1.7]); w.fix_(); // w is tensor([-1.])
     */
    fix_(): this;
    /**
     * The fractional part `this - trunc(this)`, with the sign of each element.
     *
     * @example
     * g.tensor([-1.75, 2.5]).frac(); // tensor([-0.7500,  0.5000])
     */
    frac(): Tensor;
    /**
     * In-place `frac`: writes the result into this tensor (and the views of its storage); PyTorch's `frac_`.
     *
     * @example
     * const w = g.tensor([-1.75, 2.5]); w.frac_(); // w is tensor([-0.7500,  0.5000])
     */
    frac_(): this;
    /**
     * The hyperbolic sine of each element. See {@link @graft/core!"@graft/core".sinh | g.sinh}.
     *
     * @example
     * g.tensor([0, 1]).sinh(); // tensor([0.0000, 1.1752])
     */
    sinh(): Tensor;
    /**
     * In-place `sinh`: writes the result into this tensor (and the views of its storage); PyTorch's `sinh_`.
     *
     * @example
     * const w = g.tensor([0, 1]); w.sinh_(); // w is tensor([0.0000, 1.1752])
     */
    sinh_(): this;
    /**
     * The hyperbolic cosine of each element.
     *
     * @example
     * g.tensor([0, 1]).cosh(); // tensor([1.0000, 1.5431])
     */
    cosh(): Tensor;
    /**
     * In-place `cosh`: writes the result into this tensor (and the views of its storage); PyTorch's `cosh_`.
     *
     * @example
     * const w = g.tensor([0, 1]); w.cosh_(); // w is tensor([1.0000, 1.5431])
     */
    cosh_(): this;
    /**
     * The tangent of each element (radians).
     *
     * @example
     * g.tensor([0, 1]).tan(); // tensor([0.0000, 1.5574])
     */
    tan(): Tensor;
    /**
     * In-place `tan`: writes the result into this tensor (and the views of its storage); PyTorch's `tan_`.
     *
     * @example
     * const w = g.tensor([0, 1]); w.tan_(); // w is tensor([0.0000, 1.5574])
     */
    tan_(): this;
    /**
     * The arcsine of each element; NaN outside [-1, 1].
     *
     * @example
     * g.tensor([0, 1]).asin(); // tensor([0.0000, 1.5708])
     */
    asin(): Tensor;
    /**
     * In-place `asin`: writes the result into this tensor (and the views of its storage); PyTorch's `asin_`.
     *
     * @example
     * const w = g.tensor([0, 1]); w.asin_(); // w is tensor([0.0000, 1.5708])
     */
    asin_(): this;
    /**
     * The arccosine of each element; NaN outside [-1, 1].
     *
     * @example
     * g.tensor([1, 0]).acos(); // tensor([0.0000, 1.5708])
     */
    acos(): Tensor;
    /**
     * In-place `acos`: writes the result into this tensor (and the views of its storage); PyTorch's `acos_`.
     *
     * @example
     * const w = g.tensor([1, 0]); w.acos_(); // w is tensor([0.0000, 1.5708])
     */
    acos_(): this;
    /**
     * The arctangent of each element.
     *
     * @example
     * g.tensor([0, 1]).atan(); // tensor([0.0000, 0.7854])
     */
    atan(): Tensor;
    /**
     * In-place `atan`: writes the result into this tensor (and the views of its storage); PyTorch's `atan_`.
     *
     * @example
     * const w = g.tensor([0, 1]); w.atan_(); // w is tensor([0.0000, 0.7854])
     */
    atan_(): this;
    /**
     * The inverse hyperbolic sine of each element.
     *
     * @example
     * g.tensor([0, 1]).asinh(); // tensor([0.0000, 0.8814])
     */
    asinh(): Tensor;
    /**
     * In-place `asinh`: writes the result into this tensor (and the views of its storage); PyTorch's `asinh_`.
     *
     * @example
     * const w = g.tensor([0, 1]); w.asinh_(); // w is tensor([0.0000, 0.8814])
     */
    asinh_(): this;
    /**
     * The inverse hyperbolic cosine of each element; NaN below 1.
     *
     * @example
     * g.tensor([1, 2]).acosh(); // tensor([0.0000, 1.3170])
     */
    acosh(): Tensor;
    /**
     * In-place `acosh`: writes the result into this tensor (and the views of its storage); PyTorch's `acosh_`.
     *
     * @example
     * const w = g.tensor([1, 2]); w.acosh_(); // w is tensor([0.0000, 1.3170])
     */
    acosh_(): this;
    /**
     * The inverse hyperbolic tangent of each element: ±inf at ±1, NaN beyond.
     *
     * @example
     * g.tensor([0, 0.5]).atanh(); // tensor([0.0000, 0.5493])
     */
    atanh(): Tensor;
    /**
     * In-place `atanh`: writes the result into this tensor (and the views of its storage); PyTorch's `atanh_`.
     *
     * @example
     * const w = g.tensor([0, 0.5]); w.atanh_(); // w is tensor([0.0000, 0.5493])
     */
    atanh_(): this;
    /**
     * NumPy's name for `asin`.
     *
     * @example
     * g.tensor([1]).arcsin(); // tensor([1.5708])
     */
    arcsin(): Tensor;
    /**
     * NumPy's name for `acos`.
     *
     * @example
     * g.tensor([0]).arccos(); // tensor([1.5708])
     */
    arccos(): Tensor;
    /**
     * NumPy's name for `atan`.
     *
     * @example
     * g.tensor([1]).arctan(); // tensor([0.7854])
     */
    arctan(): Tensor;
    /**
     * NumPy's name for `asinh`.
     *
     * @example
     * g.tensor([1]).arcsinh(); // tensor([0.8814])
     */
    arcsinh(): Tensor;
    /**
     * NumPy's name for `acosh`.
     *
     * @example
     * g.tensor([2]).arccosh(); // tensor([1.3170])
     */
    arccosh(): Tensor;
    /**
     * NumPy's name for `atanh`.
     *
     * @example
     * g.tensor([0.5]).arctanh(); // tensor([0.5493])
     */
    arctanh(): Tensor;
    /**
     * The base-2 logarithm of each element.
     *
     * @example
     * g.tensor([1, 8]).log2(); // tensor([0., 3.])
     */
    log2(): Tensor;
    /**
     * In-place `log2`: writes the result into this tensor (and the views of its storage); PyTorch's `log2_`.
     *
     * @example
     * const w = g.tensor([1, 8]); w.log2_(); // w is tensor([0., 3.])
     */
    log2_(): this;
    /**
     * The base-10 logarithm of each element.
     *
     * @example
     * g.tensor([1, 100]).log10(); // tensor([0., 2.])
     */
    log10(): Tensor;
    /**
     * In-place `log10`: writes the result into this tensor (and the views of its storage); PyTorch's `log10_`.
     *
     * @example
     * const w = g.tensor([1, 100]); w.log10_(); // w is tensor([0., 2.])
     */
    log10_(): this;
    /**
     * `2ˣ` of each element.
     *
     * @example
     * g.tensor([0, 3]).exp2(); // tensor([1., 8.])
     */
    exp2(): Tensor;
    /**
     * In-place `exp2`: writes the result into this tensor (and the views of its storage); PyTorch's `exp2_`.
     *
     * @example
     * const w = g.tensor([0, 3]); w.exp2_(); // w is tensor([1., 8.])
     */
    exp2_(): this;
    /**
     * The complementary error function `1 - erf(x)`, accurate where erf is near 1.
     *
     * @example
     * g.tensor([0, 2]).erfc(); // tensor([1.0000, 0.0047])
     */
    erfc(): Tensor;
    /**
     * In-place `erfc`: writes the result into this tensor (and the views of its storage); PyTorch's `erfc_`.
     *
     * @example
     * const w = g.tensor([0, 2]); w.erfc_(); // w is tensor([1.0000, 0.0047])
     */
    erfc_(): this;
    /**
     * The inverse error function: ±inf at ±1, NaN beyond.
     *
     * @example
     * g.tensor([0, 0.5]).erfinv(); // tensor([0.0000, 0.4769])
     */
    erfinv(): Tensor;
    /**
     * In-place `erfinv`: writes the result into this tensor (and the views of its storage); PyTorch's `erfinv_`.
     *
     * @example
     * const w = g.tensor([0, 0.5]); w.erfinv_(); // w is tensor([0.0000, 0.4769])
     */
    erfinv_(): this;
    /**
     * `log|Γ(x)|` of each element (+inf at the poles).
     *
     * @example
     * g.tensor([0.5, 3]).lgamma(); // tensor([0.5724, 0.6931])
     */
    lgamma(): Tensor;
    /**
     * In-place `lgamma`: writes the result into this tensor (and the views of its storage); PyTorch's `lgamma_`.
     *
     * @example
     * const w = g.tensor([0.5, 3]); w.lgamma_(); // w is tensor([0.5724, 0.6931])
     */
    lgamma_(): this;
    /**
     * The digamma function ψ(x) of each element.
     *
     * @example
     * g.tensor([1, 0.5]).digamma(); // tensor([-0.5772, -1.9635])
     */
    digamma(): Tensor;
    /**
     * In-place `digamma`: writes the result into this tensor (and the views of its storage); PyTorch's `digamma_`.
     *
     * @example
     * const w = g.tensor([1, 0.5]); w.digamma_(); // w is tensor([-0.5772, -1.9635])
     */
    digamma_(): this;
    /**
     * Whether each element is ±inf (bool).
     *
     * @example
     * g.tensor([1, Infinity]).isinf(); // tensor([False,  True])
     */
    isinf(): Tensor;
    /**
     * Whether each element is +inf (bool).
     *
     * @example
     * g.tensor([Infinity, -Infinity]).isposinf(); // tensor([ True, False])
     */
    isposinf(): Tensor;
    /**
     * Whether each element is -inf (bool).
     *
     * @example
     * g.tensor([Infinity, -Infinity]).isneginf(); // tensor([False,  True])
     */
    isneginf(): Tensor;
    /**
     * Whether each element is real: always true (Graft has no complex dtype).
     *
     * @example
     * g.tensor([1]).isreal(); // tensor([True])
     */
    isreal(): Tensor;
    /**
     * Whether each element's sign bit is set (negative numbers, -0, -inf).
     *
     * @example
     * g.tensor([-1, -0, 2]).signbit(); // tensor([ True,  True, False])
     */
    signbit(): Tensor;
    /**
     * Elementwise NOT: `-x - 1` for int32, logical NOT for bool. PyTorch's `~`.
     *
     * @example
     * g.tensor([0, 5], { dtype: 'int32' }).bitwiseNot(); // tensor([-1, -6])
     */
    bitwiseNot(): Tensor;
    /**
     * In-place `bitwiseNot`: writes the result into this tensor (and the views of its storage); PyTorch's `bitwise_not_`.
     *
     * @example
     * const w = g.tensor([0, 5], { dtype: 'int32' }); w.bitwiseNot_(); // w is tensor([-1, -6])
     */
    bitwiseNot_(): this;
    /**
     * The n-th derivative of the digamma function of each element (`g.polygamma(n, this)`).
     *
     * @example
     * g.tensor([1, 2]).polygamma(1); // tensor([1.6449, 0.6449])
     */
    polygamma(n: number): Tensor;
    /**
     * In-place `polygamma`: writes the result into this tensor (and the views of its storage); PyTorch's `polygamma_`.
     *
     * @example
     * const w = g.tensor([1, 2]); w.polygamma_(1); // w is tensor([1.6449, 0.6449])
     */
    polygamma_(n: number): this;
    /**
     * The log-odds `log(x / (1 - x))`, with the input clamped to [eps, 1 - eps] when `eps` is given.
     *
     * @example
     * g.tensor([0.25, 0.5]).logit(); // tensor([-1.0986,  0.0000])
     */
    logit(eps?: number | null | LogitOptions, options?: LogitOptions): Tensor;
    /**
     * In-place `logit`: writes the result into this tensor (and the views of its storage); PyTorch's `logit_`.
     *
     * @example
     * const w = g.tensor([0.25, 0.5]); w.logit_(); // w is tensor([-1.0986,  0.0000])
     */
    logit_(eps?: number | null | LogitOptions, options?: LogitOptions): this;
    /**
     * NaN, +inf and -inf replaced by finite numbers (0 and the dtype's extremes by default).
     *
     * @example
     * g.tensor([NaN, 1]).nanToNum(); // tensor([0., 1.])
     */
    nanToNum(nan?: number | NanToNumOptions, posinf?: number | null, neginf?: number | null, options?: NanToNumOptions): Tensor;
    /**
     * In-place `nanToNum`: writes the result into this tensor (and the views of its storage); PyTorch's `nan_to_num_`.
     *
     * @example
     * const w = g.tensor([NaN, 1]); w.nanToNum_(); // w is tensor([0., 1.])
     */
    nanToNum_(nan?: number | NanToNumOptions, posinf?: number | null, neginf?: number | null, options?: NanToNumOptions): this;
    /**
     * `max(this, min)`: `clamp` with a lower bound only.
     *
     * @example
     * g.tensor([-1, 2]).clampMin(0); // tensor([0., 2.])
     */
    clampMin(min: number | Tensor | ClampMinOptions): Tensor;
    /**
     * In-place `clampMin`: writes the result into this tensor (and the views of its storage); PyTorch's `clamp_min_`.
     *
     * @example
     * const w = g.tensor([-1, 2]); w.clampMin_(0); // w is tensor([0., 2.])
     */
    clampMin_(min: number | Tensor | ClampMinOptions): this;
    /**
     * `min(this, max)`: `clamp` with an upper bound only.
     *
     * @example
     * g.tensor([-1, 2]).clampMax(1); // tensor([-1.,  1.])
     */
    clampMax(max: number | Tensor | ClampMaxOptions): Tensor;
    /**
     * In-place `clampMax`: writes the result into this tensor (and the views of its storage); PyTorch's `clamp_max_`.
     *
     * @example
     * const w = g.tensor([-1, 2]); w.clampMax_(1); // w is tensor([-1.,  1.])
     */
    clampMax_(max: number | Tensor | ClampMaxOptions): this;
  }
}

installMethods<
  | 'trunc'
  | 'trunc_'
  | 'fix'
  | 'fix_'
  | 'frac'
  | 'frac_'
  | 'sinh'
  | 'sinh_'
  | 'cosh'
  | 'cosh_'
  | 'tan'
  | 'tan_'
  | 'asin'
  | 'asin_'
  | 'acos'
  | 'acos_'
  | 'atan'
  | 'atan_'
  | 'asinh'
  | 'asinh_'
  | 'acosh'
  | 'acosh_'
  | 'atanh'
  | 'atanh_'
  | 'arcsin'
  | 'arccos'
  | 'arctan'
  | 'arcsinh'
  | 'arccosh'
  | 'arctanh'
  | 'log2'
  | 'log2_'
  | 'log10'
  | 'log10_'
  | 'exp2'
  | 'exp2_'
  | 'erfc'
  | 'erfc_'
  | 'erfinv'
  | 'erfinv_'
  | 'lgamma'
  | 'lgamma_'
  | 'digamma'
  | 'digamma_'
  | 'isinf'
  | 'isposinf'
  | 'isneginf'
  | 'isreal'
  | 'signbit'
  | 'bitwiseNot'
  | 'bitwiseNot_'
  | 'polygamma'
  | 'polygamma_'
  | 'logit'
  | 'logit_'
  | 'nanToNum'
  | 'nanToNum_'
  | 'clampMin'
  | 'clampMin_'
  | 'clampMax'
  | 'clampMax_'
>({
  trunc() {
    return trunc(this);
  },
  trunc_() {
    return inplaceOf(this, 'trunc_', (self) => trunc(self));
  },
  fix() {
    return fix(this);
  },
  fix_() {
    return inplaceOf(this, 'fix_', (self) => fix(self));
  },
  frac() {
    return frac(this);
  },
  frac_() {
    return inplaceOf(this, 'frac_', (self) => frac(self));
  },
  sinh() {
    return sinh(this);
  },
  sinh_() {
    return inplaceOf(this, 'sinh_', (self) => sinh(self));
  },
  cosh() {
    return cosh(this);
  },
  cosh_() {
    return inplaceOf(this, 'cosh_', (self) => cosh(self));
  },
  tan() {
    return tan(this);
  },
  tan_() {
    return inplaceOf(this, 'tan_', (self) => tan(self));
  },
  asin() {
    return asin(this);
  },
  asin_() {
    return inplaceOf(this, 'asin_', (self) => asin(self));
  },
  acos() {
    return acos(this);
  },
  acos_() {
    return inplaceOf(this, 'acos_', (self) => acos(self));
  },
  atan() {
    return atan(this);
  },
  atan_() {
    return inplaceOf(this, 'atan_', (self) => atan(self));
  },
  asinh() {
    return asinh(this);
  },
  asinh_() {
    return inplaceOf(this, 'asinh_', (self) => asinh(self));
  },
  acosh() {
    return acosh(this);
  },
  acosh_() {
    return inplaceOf(this, 'acosh_', (self) => acosh(self));
  },
  atanh() {
    return atanh(this);
  },
  atanh_() {
    return inplaceOf(this, 'atanh_', (self) => atanh(self));
  },
  arcsin() {
    return arcsin(this);
  },
  arccos() {
    return arccos(this);
  },
  arctan() {
    return arctan(this);
  },
  arcsinh() {
    return arcsinh(this);
  },
  arccosh() {
    return arccosh(this);
  },
  arctanh() {
    return arctanh(this);
  },
  log2() {
    return log2(this);
  },
  log2_() {
    return inplaceOf(this, 'log2_', (self) => log2(self));
  },
  log10() {
    return log10(this);
  },
  log10_() {
    return inplaceOf(this, 'log10_', (self) => log10(self));
  },
  exp2() {
    return exp2(this);
  },
  exp2_() {
    return inplaceOf(this, 'exp2_', (self) => exp2(self));
  },
  erfc() {
    return erfc(this);
  },
  erfc_() {
    return inplaceOf(this, 'erfc_', (self) => erfc(self));
  },
  erfinv() {
    return erfinv(this);
  },
  erfinv_() {
    return inplaceOf(this, 'erfinv_', (self) => erfinv(self));
  },
  lgamma() {
    return lgamma(this);
  },
  lgamma_() {
    return inplaceOf(this, 'lgamma_', (self) => lgamma(self));
  },
  digamma() {
    return digamma(this);
  },
  digamma_() {
    return inplaceOf(this, 'digamma_', (self) => digamma(self));
  },
  isinf() {
    return isinf(this);
  },
  isposinf() {
    return isposinf(this);
  },
  isneginf() {
    return isneginf(this);
  },
  isreal() {
    return isreal(this);
  },
  signbit() {
    return signbit(this);
  },
  bitwiseNot() {
    return bitwiseNot(this);
  },
  bitwiseNot_() {
    return inplaceOf(this, 'bitwiseNot_', (self) => bitwiseNot(self));
  },
  polygamma(n) {
    return polygamma(n, this);
  },
  polygamma_(n) {
    return inplaceOf(this, 'polygamma_', (self) => polygamma(n, self), n);
  },
  logit(eps, options) {
    return logit(this, eps, options);
  },
  logit_(eps, options) {
    return inplaceOf(this, 'logit_', (self) => logit(self, eps, options), eps);
  },
  nanToNum(nan, posinf, neginf, options) {
    return nanToNum(this, nan, posinf, neginf, options);
  },
  nanToNum_(nan, posinf, neginf, options) {
    return inplaceOf(this, 'nanToNum_', (self) => nanToNum(self, nan, posinf, neginf, options), nan, posinf, neginf);
  },
  clampMin(min) {
    return clampMin(this, min);
  },
  clampMin_(min) {
    return inplaceOf(this, 'clampMin_', (self) => clampMin(self, min), min);
  },
  clampMax(max) {
    return clampMax(this, max);
  },
  clampMax_(max) {
    return inplaceOf(this, 'clampMax_', (self) => clampMax(self, max), max);
  },
});
