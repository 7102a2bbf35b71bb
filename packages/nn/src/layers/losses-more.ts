/**
 * The loss modules of the regression, margin, likelihood and CTC families:
 * thin wrappers over their `nn.functional` forms, with PyTorch's options
 * (class weights are buffers, as in PyTorch).
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import * as F from '../functional.js';
import { Module, layerInputs, layersFreeIntermediates } from '../module.js';
import { checkReduction } from '../losses.js';
import { Loss } from './loss.js';

/** Huber loss. @example new HuberLoss({ delta: 0.5 }).call(pred, target) */
export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(options?: F.HuberOptions) {
    const o = g.checkOptions('HuberLoss', options, ['reduction', 'delta']);
    super('HuberLoss', o.reduction);
    this.delta = o.delta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** Smooth L1 loss. @example new SmoothL1Loss({ beta: 0.5 }).call(pred, target) */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(options?: F.SmoothL1Options) {
    const o = g.checkOptions('SmoothL1Loss', options, ['reduction', 'beta']);
    super('SmoothL1Loss', o.reduction);
    this.beta = o.beta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** KL divergence of log-probabilities from a target. @example new KLDivLoss({ reduction: 'batchmean' }).call(logQ, p) */
export class KLDivLoss extends Module {
  readonly reduction: F.KlReduction;
  readonly logTarget: boolean;
  constructor(options?: F.KlDivOptions) {
    super();
    const o = g.checkOptions('KLDivLoss', options, ['reduction', 'logTarget']);
    this.reduction = o.reduction === 'batchmean' ? 'batchmean' : checkReduction('KLDivLoss', o.reduction);
    this.logTarget = o.logTarget ?? false;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

/** Cosine embedding loss. @example new CosineEmbeddingLoss({ margin: 0.2 }).call(a, b, y) */
export class CosineEmbeddingLoss extends Loss {
  readonly margin: number;
  constructor(options?: F.MarginOptions) {
    const o = g.checkOptions('CosineEmbeddingLoss', options, ['margin', 'reduction']);
    super('CosineEmbeddingLoss', o.reduction);
    this.margin = o.margin ?? 0;
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** Margin ranking loss. @example new MarginRankingLoss({ margin: 0.5 }).call(s1, s2, y) */
export class MarginRankingLoss extends Loss {
  readonly margin: number;
  constructor(options?: F.MarginOptions) {
    const o = g.checkOptions('MarginRankingLoss', options, ['margin', 'reduction']);
    super('MarginRankingLoss', o.reduction);
    this.margin = o.margin ?? 0;
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.marginRankingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** Triplet margin loss. @example new TripletMarginLoss({ margin: 1, swap: true }).call(anchor, positive, negative) */
export class TripletMarginLoss extends Loss {
  readonly margin: number;
  readonly p: number;
  readonly eps: number;
  readonly swap: boolean;
  constructor(options?: F.TripletMarginOptions) {
    const o = g.checkOptions('TripletMarginLoss', options, ['margin', 'p', 'eps', 'swap', 'reduction']);
    super('TripletMarginLoss', o.reduction);
    this.margin = o.margin ?? 1;
    this.p = o.p ?? 2;
    this.eps = o.eps ?? 1e-6;
    this.swap = o.swap ?? false;
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return F.tripletMarginLoss(anchor, positive, negative, {
      margin: this.margin,
      p: this.p,
      eps: this.eps,
      swap: this.swap,
      reduction: this.reduction,
    });
  }
}

/** Hinge embedding loss. @example new HingeEmbeddingLoss({ margin: 2 }).call(d, y) */
export class HingeEmbeddingLoss extends Loss {
  readonly margin: number;
  constructor(options?: F.MarginOptions) {
    const o = g.checkOptions('HingeEmbeddingLoss', options, ['margin', 'reduction']);
    super('HingeEmbeddingLoss', o.reduction);
    this.margin = o.margin ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** Soft margin loss. @example new SoftMarginLoss().call(scores, y) */
export class SoftMarginLoss extends Loss {
  constructor(options?: F.ReductionOptions) {
    super('SoftMarginLoss', g.checkOptions('SoftMarginLoss', options, ['reduction']).reduction);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.softMarginLoss(input, target, { reduction: this.reduction });
  }
}

/** Multi-label soft margin loss (`weight` a buffer). @example new MultiLabelSoftMarginLoss().call(logits, labels) */
export class MultiLabelSoftMarginLoss extends Loss {
  constructor(options?: F.MultilabelSoftMarginOptions) {
    const o = g.checkOptions('MultiLabelSoftMarginLoss', options, ['weight', 'reduction']);
    super('MultiLabelSoftMarginLoss', o.reduction, { weight: o.weight });
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.multilabelSoftMarginLoss(input, target, { weight: this.buffer('weight'), reduction: this.reduction });
  }
}

/** Multi-class margin loss (`weight` a buffer). @example new MultiMarginLoss({ p: 2 }).call(scores, classes) */
export class MultiMarginLoss extends Loss {
  readonly p: number;
  readonly margin: number;
  constructor(options?: F.MultiMarginOptions) {
    const o = g.checkOptions('MultiMarginLoss', options, ['p', 'margin', 'weight', 'reduction']);
    if (o.p !== undefined && o.p !== 1 && o.p !== 2) throw new Error(`MultiMarginLoss: only p == 1 and p == 2 supported (got p=${o.p})`);
    if (o.weight && o.weight.ndim !== 1)
      throw new Error(`MultiMarginLoss: weight must be one-dimensional (got [${o.weight.shape.join(', ')}])`);
    super('MultiMarginLoss', o.reduction, { weight: o.weight });
    this.p = o.p ?? 1;
    this.margin = o.margin ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.multiMarginLoss(input, target, { p: this.p, margin: this.margin, weight: this.buffer('weight'), reduction: this.reduction });
  }
}

/** Poisson negative log-likelihood. @example new PoissonNLLLoss({ logInput: false }).call(rate, counts) */
export class PoissonNLLLoss extends Loss {
  readonly logInput: boolean;
  readonly full: boolean;
  readonly eps: number;
  constructor(options?: F.PoissonNllOptions) {
    const o = g.checkOptions('PoissonNLLLoss', options, ['logInput', 'full', 'eps', 'reduction']);
    super('PoissonNLLLoss', o.reduction);
    this.logInput = o.logInput ?? true;
    this.full = o.full ?? false;
    this.eps = o.eps ?? 1e-8;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.poissonNllLoss(input, target, { logInput: this.logInput, full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

/** Gaussian negative log-likelihood. @example new GaussianNLLLoss().call(mean, target, variance) */
export class GaussianNLLLoss extends Loss {
  readonly full: boolean;
  readonly eps: number;
  constructor(options?: F.GaussianNllOptions) {
    const o = g.checkOptions('GaussianNLLLoss', options, ['full', 'eps', 'reduction']);
    super('GaussianNLLLoss', o.reduction);
    this.full = o.full ?? false;
    this.eps = o.eps ?? 1e-6;
  }
  override forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return F.gaussianNllLoss(input, target, variance, { full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

/** CTC loss (computed on the host). @example new CTCLoss({ blank: 0 }).call(logProbs, targets, inputLengths, targetLengths) */
export class CTCLoss extends Loss {
  readonly blank: number;
  readonly zeroInfinity: boolean;
  constructor(options?: F.CtcOptions) {
    const o = g.checkOptions('CTCLoss', options, ['blank', 'reduction', 'zeroInfinity']);
    super('CTCLoss', o.reduction);
    this.blank = o.blank ?? 0;
    this.zeroInfinity = o.zeroInfinity ?? false;
  }
  override forward(
    logProbs: Tensor,
    targets: Tensor,
    inputLengths: Tensor | readonly number[] | number,
    targetLengths: Tensor | readonly number[] | number,
  ): Tensor {
    return F.ctcLoss(logProbs, targets, inputLengths, targetLengths, {
      blank: this.blank,
      reduction: this.reduction,
      zeroInfinity: this.zeroInfinity,
    });
  }
}

// These layers free what their forward makes on the way (Module.call).
layersFreeIntermediates(
  HuberLoss,
  SmoothL1Loss,
  KLDivLoss,
  CosineEmbeddingLoss,
  MarginRankingLoss,
  TripletMarginLoss,
  HingeEmbeddingLoss,
  SoftMarginLoss,
  MultiLabelSoftMarginLoss,
  MultiMarginLoss,
  PoissonNLLLoss,
  GaussianNLLLoss,
  CTCLoss,
);
layerInputs(2, [KLDivLoss]);
layerInputs(3, [CosineEmbeddingLoss, MarginRankingLoss, TripletMarginLoss, GaussianNLLLoss]);
