/**
 * Tensor methods for PyTorch's shorthands: the `new_*` constructors (this
 * tensor's dtype and device by default), `isFloatingPoint`, `clip`/`clip_`
 * (clamp's NumPy name), and the method forms of the stacking, NaN-aware and
 * difference ops (`ops/stacking.ts`, `ops/nan-reductions.ts`,
 * `ops/differences.ts`). See methods/index.ts.
 */
import { isFloating } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { type CreationOptions, creationOptions, full, tensor, type NestedArray } from '../ops/creation.js';
import { type DiffOptions, diff } from '../ops/differences.js';
import { clamp, type ClampOptions } from '../ops/elementwise.js';
import { type AminmaxOptions, aminmax, countNonzero, type MinMax, nanmean, nansum } from '../ops/nan-reductions.js';
import type { SumOptions } from '../ops/reduce.js';
import { broadcastTo, fliplr, flipud } from '../ops/stacking.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * A tensor of zeros of `size`, with this tensor's dtype and device unless
     * the options say otherwise — PyTorch's `new_zeros`.
     *
     * @example
     * g.tensor([1], { dtype: 'float64' }).newZeros([2, 3]).dtype; // 'float64'
     */
    newZeros(size: readonly number[], options?: CreationOptions): Tensor;
    /** Ones of `size`, this tensor's dtype and device by default — PyTorch's `new_ones`. @example g.zeros(1, { dtype: 'int32' }).newOnes([2]); // tensor([1, 1]) */
    newOnes(size: readonly number[], options?: CreationOptions): Tensor;
    /** `size` filled with `value`, this tensor's dtype and device by default — PyTorch's `new_full`. @example g.zeros(1).newFull([2], 7); // tensor([7., 7.]) */
    newFull(size: readonly number[], value: number | boolean, options?: CreationOptions): Tensor;
    /** An uninitialised (here: zero) tensor of `size`, this tensor's dtype and device by default — PyTorch's `new_empty`. @example g.zeros(1).newEmpty([2, 3]).shape; // [2, 3] */
    newEmpty(size: readonly number[], options?: CreationOptions): Tensor;
    /**
     * A tensor of `data`, this tensor's dtype and device by default — PyTorch's `new_tensor`.
     *
     * @example
     * g.zeros(1, { dtype: 'float64' }).newTensor([1, 2]).dtype; // 'float64'
     */
    newTensor(data: NestedArray, options?: CreationOptions): Tensor;
    /** Whether the dtype is a floating point one (float32, float64) — PyTorch's `is_floating_point`. @example g.ones(1).isFloatingPoint(); // true */
    isFloatingPoint(): boolean;
    /** clamp's NumPy name — PyTorch's `clip`. @example g.tensor([-2, 3]).clip(-1, 1); // tensor([-1.,  1.]) */
    clip(min?: number | Tensor | null | ClampOptions, max?: number | Tensor | null | ClampOptions, options?: ClampOptions): Tensor;
    /** In-place clip: `clamp_` — PyTorch's `clip_`. @example g.tensor([-2, 3]).clip_(-1, 1); // tensor([-1.,  1.]) */
    clip_(min?: number | Tensor | null | ClampOptions, max?: number | Tensor | null | ClampOptions, options?: ClampOptions): this;
    /** See {@link @graft/core!"@graft/core".diff | g.diff}. @example g.tensor([1, 4, 9]).diff(); // tensor([3., 5.]) */
    diff(
      n?: number | DiffOptions,
      dim?: number | DiffOptions,
      prepend?: Tensor | null | DiffOptions,
      append?: Tensor | null | DiffOptions,
    ): Tensor;
    /** See {@link @graft/core!"@graft/core".nansum | g.nansum}. @example g.tensor([1, NaN]).nansum(); // tensor(1.) */
    nansum(dim?: number | readonly number[] | null | SumOptions, keepdim?: boolean | SumOptions, options?: SumOptions): Tensor;
    /** See {@link @graft/core!"@graft/core".nanmean | g.nanmean}. @example g.tensor([1, NaN, 2]).nanmean(); // tensor(1.5000) */
    nanmean(dim?: number | readonly number[] | null | SumOptions, keepdim?: boolean | SumOptions, options?: SumOptions): Tensor;
    /** See {@link @graft/core!"@graft/core".countNonzero | g.countNonzero}. @example g.tensor([0, 2]).countNonzero(); // tensor(1) */
    countNonzero(dim?: number | readonly number[] | { dim?: number | readonly number[] }): Tensor;
    /** See {@link @graft/core!"@graft/core".aminmax | g.aminmax}. @example g.tensor([3, 1, 2]).aminmax().max; // tensor(3.) */
    aminmax(options?: AminmaxOptions): MinMax;
    /** See {@link @graft/core!"@graft/core".broadcastTo | g.broadcastTo}. @example g.tensor([1, 2]).broadcastTo([3, 2]).shape; // [3, 2] */
    broadcastTo(shape: readonly number[]): Tensor;
    /** See {@link @graft/core!"@graft/core".flipud | g.flipud}. @example g.tensor([1, 2]).flipud(); // tensor([2., 1.]) */
    flipud(): Tensor;
    /** See {@link @graft/core!"@graft/core".fliplr | g.fliplr}. @example g.ones(2, 3).fliplr().shape; // [2, 3] */
    fliplr(): Tensor;
  }
}

/** `op`'s creation options (checked, in its name), defaulting to this tensor's dtype and device. */
function like(op: string, self: Tensor, options: CreationOptions | undefined): CreationOptions {
  return { dtype: self.dtype, device: self.device, ...creationOptions(op, options) };
}

installMethods<
  | 'newZeros'
  | 'newOnes'
  | 'newFull'
  | 'newEmpty'
  | 'newTensor'
  | 'isFloatingPoint'
  | 'clip'
  | 'clip_'
  | 'diff'
  | 'nansum'
  | 'nanmean'
  | 'countNonzero'
  | 'aminmax'
  | 'broadcastTo'
  | 'flipud'
  | 'fliplr'
>({
  newZeros(size, options) {
    return full(size, 0, like('newZeros', this, options));
  },
  newOnes(size, options) {
    return full(size, 1, like('newOnes', this, options));
  },
  newFull(size, value, options) {
    return full(size, value, like('newFull', this, options));
  },
  newEmpty(size, options) {
    return full(size, 0, like('newEmpty', this, options));
  },
  newTensor(data, options) {
    return tensor(data, like('newTensor', this, options));
  },
  isFloatingPoint() {
    return isFloating(this.dtype);
  },
  clip(min, max, options) {
    return clamp(this, min, max, options);
  },
  clip_(min, max, options) {
    return this.clamp_(min, max, options);
  },
  diff(n, dim, prepend, append) {
    return diff(this, n, dim, prepend, append);
  },
  nansum(dim, keepdim, options) {
    return nansum(this, dim, keepdim, options);
  },
  nanmean(dim, keepdim, options) {
    return nanmean(this, dim, keepdim, options);
  },
  countNonzero(dim) {
    return countNonzero(this, dim);
  },
  aminmax(options) {
    return aminmax(this, options);
  },
  broadcastTo(shape) {
    return broadcastTo(this, shape);
  },
  flipud() {
    return flipud(this);
  },
  fliplr() {
    return fliplr(this);
  },
});
