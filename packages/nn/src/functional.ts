/**
 * `nn.functional` (F): the stateless forms of the layers and losses.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';

/** How a loss reduces over the batch. */
export type Reduction = 'mean' | 'sum' | 'none';

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'mean') return loss.mean();
  if (reduction === 'sum') return loss.sum();
  return loss;
}

function sameShape(op: string, input: Tensor, target: Tensor): void {
  if (input.shape.join() !== target.shape.join()) {
    throw new Error(`${op}: target size [${target.shape.join(', ')}] must match input size [${input.shape.join(', ')}]`);
  }
}

/** `x Wᵀ + b`. @example F.linear(x, w, b) */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const inFeatures = weight.shape[1];
  if (input.shape[input.ndim - 1] !== inFeatures) {
    throw new Error(
      `linear: input of shape [${input.shape.join(', ')}] does not match weight of shape [${weight.shape.join(', ')}] (expected the last dim to be ${inFeatures})`,
    );
  }
  const out = input.matmul(weight.t());
  return bias ? out.add(bias) : out;
}

/** Rectified linear unit. @example F.relu(x) */
export const relu = (x: Tensor): Tensor => x.relu();
/** tanh. @example F.tanh(x) */
export const tanh = (x: Tensor): Tensor => x.tanh();
/** Logistic sigmoid. @example F.sigmoid(x) */
export const sigmoid = (x: Tensor): Tensor => x.sigmoid();

/** GELU, exact (erf) or the tanh approximation. @example F.gelu(x) */
export function gelu(x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  if ((options.approximate ?? 'none') === 'tanh') {
    const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(0.5).mul(inner.tanh().add(1));
  }
  return x.mul(0.5).mul(x.mul(Math.SQRT1_2).erf().add(1));
}

/** Softmax along `dim`. @example F.softmax(x, -1) */
export const softmax = (x: Tensor, dim: number): Tensor => x.softmax(dim);
/** Log-softmax along `dim`. @example F.logSoftmax(x, -1) */
export const logSoftmax = (x: Tensor, dim: number): Tensor => x.logSoftmax(dim);

/**
 * Zeroes elements with probability p in training and scales the rest by 1/(1-p).
 *
 * @example
 * F.dropout(x, 0.5, true);
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  if (p < 0 || p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const keep = g.rand(x.shape as number[], { device: x.device, dtype: x.dtype }).ge(p);
  return x.mul(keep).div(1 - p);
}

/** Mean squared error. @example F.mseLoss(pred, target) */
export function mseLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  sameShape('mse_loss', input, target);
  return reduce(input.sub(target).square(), options.reduction ?? 'mean');
}

/** Mean absolute error. @example F.l1Loss(pred, target) */
export function l1Loss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  sameShape('l1_loss', input, target);
  return reduce(input.sub(target).abs(), options.reduction ?? 'mean');
}

/** Options of `nllLoss`. */
export interface NllOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

/** Moves the class dim last and flattens: [N, C, d…] → [N·d…, C], targets → [N·d…]. */
function flattenClasses(op: string, input: Tensor, target: Tensor): [Tensor, Tensor] {
  if (input.ndim < 1) throw new Error(`${op}: input must have at least 1 dim`);
  if (input.ndim === 1) return [input.unsqueeze(0), target.reshape(1)];
  const c = input.shape[1]!;
  const perm = [0, ...input.shape.slice(2).map((_, i) => i + 2), 1];
  const expected = [input.shape[0]!, ...input.shape.slice(2)];
  if (target.shape.join() !== expected.join()) {
    throw new Error(`${op}: expected target of shape [${expected.join(', ')}] for input of shape [${input.shape.join(', ')}], got [${target.shape.join(', ')}]`);
  }
  return [input.permute(perm).reshape(-1, c), target.reshape(-1)];
}

/**
 * Negative log-likelihood of class indices under log-probabilities [N, C, …].
 *
 * @example
 * F.nllLoss(logProbs, g.tensor([1, 0], { dtype: 'int32' }));
 */
export function nllLoss(input: Tensor, target: Tensor, options: NllOptions = {}): Tensor {
  if (target.dtype !== 'int32') throw new TypeError(`nll_loss: expected target of dtype int32 (class indices), got ${target.dtype}`);
  const [logp, t] = flattenClasses('nll_loss', input, target);
  const c = logp.shape[1]!;
  const ignore = options.ignoreIndex ?? -100;
  const valid = t.ne(ignore);
  const safe = g.where(valid, t, 0);
  // Checked on the device: a GPU reports a bad target at the next read instead of stalling here.
  const inRange = g.noGrad(() => safe.ge(0).logicalAnd(safe.lt(c)));
  g.assertAsync(inRange, `nll_loss: target out of bounds: class indices must be in [0, ${c - 1}] (or ignoreIndex ${ignore})`);
  inRange.dispose();
  const picked = logp.gather(1, safe.unsqueeze(1)).squeeze(1).neg();
  const w = options.weight ? options.weight.indexSelect(0, safe).mul(valid) : valid.to(logp.dtype);
  const losses = picked.mul(w);
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'none') return losses.reshape(target.shape as number[]);
  if (reduction === 'sum') return losses.sum();
  return losses.sum().div(w.sum());
}

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions extends NllOptions {
  labelSmoothing?: number;
}

