/**
 * Norms and the condition number: `linalg.vectorNorm`, `linalg.matrixNorm`,
 * `linalg.norm`, `linalg.cond`, composed as PyTorch composes them (so their
 * graphs, and gradients, are PyTorch's): vector norms on the backend with
 * PyTorch's norm_backward (defined at zero), the spectral and nuclear norms
 * from the singular values.
 */
import { isFloating } from '../../dtype.js';
import { normalizeDim, reductionDims } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { dimsArg, dtypeArg, keepdimArg, parseArgs } from '../args.js';
import { composite } from '../composite.js';
import { zeros } from '../creation.js';
import { checkTensor } from '../dispatch.js';
import { where } from '../where.js';
import { invEx } from './det.js';
import { svdvals } from './svd.js';
import { batchOf, checkSquare } from './util.js';

/** Options of `linalg.vectorNorm`. */
export interface VectorNormOptions {
  /** The order p (default 2); ±Infinity for the max/min of |x|, 0 for the count of nonzeros. */
  ord?: number;
  /** The dims to reduce (default all). */
  dim?: number | readonly number[] | null;
  /** Keep the reduced dims, with size 1 (default false). */
  keepdim?: boolean;
  /** Cast the input to this dtype first. */
  dtype?: 'float32' | 'float64' | null;
}

/** A matrix norm's order: 'fro', 'nuc', ±1, ±2 or ±Infinity. */
export type MatrixNormOrd = 'fro' | 'nuc' | number;

/** Options of `linalg.matrixNorm`. */
export interface MatrixNormOptions {
  /** 'fro' (the default), 'nuc', ±1 (max/min column sum), ±2 (largest/smallest singular value), ±Infinity (max/min row sum). */
  ord?: MatrixNormOrd;
  /** The two dims holding the matrices (default [-2, -1]). */
  dim?: readonly number[];
  /** Keep the reduced dims, with size 1 (default false). */
  keepdim?: boolean;
  /** Cast the input to this dtype first. */
  dtype?: 'float32' | 'float64' | null;
}

/** Options of `linalg.norm`. */
export interface LinalgNormOptions {
  /** The order (default: the 2-norm of the flattened input, or the Frobenius norm). */
  ord?: MatrixNormOrd | null;
  /** One dim (a vector norm) or two (a matrix norm); default all dims. */
  dim?: number | readonly number[] | null;
  /** Keep the reduced dims, with size 1 (default false). */
  keepdim?: boolean;
  /** Cast the input to this dtype first. */
  dtype?: 'float32' | 'float64' | null;
}

function ordText(p: number): string {
  return p === Infinity ? 'inf' : p === -Infinity ? '-inf' : String(p);
}

/**
 * The p-norm of a tensor seen as a vector: over all elements, or over `dim`.
 * ord 2 (default) is √Σx², Infinity max|x|, -Infinity min|x|, 0 the count of
 * nonzeros, other p (Σ|x|ᵖ)^(1/p). The gradient is PyTorch's, including its
 * subgradient 0 at a zero norm.
 *
 * @example
 * g.linalg.vectorNorm(g.tensor([3, -4])).item(); // 5
 * g.linalg.vectorNorm(g.tensor([3, -4]), Infinity).item(); // 4
 */
export function vectorNorm(
  x: Tensor,
  ord?: number | VectorNormOptions,
  dim?: number | readonly number[] | null | VectorNormOptions,
  keepdim?: boolean | VectorNormOptions,
  options?: VectorNormOptions,
): Tensor {
  const op = 'linalg.vector_norm';
  checkTensor(op, x);
  const a = parseArgs(op, [ord, dim, keepdim, options], ['ord', 'dim', 'keepdim'], ['dtype']);
  const p = a['ord'] ?? 2;
  if (typeof p !== 'number') {
    throw new TypeError(
      `linalg_vector_norm(): argument 'ord' (position 2) must be Number, not ${typeof p === 'string' ? 'str' : typeof p}`,
    );
  }
  const dtype = dtypeArg(op, a['dtype']);
  return vectorNormImpl(x, p, dimsArg(op, a['dim']), keepdimArg(op, a['keepdim']), dtype);
}

