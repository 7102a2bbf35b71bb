/**
 * Linear systems: `linalg.solve` (LU with partial pivoting), `linalg.solveEx`
 * and `linalg.solveTriangular`, computed on the host in float64 and cast back
 * (see util.ts), with PyTorch's gradients written in Tensor ops so that they
 * differentiate again.
 */
import { needsGrad, record, wantsGrad } from '../../autograd/record.js';
import { luOf, luSolve } from '../../backend/host-lu.js';
import { solveTriangular as hostSolveTriangular, transpose as hostTranspose } from '../../backend/host-triangular.js';
import { isFloating } from '../../dtype.js';
import { checkOptions } from '../../options.js';
import { broadcastShapes, shapesEqual } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { checkTensor } from '../dispatch.js';
import {
  batchPrefix,
  broadcastSource,
  checkMatrix,
  factorsTranspose,
  checkSameDType,
  checkSquare,
  matrixAt,
  mT,
  named,
  readMatrices,
  tril,
  triu,
  upload,
  uploadAll,
} from './util.js';

/** Options of `linalg.solve`. */
export interface SolveOptions {
  /** Solve A·X = B (true, the default) or X·A = B. */
  left?: boolean;
}

/** Options of `linalg.solveEx`. */
export interface SolveExOptions extends SolveOptions {
  /** Raise PyTorch's error for a singular matrix (default false: `info` reports it). */
  checkErrors?: boolean;
}

/** Options of `linalg.solveTriangular`. */
export interface SolveTriangularOptions {
  /** Whether A is upper (true) or lower (false) triangular; required, as in PyTorch. */
  upper: boolean;
  /** Solve A·X = B (true, the default) or X·A = B. */
  left?: boolean;
  /** Take A's diagonal as all ones (default false). */
  unitriangular?: boolean;
}

/** What `linalg.solveEx` returns: `[result, info]`, also by name. */
export interface SolveExResult extends Iterable<Tensor> {
  readonly 0: Tensor;
  readonly 1: Tensor;
  readonly length: 2;
  readonly result: Tensor;
  /** int32, per matrix: 0, or the (1-based) index of the first zero pivot of A's LU factorisation. */
  readonly info: Tensor;
}

/** PyTorch's rule: B is a (batch of) vector(s) when it is 1-D, or has A's shape without its last dim. */
export function isVectorRhs(a: Tensor, b: Tensor): boolean {
  return b.ndim === 1 || (a.ndim - 1 === b.ndim && shapesEqual(b.shape, a.shape.slice(0, -1)));
}

function boolOption(op: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${op}(): argument '${name}' must be a boolean, not ${typeof value}`);
  return value;
}

/**
 * Solves the square system A·X = B (or X·A = B with `{ left: false }`) for
 * each matrix of a batch, by LU with partial pivoting; batch dims broadcast,
 * and B may be a vector (or a batch of vectors: B of A's shape without its
 * last dim). A singular A raises PyTorch's error. Computed on the host in
 * float64 on every backend and cast back.
 *
 * @example
 * const A = g.tensor([[3, 1], [1, 2]]);
 * g.linalg.solve(A, g.tensor([9, 8])).tolist(); // [2, 3]
 */
export function solve(A: Tensor, B: Tensor, options?: SolveOptions): Tensor {
  const { left } = checkOptions('linalg.solve', options, ['left']);
  return solveImpl('linalg.solve', A, B, boolOption('linalg.solve', 'left', left, true), true).x;
}

/**
 * `linalg.solve` that reports a singular matrix in `info` instead of raising
 * (unless `{ checkErrors: true }`); where `info` is nonzero, `result` holds
 * non-finite values.
 *
 * @example
 * const [x, info] = g.linalg.solveEx(g.tensor([[1, 2], [2, 4]]), g.tensor([1, 1]));
 * info.item(); // 2
 */
export function solveEx(A: Tensor, B: Tensor, options?: SolveExOptions): SolveExResult {
  const o = checkOptions('linalg.solve_ex', options, ['left', 'checkErrors']);
  const check = boolOption('linalg.solve_ex', 'checkErrors', o.checkErrors, false);
  const { x, info } = solveImpl('linalg.solve_ex', A, B, boolOption('linalg.solve_ex', 'left', o.left, true), check);
  return named<SolveExResult>([x, info!], ['result', 'info']);
}

function solveImpl(op: string, A: Tensor, B: Tensor, left: boolean, raise: boolean): { x: Tensor; info?: Tensor } {
  checkSquare(op, A);
  const b = checkRhs(op, B);
  checkSameDType(op, A, b);
  const vector = isVectorRhs(A, b);
  if (vector && !left) throw new Error(`${op}: Vector broadcasting of B is not supported when left=False`);
  const bShape = vector ? [...b.shape, 1] : b.shape;
  const n = A.shape[A.ndim - 1]!;
  const [r, c] = bShape.slice(-2) as [number, number];
  const ok = left ? r === n : c === n;
  if (!ok) {
    throw new Error(`${op}: Incompatible shapes of A and B for the equation ${left ? 'AX = B' : 'XA = B'} (${n}x${n} and ${r}x${c})`);
  }
  const batch = broadcastShapes(op, A.shape.slice(0, -2), bShape.slice(0, -2));
  // Each of A's own matrices is factored once (info and errors are per matrix of A, as PyTorch's lu_factor), then
  // solves each right-hand side of the broadcast batch. As PyTorch, the factors are Aᵀ's when A is contiguous (see
  // factorsTranspose); they solve with A through the transposed solve.
  const ha = readMatrices(A);
  const hb = readMatrices(b, [...batch, r, c], bShape);
  const useT = factorsTranspose(A);
  const info = new Int32Array(ha.count);
  const factors = Array.from({ length: ha.count }, (_, i) => {
    const f = luOf(useT ? hostTranspose(matrixAt(ha, i), n, n) : matrixAt(ha, i), n);
    info[i] = f.singularAt + 1;
    if (f.singularAt >= 0 && raise) {
      throw new Error(`torch.${op}: ${batchPrefix(A, i)}The solver failed because the input matrix is singular.`);
    }
    return f;
  });
  const which = broadcastSource(batch, A.shape.slice(0, -2));
  const x = new Float64Array(hb.data.length);
  for (let i = 0; i < hb.count; i++) {
    const f = factors[which[i]!]!;
    // X·A = B ⇔ Aᵀ·Xᵀ = Bᵀ.
    const sol = left
      ? luSolve(f, matrixAt(hb, i), n, c, useT)
      : hostTranspose(luSolve(f, hostTranspose(matrixAt(hb, i), r, c), n, r, !useT), n, r);
    x.set(sol, i * r * c);
  }
  const outShape = vector ? [...batch, n] : [...batch, r, c];
  const [out, infoT] = uploadAll(A, [
    [x, outShape],
    [info, A.shape.slice(0, -2), 'int32'],
  ]) as [Tensor, Tensor];
  if (needsGrad(A, b)) {
    const aNeeded = wantsGrad(A);
    record(out, 'LinalgSolveExBackward0', [A, b], (g) => solveBackward(g, A, out, left, vector, aNeeded), [A, out]);
  }
  if (raise && op === 'linalg.solve') {
    infoT.dispose();
    return { x: out };
  }
  return { x: out, info: infoT };
}

/** PyTorch's linalg_solve_backward: gB = A⁻ᴴ·gX (solved, so it differentiates again), gA = -gB·Xᴴ (or -Xᴴ·gB). */
function solveBackward(g: Tensor, A: Tensor, X: Tensor, left: boolean, vector: boolean, aNeeded: boolean): (Tensor | null)[] {
  const gB = solve(mT(A), g, { left });
  if (!aNeeded) return [null, gB];
  const gBm = vector ? gB.unsqueeze(-1) : gB;
  const Xm = vector ? X.unsqueeze(-1) : X;
  return [left ? gBm.matmul(mT(Xm)).neg() : mT(Xm).matmul(gBm).neg(), gB];
}

/** B of a solve: a float tensor of at least 1 dim (a vector, or matrices). */
function checkRhs(op: string, B: unknown): Tensor {
  const t = checkTensor(op, B, 'B');
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: Expected a floating point or complex tensor as input. Got ${t.dtype}`);
  if (t.ndim < 1) throw new Error(`${op}: The input tensor B must have at least 1 dimensions.`);
  return t;
}

