/**
 * What a dataset is: PyTorch's map-style `Dataset` (a length and an item per
 * index) and iterable-style `IterableDataset` (a stream), as JavaScript
 * interfaces, so any object of the right shape is one — no base class to
 * extend. Arrays are map-style datasets too, as Python lists are.
 */

/**
 * A map-style dataset, as PyTorch's `Dataset`: `length` items, item `i` from
 * `get(i)` (PyTorch's `__len__` and `__getitem__`). `get` may return a
 * Promise: such a dataset is async, and a `DataLoader` over it is iterated
 * with `for await…of`.
 *
 * @example
 * const squares: Dataset<[number, number]> = { length: 10, get: (i) => [i, i * i] };
 * const files: Dataset<Float32Array> = { length: paths.length, get: async (i) => decode(await read(paths[i])) };
 */
export interface Dataset<T> {
  /** The number of items (PyTorch's `len(dataset)`). */
  readonly length: number;
  /** Item `index`, 0 ≤ index < length (PyTorch's `dataset[index]`); a Promise for an async dataset. */
  get(index: number): T | Promise<T>;
}

/**
 * An iterable-style dataset, as PyTorch's `IterableDataset`: a stream of
 * items, read anew for each pass of a `DataLoader` (its
 * `[Symbol.iterator]()` is called once per epoch). A generator function
 * makes one. `length` is optional (a `DataLoader`'s `length` needs it).
 *
 * @example
 * const counter: IterableDataset<number> = { *[Symbol.iterator]() { for (let i = 0; i < 5; i++) yield i; } };
 */
export interface IterableDataset<T> extends Iterable<T> {
  /** The number of items, if known. */
  readonly length?: number;
}

/**
 * An async iterable-style dataset: as {@link IterableDataset}, its items
 * from `[Symbol.asyncIterator]()` (an async generator makes one). A
 * `DataLoader` over it is iterated with `for await…of`.
 *
 * @example
 * const lines: AsyncIterableDataset<string> = { async *[Symbol.asyncIterator]() { for await (const l of readLines(file)) yield l; } };
 */
export interface AsyncIterableDataset<T> extends AsyncIterable<T> {
  /** The number of items, if known. */
  readonly length?: number;
}

/** Anything indexable that a sampler, `Subset` or a `DataLoader` reads by index: a {@link Dataset} or an array. */
export type MapDataset<T> = Dataset<T> | readonly T[];

/** Whether `x` is a map-style dataset (an array, or an object with a numeric `length` and a `get` method). */
export function isMapDataset(x: unknown): x is MapDataset<unknown> {
  if (Array.isArray(x)) return true;
  if (typeof x !== 'object' || x === null) return false;
  const d = x as { length?: unknown; get?: unknown };
  return typeof d.get === 'function' && typeof d.length === 'number';
}

/** Whether `x` is an iterable-style dataset (sync or async) and not a map-style one. */
export function isIterableDataset(x: unknown): x is IterableDataset<unknown> | AsyncIterableDataset<unknown> {
  if (isMapDataset(x) || typeof x !== 'object' || x === null) return false;
  return Symbol.iterator in x || Symbol.asyncIterator in x;
}

/** What a value is, for messages: its type or class. */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return x.constructor?.name ?? 'an object';
  return typeof x;
}

/** The length of a map-style dataset, checked. */
export function lengthOf(op: string, dataset: unknown): number {
  if (!isMapDataset(dataset)) {
    const hint = isIterableDataset(dataset) ? ' (an iterable dataset has no indices to sample)' : '';
    throw new TypeError(`${op}: expected a dataset (an array, or an object with 'length' and 'get(i)'), got ${describe(dataset)}${hint}`);
  }
  const n = dataset.length;
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${op}: a dataset's length must be a non-negative integer, got ${n}`);
  return n;
}

/**
 * Python's index rule: an integer in [-n, n), negatives counting from the
 * end; anything else is a RangeError naming the op.
 */
export function normalizeIndex(op: string, index: number, n: number): number {
  if (!Number.isInteger(index)) throw new TypeError(`${op}: an index must be an integer, got ${index}`);
  if (index < -n || index >= n) throw new RangeError(`${op}: index ${index} is out of range for length ${n}`);
  return index < 0 ? index + n : index;
}

/** Item `index` of a map-style dataset (an array's element, or `get(index)`). */
export function itemOf<T>(dataset: MapDataset<T>, index: number): T | Promise<T> {
  if (Array.isArray(dataset)) return (dataset as readonly T[])[normalizeIndex('dataset', index, dataset.length)]!;
  return (dataset as Dataset<T>).get(index);
}
