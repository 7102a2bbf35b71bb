/**
 * Searching sorted sequences: searchsorted and bucketize.
 *
 * Computed on the device, without reading anything back: PyTorch's binary
 * search (`cus_lower_bound` / `cus_upper_bound`) run for every value at once,
 * one halving step per kernel round (⌊log2 n⌋ + 1 rounds for n boundaries).
 * Following PyTorch's loop step for step — not counting the boundaries below
 * each value — gives PyTorch's answers also where the sequence holds NaN or
 * is not sorted (a NaN value is placed after everything).
 */
import { assertAsync } from '../checks.js';
import { formatShape, numel } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { boolArg } from './args.js';
import { composite } from './composite.js';
import { checkTensor, commonDevice, isTensor, wrap } from './dispatch.js';
import { checkOptions } from '../options.js';
import { exactFloat } from './integer.js';
import { binaryResultType, castTo } from './promotion.js';
import { minimum } from './elementwise.js';
import { where } from './where.js';

/** Keyword arguments of `searchsorted` (PyTorch's keyword-only ones). */
export interface SearchsortedOptions {
  /** The last place a value fits (after equal boundaries) rather than the first. Default false. */
  right?: boolean;
  /** `'left'` or `'right'`: `right` spelled as a word (they may not disagree). */
  side?: 'left' | 'right' | null;
  /** Indices (int32) that sort an unsorted `sortedSequence` along its last dim (its `argsort`). */
  sorter?: Tensor | null;
  /** PyTorch's int32 result; Graft's indices are int32 always (accepted for compatibility). */
  outInt32?: boolean;
}

/** Keyword arguments of `bucketize`. */
export interface BucketizeOptions {
  /** Boundaries equal to a value count as below it. Default false. */
  right?: boolean;
  /** Accepted for compatibility: Graft's indices are int32 always. */
  outInt32?: boolean;
}

/**
 * The binary search itself: `values` (already of the boundaries' dtype)
 * searched in `boundaries`' last dim. The bounds are kept as integer-valued
 * floats (exact: n < 2^24 even in float32), which is cheaper than int32
 * arithmetic checked for overflow, and cast for the gathers.
 */
function binarySearch(boundaries: Tensor, values: Tensor, right: boolean, sorter: Tensor | undefined): Tensor {
  const n = boundaries.shape[boundaries.ndim - 1]!;
  const dim = values.ndim - 1;
  const float = exactFloat(values.backend);
  if (float === 'float32' && n >= 2 ** 24) {
    throw new RangeError(`searchsorted(): ${n} boundaries are too many for a device without float64 (at most 2^24 - 1)`);
  }
  let lo = wrap(values, values.backend.fill(values.numel(), 0, float), values.shape, float);
  let hi = wrap(values, values.backend.fill(values.numel(), n, float), values.shape, float);
  // The interval [lo, hi) at least halves each round: ⌊log2 n⌋ + 1 rounds empty it for every value.
  for (let round = 32 - Math.clz32(n); round > 0; round--) {
    const mid = lo.add(hi).mul(0.5).floor(); // = PyTorch's start + ((end - start) >> 1)
    const at = castTo(minimum(mid, n - 1), 'int32'); // a finished value (lo = hi = n) still reads something
    const midValue = boundaries.gather(dim, sorter === undefined ? at : sorter.gather(dim, at));
    // PyTorch's test, NaN included: go left where the middle boundary is ≥ the value (> for right), else right.
    const left = right ? midValue.gt(values) : midValue.ge(values);
    hi = where(left, mid, hi); // a finished value has mid = hi: unchanged
    lo = minimum(where(left, lo, mid.add(1)), hi); // … and stays at hi
  }
  return castTo(lo, 'int32');
}

function search(op: string, boundaries: Tensor, input: Tensor | number, right: boolean, sorter: Tensor | undefined): Tensor {
  const dtype = binaryResultType(boundaries, input);
  if (dtype === 'bool') throw new TypeError(`${op}(): not implemented for 'bool'`);
  const shape = isTensor(input) ? input.shape : [];
  return composite(() => {
    const n = boundaries.shape[boundaries.ndim - 1]!;
    if (sorter !== undefined) {
      // PyTorch reads past its sequence here; Graft says so (on a GPU, at the next read).
      assertAsync(sorter.ge(0).logicalAnd(sorter.lt(n)), () => `searchsorted(): sorter holds an index out of range for ${n} boundaries`);
    }
    if (numel(shape) === 0 || n === 0) return wrap(boundaries, boundaries.backend.fill(numel(shape), 0, 'int32'), shape, 'int32');
    const bd = castTo(boundaries, dtype);
    const v = isTensor(input) ? castTo(input, dtype) : wrap(bd, bd.backend.fill(1, input, dtype), [], dtype);
    // One boundary row for all values: search them as one row of their own.
    const rows = boundaries.ndim === 1 ? v.reshape(-1) : v;
    return binarySearch(bd, rows, right, sorter).reshape(shape);
  });
}

