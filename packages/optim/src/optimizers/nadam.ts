/** NAdam, as `torch.optim.NAdam`. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { betas, foreachFlag, pytorchRange } from '../checks.js';
import { type ParamGroup, type Params, Optimizer, setState } from '../optimizer.js';
import { StateScalar, py } from '../scalar.js';
import { type OptimizerSpec, resolveOptions } from '../spec.js';

/**
 * Options of NAdam (torch.optim.NAdam's keyword arguments as of torch 1.13,
 * camelCase). 1.13's NAdam has no `maximize`, `differentiable`, `capturable`
 * or `decoupled_weight_decay` (PyTorch 2.x added them): they are unknown options here.
 */
export interface NAdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** The decay of the momentum schedule μ_t = β1 (1 - ½ · 0.96^(t · momentumDecay)) (PyTorch's `momentum_decay`). */
  momentumDecay: number;
  /** PyTorch's implementation choice; accepted, changes nothing in Graft (which computes PyTorch's for-loop form). */
  foreach: boolean | null;
}

const spec: OptimizerSpec<NAdamOptions> = {
  name: 'NAdam',
  // In PyTorch's order (that of state_dict()['param_groups']).
  options: {
    lr: { default: 2e-3, check: pytorchRange('learning rate', 0) },
    betas: { default: [0.9, 0.999], check: betas },
    eps: { default: 1e-8, check: pytorchRange('epsilon value', 0) },
    weightDecay: { default: 0, check: pytorchRange('weight_decay value', 0) },
    momentumDecay: { default: 4e-3, check: pytorchRange('momentum_decay value', 0) },
    foreach: { default: null, check: foreachFlag('foreach'), optionalOnLoad: true },
  },
  state: {
    step: { kind: 'step', savedAs: 'tensor' },
    // PyTorch keeps the product of the μ_t as a 0-d tensor: float32, or the parameters' dtype once loaded.
    muProduct: { kind: 'scalar' },
    expAvg: { kind: 'buffer' },
    expAvgSq: { kind: 'buffer' },
  },
};

/**
 * NAdam, Adam with Nesterov momentum (Dozat), as `torch.optim.NAdam`: the
 * same defaults (lr 2e-3, momentumDecay 4e-3), checks, messages and state
 * (`mu_product` a 0-d float32 tensor, computed in float32 as PyTorch does).
 *
 * @example
 * const opt = new NAdam(model.parameters(), { lr: 2e-3 });
 */
export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: Params<NAdamOptions>, options?: Partial<NAdamOptions>) {
    super(params, resolveOptions(spec, options), spec);
  }
  protected update(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: ParamGroup<NAdamOptions>): void {
    const [beta1, beta2] = o.betas;
    if (Object.keys(state).length === 0) {
      state['step'] = 0;
      state['muProduct'] = new StateScalar(1, 'float32');
      setState(state, 'expAvg', g.zerosLike(p));
      setState(state, 'expAvgSq', g.zerosLike(p));
    }
    const step = (state['step'] as number) + 1;
    state['step'] = step;
    const biasCorrection2 = 1 - beta2 ** step;
    const gr = o.weightDecay !== 0 ? grad.add(p, { alpha: o.weightDecay }) : grad;
    // The momentum cache μ_t and μ_{t+1}, Python floats; their product is a 0-d tensor.
    const mu = beta1 * (1 - 0.5 * 0.96 ** (step * o.momentumDecay));
    const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * o.momentumDecay));
    const muProduct = py.mul(state['muProduct'] as StateScalar, mu) as StateScalar;
    state['muProduct'] = muProduct;
    const muProductNext = py.mul(py.mul(muProduct, mu), muNext);
    const m = setState(state, 'expAvg', (state['expAvg'] as Tensor).mul(beta1).add(gr, { alpha: 1 - beta1 }));
    const v = setState(state, 'expAvgSq', (state['expAvgSq'] as Tensor).mul(beta2).add(gr.mul(1 - beta2).mul(gr)));
    const denom = v.div(biasCorrection2).sqrt().add(o.eps);
    p.add_(gr.mul((-o.lr * (1 - mu)) / (1 - muProduct.value)).div(denom));
    p.add_(m.mul((-o.lr * muNext) / (1 - py.value(muProductNext))).div(denom));
  }
}
