/**
 * Inverse and determinant: `linalg.inv` / `g.inverse`, `linalg.invEx`,
 * `linalg.det` / `g.det`, `linalg.slogdet` / `g.slogdet`, `g.logdet`. LU with
 * partial pivoting, by the backend's optional `inverse`/`slogdet` kernels or
 * on the host in float64 (backend/host-linalg.ts); PyTorch's gradients,
 * including the determinant's at singular matrices.
 */
import { isGradEnabled } from '../../autograd/grad-mode.js';
import { needsGrad, record, recordMulti } from '../../autograd/record.js';
import { hostInverse, hostSlogdet } from '../../backend/host-linalg.js';
import { type LU, luOf, luSolve } from '../../backend/host-lu.js';
import { transpose as hostTranspose } from '../../backend/host-triangular.js';
import { ARRAY_TYPE } from '../../dtype.js';
import { checkOptions } from '../../options.js';
import { numel } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { composite } from '../composite.js';
import { tensor } from '../creation.js';
import { wrap } from '../dispatch.js';
import { cat } from '../movement.js';
import { where } from '../where.js';
import { solve } from './solve.js';
import { svdImpl } from './svd.js';
import {
  batchOf,
  checkSquare,
  diagEmbed,
  epsOf,
  factorsTranspose,
  type HostMatrices,
  matrixAt,
  maskLike,
  mT,
  named,
  readMatrices,
  upload,
  uploadAll,
} from './util.js';

/** What `linalg.slogdet` returns: `[sign, logabsdet]`, also by name. */
export interface SlogdetResult extends Iterable<Tensor> {
  readonly 0: Tensor;
  readonly 1: Tensor;
  readonly length: 2;
  readonly sign: Tensor;
  readonly logabsdet: Tensor;
}

/** What `linalg.invEx` returns: `[inverse, info]`, also by name. */
export interface InvExResult extends Iterable<Tensor> {
  readonly 0: Tensor;
  readonly 1: Tensor;
  readonly length: 2;
  readonly inverse: Tensor;
  /** int32, per matrix: 0, or the (1-based) index of the first zero pivot. */
  readonly info: Tensor;
}

/** Options of `linalg.invEx`. */
export interface InvExOptions {
  /** Raise PyTorch's error for a singular matrix (default false: `info` reports it). */
  checkErrors?: boolean;
}

/**
 * The inverse of a square matrix (or of each in a batch), by LU with partial
 * pivoting; a singular matrix raises PyTorch's error. The backend's
 * `inverse` kernel where it has one, else on the host in float64.
 *
 * @example
 * g.linalg.inv(g.tensor([[2, 0], [0, 4]])).tolist(); // [[0.5, 0], [0, 0.25]]
 */
export function inverse(A: Tensor): Tensor {
  checkSquare('linalg.inv', A);
  const out = wrap(A, inverseKernel(A), A.shape, A.dtype);
  if (needsGrad(A)) {
    record(
      out,
      'LinalgInvExBackward0',
      [A],
      (g) => {
        const inv = mT(out);
        return [inv.matmul(g).matmul(inv).neg()];
      },
      [out],
    );
  }
  return out;
}

/**
 * The backend's `inverse` kernel, or (it is optional) the host's: the
 * matrices are read back and inverted in doubles. Linear algebra on small
 * matrices is cheaper so than as a shader per pivot step, and exact to the
 * last bit.
 */
function inverseKernel(x: Tensor): unknown {
  const backend = x.backend;
  if (backend.inverse !== undefined) return backend.inverse(x);
  const out = new ARRAY_TYPE[x.dtype](numel(x.shape));
  if (!factorsTranspose(x)) {
    hostInverse(backend.readSync(x.handle), x, out);
    return backend.write(out, x.dtype);
  }
  // As PyTorch for a contiguous A: invert Aᵀ (read through swapped strides), then transpose back.
  hostInverse(backend.readSync(x.handle), transposedLayout(x), out);
  const n = x.shape[x.ndim - 1]!;
  const t = new ARRAY_TYPE[x.dtype](out.length);
  for (let b = 0; b < out.length; b += n * n)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[b + j * n + i] = out[b + i * n + j]!;
  return backend.write(t, x.dtype);
}

/** x's layout with its last two strides swapped: the transposed matrices, read in place. */
function transposedLayout(x: Tensor): { shape: readonly number[]; strides: number[]; offset: number } {
  const strides = [...x.strides];
  const nd = strides.length;
  [strides[nd - 2], strides[nd - 1]] = [strides[nd - 1]!, strides[nd - 2]!];
  return { shape: x.shape, strides, offset: x.offset };
}

/** The LU factors PyTorch uses for A (matrix i of a host batch): those of Aᵀ when A is contiguous; and whether they are Aᵀ's. */
function factorsOf(A: Tensor, h: HostMatrices, i: number): { f: LU; transposed: boolean } {
  const n = h.rows;
  const transposed = factorsTranspose(A);
  return { f: luOf(transposed ? hostTranspose(matrixAt(h, i), n, n) : matrixAt(h, i), n), transposed };
}

