/** Loss modules: thin wrappers over nn.functional with PyTorch's options. */
import type { Tensor } from '@graft/core';
import * as F from '../functional.js';
import { Module } from '../module.js';

type Reduction = F.Reduction;

/** Mean squared error. @example new MSELoss().call(pred, target) */
export class MSELoss extends Module {
  constructor(readonly options: { reduction?: Reduction } = {}) {
    super();
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, this.options);
  }
}

/** Mean absolute error. @example new L1Loss().call(pred, target) */
export class L1Loss extends Module {
  constructor(readonly options: { reduction?: Reduction } = {}) {
    super();
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, this.options);
  }
}

/** Negative log-likelihood over log-probabilities. @example new NLLLoss().call(logp, target) */
export class NLLLoss extends Module {
  constructor(readonly options: F.NllOptions = {}) {
    super();
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, this.options);
  }
}

/**
 * Cross entropy of logits against class indices or probabilities, with
 * `weight`, `ignoreIndex` and `labelSmoothing`.
 *
 * @example
 * new CrossEntropyLoss({ labelSmoothing: 0.1 }).call(logits, labels);
 */
export class CrossEntropyLoss extends Module {
  constructor(readonly options: F.CrossEntropyOptions = {}) {
    super();
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, this.options);
  }
}

/** Binary cross entropy of probabilities. @example new BCELoss().call(p, y) */
export class BCELoss extends Module {
  constructor(readonly options: { weight?: Tensor; reduction?: Reduction } = {}) {
    super();
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, this.options);
  }
}

/** Sigmoid + binary cross entropy, stable. @example new BCEWithLogitsLoss({ posWeight }).call(logits, y) */
export class BCEWithLogitsLoss extends Module {
  constructor(readonly options: { weight?: Tensor; posWeight?: Tensor; reduction?: Reduction } = {}) {
    super();
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, this.options);
  }
}
