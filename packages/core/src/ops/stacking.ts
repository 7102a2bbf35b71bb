/**
 * NumPy-style joining and broadcasting shorthands PyTorch has: `hstack`,
 * `vstack`/`rowStack`, `dstack`, `columnStack`, `atleast1d/2d/3d`,
 * `broadcastTo`, `broadcastTensors`, `broadcastShapes`, `flipud`, `fliplr`.
 * Each is PyTorch's composition of `cat`, `reshape`, `expand` and `flip`
 * (so gradients and node names are theirs: `CatBackward0`, `ExpandBackward0`, …).
 */
import { broadcastShapes as broadcastTwo, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { composite } from './composite.js';
import { checkTensor } from './dispatch.js';
import { cat, expand, flip } from './movement.js';

/** The tensors of a `*stack` call: one array (PyTorch's tuple) of tensors, at least one. */
function tensorList(op: string, tensors: unknown): Tensor[] {
  if (!Array.isArray(tensors)) throw new TypeError(`${op}(): argument 'tensors' must be an array of Tensors, not ${typeof tensors}`);
  if (tensors.length === 0) throw new Error(`${op} expects a non-empty TensorList`);
  return tensors.map((t, i) => checkTensor(op, t, `tensors[${i}]`));
}

/** `x` with at least `n` dims, as NumPy's atleast_nd: a 0-d tensor becomes [1, …], a 1-D one [1, n] (and [1, n, 1] for 3). */
function atLeast(x: Tensor, n: 1 | 2 | 3): Tensor {
  if (x.ndim >= n) return x;
  if (x.ndim === 0) return x.reshape(Array<number>(n).fill(1));
  if (x.ndim === 1) return n === 2 ? x.unsqueeze(0) : x.unsqueeze(0).unsqueeze(2);
  return x.unsqueeze(2); // 2-D to 3-D
}

function atLeastAll(op: string, n: 1 | 2 | 3, tensors: readonly unknown[]): Tensor | Tensor[] {
  const list = tensors.length === 1 && Array.isArray(tensors[0]) ? (tensors[0] as unknown[]) : tensors;
  const checked = list.map((t, i) => checkTensor(op, t, `tensors[${i}]`));
  // composite: a 1-D input's intermediate unsqueeze (on the way to 3-D) is freed.
  const out = composite(() => checked.map((t) => atLeast(t, n)));
  return tensors.length === 1 && !Array.isArray(tensors[0]) ? out[0]! : out;
}

/**
 * Each tensor with at least one dim (0-d ones become [1]); one tensor in,
 * one out, several (or an array) in, an array out — PyTorch's `atleast_1d`.
 *
 * @example
 * g.atleast1d(g.tensor(5)).shape; // [1]
 */
export function atleast1d(...tensors: (Tensor | readonly Tensor[])[]): Tensor | Tensor[] {
  return atLeastAll('atleast1d', 1, tensors);
}

/**
 * Each tensor with at least two dims (0-d: [1, 1], 1-D [n]: [1, n]) — PyTorch's `atleast_2d`.
 *
 * @example
 * g.atleast2d(g.tensor([1, 2])).shape; // [1, 2]
 */
export function atleast2d(...tensors: (Tensor | readonly Tensor[])[]): Tensor | Tensor[] {
  return atLeastAll('atleast2d', 2, tensors);
}

/**
 * Each tensor with at least three dims (1-D [n]: [1, n, 1], 2-D [m, n]: [m, n, 1]) — PyTorch's `atleast_3d`.
 *
 * @example
 * g.atleast3d(g.ones(2, 3)).shape; // [2, 3, 1]
 */
export function atleast3d(...tensors: (Tensor | readonly Tensor[])[]): Tensor | Tensor[] {
  return atLeastAll('atleast3d', 3, tensors);
}

/**
 * Concatenates column-wise: along dim 1, or dim 0 when every tensor is 1-D
 * (0-d tensors count as [1]) — PyTorch's `hstack`.
 *
 * @example
 * g.hstack([g.tensor([1, 2]), g.tensor([3])]).tolist(); // [1, 2, 3]
 * g.hstack([g.ones(2, 1), g.zeros(2, 2)]).shape; // [2, 3]
 */
export function hstack(tensors: readonly Tensor[]): Tensor {
  const checked = tensorList('hstack', tensors);
  // composite: the reshaped views are freed once concatenated.
  return composite(() => {
    const list = checked.map((t) => atLeast(t, 1));
    return cat(list, list[0]!.ndim === 1 ? 0 : 1);
  });
}

/**
 * Concatenates row-wise, 1-D tensors [n] taken as rows [1, n] — PyTorch's `vstack` (and `row_stack`).
 *
 * @example
 * g.vstack([g.tensor([1, 2]), g.tensor([3, 4])]).shape; // [2, 2]
 */
export function vstack(tensors: readonly Tensor[]): Tensor {
  const checked = tensorList('vstack', tensors);
  return composite(() =>
    cat(
      checked.map((t) => atLeast(t, 2)),
      0,
    ),
  );
}

/** PyTorch's `row_stack`: {@link vstack}. @example g.rowStack([g.ones(2), g.zeros(2)]).shape; // [2, 2] */
export const rowStack = vstack;

/**
 * Concatenates depth-wise (along dim 2), after `atleast3d` — PyTorch's `dstack`.
 *
 * @example
 * g.dstack([g.ones(2, 3), g.zeros(2, 3)]).shape; // [2, 3, 2]
 */
export function dstack(tensors: readonly Tensor[]): Tensor {
  const checked = tensorList('dstack', tensors);
  return composite(() =>
    cat(
      checked.map((t) => atLeast(t, 3)),
      2,
    ),
  );
}

/**
 * Stacks 1-D tensors (and 0-d ones) as columns of a 2-D result, and
 * concatenates 2-D ones along dim 1 — PyTorch's `column_stack`.
 *
 * @example
 * g.columnStack([g.tensor([1, 2]), g.tensor([3, 4])]).tolist(); // [[1, 3], [2, 4]]
 */
export function columnStack(tensors: readonly Tensor[]): Tensor {
  const checked = tensorList('columnStack', tensors);
  return composite(() =>
    cat(
      checked.map((t) => (t.ndim <= 1 ? t.reshape([t.numel(), 1]) : t)),
      1,
    ),
  );
}

/**
 * `x` broadcast to `shape` (a view, -1 keeping a size) — PyTorch's `broadcast_to`, which is `expand`.
 *
 * @example
 * g.broadcastTo(g.tensor([1, 2]), [3, 2]).shape; // [3, 2]
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('broadcastTo', x);
  if (!Array.isArray(shape)) throw new TypeError(`broadcastTo(): argument 'size' must be an array of sizes, not ${typeof shape}`);
  return expand(x, shape);
}

/**
 * The shape the given shapes broadcast to (PyTorch's `broadcast_shapes`);
 * an error naming them when they do not.
 *
 * @example
 * g.broadcastShapes([2, 1], [3]); // [2, 3]
 */
export function broadcastShapes(...shapes: (readonly number[] | number)[]): number[] {
  let out: number[] = [];
  for (const s of shapes) {
    const shape = typeof s === 'number' ? [s] : s;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      throw new TypeError(`broadcastShapes(): expected shapes (arrays of non-negative integers), got ${JSON.stringify(s)}`);
    }
    out = broadcastTwo('broadcastShapes', out, shape);
  }
  return out;
}

