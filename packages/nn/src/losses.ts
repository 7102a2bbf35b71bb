/**
 * The loss functions of `nn.functional`, with PyTorch's options, checks and
 * — where PyTorch defines the gradient by its own formula rather than by
 * the chain rule through the forward (binary cross entropy and its logits
 * form) — PyTorch's gradient, so saturated inputs give its finite values
 * instead of NaN.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { broadcastWithWarning } from './loss-target-size.js';
import { checkTensorArguments } from './tensor-arguments.js';

/** How a loss reduces over the batch. */
export type Reduction = 'mean' | 'sum' | 'none';

const REDUCTIONS: readonly string[] = ['mean', 'sum', 'none'];

/** The reduction, checked: PyTorch raises for any other string. */
export function checkReduction(op: string, reduction: unknown): Reduction {
  const r = reduction ?? 'mean';
  if (typeof r !== 'string' || !REDUCTIONS.includes(r))
    throw new Error(`${op}: ${String(r)} is not a valid value for reduction (expected 'mean', 'sum' or 'none')`);
  return r as Reduction;
}

/** @internal A loss reduced as `reduction` asks. */
export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'mean') return loss.mean();
  if (reduction === 'sum') return loss.sum();
  return loss;
}

function sameShape(op: string, input: Tensor, target: Tensor): void {
  if (input.shape.join() !== target.shape.join()) {
    throw new Error(`${op}: target size [${target.shape.join(', ')}] must be the same as input size [${input.shape.join(', ')}]`);
  }
}

/** A per-element weight must broadcast to the input's shape without growing it. */
function checkWeight(op: string, name: string, weight: Tensor | null | undefined, input: Tensor): void {
  if (!weight) return;
  const fits =
    weight.ndim <= input.ndim && weight.shape.every((size, i) => size === 1 || size === input.shape[input.ndim - weight.ndim + i]);
  if (!fits)
    throw new Error(
      `${op}: ${name} of shape [${weight.shape.join(', ')}] does not broadcast to the input's shape [${input.shape.join(', ')}]`,
    );
}

/** PyTorch refuses a weight that requires grad where the loss has no derivative for it. */
export function notDifferentiable(op: string, name: string, t: Tensor | null | undefined): void {
  if (t && t.requiresGrad && g.isGradEnabled()) {
    throw new Error(
      `${op}: the function is not differentiable with respect to argument '${name}'. This input cannot have requiresGrad true.`,
    );
  }
}

/** Options of the elementwise regression losses. */
export interface RegressionLossOptions {
  reduction?: Reduction;
}

/** Mean squared error. @example F.mseLoss(pred, target) */
export function mseLoss(input: Tensor, target: Tensor, options?: RegressionLossOptions): Tensor {
  checkTensorArguments('mseLoss', { input, target });
  return g.tidy(() => {
    const o = g.checkOptions('mseLoss', options, ['reduction']);
    const reduction = checkReduction('mseLoss', o.reduction);
    const [x, y] = broadcastWithWarning('mseLoss', input, target);
    return reduce(x.sub(y).square(), reduction);
  });
}

/** Mean absolute error. @example F.l1Loss(pred, target) */
export function l1Loss(input: Tensor, target: Tensor, options?: RegressionLossOptions): Tensor {
  checkTensorArguments('l1Loss', { input, target });
  return g.tidy(() => {
    const o = g.checkOptions('l1Loss', options, ['reduction']);
    const reduction = checkReduction('l1Loss', o.reduction);
    const [x, y] = broadcastWithWarning('l1Loss', input, target);
    return reduce(x.sub(y).abs(), reduction);
  });
}

/** Options of `nllLoss`. */
export interface NllOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

const NLL_KEYS = ['weight', 'ignoreIndex', 'reduction'] as const;

