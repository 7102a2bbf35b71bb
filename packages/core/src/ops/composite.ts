/**
 * Composite ops: ops computed from other ops (var, norm, logsumexp, the
 * softmax fallbacks, trace, logdet, floor division, …). Their parts run in a
 * scope that frees every intermediate — on a GPU each is a texture that the
 * garbage collector would never see — and, for a forward op, without
 * recording: one node with PyTorch's name and an explicit backward is recorded
 * instead, as PyTorch's derivatives.yaml does.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { record } from '../autograd/record.js';
import { tidy } from '../memory.js';
import type { Tensor } from '../tensor.js';

/** `tidy(parts)`, also freeing what `parts` made when it throws (a bad input's error leaves nothing behind). */
function scoped<T>(parts: () => T): T {
  let failure: { error: unknown } | undefined;
  const out = tidy(() => {
    try {
      return parts();
    } catch (error) {
      failure = { error };
      return undefined;
    }
  });
  if (failure !== undefined) throw failure.error;
  return out as T;
}

/** The node a composite forward op records: PyTorch's name, the inputs, the backward rule and what it saves. */
export interface CompositeNode<T> {
  name: string;
  inputs: readonly unknown[];
  /** Maps the output's gradient to one gradient per input (null where an input gets none); `out` is the op's result. */
  backward: (grad: Tensor, out: T) => readonly (Tensor | null | undefined)[];
  /** Tensors the backward rule reads (kept alive and version-checked), given the result. */
  saved?: (out: T) => readonly unknown[];
}

/**
 * Runs `parts` so that only what it returns survives: every tensor made
 * inside is freed (tensors a graph saved are freed when the graph is), also
 * when `parts` throws.
 *
 * With `node`, `parts` is a forward op's computation: it runs without
 * recording, and when an input needs a gradient one node is recorded on the
 * result (on the first tensor of a tuple). Without `node`, `parts` is a
 * differentiable composition (a backward formula under `createGraph`): it
 * records as usual and only its intermediates are freed.
 *
 * @example
 * // var: the centred values and their squares are freed; one VarBackward0 is recorded.
 * const out = composite(() => x.sub(x.mean()).square().sum().div(n - 1), {
 *   name: 'VarBackward0', inputs: [x], saved: () => [x],
 *   backward: (g) => [g.mul(x.sub(x.mean())).mul(2 / (n - 1))],
 * });
 */
export function composite<T extends Tensor | readonly Tensor[]>(parts: () => T, node?: CompositeNode<T>): T {
  if (node === undefined) return ownResults(scoped(parts));
  let out = ownResults(noGrad(() => scoped(parts)));
  let first = (Array.isArray(out) ? out[0] : out) as Tensor;
  if (node.inputs.includes(first)) {
    // The parts returned an input unchanged: the node goes on a new view of it, never on the input.
    first = first.detach();
    out = (Array.isArray(out) ? [first, ...out.slice(1)] : first) as T;
  }
  const result = out;
  // record() adds the node only where an input requires grad (or carries a forward-mode tangent).
  record(first, node.name, node.inputs, (g) => node.backward(g, result), node.saved?.(result));
  return out;
}

/**
 * A result that is a view of an intermediate (`s.squeeze(axes)` at the end of
 * a keepdim computation, einsum's final permute) is the op's own tensor, not a
 * view: the intermediate is gone and no other tensor holds the storage, so an
 * in-place op on the result is as allowed as on PyTorch's, and can change
 * nothing else. A view of an input, or of anything still alive (a graph's
 * saved tensor), stays a view.
 */
function ownResults<T extends Tensor | readonly Tensor[]>(out: T): T {
  for (const t of (Array.isArray(out) ? out : [out]) as Tensor[]) {
    if (t.isView && t.storage.liveTensors === 1) t.isView = false;
  }
  return out;
}