/**
 * Solves the triangular system A·X = B (or X·A = B with `{ left: false }`)
 * by substitution, reading only A's upper or lower triangle (`upper` is
 * required, as in PyTorch) and with `unitriangular` taking its diagonal as
 * ones; batch dims broadcast. A zero on the diagonal gives infinities, as
 * LAPACK's trtrs. Computed on the host in float64 on every backend.
 *
 * @example
 * const A = g.tensor([[2, 0], [1, 1]]);
 * g.linalg.solveTriangular(A, g.tensor([[2], [3]]), { upper: false }).tolist(); // [[1], [2]]
 */
export function solveTriangular(A: Tensor, B: Tensor, options: SolveTriangularOptions): Tensor {
  const op = 'linalg.solve_triangular';
  const o = checkOptions(op, options, ['upper', 'left', 'unitriangular']);
  if (o.upper === undefined)
    throw new TypeError(`${op}(): missing the required keyword argument 'upper' (pass { upper: true } or { upper: false })`);
  const upper = boolOption(op, 'upper', o.upper, false);
  const left = boolOption(op, 'left', o.left, true);
  const unit = boolOption(op, 'unitriangular', o.unitriangular, false);
  checkSquare(op, A);
  checkMatrix(op, B, 'B');
  checkSameDType(op, A, B);
  const n = A.shape[A.ndim - 1]!;
  const [r, c] = B.shape.slice(-2) as [number, number];
  if (left ? r !== n : c !== n) {
    throw new Error(`${op}: Incompatible shapes of A and B for the equation ${left ? 'AX = B' : 'XA = B'} (${n}x${n} and ${r}x${c})`);
  }
  const batch = broadcastShapes(op, A.shape.slice(0, -2), B.shape.slice(0, -2));
  const ha = readMatrices(A, [...batch, n, n]);
  const hb = readMatrices(B, [...batch, r, c]);
  const x = new Float64Array(hb.data.length);
  for (let i = 0; i < ha.count; i++) {
    x.set(hostSolveTriangular(matrixAt(ha, i), n, matrixAt(hb, i), left ? c : r, upper, left, unit), i * r * c);
  }
  const out = upload(A, x, [...batch, r, c]);
  if (needsGrad(A, B)) {
    const aNeeded = wantsGrad(A);
    record(
      out,
      'LinalgSolveTriangularBackward0',
      [A, B],
      (g) => {
        // gB = A⁻ᴴ·gX (Aᴴ is triangular the other way); gA = -gB·Xᴴ (or -Xᴴ·gB) projected onto A's triangle.
        const gB = solveTriangular(mT(A), g, { upper: !upper, left, unitriangular: unit });
        if (!aNeeded) return [null, gB];
        const gA = left ? gB.matmul(mT(out)).neg() : mT(out).matmul(gB).neg();
        return [upper ? triu(gA, unit ? 1 : 0) : tril(gA, unit ? -1 : 0), gB];
      },
      [A, out],
    );
  }
  return out;
}