function vectorNormImpl(x: Tensor, p: number, d: number | readonly number[] | undefined, kd: boolean, dtype?: Tensor['dtype']): Tensor {
  const op = 'linalg.vector_norm';
  if (!isFloating(x.dtype)) throw new TypeError(`${op}: Expected a floating point or complex tensor as input. Got ${x.dtype}`);
  if (dtype !== undefined && !isFloating(dtype)) throw new TypeError(`${op}: dtype should be floating point or complex, but got ${dtype}`);
  if (Number.isNaN(p)) throw new Error(`${op}: ord must not be NaN`);
  const axes = x.ndim === 0 ? [] : reductionDims(op, d, x.ndim);
  if (x.numel() === 0 && (p < 0 || p === Infinity)) {
    if (d === undefined) {
      throw new Error(`${op} cannot compute the ${ordText(p)} norm on an empty tensor because the operation does not have an identity`);
    }
    const empty = axes.find((ax) => x.shape[ax] === 0);
    if (empty !== undefined) {
      throw new Error(
        `${op} cannot compute the ${ordText(p)} norm on the dimension ${empty} because this dimension is empty and the operation does not have an identity`,
      );
    }
  }
  const src = dtype !== undefined && dtype !== x.dtype ? x.to(dtype) : x;
  const all = x.ndim === 0 ? [] : axes;
  const keptShape = x.shape.map((s, i) => (all.includes(i) ? 1 : s));
  const out = composite(
    () => {
      const v = src.detach();
      const abs = v.abs();
      if (p === 2) return v.mul(v).sum(all, kd).sqrt();
      if (p === 1) return abs.sum(all, kd);
      if (p === Infinity) return abs.amax(all, kd);
      if (p === -Infinity) return abs.amin(all, kd);
      if (p === 0) return abs.ne(0).to(v.dtype).sum(all, kd);
      return abs
        .pow(p)
        .sum(all, kd)
        .pow(1 / p);
    },
    {
      name: 'LinalgVectorNormBackward0',
      inputs: [src],
      backward: (g, norm) => {
        if (p === 0) return [null];
        const gk = kd ? g : g.reshape(keptShape);
        const nk = kd ? norm : norm.reshape(keptShape);
        if (p === 1) return [src.sign().mul(gk)];
        if (p === 2) return [gk.mul(where(nk.eq(0), 0, src.div(nk)))];
        if (!Number.isFinite(p)) {
          const absx = src.abs();
          const mask = absx.eq(nk).logicalOr(absx.isnan()).to(src.dtype);
          return [src.sign().mul(gk.div(mask.sum(all, true)).mul(mask))];
        }
        if (p < 1) {
          const scaled = src.sign().mul(where(src.eq(0), 0, src.abs().pow(p - 1)));
          return [scaled.mul(gk).mul(nk.pow(1 - p))];
        }
        const scaled = p < 2 ? src.sign().mul(src.abs().pow(p - 1)) : src.mul(src.abs().pow(p - 2));
        return [scaled.mul(where(nk.eq(0), 0, gk.div(nk.pow(p - 1))))];
      },
      saved: (norm) => [src, norm],
    },
  );
  if (src !== x) src.dispose();
  return out;
}

/** All dims but d0 and d1 in order, then d0 and d1 (PyTorch's create_dim_backshift_permutation). */
function backshift(d0: number, d1: number, ndim: number): number[] {
  const rest = Array.from({ length: ndim }, (_, i) => i).filter((i) => i !== d0 && i !== d1);
  return [...rest, d0, d1];
}

function inversePermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
}

/**
 * A matrix norm of a matrix, or of each in a batch (the matrices on `dim`,
 * by default the last two dims): 'fro' (default), 'nuc' (the sum of the
 * singular values), 2 / -2 (the largest / smallest singular value), 1 / -1
 * (the max / min column sum of |A|), Infinity / -Infinity (the max / min
 * row sum). Composed as PyTorch's, so its gradient is PyTorch's.
 *
 * @example
 * g.linalg.matrixNorm(g.tensor([[1, -2], [3, 4]]), 1).item(); // 6
 */
