/** Tensor methods: sorting, selecting and counting. See methods/index.ts. (PyTorch has no method form of searchsorted or bucketize.) */
import {
  type BincountOptions,
  bincount,
  type HistcOptions,
  histc,
  type UniqueConsecutiveOptions,
  type UniqueOptions,
  unique,
  uniqueConsecutive,
} from '../ops/counting.js';
import type { ValuesIndices } from '../ops/named-tuple.js';
import {
  argsort,
  type CumOptions,
  cummax,
  cummin,
  type KthvalueOptions,
  kthvalue,
  type MedianOptions,
  median,
  mode,
  nanmedian,
  type SortOptions,
  sort,
  type TopkOptions,
  topk,
} from '../ops/sorting.js';
import type { Tensor } from '../tensor.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * Sorts along `dim` (default -1): `[values, indices]`, also `.values` and
     * `.indices`. NaN sorts as the greatest value; `{ stable: true }` keeps
     * equal values in order (by default they come out as PyTorch's CPU sort
     * leaves them). See {@link @graft/core!"@graft/core".sort | g.sort}.
     *
     * @example
     * const [values, indices] = g.tensor([3, 1, 2]).sort();
     * values.tolist(); // [1, 2, 3]
     * g.tensor([3, 1, 2]).sort(0, true).indices.tolist(); // [0, 2, 1]
     */
    sort(dim?: number | SortOptions, descending?: boolean | SortOptions, options?: SortOptions): ValuesIndices;
    /**
     * The int32 indices that sort this tensor along `dim`: `sort(...).indices`.
     *
     * @example
     * g.tensor([3, 1, 2]).argsort().tolist(); // [1, 2, 0]
     */
    argsort(dim?: number | SortOptions, descending?: boolean | SortOptions, options?: SortOptions): Tensor;
    /**
     * The `k` largest (or `{ largest: false }` smallest) elements along `dim`
     * and their indices: `[values, indices]`. See {@link @graft/core!"@graft/core".topk | g.topk}.
     *
     * @example
     * g.tensor([1, 5, 3, 4]).topk(2).values.tolist(); // [5, 4]
     */
    topk(
      k: number | TopkOptions,
      dim?: number | TopkOptions,
      largest?: boolean | TopkOptions,
      sorted?: boolean | TopkOptions,
      options?: TopkOptions,
    ): ValuesIndices;
    /**
     * The `k`-th smallest element (1-based) along `dim` and its index: `[values, indices]`.
     *
     * @example
     * g.tensor([3, 1, 2]).kthvalue(2).values.item(); // 2
     */
    kthvalue(
      k: number | KthvalueOptions,
      dim?: number | KthvalueOptions,
      keepdim?: boolean | KthvalueOptions,
      options?: KthvalueOptions,
    ): ValuesIndices;
    /**
     * The lower median of all elements (0-d; NaN if any is NaN).
     *
     * @example
     * g.tensor([3, 1, 2, 4]).median().item(); // 2
     */
    median(): Tensor;
    /**
     * The lower median along `dim` and its index: `[values, indices]`. See {@link @graft/core!"@graft/core".median | g.median}.
     *
     * @example
     * g.tensor([[3, 1, 2], [6, 5, 4]]).median(1).values.tolist(); // [2, 5]
     */
    median(dim: number | MedianOptions, keepdim?: boolean | MedianOptions, options?: MedianOptions): ValuesIndices;
    /**
     * The lower median of the non-NaN elements (0-d; NaN if there are none).
     *
     * @example
     * g.tensor([1, NaN, 3, 2]).nanmedian().item(); // 2
     */
    nanmedian(): Tensor;
    /**
     * The lower median of the non-NaN elements along `dim`, and its index: `[values, indices]`.
     *
     * @example
     * g.tensor([[NaN, 1], [2, 5]]).nanmedian(1).values.tolist(); // [1, 2]
     */
    nanmedian(dim: number | MedianOptions, keepdim?: boolean | MedianOptions, options?: MedianOptions): ValuesIndices;
    /**
     * The most frequent value along `dim` (default -1) and an index of it: `[values, indices]`.
     *
     * @example
     * g.tensor([1, 2, 2, 3]).mode().values.item(); // 2
     */
    mode(dim?: number | MedianOptions, keepdim?: boolean | MedianOptions, options?: MedianOptions): ValuesIndices;
    /**
     * The running maximum along `dim` and where it was reached: `[values, indices]`.
     *
     * @example
     * g.tensor([1, 3, 2]).cummax(0).values.tolist(); // [1, 3, 3]
     */
    cummax(dim: number | CumOptions, options?: CumOptions): ValuesIndices;
    /**
     * The running minimum along `dim` and where it was reached: `[values, indices]`.
     *
     * @example
     * g.tensor([3, 1, 2]).cummin(0).indices.tolist(); // [0, 1, 1]
     */
    cummin(dim: number | CumOptions, options?: CumOptions): ValuesIndices;
    /**
     * The unique elements, sorted (or unique slices along `{ dim }`); with
     * `returnInverse`/`returnCounts`, `[output, inverse?, counts?]`. See {@link @graft/core!"@graft/core".unique | g.unique}.
     *
     * @example
     * g.tensor([3, 1, 3, 2]).unique().tolist(); // [1, 2, 3]
     */
    unique(options?: UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
    /**
     * The unique elements with their inverse indices and counts: `[output, inverse, counts]`.
     *
     * @example
     * const [, inverse, counts] = g.tensor([3, 1, 3]).unique({ returnInverse: true, returnCounts: true });
     */
    unique(options: UniqueOptions & { returnInverse: true; returnCounts: true }): [Tensor, Tensor, Tensor];
    /**
     * The unique elements with their inverse indices or their counts: `[output, inverse or counts]`.
     *
     * @example
     * const [values, counts] = g.tensor([3, 1, 3]).unique({ returnCounts: true });
     */
    unique(options: UniqueOptions & ({ returnInverse: true } | { returnCounts: true })): [Tensor, Tensor];
    /**
     * `unique` with PyTorch's positional arguments.
     *
     * @example
     * g.tensor([2, 1, 2]).unique(true, true); // [tensor([1., 2.]), tensor([1, 0, 1])]
     */
    unique(
      sorted?: boolean | UniqueOptions,
      returnInverse?: boolean | UniqueOptions,
      returnCounts?: boolean | UniqueOptions,
      dim?: number | null | UniqueOptions,
      options?: UniqueOptions,
    ): Tensor | Tensor[];
    /**
     * Collapses runs of equal consecutive elements (or slices along `{ dim }`); with
     * `returnInverse`/`returnCounts`, `[output, inverse?, counts?]`. See {@link @graft/core!"@graft/core".uniqueConsecutive | g.uniqueConsecutive}.
     *
     * @example
     * g.tensor([1, 1, 2, 1]).uniqueConsecutive().tolist(); // [1, 2, 1]
     */
    uniqueConsecutive(options?: UniqueConsecutiveOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
    /**
     * Consecutive runs collapsed, with inverse indices and counts: `[output, inverse, counts]`.
     *
     * @example
     * const [, inverse, counts] = g.tensor([1, 1, 2]).uniqueConsecutive({ returnInverse: true, returnCounts: true });
     */
    uniqueConsecutive(options: UniqueConsecutiveOptions & { returnInverse: true; returnCounts: true }): [Tensor, Tensor, Tensor];
    /**
     * Consecutive runs collapsed, with inverse indices or counts: `[output, inverse or counts]`.
     *
     * @example
     * const [values, counts] = g.tensor([1, 1, 2]).uniqueConsecutive({ returnCounts: true });
     */
    uniqueConsecutive(options: UniqueConsecutiveOptions & ({ returnInverse: true } | { returnCounts: true })): [Tensor, Tensor];
    /**
     * `uniqueConsecutive` with PyTorch's positional arguments.
     *
     * @example
     * g.tensor([1, 1, 2]).uniqueConsecutive(false, true); // [tensor([1., 2.]), tensor([2, 1])]
     */
    uniqueConsecutive(
      returnInverse?: boolean | UniqueConsecutiveOptions,
      returnCounts?: boolean | UniqueConsecutiveOptions,
      dim?: number | null | UniqueConsecutiveOptions,
      options?: UniqueConsecutiveOptions,
    ): Tensor | Tensor[];
    /**
     * How often each value occurs in this 1-D non-negative int32 tensor (or the
     * sum of its `weights`). See {@link @graft/core!"@graft/core".bincount | g.bincount}.
     *
     * @example
     * g.tensor([0, 1, 1, 3], { dtype: 'int32' }).bincount().tolist(); // [1, 2, 0, 1]
     */
    bincount(weights?: Tensor | null | BincountOptions, minlength?: number | BincountOptions, options?: BincountOptions): Tensor;
    /**
     * A histogram in `bins` equal bins between `min` and `max` (default: the
     * data's extremes). See {@link @graft/core!"@graft/core".histc | g.histc}.
     *
     * @example
     * g.tensor([1, 2, 1]).histc(4, 0, 3).tolist(); // [0, 2, 1, 0]
     */
    histc(bins?: number | HistcOptions, min?: number | HistcOptions, max?: number | HistcOptions, options?: HistcOptions): Tensor;
  }
}

