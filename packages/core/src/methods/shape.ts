/** Tensor methods: views and shape changes. See methods/index.ts. */
import {
  chunk,
  type DimOptions,
  expand,
  flatten,
  flip,
  narrow,
  repeat,
  reshape,
  select,
  slice,
  split,
  squeeze,
  unsqueeze,
  view,
} from '../ops/movement.js';
import { checkTensor } from '../ops/dispatch.js';
import type { Tensor } from '../tensor.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * This tensor with a new shape: a view when the layout allows, else a copy;
     * one size may be -1. The shape spread or as one array. See {@link @graft/core!"@graft/core".reshape | g.reshape}.
     *
     * @example
     * g.arange(6).reshape(-1, 2).shape; // [3, 2]
     */
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    /**
     * A view with a new shape; throws when the strides do not allow one (then use `reshape`).
     *
     * @example
     * g.arange(6).view(2, 3).shape; // [2, 3]
     */
    view(...shape: number[] | [readonly number[]]): Tensor;
    /**
     * This tensor with dims `startDim` to `endDim` (default: all) merged into one.
     *
     * @example
     * g.zeros(2, 3, 4).flatten(1).shape; // [2, 12]
     */
    flatten(startDim?: number, endDim?: number): Tensor;
    /**
     * This tensor without its size-1 dims (all of them, or the given ones), as a view.
     *
     * @example
     * g.zeros(1, 3, 1).squeeze().shape; // [3]
     */
    squeeze(dim?: number | readonly number[]): Tensor;
    /**
     * This tensor with a size-1 dim inserted at `dim` (a view).
     *
     * @example
     * g.zeros(3).unsqueeze(0).shape; // [1, 3]
     */
    unsqueeze(dim: number): Tensor;
    /**
     * This tensor with size-1 dims broadcast to a larger shape, without copying
     * (-1 keeps a size).
     *
     * @example
     * g.tensor([[1], [2]]).expand(2, 3).shape; // [2, 3]
     */
    expand(...shape: number[] | [readonly number[]]): Tensor;
    /**
     * This tensor broadcast to `other`'s shape (a view); PyTorch's `expand_as`.
     *
     * @example
     * g.ones(1, 3).expandAs(g.zeros(2, 3)).shape; // [2, 3]
     */
    expandAs(other: Tensor): Tensor;
    /**
     * This tensor viewed with `other`'s shape (`view(other.shape)`); PyTorch's `view_as`.
     *
     * @example
     * g.arange(6).viewAs(g.zeros(2, 3)).shape; // [2, 3]
     */
    viewAs(other: Tensor): Tensor;
    /**
     * This tensor reshaped to `other`'s shape (`reshape(other.shape)`); PyTorch's `reshape_as`.
     *
     * @example
     * g.arange(6).reshapeAs(g.zeros(3, 2)).shape; // [3, 2]
     */
    reshapeAs(other: Tensor): Tensor;
    /**
     * This tensor cast to `other`'s dtype (`to(other.dtype)`); PyTorch's `type_as`.
     *
     * @example
     * g.tensor([1.7]).typeAs(g.zeros(1, { dtype: 'int32' })); // tensor([1])
     */
    typeAs(other: Tensor): Tensor;
    /**
     * This tensor tiled `reps[i]` times along each dim (a copy).
     *
     * @example
     * g.tensor([1, 2]).repeat(2).tolist(); // [1, 2, 1, 2]
     */
    repeat(...reps: number[] | [readonly number[]]): Tensor;
    /**
     * This tensor with the order of elements reversed along `dims` (a copy, as in PyTorch).
     *
     * @example
     * g.tensor([1, 2, 3]).flip(0).tolist(); // [3, 2, 1]
     */
    flip(dims: number | readonly number[]): Tensor;
    /**
     * Views of this tensor in chunks of `sizeOrSections` along `dim` (the last
     * may be smaller), or in chunks of the given sizes.
     *
     * @example
     * g.arange(5).split(2).map((c) => c.tolist()); // [[0, 1], [2, 3], [4]]
     */
    split(sizeOrSections: number | readonly number[], dim?: number | DimOptions, options?: DimOptions): Tensor[];
    /**
     * This tensor in `chunks` nearly equal views along `dim`, as `torch.chunk`.
     *
     * @example
     * g.arange(5).chunk(2).map((c) => c.tolist()); // [[0, 1, 2], [3, 4]]
     */
    chunk(chunks: number, dim?: number | DimOptions, options?: DimOptions): Tensor[];
    /**
     * `length` elements from `start` along `dim` (a view).
     *
     * @example
     * g.arange(5).narrow(0, 1, 2).tolist(); // [1, 2]
     */
    narrow(dim: number, start: number, length: number): Tensor;
    /**
     * The sub-tensor at `index` along `dim`, with that dim removed (a view):
     * `x.select(0, i)` is PyTorch's `x[i]`.
     *
     * @example
     * g.tensor([[1, 2], [3, 4]]).select(0, 1).tolist(); // [3, 4]
     */
    select(dim: number, index: number): Tensor;
    /**
     * The elements `start, start + step, …` below `end` along `dim` (a view):
     * `x.slice(0, 1, 5, 2)` is PyTorch's `x[1:5:2]`. Negative indices count from the end.
     *
     * @example
     * g.arange(6).slice(0, 1, 5, 2).tolist(); // [1, 3]
     */
    slice(dim: number, start?: number | null, end?: number | null, step?: number): Tensor;
  }
}

/** The `other` of an `*As` method, checked (PyTorch: "argument 'other' must be Tensor"). */
function otherTensor(op: string, other: unknown): Tensor {
  return checkTensor(op, other, 'other');
}

installMethods<
  | 'reshape'
  | 'view'
  | 'flatten'
  | 'squeeze'
  | 'unsqueeze'
  | 'expand'
  | 'expandAs'
  | 'viewAs'
  | 'reshapeAs'
  | 'typeAs'
  | 'repeat'
  | 'flip'
  | 'split'
  | 'chunk'
  | 'narrow'
  | 'select'
  | 'slice'
>({
  reshape(...shape) {
    return reshape(this, ...shape);
  },
  view(...shape) {
    return view(this, ...shape);
  },
  flatten(startDim = 0, endDim = -1) {
    return flatten(this, startDim, endDim);
  },
  squeeze(dim) {
    return squeeze(this, dim);
  },
  unsqueeze(dim) {
    return unsqueeze(this, dim);
  },
  expand(...shape) {
    return expand(this, ...shape);
  },
  expandAs(other) {
    return expand(this, otherTensor('expandAs', other).shape as number[]);
  },
  viewAs(other) {
    return view(this, otherTensor('viewAs', other).shape as number[]);
  },
  reshapeAs(other) {
    return reshape(this, otherTensor('reshapeAs', other).shape as number[]);
  },
  typeAs(other) {
    return this.to(otherTensor('typeAs', other).dtype);
  },
  repeat(...reps) {
    return repeat(this, ...reps);
  },
  flip(dims) {
    return flip(this, dims);
  },
  split(sizeOrSections, dim, options) {
    return split(this, sizeOrSections, dim, options);
  },
  chunk(chunks, dim, options) {
    return chunk(this, chunks, dim, options);
  },
  narrow(dim, start, length) {
    return narrow(this, dim, start, length);
  },
  select(dim, index) {
    return select(this, dim, index);
  },
  slice(dim, start, end, step = 1) {
    return slice(this, dim, start, end, step);
  },
});
