/** Adagrad, as `torch.optim.Adagrad`. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { flag, foreachFlag, pytorchRange } from '../checks.js';
import { type ParamGroup, type Params, Optimizer, setState } from '../optimizer.js';
import { type OptimizerSpec, resolveOptions } from '../spec.js';

/** Options of Adagrad (torch.optim.Adagrad's keyword arguments, camelCase). */
export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  eps: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  /** PyTorch's implementation choice; accepted, changes nothing in Graft. */
  foreach: boolean | null;
  /** Maximize the objective (ascend the gradient). */
  maximize: boolean;
}

const spec: OptimizerSpec<AdagradOptions> = {
  name: 'Adagrad',
  // In PyTorch's order (that of state_dict()['param_groups']).
  options: {
    lr: { default: 1e-2, check: pytorchRange('learning rate', 0) },
    lrDecay: { default: 0, check: pytorchRange('lr_decay value', 0) },
    eps: { default: 1e-10, check: pytorchRange('epsilon value', 0) },
    weightDecay: { default: 0, check: pytorchRange('weight_decay value', 0) },
    initialAccumulatorValue: { default: 0, check: pytorchRange('initial_accumulator_value value', 0) },
    foreach: { default: null, check: foreachFlag('foreach'), optionalOnLoad: true },
    maximize: { default: false, check: flag('maximize'), optionalOnLoad: true },
  },
  state: { step: { kind: 'step', savedAs: 'tensor' }, sum: { kind: 'buffer' } },
};

/**
 * Adagrad, as `torch.optim.Adagrad`. As PyTorch, each parameter's state
 * (step 0 and the accumulator at `initialAccumulatorValue`) exists from the
 * start, so `stateDict()` before any step already holds it.
 *
 * @example
 * const opt = new Adagrad(model.parameters(), { lr: 0.01 });
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, options?: Partial<AdagradOptions>) {
    super(params, resolveOptions(spec, options), spec);
  }
  protected override initState(p: Tensor, group: ParamGroup<AdagradOptions>): void {
    const state: Record<string, unknown> = { step: 0 };
    setState(
      state,
      'sum',
      g.noGrad(() => g.fullLike(p, group.initialAccumulatorValue)),
    );
    this.state.set(p, state);
  }
  protected update(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: ParamGroup<AdagradOptions>): void {
    if (state['sum'] === undefined) this.initState(p, o); // state emptied by a loaded state dict without it
    const s = this.state.get(p)!;
    let gr = o.maximize ? grad.neg() : grad;
    const step = (s['step'] as number) + 1;
    s['step'] = step;
    if (o.weightDecay !== 0) gr = gr.add(p, { alpha: o.weightDecay });
    const clr = o.lr / (1 + (step - 1) * o.lrDecay);
    const sum = setState(s, 'sum', (s['sum'] as Tensor).add(gr.square()));
    p.sub_(gr.div(sum.sqrt().add(o.eps)), { alpha: clr });
  }
}
