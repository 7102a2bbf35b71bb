/** SGD, as `torch.optim.SGD`. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { finiteNumber, flag, foreachFlag, pytorchRange, unsupportedFlag } from '../checks.js';
import { type ParamGroup, type Params, Optimizer, setState } from '../optimizer.js';
import { type OptimizerSpec, resolveOptions } from '../spec.js';

/** Options of SGD (torch.optim.SGD's keyword arguments, camelCase). */
export interface SGDOptions {
  /** Learning rate (default 1e-3, PyTorch ≥ 2.2's default; 1.13 had none). */
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** Maximize the objective (ascend the gradient). */
  maximize: boolean;
  /** PyTorch's implementation choice; accepted, changes nothing in Graft. */
  foreach: boolean | null;
  /** Only `false`: Graft's step runs under noGrad. */
  differentiable: boolean;
}

const spec: OptimizerSpec<SGDOptions> = {
  name: 'SGD',
  // In PyTorch's order (that of state_dict()['param_groups']).
  options: {
    lr: { default: 1e-3, check: pytorchRange('learning rate', 0) },
    momentum: { default: 0, check: pytorchRange('momentum value', 0) },
    dampening: { default: 0, check: finiteNumber('dampening') },
    weightDecay: { default: 0, check: pytorchRange('weight_decay value', 0) },
    nesterov: { default: false, check: flag('nesterov'), optionalOnLoad: true },
    maximize: { default: false, check: flag('maximize'), optionalOnLoad: true },
    foreach: { default: null, check: foreachFlag('foreach'), optionalOnLoad: true },
    differentiable: {
      default: false,
      check: unsupportedFlag('differentiable', "Graft's optimizers step under noGrad"),
      optionalOnLoad: true,
    },
  },
  checkAll(o, where) {
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0))
      throw new Error(`${where}Nesterov momentum requires a momentum and zero dampening`);
  },
  state: { momentumBuffer: { kind: 'buffer', nullable: true, required: false } },
};

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov and weight
 * decay, as `torch.optim.SGD` (same checks and messages). Unknown option keys throw.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, options?: Partial<SGDOptions>) {
    super(params, resolveOptions(spec, options), spec);
  }

  /** `g.fused.sgd_`: the backend's fused kernel where it has one, torch.optim.SGD's formula op by op otherwise. */
  protected update(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: ParamGroup<SGDOptions>): void {
    const prev = o.momentum !== 0 ? ((state['momentumBuffer'] as Tensor | null | undefined) ?? null) : null;
    const buf = g.fused.sgd_(p, grad, prev, {
      lr: o.lr,
      momentum: o.momentum,
      dampening: o.dampening,
      weightDecay: o.weightDecay,
      nesterov: o.nesterov,
      maximize: o.maximize,
    });
    if (buf !== null) setState(state, 'momentumBuffer', buf);
    else {
      (state['momentumBuffer'] as Tensor | null | undefined)?.dispose();
      state['momentumBuffer'] = null; // as PyTorch, whose state then holds momentum_buffer: None
    }
  }
}
