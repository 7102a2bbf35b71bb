/**
 * The method forms of the ops (`x.add(y)`, `x.sum(1)`, `x.T`, …), installed on
 * `Tensor.prototype` — tfjs's chained-ops pattern. tensor.ts sits below the
 * ops (every op makes Tensors), so it cannot import them; this module sits
 * above both, declares the methods on the Tensor type by declaration merging
 * and defines them on the prototype when it is loaded.
 *
 * It is a side effect: `@graft/core`'s entry point (index.ts) imports it (the
 * other entry, `@graft/core/backend`, makes no tensors), so a Tensor always
 * has its methods — core's own backward rules call them too — and
 * `package.json` lists it in `sideEffects` so bundlers keep it. index.js is listed too: Vite 8 (Rolldown) drops the bare
 * `import './tensor-methods.js'` of a module it believes side-effect free,
 * whatever the imported module says (the browser playground's test caught it).
 * Each method is a one-line call of its `g.` function, defined once here.
 */
import { backward, type BackwardOptions } from './autograd/backward.js';
import type { DType } from './dtype.js';
import { to } from './ops/convert.js';
import type { TensorLike } from './ops/dispatch.js';
import {
  abs, add, ceil, clamp, clampAs, cos, div, eq, erf, exp, expm1, floor, ge, gt, isfinite, isnan, le, log, log1p, logicalAnd,
  logicalNot, logicalOr, lt, maximum, minimum, mul, ne, neg, pow, reciprocal, relu, round, rsqrt, sigmoid, sign, sin, sqrt,
  square, sub, tanh, type AlphaOptions, type ClampOptions, type DivOptions, type RoundOptions,
} from './ops/elementwise.js';
import { gather, indexSelect, maskedFill, pad } from './ops/indexing.js';
import { bernoulli_, copy_, fill_, inplace, normal_, uniform_ } from './ops/inplace.js';
import { bmm, det, dot, inverse, logdet, matmul, mm, mv, outer, trace } from './ops/linalg.js';
import {
  chunk, clone, contiguous, expand, flatten, flip, narrow, permute, repeat, reshape, select, slice, split, squeeze, t,
  transpose, unsqueeze, view,
} from './ops/movement.js';
import {
  all, amax, amin, any, argmax, argmin, cumsum, logSoftmax, logsumexp, max, mean, min, norm, prod, softmax, std, sum, var_,
  type DimDTypeOptions, type NormOptions, type ReduceOptions, type SumOptions, type ValuesIndices, type VarOptions,
} from './ops/reduce.js';
import { checkOptions } from './options.js';
import { Tensor } from './tensor.js';

/** The dims a reduction takes: one, several, or (undefined/null) all. */
type Dims = number | readonly number[] | null;

declare module './tensor.js' {
  interface Tensor {
    // ---- conversion ----

    /**
     * This tensor as `target`: another dtype (`'float64'`) or another device
     * (`'webgl'`). Returns this tensor itself when nothing changes, as PyTorch's
     * `Tensor.to`. Differentiable across dtypes and devices.
     *
     * @example
     * g.tensor([1.7]).to('int32'); // tensor([1])
     * g.ones(2).to('webgl'); // on the GPU (with @graft/backend-webgl)
     */
    to(target: string | DType): Tensor;
    /**
     * This tensor as float32 (`t.to('float32')`).
     *
     * @example
     * g.tensor([1, 2], { dtype: 'int32' }).float(); // tensor([1., 2.])
     */
    float(): Tensor;
    /**
     * This tensor as float64 (`t.to('float64')`); the dtype to sum or multiply
     * int32 values in when the result may not fit int32.
     *
     * @example
     * g.tensor([0.1]).double().dtype; // 'float64'
     */
    double(): Tensor;
    /**
     * This tensor as int32 (`t.to('int32')`), rounding toward zero as PyTorch's `.int()`.
     *
     * @example
     * g.tensor([-1.7, 2.5]).int(); // tensor([-1,  2])
     */
    int(): Tensor;
    /**
     * This tensor as bool (`t.to('bool')`): nonzero is true.
     *
     * @example
     * g.tensor([0, 2]).bool(); // tensor([False,  True])
     */
    bool(): Tensor;
    /**
     * A copy with its own contiguous storage, differentiable (gradients flow
     * back to this tensor). See {@link @graft/core!"@graft/core".clone | g.clone}.
     *
     * @example
     * const y = x.clone(); y.add_(1); // x is unchanged
     */
    clone(): Tensor;
    /**
     * This tensor if its elements are laid out row-major without gaps, else
     * a contiguous copy. See {@link @graft/core!"@graft/core".contiguous | g.contiguous}.
     *
     * @example
     * g.ones(2, 3).t().contiguous().isContiguous(); // true
     */
    contiguous(): Tensor;

