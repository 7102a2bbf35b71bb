import * as g from '@graft/core';
import { type Dataset, normalizeIndex } from './dataset.js';

/**
 * A dataset of tensors indexed along their first dimension, as PyTorch's
 * `TensorDataset`: item `i` is `[t0.select(0, i), t1.select(0, i), …]`
 * (views, freed by the `DataLoader` once a batch is stacked).
 *
 * @example
 * const data = new TensorDataset(g.randn(100, 3), g.randint(0, 2, [100]));
 * const [x, y] = data.get(0); // x: [3], y: a 0-d int32 tensor
 */
export class TensorDataset implements Dataset<g.Tensor[]> {
  /** The tensors, all of one size along dim 0. */
  readonly tensors: readonly g.Tensor[];

  constructor(...tensors: g.Tensor[]) {
    const op = 'TensorDataset';
    if (tensors.length === 0) throw new TypeError(`${op}: expected at least one tensor`);
    tensors.forEach((t, i) => {
      if (!(t instanceof g.Tensor)) throw new TypeError(`${op}: argument ${i} is not a tensor`);
      if (t.ndim === 0) throw new RangeError(`${op}: tensor ${i} is 0-d; each tensor needs a first dimension to index`);
    });
    const n = tensors[0]!.shape[0]!;
    const bad = tensors.findIndex((t) => t.shape[0] !== n);
    if (bad >= 0) {
      throw new RangeError(`${op}: Size mismatch between tensors (tensor 0 has ${n} rows, tensor ${bad} has ${tensors[bad]!.shape[0]})`);
    }
    this.tensors = tensors;
  }

  /** The size of the first dimension. */
  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  /** Row `index` of every tensor (negative indices count from the end, as PyTorch's `tensor[index]`). */
  get(index: number): g.Tensor[] {
    // Checked as every dataset here checks an index (an integer in [-n, n)), not left to select's message.
    const i = normalizeIndex('TensorDataset', index, this.length);
    return this.tensors.map((t) => t.select(0, i));
  }
}
