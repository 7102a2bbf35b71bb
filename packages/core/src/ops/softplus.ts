/** `softplus` (PyTorch's `F.softplus`), in core so that `@graft/nn` and users share one implementation. */
import { isFloating } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { parseArgs } from './args.js';
import { composite } from './composite.js';
import { checkTensor } from './dispatch.js';
import { where } from './elementwise.js';

/** Options of `softplus` (PyTorch's keyword arguments). */
export interface SoftplusOptions {
  /** The sharpness β (default 1): softplus is log(1 + e^(βx)) / β. */
  beta?: number;
  /** Above β·x > threshold the result is x itself (default 20), as PyTorch, for numerical stability. */
  threshold?: number;
}

/**
 * The smooth ReLU `log(1 + e^(βx)) / β`, and `x` itself where `βx >
 * threshold` (PyTorch's `F.softplus`, with its values and gradient there).
 * Floating tensors only, as in PyTorch.
 *
 * @example
 * g.softplus(g.tensor([-1, 0, 30])); // tensor([ 0.3133,  0.6931, 30.0000])
 * g.softplus(g.tensor([1]), { beta: 2 }); // tensor([1.0635])
 */
export function softplus(x: Tensor, beta?: number | SoftplusOptions, threshold?: number, options?: SoftplusOptions): Tensor {
  checkTensor('softplus', x);
  const args = parseArgs('softplus', [beta, threshold, options], ['beta', 'threshold']);
  const b = (args['beta'] ?? 1) as number;
  const t = (args['threshold'] ?? 20) as number;
  if (typeof b !== 'number' || typeof t !== 'number') throw new TypeError('softplus(): beta and threshold must be numbers');
  if (!isFloating(x.dtype)) throw new TypeError(`softplus(): not implemented for '${x.dtype}' (convert with .float() first)`);
  return composite(
    () => {
      const bx = x.mul(b);
      return where(bx.gt(t), x, bx.exp().log1p().div(b));
    },
    {
      name: 'SoftplusBackward0',
      inputs: [x],
      saved: () => [x],
      backward: (g) => [softplusBackward(g, x, b, t)],
    },
  );
}

/**
 * PyTorch's softplus_backward: `g · σ(βx)` below the threshold, `g` above,
 * recorded with PyTorch's own second derivative (softplus_double_backward,
 * which is 0 at βx = threshold, where the first derivative's branch is still
 * the smooth one).
 */
function softplusBackward(g: Tensor, x: Tensor, b: number, t: number): Tensor {
  return composite(
    () => {
      const bx = x.mul(b);
      const z = bx.exp();
      return where(bx.gt(t), g, g.mul(z).div(z.add(1)));
    },
    {
      name: 'SoftplusBackwardBackward0',
      inputs: [g, x],
      saved: () => [g, x],
      backward: (gg) => {
        const bx = x.mul(b);
        const s = bx.sigmoid();
        // softplus_double_backward(gg · g, x): sigmoid_backward(gg · g, σ(βx)) · (βx < threshold) · β.
        const second = gg.mul(g).mul(s.neg().add(1)).mul(s).mul(bx.lt(t)).mul(b);
        return [softplusBackward(gg, x, b, t), second];
      },
    },
  );
}