    // ---- autograd ----

    /**
     * Computes the gradient of this tensor with respect to the graph's leaves
     * and accumulates it into their `.grad`, as PyTorch's `Tensor.backward`. A
     * non-scalar tensor needs `gradient` (the vector of a vector-Jacobian
     * product); options are `retainGraph`, `createGraph` (for higher-order
     * gradients) and `inputs` (accumulate only into these leaves). See
     * {@link @graft/core!"@graft/core".autograd.backward | g.autograd.backward}.
     *
     * @example
     * const x = g.tensor(2, { requiresGrad: true });
     * x.pow(2).backward(); // x.grad is tensor(4.)
     */
    backward(gradient?: Tensor | number, options?: BackwardOptions): void;

    // ---- arithmetic ----

    /**
     * `this + alpha · other`, broadcasting; `other` may be a number. Integer
     * results that do not fit int32 raise. See {@link @graft/core!"@graft/core".add | g.add}.
     *
     * @example
     * g.tensor([1, 2]).add(10); // tensor([11., 12.])
     * g.tensor([1, 2]).add(g.tensor([1, 1]), { alpha: 2 }); // tensor([3., 4.])
     */
    add(other: TensorLike, options?: AlphaOptions): Tensor;
    /**
     * `this - alpha · other`, broadcasting; `other` may be a number. See {@link @graft/core!"@graft/core".sub | g.sub}
     * (`g.sub(10, x)` puts the number first).
     *
     * @example
     * g.tensor([5, 7]).sub(2); // tensor([3., 5.])
     */
    sub(other: TensorLike, options?: AlphaOptions): Tensor;
    /**
     * `this · other` elementwise, broadcasting; `other` may be a number. See {@link @graft/core!"@graft/core".mul | g.mul}.
     *
     * @example
     * g.tensor([1, 2]).mul(g.tensor([[3], [4]])); // tensor([[3., 6.], [4., 8.]])
     */
    mul(other: TensorLike): Tensor;
    /**
     * `this / other`: true division (integers give float32), or rounded with
     * `{ roundingMode: 'trunc' | 'floor' }` (`'floor'` is Python's `//`). See {@link @graft/core!"@graft/core".div | g.div}.
     *
     * @example
     * g.tensor([1, 2]).div(4); // tensor([0.2500, 0.5000])
     * g.tensor([-7, 7]).div(2, { roundingMode: 'floor' }); // tensor([-4.,  3.])
     */
    div(other: TensorLike, options?: DivOptions): Tensor;
    /**
     * This tensor to the power `exponent` (a tensor or a number), elementwise.
     * Integer powers follow PyTorch's rules (see {@link @graft/core!"@graft/core".pow | g.pow}).
     *
     * @example
     * g.tensor([2, 3]).pow(2); // tensor([4., 9.])
     */
    pow(exponent: TensorLike): Tensor;
    /**
     * The elementwise maximum of this tensor and `other`, broadcasting; NaN
     * wins, as in PyTorch. See {@link @graft/core!"@graft/core".maximum | g.maximum}.
     *
     * @example
     * g.tensor([1, 5]).maximum(g.tensor([3, 2])); // tensor([3., 5.])
     */
    maximum(other: TensorLike): Tensor;
    /**
     * The elementwise minimum of this tensor and `other`, broadcasting; NaN
     * wins, as in PyTorch. See {@link @graft/core!"@graft/core".minimum | g.minimum}.
     *
     * @example
     * g.tensor([1, 5]).minimum(g.tensor([3, 2])); // tensor([1., 2.])
     */
    minimum(other: TensorLike): Tensor;
    /**
     * `-this`, elementwise.
     *
     * @example
     * g.tensor([1, -2]).neg(); // tensor([-1.,  2.])
     */
    neg(): Tensor;
    /**
     * `|this|`, elementwise.
     *
     * @example
     * g.tensor([-1.5, 2]).abs(); // tensor([1.5000, 2.0000])
     */
    abs(): Tensor;
    /**
     * -1, 0 or 1 by the sign of each element.
     *
     * @example
     * g.tensor([-3, 0, 2]).sign(); // tensor([-1.,  0.,  1.])
     */
    sign(): Tensor;
    /**
     * `1 / this`, elementwise (integers give float32).
     *
     * @example
     * g.tensor([4]).reciprocal(); // tensor([0.2500])
     */
    reciprocal(): Tensor;
    /**
     * `this · this`, elementwise (its gradient node is PyTorch's `PowBackward0`).
     *
     * @example
     * g.tensor([3]).square(); // tensor([9.])
     */
    square(): Tensor;
    /**
     * The square root of each element (NaN below 0).
     *
     * @example
     * g.tensor([4]).sqrt(); // tensor([2.])
     */
    sqrt(): Tensor;
    /**
     * `1 / √this`, elementwise.
     *
     * @example
     * g.tensor([4]).rsqrt(); // tensor([0.5000])
     */
    rsqrt(): Tensor;
    /**
     * `eˣ` of each element.
     *
     * @example
     * g.tensor([0]).exp(); // tensor([1.])
     */
    exp(): Tensor;
    /**
     * `eˣ - 1` of each element, exact near 0 (where `x.exp().sub(1)` loses digits).
     *
     * @example
     * g.tensor([1e-10]).expm1(); // tensor([1.0000e-10])
     */
    expm1(): Tensor;
    /**
     * The natural logarithm of each element (-inf at 0, NaN below).
     *
     * @example
     * g.tensor([1]).log(); // tensor([0.])
     */
    log(): Tensor;
    /**
     * `log(1 + x)` of each element, exact near 0.
     *
     * @example
     * g.tensor([1e-10]).log1p(); // tensor([1.0000e-10])
     */
    log1p(): Tensor;
    /**
     * The sine of each element (radians).
     *
     * @example
     * g.tensor([0]).sin(); // tensor([0.])
     */
    sin(): Tensor;
    /**
     * The cosine of each element (radians).
     *
     * @example
     * g.tensor([0]).cos(); // tensor([1.])
     */
    cos(): Tensor;
    /**
     * The hyperbolic tangent of each element; exactly ±1 where PyTorch's result
     * saturates, so the gradient there is exactly 0. See {@link @graft/core!"@graft/core".tanh | g.tanh}.
     *
     * @example
     * g.tensor([0, 100]).tanh(); // tensor([0., 1.])
     */
    tanh(): Tensor;
    /**
     * The logistic sigmoid `1 / (1 + e⁻ˣ)` of each element; exactly 0 and 1
     * where PyTorch's result saturates.
     *
     * @example
     * g.tensor([0, -100]).sigmoid(); // tensor([0.5000, 0.0000])
     */
    sigmoid(): Tensor;
    /**
     * `max(x, 0)` of each element. See {@link @graft/core!"@graft/core".relu | g.relu} for its double backward.
     *
     * @example
     * g.tensor([-1, 2]).relu(); // tensor([0., 2.])
     */
    relu(): Tensor;
    /**
     * The error function of each element.
     *
     * @example
     * g.tensor([0]).erf(); // tensor([0.])
     */
    erf(): Tensor;
    /**
     * Each element rounded down.
     *
     * @example
     * g.tensor([1.5, -1.5]).floor(); // tensor([ 1., -2.])
     */
    floor(): Tensor;
    /**
     * Each element rounded up.
     *
     * @example
     * g.tensor([1.5, -1.5]).ceil(); // tensor([ 2., -1.])
     */
    ceil(): Tensor;
    /**
     * Each element rounded half to even, as PyTorch; with `{ decimals }`, to
     * that many decimal places (see {@link @graft/core!"@graft/core".round | g.round}).
     *
     * @example
     * g.tensor([0.5, 1.5]).round(); // tensor([0., 2.])
     * g.tensor([1.2345]).round({ decimals: 2 }); // tensor([1.2300])
     */
    round(options?: RoundOptions): Tensor;
    /**
     * This tensor with each element limited to `[min, max]`; either bound may
     * be omitted (`null`), be a tensor, or be given as `{ min, max }`. See {@link @graft/core!"@graft/core".clamp | g.clamp}.
     *
     * @example
     * g.tensor([-2, 0.5, 3]).clamp(0, 1); // tensor([0.0000, 0.5000, 1.0000])
     * g.tensor([-2, 0.5, 3]).clamp({ max: 1 }); // tensor([-2.0000,  0.5000,  1.0000])
     */
    clamp(min?: number | Tensor | null | ClampOptions, max?: number | Tensor | null | ClampOptions, options?: ClampOptions): Tensor;

