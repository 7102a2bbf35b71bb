/**
 * Margin and embedding losses of `nn.functional`: cosine embedding, margin
 * ranking, triplet margin, hinge embedding, soft margin, multi-label soft
 * margin and multi-class margin — ATen's formulas, shape checks and
 * gradients (a hinge passes its gradient where ATen's does).
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { logSigmoidOf } from './activations.js';
import { pairwiseDistanceOf } from './distance.js';
import { checkReduction, notDifferentiable, type Reduction, reduce } from './losses.js';
import { broadcastShape } from './argument-checks.js';
import { checkTensorArguments } from './tensor-arguments.js';

const shapeOf = (t: Tensor) => `[${t.shape.join(', ')}]`;

/** Options of the losses whose only options are a margin and the reduction. */
export interface MarginOptions {
  /** The margin (defaults: 0 for cosineEmbeddingLoss and marginRankingLoss, 1 for hingeEmbeddingLoss). */
  margin?: number;
  reduction?: Reduction;
}

/** ATen's EPSILON of cosine_embedding_loss: added to each squared magnitude. */
const COSINE_EMBEDDING_EPSILON = 1e-12;

/**
 * Cosine embedding loss: 1 − cos(x1, x2) where the target is 1, max(0,
 * cos − margin) where it is −1 (0 for any other target value), for [N, D]
 * inputs with an [N] target or [D] inputs with a 0-d target.
 *
 * @example
 * F.cosineEmbeddingLoss(a, b, g.tensor([1, -1]), { margin: 0.2 });
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, options?: MarginOptions): Tensor {
  checkTensorArguments('cosineEmbeddingLoss', { input1, input2, target });
  return g.tidy(() => {
    const o = g.checkOptions('cosineEmbeddingLoss', options, ['margin', 'reduction']);
    const reduction = checkReduction('cosineEmbeddingLoss', o.reduction);
    const dim = target.ndim;
    if (dim !== 0 && dim !== 1)
      throw new Error(`cosineEmbeddingLoss: 0D or 1D target tensor expected, multi-target not supported (got target ${shapeOf(target)})`);
    if (input1.ndim !== dim + 1 || input2.ndim !== dim + 1) {
      throw new Error(
        `cosineEmbeddingLoss: ${dim}D target tensor expects ${dim + 1}D input tensors, but found inputs with sizes ${shapeOf(input1)} and ${shapeOf(input2)}.`,
      );
    }
    const prod = input1.mul(input2).sum(dim);
    const mag1 = input1.mul(input1).sum(dim).add(COSINE_EMBEDDING_EPSILON);
    const mag2 = input2.mul(input2).sum(dim).add(COSINE_EMBEDDING_EPSILON);
    const cos = prod.div(mag1.mul(mag2).sqrt());
    const pos = g.where(target.eq(1), g.sub(1, cos), 0);
    const neg = g.where(target.eq(-1), cos.sub(o.margin ?? 0).clamp(0), 0);
    return reduce(pos.add(neg), reduction);
  });
}

/**
 * Margin ranking loss: max(0, −target·(x1 − x2) + margin), target ±1.
 *
 * @example
 * F.marginRankingLoss(s1, s2, g.tensor([1, -1, 1]), { margin: 0.5 });
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, options?: MarginOptions): Tensor {
  checkTensorArguments('marginRankingLoss', { input1, input2, target });
  return g.tidy(() => {
    const o = g.checkOptions('marginRankingLoss', options, ['margin', 'reduction']);
    const reduction = checkReduction('marginRankingLoss', o.reduction);
    if (input1.ndim !== input2.ndim || input1.ndim !== target.ndim) {
      throw new Error(
        `marginRankingLoss: All input tensors should have same dimension but got sizes: input1: ${shapeOf(input1)}, input2: ${shapeOf(input2)}, target: ${shapeOf(target)}`,
      );
    }
    return reduce(
      target
        .neg()
        .mul(input1.sub(input2))
        .add(o.margin ?? 0)
        .clamp(0),
      reduction,
    );
  });
}

/** Options of `tripletMarginLoss`. */
export interface TripletMarginOptions {
  /** Default 1. */
  margin?: number;
  /** The norm of the distances (default 2). */
  p?: number;
  /** Added to each difference, as in `pairwiseDistance` (default 1e-6). */
  eps?: number;
  /** Use the positive–negative distance when it is the smaller (default false). */
  swap?: boolean;
  reduction?: Reduction;
}

