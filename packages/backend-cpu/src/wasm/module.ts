/**
 * The WebAssembly SIMD kernels (wasm/kernels.c) and the memory they share with
 * the heap. Compiled synchronously where the platform allows it (Node,
 * workers); on a browser main thread, asynchronously, with the JavaScript
 * kernels in use until it is ready.
 *
 * The memory is a shared one (a SharedArrayBuffer underneath) wherever the
 * runtime allows it, so that the worker pool's threads run the same kernels
 * on the same tensors; elsewhere (a browser page that is not
 * crossOriginIsolated) it is a plain one and everything runs on one thread.
 */
import { replaceFunctionBodies, unshareMemoryImport } from './binary-edit.js';
import { KERNELS_RELAXED_PATCH_BASE64, KERNELS_WASM_BASE64 } from './kernels-binary.js';

export interface Kernels {
  gemm_block(
    a: number,
    ars: number,
    acs: number,
    b: number,
    bk: number,
    bps: number,
    c: number,
    ldc: number,
    M: number,
    N: number,
    K: number,
  ): void;
  binary_f32(op: number, a: number, b: number, out: number, n: number): void;
  binary_scalar_f32(op: number, a: number, s: number, scalarLeft: number, out: number, n: number): void;
  binary_rows_f32(op: number, a: number, as: number, b: number, bs: number, out: number, rows: number, n: number): void;
  unary_f32(op: number, a: number, out: number, n: number): void;
  sum_f32(a: number, n: number): number;
  fill32(p: number, bits: number, n: number): void;
  where_f32(c: number, a: number, as: number, b: number, bs: number, out: number, n: number): void;
  pack_b(b: number, brs: number, bcs: number, K: number, N: number, dst: number): void;
  adam_step_f32(p: number, g: number, m: number, v: number, vmax: number, n: number, flags: number, c: number): void;
  sgd_step_f32(p: number, g: number, buf: number, n: number, flags: number, c: number): void;
  gather_row32(src: number, idx: number, step: number, size: number, out: number, n: number, rs: number): number;
  gather_row64(src: number, idx: number, step: number, size: number, out: number, n: number, rs: number): number;
  threshold_backward_f32(grad: number, source: number, t: number, out: number, n: number): void;
  activation_f32(
    kind: number,
    p0: number,
    p1: number,
    p2: number,
    x: number,
    grad: number,
    oneValue: number,
    gradValue: number,
    out: number,
    n: number,
  ): void;
  scatter_add_row_f32(out: number, idx: number, step: number, size: number, src: number, n: number, rs: number): number;
  sum_rows_f32(src: number, n: number, rs: number, rows: number, out: number): void;
  sum_leading_f32(src: number, rows: number, n: number, out: number): void;
  softmax_stats_f32(src: number, rows: number, n: number, stats: number, eOut: number): void;
  softmax_rows_f32(src: number, rows: number, n: number, stats: number, log: number, out: number, e: number): void;
  arg_lines_f32(src: number, step: number, len: number, inner: number, isMax: number, out: number): void;
  im2col_f32(src: number, geometry: number, dst: number, rs: number): void;
  col2im_f32(cols: number, geometry: number, dst: number, rs: number): void;
  lstm_cell_f32(a: number, b: number, cx: number, hy: number, cy: number, ws: number, rows: number, H: number): void;
  gru_cell_f32(a: number, b: number, hx: number, hy: number, ws: number, rows: number, H: number): void;
  gru_cell_backward_f32(d: number, hx: number, ws: number, gi: number, gh: number, ghx: number, rows: number, H: number): void;
  lstm_sequence_f32(
    gates: number,
    hx: number,
    cx: number,
    wp: number,
    out: number,
    cells: number,
    ws: number,
    hidden: number,
    T: number,
    B: number,
    H: number,
    rows: number,
    reverse: number,
  ): void;
  lstm_sequence_backward_f32(
    gout: number,
    ghn: number,
    gcn: number,
    cx: number,
    cells: number,
    ws: number,
    wp: number,
    ggates: number,
    ghx: number,
    gcx: number,
    buf: number,
    T: number,
    B: number,
    H: number,
    rows: number,
    reverse: number,
  ): void;
  lstm_cell_backward_f32(
    gh: number,
    gc: number,
    cx: number,
    cy: number,
    ws: number,
    gates: number,
    gcx: number,
    rows: number,
    H: number,
  ): void;
}