    // ---- comparison and logic (bool results, no gradient) ----

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

    // ---- reductions ----

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

    // ---- linear algebra ----

    /**
     * The matrix product with NumPy's rules: 1-D operands act as a row or a
     * column, batch dims broadcast. See {@link @graft/core!"@graft/core".matmul | g.matmul}.
     *
     * @example
     * g.ones(2, 3).matmul(g.ones(3)).tolist(); // [3, 3]
     */
    matmul(other: Tensor): Tensor;
    /**
     * The product of two matrices (2-D only; {@link @graft/core!"@graft/core".matmul | g.matmul} broadcasts).
     *
     * @example
     * g.ones(2, 3).mm(g.ones(3, 4)).shape; // [2, 4]
     */
    mm(other: Tensor): Tensor;
    /**
     * The batched product of a [B, n, m] and a [B, m, p] tensor.
     *
     * @example
     * g.ones(5, 2, 3).bmm(g.ones(5, 3, 4)).shape; // [5, 2, 4]
     */
    bmm(other: Tensor): Tensor;
    /**
     * The product of this matrix and the vector `other`.
     *
     * @example
     * g.eye(2).mv(g.tensor([1, 2])).tolist(); // [1, 2]
     */
    mv(other: Tensor): Tensor;
    /**
     * The inner product of two 1-D tensors.
     *
     * @example
     * g.tensor([1, 2]).dot(g.tensor([3, 4])).item(); // 11
     */
    dot(other: Tensor): Tensor;
    /**
     * The outer product of two 1-D tensors.
     *
     * @example
     * g.tensor([1, 2]).outer(g.tensor([1, 10])).tolist(); // [[1, 10], [2, 20]]
     */
    outer(other: Tensor): Tensor;
    /**
     * The sum of the main diagonal of a matrix.
     *
     * @example
     * g.tensor([[1, 2], [3, 4]]).trace().item(); // 5
     */
    trace(): Tensor;
    /**
     * The inverse of a square matrix (or of each in a batch), by LU with
     * partial pivoting; a singular matrix raises PyTorch's error.
     *
     * @example
     * g.tensor([[2, 0], [0, 4]]).inverse().tolist(); // [[0.5, 0], [0, 0.25]]
     */
    inverse(): Tensor;
    /**
     * The determinant of a square matrix (or of each in a batch).
     *
     * @example
     * g.tensor([[1, 2], [3, 4]]).det().item(); // -2
     */
    det(): Tensor;
    /**
     * `log(det(x))`: NaN for a negative determinant and -inf for a singular
     * matrix, as PyTorch.
     *
     * @example
     * g.tensor([[2, 0], [0, 3]]).logdet().item(); // 1.7917…
     */
    logdet(): Tensor;
    /**
     * The transpose of a matrix (a view); 0-D and 1-D tensors come back as they are.
     *
     * @example
     * g.zeros(2, 3).t().shape; // [3, 2]
     */
    t(): Tensor;
    /**
     * This tensor with all its dims reversed (a view): the transpose of a
     * matrix, as PyTorch's `x.T`.
     *
     * @example
     * g.zeros(2, 3, 4).T.shape; // [4, 3, 2]
     */
    get T(): Tensor;
    /**
     * This tensor with dims `dim0` and `dim1` swapped (a view).
     *
     * @example
     * g.zeros(2, 3).transpose(0, 1).shape; // [3, 2]
     */
    transpose(dim0: number, dim1: number): Tensor;
    /**
     * This tensor with its dims reordered (a view); the dims spread or as one array.
     *
     * @example
     * g.zeros(2, 3, 4).permute(2, 0, 1).shape; // [4, 2, 3]
     */
    permute(...dims: number[] | [readonly number[]]): Tensor;