/**
 * Triplet margin loss: max(0, margin + d(a, p) − d(a, n)), d the pairwise distance.
 *
 * @example
 * F.tripletMarginLoss(anchor, positive, negative, { margin: 1, swap: true });
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options?: TripletMarginOptions): Tensor {
  checkTensorArguments('tripletMarginLoss', { anchor, positive, negative });
  return g.tidy(() => {
    const o = g.checkOptions('tripletMarginLoss', options, ['margin', 'p', 'eps', 'swap', 'reduction']);
    const reduction = checkReduction('tripletMarginLoss', o.reduction);
    if (anchor.ndim !== positive.ndim || positive.ndim !== negative.ndim) {
      throw new Error(
        `tripletMarginLoss: All inputs should have same dimension but got ${anchor.ndim}D, ${positive.ndim}D and ${negative.ndim}D inputs.`,
      );
    }
    const p = o.p ?? 2;
    const eps = o.eps ?? 1e-6;
    const dPos = pairwiseDistanceOf(anchor, positive, p, eps, false);
    let dNeg = pairwiseDistanceOf(anchor, negative, p, eps, false);
    if (o.swap) dNeg = g.minimum(dNeg, pairwiseDistanceOf(positive, negative, p, eps, false));
    return reduce(
      dPos
        .sub(dNeg)
        .add(o.margin ?? 1)
        .clamp(0),
      reduction,
    );
  });
}

/**
 * Hinge embedding loss: x where the target is 1, max(0, margin − x) where it
 * is −1 (both terms for any other value, as ATen).
 *
 * @example
 * F.hingeEmbeddingLoss(distances, g.tensor([1, -1, -1]));
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, options?: MarginOptions): Tensor {
  checkTensorArguments('hingeEmbeddingLoss', { input, target });
  return g.tidy(() => {
    const o = g.checkOptions('hingeEmbeddingLoss', options, ['margin', 'reduction']);
    const reduction = checkReduction('hingeEmbeddingLoss', o.reduction);
    const marginPart = g.where(target.ne(1), g.sub(o.margin ?? 1, input).clamp(0), 0);
    const selfPart = g.where(target.ne(-1), input, 0);
    return reduce(marginPart.add(selfPart), reduction);
  });
}

/** Options of the losses whose only option is the reduction. */
export interface ReductionOptions {
  reduction?: Reduction;
}

/**
 * Soft margin loss: log(1 + e^(−target·input)), target ±1.
 *
 * @example
 * F.softMarginLoss(scores, g.tensor([1, -1]));
 */
export function softMarginLoss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor {
  checkTensorArguments('softMarginLoss', { input, target });
  return g.tidy(() => {
    const o = g.checkOptions('softMarginLoss', options, ['reduction']);
    const reduction = checkReduction('softMarginLoss', o.reduction);
    notDifferentiable('softMarginLoss', 'target', target);
    // ATen writes the elementwise loss into a tensor of the input's shape: a target that would grow it is refused.
    const shape = broadcastShape('softMarginLoss', input.shape, target.shape);
    if (shape.join() !== input.shape.join()) {
      throw new Error(
        `softMarginLoss: output with shape [${input.shape.join(', ')}] doesn't match the broadcast shape [${shape.join(', ')}]`,
      );
    }
    return reduce(input.neg().mul(target).exp().log1p(), reduction);
  });
}

/** Options of `multilabelSoftMarginLoss`. */
export interface MultilabelSoftMarginOptions {
  /** A weight per class. */
  weight?: Tensor | null;
  reduction?: Reduction;
}

