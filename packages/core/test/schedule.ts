/**
 * Deterministic interleavings for async tests: tasks wait on gates, and the
 * test opens them in the order it wants, letting every pending microtask run
 * in between (a macrotask turn drains the microtask queue).
 */

/** Lets every pending microtask (and what they chain) run. */
export function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A promise with its resolve and reject at hand. */
export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A seeded generator (mulberry32): the same schedules on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gates that tasks await; `drive` opens one at a time, chosen by `pick`, until `done` settles. */
export class Scheduler {
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly pick: (count: number) => number) {}

  /** Suspends the calling task until the scheduler lets it go on. */
  gate(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async drive(done: Promise<unknown>): Promise<void> {
    let finished = false;
    const end = done.finally(() => {
      finished = true;
    });
    end.catch(() => {});
    for (;;) {
      await drain();
      if (finished) break;
      if (this.waiting.length === 0) throw new Error('deadlock: every task waits on something no gate opens');
      const [open] = this.waiting.splice(this.pick(this.waiting.length), 1);
      open!();
    }
    await end;
  }
}

/** Every way to interleave two sequences of steps, as strings of 'a' and 'b'. */
export function interleavings(a: number, b: number): string[] {
  if (a === 0) return ['b'.repeat(b)];
  if (b === 0) return ['a'.repeat(a)];
  return [...interleavings(a - 1, b).map((s) => 'a' + s), ...interleavings(a, b - 1).map((s) => 'b' + s)];
}
