/**
 * Sampling with tensor parameters: `bernoulli(p)` and `normal(mean, std)` in
 * all of PyTorch's forms. The random numbers are drawn on the host, in
 * PyTorch's order and precision, and combined with the parameters on the
 * device by the ops PyTorch uses (`normal`: `output.mul_(std).add_(mean)`),
 * so the results are PyTorch's to the last bit and no parameter is read back
 * from a GPU. Both have zero gradients with respect to their parameters, as
 * in PyTorch (`BernoulliBackward0`, `NormalBackward1/2/3`).
 */
import { assertAsync } from '../checks.js';
import { tidy } from '../memory.js';
import { bernoulliValues, normalValues } from '../distributions.js';
import { type DType, isFloating } from '../dtype.js';
import { engineOf } from '../random.js';
import { broadcastShapes, numel } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { parseArgs, isOptionsObject } from './args.js';
import { bernoulliMask, checkProbabilityDType } from './bernoulli-mask.js';
import { composite } from './composite.js';
import { castValues, creationOptions, make, zerosLike } from './creation.js';
import { checkTensor, commonDevice, fromValues, isTensor } from './dispatch.js';
import { floatDType, type GeneratorOptions, type RandomCreationOptions } from './random-creation.js';

/** Options of `bernoulli`: a number `p` (PyTorch's `bernoulli(input, p)`) and `generator`. */
export interface BernoulliOptions extends GeneratorOptions {
  /** Draw every element with this probability instead of the input's values (the result has the input's shape and dtype). */
  p?: number;
}

/**
 * Bernoulli draws, as `torch.bernoulli`: element i is 1 with probability
 * `input[i]` (a float tensor of probabilities in [0, 1]); or, given a number
 * `p`, every element with probability `p`, shaped and typed like `input`.
 * PyTorch's CPU numbers for the same seed.
 *
 * @example
 * g.manualSeed(0);
 * g.bernoulli(g.tensor([0.1, 0.5, 0.9]));       // tensor([0., 0., 1.]), as torch.bernoulli
 * const gen = new g.Generator().manualSeed(1);
 * g.bernoulli(g.zeros(2, 2), 0.3, { generator: gen });
 */
export function bernoulli(input: Tensor, p?: number, options?: GeneratorOptions): Tensor;
export function bernoulli(input: Tensor, options?: BernoulliOptions): Tensor;
export function bernoulli(input: Tensor, ...args: unknown[]): Tensor {
  const op = 'bernoulli';
  checkTensor(op, input);
  const a = parseArgs(op, args, ['p'], ['generator']);
  const e = engineOf(op, a['generator']);
  // The result is contiguous (empty_like with LEGACY_CONTIGUOUS_MEMORY_FORMAT): drawn in logical order.
  const p = a['p'];
  if (p !== undefined && p !== null) {
    // empty_like(input).bernoulli_(p): one double uniform per element.
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`bernoulli_ expects p to be in [0, 1], but got p=${String(p)}`);
    const draws = bernoulliValues(e, input.numel(), p);
    return make(op, input.shape, input.dtype, { device: input.device }, () => castValues(draws, input.dtype, op));
  }
  checkProbabilityDType(op, input);
  return composite(() => bernoulliMask(op, e, input, null).to(input.dtype), {
    name: 'BernoulliBackward0',
    inputs: [input],
    backward: (grad) => [zerosLike(grad)],
  });
}

function checkStdTensor(std: Tensor): void {
  const message = 'normal expects all elements of std >= 0.0';
  if (std.numel() === 0) return;
  if (std.backend.deferChecks) tidy(() => assertAsync(std.ge(0), message));
  else if (!tidy(() => std.ge(0).all().item())) throw new RangeError(message);
}

function checkStdNumber(std: unknown): number {
  if (typeof std !== 'number')
    throw new TypeError(`normal(): argument 'std' must be a number or a Tensor, not ${std === null ? 'null' : typeof std}`);
  if (!(std >= 0)) throw new RangeError(`normal expects std >= 0.0, but found std ${std}`);
  return std;
}

function floatingParameter(t: Tensor, name: string): DType {
  if (!isFloating(t.dtype)) throw new TypeError(`normal(): the ${name} tensor must be floating ('float32' or 'float64'), got ${t.dtype}`);
  return t.dtype;
}

