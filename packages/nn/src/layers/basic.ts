/** Linear, Embedding, LayerNorm, Dropout, Flatten, Identity and the activations. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { checkApproximate, checkDropoutProbability, normalizePaddingIdx } from '../argument-checks.js';
import { keywordArguments } from '../arguments.js';
import * as F from '../functional.js';
import * as init from '../init.js';
import { layerInputs, Module, layersFreeIntermediates } from '../module.js';
import { Parameter, parameterFrom } from '../parameter.js';
import { pythonFloat, pythonValue } from '../python-repr.js';

/** Where a layer's parameters are created, and their dtype. */
export interface FactoryOptions {
  device?: string;
  dtype?: 'float32' | 'float64';
}

/** The options of a layer that takes none (an empty object is accepted; any key is an error). */
export type NoOptions = Record<string, never>;

export const FACTORY_KEYS = ['device', 'dtype'] as const;

export function empty(shape: number[], options: FactoryOptions): Tensor {
  return g.empty(shape, { ...(options.device ? { device: options.device } : {}), dtype: options.dtype ?? 'float32' });
}

/** Options of `Linear`. */
export interface LinearOptions extends FactoryOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * `y = x Wᵀ + b`, with PyTorch's initialisation (kaiming-uniform weight, a = √5;
 * uniform bias in ±1/√inFeatures).
 *
 * @example
 * const fc = new Linear(4, 2); fc.call(g.randn(3, 4)).shape; // [3, 2]
 */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options?: LinearOptions,
  ) {
    super();
    const o = g.checkOptions('Linear', options, ['bias', ...FACTORY_KEYS]);
    this.weight = parameterFrom(empty([outFeatures, inFeatures], o));
    this.bias = (o.bias ?? true) ? parameterFrom(empty([outFeatures], o)) : null;
    this.resetParameters();
  }

  /** Re-draws the weights with PyTorch's initialisation. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(x: Tensor): Tensor {
    if (x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new Error(
        `Linear(in_features=${this.inFeatures}, out_features=${this.outFeatures}): expected input with last dim ${this.inFeatures}, got shape [${x.shape.join(', ')}]`,
      );
    }
    return F.linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pythonValue(this.bias !== null)}`;
  }
}

/** Options of `Embedding`. */
export interface EmbeddingOptions extends FactoryOptions {
  /** A row that reads as zeros at first and never receives a gradient (negative counts from the end). */
  paddingIdx?: number | null;
}

/** Options of `Embedding.fromPretrained`. */
export interface EmbeddingFromPretrainedOptions {
  /** Keep the weight fixed (`requiresGrad` false; default true). */
  freeze?: boolean;
  /** A row that receives no gradient (kept as given, not zeroed); negative counts from the end. */
  paddingIdx?: number | null;
}

/** The weight `Embedding.fromPretrained` hands to the constructor (instead of drawing one). */
let pretrainedWeight: Tensor | null = null;

