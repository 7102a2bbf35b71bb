/**
 * `cdist`: the p-norm distance between each pair of rows of two batches of
 * row vectors, as `torch.cdist` — a composition (the differences, then
 * `norm` over the last dim), so its gradient is `norm`'s: 0 where a
 * distance is 0 for p = 2 (PyTorch's too), sign(diff) for p = 1, 0 for
 * p = 0. PyTorch's `compute_mode` is accepted and checked, and ignored:
 * Graft never takes the matrix-multiplication shortcut for p = 2, so its
 * distances are the direct ones (PyTorch's shortcut, used there by default
 * when either side has more than 25 rows, rounds differently and can give
 * small nonzero distances between equal rows).
 */
import { isFloating } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { parseArgs } from './args.js';
import { composite } from './composite.js';
import { checkTensor } from './dispatch.js';

/** PyTorch's values of `compute_mode` (each accepted; none changes the result here). */
const COMPUTE_MODES = ['use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist', 'donot_use_mm_for_euclid_dist'];

/** Keyword arguments of `cdist`. */
export interface CdistOptions {
  /** The norm's order, p ≥ 0 (default 2; 0 counts differing coordinates, Infinity is the largest difference). */
  p?: number;
  /** PyTorch's `compute_mode`: accepted and ignored (Graft always computes the differences directly). */
  computeMode?: 'use_mm_for_euclid_dist_if_necessary' | 'use_mm_for_euclid_dist' | 'donot_use_mm_for_euclid_dist' | null;
}

/**
 * Distances between the rows of `x1` [..., P, M] and `x2` [..., R, M]:
 * [..., P, R], batch dims broadcast.
 *
 * @example
 * g.cdist(g.tensor([[0, 0], [3, 4]]), g.tensor([[0, 0]])); // tensor([[0.], [5.]])
 * g.cdist(a, b, 1);
 * g.cdist(a, b, { p: Infinity });
 */
export function cdist(x1: Tensor, x2: Tensor, p?: number | CdistOptions, options?: CdistOptions): Tensor {
  checkTensor('cdist', x1, 'x1');
  checkTensor('cdist', x2, 'x2');
  const a = parseArgs('cdist', [p, options], ['p'], ['computeMode']);
  const order = a['p'] ?? 2;
  if (typeof order !== 'number' || Number.isNaN(order)) throw new TypeError(`cdist: argument 'p' must be a number, not ${String(order)}`);
  if (order < 0) throw new Error(`cdist only supports non-negative p values (got p=${order})`);
  const mode = a['computeMode'];
  if (mode !== undefined && mode !== null && !COMPUTE_MODES.includes(mode as string))
    throw new Error(`cdist: ${String(mode)} is not a valid value for compute_mode (expected one of ${COMPUTE_MODES.join(', ')})`);
  if (x1.ndim < 2) throw new Error(`cdist only supports at least 2D tensors, X1 got: ${x1.ndim}D`);
  if (x2.ndim < 2) throw new Error(`cdist only supports at least 2D tensors, X2 got: ${x2.ndim}D`);
  const m1 = x1.shape[x1.ndim - 1]!;
  const m2 = x2.shape[x2.ndim - 1]!;
  if (m1 !== m2) throw new Error(`cdist: X1 and X2 must have the same number of columns. X1: ${m1} X2: ${m2}`);
  if (!isFloating(x1.dtype)) throw new TypeError(`cdist only supports floating-point dtypes, X1 got: ${x1.dtype}`);
  if (!isFloating(x2.dtype)) throw new TypeError(`cdist only supports floating-point dtypes, X2 got: ${x2.dtype}`);
  // With no columns every distance is 0 (an inf norm of nothing would be an error).
  const effective = m1 === 0 ? 1 : order;
  return composite(() => x1.unsqueeze(-2).sub(x2.unsqueeze(-3)).norm(effective, -1));
}