installMethods<
  | 'sort'
  | 'argsort'
  | 'topk'
  | 'kthvalue'
  | 'median'
  | 'nanmedian'
  | 'mode'
  | 'cummax'
  | 'cummin'
  | 'unique'
  | 'uniqueConsecutive'
  | 'bincount'
  | 'histc'
>({
  sort(dim, descending, options) {
    return sort(this, dim, descending, options);
  },
  argsort(dim, descending, options) {
    return argsort(this, dim, descending, options);
  },
  topk(k, dim, largest, sorted, options) {
    return topk(this, k, dim, largest, sorted, options);
  },
  kthvalue(k, dim, keepdim, options) {
    return kthvalue(this, k, dim, keepdim, options);
  },
  // One implementation behind the overloads (the g. function sorts out which was meant).
  median: function (this: Tensor, dim?: number | MedianOptions, keepdim?: boolean | MedianOptions, options?: MedianOptions) {
    return median(this, dim as number, keepdim, options);
  } as Tensor['median'],
  nanmedian: function (this: Tensor, dim?: number | MedianOptions, keepdim?: boolean | MedianOptions, options?: MedianOptions) {
    return nanmedian(this, dim as number, keepdim, options);
  } as Tensor['nanmedian'],
  mode(dim, keepdim, options) {
    return mode(this, dim, keepdim, options);
  },
  cummax(dim, options) {
    return cummax(this, dim, options);
  },
  cummin(dim, options) {
    return cummin(this, dim, options);
  },
  unique: function (this: Tensor, ...args: unknown[]) {
    return (unique as (x: Tensor, ...a: unknown[]) => Tensor | Tensor[])(this, ...args);
  } as Tensor['unique'],
  uniqueConsecutive: function (this: Tensor, ...args: unknown[]) {
    return (uniqueConsecutive as (x: Tensor, ...a: unknown[]) => Tensor | Tensor[])(this, ...args);
  } as Tensor['uniqueConsecutive'],
  bincount(weights, minlength, options) {
    return bincount(this, weights, minlength, options);
  },
  histc(bins, min, max, options) {
    return histc(this, bins, min, max, options);
  },
});