/** Why the memory is not shared (and so the backend runs on one thread), or undefined when it is. */
export let notSharedBecause: string | undefined;

function makeMemory(): WebAssembly.Memory | undefined {
  if (typeof WebAssembly === 'undefined') return undefined;
  // 64 KiB pages; the heap grows the memory as tensors need it, up to 4 GiB.
  const limits = { initial: 256, maximum: 65536 };
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (typeof SharedArrayBuffer !== 'function') {
    notSharedBecause =
      isolated === false
        ? 'this page is not crossOriginIsolated (serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)'
        : 'this runtime has no SharedArrayBuffer';
  } else if (isolated === false) {
    notSharedBecause =
      'this page is not crossOriginIsolated (serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  } else {
    try {
      return new WebAssembly.Memory({ ...limits, shared: true });
    } catch (e) {
      notSharedBecause = `this runtime cannot make a shared WebAssembly.Memory (${(e as Error).message})`;
    }
  }
  return new WebAssembly.Memory(limits);
}

/** The memory every kernel (on every thread) and the heap work in. */
export const memory: WebAssembly.Memory | undefined = makeMemory();

/** Whether `memory` is shared, so that worker threads can run kernels on it. */
export const memoryIsShared = memory !== undefined && notSharedBecause === undefined;

let kernels: Kernels | undefined;
let compiled: WebAssembly.Module | undefined;

/** The compiled kernels module (for the worker pool's instances), once ready. */
export function wasmModule(): WebAssembly.Module | undefined {
  return compiled;
}

/** The kernels, or undefined while compiling or where WebAssembly SIMD is unavailable. */
export function wasmKernels(): Kernels | undefined {
  return kernels;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

let binary: Uint8Array<ArrayBuffer> | null | undefined;
let binaryIsRelaxed = false;

/**
 * The kernels' wasm binary for this runtime, chosen once: the relaxed-SIMD
 * build (the GEMM's multiply-adds as `f32x4.relaxed_madd`) where the runtime
 * validates it, else plain SIMD128; null without SIMD. Every instance (a
 * worker's too) must use this same binary, so all compute the same results.
 */
export function kernelsBinary(): Uint8Array<ArrayBuffer> | null {
  if (binary === undefined) {
    // The build imports a shared memory; for a plain one (no threads here) the import loses its shared flag.
    const plain = decodeBase64(KERNELS_WASM_BASE64);
    if (!memoryIsShared) unshareMemoryImport(plain);
    // The relaxed build ships as the function bodies it changes (wasm/build.sh).
    const relaxed = replaceFunctionBodies(plain, decodeBase64(KERNELS_RELAXED_PATCH_BASE64));
    binaryIsRelaxed = WebAssembly.validate(relaxed);
    binary = binaryIsRelaxed ? relaxed : WebAssembly.validate(plain) ? plain : null;
  }
  return binary;
}

/** Whether the kernels are the relaxed-SIMD build (fused multiply-adds in the GEMM where the hardware has FMA). */
export function relaxedSimd(): boolean {
  return kernelsBinary() !== null && binaryIsRelaxed;
}

function load(): void {
  if (memory === undefined) return;
  const bytes = kernelsBinary();
  if (bytes === null) return; // no SIMD: JavaScript kernels only
  const imports = { env: { memory } };
  try {
    compiled = new WebAssembly.Module(bytes);
    kernels = new WebAssembly.Instance(compiled, imports).exports as unknown as Kernels;
  } catch {
    // Browsers refuse synchronous compilation of larger modules on the main thread.
    compiled = undefined;
    void WebAssembly.compile(bytes)
      .then((m) => {
        compiled = m;
        return WebAssembly.instantiate(m, imports);
      })
      .then(
        (instance) => (kernels = instance.exports as unknown as Kernels),
        () => (compiled = undefined),
      );
  }
}

load();