    // ---- shape ----

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
    split(sizeOrSections: number | readonly number[], dim?: number): Tensor[];
    /**
     * This tensor in `chunks` nearly equal views along `dim`, as `torch.chunk`.
     *
     * @example
     * g.arange(5).chunk(2).map((c) => c.tolist()); // [[0, 1, 2], [3, 4]]
     */
    chunk(chunks: number, dim?: number): Tensor[];
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

    // ---- indexing ----

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
     * This tensor with the entries where the bool `mask` (broadcastable) is
     * true replaced by `value`; PyTorch's `masked_fill`.
     *
     * @example
     * g.tensor([1, 2, 3]).maskedFill(g.tensor([true, false, true]), 0); // tensor([0., 2., 0.])
     */
    maskedFill(mask: Tensor, value: number | Tensor): Tensor;
    /**
     * This tensor padded with `value` (default 0), the pads in
     * `torch.nn.functional.pad`'s order: `[lastBefore, lastAfter, secondLastBefore, …]`.
     * Negative pads crop.
     *
     * @example
     * g.tensor([1, 2]).pad([1, 2]).tolist(); // [0, 1, 2, 0, 0]
     */
    pad(pads: readonly number[], value?: number): Tensor;

    // ---- in place: each writes into this tensor (and the views of its storage), bumps `version` and returns `this` ----

