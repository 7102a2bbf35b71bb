/**
 * `nn.functional` (F): the stateless forms of the layers and losses.
 *
 * Arguments that PyTorch takes positionally or by keyword are taken the same
 * way here: positionally, or in a trailing options object under their
 * camelCase names (`F.dropout(x, 0.2)`, `F.dropout(x, { p: 0.2, training })`);
 * an unknown key in an options object is an error naming the valid ones.
 *
 * Each function runs in a memory scope (`g.tidy`): the tensors it makes on
 * the way are freed when it returns (what backward needs is kept by the
 * graph), so code that disposes only what it made itself leaks nothing.
 */
import * as g from '@graft/core';
import type { DType, Tensor } from '@graft/core';
import { keywordArguments } from './arguments.js';
import { checkApproximate, checkDropoutProbability, implicitSoftmaxDim, normalizePaddingIdx } from './argument-checks.js';
import { type InplaceOptions, maybeInPlace } from './inplace.js';
import { checkTensorArguments } from './tensor-arguments.js';

/**
 * `x Wᵀ + b`: weight [out, in], or [in] (one output, its dim dropped: a
 * dot product per row, as PyTorch's).
 *
 * @example
 * F.linear(x, w, b);
 * F.linear(x, w, { bias: b });
 * F.linear(g.randn(3, 4), g.randn(4)).shape; // [3]
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor;
export function linear(input: Tensor, weight: Tensor, options?: { bias?: Tensor | null }): Tensor;
export function linear(input: Tensor, weight: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('linear', { input, weight });
  return g.tidy(() => {
    const { bias } = keywordArguments<{ bias?: Tensor | null }>('linear', rest, ['bias']);
    if (weight.ndim !== 1 && weight.ndim !== 2) {
      throw new Error(`linear: expected a weight of shape [out, in] or [in], got shape [${weight.shape.join(', ')}]`);
    }
    if (input.ndim === 0) throw new Error('linear: expected an input of at least 1 dim [..., in], got a 0-d tensor');
    const inFeatures = weight.shape[weight.ndim - 1];
    if (input.shape[input.ndim - 1] !== inFeatures) {
      throw new Error(
        `linear: input of shape [${input.shape.join(', ')}] does not match weight of shape [${weight.shape.join(', ')}] (expected the last dim to be ${inFeatures})`,
      );
    }
    if (input.ndim >= 2 && weight.ndim === 2) {
      // As PyTorch's at::linear and matmul: a batch of rows [..., in] is folded into one matrix (copied once if it is a
      // view: the product and its backward then read the folded matrix), and with a bias the product is one addmm (one
      // AddmmBackward0 node, the bias added by the product's op).
      const lead = input.shape.slice(0, -1);
      const x2 =
        input.ndim === 2
          ? input
          : input.reshape(
              lead.reduce((n, d) => n * d, 1),
              inFeatures!,
            );
      const folded = bias && bias.ndim <= 1 ? g.addmm(bias, x2, weight.t()) : x2.matmul(weight.t());
      const out = input.ndim === 2 ? folded : folded.reshape([...lead, weight.shape[0]!]);
      return bias && bias.ndim > 1 ? out.add(bias) : out;
    }
    if (weight.ndim === 1) {
      // PyTorch 1.13 runs a batched input with a bias through addmm, which wants a matrix: refused there too.
      if (bias && input.ndim >= 2) {
        throw new Error(
          `linear: a 1-D weight of shape [${weight.shape.join(', ')}] takes no bias with an input of ${input.ndim} dims (PyTorch: mat2 must be a matrix, got 1-D tensor)`,
        );
      }
      const out = input.matmul(weight);
      return bias ? out.add(bias) : out;
    }
    const out = input.matmul(weight.t());
    return bias ? out.add(bias) : out;
  });
}

export type { InplaceOptions } from './inplace.js';

/**
 * Rectified linear unit.
 *
 * @example
 * F.relu(x);
 * F.relu(x, { inplace: true }); // x now holds the result
 */
export function relu(input: Tensor, inplace?: boolean): Tensor;
export function relu(input: Tensor, options?: InplaceOptions): Tensor;
export function relu(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('relu', { input });
  return g.tidy(() => {
    const { inplace } = keywordArguments<InplaceOptions>('relu', rest, ['inplace']);
    return maybeInPlace(input, input.relu(), inplace);
  });
}

/** Options of `leakyRelu`. */
export interface LeakyReluOptions extends InplaceOptions {
  /** The slope for negative inputs (default 0.01). */
  negativeSlope?: number;
}

/**
 * x for x > 0, negativeSlope·x otherwise (gradient negativeSlope at 0, as PyTorch).
 *
 * @example
 * F.leakyRelu(x, 0.2);
 * F.leakyRelu(x, { negativeSlope: 0.2 });
 */
