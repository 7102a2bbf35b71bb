/**
 * `einsum`: PyTorch 1.13's algorithm (aten/src/ATen/native/Linear.cpp) on
 * Graft's differentiable ops:
 *
 * 1. parse the equation into labels per operand (A–Z, a–z, `...`, spaces
 *    ignored) and the output's (explicit after `->`, or implicit: the
 *    ellipsis dims, then the labels seen once, upper case before lower case);
 *    each label and ellipsis dim gets a place in one aligned layout — the
 *    output's dims, then the dims summed out;
 * 2. take each operand's diagonals (a label repeated within it) as strided
 *    views, and squeeze its size-1 dims (they only broadcast): PyTorch
 *    unsqueezes every operand to the whole layout instead, which computes the
 *    same products on tensors of needless rank (and of more dims than a WebGL
 *    texture holds);
 * 3. contract the operands pairwise, left to right, as PyTorch does when
 *    opt_einsum is absent (it is, in 1.13 as Debian ships it): a dim is summed
 *    as soon as only one operand still has it, and a pair is multiplied as
 *    ATen's sumproduct_pair does, permute → reshape → batched `matmul` → view,
 *    so a contraction costs what the matmul kernel costs and no broadcast
 *    outer product is materialised where a matmul does the work.
 *
 * Being made of differentiable ops, its gradient is the gradient of this
 * lowering, and its second derivative too. The results match PyTorch's to
 * float rounding: the same products, and the same matrices handed to the
 * matrix product.
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

  // Each operand as a term: its diagonals taken, its size-1 dims squeezed away (they take part in nothing but
  // broadcasting), and each remaining axis named by its place in the aligned layout. PyTorch unsqueezes every operand
  // to the whole layout instead; the same products and sums on tensors of the rank they need keep every kernel
  // within what backends hold (WebGL: 6 dims). dimCounts[d]: how many operands have dim d of a size other than 1.
  const labelSize = new Array<number>(LABELS).fill(1);
  const ellipsisSizes = new Array<number>(ellipsisDims).fill(1);
  const dimCounts = new Array<number>(allDims).fill(0);
  const terms: Term[] = operands.map((operand, i) => {
    let op = operand;
    const places: number[] = [];
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
          places.push(ellipsisPosition + j);
          dim++;
        }
      } else {
        const previous = places.indexOf(labelPosition[s]!);
        if (previous === -1) {
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
          places.push(labelPosition[s]!);
          dim++;
        } else {
          if (op.shape[dim] !== op.shape[previous]) {
            throw fail(
              `einsum(): subscript ${labelOf(s)} is repeated for operand ${i} but the sizes don't match, ${op.shape[dim]} != ${op.shape[previous]}`,
            );
          }
          op = diagonalView(op, previous, dim);
        }
      }
    }
    const ones = op.shape.flatMap((size, k) => (size === 1 ? [k] : []));
    if (ones.length === 0) return { t: op, places };
    return { t: op.squeeze(ones), places: places.filter((_, k) => op.shape[k] !== 1) };
  });

  // 3. Contract pairwise from the left, summing each dim as soon as one operand alone has it.
  while (terms.length > 1) {
    let a = terms.shift()!;
    let b = terms.shift()!;
    const sumDims: number[] = [];
    const aDimsToSum: number[] = [];
    const bDimsToSum: number[] = [];
    for (let dim = outDims; dim < allDims; dim++) {
      const inA = a.places.includes(dim);
      const inB = b.places.includes(dim);
      if (inA && inB) {
        if (--dimCounts[dim]! === 1) {
          sumDims.push(dim);
          dimCounts[dim] = 0;
        }
      } else if (dimCounts[dim] === 1) {
        if (inA) {
          aDimsToSum.push(dim);
          dimCounts[dim] = 0;
        } else if (inB) {
          bDimsToSum.push(dim);
          dimCounts[dim] = 0;
        }
      }
    }
    a = sumOut(a, aDimsToSum);
    b = sumOut(b, bDimsToSum);
    terms.unshift(sumproductPair(a, b, sumDims));
  }

  // The dims left beyond the output's are summed (a lone operand's; after contractions there are none), and the
  // output's dims put in order, those no operand had above 1 as size-1 dims.
  let result = sumOut(terms[0]!, range(outDims, allDims));
  // A lone operand is summed over the dims the output lacks even where they all have size 1: bool becomes int32 (int64 in PyTorch).
  if (numOps === 1 && allDims > outDims && result.t.dtype === 'bool') result = { t: result.t.to('int32'), places: result.places };
  const present = range(0, outDims).filter((d) => result.places.includes(d));
  let out = result.t.permute(present.map((d) => result.places.indexOf(d)));
  for (let d = 0; d < outDims; d++) if (!result.places.includes(d)) out = out.unsqueeze(d);
  return out;
}

/** An operand during the contraction: a tensor, and the place in the aligned layout of each of its axes (none of size 1). */
interface Term {
  t: Tensor;
  places: number[];
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(to - from, 0) }, (_, k) => from + k);
}

