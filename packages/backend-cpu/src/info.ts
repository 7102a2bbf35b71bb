/**
 * What the CPU backend runs on in this runtime: which build of its kernels
 * and whether its worker pool can share memory.
 */
import { memoryIsShared, notSharedBecause, relaxedSimd, wasmKernels } from './wasm/module.js';

/** The CPU backend's kernels and threading in this runtime (see {@link cpuInfo}). */
export interface CpuInfo {
  /**
   * `'wasm-relaxed-simd'`: WebAssembly SIMD with relaxed SIMD's fused
   * multiply-add in the GEMM (browsers, Node 22+, Node 20 with
   * `--experimental-wasm-relaxed-simd`); `'wasm-simd'`: SIMD128 only;
   * `'javascript'`: no WebAssembly SIMD, plain JavaScript loops.
   */
  kernels: 'wasm-relaxed-simd' | 'wasm-simd' | 'javascript';
  /** Whether the wasm memory is shared, so `g.setNumThreads(n > 1)` runs kernels on worker threads. */
  threadsAvailable: boolean;
  /** Why threads are unavailable, when they are. */
  threadsUnavailableBecause?: string;
}

/**
 * Reports which kernels the CPU backend uses here and whether it can use
 * threads — PyTorch's `torch.backends.cpu.get_cpu_capability()` and
 * `torch.__config__.parallel_info()` in one.
 *
 * @example
 * import { cpuInfo } from '@graft/backend-cpu';
 * cpuInfo(); // { kernels: 'wasm-simd', threadsAvailable: true }
 */
export function cpuInfo(): CpuInfo {
  const kernels = wasmKernels() === undefined ? 'javascript' : relaxedSimd() ? 'wasm-relaxed-simd' : 'wasm-simd';
  if (memoryIsShared) return { kernels, threadsAvailable: true };
  return { kernels, threadsAvailable: false, threadsUnavailableBecause: notSharedBecause ?? 'no WebAssembly memory' };
}
