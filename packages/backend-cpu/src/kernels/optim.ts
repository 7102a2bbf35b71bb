/**
 * The optional fused optimizer kernels (`adamStep`, `sgdStep`): one pass over
 * a parameter and its state instead of the ten or so elementwise ops core's
 * composite runs (`ops/fused-optim.ts` in core). float32 tensors in the wasm
 * heap (16 KiB and more) run a WebAssembly SIMD kernel (`adam_step_f32`,
 * `sgd_step_f32` in wasm/kernels.c), split over the worker pool when large;
 * smaller float32 ones from SCRATCH_MIN elements the same kernel through wasm
 * scratch; the smallest and float64 ones a JavaScript loop (and without
 * wasm, float32 ones above FUSED_FLOAT32_MAX are left to the composite,
 * whose ops are faster there). Each intermediate is rounded
 * where the composite stores a tensor (`R`: Math.fround for float32, nothing
 * for float64) and scalars are rounded first, as the elementwise kernels
 * round them, so every path equals the composite bit for bit.
 */
import type { AdamStepOptions, SgdStepOptions, View } from '@graft/core/backend';
import { address, arr, checkView, freeScratch, type Handle, scratch } from '../heap.js';
import { ELEMENTWISE_GRAIN, parallelRanges } from '../threads/parallel.js';
import { memory, wasmKernels } from '../wasm/module.js';

/**
 * The largest float32 parameter the JavaScript loop takes (without wasm, or
 * without scratch memory). Above it core's composite is faster: its
 * elementwise ops run as WebAssembly SIMD passes (four lanes), which beat one
 * scalar JavaScript loop from a few thousand elements on (measured: 4× faster
 * fused at 1K, 0.6× at 4K, 0.15× at 64K).
 */
export const FUSED_FLOAT32_MAX = 2048;

/**
 * Parameters from this many elements that live outside the wasm heap (plain
 * arrays: under 16 KiB) are copied into wasm scratch for the SIMD kernel and
 * back; smaller ones take the JavaScript loop (same bits either way).
 * Measured on the bench's char-LSTM: a 50×64 head weight (3 200 elements)
 * took core's composite, ten elementwise passes, for 8 % of a training step.
 */
const SCRATCH_MIN = 256;

/**
 * Runs a fused float32 kernel (`views[1]`, the gradient, is only read): the
 * hyperparameters `constants` (rounded to float32) in scratch memory, views
 * outside the wasm heap copied into scratch and back (from SCRATCH_MIN
 * elements), the elements split into ranges over the pool (each element is
 * computed alone: any split gives the same bits). False, having done
 * nothing, without wasm or scratch, or for a small tensor outside the heap.
 */
function fusedWasm(
  kernel: 'adam_step_f32' | 'sgd_step_f32',
  views: readonly (View<Handle> | null)[],
  n: number,
  flags: number,
  constants: readonly number[],
): boolean {
  if (wasmKernels() === undefined) return false;
  const addrs: number[] = [];
  const outside: number[] = [];
  for (const v of views) {
    if (v === null) {
      addrs.push(0);
      continue;
    }
    checkView(kernel, v); // wasm reads and writes n elements from a raw address
    const a = address(v.handle, v.offset);
    if (a < 0) outside.push(addrs.length);
    addrs.push(a);
  }
  if (outside.length > 0 && n < SCRATCH_MIN) return false;
  const bytes = 4 * constants.length + 4 * n * outside.length;
  const c = scratch(bytes);
  if (c < 0) return false;
  try {
    const buffer = memory!.buffer;
    new Float32Array(buffer, c, constants.length).set(constants);
    outside.forEach((i, k) => {
      addrs[i] = c + 4 * constants.length + 4 * n * k;
      new Float32Array(buffer, addrs[i], n).set(elements(views[i]!, n));
    });
    parallelRanges(n, ELEMENTWISE_GRAIN, (start, count) => ({
      kernel,
      args: [...addrs.map((a) => (a === 0 ? 0 : a + 4 * start)), count, flags, c],
    }));
    for (const i of outside) if (i !== 1) elements(views[i]!, n).set(new Float32Array(memory!.buffer, addrs[i], n));
  } finally {
    freeScratch(c, bytes);
  }
  return true;
}

