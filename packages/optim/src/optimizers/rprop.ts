/** Rprop, as `torch.optim.Rprop`. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { type Check, describe, flag, foreachFlag, numberPair, pytorchRange } from '../checks.js';
import { type ParamGroup, type Params, Optimizer, setState } from '../optimizer.js';
import { type OptimizerSpec, resolveOptions } from '../spec.js';

/** Options of Rprop (torch.optim.Rprop's keyword arguments as of torch 1.13, camelCase). */
export interface RpropOptions {
  /** The initial step size of every element (default 1e-2). */
  lr: number;
  /** `[etaminus, etaplus]`: the factors of a step size when the gradient's sign flips / holds (default [0.5, 1.2]). */
  etas: [number, number];
  /** `[min, max]`: the bounds of the step sizes (default [1e-6, 50]; PyTorch's `step_sizes`). */
  stepSizes: [number, number];
  /** PyTorch's implementation choice; accepted, changes nothing in Graft (which computes PyTorch's for-loop form). */
  foreach: boolean | null;
  /** Maximize the objective (ascend the gradient). */
  maximize: boolean;
}

/** PyTorch's check: 0 < etaminus < 1 < etaplus, "Invalid eta values: a, b". */
const etas: Check<[number, number]> = (value, where) => {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number' && Number.isFinite(v)))
    throw new Error(`${where}Invalid eta values: ${describe(value)} (expected two finite numbers [etaminus, etaplus])`);
  const [minus, plus] = value as [number, number];
  if (!(0 < minus && minus < 1 && 1 < plus)) throw new Error(`${where}Invalid eta values: ${minus}, ${plus}`);
  return [minus, plus];
};

const spec: OptimizerSpec<RpropOptions> = {
  name: 'Rprop',
  // In PyTorch's order (that of state_dict()['param_groups']).
  options: {
    lr: { default: 1e-2, check: pytorchRange('learning rate', 0) },
    etas: { default: [0.5, 1.2], check: etas },
    stepSizes: { default: [1e-6, 50], check: numberPair('stepSizes') },
    foreach: { default: null, check: foreachFlag('foreach'), optionalOnLoad: true },
    maximize: { default: false, check: flag('maximize'), optionalOnLoad: true },
  },
  // PyTorch 1.13 keeps Rprop's step as a plain number.
  state: { step: { kind: 'step', savedAs: 'number' }, prev: { kind: 'buffer' }, stepSize: { kind: 'buffer' } },
};

/**
 * Rprop, resilient backpropagation (Riedmiller & Braun), as
 * `torch.optim.Rprop`: each element moves by its own step size in the
 * direction of its gradient's sign; the step size grows by etaplus while the
 * sign holds and shrinks by etaminus when it flips (and that step is skipped).
 *
 * @example
 * const opt = new Rprop(model.parameters(), { lr: 0.01, etas: [0.5, 1.2] });
 */
export class Rprop extends Optimizer<RpropOptions> {
  constructor(params: Params<RpropOptions>, options?: Partial<RpropOptions>) {
    super(params, resolveOptions(spec, options), spec);
  }
  protected update(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: ParamGroup<RpropOptions>): void {
    const [etaminus, etaplus] = o.etas;
    const [min, max] = o.stepSizes;
    if (Object.keys(state).length === 0) {
      state['step'] = 0;
      setState(state, 'prev', g.zerosLike(p));
      setState(state, 'stepSize', g.fullLike(grad, o.lr));
    }
    state['step'] = (state['step'] as number) + 1;
    const gr = o.maximize ? grad.neg() : grad;
    const sign = gr.mul(state['prev'] as Tensor).sign();
    const flipped = sign.lt(0);
    // The factor of each step size, in the gradient's dtype: etaplus where the sign held, etaminus where
    // it flipped, 1 where either is 0 (and NaN where the product is, as PyTorch's in-place sign tensor).
    const factor = g.where(sign.gt(0), etaplus, g.where(flipped, etaminus, g.where(sign.eq(0), 1, sign)));
    const stepSize = setState(state, 'stepSize', (state['stepSize'] as Tensor).mul(factor).clamp(min, max));
    // Where the sign flipped, this step is skipped and the next one starts afresh (prev = 0).
    const kept = g.where(flipped, 0, gr);
    p.sub_(kept.sign().mul(stepSize));
    setState(state, 'prev', kept);
  }
}
