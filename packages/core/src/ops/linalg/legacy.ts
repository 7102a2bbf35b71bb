/**
 * The top-level linear algebra of PyTorch 1.13 that predates `torch.linalg`,
 * with its own (legacy) conventions: `g.cholesky(A, upper)`, `g.qr(A, some)`,
 * `g.svd(A, some, computeUv)` (V, not Vh; reduced by default), `g.slogdet`,
 * `g.pinverse(A, rcond)`, `g.matrixPower`, `g.matrixExp`. Each is the
 * `g.linalg` computation (on the host in float64 where that is) under its
 * legacy signature.
 */
import type { Tensor } from '../../tensor.js';
import { parseArgs } from '../args.js';
import { zeros } from '../creation.js';
import { checkTensor } from '../dispatch.js';
import { choleskyImpl } from './cholesky.js';
import { type SlogdetResult, slogdet as linalgSlogdet } from './det.js';
import { matrixExp as linalgMatrixExp, matrixPower as linalgMatrixPower } from './matrix-functions.js';
import { pinvImpl } from './pinv.js';
import { type QRResult, qrImpl } from './qr.js';
import { svdImpl } from './svd.js';
import { svdvals } from './svd.js';
import { batchOf, mT, named } from './util.js';

/** Options of `g.cholesky`. */
export interface LegacyCholeskyOptions {
  /** Return U with A = Uᵀ·U (default false: L with A = L·Lᵀ). */
  upper?: boolean;
}

/** Options of `g.qr`. */
export interface LegacyQROptions {
  /** The reduced decomposition (true, the default) or the complete one. */
  some?: boolean;
}

/** Options of `g.svd`. */
export interface LegacySVDOptions {
  /** The reduced decomposition (true, the default) or U m×m and V n×n. */
  some?: boolean;
  /** Compute U and V (default true); without them they are zero-filled m×m and n×n matrices, as PyTorch's. */
  computeUv?: boolean;
}

/** What `g.svd` returns: `[U, S, V]` (V, not Vh), also by name. */
export interface LegacySVDResult extends Iterable<Tensor> {
  readonly 0: Tensor;
  readonly 1: Tensor;
  readonly 2: Tensor;
  readonly length: 3;
  readonly U: Tensor;
  readonly S: Tensor;
  readonly V: Tensor;
}

function boolArg(op: string, name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TypeError(`${op}(): argument '${name}' must be a boolean, not ${typeof v}`);
  return v;
}

/**
 * PyTorch's legacy `torch.cholesky`: the lower Cholesky factor (or the upper
 * one with `upper`) of a symmetric positive-definite matrix, or of each in a
 * batch; prefer `g.linalg.cholesky`.
 *
 * @example
 * g.cholesky(g.tensor([[4, 2], [2, 5]])).tolist(); // [[2, 0], [1, 2]]
 */
export function cholesky(A: Tensor, upper?: boolean | LegacyCholeskyOptions, options?: LegacyCholeskyOptions): Tensor {
  const a = parseArgs('cholesky', [upper, options], ['upper']);
  return choleskyImpl('cholesky', A, boolArg('cholesky', 'upper', a['upper'], false), true, false, 'CholeskyBackward0')[0]!;
}

/**
 * PyTorch's legacy `torch.qr`: `[Q, R]`, reduced (`some`, the default) or
 * complete; prefer `g.linalg.qr`.
 *
 * @example
 * const [Q, R] = g.qr(g.tensor([[3, 1], [4, 2]]));
 */
export function qr(A: Tensor, some?: boolean | LegacyQROptions, options?: LegacyQROptions): QRResult {
  const a = parseArgs('qr', [some, options], ['some']);
  const [Q, R] = qrImpl('linalg.qr', A, boolArg('qr', 'some', a['some'], true) ? 'reduced' : 'complete');
  return named<QRResult>([Q, R], ['Q', 'R']);
}

/**
 * PyTorch's legacy `torch.svd`: `[U, S, V]` with A = U·diag(S)·Vᵀ (V, where
 * `g.linalg.svd` returns Vh), reduced by default (`some`); with
 * `computeUv: false`, U and V are zero-filled (S is still differentiable).
 * Prefer `g.linalg.svd`.
 *
 * @example
 * const { S, V } = g.svd(g.tensor([[3, 0], [0, -2]]));
 * S.tolist(); // [3, 2]
 */
export function svd(
  A: Tensor,
  some?: boolean | LegacySVDOptions,
  computeUv?: boolean | LegacySVDOptions,
  options?: LegacySVDOptions,
): LegacySVDResult {
  const a = parseArgs('svd', [some, computeUv, options], ['some', 'computeUv']);
  const reduced = boolArg('svd', 'some', a['some'], true);
  const uv = boolArg('svd', 'computeUv', a['computeUv'], true);
  checkTensor('svd', A);
  if (A.ndim < 2) throw new Error(`linalg.svd: input should have at least 2 dimensions, but has ${A.ndim} dimensions instead`);
  if (!uv) {
    const [m, n] = A.shape.slice(-2) as [number, number];
    const S = svdvals(A);
    const U = zeros([...batchOf(A), m, m], { dtype: A.dtype, device: A.device });
    const V = zeros([...batchOf(A), n, n], { dtype: A.dtype, device: A.device });
    return named<LegacySVDResult>([U, S, V], ['U', 'S', 'V']);
  }
  const [U, S, Vh] = svdImpl('linalg.svd', A, !reduced);
  const V = mT(Vh);
  Vh.dispose();
  return named<LegacySVDResult>([U, S, V], ['U', 'S', 'V']);
}

/**
 * PyTorch's `torch.slogdet` (= `g.linalg.slogdet`): `[sign, logabsdet]` of
 * the determinant of a square matrix, or of each in a batch.
 *
 * @example
 * g.slogdet(g.tensor([[0, 2], [3, 0]])).sign.item(); // -1
 */
export function slogdet(A: Tensor): SlogdetResult {
  return linalgSlogdet(A);
}

/** Options of `g.pinverse`. */
export interface PinverseOptions {
  /** Singular values at most rcond·σ₁ count as zero (default 1e-15). */
  rcond?: number;
}

/**
 * PyTorch's `torch.pinverse`: the pseudo-inverse with a relative tolerance
 * `rcond` (default 1e-15); `g.linalg.pinv` has more options.
 *
 * @example
 * g.pinverse(g.tensor([[2, 0], [0, 0]])).tolist(); // [[0.5, 0], [0, 0]]
 */
export function pinverse(A: Tensor, rcond?: number | PinverseOptions, options?: PinverseOptions): Tensor {
  const a = parseArgs('pinverse', [rcond, options], ['rcond']);
  const r = a['rcond'] ?? 1e-15;
  if (typeof r !== 'number') throw new TypeError(`pinverse(): argument 'rcond' must be a number, not ${typeof r}`);
  return pinvImpl('linalg.pinv', A, { atol: 0, rtol: r, hermitian: false });
}

/**
 * PyTorch's `torch.matrix_power` (= `g.linalg.matrixPower`).
 *
 * @example
 * g.matrixPower(g.tensor([[1, 1], [0, 1]]), 3).tolist(); // [[1, 3], [0, 1]]
 */
export function matrixPower(A: Tensor, n: number): Tensor {
  return linalgMatrixPower(A, n);
}

/**
 * PyTorch's `torch.matrix_exp` (= `g.linalg.matrixExp`).
 *
 * @example
 * g.matrixExp(g.tensor([[0, 1], [0, 0]])).tolist(); // [[1, 1], [0, 1]]
 */
export function matrixExp(A: Tensor): Tensor {
  return linalgMatrixExp(A);
}