/** Moves the class dim last and flattens: [N, C, d…] → [N·d…, C], targets → [N·d…]. */
function flattenClasses(op: string, input: Tensor, target: Tensor): [Tensor, Tensor] {
  if (input.ndim < 1) throw new Error(`${op}: input must have at least 1 dim`);
  if (input.ndim === 1) {
    if (target.ndim !== 0)
      throw new Error(
        `${op}: expected a 0-d target for a 1-D input of shape [${input.shape.join(', ')}], got [${target.shape.join(', ')}]`,
      );
    return [input.unsqueeze(0), target.reshape(1)];
  }
  const c = input.shape[1]!;
  const perm = [0, ...input.shape.slice(2).map((_, i) => i + 2), 1];
  const expected = [input.shape[0]!, ...input.shape.slice(2)];
  if (target.shape.join() !== expected.join()) {
    throw new Error(
      `${op}: expected target of shape [${expected.join(', ')}] for input of shape [${input.shape.join(', ')}], got [${target.shape.join(', ')}]`,
    );
  }
  return [input.permute(perm).reshape(-1, c), target.reshape(-1)];
}

function checkClassWeight(op: string, weight: Tensor | null | undefined, classes: number): void {
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== classes)) {
    throw new Error(
      `${op}: weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: [${weight.shape.join(', ')}]`,
    );
  }
}

/**
 * PyTorch's "Target 7 is out of bounds.", naming the first offending class
 * index. Built only when the check failed: at once on a backend that checks
 * at once (the targets are still there to read); a backend that defers its
 * checks reports later, when the targets are gone, with the range alone.
 */
function outOfBounds(op: string, targets: Tensor, ignore: number, classes: number): string {
  const range = `class indices must be in [0, ${classes - 1}], or ignoreIndex ${ignore}`;
  let bad: number | undefined;
  try {
    if (!targets.isDisposed) bad = Array.from(targets.dataSync() as Int32Array).find((v) => v !== ignore && (v < 0 || v >= classes));
  } catch {
    bad = undefined; // a backend without synchronous reads: the range alone
  }
  return bad === undefined ? `${op}: Target out of bounds (${range}).` : `${op}: Target ${bad} is out of bounds (${range}).`;
}

function nll(op: string, input: Tensor, target: Tensor, o: NllOptions, reduction: Reduction): Tensor {
  if (target.dtype !== 'int32') throw new TypeError(`${op}: expected target of dtype int32 (class indices), got ${target.dtype}`);
  const [logp, t] = flattenClasses(op, input, target);
  const c = logp.shape[1]!;
  checkClassWeight(op, o.weight, c);
  const ignore = o.ignoreIndex ?? -100;
  const valid = t.ne(ignore);
  const safe = g.where(valid, t, 0);
  // Checked on the device: a GPU reports a bad target at the next read instead of stalling here.
  const inRange = g.noGrad(() => safe.ge(0).logicalAnd(safe.lt(c)));
  g.assertAsync(inRange, () => outOfBounds(op, t, ignore, c));
  inRange.dispose();
  const picked = logp.gather(1, safe.unsqueeze(1)).squeeze(1).neg();
  const w = o.weight ? o.weight.indexSelect(0, safe).mul(valid) : valid.to(logp.dtype);
  // An ignored target contributes nothing, not 0 · its term: its gradient stays 0 (not 0 · ∞ = NaN) when every
  // target is ignored and the mean divides by a total weight of 0, and an infinite term cannot make it NaN.
  const losses = g.where(valid, picked.mul(w), 0);
  if (reduction === 'none') return losses.reshape(target.shape as number[]);
  if (reduction === 'sum') return losses.sum();
  return losses.sum().div(w.sum());
}

/**
 * Negative log-likelihood of class indices under log-probabilities [N, C, …].
 *
 * @example
 * F.nllLoss(logProbs, g.tensor([1, 0], { dtype: 'int32' }));
 */
