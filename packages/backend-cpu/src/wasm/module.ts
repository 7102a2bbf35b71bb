/**
 * The WebAssembly SIMD kernels (wasm/kernels.c) and the memory they share with
 * the heap. Compiled synchronously where the platform allows it (Node,
 * workers); on a browser main thread, asynchronously, with the JavaScript
 * kernels in use until it is ready.
 */
import { KERNELS_WASM_BASE64 } from './kernels-binary.js';

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

function load(): void {
  if (memory === undefined) return;
  const bytes = decodeBase64(KERNELS_WASM_BASE64);
  if (!WebAssembly.validate(bytes)) return; // no SIMD: JavaScript kernels only
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
