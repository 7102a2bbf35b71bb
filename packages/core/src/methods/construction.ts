/**
 * Tensor methods: construction and shape — triangles and diagonals, roll,
 * rot90, repeatInterleave, tile, moving dims, unflatten, unbind and the
 * splits. See methods/index.ts.
 */
import {
  type DiagonalOptions,
  type RepeatInterleaveOptions,
  type RollOptions,
  type Rot90Options,
  type TensorSplitOptions,
  type TriangleOptions,
  type UnbindOptions,
  diag,
  diagEmbed,
  diagonal,
  dsplit,
  hsplit,
  movedim,
  repeatInterleave,
  roll,
  rot90,
  tensorSplit,
  tile,
  tril,
  triu,
  unbind,
  unflatten,
  vsplit,
} from '../ops/construction.js';
import { inplaceOf } from '../ops/inplace.js';
import { transpose } from '../ops/movement.js';
import type { Tensor as T } from '../tensor.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * The lower triangle of the last two dims, on and below the `diagonal`-th
     * diagonal (the rest zero). See {@link @graft/core!"@graft/core".tril | g.tril}.
     *
     * @example
     * g.ones(2, 2).tril(); // tensor([[1., 0.], [1., 1.]])
     */
    tril(diagonal?: number | TriangleOptions, options?: TriangleOptions): T;
    /**
     * In-place {@link Tensor.tril}; PyTorch's `tril_`.
     *
     * @example
     * const t = g.ones(2, 2); t.tril_(); // t is tensor([[1., 0.], [1., 1.]])
     */
    tril_(diagonal?: number | TriangleOptions, options?: TriangleOptions): this;
    /**
     * The upper triangle of the last two dims, on and above the `diagonal`-th
     * diagonal (the rest zero). See {@link @graft/core!"@graft/core".triu | g.triu}.
     *
     * @example
     * g.ones(2, 2).triu(); // tensor([[1., 1.], [0., 1.]])
     */
    triu(diagonal?: number | TriangleOptions, options?: TriangleOptions): T;
    /**
     * In-place {@link Tensor.triu}; PyTorch's `triu_`.
     *
     * @example
     * const t = g.ones(2, 2); t.triu_(1); // t is tensor([[0., 1.], [0., 0.]])
     */
    triu_(diagonal?: number | TriangleOptions, options?: TriangleOptions): this;
    /**
     * The `diagonal`-th diagonal of a matrix, or a square matrix with this
     * vector on it. See {@link @graft/core!"@graft/core".diag | g.diag}.
     *
     * @example
     * g.tensor([1, 2]).diag(); // tensor([[1., 0.], [0., 2.]])
     */
    diag(diagonal?: number | TriangleOptions, options?: TriangleOptions): T;
    /**
     * The `offset`-th diagonal over dims `dim1` and `dim2`, as a view (its
     * last dim). See {@link @graft/core!"@graft/core".diagonal | g.diagonal}.
     *
     * @example
     * g.tensor([[1, 2], [3, 4]]).diagonal(); // tensor([1., 4.])
     */
    diagonal(
      offset?: number | DiagonalOptions,
      dim1?: number | DiagonalOptions,
      dim2?: number | DiagonalOptions,
      options?: DiagonalOptions,
    ): T;
    /**
     * Matrices with this tensor's last dim on their `offset`-th diagonal.
     * See {@link @graft/core!"@graft/core".diagEmbed | g.diagEmbed}.
     *
     * @example
     * g.tensor([1, 2]).diagEmbed(); // tensor([[1., 0.], [0., 2.]])
     */
    diagEmbed(
      offset?: number | DiagonalOptions,
      dim1?: number | DiagonalOptions,
      dim2?: number | DiagonalOptions,
      options?: DiagonalOptions,
    ): T;
    /**
     * The elements shifted by `shifts` along `dims` (wrapping), or along the
     * flattened tensor. See {@link @graft/core!"@graft/core".roll | g.roll}.
     *
     * @example
     * g.tensor([1, 2, 3]).roll(1); // tensor([3., 1., 2.])
     */
    roll(shifts: number | readonly number[], dims?: number | readonly number[] | null | RollOptions, options?: RollOptions): T;
    /**
     * Rotated by `k` quarter turns in the plane of `dims`. See {@link @graft/core!"@graft/core".rot90 | g.rot90}.
     *
     * @example
     * g.tensor([[1, 2], [3, 4]]).rot90(); // tensor([[2., 4.], [1., 3.]])
     */
    rot90(k?: number | Rot90Options, dims?: readonly number[] | Rot90Options, options?: Rot90Options): T;
    /**
     * Each element (or slice along `dim`) repeated in place. See
     * {@link @graft/core!"@graft/core".repeatInterleave | g.repeatInterleave}.
     *
     * @example
     * g.tensor([1, 2]).repeatInterleave(2); // tensor([1., 1., 2., 2.])
     */
    repeatInterleave(
      repeats?: number | T | RepeatInterleaveOptions,
      dim?: number | null | RepeatInterleaveOptions,
      options?: RepeatInterleaveOptions,
    ): T;
    /**
     * This tensor tiled `dims[i]` times along each dim. See {@link @graft/core!"@graft/core".tile | g.tile}.
     *
     * @example
     * g.tensor([1, 2]).tile(2); // tensor([1., 2., 1., 2.])
     */
    tile(...dims: number[] | [readonly number[]]): T;
    /**
     * The dims `source` moved to `destination`, as a view. See {@link @graft/core!"@graft/core".movedim | g.movedim}.
     *
     * @example
     * g.zeros(2, 3, 4).movedim(0, -1).shape; // [3, 4, 2]
     */
    movedim(source: number | readonly number[], destination: number | readonly number[]): T;
    /**
     * PyTorch's `moveaxis`: {@link Tensor.movedim}.
     *
     * @example
     * g.zeros(2, 3).moveaxis(0, 1).shape; // [3, 2]
     */
    moveaxis(source: number | readonly number[], destination: number | readonly number[]): T;
    /**
     * PyTorch's `swapaxes`: {@link Tensor.transpose} (a view).
     *
     * @example
     * g.zeros(2, 3).swapaxes(0, 1).shape; // [3, 2]
     */
    swapaxes(axis0: number, axis1: number): T;
    /**
     * PyTorch's `swapdims`: {@link Tensor.transpose} (a view).
     *
     * @example
     * g.zeros(2, 3).swapdims(0, 1).shape; // [3, 2]
     */
    swapdims(dim0: number, dim1: number): T;
    /**
     * Dim `dim` split into dims of `sizes` (one may be -1), as a view. See
     * {@link @graft/core!"@graft/core".unflatten | g.unflatten}.
     *
     * @example
     * g.zeros(2, 12).unflatten(1, [3, 4]).shape; // [2, 3, 4]
     */
    unflatten(dim: number, sizes: readonly number[]): T;
    /**
     * The slices along `dim`, as views. See {@link @graft/core!"@graft/core".unbind | g.unbind}.
     *
     * @example
     * g.tensor([[1, 2], [3, 4]]).unbind(1).map((t) => t.tolist()); // [[1, 3], [2, 4]]
     */
    unbind(dim?: number | UnbindOptions, options?: UnbindOptions): T[];
    /**
     * Views split along `dim` into sections or at indices. See
     * {@link @graft/core!"@graft/core".tensorSplit | g.tensorSplit}.
     *
     * @example
     * g.arange(5).tensorSplit(2).map((t) => t.tolist()); // [[0, 1, 2], [3, 4]]
     */
    tensorSplit(indicesOrSections: number | readonly number[] | T, dim?: number | TensorSplitOptions, options?: TensorSplitOptions): T[];
    /**
     * {@link Tensor.tensorSplit} along dim 1 (dim 0 of a 1-D tensor), evenly.
     * See {@link @graft/core!"@graft/core".hsplit | g.hsplit}.
     *
     * @example
     * g.zeros(2, 4).hsplit(2).map((t) => t.shape); // [[2, 2], [2, 2]]
     */
    hsplit(indicesOrSections: number | readonly number[]): T[];
    /**
     * {@link Tensor.tensorSplit} along dim 0, evenly. See {@link @graft/core!"@graft/core".vsplit | g.vsplit}.
     *
     * @example
     * g.zeros(4, 2).vsplit(2).map((t) => t.shape); // [[2, 2], [2, 2]]
     */
    vsplit(indicesOrSections: number | readonly number[]): T[];
    /**
     * {@link Tensor.tensorSplit} along dim 2, evenly. See {@link @graft/core!"@graft/core".dsplit | g.dsplit}.
     *
     * @example
     * g.zeros(1, 2, 4).dsplit(2).map((t) => t.shape); // [[1, 2, 2], [1, 2, 2]]
     */
    dsplit(indicesOrSections: number | readonly number[]): T[];
  }
}

