/**
 * Fused recurrent cells: the pointwise part of one LSTM step (PyTorch's
 * `_thnn_fused_lstm_cell` and its backward), what `@graft/nn`'s LSTM and
 * LSTMCell run at every time step. A backend with the optional `lstmCell` /
 * `lstmCellBackward` kernels computes the step's gates, cell and hidden state
 * in one pass, and its gradient in one more; without them (or for views, a
 * forward-mode tangent, mixed dtypes) the same formula runs op by op — the
 * composite that defines the result, which the kernels reproduce (each op
 * rounded to the dtype, as these ops round).
 *
 * A time step of a sequence model is a dozen ops on small tensors; recorded
 * one by one, dispatch and the graph cost more than the arithmetic. Fused, a
 * step records one node.
 */
import { isGraphRecordingEnabled } from '../autograd/grad-mode.js';
import { recordMulti } from '../autograd/record.js';
import { forwardAdActive } from '../autograd/tangents.js';
import { isFloating } from '../dtype.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { composite } from './composite.js';
import { checkTensor, wrap } from './dispatch.js';
import { sub } from './elementwise.js';
import { cat } from './movement.js';
import { zerosLike } from './promotion.js';

/** Checks a cell's operands: [..., G·H] gates twice and a [..., H] state, of one float dtype and device. */
function checkCellOperands(op: string, G: number, inputGates: Tensor, hiddenGates: Tensor, state: Tensor, stateName: string): void {
  checkTensor(op, inputGates, 'inputGates');
  checkTensor(op, hiddenGates, 'hiddenGates');
  checkTensor(op, state, stateName);
  const gates = inputGates.shape;
  const H = state.shape[state.ndim - 1];
  const sameLead =
    state.ndim >= 1 &&
    gates.length === state.ndim &&
    gates.slice(0, -1).every((s, d) => s === state.shape[d]) &&
    gates[gates.length - 1] === G * H!;
  if (!sameLead || formatShape(hiddenGates.shape) !== formatShape(gates)) {
    throw new Error(
      `${op}: expected inputGates and hiddenGates of shape [..., ${G}·H] and ${stateName} of shape [..., H] with the same leading dims, got inputGates ${formatShape(gates)}, hiddenGates ${formatShape(hiddenGates.shape)}, ${stateName} ${formatShape(state.shape)}`,
    );
  }
  for (const [t, what] of [
    [hiddenGates, 'hiddenGates'],
    [state, stateName],
  ] as const) {
    if (t.dtype !== inputGates.dtype || t.device !== inputGates.device) {
      throw new TypeError(
        `${op}: ${what} (${t.dtype} on ${t.device}) does not match inputGates (${inputGates.dtype} on ${inputGates.device})`,
      );
    }
  }
  if (!isFloating(inputGates.dtype)) throw new TypeError(`${op}: expected floating tensors, got ${inputGates.dtype}`);
}

/** Whether a fused kernel may read these: each dense from its offset. */
function dense(tensors: readonly Tensor[]): boolean {
  for (const t of tensors) if (!t.isContiguous()) return false;
  return true;
}

/**
 * One LSTM step's pointwise part, from the two gate projections and the cell
 * state: with `gates = inputGates + hiddenGates` split into the input,
 * forget, cell and output gates (PyTorch's order) along the last dim,
 * `cy = σ(f)·cx + σ(i)·tanh(g)` and `hy = σ(o)·tanh(cy)`. Returns
 * `[hy, cy]`, differentiable in all three inputs (twice, under createGraph).
 * PyTorch's `torch._thnn_fused_lstm_cell` (without its bias arguments: add
 * the biases into either gate tensor). Runs the backend's fused `lstmCell`
 * kernel where it has one, else the same formula op by op.
 *
 * @example
 * const [hy, cy] = g.fused.lstmCell(g.randn(3, 8), g.randn(3, 8), g.zeros(3, 2)); // hy, cy: [3, 2]
 */
export function lstmCell(inputGates: Tensor, hiddenGates: Tensor, cx: Tensor): [Tensor, Tensor] {
  const op = 'fused.lstmCell';
  checkCellOperands(op, 4, inputGates, hiddenGates, cx, 'cx');
  const inputs = [inputGates, hiddenGates, cx];
  if (!hasLstmKernels(inputGates) || forwardAdActive() || !dense(inputs)) {
    return lstmCellComposite(inputGates, hiddenGates, cx);
  }
  const [hy, cy, workspace] = lstmCellKernel(inputGates, hiddenGates, cx);
  recordMulti(
    [hy, cy],
    'ThnnFusedLstmCellBackward0',
    inputs,
    (grads) => {
      const [gates, gcx] = lstmCellBackward(grads[0] ?? null, grads[1] ?? null, inputGates, hiddenGates, cx, cy, workspace);
      return [gates, gates, gcx];
    },
    [inputGates, hiddenGates, cx, cy, workspace],
  );
  // Kept by the node while it needs it (pinned), freed now otherwise.
  workspace.dispose();
  return [hy, cy];
}

