/**
 * Host (JavaScript) algorithms along one dim of a strided array, each one
 * PyTorch's CPU kernel step for step, so that values and indices — also
 * which of several tied elements (or NaNs) is picked — are PyTorch's:
 *
 * - `sortLines`: `std::sort` (`stable` false: libstdc++'s introsort, see
 *   libstdcxx-sort.ts) or a stable sort; NaN sorts as the greatest value;
 * - `topkLines`: `std::partial_sort` when `k · 64 ≤ n`, else
 *   `std::nth_element` and (`sorted`) `std::sort` of the first k − 1;
 * - `kthvalueLines`: PyTorch's own quickselect (Sedgewick's partition);
 * - `medianLines`: the first NaN (median), or `std::nth_element` by value
 *   then index (ignoring NaN for nanmedian);
 * - `modeLines`: `std::sort` by value, then the last element of the first
 *   longest run;
 * - `cumExtremeLines`: cummax/cummin's scan (ties move to the later index).
 *
 * Core runs them for the ops whose backend kernel is missing (reading the
 * input back, writing the results); a backend may call them on its own
 * arrays, as the CPU backend's `sort` kernel does. Each reads `src` through
 * a layout (shape, strides, offset: a View without its handle) and writes
 * contiguous results.
 */
import { type Less, nthElement, type Pairs, partialSort, stdSort } from './libstdcxx-sort.js';