installMethods<
  | 'tril'
  | 'tril_'
  | 'triu'
  | 'triu_'
  | 'diag'
  | 'diagonal'
  | 'diagEmbed'
  | 'roll'
  | 'rot90'
  | 'repeatInterleave'
  | 'tile'
  | 'movedim'
  | 'moveaxis'
  | 'swapaxes'
  | 'swapdims'
  | 'unflatten'
  | 'unbind'
  | 'tensorSplit'
  | 'hsplit'
  | 'vsplit'
  | 'dsplit'
>({
  tril(diagonal_, options) {
    return tril(this, diagonal_, options);
  },
  tril_(diagonal_, options) {
    return inplaceOf(this, 'tril_', (self) => tril(self, diagonal_, options), diagonal_);
  },
  triu(diagonal_, options) {
    return triu(this, diagonal_, options);
  },
  triu_(diagonal_, options) {
    return inplaceOf(this, 'triu_', (self) => triu(self, diagonal_, options), diagonal_);
  },
  diag(diagonal_, options) {
    return diag(this, diagonal_, options);
  },
  diagonal(offset, dim1, dim2, options) {
    return diagonal(this, offset, dim1, dim2, options);
  },
  diagEmbed(offset, dim1, dim2, options) {
    return diagEmbed(this, offset, dim1, dim2, options);
  },
  roll(shifts, dims, options) {
    return roll(this, shifts, dims, options);
  },
  rot90(k, dims, options) {
    return rot90(this, k, dims, options);
  },
  repeatInterleave(repeats, dim, options) {
    return repeatInterleave(this, repeats, dim, options);
  },
  tile(...dims) {
    return tile(this, ...dims);
  },
  movedim(source, destination) {
    return movedim(this, source, destination);
  },
  moveaxis(source, destination) {
    return movedim(this, source, destination);
  },
  swapaxes(axis0, axis1) {
    return transpose(this, axis0, axis1);
  },
  swapdims(dim0, dim1) {
    return transpose(this, dim0, dim1);
  },
  unflatten(dim, sizes) {
    return unflatten(this, dim, sizes);
  },
  unbind(dim, options) {
    return unbind(this, dim, options);
  },
  tensorSplit(indicesOrSections, dim, options) {
    return tensorSplit(this, indicesOrSections, dim, options);
  },
  hsplit(indicesOrSections) {
    return hsplit(this, indicesOrSections);
  },
  vsplit(indicesOrSections) {
    return vsplit(this, indicesOrSections);
  },
  dsplit(indicesOrSections) {
    return dsplit(this, indicesOrSections);
  },
});
