/** Adam and AdamW, as `torch.optim.Adam` / `torch.optim.AdamW`. */
import type { Tensor } from '@graft/core';
import { betas, flag, foreachFlag, pytorchRange, unsupportedFlag } from '../checks.js';
import { type ParamGroup, type Params, Optimizer, setState } from '../optimizer.js';
import { type OptimizerSpec, resolveOptions } from '../spec.js';

/** Options of Adam (torch.optim.Adam's keyword arguments, camelCase). */
export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  /** Maximize the objective (ascend the gradient). */
  maximize: boolean;
  /** PyTorch's implementation choice; accepted, changes nothing in Graft. */
  foreach: boolean | null;
  /** Only `false`: Graft has no CUDA graphs. */
  capturable: boolean;
  /** Only `false`: Graft's step runs under noGrad. */
  differentiable: boolean;
  /** Only `false`: Graft has no fused kernels (PyTorch's need CUDA). */
  fused: boolean;
}

/** Options of AdamW: Adam's as of torch 1.13 (which has no `differentiable` or `fused` for AdamW). */
export type AdamWOptions = Omit<AdamOptions, 'differentiable' | 'fused'>;

const common = {
  lr: { default: 1e-3, check: pytorchRange('learning rate', 0) },
  betas: { default: [0.9, 0.999] as [number, number], check: betas },
  eps: { default: 1e-8, check: pytorchRange('epsilon value', 0) },
  weightDecay: { default: 0, check: pytorchRange('weight_decay value', 0) },
  amsgrad: { default: false, check: flag('amsgrad'), optionalOnLoad: true },
  maximize: { default: false, check: flag('maximize'), optionalOnLoad: true },
  foreach: { default: null, check: foreachFlag('foreach'), optionalOnLoad: true },
  capturable: { default: false, check: unsupportedFlag('capturable', 'Graft has no CUDA graphs'), optionalOnLoad: true },
} as const;

const adamState = {
  step: { kind: 'step', savedAs: 'tensor' },
  expAvg: { kind: 'buffer' },
  expAvgSq: { kind: 'buffer' },
  maxExpAvgSq: { kind: 'buffer', required: (o: Readonly<Record<string, unknown>>) => o['amsgrad'] === true },
} as const;

const adamSpec: OptimizerSpec<AdamOptions> = {
  name: 'Adam',
  // In PyTorch's order (that of state_dict()['param_groups']).
  options: {
    ...common,
    differentiable: {
      default: false,
      check: unsupportedFlag('differentiable', "Graft's optimizers step under noGrad"),
      optionalOnLoad: true,
    },
    fused: {
      default: false,
      check: unsupportedFlag('fused', "Graft has no fused optimizer kernels (PyTorch's need CUDA)"),
      optionalOnLoad: true,
    },
  },
  state: adamState,
};

const adamWSpec: OptimizerSpec<AdamWOptions> = {
  name: 'AdamW',
  // PyTorch 1.13's AdamW orders foreach before maximize.
  options: {
    lr: common.lr,
    betas: common.betas,
    eps: common.eps,
    weightDecay: { default: 1e-2, check: pytorchRange('weight_decay value', 0) },
    amsgrad: common.amsgrad,
    foreach: common.foreach,
    maximize: common.maximize,
    capturable: common.capturable,
  },
  state: adamState,
};

function adamStep(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: AdamWOptions, decoupled: boolean): void {
  const [beta1, beta2] = o.betas;
  let gr = o.maximize ? grad.neg() : grad;
  if (decoupled) p.mul_(1 - o.lr * o.weightDecay);
  else if (o.weightDecay !== 0) gr = gr.add(p, { alpha: o.weightDecay });
  const step = ((state['step'] as number | undefined) ?? 0) + 1;
  state['step'] = step;
  const m0 = state['expAvg'] as Tensor | undefined;
  const v0 = state['expAvgSq'] as Tensor | undefined;
  const m = setState(state, 'expAvg', m0 === undefined ? gr.mul(1 - beta1) : m0.mul(beta1).add(gr, { alpha: 1 - beta1 }));
  const v = setState(
    state,
    'expAvgSq',
    v0 === undefined ? gr.square().mul(1 - beta2) : v0.mul(beta2).add(gr.square(), { alpha: 1 - beta2 }),
  );
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2 = 1 - beta2 ** step;
  let second = v;
  if (o.amsgrad) {
    const prevMax = state['maxExpAvgSq'] as Tensor | undefined;
    second = setState(state, 'maxExpAvgSq', prevMax === undefined ? v.clone() : prevMax.maximum(v));
  }
  const denom = second.sqrt().div(Math.sqrt(biasCorrection2)).add(o.eps);
  p.sub_(m.div(denom), { alpha: o.lr / biasCorrection1 });
}

/**
 * Adam (Kingma & Ba), with optional AMSGrad, as `torch.optim.Adam` (same
 * defaults, checks and messages). Unknown option keys throw.
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, options?: Partial<AdamOptions>) {
    super(params, resolveOptions(adamSpec, options), adamSpec);
  }
  protected update(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: ParamGroup<AdamOptions>): void {
    adamStep(p, grad, state, o, false);
  }
}

/**
 * AdamW: Adam with decoupled weight decay (default 0.01), as `torch.optim.AdamW`.
 *
 * @example
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 */
export class AdamW extends Optimizer<AdamWOptions> {
  constructor(params: Params<AdamWOptions>, options?: Partial<AdamWOptions>) {
    super(params, resolveOptions(adamWSpec, options), adamWSpec);
  }
  protected update(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: ParamGroup<AdamWOptions>): void {
    adamStep(p, grad, state, o, true);
  }
}
