/**
 * Forward-mode AD with dual numbers, as `torch.autograd.forward_ad`: inside a
 * `dualLevel`, a tensor made with `makeDual(primal, tangent)` carries its
 * tangent through every op, and `unpackDual(y).tangent` is the directional
 * derivative J·v.
 *
 * Every op gets its forward rule from its backward rule: the backward rule is
 * linear in the output gradient u, so J·t = ∂/∂u ⟨Jᵀu, t⟩. One generic
 * mechanism instead of a second hand-written rule per op.
 */
import { formatShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { enableGrad } from './grad-mode.js';

const state = { depth: 0, suspended: false, touched: [] as Tensor[][] };

/** Whether tangents should be propagated through ops right now. */
export function forwardAdActive(): boolean {
  return state.depth > 0 && !state.suspended;
}

export function hasTangent(x: unknown): boolean {
  return typeof x === 'object' && x !== null && (x as Tensor).tangent !== undefined;
}

/**
 * Runs `fn` inside a dual level; tangents made in it are dropped when it ends.
 *
 * @example
 * const jv = g.autograd.forwardAd.dualLevel(() => {
 *   const x = g.autograd.forwardAd.makeDual(g.tensor([1.5]), g.tensor([1]));
 *   return g.autograd.forwardAd.unpackDual(x.pow(3).mul(3).sub(x.pow(2).mul(5))).tangent;
 * }); // tensor([5.2500])
 */
export function dualLevel<T>(fn: () => T): T {
  state.depth++;
  state.touched.push([]);
  const exit = () => {
    for (const t of state.touched.pop()!) t.tangent = undefined;
    state.depth--;
  };
  let result: T;
  try {
    result = fn();
  } catch (e) {
    exit();
    throw e;
  }
  if (result instanceof Promise) return result.finally(exit) as T;
  exit();
  return result;
}

function setTangent(t: Tensor, tangent: Tensor): void {
  t.tangent = tangent;
  state.touched[state.touched.length - 1]?.push(t);
}

/**
 * A tensor equal to `primal` that carries `tangent` (same shape) through ops.
 *
 * @example
 * g.autograd.forwardAd.dualLevel(() => g.autograd.forwardAd.makeDual(x, g.onesLike(x)));
 */
export function makeDual(primal: Tensor, tangent: Tensor): Tensor {
  if (state.depth === 0) throw new Error('make_dual: forward AD is not enabled; call it inside dualLevel(() => …)');
  if (!shapesEqual(primal.shape, tangent.shape)) {
    throw new Error(`make_dual: expected primal and tangent to have the same shape, but got ${formatShape(primal.shape)} and ${formatShape(tangent.shape)}`);
  }
  if (primal.dtype !== tangent.dtype) throw new Error(`make_dual: expected tangent of dtype ${primal.dtype}, got ${tangent.dtype}`);
  const dual = primal.viewAs(primal.shape, primal.strides, primal.offset);
  setTangent(dual, tangent.detach());
  return dual;
}

/**
 * The primal (a view without tangent) and the tangent (or undefined) of a tensor.
 *
 * @example
 * const { primal, tangent } = g.autograd.forwardAd.unpackDual(y);
 */
export function unpackDual(t: Tensor): { primal: Tensor; tangent: Tensor | undefined } {
  const primal = t.viewAs(t.shape, t.strides, t.offset);
  return { primal, tangent: t.tangent };
}

/**
 * Sets `out.tangent = Σᵢ Jᵢ tᵢ` from an op's backward rule (see the module comment).
 * The rule's gradients have the output's broadcast shape; `sumTo` reduces them.
 */
export function propagateTangent(
  out: Tensor,
  inputs: readonly unknown[],
  backward: (grad: Tensor) => readonly (Tensor | null | undefined)[],
  sumTo: (g: Tensor, shape: readonly number[]) => Tensor,
  gradOf: (s: Tensor, u: Tensor) => Tensor | null,
): void {
  state.suspended = true;
  try {
    using _ = enableGrad();
    const u = out.detach().mul(0).requiresGrad_(true);
    const grads = backward(u);
    let total: Tensor | undefined;
    inputs.forEach((x, i) => {
      const g = grads[i];
      if (!hasTangent(x) || g === null || g === undefined) return;
      const input = x as Tensor;
      const term = sumTo(g, input.shape).mul(input.tangent!).sum();
      total = total === undefined ? term : total.add(term);
    });
    const tangent = total === undefined ? null : gradOf(total, u);
    setTangent(out, (tangent ?? out.detach().mul(0)).detach());
  } finally {
    state.suspended = false;
  }
}
