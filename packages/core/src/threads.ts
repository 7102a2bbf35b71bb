/**
 * How many threads backends may use for one op (PyTorch's
 * `torch.set_num_threads` / `torch.get_num_threads`). Core only holds the
 * setting; a backend with a thread pool (the CPU backend) reads it through
 * `@graft/core/backend` when it splits work.
 *
 * The default is the `GRAFT_NUM_THREADS` environment variable when set, else
 * the number of cores (`os.availableParallelism()` in Node,
 * `navigator.hardwareConcurrency` in browsers), else 1.
 */

/** The most threads one op may be split over: beyond this a pool costs more than it brings. */
const MAX_THREADS = 256;

let numThreads: number | undefined;

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' || typeof v === 'bigint' ? String(v) : typeof v;
}

function check(caller: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new RangeError(`${caller}: the number of threads must be an integer from 1 to ${MAX_THREADS}, got ${describe(n)}`);
  }
  return n;
}

/** The number of cores this runtime reports, looked up without a `node:` import (browser bundles stay clean). */
function cores(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
    const n = os?.availableParallelism?.() ?? os?.cpus?.().length;
    if (typeof n === 'number' && n >= 1) return Math.min(n, MAX_THREADS);
  } catch {
    // not Node
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const h = nav?.hardwareConcurrency;
  return typeof h === 'number' && Number.isInteger(h) && h >= 1 ? Math.min(h, MAX_THREADS) : 1;
}

function defaultThreads(): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.['GRAFT_NUM_THREADS'];
  if (env !== undefined && env.trim() !== '') {
    const n = Number(env.trim());
    // A bad variable is the user's to fix, and silently ignoring it would hide why the pool has another size.
    return check('GRAFT_NUM_THREADS', Number.isFinite(n) ? n : env);
  }
  return cores();
}

/**
 * Sets how many threads (the calling one included) an op may use, as
 * `torch.set_num_threads(n)`. 1 runs everything on the calling thread. Takes
 * effect from the next op. Results do not depend on it: backends split work
 * so that every thread count gives the same bits.
 *
 * @example
 * g.setNumThreads(2);
 * g.getNumThreads(); // 2
 */
export function setNumThreads(n: number): void {
  numThreads = check('setNumThreads', n);
}

/**
 * How many threads (the calling one included) an op may use, as
 * `torch.get_num_threads()`: what `setNumThreads` set, else
 * `GRAFT_NUM_THREADS`, else the number of cores.
 *
 * @example
 * const n = g.getNumThreads(); // the number of cores unless set
 */
export function getNumThreads(): number {
  if (numThreads === undefined) numThreads = defaultThreads();
  return numThreads;
}