export function leakyRelu(input: Tensor, negativeSlope?: number, inplace?: boolean): Tensor;
export function leakyRelu(input: Tensor, options?: LeakyReluOptions): Tensor;
export function leakyRelu(input: Tensor, negativeSlope: number, options?: InplaceOptions): Tensor;
export function leakyRelu(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('leakyRelu', { input });
  return g.tidy(() => {
    const o = keywordArguments<LeakyReluOptions>('leakyRelu', rest, ['negativeSlope', 'inplace']);
    const slope = o.negativeSlope ?? 0.01;
    if (typeof slope !== 'number') throw new Error(`leakyRelu: negativeSlope must be a number, got ${JSON.stringify(slope)}`);
    const leaky = (x: Tensor) => g.where(x.gt(0), x, x.mul(slope));
    return maybeInPlace(input, g.fused.activation({ kind: 'leakyRelu', negativeSlope: slope }, input, leaky), o.inplace);
  });
}

/**
 * One-hot rows for int32 class indices: PyTorch's `F.one_hot`. The same
 * function as `g.oneHot` in @graft/core (`F.oneHot === g.oneHot`).
 *
 * @example
 * F.oneHot(g.tensor([0, 2], { dtype: 'int32' }), 3); // tensor([[1, 0, 0], [0, 0, 1]])
 */
export const oneHot: typeof g.oneHot = g.oneHot;

/** tanh. @example F.tanh(x) */
export function tanh(x: Tensor): Tensor {
  checkTensorArguments('tanh', { input: x });
  return x.tanh();
}
/** Logistic sigmoid. @example F.sigmoid(x) */
export function sigmoid(x: Tensor): Tensor {
  checkTensorArguments('sigmoid', { input: x });
  return x.sigmoid();
}

/** GELU's tanh approximation op by op (its definition; the backend's fused kernel computes it in one pass). */
function geluTanhComposite(x: Tensor): Tensor {
  const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
  return x.mul(0.5).mul(inner.tanh().add(1));
}

/** Options of `gelu`. */
export interface GeluOptions {
  /** `'none'` (exact, with erf; the default) or `'tanh'`. */
  approximate?: 'none' | 'tanh';
}

/**
 * GELU, exact (erf) or the tanh approximation.
 *
 * @example
 * F.gelu(x);
 * F.gelu(x, { approximate: 'tanh' });
 */
export function gelu(input: Tensor, approximate?: 'none' | 'tanh'): Tensor;
export function gelu(input: Tensor, options?: GeluOptions): Tensor;
export function gelu(x: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('gelu', { input: x });
  return g.tidy(() => {
    const approximate = checkApproximate('gelu', keywordArguments<GeluOptions>('gelu', rest, ['approximate']).approximate);
    if (approximate === 'tanh') return g.fused.activation({ kind: 'geluTanh' }, x, geluTanhComposite);
    return g.fused.activation({ kind: 'gelu' }, x, (t) => t.mul(0.5).mul(t.mul(Math.SQRT1_2).erf().add(1)));
  });
}

/** Options of `softmax` and `logSoftmax`. */
export interface SoftmaxOptions {
  /** The dim to normalise; without one, PyTorch's legacy choice (0 for 0-, 1- and 3-D inputs, else 1) with a warning. */
  dim?: number | null;
  /** Cast the input to this dtype first. */
  dtype?: DType;
}

function softmaxLike(op: 'softmax' | 'logSoftmax', input: Tensor, rest: unknown[]): Tensor {
  const o = keywordArguments<SoftmaxOptions>(op, rest, ['dim', 'dtype']);
  const x = o.dtype !== undefined ? input.to(o.dtype) : input;
  const dim = o.dim ?? implicitSoftmaxDim(op === 'softmax' ? 'softmax' : 'log_softmax', x.ndim);
  return op === 'softmax' ? x.softmax(dim) : x.logSoftmax(dim);
}

/**
 * Softmax along `dim`.
 *
 * @example
 * F.softmax(x, -1);
 * F.softmax(x, { dim: -1, dtype: 'float64' });
 */
export function softmax(input: Tensor, dim?: number | null, options?: Omit<SoftmaxOptions, 'dim'>): Tensor;
export function softmax(input: Tensor, options?: SoftmaxOptions): Tensor;
export function softmax(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('softmax', { input });
  return g.tidy(() => {
    return softmaxLike('softmax', input, rest);
  });
}

/**
 * Log-softmax along `dim`.
 *
 * @example
 * F.logSoftmax(x, -1);
 */
