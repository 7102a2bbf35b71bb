/**
 * The optional `conv2d` kernel: a 2-D convolution and its two gradients as
 * im2col + GEMM, as ATen's CPU convolution without MKL-DNN computes them.
 * Each sample's patches are laid out by `im2col_f32` (wasm/kernels.c: rows of
 * contiguous input runs, block copies where the stride is 1), the products
 * are the matmul kernel's (the wasm GEMM, on the worker pool), and the input
 * gradient's patches are summed back by `col2im_f32`. Core's composite
 * (`@graft/nn`'s unfold by an index gather, a matmul, and a scatter-add and
 * reduction for the backward) builds an index as large as the patches and
 * runs several passes over them; this reads the input once per pass.
 *
 * - forward: out[n, g] = W[g] [O/G, K] · cols[n, g] [K, L];
 * - inputGrad: cols[n, g] = W[g]ᵀ · gradOut[n, g], then col2im;
 * - weightGrad: gradW[g] = gradOut[g] [O/G, N·L] · cols[g]ᵀ [N·L, K], one
 *   product over the whole batch (the patches laid out batch-major within
 *   each row for it).
 *
 * (K = C/G · kh · kw, L = OH · OW.) The batch goes in chunks whose patches
 * stay under COLS_MAX floats. Every split is fixed by the shapes, so the bits
 * do not depend on the thread count. float32 with the wasm kernels only:
 * float64 (gradcheck's dtype) and runtimes without WebAssembly SIMD decline
 * to core's composite.
 */
import type { Conv2dGeometry, Conv2dPass, View } from '@graft/core/backend';
import { address, alloc, arr, checkView, type Handle, release } from '../heap.js';
import { copyStrided, isDense } from '../strided.js';
import { type KernelCall, runCalls } from '../threads/parallel.js';
import { memory, wasmKernels } from '../wasm/module.js';
import { contiguous } from './movement.js';
import { matmul } from './matmul.js';
import { WasmOperands } from './wasm-operands.js';

/** At most this many floats of patches at once (16 MiB): larger batches go in chunks of samples. */
const COLS_MAX = 1 << 22;
/** From this many floats of patches per chunk the samples' im2col/col2im calls go to the worker pool. */
const POOL_MIN_FLOATS = 1 << 16;

/** The sizes every pass uses. */
interface Sizes {
  N: number;
  C: number;
  H: number;
  W: number;
  O: number;
  G: number;
  /** Output channels per group. */
  Og: number;
  /** Patch length: C/G · kh · kw. */
  K: number;
  /** Output positions per sample: OH · OW. */
  L: number;
  /** Floats of patches per sample: C · kh · kw · L. */
  perSample: number;
  /** Samples per chunk. */
  chunk: number;
}

function sizesOf(o: Conv2dGeometry): Sizes {
  const [N, C, H, W] = o.input;
  const [O, Cg, kh, kw] = o.weight;
  const [, , OH, OW] = o.output;
  const G = o.groups;
  const K = Cg * kh * kw;
  const L = OH * OW;
  const perSample = C * kh * kw * L;
  return { N, C, H, W, O, G, Og: O / G, K, L, perSample, chunk: Math.max(1, Math.min(N, Math.floor(COLS_MAX / perSample))) };
}

/**
 * The kernel (Backend's `conv2d`): a new handle with the pass's result, or
 * null from `'forward'` for what it declines (not float32, no wasm kernels,
 * an empty patch).
 */
export function conv2d(pass: Conv2dPass, a: View<Handle>, b: View<Handle>, o: Conv2dGeometry): Handle | null {
  checkGeometry(o);
  const s = sizesOf(o);
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || wasmKernels() === undefined || s.K === 0 || s.L === 0) {
    if (pass === 'forward') return null;
    throw new Error(
      `cpu conv2d: the ${pass} pass of a convolution it declines (${a.dtype}, ${b.dtype}; wasm kernels ${wasmKernels() === undefined ? 'not loaded' : 'loaded'})`,
    );
  }
  const expected = pass === 'forward' ? [o.input, o.weight] : pass === 'inputGrad' ? [o.output, o.weight] : [o.input, o.output];
  checkShape(pass, 'first operand', a, expected[0]!);
  checkShape(pass, 'second operand', b, expected[1]!);
  checkView('conv2d', a);
  checkView('conv2d', b);
  const ops = new WasmOperands();
  const temps: Handle[] = [];
  let ran = false;
  try {
    const geometry = ops.take(13 * 4);
    if (geometry >= 0) {
      new Int32Array(memory!.buffer, geometry, 13).set([
        s.C,
        s.H,
        s.W,
        o.weight[2],
        o.weight[3],
        ...o.stride,
        o.padding[0],
        o.padding[2],
        ...o.dilation,
        o.output[2],
        o.output[3],
      ]);
    }
    const result =
      pass === 'forward'
        ? forward(a, b, s, geometry, ops, temps)
        : pass === 'inputGrad'
          ? inputGrad(a, b, s, geometry, ops, temps)
          : weightGrad(a, b, s, geometry, ops, temps);
    ran = true;
    return result;
  } finally {
    ops.finish(ran);
    for (const t of temps) release(t);
  }
}

