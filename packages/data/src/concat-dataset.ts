import type { Dataset, MapDataset } from './dataset.js';
import { describe, isMapDataset, itemOf, lengthOf } from './dataset.js';

/**
 * Several map-style datasets one after the other, as PyTorch's
 * `ConcatDataset`. Async when any of them is.
 *
 * @example
 * const all = new ConcatDataset([train, extra]);
 * all.length === train.length + extra.length;
 */
export class ConcatDataset<T> implements Dataset<T> {
  /** The datasets, in order. */
  readonly datasets: readonly MapDataset<T>[];
  /** The running totals of their lengths (PyTorch's `cumulative_sizes`). */
  readonly cumulativeSizes: readonly number[];

  constructor(datasets: Iterable<MapDataset<T>>) {
    const op = 'ConcatDataset';
    if (datasets === null || typeof datasets !== 'object' || !(Symbol.iterator in datasets)) {
      throw new TypeError(`${op}: expected an array of datasets, got ${describe(datasets)}`);
    }
    const list = [...datasets];
    if (list.length === 0) throw new RangeError(`${op}: datasets should not be an empty iterable`);
    list.forEach((d, i) => {
      if (!isMapDataset(d) && d !== null && typeof d === 'object' && (Symbol.iterator in d || Symbol.asyncIterator in d)) {
        throw new TypeError(`${op} does not support IterableDataset (dataset ${i} is iterable-style)`);
      }
    });
    let total = 0;
    this.cumulativeSizes = list.map((d) => (total += lengthOf(op, d)));
    this.datasets = list;
  }

  /** The total length. */
  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1]!;
  }

  /** Item `index` of the concatenation (negative indices count from the end). */
  get(index: number): T | Promise<T> {
    const op = 'ConcatDataset';
    const n = this.length;
    if (!Number.isInteger(index)) throw new TypeError(`${op}: an index must be an integer, got ${index}`);
    let idx = index;
    if (idx < 0) {
      if (-idx > n) throw new RangeError(`${op}: absolute value of index should not exceed dataset length (index ${index}, length ${n})`);
      idx += n;
    }
    if (idx >= n) throw new RangeError(`${op}: index ${index} is out of range for length ${n}`);
    // bisect_right: the first dataset whose running total exceeds idx.
    let lo = 0;
    let hi = this.cumulativeSizes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeSizes[mid]! <= idx) lo = mid + 1;
      else hi = mid;
    }
    const start = lo === 0 ? 0 : this.cumulativeSizes[lo - 1]!;
    return itemOf(this.datasets[lo]!, idx - start);
  }
}
