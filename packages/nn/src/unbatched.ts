/**
 * PyTorch's unbatched inputs: an op defined on batches ([N, C, …]) also
 * takes one sample ([C, …]), as a batch of one whose batch dim is dropped
 * from the result — the convolutions, transposed convolutions, pooling, …
 * PyTorch checks the rank once, up front, with one message for all of them.
 */
import type { Tensor } from '@graft/core';

/**
 * Whether `x` is one unbatched sample of an op whose batched input has
 * `batchedRank` dims (true: rank `batchedRank − 1`; false: `batchedRank`);
 * any other rank is PyTorch's error, naming `op`.
 *
 * @example
 * isUnbatched('conv2d', g.randn(3, 8, 8), 4); // true
 * isUnbatched('conv2d', g.randn(2, 3, 8, 8), 4); // false
 * isUnbatched('conv2d', g.randn(8, 8), 4); // throws: Expected 3D (unbatched) or 4D (batched) input to conv2d, …
 */
export function isUnbatched(op: string, x: Tensor, batchedRank: number): boolean {
  if (x.ndim === batchedRank) return false;
  if (x.ndim === batchedRank - 1) return true;
  throw new Error(
    `${op}: Expected ${batchedRank - 1}D (unbatched) or ${batchedRank}D (batched) input to ${op}, but got input of size: [${x.shape.join(', ')}]`,
  );
}

/**
 * `f` of `x` as a batch: an unbatched `x` (rank `batchedRank − 1`) goes in
 * as a batch of one and comes out without the batch dim.
 *
 * @example
 * asBatch('conv2d', g.randn(3, 8, 8), 4, (batch) => F.conv2d(batch, w)).shape; // [O, 6, 6]
 */
export function asBatch(op: string, x: Tensor, batchedRank: number, f: (batch: Tensor) => Tensor): Tensor {
  if (!isUnbatched(op, x, batchedRank)) return f(x);
  return f(x.unsqueeze(0)).squeeze(0);
}
