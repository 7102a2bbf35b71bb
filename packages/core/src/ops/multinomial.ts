/**
 * `multinomial`, as ATen's CPU implementation (1.13), computed on the host:
 * - without replacement: the exponential race (the Gumbel
 *   trick) — q = p / Exp(1), one double uniform per category in `q`'s
 *   iteration order, then `topk` (or `argmax` for one sample) of each row,
 *   with libstdc++'s order among ties (libstdcxx-select.ts);
 * - with replacement: for each row in turn, the
 *   cumulative distribution in the probabilities' precision, then a binary
 *   search per sample with one double uniform.
 * The probabilities are read back from the device (a GPU stalls once): the
 * algorithm and PyTorch's checks need their values.
 */
import { exponentialValues } from '../distributions.js';
import { isFloating } from '../dtype.js';
import { engineOf } from '../random.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { parseArgs } from './args.js';
import { fromValues, checkTensor } from './dispatch.js';
import { emptyLikeStrides, iterationOrder, placeInOrder } from './iteration-order.js';
import { topkIndices } from './libstdcxx-select.js';
import type { GeneratorOptions } from './random-creation.js';

/** Options of `multinomial`: `replacement` (default false) and `generator`. */
export interface MultinomialOptions extends GeneratorOptions {
  /** Draw with replacement (default false: each category at most once per row). */
  replacement?: boolean;
}

const ROUND = { float32: Math.fround, float64: (x: number) => x } as const;

/**
 * Draws `numSamples` category indices from each row of `input` (1-D, or 2-D
 * for one distribution per row), category j with probability proportional to
 * `input[j]` — PyTorch's `torch.multinomial(input, num_samples, replacement,
 * generator=…)`, with its numbers for the same seed. The result is int32 (PyTorch:
 * int64), `[numSamples]` or `[rows, numSamples]`.
 *
 * @example
 * g.manualSeed(0);
 * g.multinomial(g.tensor([0.1, 0.2, 0.7]), 2);                         // two distinct categories
 * g.multinomial(g.tensor([0.1, 0.2, 0.7]), 5, true);                   // with replacement
 * const probs = g.tensor([[0.5, 0.5], [0.9, 0.1]]);
 * g.multinomial(probs, 1, { replacement: true, generator: new g.Generator().manualSeed(1) }); // one per row
 */
export function multinomial(input: Tensor, numSamples: number, replacement?: boolean, options?: GeneratorOptions): Tensor;
export function multinomial(input: Tensor, numSamples: number, options?: MultinomialOptions): Tensor;
export function multinomial(input: Tensor, ...args: unknown[]): Tensor {
  const op = 'multinomial';
  checkTensor(op, input);
  const a = parseArgs(op, args, ['numSamples', 'replacement'], ['generator']);
  const e = engineOf(op, a['generator']);
  const n = a['numSamples'];
  const replacement = a['replacement'] ?? false;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new TypeError(`${op}(): argument 'numSamples' must be an integer, not ${typeof n === 'number' ? n : typeof n}`);
  }
  if (typeof replacement !== 'boolean') throw new TypeError(`${op}(): argument 'replacement' must be a boolean, not ${typeof replacement}`);
  if (input.ndim < 1 || input.ndim > 2) throw new Error(`${op}: prob_dist must be 1 or 2 dim, got shape ${formatShape(input.shape)}`);
  if (!isFloating(input.dtype)) throw new TypeError(`${op} only supports floating-point dtypes for input, got: ${input.dtype}`);
  if (n <= 0) throw new RangeError(`${op}: cannot sample n_sample <= 0 samples (numSamples=${n})`);
  const categories = input.shape[input.ndim - 1]!;
  const rows = input.ndim === 2 ? input.shape[0]! : 1;
  if (!replacement && n > categories) {
    throw new RangeError(
      `${op}: cannot sample n_sample > prob_dist.size(-1) samples without replacement (numSamples=${n}, ${categories} categories)`,
    );
  }
  if (categories > 2 ** 24) throw new RangeError(`${op}: number of categories cannot exceed 2^24, got ${categories}`);
  const outShape = input.ndim === 2 ? [rows, n] : [n];
  const out = new Int32Array(rows * n);
  if (out.length !== 0) {
    if (categories === 0) throw new Error(`${op}: invalid multinomial distribution (sum of probabilities <= 0)`);
    const probs = input.dataSync() as Float32Array | Float64Array;
    const round = ROUND[input.dtype as 'float32' | 'float64'];
    // PyTorch 1.13 races without replacement only (one sample with replacement takes the cumulative path).
    if (!replacement) race(e, input, probs, rows, categories, n, out);
    else withReplacement(e, probs, rows, categories, n, out, round);
  }
  return fromValues(out, outShape, 'int32', input.device);
}

