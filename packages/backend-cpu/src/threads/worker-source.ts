/**
 * What a pool worker runs: its own instance of the kernels module over the
 * shared memory, then a loop that waits for a step, claims and runs calls,
 * and waits again. Sent to workers as source text (a Blob in browsers,
 * `eval` in Node), so `workerMain` and `claimAndRun` use nothing but their
 * arguments and the globals every worker has (Atomics, WebAssembly).
 */
import { claimAndRun, LAYOUT, type Layout } from './protocol.js';

/** What the pool posts to a new worker. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  jobs: SharedArrayBuffer;
  /** The kernel exports, by the index the job table uses. */
  names: string[];
  /** The worker's index: it takes part while below the control block's ACTIVE. */
  index: number;
  /** The top of this worker's own shadow stack in the shared memory. */
  stackTop: number;
}

type Claim = typeof claimAndRun;

function workerMain(init: WorkerInit, claim: Claim, L: Layout): void {
  const exports = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports;
  const sp = exports['__stack_pointer'];
  if (sp instanceof WebAssembly.Global) sp.value = init.stackTop; // its own stack: never the caller's
  const fns = init.names.map((n) => exports[n] as (...args: number[]) => unknown);
  const ctrl = new Int32Array(init.control);
  const jobs = new Float64Array(init.jobs, 0, L.MAX_CALLS * L.SLOTS);
  const results = new Float64Array(init.jobs, L.MAX_CALLS * L.SLOTS * 8, L.MAX_CALLS);
  const args: number[] = [];
  const run = (i: number): void => {
    const base = i * L.SLOTS;
    const f = fns[jobs[base]!]!;
    const argc = jobs[base + 1]!;
    args.length = argc;
    for (let a = 0; a < argc; a++) args[a] = jobs[base + 2 + a]!;
    results[i] = Number(f(...args) ?? 0);
  };
  for (;;) {
    const epoch = Atomics.load(ctrl, L.EPOCH);
    if (Atomics.load(ctrl, L.STOP) !== 0) return;
    if (init.index < Atomics.load(ctrl, L.ACTIVE)) claim(ctrl, (epoch & 0x7fff) << 16, run, L);
    // Poll a little (the next op usually follows at once), then sleep until the next step.
    // Counted in SLEEPING before the wait, which returns at once if the epoch moved on in between: the caller
    // publishes the epoch before it reads SLEEPING, so either it sees this worker counted and notifies, or this
    // worker's wait sees the new epoch (sequentially consistent atomics on both sides).
    let spins = 0;
    while (Atomics.load(ctrl, L.EPOCH) === epoch) {
      if (++spins > L.SPIN) {
        Atomics.add(ctrl, L.SLEEPING, 1);
        Atomics.wait(ctrl, L.EPOCH, epoch);
        Atomics.sub(ctrl, L.SLEEPING, 1);
      }
    }
  }
}

const call = `(${workerMain.toString()})(init, ${claimAndRun.toString()}, ${JSON.stringify(LAYOUT)});`;

/** The worker's source for Node's `new Worker(source, { eval: true })`. */
export const NODE_WORKER_SOURCE = `const { parentPort } = process.getBuiltinModule('node:worker_threads');
parentPort.once('message', (init) => { ${call} });`;

/** The worker's source for a browser module worker (from a Blob URL). */
export const BROWSER_WORKER_SOURCE = `self.onmessage = (event) => { self.onmessage = null; const init = event.data; ${call} };`;
