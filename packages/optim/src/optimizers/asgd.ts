/** ASGD, as `torch.optim.ASGD`. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { finiteNumber, flag, foreachFlag, pytorchRange } from '../checks.js';
import { type ParamGroup, type Params, Optimizer, setState } from '../optimizer.js';
import { StateScalar } from '../scalar.js';
import { type OptimizerSpec, resolveOptions } from '../spec.js';

/** Options of ASGD (torch.optim.ASGD's keyword arguments as of torch 1.13, camelCase). */
export interface ASGDOptions {
  lr: number;
  /** The decay term (PyTorch's `lambd`, default 1e-4). */
  lambd: number;
  /** The power of the step-size decay (default 0.75). */
  alpha: number;
  /** The step at which averaging starts (default 1e6). */
  t0: number;
  weightDecay: number;
  /** PyTorch's implementation choice; accepted, changes nothing in Graft (which computes PyTorch's for-loop form). */
  foreach: boolean | null;
  /** Maximize the objective (ascend the gradient). */
  maximize: boolean;
}

const spec: OptimizerSpec<ASGDOptions> = {
  name: 'ASGD',
  // In PyTorch's order (that of state_dict()['param_groups']).
  options: {
    lr: { default: 1e-2, check: pytorchRange('learning rate', 0) },
    lambd: { default: 1e-4, check: finiteNumber('lambd') },
    alpha: { default: 0.75, check: finiteNumber('alpha') },
    t0: { default: 1e6, check: finiteNumber('t0') },
    weightDecay: { default: 0, check: pytorchRange('weight_decay value', 0) },
    foreach: { default: null, check: foreachFlag('foreach'), optionalOnLoad: true },
    maximize: { default: false, check: flag('maximize'), optionalOnLoad: true },
  },
  state: {
    step: { kind: 'step', savedAs: 'tensor' },
    // The step size and the averaging factor, 0-d tensors in PyTorch (float32 values, whatever the parameters' dtype).
    eta: { kind: 'scalar' },
    mu: { kind: 'scalar' },
    ax: { kind: 'buffer' },
  },
};

/**
 * Averaged SGD (Polyak & Juditsky), as `torch.optim.ASGD`: the parameters
 * follow SGD with a decaying step size η_t = lr / (1 + λ·lr·t)^α, and `ax`
 * (in the state) averages them from step `t0` on. As PyTorch, η and μ are
 * float32 0-d tensors, so their values are rounded to float32.
 *
 * @example
 * const opt = new ASGD(model.parameters(), { lr: 0.01, t0: 100 });
 * // … train; the averaged parameters are opt.state.get(p).ax
 */
export class ASGD extends Optimizer<ASGDOptions> {
  constructor(params: Params<ASGDOptions>, options?: Partial<ASGDOptions>) {
    super(params, resolveOptions(spec, options), spec);
  }
  protected update(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: ParamGroup<ASGDOptions>): void {
    if (Object.keys(state).length === 0) {
      state['step'] = 0;
      state['eta'] = new StateScalar(o.lr, 'float32');
      state['mu'] = new StateScalar(1, 'float32');
      setState(state, 'ax', g.zerosLike(p));
    }
    let gr = o.maximize ? grad.neg() : grad;
    const step = (state['step'] as number) + 1;
    state['step'] = step;
    if (o.weightDecay !== 0) gr = gr.add(p, { alpha: o.weightDecay });
    const eta = state['eta'] as StateScalar;
    const mu = state['mu'] as StateScalar;
    p.mul_(1 - o.lambd * eta.value);
    p.add_(gr, { alpha: -eta.value });
    const ax = state['ax'] as Tensor;
    if (mu.value !== 1) ax.add_(p.sub(ax).mul(mu.value));
    else ax.copy_(p);
    // PyTorch copies a new float32 tensor into each: the values are float32, the dtype stays.
    state['eta'] = new StateScalar(Math.fround(o.lr / (1 + o.lambd * o.lr * step) ** o.alpha), eta.dtype);
    state['mu'] = new StateScalar(Math.fround(1 / Math.max(1, step - o.t0)), mu.dtype);
  }
}
