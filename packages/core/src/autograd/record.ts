/**
 * Recording ops into the graph: the one place where forward meets backward.
 */
import type { Tensor } from '../tensor.js';
import { isGradEnabled } from './grad-mode.js';
import { AccumulateGrad, type BackwardFn, Node } from './node.js';

/** Whether an op on these inputs must record a node. */
export function needsGrad(a: unknown, b?: unknown, c?: unknown): boolean {
  if (!isGradEnabled()) return false;
  return (
    (typeof a === 'object' && a !== null && (a as Tensor).requiresGrad) ||
    (typeof b === 'object' && b !== null && (b as Tensor).requiresGrad) ||
    (typeof c === 'object' && c !== null && (c as Tensor).requiresGrad)
  );
}

/** Where a gradient for `t` flows: its gradFn, its leaf accumulator, or nowhere. */
export function gradEdge(t: unknown): readonly [Node | null, number] {
  if (typeof t !== 'object' || t === null) return NO_EDGE;
  const tensor = t as Tensor;
  if (tensor.gradFn !== null) return [tensor.gradFn, tensor.outputNr];
  if (tensor.requiresGrad) return [tensor.gradAccumulator(), 0];
  return NO_EDGE;
}

const NO_EDGE = [null, 0] as const;

/**
 * Attaches a node named `name` to `out` whose backward maps the output's
 * gradient to one gradient per input (null where an input needs none).
 * The engine sums each gradient down to its input's shape (unbroadcast).
 */
export function record(
  out: Tensor,
  name: string,
  inputs: readonly unknown[],
  backward: (grad: Tensor) => readonly (Tensor | null | undefined)[],
): Tensor {
  const node = makeNode(name, inputs, (grads) => backward(grads[0]!));
  out.setGradFn(node, 0);
  return out;
}

/** Like `record`, for ops with several outputs (each gets `outputNr` i). */
export function recordMulti(
  outs: readonly Tensor[],
  name: string,
  inputs: readonly unknown[],
  backward: BackwardFn,
): void {
  const node = makeNode(name, inputs, backward, outs.length);
  outs.forEach((o, i) => o.setGradFn(node, i));
}

function makeNode(name: string, inputs: readonly unknown[], backward: BackwardFn, numOutputs = 1): Node {
  const edges = inputs.map(gradEdge);
  const shapes = inputs.map((t) => (typeof t === 'object' && t !== null ? (t as Tensor).shape : []));
  const node = new Node(name, edges, shapes, backward, numOutputs);
  if (anomalyMode.enabled) node.forwardTrace = new Error().stack;
  return node;
}

/** Shared switch for `detectAnomaly` (kept here so recording can read it cheaply). */
export const anomalyMode = { enabled: false };

export { AccumulateGrad, Node };
