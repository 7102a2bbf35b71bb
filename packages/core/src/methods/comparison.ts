/** Tensor methods: comparisons and logic (bool results, no gradient), `all` and `any`. See methods/index.ts. */
import type { TensorLike } from '../ops/dispatch.js';
import { eq, ge, gt, isfinite, isnan, le, logicalAnd, logicalNot, logicalOr, lt, ne } from '../ops/elementwise.js';
import { type ReduceOptions, all, any } from '../ops/reduce.js';
import { installMethods } from './install.js';

/** The dims a reduction takes: one, several, or (undefined/null) all. */
type Dims = number | readonly number[] | null;

declare module '../tensor.js' {
  interface Tensor {
    /**
     * `this == other` elementwise (bool), broadcasting.
     *
     * @example
     * g.tensor([1, 2]).eq(2); // tensor([False,  True])
     */
    eq(other: TensorLike): Tensor;
    /**
     * `this != other` elementwise (bool), broadcasting.
     *
     * @example
     * g.tensor([1, 2]).ne(2); // tensor([ True, False])
     */
    ne(other: TensorLike): Tensor;
    /**
     * `this < other` elementwise (bool), broadcasting.
     *
     * @example
     * g.tensor([1, 2]).lt(2); // tensor([ True, False])
     */
    lt(other: TensorLike): Tensor;
    /**
     * `this <= other` elementwise (bool), broadcasting.
     *
     * @example
     * g.tensor([1, 2]).le(2); // tensor([True, True])
     */
    le(other: TensorLike): Tensor;
    /**
     * `this > other` elementwise (bool), broadcasting.
     *
     * @example
     * g.tensor([1, 2]).gt(1); // tensor([False,  True])
     */
    gt(other: TensorLike): Tensor;
    /**
     * `this >= other` elementwise (bool), broadcasting.
     *
     * @example
     * g.tensor([1, 2]).ge(2); // tensor([False,  True])
     */
    ge(other: TensorLike): Tensor;
    /**
     * Whether each element is NaN (bool).
     *
     * @example
     * g.tensor([NaN, 1]).isnan(); // tensor([ True, False])
     */
    isnan(): Tensor;
    /**
     * Whether each element is finite: not ±inf and not NaN (bool).
     *
     * @example
     * g.tensor([Infinity, 1]).isfinite(); // tensor([False,  True])
     */
    isfinite(): Tensor;
    /**
     * Elementwise NOT of truthiness (bool); PyTorch's `logical_not`.
     *
     * @example
     * g.tensor([true, false]).logicalNot(); // tensor([False,  True])
     */
    logicalNot(): Tensor;
    /**
     * Elementwise AND of truthiness (bool), broadcasting; PyTorch's `logical_and`.
     *
     * @example
     * g.tensor([true, true]).logicalAnd(g.tensor([true, false])); // tensor([ True, False])
     */
    logicalAnd(other: TensorLike): Tensor;
    /**
     * Elementwise OR of truthiness (bool), broadcasting; PyTorch's `logical_or`.
     *
     * @example
     * g.tensor([false, true]).logicalOr(false); // tensor([False,  True])
     */
    logicalOr(other: TensorLike): Tensor;
    /**
     * Whether every element is truthy, over `dim` (or all elements); true for an
     * empty tensor. The result is bool. See {@link @graft/core!"@graft/core".all | g.all}.
     *
     * @example
     * g.tensor([1, 0]).all().item(); // false
     * g.tensor([[1, 1], [1, 0]]).all(1).tolist(); // [true, false]
     */
    all(dim?: Dims | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor;
    /**
     * Whether any element is truthy, over `dim` (or all elements); false for an
     * empty tensor. The result is bool. See {@link @graft/core!"@graft/core".any | g.any}.
     *
     * @example
     * g.tensor([1, 0]).any().item(); // true
     */
    any(dim?: Dims | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor;
  }
}

installMethods<'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'isnan' | 'isfinite' | 'logicalNot' | 'logicalAnd' | 'logicalOr' | 'all' | 'any'>({
  eq(other) {
    return eq(this, other);
  },
  ne(other) {
    return ne(this, other);
  },
  lt(other) {
    return lt(this, other);
  },
  le(other) {
    return le(this, other);
  },
  gt(other) {
    return gt(this, other);
  },
  ge(other) {
    return ge(this, other);
  },
  isnan() {
    return isnan(this);
  },
  isfinite() {
    return isfinite(this);
  },
  logicalNot() {
    return logicalNot(this);
  },
  logicalAnd(other) {
    return logicalAnd(this, other);
  },
  logicalOr(other) {
    return logicalOr(this, other);
  },
  all(dim, keepdim, options) {
    return all(this, dim, keepdim, options);
  },
  any(dim, keepdim, options) {
    return any(this, dim, keepdim, options);
  },
});
