/** Adadelta, as `torch.optim.Adadelta`. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { flag, foreachFlag, pytorchInterval, pytorchRange } from '../checks.js';
import { type ParamGroup, type Params, Optimizer, setState } from '../optimizer.js';
import { type OptimizerSpec, resolveOptions } from '../spec.js';

/** Options of Adadelta (torch.optim.Adadelta's keyword arguments as of torch 1.13, camelCase). */
export interface AdadeltaOptions {
  /** The factor of each delta (default 1). */
  lr: number;
  /** The decay of the running averages (default 0.9, in [0, 1]). */
  rho: number;
  eps: number;
  weightDecay: number;
  /** Maximize the objective (ascend the gradient). */
  maximize: boolean;
  /** PyTorch's implementation choice; accepted, changes nothing in Graft (which computes PyTorch's for-loop form). */
  foreach: boolean | null;
}

const spec: OptimizerSpec<AdadeltaOptions> = {
  name: 'Adadelta',
  // In PyTorch's order (that of state_dict()['param_groups']).
  options: {
    lr: { default: 1, check: pytorchRange('learning rate', 0) },
    rho: { default: 0.9, check: pytorchInterval('rho value', 0, 1) },
    eps: { default: 1e-6, check: pytorchRange('epsilon value', 0) },
    weightDecay: { default: 0, check: pytorchRange('weight_decay value', 0) },
    maximize: { default: false, check: flag('maximize'), optionalOnLoad: true },
    foreach: { default: null, check: foreachFlag('foreach'), optionalOnLoad: true },
  },
  // PyTorch 1.13 keeps Adadelta's step as a plain number.
  state: { step: { kind: 'step', savedAs: 'number' }, squareAvg: { kind: 'buffer' }, accDelta: { kind: 'buffer' } },
};

/**
 * Adadelta (Zeiler), as `torch.optim.Adadelta`: the same defaults (lr 1,
 * rho 0.9, eps 1e-6), checks, messages and state (`square_avg`, `acc_delta`).
 *
 * @example
 * const opt = new Adadelta(model.parameters(), { rho: 0.95 });
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: Params<AdadeltaOptions>, options?: Partial<AdadeltaOptions>) {
    super(params, resolveOptions(spec, options), spec);
  }
  protected update(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: ParamGroup<AdadeltaOptions>): void {
    if (Object.keys(state).length === 0) {
      state['step'] = 0;
      setState(state, 'squareAvg', g.zerosLike(p));
      setState(state, 'accDelta', g.zerosLike(p));
    }
    state['step'] = (state['step'] as number) + 1;
    let gr = o.maximize ? grad.neg() : grad;
    if (o.weightDecay !== 0) gr = gr.add(p, { alpha: o.weightDecay });
    const sq = setState(state, 'squareAvg', (state['squareAvg'] as Tensor).mul(o.rho).add(gr.mul(1 - o.rho).mul(gr)));
    const std = sq.add(o.eps).sqrt();
    const delta = (state['accDelta'] as Tensor).add(o.eps).sqrt().div(std).mul(gr);
    setState(state, 'accDelta', (state['accDelta'] as Tensor).mul(o.rho).add(delta.mul(1 - o.rho).mul(delta)));
    p.add_(delta, { alpha: -o.lr });
  }
}