/**
 * Cross entropy of logits [N, C, …] against class indices (int32) or class
 * probabilities (float, same shape as the input), with `weight`,
 * `ignoreIndex` and `labelSmoothing` as PyTorch.
 *
 * @example
 * F.crossEntropy(logits, g.tensor([2, 0], { dtype: 'int32' }));
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const eps = options.labelSmoothing ?? 0;
  if (eps < 0 || eps > 1) throw new Error(`label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
  const reduction = options.reduction ?? 'mean';
  const logp = input.logSoftmax(input.ndim === 1 ? 0 : 1);
  if (target.dtype !== 'int32') {
    // Class probabilities: -Σ_c w_c p_c log q_c, averaged over every position.
    sameShape('cross_entropy', input, target);
    const classDim = input.ndim === 1 ? 0 : 1;
    const c = input.shape[classDim]!;
    const p = eps > 0 ? target.mul(1 - eps).add(eps / c) : target;
    let terms = logp.mul(p);
    if (options.weight) terms = terms.mul(options.weight.reshape([c, ...input.shape.slice(classDim + 1).map(() => 1)]));
    const losses = terms.sum(classDim).neg();
    if (reduction === 'none') return losses;
    return reduction === 'sum' ? losses.sum() : losses.mean();
  }
  const nll = nllLoss(logp, target, { ...options, reduction });
  if (eps === 0) return nll;
  // Label smoothing: (1-ε)·nll + ε/C · Σ_c -w_c log p_c, normalised like the nll part.
  const [flat, t] = flattenClasses('cross_entropy', logp, target);
  const c = flat.shape[1]!;
  const valid = t.ne(options.ignoreIndex ?? -100);
  const weighted = options.weight ? flat.mul(options.weight) : flat;
  const smooth = weighted.sum(1).neg().mul(valid);
  let smoothReduced: Tensor;
  if (reduction === 'none') smoothReduced = smooth.reshape(target.shape as number[]);
  else if (reduction === 'sum') smoothReduced = smooth.sum();
  else {
    const denom = options.weight ? options.weight.indexSelect(0, g.where(valid, t, 0)).mul(valid).sum() : valid.to(flat.dtype).sum();
    smoothReduced = smooth.sum().div(denom);
  }
  return nll.mul(1 - eps).add(smoothReduced.mul(eps / c));
}

/**
 * Binary cross entropy of probabilities; logs are clamped at -100, as PyTorch.
 *
 * @example
 * F.binaryCrossEntropy(g.tensor([0.9]), g.tensor([1]));
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: { weight?: Tensor; reduction?: Reduction } = {}): Tensor {
  sameShape('binary_cross_entropy', input, target);
  const inRange = g.noGrad(() => input.ge(0).logicalAnd(input.le(1)));
  g.assertAsync(inRange, 'binary_cross_entropy: all elements of input should be between 0 and 1');
  inRange.dispose();
  const logx = input.log().clamp(-100);
  const log1mx = g.sub(1, input).log().clamp(-100);
  let loss = target.mul(logx).add(g.sub(1, target).mul(log1mx)).neg();
  if (options.weight) loss = loss.mul(options.weight);
  return reduce(loss, options.reduction ?? 'mean');
}

/**
 * Sigmoid + binary cross entropy in one stable expression.
 *
 * @example
 * F.binaryCrossEntropyWithLogits(logits, targets, { posWeight: g.tensor([3]) });
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: { weight?: Tensor; posWeight?: Tensor; reduction?: Reduction } = {},
): Tensor {
  sameShape('binary_cross_entropy_with_logits', input, target);
  // log(1 + e^{-|x|}) + max(-x, 0) = -log σ(x), without overflow.
  const logSigNeg = input.abs().neg().exp().log1p().add(input.neg().relu());
  let loss: Tensor;
  if (options.posWeight) {
    const lw = options.posWeight.sub(1).mul(target).add(1);
    loss = g.sub(1, target).mul(input).add(lw.mul(logSigNeg));
  } else {
    loss = g.sub(1, target).mul(input).add(logSigNeg);
  }
  if (options.weight) loss = loss.mul(options.weight);
  return reduce(loss, options.reduction ?? 'mean');
}

/**
 * Layer normalisation over the trailing `normalizedShape` dims.
 *
 * @example
 * F.layerNorm(x, [8], w, b);
 */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (tail.join() !== normalizedShape.join()) {
    throw new Error(`layer_norm: expected input with shape [*, ${normalizedShape.join(', ')}], but got input of size [${x.shape.join(', ')}]`);
  }
  const dims = normalizedShape.map((_, i) => x.ndim - k + i);
  const mean = x.mean(dims, true);
  const centered = x.sub(mean);
  const variance = centered.square().mean(dims, true);
  let y = centered.mul(variance.add(eps).rsqrt());
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

/**
 * Rows of `weight` picked by integer indices (any shape).
 *
 * @example
 * F.embedding(g.tensor([[0, 2]], { dtype: 'int32' }), weight);
 */
export function embedding(input: Tensor, weight: Tensor): Tensor {
  if (input.dtype !== 'int32') throw new TypeError(`embedding: expected indices of dtype int32, got ${input.dtype}`);
  const rows = weight.indexSelect(0, input.reshape(-1));
  return rows.reshape([...input.shape, weight.shape[1]!]);
}

export { conv1d, conv2d, maxPool2d, avgPool2d, type ConvOptions, type PoolOptions } from './conv.js';
