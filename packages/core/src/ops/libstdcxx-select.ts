/**
 * PyTorch's CPU `topk` (ATen's `topk_impl_loop`), whose order among equal
 * values is whatever GCC's libstdc++ `std::partial_sort`, `std::nth_element`
 * and `std::sort` leave. `multinomial` without replacement takes the top k of
 * `p / Exp(1)`, and categories of probability 0 all tie at 0: to pick PyTorch's
 * categories among them, these are the libstdc++ algorithms step for step
 * (`bits/stl_algo.h`, `bits/stl_heap.h`), on (value, index) pairs.
 */

/** (value, index) pairs in two arrays, and the comparison `before(a, b)` of values (pairs compare by value only). */
class Pairs {
  constructor(
    readonly v: Float64Array,
    readonly ix: Int32Array,
    readonly before: (a: number, b: number) => boolean,
  ) {}

  comp(a: number, b: number): boolean {
    return this.before(this.v[a]!, this.v[b]!);
  }

  swap(a: number, b: number): void {
    const { v, ix } = this;
    const tv = v[a]!;
    const ti = ix[a]!;
    v[a] = v[b]!;
    ix[a] = ix[b]!;
    v[b] = tv;
    ix[b] = ti;
  }

  move(to: number, from: number): void {
    this.v[to] = this.v[from]!;
    this.ix[to] = this.ix[from]!;
  }

  set(to: number, value: number, index: number): void {
    this.v[to] = value;
    this.ix[to] = index;
  }
}

/** `std::__lg`: floor(log2 n). */
const lg = (n: number) => 31 - Math.clz32(n);
/** C++'s integer division (truncates toward zero). */
const half = (n: number) => Math.trunc(n / 2);

function pushHeap(p: Pairs, first: number, hole: number, top: number, value: number, index: number): void {
  let parent = half(hole - 1);
  while (hole > top && p.before(p.v[first + parent]!, value)) {
    p.move(first + hole, first + parent);
    hole = parent;
    parent = half(hole - 1);
  }
  p.set(first + hole, value, index);
}

function adjustHeap(p: Pairs, first: number, hole: number, len: number, value: number, index: number): void {
  const top = hole;
  let second = hole;
  while (second < half(len - 1)) {
    second = 2 * (second + 1);
    if (p.comp(first + second, first + second - 1)) second--;
    p.move(first + hole, first + second);
    hole = second;
  }
  if ((len & 1) === 0 && second === half(len - 2)) {
    second = 2 * (second + 1);
    p.move(first + hole, first + second - 1);
    hole = second - 1;
  }
  pushHeap(p, first, hole, top, value, index);
}

function makeHeap(p: Pairs, first: number, last: number): void {
  const len = last - first;
  if (len < 2) return;
  for (let parent = half(len - 2); ; parent--) {
    adjustHeap(p, first, parent, len, p.v[first + parent]!, p.ix[first + parent]!);
    if (parent === 0) return;
  }
}

function popHeap(p: Pairs, first: number, last: number, result: number): void {
  const value = p.v[result]!;
  const index = p.ix[result]!;
  p.move(result, first);
  adjustHeap(p, first, 0, last - first, value, index);
}

function heapSelect(p: Pairs, first: number, middle: number, last: number): void {
  makeHeap(p, first, middle);
  for (let i = middle; i < last; i++) if (p.comp(i, first)) popHeap(p, first, middle, i);
}

function sortHeap(p: Pairs, first: number, last: number): void {
  while (last - first > 1) {
    last--;
    popHeap(p, first, last, last);
  }
}

/** `std::partial_sort(first, middle, last)`. */
function partialSort(p: Pairs, first: number, middle: number, last: number): void {
  heapSelect(p, first, middle, last);
  sortHeap(p, first, middle);
}