/**
 * `linalg.inv` that reports a singular matrix in `info` instead of raising
 * (unless `{ checkErrors: true }`); where `info` is nonzero, `inverse` holds
 * non-finite values.
 *
 * @example
 * const { inverse, info } = g.linalg.invEx(g.tensor([[2, 0], [0, 4]]));
 * info.item(); // 0
 */
export function invEx(A: Tensor, options?: InvExOptions): InvExResult {
  const op = 'linalg.inv_ex';
  const o = checkOptions(op, options, ['checkErrors']);
  if (o.checkErrors !== undefined && typeof o.checkErrors !== 'boolean') {
    throw new TypeError(`${op}(): argument 'checkErrors' must be a boolean, not ${typeof o.checkErrors}`);
  }
  checkSquare(op, A);
  const h = readMatrices(A);
  const n = h.rows;
  const inv = new Float64Array(h.data.length);
  const info = new Int32Array(h.count);
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  for (let i = 0; i < h.count; i++) {
    const { f, transposed } = factorsOf(A, h, i);
    info[i] = f.singularAt + 1;
    if (f.singularAt >= 0 && o.checkErrors === true) {
      throw new Error(
        `linalg.inv: ${A.ndim > 2 ? `(Batch element ${i}): ` : ''}The diagonal element ${f.singularAt + 1} is zero, ` +
          'the inversion could not be completed because the input matrix is singular.',
      );
    }
    inv.set(luSolve(f, eye, n, n, transposed), i * n * n);
  }
  const [out, infoT] = uploadAll(A, [
    [inv, A.shape],
    [info, batchOf(A), 'int32'],
  ]) as [Tensor, Tensor];
  if (needsGrad(A)) {
    record(out, 'LinalgInvExBackward0', [A], (g) => [mT(out).matmul(g).matmul(mT(out)).neg()], [out]);
  }
  return named<InvExResult>([out, infoT], ['inverse', 'info']);
}

/** The backend's `slogdet` kernel, or (it is optional) the host's, as `inverseKernel`: sign, log|det| and det. */
function slogdetKernel(x: Tensor): [Tensor, Tensor, Tensor] {
  const backend = x.backend;
  const batch = batchOf(x);
  if (backend.slogdet !== undefined) {
    const [s, l, d] = backend.slogdet(x);
    return [wrap(x, s, batch, x.dtype), wrap(x, l, batch, x.dtype), wrap(x, d, batch, x.dtype)];
  }
  const count = numel(batch);
  const outs = [0, 1, 2].map(() => new Float64Array(count));
  // det(Aᵀ) = det(A): as PyTorch, the factors of Aᵀ when A is contiguous (see factorsTranspose).
  hostSlogdet(backend.readSync(x.handle), factorsTranspose(x) ? transposedLayout(x) : x, outs[0]!, outs[1]!, outs[2]!);
  return uploadAll(x, [
    [outs[0]!, batch],
    [outs[1]!, batch],
    [outs[2]!, batch],
  ]) as [Tensor, Tensor, Tensor];
}

/**
 * The determinant of a square matrix (or of each in a batch), by LU with
 * partial pivoting. Its gradient is PyTorch's: det·A⁻ᵀ, and at a singular
 * matrix (|det| < 100·eps) the adjugate through the SVD when the gradient is
 * itself differentiated (`createGraph`); a first-order gradient where det is
 * exactly 0 is 0, as PyTorch's (its LU solve has a zero right-hand side).
 *
 * @example
 * g.linalg.det(g.tensor([[1, 2], [3, 4]])).item(); // -2
 */
export function det(A: Tensor): Tensor {
  checkSquare('linalg.det', A);
  return composite(
    () => {
      const [sign, logabs, d] = slogdetKernel(A);
      sign.dispose();
      logabs.dispose();
      return d;
    },
    {
      name: 'LinalgDetBackward0',
      inputs: [A],
      backward: (g, out) => [detBackward(g, out, A)],
      saved: (out) => [A, out],
    },
  );
}

