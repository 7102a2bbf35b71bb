/**
 * GNU libstdc++'s `std::sort`, `std::partial_sort` and `std::nth_element`
 * (GCC 12), step for step, on (key, id) pairs held in two parallel arrays.
 *
 * PyTorch's CPU kernels call these algorithms: `sort` (`stable=False`) is
 * `std::sort`, `topk` is `std::partial_sort` or `std::nth_element` then
 * `std::sort`, `mode` sorts with `std::sort`, `nanmedian` selects with
 * `std::nth_element`. None of them is stable, so which of several equal keys
 * lands where — the indices PyTorch returns for ties, and for NaN, which its
 * comparators treat as equal to each other — is whatever these exact steps
 * do. Reproducing the steps (introsort with median-of-three pivots and a
 * 16-element insertion-sort cutoff, heapsort past 2·log2(n) levels,
 * introselect with a 3-element cutoff) gives PyTorch's indices for every
 * input, checked against PyTorch 1.13 (Debian's build, GCC 12) by the
 * sorting fixtures.
 *
 * Every function works on `keys[first..last)` and `ids[first..last)`,
 * moving a pair as one element; `less` compares two pairs as the C++
 * comparator does (it need not be a strict weak order: `mode`'s `a < b`
 * with NaN is not, and the algorithms stay in bounds as libstdc++'s do).
 */

/** A comparator of (key, id) pairs: true when the first goes before the second. */
export type Less = (keyA: number, idA: number, keyB: number, idB: number) => boolean;

/** The pairs being sorted: keys (values as doubles: every dtype's values are exact there) and ids (indices). */
export interface Pairs {
  keys: Float64Array;
  ids: Int32Array;
}

/** std::__lg: floor(log2(n)) for n > 0. */
function lg(n: number): number {
  return 31 - Math.clz32(n);
}

/** C++'s integer division by 2 (truncates toward zero, also for -1). */
function half(n: number): number {
  return Math.trunc(n / 2);
}

function swap(p: Pairs, a: number, b: number): void {
  const k = p.keys[a]!;
  p.keys[a] = p.keys[b]!;
  p.keys[b] = k;
  const i = p.ids[a]!;
  p.ids[a] = p.ids[b]!;
  p.ids[b] = i;
}

function lessAt(p: Pairs, less: Less, a: number, b: number): boolean {
  return less(p.keys[a]!, p.ids[a]!, p.keys[b]!, p.ids[b]!);
}

/** std::__move_median_to_first: the median of a, b, c (by `less`) swapped into `result`. */
function moveMedianToFirst(p: Pairs, less: Less, result: number, a: number, b: number, c: number): void {
  if (lessAt(p, less, a, b)) {
    if (lessAt(p, less, b, c)) swap(p, result, b);
    else if (lessAt(p, less, a, c)) swap(p, result, c);
    else swap(p, result, a);
  } else if (lessAt(p, less, a, c)) swap(p, result, a);
  else if (lessAt(p, less, b, c)) swap(p, result, c);
  else swap(p, result, b);
}

/** std::__unguarded_partition around the pair at `pivot`. */
function unguardedPartition(p: Pairs, less: Less, first: number, last: number, pivot: number): number {
  for (;;) {
    while (lessAt(p, less, first, pivot)) first++;
    last--;
    while (lessAt(p, less, pivot, last)) last--;
    if (!(first < last)) return first;
    swap(p, first, last);
    first++;
  }
}

/** std::__unguarded_partition_pivot: median of (first + 1, middle, last − 1) as the pivot, moved to first. */
function partitionPivot(p: Pairs, less: Less, first: number, last: number): number {
  const mid = first + half(last - first);
  moveMedianToFirst(p, less, first, first + 1, mid, last - 1);
  return unguardedPartition(p, less, first + 1, last, first);
}

/** std::__push_heap: the pair (key, id) sifted up from `hole` (a max-heap by `less`, rooted at first). */
function pushHeap(p: Pairs, less: Less, first: number, hole: number, top: number, key: number, id: number): void {
  let parent = half(hole - 1);
  while (hole > top && less(p.keys[first + parent]!, p.ids[first + parent]!, key, id)) {
    p.keys[first + hole] = p.keys[first + parent]!;
    p.ids[first + hole] = p.ids[first + parent]!;
    hole = parent;
    parent = half(hole - 1);
  }
  p.keys[first + hole] = key;
  p.ids[first + hole] = id;
}

/** std::__adjust_heap: fills `hole` from its larger children down to a leaf, then pushes (key, id) back up. */
function adjustHeap(p: Pairs, less: Less, first: number, hole: number, len: number, key: number, id: number): void {
  const top = hole;
  let child = hole;
  while (child < half(len - 1)) {
    child = 2 * (child + 1);
    if (lessAt(p, less, first + child, first + child - 1)) child--;
    p.keys[first + hole] = p.keys[first + child]!;
    p.ids[first + hole] = p.ids[first + child]!;
    hole = child;
  }
  if ((len & 1) === 0 && child === half(len - 2)) {
    child = 2 * (child + 1);
    p.keys[first + hole] = p.keys[first + child - 1]!;
    p.ids[first + hole] = p.ids[first + child - 1]!;
    hole = child - 1;
  }
  pushHeap(p, less, first, hole, top, key, id);
}