/** out [N, O, L] = W [G, O/G, K] · cols [N, G, K, L], chunk by chunk of samples. */
function forward(x: View<Handle>, w: View<Handle>, s: Sizes, geometry: number, ops: WasmOperands, temps: Handle[]): Handle {
  const xAddr = denseAddress(x, ops, temps);
  const weight = dense(w, temps);
  fail(ops);
  const CHW = s.C * s.H * s.W;
  let out: Handle | undefined;
  try {
    for (let n0 = 0; n0 < s.N; n0 += s.chunk) {
      const nc = Math.min(s.chunk, s.N - n0);
      const cols = patches(xAddr + 4 * n0 * CHW, CHW, nc, s.perSample, s.L, s, geometry, temps);
      const A: View<Handle> = {
        handle: weight.handle,
        dtype: 'float32',
        shape: [nc, s.G, s.Og, s.K],
        strides: [0, s.Og * s.K, s.K, 1],
        offset: weight.offset,
      };
      const B: View<Handle> = {
        handle: cols,
        dtype: 'float32',
        shape: [nc, s.G, s.K, s.L],
        strides: [s.G * s.K * s.L, s.K * s.L, s.L, 1],
        offset: 0,
      };
      const y = matmul(A, B);
      drop(temps, cols);
      if (nc === s.N) return y; // one chunk: the product is the output
      out ??= alloc('float32', s.N * s.O * s.L);
      (arr(out) as Float32Array).set((arr(y) as Float32Array).subarray(0, nc * s.O * s.L), n0 * s.O * s.L);
      release(y);
    }
    return out!;
  } catch (e) {
    if (out !== undefined) release(out);
    throw e;
  }
}

/** cols [N, G, K, L] = W[g]ᵀ · gradOut[n, g], then each sample's patches summed back into its input positions. */
function inputGrad(gy: View<Handle>, w: View<Handle>, s: Sizes, geometry: number, ops: WasmOperands, temps: Handle[]): Handle {
  const grad = dense(gy, temps);
  const weight = dense(w, temps);
  const CHW = s.C * s.H * s.W;
  const gx = alloc('float32', s.N * CHW);
  try {
    const gxAddr = ops.output(gx, s.N * CHW);
    fail(ops);
    for (let n0 = 0; n0 < s.N; n0 += s.chunk) {
      const nc = Math.min(s.chunk, s.N - n0);
      const A: View<Handle> = {
        handle: weight.handle,
        dtype: 'float32',
        shape: [nc, s.G, s.K, s.Og],
        strides: [0, s.Og * s.K, 1, s.K],
        offset: weight.offset,
      };
      const B: View<Handle> = {
        handle: grad.handle,
        dtype: 'float32',
        shape: [nc, s.G, s.Og, s.L],
        strides: [s.O * s.L, s.Og * s.L, s.L, 1],
        offset: grad.offset + n0 * s.O * s.L,
      };
      const cols = matmul(A, B);
      temps.push(cols);
      const scratch = new WasmOperands();
      try {
        const colsAddr = scratch.input(cols, 0, nc * s.perSample);
        fail(scratch);
        const calls: KernelCall[] = [];
        for (let n = 0; n < nc; n++) {
          calls.push({ kernel: 'col2im_f32', args: [colsAddr + 4 * n * s.perSample, geometry, gxAddr + 4 * (n0 + n) * CHW, s.L] });
        }
        runCalls(calls, nc > 1 && nc * s.perSample >= POOL_MIN_FLOATS);
      } finally {
        scratch.finish(false);
        drop(temps, cols);
      }
    }
    return gx;
  } catch (e) {
    release(gx);
    throw e;
  }
}

/** gradW [G, O/G, K] = gradOut[g] [O/G, N·L] · cols[g]ᵀ, the patches batch-major within each row; chunks of samples summed in order. */
function weightGrad(x: View<Handle>, gy: View<Handle>, s: Sizes, geometry: number, ops: WasmOperands, temps: Handle[]): Handle {
  const xAddr = denseAddress(x, ops, temps);
  const grad = dense(gy, temps);
  fail(ops);
  const CHW = s.C * s.H * s.W;
  let gw: Handle | undefined;
  try {
    for (let n0 = 0; n0 < s.N; n0 += s.chunk) {
      const nc = Math.min(s.chunk, s.N - n0);
      const cols = patches(xAddr + 4 * n0 * CHW, CHW, nc, s.L, nc * s.L, s, geometry, temps);
      // gradOut's chunk [nc, O, L] as [O, nc, L]: each output channel's rows batch-major, as the patches.
      const gyRows = alloc('float32', nc * s.O * s.L);
      temps.push(gyRows);
      copyStrided(arr(grad.handle), grad.offset + n0 * s.O * s.L, [s.L, s.O * s.L, 1], arr(gyRows), 0, [nc * s.L, s.L, 1], [s.O, nc, s.L]);
      const NL = nc * s.L;
      const A: View<Handle> = { handle: gyRows, dtype: 'float32', shape: [s.G, s.Og, NL], strides: [s.Og * NL, NL, 1], offset: 0 };
      const B: View<Handle> = { handle: cols, dtype: 'float32', shape: [s.G, NL, s.K], strides: [s.K * NL, 1, NL], offset: 0 };
      const part = matmul(A, B);
      drop(temps, cols);
      drop(temps, gyRows);
      if (gw === undefined) gw = part;
      else {
        const sum = arr(gw) as Float32Array;
        const add = arr(part) as Float32Array;
        for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + add[i]!;
        release(part);
      }
    }
    return gw!;
  } catch (e) {
    if (gw !== undefined) release(gw);
    throw e;
  }
}

