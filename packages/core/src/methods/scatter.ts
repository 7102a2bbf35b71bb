/**
 * Tensor methods: the scatter family — scatter, scatterAdd, scatterReduce,
 * indexAdd, indexCopy, indexFill, maskedFill, and their in-place forms
 * (`scatter_`, …: write into this tensor, bump its version, return it). See
 * methods/index.ts.
 */
import { inplaceOf } from '../ops/inplace.js';
import {
  type IndexAddOptions,
  type ScatterOptions,
  type ScatterReduceOptions,
  type ScatterReduction,
  indexAdd,
  indexCopy,
  indexFill,
  maskedFill,
  scatter,
  scatterAdd,
  scatterReduce,
} from '../ops/scatter.js';
import type { Tensor as T } from '../tensor.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * This tensor with `src[i][j][k]` written at `[i][index[i][j][k]][k]` (for
     * dim 1; `src` may be a number), the last of repeated indices winning;
     * `{ reduce: 'add' | 'multiply' }` combines instead. See
     * {@link @graft/core!"@graft/core".scatter | g.scatter}.
     *
     * @example
     * g.zeros(3).scatter(0, g.tensor([2, 0], { dtype: 'int32' }), g.tensor([5, 6])); // tensor([6., 0., 5.])
     */
    scatter(dim: number, index: T, src: T | number | boolean, options?: ScatterOptions): T;
    /**
     * In-place {@link Tensor.scatter}; PyTorch's `scatter_`.
     *
     * @example
     * const t = g.zeros(3); t.scatter_(0, g.tensor([1], { dtype: 'int32' }), 7); // t is tensor([0., 7., 0.])
     */
    scatter_(dim: number, index: T, src: T | number | boolean, options?: ScatterOptions): this;
    /**
     * This tensor with `src` added at the positions `index` names (repeated
     * indices add up). See {@link @graft/core!"@graft/core".scatterAdd | g.scatterAdd}.
     *
     * @example
     * g.zeros(3).scatterAdd(0, g.tensor([0, 0], { dtype: 'int32' }), g.tensor([1, 2])); // tensor([3., 0., 0.])
     */
    scatterAdd(dim: number, index: T, src: T): T;
    /**
     * In-place {@link Tensor.scatterAdd}; PyTorch's `scatter_add_`.
     *
     * @example
     * const t = g.ones(2); t.scatterAdd_(0, g.tensor([1], { dtype: 'int32' }), g.tensor([4])); // t is tensor([1., 5.])
     */
    scatterAdd_(dim: number, index: T, src: T): this;
    /**
     * This tensor with `src` reduced into the positions `index` names:
     * `'sum'`, `'prod'`, `'mean'`, `'amax'` or `'amin'`, with or without its own
     * values (`{ includeSelf }`). See {@link @graft/core!"@graft/core".scatterReduce | g.scatterReduce}.
     *
     * @example
     * g.tensor([5, 1]).scatterReduce(0, g.tensor([0, 0], { dtype: 'int32' }), g.tensor([2, 7]), 'amin'); // tensor([2., 1.])
     */
    scatterReduce(dim: number, index: T, src: T, reduce: ScatterReduction, options?: ScatterReduceOptions): T;
    /**
     * In-place {@link Tensor.scatterReduce}; PyTorch's `scatter_reduce_`.
     *
     * @example
     * const t = g.ones(2); t.scatterReduce_(0, g.tensor([0], { dtype: 'int32' }), g.tensor([3]), 'prod'); // t is tensor([3., 1.])
     */
    scatterReduce_(dim: number, index: T, src: T, reduce: ScatterReduction, options?: ScatterReduceOptions): this;
    /**
     * This tensor with `alpha · source` added to the slices along `dim` that
     * the 1-D `index` names. See {@link @graft/core!"@graft/core".indexAdd | g.indexAdd}.
     *
     * @example
     * g.zeros(3).indexAdd(0, g.tensor([2], { dtype: 'int32' }), g.tensor([4])); // tensor([0., 0., 4.])
     */
    indexAdd(dim: number, index: T, source: T, options?: IndexAddOptions): T;
    /**
     * In-place {@link Tensor.indexAdd}; PyTorch's `index_add_`.
     *
     * @example
     * const t = g.zeros(2); t.indexAdd_(0, g.tensor([0, 0], { dtype: 'int32' }), g.tensor([1, 2])); // t is tensor([3., 0.])
     */
    indexAdd_(dim: number, index: T, source: T, options?: IndexAddOptions): this;
    /**
     * This tensor with the slices along `dim` that the 1-D `index` names
     * replaced by those of `source`. See {@link @graft/core!"@graft/core".indexCopy | g.indexCopy}.
     *
     * @example
     * g.zeros(3).indexCopy(0, g.tensor([1], { dtype: 'int32' }), g.tensor([9])); // tensor([0., 9., 0.])
     */
    indexCopy(dim: number, index: T, source: T): T;
    /**
     * In-place {@link Tensor.indexCopy}; PyTorch's `index_copy_`.
     *
     * @example
     * const t = g.zeros(2); t.indexCopy_(0, g.tensor([1], { dtype: 'int32' }), g.tensor([9])); // t is tensor([0., 9.])
     */
    indexCopy_(dim: number, index: T, source: T): this;
    /**
     * This tensor with the slices along `dim` that the 1-D `index` names
     * filled with `value` (negative indices count from the end). See
     * {@link @graft/core!"@graft/core".indexFill | g.indexFill}.
     *
     * @example
     * g.zeros(3).indexFill(0, g.tensor([-1], { dtype: 'int32' }), 2); // tensor([0., 0., 2.])
     */
    indexFill(dim: number, index: T, value: number | boolean | T): T;
    /**
     * In-place {@link Tensor.indexFill}; PyTorch's `index_fill_`.
     *
     * @example
     * const t = g.zeros(2); t.indexFill_(0, g.tensor([0], { dtype: 'int32' }), 1); // t is tensor([1., 0.])
     */
    indexFill_(dim: number, index: T, value: number | boolean | T): this;
    /**
     * This tensor with `value` (a number, a boolean or a 0-d tensor) where the
     * bool `mask` (broadcast) is true, in this tensor's dtype; PyTorch's `masked_fill`.
     *
     * @example
     * g.tensor([1, 2, 3]).maskedFill(g.tensor([true, false, true]), 0); // tensor([0., 2., 0.])
     */
    maskedFill(mask: T, value: number | boolean | T): T;
    /**
     * In-place {@link Tensor.maskedFill} (the mask broadcasts to this tensor's shape); PyTorch's `masked_fill_`.
     *
     * @example
     * const t = g.ones(3); t.maskedFill_(g.tensor([false, true, false]), 5); // t is tensor([1., 5., 1.])
     */
    maskedFill_(mask: T, value: number | boolean | T): this;
  }
}