function makeHeap(p: Pairs, less: Less, first: number, last: number): void {
  const len = last - first;
  if (len < 2) return;
  for (let parent = half(len - 2); ; parent--) {
    adjustHeap(p, less, first, parent, len, p.keys[first + parent]!, p.ids[first + parent]!);
    if (parent === 0) return;
  }
}

/** std::__pop_heap: the root moves to `result`, the pair at `result` into the heap [first, last). */
function popHeap(p: Pairs, less: Less, first: number, last: number, result: number): void {
  const key = p.keys[result]!;
  const id = p.ids[result]!;
  p.keys[result] = p.keys[first]!;
  p.ids[result] = p.ids[first]!;
  adjustHeap(p, less, first, 0, last - first, key, id);
}

/** std::__heap_select: a heap of the `middle − first` least pairs of [first, last) in [first, middle). */
function heapSelect(p: Pairs, less: Less, first: number, middle: number, last: number): void {
  makeHeap(p, less, first, middle);
  for (let i = middle; i < last; i++) if (lessAt(p, less, i, first)) popHeap(p, less, first, middle, i);
}

function sortHeap(p: Pairs, less: Less, first: number, last: number): void {
  while (last - first > 1) {
    last--;
    popHeap(p, less, first, last, last);
  }
}

/** std::__unguarded_linear_insert: the pair at `last` moved left past every pair it is less than. */
function unguardedLinearInsert(p: Pairs, less: Less, last: number): void {
  const key = p.keys[last]!;
  const id = p.ids[last]!;
  let next = last - 1;
  // The C++ loop has no bound: a pair not less than some earlier one stops it. Past the array's
  // start `undefined` compares false, which is where a valid comparator stops anyway.
  while (less(key, id, p.keys[next]!, p.ids[next]!)) {
    p.keys[last] = p.keys[next]!;
    p.ids[last] = p.ids[next]!;
    last = next;
    next--;
  }
  p.keys[last] = key;
  p.ids[last] = id;
}

function insertionSort(p: Pairs, less: Less, first: number, last: number): void {
  if (first === last) return;
  for (let i = first + 1; i < last; i++) {
    if (lessAt(p, less, i, first)) {
      const key = p.keys[i]!;
      const id = p.ids[i]!;
      for (let j = i; j > first; j--) {
        p.keys[j] = p.keys[j - 1]!;
        p.ids[j] = p.ids[j - 1]!;
      }
      p.keys[first] = key;
      p.ids[first] = id;
    } else {
      unguardedLinearInsert(p, less, i);
    }
  }
}

/** libstdc++'s _S_threshold: ranges this short are left to the final insertion sort. */
const THRESHOLD = 16;

function introsortLoop(p: Pairs, less: Less, first: number, last: number, depth: number): void {
  while (last - first > THRESHOLD) {
    if (depth === 0) {
      // std::__partial_sort(first, last, last): heapsort.
      heapSelect(p, less, first, last, last);
      sortHeap(p, less, first, last);
      return;
    }
    depth--;
    const cut = partitionPivot(p, less, first, last);
    introsortLoop(p, less, cut, last, depth);
    last = cut;
  }
}

/**
 * `std::sort(first, last, less)`: introsort, then one insertion sort over
 * the whole range (guarded over its first 16 pairs).
 *
 * @example
 * const p = { keys: Float64Array.of(2, 1, 2), ids: Int32Array.of(0, 1, 2) };
 * stdSort(p, (a, _i, b) => a < b, 0, 3); // p.ids is [1, 0, 2]
 */
export function stdSort(p: Pairs, less: Less, first: number, last: number): void {
  if (first === last) return;
  introsortLoop(p, less, first, last, lg(last - first) * 2);
  if (last - first > THRESHOLD) {
    insertionSort(p, less, first, first + THRESHOLD);
    for (let i = first + THRESHOLD; i < last; i++) unguardedLinearInsert(p, less, i);
  } else {
    insertionSort(p, less, first, last);
  }
}

/**
 * `std::partial_sort(first, middle, last, less)`: the least `middle − first`
 * pairs, sorted, in [first, middle) (heap select, then heapsort).
 *
 * @example
 * const p = { keys: Float64Array.of(3, 1, 2), ids: Int32Array.of(0, 1, 2) };
 * partialSort(p, (a, _i, b) => a > b, 0, 1, 3); // p.keys[0] is 3
 */
export function partialSort(p: Pairs, less: Less, first: number, middle: number, last: number): void {
  heapSelect(p, less, first, middle, last);
  sortHeap(p, less, first, middle);
}

/**
 * `std::nth_element(first, nth, last, less)`: the pair that sorts to `nth`
 * put there, with none after it less than any before it (introselect).
 *
 * @example
 * const p = { keys: Float64Array.of(3, 1, 2), ids: Int32Array.of(0, 1, 2) };
 * nthElement(p, (a, _i, b) => a < b, 0, 1, 3); // p.keys[1] is 2
 */
export function nthElement(p: Pairs, less: Less, first: number, nth: number, last: number): void {
  if (first === last || nth === last) return;
  let depth = lg(last - first) * 2;
  while (last - first > 3) {
    if (depth === 0) {
      heapSelect(p, less, first, nth + 1, last);
      swap(p, first, nth); // the nth least, now at the heap's root, to its place
      return;
    }
    depth--;
    const cut = partitionPivot(p, less, first, last);
    if (cut <= nth) first = cut;
    else last = cut;
  }
  insertionSort(p, less, first, last);
}
