/**
 * Regression and likelihood losses of `nn.functional`: Huber, smooth L1,
 * KL divergence, Poisson and Gaussian negative log-likelihoods — PyTorch's
 * formulas, options, checks and gradients (the kinks of Huber and smooth L1
 * as ATen's backward takes them).
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { broadcastWithWarning } from './loss-target-size.js';
import { checkReduction, type Reduction, reduce } from './losses.js';
import { checkTensorArguments } from './tensor-arguments.js';

/** A non-negative (or, with `strict`, positive) number option. */
function checkNonNegative(op: string, name: string, value: unknown, strict: boolean, message: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`${op}: ${name} must be a number, got ${String(value)}`);
  if (strict ? !(value > 0) : !(value >= 0)) throw new Error(`${op}: ${message} (got ${name}=${value})`);
  return value;
}

/** Options of `huberLoss`. */
export interface HuberOptions {
  reduction?: Reduction;
  /** Where the loss turns from quadratic to linear (default 1, must be > 0). */
  delta?: number;
}

/**
 * Huber loss: ½d² for |d| < delta, delta·(|d| − ½delta) beyond (d = input − target).
 *
 * @example
 * F.huberLoss(pred, target);
 * F.huberLoss(pred, target, { delta: 0.5, reduction: 'sum' });
 */
export function huberLoss(input: Tensor, target: Tensor, options?: HuberOptions): Tensor {
  checkTensorArguments('huberLoss', { input, target });
  return g.tidy(() => {
    const o = g.checkOptions('huberLoss', options, ['reduction', 'delta']);
    const reduction = checkReduction('huberLoss', o.reduction);
    const delta = checkNonNegative('huberLoss', 'delta', o.delta ?? 1, true, 'huber_loss does not support non-positive values for delta.');
    const [x, y] = broadcastWithWarning('huberLoss', input, target);
    const d = x.sub(y);
    const abs = d.abs();
    return reduce(g.where(abs.lt(delta), d.square().mul(0.5), abs.sub(0.5 * delta).mul(delta)), reduction);
  });
}

/** Options of `smoothL1Loss`. */
export interface SmoothL1Options {
  reduction?: Reduction;
  /** Where the loss turns from quadratic to linear (default 1; 0 is the L1 loss). */
  beta?: number;
}

/**
 * Smooth L1 loss: ½d²/beta for |d| < beta, |d| − ½beta beyond; beta = 0 is the L1 loss.
 *
 * @example
 * F.smoothL1Loss(pred, target);
 * F.smoothL1Loss(pred, target, { beta: 0.5 });
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options?: SmoothL1Options): Tensor {
  checkTensorArguments('smoothL1Loss', { input, target });
  return g.tidy(() => {
    const o = g.checkOptions('smoothL1Loss', options, ['reduction', 'beta']);
    const reduction = checkReduction('smoothL1Loss', o.reduction);
    const beta = checkNonNegative('smoothL1Loss', 'beta', o.beta ?? 1, false, 'smooth_l1_loss does not support negative values for beta.');
    const [x, y] = broadcastWithWarning('smoothL1Loss', input, target);
    const d = x.sub(y);
    const abs = d.abs();
    if (beta === 0) {
      // ATen's backward gives −1 for d ≤ −beta, and computes the target's as the input's with the two
      // swapped: at d = 0 both gradients are −1. −(x + y) + 2y is 0 there, with exactly those gradients.
      const atZero = x.add(y).neg().add(y.detach().mul(2));
      return reduce(g.where(d.lt(0), d.neg(), g.where(d.gt(0), d, atZero)), reduction);
    }
    return reduce(g.where(abs.lt(beta), d.square().mul(0.5 / beta), abs.sub(0.5 * beta)), reduction);
  });
}

/** How `klDiv` reduces: PyTorch's `'batchmean'` divides the sum by the batch size (the definition of KL). */
export type KlReduction = Reduction | 'batchmean';

/** Options of `klDiv`. */
export interface KlDivOptions {
  /** `'mean'` (the default, with PyTorch's warning: it divides by every element), `'batchmean'`, `'sum'` or `'none'`. */
  reduction?: KlReduction;
  /** The target is given as log-probabilities (default false). */
  logTarget?: boolean;
}

let warnedKlMean = false;

/**
 * Kullback–Leibler divergence of `target` from the log-probabilities
 * `input`: target·(log target − input) pointwise (0 where target is 0), or
 * e^target·(target − input) with `logTarget`.
 *
 * @example
 * F.klDiv(logQ, p, { reduction: 'batchmean' });
 * F.klDiv(logQ, logP, { reduction: 'batchmean', logTarget: true });
 */
