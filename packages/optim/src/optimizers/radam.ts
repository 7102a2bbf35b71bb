/** RAdam, as `torch.optim.RAdam`. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { betas, foreachFlag, pytorchRange } from '../checks.js';
import { type ParamGroup, type Params, Optimizer, setState } from '../optimizer.js';
import { type OptimizerSpec, resolveOptions } from '../spec.js';

/**
 * Options of RAdam (torch.optim.RAdam's keyword arguments as of torch 1.13,
 * camelCase). 1.13's RAdam has no `maximize`, `differentiable`, `capturable`
 * or `decoupled_weight_decay` (PyTorch 2.x added them): they are unknown options here.
 */
export interface RAdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /**
   * PyTorch's implementation choice; accepted, changes nothing in Graft, which
   * computes PyTorch's for-loop form (the default). PyTorch 1.13's `foreach=true`
   * form leaves `eps` out of the denominator, so it differs slightly from both.
   */
  foreach: boolean | null;
}

const spec: OptimizerSpec<RAdamOptions> = {
  name: 'RAdam',
  // In PyTorch's order (that of state_dict()['param_groups']).
  options: {
    lr: { default: 1e-3, check: pytorchRange('learning rate', 0) },
    betas: { default: [0.9, 0.999], check: betas },
    eps: { default: 1e-8, check: pytorchRange('epsilon value', 0) },
    weightDecay: { default: 0, check: pytorchRange('weight_decay value', 0) },
    foreach: { default: null, check: foreachFlag('foreach'), optionalOnLoad: true },
  },
  state: { step: { kind: 'step', savedAs: 'tensor' }, expAvg: { kind: 'buffer' }, expAvgSq: { kind: 'buffer' } },
};

/**
 * RAdam, Adam with a rectified adaptive learning rate (Liu et al.), as
 * `torch.optim.RAdam`: while the variance estimate is unreliable (ρ_t ≤ 5, the
 * first steps) it takes plain bias-corrected momentum steps.
 *
 * @example
 * const opt = new RAdam(model.parameters(), { lr: 1e-3 });
 */
export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: Params<RAdamOptions>, options?: Partial<RAdamOptions>) {
    super(params, resolveOptions(spec, options), spec);
  }
  protected update(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: ParamGroup<RAdamOptions>): void {
    const [beta1, beta2] = o.betas;
    if (Object.keys(state).length === 0) {
      state['step'] = 0;
      setState(state, 'expAvg', g.zerosLike(p));
      setState(state, 'expAvgSq', g.zerosLike(p));
    }
    const step = (state['step'] as number) + 1;
    state['step'] = step;
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2 = 1 - beta2 ** step;
    const gr = o.weightDecay !== 0 ? grad.add(p, { alpha: o.weightDecay }) : grad;
    const m = setState(state, 'expAvg', (state['expAvg'] as Tensor).mul(beta1).add(gr, { alpha: 1 - beta1 }));
    const v = setState(state, 'expAvgSq', (state['expAvgSq'] as Tensor).mul(beta2).add(gr.mul(1 - beta2).mul(gr)));
    const corrected = m.div(biasCorrection1);
    // The maximum length of the approximated SMA, and its length at this step.
    const rhoInf = 2 / (1 - beta2) - 1;
    const rhoT = rhoInf - (2 * step * beta2 ** step) / biasCorrection2;
    if (rhoT > 5) {
      const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
      // PyTorch's `sqrt(bc2) / tensor` is `tensor.reciprocal() * sqrt(bc2)`.
      const adaptiveLr = v.sqrt().add(o.eps).reciprocal().mul(Math.sqrt(biasCorrection2));
      p.sub_(corrected.mul(o.lr).mul(adaptiveLr).mul(rect));
    } else p.sub_(corrected.mul(o.lr));
  }
}
