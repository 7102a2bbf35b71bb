/**
 * `einsum`: PyTorch 1.13's algorithm (aten/src/ATen/native/Linear.cpp), step
 * for step, on Graft's differentiable ops:
 *
 * 1. parse the equation into labels per operand (A–Z, a–z, `...`, spaces
 *    ignored) and the output's (explicit after `->`, or implicit: the
 *    ellipsis dims, then the labels seen once, upper case before lower case);
 * 2. align every operand to one layout — output dims, then the dims summed
 *    out — by a diagonal view for a label repeated within it, `unsqueeze` for
 *    a label it lacks and a `permute`;
 * 3. contract the operands pairwise, left to right, as PyTorch does when
 *    opt_einsum is absent (it is, in 1.13 as Debian ships it): a dim is summed
 *    as soon as only one operand still has it, and a pair is multiplied by
 *    permute → reshape → batched `matmul` → view, so a contraction costs what
 *    the matmul kernel costs and no broadcast outer product is materialised
 *    where a matmul does the work (`sumproductPair`).
 *
 * Being made of differentiable ops, its gradient is the gradient of this
 * lowering, and its second derivative too. The results match PyTorch's to
 * float rounding (the same products and sums, summed in the same order).
 */
import { needsGrad, record } from '../autograd/record.js';
import type { DType } from '../dtype.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { composite } from './composite.js';
import { checkTensor, isTensor, mixedDevices } from './dispatch.js';
import { mul } from './elementwise.js';
import { bmm } from './linalg.js';

/** A subscript list of the sublist form: label numbers in [0, 52) and `'...'` for an ellipsis. */
export type EinsumSublist = readonly (number | '...')[];

const LETTERS = 26;
const LABELS = 2 * LETTERS;
const ELLIPSIS = LABELS;

/** A–Z → 0–25, a–z → 26–51: PyTorch's label order (the implicit output sorts by it). */
function subscriptOf(label: string): number {
  const c = label.charCodeAt(0);
  return c <= 90 ? c - 65 : c - 97 + LETTERS;
}

function labelOf(subscript: number): string {
  return String.fromCharCode(subscript < LETTERS ? subscript + 65 : subscript - LETTERS + 97);
}

function isLetter(c: string): boolean {
  return /^[A-Za-z]$/.test(c);
}

function fail(message: string): Error {
  return new Error(message);
}

/**
 * Sums the products of the operands' elements over the indices the equation
 * names, as `torch.einsum`: `'ij,jk->ik'` is a matrix product, `'ii->i'` a
 * diagonal, `'bhqd,bhkd->bhqk'` attention scores. Without `->` the output
 * holds the indices that appear once, in alphabetical order (upper case
 * first); `...` stands for broadcast dims, in any operand and in the output;
 * an index repeated within an operand takes its diagonal; indices absent
 * from the output are summed. Spaces are ignored. Operands come spread or as
 * one array; PyTorch's sublist form `einsum(a, [0, 1], b, [1, 2], [0, 2])`
 * (with `'...'` for an ellipsis) works too.
 *
 * Computed as PyTorch 1.13 does — pairwise from the left, each pair one batched
 * matrix product — so it is as fast as `matmul` and differentiable (twice).
 *
 * @example
 * const a = g.tensor([[1, 2], [3, 4]]);
 * g.einsum('ij,jk->ik', a, a).tolist(); // [[7, 10], [15, 22]]
 * g.einsum('ii', a).item();              // 5 (the trace)
 * g.einsum('...ij->...ji', [a]).shape;   // [2, 2]
 */
export function einsum(equation: string, ...operands: Tensor[] | [readonly Tensor[]]): Tensor;
export function einsum(...sublistArgs: (Tensor | EinsumSublist)[]): Tensor;
export function einsum(...args: unknown[]): Tensor {
  const { equation, operands } = einsumArgs(args);
  if (operands.length === 0) throw usageError();
  operands.forEach((x, i) => {
    checkTensor('einsum', x, `operands[${i}]`);
    if ((x as Tensor).device !== (operands[0] as Tensor).device) throw mixedDevices('einsum', operands[0] as Tensor, x as Tensor);
  });
  return composite(() => lower(equation, operands as Tensor[]));
}

function usageError(): Error {
  return new Error('einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list');
}

/** The equation and operands of any of einsum's calling forms. */
function einsumArgs(args: readonly unknown[]): { equation: string; operands: unknown[] } {
  if (args.length < 2) throw usageError();
  if (isTensor(args[0])) return fromSublists(args);
  if (typeof args[0] !== 'string') {
    throw new TypeError(
      `einsum(): the first argument must be the equation string (or an operand, in the sublist form), not ${typeof args[0]}`,
    );
  }
  const rest = args.slice(1);
  // The operands as one array (PyTorch's older form).
  if (rest.length === 1 && Array.isArray(rest[0])) return { equation: args[0], operands: [...(rest[0] as unknown[])] };
  return { equation: args[0], operands: rest };
}

