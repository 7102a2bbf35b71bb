/** Tensor methods: reductions, the softmax family and cumulative ops. See methods/index.ts. */
import {
  type DimDTypeOptions,
  type NormOptions,
  type ReduceOptions,
  type SumOptions,
  type VarOptions,
  amax,
  amin,
  argmax,
  argmin,
  cumsum,
  logSoftmax,
  logsumexp,
  max,
  mean,
  min,
  norm,
  prod,
  softmax,
  std,
  sum,
  var_,
} from '../ops/reduce.js';
import type { ValuesIndices } from '../ops/named-tuple.js';
import type { Tensor } from '../tensor.js';
import { installMethods } from './install.js';

/** The dims a reduction takes: one, several, or (undefined/null) all. */
type Dims = number | readonly number[] | null;

declare module '../tensor.js' {
  interface Tensor {
    /**
     * The sum over `dim` (all elements by default), keeping the reduced dims
     * with `keepdim`; `{ dtype }` sums in that dtype. Integer sums are exact or
     * raise (see {@link @graft/core!"@graft/core".sum | g.sum}).
     *
     * @example
     * g.tensor([[1, 2], [3, 4]]).sum(1).tolist(); // [3, 7]
     * g.tensor([[1, 2], [3, 4]]).sum(1, { keepdim: true }).shape; // [2, 1]
     */
    sum(dim?: Dims | SumOptions, keepdim?: boolean | SumOptions, options?: SumOptions): Tensor;
    /**
     * The mean over `dim` (all elements by default); floating tensors only, or
     * give `{ dtype }`. NaN for an empty tensor. See {@link @graft/core!"@graft/core".mean | g.mean}.
     *
     * @example
     * g.tensor([1, 2, 3, 4]).mean().item(); // 2.5
     */
    mean(dim?: Dims | SumOptions, keepdim?: boolean | SumOptions, options?: SumOptions): Tensor;
    /**
     * The product over `dim` (all elements by default). Integer products are
     * exact or raise, as integer sums. See {@link @graft/core!"@graft/core".prod | g.prod}.
     *
     * @example
     * g.tensor([1, 2, 3]).prod().item(); // 6
     */
    prod(dim?: Dims | SumOptions, keepdim?: boolean | SumOptions, options?: SumOptions): Tensor;
    /**
     * The variance over `dim` with Bessel's `correction` (default 1): PyTorch's
     * `x.var(dim, unbiased, keepdim)` or `x.var(dim, { correction, keepdim })`.
     * See {@link @graft/core!"@graft/core".var | g.var}.
     *
     * @example
     * g.tensor([1, 2, 3, 4]).var().item(); // 1.6666…
     * g.tensor([[1, 2], [3, 5]]).var(1, { correction: 0 }).tolist(); // [0.25, 1]
     */
    var(dim?: Dims | VarOptions, unbiased?: boolean | VarOptions, keepdim?: boolean | VarOptions, options?: VarOptions): Tensor;
    /**
     * The standard deviation over `dim`: `sqrt(var)`, with `var`'s arguments. See {@link @graft/core!"@graft/core".std | g.std}.
     *
     * @example
     * g.tensor([1, 3]).std().item(); // 1.4142…
     */
    std(dim?: Dims | VarOptions, unbiased?: boolean | VarOptions, keepdim?: boolean | VarOptions, options?: VarOptions): Tensor;
    /**
     * The vector p-norm over `dim` (all elements by default): `p` = 2 (default),
     * 1, Infinity, -Infinity, 0 or any number, as `torch.linalg.vector_norm`.
     * See {@link @graft/core!"@graft/core".norm | g.norm}.
     *
     * @example
     * g.tensor([3, 4]).norm().item(); // 5
     * g.tensor([[3, 4]]).norm(1, 1).tolist(); // [7]
     */
    norm(p?: number | NormOptions, dim?: Dims | NormOptions, keepdim?: boolean | NormOptions, options?: NormOptions): Tensor;
    /**
     * `log(sum(exp(x)))` over `dim`, computed stably (without overflow). See {@link @graft/core!"@graft/core".logsumexp | g.logsumexp}.
     *
     * @example
     * g.tensor([1000, 1000]).logsumexp(0).item(); // 1000.6931…
     */
    logsumexp(dim: number | readonly number[] | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor;
    /**
     * The maximum over `dim` (all elements by default), without indices; ties
     * share the gradient. See {@link @graft/core!"@graft/core".amax | g.amax}.
     *
     * @example
     * g.tensor([[1, 5], [3, 2]]).amax(0).tolist(); // [3, 5]
     */
    amax(dim?: Dims | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor;
    /**
     * The minimum over `dim` (all elements by default), without indices; ties
     * share the gradient. See {@link @graft/core!"@graft/core".amin | g.amin}.
     *
     * @example
     * g.tensor([[1, 5], [3, 2]]).amin(0).tolist(); // [1, 2]
     */
    amin(dim?: Dims | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor;
    /**
     * The index (int32) of the maximum: in the flattened tensor, or along `dim`.
     *
     * @example
     * g.tensor([1, 5, 3]).argmax().item(); // 1
     * g.tensor([[1, 5], [3, 2]]).argmax(1).tolist(); // [1, 0]
     */
    argmax(dim?: number | null | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor;
    /**
     * The index (int32) of the minimum: in the flattened tensor, or along `dim`.
     *
     * @example
     * g.tensor([4, 1, 3]).argmin().item(); // 1
     */
    argmin(dim?: number | null | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor;
    /**
     * The maximum of all elements, as a 0-d tensor.
     *
     * @example
     * g.tensor([[1, 5], [3, 2]]).max().item(); // 5
     */
    max(): Tensor;
    /**
     * The elementwise maximum of this tensor and `other` (as {@link @graft/core!"@graft/core".maximum | g.maximum}).
     *
     * @example
     * g.tensor([1, 5]).max(g.tensor([3, 2])); // tensor([3., 5.])
     */
    max(other: Tensor): Tensor;
    /**
     * The maximum along `dim` and where it is: `[values, indices]`, also as
     * `.values` and `.indices` (PyTorch's named tuple). See {@link @graft/core!"@graft/core".max | g.max}.
     *
     * @example
     * const [values, indices] = g.tensor([[1, 5], [3, 2]]).max(1);
     * values.tolist(); // [5, 3]
     * indices.tolist(); // [1, 0]
     */
    max(dim: number | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): ValuesIndices;
    /**
     * The minimum of all elements, as a 0-d tensor.
     *
     * @example
     * g.tensor([[1, 5], [3, 2]]).min().item(); // 1
     */
    min(): Tensor;
    /**
     * The elementwise minimum of this tensor and `other` (as {@link @graft/core!"@graft/core".minimum | g.minimum}).
     *
     * @example
     * g.tensor([1, 5]).min(g.tensor([3, 2])); // tensor([1., 2.])
     */
    min(other: Tensor): Tensor;
    /**
     * The minimum along `dim` and where it is: `[values, indices]`, also as
     * `.values` and `.indices` (PyTorch's named tuple). See {@link @graft/core!"@graft/core".min | g.min}.
     *
     * @example
     * g.tensor([[1, 5], [3, 2]]).min(1).indices.tolist(); // [0, 1]
     */
    min(dim: number | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): ValuesIndices;
    /**
     * Softmax along `dim`, computed stably; `{ dtype }` casts first. See {@link @graft/core!"@graft/core".softmax | g.softmax}.
     *
     * @example
     * g.tensor([1000, 0]).softmax(0).tolist(); // [1, 0]
     */
    softmax(dim: number | DimDTypeOptions, options?: DimDTypeOptions): Tensor;
    /**
     * `log(softmax(x))` along `dim`, computed stably; PyTorch's `log_softmax`.
     *
     * @example
     * g.tensor([0, 0]).logSoftmax(0).tolist(); // [-0.6931…, -0.6931…]
     */
    logSoftmax(dim: number | DimDTypeOptions, options?: DimDTypeOptions): Tensor;
    /**
     * The cumulative sum along `dim`; integer sums are exact or raise, as `sum`.
     * See {@link @graft/core!"@graft/core".cumsum | g.cumsum}.
     *
     * @example
     * g.tensor([1, 2, 3]).cumsum(0).tolist(); // [1, 3, 6]
     */
    cumsum(dim: number | DimDTypeOptions, options?: DimDTypeOptions): Tensor;
  }
}

installMethods<
  | 'sum'
  | 'mean'
  | 'prod'
  | 'var'
  | 'std'
  | 'norm'
  | 'logsumexp'
  | 'amax'
  | 'amin'
  | 'argmax'
  | 'argmin'
  | 'max'
  | 'min'
  | 'softmax'
  | 'logSoftmax'
  | 'cumsum'
>({
  sum(dim, keepdim, options) {
    return sum(this, dim, keepdim, options);
  },
  mean(dim, keepdim, options) {
    return mean(this, dim, keepdim, options);
  },
  prod(dim, keepdim, options) {
    return prod(this, dim, keepdim, options);
  },
  var(dim, unbiased, keepdim, options) {
    return var_(this, dim, unbiased, keepdim, options);
  },
  std(dim, unbiased, keepdim, options) {
    return std(this, dim, unbiased, keepdim, options);
  },
  norm(p, dim, keepdim, options) {
    return norm(this, p, dim, keepdim, options);
  },
  logsumexp(dim, keepdim, options) {
    return logsumexp(this, dim, keepdim, options);
  },
  amax(dim, keepdim, options) {
    return amax(this, dim, keepdim, options);
  },
  amin(dim, keepdim, options) {
    return amin(this, dim, keepdim, options);
  },
  argmax(dim, keepdim, options) {
    return argmax(this, dim, keepdim, options);
  },
  argmin(dim, keepdim, options) {
    return argmin(this, dim, keepdim, options);
  },
  // One implementation behind the overloads (the g. function sorts out which was meant).
  max: function (this: Tensor, dim?: number | Tensor | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions) {
    return max(this, dim as number, keepdim, options);
  } as Tensor['max'],
  min: function (this: Tensor, dim?: number | Tensor | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions) {
    return min(this, dim as number, keepdim, options);
  } as Tensor['min'],
  softmax(dim, options) {
    return softmax(this, dim, options);
  },
  logSoftmax(dim, options) {
    return logSoftmax(this, dim, options);
  },
  cumsum(dim, options) {
    return cumsum(this, dim, options);
  },
});