/**
 * Multi-label soft margin loss: the mean over classes of the binary cross
 * entropy of σ(input) against 0/1 targets, then reduced over the batch.
 *
 * @example
 * F.multilabelSoftMarginLoss(logits, g.tensor([[1, 0, 1]]));
 */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, options?: MultilabelSoftMarginOptions): Tensor {
  checkTensorArguments('multilabelSoftMarginLoss', { input, target });
  return g.tidy(() => {
    const o = g.checkOptions('multilabelSoftMarginLoss', options, ['weight', 'reduction']);
    const reduction = checkReduction('multilabelSoftMarginLoss', o.reduction);
    let loss = target
      .mul(logSigmoidOf(input))
      .add(g.sub(1, target).mul(logSigmoidOf(input.neg())))
      .neg();
    if (o.weight) loss = loss.mul(o.weight);
    const classDim = input.ndim - 1;
    return reduce(loss.sum(classDim).div(input.shape[classDim]!), reduction);
  });
}

/** Options of `multiMarginLoss`. */
export interface MultiMarginOptions {
  /** 1 or 2 (default 1). */
  p?: number;
  /** Default 1. */
  margin?: number;
  /** A weight per class (the target's class weighs each sample's terms). */
  weight?: Tensor | null;
  reduction?: Reduction;
}

/**
 * Multi-class margin loss: for each sample, Σ over j ≠ y of
 * max(0, margin − x[y] + x[j])^p / C (times weight[y]), for an [N, C] or [C]
 * input and int32 class indices.
 *
 * @example
 * F.multiMarginLoss(scores, g.tensor([2, 0], { dtype: 'int32' }));
 */
export function multiMarginLoss(input: Tensor, target: Tensor, options?: MultiMarginOptions): Tensor {
  checkTensorArguments('multiMarginLoss', { input, target });
  return g.tidy(() => {
    const o = g.checkOptions('multiMarginLoss', options, ['p', 'margin', 'weight', 'reduction']);
    const reduction = checkReduction('multiMarginLoss', o.reduction);
    const p = o.p ?? 1;
    if (p !== 1 && p !== 2) throw new Error(`multiMarginLoss: only p == 1 and p == 2 supported (got p=${p})`);
    if (o.weight && o.weight.ndim !== 1) throw new Error(`multiMarginLoss: weight must be one-dimensional (got ${shapeOf(o.weight)})`);
    if (target.dtype !== 'int32')
      throw new TypeError(`multiMarginLoss: expected target of dtype int32 (class indices), got ${target.dtype}`);
    const ndim = input.ndim;
    if (!((ndim === 2 && input.shape[1] !== 0) || (ndim === 1 && input.shape[0] !== 0) || ndim === 0)) {
      throw new Error(`multiMarginLoss: Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${shapeOf(input)}`);
    }
    const frames = ndim <= 1 ? 1 : input.shape[0]!;
    const classes = ndim === 0 ? 1 : input.shape[ndim - 1]!;
    if (target.ndim > 1 || target.numel() !== frames)
      throw new Error(`multiMarginLoss: inconsistent target size, expected ${frames} but got ${shapeOf(target)}`);
    if (o.weight && o.weight.numel() !== classes)
      throw new Error(`multiMarginLoss: inconsistent weight size, expected ${classes} but got ${shapeOf(o.weight)}`);
    const x = input.reshape(frames, classes);
    const y = target.reshape(frames, 1);
    const inRange = g.noGrad(() => y.ge(0).logicalAnd(y.lt(classes)));
    g.assertAsync(inRange, `multiMarginLoss: target out of range (class indices must be in [0, ${classes - 1}])`);
    inRange.dispose();
    const z = x
      .gather(1, y)
      .neg()
      .add(x)
      .add(o.margin ?? 1);
    // ATen adds a term only where z > 0 (its gradient is 0 at z = 0) and never for the target's own class.
    const active = z.gt(0).logicalAnd(g.arange(classes, { dtype: 'int32' }).reshape(1, classes).ne(y));
    let h = g.where(active, p === 1 ? z : z.square(), 0);
    if (o.weight) h = h.mul(o.weight.indexSelect(0, y.reshape(frames)).reshape(frames, 1));
    const perFrame = h.sum(1).div(classes);
    if (reduction === 'none') return target.ndim > 0 ? perFrame : perFrame.reshape([]);
    return reduce(perFrame, reduction);
  });
}
