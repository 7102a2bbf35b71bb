/**
 * `diff`: the n-th forward difference along a dim, PyTorch's composition of
 * `narrow` and `sub` (so its gradient and node name are theirs), with
 * `prepend`/`append` concatenated first.
 */
import { formatShape, normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { parseArgs } from './args.js';
import { composite } from './composite.js';
import { checkTensor } from './dispatch.js';
import { cat } from './movement.js';

/** Options of `diff` (each also positional: `n, dim, prepend, append`). */
export interface DiffOptions {
  /** How many times to difference (default 1; 0 or less returns the input). */
  n?: number;
  /** The dim (default -1). */
  dim?: number;
  /** Values concatenated before the input along `dim` (its other dims must match). */
  prepend?: Tensor;
  /** Values concatenated after the input along `dim`. */
  append?: Tensor;
}

/**
 * `x[i + 1] − x[i]` along `dim`, `n` times — PyTorch's `diff` (for bool
 * tensors, `x[i + 1] != x[i]`).
 *
 * @example
 * g.tensor([1, 4, 9, 16]).diff().tolist(); // [3, 5, 7]
 * g.tensor([1, 4, 9, 16]).diff(2).tolist(); // [2, 2]
 */
export function diff(
  x: Tensor,
  n?: number | DiffOptions,
  dim?: number | DiffOptions,
  prepend?: Tensor | null | DiffOptions,
  append?: Tensor | null | DiffOptions,
): Tensor {
  checkTensor('diff', x);
  const a = parseArgs('diff', [n, dim, prepend, append], ['n', 'dim', 'prepend', 'append']);
  const times = a['n'] ?? 1;
  if (!Number.isSafeInteger(times)) throw new TypeError(`diff(): argument 'n' must be an integer, not ${String(times)}`);
  if (x.ndim === 0) throw new Error('diff expects input to be at least one-dimensional');
  const d = normalizeDim('diff', (a['dim'] as number | undefined) ?? -1, x.ndim);
  const parts: Tensor[] = [];
  for (const [name, t] of [
    ['prepend', a['prepend']],
    ['append', a['append']],
  ] as const) {
    if (t === undefined || t === null) continue;
    const extra = checkTensor('diff', t, name);
    if (extra.ndim !== x.ndim || extra.shape.some((s, i) => i !== d && s !== x.shape[i])) {
      throw new Error(
        `diff expects ${name} to have the input's shape except along dim ${d}: input ${formatShape(x.shape)}, ${name} ${formatShape(extra.shape)}`,
      );
    }
  }
  if (a['prepend'] instanceof Object) parts.push(a['prepend'] as Tensor);
  parts.push(x);
  if (a['append'] instanceof Object) parts.push(a['append'] as Tensor);
  if ((times as number) <= 0 && parts.length === 1) return x;
  // composite: each round's intermediates are freed, the last difference returned.
  return composite(() => {
    let y = parts.length === 1 ? x : cat(parts, d);
    for (let k = 0; k < (times as number) && y.shape[d]! > 0; k++) {
      const len = y.shape[d]! - 1;
      const after = y.narrow(d, 1, len);
      const before = y.narrow(d, 0, len);
      y = x.dtype === 'bool' ? after.ne(before) : after.sub(before);
    }
    return y;
  });
}
