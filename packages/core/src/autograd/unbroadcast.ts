/**
 * Unbroadcasting: a gradient computed at a broadcast shape is summed back down
 * to its input's shape, once, in the engine (not in every backward rule).
 */
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** Whether a tensor of `shape` broadcasts to `target` (so a gradient of `target`'s shape sums down to it). */
export function broadcastsTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d !== 1 && d !== target[lead + i]) return false;
  }
  return true;
}

/**
 * Sums a broadcast gradient back down to `shape` (the engine's unbroadcast):
 * leading dims are summed away, dims that were 1 are summed with keepdim.
 */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length === 0 ? g : g.sum(axes, true);
  const out = summed.reshape(shape);
  // The reshape is a view: the sum's own Tensor object is not needed (its storage lives on in the view).
  if (summed !== g && out !== summed) summed.dispose();
  return out;
}