export function nllLoss(input: Tensor, target: Tensor, options?: NllOptions): Tensor {
  checkTensorArguments('nllLoss', { input, target });
  return g.tidy(() => {
    const o = g.checkOptions('nllLoss', options, NLL_KEYS);
    return nll('nllLoss', input, target, o, checkReduction('nllLoss', o.reduction));
  });
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
export function crossEntropy(input: Tensor, target: Tensor, options?: CrossEntropyOptions): Tensor {
  checkTensorArguments('crossEntropy', { input, target });
  return g.tidy(() => {
    const o = g.checkOptions('crossEntropy', options, [...NLL_KEYS, 'labelSmoothing']);
    const eps = o.labelSmoothing ?? 0;
    if (!(eps >= 0 && eps <= 1)) throw new Error(`crossEntropy: label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
    const reduction = checkReduction('crossEntropy', o.reduction);
    const classDim = input.ndim === 1 ? 0 : 1;
    const logp = input.logSoftmax(classDim);
    if (target.dtype !== 'int32') {
      // Class probabilities: -Σ_c w_c p_c log q_c, averaged over every position. PyTorch tells the two kinds of
      // target apart by shape (the input's: probabilities), Graft by dtype: a float target of another shape is
      // neither, and more likely class indices in the wrong dtype than probabilities of the wrong shape.
      if (target.shape.join() !== input.shape.join() || (target.dtype !== 'float32' && target.dtype !== 'float64')) {
        throw new TypeError(
          `crossEntropy: expected the target to be int32 class indices (of shape [${input.shape.filter((_, i) => i !== classDim).join(', ')}]) or float class probabilities of the input's shape [${input.shape.join(', ')}], got ${target.dtype} of shape [${target.shape.join(', ')}]`,
        );
      }
      if (o.ignoreIndex !== undefined && o.ignoreIndex !== -100) {
        throw new Error(`crossEntropy: ignore_index is not supported for floating point target (got ignoreIndex ${o.ignoreIndex})`);
      }
      const c = input.shape[classDim]!;
      checkClassWeight('crossEntropy', o.weight, c);
      const p = eps > 0 ? target.mul(1 - eps).add(eps / c) : target;
      let terms = logp.mul(p);
      if (o.weight) terms = terms.mul(o.weight.reshape([c, ...input.shape.slice(classDim + 1).map(() => 1)]));
      const losses = terms.sum(classDim).neg();
      if (reduction === 'none') return losses;
      return reduction === 'sum' ? losses.sum() : losses.mean();
    }
    const nllPart = nll('crossEntropy', logp, target, o, reduction);
    if (eps === 0) return nllPart;
    // Label smoothing: (1-ε)·nll + ε/C · Σ_c -w_c log p_c, normalised like the nll part.
    const [flat, t] = flattenClasses('crossEntropy', logp, target);
    const c = flat.shape[1]!;
    const valid = t.ne(o.ignoreIndex ?? -100);
    const weighted = o.weight ? flat.mul(o.weight) : flat;
    const smooth = g.where(valid, weighted.sum(1).neg(), 0); // as nll's: ignored rows contribute nothing
    let smoothReduced: Tensor;
    if (reduction === 'none') smoothReduced = smooth.reshape(target.shape as number[]);
    else if (reduction === 'sum') smoothReduced = smooth.sum();
    else {
      const denom = o.weight
        ? o.weight
            .indexSelect(0, g.where(valid, t, 0))
            .mul(valid)
            .sum()
        : valid.to(flat.dtype).sum();
      smoothReduced = smooth.sum().div(denom);
    }
    return nllPart.mul(1 - eps).add(smoothReduced.mul(eps / c));
  });
}

/** ATen's `constexpr float EPSILON = 1e-12`: a float, also when the loss is computed in double. */
const BCE_EPSILON = Math.fround(1e-12);

/** Scales an elementwise gradient as the reduction did: by the upstream gradient, the weight, and 1/n for a mean. */
function scaleGrad(elementwise: Tensor, grad: Tensor, weight: Tensor | null, reduction: Reduction, numel: number): Tensor {
  let out = elementwise.mul(grad);
  if (weight) out = out.mul(weight);
  return reduction === 'mean' ? out.div(numel) : out;
}

