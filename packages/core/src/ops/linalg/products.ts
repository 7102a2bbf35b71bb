/**
 * Products and views of `g.linalg`: `multiDot` (the chain of matrix products
 * in the order that costs fewest multiplications, as PyTorch's), `cross`
 * (the cross product along a dim of size 3, broadcasting) and `diagonal`
 * (a view of a diagonal).
 */
import { needsGrad, record } from '../../autograd/record.js';
import { isFloating } from '../../dtype.js';
import { broadcastShapes, formatShape, normalizeDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { checkOptions } from '../../options.js';
import { composite } from '../composite.js';
import { checkTensor, commonDevice } from '../dispatch.js';
import { cat } from '../movement.js';
import { where } from '../where.js';
import { maskLike } from './util.js';

/**
 * The product of a chain of matrices, parenthesised to need the fewest
 * multiplications (PyTorch's choice, including its tie-breaks). The first
 * and last tensors may be vectors (a row and a column; their dims are
 * dropped from the result); the others must be matrices.
 *
 * @example
 * const [a, b, c] = [g.ones(10, 100), g.ones(100, 5), g.ones(5, 50)];
 * g.linalg.multiDot([a, b, c]).shape; // [10, 50]
 */
export function multiDot(tensors: readonly Tensor[]): Tensor {
  const op = 'multi_dot()';
  if (!Array.isArray(tensors)) throw new TypeError(`${op}: expected a list of tensors`);
  const n = tensors.length;
  if (n < 2) throw new Error(`${op}: expected at least 2 tensors but got ${n}`);
  tensors.forEach((t, i) => checkTensor('linalg.multi_dot', t, `tensors[${i}]`));
  const first = tensors[0]!;
  const last = tensors[n - 1]!;
  if (first.ndim !== 1 && first.ndim !== 2) throw new Error(`${op}: the first tensor must be 1D or 2D but got ${first.ndim}D`);
  if (last.ndim !== 1 && last.ndim !== 2) throw new Error(`${op}: the last tensor must be 1D or 2D but got ${last.ndim}D`);
  for (let i = 1; i < n - 1; i++) {
    if (tensors[i]!.ndim !== 2) throw new Error(`${op}: tensor ${i} must be 2D but got ${tensors[i]!.ndim}D`);
  }
  for (let i = 1; i < n; i++) {
    commonDevice('linalg.multi_dot', first, tensors[i]);
    if (tensors[i]!.dtype !== first.dtype) {
      throw new TypeError(
        `${op}: all tensors must have be the same dtype but tensor 0 is ${first.dtype} and tensor ${i} is ${tensors[i]!.dtype}`,
      );
    }
  }
  if (!isFloating(first.dtype) && first.dtype !== 'int32') throw new TypeError(`${op}: not implemented for '${first.dtype}'`);
  return composite(() => {
    const mats = tensors.map((t, i) => (t.ndim === 2 ? t : i === 0 ? t.unsqueeze(0) : t.unsqueeze(1)));
    for (let i = 0; i + 1 < n; i++) {
      if (mats[i]!.shape[1] !== mats[i + 1]!.shape[0]) {
        throw new Error(
          `${op}: tensors ${i} and ${i + 1} with shapes ${formatShape(mats[i]!.shape)} and ${formatShape(mats[i + 1]!.shape)} cannot be multiplied`,
        );
      }
    }
    const result = chain(mats);
    // Drop the dims the vectors were given.
    const shape: number[] = [];
    if (first.ndim === 2) shape.push(result.shape[0]!);
    if (last.ndim === 2) shape.push(result.shape[1]!);
    return result.reshape(shape);
  });
}

/** The product of the matrices in the order of least cost (the textbook dynamic programme; first minimum on ties, as PyTorch). */
function chain(mats: readonly Tensor[]): Tensor {
  const n = mats.length;
  if (n === 2) return mats[0]!.mm(mats[1]!);
  const p = [mats[0]!.shape[0]!, ...mats.map((m) => m.shape[1]!)];
  if (n === 3) {
    const [a, b, c, d] = p as [number, number, number, number];
    const cost1 = a * c * (b + d);
    const cost2 = b * d * (a + c);
    return cost1 > cost2 ? mats[0]!.mm(mats[1]!.mm(mats[2]!)) : mats[0]!.mm(mats[1]!).mm(mats[2]!);
  }
  const cost = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const split = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let len = 1; len < n; len++) {
    for (let i = 0; i + len < n; i++) {
      const j = i + len;
      cost[i]![j] = Infinity;
      for (let k = i; k < j; k++) {
        const q = cost[i]![k]! + cost[k + 1]![j]! + p[i]! * p[k + 1]! * p[j + 1]!;
        if (q < cost[i]![j]!) {
          cost[i]![j] = q;
          split[i]![j] = k;
        }
      }
    }
  }
  const product = (i: number, j: number): Tensor => {
    if (i === j) return mats[i]!;
    const k = split[i]![j]!;
    return product(i, k).mm(product(k + 1, j));
  };
  return product(0, n - 1);
}

/** Options of `linalg.cross`. */
export interface CrossOptions {
  /** The dim of size 3 (default -1). */
  dim?: number;
}

/**
 * The cross product of 3-vectors along `dim` (default -1); the other dims
 * broadcast.
 *
 * @example
 * g.linalg.cross(g.tensor([1, 0, 0]), g.tensor([0, 1, 0])).tolist(); // [0, 0, 1]
 */