/**
 * A lookup table of `numEmbeddings` vectors (weight ~ N(0, 1); the padding row
 * zero, and never updated: it receives no gradient, as in PyTorch).
 *
 * @example
 * new Embedding(10, 3).call(g.tensor([1, 2], { dtype: 'int32' })).shape; // [2, 3]
 */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | undefined;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options?: EmbeddingOptions,
  ) {
    super();
    const o = g.checkOptions('Embedding', options, ['paddingIdx', ...FACTORY_KEYS]);
    this.paddingIdx = normalizePaddingIdx('Embedding', o.paddingIdx, numEmbeddings) ?? undefined;
    if (pretrainedWeight !== null) {
      // As PyTorch's `_weight`: the given tensor, shared, not re-drawn and its padding row kept.
      this.weight = new Parameter(pretrainedWeight);
      return;
    }
    this.weight = parameterFrom(empty([numEmbeddings, embeddingDim], o));
    init.normal_(this.weight);
    if (this.paddingIdx !== undefined) g.noGrad(() => this.weight.select(0, this.paddingIdx!).fill_(0));
  }

  /**
   * An Embedding over the rows of a given 2-D tensor (shared, not copied;
   * nothing is drawn), frozen unless `freeze: false` (PyTorch's
   * `Embedding.from_pretrained`).
   *
   * @example
   * const emb = Embedding.fromPretrained(g.tensor([[1, 2.3, 3], [4, 5.1, 6.3]]));
   * emb.call(g.tensor([1], { dtype: 'int32' })); // tensor([[4.0000, 5.1000, 6.3000]])
   */
  static fromPretrained(embeddings: Tensor, options?: EmbeddingFromPretrainedOptions): Embedding {
    const { freeze = true, paddingIdx } = g.checkOptions('Embedding.fromPretrained', options, ['freeze', 'paddingIdx']);
    if (!(embeddings instanceof g.Tensor) || embeddings.ndim !== 2) {
      throw new Error('Embedding.fromPretrained: Embeddings parameter is expected to be 2-dimensional');
    }
    pretrainedWeight = embeddings;
    try {
      const embedding = new Embedding(embeddings.shape[0]!, embeddings.shape[1]!, { paddingIdx: paddingIdx ?? null });
      embedding.weight.requiresGrad_(!freeze);
      return embedding;
    } finally {
      pretrainedWeight = null;
    }
  }

  override forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, { paddingIdx: this.paddingIdx ?? null });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== undefined ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}

/** Options of `LayerNorm`. */
export interface LayerNormOptions extends FactoryOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn a per-element weight and bias (default true). */
  elementwiseAffine?: boolean;
}

/**
 * Layer normalisation over the trailing dims (weight ones, bias zeros).
 *
 * @example
 * new LayerNorm([8]).call(g.randn(2, 8));
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options?: LayerNormOptions) {
    super();
    const o = g.checkOptions('LayerNorm', options, ['eps', 'elementwiseAffine', ...FACTORY_KEYS]);
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = o.eps ?? 1e-5;
    const affine = o.elementwiseAffine ?? true;
    this.weight = affine ? parameterFrom(init.ones_(empty(this.normalizedShape, o))) : null;
    this.bias = affine ? parameterFrom(init.zeros_(empty(this.normalizedShape, o))) : null;
  }

  override forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${pythonValue(this.normalizedShape)}, eps=${pythonFloat(this.eps)}, elementwise_affine=${pythonValue(this.weight !== null)}`;
  }
}

/** Options of `Dropout`. */
export interface DropoutOptions {
  /** Probability of an element to be zeroed (default 0.5). */
  p?: number;
  /** Multiply the input in place. */
  inplace?: boolean;
  /** Draw the masks from this generator instead of the default one (a Graft extension: PyTorch's Dropout has none). */
  generator?: g.Generator;
}

/**
 * Dropout (inactive in eval mode); the mask is PyTorch's for the same seed.
 *
 * @example
 * new Dropout(0.1);
 * new Dropout({ p: 0.1, inplace: true });
 * new Dropout(0.1, { generator: new g.Generator().manualSeed(0) });
 */
export class Dropout extends Module {
  readonly p: number;
  readonly inplace: boolean;
  /** The generator the masks are drawn from (undefined: the default generator). */
  readonly generator: g.Generator | undefined;

  constructor(p?: number, options?: Omit<DropoutOptions, 'p'>);
  constructor(options?: DropoutOptions);
  constructor(...args: unknown[]) {
    super();
    const o = keywordArguments<DropoutOptions>('Dropout', args, ['p', 'inplace', 'generator']);
    this.p = checkDropoutProbability(o.p ?? 0.5);
    this.inplace = o.inplace ?? false;
    this.generator = o.generator;
  }
  override forward(x: Tensor): Tensor {
    return F.dropout(x, this.p, this.training, this.inplace, { generator: this.generator });
  }
  override extraRepr(): string {
    return `p=${pythonFloat(this.p)}, inplace=${pythonValue(this.inplace)}`;
  }
}

/** Options of `Flatten`. */
export interface FlattenOptions {
  startDim?: number;
  endDim?: number;
}

