/**
 * A whole LSTM layer over a sequence — every time step of one direction — as
 * one op and one graph node: what `@graft/nn`'s LSTM runs on a padded batch.
 * cuDNN and PyTorch's `_cudnn_rnn` work this way on the GPU; at the batch
 * sizes people train on a CPU, a step is two kernels on small tensors, and
 * recorded step by step its graph costs as much as its arithmetic.
 *
 * Forward: per step, the hidden projection (one product) and the backend's
 * fused `lstmCell` kernel, nothing recorded; the cell states and the cells'
 * workspaces are kept for backward. Backward (BPTT): per step, the fused
 * `lstmCellBackward` kernel and one product for the previous hidden state's
 * gradient; W_hh's gradient is one product over all steps, the input gates'
 * one tensor. Under `createGraph` the backward recomputes the states by ops
 * and runs the same recurrence by ops, so it is itself differentiable
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
    [...inputs, output, ...cells, ...workspaces],
  );
  // Kept by the node while it needs them (pinned), freed now otherwise.
  for (const w of workspaces) w.dispose();
  for (const c of cells) if (c !== cN) c.dispose();
  return [output, hN, cN];
}

function checkOperands(inputGates: Tensor, hx: Tensor, cx: Tensor, weightHh: Tensor): void {
  const op = 'fused.lstmSequence';
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
  /** Every step's cell state (index t: after step t), and the cells' workspaces (σ(i), σ(f), tanh(g), σ(o)). */
  cells: Tensor[];
  workspaces: Tensor[];
  reverse: boolean;
}

/** The forward by kernels, recording nothing: the output, the final states and every step's cell state and workspace. */
function forwardByKernels(inputGates: Tensor, hx: Tensor, cx: Tensor, weightHh: Tensor, reverse: boolean) {
  const T = inputGates.shape[0]!;
  // Everything else made here (the products, the steps' views, the stacked states) is freed on the way out.
  const [output, hN, ...kept] = tidy(() => {
    const whhT = weightHh.t().contiguous();
    // The kernels read dense operands: each step's slice of a contiguous [T, B, 4H] is.
    const gates = inputGates.contiguous();
    const hs = new Array<Tensor>(T);
    const cells = new Array<Tensor>(T);
    const workspaces = new Array<Tensor>(T);
    let [h, c] = [hx.contiguous(), cx.contiguous()];
    for (let i = 0; i < T; i++) {
      const t = stepAt(i, T, reverse);
      const [hy, cy, ws] = lstmCellKernel(gates.select(0, t), h.matmul(whhT), c);
      hs[t] = h = hy;
      cells[t] = c = cy;
      workspaces[t] = ws;
    }
    return [stack(hs, 0), h, ...cells, ...workspaces];
  });
  const cells = kept.slice(0, T);
  return { output: output!, hN: hN!, cN: cells[stepAt(T - 1, T, reverse)]!, cells, workspaces: kept.slice(T) };
}

/**
 * BPTT by kernels: per step (last to first), the cell's gradient from its
 * workspace and the previous hidden state's through W_hh; then W_hh's
 * gradient as one product of every step's gate gradients with the hidden
 * states they read.
 */
function backwardByKernels(gOut: Tensor | null, ghN: Tensor | null, gcN: Tensor | null, s: Saved): (Tensor | null)[] {
  const { inputGates, hx, cx, weightHh, output, cells, workspaces, reverse } = s;
  const T = inputGates.shape[0]!;
  const [B, H] = hx.shape as [number, number];
  return tidy(() => {
    const gates = new Array<Tensor>(T);
    let gh = ghN;
    let gc = gcN;
    for (let i = T - 1; i >= 0; i--) {
      const t = stepAt(i, T, reverse);
      const ght = hiddenGradient(gOut, gh, t);
      // The kernel reads cx dense (the forward read a dense copy of a strided one).
      const cPrev = i > 0 ? cells[stepAt(i - 1, T, reverse)]! : cx.isContiguous() ? cx : cx.contiguous();
      if (ght === null && gc === null) {
        gates[t] = zeros([B, 4 * H], { dtype: hx.dtype, device: hx.device });
        continue;
      }
      const [gGates, gcPrev] = lstmCellBackward(ght, gc, inputGates, inputGates, cPrev, cells[t]!, workspaces[t]!);
      gates[t] = gGates;
      gc = gcPrev;
      gh = i > 0 || wantsGrad(hx) ? gGates.matmul(weightHh) : null;
    }
    const gInput = stack(gates, 0);
    return [
      wantsGrad(inputGates) ? gInput : null,
      wantsGrad(hx) ? gh : null,
      wantsGrad(cx) ? gc : null,
      wantsGrad(weightHh) ? weightGrad(gInput, previousStates(hx, output, reverse), H) : null,
    ];
  });
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
