/**
 * The optional fused recurrent-cell kernels (`lstmCell`, `lstmCellBackward`,
 * `gruCell`, `gruCellBackward`): one LSTM or GRU step's pointwise part in one
 * pass over the gates, instead of the dozen elementwise ops (each a kernel
 * call, a result and a graph node) of core's composite (`ops/fused-rnn.ts` in
 * core). Every intermediate is rounded where the composite stores a tensor,
 * with the elementwise kernels' activations, and the backward computes tanh'
 * as (1 - y)(1 + y) and σ' as (1 - y)·y, as core's backward rules do. float32
 * runs in WebAssembly SIMD (wasm/kernels.c: the unary kernel's tanh and
 * sigmoid, four lanes at a time); float64, and float32 where the wasm kernels
 * are not loaded, in a JavaScript loop per dtype (float32's activations there
 * give the SIMD ones' bits: test/heap.test.ts).
 */
import type { View } from '@graft/core/backend';
import { alloc, arr, type Handle } from '../heap.js';
import { wasmKernels } from '../wasm/module.js';
import { sigmoid32, sigmoid64, tanh32, tanh64 } from './math.js';
import { WasmOperands } from './wasm-operands.js';

type Floats = Float32Array | Float64Array;

/** The elements of a dense view (core guarantees dense from its offset). */
function elements(v: View<Handle>, n: number): Floats {
  return (arr(v.handle) as Floats).subarray(v.offset, v.offset + n);
}

function count(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * Lays out a wasm kernel's operands (`layout` returns the call to make with
 * their addresses) and makes the call unless scratch for them could not be
 * had; copies plain-array outputs back and frees the scratch however it
 * ends. Whether the kernel ran (else the caller runs its JavaScript loop).
 */
function viaWasm(layout: (w: WasmOperands) => () => void): boolean {
  const w = new WasmOperands();
  let ran = false;
  try {
    const call = layout(w);
    if (!w.failed) {
      call();
      ran = true;
    }
  } finally {
    w.finish(ran);
  }
  return ran;
}

/** `[hy, cy, workspace]` of one LSTM step: see the spec's `lstmCell`. */
export function lstmCell(inputGates: View<Handle>, hiddenGates: View<Handle>, cx: View<Handle>): [Handle, Handle, Handle] {
  const dtype = cx.dtype;
  const n = count(cx.shape);
  const H = cx.shape[cx.shape.length - 1]!;
  const rows = H === 0 ? 0 : n / H;
  const hy = alloc(dtype, n);
  const cy = alloc(dtype, n);
  const ws = alloc(dtype, 4 * n);
  const wasm = wasmKernels();
  if (dtype === 'float32' && wasm !== undefined && n > 0) {
    const ran = viaWasm((w) => {
      const args = [
        w.input(inputGates.handle, inputGates.offset, 4 * n),
        w.input(hiddenGates.handle, hiddenGates.offset, 4 * n),
        w.input(cx.handle, cx.offset, n),
        w.output(hy, n),
        w.output(cy, n),
        w.output(ws, 4 * n),
      ] as const;
      return () => wasm.lstm_cell_f32(...args, rows, H);
    });
    if (ran) return [hy, cy, ws];
  }
  const a = elements(inputGates, 4 * n);
  const b = elements(hiddenGates, 4 * n);
  const c = elements(cx, n);
  if (dtype === 'float32') lstmCell32(a, b, c, arr(hy) as Floats, arr(cy) as Floats, arr(ws) as Floats, rows, H);
  else lstmCell64(a, b, c, arr(hy) as Floats, arr(cy) as Floats, arr(ws) as Floats, rows, H);
  return [hy, cy, ws];
}

/** The forward loop in float32 (each op rounded with Math.fround, as the composite's tensors are). */
function lstmCell32(a: Floats, b: Floats, c: Floats, hy: Floats, cy: Floats, ws: Floats, rows: number, H: number): void {
  const R = Math.fround;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < H; j++) {
      const gi = 4 * H * r + j;
      const i = sigmoid32(R(a[gi]! + b[gi]!));
      const f = sigmoid32(R(a[gi + H]! + b[gi + H]!));
      const g = R(tanh32(R(a[gi + 2 * H]! + b[gi + 2 * H]!)));
      const o = sigmoid32(R(a[gi + 3 * H]! + b[gi + 3 * H]!));
      const cNext = R(R(f * c[H * r + j]!) + R(i * g));
      ws[gi] = i;
      ws[gi + H] = f;
      ws[gi + 2 * H] = g;
      ws[gi + 3 * H] = o;
      cy[H * r + j] = cNext;
      hy[H * r + j] = o * R(tanh32(cNext));
    }
  }
}

