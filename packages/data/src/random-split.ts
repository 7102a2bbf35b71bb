import type * as g from '@graft/core';
import { checkGenerator, parseArgs } from './args.js';
import { lengthOf, type MapDataset } from './dataset.js';
import { drawPermutation } from './draws.js';
import { Subset } from './subset.js';

/** Options of {@link randomSplit}. */
export interface RandomSplitOptions {
  /** The generator of the permutation (default: the default generator). */
  generator?: g.Generator | null;
}

/**
 * Splits a dataset into non-overlapping random subsets, as PyTorch's
 * `random_split`: `lengths` are the subsets' sizes (summing to the
 * dataset's length), or fractions summing to 1 — each then gets
 * floor(fraction · length) items and the remainder is dealt out one by one
 * from the first. One `randperm` of the length is drawn from `generator`, so
 * the same seed gives PyTorch's subsets.
 *
 * @example
 * const [train, test] = randomSplit(data, [0.8, 0.2], { generator: new g.Generator().manualSeed(42) });
 * randomSplit(data, [3, 7]);
 */
export function randomSplit<T>(dataset: MapDataset<T>, lengths: readonly number[], generator?: g.Generator | null): Subset<T>[];
export function randomSplit<T>(dataset: MapDataset<T>, lengths: readonly number[], options?: RandomSplitOptions): Subset<T>[];
export function randomSplit<T>(dataset: MapDataset<T>, lengths: readonly number[], ...args: unknown[]): Subset<T>[] {
  const op = 'randomSplit';
  const generator = checkGenerator(op, parseArgs(op, args, ['generator'])['generator']);
  const n = lengthOf(op, dataset);
  if (!Array.isArray(lengths) || lengths.some((l) => typeof l !== 'number' || !Number.isFinite(l))) {
    throw new TypeError(`${op}: expected lengths (or fractions) as an array of numbers, got ${String(lengths)}`);
  }
  let sizes = [...lengths];
  const sum = sizes.reduce((a, b) => a + b, 0);
  // Python's math.isclose(sum, 1) (rel_tol 1e-9) and sum <= 1: the lengths are fractions.
  if (Math.abs(sum - 1) <= 1e-9 * Math.max(Math.abs(sum), 1) && sum <= 1) {
    sizes = sizes.map((frac, i) => {
      if (frac < 0 || frac > 1) throw new RangeError(`${op}: Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(n * frac);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length]! += 1;
    sizes.forEach((size, i) => {
      if (size === 0) console.warn(`${op}: Length of split at index ${i} is 0. This might result in an empty dataset.`);
    });
  } else if (sizes.some((l) => !Number.isSafeInteger(l) || l < 0)) {
    throw new RangeError(`${op}: lengths must be non-negative integers (or fractions summing to 1), got [${sizes.join(', ')}]`);
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== n) {
    throw new RangeError(
      `${op}: Sum of input lengths does not equal the length of the input dataset! (lengths sum to ${total}, the dataset has ${n})`,
    );
  }
  const indices = drawPermutation(total, generator);
  let offset = 0;
  return sizes.map((size) => new Subset(dataset, indices.slice(offset, (offset += size))));
}