/**
 * The tensors expanded to their common broadcast shape (views) — PyTorch's `broadcast_tensors`.
 *
 * @example
 * const [a, b] = g.broadcastTensors(g.ones(2, 1), g.zeros(3)); // both [2, 3]
 */
export function broadcastTensors(...tensors: (Tensor | readonly Tensor[])[]): Tensor[] {
  const list = (tensors.length === 1 && Array.isArray(tensors[0]) ? tensors[0] : tensors) as unknown[];
  const checked = list.map((t, i) => checkTensor('broadcastTensors', t, `tensors[${i}]`));
  const shape = broadcastShapes(...checked.map((t) => t.shape));
  return checked.map((t) => expand(t, shape));
}

/**
 * Reverses the rows (dim 0) — PyTorch's `flipud`; needs at least one dim.
 *
 * @example
 * g.flipud(g.tensor([1, 2, 3])).tolist(); // [3, 2, 1]
 */
export function flipud(x: Tensor): Tensor {
  checkTensor('flipud', x);
  if (x.ndim < 1) throw new Error(`flipud(): Input must be >= 1-d. (got a tensor of shape ${formatShape(x.shape)})`);
  return flip(x, [0]);
}

/**
 * Reverses the columns (dim 1) — PyTorch's `fliplr`; needs at least two dims.
 *
 * @example
 * g.fliplr(g.tensor([[1, 2], [3, 4]])).tolist(); // [[2, 1], [4, 3]]
 */
export function fliplr(x: Tensor): Tensor {
  checkTensor('fliplr', x);
  if (x.ndim < 2) throw new Error(`fliplr(): Input must be >= 2-d. (got a tensor of shape ${formatShape(x.shape)})`);
  return flip(x, [1]);
}
