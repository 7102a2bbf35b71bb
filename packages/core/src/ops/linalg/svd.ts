/**
 * The singular value decomposition, `linalg.svd` and `linalg.svdvals`:
 * one-sided Jacobi on the host in float64 (see util.ts), singular values in
 * descending order as PyTorch's; PyTorch's gradient (its svd_backward).
 */
import { needsGrad, recordMulti } from '../../autograd/record.js';
import { svd as hostSvd } from '../../backend/host-eigen.js';
import { parseArgs } from '../args.js';
import type { Tensor } from '../../tensor.js';
import { batchOf, checkMatrix, diagEmbed, eyeLike, matrixAt, mT, named, readMatrices, uploadAll } from './util.js';

/** Options of `linalg.svd`. */
export interface SVDOptions {
  /** U m×m and Vh n×n (true, the default) or U m×k and Vh k×n, k = min(m, n). */
  fullMatrices?: boolean;
  /** A CUDA-only choice of solver in PyTorch; only null (the default) is accepted. */
  driver?: string | null;
}

/** Options of `linalg.svdvals`. */
export interface SvdvalsOptions {
  /** A CUDA-only choice of solver in PyTorch; only null (the default) is accepted. */
  driver?: string | null;
}

/** What `linalg.svd` returns: `[U, S, Vh]`, also by name. */
export interface SVDResult extends Iterable<Tensor> {
  readonly 0: Tensor;
  readonly 1: Tensor;
  readonly 2: Tensor;
  readonly length: 3;
  readonly U: Tensor;
  readonly S: Tensor;
  readonly Vh: Tensor;
}

function checkDriver(op: string, driver: unknown): void {
  if (driver !== undefined && driver !== null) {
    throw new Error(`${op}: keyword argument \`driver=\` is only supported on CUDA inputs with cuSOLVER backend.`);
  }
}

/**
 * The singular value decomposition A = U·diag(S)·Vh of a matrix, or of each
 * in a batch: S descending; with `fullMatrices` (the default) U is m×m and Vh
 * n×n, otherwise m×k and k×n. The signs of the singular vectors (a column of
 * U with the matching row of Vh) are arbitrary, as in PyTorch. Computed on
 * the host in float64 on every backend.
 *
 * @example
 * const [U, S, Vh] = g.linalg.svd(g.tensor([[3, 0], [0, -2]]));
 * S.tolist(); // [3, 2]
 */
export function svd(A: Tensor, fullMatrices?: boolean | SVDOptions, options?: SVDOptions): SVDResult {
  const a = parseArgs('linalg.svd', [fullMatrices, options], ['fullMatrices'], ['driver']);
  checkDriver('torch.linalg.svd', a['driver']);
  const full = a['fullMatrices'] ?? true;
  if (typeof full !== 'boolean') throw new TypeError(`linalg.svd(): argument 'fullMatrices' must be a boolean, not ${typeof full}`);
  return named<SVDResult>(svdImpl('linalg.svd', A, full), ['U', 'S', 'Vh']);
}

/**
 * The singular values of a matrix (or of each in a batch), in descending
 * order. Its gradient is PyTorch's (through the singular vectors, computed
 * alongside).
 *
 * @example
 * g.linalg.svdvals(g.tensor([[3, 0], [0, -2]])).tolist(); // [3, 2]
 */
export function svdvals(A: Tensor, options?: SvdvalsOptions): Tensor {
  const a = parseArgs('linalg.svdvals', [options], [], ['driver']);
  checkDriver('torch.linalg.svdvals', a['driver']);
  const [U, S, Vh] = svdImpl('linalg.svdvals', A, false);
  // The singular vectors stay alive only as long as the graph saves them.
  U.dispose();
  Vh.dispose();
  return S;
}