    /**
     * In-place {@link @graft/core!"@graft/core".add | g.add}: `this += alpha · other`; PyTorch's `add_`.
     *
     * @example
     * const w = g.zeros(2); w.add_(1); // w is tensor([1., 1.])
     */
    add_(other: TensorLike, options?: AlphaOptions): this;
    /**
     * In-place {@link @graft/core!"@graft/core".sub | g.sub}: `this -= alpha · other`; PyTorch's `sub_`.
     *
     * @example
     * const w = g.ones(2); w.sub_(g.tensor([1, 2]), { alpha: 0.5 }); // w is tensor([0.5000, 0.0000])
     */
    sub_(other: TensorLike, options?: AlphaOptions): this;
    /**
     * In-place {@link @graft/core!"@graft/core".mul | g.mul}: `this *= other`; PyTorch's `mul_`.
     *
     * @example
     * const w = g.ones(2); w.mul_(3); // w is tensor([3., 3.])
     */
    mul_(other: TensorLike): this;
    /**
     * In-place {@link @graft/core!"@graft/core".div | g.div}: `this /= other` (with `{ roundingMode }` too); PyTorch's `div_`.
     *
     * @example
     * const w = g.ones(2); w.div_(4); // w is tensor([0.2500, 0.2500])
     */
    div_(other: TensorLike, options?: DivOptions): this;
    /**
     * In-place {@link @graft/core!"@graft/core".clamp | g.clamp}: limits each element to `[min, max]`; PyTorch's `clamp_`.
     *
     * @example
     * const w = g.tensor([-2, 3]); w.clamp_(-1, 1); // w is tensor([-1.,  1.])
     */
    clamp_(min?: number | Tensor | null | ClampOptions, max?: number | Tensor | null | ClampOptions, options?: ClampOptions): this;
    /**
     * Sets every element to 0; PyTorch's `zero_`.
     *
     * @example
     * const w = g.ones(3); w.zero_(); // w is tensor([0., 0., 0.])
     */
    zero_(): this;
    /**
     * Sets every element to `value` (a number, boolean or 0-d tensor); PyTorch's `fill_`.
     *
     * @example
     * g.zeros(3).fill_(2); // tensor([2., 2., 2.])
     */
    fill_(value: number | boolean | Tensor): this;
    /**
     * Copies `src` into this tensor, broadcast, cast and moved across devices
     * as needed; PyTorch's `copy_`.
     *
     * @example
     * const a = g.zeros(2); a.copy_(g.tensor([1, 2])); // a is tensor([1., 2.])
     */
    copy_(src: Tensor | number): this;
    /**
     * Fills this tensor with uniform samples in `[from, to)` from the seeded
     * generator (PyTorch's numbers for the same seed); PyTorch's `uniform_`.
     *
     * @example
     * g.empty(5, 3).uniform_(-1, 1);
     */
    uniform_(from?: number, to?: number): this;
    /**
     * Fills this tensor with normal samples of `mean` and `std` from the seeded
     * generator (PyTorch's numbers for the same seed); PyTorch's `normal_`.
     *
     * @example
     * g.empty(3).normal_(0, 0.1);
     */
    normal_(mean?: number, std?: number): this;
    /**
     * Fills this tensor with Bernoulli(`p`) draws (1 with probability `p`, else
     * 0) from the seeded generator, as PyTorch's CPU `bernoulli_(p)`.
     *
     * @example
     * g.manualSeed(0);
     * g.empty(4).bernoulli_(0.5); // the mask torch.empty(4).bernoulli_(0.5) gives after torch.manual_seed(0)
     */
    bernoulli_(p?: number): this;
  }
}

