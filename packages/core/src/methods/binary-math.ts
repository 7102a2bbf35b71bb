/** Tensor methods: binary math, ternary pointwise ops, bitwise ops and closeness, and their in-place forms. See methods/index.ts. */
import type { TensorLike } from '../ops/dispatch.js';
import { inplaceOf } from '../ops/inplace.js';
import { arctan2, atan2, floorDivide, fmod, hypot, logaddexp, logaddexp2, remainder } from '../ops/binary-math.js';
import { bitwiseAnd, bitwiseLeftShift, bitwiseOr, bitwiseRightShift, bitwiseXor, logicalXor } from '../ops/bitwise.js';
import { type AddcOptions, type LerpOptions, addcdiv, addcmul, lerp } from '../ops/pointwise.js';
import { type IscloseOptions, allclose, equal, isclose } from '../ops/predicates.js';
import { xlogy } from '../ops/special.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * The quadrant-aware arctangent of `this / other`, in [-π, π].
     *
     * @example
     * g.tensor([1]).atan2(g.tensor([-1])); // tensor([2.3562])
     */
    atan2(other: Tensor): Tensor;
    /**
     * In-place `atan2`: writes the result into this tensor (and the views of its storage); PyTorch's `atan2_`.
     *
     * @example
     * const w = g.tensor([1]); w.atan2_(g.tensor([-1])); // w is tensor([2.3562])
     */
    atan2_(other: Tensor): this;
    /**
     * NumPy's name for `atan2`.
     *
     * @example
     * g.tensor([1]).arctan2(g.tensor([1])); // tensor([0.7854])
     */
    arctan2(other: Tensor): Tensor;
    /**
     * `√(this² + other²)` without overflow in the squares.
     *
     * @example
     * g.tensor([3]).hypot(g.tensor([4])); // tensor([5.])
     */
    hypot(other: Tensor): Tensor;
    /**
     * In-place `hypot`: writes the result into this tensor (and the views of its storage); PyTorch's `hypot_`.
     *
     * @example
     * const w = g.tensor([3]); w.hypot_(g.tensor([4])); // w is tensor([5.])
     */
    hypot_(other: Tensor): this;
    /**
     * C's remainder of `this / other`, with the dividend's sign (exact).
     *
     * @example
     * g.tensor([-7, 7]).fmod(2); // tensor([-1.,  1.])
     */
    fmod(other: TensorLike): Tensor;
    /**
     * In-place `fmod`: writes the result into this tensor (and the views of its storage); PyTorch's `fmod_`.
     *
     * @example
     * const w = g.tensor([-7, 7]); w.fmod_(2); // w is tensor([-1.,  1.])
     */
    fmod_(other: TensorLike): this;
    /**
     * Python's remainder of `this / other`, with the divisor's sign.
     *
     * @example
     * g.tensor([-7, 7]).remainder(2); // tensor([1., 1.])
     */
    remainder(other: TensorLike): Tensor;
    /**
     * In-place `remainder`: writes the result into this tensor (and the views of its storage); PyTorch's `remainder_`.
     *
     * @example
     * const w = g.tensor([-7, 7]); w.remainder_(2); // w is tensor([1., 1.])
     */
    remainder_(other: TensorLike): this;
    /**
     * `this // other`, rounded down (not differentiable, as in PyTorch).
     *
     * @example
     * g.tensor([-7, 7]).floorDivide(2); // tensor([-4.,  3.])
     */
    floorDivide(other: TensorLike): Tensor;
    /**
     * In-place `floorDivide`: writes the result into this tensor (and the views of its storage); PyTorch's `floor_divide_`.
     *
     * @example
     * const w = g.tensor([-7, 7]); w.floorDivide_(2); // w is tensor([-4.,  3.])
     */
    floorDivide_(other: TensorLike): this;
    /**
     * `log(eˣ + eʸ)` without overflow.
     *
     * @example
     * g.tensor([1]).logaddexp(g.tensor([0.5])); // tensor([1.4741])
     */
    logaddexp(other: Tensor): Tensor;
    /**
     * `log₂(2ˣ + 2ʸ)` without overflow.
     *
     * @example
     * g.tensor([1]).logaddexp2(g.tensor([1])); // tensor([2.])
     */
    logaddexp2(other: Tensor): Tensor;
    /**
     * `this · log(other)`, 0 where this is 0.
     *
     * @example
     * g.tensor([0, 2]).xlogy(g.tensor([0, 3])); // tensor([0.0000, 2.1972])
     */
    xlogy(other: TensorLike): Tensor;
    /**
     * In-place `xlogy`: writes the result into this tensor (and the views of its storage); PyTorch's `xlogy_`.
     *
     * @example
     * const w = g.tensor([0, 2]); w.xlogy_(g.tensor([0, 3])); // w is tensor([0.0000, 2.1972])
     */
    xlogy_(other: TensorLike): this;
    /**
     * Linear interpolation `this + weight · (end - this)`.
     *
     * @example
     * g.tensor([0, 10]).lerp(g.tensor([10, 20]), 0.25); // tensor([ 2.5000, 12.5000])
     */
    lerp(end: Tensor, weight?: number | Tensor | LerpOptions, options?: LerpOptions): Tensor;
    /**
     * In-place `lerp`: writes the result into this tensor (and the views of its storage); PyTorch's `lerp_`.
     *
     * @example
     * const w = g.tensor([0, 10]); w.lerp_(g.tensor([10, 20]), 0.25); // w is tensor([ 2.5000, 12.5000])
     */
    lerp_(end: Tensor, weight?: number | Tensor | LerpOptions, options?: LerpOptions): this;
    /**
     * `this + value · tensor1 · tensor2`.
     *
     * @example
     * g.ones(2).addcmul(g.tensor([1, 2]), g.tensor([3, 4]), { value: 0.5 }); // tensor([2.5000, 5.0000])
     */
    addcmul(tensor1: Tensor, tensor2: Tensor, options?: AddcOptions): Tensor;
    /**
     * In-place `addcmul`: writes the result into this tensor (and the views of its storage); PyTorch's `addcmul_`.
     *
     * @example
     * const w = g.ones(2); w.addcmul_(g.tensor([1, 2]), g.tensor([3, 4]), { value: 0.5 }); // w is tensor([2.5000, 5.0000])
     */
    addcmul_(tensor1: Tensor, tensor2: Tensor, options?: AddcOptions): this;
    /**
     * `this + value · tensor1 / tensor2`.
     *
     * @example
     * g.ones(2).addcdiv(g.tensor([1, 2]), g.tensor([4, 4]), { value: 2 }); // tensor([1.5000, 2.0000])
     */
    addcdiv(tensor1: Tensor, tensor2: Tensor, options?: AddcOptions): Tensor;
    /**
     * In-place `addcdiv`: writes the result into this tensor (and the views of its storage); PyTorch's `addcdiv_`.
     *
     * @example
     * const w = g.ones(2); w.addcdiv_(g.tensor([1, 2]), g.tensor([4, 4]), { value: 2 }); // w is tensor([1.5000, 2.0000])
     */
    addcdiv_(tensor1: Tensor, tensor2: Tensor, options?: AddcOptions): this;
    /**
     * Elementwise AND of int32 bits (of truth values for bool). PyTorch's `&`.
     *
     * @example
     * g.tensor([12], { dtype: 'int32' }).bitwiseAnd(6); // tensor([4])
     */
    bitwiseAnd(other: TensorLike): Tensor;
    /**
     * In-place `bitwiseAnd`: writes the result into this tensor (and the views of its storage); PyTorch's `bitwise_and_`.
     *
     * @example
     * const w = g.tensor([12], { dtype: 'int32' }); w.bitwiseAnd_(6); // w is tensor([4])
     */
    bitwiseAnd_(other: TensorLike): this;
    /**
     * Elementwise OR of int32 bits (of truth values for bool). PyTorch's `|`.
     *
     * @example
     * g.tensor([12], { dtype: 'int32' }).bitwiseOr(1); // tensor([13])
     */
    bitwiseOr(other: TensorLike): Tensor;
    /**
     * In-place `bitwiseOr`: writes the result into this tensor (and the views of its storage); PyTorch's `bitwise_or_`.
     *
     * @example
     * const w = g.tensor([12], { dtype: 'int32' }); w.bitwiseOr_(1); // w is tensor([13])
     */
    bitwiseOr_(other: TensorLike): this;
    /**
     * Elementwise XOR of int32 bits (of truth values for bool). PyTorch's `^`.
     *
     * @example
     * g.tensor([12], { dtype: 'int32' }).bitwiseXor(6); // tensor([10])
     */
    bitwiseXor(other: TensorLike): Tensor;
    /**
     * In-place `bitwiseXor`: writes the result into this tensor (and the views of its storage); PyTorch's `bitwise_xor_`.
     *
     * @example
     * const w = g.tensor([12], { dtype: 'int32' }); w.bitwiseXor_(6); // w is tensor([10])
     */
    bitwiseXor_(other: TensorLike): this;
    /**
     * `this << other` for int32 (a result beyond int32 raises).
     *
     * @example
     * g.tensor([1, 3], { dtype: 'int32' }).bitwiseLeftShift(4); // tensor([16, 48])
     */
    bitwiseLeftShift(other: TensorLike): Tensor;
    /**
     * In-place `bitwiseLeftShift`: writes the result into this tensor (and the views of its storage); PyTorch's `bitwise_left_shift_`.
     *
     * @example
     * const w = g.tensor([1, 3], { dtype: 'int32' }); w.bitwiseLeftShift_(4); // w is tensor([16, 48])
     */
    bitwiseLeftShift_(other: TensorLike): this;
    /**
     * `this >> other` for int32 (an arithmetic shift).
     *
     * @example
     * g.tensor([16, -16], { dtype: 'int32' }).bitwiseRightShift(3); // tensor([ 2, -2])
     */
    bitwiseRightShift(other: TensorLike): Tensor;
    /**
     * In-place `bitwiseRightShift`: writes the result into this tensor (and the views of its storage); PyTorch's `bitwise_right_shift_`.
     *
     * @example
     * const w = g.tensor([16, -16], { dtype: 'int32' }); w.bitwiseRightShift_(3); // w is tensor([ 2, -2])
     */
    bitwiseRightShift_(other: TensorLike): this;
    /**
     * Elementwise XOR of truthiness (bool).
     *
     * @example
     * g.tensor([true, true]).logicalXor(g.tensor([true, false])); // tensor([False,  True])
     */
    logicalXor(other: Tensor): Tensor;
    /**
     * In-place `logicalXor`: writes the result into this tensor (and the views of its storage); PyTorch's `logical_xor_`.
     *
     * @example
     * const w = g.tensor([true, true]); w.logicalXor_(g.tensor([true, false])); // w is tensor([False,  True])
     */
    logicalXor_(other: Tensor): this;
    /**
     * Whether each pair of elements is close: `|this - other| ≤ atol + rtol·|other|` (bool).
     *
     * @example
     * g.tensor([1, 2]).isclose(g.tensor([1.000001, 2.1])); // tensor([ True, False])
     */
    isclose(other: Tensor, rtol?: number | IscloseOptions, atol?: number, equalNan?: boolean, options?: IscloseOptions): Tensor;
    /**
     * Whether every pair of elements is close (a boolean, read back from the device).
     *
     * @example
     * g.tensor([1, 2]).allclose(g.tensor([1.000001, 2])); // true
     */
    allclose(other: Tensor, rtol?: number | IscloseOptions, atol?: number, equalNan?: boolean, options?: IscloseOptions): boolean;
    /**
     * Whether `other` has this shape and these values (a boolean, read back from the device).
     *
     * @example
     * g.tensor([1, 2]).equal(g.tensor([1, 2])); // true
     */
    equal(other: Tensor): boolean;
  }
}