type Round = (x: number) => number;
const same: Round = (x) => x;

/** The elements of a dense view (core guarantees dense from its offset). */
function elements(v: View<Handle>, n: number): Float32Array | Float64Array {
  return (arr(v.handle) as Float32Array | Float64Array).subarray(v.offset, v.offset + n);
}

function count(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function adamStep(
  param: View<Handle>,
  grad: View<Handle>,
  expAvg: View<Handle>,
  expAvgSq: View<Handle>,
  maxExpAvgSq: View<Handle> | null,
  o: AdamStepOptions,
): boolean {
  const n = count(param.shape);
  if (param.dtype === 'float32') {
    const c = adamConstants(o, true);
    const flags = (c.first ? 1 : 0) | (c.maximize ? 2 : 0) | (c.decoupled ? 4 : 0) | (c.coupled ? 8 : 0) | (maxExpAvgSq !== null ? 16 : 0);
    const constants = [c.decay, c.wd, c.b1, c.b2, c.oneMinusB1, c.oneMinusB2, c.sqrtBc2, c.eps, c.stepSize];
    if (fusedWasm('adam_step_f32', [param, grad, expAvg, expAvgSq, maxExpAvgSq], n, flags, constants)) return true;
    if (n > FUSED_FLOAT32_MAX) return false;
  }
  const vmax = maxExpAvgSq === null ? null : elements(maxExpAvgSq, n);
  const loop = param.dtype === 'float32' ? adam32 : adam64;
  loop(
    n,
    elements(param, n),
    elements(grad, n),
    elements(expAvg, n),
    elements(expAvgSq, n),
    vmax,
    adamConstants(o, param.dtype === 'float32'),
  );
  return true;
}

/** The composite's scalars, as its kernels receive them (rounded to the dtype), and its switches: read once, not per element. */
function adamConstants(o: AdamStepOptions, f32: boolean) {
  const R: Round = f32 ? Math.fround : same;
  return {
    first: o.first,
    maximize: o.maximize,
    decoupled: o.decoupled,
    coupled: !o.decoupled && o.weightDecay !== 0,
    decay: R(1 - o.lr * o.weightDecay),
    wd: R(o.weightDecay),
    b1: R(o.beta1),
    b2: R(o.beta2),
    oneMinusB1: R(1 - o.beta1),
    oneMinusB2: R(1 - o.beta2),
    sqrtBc2: R(Math.sqrt(1 - o.beta2 ** o.step)),
    eps: R(o.eps),
    stepSize: R(o.lr / (1 - o.beta1 ** o.step)),
  };
}
type AdamConstants = ReturnType<typeof adamConstants>;
type F = Float32Array | Float64Array;

const fr = Math.fround;

/** Adam in float32: every op rounded (fr) where the composite stores a float32 tensor. */
function adam32(n: number, p: F, g: F, m: F, v: F, vmax: F | null, c: AdamConstants): void {
  const { first, maximize, decoupled, coupled, decay, wd, b1, b2, oneMinusB1, oneMinusB2, sqrtBc2, eps, stepSize } = c;
  for (let i = 0; i < n; i++) {
    let gi = maximize ? -g[i]! : g[i]!;
    let pi = p[i]!;
    if (decoupled) pi = fr(pi * decay);
    else if (coupled) gi = fr(gi + fr(pi * wd));
    const mi = first ? fr(gi * oneMinusB1) : fr(fr(m[i]! * b1) + fr(gi * oneMinusB1));
    const sq = fr(gi * gi);
    const vi = first ? fr(sq * oneMinusB2) : fr(fr(v[i]! * b2) + fr(sq * oneMinusB2));
    m[i] = mi;
    v[i] = vi;
    let second = vi;
    if (vmax !== null) {
      second = first ? vi : Math.max(vmax[i]!, vi);
      vmax[i] = second;
    }
    const denom = fr(fr(fr(Math.sqrt(second)) / sqrtBc2) + eps);
    p[i] = fr(pi - fr(fr(mi / denom) * stepSize));
  }
}

/** adam32 in float64: the same formula, no rounding between ops. */
function adam64(n: number, p: F, g: F, m: F, v: F, vmax: F | null, c: AdamConstants): void {
  const { first, maximize, decoupled, coupled, decay, wd, b1, b2, oneMinusB1, oneMinusB2, sqrtBc2, eps, stepSize } = c;
  for (let i = 0; i < n; i++) {
    let gi = maximize ? -g[i]! : g[i]!;
    let pi = p[i]!;
    if (decoupled) pi = pi * decay;
    else if (coupled) gi = gi + pi * wd;
    const mi = first ? gi * oneMinusB1 : m[i]! * b1 + gi * oneMinusB1;
    const sq = gi * gi;
    const vi = first ? sq * oneMinusB2 : v[i]! * b2 + sq * oneMinusB2;
    m[i] = mi;
    v[i] = vi;
    let second = vi;
    if (vmax !== null) {
      second = first ? vi : Math.max(vmax[i]!, vi);
      vmax[i] = second;
    }
    p[i] = pi - (mi / (Math.sqrt(second) / sqrtBc2 + eps)) * stepSize;
  }
}

export function sgdStep(param: View<Handle>, grad: View<Handle>, momentumBuffer: View<Handle> | null, o: SgdStepOptions): boolean {
  const n = count(param.shape);
  const buf = momentumBuffer === null ? null : elements(momentumBuffer, n);
  const f32 = param.dtype === 'float32';
  const R: Round = f32 ? Math.fround : same;
  const c = {
    first: o.first,
    maximize: o.maximize,
    decayed: o.weightDecay !== 0,
    nesterov: o.nesterov,
    wd: R(o.weightDecay),
    mom: R(o.momentum),
    keep: R(1 - o.dampening),
    lr: R(o.lr),
  };
  if (f32) {
    const flags = (c.first ? 1 : 0) | (c.maximize ? 2 : 0) | (c.decayed ? 4 : 0) | (c.nesterov ? 8 : 0) | (buf !== null ? 16 : 0);
    if (fusedWasm('sgd_step_f32', [param, grad, momentumBuffer], n, flags, [c.wd, c.mom, c.keep, c.lr])) return true;
    if (n > FUSED_FLOAT32_MAX) return false;
  }
  (f32 ? sgd32 : sgd64)(n, elements(param, n), elements(grad, n), buf, c);
  return true;
}

interface SgdConstants {
  first: boolean;
  maximize: boolean;
  decayed: boolean;
  nesterov: boolean;
  wd: number;
  mom: number;
  keep: number;
  lr: number;
}

function sgd32(n: number, p: F, g: F, buf: F | null, c: SgdConstants): void {
  const { first, maximize, decayed, nesterov, wd, mom, keep, lr } = c;
  for (let i = 0; i < n; i++) {
    let d = maximize ? -g[i]! : g[i]!;
    const pi = p[i]!;
    if (decayed) d = fr(d + fr(pi * wd));
    if (buf !== null) {
      const b = first ? d : fr(fr(buf[i]! * mom) + fr(d * keep));
      buf[i] = b;
      d = nesterov ? fr(d + fr(b * mom)) : b;
    }
    p[i] = fr(pi - fr(d * lr));
  }
}

function sgd64(n: number, p: F, g: F, buf: F | null, c: SgdConstants): void {
  const { first, maximize, decayed, nesterov, wd, mom, keep, lr } = c;
  for (let i = 0; i < n; i++) {
    let d = maximize ? -g[i]! : g[i]!;
    const pi = p[i]!;
    if (decayed) d = d + pi * wd;
    if (buf !== null) {
      const b = first ? d : buf[i]! * mom + d * keep;
      buf[i] = b;
      d = nesterov ? d + b * mom : b;
    }
    p[i] = pi - d * lr;
  }
}