installMethods<
  | 'scatter'
  | 'scatter_'
  | 'scatterAdd'
  | 'scatterAdd_'
  | 'scatterReduce'
  | 'scatterReduce_'
  | 'indexAdd'
  | 'indexAdd_'
  | 'indexCopy'
  | 'indexCopy_'
  | 'indexFill'
  | 'indexFill_'
  | 'maskedFill'
  | 'maskedFill_'
>({
  scatter(dim, index, src, options) {
    return scatter(this, dim, index, src, options);
  },
  scatter_(dim, index, src, options) {
    return inplaceOf(this, 'scatter_', (self) => scatter(self, dim, index, src, options), dim, index, src);
  },
  scatterAdd(dim, index, src) {
    return scatterAdd(this, dim, index, src);
  },
  scatterAdd_(dim, index, src) {
    return inplaceOf(this, 'scatterAdd_', (self) => scatterAdd(self, dim, index, src), dim, index, src);
  },
  scatterReduce(dim, index, src, reduce, options) {
    return scatterReduce(this, dim, index, src, reduce, options);
  },
  scatterReduce_(dim, index, src, reduce, options) {
    return inplaceOf(this, 'scatterReduce_', (self) => scatterReduce(self, dim, index, src, reduce, options), dim, index, src, reduce);
  },
  indexAdd(dim, index, source, options) {
    return indexAdd(this, dim, index, source, options);
  },
  indexAdd_(dim, index, source, options) {
    return inplaceOf(this, 'indexAdd_', (self) => indexAdd(self, dim, index, source, options), dim, index, source);
  },
  indexCopy(dim, index, source) {
    return indexCopy(this, dim, index, source);
  },
  indexCopy_(dim, index, source) {
    return inplaceOf(this, 'indexCopy_', (self) => indexCopy(self, dim, index, source), dim, index, source);
  },
  indexFill(dim, index, value) {
    return indexFill(this, dim, index, value);
  },
  indexFill_(dim, index, value) {
    return inplaceOf(this, 'indexFill_', (self) => indexFill(self, dim, index, value), dim, index, value);
  },
  maskedFill(mask, value) {
    return maskedFill(this, mask, value);
  },
  maskedFill_(mask, value) {
    return inplaceOf(this, 'maskedFill_', (self) => maskedFill(self, mask, value), mask, value);
  },
});