installMethods<
  | 'atan2'
  | 'atan2_'
  | 'arctan2'
  | 'hypot'
  | 'hypot_'
  | 'fmod'
  | 'fmod_'
  | 'remainder'
  | 'remainder_'
  | 'floorDivide'
  | 'floorDivide_'
  | 'logaddexp'
  | 'logaddexp2'
  | 'xlogy'
  | 'xlogy_'
  | 'lerp'
  | 'lerp_'
  | 'addcmul'
  | 'addcmul_'
  | 'addcdiv'
  | 'addcdiv_'
  | 'bitwiseAnd'
  | 'bitwiseAnd_'
  | 'bitwiseOr'
  | 'bitwiseOr_'
  | 'bitwiseXor'
  | 'bitwiseXor_'
  | 'bitwiseLeftShift'
  | 'bitwiseLeftShift_'
  | 'bitwiseRightShift'
  | 'bitwiseRightShift_'
  | 'logicalXor'
  | 'logicalXor_'
  | 'isclose'
  | 'allclose'
  | 'equal'
>({
  atan2(other) {
    return atan2(this, other);
  },
  atan2_(other) {
    return inplaceOf(this, 'atan2_', (self) => atan2(self, other), other);
  },
  arctan2(other) {
    return arctan2(this, other);
  },
  hypot(other) {
    return hypot(this, other);
  },
  hypot_(other) {
    return inplaceOf(this, 'hypot_', (self) => hypot(self, other), other);
  },
  fmod(other) {
    return fmod(this, other);
  },
  fmod_(other) {
    return inplaceOf(this, 'fmod_', (self) => fmod(self, other), other);
  },
  remainder(other) {
    return remainder(this, other);
  },
  remainder_(other) {
    return inplaceOf(this, 'remainder_', (self) => remainder(self, other), other);
  },
  floorDivide(other) {
    return floorDivide(this, other);
  },
  floorDivide_(other) {
    return inplaceOf(this, 'floorDivide_', (self) => floorDivide(self, other), other);
  },
  logaddexp(other) {
    return logaddexp(this, other);
  },
  logaddexp2(other) {
    return logaddexp2(this, other);
  },
  xlogy(other) {
    return xlogy(this, other);
  },
  xlogy_(other) {
    return inplaceOf(this, 'xlogy_', (self) => xlogy(self, other), other);
  },
  lerp(end, weight, options) {
    return lerp(this, end, weight, options);
  },
  lerp_(end, weight, options) {
    return inplaceOf(this, 'lerp_', (self) => lerp(self, end, weight, options), end, weight);
  },
  addcmul(tensor1, tensor2, options) {
    return addcmul(this, tensor1, tensor2, options);
  },
  addcmul_(tensor1, tensor2, options) {
    return inplaceOf(this, 'addcmul_', (self) => addcmul(self, tensor1, tensor2, options), tensor1, tensor2);
  },
  addcdiv(tensor1, tensor2, options) {
    return addcdiv(this, tensor1, tensor2, options);
  },
  addcdiv_(tensor1, tensor2, options) {
    return inplaceOf(this, 'addcdiv_', (self) => addcdiv(self, tensor1, tensor2, options), tensor1, tensor2);
  },
  bitwiseAnd(other) {
    return bitwiseAnd(this, other);
  },
  bitwiseAnd_(other) {
    return inplaceOf(this, 'bitwiseAnd_', (self) => bitwiseAnd(self, other), other);
  },
  bitwiseOr(other) {
    return bitwiseOr(this, other);
  },
  bitwiseOr_(other) {
    return inplaceOf(this, 'bitwiseOr_', (self) => bitwiseOr(self, other), other);
  },
  bitwiseXor(other) {
    return bitwiseXor(this, other);
  },
  bitwiseXor_(other) {
    return inplaceOf(this, 'bitwiseXor_', (self) => bitwiseXor(self, other), other);
  },
  bitwiseLeftShift(other) {
    return bitwiseLeftShift(this, other);
  },
  bitwiseLeftShift_(other) {
    return inplaceOf(this, 'bitwiseLeftShift_', (self) => bitwiseLeftShift(self, other), other);
  },
  bitwiseRightShift(other) {
    return bitwiseRightShift(this, other);
  },
  bitwiseRightShift_(other) {
    return inplaceOf(this, 'bitwiseRightShift_', (self) => bitwiseRightShift(self, other), other);
  },
  logicalXor(other) {
    return logicalXor(this, other);
  },
  logicalXor_(other) {
    return inplaceOf(this, 'logicalXor_', (self) => logicalXor(self, other), other);
  },
  isclose(other, rtol, atol, equalNan, options) {
    return isclose(this, other, rtol, atol, equalNan, options);
  },
  allclose(other, rtol, atol, equalNan, options) {
    return allclose(this, other, rtol, atol, equalNan, options);
  },
  equal(other) {
    return equal(this, other);
  },
});
