/**
 * PyTorch's samplers (`torch.utils.data.sampler`): iterables of dataset
 * indices. The random ones make PyTorch's draws at the moment PyTorch makes
 * them — when iteration starts (lazily, as Python generators do) — so with
 * the same generator they give PyTorch's indices and leave the generator
 * where PyTorch leaves it.
 */
import * as g from '@graft/core';
import { checkGenerator, isCount, parseArgs, show } from './args.js';
import { describe, lengthOf, type MapDataset } from './dataset.js';
import { drawCategories, drawIntegers, drawPermutation, drawSeed } from './draws.js';

/**
 * A sampler: an iterable of indices (or, for a batch sampler, of lists of
 * indices), with a `length` when it knows one — PyTorch's `Sampler`. Any
 * iterable works where a sampler is expected; implement this to write one.
 *
 * @example
 * const evens: Sampler<number> = { length: 5, *[Symbol.iterator]() { for (let i = 0; i < 10; i += 2) yield i; } };
 */
export interface Sampler<T = number> extends Iterable<T> {
  /** The number of items an iteration yields (PyTorch's `__len__`). */
  readonly length?: number;
}

/**
 * Indices 0, 1, …, length − 1 of a dataset, in order (PyTorch's
 * `SequentialSampler`). The length is read at each iteration.
 *
 * @example
 * [...new SequentialSampler([10, 20, 30])]; // [0, 1, 2]
 */
export class SequentialSampler implements Sampler<number> {
  /** The dataset sampled. */
  readonly dataSource: MapDataset<unknown>;

  constructor(dataSource: MapDataset<unknown>) {
    this.dataSource = dataSource;
  }

  /** The dataset's length. */
  get length(): number {
    return lengthOf('SequentialSampler', this.dataSource);
  }

  /** Yields 0, 1, …, length − 1. */
  *[Symbol.iterator](): Iterator<number> {
    const n = this.length;
    for (let i = 0; i < n; i++) yield i;
  }
}

/** Options of {@link RandomSampler}. */
export interface RandomSamplerOptions {
  /** Draw with replacement (default false: a permutation). */
  replacement?: boolean;
  /** How many indices an iteration yields (default: the dataset's length, read at each iteration). */
  numSamples?: number | null;
  /** The generator to draw from (default: a fresh one seeded from the default generator at each iteration). */
  generator?: g.Generator | null;
}

/**
 * Random indices of a dataset, as PyTorch's `RandomSampler`: a random
 * permutation (repeated, then cut, when `numSamples` exceeds the length), or
 * with `replacement` uniform draws, 32 at a time. Without a generator each
 * iteration seeds a new one from the default generator (PyTorch's
 * `torch.empty((), dtype=torch.int64).random_()`); with one, it draws from it
 * directly. The same seed gives PyTorch's indices.
 *
 * @example
 * const gen = new g.Generator().manualSeed(0);
 * [...new RandomSampler(data, { generator: gen })];   // torch's list(RandomSampler(data, generator=…))
 * new RandomSampler(data, true, 100);                 // 100 draws with replacement
 */
export class RandomSampler implements Sampler<number> {
  /** The dataset sampled. */
  readonly dataSource: MapDataset<unknown>;
  /** Whether indices are drawn with replacement. */
  readonly replacement: boolean;
  /** The generator drawn from, if one was given. */
  readonly generator: g.Generator | undefined;
  readonly #numSamples: number | undefined;

  constructor(dataSource: MapDataset<unknown>, replacement?: boolean, numSamples?: number | null, generator?: g.Generator | null);
  constructor(dataSource: MapDataset<unknown>, options?: RandomSamplerOptions);
  constructor(dataSource: MapDataset<unknown>, ...args: unknown[]) {
    const op = 'RandomSampler';
    const a = parseArgs(op, args, ['replacement', 'numSamples', 'generator']);
    lengthOf(op, dataSource);
    this.dataSource = dataSource;
    const replacement = a['replacement'] ?? false;
    if (typeof replacement !== 'boolean')
      throw new TypeError(`${op}: replacement should be a boolean value, but got replacement=${show(replacement)}`);
    this.replacement = replacement;
    this.#numSamples = (a['numSamples'] ?? undefined) as number | undefined;
    this.generator = checkGenerator(op, a['generator']);
    const n = this.numSamples;
    if (!isCount(n) || n <= 0) throw new RangeError(`${op}: numSamples should be a positive integer value, but got numSamples=${show(n)}`);
  }