/**
 * ATen's binary_cross_entropy: each log clamped at -100 in the forward;
 * the gradient is ATen's `grad·(x − y) / max((1 − x)·x, 1e-12)` (for the
 * target, `−grad·logit(x)`), not the chain rule through the clamps, which
 * is NaN at x = 0 or 1.
 */
class BinaryCrossEntropy extends g.autograd.Function {
  static override forward(ctx: g.autograd.FunctionCtx, input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction): Tensor {
    ctx.saveForBackward(input, target, ...(weight ? [weight] : []));
    ctx['reduction'] = reduction;
    const logx = input.log().clamp(-100);
    const log1mx = g.sub(1, input).log().clamp(-100);
    let loss = target.sub(1).mul(log1mx).sub(target.mul(logx));
    if (weight) loss = loss.mul(weight);
    return reduce(loss, reduction);
  }

  static override backward(ctx: g.autograd.FunctionCtx, grad: Tensor): (Tensor | null)[] {
    const [input, target, weight = null] = ctx.savedTensors as [Tensor, Tensor, Tensor?];
    const reduction = ctx['reduction'] as Reduction;
    const n = input.numel();
    const gradInput = ctx.needsInputGrad[0]
      ? scaleGrad(input.sub(target).div(g.sub(1, input).mul(input).clamp(BCE_EPSILON)), grad, weight, reduction, n)
      : null;
    // −logit(x) = log((1 − x) / x).
    const gradTarget = ctx.needsInputGrad[1] ? scaleGrad(g.sub(1, input).div(input).log(), grad, weight, reduction, n) : null;
    return [gradInput, gradTarget, null, null];
  }
}

/** Options of `binaryCrossEntropy`. */
export interface BceOptions {
  weight?: Tensor | null;
  reduction?: Reduction;
}

/**
 * Binary cross entropy of probabilities, as PyTorch: each log is clamped at
 * -100, and the gradient is PyTorch's `(x − y) / max((1 − x)·x, 1e-12)`, so
 * a saturated probability gives a large finite gradient (or 0 where the
 * target agrees), never NaN: `x = 0, y = 1` gives −1e12.
 *
 * @example
 * F.binaryCrossEntropy(g.tensor([0.9]), g.tensor([1]));
 * F.binaryCrossEntropy(g.tensor([100]).sigmoid(), g.tensor([1])); // gradient 0
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options?: BceOptions): Tensor {
  checkTensorArguments('binaryCrossEntropy', { input, target });
  return g.tidy(() => {
    const o = g.checkOptions('binaryCrossEntropy', options, ['weight', 'reduction']);
    const reduction = checkReduction('binaryCrossEntropy', o.reduction);
    sameShape('binaryCrossEntropy', input, target);
    if (target.dtype !== input.dtype)
      throw new TypeError(
        `binaryCrossEntropy: Found dtype ${target.dtype} but expected ${input.dtype} (the target must have the input's dtype)`,
      );
    checkWeight('binaryCrossEntropy', 'weight', o.weight, input);
    notDifferentiable('binaryCrossEntropy', 'weight', o.weight);
    const inRange = g.noGrad(() => input.ge(0).logicalAnd(input.le(1)));
    g.assertAsync(inRange, 'binaryCrossEntropy: all elements of input should be between 0 and 1');
    inRange.dispose();
    return BinaryCrossEntropy.apply<Tensor>(input, target, o.weight ?? null, reduction);
  });
}

/**
 * ATen's binary_cross_entropy_with_logits: the forward in its stable form
 * `(1 − y)·x + lw·(log(e^−m + e^(−x−m)) + m)`, m = max(−x, 0),
 * lw = 1 + (pw − 1)·y; the gradient `(lw·σ(x) − pw·y)`-form of ATen (which
 * is −0.5 at x = 0, y = 1, where the chain rule through |x| gives 0).
 */
