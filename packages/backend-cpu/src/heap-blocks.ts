/**
 * The free blocks of the wasm heap: a segregated-fit allocator with
 * coalescing, for addresses below a bump pointer (`heap.ts` owns the memory
 * and the pointer). Blocks are byte ranges in 16-byte granules.
 *
 * Why not free lists by exact size (what the heap had): a training loop whose
 * shapes change every step (variable sequence lengths, a last smaller batch)
 * frees blocks no later request has the exact size of, so every step bumped
 * the pointer and wasm memory (which never shrinks) grew until its 4 GiB cap,
 * where every array fell back to slower plain arrays. Here a freed block
 * merges with free neighbours (and with the bump region when it ends there),
 * and a request takes any free block at least its size, splitting off the
 * rest: the heap stays bounded by the peak of live bytes plus fragmentation.
 *
 * Bins by size class (TLSF's: eight per power of two, below 256 granules one
 * per granule count) make both operations a few map and set lookups: a
 * request searches its own class for a block large enough, then takes the
 * first block of the next non-empty class (every block there is larger).
 */

/** Eight classes per power of two of granules. */
const SUB_BITS = 3;
const SUBS = 1 << SUB_BITS;
/** Below this many granules, one class per granule count. */
const LINEAR = 256;
const GRANULE = 16;

/** The size class of `bytes` (a multiple of the granule). */
function classOf(bytes: number): number {
  const granules = bytes / GRANULE;
  if (granules < LINEAR) return granules;
  const e = Math.floor(Math.log2(granules));
  const sub = Math.floor((granules - 2 ** e) / 2 ** (e - SUB_BITS));
  return LINEAR + (e - Math.log2(LINEAR)) * SUBS + sub;
}

/** The free blocks below the bump pointer, by start, by end and by size class. */
export class FreeBlocks {
  private readonly sizeAt = new Map<number, number>();
  private readonly startEndingAt = new Map<number, number>();
  private readonly bins: Set<number>[] = [];
  /** Bytes in free blocks. */
  freeBytes = 0;

  /**
   * A free block of at least `bytes` (a multiple of the granule), taken out
   * of the free set with any remainder put back: its start, or -1.
   */
  take(bytes: number): number {
    const c = classOf(bytes);
    const own = this.bins[c];
    if (own !== undefined) {
      for (const start of own) {
        if (this.sizeAt.get(start)! >= bytes) return this.split(start, bytes);
      }
    }
    for (let k = c + 1; k < this.bins.length; k++) {
      const bin = this.bins[k];
      if (bin !== undefined && bin.size !== 0) return this.split(bin.values().next().value!, bytes);
    }
    return -1;
  }

  /**
   * Frees [start, start + bytes), merged with free neighbours. Returns the
   * merged block's start when it ends at `top` — left out of the free set, so
   * the caller lowers its bump pointer to it — else -1.
   */
  give(start: number, bytes: number, top: number): number {
    let s = start;
    let size = bytes;
    const before = this.startEndingAt.get(s);
    if (before !== undefined) {
      size += this.sizeAt.get(before)!;
      this.remove(before);
      s = before;
    }
    const after = this.sizeAt.get(s + size);
    if (after !== undefined) {
      this.remove(s + size);
      size += after;
    }
    if (s + size === top) return s;
    this.add(s, size);
    return -1;
  }

  private split(start: number, bytes: number): number {
    const size = this.sizeAt.get(start)!;
    this.remove(start);
    if (size > bytes) this.add(start + bytes, size - bytes);
    return start;
  }

  private add(start: number, size: number): void {
    this.sizeAt.set(start, size);
    this.startEndingAt.set(start + size, start);
    const c = classOf(size);
    for (let k = this.bins.length; k <= c; k++) this.bins.push(new Set());
    this.bins[c]!.add(start);
    this.freeBytes += size;
  }

  private remove(start: number): void {
    const size = this.sizeAt.get(start)!;
    this.sizeAt.delete(start);
    this.startEndingAt.delete(start + size);
    this.bins[classOf(size)]!.delete(start);
    this.freeBytes -= size;
  }
}