  /** How many indices an iteration yields: `numSamples`, or the dataset's length now. */
  get numSamples(): number {
    return this.#numSamples ?? lengthOf('RandomSampler', this.dataSource);
  }

  /** The same as {@link numSamples}. */
  get length(): number {
    return this.numSamples;
  }

  /** Yields the indices; the draws happen when iteration starts, as in PyTorch. */
  *[Symbol.iterator](): Iterator<number> {
    const n = lengthOf('RandomSampler', this.dataSource);
    const generator = this.generator ?? new g.Generator().manualSeed(drawSeed(undefined));
    const total = this.numSamples;
    if (this.replacement) {
      if (n > 2 ** 31 - 1) throw new RangeError(`RandomSampler: a dataset of ${n} items is beyond int32 indices`);
      for (let k = 0; k < Math.floor(total / 32); k++) yield* drawIntegers(n, 32, generator);
      yield* drawIntegers(n, total % 32, generator);
    } else {
      if (n === 0) throw new RangeError('RandomSampler: cannot draw a permutation of an empty dataset (Python: integer division by zero)');
      for (let k = 0; k < Math.floor(total / n); k++) yield* drawPermutation(n, generator);
      yield* drawPermutation(n, generator).slice(0, total % n);
    }
  }
}

/**
 * The given indices in a random order, without replacement (PyTorch's
 * `SubsetRandomSampler`): a permutation of their positions drawn from
 * `generator` (default: the default generator) at each iteration.
 *
 * @example
 * new SubsetRandomSampler([0, 2, 4, 6], { generator: gen });
 */
export class SubsetRandomSampler implements Sampler<number> {
  /** The indices sampled. */
  readonly indices: readonly number[];
  /** The generator drawn from (undefined: the default generator). */
  readonly generator: g.Generator | undefined;

  constructor(indices: Iterable<number>, generator?: g.Generator | null);
  constructor(indices: Iterable<number>, options?: { generator?: g.Generator | null });
  constructor(indices: Iterable<number>, ...args: unknown[]) {
    const op = 'SubsetRandomSampler';
    const a = parseArgs(op, args, ['generator']);
    if (indices === null || typeof indices !== 'object' || !(Symbol.iterator in indices)) {
      throw new TypeError(`${op}: expected the indices as an array (or another iterable of integers), got ${describe(indices)}`);
    }
    this.indices = [...indices];
    this.generator = checkGenerator(op, a['generator']);
  }

  /** The number of indices. */
  get length(): number {
    return this.indices.length;
  }

  /** Yields `indices` permuted. */
  *[Symbol.iterator](): Iterator<number> {
    for (const i of drawPermutation(this.indices.length, this.generator)) yield this.indices[i]!;
  }
}

/** Options of {@link WeightedRandomSampler}. */
export interface WeightedRandomSamplerOptions {
  /** Draw with replacement (default true). */
  replacement?: boolean;
  /** The generator to draw from (default: the default generator). */
  generator?: g.Generator | null;
}

/**
 * Indices 0…weights.length − 1 drawn with probabilities proportional to
 * `weights` (not necessarily summing to one), as PyTorch's
 * `WeightedRandomSampler`: `numSamples` of them, with replacement unless
 * `replacement` is false — one `torch.multinomial` draw per iteration, with
 * the weights in float64.
 *
 * @example
 * new WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 5);                         // with replacement
 * new WeightedRandomSampler(weights, 5, { replacement: false, generator: gen });
 */
export class WeightedRandomSampler implements Sampler<number> {
  /** The weights, as float64 numbers. */
  readonly weights: Float64Array;
  /** How many indices an iteration yields. */
  readonly numSamples: number;
  /** Whether indices are drawn with replacement. */
  readonly replacement: boolean;
  /** The generator drawn from (undefined: the default generator). */
  readonly generator: g.Generator | undefined;

