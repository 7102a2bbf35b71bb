/**
 * Batched matmul. Large float32 products go to the WebAssembly SIMD kernel
 * (packed, register-blocked); small ones and other dtypes run a JavaScript
 * i-k-j loop that accumulates rows in doubles.
 */
import { getNumThreads, numel, type TypedArray, type View } from '@graft/core/backend';
import { type KernelCall, runCalls } from '../threads/parallel.js';
import { address, alloc, arr, checkView, freeScratch, type Handle, scratch } from '../heap.js';
import { memory, wasmKernels } from '../wasm/module.js';

type Arr = TypedArray;

/** Below this many multiply-adds, copying into wasm memory costs more than it saves. */
const WASM_MIN_FLOPS = 32 * 32 * 32;
/**
 * Packed operands above this many bytes of wasm scratch take the JavaScript
 * path instead: an expanded (stride-0) operand can describe far more elements
 * than it stores, and packing it would grow wasm memory for nothing.
 */
const WASM_MAX_SCRATCH_BYTES = 1 << 30;
/** B is packed into doubles for the JavaScript loop only up to this many elements (same reason). */
const JS_MAX_PACK = 1 << 22;

export function matmul(a: View<Handle>, b: View<Handle>): Handle {
  const outDtype = a.dtype;
  // The wasm kernels read both operands through raw addresses and strides: they must fit their arrays.
  checkView('matmul', a);
  checkView('matmul', b);
  const nd = a.shape.length;
  const M = a.shape[nd - 2]!;
  const K = a.shape[nd - 1]!;
  const N = b.shape[nd - 1]!;
  const batchShape = a.shape.slice(0, nd - 2);
  const batches = numel(batchShape);
  const outH = alloc(outDtype, batches * M * N);
  const ars = a.strides[nd - 2]!;
  const acs = a.strides[nd - 1]!;
  const brs = b.strides[nd - 2]!;
  const bcs = b.strides[nd - 1]!;
  const useWasm = outDtype === 'float32' && M * N * K >= WASM_MIN_FLOPS && wasmKernels() !== undefined;
  const counter = new Array<number>(batchShape.length).fill(0);
  let ao = a.offset;
  let bo = b.offset;
  for (let batch = 0; batch < batches; batch++) {
    const oo = batch * M * N;
    if (M * N !== 0) {
      if (K === 0) arr(outH).fill(0, oo, oo + M * N);
      else if (useWasm) gemmWasm(a.handle, ao, ars, acs, b.handle, bo, brs, bcs, outH, oo, M, N, K);
      else gemmJs(arr(a.handle), ao, ars, acs, arr(b.handle), bo, brs, bcs, arr(outH), oo, M, N, K);
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
  return outH;
}

const MR = 4;
const NR = 8;

/**
 * The SIMD kernel: A and B are packed straight into wasm scratch memory in the
 * kernel's layout (blocks of MR rows, panels of NR columns, zero-padded), so a
 * strided or transposed operand costs no extra copy.
 */
function gemmWasm(
  aH: Handle,
  ao: number,
  ars: number,
  acs: number,
  bH: Handle,
  bo: number,
  brs: number,
  bcs: number,
  outH: Handle,
  oo: number,
  M: number,
  N: number,
  K: number,
): void {
  const Mp = Math.ceil(M / MR) * MR;
  const Np = Math.ceil(N / NR) * NR;
  const bytes = 4 * (Mp * K + K * Np + Mp * Np);
  const base = bytes <= WASM_MAX_SCRATCH_BYTES ? scratch(bytes) : -1;
  if (base < 0) {
    gemmJs(arr(aH), ao, ars, acs, arr(bH), bo, brs, bcs, arr(outH), oo, M, N, K);
    return;
  }
  const wasm = wasmKernels()!;
  const apOff = base / 4;
  const bpOff = apOff + Mp * K;
  const cOff = bpOff + K * Np;
  // Operands already in wasm memory are packed there; others are packed from JavaScript.
  const aAddr = address(aH, ao);
  const bAddr = address(bH, bo);
  if (aAddr >= 0) wasm.pack_a(aAddr, ars, acs, M, K, apOff * 4);
  else packA(new Float32Array(memory!.buffer), apOff, arr(aH), ao, ars, acs, M, K, Mp);
  if (bAddr >= 0) wasm.pack_b(bAddr, brs, bcs, K, N, bpOff * 4);
  else packB(new Float32Array(memory!.buffer), bpOff, arr(bH), bo, brs, bcs, K, N, Np);
  gemmPanels(apOff * 4, bpOff * 4, cOff * 4, Mp, Np, K);
  const outAddr = address(outH, oo);
  if (outAddr >= 0) wasm.store_c(cOff * 4, Np, M, N, outAddr);
  else {
    const heap = new Float32Array(memory!.buffer);
    const out = arr(outH);
    for (let i = 0; i < M; i++) out.set(heap.subarray(cOff + i * Np, cOff + i * Np + N), oo + i * N);
  }
  freeScratch(base, bytes);
}

/** A in blocks of MR rows, k-major (the layout of wasm's pack_a). */
function packA(heap: Float32Array, p: number, A: TypedArray, ao: number, ars: number, acs: number, M: number, K: number, Mp: number): void {
  for (let ib = 0; ib < Mp; ib += MR) {
    const rows = Math.min(MR, M - ib);
    for (let k = 0; k < K; k++) {
      const s = ao + ib * ars + k * acs;
      for (let r = 0; r < MR; r++) heap[p++] = r < rows ? A[s + r * ars]! : 0;
    }
  }
}

/** B in panels of NR columns, k-major (the layout of wasm's pack_b). */
function packB(heap: Float32Array, p: number, B: TypedArray, bo: number, brs: number, bcs: number, K: number, N: number, Np: number): void {
  for (let jb = 0; jb < Np; jb += NR) {
    const cols = Math.min(NR, N - jb);
    for (let k = 0; k < K; k++) {
      const s = bo + k * brs + jb * bcs;
      for (let c = 0; c < NR; c++) heap[p++] = c < cols ? B[s + c * bcs]! : 0;
    }
  }
}

/** out[M×N] = A[M×K] · B[K×N] for strided A and B, accumulating each output row in doubles. */
function gemmJs(
  A: Arr,
  ao: number,
  ars: number,
  acs: number,
  B: Arr,
  bo: number,
  brs: number,
  bcs: number,
  out: Arr,
  oo: number,
  M: number,
  N: number,
  K: number,
): void {
  // Rows of B must be contiguous for the inner loop: pack them when they are not.
  let Bp = B;
  let bRow = brs;
  let bBase = bo;
  if (bcs !== 1 && K * N > JS_MAX_PACK) {
    gemmJsStrided(A, ao, ars, acs, B, bo, brs, bcs, out, oo, M, N, K);
    return;
  }
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

/** gemmJs without packing B: for a B whose rows are strided and too large to copy (an expanded operand). */
function gemmJsStrided(
  A: Arr,
  ao: number,
  ars: number,
  acs: number,
  B: Arr,
  bo: number,
  brs: number,
  bcs: number,
  out: Arr,
  oo: number,
  M: number,
  N: number,
  K: number,
): void {
  const acc = new Float64Array(N);
  for (let i = 0; i < M; i++) {
    acc.fill(0);
    const aRow = ao + i * ars;
    for (let k = 0; k < K; k++) {
      const aik = A[aRow + k * acs]!;
      const bk = bo + k * brs;
      for (let j = 0; j < N; j++) acc[j]! += aik * B[bk + j * bcs]!;
    }
    const o = oo + i * N;
    for (let j = 0; j < N; j++) out[o + j] = acc[j]!;
  }
}

/** Multiply-adds per thread below which a gemm stays on the calling thread (waking a worker costs about a microsecond). */
const GEMM_GRAIN = 1 << 18;

/**
 * The packed gemm, split over panels of output rows (multiples of MR) for the
 * worker pool. Each element of C is computed by the same sequence of
 * operations whatever the split, so every thread count gives the same bits.
 */
function gemmPanels(ap: number, bp: number, c: number, Mp: number, Np: number, K: number): void {
  const parts = Math.min(getNumThreads(), Math.floor((Mp * Np * K) / GEMM_GRAIN), Mp / MR);
  if (parts <= 1) {
    wasmKernels()!.gemm(ap, bp, c, Mp, Np, K);
    return;
  }
  const rows = Math.ceil(Mp / parts / MR) * MR;
  const calls: KernelCall[] = [];
  for (let i = 0; i < Mp; i += rows) {
    const m = Math.min(rows, Mp - i);
    calls.push({ kernel: 'gemm', args: [ap + 4 * i * K, bp, c + 4 * i * Np, m, Np, K] });
  }
  runCalls(calls);
}
