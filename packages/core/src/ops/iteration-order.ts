/**
 * The order in which PyTorch's CPU samplers visit a tensor's elements. Each
 * random kernel draws one element after another in TensorIterator's order,
 * which follows memory, not the logical (row-major) order: `x.t().uniform_()`
 * fills `x`'s memory front to back. Graft draws in the same order and places
 * each number at its logical position, so views and `*Like` results get
 * PyTorch's numbers too.
 */
import { contiguousStrides, isContiguous, numel } from '../shape.js';

/**
 * TensorIterator's `reorder_dimensions`: dims sorted by stride, the smallest
 * first (the fastest-moving), by its insertion sort with ambiguous
 * comparisons. `operands` are the strides of each operand (the output first);
 * a stride of 0 (broadcast) does not decide.
 */
function permutation(shape: readonly number[], operands: readonly (readonly number[])[]): number[] {
  const ndim = shape.length;
  const perm = Array.from({ length: ndim }, (_, i) => ndim - 1 - i);
  const shouldSwap = (dim0: number, dim1: number): number => {
    for (const strides of operands) {
      const s0 = strides[dim0]!;
      const s1 = strides[dim1]!;
      if (s0 === 0 || s1 === 0) continue;
      if (s0 < s1) return -1;
      if (s0 > s1) return 1;
      // Equal strides: the smaller dim goes first; otherwise the next operand decides.
      if (shape[dim0]! > shape[dim1]!) return 1;
    }
    return 0;
  };
  for (let i = 1; i < ndim; i++) {
    let dim1 = i;
    for (let dim0 = i - 1; dim0 >= 0; dim0--) {
      const c = shouldSwap(perm[dim0]!, perm[dim1]!);
      if (c > 0) {
        [perm[dim0], perm[dim1]] = [perm[dim1]!, perm[dim0]!];
        dim1 = dim0;
      } else if (c < 0) break;
    }
  }
  return perm;
}

/**
 * The logical (row-major) index of each element in the order a CPU sampler
 * draws for it, or null when that is the logical order (a contiguous tensor).
 * `operands` lists the strides of the written tensor, then of its inputs
 * (expanded to `shape`).
 *
 * @example
 * iterationOrder([3, 2], [[1, 3]]); // a transposed [2, 3]: Int32Array [0, 2, 4, 1, 3, 5]
 */
export function iterationOrder(shape: readonly number[], operands: readonly (readonly number[])[]): Int32Array | null {
  if (shape.length < 2 || isContiguous(shape, operands[0]!)) return null;
  const perm = permutation(shape, operands);
  if (perm.every((d, i) => d === shape.length - 1 - i)) return null;
  const n = numel(shape);
  const order = new Int32Array(n);
  const logical = contiguousStrides(shape);
  const index = new Array<number>(shape.length).fill(0);
  let flat = 0;
  for (let k = 0; k < n; k++) {
    order[k] = flat;
    // Advance the counter: perm[0] moves fastest.
    for (let p = 0; p < perm.length; p++) {
      const d = perm[p]!;
      if (++index[d]! < shape[d]!) {
        flat += logical[d]!;
        break;
      }
      flat -= (shape[d]! - 1) * logical[d]!;
      index[d] = 0;
    }
  }
  return order;
}

/** Values drawn in `order` placed at their logical positions (the draws themselves when `order` is null). */
export function placeInOrder<A extends { [i: number]: number; length: number }>(
  draws: A,
  order: Int32Array | null,
  make: (n: number) => A,
): A {
  if (order === null) return draws;
  const out = make(draws.length);
  for (let k = 0; k < order.length; k++) out[order[k]!] = draws[k]!;
  return out;
}

/** `is_non_overlapping_and_dense`: the elements fill a block of memory exactly, in some order of the dims. */
export function isNonOverlappingAndDense(shape: readonly number[], strides: readonly number[]): boolean {
  if (shape.length === 1) return shape[0]! < 2 || strides[0] === 1;
  const perm = shape.map((_, i) => i);
  perm.sort((a, b) => {
    if (shape[a]! < 2) return shape[b]! < 2 ? 0 : 1;
    if (shape[b]! < 2) return -1;
    return strides[a]! - strides[b]!;
  });
  let required = 1;
  for (const d of perm) {
    if (shape[d]! < 2) return true;
    if (strides[d] !== required) return false;
    required *= shape[d]!;
  }
  return true;
}

/**
 * The strides `torch.empty_like(t)` gives (memory format "preserve"): `t`'s own
 * when they are dense, else contiguous. `rand_like` and the other `*_like`
 * samplers fill that layout, in its order.
 */
export function emptyLikeStrides(shape: readonly number[], strides: readonly number[]): readonly number[] {
  return isNonOverlappingAndDense(shape, strides) ? strides : contiguousStrides(shape);
}
