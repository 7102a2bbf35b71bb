/**
 * A whole LSTM layer over a sequence — every time step of one direction — as
 * one op and one graph node: what `@graft/nn`'s LSTM runs on a padded batch.
 * cuDNN and PyTorch's `_cudnn_rnn` work this way on the GPU; at the batch
 * sizes people train on a CPU, a step is two kernels on small tensors, and
 * recorded step by step its graph costs as much as its arithmetic.
 *
 * Forward: the backend's optional `lstmSequence` kernel over the whole
 * direction where it has one (the CPU: one WebAssembly call per group of
 * batch rows, on the worker pool), else per step the hidden projection (one
 * product) and the backend's fused `lstmCell` kernel; nothing recorded, the
 * cell states and the cells' workspaces kept for backward. Backward (BPTT):
 * `lstmSequenceBackward`, or per step the fused `lstmCellBackward` kernel and
 * one product for the previous hidden state's gradient; W_hh's gradient is
 * one product over all steps, the input gates' one tensor. The two paths
 * give the same bits (the spec requires it), so they may mix. Under
 * `createGraph` the backward recomputes the states by ops and runs the same
 * recurrence by ops, so it is itself differentiable
 * (PyTorch's `_thnn_differentiable_lstm_cell_backward`, step by step); without
 * the cell kernels, or under forward-mode AD, the op is the per-step
 * composite (`fused.lstmCell` and a product per step), which defines it.
 */
import { isGraphRecordingEnabled, noGrad } from '../autograd/grad-mode.js';
import { recordMulti, wantsGrad } from '../autograd/record.js';
import { forwardAdActive } from '../autograd/tangents.js';
import { isFloating } from '../dtype.js';
import { tidy } from '../memory.js';
import { checkOptions } from '../options.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { composite } from './composite.js';
import { checkTensor, wrap } from './dispatch.js';
import { hasLstmKernels, lstmCell, lstmCellBackward, lstmCellKernel } from './fused-rnn.js';
import { cat, stack } from './movement.js';
import { zeros } from './creation.js';

/** Options of `fused.lstmSequence`. */
export interface LstmSequenceOptions {
  /** Run from the last time step to the first (a bidirectional layer's second direction); outputs stay in time order. */
  reverse?: boolean;
}

/**
 * One LSTM layer's direction over a whole sequence: `inputGates` [T, B, 4·H]
 * are every step's input projection (x·W_ihᵀ with both biases added), `hx`
 * and `cx` [B, H] the initial states, `weightHh` [4·H, H] the hidden weight.
 * Each step is `fused.lstmCell(inputGates[t], h·W_hhᵀ, c)`. Returns
 * `[output, hN, cN]`: the hidden state of every step, [T, B, H] in time order,
 * and the final states [B, H]. Differentiable in all four inputs (twice,
 * under createGraph). One graph node (`LstmSequenceBackward0`) where the
 * backend has the fused cell kernels.
 *
 * @example
 * const [out, hN, cN] = g.fused.lstmSequence(g.randn(5, 3, 8), g.zeros(3, 2), g.zeros(3, 2), g.randn(8, 2)); // out [5, 3, 2]
 */
export function lstmSequence(
  inputGates: Tensor,
  hx: Tensor,
  cx: Tensor,
  weightHh: Tensor,
  options?: LstmSequenceOptions,
): [Tensor, Tensor, Tensor] {
  const { reverse = false } = checkOptions('fused.lstmSequence', options, ['reverse']);
  checkOperands(inputGates, hx, cx, weightHh);
  if (!hasLstmKernels(inputGates) || forwardAdActive()) return composite(() => lstmSteps(inputGates, hx, cx, weightHh, reverse));
  const { output, hN, cN, cells, workspaces } = noGrad(() => forwardByKernels(inputGates, hx, cx, weightHh, reverse));
  const inputs = [inputGates, hx, cx, weightHh];
  recordMulti(
    [output, hN, cN],
    'LstmSequenceBackward0',
    inputs,
    (grads) => {
      const [gOut, ghN, gcN] = [grads[0] ?? null, grads[1] ?? null, grads[2] ?? null];
      return isGraphRecordingEnabled()
        ? backwardByOps(gOut, ghN, gcN, inputGates, hx, cx, weightHh, reverse)
        : backwardByKernels(gOut, ghN, gcN, { inputGates, hx, cx, weightHh, output, cells, workspaces, reverse });
    },
    [...inputs, output, cells, workspaces],
  );
  // Kept by the node while it needs them (pinned), freed now otherwise.
  workspaces.dispose();
  cells.dispose();
  return [output, hN, cN];
}

