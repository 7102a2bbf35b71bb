/**
 * The optional `adamStep` / `sgdStep` kernels as a plan of elementwise
 * passes, for backends whose kernels each write one output (the GPU
 * backends: a shader writes one texture or buffer). The plan is the
 * formulas of core's composite (`ops/fused-optim.ts`), one pass per state
 * tensor written, with the hyperparameters as uniforms so one compiled
 * program serves every step; the backend supplies how a pass runs and the
 * expression language's spelling of the few things that differ.
 */
import type { AdamStepOptions, SgdStepOptions } from './spec.js';

/**
 * How a backend runs one pass. `In` is what the caller passes (a view),
 * `Out` what a pass returns (a new flat buffer of the parameter's size).
 */
export interface OptimizerPassRunner<In, Out> {
  /**
   * A new buffer: `expr` evaluated per element, reading the inputs by their
   * names in lower case (`G` as `g`) and the uniforms by name. `expr` uses
   * only `+ - * /`, parentheses, `sqrt` and float numbers, which GLSL and
   * WGSL spell alike.
   */
  pass(inputs: Record<string, In | Out>, uniforms: Record<string, number>, expr: string): Out;
  /** PyTorch's `maximum` of two buffers (NaN wins): the AMSGrad running maximum. */
  maximum(a: In | Out, b: Out): Out;
  /** `x` again with one more reference (it becomes two state tensors). */
  share(x: Out): Out;
}

/** The buffers one Adam/AdamW step computes: the new state and parameter. */
export interface AdamPassResult<Out> {
  expAvg: Out;
  expAvgSq: Out;
  maxExpAvgSq: Out | undefined;
  param: Out;
}

/**
 * One Adam/AdamW update as passes for expAvg, expAvgSq, (maxExpAvgSq,) then
 * the parameter; the caller makes each result the contents of its tensor.
 *
 * @example
 * // In a backend's adamStep (see backend-webgl's):
 * // const r = adamPasses({ param, grad, expAvg, expAvgSq, maxExpAvgSq }, o, runner);
 * // replace(expAvg, r.expAvg); replace(expAvgSq, r.expAvgSq); replace(param, r.param);
 */
export function adamPasses<In, Out>(
  t: { param: In; grad: In; expAvg: In; expAvgSq: In; maxExpAvgSq: In | null },
  o: AdamStepOptions,
  run: OptimizerPassRunner<In, Out>,
): AdamPassResult<Out> {
  const coupled = !o.decoupled && o.weightDecay !== 0;
  const gi = `(${o.maximize ? '-g' : 'g'}${coupled ? ' + p * uWd' : ''})`;
  const u = { uWd: o.weightDecay, uB1: o.beta1, uB2: o.beta2, uOneMinusB1: 1 - o.beta1, uOneMinusB2: 1 - o.beta2 };
  const m = run.pass({ G: t.grad, P: t.param, M: t.expAvg }, u, o.first ? `${gi} * uOneMinusB1` : `m * uB1 + ${gi} * uOneMinusB1`);
  const v = run.pass(
    { G: t.grad, P: t.param, V: t.expAvgSq },
    u,
    o.first ? `${gi} * ${gi} * uOneMinusB2` : `v * uB2 + (${gi} * ${gi}) * uOneMinusB2`,
  );
  let maxExpAvgSq: Out | undefined;
  if (t.maxExpAvgSq !== null) maxExpAvgSq = o.first ? run.share(v) : run.maximum(t.maxExpAvgSq, v); // the maximum starts as expAvgSq
  const param = run.pass(
    { P: t.param, M: m, S: maxExpAvgSq ?? v },
    {
      uDecay: o.decoupled ? 1 - o.lr * o.weightDecay : 1,
      uStepSize: o.lr / (1 - o.beta1 ** o.step),
      uSqrtBc2: Math.sqrt(1 - o.beta2 ** o.step),
      uEps: o.eps,
    },
    'p * uDecay - uStepSize * (m / (sqrt(s) / uSqrtBc2 + uEps))',
  );
  return { expAvg: m, expAvgSq: v, maxExpAvgSq, param };
}

/**
 * One SGD update as passes: the momentum buffer (when there is one), then
 * the parameter.
 *
 * @example
 * // In a backend's sgdStep (see backend-webgl's):
 * // const r = sgdPasses({ param, grad, momentumBuffer }, o, runner);
 */
export function sgdPasses<In, Out>(
  t: { param: In; grad: In; momentumBuffer: In | null },
  o: SgdStepOptions,
  run: OptimizerPassRunner<In, Out>,
): { momentumBuffer: Out | undefined; param: Out } {
  const d = `(${o.maximize ? '-g' : 'g'}${o.weightDecay !== 0 ? ' + p * uWd' : ''})`;
  const u = { uWd: o.weightDecay, uMom: o.momentum, uKeep: 1 - o.dampening, uLr: o.lr };
  if (t.momentumBuffer === null) return { momentumBuffer: undefined, param: run.pass({ G: t.grad, P: t.param }, u, `p - uLr * ${d}`) };
  const buf = run.pass({ G: t.grad, P: t.param, B: t.momentumBuffer }, u, o.first ? d : `b * uMom + ${d} * uKeep`);
  const step = o.nesterov ? `(${d} + b * uMom)` : 'b';
  return { momentumBuffer: buf, param: run.pass({ G: t.grad, P: t.param, B: buf }, u, `p - uLr * ${step}`) };
}
