/**
 * Tensor contractions besides einsum: tensordot, inner, vdot, kron, cross,
 * ger and the deprecated chainMatmul. Each is PyTorch 1.13's composition
 * (aten/src/ATen/native/Linear.cpp, LinearAlgebra.cpp) on Graft's ops, so its
 * gradient is that composition's, or (vdot, cross) derivatives.yaml's rule.
 */
import type { DType } from '../dtype.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { parseArgs } from './args.js';
import { composite } from './composite.js';
import { checkTensor, commonDevice, isTensor } from './dispatch.js';
import { mul, sub } from './elementwise.js';
import { exactFloat, int32Exact } from './integer.js';
import { dot, mm, outer } from './linalg.js';
import { matrixChainProduct } from './matrix-chain.js';
import { cat } from './movement.js';
import { castTo } from './promotion.js';

/** PyTorch's names of dtypes, in the messages PyTorch users search for. */
const TORCH_DTYPE_NAME: Record<DType, string> = { float32: 'Float', float64: 'Double', int32: 'Long', bool: 'Bool' };

/** The dtype check of a matrix product (PyTorch's message, then Graft's dtypes). */
function checkSameDType(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new TypeError(
      `${op}: expected scalar type ${TORCH_DTYPE_NAME[a.dtype]} but found ${TORCH_DTYPE_NAME[b.dtype]} ` +
        `(${a.dtype} and ${b.dtype}: a matrix product takes one dtype; cast one with .to())`,
    );
  }
}

