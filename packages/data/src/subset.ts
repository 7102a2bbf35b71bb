import type { Dataset, MapDataset } from './dataset.js';
import { describe, itemOf, lengthOf, normalizeIndex } from './dataset.js';

/**
 * The items of `dataset` at `indices`, as PyTorch's `Subset`: item `i` is
 * `dataset.get(indices[i])`. Async when the dataset is.
 *
 * @example
 * const firstTen = new Subset(data, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
 */
export class Subset<T> implements Dataset<T> {
  /** The whole dataset. */
  readonly dataset: MapDataset<T>;
  /** The indices of the whole dataset selected. */
  readonly indices: readonly number[];

  constructor(dataset: MapDataset<T>, indices: Iterable<number>) {
    lengthOf('Subset', dataset);
    if (indices === null || typeof indices !== 'object' || !(Symbol.iterator in indices)) {
      throw new TypeError(`Subset: expected the indices as an array (or another iterable of integers), got ${describe(indices)}`);
    }
    this.dataset = dataset;
    this.indices = [...indices];
  }

  /** The number of indices. */
  get length(): number {
    return this.indices.length;
  }

  /** Item `indices[index]` of the dataset. */
  get(index: number): T | Promise<T> {
    return itemOf(this.dataset, this.indices[normalizeIndex('Subset', index, this.indices.length)]!);
  }
}
