/**
 * A loss's target of another size than its input. PyTorch 1.13's elementwise
 * regression losses (mse, l1, smooth L1, Huber) broadcast the two with a
 * UserWarning naming both sizes — a target [N] against an input [N, 1] is
 * usually a bug, which the warning points at — while others refuse it.
 */
import type { Tensor } from '@graft/core';
import { broadcastShape } from './argument-checks.js';

const warnedSize = new Set<string>();

/**
 * The input and target broadcast to their common shape, with PyTorch's
 * warning when their sizes differ (once per op here, as Python's default
 * warning filter shows it once per place); shapes that do not broadcast
 * are an error naming both.
 *
 * @example
 * broadcastWithWarning('mseLoss', g.ones(3, 1), g.zeros(3)); // warns, then both [3, 3]
 */
export function broadcastWithWarning(op: string, input: Tensor, target: Tensor): [Tensor, Tensor] {
  if (input.shape.join() === target.shape.join()) return [input, target];
  if (!warnedSize.has(op)) {
    warnedSize.add(op);
    console.warn(
      `UserWarning: ${op}: Using a target size ([${target.shape.join(', ')}]) that is different to the input size ([${input.shape.join(', ')}]). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`,
    );
  }
  const shape = broadcastShape(op, input.shape, target.shape);
  return [input.expand(shape), target.expand(shape)];
}
