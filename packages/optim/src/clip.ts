/** Gradient clipping, as `torch.nn.utils.clip_grad_norm_` / `clip_grad_value_`. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';

/**
 * Scales gradients so their joint p-norm is at most `maxNorm`; returns the norm before clipping.
 *
 * @example
 * const norm = clipGradNorm_(model.parameters(), 1.0);
 */
export function clipGradNorm_(params: Iterable<Tensor>, maxNorm: number, normType = 2): number {
  const grads = [...params].map((p) => p.grad).filter((x): x is Tensor => x !== null);
  if (grads.length === 0) return 0;
  return g.noGrad(() =>
    g.tidy(() => {
      const norms = grads.map((gr) => gr.norm(normType));
      const total = normType === Infinity ? g.stack(norms).amax() : g.stack(norms).norm(normType);
      const totalValue = total.item() as number;
      const coef = maxNorm / (totalValue + 1e-6);
      if (coef < 1) for (const gr of grads) gr.mul_(coef);
      return totalValue;
    }),
  );
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