/** PyTorch's linalg_det_backward (see `det`). */
function detBackward(g: Tensor, d: Tensor, A: Tensor): Tensor | null {
  if (A.numel() === 0) return null;
  const n = A.shape[A.ndim - 1]!;
  if (!isGradEnabled()) {
    // First order: solve Aᵀ·X = (g·det)·I by LU; where det = 0 the right-hand side, and so X, is 0.
    const h = readMatrices(A);
    const scale = Float64Array.from(g.mul(d).reshape(-1).dataSync());
    const out = new Float64Array(h.data.length);
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    for (let i = 0; i < h.count; i++) {
      if (scale[i] === 0) continue;
      const { f, transposed } = factorsOf(A, h, i);
      const x = luSolve(f, eye, n, n, !transposed);
      for (let j = 0; j < n * n; j++) out[i * n * n + j] = x[j]! * scale[i]!;
    }
    return upload(A, out, A.shape);
  }
  // Differentiable: det·A⁻ᵀ by a solve where |det| ≥ 100·eps, the adjugate through the SVD where it is smaller.
  const eps = epsOf(A.dtype);
  const singular = Array.from(d.reshape(-1).dataSync(), (v) => Math.abs(v) < 100 * eps);
  const nonsingularPart = (a: Tensor, gd: Tensor) => solve(mT(a), diagEmbed(gd.unsqueeze(-1).expand([...gd.shape, n])));
  const singularPart = (a: Tensor, gg: Tensor) => {
    const [U, S, Vh] = svdImpl('linalg.svd', a, true);
    const alpha = det(U).mul(det(Vh)).mul(gg);
    // D_i = alpha·Π_{j≠i} S_j, by a product over a matrix with ones on its diagonal (safe for zeros).
    const others = where(
      maskLike(n, n, S, (i, j) => i === j),
      1,
      S.unsqueeze(-2).expand([...S.shape.slice(0, -1), n, n]),
    );
    const D = alpha.unsqueeze(-1).mul(others.prod(-1));
    return U.mul(D.unsqueeze(-2)).matmul(Vh);
  };
  const gd = g.mul(d);
  if (singular.every((s) => !s)) return nonsingularPart(A, gd);
  if (singular.every((s) => s)) return singularPart(A, g.expand(d.shape));
  // A batch of both: each part on its own matrices, put back in order.
  const count = singular.length;
  const flatA = A.reshape(count, n, n);
  const idx = (want: boolean) => singular.flatMap((s, i) => (s === want ? [i] : []));
  const [si, ni] = [idx(true), idx(false)];
  const pick = (t: Tensor, rows: number[]) => t.indexSelect(0, tensor(rows, { dtype: 'int32', device: A.device }));
  const parts = cat(
    [singularPart(pick(flatA, si), pick(g.expand(d.shape).reshape(-1), si)), nonsingularPart(pick(flatA, ni), pick(gd.reshape(-1), ni))],
    0,
  );
  const order = new Array<number>(count);
  [...si, ...ni].forEach((from, to) => {
    order[from] = to;
  });
  return pick(parts, order).reshape(A.shape);
}

/**
 * The sign and the log of the absolute value of the determinant of a square
 * matrix (or of each in a batch): `[sign, logabsdet]`, also by name; a
 * singular matrix gives sign 0 and logabsdet -inf. Its gradient is PyTorch's
 * (g·A⁻ᵀ through logabsdet; the sign's is zero).
 *
 * @example
 * const { sign, logabsdet } = g.linalg.slogdet(g.tensor([[0, 2], [3, 0]]));
 * sign.item(); // -1
 */
export function slogdet(A: Tensor): SlogdetResult {
  return named<SlogdetResult>(slogdetImpl('linalg.slogdet', A), ['sign', 'logabsdet']);
}

/** sign and logabsdet with their node (`LinalgSlogdetBackward0`, which the legacy `g.slogdet` records too). */
export function slogdetImpl(op: string, A: Tensor): [Tensor, Tensor] {
  checkSquare(op, A);
  const [sign, logabs, d] = slogdetKernel(A);
  d.dispose();
  if (needsGrad(A)) {
    recordMulti([sign, logabs], 'LinalgSlogdetBackward0', [A], (grads) => [slogdetBackward(grads[1], A)], [A]);
  }
  return [sign, logabs];
}

/** PyTorch's slogdet_backward for real input: g·A⁻ᵀ (by a differentiable solve under `createGraph`, else by LU). */
function slogdetBackward(g: Tensor | undefined, A: Tensor): Tensor | null {
  if (g === undefined) return null;
  const n = A.shape[A.ndim - 1]!;
  if (isGradEnabled()) return solve(mT(A), diagEmbed(g.unsqueeze(-1).expand([...g.shape, n])));
  const h = readMatrices(A);
  const scale = Float64Array.from(g.reshape(-1).dataSync());
  const out = new Float64Array(h.data.length);
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  for (let i = 0; i < h.count; i++) {
    const { f, transposed } = factorsOf(A, h, i);
    const x = luSolve(f, eye, n, n, !transposed);
    for (let j = 0; j < n * n; j++) out[i * n * n + j] = x[j]! * scale[i]!;
  }
  return upload(A, out, A.shape);
}

/**
 * log(det(A)): NaN for a negative determinant and -inf for a singular
 * matrix, as PyTorch (`where(sign == -1, nan, logabsdet)`).
 *
 * @example
 * g.tensor([[2, 0], [0, 3]]).logdet().item(); // 1.7917…
 */
export function logdet(A: Tensor): Tensor {
  checkSquare('logdet', A);
  return composite(() => {
    const [sign, logabs] = slogdetImpl('logdet', A);
    return where(sign.lt(0), NaN, logabs);
  });
}
