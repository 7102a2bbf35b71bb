/** EmbeddingBag, with PyTorch's parameter, initialisation, options and repr. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { normalizePaddingIdx } from '../argument-checks.js';
import { checkMode, type EmbeddingBagMode, embeddingBagAs } from '../embedding-bag.js';
import * as init from '../init.js';
import { Module, layersFreeIntermediates } from '../module.js';
import { Parameter, parameterFrom } from '../parameter.js';
import { empty, FACTORY_KEYS, type FactoryOptions } from './basic.js';

/** Options of `EmbeddingBag`. */
export interface EmbeddingBagOptions extends FactoryOptions {
  /** `'mean'` (default), `'sum'` or `'max'`. */
  mode?: EmbeddingBagMode;
  /** `offsets` has one more entry than there are bags: the end of the last one. */
  includeLastOffset?: boolean;
  /** Entries equal to this index are left out of their bag; its row starts at zeros and never receives a gradient. */
  paddingIdx?: number | null;
}

/** Options of `EmbeddingBag.fromPretrained`. */
export interface EmbeddingBagFromPretrainedOptions extends Omit<EmbeddingBagOptions, 'device' | 'dtype'> {
  /** Keep the weight fixed (`requiresGrad` false; default true). */
  freeze?: boolean;
}

/** The weight `fromPretrained` hands to the constructor (instead of drawing one). */
let pretrained: Tensor | null = null;

/**
 * Sums, means or maxima of bags of embeddings (PyTorch's `nn.EmbeddingBag`):
 * `forward(input, offsets?, perSampleWeights?)` with a 2-D input of equal
 * bags, or a 1-D input cut at `offsets`. The weight is drawn from N(0, 1),
 * the padding row zeroed.
 *
 * @example
 * const bag = new EmbeddingBag(10, 3, { mode: 'sum' });
 * bag.call(g.tensor([1, 2, 4, 5, 4, 3, 2, 9], { dtype: 'int32' }), g.tensor([0, 4], { dtype: 'int32' })).shape; // [2, 3]
 */
export class EmbeddingBag extends Module {
  weight: Parameter;
  readonly mode: EmbeddingBagMode;
  readonly includeLastOffset: boolean;
  readonly paddingIdx: number | null;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options?: EmbeddingBagOptions,
  ) {
    super();
    const o = g.checkOptions('EmbeddingBag', options, ['mode', 'includeLastOffset', 'paddingIdx', ...FACTORY_KEYS]);
    this.mode = checkMode('EmbeddingBag', o.mode);
    this.includeLastOffset = o.includeLastOffset ?? false;
    this.paddingIdx = normalizePaddingIdx('EmbeddingBag', o.paddingIdx, numEmbeddings);
    if (pretrained !== null) {
      // As PyTorch's `_weight`: the given tensor, shared, not re-drawn and its padding row kept.
      this.weight = new Parameter(pretrained);
    } else {
      this.weight = parameterFrom(empty([numEmbeddings, embeddingDim], o));
      init.normal_(this.weight);
      if (this.paddingIdx !== null) g.noGrad(() => this.weight.select(0, this.paddingIdx!).fill_(0));
    }
  }

  /**
   * An EmbeddingBag over the rows of a given 2-D tensor (shared, not copied),
   * frozen unless `freeze: false` (PyTorch's `from_pretrained`).
   *
   * @example
   * const bag = EmbeddingBag.fromPretrained(g.tensor([[1, 2.3, 3], [4, 5.1, 6.3]]));
   * bag.call(g.tensor([[1, 0]], { dtype: 'int32' })); // tensor([[2.5000, 3.7000, 4.6500]])
   */
  static fromPretrained(embeddings: Tensor, options?: EmbeddingBagFromPretrainedOptions): EmbeddingBag {
    const { freeze = true, ...rest } = g.checkOptions('EmbeddingBag.fromPretrained', options, [
      'freeze',
      'mode',
      'includeLastOffset',
      'paddingIdx',
    ]);
    if (!(embeddings instanceof g.Tensor) || embeddings.ndim !== 2) {
      throw new Error('EmbeddingBag.fromPretrained: Embeddings parameter is expected to be 2-dimensional');
    }
    pretrained = embeddings;
    try {
      const bag = new EmbeddingBag(embeddings.shape[0]!, embeddings.shape[1]!, rest);
      bag.weight.requiresGrad_(!freeze);
      return bag;
    } finally {
      pretrained = null;
    }
  }

  override forward(input: Tensor, offsets?: Tensor | null, perSampleWeights?: Tensor | null): Tensor {
    return embeddingBagAs('EmbeddingBag', input, this.weight, offsets ?? null, {
      mode: this.mode,
      perSampleWeights: perSampleWeights ?? null,
      includeLastOffset: this.includeLastOffset,
      paddingIdx: this.paddingIdx,
    });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}, mode=${this.mode}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}

// This layer frees what its forward makes on the way (Module.call).
layersFreeIntermediates(EmbeddingBag);
