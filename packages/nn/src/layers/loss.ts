/**
 * Loss modules: thin wrappers over nn.functional with PyTorch's options. As
 * in PyTorch, a class weight (and BCEWithLogitsLoss's pos_weight) is a
 * buffer: it is in the state dict and moves with `to()`.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import * as F from '../functional.js';
import { checkReduction, type Reduction } from '../losses.js';
import { Module, layerInputs, layersFreeIntermediates } from '../module.js';

/** What every loss module shares: a checked reduction, and weights kept as buffers. */
export abstract class Loss extends Module {
  readonly reduction: Reduction;

  constructor(op: string, reduction: Reduction | undefined, buffers: Record<string, Tensor | null | undefined> = {}) {
    super();
    this.reduction = checkReduction(op, reduction);
    for (const [name, t] of Object.entries(buffers)) this.registerBuffer(name, t ?? null);
  }

  /** A buffer registered by the constructor (null when not given). */
  protected buffer(name: string): Tensor | null {
    return (this as unknown as Record<string, Tensor | null>)[name] ?? null;
  }
}

/** Mean squared error. @example new MSELoss().call(pred, target) */
export class MSELoss extends Loss {
  constructor(options?: F.RegressionLossOptions) {
    super('MSELoss', g.checkOptions('MSELoss', options, ['reduction']).reduction);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error. @example new L1Loss().call(pred, target) */
export class L1Loss extends Loss {
  constructor(options?: F.RegressionLossOptions) {
    super('L1Loss', g.checkOptions('L1Loss', options, ['reduction']).reduction);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Negative log-likelihood over log-probabilities. @example new NLLLoss().call(logp, target) */
export class NLLLoss extends Loss {
  readonly ignoreIndex: number;
  constructor(options?: F.NllOptions) {
    const o = g.checkOptions('NLLLoss', options, ['weight', 'ignoreIndex', 'reduction']);
    super('NLLLoss', o.reduction, { weight: o.weight });
    this.ignoreIndex = o.ignoreIndex ?? -100;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { weight: this.buffer('weight'), ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/**
 * Cross entropy of logits against class indices or probabilities, with
 * `weight`, `ignoreIndex` and `labelSmoothing`.
 *
 * @example
 * new CrossEntropyLoss({ labelSmoothing: 0.1 }).call(logits, labels);
 */
export class CrossEntropyLoss extends Loss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(options?: F.CrossEntropyOptions) {
    const o = g.checkOptions('CrossEntropyLoss', options, ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing']);
    super('CrossEntropyLoss', o.reduction, { weight: o.weight });
    this.ignoreIndex = o.ignoreIndex ?? -100;
    this.labelSmoothing = o.labelSmoothing ?? 0;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, {
      weight: this.buffer('weight'),
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

/** Binary cross entropy of probabilities (PyTorch's gradient at saturated inputs). @example new BCELoss().call(p, y) */
export class BCELoss extends Loss {
  constructor(options?: F.BceOptions) {
    const o = g.checkOptions('BCELoss', options, ['weight', 'reduction']);
    super('BCELoss', o.reduction, { weight: o.weight });
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.buffer('weight'), reduction: this.reduction });
  }
}

/** Sigmoid + binary cross entropy, stable. @example new BCEWithLogitsLoss({ posWeight }).call(logits, y) */
export class BCEWithLogitsLoss extends Loss {
  constructor(options?: F.BceWithLogitsOptions) {
    const o = g.checkOptions('BCEWithLogitsLoss', options, ['weight', 'posWeight', 'reduction']);
    super('BCEWithLogitsLoss', o.reduction, { weight: o.weight, pos_weight: o.posWeight });
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, {
      weight: this.buffer('weight'),
      posWeight: this.buffer('pos_weight'),
      reduction: this.reduction,
    });
  }
}

// These layers free what their forward makes on the way (Module.call).
layersFreeIntermediates(MSELoss, L1Loss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss);
// A loss takes its input and its target.
layerInputs(2, [Loss]);