/** Standard normal samples (times `std` when a number) for a new contiguous tensor of `shape`, on `device`. */
function standardDraws(op: string, options: GeneratorOptions, shape: readonly number[], dtype: DType, device: string, std = 1): Tensor {
  const e = engineOf(op, options.generator);
  return fromValues(normalValues(e, numel(shape), dtype, 0, std), shape, dtype, device);
}

/**
 * Normal samples, as `torch.normal` in each of its forms:
 * - `normal(mean, std)` with tensors: one sample per element of their
 *   broadcast shape, of `mean`'s dtype;
 * - `normal(mean, std = 1)` with a tensor `mean` and a number `std`;
 * - `normal(mean, std)` with a number `mean` and a tensor `std`;
 * - `normal(mean, std, size, { dtype, device, requiresGrad })` with numbers.
 * Each takes `{ generator }`; each gives PyTorch's CPU numbers for the same
 * seed. Gradients with respect to `mean` and `std` are zero, as in PyTorch
 * (which does not reparametrise).
 *
 * @example
 * g.manualSeed(0);
 * g.normal(g.zeros(3), g.ones(3));    // torch.normal(torch.zeros(3), torch.ones(3))
 * g.normal(g.arange(4, { dtype: 'float32' }), 0.1);
 * g.normal(2, 3, [2, 2], { generator: new g.Generator().manualSeed(1) });
 */
export function normal(mean: Tensor, std?: Tensor | number, options?: GeneratorOptions): Tensor;
export function normal(mean: number, std: Tensor, options?: GeneratorOptions): Tensor;
export function normal(mean: number, std: number, size: readonly number[], options?: RandomCreationOptions): Tensor;
export function normal(mean: Tensor | number, std?: Tensor | number, ...rest: unknown[]): Tensor {
  const op = 'normal';
  if (typeof mean === 'number' && typeof std === 'number') {
    const [size, options] = rest as [unknown, RandomCreationOptions | undefined];
    if (!Array.isArray(size)) {
      throw new TypeError(
        'normal(mean, std, size): with numbers for mean and std, give the size of the result (an array), as PyTorch does',
      );
    }
    const o = creationOptions<RandomCreationOptions>(op, options, ['generator']);
    const dtype = floatDType(op, o.dtype);
    checkStdNumber(std);
    const e = engineOf(op, o.generator);
    return make(op, size as number[], dtype, o, () => normalValues(e, numel(size as number[]), dtype, mean, std));
  }
  if (rest.length > 1 || (rest.length === 1 && rest[0] !== undefined && !isOptionsObject(rest[0]))) {
    throw new TypeError('normal(): a size is taken only with numbers for mean and std (a tensor mean or std gives the shape)');
  }
  const options = parseArgs(op, rest, [], ['generator']) as GeneratorOptions;
  if (isTensor(mean) && isTensor(std)) {
    checkTensor(op, mean, 'mean');
    checkTensor(op, std, 'std');
    commonDevice(op, mean, std);
    const dtype = floatingParameter(mean, 'mean');
    const shape = broadcastShapes(op, mean.shape, std.shape);
    checkStdTensor(std);
    return composite(() => standardDraws(op, options, shape, dtype, mean.device).mul(std).to(dtype).add(mean).to(dtype), {
      name: 'NormalBackward3',
      inputs: [mean, std],
      backward: (grad) => [zerosLike(grad), zerosLike(grad)],
    });
  }
  if (isTensor(mean)) {
    checkTensor(op, mean, 'mean');
    const dtype = floatingParameter(mean, 'mean');
    const s = checkStdNumber(std ?? 1);
    return composite(() => standardDraws(op, options, mean.shape, dtype, mean.device, s).add(mean), {
      name: 'NormalBackward1',
      inputs: [mean],
      backward: (grad) => [zerosLike(grad)],
    });
  }
  if (typeof mean !== 'number')
    throw new TypeError(`normal(): argument 'mean' must be a Tensor or a number, not ${mean === null ? 'null' : typeof mean}`);
  if (!isTensor(std))
    throw new TypeError(`normal(): argument 'std' must be a Tensor or a number, not ${std === null ? 'null' : typeof std}`);
  checkTensor(op, std, 'std');
  const dtype = floatingParameter(std, 'std');
  checkStdTensor(std);
  // mean_tensor = full({}, mean) in the output's dtype: the number is rounded to it before the add.
  const m = dtype === 'float32' ? Math.fround(mean) : mean;
  return composite(() => standardDraws(op, options, std.shape, dtype, std.device).mul(std).add(m), {
    name: 'NormalBackward2',
    inputs: [std],
    backward: (grad) => [zerosLike(grad)],
  });
}
