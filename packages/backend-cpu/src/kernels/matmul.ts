/**
 * Batched matmul. Large float32 products go to the WebAssembly SIMD kernel
 * (packed, register-blocked); small ones and other dtypes run a JavaScript
 * i-k-j loop that accumulates rows in doubles.
 */
import type { DType, TypedArray, View } from '@graft/core';
import { alloc } from '../pool.js';
import { numel } from '../strided.js';
import { wasmGemm } from '../wasm/gemm.js';

type Arr = TypedArray;

/** Below this many multiply-adds, copying into wasm memory costs more than it saves. */
const WASM_MIN_FLOPS = 32 * 32 * 32;

export function matmul(a: View<Arr>, b: View<Arr>, outDtype: DType): Arr {
  const nd = a.shape.length;
  const M = a.shape[nd - 2]!;
  const K = a.shape[nd - 1]!;
  const N = b.shape[nd - 1]!;
  const batchShape = a.shape.slice(0, nd - 2);
  const batches = numel(batchShape);
  const out = alloc(outDtype, batches * M * N);
  const ars = a.strides[nd - 2]!;
  const acs = a.strides[nd - 1]!;
  const brs = b.strides[nd - 2]!;
  const bcs = b.strides[nd - 1]!;
  const useWasm = outDtype === 'float32' && M * N * K >= WASM_MIN_FLOPS && wasmGemm !== undefined;
  const counter = new Array<number>(batchShape.length).fill(0);
  let ao = a.offset;
  let bo = b.offset;
  for (let batch = 0; batch < batches; batch++) {
    const oo = batch * M * N;
    if (M * N !== 0) {
      if (K === 0) out.fill(0, oo, oo + M * N);
      else if (useWasm) wasmGemm!(a.handle as Float32Array, ao, ars, acs, b.handle as Float32Array, bo, brs, bcs, out as Float32Array, oo, M, N, K);
      else gemmJs(a.handle, ao, ars, acs, b.handle, bo, brs, bcs, out, oo, M, N, K);
    }
    for (let d = batchShape.length - 1; d >= 0; d--) {
      counter[d]!++;
      ao += a.strides[d]!;
      bo += b.strides[d]!;
      if (counter[d]! < batchShape[d]!) break;
      ao -= a.strides[d]! * batchShape[d]!;
      bo -= b.strides[d]! * batchShape[d]!;
      counter[d] = 0;
    }
  }
  return out;
}

/** out[M×N] = A[M×K] · B[K×N] for strided A and B, accumulating each output row in doubles. */
function gemmJs(A: Arr, ao: number, ars: number, acs: number, B: Arr, bo: number, brs: number, bcs: number, out: Arr, oo: number, M: number, N: number, K: number): void {
  // Rows of B must be contiguous for the inner loop: pack them when they are not.
  let Bp = B;
  let bRow = brs;
  let bBase = bo;
  if (bcs !== 1) {
    Bp = new Float64Array(K * N);
    for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) Bp[k * N + j] = B[bo + k * brs + j * bcs]!;
    bRow = N;
    bBase = 0;
  }
  const acc = new Float64Array(N);
  for (let i = 0; i < M; i++) {
    acc.fill(0);
    const aRow = ao + i * ars;
    for (let k = 0; k < K; k++) {
      const aik = A[aRow + k * acs]!;
      const bk = bBase + k * bRow;
      for (let j = 0; j < N; j++) acc[j]! += aik * Bp[bk + j]!;
    }
    const o = oo + i * N;
    for (let j = 0; j < N; j++) out[o + j] = acc[j]!;
  }
}
