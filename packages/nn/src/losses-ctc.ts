/**
 * Connectionist temporal classification loss (`F.ctcLoss`), as ATen's CPU
 * kernel: the forward by the alpha recursion in log space, the gradient by
 * the beta recursion — and, as PyTorch's, the gradient is the one with
 * respect to the logits of a log_softmax (`exp(lp) − occupancy`), which is
 * what reaches the logits when `logProbs` comes from `logSoftmax`. It is
 * computed on the host in float64 (the recursions are sequential in time),
 * on every backend; the result has the input's dtype.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { checkReduction, type Reduction } from './losses.js';
import { checkTensorArguments } from './tensor-arguments.js';

/** Options of `ctcLoss`. */
export interface CtcOptions {
  /** The blank label (default 0). */
  blank?: number;
  /** `'mean'` divides each loss by its target length (at least 1), then averages over the batch. */
  reduction?: Reduction;
  /** Infinite losses (no alignment possible) and their gradients become 0 (default false). */
  zeroInfinity?: boolean;
}

/** One sample's alignment problem, read from the inputs. */
interface Sample {
  inputLength: number;
  target: number[];
}

/** log(e^a + e^b + e^c), −inf when all are −inf (ATen's max-shifted form). */
function logSumExp3(a: number, b: number, c: number): number {
  let m = Math.max(a, b, c);
  if (m === -Infinity) m = 0;
  return Math.log(Math.exp(a - m) + Math.exp(b - m) + Math.exp(c - m)) + m;
}

/** The extended target (blanks between and around the labels): its s-th label. */
const primeOf = (target: number[], blank: number, s: number) => (s % 2 === 0 ? blank : target[(s - 1) >> 1]!);

/** Host views of [T, N, C] log-probabilities. */
interface LogProbs {
  data: Float64Array;
  T: number;
  N: number;
  C: number;
}

const lpAt = (lp: LogProbs, t: number, n: number, c: number) => lp.data[(t * lp.N + n) * lp.C + c]!;

/** log α for one sample ([inputLength][2L + 1]) and its negative log-likelihood. */
function alphaRecursion(lp: LogProbs, n: number, sample: Sample, blank: number): { alpha: Float64Array[]; nll: number } {
  const { inputLength, target } = sample;
  const S = 2 * target.length + 1;
  const alpha = Array.from({ length: inputLength }, () => new Float64Array(S).fill(-Infinity));
  if (inputLength === 0) return { alpha, nll: target.length === 0 ? 0 : Infinity };
  alpha[0]![0] = lpAt(lp, 0, n, blank);
  if (target.length > 0) alpha[0]![1] = lpAt(lp, 0, n, primeOf(target, blank, 1));
  for (let t = 1; t < inputLength; t++) {
    const prev = alpha[t - 1]!;
    const cur = alpha[t]!;
    for (let s = 0; s < S; s++) {
      const label = primeOf(target, blank, s);
      const a1 = prev[s]!;
      const a2 = s > 0 ? prev[s - 1]! : -Infinity;
      const a3 = s > 1 && primeOf(target, blank, s - 2) !== label ? prev[s - 2]! : -Infinity;
      cur[s] = logSumExp3(a1, a2, a3) + lpAt(lp, t, n, label);
    }
  }
  const last = alpha[inputLength - 1]!;
  if (target.length === 0) return { alpha, nll: -last[0]! };
  const l1 = last[S - 1]!;
  const l2 = last[S - 2]!;
  let m = Math.max(l1, l2);
  if (m === -Infinity) m = 0;
  return { alpha, nll: -(Math.log(Math.exp(l1 - m) + Math.exp(l2 - m)) + m) };
}

/**
 * ATen's ctc_loss_backward_cpu for one sample, into `grad` ([T, N, C]):
 * (exp(lp) − exp(log Σ αβ for the label + nll − lp))·gradOut, zero past the input length.
 */
