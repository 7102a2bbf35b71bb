/**
 * The optional whole-sequence LSTM kernels (`lstmSequence`,
 * `lstmSequenceBackward`): one direction of an LSTM layer over every time
 * step in one WebAssembly call per group of batch rows (wasm/kernels.c,
 * `lstm_sequence_f32` and `lstm_sequence_backward_f32`), instead of core's
 * per-step path of a product and a cell kernel per step, each a JavaScript
 * round trip. The recurrence never mixes batch rows, so the groups run on the
 * worker pool with no synchronisation between steps: a thread runs its rows
 * from the first step to the last.
 *
 * Each step is the kernels core's per-step path calls (`gemm_block`, then
 * `lstm_cell_f32` or `lstm_cell_backward_f32`), in the same order, and no
 * row's result depends on another row: the bits are the per-step path's,
 * whatever the grouping or the thread count. float32 only, and only where
 * that path's products run in wasm (the batch's product from WASM_MIN_FLOPS
 * multiply-adds; smaller ones run in JavaScript, in doubles): otherwise the
 * kernels decline (null) and core runs the per-step path.
 */
import type { View } from '@graft/core/backend';
import { alloc, checkView, type Handle, release } from '../heap.js';
import { type KernelCall, runCalls } from '../threads/parallel.js';
import { wasmKernels } from '../wasm/module.js';
import { MR, NR, POOL_MIN_FLOPS, WASM_MIN_FLOPS } from './matmul.js';
import { WasmOperands } from './wasm-operands.js';

/** At most this many calls (groups of batch rows) per sequence; below it, one GEMM tile (MR rows) per call. */
const MAX_GROUPS = 64;

/** The first row of each group of batch rows: MR rows a group (threads claim them as they go), fewer groups for a large batch. */
function rowGroups(B: number): number[] {
  const rows = Math.max(MR, Math.ceil(B / MAX_GROUPS / MR) * MR);
  const starts: number[] = [];
  for (let r = 0; r < B; r += rows) starts.push(r);
  return starts;
}

/** The sizes of a sequence, or undefined when the wasm kernels do not take it (core's per-step path does). */
function sequenceSizes(gates: View<Handle>): { T: number; B: number; H: number } | undefined {
  const [T, B, G] = gates.shape as [number, number, number];
  if (gates.shape.length !== 3 || G % 4 !== 0) {
    throw new RangeError(`cpu lstm_sequence: expected gates of shape [T, B, 4·H], got [${gates.shape.join(', ')}]`);
  }
  const H = G / 4;
  if (gates.dtype !== 'float32' || wasmKernels() === undefined || B * G * H < WASM_MIN_FLOPS) return undefined;
  return { T, B, H };
}

/** Byte address of row `start` of an operand of `width` float32s per row; 0 (no operand: a gradient that is not there) stays 0. */
function rowAt(base: number, width: number, start: number): number {
  return base === 0 ? 0 : base + 4 * width * start;
}

/**
 * Throws unless `v` is a dense (row-major from its offset) float32 view of
 * `shape` inside its handle: the kernels read raw addresses. Core passes only such
 * views; the check keeps the backend safe on its own.
 */
function checkDense(kernel: string, what: string, v: View<Handle>, shape: readonly number[]): void {
  let stride = 1;
  let dense = v.shape.length === shape.length;
  for (let d = shape.length - 1; d >= 0 && dense; d--) {
    dense = v.shape[d] === shape[d] && (shape[d] === 1 || v.strides[d] === stride);
    stride *= shape[d]!;
  }
  if (v.dtype !== 'float32') {
    throw new TypeError(`cpu ${kernel}: expected ${what} of dtype float32 (as the gates), got ${v.dtype}`);
  }
  if (!dense) {
    throw new RangeError(
      `cpu ${kernel}: expected ${what} dense of shape [${shape.join(', ')}], got shape [${v.shape.join(', ')}] with strides [${v.strides.join(', ')}]`,
    );
  }
  checkView(kernel, v);
}

/** Bytes of W_hh packed (pack_b) as a K x N right operand: N rounded up to whole NR-column panels. */
function packedBytes(K: number, N: number): number {
  return 4 * K * Math.ceil(N / NR) * NR;
}

/**
 * Runs one call per group of rows (on the pool when the sequence is large
 * enough), `call(start, rows, scratch)` giving each its arguments, with
 * `scratchPerRow` float32s of scratch per row.
 */
function runGroups(
  w: WasmOperands,
  B: number,
  work: number,
  scratchPerRow: number,
  call: (start: number, rows: number, scratch: number) => KernelCall,
): boolean {
  const starts = rowGroups(B);
  const buffer = w.take(4 * scratchPerRow * B);
  if (w.failed) return false;
  const calls = starts.map((start, g) => {
    const rows = (starts[g + 1] ?? B) - start;
    return call(start, rows, buffer + 4 * scratchPerRow * start);
  });
  runCalls(calls, work >= POOL_MIN_FLOPS);
  return true;
}

/**
 * Fresh float32 outputs of the given lengths and the call's operands for
 * `body`, which returns whether the kernel ran. Everything is freed (the
 * scratch always, the outputs unless it ran) however `body` ends: declining,
 * or throwing (a worker's failure, an allocation).
 */
