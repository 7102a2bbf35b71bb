/**
 * Tensor methods: the in-place forms (`exp_`, `abs_`, `eq_`, `pow_`, …) of
 * elementwise methods defined in the other families, each the out-of-place
 * method written back through `inplaceOf` (which keeps the value before the
 * write for autograd, as PyTorch's `original_self`). See methods/index.ts.
 */
import type { TensorLike } from '../ops/dispatch.js';
import type { RoundOptions } from '../ops/elementwise.js';
import { inplaceOf } from '../ops/inplace.js';
import type { DimDTypeOptions } from '../ops/reduce.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * In-place `abs`: writes the result into this tensor (and the views of its storage); PyTorch's `abs_`.
     *
     * @example
     * const w = g.tensor([-1.5, 2]); w.abs_(); // w is tensor([1.5000, 2.0000])
     */
    abs_(): this;
    /**
     * In-place `neg`: writes the result into this tensor (and the views of its storage); PyTorch's `neg_`.
     *
     * @example
     * const w = g.tensor([-1.5, 2]); w.neg_(); // w is tensor([ 1.5000, -2.0000])
     */
    neg_(): this;
    /**
     * In-place `sign`: writes the result into this tensor (and the views of its storage); PyTorch's `sign_`.
     *
     * @example
     * const w = g.tensor([-1.5, 2]); w.sign_(); // w is tensor([-1.,  1.])
     */
    sign_(): this;
    /**
     * In-place `square`: writes the result into this tensor (and the views of its storage); PyTorch's `square_`.
     *
     * @example
     * const w = g.tensor([-1.5, 2]); w.square_(); // w is tensor([2.2500, 4.0000])
     */
    square_(): this;
    /**
     * In-place `reciprocal`: writes the result into this tensor (and the views of its storage); PyTorch's `reciprocal_`.
     *
     * @example
     * const w = g.tensor([0.5, 2]); w.reciprocal_(); // w is tensor([2.0000, 0.5000])
     */
    reciprocal_(): this;
    /**
     * In-place `sqrt`: writes the result into this tensor (and the views of its storage); PyTorch's `sqrt_`.
     *
     * @example
     * const w = g.tensor([0.25, 4]); w.sqrt_(); // w is tensor([0.5000, 2.0000])
     */
    sqrt_(): this;
    /**
     * In-place `rsqrt`: writes the result into this tensor (and the views of its storage); PyTorch's `rsqrt_`.
     *
     * @example
     * const w = g.tensor([0.25, 4]); w.rsqrt_(); // w is tensor([2.0000, 0.5000])
     */
    rsqrt_(): this;
    /**
     * In-place `exp`: writes the result into this tensor (and the views of its storage); PyTorch's `exp_`.
     *
     * @example
     * const w = g.tensor([0, 1]); w.exp_(); // w is tensor([1.0000, 2.7183])
     */
    exp_(): this;
    /**
     * In-place `expm1`: writes the result into this tensor (and the views of its storage); PyTorch's `expm1_`.
     *
     * @example
     * const w = g.tensor([0, 1]); w.expm1_(); // w is tensor([0.0000, 1.7183])
     */
    expm1_(): this;
    /**
     * In-place `log`: writes the result into this tensor (and the views of its storage); PyTorch's `log_`.
     *
     * @example
     * const w = g.tensor([1, 2]); w.log_(); // w is tensor([0.0000, 0.6931])
     */
    log_(): this;
    /**
     * In-place `log1p`: writes the result into this tensor (and the views of its storage); PyTorch's `log1p_`.
     *
     * @example
     * const w = g.tensor([0, 1]); w.log1p_(); // w is tensor([0.0000, 0.6931])
     */
    log1p_(): this;
    /**
     * In-place `sin`: writes the result into this tensor (and the views of its storage); PyTorch's `sin_`.
     *
     * @example
     * const w = g.tensor([0, 1]); w.sin_(); // w is tensor([0.0000, 0.8415])
     */
    sin_(): this;
    /**
     * In-place `cos`: writes the result into this tensor (and the views of its storage); PyTorch's `cos_`.
     *
     * @example
     * const w = g.tensor([0, 1]); w.cos_(); // w is tensor([1.0000, 0.5403])
     */
    cos_(): this;
    /**
     * In-place `tanh`: writes the result into this tensor (and the views of its storage); PyTorch's `tanh_`.
     *
     * @example
     * const w = g.tensor([0, 1]); w.tanh_(); // w is tensor([0.0000, 0.7616])
     */
    tanh_(): this;
    /**
     * In-place `sigmoid`: writes the result into this tensor (and the views of its storage); PyTorch's `sigmoid_`.
     *
     * @example
     * const w = g.tensor([0, 1]); w.sigmoid_(); // w is tensor([0.5000, 0.7311])
     */
    sigmoid_(): this;
    /**
     * In-place `relu`: writes the result into this tensor (and the views of its storage); PyTorch's `relu_`.
     *
     * @example
     * const w = g.tensor([-1, 2]); w.relu_(); // w is tensor([0., 2.])
     */
    relu_(): this;
    /**
     * In-place `erf`: writes the result into this tensor (and the views of its storage); PyTorch's `erf_`.
     *
     * @example
     * const w = g.tensor([0, 1]); w.erf_(); // w is tensor([0.0000, 0.8427])
     */
    erf_(): this;
    /**
     * In-place `floor`: writes the result into this tensor (and the views of its storage); PyTorch's `floor_`.
     *
     * @example
     * const w = g.tensor([-1.5, 2.5]); w.floor_(); // w is tensor([-2.,  2.])
     */
    floor_(): this;
    /**
     * In-place `ceil`: writes the result into this tensor (and the views of its storage); PyTorch's `ceil_`.
     *
     * @example
     * const w = g.tensor([-1.5, 2.5]); w.ceil_(); // w is tensor([-1.,  3.])
     */
    ceil_(): this;
    /**
     * In-place `arcsin`: writes the result into this tensor (and the views of its storage); PyTorch's `arcsin_`.
     *
     * @example
     * const w = g.tensor([0, 0.5]); w.arcsin_(); // w is tensor([0.0000, 0.5236])
     */
    arcsin_(): this;
    /**
     * In-place `arccos`: writes the result into this tensor (and the views of its storage); PyTorch's `arccos_`.
     *
     * @example
     * const w = g.tensor([0, 0.5]); w.arccos_(); // w is tensor([1.5708, 1.0472])
     */
    arccos_(): this;
    /**
     * In-place `arctan`: writes the result into this tensor (and the views of its storage); PyTorch's `arctan_`.
     *
     * @example
     * const w = g.tensor([0, 1]); w.arctan_(); // w is tensor([0.0000, 0.7854])
     */
    arctan_(): this;
    /**
     * In-place `arcsinh`: writes the result into this tensor (and the views of its storage); PyTorch's `arcsinh_`.
     *
     * @example
     * const w = g.tensor([0, 1]); w.arcsinh_(); // w is tensor([0.0000, 0.8814])
     */
    arcsinh_(): this;
    /**
     * In-place `arccosh`: writes the result into this tensor (and the views of its storage); PyTorch's `arccosh_`.
     *
     * @example
     * const w = g.tensor([1, 2]); w.arccosh_(); // w is tensor([0.0000, 1.3170])
     */
    arccosh_(): this;
    /**
     * In-place `arctanh`: writes the result into this tensor (and the views of its storage); PyTorch's `arctanh_`.
     *
     * @example
     * const w = g.tensor([0, 0.5]); w.arctanh_(); // w is tensor([0.0000, 0.5493])
     */
    arctanh_(): this;
    /**
     * In-place `logicalNot`: writes the result into this tensor (and the views of its storage); PyTorch's `logical_not_`.
     *
     * @example
     * const w = g.tensor([0, 2]); w.logicalNot_(); // w is tensor([1., 0.])
     */
    logicalNot_(): this;
    /**
     * In-place `pow`: writes the result (cast to this tensor's dtype) into this tensor (and the views of its storage); PyTorch's `pow_`.
     *
     * @example
     * const w = g.tensor([2, 3]); w.pow_(2); // w is tensor([4., 9.])
     */
    pow_(exponent: TensorLike): this;
    /**
     * In-place `eq`: writes the result (cast to this tensor's dtype) into this tensor (and the views of its storage); PyTorch's `eq_`.
     *
     * @example
     * const w = g.tensor([1, 2]); w.eq_(2); // w is tensor([0., 1.])
     */
    eq_(other: TensorLike): this;
    /**
     * In-place `ne`: writes the result (cast to this tensor's dtype) into this tensor (and the views of its storage); PyTorch's `ne_`.
     *
     * @example
     * const w = g.tensor([1, 2]); w.ne_(2); // w is tensor([1., 0.])
     */
    ne_(other: TensorLike): this;
    /**
     * In-place `lt`: writes the result (cast to this tensor's dtype) into this tensor (and the views of its storage); PyTorch's `lt_`.
     *
     * @example
     * const w = g.tensor([1, 2]); w.lt_(2); // w is tensor([1., 0.])
     */
    lt_(other: TensorLike): this;
    /**
     * In-place `le`: writes the result (cast to this tensor's dtype) into this tensor (and the views of its storage); PyTorch's `le_`.
     *
     * @example
     * const w = g.tensor([1, 2]); w.le_(2); // w is tensor([1., 1.])
     */
    le_(other: TensorLike): this;
    /**
     * In-place `gt`: writes the result (cast to this tensor's dtype) into this tensor (and the views of its storage); PyTorch's `gt_`.
     *
     * @example
     * const w = g.tensor([1, 2]); w.gt_(2); // w is tensor([0., 0.])
     */
    gt_(other: TensorLike): this;
    /**
     * In-place `ge`: writes the result (cast to this tensor's dtype) into this tensor (and the views of its storage); PyTorch's `ge_`.
     *
     * @example
     * const w = g.tensor([1, 2]); w.ge_(2); // w is tensor([0., 1.])
     */
    ge_(other: TensorLike): this;
    /**
     * In-place `logicalAnd`: writes the result (cast to this tensor's dtype) into this tensor (and the views of its storage); PyTorch's `logical_and_`.
     *
     * @example
     * const w = g.tensor([0, 2]); w.logicalAnd_(g.tensor([1, 1])); // w is tensor([0., 1.])
     */
    logicalAnd_(other: TensorLike): this;
    /**
     * In-place `logicalOr`: writes the result (cast to this tensor's dtype) into this tensor (and the views of its storage); PyTorch's `logical_or_`.
     *
     * @example
     * const w = g.tensor([0, 2]); w.logicalOr_(g.tensor([0, 0])); // w is tensor([0., 1.])
     */
    logicalOr_(other: TensorLike): this;
    /**
     * In-place `arctan2`: writes the result (cast to this tensor's dtype) into this tensor (and the views of its storage); PyTorch's `arctan2_`.
     *
     * @example
     * const w = g.tensor([1, -1]); w.arctan2_(g.tensor([1, 1])); // w is tensor([ 0.7854, -0.7854])
     */
    arctan2_(other: Tensor): this;
    /**
     * In-place `round` (half to even; `{ decimals }` as `round`); PyTorch's `round_`.
     *
     * @example
     * const w = g.tensor([0.5, 1.5]); w.round_(); // w is tensor([0., 2.])
     */
    round_(options?: RoundOptions): this;
    /**
     * In-place `cumsum` along `dim`; PyTorch's `cumsum_`.
     *
     * @example
     * const w = g.tensor([1, 2, 3]); w.cumsum_(0); // w is tensor([1., 3., 6.])
     */
    cumsum_(dim: number | DimDTypeOptions, options?: DimDTypeOptions): this;
  }
}

