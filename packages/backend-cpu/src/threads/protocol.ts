/**
 * The layout of the control block the calling thread and the pool's workers
 * share (a SharedArrayBuffer apart from wasm memory), and the worker's loop,
 * written once: the workers run it from source text (see worker-source.ts),
 * so it uses nothing but its arguments.
 *
 * A parallel step ("epoch"): the caller writes the calls into the job table,
 * the count into TOTAL, zero into DONE, then publishes the epoch in CLAIM
 * (epoch tag in the high 16 bits, next call index in the low 16) and in EPOCH,
 * and wakes the workers that sleep. Every thread, the caller included,
 * claims calls with a compare-and-swap on CLAIM, runs them, and counts them
 * in DONE; the caller returns when DONE reaches TOTAL. A worker that wakes
 * late finds the tag of a newer epoch in CLAIM and its swap fails, so no call
 * runs twice.
 */

/** Int32 slots of the control block, float64 slots of the job table, and limits. */
export const LAYOUT = {
  EPOCH: 0,
  CLAIM: 1,
  TOTAL: 2,
  DONE: 3,
  /** Workers with an index below this take part (setNumThreads(n) makes it n - 1). */
  ACTIVE: 4,
  /** Set when a call threw on a worker (its call index + 1). */
  FAILED: 5,
  /** Set to 1 to make workers return (tests; Node ends them with the process anyway). */
  STOP: 6,
  /**
   * Workers asleep in Atomics.wait (or about to be): the caller notifies only
   * when this is not zero. A notify costs a system call and, on a virtual
   * machine whose other core is halted, tens of microseconds (measured: 85 µs
   * each on average inside a training step on a 2-core VM); a worker still
   * polling sees the new epoch without one.
   */
  SLEEPING: 7,
  CONTROL_INTS: 8,
  /** Float64 slots per call in the job table: kernel index, argument count, the arguments. */
  SLOTS: 18,
  /** Calls per step (at most 0xffff fits CLAIM's index). */
  MAX_CALLS: 4096,
  /** How many times a worker polls for the next step before it sleeps in Atomics.wait. */
  SPIN: 20000,
} as const;

export type Layout = typeof LAYOUT;

/**
 * Claims and runs calls of the epoch whose tag is `tag` until none are left;
 * `run(i)` runs call i and stores its result. Self-contained (it is also
 * sent to workers as source text): everything it uses is an argument.
 */
export function claimAndRun(ctrl: Int32Array, tag: number, run: (i: number) => void, L: Layout): void {
  for (;;) {
    const v = Atomics.load(ctrl, L.CLAIM);
    if ((v & ~0xffff) !== tag) return;
    const i = v & 0xffff;
    if (i >= Atomics.load(ctrl, L.TOTAL)) return;
    if (Atomics.compareExchange(ctrl, L.CLAIM, v, v + 1) !== v) continue;
    try {
      run(i);
    } catch {
      Atomics.store(ctrl, L.FAILED, i + 1);
    }
    if (Atomics.add(ctrl, L.DONE, 1) + 1 === Atomics.load(ctrl, L.TOTAL)) Atomics.notify(ctrl, L.DONE);
  }
}

/** The tag an epoch carries in CLAIM's high bits (15 bits of it, so the word stays positive). */
export function epochTag(epoch: number): number {
  return (epoch & 0x7fff) << 16;
}