/** `a, [0, 1], b, [1, 2], [0, 2]` → `'AB,BC->AC'` and `[a, b]`, as torch.functional.einsum converts it. */
function fromSublists(args: readonly unknown[]): { equation: string; operands: unknown[] } {
  const subscripts = (list: unknown): string => {
    if (!Array.isArray(list))
      throw new TypeError(`einsum(): each operand must be followed by its subscripts list (an array), got ${typeof list}`);
    return list
      .map((n: unknown) => {
        if (n === '...') return '...';
        if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < LABELS) return labelOf(n);
        throw new Error('einsum(): subscript in subscript list is not within the valid range [0, 52)');
      })
      .join('');
  };
  const operands: unknown[] = [];
  const inputs: string[] = [];
  for (let i = 0; i + 1 < args.length; i += 2) {
    operands.push(args[i]);
    inputs.push(subscripts(args[i + 1]));
  }
  let equation = inputs.join(',');
  if (args.length % 2 === 1) equation += `->${subscripts(args[args.length - 1])}`;
  return { equation, operands };
}

/** The lowering: PyTorch's einsum on Graft's ops. */
function lower(equation: string, operands: readonly Tensor[]): Tensor {
  const numOps = operands.length;
  const arrow = equation.indexOf('->');
  const lhs = arrow === -1 ? equation : equation.slice(0, arrow);

  // 1. Labels per operand.
  const opLabels: number[][] = operands.map(() => []);
  let ellipsisInInput = false;
  let current = 0;
  for (let i = 0; i < lhs.length; i++) {
    const c = lhs[i]!;
    if (c === ' ') continue;
    if (c === '.') {
      if (ellipsisInInput) throw fail(`einsum(): found '.' for operand ${current} for which an ellipsis was already found`);
      if (!(i + 2 < lhs.length && lhs[++i] === '.' && lhs[++i] === '.')) {
        throw fail(`einsum(): found '.' for operand ${current} that is not part of any ellipsis`);
      }
      opLabels[current]!.push(ELLIPSIS);
      ellipsisInInput = true;
    } else if (c === ',') {
      if (++current >= numOps) throw fail('einsum(): fewer operands were provided than specified in the equation');
      ellipsisInInput = false;
    } else {
      if (!isLetter(c))
        throw fail(`einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`);
      opLabels[current]!.push(subscriptOf(c));
    }
  }
  if (current !== numOps - 1) throw fail('einsum(): more operands were provided than specified in the equation');

  // How often each label occurs, and how many dims the widest ellipsis covers.
  const labelCount = new Array<number>(LABELS).fill(0);
  let ellipsisDims = 0;
  operands.forEach((operand, i) => {
    const labels = opLabels[i]!;
    let nLabels = labels.length;
    let hasEllipsis = false;
    for (const label of labels) {
      if (label === ELLIPSIS) {
        nLabels--;
        hasEllipsis = true;
        ellipsisDims = Math.max(ellipsisDims, operand.ndim - nLabels);
      } else labelCount[label]!++;
    }
    if (hasEllipsis ? nLabels > operand.ndim : nLabels !== operand.ndim) {
      throw fail(
        `einsum(): the number of subscripts in the equation (${nLabels}) ` +
          (hasEllipsis ? 'is more than' : 'does not match') +
          ` the number of dimensions (${operand.ndim}) for operand ${i}` +
          (hasEllipsis ? '' : ' and no ellipsis was given') +
          ` (its shape is ${formatShape(operand.shape)})`,
      );
    }
  });

  // 2. Where each label goes in the aligned layout: output dims first, then the dims summed out.
  const labelPosition = new Array<number>(LABELS).fill(-1);
  let position = 0;
  let ellipsisPosition = 0;
  let ellipsisInOutput = false;
  if (arrow === -1) {
    position = ellipsisDims;
    ellipsisInOutput = true;
    for (let label = 0; label < LABELS; label++) if (labelCount[label] === 1) labelPosition[label] = position++;
  } else {
    const rhs = equation.slice(arrow + 2);
    for (let i = 0; i < rhs.length; i++) {
      const c = rhs[i]!;
      if (c === ' ') continue;
      if (c === '.') {
        if (ellipsisInOutput) throw fail("einsum(): found '.' for output but an ellipsis (...) was already found");
        if (!(i + 2 < rhs.length && rhs[++i] === '.' && rhs[++i] === '.')) {
          throw fail("einsum(): found '.' for output that is not part of any ellipsis (...)");
        }
        ellipsisPosition = position;
        position += ellipsisDims;
        ellipsisInOutput = true;
      } else {
        if (!isLetter(c)) {
          throw fail(
            `einsum(): invalid subscript given at index ${lhs.length + 2 + i} in the equation string, subscripts must be in [a-zA-Z]`,
          );
        }
        const label = subscriptOf(c);
        if (!(labelCount[label]! > 0 && labelPosition[label] === -1)) {
          throw fail(
            `einsum(): output subscript ${c}` +
              (labelPosition[label]! > -1
                ? ' appears more than once in the output'
                : ' does not appear in the equation for any input operand'),
          );
        }
        labelPosition[label] = position++;
      }
    }
  }
  const outDims = position;
  if (!ellipsisInOutput) {
    ellipsisPosition = position;
    position += ellipsisDims;
  }
  for (let label = 0; label < LABELS; label++) if (labelCount[label]! > 0 && labelPosition[label] === -1) labelPosition[label] = position++;
  const allDims = position;

  // Align each operand: diagonals for repeated labels, size-1 dims for missing ones, one permute.
  // dimCounts[d]: how many operands have dim d with a size other than 1 (the ones that still need summing).
  const labelSize = new Array<number>(LABELS).fill(1);
  const ellipsisSizes = new Array<number>(ellipsisDims).fill(1);
  const dimCounts = new Array<number>(allDims).fill(0);
  const ops: Tensor[] = operands.map((operand, i) => {
    let op = operand;
    const permutation = new Array<number>(allDims).fill(-1);
    let dim = 0;
    for (const s of opLabels[i]!) {
      if (s === ELLIPSIS) {
        const covered = operand.ndim - (opLabels[i]!.length - 1);
        for (let j = ellipsisDims - covered; j < ellipsisDims; j++) {
          const size = op.shape[dim]!;
          if (size !== 1) {
            if (ellipsisSizes[j] !== 1 && ellipsisSizes[j] !== size) {
              // PyTorch's message, missing space included ("operand 1has"): searchable as PyTorch users know it.
              throw fail(
                `einsum(): dimension ${dim} covered by ellipsis in operand ${i}has size ${size} which does not broadcast ` +
                  `with previously seen ellipsis with size ${ellipsisSizes[j]} for the respective dimension`,
              );
            }
            ellipsisSizes[j] = size;
            dimCounts[ellipsisPosition + j]!++;
          }
          permutation[ellipsisPosition + j] = dim++;
        }
      } else if (permutation[labelPosition[s]!] === -1) {
        const size = op.shape[dim]!;
        if (size !== 1) {
          if (labelSize[s] !== 1 && labelSize[s] !== size) {
            throw fail(
              `einsum(): subscript ${labelOf(s)} has size ${size} for operand ${i} which does not broadcast with previously seen size ${labelSize[s]}`,
            );
          }
          labelSize[s] = size;
          dimCounts[labelPosition[s]!]!++;
        }
        permutation[labelPosition[s]!] = dim++;
      } else {
        const previous = permutation[labelPosition[s]!]!;
        if (op.shape[dim] !== op.shape[previous]) {
          throw fail(
            `einsum(): subscript ${labelOf(s)} is repeated for operand ${i} but the sizes don't match, ${op.shape[dim]} != ${op.shape[previous]}`,
          );
        }
        op = diagonalView(op, previous, dim);
      }
    }
    for (let k = 0; k < allDims; k++) {
      if (permutation[k] === -1) {
        op = op.unsqueeze(dim);
        permutation[k] = dim++;
      }
    }
    return op.permute(permutation);
  });

  // 3. Contract pairwise from the left, summing each dim as soon as one operand alone has it.
  while (ops.length > 1) {
    let a = ops.shift()!;
    let b = ops.shift()!;
    const sumDims: number[] = [];
    const aDimsToSum: number[] = [];
    const bDimsToSum: number[] = [];
    for (let dim = outDims; dim < allDims; dim++) {
      if (a.shape[dim] !== 1 && b.shape[dim] !== 1) {
        if (--dimCounts[dim]! === 1) {
          sumDims.push(dim);
          dimCounts[dim] = 0;
        }
      } else if (dimCounts[dim] === 1) {
        if (a.shape[dim] !== 1) {
          aDimsToSum.push(dim);
          dimCounts[dim] = 0;
        } else if (b.shape[dim] !== 1) {
          bDimsToSum.push(dim);
          dimCounts[dim] = 0;
        }
      }
    }
    if (aDimsToSum.length !== 0) a = a.sum(aDimsToSum, true);
    if (bDimsToSum.length !== 0) b = b.sum(bDimsToSum, true);
    ops.unshift(sumproductPair(a, b, sumDims));
  }

  // The dims summed out are the last ones: drop them (already of size 1 after contractions), or sum a lone operand.
  const result = ops[0]!;
  if (allDims === outDims) return result;
  if (numOps > 1) return result.view(result.shape.slice(0, outDims));
  return result.sum(
    Array.from({ length: allDims - outDims }, (_, k) => outDims + k),
    false,
  );
}