/** The forward loop in float64 (a copy of lstmCell32 without the rounding: one shape of code per dtype keeps V8's loop fast). */
function lstmCell64(a: Floats, b: Floats, c: Floats, hy: Floats, cy: Floats, ws: Floats, rows: number, H: number): void {
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < H; j++) {
      const gi = 4 * H * r + j;
      const i = sigmoid64(a[gi]! + b[gi]!);
      const f = sigmoid64(a[gi + H]! + b[gi + H]!);
      const g = tanh64(a[gi + 2 * H]! + b[gi + 2 * H]!);
      const o = sigmoid64(a[gi + 3 * H]! + b[gi + 3 * H]!);
      const cNext = f * c[H * r + j]! + i * g;
      ws[gi] = i;
      ws[gi + H] = f;
      ws[gi + 2 * H] = g;
      ws[gi + 3 * H] = o;
      cy[H * r + j] = cNext;
      hy[H * r + j] = o * tanh64(cNext);
    }
  }
}

/** `[gradGates, gradCx]` of one LSTM step from its saved workspace: see the spec's `lstmCellBackward`. */
export function lstmCellBackward(
  gradHy: View<Handle> | null,
  gradCy: View<Handle> | null,
  cx: View<Handle>,
  cy: View<Handle>,
  workspace: View<Handle>,
): [Handle, Handle] {
  const dtype = cx.dtype;
  const n = count(cx.shape);
  const H = cx.shape[cx.shape.length - 1]!;
  const rows = H === 0 ? 0 : n / H;
  const gates = alloc(dtype, 4 * n);
  const gcx = alloc(dtype, n);
  const wasm = wasmKernels();
  if (dtype === 'float32' && wasm !== undefined && n > 0) {
    const ran = viaWasm((w) => {
      const args = [
        gradHy === null ? 0 : w.input(gradHy.handle, gradHy.offset, n),
        gradCy === null ? 0 : w.input(gradCy.handle, gradCy.offset, n),
        w.input(cx.handle, cx.offset, n),
        w.input(cy.handle, cy.offset, n),
        w.input(workspace.handle, workspace.offset, 4 * n),
        w.output(gates, 4 * n),
        w.output(gcx, n),
      ] as const;
      return () => wasm.lstm_cell_backward_f32(...args, rows, H);
    });
    if (ran) return [gates, gcx];
  }
  const gh = gradHy === null ? null : elements(gradHy, n);
  const gc = gradCy === null ? null : elements(gradCy, n);
  const R = dtype === 'float32' ? Math.fround : (x: number) => x;
  const tanh = dtype === 'float32' ? tanh32 : tanh64;
  lstmCellBackwardLoop(
    gh,
    gc,
    elements(cx, n),
    elements(cy, n),
    elements(workspace, 4 * n),
    arr(gates) as Floats,
    arr(gcx) as Floats,
    rows,
    H,
    R,
    tanh,
  );
  return [gates, gcx];
}

/** The backward loop (R rounds to the dtype). */
function lstmCellBackwardLoop(
  gh: Floats | null,
  gc: Floats | null,
  c: Floats,
  cNext: Floats,
  ws: Floats,
  gates: Floats,
  gcx: Floats,
  rows: number,
  H: number,
  R: (x: number) => number,
  tanh: (x: number) => number,
): void {
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < H; j++) {
      const gi = 4 * H * r + j;
      const k = H * r + j;
      const i = ws[gi]!;
      const f = ws[gi + H]!;
      const g = ws[gi + 2 * H]!;
      const o = ws[gi + 3 * H]!;
      let dc = 0;
      let dout = 0;
      if (gh !== null) {
        const dh = gh[k]!;
        const tc = R(tanh(cNext[k]!));
        dc = R(R(dh * o) * R(R(1 - tc) * R(1 + tc)));
        dout = R(R(R(dh * tc) * R(1 - o)) * o);
      }
      if (gc !== null) dc = gh === null ? gc[k]! : R(dc + gc[k]!);
      gates[gi] = R(R(R(dc * g) * R(1 - i)) * i);
      gates[gi + H] = R(R(R(dc * c[k]!) * R(1 - f)) * f);
      gates[gi + 2 * H] = R(R(dc * i) * R(R(1 - g) * R(1 + g)));
      gates[gi + 3 * H] = dout;
      gcx[k] = dc * f;
    }
  }
}

