/** Adamax, as `torch.optim.Adamax`. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { betas, flag, foreachFlag, pytorchRange } from '../checks.js';
import { type ParamGroup, type Params, Optimizer, setState } from '../optimizer.js';
import { type OptimizerSpec, resolveOptions } from '../spec.js';

/** Options of Adamax (torch.optim.Adamax's keyword arguments as of torch 1.13, camelCase). */
export interface AdamaxOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** PyTorch's implementation choice; accepted, changes nothing in Graft (which computes PyTorch's for-loop form). */
  foreach: boolean | null;
  /** Maximize the objective (ascend the gradient). */
  maximize: boolean;
}

const spec: OptimizerSpec<AdamaxOptions> = {
  name: 'Adamax',
  // In PyTorch's order (that of state_dict()['param_groups']).
  options: {
    lr: { default: 2e-3, check: pytorchRange('learning rate', 0) },
    betas: { default: [0.9, 0.999], check: betas },
    eps: { default: 1e-8, check: pytorchRange('epsilon value', 0) },
    weightDecay: { default: 0, check: pytorchRange('weight_decay value', 0) },
    foreach: { default: null, check: foreachFlag('foreach'), optionalOnLoad: true },
    maximize: { default: false, check: flag('maximize'), optionalOnLoad: true },
  },
  state: { step: { kind: 'step', savedAs: 'tensor' }, expAvg: { kind: 'buffer' }, expInf: { kind: 'buffer' } },
};

/**
 * Adamax, Adam with the infinity norm (Kingma & Ba), as `torch.optim.Adamax`:
 * the same defaults (lr 2e-3), checks, messages and state (`exp_avg`, `exp_inf`).
 *
 * @example
 * const opt = new Adamax(model.parameters(), { lr: 2e-3 });
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: Params<AdamaxOptions>, options?: Partial<AdamaxOptions>) {
    super(params, resolveOptions(spec, options), spec);
  }
  protected update(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: ParamGroup<AdamaxOptions>): void {
    const [beta1, beta2] = o.betas;
    if (Object.keys(state).length === 0) {
      state['step'] = 0;
      setState(state, 'expAvg', g.zerosLike(p));
      setState(state, 'expInf', g.zerosLike(p));
    }
    let gr = o.maximize ? grad.neg() : grad;
    const step = (state['step'] as number) + 1;
    state['step'] = step;
    if (o.weightDecay !== 0) gr = gr.add(p, { alpha: o.weightDecay });
    const m = setState(state, 'expAvg', (state['expAvg'] as Tensor).mul(beta1).add(gr, { alpha: 1 - beta1 }));
    // The exponentially weighted infinity norm: max(beta2 · u, |g| + eps), NaN-propagating as PyTorch's amax.
    const u = setState(state, 'expInf', (state['expInf'] as Tensor).mul(beta2).maximum(gr.abs().add(o.eps)));
    const clr = o.lr / (1 - beta1 ** step);
    p.add_(m.mul(-clr).div(u));
  }
}