export function matrixNorm(
  A: Tensor,
  ord?: MatrixNormOrd | MatrixNormOptions,
  dim?: readonly number[] | MatrixNormOptions,
  keepdim?: boolean | MatrixNormOptions,
  options?: MatrixNormOptions,
): Tensor {
  const op = 'linalg.matrix_norm';
  checkTensor(op, A);
  const a = parseArgs(op, [ord, dim, keepdim, options], ['ord', 'dim', 'keepdim'], ['dtype']);
  return matrixNormImpl(
    A,
    (a['ord'] ?? 'fro') as MatrixNormOrd,
    a['dim'] ?? [-2, -1],
    keepdimArg(op, a['keepdim']),
    dtypeArg(op, a['dtype']),
  );
}

function matrixNormImpl(A: Tensor, ord: MatrixNormOrd, dim: unknown, keepdim: boolean, dtype: Tensor['dtype'] | undefined): Tensor {
  const op = 'linalg.matrix_norm';
  if (typeof ord === 'string') {
    if (ord !== 'fro' && ord !== 'nuc') throw new Error(`${op}: Order ${ord} not supported.`);
  } else if (typeof ord !== 'number' || ![1, 2, Infinity].includes(Math.abs(ord))) {
    throw new Error(`${op}: Order ${typeof ord === 'number' ? ordText(ord) : String(ord)} not supported.`);
  }
  if (A.ndim < 2) throw new Error(`${op}: The input tensor A must have at least 2 dimensions.`);
  if (!isFloating(A.dtype)) throw new TypeError(`${op}: Expected a floating point or complex tensor as input. Got ${A.dtype}`);
  if (!Array.isArray(dim) || dim.length !== 2 || !dim.every((d) => typeof d === 'number')) {
    throw new Error(`${op}: dim must be a 2-tuple. Got ${Array.isArray(dim) ? dim.join(' ') : String(dim)}`);
  }
  const d0 = normalizeDim(op, dim[0] as number, A.ndim);
  const d1 = normalizeDim(op, dim[1] as number, A.ndim);
  if (d0 === d1) throw new Error(`${op}: dims must be different. Got (${dim[0]}, ${dim[1]})`);
  if (ord === 'fro') return vectorNormImpl(A, 2, [d0, d1], keepdim, dtype);
  return composite(() => {
    const src = dtype !== undefined && dtype !== A.dtype ? A.to(dtype) : A;
    if (ord === 'nuc' || Math.abs(ord) === 2) {
      const perm = backshift(d0, d1, A.ndim);
      const s = svdvals(src.permute(perm));
      let r = ord === 'nuc' ? s.sum(-1, keepdim) : ord > 0 ? s.amax(-1, keepdim) : s.amin(-1, keepdim);
      if (keepdim) r = r.unsqueeze(-1).permute(inversePermutation(perm));
      return r;
    }
    // The 1-norm is the max column sum; the inf-norm the 1-norm of the transpose.
    let [r0, r1] = Math.abs(ord) === Infinity ? [d1, d0] : [d0, d1];
    if (!keepdim && r0 < r1) r1--;
    const sums = vectorNormImpl(src, 1, [r0], keepdim, undefined);
    return ord > 0 ? sums.amax(r1, keepdim) : sums.amin(r1, keepdim);
  });
}

/**
 * PyTorch's `linalg.norm`: without `ord`, the 2-norm of the flattened input
 * (or over `dim`); with `ord`, a vector norm for a 1-D input or one `dim`, a
 * matrix norm for a 2-D input or two dims.
 *
 * @example
 * g.linalg.norm(g.tensor([[1, 2], [2, 4]])).item(); // 5
 * g.linalg.norm(g.tensor([[1, 2], [2, 4]]), 'nuc').item(); // 5
 */
