/** Linear, Embedding, LayerNorm, Dropout, Flatten, Identity and the activations. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import * as F from '../functional.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter, parameterFrom } from '../parameter.js';

/** Where a layer's parameters are created, and their dtype. */
export interface FactoryOptions {
  device?: string;
  dtype?: 'float32' | 'float64';
}

function empty(shape: number[], options: FactoryOptions): Tensor {
  return g.empty(shape, { ...(options.device ? { device: options.device } : {}), dtype: options.dtype ?? 'float32' });
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

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: { bias?: boolean } & FactoryOptions = {}) {
    super();
    this.weight = parameterFrom(empty([outFeatures, inFeatures], options));
    this.bias = options.bias ?? true ? parameterFrom(empty([outFeatures], options)) : null;
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
      throw new Error(`Linear(in_features=${this.inFeatures}, out_features=${this.outFeatures}): expected input with last dim ${this.inFeatures}, got shape [${x.shape.join(', ')}]`);
    }
    return F.linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}

/**
 * A lookup table of `numEmbeddings` vectors (weight ~ N(0, 1); the padding row zero).
 *
 * @example
 * new Embedding(10, 3).call(g.tensor([1, 2], { dtype: 'int32' })).shape; // [2, 3]
 */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | undefined;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: { paddingIdx?: number } & FactoryOptions = {}) {
    super();
    this.weight = parameterFrom(empty([numEmbeddings, embeddingDim], options));
    this.paddingIdx = options.paddingIdx === undefined ? undefined : options.paddingIdx < 0 ? options.paddingIdx + numEmbeddings : options.paddingIdx;
    init.normal_(this.weight);
    if (this.paddingIdx !== undefined) g.noGrad(() => this.weight.select(0, this.paddingIdx!).fill_(0));
  }

  override forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== undefined ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}

/**
 * Layer normalisation over the trailing dims (weight ones, bias zeros).
 *
 * @example
 * new LayerNorm([8]).call(g.randn(2, 8));
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], readonly options: { eps?: number; elementwiseAffine?: boolean } & FactoryOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? parameterFrom(init.ones_(empty(this.normalizedShape, options))) : null;
    this.bias = affine ? parameterFrom(init.zeros_(empty(this.normalizedShape, options))) : null;
  }

  override forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, this.weight, this.bias, this.options.eps ?? 1e-5);
  }

  override extraRepr(): string {
    return `(${this.normalizedShape.join(', ')},), eps=${this.options.eps ?? 1e-5}, elementwise_affine=${this.weight !== null ? 'True' : 'False'}`;
  }
}

/** Dropout (inactive in eval mode). @example new Dropout(0.1) */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (p < 0 || p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
  }
  override forward(x: Tensor): Tensor {
    return F.dropout(x, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}

/** Flattens dims startDim..endDim (default 1..-1). @example new Flatten().call(g.zeros(2, 3, 4)).shape // [2, 12] */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Returns its input. @example new Identity().call(x) === x */
export class Identity extends Module {
  override forward(x: Tensor): Tensor {
    return x;
  }
}

/** max(x, 0). @example new ReLU().call(x) */
export class ReLU extends Module {
  override forward(x: Tensor): Tensor {
    return x.relu();
  }
}
/** tanh. @example new Tanh().call(x) */
export class Tanh extends Module {
  override forward(x: Tensor): Tensor {
    return x.tanh();
  }
}
/** Logistic sigmoid. @example new Sigmoid().call(x) */
export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}
/** GELU (exact, or `approximate: 'tanh'`). @example new GELU().call(x) */
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }
  override forward(x: Tensor): Tensor {
    return F.gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}
/** Softmax along `dim`. @example new Softmax(-1).call(x) */
export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x.softmax(this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
