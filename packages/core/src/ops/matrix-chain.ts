/**
 * The product of a chain of matrices in the cheapest order: PyTorch's
 * `multi_dot` (aten/src/ATen/native/LinearAlgebra.cpp), shared by
 * `chainMatmul` and `linalg.multiDot` (which adds its 1-D first and last
 * operands around it). The order changes only rounding; it is the one
 * PyTorch picks, so results match PyTorch's bit for bit where the matmul
 * kernel does.
 */
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, mixedDevices } from './dispatch.js';
import { mm } from './linalg.js';

/**
 * Checks `matrices` (2-D, one dtype and device, each fitting the next) and
 * multiplies them in the order of fewest scalar multiplications: with two,
 * one `mm`; with three, the cheaper of (AB)C and A(BC); with more, the
 * dynamic programme of the matrix-chain problem (ties to the leftmost
 * split, as PyTorch). `op` names the caller in errors.
 *
 * @example
 * matrixChainProduct('chain_matmul', [a, b, c]); // a @ b @ c
 */
export function matrixChainProduct(op: string, matrices: readonly Tensor[]): Tensor {
  matrices.forEach((m, i) => checkTensor(op, m, `matrices[${i}]`));
  const first = matrices[0]!;
  matrices.forEach((m, i) => {
    if (m.ndim !== 2)
      throw new Error(`${op}: Tensor dimension is ${m.ndim}, expected 2 instead. (matrices[${i}] has shape ${formatShape(m.shape)})`);
    if (m.device !== first.device) throw mixedDevices(op, first, m);
    if (m.dtype !== first.dtype) {
      throw new TypeError(`${op}: all tensors must have the same dtype, but tensor 0 is ${first.dtype} and tensor ${i} is ${m.dtype}`);
    }
    if (i > 0 && matrices[i - 1]!.shape[1] !== m.shape[0]) {
      throw new Error(
        `multi_dot(): tensors ${i - 1} and ${i} with shapes ${formatShape(matrices[i - 1]!.shape)} and ${formatShape(m.shape)} cannot be multiplied`,
      );
    }
  });
  const n = matrices.length;
  if (n === 1) return first;
  if (n === 2) return mm(first, matrices[1]!);
  // p[i] × p[i+1] is the shape of matrix i.
  const p = [...matrices.map((m) => m.shape[0]!), matrices[n - 1]!.shape[1]!];
  if (n === 3) {
    const [a, b, c, d] = p as [number, number, number, number];
    const leftFirst = a * c * (b + d);
    const rightFirst = b * d * (a + c);
    return leftFirst > rightFirst ? mm(first, mm(matrices[1]!, matrices[2]!)) : mm(mm(first, matrices[1]!), matrices[2]!);
  }
  const split = chainOrder(p);
  const multiply = (i: number, j: number): Tensor =>
    i === j ? matrices[i]! : mm(multiply(i, split[i]![j]!), multiply(split[i]![j]! + 1, j));
  return multiply(0, n - 1);
}

/** split[i][j]: where the cheapest product of matrices i..j splits (CLRS's matrix-chain order). */
function chainOrder(p: readonly number[]): number[][] {
  const n = p.length - 1;
  const cost = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const split = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let length = 1; length < n; length++) {
    for (let i = 0; i + length < n; i++) {
      const j = i + length;
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
  return split;
}