/** PyTorch's names of dtypes, for the messages PyTorch users search for. */
const TORCH_DTYPE_NAME: Record<DType, string> = { float32: 'Float', float64: 'Double', int32: 'Long', bool: 'Bool' };

/**
 * `(left * right).sum(sumDims, keepdim = true)` for two aligned operands (the
 * same number of dims, each of a common size or 1), as one batched matrix
 * product: dims in both operands and the output are the batch, dims in one
 * operand and the output the rows or columns, the summed dims the inner
 * dimension (ATen's sumproduct_pair). Without dims to sum it is a product.
 */
function sumproductPair(left: Tensor, right: Tensor, sumDims: readonly number[]): Tensor {
  if (sumDims.length === 0) return mul(left, right);
  if (left.dtype !== right.dtype) {
    throw new TypeError(
      `einsum(): expected scalar type ${TORCH_DTYPE_NAME[left.dtype]} but found ${TORCH_DTYPE_NAME[right.dtype]} ` +
        `(operands of dtypes ${left.dtype} and ${right.dtype} are contracted by a matrix product, which takes one dtype: cast one with .to())`,
    );
  }
  const summed = new Set(sumDims);
  const lro: number[] = [];
  const lo: number[] = [];
  const ro: number[] = [];
  let lroSize = 1;
  let loSize = 1;
  let roSize = 1;
  let sumSize = 1;
  for (let i = 0; i < left.ndim; i++) {
    const inLeft = left.shape[i] !== 1;
    const inRight = right.shape[i] !== 1;
    if (summed.has(i)) {
      if (inLeft && inRight) sumSize *= left.shape[i]!;
      else if (inLeft) left = left.sum(i, true);
      else if (inRight) right = right.sum(i, true);
    } else if (inLeft && inRight) {
      lro.push(i);
      lroSize *= left.shape[i]!;
    } else if (inLeft) {
      lo.push(i);
      loSize *= left.shape[i]!;
    } else {
      ro.push(i);
      roSize *= right.shape[i]!;
    }
  }
  const outShape = [
    ...lro.map((d) => left.shape[d]!),
    ...lo.map((d) => left.shape[d]!),
    ...sumDims.map(() => 1),
    ...ro.map((d) => right.shape[d]!),
  ];
  const leftOrder = [...lro, ...lo, ...sumDims, ...ro];
  const rightOrder = [...lro, ...sumDims, ...ro, ...lo];
  const back = new Array<number>(left.ndim);
  leftOrder.forEach((d, k) => (back[d] = k));
  const l = left.permute(leftOrder).reshape(lroSize, loSize, sumSize);
  const r = right.permute(rightOrder).reshape(lroSize, sumSize, roSize);
  return bmm(l, r).view(outShape).permute(back);
}