export function logSoftmax(input: Tensor, dim?: number | null, options?: Omit<SoftmaxOptions, 'dim'>): Tensor;
export function logSoftmax(input: Tensor, options?: SoftmaxOptions): Tensor;
export function logSoftmax(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('logSoftmax', { input });
  return g.tidy(() => {
    return softmaxLike('logSoftmax', input, rest);
  });
}

/** Options of `dropout`. */
export interface DropoutOptions {
  /** Probability of an element to be zeroed (default 0.5). */
  p?: number;
  /** Apply dropout (default true); false returns the input. */
  training?: boolean;
  /** Multiply the input in place. */
  inplace?: boolean;
  /** Draw the mask from this generator instead of the default one (a Graft extension: PyTorch's dropout has none). */
  generator?: g.Generator;
}

/**
 * Zeroes elements with probability p in training and scales the rest by
 * 1/(1-p), drawing the mask exactly as PyTorch's CPU dropout does
 * (`noise.bernoulli_(1 - p).div_(1 - p)`, one double uniform per element):
 * the same seed gives PyTorch's mask and leaves the generator where PyTorch
 * leaves it. p = 0 and p = 1 draw nothing.
 *
 * @example
 * F.dropout(x, 0.5);
 * F.dropout(x, { p: 0.2, training: model.training });
 * F.dropout(x, 0.5, { generator: gen }); // the mask from gen's stream
 */
export function dropout(
  input: Tensor,
  p?: number,
  training?: boolean,
  inplace?: boolean,
  options?: Pick<DropoutOptions, 'generator'>,
): Tensor;
export function dropout(input: Tensor, options?: DropoutOptions): Tensor;
export function dropout(input: Tensor, p: number, options?: Omit<DropoutOptions, 'p'>): Tensor;
export function dropout(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('dropout', { input });
  return g.tidy(() => {
    const o = keywordArguments<DropoutOptions>('dropout', rest, ['p', 'training', 'inplace', 'generator']);
    const p = checkDropoutProbability(o.p ?? 0.5);
    if (!(o.training ?? true) || p === 0 || input.numel() === 0) return input;
    if (p === 1) return maybeInPlace(input, input.mul(0), o.inplace);
    const noise = g.noGrad(() =>
      g
        .empty(input.shape as number[], { dtype: input.dtype, device: input.device })
        .bernoulli_(1 - p, { generator: o.generator })
        .div_(1 - p),
    );
    return o.inplace ? input.mul_(noise) : input.mul(noise);
  });
}

/** Options of `layerNorm` (PyTorch's arguments after normalized_shape). */
export interface LayerNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/**
 * Layer normalisation over the trailing `normalizedShape` dims.
 *
 * @example
 * F.layerNorm(x, [8], w, b);
 * F.layerNorm(x, [8], { eps: 1e-6 });
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps?: number,
): Tensor;
export function layerNorm(x: Tensor, normalizedShape: readonly number[], options?: LayerNormOptions): Tensor;
export function layerNorm(x: Tensor, normalizedShape: readonly number[], ...rest: unknown[]): Tensor {
  checkTensorArguments('layerNorm', { input: x });
  return g.tidy(() => {
    const { weight, bias, eps = 1e-5 } = keywordArguments<LayerNormOptions>('layerNorm', rest, ['weight', 'bias', 'eps']);
    const k = normalizedShape.length;
    const tail = x.shape.slice(x.ndim - k);
    if (k > x.ndim || tail.join() !== normalizedShape.join()) {
      throw new Error(
        `layerNorm: expected input with shape [*, ${normalizedShape.join(', ')}], but got input of size [${x.shape.join(', ')}]`,
      );
    }
    const dims = normalizedShape.map((_, i) => x.ndim - k + i);
    const mean = x.mean(dims, true);
    const centered = x.sub(mean);
    const variance = centered.square().mean(dims, true);
    let y = centered.mul(variance.add(eps).rsqrt());
    if (weight) y = y.mul(weight);
    if (bias) y = y.add(bias);
    return y;
  });
}

/** Options of `embedding`. */
export interface EmbeddingOptions {
  /** The row that pads: read as is, but it receives no gradient (negative counts from the end). */
  paddingIdx?: number | null;
}

/**
 * Rows of `weight` picked by integer indices (any shape). With `paddingIdx`,
 * that row is returned as stored but receives no gradient, as PyTorch's
 * embedding backward skips it.
 *
 * @example
 * F.embedding(g.tensor([[0, 2]], { dtype: 'int32' }), weight);
 * F.embedding(indices, weight, { paddingIdx: 0 });
 */