class BinaryCrossEntropyWithLogits extends g.autograd.Function {
  static override forward(
    ctx: g.autograd.FunctionCtx,
    input: Tensor,
    target: Tensor,
    weight: Tensor | null,
    posWeight: Tensor | null,
    reduction: Reduction,
  ): Tensor {
    ctx.saveForBackward(input, target, ...(weight ? [weight] : []), ...(posWeight ? [posWeight] : []));
    ctx['hasWeight'] = weight !== null;
    ctx['hasPosWeight'] = posWeight !== null;
    ctx['reduction'] = reduction;
    const maxVal = input.neg().clamp(0);
    const logTerm = maxVal.neg().exp().add(input.neg().sub(maxVal).exp()).log().add(maxVal);
    const logWeighted = posWeight ? posWeight.sub(1).mul(target).add(1).mul(logTerm) : logTerm;
    let loss = g.sub(1, target).mul(input).add(logWeighted);
    if (weight) loss = loss.mul(weight);
    return reduce(loss, reduction);
  }

  static override backward(ctx: g.autograd.FunctionCtx, grad: Tensor): (Tensor | null)[] {
    const saved = [...ctx.savedTensors];
    const input = saved.shift()!;
    const target = saved.shift()!;
    const weight = ctx['hasWeight'] ? saved.shift()! : null;
    const posWeight = ctx['hasPosWeight'] ? saved.shift()! : null;
    const reduction = ctx['reduction'] as Reduction;
    const n = input.numel();
    let gradInput: Tensor | null = null;
    if (ctx.needsInputGrad[0]) {
      let elementwise: Tensor;
      if (posWeight) {
        const t = posWeight.mul(target);
        elementwise = t.add(1).sub(target).mul(input.sigmoid()).sub(t);
      } else elementwise = input.sigmoid().sub(target);
      gradInput = scaleGrad(elementwise, grad, weight, reduction, n);
    }
    let gradTarget: Tensor | null = null;
    if (ctx.needsInputGrad[1]) {
      // log σ(−x) − pw·log σ(x), or −x without a positive weight.
      const logSigmoid = (x: Tensor) => x.neg().clamp(0).neg().sub(x.abs().neg().exp().log1p());
      const elementwise = posWeight ? logSigmoid(input.neg()).sub(logSigmoid(input).mul(posWeight)) : input.neg();
      gradTarget = scaleGrad(elementwise, grad, weight, reduction, n);
    }
    return [gradInput, gradTarget, null, null, null];
  }
}

/** Options of `binaryCrossEntropyWithLogits`. */
export interface BceWithLogitsOptions {
  weight?: Tensor | null;
  posWeight?: Tensor | null;
  reduction?: Reduction;
}

/**
 * Sigmoid + binary cross entropy in one stable expression, with PyTorch's
 * gradient `σ(x) − y` (weighted by `posWeight` for positives), exact at any
 * logit (±1e4 included).
 *
 * @example
 * F.binaryCrossEntropyWithLogits(logits, targets, { posWeight: g.tensor([3]) });
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options?: BceWithLogitsOptions): Tensor {
  checkTensorArguments('binaryCrossEntropyWithLogits', { input, target });
  return g.tidy(() => {
    const o = g.checkOptions('binaryCrossEntropyWithLogits', options, ['weight', 'posWeight', 'reduction']);
    const reduction = checkReduction('binaryCrossEntropyWithLogits', o.reduction);
    sameShape('binaryCrossEntropyWithLogits', input, target);
    if (target.dtype !== 'float32' && target.dtype !== 'float64') {
      throw new TypeError(
        `binaryCrossEntropyWithLogits: result type ${input.dtype} can't be cast to the desired output type ${target.dtype} (the target must be floating point)`,
      );
    }
    checkWeight('binaryCrossEntropyWithLogits', 'weight', o.weight, input);
    checkWeight('binaryCrossEntropyWithLogits', 'posWeight', o.posWeight, input);
    notDifferentiable('binaryCrossEntropyWithLogits', 'weight', o.weight);
    notDifferentiable('binaryCrossEntropyWithLogits', 'posWeight', o.posWeight);
    return BinaryCrossEntropyWithLogits.apply<Tensor>(input, target, o.weight ?? null, o.posWeight ?? null, reduction);
  });
}
