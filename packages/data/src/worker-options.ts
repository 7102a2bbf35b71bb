/**
 * The options of PyTorch's DataLoader that only its worker processes use.
 * Graft loads in the calling thread, so each option's neutral value (the one
 * that means "no workers": PyTorch's default, as scripts often spell it out,
 * `num_workers=0`, `pin_memory=False`, …) is accepted and ignored, as optim
 * accepts `fused: false`; any other value is refused with why, never
 * silently ignored.
 */
import { show } from './args.js';

/** The worker options of {@link DataLoaderOptions}: only their neutral values type-check. */
export interface WorkerOptions {
  /** Worker processes: only 0 (PyTorch's default; loading runs in the calling thread). */
  numWorkers?: 0;
  /** Page-locked host memory: only `false` (there is no CUDA host). */
  pinMemory?: false;
  /** Only `''` (PyTorch's default). */
  pinMemoryDevice?: '';
  /** Seconds to wait for a worker's batch: only 0 (no workers). */
  timeout?: 0;
  /** Only `null` (no workers to initialise). */
  workerInitFn?: null;
  /** Only `null` (no worker processes to start). */
  multiprocessingContext?: null;
  /** Batches prefetched per worker: only 2 (PyTorch 1.13's default) or `null`. */
  prefetchFactor?: 2 | null;
  /** Keep workers between epochs: only `false`. */
  persistentWorkers?: false;
}

const WHY =
  'Graft loads in the calling thread, without worker processes (for await…of requests an async dataset’s next batch while a step runs)';

/** Each worker option's neutral values (`undefined` is always neutral). */
const NEUTRAL: Record<keyof WorkerOptions, readonly unknown[]> = {
  numWorkers: [0],
  pinMemory: [false, null],
  pinMemoryDevice: ['', null],
  timeout: [0],
  workerInitFn: [null],
  multiprocessingContext: [null],
  prefetchFactor: [2, null],
  persistentWorkers: [false, null],
};

/** The names of the worker options. */
export const WORKER_OPTIONS = Object.keys(NEUTRAL) as (keyof WorkerOptions)[];

/**
 * Checks the worker options of `options` (neutral values pass; a value
 * PyTorch itself refuses gets PyTorch's message; a value that needs workers
 * says Graft has none) and returns the other options.
 */
export function withoutWorkerOptions(op: string, options: Record<string, unknown>): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (!(WORKER_OPTIONS as string[]).includes(key)) rest[key] = value;
    else if (value !== undefined && !NEUTRAL[key as keyof WorkerOptions].includes(value)) refuse(op, key, value);
  }
  return rest;
}

function refuse(op: string, key: string, value: unknown): never {
  const isNumber = typeof value === 'number' && !Number.isNaN(value);
  // PyTorch's own refusals first: they hold whether or not workers exist.
  if (key === 'numWorkers' && isNumber && value < 0)
    throw new RangeError(`${op}: numWorkers option should be non-negative; use numWorkers=0 to disable multiprocessing (got ${value})`);
  if (key === 'timeout' && isNumber && value < 0) throw new RangeError(`${op}: timeout option should be non-negative (got ${value})`);
  if (key === 'persistentWorkers' && value === true) throw new TypeError(`${op}: persistentWorkers option needs numWorkers > 0; ${WHY}`);
  if (key === 'prefetchFactor' && isNumber) {
    throw new TypeError(`${op}: prefetchFactor option could only be specified in multiprocessing (numWorkers > 0); ${WHY}`);
  }
  const neutral = NEUTRAL[key as keyof WorkerOptions].map(show).join(' or ');
  const shown = typeof value === 'function' ? 'a function' : show(value);
  throw new TypeError(`${op}: ${key}=${shown} is not supported (only ${neutral}): ${WHY}`);
}
