/**
 * Independent WebAssembly kernel calls, run as one parallel step.
 *
 * A kernel that can be split (GEMM by blocks of output rows, an elementwise
 * op by ranges, a reduction by a fixed partition) describes its work as a list
 * of calls to the wasm exports; `runCalls` runs them all and returns when the
 * last is done. The split must not depend on how many threads run it, so that
 * results are bit-identical whatever the thread count.
 *
 * This first version runs the calls in order on the calling thread; the worker
 * pool (threads over one shared WebAssembly.Memory) replaces its body.
 */
import { type Kernels, wasmKernels } from '../wasm/module.js';

/** One call of a wasm export with its (integer or float) arguments. */
export interface KernelCall {
  kernel: keyof Kernels;
  args: readonly number[];
}

/** Runs every call (in any order, possibly at the same time) and returns when all are done. */
export function runCalls(calls: readonly KernelCall[]): void {
  const wasm = wasmKernels();
  if (wasm === undefined) throw new Error('runCalls: the WebAssembly kernels are not loaded');
  for (const { kernel, args } of calls) (wasm[kernel] as (...a: number[]) => unknown)(...args);
}