function backwardSample(
  lp: LogProbs,
  n: number,
  sample: Sample,
  blank: number,
  alpha: Float64Array[],
  nll: number,
  gradOut: number,
  zeroInfinity: boolean,
  grad: Float64Array,
): void {
  const { inputLength, target } = sample;
  const { C, N } = lp;
  if (zeroInfinity && nll === Infinity) return;
  const S = 2 * target.length + 1;
  const beta = Array.from({ length: inputLength }, () => new Float64Array(S).fill(-Infinity));
  // log Σ_s αβ per (t, label), accumulated in log space.
  const logOcc = Array.from({ length: inputLength }, () => new Float64Array(C).fill(-Infinity));
  const accumulate = (t: number, label: number, value: number) => {
    const cur = logOcc[t]![label]!;
    if (cur === -Infinity) logOcc[t]![label] = value;
    else {
      const m = Math.max(cur, value);
      logOcc[t]![label] = Math.log(Math.exp(cur - m) + Math.exp(value - m)) + m;
    }
  };
  if (inputLength > 0) {
    const T1 = inputLength - 1;
    beta[T1]![S - 1] = lpAt(lp, T1, n, blank);
    logOcc[T1]![blank] = alpha[T1]![S - 1]! + beta[T1]![S - 1]!;
    if (target.length > 0) {
      const label = primeOf(target, blank, S - 2);
      beta[T1]![S - 2] = lpAt(lp, T1, n, label);
      logOcc[T1]![label] = alpha[T1]![S - 2]! + beta[T1]![S - 2]!;
    }
  }
  for (let t = inputLength - 2; t >= 0; t--) {
    const next = beta[t + 1]!;
    for (let s = S - 1; s >= 0; s--) {
      const label = primeOf(target, blank, s);
      const b1 = next[s]!;
      const b2 = s < S - 1 ? next[s + 1]! : -Infinity;
      const b3 = s < S - 2 && primeOf(target, blank, s + 2) !== label ? next[s + 2]! : -Infinity;
      beta[t]![s] = logSumExp3(b1, b2, b3) + lpAt(lp, t, n, label);
      accumulate(t, label, alpha[t]![s]! + beta[t]![s]!);
    }
  }
  for (let t = 0; t < inputLength; t++) {
    for (let c = 0; c < C; c++) {
      const l = lpAt(lp, t, n, c);
      grad[(t * N + n) * C + c] = (Math.exp(l) - Math.exp(logOcc[t]![c]! + nll - l)) * gradOut;
    }
  }
}

/** The per-sample losses [N], with ATen's gradient. */
class CtcLossFunction extends g.autograd.Function {
  static override forward(ctx: g.autograd.FunctionCtx, logProbs: Tensor, samples: Sample[], blank: number, zeroInfinity: boolean): Tensor {
    const [T, N, C] = logProbs.shape as [number, number, number];
    const lp: LogProbs = { data: Float64Array.from(logProbs.dataSync() as ArrayLike<number>), T, N, C };
    const results = samples.map((sample, n) => alphaRecursion(lp, n, sample, blank));
    ctx['lp'] = lp;
    ctx['alphas'] = results.map((r) => r.alpha);
    ctx['nlls'] = results.map((r) => r.nll);
    ctx['meta'] = { samples, blank, zeroInfinity, dtype: logProbs.dtype, device: logProbs.device };
    const losses = results.map((r) => (zeroInfinity && r.nll === Infinity ? 0 : r.nll));
    return g.tensor(losses, { dtype: logProbs.dtype, device: logProbs.device });
  }

  static override backward(ctx: g.autograd.FunctionCtx, gradOutput: Tensor): (Tensor | null)[] {
    const lp = ctx['lp'] as LogProbs;
    const alphas = ctx['alphas'] as Float64Array[][];
    const nlls = ctx['nlls'] as number[];
    const meta = ctx['meta'] as { samples: Sample[]; blank: number; zeroInfinity: boolean; dtype: g.DType; device: string };
    const gradOut = gradOutput.dataSync() as ArrayLike<number>;
    const grad = new Float64Array(lp.T * lp.N * lp.C);
    meta.samples.forEach((sample, n) => {
      backwardSample(lp, n, sample, meta.blank, alphas[n]!, nlls[n]!, Number(gradOut[n]), meta.zeroInfinity, grad);
    });
    const out = g.tensor(Array.from(grad), { dtype: meta.dtype, device: meta.device }).reshape(lp.T, lp.N, lp.C);
    return [out, null, null, null];
  }
}

/** Lengths given as numbers or an int tensor, as a checked array of `count` integers. */
function readLengths(name: string, lengths: Tensor | readonly number[] | number, count: number): number[] {
  let values: number[];
  if (lengths instanceof g.Tensor) {
    if (lengths.dtype !== 'int32') throw new TypeError(`ctcLoss: expected ${name} of dtype int32, got ${lengths.dtype}`);
    values = Array.from(lengths.dataSync() as ArrayLike<number>, Number);
  } else values = typeof lengths === 'number' ? [lengths] : [...lengths];
  if (values.length !== count) throw new Error(`ctcLoss: ${name} must be of size batch_size (${count}), got ${values.length} values`);
  for (const v of values) if (!Number.isSafeInteger(v)) throw new TypeError(`ctcLoss: ${name} must hold integers, got ${v}`);
  return values;
}