/** `[hy, workspace]` of one GRU step (workspace rows: r, z, n, h_n): see the spec's `gruCell`. */
export function gruCell(inputGates: View<Handle>, hiddenGates: View<Handle>, hx: View<Handle>): [Handle, Handle] {
  const dtype = hx.dtype;
  const n = count(hx.shape);
  const H = hx.shape[hx.shape.length - 1]!;
  const rows = H === 0 ? 0 : n / H;
  const hy = alloc(dtype, n);
  const ws = alloc(dtype, 4 * n);
  const wasm = wasmKernels();
  if (dtype === 'float32' && wasm !== undefined && n > 0) {
    const ran = viaWasm((w) => {
      const args = [
        w.input(inputGates.handle, inputGates.offset, 3 * n),
        w.input(hiddenGates.handle, hiddenGates.offset, 3 * n),
        w.input(hx.handle, hx.offset, n),
        w.output(hy, n),
        w.output(ws, 4 * n),
      ] as const;
      return () => wasm.gru_cell_f32(...args, rows, H);
    });
    if (ran) return [hy, ws];
  }
  const a = elements(inputGates, 3 * n);
  const b = elements(hiddenGates, 3 * n);
  const h = elements(hx, n);
  if (dtype === 'float32') gruCell32(a, b, h, arr(hy) as Floats, arr(ws) as Floats, rows, H);
  else gruCell64(a, b, h, arr(hy) as Floats, arr(ws) as Floats, rows, H);
  return [hy, ws];
}

/** The forward loop in float32 (each op rounded with Math.fround, as the composite's tensors are; wasm/kernels.c's gru_cell_f32 is the same). */
function gruCell32(a: Floats, b: Floats, h: Floats, hy: Floats, ws: Floats, rows: number, H: number): void {
  const R = Math.fround;
  for (let row = 0; row < rows; row++) {
    for (let j = 0; j < H; j++) {
      const gi = 3 * H * row + j;
      const k = H * row + j;
      const w = 4 * H * row + j;
      const r = sigmoid32(R(a[gi]! + b[gi]!));
      const z = sigmoid32(R(a[gi + H]! + b[gi + H]!));
      const hn = b[gi + 2 * H]!;
      const nn = R(tanh32(R(a[gi + 2 * H]! + R(r * hn))));
      hy[k] = R(R(1 - z) * nn) + R(z * h[k]!);
      ws[w] = r;
      ws[w + H] = z;
      ws[w + 2 * H] = nn;
      ws[w + 3 * H] = hn;
    }
  }
}

/** The forward loop in float64 (gruCell32 without the rounding: one shape of code per dtype keeps V8's loop fast). */
function gruCell64(a: Floats, b: Floats, h: Floats, hy: Floats, ws: Floats, rows: number, H: number): void {
  for (let row = 0; row < rows; row++) {
    for (let j = 0; j < H; j++) {
      const gi = 3 * H * row + j;
      const k = H * row + j;
      const w = 4 * H * row + j;
      const r = sigmoid64(a[gi]! + b[gi]!);
      const z = sigmoid64(a[gi + H]! + b[gi + H]!);
      const hn = b[gi + 2 * H]!;
      const nn = tanh64(a[gi + 2 * H]! + r * hn);
      hy[k] = (1 - z) * nn + z * h[k]!;
      ws[w] = r;
      ws[w + H] = z;
      ws[w + 2 * H] = nn;
      ws[w + 3 * H] = hn;
    }
  }
}