/** Flattens dims startDim..endDim (default 1..-1). @example new Flatten().call(g.zeros(2, 3, 4)).shape // [2, 12] */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim?: number, endDim?: number);
  constructor(options?: FlattenOptions);
  constructor(...args: unknown[]) {
    super();
    const o = keywordArguments<FlattenOptions>('Flatten', args, ['startDim', 'endDim']);
    this.startDim = o.startDim ?? 1;
    this.endDim = o.endDim ?? -1;
  }
  override forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Returns its input; like PyTorch's, it accepts and ignores any arguments. @example new Identity().call(x) === x */
export class Identity extends Module {
  constructor(..._ignored: unknown[]) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x;
  }
}

/** Options of `ReLU` and `LeakyReLU`. */
export interface ReLUOptions {
  /** Write the result into the input. */
  inplace?: boolean;
}

/** max(x, 0). @example new ReLU().call(x); new ReLU({ inplace: true }) */
export class ReLU extends Module {
  readonly inplace: boolean;
  constructor(inplace?: boolean);
  constructor(options?: ReLUOptions);
  constructor(...args: unknown[]) {
    super();
    this.inplace = keywordArguments<ReLUOptions>('ReLU', args, ['inplace']).inplace ?? false;
  }
  override forward(x: Tensor): Tensor {
    return F.relu(x, this.inplace);
  }
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** Options of `LeakyReLU`. */
export interface LeakyReLUOptions extends ReLUOptions {
  /** The slope for negative inputs (default 0.01). */
  negativeSlope?: number;
}

/** x for x > 0, negativeSlope·x otherwise. @example new LeakyReLU(0.2).call(x) */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  readonly inplace: boolean;
  constructor(negativeSlope?: number, inplace?: boolean);
  constructor(options?: LeakyReLUOptions);
  constructor(negativeSlope: number, options?: ReLUOptions);
  constructor(...args: unknown[]) {
    super();
    const o = keywordArguments<LeakyReLUOptions>('LeakyReLU', args, ['negativeSlope', 'inplace']);
    this.negativeSlope = o.negativeSlope ?? 0.01;
    this.inplace = o.inplace ?? false;
  }
  override forward(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope, this.inplace);
  }
  override extraRepr(): string {
    return `negative_slope=${pythonFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** tanh. @example new Tanh().call(x) */
export class Tanh extends Module {
  constructor(options?: NoOptions) {
    super();
    g.checkOptions('Tanh', options, []);
  }
  override forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

/** Logistic sigmoid. @example new Sigmoid().call(x) */
export class Sigmoid extends Module {
  constructor(options?: NoOptions) {
    super();
    g.checkOptions('Sigmoid', options, []);
  }
  override forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

/** GELU (exact, or `approximate: 'tanh'`). @example new GELU().call(x); new GELU({ approximate: 'tanh' }) */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(approximate?: 'none' | 'tanh');
  constructor(options?: F.GeluOptions);
  constructor(...args: unknown[]) {
    super();
    this.approximate = checkApproximate('GELU', keywordArguments<F.GeluOptions>('GELU', args, ['approximate']).approximate);
  }
  override forward(x: Tensor): Tensor {
    return F.gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** Options of `Softmax`. */
export interface SoftmaxModuleOptions {
  /** The dim to normalise (without one, PyTorch's legacy implicit choice, with a warning). */
  dim?: number | null;
}

/** Softmax along `dim`. @example new Softmax(-1).call(x); new Softmax({ dim: 1 }) */
export class Softmax extends Module {
  readonly dim: number | null;
  constructor(dim?: number | null);
  constructor(options?: SoftmaxModuleOptions);
  constructor(...args: unknown[]) {
    super();
    this.dim = keywordArguments<SoftmaxModuleOptions>('Softmax', args, ['dim']).dim ?? null;
  }
  override forward(x: Tensor): Tensor {
    return F.softmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${pythonValue(this.dim)}`;
  }
}

// These layers free what their forward makes on the way (Module.call).
layersFreeIntermediates(Linear, Embedding, LayerNorm, Dropout, Flatten, Identity, ReLU, LeakyReLU, Tanh, Sigmoid, GELU, Softmax);
layerInputs(0, [Identity]); // PyTorch's Identity passes anything through
