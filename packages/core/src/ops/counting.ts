/**
 * Counting values: unique, uniqueConsecutive, bincount, histc.
 *
 * `unique` and `uniqueConsecutive` have data-dependent output shapes: they
 * read their input back once and compute on the host (so does `histc`, whose
 * bin edges must be PyTorch's to the last bit: float32 arithmetic on a GPU
 * is not). `bincount` reads only its input's extremes (one read of two
 * numbers: its length depends on them) and counts on the device. None is
 * differentiable: as in PyTorch, a result computed from a tensor that requires
 * grad carries a node whose backward raises.
 */
import { stdSort } from '../backend/libstdcxx-sort.js';
import { ARRAY_TYPE, isFloating } from '../dtype.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { boolArg, dimArg, intArg, parseArgs } from './args.js';
import { composite } from './composite.js';
import { checkTensor, commonDevice, wrap } from './dispatch.js';
import { hostValues, upload } from './host.js';
import { scatterAddShaped } from './indexing.js';
import { stack } from './movement.js';
import { castTo } from './promotion.js';

/** The node a non-differentiable op records when its input requires grad: backward raises PyTorch's error. */
function notDifferentiable(name: string, op: string, inputs: readonly unknown[]) {
  return {
    name,
    inputs,
    backward: (): never => {
      throw new Error(`the derivative for '${op}' is not implemented`);
    },
  };
}

/** Keyword arguments of `unique` (each also positional: `sorted, returnInverse, returnCounts, dim`). */
export interface UniqueOptions {
  /** Accepted as PyTorch's; the result is sorted either way (see `unique`). */
  sorted?: boolean;
  /** Also return, for each element (or slice), the index of its value in the result. */
  returnInverse?: boolean;
  /** Also return how many times each unique value (or slice) occurs. */
  returnCounts?: boolean;
  /** Unique slices along this dim instead of unique elements. */
  dim?: number | null;
}

/** Keyword arguments of `uniqueConsecutive` (each also positional: `returnInverse, returnCounts, dim`). */
export type UniqueConsecutiveOptions = Omit<UniqueOptions, 'sorted'>;

/** Groups of equal values: each element's group (`inverse`), each group's first element (`firsts`) and size. */
interface Groups {
  firsts: number[];
  counts: number[];
  inverse: Int32Array;
}

/**
 * Groups `count` items visited in `order`: a new group starts wherever
 * `same(first of the current group, next)` is false.
 */
function group(order: ArrayLike<number>, count: number, same: (a: number, b: number) => boolean): Groups {
  const firsts: number[] = [];
  const counts: number[] = [];
  const inverse = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const item = order[i]!;
    if (firsts.length === 0 || !same(firsts[firsts.length - 1]!, item)) {
      firsts.push(item);
      counts.push(0);
    }
    counts[counts.length - 1]!++;
    inverse[item] = firsts.length - 1;
  }
  return { firsts, counts, inverse };
}

/** unique/uniqueConsecutive of all elements: the groups of equal values (NaNs never equal), sorted or in order. */
function elementGroups(values: Float64Array, sorted: boolean): Groups {
  const n = values.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (sorted) {
    // Ascending, NaN last, equal values in index order: each group's first element is its first occurrence.
    const less = (a: number, ia: number, b: number, ib: number) =>
      (a === a && b !== b) || a < b || ((a === b || (a !== a && b !== b)) && ia < ib);
    stdSort({ keys: Float64Array.from(values), ids: order }, less, 0, n);
  }
  return group(order, n, (a, b) => values[a] === values[b]);
}

/**
 * unique/uniqueConsecutive along `d`: the groups of equal slices (equal
 * element by element; NaN never equal). `sorted` sorts the slices
 * lexicographically with libstdc++'s `std::sort`, as PyTorch's CPU unique.
 */
function sliceGroups(values: Float64Array, count: number, width: number, sorted: boolean): Groups {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  if (sorted) {
    const less = (_ka: number, a: number, _kb: number, b: number) => {
      for (let j = 0; j < width; j++) {
        const l = values[a * width + j]!;
        const r = values[b * width + j]!;
        if (l < r) return true;
        if (l > r) return false;
      }
      return false;
    };
    stdSort({ keys: new Float64Array(count), ids: order }, less, 0, count);
  }
  return group(order, count, (a, b) => {
    for (let j = 0; j < width; j++) if (values[a * width + j] !== values[b * width + j]) return false;
    return true;
  });
}

