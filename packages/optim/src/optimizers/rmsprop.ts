/** RMSprop, as `torch.optim.RMSprop`. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { flag, foreachFlag, pytorchRange, unsupportedFlag } from '../checks.js';
import { type ParamGroup, type Params, Optimizer, setState } from '../optimizer.js';
import { type OptimizerSpec, resolveOptions } from '../spec.js';

/** Options of RMSprop (torch.optim.RMSprop's keyword arguments, camelCase). */
export interface RMSpropOptions {
  lr: number;
  momentum: number;
  alpha: number;
  eps: number;
  centered: boolean;
  weightDecay: number;
  /** PyTorch's implementation choice; accepted, changes nothing in Graft. */
  foreach: boolean | null;
  /** Maximize the objective (ascend the gradient). */
  maximize: boolean;
  /** Only `false`: Graft's step runs under noGrad. */
  differentiable: boolean;
}

const spec: OptimizerSpec<RMSpropOptions> = {
  name: 'RMSprop',
  // In PyTorch's order (that of state_dict()['param_groups']).
  options: {
    lr: { default: 1e-2, check: pytorchRange('learning rate', 0) },
    momentum: { default: 0, check: pytorchRange('momentum value', 0), optionalOnLoad: true },
    alpha: { default: 0.99, check: pytorchRange('alpha value', 0) },
    eps: { default: 1e-8, check: pytorchRange('epsilon value', 0) },
    centered: { default: false, check: flag('centered'), optionalOnLoad: true },
    weightDecay: { default: 0, check: pytorchRange('weight_decay value', 0) },
    foreach: { default: null, check: foreachFlag('foreach'), optionalOnLoad: true },
    maximize: { default: false, check: flag('maximize'), optionalOnLoad: true },
    differentiable: {
      default: false,
      check: unsupportedFlag('differentiable', "Graft's optimizers step under noGrad"),
      optionalOnLoad: true,
    },
  },
  state: {
    // PyTorch 1.13 keeps RMSprop's step as a plain number.
    step: { kind: 'step', savedAs: 'number' },
    squareAvg: { kind: 'buffer' },
    momentumBuffer: { kind: 'buffer', required: (o) => (o['momentum'] as number) > 0 },
    gradAvg: { kind: 'buffer', required: (o) => o['centered'] === true },
  },
};

/**
 * RMSprop (optionally centered, with momentum), as `torch.optim.RMSprop`.
 *
 * @example
 * const opt = new RMSprop(model.parameters(), { lr: 0.01, centered: true });
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, options?: Partial<RMSpropOptions>) {
    super(params, resolveOptions(spec, options), spec);
  }
  protected update(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: ParamGroup<RMSpropOptions>): void {
    let gr = o.maximize ? grad.neg() : grad;
    if (o.weightDecay !== 0) gr = gr.add(p, { alpha: o.weightDecay });
    if (Object.keys(state).length === 0) {
      // PyTorch's first step makes every entry, in this order (its state dict's).
      state['step'] = 0;
      setState(state, 'squareAvg', g.zerosLike(p));
      if (o.momentum > 0) setState(state, 'momentumBuffer', g.zerosLike(p));
      if (o.centered) setState(state, 'gradAvg', g.zerosLike(p));
    }
    state['step'] = ((state['step'] as number | undefined) ?? 0) + 1;
    const sq0 = (state['squareAvg'] as Tensor | undefined) ?? g.zerosLike(p);
    const sq = setState(state, 'squareAvg', sq0.mul(o.alpha).add(gr.square(), { alpha: 1 - o.alpha }));
    let avg: Tensor;
    if (o.centered) {
      const ga0 = (state['gradAvg'] as Tensor | undefined) ?? g.zerosLike(p);
      const ga = setState(state, 'gradAvg', ga0.mul(o.alpha).add(gr, { alpha: 1 - o.alpha }));
      avg = sq.sub(ga.square()).sqrt().add(o.eps);
    } else avg = sq.sqrt().add(o.eps);
    if (o.momentum > 0) {
      const b0 = (state['momentumBuffer'] as Tensor | undefined) ?? g.zerosLike(p);
      const buf = setState(state, 'momentumBuffer', b0.mul(o.momentum).add(gr.div(avg)));
      p.sub_(buf, { alpha: o.lr });
    } else p.sub_(gr.div(avg), { alpha: o.lr });
  }
}
