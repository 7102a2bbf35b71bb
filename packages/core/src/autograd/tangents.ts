/**
 * The engine side of forward-mode AD (the public side is forward-ad.ts):
 * which dual levels are open, which tensors carry a tangent, and how an op's
 * tangent is derived from its backward rule.
 *
 * Every op gets its forward rule from its backward rule: the backward rule is
 * linear in the output gradient u, so J·t = ∂/∂u ⟨Jᵀu, t⟩. One generic
 * mechanism instead of a second hand-written rule per op. Taking that ∂/∂u
 * needs `autograd.grad`, which sits above the ops (it makes its seed with
 * them); it is handed in by whoever opens a level (`enterDualLevel`), so this
 * file, which every op imports through record.ts, imports nothing above it.
 */
import { tidy } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { enableGrad } from './grad-mode.js';
import { sumToShape } from './unbroadcast.js';

/** The gradient of the scalar `s` w.r.t. `u` (null where `s` does not depend on it): `autograd.grad`. */
export type ScalarGrad = (s: Tensor, u: Tensor) => Tensor | null;

const state = {
  depth: 0,
  suspended: false,
  /** The tensors given a tangent in each open level (their tangents go when it closes). */
  touched: [] as Tensor[][],
  gradOf: undefined as ScalarGrad | undefined,
};

/** Whether tangents should be propagated through ops right now. */
export function forwardAdActive(): boolean {
  return state.depth > 0 && !state.suspended;
}

export function hasTangent(x: unknown): boolean {
  return typeof x === 'object' && x !== null && (x as Tensor).tangent !== undefined;
}

/** Whether a dual level is open. */
export function inDualLevel(): boolean {
  return state.depth > 0;
}

/** Opens a dual level; `gradOf` is how its tangents are derived (see the module comment). */
export function enterDualLevel(gradOf: ScalarGrad): void {
  state.depth++;
  state.touched.push([]);
  state.gradOf = gradOf;
}

/** Closes the innermost dual level, dropping the tangents made in it. */
export function exitDualLevel(): void {
  for (const t of state.touched.pop()!) t.tangent = undefined;
  state.depth--;
}

/** Gives `t` a tangent, dropped when the innermost level closes. */
export function setTangent(t: Tensor, tangent: Tensor): void {
  t.tangent = tangent;
  state.touched[state.touched.length - 1]?.push(t);
}

/**
 * Sets `out.tangent = Σᵢ Jᵢ tᵢ` from an op's backward rule (see the module comment).
 * The rule's gradients have the output's broadcast shape; they are summed down to each input's.
 */
export function propagateTangent(
  out: Tensor,
  inputs: readonly unknown[],
  backward: (grad: Tensor) => readonly (Tensor | null | undefined)[],
): void {
  const gradOf = state.gradOf!;
  state.suspended = true;
  try {
    using _ = enableGrad();
    // Only the tangent survives: u, the rule's gradients and the dot products are freed here, not left to the collector.
    const tangent = tidy(() => {
      const u = out.detach().mul(0).requiresGrad_(true);
      const grads = backward(u);
      let total: Tensor | undefined;
      inputs.forEach((x, i) => {
        const g = grads[i];
        if (!hasTangent(x) || g === null || g === undefined) return;
        const input = x as Tensor;
        const term = sumToShape(g, input.shape).mul(input.tangent!).sum();
        total = total === undefined ? term : total.add(term);
      });
      return ((total === undefined ? null : gradOf(total, u)) ?? out.detach().mul(0)).detach();
    });
    setTangent(out, tangent);
  } finally {
    state.suspended = false;
  }
}
