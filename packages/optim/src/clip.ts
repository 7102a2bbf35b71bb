/** Gradient clipping, as `torch.nn.utils.clip_grad_norm_` / `clip_grad_value_`. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';

/**
 * Scales gradients so their joint p-norm is at most `maxNorm`, in place, and
 * returns the norm before clipping as a 0-d tensor (as PyTorch). Nothing is
 * read back: on a GPU the step does not wait (read the norm when you need it).
 *
 * @example
 * const norm = clipGradNorm_(model.parameters(), 1.0);
 * console.log(norm.item());
 */
export function clipGradNorm_(params: Iterable<Tensor>, maxNorm: number, normType = 2): Tensor {
  const grads = [...params].map((p) => p.grad).filter((x): x is Tensor => x !== null);
  if (grads.length === 0) return g.tensor(0);
  return g.noGrad(() => {
    const total = g.tidy(() => {
      const norms = g.stack(grads.map((gr) => gr.norm(normType)));
      return normType === Infinity ? norms.amax() : norms.norm(normType);
    });
    g.tidy(() => {
      // torch.nn.utils.clip_grad_norm_: multiply by min(1, maxNorm / (norm + 1e-6)) unconditionally, so nothing is read.
      const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1);
      for (const gr of grads) gr.mul_(coef);
    });
    return total;
  });
}

/**
 * Clamps every gradient element into [-clipValue, clipValue].
 *
 * @example
 * clipGradValue_(model.parameters(), 0.5);
 */
export function clipGradValue_(params: Iterable<Tensor>, clipValue: number): void {
  g.noGrad(() => {
    for (const p of params) p.grad?.clamp_(-clipValue, clipValue);
  });
}