function checkOperands(inputGates: Tensor, hx: Tensor, cx: Tensor, weightHh: Tensor): void {
  const op = 'fused.lstmSequence';
  for (const [t, name] of [
    [inputGates, 'inputGates'],
    [hx, 'hx'],
    [cx, 'cx'],
    [weightHh, 'weightHh'],
  ] as const) {
    checkTensor(op, t, name);
  }
  const H = hx.shape[1]!;
  const [T, B, G] = inputGates.shape;
  const fits =
    inputGates.ndim === 3 &&
    hx.ndim === 2 &&
    formatShape(cx.shape) === formatShape(hx.shape) &&
    B === hx.shape[0] &&
    G === 4 * H &&
    formatShape(weightHh.shape) === formatShape([4 * H, H]);
  if (!fits) {
    throw new Error(
      `${op}: expected inputGates [T, B, 4·H], hx and cx [B, H] and weightHh [4·H, H], got inputGates ${formatShape(inputGates.shape)}, hx ${formatShape(hx.shape)}, cx ${formatShape(cx.shape)}, weightHh ${formatShape(weightHh.shape)}`,
    );
  }
  if (T === 0) throw new Error(`${op}: expected a sequence of at least one time step, got inputGates ${formatShape(inputGates.shape)}`);
  for (const [t, what] of [
    [hx, 'hx'],
    [cx, 'cx'],
    [weightHh, 'weightHh'],
  ] as const) {
    if (t.dtype !== inputGates.dtype || t.device !== inputGates.device) {
      throw new TypeError(
        `${op}: ${what} (${t.dtype} on ${t.device}) does not match inputGates (${inputGates.dtype} on ${inputGates.device})`,
      );
    }
  }
  if (!isFloating(inputGates.dtype)) throw new TypeError(`${op}: expected floating tensors, got ${inputGates.dtype}`);
}

/** The time step the i-th iteration of a direction visits. */
const stepAt = (i: number, T: number, reverse: boolean) => (reverse ? T - 1 - i : i);

/** The definition: a fused cell and a product per step, recorded step by step. */
function lstmSteps(inputGates: Tensor, hx: Tensor, cx: Tensor, weightHh: Tensor, reverse: boolean): [Tensor, Tensor, Tensor] {
  const T = inputGates.shape[0]!;
  // Made contiguous once: each step's product then reads it as it is.
  const whhT = weightHh.t().contiguous();
  // split (not select): its backward is one concatenation, not T paddings.
  const steps = inputGates.split(1, 0);
  const outs = new Array<Tensor>(T);
  let [h, c] = [hx, cx];
  for (let i = 0; i < T; i++) {
    const t = stepAt(i, T, reverse);
    [h, c] = lstmCell(steps[t]!.squeeze(0), h.matmul(whhT), c);
    outs[t] = h;
  }
  return [stack(outs, 0), h, c];
}

/** What the kernels' forward keeps for backward. */
interface Saved {
  inputGates: Tensor;
  hx: Tensor;
  cx: Tensor;
  weightHh: Tensor;
  /** Every step's hidden state, [T, B, H] (the op's output). */
  output: Tensor;
  /** Every step's cell state, [T, B, H] (row t: after step t), and the cells' workspaces (σ(i), σ(f), tanh(g), σ(o)), [T, B, 4·H]. */
  cells: Tensor;
  workspaces: Tensor;
  reverse: boolean;
}