/**
 * The diagonal of dims `d0 < d1` as a view (no copy), in place of `d0`, with
 * `d1` removed: `torch.diagonal(x, 0, d0, d1).movedim(-1, d0)`. Its gradient
 * puts the incoming gradient on the diagonal of zeros (by padding, so it is
 * exact and differentiable again).
 */
function diagonalView(x: Tensor, d0: number, d1: number): Tensor {
  const shape = x.shape.filter((_, k) => k !== d1);
  const strides = x.strides.filter((_, k) => k !== d1);
  strides[d0] = x.strides[d0]! + x.strides[d1]!;
  const out = x.viewAs(shape, strides, x.offset, 'einsum');
  if (needsGrad(x)) record(out, 'DiagonalBackward0', [x], (g) => [diagonalEmbed(g, x.shape, d0, d1)]);
  return out;
}

/** `g` (shaped like `diagonalView(x, d0, d1)`) placed on the diagonal of dims d0, d1 of zeros shaped `shape`. */
function diagonalEmbed(g: Tensor, shape: readonly number[], d0: number, d1: number): Tensor {
  const n = shape[d0]!;
  const rest = g.shape.map((_, k) => k).filter((k) => k !== d0);
  // [..rest, n] → [..rest, n, n+1] (a zero after each element) → the first n·n elements are the n×n diagonal matrix.
  const last = g.permute([...rest, d0]).unsqueeze(-1);
  const padded = last.pad([0, n]);
  const lead = padded.shape.slice(0, -2);
  const square = padded
    .reshape([...lead, n * (n + 1)])
    .narrow(-1, 0, n * n)
    .reshape([...lead, n, n]);
  // square's dims are (x's dims but d0 and d1, in order), d0, d1: put them back in x's order.
  const others = shape.map((_, k) => k).filter((k) => k !== d0 && k !== d1);
  const order = shape.map((_, k) => (k === d0 ? others.length : k === d1 ? others.length + 1 : others.indexOf(k)));
  return square.permute(order);
}