/** `term` summed over the places `dims` (those it has). */
function sumOut(term: Term, dims: readonly number[]): Term {
  const axes = term.places.flatMap((p, k) => (dims.includes(p) ? [k] : []));
  if (axes.length === 0) return term;
  return { t: term.t.sum(axes), places: term.places.filter((p) => !dims.includes(p)) };
}

/** PyTorch's names of dtypes, for the messages PyTorch users search for. */
const TORCH_DTYPE_NAME: Record<DType, string> = { float32: 'Float', float64: 'Double', int32: 'Long', bool: 'Bool' };

/**
 * `(left * right)` summed over `sumDims` (places both terms have), as one
 * batched matrix product: the places in both terms and not summed are the
 * batch, those in one term the rows or the columns, the summed ones the inner
 * dimension, each group in ascending order as ATen's sumproduct_pair takes
 * them (so the matrices are PyTorch's). Without dims to sum it is a broadcast
 * product over the union of the places.
 */
function sumproductPair(left: Term, right: Term, sumDims: readonly number[]): Term {
  if (sumDims.length === 0) {
    const union = [...new Set([...left.places, ...right.places])].sort((x, y) => x - y);
    return { t: mul(alignTo(left, union), alignTo(right, union)), places: union };
  }
  const l = left.t;
  const r = right.t;
  if (l.dtype !== r.dtype) {
    throw new TypeError(
      `einsum(): expected scalar type ${TORCH_DTYPE_NAME[l.dtype]} but found ${TORCH_DTYPE_NAME[r.dtype]} ` +
        `(operands of dtypes ${l.dtype} and ${r.dtype} are contracted by a matrix product, which takes one dtype: cast one with .to())`,
    );
  }
  const ascending = (xs: number[]) => xs.sort((x, y) => x - y);
  const lro = ascending(left.places.filter((p) => right.places.includes(p) && !sumDims.includes(p)));
  const lo = ascending(left.places.filter((p) => !right.places.includes(p)));
  const ro = ascending(right.places.filter((p) => !left.places.includes(p)));
  const sizeOf = (term: Term, p: number) => term.t.shape[term.places.indexOf(p)]!;
  const product = (term: Term, ps: readonly number[]) => ps.reduce((n, p) => n * sizeOf(term, p), 1);
  const axes = (term: Term, ps: readonly number[]) => ps.map((p) => term.places.indexOf(p));
  const batch = product(left, lro);
  const inner = product(left, sumDims);
  const lhs = l.permute([...axes(left, lro), ...axes(left, lo), ...axes(left, sumDims)]).reshape(batch, product(left, lo), inner);
  const rhs = r.permute([...axes(right, lro), ...axes(right, sumDims), ...axes(right, ro)]).reshape(batch, inner, product(right, ro));
  const shape = [...lro.map((p) => sizeOf(left, p)), ...lo.map((p) => sizeOf(left, p)), ...ro.map((p) => sizeOf(right, p))];
  return { t: bmm(lhs, rhs).view(shape), places: [...lro, ...lo, ...ro] };
}

/** The term's tensor with its axes in the order of `places` (a superset of its own), size-1 dims where it has none. */
function alignTo(term: Term, places: readonly number[]): Tensor {
  const own = places.filter((p) => term.places.includes(p));
  let t = term.t.permute(own.map((p) => term.places.indexOf(p)));
  places.forEach((p, k) => {
    if (!term.places.includes(p)) t = t.unsqueeze(k);
  });
  return t;
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
  const out = x.viewWithLayout(shape, strides, x.offset, 'einsum');
  if (needsGrad(x)) record(out, 'DiagonalBackward0', [x], (g) => [diagonalEmbed(g, x.shape, d0, d1)]);
  return out;
}

/** `g` (shaped like `diagonalView(x, d0, d1)`) placed on the diagonal of dims d0, d1 of zeros shaped `shape`. */
function diagonalEmbed(g: Tensor, shape: readonly number[], d0: number, d1: number): Tensor {
  const n = shape[d0]!;
  const rest = g.shape.map((_, k) => k).filter((k) => k !== d0);
  const restShape = rest.map((k) => g.shape[k]!);
  const count = restShape.reduce((p, s) => p * s, 1);
  // [R, n] → [R, n, n+1] (a zero after each element) → its first n·n elements per row are the n×n diagonal
  // matrix. Done on 3 dims whatever the rank, so every kernel stays within what a backend holds.
  const square = g
    .permute([...rest, d0])
    .reshape(count, n, 1)
    .pad([0, n])
    .reshape(count, n * (n + 1))
    .narrow(1, 0, n * n)
    .reshape([...restShape, n, n]);
  // square's dims are (x's dims but d0 and d1, in order), d0, d1: put them back in x's order.
  const others = shape.map((_, k) => k).filter((k) => k !== d0 && k !== d1);
  const order = shape.map((_, k) => (k === d0 ? others.length : k === d1 ? others.length + 1 : others.indexOf(k)));
  return square.permute(order);
}