/** Every name this module adds to Tensor (the type makes the object below implement each one). */
type MethodName =
  | 'to' | 'float' | 'double' | 'int' | 'bool' | 'clone' | 'contiguous' | 'backward'
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'neg' | 'abs' | 'sign' | 'reciprocal' | 'square' | 'sqrt'
  | 'rsqrt' | 'exp' | 'expm1' | 'log' | 'log1p' | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'relu' | 'erf' | 'floor' | 'ceil' | 'round'
  | 'clamp' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'isnan' | 'isfinite' | 'logicalNot' | 'logicalAnd' | 'logicalOr' | 'all'
  | 'any' | 'sum' | 'mean' | 'prod' | 'var' | 'std' | 'norm' | 'logsumexp' | 'amax' | 'amin' | 'argmax' | 'argmin' | 'max'
  | 'min' | 'softmax' | 'logSoftmax' | 'cumsum' | 'matmul' | 'mm' | 'bmm' | 'mv' | 'dot' | 'outer' | 'trace' | 'inverse' | 'det'
  | 'logdet' | 't' | 'T' | 'transpose' | 'permute' | 'reshape' | 'view' | 'flatten' | 'squeeze' | 'unsqueeze' | 'expand'
  | 'expandAs' | 'repeat' | 'flip' | 'split' | 'chunk' | 'narrow' | 'select' | 'slice' | 'gather' | 'indexSelect' | 'maskedFill'
  | 'pad' | 'add_' | 'sub_' | 'mul_' | 'div_' | 'clamp_' | 'zero_' | 'fill_' | 'copy_' | 'uniform_' | 'normal_' | 'bernoulli_';

