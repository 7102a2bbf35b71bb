/**
 * What the `g.linalg` ops share: argument checks with PyTorch's messages, the
 * round trip of a batch of matrices to the host (where every decomposition is
 * computed, in float64, and cast back to the input's dtype, on every backend),
 * named-tuple results, and the small differentiable pieces their backward
 * formulas are written in (transposes, diagonals, triangles).
 */
import { noGrad } from '../../autograd/grad-mode.js';
import { ARRAY_TYPE, type DType, isFloating } from '../../dtype.js';
import { tidy } from '../../memory.js';
import { formatShape, isContiguous, numel } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { eye } from '../creation.js';
import { checkTensor, wrap } from '../dispatch.js';
import { where } from '../where.js';

/** Checks that `x` is a float tensor with at least 2 dims (a matrix or a batch of them), with PyTorch's messages. */
export function checkMatrix(op: string, x: unknown, name = 'A'): Tensor {
  const t = checkTensor(op, x, name);
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: Expected a floating point or complex tensor as input. Got ${t.dtype}`);
  if (t.ndim < 2) throw new Error(`${op}: The input tensor ${name} must have at least 2 dimensions.`);
  return t;
}

/** `checkMatrix`, and the matrices must be square (`anyDType`: of any numeric dtype, as for matrix_power). */
export function checkSquare(op: string, x: unknown, name = 'A', anyDType = false): Tensor {
  const t = anyDType ? checkTensor(op, x, name) : checkMatrix(op, x, name);
  if (t.dtype === 'bool') throw new TypeError(`${op}: not implemented for 'bool'`);
  if (t.ndim < 2) throw new Error(`${op}: The input tensor ${name} must have at least 2 dimensions.`);
  const [r, c] = t.shape.slice(-2);
  if (r !== c) throw new Error(`${op}: ${name} must be batches of square matrices, but they are ${r} by ${c} matrices`);
  return t;
}

/** The same dtype for two operands, as PyTorch's linear algebra requires (no promotion). */
export function checkSameDType(op: string, a: Tensor, b: Tensor, names = ['A', 'B']): void {
  if (a.dtype !== b.dtype) {
    throw new TypeError(
      `${op}: Expected ${names[0]} and ${names[1]} to have the same dtype, but found ${names[0]} of type ${a.dtype} and ${names[1]} of type ${b.dtype} instead`,
    );
  }
}

/** "(Batch element 3): " for a batched input, as PyTorch prefixes its per-matrix errors. */
export function batchPrefix(x: Tensor, index: number): string {
  return x.ndim > 2 ? `(Batch element ${index}): ` : '';
}

/** The batch dims of a [...batch, m, n] tensor. */
export function batchOf(x: Tensor): number[] {
  return x.shape.slice(0, -2);
}

/** A batch of matrices read back to the host, contiguous, in float64. */
export interface HostMatrices {
  data: Float64Array;
  count: number;
  rows: number;
  cols: number;
}

/**
 * Reads the matrices of `x` ([...batch, rows, cols]) to the host in float64,
 * in row-major batch order; with `shape`, of `x` reshaped and broadcast to it
 * first (`x.reshape(reshape ?? x.shape).expand(shape)`). The host linear
 * algebra runs on these on every backend (a GPU backend reads them back: the
 * sizes this serves are small, and a pivoting or iterative algorithm as
 * shaders would cost more than the round trip).
 */
export function readMatrices(x: Tensor, shape?: readonly number[], reshape?: readonly number[]): HostMatrices {
  const full = shape ?? x.shape;
  const rows = full[full.length - 2]!;
  const cols = full[full.length - 1]!;
  const count = numel(full.slice(0, -2));
  if (numel(full) === 0) return { data: new Float64Array(0), count, rows, cols };
  // The views made here are freed at once (and not recorded).
  const values = noGrad(() =>
    tidy(() =>
      (reshape ?? shape) === undefined
        ? x.dataSync()
        : x
            .reshape(reshape ?? x.shape)
            .expand(full)
            .dataSync(),
    ),
  );
  return { data: Float64Array.from(values), count, rows, cols };
}

/** Matrix i of a host batch (a view, not a copy). */
export function matrixAt(h: HostMatrices, i: number): Float64Array {
  const size = h.rows * h.cols;
  return h.data.subarray(i * size, (i + 1) * size);
}

/** A new tensor on `like`'s device holding `values` (cast to `dtype`, by default `like`'s). */
export function upload(like: Tensor, values: ArrayLike<number>, shape: readonly number[], dtype: DType = like.dtype): Tensor {
  if (values.length !== numel(shape)) throw new Error(`internal: ${values.length} values for shape ${formatShape(shape)}`);
  const array = new ARRAY_TYPE[dtype](values.length);
  for (let i = 0; i < values.length; i++) array[i] = values[i]!;
  return wrap(like, like.backend.write(array, dtype), shape, dtype);
}

/** Uploads several results; if one fails, the ones already made are freed. */
export function uploadAll(like: Tensor, parts: readonly (readonly [ArrayLike<number>, readonly number[], DType?])[]): Tensor[] {
  const out: Tensor[] = [];
  try {
    for (const [values, shape, dtype] of parts) out.push(upload(like, values, shape, dtype));
  } catch (e) {
    for (const t of out) t.dispose();
    throw e;
  }
  return out;
}

/** An array of tensors that also carries PyTorch's field names (a named tuple). */
export function named<T extends object>(values: readonly Tensor[], fields: readonly (keyof T & string)[]): T {
  const out = [...values] as unknown as Record<string, Tensor>;
  fields.forEach((f, i) => Object.defineProperty(out, f, { value: values[i], enumerable: false }));
  return out as unknown as T;
}

/** The last two dims swapped (PyTorch's `mT`). */
export function mT(x: Tensor): Tensor {
  return x.transpose(-2, -1);
}

/** The n×n identity on `like`'s device and dtype. */
export function eyeLike(n: number, like: Tensor): Tensor {
  return eye(n, { dtype: like.dtype, device: like.device });
}

/** A bool mask [rows, cols] on `like`'s device, true where `keep(i, j)`. */
export function maskLike(rows: number, cols: number, like: Tensor, keep: (i: number, j: number) => boolean): Tensor {
  const m = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m[i * cols + j] = keep(i, j) ? 1 : 0;
  return upload(like, m, [rows, cols], 'bool');
}

/** The lower triangle of the last two dims (j - i ≤ k), zero elsewhere; differentiable. */
export function tril(x: Tensor, k = 0): Tensor {
  const [r, c] = x.shape.slice(-2) as [number, number];
  return where(
    maskLike(r, c, x, (i, j) => j - i <= k),
    x,
    0,
  );
}

/** The upper triangle of the last two dims (j - i ≥ k), zero elsewhere; differentiable. */
export function triu(x: Tensor, k = 0): Tensor {
  const [r, c] = x.shape.slice(-2) as [number, number];
  return where(
    maskLike(r, c, x, (i, j) => j - i >= k),
    x,
    0,
  );
}

/** [..., n] → [..., n, n] with the vector on the diagonal; differentiable. */
export function diagEmbed(v: Tensor): Tensor {
  const n = v.shape[v.ndim - 1]!;
  return v.unsqueeze(-1).mul(eyeLike(n, v));
}

/** The main diagonal of square matrices [..., n, n] → [..., n]; differentiable. */
export function diagOf(x: Tensor): Tensor {
  const n = x.shape[x.ndim - 1]!;
  return x.mul(eyeLike(n, x)).sum(-1);
}

/** The machine epsilon of a float dtype (PyTorch's `torch.finfo(dtype).eps`). */
export function epsOf(dtype: DType): number {
  return dtype === 'float64' ? 2 ** -52 : 2 ** -23;
}

/**
 * Whether PyTorch's LU-based ops (solve, inv, det, slogdet) factor Aᵀ rather
 * than A: they do when A is contiguous (row-major), which LAPACK, being
 * column-major, reads as Aᵀ without a copy. The results are the same up to
 * rounding, but the rounding decides whether a singular matrix gives an exact
 * zero pivot (and so PyTorch's error, or det = 0), so Graft factors the same
 * matrix PyTorch does.
 */
export function factorsTranspose(A: Tensor): boolean {
  return isContiguous(A.shape, A.strides);
}

/**
 * For each index of the broadcast batch `batch` (row-major), the index of the
 * matrix of a batch `source` (broadcast to it) that it reads.
 */
export function broadcastSource(batch: readonly number[], source: readonly number[]): Int32Array {
  const count = numel(batch);
  const out = new Int32Array(count);
  const offset = batch.length - source.length;
  for (let i = 0; i < count; i++) {
    let rest = i;
    let index = 0;
    let stride = 1;
    for (let d = batch.length - 1; d >= 0; d--) {
      const coord = rest % batch[d]!;
      rest = Math.floor(rest / batch[d]!);
      const s = d - offset;
      if (s >= 0) {
        if (source[s]! !== 1) index += coord * stride;
        stride *= source[s]!;
      }
    }
    out[i] = index;
  }
  return out;
}