export function klDiv(input: Tensor, target: Tensor, options?: KlDivOptions): Tensor {
  checkTensorArguments('klDiv', { input, target });
  return g.tidy(() => {
    const o = g.checkOptions('klDiv', options, ['reduction', 'logTarget']);
    const requested = o.reduction ?? 'mean';
    if (requested === 'mean' && !warnedKlMean) {
      warnedKlMean = true;
      console.warn(
        "UserWarning: klDiv: reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release.",
      );
    }
    const reduction = requested === 'batchmean' ? 'sum' : checkReduction('klDiv', requested);
    let pointwise: Tensor;
    if (o.logTarget) pointwise = target.exp().mul(target.sub(input));
    else {
      // xlogy(t, t) − t·input: t·log t is 0 where t = 0 (log of 1 there keeps the gradient finite).
      const zero = target.eq(0);
      const tlogt = g.where(zero, 0, target.mul(g.where(zero, 1, target).log()));
      pointwise = tlogt.sub(target.mul(input));
    }
    const reduced = reduce(pointwise, reduction);
    return requested === 'batchmean' && input.ndim !== 0 ? reduced.div(input.shape[0]!) : reduced;
  });
}

/** Options of `poissonNllLoss`. */
export interface PoissonNllOptions {
  /** The input is the log of the rate (default true): the loss is e^input − target·input. */
  logInput?: boolean;
  /** Add Stirling's approximation of log(target!) for targets > 1 (default false). */
  full?: boolean;
  /** Added to the rate before its log when `logInput` is false (default 1e-8). */
  eps?: number;
  reduction?: Reduction;
}

/**
 * Poisson negative log-likelihood of `target` under the rate `input`.
 *
 * @example
 * F.poissonNllLoss(logRate, counts);
 * F.poissonNllLoss(rate, counts, { logInput: false, full: true });
 */
export function poissonNllLoss(input: Tensor, target: Tensor, options?: PoissonNllOptions): Tensor {
  checkTensorArguments('poissonNllLoss', { input, target });
  return g.tidy(() => {
    const o = g.checkOptions('poissonNllLoss', options, ['logInput', 'full', 'eps', 'reduction']);
    const reduction = checkReduction('poissonNllLoss', o.reduction);
    const eps = o.eps ?? 1e-8;
    let loss = (o.logInput ?? true) ? input.exp().sub(target.mul(input)) : input.sub(target.mul(input.add(eps).log()));
    if (o.full) {
      // t·log t − t + ½·log(2πt), only where t > 1 (elsewhere PyTorch masks it to 0); a safe t keeps the masked logs finite.
      const big = target.gt(1);
      const t = g.where(big, target, 2);
      const stirling = t
        .mul(t.log())
        .sub(t)
        .add(
          t
            .mul(2 * Math.PI)
            .log()
            .mul(0.5),
        );
      loss = loss.add(g.where(big, stirling, 0));
    }
    return reduce(loss, reduction);
  });
}

/** Options of `gaussianNllLoss`. */
export interface GaussianNllOptions {
  /** Add the constant ½·log(2π) (default false). */
  full?: boolean;
  /** The variance is clamped to at least eps (default 1e-6); the gradient flows as if it were not. */
  eps?: number;
  reduction?: Reduction;
}

/**
 * Gaussian negative log-likelihood: ½(log var + (input − target)²/var).
 * `variance` has the input's shape, or one dim fewer, or a last dim of 1
 * (one variance for every feature), as in PyTorch.
 *
 * @example
 * F.gaussianNllLoss(mean, target, variance);
 * F.gaussianNllLoss(mean, target, variance, { full: true, eps: 1e-4 });
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, options?: GaussianNllOptions): Tensor {
  checkTensorArguments('gaussianNllLoss', { input, target, var: variance });
  return g.tidy(() => {
    const o = g.checkOptions('gaussianNllLoss', options, ['full', 'eps', 'reduction']);
    let v = variance;
    const shape = input.shape.join();
    if (v.shape.join() !== shape) {
      const lead = input.shape.slice(0, -1).join();
      if (input.ndim > 0 && v.shape.join() === lead && v.ndim === input.ndim - 1) v = v.unsqueeze(-1);
      else if (!(v.ndim === input.ndim && v.ndim > 0 && v.shape.slice(0, -1).join() === lead && v.shape[v.ndim - 1] === 1)) {
        throw new Error(
          `gaussianNllLoss: var is of incorrect size: [${variance.shape.join(', ')}] for input of shape [${input.shape.join(', ')}] (expected the input's shape, it without the last dim, or it with a last dim of 1)`,
        );
      }
    }
    const reduction = checkReduction('gaussianNllLoss', o.reduction);
    const eps = o.eps ?? 1e-6;
    const nonNegative = g.noGrad(() => v.ge(0).logicalOr(v.isnan()));
    g.assertAsync(nonNegative, 'gaussianNllLoss: var has negative entry/entries');
    nonNegative.dispose();
    // PyTorch clamps a clone under no_grad: the value is clamped, the gradient passes as if it were not.
    const clamped = v.clamp(eps).detach().add(v.sub(v.detach()));
    let loss = clamped.log().add(input.sub(target).square().div(clamped)).mul(0.5);
    if (o.full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
    return reduce(loss, reduction);
  });
}