export function norm(
  A: Tensor,
  ord?: MatrixNormOrd | null | LinalgNormOptions,
  dim?: number | readonly number[] | null | LinalgNormOptions,
  keepdim?: boolean | LinalgNormOptions,
  options?: LinalgNormOptions,
): Tensor {
  const op = 'linalg.norm';
  checkTensor(op, A);
  const a = parseArgs(op, [ord, dim, keepdim, options], ['ord', 'dim', 'keepdim'], ['dtype']);
  const o = (a['ord'] ?? undefined) as MatrixNormOrd | undefined;
  const d = dimsArg(op, a['dim']);
  const kd = keepdimArg(op, a['keepdim']);
  const dtype = dtypeArg(op, a['dtype']);
  const dims = d === undefined ? undefined : typeof d === 'number' ? [d] : d;
  if (dims !== undefined) {
    if (dims.length !== 1 && dims.length !== 2)
      throw new Error(`${op}: If dim is specified, it must be of length 1 or 2. Got [${dims.join(', ')}]`);
  } else if (o !== undefined && A.ndim !== 1 && A.ndim !== 2) {
    throw new Error(`${op}: If dim is not specified but ord is, the input must be 1D or 2D. Got ${A.ndim}D.`);
  }
  if (typeof o === 'string') return matrixNormImpl(A, o, dims ?? [0, 1], kd, dtype);
  if (o !== undefined && ((dims !== undefined && dims.length === 2) || (dims === undefined && A.ndim === 2))) {
    return matrixNormImpl(A, o, dims ?? [0, 1], kd, dtype);
  }
  return vectorNormImpl(A, o ?? 2, d, kd, dtype);
}

/**
 * The condition number of a matrix (or of each in a batch) in the norm `p`:
 * None / 2 (default) σ₁/σₙ and -2 σₙ/σ₁ from the singular values (any
 * shape); 'fro', 'nuc', ±1, ±Infinity as ‖A‖·‖A⁻¹‖ (square only; infinite for
 * a singular matrix). An empty matrix gives 0, as PyTorch.
 *
 * @example
 * g.linalg.cond(g.tensor([[1, 0], [0, 4]])).item(); // 4
 */
export function cond(A: Tensor, p?: MatrixNormOrd | null): Tensor {
  const op = 'linalg.cond';
  checkTensor(op, A);
  if (A.ndim < 2) throw new Error(`${op}: The input tensor must have at least 2 dimensions.`);
  if (!isFloating(A.dtype)) throw new TypeError(`${op}: Expected a floating point or complex tensor as input. Got ${A.dtype}`);
  const ord = p ?? 2;
  const valid =
    typeof ord === 'string' ? ord === 'fro' || ord === 'nuc' : typeof ord === 'number' && [1, 2, Infinity].includes(Math.abs(ord));
  if (!valid) throw new Error(`${op} got an invalid norm type: ${typeof ord === 'number' ? ordText(ord) : String(ord)}`);
  if (ord !== 2 && ord !== -2) checkSquare(`${op}(ord=${typeof ord === 'number' ? ordText(ord) : ord})`, A);
  if (A.numel() === 0) return zeros(batchOf(A), { dtype: A.dtype, device: A.device });
  return composite(() => {
    if (ord === 2 || ord === -2 || ord === 'nuc') {
      const s = svdvals(A);
      const k = s.shape[s.ndim - 1]!;
      if (ord === 'nuc') return s.sum(-1).mul(s.reciprocal().sum(-1));
      const first = s.narrow(-1, 0, 1).squeeze(-1);
      const last = s.narrow(-1, k - 1, 1).squeeze(-1);
      return ord === 2 ? first.div(last) : last.div(first);
    }
    const { inverse: inv, info } = invEx(A);
    const masked = where(info.gt(0).unsqueeze(-1).unsqueeze(-1), Infinity, inv);
    const r = matrixNormImpl(A, ord, [-2, -1], false, undefined).mul(matrixNormImpl(masked, ord, [-2, -1], false, undefined));
    // 0·inf is NaN; PyTorch makes it inf (nan_to_num).
    return where(r.isnan(), Infinity, r);
  });
}