function moveMedianToFirst(p: Pairs, result: number, a: number, b: number, c: number): void {
  if (p.comp(a, b)) {
    if (p.comp(b, c)) p.swap(result, b);
    else if (p.comp(a, c)) p.swap(result, c);
    else p.swap(result, a);
  } else if (p.comp(a, c)) p.swap(result, a);
  else if (p.comp(b, c)) p.swap(result, c);
  else p.swap(result, b);
}

function unguardedPartition(p: Pairs, first: number, last: number, pivot: number): number {
  for (;;) {
    while (p.comp(first, pivot)) first++;
    last--;
    while (p.comp(pivot, last)) last--;
    if (!(first < last)) return first;
    p.swap(first, last);
    first++;
  }
}

function unguardedPartitionPivot(p: Pairs, first: number, last: number): number {
  const mid = first + half(last - first);
  moveMedianToFirst(p, first, first + 1, mid, last - 1);
  return unguardedPartition(p, first + 1, last, first);
}

function unguardedLinearInsert(p: Pairs, last: number): void {
  const value = p.v[last]!;
  const index = p.ix[last]!;
  let next = last - 1;
  while (p.before(value, p.v[next]!)) {
    p.move(last, next);
    last = next;
    next--;
  }
  p.set(last, value, index);
}

function insertionSort(p: Pairs, first: number, last: number): void {
  if (first === last) return;
  for (let i = first + 1; i !== last; i++) {
    if (p.comp(i, first)) {
      const value = p.v[i]!;
      const index = p.ix[i]!;
      for (let k = i; k > first; k--) p.move(k, k - 1);
      p.set(first, value, index);
    } else unguardedLinearInsert(p, i);
  }
}

const THRESHOLD = 16;

function introsortLoop(p: Pairs, first: number, last: number, depth: number): void {
  while (last - first > THRESHOLD) {
    if (depth === 0) {
      partialSort(p, first, last, last);
      return;
    }
    depth--;
    const cut = unguardedPartitionPivot(p, first, last);
    introsortLoop(p, cut, last, depth);
    last = cut;
  }
}

/** `std::sort(first, last)`. */
function sort(p: Pairs, first: number, last: number): void {
  if (first === last) return;
  introsortLoop(p, first, last, 2 * lg(last - first));
  if (last - first > THRESHOLD) {
    insertionSort(p, first, first + THRESHOLD);
    for (let i = first + THRESHOLD; i !== last; i++) unguardedLinearInsert(p, i);
  } else insertionSort(p, first, last);
}

/** `std::nth_element(first, nth, last)`. */
function nthElement(p: Pairs, first: number, nth: number, last: number): void {
  if (first === last || nth === last) return;
  let depth = 2 * lg(last - first);
  while (last - first > 3) {
    if (depth === 0) {
      heapSelect(p, first, nth + 1, last);
      p.swap(first, nth);
      return;
    }
    depth--;
    const cut = unguardedPartitionPivot(p, first, last);
    if (cut <= nth) first = cut;
    else last = cut;
  }
  insertionSort(p, first, last);
}

/** NaN first, then larger values: `topk(largest=True)`'s comparison. */
const larger = (a: number, b: number) => (a !== a && b === b) || a > b;

/**
 * The indices of the `k` largest of `values` (largest first, NaN as the
 * largest), in the order PyTorch's CPU `topk(k, sorted=True)` returns them,
 * ties included: partial sort when k·64 ≤ n, else nth_element and a sort of
 * the first k − 1.
 *
 * @example
 * topkIndices(Float64Array.of(0, 2, 0, 1), 3); // Int32Array [1, 3, …] (the 0s in libstdc++'s order)
 */
export function topkIndices(values: Float64Array, k: number): Int32Array {
  const n = values.length;
  const p = new Pairs(
    Float64Array.from(values),
    Int32Array.from({ length: n }, (_, j) => j),
    larger,
  );
  if (k > 0) {
    if (k * 64 <= n) partialSort(p, 0, k, n);
    else {
      nthElement(p, 0, k - 1, n);
      sort(p, 0, k - 1);
    }
  }
  return p.ix.slice(0, k);
}
