/**
 * The worker pool: threads that run wasm kernel calls on the one shared
 * WebAssembly.Memory. Started lazily, on the first step that asks for more
 * than one thread; Node workers are unref()ed, so they never keep a process
 * alive. Dispatch is a few atomic stores and a notify on a shared control
 * block (protocol.ts), not a message per call.
 */
import { freeScratch, scratch } from '../heap.js';
import { type Kernels, memory, memoryIsShared, notSharedBecause, wasmModule } from '../wasm/module.js';
import { claimAndRun, epochTag, LAYOUT } from './protocol.js';
import { BROWSER_WORKER_SOURCE, NODE_WORKER_SOURCE, type WorkerInit } from './worker-source.js';

/** A call of a wasm export with its arguments. */
export interface KernelCall {
  kernel: keyof Kernels;
  args: readonly number[];
}

/** Each worker's shadow stack (gemm_block keeps a 4 KiB strip of A there; the rest use none). */
const STACK_BYTES = 64 * 1024;

interface PoolWorker {
  alive: boolean;
  terminate(): unknown;
}

interface NodeWorker {
  unref(): void;
  on(event: string, f: (e: unknown) => void): void;
  postMessage(m: unknown): void;
  terminate(): unknown;
}
type NodeWorkerClass = new (source: string, options: { eval: true; name?: string }) => NodeWorker;

let control: Int32Array | undefined;
let jobs: Float64Array | undefined;
let results: Float64Array | undefined;
let jobsBuffer: SharedArrayBuffer | undefined;
const workers: PoolWorker[] = [];
const names: string[] = [];
const nameIndex = new Map<string, number>();
let epoch = 0;
let canWait: boolean | undefined;
let unavailable: string | undefined;
let noted = false;

function note(reason: string): void {
  if (noted) return;
  noted = true;
  console.info(`@graft/backend-cpu: running on one thread: ${reason}.`);
}

/** The Worker constructor of this runtime, or a reason why there is none. */
function workerFactory(): ((index: number) => { post(m: WorkerInit): void; worker: PoolWorker }) | string {
  const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }).process;
  if (proc?.versions?.node !== undefined) {
    let wt: { Worker?: NodeWorkerClass } | undefined;
    try {
      wt = proc.getBuiltinModule?.('node:worker_threads') as typeof wt;
    } catch {
      wt = undefined;
    }
    const NodeWorkerCtor = wt?.Worker;
    if (NodeWorkerCtor === undefined) return 'this Node has no process.getBuiltinModule (Node 20.16 or later has) to reach worker_threads';
    return (index) => {
      const w = new NodeWorkerCtor(NODE_WORKER_SOURCE, { eval: true, name: `graft-cpu-${index}` });
      w.unref(); // never keeps the process alive
      const worker: PoolWorker = { alive: true, terminate: () => w.terminate() };
      w.on('error', () => (worker.alive = false));
      w.on('exit', () => (worker.alive = false));
      return { post: (m) => w.postMessage(m), worker };
    };
  }
  const BrowserWorker = (globalThis as { Worker?: new (url: string, o: { type: 'module'; name?: string }) => Worker }).Worker;
  if (BrowserWorker === undefined || typeof Blob === 'undefined' || typeof URL === 'undefined') return 'this runtime has no Worker';
  const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
  return (index) => {
    const w = new BrowserWorker(url, { type: 'module', name: `graft-cpu-${index}` });
    const worker: PoolWorker = { alive: true, terminate: () => w.terminate() };
    w.onerror = () => (worker.alive = false);
    return { post: (m) => w.postMessage(m), worker };
  };
}

let factory: ReturnType<typeof workerFactory> | undefined;

/** Makes the control block and workers up to `count`; false (with a one-time note) when threads cannot run. */
function ensureWorkers(count: number): boolean {
  if (unavailable !== undefined) return false;
  if (!memoryIsShared) {
    unavailable = notSharedBecause ?? 'the WebAssembly memory is not shared';
    note(unavailable);
    return false;
  }
  const module = wasmModule();
  if (module === undefined) return false; // still compiling: one thread for now
  factory ??= workerFactory();
  if (typeof factory === 'string') {
    unavailable = factory;
    note(unavailable);
    return false;
  }
  if (control === undefined) {
    control = new Int32Array(new SharedArrayBuffer(LAYOUT.CONTROL_INTS * 4));
    jobsBuffer = new SharedArrayBuffer(LAYOUT.MAX_CALLS * (LAYOUT.SLOTS + 1) * 8);
    jobs = new Float64Array(jobsBuffer, 0, LAYOUT.MAX_CALLS * LAYOUT.SLOTS);
    results = new Float64Array(jobsBuffer, LAYOUT.MAX_CALLS * LAYOUT.SLOTS * 8, LAYOUT.MAX_CALLS);
  }
  while (workers.length < count) {
    const stack = scratch(STACK_BYTES);
    if (stack < 0) break;
    const index = workers.length;
    try {
      const { post, worker } = factory(index);
      post({
        module,
        memory: memory!,
        control: control.buffer as SharedArrayBuffer,
        jobs: jobsBuffer!,
        names,
        index,
        stackTop: stack + STACK_BYTES,
      });
      workers.push(worker);
    } catch (e) {
      freeScratch(stack, STACK_BYTES);
      unavailable = `workers cannot be started here (${(e as Error).message})`;
      note(unavailable);
      break;
    }
  }
  return workers.length > 0;
}

