/**
 * PyTorch's `DataLoader` (single-process): a sampler of indices, batched by
 * a batch sampler, fetched from a dataset and collated — iterated with
 * `for…of` (sync datasets) or `for await…of` (any dataset; the next batch of
 * an async dataset is requested while the caller's step runs). Each
 * iteration draws what PyTorch's draws, in PyTorch's order (the iterator's
 * `_base_seed` first, then the sampler's draws), so the same generator gives
 * PyTorch's batches.
 */
import * as g from '@graft/core';
import { checkGenerator, isOptionsObject, show } from './args.js';
import { type Collated, defaultCollate, defaultConvert } from './collate.js';
import {
  type AsyncIterableDataset,
  describe,
  type IterableDataset,
  isIterableDataset,
  isMapDataset,
  itemOf,
  type MapDataset,
} from './dataset.js';
import { disposeBatch } from './dispose.js';
import { drawSeed } from './draws.js';
import { type WorkerOptions, withoutWorkerOptions } from './worker-options.js';
import { BatchSampler, RandomSampler, type Sampler, SequentialSampler } from './samplers.js';

/** Options of {@link DataLoader}, PyTorch's keyword arguments in camelCase. */
export interface DataLoaderOptions<T = unknown, B = unknown> extends WorkerOptions {
  /** Samples per batch (default 1); `null` turns batching off: each sample is converted, not collated. */
  batchSize?: number | null;
  /** Reshuffle at every epoch (a `RandomSampler`; default false). Not with `sampler` or an iterable dataset. */
  shuffle?: boolean | null;
  /** Where the indices come from (any iterable of indices): a `RandomSampler`, a `WeightedRandomSampler`, … */
  sampler?: Sampler<number> | null;
  /** Where whole batches of indices come from; excludes `batchSize`, `shuffle`, `sampler` and `dropLast`. */
  batchSampler?: Sampler<number[]> | null;
  /** Drop the last batch when it is short (default false). */
  dropLast?: boolean;
  /** Makes a batch from a list of samples (default {@link defaultCollate}; with `batchSize: null`, one sample, default {@link defaultConvert}). */
  collateFn?: ((batch: T[]) => B) | null;
  /** The generator of the shuffling and of the iterator's seed (default: the default generator). */
  generator?: g.Generator | null;
}

const OPTIONS = ['batchSize', 'shuffle', 'sampler', 'batchSampler', 'dropLast', 'collateFn', 'generator'] as const;

/** The sampler of an iterable dataset: PyTorch's `_InfiniteConstantSampler` (only the batch sizes matter). */
const INFINITE: Sampler<number> = {
  *[Symbol.iterator]() {
    for (;;) yield 0;
  },
};

type AnyDataset<T> = MapDataset<T> | IterableDataset<T> | AsyncIterableDataset<T>;

const DONE = { done: true, value: undefined } as const;

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

/**
 * Batches of a dataset, as PyTorch's `torch.utils.data.DataLoader`:
 * `new DataLoader(dataset, { batchSize, shuffle, sampler, batchSampler,
 * dropLast, collateFn, generator })`. The dataset is an array, a
 * {@link Dataset} (`length` and `get(i)`, possibly async) or an iterable
 * (sync or async). Iterate it once per epoch: `for (const batch of loader)`
 * for a sync dataset, `for await (const batch of loader)` for any (an async
 * dataset's next batch is requested while the caller's step runs). Batches
 * are collated by {@link defaultCollate} (tensors stacked, numbers to
 * tensors, objects and arrays field by field). With the same generator (or
 * `g.manualSeed`) the batches come in PyTorch's order.
 *
 * Batches belong to the caller: free them when done ({@link disposeBatch}).
 * What fetching and collating a batch makes besides the batch (a
 * `TensorDataset`'s row views, …) the loader frees itself (in `g.tidy`),
 * except the tensors an async dataset returns (an async function cannot run
 * inside `g.tidy`), and, under `for await…of` before the loader has seen the
 * dataset return plain values, the first batch's (left to the garbage
 * collector).
 *
 * @example
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true, generator: new g.Generator().manualSeed(0) });
 * for (let epoch = 0; epoch < 3; epoch++) {
 *   for (const [xb, yb] of loader) {
 *     g.tidy(() => { opt.zeroGrad(); F.mseLoss(model.call(xb), yb).backward(); opt.step(); });
 *     disposeBatch([xb, yb]);
 *   }
 * }
 */