/** U, S, Vh and their node (`LinalgSvdBackward0`, which the legacy `g.svd` records too). */
export function svdImpl(op: string, A: Tensor, full: boolean): [Tensor, Tensor, Tensor] {
  checkMatrix(op, A);
  const h = readMatrices(A);
  const { rows: m, cols: n } = h;
  const k = Math.min(m, n);
  const uCols = full ? m : k;
  const vRows = full ? n : k;
  const u = new Float64Array(h.count * m * uCols);
  const s = new Float64Array(h.count * k);
  const vh = new Float64Array(h.count * vRows * n);
  for (let i = 0; i < h.count; i++) {
    const r = hostSvd(matrixAt(h, i), m, n, full, op);
    u.set(r.u, i * m * uCols);
    s.set(r.s, i * k);
    vh.set(r.vh.subarray(0, vRows * n), i * vRows * n);
  }
  const batch = batchOf(A);
  const [U, S, Vh] = uploadAll(A, [
    [u, [...batch, m, uCols]],
    [s, [...batch, k]],
    [vh, [...batch, vRows, n]],
  ]) as [Tensor, Tensor, Tensor];
  if (needsGrad(A)) {
    recordMulti([U, S, Vh], 'LinalgSvdBackward0', [A], (grads) => [svdBackward(grads, U, S, Vh, full, k)], [U, S, Vh]);
  }
  return [U, S, Vh];
}

/**
 * PyTorch's svd_backward (with full matrices, on the first k columns of U and
 * rows of Vh, as its derivatives.yaml narrows them). For real input the
 * singular vectors are determined up to a joint sign, which no loss can see
 * through a smooth function, so the gauge check PyTorch makes for complex
 * input has nothing to check here. With E_jk = S_k² − S_j² off the diagonal:
 * gA = U·[(skew(Uᵀ·gU)/E)·S + S·(skew(Vᵀ·gV)/E) + diag(gS)]·Vh, plus
 * (I − U·Uᵀ)·gU·S⁻¹·Vh when m > n, or U·S⁻¹·gVh·(I − V·Vh) when m < n.
 */
function svdBackward(grads: readonly (Tensor | undefined)[], U0: Tensor, S: Tensor, Vh0: Tensor, full: boolean, k: number): Tensor | null {
  let [gU, gS, gVh] = grads;
  if (gU === undefined && gS === undefined && gVh === undefined) return null;
  const U = full ? U0.narrow(-1, 0, k) : U0;
  const Vh = full ? Vh0.narrow(-2, 0, k) : Vh0;
  if (full && gU !== undefined) gU = gU.narrow(-1, 0, k);
  if (full && gVh !== undefined) gVh = gVh.narrow(-2, 0, k);
  const m = U.shape[U.ndim - 2]!;
  const n = Vh.shape[Vh.ndim - 1]!;
  if (gU === undefined && gVh === undefined) {
    return m >= n ? U.matmul(gS!.unsqueeze(-1).mul(Vh)) : U.mul(gS!.unsqueeze(-2)).matmul(Vh);
  }
  const skew = (X: Tensor) => X.sub(mT(X));
  const S2 = S.mul(S);
  const E = S2.unsqueeze(-2).sub(S2.unsqueeze(-1)).add(eyeLike(k, S));
  let inner: Tensor;
  if (gU !== undefined && gVh !== undefined) {
    const uhgu = skew(mT(U).matmul(gU));
    const vhgv = skew(Vh.matmul(mT(gVh)));
    inner = uhgu.mul(S.unsqueeze(-2)).add(S.unsqueeze(-1).mul(vhgv)).div(E);
  } else if (gU !== undefined) {
    inner = skew(mT(U).matmul(gU)).div(E).mul(S.unsqueeze(-2));
  } else {
    inner = S.unsqueeze(-1).mul(skew(Vh.matmul(mT(gVh!))).div(E));
  }
  if (gS !== undefined) inner = inner.add(diagEmbed(gS));
  if (m > n && gU !== undefined) {
    let gA = U.matmul(inner);
    const gUSinv = gU.div(S.unsqueeze(-2));
    gA = gA.add(gUSinv).sub(U.matmul(mT(U).matmul(gUSinv)));
    return gA.matmul(Vh);
  }
  if (m < n && gVh !== undefined) {
    let gA = inner.matmul(Vh);
    const SinvgVh = gVh.div(S.unsqueeze(-1));
    gA = gA.add(SinvgVh).sub(SinvgVh.matmul(mT(Vh)).matmul(Vh));
    return U.matmul(gA);
  }
  return m >= n ? U.matmul(inner.matmul(Vh)) : U.matmul(inner).matmul(Vh);
}