/**
 * The forward by kernels, recording nothing: the output, the final states and
 * every step's cell state and workspace. The backend's `lstmSequence` kernel
 * runs the whole direction where it has one and takes these operands;
 * otherwise a product and the cell kernel per step.
 */
function forwardByKernels(inputGates: Tensor, hx: Tensor, cx: Tensor, weightHh: Tensor, reverse: boolean) {
  const T = inputGates.shape[0]!;
  const last = stepAt(T - 1, T, reverse);
  // Everything else made here (the dense copies, the products, the steps' views) is freed on the way out.
  const [output, hN, cN, cells, workspaces] = tidy(() => {
    // The kernels read dense operands: each step's slice of a contiguous [T, B, 4H] is.
    const [gates, h0, c0] = [inputGates.contiguous(), hx.contiguous(), cx.contiguous()];
    const whole = inputGates.backend.lstmSequence?.(gates, h0, c0, weightHh.contiguous(), reverse);
    if (whole != null) {
      const [out, cs, ws] = whole.map((h, k) => wrap(inputGates, h, k === 2 ? inputGates.shape : [T, ...hx.shape], inputGates.dtype));
      // The final states are tensors of their own, as PyTorch's are (not views into the stacked states).
      return [out!, out!.select(0, last).clone(), cs!.select(0, last).clone(), cs!, ws!];
    }
    const whhT = weightHh.t().contiguous();
    const hs = new Array<Tensor>(T);
    const cs = new Array<Tensor>(T);
    const ws = new Array<Tensor>(T);
    let [h, c] = [h0, c0];
    for (let i = 0; i < T; i++) {
      const t = stepAt(i, T, reverse);
      const [hy, cy, w] = lstmCellKernel(gates.select(0, t), h.matmul(whhT), c);
      hs[t] = h = hy;
      cs[t] = c = cy;
      ws[t] = w;
    }
    return [stack(hs, 0), h, c, stack(cs, 0), stack(ws, 0)];
  });
  return { output: output!, hN: hN!, cN: cN!, cells: cells!, workspaces: workspaces! };
}

/**
 * BPTT by kernels: the backend's `lstmSequenceBackward` over the whole
 * direction where it has one and takes these operands, else per step (last
 * to first) the cell's gradient from its workspace and the previous hidden
 * state's through W_hh; then W_hh's gradient as one product of every step's
 * gate gradients with the hidden states they read.
 */
function backwardByKernels(gOut: Tensor | null, ghN: Tensor | null, gcN: Tensor | null, s: Saved): (Tensor | null)[] {
  const { inputGates, hx, cx, weightHh, output, reverse } = s;
  return tidy(() => {
    const dense = (t: Tensor | null) => (t === null || t.isContiguous() ? t : t.contiguous());
    const c0 = dense(cx)!;
    const whole = hx.backend.lstmSequenceBackward?.(
      dense(gOut),
      dense(ghN),
      dense(gcN),
      c0,
      dense(weightHh)!,
      s.cells,
      s.workspaces,
      reverse,
    );
    const [gInput, gh, gc] =
      whole != null
        ? whole.map((h, k) => wrap(hx, h, k === 0 ? inputGates.shape : hx.shape, hx.dtype))
        : backwardBySteps(gOut, ghN, gcN, c0, s);
    return [
      wantsGrad(inputGates) ? gInput! : null,
      wantsGrad(hx) ? gh! : null,
      wantsGrad(cx) ? gc! : null,
      wantsGrad(weightHh) ? weightGrad(gInput!, previousStates(hx, output, reverse), hx.shape[1]!) : null,
    ];
  });
}