export function embedding(input: Tensor, weight: Tensor, paddingIdx?: number | null): Tensor;
export function embedding(input: Tensor, weight: Tensor, options?: EmbeddingOptions): Tensor;
export function embedding(input: Tensor, weight: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('embedding', { input, weight });
  return g.tidy(() => {
    const o = keywordArguments<EmbeddingOptions>('embedding', rest, ['paddingIdx']);
    if (input.dtype !== 'int32') throw new TypeError(`embedding: expected indices of dtype int32, got ${input.dtype}`);
    if (weight.ndim !== 2) throw new Error(`embedding: 'weight' must be 2-D, got shape [${weight.shape.join(', ')}]`);
    const paddingIdx = normalizePaddingIdx('embedding', o.paddingIdx, weight.shape[0]!);
    const flat = input.reshape(-1);
    let rows = weight.indexSelect(0, flat);
    if (paddingIdx !== null && rows.requiresGrad) {
      // Same values; the padding positions' gradient stops here.
      rows = g.where(flat.eq(paddingIdx).unsqueeze(1), rows.detach(), rows);
    }
    return rows.reshape([...input.shape, weight.shape[1]!]);
  });
}

export {
  scaledDotProductAttention,
  multiHeadAttentionForward,
  type ScaledDotProductAttentionOptions,
  type MultiHeadAttentionForwardOptions,
} from './attention.js';
export {
  batchNorm,
  instanceNorm,
  groupNorm,
  rmsNorm,
  localResponseNorm,
  type BatchNormOptions,
  type InstanceNormOptions,
  type GroupNormOptions,
  type RmsNormOptions,
  type LocalResponseNormOptions,
} from './normalization.js';
export { bilinear } from './bilinear.js';
export { embeddingBag, type EmbeddingBagOptions, type EmbeddingBagMode } from './embedding-bag.js';
export { conv1d, conv2d, type ConvOptions, type Conv1dOptions, type ConvPadding } from './conv.js';
export {
  maxPool2d,
  avgPool2d,
  maxPool1d,
  avgPool1d,
  type MaxPoolOptions,
  type AvgPoolOptions,
  type PoolOptions,
  type MaxPool1dOptions,
  type AvgPool1dOptions,
} from './pooling.js';
export { convTranspose1d, convTranspose2d, type ConvTransposeOptions, type ConvTranspose1dOptions } from './conv-transpose.js';
export {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  type AdaptiveSize,
  type AdaptiveMaxPoolOptions,
} from './adaptive-pooling.js';
export { maxUnpool1d, maxUnpool2d, type MaxUnpoolOptions, type MaxUnpool1dOptions } from './unpooling.js';
export { interpolate, type InterpolateOptions, type InterpolateMode } from './interpolate.js';
export { pad, type PadOptions, type PadMode } from './padding.js';
export { pixelShuffle, pixelUnshuffle } from './pixel-shuffle.js';
export { unfold, fold, type UnfoldOptions } from './fold.js';
export {
  mseLoss,
  l1Loss,
  nllLoss,
  crossEntropy,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  type Reduction,
  type RegressionLossOptions,
  type NllOptions,
  type CrossEntropyOptions,
  type BceOptions,
  type BceWithLogitsOptions,
} from './losses.js';
export {
  elu,
  selu,
  celu,
  silu,
  mish,
  softplus,
  softsign,
  hardtanh,
  relu6,
  hardswish,
  hardsigmoid,
  prelu,
  glu,
  softmin,
  tanhshrink,
  threshold,
  softshrink,
  hardshrink,
  logsigmoid,
  type EluOptions,
  type SoftplusOptions,
  type HardtanhOptions,
  type GluOptions,
  type SoftminOptions,
  type ThresholdOptions,
  type ShrinkOptions,
} from './activations.js';
export {
  huberLoss,
  smoothL1Loss,
  klDiv,
  poissonNllLoss,
  gaussianNllLoss,
  type HuberOptions,
  type SmoothL1Options,
  type KlDivOptions,
  type KlReduction,
  type PoissonNllOptions,
  type GaussianNllOptions,
} from './losses-regression.js';
export {
  cosineEmbeddingLoss,
  marginRankingLoss,
  tripletMarginLoss,
  hingeEmbeddingLoss,
  softMarginLoss,
  multilabelSoftMarginLoss,
  multiMarginLoss,
  type MarginOptions,
  type TripletMarginOptions,
  type ReductionOptions,
  type MultilabelSoftMarginOptions,
  type MultiMarginOptions,
} from './losses-margin.js';
export { ctcLoss, type CtcOptions } from './losses-ctc.js';
export {
  cosineSimilarity,
  pairwiseDistance,
  normalize,
  type CosineSimilarityOptions,
  type PairwiseDistanceOptions,
  type NormalizeOptions,
} from './distance.js';