export function cross(a: Tensor, b: Tensor, options?: CrossOptions): Tensor {
  const op = 'linalg.cross';
  const o = checkOptions(op, options, ['dim']);
  checkTensor(op, a, 'input');
  checkTensor(op, b, 'other');
  commonDevice(op, a, b);
  if (a.ndim !== b.ndim) throw new Error(`${op}: inputs must have the same number of dimensions.`);
  if (a.dtype !== b.dtype) throw new TypeError(`${op}: expected input and other to have the same dtype, but got ${a.dtype} and ${b.dtype}`);
  if (a.dtype === 'bool') throw new TypeError(`${op}: not implemented for 'bool'`);
  const dim = o.dim ?? -1;
  const d = normalizeDim(op, dim, a.ndim);
  if (a.shape[d] !== 3 || b.shape[d] !== 3) {
    throw new Error(`${op}: inputs dimension ${dim} must have length 3. Got ${a.shape[d]} and ${b.shape[d]}`);
  }
  broadcastShapes(op, a.shape, b.shape);
  const compute = (x: Tensor, y: Tensor) => {
    const c = (t: Tensor, i: number) => t.narrow(d, i, 1);
    return cat(
      [
        c(x, 1)
          .mul(c(y, 2))
          .sub(c(x, 2).mul(c(y, 1))),
        c(x, 2)
          .mul(c(y, 0))
          .sub(c(x, 0).mul(c(y, 2))),
        c(x, 0)
          .mul(c(y, 1))
          .sub(c(x, 1).mul(c(y, 0))),
      ],
      d,
    );
  };
  return composite(() => compute(a.detach(), b.detach()), {
    name: 'LinalgCrossBackward0',
    inputs: [a, b],
    // d(a × b) = da × b + a × db: ga = b × g, gb = g × a.
    backward: (g) => [cross(b, g, { dim: d }), cross(g, a, { dim: d })],
    saved: () => [a, b],
  });
}

/** Options of `linalg.diagonal`. */
export interface DiagonalOptions {
  /** Which diagonal: 0 the main one (default), > 0 above it, < 0 below it. */
  offset?: number;
  /** The first dim of the matrices (default -2). */
  dim1?: number;
  /** The second dim of the matrices (default -1). */
  dim2?: number;
}

/**
 * A diagonal of the matrices on `dim1` and `dim2` (default the last two) as a
 * view: those dims removed and the diagonal appended as the last dim, as
 * PyTorch's `linalg.diagonal`.
 *
 * @example
 * g.linalg.diagonal(g.tensor([[1, 2], [3, 4]])).tolist(); // [1, 4]
 * g.linalg.diagonal(g.tensor([[1, 2], [3, 4]]), { offset: 1 }).tolist(); // [2]
 */
export function diagonal(A: Tensor, options?: DiagonalOptions): Tensor {
  const op = 'linalg.diagonal';
  const o = checkOptions(op, options, ['offset', 'dim1', 'dim2']);
  checkTensor(op, A);
  const offset = o.offset ?? 0;
  if (!Number.isInteger(offset)) throw new TypeError(`${op}(): argument 'offset' must be an integer, not ${String(offset)}`);
  const d1 = normalizeDim(op, o.dim1 ?? -2, A.ndim);
  const d2 = normalizeDim(op, o.dim2 ?? -1, A.ndim);
  if (d1 === d2) throw new Error(`diagonal dimensions cannot be identical ${o.dim1 ?? -2}, ${o.dim2 ?? -1}`);
  const rows = A.shape[d1]!;
  const cols = A.shape[d2]!;
  const length = Math.max(0, offset >= 0 ? Math.min(rows, cols - offset) : Math.min(rows + offset, cols));
  const start = length === 0 ? 0 : offset >= 0 ? offset * A.strides[d2]! : -offset * A.strides[d1]!;
  const keep = A.shape.map((_, i) => i).filter((i) => i !== d1 && i !== d2);
  const out = A.viewWithLayout(
    [...keep.map((i) => A.shape[i]!), length],
    [...keep.map((i) => A.strides[i]!), A.strides[d1]! + A.strides[d2]!],
    A.offset + start,
    'diagonal',
  );
  if (needsGrad(A)) record(out, 'DiagonalBackward0', [A], (g) => [diagonalBackward(g, A.shape, offset, d1, d2, keep)]);
  return out;
}

/** The gradient of a diagonal view: g on that diagonal, zero elsewhere (differentiable in g). */
function diagonalBackward(g: Tensor, shape: readonly number[], offset: number, d1: number, d2: number, keep: readonly number[]): Tensor {
  const rows = shape[d1]!;
  const cols = shape[d2]!;
  const length = g.shape[g.ndim - 1]!;
  // In [...keep, rows, cols] order: entry (i, j) on the diagonal takes g[..., offset >= 0 ? i : j].
  const along = offset >= 0 ? g.pad([0, rows - length]).unsqueeze(-1) : g.pad([0, cols - length]).unsqueeze(-2);
  const full = where(
    maskLike(rows, cols, g, (i, j) => j - i === offset),
    along.expand([...g.shape.slice(0, -1), rows, cols]),
    0,
  );
  // Back to A's dim order.
  const order = [...keep, d1, d2];
  const inverse = new Array<number>(order.length);
  order.forEach((from, to) => {
    inverse[from] = to;
  });
  return full.permute(inverse);
}