/**
 * Where each of `values` would go in `sortedSequence` to keep it sorted
 * (int32 indices of `values`' shape): the first such place, or with `{ right:
 * true }` (or `side: 'right'`) the last. The sequence is 1-D, or has
 * `values`' leading dims with one sorted row per row of `values`; a number
 * gives a 0-d result. `sorter` (int32, the sequence's shape) gives the order
 * of an unsorted sequence. Binary search on the device, no read back.
 *
 * @example
 * const seq = g.tensor([1, 3, 5, 7]);
 * g.searchsorted(seq, g.tensor([3, 6])).tolist(); // [1, 3]
 * g.searchsorted(seq, g.tensor([3, 6]), { right: true }).tolist(); // [2, 3]
 * g.searchsorted(seq, 9).item(); // 4
 */
export function searchsorted(sortedSequence: Tensor, values: Tensor | number, options?: SearchsortedOptions): Tensor {
  const op = 'searchsorted';
  checkTensor(op, sortedSequence, 'sortedSequence');
  if (!isTensor(values) && typeof values !== 'number') checkTensor(op, values, 'values');
  const o = checkOptions(op, options, ['right', 'side', 'sorter', 'outInt32']);
  let right = boolArg(op, 'right', o.right, false);
  boolArg(op, 'outInt32', o.outInt32, false);
  if (o.side !== undefined && o.side !== null) {
    if (o.side !== 'left' && o.side !== 'right') {
      throw new TypeError(`torch.searchsorted(): side can only be 'left' or 'right' but got ${String(o.side)}`);
    }
    if (right && o.side === 'left') {
      throw new Error("torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True");
    }
    right = o.side === 'right';
  }
  if (isTensor(values)) commonDevice(op, sortedSequence, values);
  const sorter = o.sorter ?? undefined;
  if (sorter !== undefined) {
    checkTensor(op, sorter, 'sorter');
    commonDevice(op, sortedSequence, sorter);
    if (formatShape(sorter.shape) !== formatShape(sortedSequence.shape)) {
      throw new Error(
        `torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor ${formatShape(sortedSequence.shape)}and got sorter tensor ${formatShape(sorter.shape)}`,
      );
    }
    if (sorter.dtype !== 'int32')
      throw new TypeError(`torch.searchsorted(): sorter must be a tensor of int32 dtype but got dtype ${sorter.dtype}`);
  }
  if (sortedSequence.ndim === 0) {
    throw new Error('torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension');
  }
  const valueDims = isTensor(values) ? values.ndim : 0;
  if (valueDims === 0 && sortedSequence.ndim !== 1) {
    throw new Error(
      `torch.searchsorted(): input value can be a scalar only when boundaries tensor dimension is 1, but we got boundaries tensor dim(${sortedSequence.ndim}) and input value's dim(0) numel(1)`,
    );
  }
  if (sortedSequence.ndim !== 1) {
    const v = values as Tensor;
    const lead = (s: readonly number[]) => formatShape(s.slice(0, -1));
    if (v.ndim !== sortedSequence.ndim || lead(v.shape) !== lead(sortedSequence.shape)) {
      throw new Error(
        `torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor ${formatShape(sortedSequence.shape)} and input value tensor ${formatShape(v.shape)}`,
      );
    }
  }
  return search(op, sortedSequence, values, right, sorter);
}

/**
 * The bucket of each element of `input` among the 1-D sorted `boundaries`
 * (int32, `input`'s shape): `i` such that `boundaries[i-1] < x ≤
 * boundaries[i]`, or with `{ right: true }` `boundaries[i-1] ≤ x <
 * boundaries[i]`. `searchsorted(boundaries, input)` with the arguments
 * swapped, as PyTorch's.
 *
 * @example
 * g.bucketize(g.tensor([0.5, 2, 9]), g.tensor([1, 2, 5])).tolist(); // [0, 1, 3]
 */
export function bucketize(input: Tensor | number, boundaries: Tensor, options?: BucketizeOptions): Tensor {
  const op = 'bucketize';
  if (!isTensor(input) && typeof input !== 'number') checkTensor(op, input, 'input');
  checkTensor(op, boundaries, 'boundaries');
  const o = checkOptions(op, options, ['right', 'outInt32']);
  const right = boolArg(op, 'right', o.right, false);
  boolArg(op, 'outInt32', o.outInt32, false);
  if (boundaries.ndim !== 1) throw new Error(`boundaries tensor must be 1 dimension, but got dim(${boundaries.ndim})`);
  if (isTensor(input)) commonDevice(op, boundaries, input);
  return search(op, boundaries, input, right, undefined);
}