/** BPTT step by step with the cell-backward kernel: `[gradInputGates, gradHx, gradCx]` (the last two null when no gradient reached them). */
function backwardBySteps(gOut: Tensor | null, ghN: Tensor | null, gcN: Tensor | null, c0: Tensor, s: Saved): (Tensor | null)[] {
  const { inputGates, hx, weightHh, cells, workspaces, reverse } = s;
  const T = inputGates.shape[0]!;
  const [B, H] = hx.shape as [number, number];
  const gates = new Array<Tensor>(T);
  let gh = ghN;
  let gc = gcN;
  for (let i = T - 1; i >= 0; i--) {
    const t = stepAt(i, T, reverse);
    const ght = hiddenGradient(gOut, gh, t);
    if (ght === null && gc === null) {
      gates[t] = zeros([B, 4 * H], { dtype: hx.dtype, device: hx.device });
      continue;
    }
    const cPrev = i > 0 ? cells.select(0, stepAt(i - 1, T, reverse)) : c0;
    const [gGates, gcPrev] = lstmCellBackward(ght, gc, inputGates, inputGates, cPrev, cells.select(0, t), workspaces.select(0, t));
    gates[t] = gGates;
    gc = gcPrev;
    gh = i > 0 || wantsGrad(hx) ? gGates.matmul(weightHh) : null;
  }
  return [stack(gates, 0), gh, gc];
}

/**
 * The gradient reaching step t's hidden state: from the output at t and from
 * step t + 1 (`gh`), null when neither. A strided output gradient (the output
 * was transposed for batchFirst) is made dense by the add, or by the cell's
 * backward.
 */
function hiddenGradient(gOut: Tensor | null, gh: Tensor | null, t: number): Tensor | null {
  const fromOut = gOut === null ? null : gOut.select(0, t);
  return fromOut === null ? gh : gh === null ? fromOut : fromOut.add(gh);
}

/** Every step's incoming hidden state, [T, B, H] in time order: hx, then the outputs but the last (reversed: from the end). */
function previousStates(hx: Tensor, output: Tensor, reverse: boolean): Tensor {
  const T = output.shape[0]!;
  if (T === 1) return hx.unsqueeze(0);
  const rest = output.narrow(0, reverse ? 1 : 0, T - 1);
  return reverse ? cat([rest, hx.unsqueeze(0)], 0) : cat([hx.unsqueeze(0), rest], 0);
}

/** W_hh's gradient Σ_t gGates_tᵀ·h_prev_t, as one product over all steps' rows. */
function weightGrad(gInput: Tensor, hPrev: Tensor, H: number): Tensor {
  return gInput
    .reshape(-1, 4 * H)
    .t()
    .matmul(hPrev.reshape(-1, H));
}

/**
 * BPTT by ops, under createGraph: the states recomputed step by step from the
 * inputs (recorded), and every step's gradient by the cell's differentiable
 * formula, so the gradient is itself differentiable in the inputs.
 */
function backwardByOps(
  gOut: Tensor | null,
  ghN: Tensor | null,
  gcN: Tensor | null,
  inputGates: Tensor,
  hx: Tensor,
  cx: Tensor,
  weightHh: Tensor,
  reverse: boolean,
): (Tensor | null)[] {
  const T = inputGates.shape[0]!;
  const H = hx.shape[1]!;
  return composite(() => {
    const whhT = weightHh.t();
    const x = inputGates.unbind(0);
    const hPrev = new Array<Tensor>(T);
    const cPrev = new Array<Tensor>(T);
    const hidden = new Array<Tensor>(T);
    const cells = new Array<Tensor>(T);
    let [h, c] = [hx, cx];
    for (let i = 0; i < T; i++) {
      const t = stepAt(i, T, reverse);
      [hPrev[t], cPrev[t], hidden[t]] = [h, c, h.matmul(whhT)];
      [h, c] = lstmCell(x[t]!, hidden[t]!, c);
      cells[t] = c;
    }
    const gates = new Array<Tensor>(T);
    let gh = ghN;
    let gc = gcN;
    for (let i = T - 1; i >= 0; i--) {
      const t = stepAt(i, T, reverse);
      const ght = hiddenGradient(gOut, gh, t);
      [gates[t], gc] = lstmCellBackward(ght, gc, x[t]!, hidden[t]!, cPrev[t]!, cells[t]!, null);
      gh = gates[t]!.matmul(weightHh);
    }
    const gInput = stack(gates, 0);
    return [gInput, gh!, gc!, weightGrad(gInput, stack(hPrev, 0), H)];
  });
}