function uniqueImpl(
  op: 'unique' | 'uniqueConsecutive',
  x: Tensor,
  sorted: boolean,
  returnInverse: boolean,
  returnCounts: boolean,
  dim: number | undefined,
): Tensor | Tensor[] {
  const name = op === 'unique' ? (dim === undefined ? 'Unique2Backward0' : 'UniqueDimBackward0') : 'UniqueConsecutiveBackward0';
  let d: number | undefined;
  if (dim !== undefined) {
    d = normalizeDim(op, dim, x.ndim);
    if (x.ndim === 0) throw new RangeError(`Dimension specified as ${dim} but tensor has no dimensions`);
    if (x.numel() === 0) {
      if (x.shape.filter((s) => s === 0).length !== 1) {
        throw new Error('Number of zero sized dimensions is more than one, so unique cannot be applied ');
      }
      if (x.shape[d] !== 0) throw new Error("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied");
    }
  }
  // The output, then what was asked for (PyTorch's order): the inverse indices of `shape`, the counts.
  const results = (output: Tensor, groups: Groups, shape: readonly number[]): Tensor[] => [
    output,
    ...(returnInverse ? [upload(x, groups.inverse, shape, 'int32')] : []),
    ...(returnCounts ? [upload(x, Int32Array.from(groups.counts), [groups.counts.length], 'int32')] : []),
  ];
  const parts = composite(
    (): Tensor[] => {
      if (d === undefined) {
        const values = hostValues(x);
        const groups = elementGroups(values, sorted);
        const out = new ARRAY_TYPE[x.dtype](groups.firsts.length);
        groups.firsts.forEach((item, g) => (out[g] = values[item]!));
        return results(upload(x, out, [out.length], x.dtype), groups, x.shape);
      }
      // Slices along d as rows (d moved first, the other dims in order: PyTorch's moveaxis), compared element by element.
      const rest = x.shape.map((_, i) => i).filter((i) => i !== d);
      const moved = x.permute([d, ...rest]);
      const count = x.shape[d]!;
      const width = count === 0 ? 0 : x.numel() / count;
      const values = hostValues(moved);
      const groups = sliceGroups(values, count, width, sorted);
      const out = new ARRAY_TYPE[x.dtype](groups.firsts.length * width);
      groups.firsts.forEach((item, g) => out.set(values.subarray(item * width, (item + 1) * width), g * width));
      const movedShape = [groups.firsts.length, ...rest.map((i) => x.shape[i]!)];
      const inversePermutation = [0, ...rest].map((_, i) => [d!, ...rest].indexOf(i));
      return results(upload(x, out, movedShape, x.dtype).permute(inversePermutation).contiguous(), groups, [count]);
    },
    notDifferentiable(name, op, [x]),
  );
  return parts.length === 1 ? parts[0]! : parts;
}

/**
 * The unique elements of `x` (flattened), sorted ascending, NaN last (each
 * NaN its own element); with `{ dim }`, the unique slices along `dim`,
 * sorted lexicographically. With `returnInverse` and/or `returnCounts`,
 * an array `[output, inverse?, counts?]` in PyTorch's order: `inverse`
 * (int32, x's shape, or `[x.shape[dim]]`) gives each element's place in
 * `output`, `counts` how often each occurs. The result is always sorted:
 * PyTorch's CPU `sorted=False` returns its hash set's order, which it does
 * not specify (its GPU, and NumPy, sort). Computed on the host: the input is
 * read back once (the output's size depends on the values).
 *
 * @example
 * g.tensor([3, 1, 3, 2]).unique().tolist(); // [1, 2, 3]
 * const [values, inverse, counts] = g.tensor([3, 1, 3]).unique({ returnInverse: true, returnCounts: true });
 * inverse.tolist(); // [1, 0, 1]
 * counts.tolist(); // [1, 2]
 */