/** Without replacement: the top n of p / Exp(1) in each row (argmax for one sample). */
function race(
  e: ReturnType<typeof engineOf>,
  input: Tensor,
  probs: Float32Array | Float64Array,
  rows: number,
  categories: number,
  n: number,
  out: Int32Array,
): void {
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < probs.length; i++) {
    const v = probs[i]!;
    if (v !== v) max = NaN;
    else if (max === max) max = Math.max(max, v);
    min = Math.min(min, v);
  }
  if (!(max < Infinity && min >= 0)) throw new Error('multinomial: probability tensor contains either `inf`, `nan` or element < 0');
  const round = input.dtype === 'float32' ? Math.fround : (x: number) => x;
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0; j < categories; j++) sum = round(sum + probs[r * categories + j]!);
    if (sum === 0) throw new Error('multinomial: invalid multinomial distribution (sum of probabilities <= 0)');
  }
  // q = empty_like(input).exponential_(1): drawn in the order of q's layout (input's own when dense).
  const order = iterationOrder(input.shape, [emptyLikeStrides(input.shape, input.strides)]);
  const drawn = exponentialValues(e, probs.length, input.dtype, 1);
  const q = placeInOrder(drawn, order, (m) => new (drawn.constructor as new (m: number) => Float32Array | Float64Array)(m));
  const row = new Float64Array(categories);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < categories; j++) row[j] = round(probs[r * categories + j]! / q[r * categories + j]!);
    if (n === 1) out[r] = argmax(row);
    else out.set(topkIndices(row, n), r * n);
  }
}

/** The first largest value's index, NaN counting as the largest (PyTorch's argmax). */
function argmax(values: Float64Array): number {
  let best = 0;
  for (let j = 1; j < values.length; j++) {
    const v = values[j]!;
    const b = values[best]!;
    if (b !== b) return best;
    if (v !== v || v > b) best = j;
  }
  return best;
}

/** With replacement: per row, the normalised cumulative distribution, then a binary search per sample. */
function withReplacement(
  e: ReturnType<typeof engineOf>,
  probs: Float32Array | Float64Array,
  rows: number,
  categories: number,
  n: number,
  out: Int32Array,
  round: (x: number) => number,
): void {
  const cumulative = new Float64Array(categories);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0; j < categories; j++) {
      const v = probs[r * categories + j]!;
      if (!(v >= 0)) throw new Error('multinomial: invalid multinomial distribution (encountering probability entry < 0)');
      if (!Number.isFinite(v))
        throw new Error('multinomial: invalid multinomial distribution (encountering probability entry = infinity or NaN)');
      sum = round(sum + v);
      cumulative[j] = sum;
    }
    if (!(sum > 0)) throw new Error('multinomial: invalid multinomial distribution (sum of probabilities <= 0)');
    for (let j = 0; j < categories; j++) cumulative[j] = round(cumulative[j]! / sum);
    cumulative[categories - 1] = 1;
    for (let s = 0; s < n; s++) {
      const u = e.uniformDouble();
      let left = 0;
      let right = categories;
      while (right - left > 0) {
        const mid = left + Math.floor((right - left) / 2);
        if (cumulative[mid]! < u) left = mid + 1;
        else right = mid;
      }
      out[r * n + s] = left;
    }
  }
}