/**
 * The patches of `nc` samples (each CHW floats apart from `src`) in a new
 * handle: sample n's rows start at n · `sampleStride`, rows `rs` apart.
 * Pushed onto `temps` (released by the caller, or at the end).
 */
function patches(
  src: number,
  CHW: number,
  nc: number,
  sampleStride: number,
  rs: number,
  s: Sizes,
  geometry: number,
  temps: Handle[],
): Handle {
  const cols = alloc('float32', nc * s.perSample);
  temps.push(cols);
  const ops = new WasmOperands();
  let ran = false;
  try {
    const dst = ops.output(cols, nc * s.perSample);
    fail(ops);
    const calls: KernelCall[] = [];
    for (let n = 0; n < nc; n++) calls.push({ kernel: 'im2col_f32', args: [src + 4 * n * CHW, geometry, dst + 4 * n * sampleStride, rs] });
    runCalls(calls, nc > 1 && nc * s.perSample >= POOL_MIN_FLOATS);
    ran = true;
  } finally {
    ops.finish(ran);
  }
  return cols;
}

/** Releases `h` now and takes it off `temps`. */
function drop(temps: Handle[], h: Handle): void {
  release(h);
  temps.splice(temps.indexOf(h), 1);
}

/** Throws when scratch could not be had (the heap cannot grow): out of memory, said as the allocator says it. */
function fail(ops: WasmOperands): void {
  if (ops.failed) throw new RangeError('cpu conv2d: out of memory for the WebAssembly scratch of a convolution');
}

/** `v` itself when dense, else a dense copy (pushed onto `temps`): a handle and the offset of its first element. */
function dense(v: View<Handle>, temps: Handle[]): { handle: Handle; offset: number } {
  if (isDense(v)) return { handle: v.handle, offset: v.offset };
  const copy = contiguous(v);
  temps.push(copy);
  return { handle: copy, offset: 0 };
}

/** The wasm address of `v`'s elements, dense: in place, or a dense copy, or (a plain array) copied into scratch. */
function denseAddress(v: View<Handle>, ops: WasmOperands, temps: Handle[]): number {
  const { handle, offset } = dense(v, temps);
  const n = v.shape.reduce((p, q) => p * q, 1);
  return address(handle, offset) >= 0 ? address(handle, offset) : ops.input(handle, offset, n);
}

function checkShape(pass: Conv2dPass, what: string, v: View<Handle>, shape: readonly number[]): void {
  if (v.shape.length !== shape.length || v.shape.some((n, d) => n !== shape[d])) {
    throw new RangeError(`cpu conv2d: the ${pass} pass expected a ${what} of shape [${shape.join(', ')}], got [${v.shape.join(', ')}]`);
  }
}

/** Throws unless the geometry is one core could have made: its kernel loops trust these sizes. */
function checkGeometry(o: Conv2dGeometry): void {
  const [N, C, H, W] = o.input;
  const [O, Cg, kh, kw] = o.weight;
  const [ON, OO, OH, OW] = o.output;
  const ints = [...o.input, ...o.weight, ...o.output, ...o.stride, ...o.padding, ...o.dilation, o.groups];
  const ok =
    ints.every((v) => Number.isSafeInteger(v) && v >= 0 && v < 2 ** 31) &&
    o.stride.every((v) => v >= 1) &&
    o.dilation.every((v) => v >= 1) &&
    o.groups >= 1 &&
    C === Cg * o.groups &&
    O % o.groups === 0 &&
    ON === N &&
    OO === O &&
    OH === Math.floor((H + o.padding[0] + o.padding[1] - o.dilation[0] * (kh - 1) - 1) / o.stride[0]) + 1 &&
    OW === Math.floor((W + o.padding[2] + o.padding[3] - o.dilation[1] * (kw - 1) - 1) / o.stride[1]) + 1 &&
    OH >= 1 &&
    OW >= 1;
  if (!ok) {
    throw new RangeError(
      `cpu conv2d: an inconsistent geometry (input [${o.input.join(', ')}], weight [${o.weight.join(', ')}], output [${o.output.join(', ')}], stride [${o.stride.join(', ')}], padding [${o.padding.join(', ')}], dilation [${o.dilation.join(', ')}], groups ${o.groups})`,
    );
  }
}
