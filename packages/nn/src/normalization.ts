/**
 * The normalisation functions of `nn.functional` (batch, instance, group,
 * RMS and local response normalisation), written in core ops so every
 * backend gets them with gradients of any order. Running statistics are
 * updated in place, without recording, as PyTorch's kernels update them.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { keywordArguments } from './arguments.js';
import { checkTensorArguments } from './tensor-arguments.js';

const shapeOf = (t: Tensor) => `[${t.shape.join(', ')}]`;

/** `t` of shape [C] seen as [1, C, 1, …] against an input of `ndim` dims. */
function perChannel(t: Tensor, ndim: number): Tensor {
  return t.reshape([1, t.shape[0]!, ...Array<number>(ndim - 2).fill(1)]);
}

/** A per-channel tensor (weight, bias, running statistic) must have C elements. */
function checkChannels(op: string, name: string, t: Tensor | null | undefined, channels: number): void {
  if (t && (t.ndim !== 1 || t.shape[0] !== channels)) {
    throw new Error(`${op}: ${name} should contain ${channels} elements (one per channel), got shape ${shapeOf(t)}`);
  }
}

/** PyTorch's `_verify_batch_size`: batch statistics of a single value per channel are refused. */
function verifyBatchSize(op: string, size: readonly number[]): void {
  let n = size[0]!;
  for (let i = 2; i < size.length; i++) n *= size[i]!;
  if (n === 1) throw new Error(`${op}: Expected more than 1 value per channel when training, got input size [${size.join(', ')}]`);
}

/** The optional per-channel weight and bias applied to a normalised `y`. */
function affine(y: Tensor, weight?: Tensor | null, bias?: Tensor | null): Tensor {
  let out = y;
  if (weight) out = out.mul(perChannel(weight, y.ndim));
  if (bias) out = out.add(perChannel(bias, y.ndim));
  return out;
}

/** (x − mean) / √(var + eps), then the optional per-channel weight and bias. */
function normalizeAffine(x: Tensor, mean: Tensor, variance: Tensor, eps: number, weight?: Tensor | null, bias?: Tensor | null): Tensor {
  return affine(x.sub(mean).mul(variance.add(eps).rsqrt()), weight, bias);
}

/** running ← (1 − momentum)·running + momentum·observed, in place and unrecorded (PyTorch's in-kernel update). */
function updateRunning(running: Tensor, observed: Tensor, momentum: number): void {
  g.noGrad(() => running.mul_(1 - momentum).add_(observed.detach().mul(momentum)));
}

/** Options of `batchNorm` (PyTorch's arguments after running_var). */
export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalise with the batch's statistics and update the running ones (default false: use the running ones). */
  training?: boolean;
  /** Weight of the batch in the running statistics (default 0.1). */
  momentum?: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/** @internal batchNorm with the name errors carry (the function's, or the module's). */
export function batchNormAs(
  op: string,
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  o: Partial<BatchNormOptions>,
): Tensor {
  const { weight, bias, training = false, momentum = 0.1, eps = 1e-5 } = o;
  if (input.ndim < 2) throw new Error(`${op}: expected an input of 2 or more dims [N, C, …], got shape ${shapeOf(input)}`);
  const channels = input.shape[1]!;
  checkChannels(op, 'running_mean', runningMean, channels);
  checkChannels(op, 'running_var', runningVar, channels);
  checkChannels(op, 'weight', weight, channels);
  checkChannels(op, 'bias', bias, channels);
  const dims = [0, ...Array.from({ length: input.ndim - 2 }, (_, i) => i + 2)];
  if (!training) {
    if (runningMean === null || runningVar === null)
      throw new Error(`${op}: running_mean and running_var must be defined in evaluation mode`);
    return normalizeAffine(input, perChannel(runningMean, input.ndim), perChannel(runningVar, input.ndim), eps, weight, bias);
  }
  verifyBatchSize(op, input.shape);
  const mean = input.mean(dims, true);
  const variance = input.var(dims, { correction: 0, keepdim: true });
  const n = input.numel() / channels;
  // An empty batch has no statistics (its mean is NaN): as ATen, the running ones are left as they are (the
  // layer still counts the batch in num_batches_tracked) and the output is the empty input, scaled and shifted.
  if (n > 0) {
    if (runningMean !== null) updateRunning(runningMean, mean.reshape(-1), momentum);
    // The running variance is the unbiased one, as PyTorch's.
    if (runningVar !== null) updateRunning(runningVar, variance.reshape(-1).mul(n / (n - 1)), momentum);
  }
  return normalizeAffine(input, mean, variance, eps, weight, bias);
}