installMethods<
  | 'abs_'
  | 'neg_'
  | 'sign_'
  | 'square_'
  | 'reciprocal_'
  | 'sqrt_'
  | 'rsqrt_'
  | 'exp_'
  | 'expm1_'
  | 'log_'
  | 'log1p_'
  | 'sin_'
  | 'cos_'
  | 'tanh_'
  | 'sigmoid_'
  | 'relu_'
  | 'erf_'
  | 'floor_'
  | 'ceil_'
  | 'arcsin_'
  | 'arccos_'
  | 'arctan_'
  | 'arcsinh_'
  | 'arccosh_'
  | 'arctanh_'
  | 'logicalNot_'
  | 'pow_'
  | 'eq_'
  | 'ne_'
  | 'lt_'
  | 'le_'
  | 'gt_'
  | 'ge_'
  | 'logicalAnd_'
  | 'logicalOr_'
  | 'arctan2_'
  | 'round_'
  | 'cumsum_'
>({
  abs_() {
    return inplaceOf(this, 'abs_', (self) => self.abs());
  },
  neg_() {
    return inplaceOf(this, 'neg_', (self) => self.neg());
  },
  sign_() {
    return inplaceOf(this, 'sign_', (self) => self.sign());
  },
  square_() {
    return inplaceOf(this, 'square_', (self) => self.square());
  },
  reciprocal_() {
    return inplaceOf(this, 'reciprocal_', (self) => self.reciprocal());
  },
  sqrt_() {
    return inplaceOf(this, 'sqrt_', (self) => self.sqrt());
  },
  rsqrt_() {
    return inplaceOf(this, 'rsqrt_', (self) => self.rsqrt());
  },
  exp_() {
    return inplaceOf(this, 'exp_', (self) => self.exp());
  },
  expm1_() {
    return inplaceOf(this, 'expm1_', (self) => self.expm1());
  },
  log_() {
    return inplaceOf(this, 'log_', (self) => self.log());
  },
  log1p_() {
    return inplaceOf(this, 'log1p_', (self) => self.log1p());
  },
  sin_() {
    return inplaceOf(this, 'sin_', (self) => self.sin());
  },
  cos_() {
    return inplaceOf(this, 'cos_', (self) => self.cos());
  },
  tanh_() {
    return inplaceOf(this, 'tanh_', (self) => self.tanh());
  },
  sigmoid_() {
    return inplaceOf(this, 'sigmoid_', (self) => self.sigmoid());
  },
  relu_() {
    return inplaceOf(this, 'relu_', (self) => self.relu());
  },
  erf_() {
    return inplaceOf(this, 'erf_', (self) => self.erf());
  },
  floor_() {
    return inplaceOf(this, 'floor_', (self) => self.floor());
  },
  ceil_() {
    return inplaceOf(this, 'ceil_', (self) => self.ceil());
  },
  arcsin_() {
    return inplaceOf(this, 'arcsin_', (self) => self.arcsin());
  },
  arccos_() {
    return inplaceOf(this, 'arccos_', (self) => self.arccos());
  },
  arctan_() {
    return inplaceOf(this, 'arctan_', (self) => self.arctan());
  },
  arcsinh_() {
    return inplaceOf(this, 'arcsinh_', (self) => self.arcsinh());
  },
  arccosh_() {
    return inplaceOf(this, 'arccosh_', (self) => self.arccosh());
  },
  arctanh_() {
    return inplaceOf(this, 'arctanh_', (self) => self.arctanh());
  },
  logicalNot_() {
    return inplaceOf(this, 'logicalNot_', (self) => self.logicalNot());
  },
  pow_(exponent) {
    return inplaceOf(this, 'pow_', (self) => self.pow(exponent), exponent);
  },
  eq_(other) {
    return inplaceOf(this, 'eq_', (self) => self.eq(other), other);
  },
  ne_(other) {
    return inplaceOf(this, 'ne_', (self) => self.ne(other), other);
  },
  lt_(other) {
    return inplaceOf(this, 'lt_', (self) => self.lt(other), other);
  },
  le_(other) {
    return inplaceOf(this, 'le_', (self) => self.le(other), other);
  },
  gt_(other) {
    return inplaceOf(this, 'gt_', (self) => self.gt(other), other);
  },
  ge_(other) {
    return inplaceOf(this, 'ge_', (self) => self.ge(other), other);
  },
  logicalAnd_(other) {
    return inplaceOf(this, 'logicalAnd_', (self) => self.logicalAnd(other), other);
  },
  logicalOr_(other) {
    return inplaceOf(this, 'logicalOr_', (self) => self.logicalOr(other), other);
  },
  arctan2_(other) {
    return inplaceOf(this, 'arctan2_', (self) => self.arctan2(other), other);
  },
  round_(options) {
    return inplaceOf(this, 'round_', (self) => self.round(options));
  },
  cumsum_(dim, options) {
    return inplaceOf(this, 'cumsum_', (self) => self.cumsum(dim, options), dim);
  },
});