/**
 * @internal The backend's `lstmCell` kernel on dense operands (the caller
 * checked): `[hy, cy, workspace]`, nothing recorded.
 */
export function lstmCellKernel(inputGates: Tensor, hiddenGates: Tensor, cx: Tensor): [Tensor, Tensor, Tensor] {
  const backend = inputGates.backend;
  const [hyH, cyH, wsH] = backend.lstmCell!(inputGates, hiddenGates, cx);
  return [wrap(cx, hyH, cx.shape, cx.dtype), wrap(cx, cyH, cx.shape, cx.dtype), wrap(inputGates, wsH, inputGates.shape, inputGates.dtype)];
}

/** @internal Whether the backend has both LSTM-cell kernels (else the cell composes). */
export function hasLstmKernels(t: Tensor): boolean {
  return t.backend.lstmCell !== undefined && t.backend.lstmCellBackward !== undefined;
}

/** The definition of `lstmCell`: its formula op by op (what the kernel must reproduce). */
function lstmCellComposite(inputGates: Tensor, hiddenGates: Tensor, cx: Tensor): [Tensor, Tensor] {
  const parts = (): [Tensor, Tensor] => {
    const [i, f, g, o] = inputGates.add(hiddenGates).chunk(4, -1) as [Tensor, Tensor, Tensor, Tensor];
    const cy = f.sigmoid().mul(cx).add(i.sigmoid().mul(g.tanh()));
    return [o.sigmoid().mul(cy.tanh()), cy];
  };
  return composite(parts);
}

/**
 * @internal The gradient of the gates (one tensor: both gate inputs get it) and of cx.
 * The backend's `lstmCellBackward` kernel from the saved activations; under
 * createGraph (or without a workspace) PyTorch's
 * `_thnn_differentiable_lstm_cell_backward`: the gates recomputed by ops from
 * the inputs, so the gradient is itself differentiable.
 */
export function lstmCellBackward(
  gradHy: Tensor | null,
  gradCy: Tensor | null,
  inputGates: Tensor,
  hiddenGates: Tensor,
  cx: Tensor,
  cy: Tensor,
  workspace: Tensor | null,
): [Tensor, Tensor] {
  const backend = cx.backend;
  const kernel = backend.lstmCellBackward;
  if (kernel !== undefined && workspace !== null && !isGraphRecordingEnabled()) {
    // A gradient that is a view (the last step's slice of the output's gradient) is copied dense first.
    const [gh, gc] = [gradHy, gradCy].map((t) => (t === null || t.isContiguous() ? t : t.contiguous()));
    const [gatesH, cxH] = kernel.call(backend, gh!, gc!, cx, cy, workspace);
    for (const [made, given] of [
      [gh, gradHy],
      [gc, gradCy],
    ] as const) {
      if (made !== given) made!.dispose();
    }
    return [wrap(workspace, gatesH, workspace.shape, workspace.dtype), wrap(cx, cxH, cx.shape, cx.dtype)];
  }
  return composite(() => {
    const [i0, f0, g0, o0] = inputGates.add(hiddenGates).chunk(4, -1) as [Tensor, Tensor, Tensor, Tensor];
    const [i, f, g, o] = [i0.sigmoid(), f0.sigmoid(), g0.tanh(), o0.sigmoid()];
    // cy recomputed (not the saved output), so a second derivative reaches the inputs through it.
    const tc = f.mul(cx).add(i.mul(g)).tanh();
    let gc = gradCy;
    let go: Tensor | null = null;
    if (gradHy !== null) {
      const fromHy = gradHy.mul(o).mul(sub(1, tc.square()));
      gc = gc === null ? fromHy : fromHy.add(gc);
      go = gradHy.mul(tc).mul(o).mul(sub(1, o));
    }
    const gcx = gc ?? zerosLike(cx);
    const gates = cat(
      [gcx.mul(g).mul(i).mul(sub(1, i)), gcx.mul(cx).mul(f).mul(sub(1, f)), gcx.mul(i).mul(sub(1, g.square())), go ?? zerosLike(cx)],
      -1,
    );
    return [gates, gcx.mul(f)] as [Tensor, Tensor];
  });
}

