/**
 * Batched matmul. Float32 products from 8³ multiply-adds go to the
 * WebAssembly SIMD GEMM (wasm/kernels.c: blocks of C as independent calls,
 * a 4 × 8 register tile; on the worker pool from 2²⁰ multiply-adds); smaller
 * ones and other dtypes run in JavaScript, summing over k in doubles: up to
 * 4 096 multiply-adds one strided dot product per output, above that an
 * i-k-j loop over packed rows of B.
 */
import { numel, type TypedArray, type View } from '@graft/core/backend';
import { address, alloc, arr, checkView, freeScratch, type Handle, scratch } from '../heap.js';
import { type KernelCall, runCalls } from '../threads/parallel.js';
import { memory, wasmKernels } from '../wasm/module.js';

type Arr = TypedArray;

/** A JavaScript product kernel: out[oo…] (M×N, row-major) = A[M×K] · B[K×N], each operand at an offset with row and column strides. */
type Gemm = (
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
) => void;

/**
 * Up to this many multiply-adds the JavaScript path computes each output as
 * one strided dot product (no packing, no accumulator array: a batch-1
 * recurrent step's products are a few hundred multiply-adds, and allocating
 * costs more than the arithmetic). Same sums in the same order as `gemmJs`.
 */
const JS_DOT_MAX_FLOPS = 4096;
/** Below this many multiply-adds the JavaScript loop is as fast as a wasm call (measured: 8³ ties, 16³ is 7–10× faster in wasm). */
export const WASM_MIN_FLOPS = 8 * 8 * 8;
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
  if (M * N === 0) return outH;
  if (K === 0) {
    arr(outH).fill(0, 0, batches * M * N);
    return outH;
  }
  const [aOffsets, bOffsets] = batchOffsets(a, b, batchShape);
  if (useWasm && gemmWasm(a.handle, aOffsets, ars, acs, b.handle, bOffsets, brs, bcs, outH, M, N, K)) return outH;
  const gemm = M * N * K <= JS_DOT_MAX_FLOPS ? gemmDot : gemmJs;
  for (let batch = 0; batch < batches; batch++) {
    gemm(arr(a.handle), aOffsets[batch]!, ars, acs, arr(b.handle), bOffsets[batch]!, brs, bcs, arr(outH), batch * M * N, M, N, K);
  }
  return outH;
}

