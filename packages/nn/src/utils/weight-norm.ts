/**
 * Weight normalisation, as `torch.nn.utils.weight_norm`: the parameter `w` is
 * replaced by `w_g` (its norm over every dim but `dim`) and `w_v` (its
 * direction, initially `w` itself), and recomputed as `v · g / ‖v‖` before
 * every forward.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import type { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { entryOf, record, restore, setComputed, takeParameter } from './reparametrize.js';

/**
 * PyTorch's `norm_except_dim(v, 2, dim)`: the 2-norm over every dim but
 * `dim`, kept as size-1 dims; `dim` −1 (and `null`) is the norm of the whole tensor, 0-d.
 */
function normExceptDim(v: Tensor, dim: number): Tensor {
  if (dim === -1) return v.norm();
  const others = Array.from({ length: v.ndim }, (_, i) => i).filter((i) => i !== dim);
  return others.length === 0 ? v.abs() : v.norm(2, others, true);
}

/** `v · (g / ‖v‖)` (PyTorch's `_weight_norm`). */
function computeWeight(module: Module, name: string, dim: number): Tensor {
  return g.tidy(() => {
    const v = entryOf(module, `${name}_v`) as Tensor;
    const gain = entryOf(module, `${name}_g`) as Tensor;
    return v.mul(gain.div(normExceptDim(v, dim)));
  });
}

/**
 * Applies weight normalisation to `module[name]` (PyTorch's
 * `torch.nn.utils.weight_norm(module, name='weight', dim=0)`): the
 * parameters become `${name}_g` and `${name}_v` (state-dict keys
 * `weight_g`, `weight_v`), and `module[name]` is recomputed from them before
 * every forward. `dim` null (or −1) normalises over the whole tensor.
 * `module[name]` is the weight the last forward used (made in the caller's
 * memory scope: a step run in `g.tidy` frees it with the step). Returns the module.
 *
 * @example
 * const m = nn.utils.weightNorm(new nn.Linear(20, 40));
 * m.weight_g.shape; // [40, 1]
 * Object.keys(m.stateDict()); // ['bias', 'weight_g', 'weight_v']
 */
export function weightNorm<M extends Module>(module: M, name = 'weight', dim: number | null = 0): M & Record<string, Tensor> {
  const op = 'weightNorm';
  const weight = takeParameter(op, 'weight_norm', module, name);
  const d = dim ?? -1;
  if (!Number.isInteger(d) || d < -1 || d >= Math.max(weight.ndim, 1)) {
    throw new RangeError(`${op}: dim must be null, -1 or in [0, ${weight.ndim - 1}], got ${String(dim)}`);
  }
  const gain = g.noGrad(() => g.tidy(() => normExceptDim(weight, d).detach()));
  module.deleteAttribute(name);
  module.registerParameter(`${name}_g`, new Parameter(gain));
  gain.dispose();
  module.registerParameter(`${name}_v`, weight);
  setComputed(module, name, computeWeight(module, name, d));
  const handle = module.registerForwardPreHook((m: Module) => {
    setComputed(m, name, computeWeight(m, name, d));
  });
  record(module, name, {
    kind: 'weightNorm',
    handle,
    added: [`${name}_g`, `${name}_v`],
    finalWeight: () => g.noGrad(() => computeWeight(module, name, d)),
  });
  return module as M & Record<string, Tensor>;
}

/**
 * Undoes `weightNorm`: `module[name]` is a Parameter again, holding the
 * current normalised weight (PyTorch's `remove_weight_norm`). Returns the module.
 *
 * @example
 * nn.utils.removeWeightNorm(m);
 * Object.keys(m.stateDict()); // ['bias', 'weight']
 */
export function removeWeightNorm<M extends Module>(module: M, name = 'weight'): M {
  restore('removeWeightNorm', 'weight_norm', 'weightNorm', module, name);
  return module;
}
