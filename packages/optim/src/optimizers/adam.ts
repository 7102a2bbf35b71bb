/** Adam and AdamW, as `torch.optim.Adam` / `torch.optim.AdamW`. */
import * as g from '@graft/core';
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
  /** Only `false` (PyTorch 1.13's fused kernels need CUDA); Graft fuses by itself: each step runs `g.fused.adam_`, one pass where the backend has the kernel. */
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

/**
 * One step of one parameter: `g.fused.adam_`, which runs the backend's fused
 * kernel where it has one and torch.optim.Adam's single-tensor formula op by
 * op otherwise (the moment buffers are updated in place, as PyTorch's).
 */
function adamStep(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: AdamWOptions, decoupled: boolean): void {
  const [beta1, beta2] = o.betas;
  const step = ((state['step'] as number | undefined) ?? 0) + 1;
  state['step'] = step;
  const s = g.fused.adam_(
    p,
    grad,
    {
      expAvg: (state['expAvg'] as Tensor | undefined) ?? null,
      expAvgSq: (state['expAvgSq'] as Tensor | undefined) ?? null,
      maxExpAvgSq: (state['maxExpAvgSq'] as Tensor | undefined) ?? null,
    },
    {
      lr: o.lr,
      beta1,
      beta2,
      eps: o.eps,
      weightDecay: o.weightDecay,
      amsgrad: o.amsgrad,
      maximize: o.maximize,
      decoupled,
      step,
    },
  );
  setState(state, 'expAvg', s.expAvg!);
  setState(state, 'expAvgSq', s.expAvgSq!);
  if (o.amsgrad) setState(state, 'maxExpAvgSq', s.maxExpAvgSq!);
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