/** `[gradInputGates, gradHiddenGates, gradHx]` of one GRU step from its workspace: see the spec's `gruCellBackward`. */
export function gruCellBackward(gradHy: View<Handle>, hx: View<Handle>, workspace: View<Handle>): [Handle, Handle, Handle] {
  const dtype = hx.dtype;
  const n = count(hx.shape);
  const H = hx.shape[hx.shape.length - 1]!;
  const rows = H === 0 ? 0 : n / H;
  const giH = alloc(dtype, 3 * n);
  const ghH = alloc(dtype, 3 * n);
  const gxH = alloc(dtype, n);
  const wasm = wasmKernels();
  if (dtype === 'float32' && wasm !== undefined && n > 0) {
    const ran = viaWasm((w) => {
      const args = [
        w.input(gradHy.handle, gradHy.offset, n),
        w.input(hx.handle, hx.offset, n),
        w.input(workspace.handle, workspace.offset, 4 * n),
        w.output(giH, 3 * n),
        w.output(ghH, 3 * n),
        w.output(gxH, n),
      ] as const;
      return () => wasm.gru_cell_backward_f32(...args, rows, H);
    });
    if (ran) return [giH, ghH, gxH];
  }
  const loop = dtype === 'float32' ? gruCellBackward32 : gruCellBackward64;
  loop(
    elements(gradHy, n),
    elements(hx, n),
    elements(workspace, 4 * n),
    arr(giH) as Floats,
    arr(ghH) as Floats,
    arr(gxH) as Floats,
    rows,
    H,
  );
  return [giH, ghH, gxH];
}

/** The backward loop in float32: the composite's gradient, rounded as its ops round (hy = (1 - z)·n + z·hx); kernels.c's gru_cell_backward_f32 is the same. */
function gruCellBackward32(gh: Floats, h: Floats, ws: Floats, gi: Floats, gHidden: Floats, gx: Floats, rows: number, H: number): void {
  const R = Math.fround;
  for (let row = 0; row < rows; row++) {
    for (let j = 0; j < H; j++) {
      const g0 = 3 * H * row + j;
      const k = H * row + j;
      const w = 4 * H * row + j;
      const r = ws[w]!;
      const z = ws[w + H]!;
      const nn = ws[w + 2 * H]!;
      const hn = ws[w + 3 * H]!;
      const d = gh[k]!;
      const dn = R(d * R(1 - z));
      const dz = R(R(d * h[k]!) - R(d * nn));
      const dPreN = R(dn * R(R(1 - nn) * R(1 + nn)));
      const dPreR = R(R(R(dPreN * hn) * R(1 - r)) * r);
      const dPreZ = R(R(dz * R(1 - z)) * z);
      gi[g0] = dPreR;
      gi[g0 + H] = dPreZ;
      gi[g0 + 2 * H] = dPreN;
      gHidden[g0] = dPreR;
      gHidden[g0 + H] = dPreZ;
      gHidden[g0 + 2 * H] = R(dPreN * r);
      gx[k] = d * z;
    }
  }
}

/** The backward loop in float64 (gruCellBackward32 without the rounding). */
function gruCellBackward64(gh: Floats, h: Floats, ws: Floats, gi: Floats, gHidden: Floats, gx: Floats, rows: number, H: number): void {
  for (let row = 0; row < rows; row++) {
    for (let j = 0; j < H; j++) {
      const g0 = 3 * H * row + j;
      const k = H * row + j;
      const w = 4 * H * row + j;
      const r = ws[w]!;
      const z = ws[w + H]!;
      const nn = ws[w + 2 * H]!;
      const hn = ws[w + 3 * H]!;
      const d = gh[k]!;
      const dn = d * (1 - z);
      const dz = d * h[k]! - d * nn;
      const dPreN = dn * ((1 - nn) * (1 + nn));
      const dPreR = dPreN * hn * (1 - r) * r;
      const dPreZ = dz * (1 - z) * z;
      gi[g0] = dPreR;
      gi[g0 + H] = dPreZ;
      gi[g0 + 2 * H] = dPreN;
      gHidden[g0] = dPreR;
      gHidden[g0 + H] = dPreZ;
      gHidden[g0 + 2 * H] = dPreN * r;
      gx[k] = d * z;
    }
  }
}
