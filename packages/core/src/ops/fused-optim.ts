/**
 * Fused optimizer updates: one Adam/AdamW or SGD step of one parameter, as
 * `@graft/optim` runs it. A backend with the optional `adamStep`/`sgdStep`
 * kernel does it in one pass over memory (one shader per state tensor on
 * WebGL); without it the same formula runs op by op here — the composite
 * that defines the result, which the kernels reproduce element for element
 * (each op rounded to the dtype, as these ops round). PyTorch has the same
 * split (`torch._fused_adam_`, CUDA-only, beside its foreach and for-loop
 * paths).
 *
 * Every state tensor is updated in place, as PyTorch's optimizers update
 * theirs. Nothing is recorded: the updates run under noGrad.
 */
import { noGrad } from '../autograd/grad-mode.js';
import type { AdamStepOptions, SgdStepOptions } from '../backend/spec.js';
import { isFloating } from '../dtype.js';
import { tidy } from '../memory.js';
import { checkOptions } from '../options.js';
import { formatShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from './dispatch.js';
import { zerosLike } from './promotion.js';

/** Options of {@link adam_}: the step's hyperparameters (torch.optim.Adam's, with `betas` split, and AdamW's `decoupled`). */
export type FusedAdamOptions = Omit<AdamStepOptions, 'first'>;
/** Options of {@link sgd_}: torch.optim.SGD's hyperparameters. */
export type FusedSgdOptions = Omit<SgdStepOptions, 'first'>;

/** The moment buffers of one parameter under Adam: null before its first step. */
export interface AdamState {
  expAvg: Tensor | null;
  expAvgSq: Tensor | null;
  /** AMSGrad's running maximum of `expAvgSq` (null without amsgrad). */
  maxExpAvgSq: Tensor | null;
}

const ADAM_KEYS = ['lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'amsgrad', 'maximize', 'decoupled', 'step'] as const;
const SGD_KEYS = ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize'] as const;

const FLAGS = new Set(['amsgrad', 'maximize', 'decoupled', 'nesterov']);

/** Checks the keys (a misspelt one names its op) and that every option is there, of its type. */
function checkAll<T extends object>(op: string, options: T, keys: readonly (keyof T & string)[]): T {
  const o = checkOptions(op, options, keys);
  for (const k of keys) {
    const v = o[k] as unknown;
    const type = FLAGS.has(k) ? 'boolean' : 'number';
    if (typeof v !== type) throw new TypeError(`${op}: option '${k}' is required (a ${type}), got ${typeof v === 'string' ? `'${v}'` : v}`);
  }
  return o;
}

/** Checks that `t` can be updated with `param`: same shape, dtype and device, floating. */
function checkLike(op: string, param: Tensor, t: Tensor, what: string): void {
  checkTensor(op, t, what);
  if (!shapesEqual(t.shape, param.shape) || t.dtype !== param.dtype || t.device !== param.device) {
    throw new Error(
      `${op}: ${what} (${formatShape(t.shape)}, ${t.dtype} on ${t.device}) does not match the parameter (${formatShape(param.shape)}, ${param.dtype} on ${param.device})`,
    );
  }
}

function checkParam(op: string, param: Tensor, grad: Tensor): void {
  checkTensor(op, param, 'param');
  if (!isFloating(param.dtype)) throw new TypeError(`${op}: the parameter must be floating, got ${param.dtype}`);
  checkLike(op, param, grad, 'the gradient');
}

/** Whether the fused kernel may run: every tensor dense from its offset, none sharing memory with another. */
function kernelFits(tensors: readonly Tensor[]): boolean {
  for (let i = 0; i < tensors.length; i++) {
    if (!tensors[i]!.isContiguous()) return false;
    for (let j = 0; j < i; j++) if (tensors[i]!.storage === tensors[j]!.storage) return false;
  }
  return true;
}

function bumpVersions(tensors: readonly Tensor[]): void {
  for (const t of tensors) t.versionCounter.value++;
}

/**
 * One Adam (or AdamW, `decoupled`) update of `param` from `grad`, in place,
 * as `torch.optim.Adam`'s single-tensor step: the moment buffers are updated
 * in place (created on the first step, when `state.expAvg` is null) and
 * returned. Runs the backend's fused `adamStep` kernel where it has one,
 * else the same formula op by op. `step` is the step's number (1 first).
 * Graft's own (as PyTorch's private `torch._fused_adam_`); `@graft/optim`'s
 * Adam and AdamW call it.
 *
 * @example
 * const p = g.ones(3);
 * const s = g.fused.adam_(p, g.full([3], 0.5), { expAvg: null, expAvgSq: null, maxExpAvgSq: null },
 *   { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupled: false, step: 1 });
 * p.tolist(); // [0.9, 0.9, 0.9] (up to float32 rounding)
 */
export function adam_(param: Tensor, grad: Tensor, state: AdamState, options: FusedAdamOptions): AdamState {
  const op = 'fused.adam_';
  const o = checkAll(op, options, ADAM_KEYS);
  checkParam(op, param, grad);
  const first = state.expAvg === null || state.expAvgSq === null;
  for (const [t, what] of [
    [state.expAvg, 'expAvg'],
    [state.expAvgSq, 'expAvgSq'],
    [state.maxExpAvgSq, 'maxExpAvgSq'],
  ] as const) {
    if (t !== null) checkLike(op, param, t, what);
  }
  if (o.amsgrad && !first && state.maxExpAvgSq === null) throw new Error(`${op}: amsgrad needs maxExpAvgSq after the first step`);
  return noGrad(() => {
    const kernel = param.backend.adamStep;
    if (kernel !== undefined) {
      const m = state.expAvg ?? zerosLike(param);
      const v = first ? (state.expAvgSq ?? zerosLike(param)) : state.expAvgSq!;
      const max = o.amsgrad ? (first ? (state.maxExpAvgSq ?? zerosLike(param)) : state.maxExpAvgSq!) : null;
      const all = max === null ? [param, grad, m, v] : [param, grad, m, v, max];
      // A backend may leave a call to the composite (false): where its separate kernels are faster at that size.
      if (kernelFits(all) && kernel.call(param.backend, param, grad, m, v, max, { ...pick(o, ADAM_KEYS), first }) !== false) {
        bumpVersions(max === null ? [param, m, v] : [param, m, v, max]);
        return { expAvg: m, expAvgSq: v, maxExpAvgSq: max ?? state.maxExpAvgSq };
      }
      for (const [made, had] of [
        [m, state.expAvg],
        [v, state.expAvgSq],
        [max, state.maxExpAvgSq],
      ] as const) {
        if (made !== null && made !== had) made.dispose();
      }
    }
    return adamComposite(param, grad, state, o, first);
  });
}

/** The definition of `adam_`: torch.optim.Adam's single-tensor formula, op by op (each op rounds to the dtype). */
function adamComposite(param: Tensor, grad: Tensor, state: AdamState, o: FusedAdamOptions, first: boolean): AdamState {
  const [m, v, max] = tidy(() => {
    let gr = o.maximize ? grad.neg() : grad;
    if (o.decoupled) param.mul_(1 - o.lr * o.weightDecay);
    else if (o.weightDecay !== 0) gr = gr.add(param, { alpha: o.weightDecay });
    let m: Tensor;
    let v: Tensor;
    if (first) {
      m = gr.mul(1 - o.beta1);
      v = gr.square().mul(1 - o.beta2);
    } else {
      m = state.expAvg!.mul_(o.beta1).add_(gr, { alpha: 1 - o.beta1 });
      v = state.expAvgSq!.mul_(o.beta2).add_(gr.square(), { alpha: 1 - o.beta2 });
    }
    let max: Tensor | null = state.maxExpAvgSq;
    if (o.amsgrad) max = first ? v.clone() : max!.copy_(max!.maximum(v));
    const biasCorrection1 = 1 - o.beta1 ** o.step;
    const biasCorrection2 = 1 - o.beta2 ** o.step;
    const denom = (max ?? v).sqrt().div(Math.sqrt(biasCorrection2)).add(o.eps);
    param.sub_(m.div(denom), { alpha: o.lr / biasCorrection1 });
    return [m, v, max] as const;
  });
  return { expAvg: m, expAvgSq: v, maxExpAvgSq: max };
}

/**
 * One SGD update of `param` from `grad`, in place, as `torch.optim.SGD`'s
 * single-tensor step; returns the momentum buffer (created on the first step,
 * when `momentumBuffer` is null; null without momentum). Runs the backend's
 * fused `sgdStep` kernel where it has one, else the same formula op by op.
 * Graft's own; `@graft/optim`'s SGD calls it.
 *
 * @example
 * const p = g.ones(2);
 * g.fused.sgd_(p, g.ones(2), null, { lr: 0.5, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
 * p.tolist(); // [0.5, 0.5]
 */
export function sgd_(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, options: FusedSgdOptions): Tensor | null {
  const op = 'fused.sgd_';
  const o = checkAll(op, options, SGD_KEYS);
  checkParam(op, param, grad);
  if (momentumBuffer !== null) checkLike(op, param, momentumBuffer, 'the momentum buffer');
  const first = momentumBuffer === null;
  return noGrad(() => {
    const kernel = param.backend.sgdStep;
    if (kernel !== undefined) {
      const buf = o.momentum !== 0 ? (momentumBuffer ?? zerosLike(param)) : null;
      const all = buf === null ? [param, grad] : [param, grad, buf];
      if (kernelFits(all) && kernel.call(param.backend, param, grad, buf, { ...pick(o, SGD_KEYS), first }) !== false) {
        bumpVersions(buf === null ? [param] : [param, buf]);
        return buf;
      }
      if (buf !== null && buf !== momentumBuffer) buf.dispose();
    }
    return sgdComposite(param, grad, momentumBuffer, o);
  });
}

/** The definition of `sgd_`: torch.optim.SGD's single-tensor formula, op by op. */
function sgdComposite(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, o: FusedSgdOptions): Tensor | null {
  return tidy(() => {
    let d = o.maximize ? grad.neg() : grad;
    if (o.weightDecay !== 0) d = d.add(param, { alpha: o.weightDecay });
    let buf: Tensor | null = null;
    if (o.momentum !== 0) {
      buf = momentumBuffer === null ? d.clone() : momentumBuffer.mul_(o.momentum).add_(d, { alpha: 1 - o.dampening });
      d = o.nesterov ? d.add(buf, { alpha: o.momentum }) : buf;
    }
    param.sub_(d, { alpha: o.lr });
    return buf;
  });
}

/** The listed keys of `o` (what the kernel receives: no stray keys). */
function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = o[k];
  return out;
}