/**
 * One GRU step's pointwise part, from the input and hidden projections
 * ([..., 3·H] each: the reset, update and new gates, PyTorch's order) and
 * the hidden state hx [..., H]: `r = σ(i_r + h_r)`, `z = σ(i_z + h_z)`,
 * `n = tanh(i_n + r·h_n)`, `hy = (1 - z)·n + z·hx`. Differentiable in all
 * three inputs (twice, under createGraph). PyTorch's
 * `torch._thnn_fused_gru_cell` (without its bias arguments: add them into
 * the gate tensors). Runs the backend's fused `gruCell` kernel where it has
 * one, else the same formula op by op.
 *
 * @example
 * const hy = g.fused.gruCell(g.randn(3, 6), g.randn(3, 6), g.zeros(3, 2)); // [3, 2]
 */
export function gruCell(inputGates: Tensor, hiddenGates: Tensor, hx: Tensor): Tensor {
  const op = 'fused.gruCell';
  checkCellOperands(op, 3, inputGates, hiddenGates, hx, 'hx');
  const backend = inputGates.backend;
  const kernel = backend.gruCell;
  const inputs = [inputGates, hiddenGates, hx];
  if (kernel === undefined || backend.gruCellBackward === undefined || forwardAdActive() || !dense(inputs)) {
    return gruCellComposite(inputGates, hiddenGates, hx);
  }
  const [hyH, wsH] = kernel.call(backend, inputGates, hiddenGates, hx);
  const hy = wrap(hx, hyH, hx.shape, hx.dtype);
  const wsShape = [...hx.shape.slice(0, -1), 4 * hx.shape[hx.ndim - 1]!];
  const workspace = wrap(hx, wsH, wsShape, hx.dtype);
  recordMulti([hy], 'ThnnFusedGruCellBackward0', inputs, (grads) => gruCellBackward(grads[0]!, inputGates, hiddenGates, hx, workspace), [
    inputGates,
    hiddenGates,
    hx,
    workspace,
  ]);
  workspace.dispose();
  return hy;
}

/** The definition of `gruCell`: its formula op by op (what the kernel must reproduce). */
function gruCellComposite(inputGates: Tensor, hiddenGates: Tensor, hx: Tensor): Tensor {
  const parts = (): Tensor => {
    const [ir, iz, inn] = inputGates.chunk(3, -1) as [Tensor, Tensor, Tensor];
    const [hr, hz, hn] = hiddenGates.chunk(3, -1) as [Tensor, Tensor, Tensor];
    const r = ir.add(hr).sigmoid();
    const z = iz.add(hz).sigmoid();
    const n = inn.add(r.mul(hn)).tanh();
    return sub(1, z).mul(n).add(z.mul(hx));
  };
  return composite(parts);
}

/**
 * The gradients of the input gates, hidden gates and hx: the backend's
 * `gruCellBackward` from the saved workspace, or under createGraph the
 * composite's gradient by autograd (the gates recomputed by ops, so it is
 * itself differentiable).
 */
function gruCellBackward(gradHy: Tensor, inputGates: Tensor, hiddenGates: Tensor, hx: Tensor, workspace: Tensor): Tensor[] {
  const backend = workspace.backend;
  const kernel = backend.gruCellBackward;
  if (kernel !== undefined && !isGraphRecordingEnabled()) {
    const gh = gradHy.isContiguous() ? gradHy : gradHy.contiguous();
    const [giH, ghH, gxH] = kernel.call(backend, gh, hx, workspace);
    if (gh !== gradHy) gh.dispose();
    return [
      wrap(inputGates, giH, inputGates.shape, inputGates.dtype),
      wrap(inputGates, ghH, inputGates.shape, inputGates.dtype),
      wrap(hx, gxH, hx.shape, hx.dtype),
    ];
  }
  return composite(() => {
    const [ir, iz, inn] = inputGates.chunk(3, -1) as [Tensor, Tensor, Tensor];
    const [hr, hz, hn] = hiddenGates.chunk(3, -1) as [Tensor, Tensor, Tensor];
    const r = ir.add(hr).sigmoid();
    const z = iz.add(hz).sigmoid();
    const n = inn.add(r.mul(hn)).tanh();
    const gPreN = gradHy.mul(sub(1, z)).mul(sub(1, n.square()));
    const gPreR = gPreN.mul(hn).mul(r).mul(sub(1, r));
    const gPreZ = gradHy.mul(hx.sub(n)).mul(z).mul(sub(1, z));
    return [cat([gPreR, gPreZ, gPreN], -1), cat([gPreR, gPreZ, gPreN.mul(r)], -1), gradHy.mul(z)];
  });
}