function withOutputs(lengths: readonly number[], body: (w: WasmOperands, outputs: Handle[]) => boolean): [Handle, Handle, Handle] | null {
  const outputs: Handle[] = [];
  const w = new WasmOperands();
  let ran = false;
  try {
    for (const n of lengths) outputs.push(alloc('float32', n));
    ran = body(w, outputs);
  } finally {
    w.finish(ran);
    if (!ran) for (const h of outputs) release(h);
  }
  return ran ? (outputs as [Handle, Handle, Handle]) : null;
}

/** `[output, cells, workspaces]` of one direction: see the spec's `lstmSequence`. Null when declined. */
export function lstmSequence(
  inputGates: View<Handle>,
  hx: View<Handle>,
  cx: View<Handle>,
  weightHh: View<Handle>,
  reverse: boolean,
): [Handle, Handle, Handle] | null {
  const sizes = sequenceSizes(inputGates);
  if (sizes === undefined) return null;
  const { T, B, H } = sizes;
  const op = 'lstm_sequence';
  checkDense(op, 'inputGates', inputGates, [T, B, 4 * H]);
  for (const [what, v] of [
    ['hx', hx],
    ['cx', cx],
  ] as const)
    checkDense(op, what, v, [B, H]);
  checkDense(op, 'weightHh', weightHh, [4 * H, H]);
  const n = T * B * H;
  return withOutputs([n, n, 4 * n], (w, [output, cells, workspaces]) => {
    const gates = w.input(inputGates.handle, inputGates.offset, 4 * n);
    const h0 = w.input(hx.handle, hx.offset, B * H);
    const c0 = w.input(cx.handle, cx.offset, B * H);
    const weight = w.input(weightHh.handle, weightHh.offset, 4 * H * H);
    const out = w.output(output!, n);
    const cs = w.output(cells!, n);
    const ws = w.output(workspaces!, 4 * n);
    // W_hh^T [H x 4H] (W_hh read with its rows as columns), packed once for every step and row group.
    const packed = w.take(packedBytes(H, 4 * H));
    if (w.failed) return false;
    wasmKernels()!.pack_b(weight, 1, H, H, 4 * H, packed);
    return runGroups(w, B, n * 4 * H, 4 * H, (start, rows, hidden) => ({
      kernel: 'lstm_sequence_f32',
      args: [
        rowAt(gates, 4 * H, start),
        rowAt(h0, H, start),
        rowAt(c0, H, start),
        packed,
        rowAt(out, H, start),
        rowAt(cs, H, start),
        rowAt(ws, 4 * H, start),
        hidden,
        T,
        B,
        H,
        rows,
        reverse ? 1 : 0,
      ],
    }));
  });
}

/** `[gradInputGates, gradHx, gradCx]` of `lstmSequence`: see the spec's `lstmSequenceBackward`. Null when declined. */
export function lstmSequenceBackward(
  gradOutput: View<Handle> | null,
  gradHn: View<Handle> | null,
  gradCn: View<Handle> | null,
  cx: View<Handle>,
  weightHh: View<Handle>,
  cells: View<Handle>,
  workspaces: View<Handle>,
  reverse: boolean,
): [Handle, Handle, Handle] | null {
  const sizes = sequenceSizes(workspaces);
  if (sizes === undefined) return null;
  const { T, B, H } = sizes;
  const op = 'lstm_sequence_backward';
  checkDense(op, 'workspaces', workspaces, [T, B, 4 * H]);
  checkDense(op, 'cells', cells, [T, B, H]);
  if (gradOutput !== null) checkDense(op, 'gradOutput', gradOutput, [T, B, H]);
  for (const [what, v] of [
    ['gradHn', gradHn],
    ['gradCn', gradCn],
    ['cx', cx],
  ] as const)
    if (v !== null) checkDense(op, what, v, [B, H]);
  checkDense(op, 'weightHh', weightHh, [4 * H, H]);
  const n = T * B * H;
  return withOutputs([4 * n, B * H, B * H], (w, [gradGates, gradHx, gradCx]) => {
    const gOut = gradOutput === null ? 0 : w.input(gradOutput.handle, gradOutput.offset, n);
    const ghN = gradHn === null ? 0 : w.input(gradHn.handle, gradHn.offset, B * H);
    const gcN = gradCn === null ? 0 : w.input(gradCn.handle, gradCn.offset, B * H);
    const c0 = w.input(cx.handle, cx.offset, B * H);
    const weight = w.input(weightHh.handle, weightHh.offset, 4 * H * H);
    const cs = w.input(cells.handle, cells.offset, n);
    const ws = w.input(workspaces.handle, workspaces.offset, 4 * n);
    const gg = w.output(gradGates!, 4 * n);
    const ghx = w.output(gradHx!, B * H);
    const gcx = w.output(gradCx!, B * H);
    // W_hh [4H x H] as it lies, packed once.
    const packed = w.take(packedBytes(4 * H, H));
    if (w.failed) return false;
    wasmKernels()!.pack_b(weight, H, 1, 4 * H, H, packed);
    return runGroups(w, B, n * 4 * H, 4 * H, (start, rows, buffer) => ({
      kernel: 'lstm_sequence_backward_f32',
      args: [
        rowAt(gOut, H, start),
        rowAt(ghN, H, start),
        rowAt(gcN, H, start),
        rowAt(c0, H, start),
        rowAt(cs, H, start),
        rowAt(ws, 4 * H, start),
        packed,
        rowAt(gg, 4 * H, start),
        rowAt(ghx, H, start),
        rowAt(gcx, H, start),
        buffer,
        T,
        B,
        H,
        rows,
        reverse ? 1 : 0,
      ],
    }));
  });
}