/** Each batch's element offsets into A and B (batch dimensions in row-major order). */
function batchOffsets(a: View<Handle>, b: View<Handle>, batchShape: readonly number[]): [number[], number[]] {
  if (batchShape.length === 0) return [[a.offset], [b.offset]];
  const batches = numel(batchShape);
  const aOffsets: number[] = [];
  const bOffsets: number[] = [];
  const counter = new Array<number>(batchShape.length).fill(0);
  let ao = a.offset;
  let bo = b.offset;
  for (let batch = 0; batch < batches; batch++) {
    aOffsets.push(ao);
    bOffsets.push(bo);
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
  return [aOffsets, bOffsets];
}

/**
 * Products under this many multiply-adds run their blocks on the calling thread. In a tight loop
 * of one product the pool pays from a few blocks on (1.4× at 16×64×256, its worker spinning on
 * the next job); inside a training step a worker has gone to sleep between products and waking it
 * costs more than half of a small product saves: the bench's char-LSTM step, whose recurrence
 * products are 16×64×256 (262 144), took 6.8–10.3 ms median with them on the pool against
 * 6.3–7.8 ms with this bound (interleaved runs; docs/performance.md, "Small ops").
 */
export const POOL_MIN_FLOPS = 1 << 20;

/**
 * Packing B (a copy of its K·N elements) goes to the pool from this many
 * elements (1 MiB: a few hundred microseconds). It used to follow the
 * product's size, so a 320×32×256 product packed its 8 192-element B on the
 * pool: a copy of a few microseconds paid a worker's wake-up, one of the
 * seven pool steps of the bench's char-LSTM step.
 */
const PACK_POOL_MIN = 1 << 18;

/** The wasm micro-kernel's tile: MR rows by NR columns of C (wasm/kernels.c). */
export const MR = 4;
export const NR = 8;
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
 * The SIMD kernel, as independent `gemm_block` calls over blocks of C (of every
 * batch) handed to `runCalls` at once. The kernel reads A through its strides
 * (transposed, sliced or expanded alike: no copy here); B in place when its rows are contiguous,
 * N fills whole panels and C has one block of rows; otherwise B is first
 * packed into NR-column panels (by `pack_b` calls, one per column block, once
 * per distinct batch of B: a broadcast B is packed once). Operands held in
 * plain arrays are copied into wasm scratch whole, so their strides still
 * apply. False (nothing written) when the scratch memory cannot be had: the
 * caller then runs the JavaScript loop.
 */
function gemmWasm(
  aH: Handle,
  aOffsets: readonly number[],
  ars: number,
  acs: number,
  bH: Handle,
  bOffsets: readonly number[],
  brs: number,
  bcs: number,
  outH: Handle,
  M: number,
  N: number,
  K: number,
): boolean {
  const batches = aOffsets.length;
  // B is read in place when its rows are contiguous, N fills whole panels, and C is one block
  // of rows (each B element read by one call: packing could not pay for itself). Otherwise its
  // panels are packed: rows of a large B are far apart (a 4 KiB stride maps them all to one L1
  // set) and packing makes each panel sequential.
  const direct = bcs === 1 && N % NR === 0 && M <= BLOCK_M;
  const Np = Math.ceil(N / NR) * NR;
  const distinctB = direct ? [] : [...new Set(bOffsets)];
  const packedBytes = 4 * K * Np * distinctB.length;
  const aBase = address(aH, 0);
  const bBase = address(bH, 0);
  const outBase = address(outH, 0);
  const bytes = (aBase < 0 ? 4 * aH.length : 0) + (bBase < 0 ? 4 * bH.length : 0) + packedBytes + (outBase < 0 ? 4 * batches * M * N : 0);
  if (bytes > WASM_MAX_SCRATCH_BYTES) return false;
  const held: Scratch[] = [];
  const aAddr = aBase >= 0 ? aBase : copyToScratch(aH, held);
  const bAddr = bBase >= 0 ? bBase : copyToScratch(bH, held);
  const packed = direct ? 0 : take(packedBytes, held);
  const cAddr = outBase >= 0 ? outBase : take(4 * batches * M * N, held);
  if (held.some((s) => s.addr < 0)) {
    for (const s of held) freeScratch(s.addr, s.bytes);
    return false;
  }
  // Each batch's B: its first panel's address, panels `bps` floats apart, rows `bk` floats apart.
  let bk = brs;
  let bps = NR;
  const bPanels = bOffsets.map((bo) => bAddr + 4 * bo);
  if (!direct) {
    const packs: KernelCall[] = [];
    const at = new Map<number, number>();
    distinctB.forEach((bo, n) => {
      const dst = packed + 4 * n * K * Np;
      at.set(bo, dst);
      for (let j0 = 0; j0 < N; j0 += BLOCK_N) {
        packs.push({ kernel: 'pack_b', args: [bAddr + 4 * (bo + j0 * bcs), brs, bcs, K, Math.min(BLOCK_N, N - j0), dst + 4 * j0 * K] });
      }
    });
    runCalls(packs, K * N * distinctB.length >= PACK_POOL_MIN);
    bOffsets.forEach((bo, batch) => (bPanels[batch] = at.get(bo)!));
    bk = NR;
    bps = NR * K;
  }
  const calls: KernelCall[] = [];
  for (let batch = 0; batch < batches; batch++) {
    const aFirst = aAddr + 4 * aOffsets[batch]!;
    const cFirst = cAddr + 4 * batch * M * N;
    for (let i0 = 0; i0 < M; i0 += BLOCK_M) {
      for (let j0 = 0; j0 < N; j0 += BLOCK_N) {
        calls.push({
          kernel: 'gemm_block',
          args: [
            aFirst + 4 * i0 * ars,
            ars,
            acs,
            bPanels[batch]! + 4 * (j0 / NR) * bps,
            bk,
            bps,
            cFirst + 4 * (i0 * N + j0),
            N,
            Math.min(BLOCK_M, M - i0),
            Math.min(BLOCK_N, N - j0),
            K,
          ],
        });
      }
    }
  }
  runCalls(calls, M * N * K >= POOL_MIN_FLOPS);
  if (outBase < 0) arr(outH).set(new Float32Array(memory!.buffer, cAddr, batches * M * N));
  for (const s of held) freeScratch(s.addr, s.bytes);
  return true;
}

/** Scratch bytes, recorded in `held` to be freed; their address, or -1. */
function take(bytes: number, held: Scratch[]): number {
  const addr = scratch(bytes);
  held.push({ addr, bytes });
  return addr;
}

/** out[M×N] = A[M×K] · B[K×N] for small strided A and B: each output one dot product in doubles, k ascending (as gemmJs). */
const gemmDot: Gemm = (A, ao, ars, acs, B, bo, brs, bcs, out, oo, M, N, K) => {
  // Four outputs at a time: four independent sums (one alone waits on each add's latency).
  const N4 = N - (N % 4);
  for (let i = 0; i < M; i++) {
    const aRow = ao + i * ars;
    const o = oo + i * N;
    for (let j = 0; j < N4; j += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let ai = aRow;
      let bi = bo + j * bcs;
      for (let k = 0; k < K; k++, ai += acs, bi += brs) {
        const aik = A[ai]!;
        s0 += aik * B[bi]!;
        s1 += aik * B[bi + bcs]!;
        s2 += aik * B[bi + 2 * bcs]!;
        s3 += aik * B[bi + 3 * bcs]!;
      }
      out[o + j] = s0;
      out[o + j + 1] = s1;
      out[o + j + 2] = s2;
      out[o + j + 3] = s3;
    }
    for (let j = N4; j < N; j++) {
      let s = 0;
      let ai = aRow;
      let bi = bo + j * bcs;
      for (let k = 0; k < K; k++, ai += acs, bi += brs) s += A[ai]! * B[bi]!;
      out[o + j] = s;
    }
  }
};

/** out[M×N] = A[M×K] · B[K×N] for strided A and B, accumulating each output row in doubles. */
const gemmJs: Gemm = (A, ao, ars, acs, B, bo, brs, bcs, out, oo, M, N, K) => {
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
};

/** gemmJs without packing B: for a B whose rows are strided and too large to copy (an expanded operand). */
const gemmJsStrided: Gemm = (A, ao, ars, acs, B, bo, brs, bcs, out, oo, M, N, K) => {
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
};
