/**
 * Batched matmul. Large float32 products go to the WebAssembly SIMD kernel
 * (packed, register-blocked); small ones and other dtypes run a JavaScript
 * i-k-j loop that accumulates rows in doubles.
 */
import { numel, type TypedArray, type View } from '@graft/core/backend';
import { address, alloc, arr, checkView, freeScratch, type Handle, scratch } from '../heap.js';
import { type KernelCall, runCalls } from '../threads/parallel.js';
import { memory, wasmKernels } from '../wasm/module.js';

type Arr = TypedArray;

/** Below this many multiply-adds the JavaScript loop is as fast as a wasm call (measured: 8³ ties, 16³ is 7–10× faster in wasm). */
const WASM_MIN_FLOPS = 8 * 8 * 8;
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

/** The wasm micro-kernel's tile: MR rows by NR columns of C (wasm/kernels.c). */
const MR = 4;
const NR = 8;
/**
 * Rows and columns of C per `gemm_block` call. The partition depends on the
 * shapes only, never on the thread count, so results are bit-identical however
 * many threads run the calls. 64 × 64 gives 16 calls at 256 × 256 (enough to
 * balance 2–4 threads) while each call still does ≥ 4096·K multiply-adds.
 */
const BLOCK_M = 16 * MR;
const BLOCK_N = 8 * NR;

/** Bytes of wasm scratch: `addr` is where they start, -1 when none could be had. */
interface Scratch {
  addr: number;
  bytes: number;
}

/** The whole array behind a plain (non-heap) handle, copied into wasm scratch. */
function copyToScratch(h: Handle, list: Scratch[]): number {
  const src = arr(h);
  const bytes = 4 * src.length;
  const addr = scratch(bytes);
  list.push({ addr, bytes });
  if (addr >= 0) new Float32Array(memory!.buffer, addr, src.length).set(src);
  return addr;
}

/**
 * The SIMD kernel, as independent `gemm_block` calls over blocks of C handed
 * to `runCalls`. A is read in place through its strides (transposed, sliced or
 * expanded alike); B too when its rows are contiguous and N is a multiple of
 * NR, otherwise it is first packed into NR-column panels (by `pack_b` calls,
 * one per column block). Operands held in plain arrays are copied into wasm
 * scratch whole, so their strides still apply.
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
  // B is read in place when its rows are contiguous, N fills whole panels, and C is one block
  // of rows (each B element read by one call: packing could not pay for itself). Otherwise its
  // panels are packed: rows of a large B are far apart (a 4 KiB stride maps them all to one L1
  // set) and packing makes each panel sequential.
  const direct = bcs === 1 && N % NR === 0 && M <= BLOCK_M;
  const Np = Math.ceil(N / NR) * NR;
  let aAddr = address(aH, ao);
  let bAddr = address(bH, bo);
  let cAddr = address(outH, oo);
  const bytes = (aAddr < 0 ? 4 * aH.length : 0) + (bAddr < 0 ? 4 * bH.length : 0) + (direct ? 0 : 4 * K * Np) + (cAddr < 0 ? 4 * M * N : 0);
  if (bytes > WASM_MAX_SCRATCH_BYTES) {
    gemmJs(arr(aH), ao, ars, acs, arr(bH), bo, brs, bcs, arr(outH), oo, M, N, K);
    return;
  }
  const held: Scratch[] = [];
  if (aAddr < 0) aAddr = addressIn(copyToScratch(aH, held), ao);
  if (bAddr < 0) bAddr = addressIn(copyToScratch(bH, held), bo);
  const packed = direct ? -1 : scratch(4 * K * Np);
  if (!direct) held.push({ addr: packed, bytes: 4 * K * Np });
  const cScratch = cAddr < 0 ? scratch(4 * M * N) : -1;
  if (cAddr < 0) held.push({ addr: cScratch, bytes: 4 * M * N });
  if (held.some((s) => s.addr < 0)) {
    for (const s of held) freeScratch(s.addr, s.bytes);
    gemmJs(arr(aH), ao, ars, acs, arr(bH), bo, brs, bcs, arr(outH), oo, M, N, K);
    return;
  }
  if (cAddr < 0) cAddr = cScratch;
  // B's panels: NR columns each, `bps` floats apart, rows `bk` floats apart.
  let bk = brs;
  let bps = NR;
  if (!direct) {
    const packs: KernelCall[] = [];
    for (let j0 = 0; j0 < N; j0 += BLOCK_N) {
      packs.push({ kernel: 'pack_b', args: [bAddr + 4 * j0 * bcs, brs, bcs, K, Math.min(BLOCK_N, N - j0), packed + 4 * j0 * K] });
    }
    runCalls(packs);
    bAddr = packed;
    bk = NR;
    bps = NR * K;
  }
  const calls: KernelCall[] = [];
  for (let i0 = 0; i0 < M; i0 += BLOCK_M) {
    for (let j0 = 0; j0 < N; j0 += BLOCK_N) {
      calls.push({
        kernel: 'gemm_block',
        args: [
          aAddr + 4 * i0 * ars,
          ars,
          acs,
          bAddr + 4 * (j0 / NR) * bps,
          bk,
          bps,
          cAddr + 4 * (i0 * N + j0),
          N,
          Math.min(BLOCK_M, M - i0),
          Math.min(BLOCK_N, N - j0),
          K,
        ],
      });
    }
  }
  runCalls(calls);
  if (cAddr === cScratch) arr(outH).set(new Float32Array(memory!.buffer, cScratch, M * N), oo);
  for (const s of held) freeScratch(s.addr, s.bytes);
}

/** Byte address of float `offset` in scratch starting at `base` (-1 stays -1). */
function addressIn(base: number, offset: number): number {
  return base < 0 ? -1 : base + 4 * offset;
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