/** A dim wrapped into [0, ndim) with PyTorch's message (its IndexError). */
function wrapDim(op: string, dim: number, ndim: number): number {
  const rank = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -rank || dim >= rank) {
    throw new RangeError(`${op}: Dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + rank : dim;
}

/** Options of `tensordot`. */
export interface TensordotOptions {
  /**
   * The dims to contract: a number `n` (the last `n` dims of `a` with the
   * first `n` of `b`; 2 by default) or two lists, `[dimsOfA, dimsOfB]` (or
   * an int32 tensor holding either).
   */
  dims?: number | readonly [readonly number[], readonly number[]] | Tensor;
}

/**
 * The sum of products over the dims `dims` names, as `torch.tensordot`: the
 * result has `a`'s other dims, then `b`'s. One matrix product (size-1 dims
 * contracted with larger ones broadcast, as in PyTorch).
 *
 * @example
 * g.tensordot(g.ones(2, 3, 4), g.ones(3, 4, 5)).shape;                    // [2, 5] (dims = 2)
 * g.tensordot(g.ones(2, 3, 4), g.ones(4, 3, 5), { dims: [[1, 2], [1, 0]] }).shape; // [2, 5]
 */
export function tensordot(
  a: Tensor,
  b: Tensor,
  dims?: number | readonly [readonly number[], readonly number[]] | Tensor | TensordotOptions,
  options?: TensordotOptions,
): Tensor {
  checkTensor('tensordot', a, 'a');
  checkTensor('tensordot', b, 'b');
  commonDevice('tensordot', a, b);
  const given = parseArgs('tensordot', [dims, options], ['dims'])['dims'] ?? 2;
  const [dimsA, dimsB] = tensordotDims(given);
  if (dimsA.length !== dimsB.length)
    throw new Error(`tensordot: both dimension lists should have same length (got ${formatShape(dimsA)} and ${formatShape(dimsB)})`);
  return composite(() => tensordotLowered('tensordot', a, b, dimsA, dimsB));
}

/** `dims` as two lists: an int n is the last n dims of a with the first n of b. */
function tensordotDims(dims: unknown): [number[], number[]] {
  // A tensor of dims, as PyTorch accepts: one number, or two rows of dims.
  if (isTensor(dims)) return tensordotDims(dims.numel() > 1 ? dims.tolist() : Number(dims.item()));
  if (typeof dims === 'number' && Number.isInteger(dims)) {
    if (dims < 0) throw new Error(`tensordot expects dims >= 0, but got dims=${dims}`);
    return [Array.from({ length: dims }, (_, i) => i - dims), Array.from({ length: dims }, (_, i) => i)];
  }
  const isList = (x: unknown): x is number[] => Array.isArray(x) && x.every((d) => typeof d === 'number' && Number.isInteger(d));
  if (Array.isArray(dims) && dims.length === 2 && isList(dims[0]) && isList(dims[1])) return [[...dims[0]], [...dims[1]]];
  throw new TypeError(
    'tensordot expects dims to be int or Tuple[List[int], List[int]] or List[List[int]] containing two lists, ' +
      `but got dims=${JSON.stringify(dims)} (in Graft: a number, or [dimsOfA, dimsOfB])`,
  );
}

/** ATen's tensordot: broadcast size-1 contracted dims summed away, then permute → reshape → mm → reshape. */
function tensordotLowered(op: string, a: Tensor, b: Tensor, dimsA: readonly number[], dimsB: readonly number[]): Tensor {
  let t1 = a;
  let t2 = b;
  let contracted = 1;
  const axesA: number[] = [];
  const axesB: number[] = [];
  for (let i = 0; i < dimsA.length; i++) {
    const da = wrapDim(op, dimsA[i]!, a.ndim);
    const db = wrapDim(op, dimsB[i]!, b.ndim);
    axesA.push(da);
    axesB.push(db);
    const s1 = a.shape[da]!;
    const s2 = b.shape[db]!;
    if (s2 === 1) t1 = t1.sum(da, true);
    else if (s1 === 1) t2 = t2.sum(db, true);
    else if (s1 !== s2) {
      throw new Error(
        `${op}: contracted dimensions need to match, but first has size ${s1} in dim ${dimsA[i]} and second has size ${s2} in dim ${dimsB[i]}`,
      );
    } else contracted *= s1;
  }
  for (const [axes, x] of [
    [axesA, a],
    [axesB, b],
  ] as const) {
    const seen = new Set<number>();
    for (const d of axes) {
      if (seen.has(d)) throw new Error(`${op}: dim ${d} appears multiple times in the list of dims (shape ${formatShape(x.shape)})`);
      seen.add(d);
    }
  }
  checkSameDType(op, a, b);
  const freeA = a.shape.map((_, k) => k).filter((k) => !axesA.includes(k));
  const freeB = b.shape.map((_, k) => k).filter((k) => !axesB.includes(k));
  const rows = freeA.reduce((n, k) => n * t1.shape[k]!, 1);
  const cols = freeB.reduce((n, k) => n * t2.shape[k]!, 1);
  const left = t1.permute([...freeA, ...axesA]).reshape(rows, contracted);
  const right = t2.permute([...axesB, ...freeB]).reshape(contracted, cols);
  return mm(left, right).reshape([...freeA.map((k) => t1.shape[k]!), ...freeB.map((k) => t2.shape[k]!)]);
}

/**
 * The inner product over the last dim, as `torch.inner`: for 1-D tensors
 * their dot product, in general `Σₖ a[…, k]·b[…, k]` with `a`'s other dims
 * then `b`'s; a 0-d operand multiplies.
 *
 * @example
 * g.inner(g.tensor([1, 2]), g.tensor([3, 4])).item();  // 11
 * g.inner(g.ones(2, 3), g.ones(4, 3)).shape;            // [2, 4]
 */
export function inner(a: Tensor, b: Tensor): Tensor {
  checkTensor('inner', a);
  checkTensor('inner', b, 'other');
  commonDevice('inner', a, b);
  if (a.ndim === 0 || b.ndim === 0) return mul(a, b);
  if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 1]) {
    throw new Error(
      `inner() the last dimension must match on both input tensors but got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  return composite(() => tensordotLowered('inner', a, b, [-1], [-1]));
}

/**
 * The dot product of two 1-D tensors, as `torch.vdot` (its first argument
 * conjugated: for Graft's real dtypes it is `dot`).
 *
 * @example
 * g.vdot(g.tensor([1, 2]), g.tensor([3, 4])).item(); // 11
 */
export function vdot(a: Tensor, b: Tensor): Tensor {
  checkTensor('vdot', a);
  checkTensor('vdot', b, 'other');
  commonDevice('vdot', a, b);
  if (a.ndim !== 1 || b.ndim !== 1) throw new Error(`vdot: 1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  if (a.dtype !== b.dtype) {
    throw new TypeError(
      `vdot: dot : expected both vectors to have same dtype, but found ${TORCH_DTYPE_NAME[a.dtype]} and ${TORCH_DTYPE_NAME[b.dtype]} (${a.dtype} and ${b.dtype})`,
    );
  }
  return composite(() => dot(a, b), {
    name: 'VdotBackward0',
    inputs: [a, b],
    saved: () => [a, b],
    backward: (g) => [g.mul(b), g.mul(a)],
  });
}

/**
 * The outer product of two 1-D tensors: `torch.ger`, the old name of
 * {@link outer}.
 *
 * @example
 * g.ger(g.tensor([1, 2]), g.tensor([1, 10])).tolist(); // [[1, 10], [2, 20]]
 */
export function ger(a: Tensor, b: Tensor): Tensor {
  return outer(a, b);
}

/**
 * The Kronecker product, as `torch.kron`: for matrices the block matrix
 * `[a₀₀·b, a₀₁·b, …]`; in general over every dim (the shorter operand gets
 * leading dims of size 1). One broadcast product, viewed into place.
 *
 * @example
 * g.kron(g.eye(2), g.ones(2, 2)).tolist(); // [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]]
 */
export function kron(a: Tensor, b: Tensor): Tensor {
  checkTensor('kron', a);
  checkTensor('kron', b, 'other');
  commonDevice('kron', a, b);
  const n = Math.max(a.ndim, b.ndim);
  const aShape: number[] = [];
  const bShape: number[] = [];
  const outShape: number[] = [];
  for (let i = 0; i < n; i++) {
    const sa = i >= n - a.ndim ? a.shape[i - (n - a.ndim)]! : 1;
    const sb = i >= n - b.ndim ? b.shape[i - (n - b.ndim)]! : 1;
    aShape.push(sa, 1);
    bShape.push(1, sb);
    outShape.push(sa * sb);
  }
  return composite(() => mul(a.reshape(aShape), b.reshape(bShape)).reshape(outShape));
}

/** Options of `cross`. */
export interface CrossOptions {
  /** The dim of size 3 holding the vectors; by default the first dim of size 3 of the first operand (PyTorch 1.13's `torch.cross`). */
  dim?: number | null;
}

/**
 * The cross product of vectors of 3 along `dim`, broadcasting the other dims,
 * as PyTorch 1.13's `torch.cross`: without `dim`, the first dim of size 3 of
 * `a` (`linalg.cross` defaults to the last dim instead).
 *
 * @example
 * g.cross(g.tensor([1, 0, 0]), g.tensor([0, 1, 0])).tolist(); // [0, 0, 1]
 * g.cross(g.ones(4, 3), g.ones(4, 3), { dim: 1 }).shape;        // [4, 3]
 */
export function cross(a: Tensor, b: Tensor, dim?: number | null | CrossOptions, options?: CrossOptions): Tensor {
  checkTensor('cross', a);
  checkTensor('cross', b, 'other');
  commonDevice('cross', a, b);
  const given = parseArgs('cross', [dim, options], ['dim'])['dim'] as number | null | undefined;
  let d: number;
  if (given === undefined || given === null) {
    d = a.shape.indexOf(3);
    if (d === -1) throw new Error(`cross: no dimension of size 3 in input (shape ${formatShape(a.shape)}); give { dim }`);
  } else {
    if (typeof given !== 'number') throw new TypeError(`cross(): argument 'dim' must be a number, not ${typeof given}`);
    d = given;
  }
  if (a.ndim !== b.ndim) {
    throw new Error(
      `linalg.cross: inputs must have the same number of dimensions. Got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  const axis = wrapDim('cross', d, a.ndim);
  if (a.shape[axis] !== 3 || b.shape[axis] !== 3) {
    throw new Error(`linalg.cross: inputs dimension ${d} must have length 3. Got ${a.shape[axis]} and ${b.shape[axis]}`);
  }
  checkSameDType('cross', a, b);
  if (a.dtype === 'bool') throw new TypeError("cross: not implemented for 'bool'");
  return composite(
    () => {
      if (a.dtype !== 'int32') return crossAlong(a, b, axis);
      const wide = exactFloat(a.backend);
      return int32Exact('cross', crossAlong(castTo(a, wide), castTo(b, wide), axis), 'a.double().cross(b.double())');
    },
    {
      name: 'LinalgCrossBackward0',
      inputs: [a, b],
      saved: () => [a, b],
      backward: (g) => [crossAlong(b, g, axis), crossAlong(g, a, axis)],
    },
  );
}

/**
 * `a × b` along `axis` (of size 3), broadcast: `a₁b₂ − a₂b₁, a₂b₀ − a₀b₂,
 * a₀b₁ − a₁b₀`, from the operands rotated by one and by two along `axis`.
 * Made of differentiable ops, so it also serves as its own backward rule
 * (`linalg.cross` may share it).
 */
export function crossAlong(a: Tensor, b: Tensor, axis: number): Tensor {
  return composite(() => {
    const rotate = (x: Tensor, by: number) => cat([x.narrow(axis, by, 3 - by), x.narrow(axis, 0, by)], axis);
    return sub(mul(rotate(a, 1), rotate(b, 2)), mul(rotate(a, 2), rotate(b, 1)));
  });
}

let chainMatmulWarned = false;

/**
 * The product of a chain of matrices in the cheapest order, as
 * `torch.chain_matmul`: deprecated in PyTorch for `linalg.multi_dot`, so it
 * warns once, as PyTorch does. Matrices spread or as one array; one matrix
 * comes back as a copy.
 *
 * @example
 * g.chainMatmul(g.ones(2, 3), g.ones(3, 4), g.ones(4, 1)).tolist(); // [[12], [12]]
 */
export function chainMatmul(...matrices: Tensor[] | [readonly Tensor[]]): Tensor {
  if (!chainMatmulWarned) {
    chainMatmulWarned = true;
    console.warn(
      'UserWarning: torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use torch.linalg.multi_dot instead, ' +
        'which accepts a list of two or more tensors rather than multiple parameters. (In Graft: g.linalg.multiDot([a, b, c]).)',
    );
  }
  const list = (matrices.length === 1 && Array.isArray(matrices[0]) ? matrices[0] : matrices) as readonly unknown[];
  list.forEach((m, i) => {
    checkTensor('chain_matmul', m, `matrices[${i}]`);
    const t = m as Tensor;
    if (t.ndim !== 2)
      throw new Error(
        `chain_matmul(): Tensor dimension is ${t.ndim}, expected 2 instead. (matrices[${i}] has shape ${formatShape(t.shape)})`,
      );
  });
  if (list.length === 0) throw new Error('chain_matmul(): Expected one or more matrices');
  const tensors = list as readonly Tensor[];
  if (tensors.length === 1) return tensors[0]!.clone();
  return composite(() => matrixChainProduct('chain_matmul', tensors));
}
