/**
 * Independent WebAssembly kernel calls, run as one parallel step.
 *
 * A kernel that can be split (GEMM by blocks of output rows, an elementwise
 * op by ranges, a reduction by a fixed partition) describes its work as a list
 * of calls to the wasm exports; `runCalls` runs them all and returns when the
 * last is done. The split must not depend on how many threads run it, so that
 * results are bit-identical whatever the thread count.
 *
 * With `g.setNumThreads(n)` above 1 (the default: the number of cores) and a
 * shared memory, the calls run on the worker pool (pool.ts) and the calling
 * thread together; otherwise in order on the calling thread.
 */
import { getNumThreads } from '@graft/core/backend';
import { type Kernels, wasmKernels } from '../wasm/module.js';
import { type KernelCall, runOnPool } from './pool.js';

export type { KernelCall } from './pool.js';

/**
 * Runs every call (in any order, possibly at the same time) and returns when
 * all are done, with each call's return value (0 for exports that return
 * nothing), in the order of `calls`. With `onPool` false they run in order on
 * the calling thread (work too small to be worth waking a worker for).
 */
export function runCalls(calls: readonly KernelCall[], onPool = true): Float64Array {
  const wasm = wasmKernels();
  if (wasm === undefined) throw new Error('runCalls: the WebAssembly kernels are not loaded');
  const threads = onPool ? Math.min(getNumThreads(), calls.length) : 1;
  if (threads > 1) {
    const results = runOnPool(calls, threads, wasm);
    if (results !== undefined) return results;
  }
  return runInOrder(calls, wasm);
}

function runInOrder(calls: readonly KernelCall[], wasm: Kernels): Float64Array {
  const results = new Float64Array(calls.length);
  for (let i = 0; i < calls.length; i++) {
    const { kernel, args } = calls[i]!;
    results[i] = Number((wasm[kernel] as (...a: number[]) => unknown)(...args) ?? 0);
  }
  return results;
}

/**
 * The smallest range of a split elementwise op: below two of these an op
 * stays on the calling thread, where handing half to a worker would cost
 * more than it saves (measured: see docs/performance.md, "Threads").
 */
export const ELEMENTWISE_GRAIN = 1 << 16;

/** The smallest range of a split tanh or sigmoid: about 20 times the work per element of an add, so they split sooner. */
export const TRANSCENDENTAL_GRAIN = 1 << 14;

/**
 * Runs `call(start, count)` over [0, n) split into ranges of at least `grain`
 * elements (multiples of 16, so each range starts SIMD-aligned), up to four
 * per thread: threads claim them as they go, so a thread the OS sets aside
 * for a while holds up one small range, not a whole share. One call on the
 * calling thread when n is under two grains or one thread is set. For
 * elementwise kernels, whose every element is computed alone: any split gives
 * the same bits.
 */
export function parallelRanges(n: number, grain: number, call: (start: number, count: number) => KernelCall): void {
  const threads = getNumThreads();
  if (threads === 1 || n < 2 * grain) {
    const { kernel, args } = call(0, n);
    (wasmKernels()![kernel] as (...a: number[]) => unknown)(...args);
    return;
  }
  const step = Math.ceil(Math.max(grain, n / (4 * threads)) / 16) * 16;
  const calls: KernelCall[] = [];
  for (let start = 0; start < n; start += step) calls.push(call(start, Math.min(step, n - start)));
  runCalls(calls);
}

/**
 * Elements per partial sum of a reduction: a fixed partition (it depends on
 * the length only, never on the thread count), so every thread count adds
 * the same numbers in the same order.
 */
export const REDUCTION_CHUNK = 1 << 16;
