/** SGD, Adam, AdamW, RMSprop and Adagrad with torch.optim's defaults and update rules. */
import type { Tensor } from '@graft/core';
import { type ParamGroup, type Params, Optimizer, setState } from './optimizer.js';

function check(name: string, cond: boolean, what: string): void {
  if (!cond) throw new Error(`${name}: Invalid ${what}`);
}

/** Options of SGD (torch.optim.SGD's keyword arguments, camelCase). */
export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov and weight decay.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> = {}) {
    const o: SGDOptions = { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options };
    check('SGD', o.lr >= 0, `learning rate: ${o.lr}`);
    check('SGD', o.momentum >= 0, `momentum value: ${o.momentum}`);
    check('SGD', o.weightDecay >= 0, `weight_decay value: ${o.weightDecay}`);
    check('SGD', !o.nesterov || (o.momentum > 0 && o.dampening === 0), 'Nesterov momentum requires a momentum and zero dampening');
    super(params, o);
  }

  protected update(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: ParamGroup<SGDOptions>): void {
    let d = o.maximize ? grad.neg() : grad;
    if (o.weightDecay !== 0) d = d.add(p, { alpha: o.weightDecay });
    if (o.momentum !== 0) {
      const prev = state['momentumBuffer'] as Tensor | undefined;
      const buf = setState(state, 'momentumBuffer', prev === undefined ? d.clone() : prev.mul(o.momentum).add(d, { alpha: 1 - o.dampening }));
      d = o.nesterov ? d.add(buf, { alpha: o.momentum }) : buf;
    }
    p.sub_(d, { alpha: o.lr });
  }
}

/** Options of Adam and AdamW. */
export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

function adamStep(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: AdamOptions, decoupled: boolean): void {
  const [beta1, beta2] = o.betas;
  let gr = o.maximize ? grad.neg() : grad;
  if (decoupled) p.mul_(1 - o.lr * o.weightDecay);
  else if (o.weightDecay !== 0) gr = gr.add(p, { alpha: o.weightDecay });
  const step = ((state['step'] as number | undefined) ?? 0) + 1;
  state['step'] = step;
  const m0 = state['expAvg'] as Tensor | undefined;
  const v0 = state['expAvgSq'] as Tensor | undefined;
  const m = setState(state, 'expAvg', m0 === undefined ? gr.mul(1 - beta1) : m0.mul(beta1).add(gr, { alpha: 1 - beta1 }));
  const v = setState(state, 'expAvgSq', v0 === undefined ? gr.square().mul(1 - beta2) : v0.mul(beta2).add(gr.square(), { alpha: 1 - beta2 }));
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
 * Adam (Kingma & Ba), with optional AMSGrad, as `torch.optim.Adam`.
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    const o: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...options };
    check('Adam', o.lr >= 0, `learning rate: ${o.lr}`);
    check('Adam', o.eps >= 0, `epsilon value: ${o.eps}`);
    check('Adam', o.betas[0] >= 0 && o.betas[0] < 1, `beta parameter at index 0: ${o.betas[0]}`);
    check('Adam', o.betas[1] >= 0 && o.betas[1] < 1, `beta parameter at index 1: ${o.betas[1]}`);
    super(params, o);
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
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    const o: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...options };
    check('AdamW', o.lr >= 0, `learning rate: ${o.lr}`);
    super(params, o);
  }
  protected update(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: ParamGroup<AdamOptions>): void {
    adamStep(p, grad, state, o, true);
  }
}

/** Options of RMSprop. */
export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

/**
 * RMSprop (optionally centered, with momentum), as `torch.optim.RMSprop`.
 *
 * @example
 * const opt = new RMSprop(model.parameters(), { lr: 0.01, centered: true });
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    const o: RMSpropOptions = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...options };
    check('RMSprop', o.lr >= 0, `learning rate: ${o.lr}`);
    check('RMSprop', o.alpha >= 0, `alpha value: ${o.alpha}`);
    super(params, o);
  }
  protected update(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: ParamGroup<RMSpropOptions>): void {
    let gr = o.maximize ? grad.neg() : grad;
    if (o.weightDecay !== 0) gr = gr.add(p, { alpha: o.weightDecay });
    state['step'] = ((state['step'] as number | undefined) ?? 0) + 1;
    const sq0 = state['squareAvg'] as Tensor | undefined;
    const sq = setState(state, 'squareAvg', (sq0 ?? gr.mul(0)).mul(o.alpha).add(gr.square(), { alpha: 1 - o.alpha }));
    let avg: Tensor;
    if (o.centered) {
      const ga0 = state['gradAvg'] as Tensor | undefined;
      const ga = setState(state, 'gradAvg', (ga0 ?? gr.mul(0)).mul(o.alpha).add(gr, { alpha: 1 - o.alpha }));
      avg = sq.sub(ga.square()).sqrt().add(o.eps);
    } else avg = sq.sqrt().add(o.eps);
    if (o.momentum > 0) {
      const b0 = state['momentumBuffer'] as Tensor | undefined;
      const buf = setState(state, 'momentumBuffer', (b0 ?? gr.mul(0)).mul(o.momentum).add(gr.div(avg)));
      p.sub_(buf, { alpha: o.lr });
    } else p.sub_(gr.div(avg), { alpha: o.lr });
  }
}

/** Options of Adagrad. */
export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

/**
 * Adagrad, as `torch.optim.Adagrad`.
 *
 * @example
 * const opt = new Adagrad(model.parameters(), { lr: 0.01 });
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    const o: AdagradOptions = { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, ...options };
    check('Adagrad', o.lr >= 0, `learning rate: ${o.lr}`);
    check('Adagrad', o.lrDecay >= 0, `lr_decay value: ${o.lrDecay}`);
    super(params, o);
  }
  protected update(p: Tensor, grad: Tensor, state: Record<string, unknown>, o: ParamGroup<AdagradOptions>): void {
    let gr = o.maximize ? grad.neg() : grad;
    const step = ((state['step'] as number | undefined) ?? 0) + 1;
    state['step'] = step;
    if (o.weightDecay !== 0) gr = gr.add(p, { alpha: o.weightDecay });
    const clr = o.lr / (1 + (step - 1) * o.lrDecay);
    const s0 = state['sum'] as Tensor | undefined;
    const sum = setState(state, 'sum', (s0 ?? p.mul(0).add(o.initialAccumulatorValue)).add(gr.square()));
    p.sub_(gr.div(sum.sqrt().add(o.eps)), { alpha: clr });
  }
}
