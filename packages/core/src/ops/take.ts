/**
 * `take` (elements of the flattened tensor at int32 indices) and
 * `takeAlongDim` (NumPy's take_along_axis: a gather with broadcasting).
 */
import { noGrad } from '../autograd/grad-mode.js';
import { needsGrad, record } from '../autograd/record.js';
import { tidy } from '../memory.js';
import { formatShape, normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { dimArg, parseArgs } from './args.js';
import { composite } from './composite.js';
import { checkTensor, commonDevice } from './dispatch.js';
import { gatherRaw, scatterAddFlat, viewOf } from './index-positions.js';
import { checkRange, clampIndex, nonNegative } from './index-slots.js';
import { gather } from './indexing.js';

/**
 * The elements of `x`, read as a 1-D tensor in row-major order, at the int32
 * `index` (any shape; negative indices count from the end): a tensor of
 * `index`'s shape (PyTorch's `take`). An index out of range raises PyTorch's
 * message (on a GPU backend at the next read). Differentiable in `x`.
 *
 * @example
 * g.take(g.tensor([[1, 2, 3], [4, 5, 6]]), g.tensor([0, -1], { dtype: 'int32' })); // tensor([1., 6.])
 */
export function take(x: Tensor, index: Tensor): Tensor {
  checkTensor('take', x);
  checkTensor('take', index, 'index');
  if (index.dtype !== 'int32') throw new TypeError(`take(): Expected a long tensor for index, but got ${index.dtype}`);
  commonDevice('take', x, index);
  const n = x.numel();
  const grad = needsGrad(x);
  const { out, positions } = tidy(() =>
    noGrad(() => {
      const host = checkRange(index, n, (v) => `out of range: tried to access index ${v} on a tensor of ${n} elements.`);
      const positions = nonNegative(index, n, host);
      const flat = x.isContiguous() ? x : x.contiguous();
      return { out: gatherRaw(x, viewOf(flat, [n], [1]), positions), positions };
    }),
  );
  if (grad) record(out, 'TakeBackward0', [x], (g) => [scatterAddFlat(n, positions, g).reshape(x.shape)], [positions]);
  positions.dispose();
  return out;
}

/** Options of `takeAlongDim` (PyTorch's keyword argument). */
export interface TakeAlongDimOptions {
  /** The dim to take along; without it both tensors are read flattened. */
  dim?: number | null;
}

/**
 * The values of `x` at `indices` along `dim` (NumPy's take_along_axis,
 * PyTorch's `take_along_dim`): `x` and `indices` are broadcast on every other
 * dim, then gathered. Without `dim`, both are flattened first. Indices are
 * int32 and must be in [0, size): negative indices are out of range, as in
 * PyTorch. Differentiable in `x`.
 *
 * @example
 * const x = g.tensor([[10, 30, 20], [60, 40, 50]]);
 * g.takeAlongDim(x, x.argmax(1, true), 1); // tensor([[30.], [60.]])
 */
export function takeAlongDim(x: Tensor, indices: Tensor, dim?: number | null | TakeAlongDimOptions, options?: TakeAlongDimOptions): Tensor {
  checkTensor('takeAlongDim', x);
  checkTensor('takeAlongDim', indices, 'indices');
  const a = parseArgs('takeAlongDim', [dim, options], ['dim']);
  const d = dimArg('takeAlongDim', a['dim'], true);
  if (indices.dtype !== 'int32') throw new TypeError(`takeAlongDim(): dtype of indices should be int32 but got ${indices.dtype}`);
  commonDevice('takeAlongDim', x, indices);
  // Checked here, naming the offending index (on a GPU too, where gather's own check cannot name it). Where
  // the check is deferred the indices are clamped, so that gather never reads outside x before it reports.
  const checked = (size: number, dim: number): Tensor => {
    const host = noGrad(() =>
      tidy(() =>
        checkRange(
          indices,
          size,
          (v) =>
            v < 0
              ? `takeAlongDim(): index ${v} is out of bounds for dimension ${dim} with size ${size} (negative indices are not allowed)`
              : `takeAlongDim(): index ${v} is out of bounds for dimension ${dim} with size ${size}`,
          false,
        ),
      ),
    );
    return host !== undefined ? indices : noGrad(() => clampIndex(indices, size));
  };
  const gathered = (idx: Tensor, parts: (idx: Tensor) => Tensor): Tensor => {
    try {
      return composite(() => parts(idx));
    } finally {
      if (idx !== indices) idx.dispose();
    }
  };
  if (d === undefined) return gathered(checked(x.numel(), 0), (idx) => gather(x.reshape(-1), 0, idx.reshape(-1)));
  if (x.ndim !== indices.ndim) {
    throw new Error(
      `takeAlongDim(): input and indices should have the same number of dimensions, but got ${x.ndim} dimensions for input, and ${indices.ndim} dimensions for indices`,
    );
  }
  const axis = normalizeDim('takeAlongDim', d, x.ndim);
  // PyTorch's broadcast: every dim but `axis` to the larger size; indices keep their size along it, x its own.
  const shape = x.shape.map((s, k) => {
    const t = indices.shape[k]!;
    if (k === axis || s === t || t === 1) return s;
    if (s === 1) return t;
    throw new Error(
      `takeAlongDim(): the size of input (${s}) must match the size of indices (${t}) at non-singleton dimension ${k} (shapes ${formatShape(x.shape)} and ${formatShape(indices.shape)})`,
    );
  });
  return gathered(checked(x.shape[axis] ?? 1, axis), (idx) =>
    gather(x.expand(shape), axis, idx.expand(shape.map((s, k) => (k === axis ? indices.shape[k]! : s)))),
  );
}