  constructor(weights: ArrayLike<number> | g.Tensor, numSamples: number, replacement?: boolean, generator?: g.Generator | null);
  constructor(weights: ArrayLike<number> | g.Tensor, numSamples: number, options?: WeightedRandomSamplerOptions);
  constructor(weights: ArrayLike<number> | g.Tensor, numSamples: number, ...args: unknown[]) {
    const op = 'WeightedRandomSampler';
    const a = parseArgs(op, args, ['replacement', 'generator']);
    if (!isCount(numSamples) || numSamples <= 0) {
      throw new RangeError(`${op}: numSamples should be a positive integer value, but got numSamples=${show(numSamples)}`);
    }
    const replacement = a['replacement'] ?? true;
    if (typeof replacement !== 'boolean')
      throw new TypeError(`${op}: replacement should be a boolean value, but got replacement=${show(replacement)}`);
    this.weights = weightValues(op, weights);
    this.numSamples = numSamples;
    this.replacement = replacement;
    this.generator = checkGenerator(op, a['generator']);
  }

  /** The same as {@link numSamples}. */
  get length(): number {
    return this.numSamples;
  }

  /** Yields the drawn indices. */
  *[Symbol.iterator](): Iterator<number> {
    yield* drawCategories(this.weights, this.numSamples, this.replacement, this.generator);
  }
}

/** `weights` as float64 values, checked to be one-dimensional. */
function weightValues(op: string, weights: unknown): Float64Array {
  if (weights instanceof g.Tensor) {
    if (weights.ndim !== 1)
      throw new RangeError(`${op}: weights should be a 1d sequence but given weights have shape [${weights.shape.join(', ')}]`);
    return Float64Array.from(weights.dataSync() as ArrayLike<number>);
  }
  if (Array.isArray(weights)) {
    if (weights.some((w) => typeof w !== 'number')) {
      const inner = weights.find((w) => typeof w !== 'number');
      const shape = Array.isArray(inner) ? `[${weights.length}, ${inner.length}]` : `with a ${describe(inner)} in it`;
      throw new TypeError(`${op}: weights should be a 1d sequence of numbers but given weights have shape ${shape}`);
    }
    return Float64Array.from(weights);
  }
  if (ArrayBuffer.isView(weights) && !(weights instanceof DataView)) return Float64Array.from(weights as unknown as ArrayLike<number>);
  throw new TypeError(`${op}: expected the weights as an array of numbers, a TypedArray or a 1-D tensor, got ${describe(weights)}`);
}

/** Options of {@link BatchSampler}. */
export interface BatchSamplerOptions {
  /** Indices per batch (a positive integer). */
  batchSize?: number;
  /** Drop the last batch when it is short (default false). */
  dropLast?: boolean;
}

/**
 * Groups the indices of another sampler (any iterable) into lists of
 * `batchSize`, the last one shorter unless `dropLast` (PyTorch's
 * `BatchSampler`).
 *
 * @example
 * [...new BatchSampler(new SequentialSampler(range10), 3, false)]; // [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
 * new BatchSampler(sampler, { batchSize: 3, dropLast: true });
 */
export class BatchSampler implements Sampler<number[]> {
  /** The sampler whose indices are grouped. */
  readonly sampler: Iterable<number> & { readonly length?: number };
  /** Indices per batch. */
  readonly batchSize: number;
  /** Whether a short last batch is dropped. */
  readonly dropLast: boolean;

  constructor(sampler: Iterable<number>, batchSize: number, dropLast: boolean);
  constructor(sampler: Iterable<number>, options: BatchSamplerOptions);
  constructor(sampler: Iterable<number>, ...args: unknown[]) {
    const op = 'BatchSampler';
    const a = parseArgs(op, args, ['batchSize', 'dropLast']);
    const batchSize = a['batchSize'];
    const dropLast = a['dropLast'] ?? false;
    if (typeof batchSize !== 'number' || !isCount(batchSize) || batchSize <= 0) {
      throw new RangeError(`${op}: batchSize should be a positive integer value, but got batchSize=${show(batchSize)}`);
    }
    if (typeof dropLast !== 'boolean') throw new TypeError(`${op}: dropLast should be a boolean value, but got dropLast=${show(dropLast)}`);
    if (sampler === null || typeof sampler !== 'object' || !(Symbol.iterator in sampler)) {
      throw new TypeError(`${op}: expected a sampler (an iterable of indices), got ${describe(sampler)}`);
    }
    this.sampler = sampler;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
  }

  /** The number of batches: needs the sampler's length. */
  get length(): number {
    const n = this.sampler.length;
    if (typeof n !== 'number') throw new TypeError(`BatchSampler: its sampler (${describe(this.sampler)}) has no length`);
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Yields the batches of indices. */
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const index of this.sampler) {
      batch.push(index);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}