/** Numbers every export of the kernels module once, before the first worker starts (workers get a copy). */
function registerKernelNames(wasm: Kernels): void {
  if (names.length !== 0) return;
  for (const [name, value] of Object.entries(wasm)) {
    if (typeof value !== 'function') continue;
    nameIndex.set(name, names.length);
    names.push(name);
  }
}

/**
 * Runs `calls` on `threads` threads (the calling one and up to threads - 1
 * workers) and returns each call's result, or undefined when the pool cannot
 * run (then the caller runs them itself).
 */
export function runOnPool(calls: readonly KernelCall[], threads: number, wasm: Kernels): Float64Array | undefined {
  registerKernelNames(wasm);
  if (calls.length > LAYOUT.MAX_CALLS || !ensureWorkers(threads - 1)) return undefined;
  const ctrl = control!;
  const table = jobs!;
  for (let i = 0; i < calls.length; i++) {
    const { kernel, args } = calls[i]!;
    const k = nameIndex.get(kernel);
    if (k === undefined || args.length > LAYOUT.SLOTS - 2) return undefined;
    const base = i * LAYOUT.SLOTS;
    table[base] = k;
    table[base + 1] = args.length;
    for (let a = 0; a < args.length; a++) table[base + 2 + a] = args[a]!;
  }
  const total = calls.length;
  epoch = (epoch + 1) | 0;
  const tag = epochTag(epoch);
  Atomics.store(ctrl, LAYOUT.ACTIVE, threads - 1);
  Atomics.store(ctrl, LAYOUT.FAILED, 0);
  Atomics.store(ctrl, LAYOUT.TOTAL, total);
  Atomics.store(ctrl, LAYOUT.DONE, 0);
  Atomics.store(ctrl, LAYOUT.CLAIM, tag);
  Atomics.store(ctrl, LAYOUT.EPOCH, epoch);
  // Wake every sleeper, if any sleeps (protocol.ts, SLEEPING): a counted notify wakes any of them, and one at or
  // above ACTIVE would sit the step out.
  if (Atomics.load(ctrl, LAYOUT.SLEEPING) !== 0) Atomics.notify(ctrl, LAYOUT.EPOCH);
  const out = results!;
  const fns = wasm as unknown as Record<string, (...a: number[]) => unknown>;
  const args: number[] = [];
  claimAndRun(
    ctrl,
    tag,
    (i) => {
      const base = i * LAYOUT.SLOTS;
      const argc = table[base + 1]!;
      args.length = argc;
      for (let a = 0; a < argc; a++) args[a] = table[base + 2 + a]!;
      out[i] = Number(fns[names[table[base]!]!]!(...args) ?? 0);
    },
    LAYOUT,
  );
  waitForAll(ctrl, total);
  const failed = Atomics.load(ctrl, LAYOUT.FAILED);
  if (failed !== 0) {
    throw new Error(`cpu: the wasm kernel ${calls[failed - 1]!.kernel} failed on a worker thread`);
  }
  return out.slice(0, total);
}

function waitForAll(ctrl: Int32Array, total: number): void {
  let spins = 0;
  for (;;) {
    const done = Atomics.load(ctrl, LAYOUT.DONE);
    if (done >= total) return;
    if (++spins > LAYOUT.SPIN && canWait !== false) {
      try {
        // A timeout, so that a worker lost mid-call cannot hang the program unnoticed forever.
        Atomics.wait(ctrl, LAYOUT.DONE, done, 1000);
        canWait = true;
      } catch {
        canWait = false; // a browser's main thread may not block: keep polling
      }
      if (canWait && workers.every((w) => !w.alive)) throw new Error('cpu: every worker thread of the pool has stopped');
    }
  }
}

/** @internal for tests: how many workers run, and whether threads can run at all (else why not). */
export function poolState(): { workers: number; sleeping: number; unavailable: string | undefined; shared: boolean } {
  const sleeping = control === undefined ? 0 : Atomics.load(control, LAYOUT.SLEEPING);
  return { workers: workers.filter((w) => w.alive).length, sleeping, unavailable, shared: memoryIsShared };
}