const methods: { [K in MethodName]: Tensor[K] } & ThisType<Tensor> = {
  to(target) { return to(this, target); },
  float() { return to(this, 'float32'); },
  double() { return to(this, 'float64'); },
  int() { return to(this, 'int32'); },
  bool() { return to(this, 'bool'); },
  clone() { return clone(this); },
  contiguous() { return contiguous(this); },
  backward(gradient, options) { backward(this, gradient, options); },

  add(other, options) { return add(this, other, options); },
  sub(other, options) { return sub(this, other, options); },
  mul(other) { return mul(this, other); },
  div(other, options) { return div(this, other, options); },
  pow(exponent) { return pow(this, exponent); },
  maximum(other) { return maximum(this, other); },
  minimum(other) { return minimum(this, other); },
  neg() { return neg(this); },
  abs() { return abs(this); },
  sign() { return sign(this); },
  reciprocal() { return reciprocal(this); },
  square() { return square(this); },
  sqrt() { return sqrt(this); },
  rsqrt() { return rsqrt(this); },
  exp() { return exp(this); },
  expm1() { return expm1(this); },
  log() { return log(this); },
  log1p() { return log1p(this); },
  sin() { return sin(this); },
  cos() { return cos(this); },
  tanh() { return tanh(this); },
  sigmoid() { return sigmoid(this); },
  relu() { return relu(this); },
  erf() { return erf(this); },
  floor() { return floor(this); },
  ceil() { return ceil(this); },
  round(options) { return round(this, options); },
  clamp(min, max, options) { return clamp(this, min, max, options); },

  eq(other) { return eq(this, other); },
  ne(other) { return ne(this, other); },
  lt(other) { return lt(this, other); },
  le(other) { return le(this, other); },
  gt(other) { return gt(this, other); },
  ge(other) { return ge(this, other); },
  isnan() { return isnan(this); },
  isfinite() { return isfinite(this); },
  logicalNot() { return logicalNot(this); },
  logicalAnd(other) { return logicalAnd(this, other); },
  logicalOr(other) { return logicalOr(this, other); },
  all(dim, keepdim, options) { return all(this, dim, keepdim, options); },
  any(dim, keepdim, options) { return any(this, dim, keepdim, options); },

  sum(dim, keepdim, options) { return sum(this, dim, keepdim, options); },
  mean(dim, keepdim, options) { return mean(this, dim, keepdim, options); },
  prod(dim, keepdim, options) { return prod(this, dim, keepdim, options); },
  var(dim, unbiased, keepdim, options) { return var_(this, dim, unbiased, keepdim, options); },
  std(dim, unbiased, keepdim, options) { return std(this, dim, unbiased, keepdim, options); },
  norm(p, dim, keepdim, options) { return norm(this, p, dim, keepdim, options); },
  logsumexp(dim, keepdim, options) { return logsumexp(this, dim, keepdim, options); },
  amax(dim, keepdim, options) { return amax(this, dim, keepdim, options); },
  amin(dim, keepdim, options) { return amin(this, dim, keepdim, options); },
  argmax(dim, keepdim, options) { return argmax(this, dim, keepdim, options); },
  argmin(dim, keepdim, options) { return argmin(this, dim, keepdim, options); },
  // One implementation behind the overloads (the g. function sorts out which was meant).
  max: function (this: Tensor, dim?: number | Tensor | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions) {
    return max(this, dim as number, keepdim, options);
  } as Tensor['max'],
  min: function (this: Tensor, dim?: number | Tensor | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions) {
    return min(this, dim as number, keepdim, options);
  } as Tensor['min'],
  softmax(dim, options) { return softmax(this, dim, options); },
  logSoftmax(dim, options) { return logSoftmax(this, dim, options); },
  cumsum(dim, options) { return cumsum(this, dim, options); },

  matmul(other) { return matmul(this, other); },
  mm(other) { return mm(this, other); },
  bmm(other) { return bmm(this, other); },
  mv(other) { return mv(this, other); },
  dot(other) { return dot(this, other); },
  outer(other) { return outer(this, other); },
  trace() { return trace(this); },
  inverse() { return inverse(this); },
  det() { return det(this); },
  logdet() { return logdet(this); },
  t() { return t(this); },
  get T() { return permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); },
  transpose(dim0, dim1) { return transpose(this, dim0, dim1); },
  permute(...dims) { return permute(this, ...dims); },

  reshape(...shape) { return reshape(this, ...shape); },
  view(...shape) { return view(this, ...shape); },
  flatten(startDim = 0, endDim = -1) { return flatten(this, startDim, endDim); },
  squeeze(dim) { return squeeze(this, dim); },
  unsqueeze(dim) { return unsqueeze(this, dim); },
  expand(...shape) { return expand(this, ...shape); },
  expandAs(other) { return expand(this, other.shape as number[]); },
  repeat(...reps) { return repeat(this, ...reps); },
  flip(dims) { return flip(this, dims); },
  split(sizeOrSections, dim = 0) { return split(this, sizeOrSections, dim); },
  chunk(chunks, dim = 0) { return chunk(this, chunks, dim); },
  narrow(dim, start, length) { return narrow(this, dim, start, length); },
  select(dim, index) { return select(this, dim, index); },
  slice(dim, start, end, step = 1) { return slice(this, dim, start, end, step); },

  gather(dim, index) { return gather(this, dim, index); },
  indexSelect(dim, index) { return indexSelect(this, dim, index); },
  maskedFill(mask, value) { return maskedFill(this, mask, value); },
  pad(pads, value = 0) { return pad(this, pads, value); },

  add_(other, options) { return inplace(this, 'add_', add(this, other, checkOptions('add_', options, ['alpha']))); },
  sub_(other, options) { return inplace(this, 'sub_', sub(this, other, checkOptions('sub_', options, ['alpha']))); },
  mul_(other) { return inplace(this, 'mul_', mul(this, other)); },
  div_(other, options) { return inplace(this, 'div_', div(this, other, checkOptions('div_', options, ['roundingMode']))); },
  clamp_(min, max, options) { return inplace(this, 'clamp_', clampAs('clamp_', this, min, max, options)); },
  zero_() { return fill_(this, 0); },
  fill_(value) { return fill_(this, value); },
  copy_(src) { return copy_(this, src); },
  uniform_(from = 0, to = 1) { return uniform_(this, from, to); },
  normal_(mean = 0, std = 1) { return normal_(this, mean, std); },
  bernoulli_(p = 0.5) { return bernoulli_(this, p); },
};

// Installed as a class body would define them: non-enumerable, writable, configurable.
for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(methods))) {
  Object.defineProperty(Tensor.prototype, name, { ...descriptor, enumerable: false });
}
