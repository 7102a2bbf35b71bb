/**
 * Tensor methods: PyTorch's subscripts (`index`, `indexPut`, `indexPut_`) and
 * the ops that read masks and coordinates (`nonzero`, `argwhere`,
 * `maskedSelect`, `maskedScatter`, `maskedScatter_`, `take`, `takeAlongDim`,
 * and `where`, PyTorch's `x.where(condition, other)`).
 * See methods/index.ts.
 */
import { index, type IndexPutOptions, indexPut, indexPut_ } from '../ops/advanced-indexing.js';
import type { IndexItem } from '../ops/index-items.js';
import { maskedScatter, maskedScatter_, maskedSelect } from '../ops/masked.js';
import { argwhere, nonzero, type NonzeroOptions } from '../ops/nonzero.js';
import type { TensorLike } from '../ops/dispatch.js';
import { take, takeAlongDim, type TakeAlongDimOptions } from '../ops/take.js';
import { where } from '../ops/where.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * PyTorch's `x[items]`: `x.index(0, ':', null)` is `x[0, :, None]`. Items
     * are integers, slices (`':'`, `'1:3'`, `'::2'`, `'-1:'` or
     * `{ start, stop, step }`), `null`, `'...'`, `true`/`false`, int32
     * tensors or nested arrays of integers (advanced indexing), and bool
     * tensors or arrays (masks). Basic items give a view; advanced items a
     * copy, with PyTorch's placement of the index dims. A mask is read on the
     * host once. See {@link @graft/core!"@graft/core".indexPut | g.indexPut}.
     *
     * @example
     * const x = g.arange(12).reshape(3, 4);
     * x.index(1, '::2');        // x[1, ::2]: tensor([4, 6]), a view
     * x.index('...', -1);       // x[..., -1]: tensor([ 3,  7, 11])
     * x.index([2, 0], [1, 1]);  // x[[2, 0], [1, 1]]: tensor([9, 1])
     * x.index(x.lt(3));         // x[x < 3]: tensor([0, 1, 2])
     */
    index(...items: IndexItem[]): Tensor;
    /**
     * A copy of this tensor with `this[items] = values` applied (PyTorch's
     * `index_put`). `items` is an array of the items `index` takes (or one
     * non-array item); repeated indices keep the last value, or are summed with
     * `{ accumulate: true }`. See {@link @graft/core!"@graft/core".indexPut | g.indexPut}.
     *
     * @example
     * g.zeros(4).indexPut([[0, 0, 2]], g.tensor([1, 2, 3]), { accumulate: true }); // tensor([3., 0., 3., 0.])
     */
    indexPut(
      items: readonly IndexItem[] | IndexItem,
      values: Tensor | number | boolean,
      accumulate?: boolean | IndexPutOptions,
      options?: IndexPutOptions,
    ): Tensor;
    /**
     * PyTorch's `x[items] = values` in place (`index_put_`); returns this
     * tensor. See {@link @graft/core!"@graft/core".indexPut_ | g.indexPut_}.
     *
     * @example
     * const x = g.zeros(2, 3);
     * x.indexPut_([':', 0], g.tensor([1, 2])); // x[:, 0] = tensor([1., 2.])
     */
    indexPut_(
      items: readonly IndexItem[] | IndexItem,
      values: Tensor | number | boolean,
      accumulate?: boolean | IndexPutOptions,
      options?: IndexPutOptions,
    ): this;
    /**
     * The coordinates of the nonzero elements, one 1-D int32 tensor per dim
     * (`{ asTuple: true }`). Reads this tensor on the host once.
     *
     * @example
     * g.tensor([0, 2, 0, 3]).nonzero({ asTuple: true }); // [tensor([1, 3])]
     */
    nonzero(options: NonzeroOptions & { asTuple: true }): Tensor[];
    /**
     * The coordinates of the nonzero elements as one `[n, ndim]` int32 tensor.
     * Reads this tensor on the host once.
     *
     * @example
     * g.tensor([[0, 1], [1, 0]]).nonzero(); // tensor([[0, 1], [1, 0]])
     */
    nonzero(options?: NonzeroOptions & { asTuple?: false }): Tensor;
    /**
     * The coordinates of the nonzero elements, as `{ asTuple }` asks.
     *
     * @example
     * g.tensor([0, 2]).nonzero({ asTuple: false }); // tensor([[1]])
     */
    nonzero(options?: NonzeroOptions): Tensor | Tensor[];
    /**
     * The coordinates of the nonzero elements as one `[n, ndim]` int32 tensor (`nonzero()`).
     *
     * @example
     * g.tensor([[0, 1], [1, 0]]).argwhere(); // tensor([[0, 1], [1, 0]])
     */
    argwhere(): Tensor;
    /**
     * The elements where `mask` (broadcast with this tensor) is true, as a 1-D
     * tensor: PyTorch's `masked_select`. Reads the mask on the host once.
     *
     * @example
     * g.tensor([1, 2, 3]).maskedSelect(g.tensor([true, false, true])); // tensor([1., 3.])
     */
    maskedSelect(mask: Tensor): Tensor;
    /**
     * A copy with the places where `mask` is true filled, in order, from
     * `source` (PyTorch's `masked_scatter`). Reads the mask on the host once.
     *
     * @example
     * g.zeros(3).maskedScatter(g.tensor([false, true, true]), g.tensor([5, 6])); // tensor([0., 5., 6.])
     */
    maskedScatter(mask: Tensor, source: Tensor): Tensor;
    /**
     * In place: the places where `mask` is true take `source`'s elements in
     * order (PyTorch's `masked_scatter_`); returns this tensor.
     *
     * @example
     * g.zeros(3).maskedScatter_(g.tensor([true, false, true]), g.tensor([1, 2])); // tensor([1., 0., 2.])
     */
    maskedScatter_(mask: Tensor, source: Tensor): this;
    /**
     * The elements at the int32 `index`, reading this tensor flattened
     * (PyTorch's `take`); negative indices count from the end.
     *
     * @example
     * g.tensor([[1, 2], [3, 4]]).take(g.tensor([3, 0], { dtype: 'int32' })); // tensor([4., 1.])
     */
    take(index: Tensor): Tensor;
    /**
     * The values at `indices` along `dim`, the two broadcast on the other dims
     * (PyTorch's `take_along_dim`); without `dim` both are flattened.
     *
     * @example
     * const x = g.tensor([[10, 30, 20], [60, 40, 50]]);
     * x.takeAlongDim(x.argmax(1, true), 1); // tensor([[30.], [60.]])
     */
    takeAlongDim(indices: Tensor, dim?: number | null | TakeAlongDimOptions, options?: TakeAlongDimOptions): Tensor;
    /**
     * This tensor where `condition` is true and `other` elsewhere, the three
     * broadcast (PyTorch's `x.where(condition, y)`, `torch.where(condition, x, y)`).
     * See {@link @graft/core!"@graft/core".where | g.where}.
     *
     * @example
     * g.tensor([1, -2, 3]).where(g.tensor([true, false, true]), 0); // tensor([1., 0., 3.])
     */
    where(condition: Tensor, other: TensorLike): Tensor;
  }
}

installMethods<
  | 'index'
  | 'indexPut'
  | 'indexPut_'
  | 'nonzero'
  | 'argwhere'
  | 'maskedSelect'
  | 'maskedScatter'
  | 'maskedScatter_'
  | 'take'
  | 'takeAlongDim'
  | 'where'
>({
  index(...items) {
    return index(this, ...items);
  },
  indexPut(items, values, accumulate, options) {
    return indexPut(this, items, values, accumulate, options);
  },
  indexPut_(items, values, accumulate, options) {
    return indexPut_(this, items, values, accumulate, options);
  },
  nonzero(options?: NonzeroOptions) {
    return nonzero(this, options) as never;
  },
  argwhere() {
    return argwhere(this);
  },
  maskedSelect(mask) {
    return maskedSelect(this, mask);
  },
  maskedScatter(mask, source) {
    return maskedScatter(this, mask, source);
  },
  maskedScatter_(mask, source) {
    return maskedScatter_(this, mask, source);
  },
  take(index) {
    return take(this, index);
  },
  takeAlongDim(indices, dim, options) {
    return takeAlongDim(this, indices, dim, options);
  },
  where(condition, other) {
    return where(condition, this, other);
  },
});
