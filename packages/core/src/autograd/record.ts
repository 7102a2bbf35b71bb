/**
 * Recording ops into the graph: the one place where forward meets backward.
 */
import type { Tensor } from '../tensor.js';
import { anomalyMode } from './anomaly.js';
import { forwardAdActive, hasTangent, propagateTangent } from './tangents.js';
import { isGraphRecordingEnabled } from './grad-mode.js';
import { checkSavable } from './inference.js';
import { AccumulateGrad, type BackwardFn, holdEdges, Node, type UnaryBackwardFn } from './node.js';

/** Whether an op on these inputs must record a node (or carry a forward-mode tangent). */
export function needsGrad(a: unknown, b?: unknown, c?: unknown): boolean {
  if (forwardAdActive() && (hasTangent(a) || hasTangent(b) || hasTangent(c))) return true;
  if (!isGraphRecordingEnabled()) return false;
  return requiresGrad(a) || requiresGrad(b) || requiresGrad(c);
}

/**
 * Whether a backward rule must produce a gradient for input `x`: it requires
 * grad, or carries a forward-mode tangent (tangents are derived from the rule).
 */
export function wantsGrad(x: unknown): boolean {
  return typeof x === 'object' && x !== null && ((x as Tensor).requiresGrad || (x as Tensor).tangent !== undefined);
}

function requiresGrad(x: unknown): boolean {
  if (typeof x !== 'object' || x === null) return false;
  const t = x as Tensor;
  // A stale view (its base got a new graph after it was made) may not say false here: it would have PyTorch's grad.
  if (t.isView) t.checkViewGraph?.();
  return t.requiresGrad;
}

/** Runs the tangent rule when any input is dual; false when no node is needed. */
function forwardAndNeedsNode(
  out: Tensor,
  inputs: readonly unknown[],
  backward: (grad: Tensor) => readonly (Tensor | null | undefined)[],
): boolean {
  if (forwardAdActive() && inputs.some(hasTangent)) {
    propagateTangent(out, inputs, backward);
  }
  return isGraphRecordingEnabled() && inputs.some(requiresGrad);
}

/** Where a gradient for `t` flows: its gradFn, its leaf accumulator, or nowhere. */
export function gradEdge(t: unknown): readonly [Node | null, number] {
  if (!isTensorLike(t)) return NO_EDGE;
  const tensor = t;
  if (tensor.isView) tensor.checkViewGraph();
  if (tensor.gradFn !== null) return tensor.gradFn.edgeTo(tensor.outputNr);
  if (tensor.requiresGrad) return tensor.gradAccumulator().edgeTo(0);
  return NO_EDGE;
}

const NO_EDGE = [null, 0] as const;
const NO_SHAPE: readonly number[] = [];

/** Inputs of a node may be numbers or options objects (custom Functions): only tensors get edges. */
export function isTensorLike(t: unknown): t is Tensor {
  return typeof t === 'object' && t !== null && 'gradFn' in t && 'shape' in t;
}

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
  saved?: readonly unknown[],
): Tensor {
  if (!forwardAndNeedsNode(out, inputs, backward)) return out;
  if (saved !== undefined) checkSavable(name, saved);
  const node = makeNode(name, inputs, backward, 1, true);
  // The output's gradFn first: a rule that saves its own output then knows where it came from.
  out.setGradFn(node, 0);
  if (saved !== undefined) for (const t of saved) if (t instanceof Object && 'pin' in t) node.save(t as Tensor);
  return out;
}

/** Like `record`, for ops with several outputs (each gets `outputNr` i). */
export function recordMulti(
  outs: readonly Tensor[],
  name: string,
  inputs: readonly unknown[],
  backward: BackwardFn,
  saved?: readonly unknown[],
): void {
  // Each output's tangent comes from the rule with only that output's gradient set.
  let needsNode = false;
  outs.forEach((o, i) => {
    const only = (g: Tensor) => backward(outs.map((_, k) => (k === i ? g : undefined)) as Tensor[]);
    needsNode = forwardAndNeedsNode(o, inputs, only) || needsNode;
  });
  if (!needsNode) return;
  if (saved !== undefined) checkSavable(name, saved);
  const node = makeNode(name, inputs, backward, outs.length);
  outs.forEach((o, i) => o.setGradFn(node, i));
  if (saved !== undefined) for (const t of saved) if (t instanceof Object && 'pin' in t) node.save(t as Tensor);
}

function makeNode(name: string, inputs: readonly unknown[], backward: BackwardFn | UnaryBackwardFn, numOutputs = 1, unary = false): Node {
  // One pass over the inputs (this runs for every recorded op: `map`s with their closures cost more).
  const n = inputs.length;
  const edges = new Array<readonly [Node | null, number]>(n);
  const meta = new Array<unknown>(3 * n);
  for (let i = 0; i < n; i++) {
    const t = inputs[i];
    if (isTensorLike(t)) {
      edges[i] = gradEdge(t);
      meta[3 * i] = t.shape;
      meta[3 * i + 1] = t.dtype;
      meta[3 * i + 2] = t.device;
    } else {
      edges[i] = NO_EDGE;
      meta[3 * i] = NO_SHAPE;
      meta[3 * i + 1] = undefined;
      meta[3 * i + 2] = undefined;
    }
  }
  const node = new Node(name, edges, meta, backward, numOutputs, unary);
  holdEdges(edges);
  if (anomalyMode.enabled) node.forwardTrace = new Error().stack;
  return node;
}

export { AccumulateGrad, Node };
