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
 * nothing), in the order of `calls`.
 */
export function runCalls(calls: readonly KernelCall[]): Float64Array {
  const wasm = wasmKernels();
  if (wasm === undefined) throw new Error('runCalls: the WebAssembly kernels are not loaded');
  const threads = Math.min(getNumThreads(), calls.length);
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
 * Elements per thread below which a split elementwise op stays on one
 * thread: waking a worker and sharing the memory traffic costs more than the
 * work (measured: see docs/performance.md, "Threads").
 */
export const ELEMENTWISE_GRAIN = 1 << 16;

/**
 * Runs `call(start, count)` over [0, n) split into ranges for the threads
 * (multiples of 16 elements, so each range starts SIMD-aligned); one call on
 * the calling thread when n is small or one thread is set. For elementwise
 * kernels, whose every element is computed alone: any split gives the same
 * bits.
 */
export function parallelRanges(n: number, grain: number, call: (start: number, count: number) => KernelCall): void {
  const parts = Math.min(getNumThreads(), Math.floor(n / grain));
  if (parts <= 1) {
    const { kernel, args } = call(0, n);
    (wasmKernels()![kernel] as (...a: number[]) => unknown)(...args);
    return;
  }
  const step = Math.ceil(n / parts / 16) * 16;
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