export class DataLoader<T = unknown, B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  /** The dataset. */
  readonly dataset: AnyDataset<T>;
  /** Samples per batch (`null`: no batching). */
  readonly batchSize: number | null;
  /** Whether a short last batch is dropped. */
  readonly dropLast: boolean;
  /** The sampler of indices (for an iterable dataset, an endless placeholder). */
  readonly sampler: Sampler<number>;
  /** The batch sampler (`null` when batching is off). */
  readonly batchSampler: Sampler<number[]> | null;
  /** The generator given, if any. */
  readonly generator: g.Generator | undefined;
  /** The collate function (or, without batching, the convert function). */
  readonly collateFn: (batch: never) => B;
  readonly #iterable: boolean;
  readonly #defaultCollate: boolean;
  /** What this loader has seen of its map-style dataset: whether `get` returns plain values (see MapCursor). */
  readonly #seen = { sync: false };

  constructor(dataset: AnyDataset<T>, options?: DataLoaderOptions<T, B>) {
    const op = 'DataLoader';
    const given = isOptionsObject(options) ? withoutWorkerOptions(op, options) : options;
    const o = g.checkOptions(op, given as DataLoaderOptions<T, B> | undefined, [...OPTIONS]);
    const iterable = isIterableDataset(dataset);
    if (!iterable && !isMapDataset(dataset)) {
      throw new TypeError(
        `${op}: expected a dataset (an array, an object with 'length' and 'get(i)', or an iterable of samples), got ${describe(dataset)}`,
      );
    }
    let shuffle = o.shuffle ?? undefined;
    let sampler = o.sampler ?? undefined;
    let batchSampler = o.batchSampler ?? undefined;
    let batchSize = o.batchSize === undefined ? 1 : o.batchSize;
    let dropLast = o.dropLast ?? false;
    if (shuffle !== undefined && typeof shuffle !== 'boolean')
      throw new TypeError(`${op}: shuffle should be a boolean value, but got shuffle=${show(shuffle)}`);
    if (iterable) {
      if (shuffle) throw new TypeError(`${op} with IterableDataset: expected unspecified shuffle option, but got shuffle=${show(shuffle)}`);
      if (sampler !== undefined)
        throw new TypeError(`${op} with IterableDataset: expected unspecified sampler option, but got sampler=${describe(sampler)}`);
      if (batchSampler !== undefined) {
        throw new TypeError(
          `${op} with IterableDataset: expected unspecified batchSampler option, but got batchSampler=${describe(batchSampler)}`,
        );
      }
    } else {
      shuffle = Boolean(shuffle);
    }
    if (sampler !== undefined && shuffle) throw new TypeError(`${op}: sampler option is mutually exclusive with shuffle`);
    if (batchSampler !== undefined) {
      if (batchSize !== 1 || shuffle || sampler !== undefined || dropLast) {
        throw new TypeError(`${op}: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast`);
      }
      batchSize = null;
      dropLast = false;
    } else if (batchSize === null && dropLast) {
      throw new TypeError(`${op}: batchSize=null option disables auto-batching and is mutually exclusive with dropLast`);
    }
    const generator = checkGenerator(op, o.generator);
    for (const [name, s] of [
      ['sampler', sampler],
      ['batchSampler', batchSampler],
    ] as const) {
      if (s !== undefined && (typeof s !== 'object' || s === null || !(Symbol.iterator in s))) {
        throw new TypeError(`${op}: ${name} should be an iterable (a sampler), got ${describe(s)}`);
      }
    }
    if (sampler === undefined) {
      if (iterable) sampler = INFINITE;
      else sampler = shuffle ? new RandomSampler(dataset as MapDataset<T>, { generator }) : new SequentialSampler(dataset as MapDataset<T>);
    }
    if (batchSize !== null && batchSampler === undefined) batchSampler = new BatchSampler(sampler, batchSize, dropLast);
    if (o.collateFn !== undefined && o.collateFn !== null && typeof o.collateFn !== 'function') {
      throw new TypeError(`${op}: collateFn should be a function, got ${describe(o.collateFn)}`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    this.sampler = sampler;
    this.batchSampler = batchSampler ?? null;
    this.generator = generator;
    this.#iterable = iterable;
    this.#defaultCollate = o.collateFn === undefined || o.collateFn === null;
    this.collateFn = (o.collateFn ?? (this.batchSampler !== null ? defaultCollate : defaultConvert)) as (batch: never) => B;
  }

  /**
   * The number of batches (PyTorch's `len(loader)`): the batch sampler's
   * length; for an iterable dataset, from its `length` and the batch size.
   */
  get length(): number {
    if (this.#iterable) {
      const n = (this.dataset as { length?: unknown }).length;
      if (typeof n !== 'number') throw new TypeError(`DataLoader: the iterable dataset (${describe(this.dataset)}) has no length`);
      if (this.batchSize === null) return n;
      return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    }
    const index = this.batchSampler ?? this.sampler;
    if (typeof index.length !== 'number') throw new TypeError(`DataLoader: its sampler (${describe(index)}) has no length`);
    return index.length;
  }

  /** One pass over the dataset, synchronously (a sync dataset). */
  [Symbol.iterator](): IterableIterator<B> {
    const cursor = this.#start(false);
    const iterator: IterableIterator<B> = {
      next: () => cursor.nextSync(),
      [Symbol.iterator]: () => iterator,
    };
    return iterator;
  }

  /**
   * One pass over the dataset, asynchronously (any dataset). When the dataset
   * is async, the next batch is requested as soon as one is handed out, so it
   * loads while the caller's step runs.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<B> {
    const cursor = this.#start(true);
    let pending: Promise<IteratorResult<B>> | undefined;
    /** Tensors newer than this were made by the pending fetch (its dataset reads and collate). */
    let pendingSince = 0;
    let finished = false;
    const fetch = () => {
      pendingSince = g.tensorSerial();
      const p = cursor.nextAsync();
      p.catch(() => {}); // a prefetch nobody awaits (the loop broke) must not be an unhandled rejection
      return p;
    };
    const iterator: AsyncIterableIterator<B> = {
      next: async () => {
        if (finished) return DONE;
        const current = await (pending ?? fetch());
        pending = undefined;
        if (current.done) finished = true;
        else if (cursor.async) pending = fetch();
        return current;
      },
      return: async () => {
        finished = true;
        const p = pending;
        pending = undefined;
        // The prefetched batch never reaches the caller: free what its fetch made (all of it with the
        // default collate; with the caller's collateFn, only tensors made while fetching it — a collate may
        // also return tensors it was given, which are not the loader's to free).
        const since = pendingSince;
        const r = await p?.catch(() => undefined);
        if (r !== undefined && !r.done) disposeBatch(r.value, this.#defaultCollate ? undefined : (t) => t.serial > since);
        return DONE;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /**
   * Starts a pass: the index iterator, then the iterator's `_base_seed` drawn
   * from the generator (unused without workers, but drawn, as in PyTorch, so
   * that what follows draws what PyTorch's does), then the dataset's iterator.
   */
  #start(async: boolean): Cursor<B> {
    const indices = (this.batchSampler ?? this.sampler)[Symbol.iterator]() as Iterator<number | number[]>;
    drawSeed(this.generator);
    const collate = this.collateFn as (batch: unknown) => B;
    const batched = this.batchSampler !== null;
    const dropLast = this.dropLast;
    if (this.#iterable) {
      const source = this.dataset as IterableDataset<T> | AsyncIterableDataset<T>;
      let items: Iterator<T> | AsyncIterator<T>;
      if (Symbol.iterator in source) items = source[Symbol.iterator]();
      else if (async) items = source[Symbol.asyncIterator]();
      else throw new TypeError(`DataLoader: the dataset is async iterable (${describe(source)}): iterate the loader with for await…of`);
      return new IterableCursor(indices, items, batched, dropLast, collate, !(Symbol.iterator in source));
    }
    return new MapCursor(this.dataset as MapDataset<T>, indices, batched, collate, this.#seen);
  }
}

/** One pass of a DataLoader: fetches and collates the next batch. */
interface Cursor<B> {
  /** Whether the dataset has turned out to be async (its batches are then prefetched). */
  readonly async: boolean;
  nextSync(): IteratorResult<B>;
  nextAsync(): Promise<IteratorResult<B>>;
}

/**
 * A pass over a map-style dataset: PyTorch's `_MapDatasetFetcher`.
 *
 * Fetching and collating run in one `g.tidy` scope, which frees what the
 * dataset's `get` made besides the batch (a `TensorDataset`'s row views).
 * That is only safe for a `get` that returns plain values: the synchronous
 * start of an async `get` would make its tensors inside the scope, and they
 * would be freed before its Promise resolves. So `for await…of` calls `get`
 * outside the scope until the loader has seen the dataset return plain
 * values (`seen.sync`), and the tensors an async `get` returns are the
 * caller's.
 */
class MapCursor<T, B> implements Cursor<B> {
  async = false;

  constructor(
    private readonly dataset: MapDataset<T>,
    private readonly indices: Iterator<number | number[]>,
    private readonly batched: boolean,
    private readonly collate: (batch: unknown) => B,
    private readonly seen: { sync: boolean },
  ) {}

  /** The items of the next indices (or done): an array when batched, else the one item. */
  #items(): { done: true } | { items: unknown } {
    const r = this.indices.next();
    if (r.done) return { done: true };
    if (!this.batched) return { items: itemOf(this.dataset, r.value as number) };
    const indices = r.value as number[];
    if (!Array.isArray(indices)) throw new TypeError(`DataLoader: the batch sampler yielded ${describe(indices)}, not an array of indices`);
    return { items: indices.map((i) => itemOf(this.dataset, i)) };
  }

  #pending(items: unknown): PromiseLike<unknown>[] {
    return (this.batched ? (items as unknown[]) : [items]).filter(isThenable);
  }

  nextSync(): IteratorResult<B> {
    return g.tidy(() => {
      const f = this.#items();
      if ('done' in f) return DONE;
      const pending = this.#pending(f.items);
      if (pending.length > 0) {
        for (const p of pending) Promise.resolve(p).catch(() => {});
        throw new TypeError(
          'DataLoader: the dataset returned a Promise from get(): iterate the loader of an async dataset with for await…of',
        );
      }
      this.seen.sync = true;
      return { done: false, value: this.collate(f.items) };
    });
  }

  async nextAsync(): Promise<IteratorResult<B>> {
    if (this.seen.sync && !this.async) {
      // Known to be sync: as for…of, unless this batch turns out async after all (then awaited below).
      const f = g.tidy(() => {
        const fetched = this.#items();
        if ('done' in fetched) return DONE;
        if (this.#pending(fetched.items).length > 0) return fetched;
        return { done: false as const, value: this.collate(fetched.items) };
      });
      if (!('items' in f)) return f;
      return this.#await(f.items);
    }
    const f = this.#items();
    if ('done' in f) return DONE;
    if (this.#pending(f.items).length === 0) {
      this.seen.sync = true;
      return { done: false, value: g.tidy(() => this.collate(f.items)) };
    }
    return this.#await(f.items);
  }

  async #await(items: unknown): Promise<IteratorResult<B>> {
    this.async = true;
    const resolved = this.batched ? await Promise.all(items as unknown[]) : await items;
    return { done: false, value: g.tidy(() => this.collate(resolved)) };
  }
}

/**
 * A pass over an iterable-style dataset: PyTorch's `_IterableDatasetFetcher`.
 * A sync iterable is read inside `g.tidy` (what it makes besides the batch is
 * freed), an async one outside (as an async `get`, above).
 */
class IterableCursor<T, B> implements Cursor<B> {
  #ended = false;

  constructor(
    private readonly indices: Iterator<number | number[]>,
    private readonly items: Iterator<T> | AsyncIterator<T>,
    private readonly batched: boolean,
    private readonly dropLast: boolean,
    private readonly collate: (batch: unknown) => B,
    readonly async: boolean,
  ) {}

  /** How many samples the next batch asks for (the batch sampler's next list). */
  #wanted(): number {
    return (this.indices.next().value as number[]).length;
  }

  /** The batch made of `data`, or done when there is none (PyTorch's StopIteration). */
  #finish(data: T[], wanted: number): IteratorResult<B> {
    if (data.length === 0 || (this.dropLast && data.length < wanted)) return DONE;
    return { done: false, value: this.collate(data) };
  }

  nextSync(): IteratorResult<B> {
    if (this.#ended) return DONE;
    const items = this.items as Iterator<T>;
    return g.tidy(() => {
      if (!this.batched) {
        const r = items.next();
        return r.done ? DONE : { done: false as const, value: this.collate(r.value) };
      }
      const wanted = this.#wanted();
      const data: T[] = [];
      while (data.length < wanted) {
        const r = items.next();
        if (r.done) {
          this.#ended = true;
          break;
        }
        data.push(r.value);
      }
      return this.#finish(data, wanted);
    });
  }

  async nextAsync(): Promise<IteratorResult<B>> {
    if (!this.async) return this.nextSync();
    if (this.#ended) return DONE;
    if (!this.batched) {
      const r = await this.items.next();
      if (r.done) return DONE;
      return { done: false, value: g.tidy(() => this.collate(r.value)) };
    }
    const wanted = this.#wanted();
    const data: T[] = [];
    while (data.length < wanted) {
      const r = await this.items.next();
      if (r.done) {
        this.#ended = true;
        break;
      }
      data.push(r.value);
    }
    return g.tidy(() => this.#finish(data, wanted));
  }
}