/** Where a line's elements are: a View's layout without its handle (shape, strides, offset in elements). */
export interface Layout {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

type Src = ArrayLike<number>;
/** A writable array of numbers: the TypedArray a result is written to. */
export type Out = { [i: number]: number; readonly length: number };

const nan = (v: number): boolean => v !== v;

/** PyTorch's ascending order (KeyValueCompAsc): NaN after everything. */
const ascending: Less = (a, _ia, b) => (!nan(a) && nan(b)) || a < b;
/** PyTorch's descending order (KeyValueCompDesc): NaN before everything. */
const descending: Less = (a, _ia, b) => (nan(a) && !nan(b)) || a > b;

/** `less`, with equal keys (NaNs among them) ordered by their index: any sort by it is stable. */
function byIndex(less: Less): Less {
  return (a, ia, b, ib) => less(a, ia, b, ib) || (!less(b, ib, a, ia) && ia < ib);
}

/**
 * Calls `fn(base, line)` for every line along `axis` (all dims but `axis`,
 * row-major), with the offset of the line's first element in the source and
 * its number (the line's place in a contiguous result without `axis`).
 */
function forEachLine(x: Layout, axis: number, fn: (base: number, line: number) => void): void {
  const dims: number[] = [];
  for (let d = 0; d < x.shape.length; d++) if (d !== axis) dims.push(d);
  let count = 1;
  for (const d of dims) count *= x.shape[d]!;
  if (count === 0) return;
  const counter = new Array<number>(dims.length).fill(0);
  let base = x.offset;
  for (let line = 0; line < count; line++) {
    fn(base, line);
    for (let k = dims.length - 1; k >= 0; k--) {
      const d = dims[k]!;
      base += x.strides[d]!;
      if (++counter[k]! < x.shape[d]!) break;
      base -= x.strides[d]! * x.shape[d]!;
      counter[k] = 0;
    }
  }
}

/** The number of elements of `shape` after `axis` (the stride of `axis` in a contiguous result). */
function innerSize(shape: readonly number[], axis: number): number {
  let n = 1;
  for (let d = axis + 1; d < shape.length; d++) n *= shape[d]!;
  return n;
}

/** Scratch pairs for one line, reused across lines. */
function scratch(n: number): Pairs {
  return { keys: new Float64Array(n), ids: new Int32Array(n) };
}

/** Loads the line at `base` (stride `s`, `n` elements) into `p` as (value, index) pairs. */
function load(p: Pairs, src: Src, base: number, s: number, n: number): void {
  for (let j = 0; j < n; j++) {
    p.keys[j] = src[base + j * s]!;
    p.ids[j] = j;
  }
}

/**
 * Sorts every line along `axis`: `values` and `indices` (contiguous, x's
 * shape) get the sorted values and where each came from. NaN sorts as the
 * greatest value. `stable` keeps equal values in index order; otherwise the
 * order of equal values is `std::sort`'s, as PyTorch's CPU gives it (stable
 * for lines of up to 16 elements).
 *
 * @example
 * const values = new Float32Array(3), indices = new Int32Array(3);
 * sortLines([2, NaN, 1], { shape: [3], strides: [1], offset: 0 }, 0, false, false, values, indices);
 * // values [1, 2, NaN], indices [2, 0, 1]
 */
export function sortLines(src: Src, x: Layout, axis: number, descend: boolean, stable: boolean, values: Out, indices: Out): void {
  const n = x.shape[axis] ?? 1;
  const inner = innerSize(x.shape, axis);
  const s = x.strides[axis] ?? 0;
  const order = descend ? descending : ascending;
  const less = stable ? byIndex(order) : order;
  const p = scratch(n);
  forEachLine(x, axis, (base, line) => {
    load(p, src, base, s, n);
    stdSort(p, less, 0, n);
    const out = (line - (line % inner)) * n + (line % inner);
    for (let j = 0; j < n; j++) {
      values[out + j * inner] = p.keys[j]!;
      indices[out + j * inner] = p.ids[j]!;
    }
  });
}

/**
 * The `k` largest (or smallest) elements of every line along `axis`, as
 * PyTorch's CPU topk picks and orders them; `values` and `indices` have x's
 * shape with `k` along `axis`. NaN counts as the largest value. With
 * `sorted` false the order is what the selection leaves (PyTorch's).
 *
 * @example
 * const values = new Float32Array(2), indices = new Int32Array(2);
 * topkLines([1, 3, 2], { shape: [3], strides: [1], offset: 0 }, 0, 2, true, true, values, indices); // values [3, 2]
 */
export function topkLines(
  src: Src,
  x: Layout,
  axis: number,
  k: number,
  largest: boolean,
  sorted: boolean,
  values: Out,
  indices: Out,
): void {
  const n = x.shape[axis] ?? 1;
  const inner = innerSize(x.shape, axis);
  const s = x.strides[axis] ?? 0;
  const less = largest ? descending : ascending;
  if (k === 0) return;
  const p = scratch(n);
  forEachLine(x, axis, (base, line) => {
    load(p, src, base, s, n);
    if (k * 64 <= n) {
      partialSort(p, less, 0, k, n);
    } else {
      nthElement(p, less, 0, k - 1, n);
      if (sorted) stdSort(p, less, 0, k - 1);
    }
    const out = (line - (line % inner)) * k + (line % inner);
    for (let j = 0; j < k; j++) {
      values[out + j * inner] = p.keys[j]!;
      indices[out + j * inner] = p.ids[j]!;
    }
  });
}

/**
 * The `k`-th smallest element (1-based) of every line along `axis` and its
 * index, by PyTorch's quickselect (NaN is the greatest value). One result per
 * line, in line order.
 *
 * @example
 * const values = new Float32Array(1), indices = new Int32Array(1);
 * kthvalueLines([3, 1, 2], { shape: [3], strides: [1], offset: 0 }, 0, 1, values, indices); // values [1], indices [1]
 */
export function kthvalueLines(src: Src, x: Layout, axis: number, k: number, values: Out, indices: Out): void {
  const n = x.shape[axis] ?? 1;
  const s = x.strides[axis] ?? 0;
  const p = scratch(n);
  const arr = p.keys;
  const idx = p.ids;
  const greater = (a: number, b: number): boolean => (nan(a) && !nan(b)) || a > b;
  const swap = (i: number, j: number): void => {
    const v = arr[i]!;
    arr[i] = arr[j]!;
    arr[j] = v;
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  };
  const target = k - 1;
  forEachLine(x, axis, (base, line) => {
    load(p, src, base, s, n);
    // quick_select_template (ATen's Sorting.cpp, after Sedgewick 1978): median-of-three pivot, Hoare partition.
    let left = 0;
    let right = n - 1;
    for (;;) {
      if (right <= left) break;
      if (right === left + 1) {
        if (greater(arr[left]!, arr[right]!)) swap(left, right);
        break;
      }
      swap((left + right) >> 1, left + 1);
      if (greater(arr[left + 1]!, arr[right]!)) swap(left + 1, right);
      if (greater(arr[left]!, arr[right]!)) swap(left, right);
      if (greater(arr[left + 1]!, arr[left]!)) swap(left + 1, left);
      let i = left + 1;
      let j = right;
      const pivot = arr[left]!;
      for (;;) {
        do i++;
        while (greater(pivot, arr[i]!));
        do j--;
        while (greater(arr[j]!, pivot));
        if (j < i) break;
        swap(i, j);
      }
      swap(left, j);
      if (j <= target) left = i;
      if (j >= target) right = j - 1;
    }
    values[line] = arr[target]!;
    indices[line] = idx[target]!;
  });
}

/**
 * The lower median of every line along `axis` and its index. `ignoreNan`
 * false (median): a line with NaN gives its first NaN; otherwise the element
 * of rank ⌊(n − 1) / 2⌋ in (value, index) order. `ignoreNan` true
 * (nanmedian): the same among the non-NaN elements; a line of NaN only gives
 * a NaN (the one `std::nth_element` leaves first, as PyTorch's). One result
 * per line.
 *
 * @example
 * const values = new Float32Array(1), indices = new Int32Array(1);
 * medianLines([3, 1, 2, 1], { shape: [4], strides: [1], offset: 0 }, 0, false, values, indices); // values [1], indices [1]
 */
export function medianLines(src: Src, x: Layout, axis: number, ignoreNan: boolean, values: Out, indices: Out): void {
  const n = x.shape[axis] ?? 1;
  const s = x.strides[axis] ?? 0;
  const p = scratch(n);
  const byValue: Less = (a, ia, b, ib) => a < b || (a === b && ia < ib);
  const nanLast: Less = (a, ia, b, ib) => a < b || (a === b && ia < ib) || (nan(b) && !nan(a));
  forEachLine(x, axis, (base, line) => {
    load(p, src, base, s, n);
    let nans = 0;
    for (let j = 0; j < n; j++) if (nan(p.keys[j]!)) nans++;
    if (!ignoreNan && nans > 0) {
      let j = 0;
      while (!nan(p.keys[j]!)) j++;
      values[line] = p.keys[j]!;
      indices[line] = j;
      return;
    }
    const nth = Math.trunc((n - nans - 1) / 2);
    nthElement(p, ignoreNan ? nanLast : byValue, 0, nth, n);
    values[line] = p.keys[nth]!;
    indices[line] = p.ids[nth]!;
  });
}

/**
 * The most frequent value of every line along `axis` and an index where it
 * occurs, as PyTorch's CPU mode: the line is sorted by value with
 * `std::sort` and the first of the longest runs of equal values wins (the
 * smallest such value), with the index of the last element of its run.
 * NaNs are never equal, so each is a run of one. One result per line.
 *
 * @example
 * const values = new Float32Array(1), indices = new Int32Array(1);
 * modeLines([2, 1, 2, 1], { shape: [4], strides: [1], offset: 0 }, 0, values, indices); // values [1]
 */
export function modeLines(src: Src, x: Layout, axis: number, values: Out, indices: Out): void {
  const n = x.shape[axis] ?? 1;
  const s = x.strides[axis] ?? 0;
  const p = scratch(n);
  const byValue: Less = (a, _ia, b) => a < b;
  forEachLine(x, axis, (base, line) => {
    load(p, src, base, s, n);
    stdSort(p, byValue, 0, n);
    let mode = 0;
    let modeIndex = 0;
    let run = 0;
    let best = 0;
    for (let i = 0; i < n; i++) {
      run++;
      if (i === n - 1 || p.keys[i] !== p.keys[i + 1]) {
        if (run > best) {
          mode = p.keys[i]!;
          modeIndex = p.ids[i]!;
          best = run;
        }
        run = 0;
      }
    }
    values[line] = mode;
    indices[line] = modeIndex;
  });
}

/**
 * The running maximum (`'max'`) or minimum (`'min'`) along `axis` and where
 * it was last reached: an equal value moves the index to the later element,
 * and from the first NaN on the value is NaN, with the index of the latest
 * NaN (PyTorch's cummax/cummin). `values`, `indices`: x's shape, contiguous.
 *
 * @example
 * const values = new Float32Array(3), indices = new Int32Array(3);
 * cumExtremeLines([1, 3, 3], { shape: [3], strides: [1], offset: 0 }, 0, 'max', values, indices); // indices [0, 1, 2]
 */
export function cumExtremeLines(src: Src, x: Layout, axis: number, op: 'max' | 'min', values: Out, indices: Out): void {
  const n = x.shape[axis] ?? 1;
  const inner = innerSize(x.shape, axis);
  const s = x.strides[axis] ?? 0;
  const max = op === 'max';
  forEachLine(x, axis, (base, line) => {
    const out = (line - (line % inner)) * n + (line % inner);
    let best = src[base]!;
    let at = 0;
    for (let j = 0; j < n; j++) {
      const v = src[base + j * s]!;
      if (nan(v) || (!nan(best) && (max ? v >= best : v <= best))) {
        best = v;
        at = j;
      }
      values[out + j * inner] = best;
      indices[out + j * inner] = at;
    }
  });
}