/**
 * Batch normalisation over the channels (dim 1) of [N, C, …], as
 * `torch.nn.functional.batch_norm`: in training, with the batch's statistics
 * (biased variance), updating `runningMean`/`runningVar` in place with
 * `momentum` (unbiased variance); otherwise with the running statistics.
 *
 * @example
 * F.batchNorm(x, runningMean, runningVar, { training: true });
 * F.batchNorm(x, runningMean, runningVar, weight, bias, false, 0.1, 1e-5);
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight?: Tensor | null,
  bias?: Tensor | null,
  training?: boolean,
  momentum?: number,
  eps?: number,
): Tensor;
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options?: BatchNormOptions): Tensor;
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, ...rest: unknown[]): Tensor {
  checkTensorArguments('batchNorm', { input });
  return g.tidy(() => {
    const o = keywordArguments<BatchNormOptions>('batchNorm', rest, ['weight', 'bias', 'training', 'momentum', 'eps']);
    return batchNormAs('batchNorm', input, runningMean ?? null, runningVar ?? null, o);
  });
}

/** Options of `instanceNorm` (PyTorch's arguments after input). */
export interface InstanceNormOptions {
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalise with each instance's statistics (default true); false uses the running ones. */
  useInputStats?: boolean;
  /** Weight of the batch in the running statistics (default 0.1). */
  momentum?: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/** @internal instanceNorm with the name errors carry. */
export function instanceNormAs(op: string, input: Tensor, o: Partial<InstanceNormOptions>): Tensor {
  const { runningMean = null, runningVar = null, weight, bias, useInputStats = true, momentum = 0.1, eps = 1e-5 } = o;
  if (input.ndim < 3) throw new Error(`${op}: expected an input of 3 or more dims [N, C, …], got shape ${shapeOf(input)}`);
  const channels = input.shape[1]!;
  checkChannels(op, 'running_mean', runningMean, channels);
  checkChannels(op, 'running_var', runningVar, channels);
  checkChannels(op, 'weight', weight, channels);
  checkChannels(op, 'bias', bias, channels);
  if (!useInputStats) {
    if (runningMean === null || runningVar === null)
      throw new Error(`${op}: Expected running_mean and running_var to be defined when use_input_stats is false`);
    return normalizeAffine(input, perChannel(runningMean, input.ndim), perChannel(runningVar, input.ndim), eps, weight, bias);
  }
  const spatial = input.shape.slice(2).reduce((a, b) => a * b, 1);
  if (spatial === 1)
    throw new Error(`${op}: Expected more than 1 spatial element when training, got input size [${input.shape.join(', ')}]`);
  const dims = Array.from({ length: input.ndim - 2 }, (_, i) => i + 2);
  const mean = input.mean(dims, true);
  const variance = input.var(dims, { correction: 0, keepdim: true });
  // ATen runs batch norm over [1, N·C, …] with the running statistics repeated N times, then averages them back.
  if (runningMean !== null) updateRunning(runningMean, mean.reshape(input.shape[0]!, channels).mean(0), momentum);
  if (runningVar !== null) {
    updateRunning(
      runningVar,
      variance
        .reshape(input.shape[0]!, channels)
        .mean(0)
        .mul(spatial / (spatial - 1)),
      momentum,
    );
  }
  return normalizeAffine(input, mean, variance, eps, weight, bias);
}

/**
 * Instance normalisation: each channel of each sample normalised over its
 * spatial dims, as `torch.nn.functional.instance_norm`; given running
 * statistics, they are updated in place with the mean over the batch of the
 * per-instance statistics.
 *
 * @example
 * F.instanceNorm(g.randn(2, 3, 8, 8));
 * F.instanceNorm(x, { weight, bias, eps: 1e-3 });
 */
export function instanceNorm(
  input: Tensor,
  runningMean?: Tensor | null,
  runningVar?: Tensor | null,
  weight?: Tensor | null,
  bias?: Tensor | null,
  useInputStats?: boolean,
  momentum?: number,
  eps?: number,
): Tensor;
export function instanceNorm(input: Tensor, options?: InstanceNormOptions): Tensor;
export function instanceNorm(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('instanceNorm', { input });
  return g.tidy(() => {
    const o = keywordArguments<InstanceNormOptions>('instanceNorm', rest, [
      'runningMean',
      'runningVar',
      'weight',
      'bias',
      'useInputStats',
      'momentum',
      'eps',
    ]);
    return instanceNormAs('instanceNorm', input, o);
  });
}

/** Options of `groupNorm`. */
export interface GroupNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/** @internal groupNorm with the name errors carry. */
export function groupNormAs(op: string, input: Tensor, numGroups: number, o: Partial<GroupNormOptions>): Tensor {
  const { weight, bias, eps = 1e-5 } = o;
  if (input.ndim < 2) throw new Error(`${op}: expected an input of 2 or more dims [N, C, …], got shape ${shapeOf(input)}`);
  const [n, channels] = input.shape as [number, number];
  if (!Number.isInteger(numGroups) || numGroups < 1 || channels % numGroups !== 0) {
    throw new Error(
      `${op}: Expected number of channels in input to be divisible by num_groups, but got input of shape ${shapeOf(input)} and num_groups=${numGroups}`,
    );
  }
  checkChannels(op, 'weight', weight, channels);
  checkChannels(op, 'bias', bias, channels);
  // PyTorch checks the size it would give batch norm: [N·C/G, G, …spatial].
  const asBatch = [(n * channels) / numGroups, numGroups, ...input.shape.slice(2)];
  verifyBatchSize(op, asBatch);
  // The group's size explicitly: -1 is ambiguous when the batch is empty (PyTorch gives an empty result).
  const grouped = input.reshape(n, numGroups, (channels / numGroups) * input.shape.slice(2).reduce((a, b) => a * b, 1));
  const mean = grouped.mean(2, true);
  const variance = grouped.var(2, { correction: 0, keepdim: true });
  return affine(
    grouped
      .sub(mean)
      .mul(variance.add(eps).rsqrt())
      .reshape(input.shape as number[]),
    weight,
    bias,
  );
}

/**
 * Group normalisation: the channels split into `numGroups` groups, each
 * normalised over its channels and spatial dims per sample, as
 * `torch.nn.functional.group_norm`, then a per-channel weight and bias.
 *
 * @example
 * F.groupNorm(g.randn(2, 6, 4, 4), 3);
 * F.groupNorm(x, 3, { weight, bias, eps: 1e-6 });
 */
export function groupNorm(input: Tensor, numGroups: number, weight?: Tensor | null, bias?: Tensor | null, eps?: number): Tensor;
export function groupNorm(input: Tensor, numGroups: number, options?: GroupNormOptions): Tensor;
export function groupNorm(input: Tensor, numGroups: number, ...rest: unknown[]): Tensor {
  checkTensorArguments('groupNorm', { input });
  return g.tidy(() =>
    groupNormAs('groupNorm', input, numGroups, keywordArguments<GroupNormOptions>('groupNorm', rest, ['weight', 'bias', 'eps'])),
  );
}

/** Options of `rmsNorm`. */
export interface RmsNormOptions {
  weight?: Tensor | null;
  /** Added to the mean square; null (the default) is the input dtype's machine epsilon (`torch.finfo(dtype).eps`). */
  eps?: number | null;
}

/** `torch.finfo(dtype).eps`. */
const MACHINE_EPSILON: Record<string, number> = { float32: 2 ** -23, float64: Number.EPSILON };

/** @internal rmsNorm with the name errors carry. */
export function rmsNormAs(op: string, x: Tensor, normalizedShape: readonly number[], o: Partial<RmsNormOptions>): Tensor {
  const { weight, eps = null } = o;
  const k = normalizedShape.length;
  if (k > x.ndim || x.shape.slice(x.ndim - k).join() !== normalizedShape.join()) {
    throw new Error(`${op}: expected input with shape [*, ${normalizedShape.join(', ')}], but got input of size ${shapeOf(x)}`);
  }
  if (weight && weight.shape.join() !== normalizedShape.join()) {
    throw new Error(`${op}: weight should have shape [${normalizedShape.join(', ')}], got ${shapeOf(weight)}`);
  }
  const e = eps ?? MACHINE_EPSILON[x.dtype];
  if (e === undefined) throw new TypeError(`${op}: expected a floating point input, got ${x.dtype}`);
  const dims = normalizedShape.map((_, i) => x.ndim - k + i);
  const y = x.mul(x.square().mean(dims, true).add(e).rsqrt());
  return weight ? y.mul(weight) : y;
}

/**
 * Root-mean-square normalisation over the trailing `normalizedShape` dims,
 * `x / √(mean(x²) + eps) · weight`, as `torch.nn.functional.rms_norm`
 * (PyTorch 2.4; `eps` null is the dtype's machine epsilon).
 *
 * @example
 * F.rmsNorm(x, [8]);
 * F.rmsNorm(x, [8], weight, 1e-6);
 */
export function rmsNorm(input: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, eps?: number | null): Tensor;
export function rmsNorm(input: Tensor, normalizedShape: readonly number[], options?: RmsNormOptions): Tensor;
export function rmsNorm(input: Tensor, normalizedShape: readonly number[], ...rest: unknown[]): Tensor {
  checkTensorArguments('rmsNorm', { input });
  return g.tidy(() => rmsNormAs('rmsNorm', input, normalizedShape, keywordArguments<RmsNormOptions>('rmsNorm', rest, ['weight', 'eps'])));
}

/** Options of `localResponseNorm`. */
export interface LocalResponseNormOptions {
  /** Multiplicative factor (default 1e-4). */
  alpha?: number;
  /** Exponent (default 0.75). */
  beta?: number;
  /** Additive factor (default 1). */
  k?: number;
}

/** @internal localResponseNorm with the name errors carry. */
export function localResponseNormAs(op: string, input: Tensor, size: number, o: Partial<LocalResponseNormOptions>): Tensor {
  const { alpha = 1e-4, beta = 0.75, k = 1 } = o;
  if (input.ndim < 3) throw new Error(`${op}: Expected 3D or higher dimensionality input (got ${input.ndim} dimensions)`);
  if (!Number.isInteger(size) || size < 1) throw new Error(`${op}: size must be a positive integer, got ${String(size)}`);
  if (input.numel() === 0) return input;
  const channels = input.shape[1]!;
  // PyTorch: x² zero-padded along the channels by ⌊size/2⌋ before and ⌊(size−1)/2⌋ after, then averaged over windows of `size`.
  const pads = [...Array<number>(2 * (input.ndim - 2)).fill(0), Math.floor(size / 2), Math.floor((size - 1) / 2)];
  const padded = input.square().pad(pads);
  let sum = padded.narrow(1, 0, channels);
  for (let j = 1; j < size; j++) sum = sum.add(padded.narrow(1, j, channels));
  return input.div(sum.div(size).mul(alpha).add(k).pow(beta));
}

/**
 * Local response normalisation across channels, as
 * `torch.nn.functional.local_response_norm`:
 * `x / (k + alpha/size · Σ x²)^beta` over a window of `size` neighbouring channels.
 *
 * @example
 * F.localResponseNorm(g.randn(1, 8, 5, 5), 3);
 * F.localResponseNorm(x, 5, { alpha: 1e-3, beta: 0.75, k: 2 });
 */
export function localResponseNorm(input: Tensor, size: number, alpha?: number, beta?: number, k?: number): Tensor;
export function localResponseNorm(input: Tensor, size: number, options?: LocalResponseNormOptions): Tensor;
export function localResponseNorm(input: Tensor, size: number, ...rest: unknown[]): Tensor {
  checkTensorArguments('localResponseNorm', { input });
  return g.tidy(() =>
    localResponseNormAs(
      'localResponseNorm',
      input,
      size,
      keywordArguments<LocalResponseNormOptions>('localResponseNorm', rest, ['alpha', 'beta', 'k']),
    ),
  );
}
