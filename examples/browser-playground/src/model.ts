/**
 * The classifier and its optimizer, from the page's settings: an MLP of
 * `nn.Linear` layers and one activation between them, ending in two logits
 * (trained with cross-entropy), and SGD, Adam or AdamW. Everything here is
 * Graft's nn and optim, as one would write it in PyTorch.
 */
import * as g from '@graft/core';
import { nn } from '@graft/nn';
import { Adam, AdamW, SGD } from '@graft/optim';

/** The activations offered, each a module constructor as in `torch.nn`. */
export const ACTIVATIONS = {
  relu: { label: 'ReLU', make: () => new nn.ReLU() },
  tanh: { label: 'Tanh', make: () => new nn.Tanh() },
  sigmoid: { label: 'Sigmoid', make: () => new nn.Sigmoid() },
  gelu: { label: 'GELU', make: () => new nn.GELU() },
  silu: { label: 'SiLU', make: () => new nn.SiLU() },
  leakyrelu: { label: 'LeakyReLU', make: () => new nn.LeakyReLU(0.1) },
} as const;
export type ActivationName = keyof typeof ACTIVATIONS;

/** The optimizers offered. SGD gets momentum 0.9 (plain SGD needs learning rates too large for the other two to share a scale). */
export const OPTIMIZERS = {
  sgd: { label: 'SGD, momentum 0.9', make: (params: g.Tensor[], lr: number) => new SGD(params, { lr, momentum: 0.9 }) },
  adam: { label: 'Adam', make: (params: g.Tensor[], lr: number) => new Adam(params, { lr }) },
  adamw: { label: 'AdamW, decay 0.01', make: (params: g.Tensor[], lr: number) => new AdamW(params, { lr, weightDecay: 0.01 }) },
} as const;
export type OptimizerName = keyof typeof OPTIMIZERS;
/** Any of the optimizers offered. */
export type TrainingOptimizer = SGD | Adam | AdamW;

/** The model's shape: the widths of its hidden layers (none: logistic regression) and their activation. */
export interface ModelSpec {
  hidden: number[];
  activation: ActivationName;
}

/**
 * Builds the MLP 2 → hidden… → 2 on the current device, initialised by
 * the default generator (seed it first to get the same weights on every backend).
 *
 * @example
 * g.manualSeed(1);
 * const model = buildModel({ hidden: [16, 16], activation: 'tanh' }); // Linear(2,16) Tanh Linear(16,16) Tanh Linear(16,2)
 */
export function buildModel(spec: ModelSpec): nn.Sequential {
  const layers: nn.Module[] = [];
  let width = 2;
  for (const h of spec.hidden) {
    layers.push(new nn.Linear(width, h), ACTIVATIONS[spec.activation].make());
    width = h;
  }
  layers.push(new nn.Linear(width, 2));
  return new nn.Sequential(...layers);
}

/**
 * The optimizer `name` over the model's parameters.
 *
 * @example
 * const opt = buildOptimizer('adam', model, 0.03);
 */
export function buildOptimizer(name: OptimizerName, model: nn.Module, lr: number): TrainingOptimizer {
  return OPTIMIZERS[name].make(model.parameters(), lr);
}

/**
 * Frees everything a model and its optimizer hold: gradients, the
 * optimizer's state (Adam's moments, SGD's momentum buffers), parameters
 * and buffers. GPU memory is not garbage collected in time, so a rebuild
 * must give it back explicitly.
 *
 * @example
 * disposeModel(model, opt); // g.memory().numTensors drops by all they held
 */
export function disposeModel(model: nn.Module, optimizer: TrainingOptimizer): void {
  optimizer.zeroGrad();
  for (const state of optimizer.state.values()) for (const v of Object.values(state).flat()) if (v instanceof g.Tensor) v.dispose();
  optimizer.state.clear();
  for (const t of model.parameters()) t.dispose();
  for (const t of model.buffers()) t.dispose();
}