/**
 * CTC loss of `targets` under per-frame log-probabilities `logProbs` [T, N, C]
 * (or [T, C] unbatched). `targets` is [N, S] padded or 1-D concatenated
 * (int32); lengths are numbers or int32 tensors. Computed on the host.
 *
 * @example
 * const logProbs = g.randn(10, 2, 5, { requiresGrad: true }).logSoftmax(2);
 * const targets = g.tensor([[1, 2, 2], [3, 1, 0]], { dtype: 'int32' });
 * F.ctcLoss(logProbs, targets, [10, 8], [3, 2]).backward();
 */
export function ctcLoss(
  logProbs: Tensor,
  targets: Tensor,
  inputLengths: Tensor | readonly number[] | number,
  targetLengths: Tensor | readonly number[] | number,
  options?: CtcOptions,
): Tensor {
  checkTensorArguments('ctcLoss', { log_probs: logProbs, targets });
  return g.tidy(() => {
    const o = g.checkOptions('ctcLoss', options, ['blank', 'reduction', 'zeroInfinity']);
    const reduction = checkReduction('ctcLoss', o.reduction);
    if (logProbs.dtype !== 'float32' && logProbs.dtype !== 'float64')
      throw new TypeError(`ctcLoss: expected logProbs of a floating dtype, got ${logProbs.dtype}`);
    if (targets.dtype !== 'int32') throw new TypeError(`ctcLoss: expected targets of dtype int32, got ${targets.dtype}`);
    const unbatched = logProbs.ndim === 2;
    if (logProbs.ndim !== 3 && !unbatched)
      throw new Error(`ctcLoss: expected logProbs of shape [T, N, C] or [T, C], got [${logProbs.shape.join(', ')}]`);
    const lp = unbatched ? logProbs.unsqueeze(1) : logProbs;
    const tg = unbatched ? targets.unsqueeze(0) : targets;
    const [T, N, C] = lp.shape as [number, number, number];
    const blank = o.blank ?? 0;
    if (!(Number.isInteger(blank) && blank >= 0 && blank < C))
      throw new Error(`ctcLoss: blank must be in label range [0, ${C - 1}], got ${blank}`);
    const inLengths = readLengths('input_lengths', inputLengths, N);
    const tgLengths = readLengths('target_lengths', targetLengths, N);
    for (const v of tgLengths) if (v < 0) throw new Error(`ctcLoss: Expected target_lengths to have value at least 0, but got value ${v}`);
    for (const v of inLengths) {
      if (v < 0) throw new Error(`ctcLoss: Expected input_lengths to have value at least 0, but got value ${v}`);
      if (v > T) throw new Error(`ctcLoss: Expected input_lengths to have value at most ${T}, but got value ${v}`);
    }
    if (tg.ndim < 1 || tg.ndim > 2) throw new Error(`ctcLoss: expected targets of 1 or 2 dims, got [${targets.shape.join(', ')}]`);
    const labels = Array.from(tg.dataSync() as ArrayLike<number>, Number);
    const samples: Sample[] = [];
    if (tg.ndim === 1) {
      const total = tgLengths.reduce((a, b) => a + b, 0);
      if (tg.shape[0] !== total)
        throw new Error(`ctcLoss: Expected concatenated targets of size ${total} (the sum of target_lengths), got ${tg.shape[0]}`);
      let at = 0;
      for (let n = 0; n < N; n++) {
        samples.push({ inputLength: inLengths[n]!, target: labels.slice(at, at + tgLengths[n]!) });
        at += tgLengths[n]!;
      }
    } else {
      const maxLength = Math.max(0, ...tgLengths);
      if (tg.shape[0] !== N) throw new Error(`ctcLoss: expected targets with ${N} rows (the batch size), got [${tg.shape.join(', ')}]`);
      if (tg.shape[1]! < maxLength)
        throw new Error(
          `ctcLoss: Expected tensor to have size at least ${maxLength} at dimension 1, but got size ${tg.shape[1]} for targets`,
        );
      const S = tg.shape[1]!;
      for (let n = 0; n < N; n++) samples.push({ inputLength: inLengths[n]!, target: labels.slice(n * S, n * S + tgLengths[n]!) });
    }
    for (const { target } of samples)
      for (const l of target) if (!(l >= 0 && l < C)) throw new Error(`ctcLoss: target label ${l} out of range [0, ${C - 1}]`);
    const losses = CtcLossFunction.apply<Tensor>(lp, samples, blank, o.zeroInfinity ?? false);
    if (reduction === 'sum') return losses.sum();
    if (reduction === 'mean') {
      const divisors = g.tensor(
        tgLengths.map((l) => Math.max(l, 1)),
        { dtype: losses.dtype, device: losses.device },
      );
      return losses.div(divisors).mean();
    }
    return unbatched ? losses.reshape([]) : losses;
  });
}
