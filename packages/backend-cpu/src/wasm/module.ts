/**
 * The WebAssembly SIMD kernels (wasm/kernels.c) and the memory they share with
 * the heap. Compiled synchronously where the platform allows it (Node,
 * workers); on a browser main thread, asynchronously, with the JavaScript
 * kernels in use until it is ready.
 */
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels-binary.js';

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
  unary_f32(op: number, a: number, out: number, n: number): void;
  sum_f32(a: number, n: number): number;
  pack_b(b: number, brs: number, bcs: number, K: number, N: number, dst: number): void;
}

/** 64 KiB pages; the heap grows the memory as tensors need it. */
export const memory: WebAssembly.Memory | undefined =
  typeof WebAssembly === 'undefined' ? undefined : new WebAssembly.Memory({ initial: 256, maximum: 65536 });

let kernels: Kernels | undefined;

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
    const relaxed = decodeBase64(KERNELS_RELAXED_WASM_BASE64);
    binaryIsRelaxed = WebAssembly.validate(relaxed);
    const plain = binaryIsRelaxed ? null : decodeBase64(KERNELS_WASM_BASE64);
    binary = binaryIsRelaxed ? relaxed : plain !== null && WebAssembly.validate(plain) ? plain : null;
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
    kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports as unknown as Kernels;
  } catch {
    // Browsers refuse synchronous compilation of larger modules on the main thread.
    void WebAssembly.instantiate(bytes, imports).then(
      (r) => (kernels = r.instance.exports as unknown as Kernels),
      () => undefined,
    );
  }
}

load();
