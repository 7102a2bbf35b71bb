/**
 * `g.autograd.forwardAd`: forward-mode AD with dual numbers, as
 * `torch.autograd.forward_ad`. Inside a `dualLevel`, a tensor made with
 * `makeDual(primal, tangent)` carries its tangent through every op, and
 * `unpackDual(y).tangent` is the directional derivative J·v. How ops carry
 * tangents is in tangents.ts.
 */
import { formatShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { grad } from './backward.js';
import { enterDualLevel, exitDualLevel, inDualLevel, setTangent } from './tangents.js';

/** ∂s/∂u for the tangent rule (tangents.ts): `autograd.grad`, which tangents.ts cannot import. */
const scalarGrad = (s: Tensor, u: Tensor): Tensor | null => grad(s, u, { allowUnused: true })[0] ?? null;

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
  enterDualLevel(scalarGrad);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    exitDualLevel();
    throw e;
  }
  if (result instanceof Promise) return result.finally(exitDualLevel) as T;
  exitDualLevel();
  return result;
}

/**
 * A tensor equal to `primal` that carries `tangent` (same shape) through ops.
 *
 * @example
 * g.autograd.forwardAd.dualLevel(() => g.autograd.forwardAd.makeDual(x, g.onesLike(x)));
 */
export function makeDual(primal: Tensor, tangent: Tensor): Tensor {
  if (!inDualLevel()) throw new Error('make_dual: forward AD is not enabled; call it inside dualLevel(() => …)');
  if (!shapesEqual(primal.shape, tangent.shape)) {
    throw new Error(
      `make_dual: expected primal and tangent to have the same shape, but got ${formatShape(primal.shape)} and ${formatShape(tangent.shape)}`,
    );
  }
  if (primal.dtype !== tangent.dtype) throw new Error(`make_dual: expected tangent of dtype ${primal.dtype}, got ${tangent.dtype}`);
  const dual = primal.viewWithLayout(primal.shape, primal.strides, primal.offset);
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
  const primal = t.viewWithLayout(t.shape, t.strides, t.offset);
  return { primal, tangent: t.tangent };
}