export function unique(x: Tensor, options?: UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
export function unique(x: Tensor, options: UniqueOptions & { returnInverse: true; returnCounts: true }): [Tensor, Tensor, Tensor];
export function unique(x: Tensor, options: UniqueOptions & ({ returnInverse: true } | { returnCounts: true })): [Tensor, Tensor];
export function unique(
  x: Tensor,
  sorted?: boolean | UniqueOptions,
  returnInverse?: boolean | UniqueOptions,
  returnCounts?: boolean | UniqueOptions,
  dim?: number | null | UniqueOptions,
  options?: UniqueOptions,
): Tensor | Tensor[];
export function unique(
  x: Tensor,
  sorted?: boolean | UniqueOptions,
  returnInverse?: boolean | UniqueOptions,
  returnCounts?: boolean | UniqueOptions,
  dim?: number | null | UniqueOptions,
  options?: UniqueOptions,
): Tensor | Tensor[] {
  checkTensor('unique', x);
  const a = parseArgs('unique', [sorted, returnInverse, returnCounts, dim, options], ['sorted', 'returnInverse', 'returnCounts', 'dim']);
  // `sorted` is checked but changes nothing: the result is sorted either way (see above).
  boolArg('unique', 'sorted', a['sorted'], true);
  return uniqueImpl(
    'unique',
    x,
    true,
    boolArg('unique', 'returnInverse', a['returnInverse'], false),
    boolArg('unique', 'returnCounts', a['returnCounts'], false),
    dimArg('unique', a['dim'], true),
  );
}

/**
 * Collapses runs of equal consecutive elements (of `x` flattened, or of
 * slices along `dim`) to one: PyTorch's `unique_consecutive`. With
 * `returnInverse`/`returnCounts`, `[output, inverse?, counts?]` as `unique`.
 * NaNs are never equal. Computed on the host (one read).
 *
 * @example
 * g.tensor([1, 1, 2, 2, 3, 1]).uniqueConsecutive().tolist(); // [1, 2, 3, 1]
 * g.tensor([1, 1, 2]).uniqueConsecutive({ returnCounts: true })[1].tolist(); // [2, 1]
 */
export function uniqueConsecutive(x: Tensor, options?: UniqueConsecutiveOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
export function uniqueConsecutive(
  x: Tensor,
  options: UniqueConsecutiveOptions & { returnInverse: true; returnCounts: true },
): [Tensor, Tensor, Tensor];
export function uniqueConsecutive(
  x: Tensor,
  options: UniqueConsecutiveOptions & ({ returnInverse: true } | { returnCounts: true }),
): [Tensor, Tensor];
export function uniqueConsecutive(
  x: Tensor,
  returnInverse?: boolean | UniqueConsecutiveOptions,
  returnCounts?: boolean | UniqueConsecutiveOptions,
  dim?: number | null | UniqueConsecutiveOptions,
  options?: UniqueConsecutiveOptions,
): Tensor | Tensor[];
export function uniqueConsecutive(
  x: Tensor,
  returnInverse?: boolean | UniqueConsecutiveOptions,
  returnCounts?: boolean | UniqueConsecutiveOptions,
  dim?: number | null | UniqueConsecutiveOptions,
  options?: UniqueConsecutiveOptions,
): Tensor | Tensor[] {
  checkTensor('uniqueConsecutive', x);
  const a = parseArgs('uniqueConsecutive', [returnInverse, returnCounts, dim, options], ['returnInverse', 'returnCounts', 'dim']);
  return uniqueImpl(
    'uniqueConsecutive',
    x,
    false,
    boolArg('uniqueConsecutive', 'returnInverse', a['returnInverse'], false),
    boolArg('uniqueConsecutive', 'returnCounts', a['returnCounts'], false),
    dimArg('uniqueConsecutive', a['dim'], true),
  );
}

/** Keyword arguments of `bincount` (each also positional: `weights, minlength`). */
export interface BincountOptions {
  weights?: Tensor | null;
  minlength?: number;
}

/**
 * How often each value occurs in the 1-D non-negative int32 tensor `x`:
 * `out[v]` counts the elements equal to `v` (int32), or sums their
 * `weights` (float32 weights give float32, any other dtype float64). The
 * length is `max(x) + 1`, at least `minlength`. Reads back only the extremes
 * of `x` (its length depends on them) and counts on the device.
 *
 * @example
 * g.tensor([0, 1, 1, 3], { dtype: 'int32' }).bincount().tolist(); // [1, 2, 0, 1]
 * g.bincount(g.tensor([0, 1, 1], { dtype: 'int32' }), g.tensor([0.5, 1, 2])).tolist(); // [0.5, 3]
 */
export function bincount(
  x: Tensor,
  weights?: Tensor | null | BincountOptions,
  minlength?: number | BincountOptions,
  options?: BincountOptions,
): Tensor {
  checkTensor('bincount', x);
  const a = parseArgs('bincount', [weights, minlength, options], ['weights', 'minlength']);
  const w = (a['weights'] ?? undefined) as Tensor | undefined;
  if (w !== undefined) {
    checkTensor('bincount', w, 'weights');
    commonDevice('bincount', x, w);
  }
  const min = intArg('bincount', 'minlength', a['minlength'], 0);
  if (x.dtype !== 'int32') throw new TypeError(`bincount(): not implemented for '${x.dtype}'`);
  if (min < 0) throw new RangeError('minlength should be >= 0');
  if (x.ndim === 1 && x.numel() === 0) return wrap(x, x.backend.fill(min, 0, 'int32'), [min], 'int32');
  if (x.ndim !== 1) throw new RangeError('bincount only supports 1-d non-negative integral inputs.');
  const extremes = composite(() => stack([x.amin(), x.amax()]));
  const [lo, hi] = extremes.dataSync();
  extremes.dispose();
  if (lo! < 0) throw new RangeError('bincount only supports 1-d non-negative integral inputs.');
  if (w !== undefined && (w.ndim !== 1 || w.shape[0] !== x.shape[0])) {
    throw new RangeError('weights should be 1-d and have the same length as input');
  }
  const length = Math.max(min, hi! + 1);
  return composite(
    () => {
      if (w === undefined) return scatterAddShaped([length], 0, x, wrap(x, x.backend.fill(x.numel(), 1, 'int32'), x.shape, 'int32'));
      return scatterAddShaped([length], 0, x, castTo(w, w.dtype === 'float32' ? 'float32' : 'float64'));
    },
    notDifferentiable('NotImplemented', 'bincount', w === undefined ? [] : [w]),
  );
}

/** Keyword arguments of `histc` (each also positional: `bins, min, max`). */
export interface HistcOptions {
  bins?: number;
  min?: number;
  max?: number;
}

/** A number as C++'s ostream prints a double (6 significant digits, %g): how PyTorch's messages show it. */
function cppNumber(v: number): string {
  if (v !== v) return 'nan';
  if (v === Infinity || v === -Infinity) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const exponent = Math.floor(Math.log10(Math.abs(v)));
  const trim = (s: string) => s.replace(/\.?0+$/, '');
  if (exponent < -4 || exponent >= 6) {
    const [mantissa, e] = v.toExponential(5).split('e') as [string, string];
    const n = Number(e);
    return `${trim(mantissa)}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return trim(v.toPrecision(6));
}

/**
 * A histogram of `x`'s elements in `bins` equal bins between `min` and `max`
 * (both 0, the default: the smallest and largest element). Elements outside
 * the range are not counted, nor is NaN; the last bin includes `max`. The
 * result has `bins` elements of x's (floating) dtype. The bins are PyTorch's
 * to the last bit (the same float arithmetic), computed on the host (one
 * read). Not differentiable.
 *
 * @example
 * g.tensor([1, 2, 1]).histc(4, 0, 3).tolist(); // [0, 2, 1, 0]
 */
export function histc(
  x: Tensor,
  bins?: number | HistcOptions,
  min?: number | HistcOptions,
  max?: number | HistcOptions,
  options?: HistcOptions,
): Tensor {
  checkTensor('histc', x);
  const a = parseArgs('histc', [bins, min, max, options], ['bins', 'min', 'max']);
  const count = intArg('histc', 'bins', a['bins'], 100);
  const bounds = (['min', 'max'] as const).map((key) => {
    const v = a[key] ?? 0;
    if (typeof v !== 'number') throw new TypeError(`histc(): argument '${key}' must be a number, not ${typeof v}`);
    return v;
  });
  if (!isFloating(x.dtype)) throw new TypeError(`histc(): not implemented for '${x.dtype}'`);
  if (count <= 0) throw new RangeError(`torch.histogram(): bins must be > 0, but got ${count} for dimension 0`);
  const values = hostValues(x);
  let [lo, hi] = bounds as [number, number];
  if (lo === hi && values.length > 0) {
    // PyTorch's aminmax: NaN if any element is NaN.
    lo = Infinity;
    hi = -Infinity;
    for (const v of values) {
      if (v !== v) {
        lo = hi = NaN;
        break;
      }
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi))
    throw new RangeError(`torch.histc: range of [${cppNumber(lo)}, ${cppNumber(hi)}] is not finite`);
  if (!(lo < hi)) throw new RangeError('torch.histc: max must be larger than min');
  // PyTorch's linear interpolation, in x's precision: pos = trunc((v - left) · bins / (right - left)).
  const round = x.dtype === 'float32' ? Math.fround : (v: number) => v;
  const left = round(lo);
  const right = round(hi);
  const width = round(right - left);
  const out = new ARRAY_TYPE[x.dtype](count);
  for (const v of values) {
    if (!(v >= left && v <= right)) continue;
    let pos = Math.trunc(round(round(round(v - left) * count) / width));
    if (pos === count) pos -= 1;
    out[pos]! += 1;
  }
  return upload(x, out, [count], x.dtype);
}
