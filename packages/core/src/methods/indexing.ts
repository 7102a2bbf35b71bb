/** Tensor methods: indexing: gather, indexSelect, pad. See methods/index.ts. */
import { gather, indexSelect, pad } from '../ops/indexing.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * Values picked along `dim` by the int32 tensor `index`: for dim 1,
     * `out[i][j] = this[i][index[i][j]]`. See {@link @graft/core!"@graft/core".gather | g.gather}.
     *
     * @example
     * g.tensor([[1, 2], [3, 4]]).gather(1, g.tensor([[0, 0], [1, 0]], { dtype: 'int32' })); // tensor([[1., 1.], [4., 3.]])
     */
    gather(dim: number, index: Tensor): Tensor;
    /**
     * The entries at the 1-D int32 `index` along `dim`; PyTorch's `index_select`.
     *
     * @example
     * g.tensor([[1, 2], [3, 4]]).indexSelect(0, g.tensor([1], { dtype: 'int32' })); // tensor([[3., 4.]])
     */
    indexSelect(dim: number, index: Tensor): Tensor;
    /**
     * This tensor padded with `value` (default 0), the pads in
     * `torch.nn.functional.pad`'s order: `[lastBefore, lastAfter, secondLastBefore, …]`.
     * Negative pads crop.
     *
     * @example
     * g.tensor([1, 2]).pad([1, 2]).tolist(); // [0, 1, 2, 0, 0]
     */
    pad(pads: readonly number[], value?: number): Tensor;
  }
}

installMethods<'gather' | 'indexSelect' | 'pad'>({
  gather(dim, index) {
    return gather(this, dim, index);
  },
  indexSelect(dim, index) {
    return indexSelect(this, dim, index);
  },
  pad(pads, value = 0) {
    return pad(this, pads, value);
  },
});
