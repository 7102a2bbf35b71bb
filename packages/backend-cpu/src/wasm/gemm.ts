/**
 * The WebAssembly SIMD matmul. JavaScript packs the (possibly strided or
 * transposed) operands straight into wasm memory in the kernel's layout, so a
 * transposed operand (as in every backward matmul) costs no extra copy.
 */
import { GEMM_WASM_BASE64 } from './gemm-binary.js';

const MR = 4;
const NR = 8;
/** Room left at the bottom of memory for the module's stack. */
const BASE = 1 << 20;

type GemmFn = (
  A: Float32Array, ao: number, ars: number, acs: number,
  B: Float32Array, bo: number, brs: number, bcs: number,
  out: Float32Array, oo: number, M: number, N: number, K: number,
) => void;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function instantiate(): GemmFn | undefined {
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(decodeBase64(GEMM_WASM_BASE64))) return undefined;
  const memory = new WebAssembly.Memory({ initial: 32 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(decodeBase64(GEMM_WASM_BASE64)), { env: { memory } });
  const gemm = instance.exports['gemm'] as (ap: number, bp: number, c: number, Mp: number, Np: number, K: number) => void;
  let heap = new Float32Array(memory.buffer);

  return (A, ao, ars, acs, B, bo, brs, bcs, out, oo, M, N, K) => {
    const Mp = Math.ceil(M / MR) * MR;
    const Np = Math.ceil(N / NR) * NR;
    const apOff = BASE / 4;
    const bpOff = apOff + Mp * K;
    const cOff = bpOff + K * Np;
    const bytes = (cOff + Mp * Np) * 4;
    if (bytes > memory.buffer.byteLength) {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
      heap = new Float32Array(memory.buffer);
    }
    // A in blocks of MR rows, k-major.
    for (let ib = 0; ib < Mp; ib += MR) {
      let p = apOff + ib * K;
      const rows = Math.min(MR, M - ib);
      for (let k = 0; k < K; k++) {
        const src = ao + ib * ars + k * acs;
        for (let r = 0; r < MR; r++) heap[p++] = r < rows ? A[src + r * ars]! : 0;
      }
    }
    // B in panels of NR columns, k-major.
    for (let jb = 0; jb < Np; jb += NR) {
      let p = bpOff + jb * K;
      const cols = Math.min(NR, N - jb);
      if (bcs === 1 && cols === NR) {
        for (let k = 0; k < K; k++) {
          const src = bo + k * brs + jb;
          for (let c = 0; c < NR; c++) heap[p++] = B[src + c]!;
        }
      } else {
        for (let k = 0; k < K; k++) {
          const src = bo + k * brs + jb * bcs;
          for (let c = 0; c < NR; c++) heap[p++] = c < cols ? B[src + c * bcs]! : 0;
        }
      }
    }
    gemm(BASE, bpOff * 4, cOff * 4, Mp, Np, K);
    for (let i = 0; i < M; i++) out.set(heap.subarray(cOff + i * Np, cOff + i * Np + N), oo + i * N);
  };
}

/** The kernel, or undefined where WebAssembly SIMD is unavailable (then JavaScript loops are used). */
export const wasmGemm: GemmFn | undefined = instantiate();
