/**
 * The optional fused optimizer kernels (`adamStep`, `sgdStep`): one pass over
 * a parameter and its state instead of the ten or so elementwise ops core's
 * composite runs (`ops/fused-optim.ts` in core). Each intermediate is rounded
 * where the composite stores a tensor (`R`: Math.fround for float32, nothing
 * for float64) and scalars are rounded first, as the elementwise kernels
 * round them, so the result equals the composite's bit for bit.
 */
import type { AdamStepOptions, SgdStepOptions, View } from '@graft/core/backend';
import { arr, type Handle } from '../heap.js';

type Round = (x: number) => number;
const same: Round = (x) => x;

/** The elements of a dense view (core guarantees dense from its offset). */
function elements(v: View<Handle>, n: number): Float32Array | Float64Array {
  return (arr(v.handle) as Float32Array | Float64Array).subarray(v.offset, v.offset + n);
}

function count(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function adamStep(
  param: View<Handle>,
  grad: View<Handle>,
  expAvg: View<Handle>,
  expAvgSq: View<Handle>,
  maxExpAvgSq: View<Handle> | null,
  o: AdamStepOptions,
): void {
  const R: Round = param.dtype === 'float32' ? Math.fround : same;
  // A separate loop per dtype keeps each monomorphic.
  if (param.dtype === 'float32') adamLoop(R, param, grad, expAvg, expAvgSq, maxExpAvgSq, o);
  else adamLoop64(param, grad, expAvg, expAvgSq, maxExpAvgSq, o);
}

function adamLoop(
  R: Round,
  param: View<Handle>,
  grad: View<Handle>,
  expAvg: View<Handle>,
  expAvgSq: View<Handle>,
  maxExpAvgSq: View<Handle> | null,
  o: AdamStepOptions,
): void {
  const n = count(param.shape);
  const p = elements(param, n);
  const g = elements(grad, n);
  const m = elements(expAvg, n);
  const v = elements(expAvgSq, n);
  const vmax = maxExpAvgSq === null ? null : elements(maxExpAvgSq, n);
  // The composite's scalars, as its kernels receive them (rounded to the dtype).
  const decay = R(1 - o.lr * o.weightDecay);
  const wd = R(o.weightDecay);
  const b1 = R(o.beta1);
  const b2 = R(o.beta2);
  const oneMinusB1 = R(1 - o.beta1);
  const oneMinusB2 = R(1 - o.beta2);
  const sqrtBc2 = R(Math.sqrt(1 - o.beta2 ** o.step));
  const eps = R(o.eps);
  const stepSize = R(o.lr / (1 - o.beta1 ** o.step));
  const coupled = !o.decoupled && o.weightDecay !== 0;
  for (let i = 0; i < n; i++) {
    let gi = o.maximize ? -g[i]! : g[i]!;
    let pi = p[i]!;
    if (o.decoupled) pi = R(pi * decay);
    else if (coupled) gi = R(gi + R(pi * wd));
    const mi = o.first ? R(gi * oneMinusB1) : R(R(m[i]! * b1) + R(gi * oneMinusB1));
    const sq = R(gi * gi);
    const vi = o.first ? R(sq * oneMinusB2) : R(R(v[i]! * b2) + R(sq * oneMinusB2));
    m[i] = mi;
    v[i] = vi;
    let second = vi;
    if (vmax !== null) {
      second = o.first ? vi : Math.max(vmax[i]!, vi);
      vmax[i] = second;
    }
    const denom = R(R(R(Math.sqrt(second)) / sqrtBc2) + eps);
    p[i] = R(pi - R(R(mi / denom) * stepSize));
  }
}

/** adamLoop for float64: the same formula with no rounding between ops. */
function adamLoop64(
  param: View<Handle>,
  grad: View<Handle>,
  expAvg: View<Handle>,
  expAvgSq: View<Handle>,
  maxExpAvgSq: View<Handle> | null,
  o: AdamStepOptions,
): void {
  adamLoop(same, param, grad, expAvg, expAvgSq, maxExpAvgSq, o);
}

export function sgdStep(param: View<Handle>, grad: View<Handle>, momentumBuffer: View<Handle> | null, o: SgdStepOptions): void {
  if (param.dtype === 'float32') sgdLoop(Math.fround, param, grad, momentumBuffer, o);
  else sgdLoop64(param, grad, momentumBuffer, o);
}

function sgdLoop(R: Round, param: View<Handle>, grad: View<Handle>, momentumBuffer: View<Handle> | null, o: SgdStepOptions): void {
  const n = count(param.shape);
  const p = elements(param, n);
  const g = elements(grad, n);
  const buf = momentumBuffer === null ? null : elements(momentumBuffer, n);
  const wd = R(o.weightDecay);
  const mom = R(o.momentum);
  const keep = R(1 - o.dampening);
  const lr = R(o.lr);
  for (let i = 0; i < n; i++) {
    let d = o.maximize ? -g[i]! : g[i]!;
    const pi = p[i]!;
    if (o.weightDecay !== 0) d = R(d + R(pi * wd));
    if (buf !== null) {
      const b = o.first ? d : R(R(buf[i]! * mom) + R(d * keep));
      buf[i] = b;
      d = o.nesterov ? R(d + R(b * mom)) : b;
    }
    p[i] = R(pi - R(d * lr));
  }
}

function sgdLoop64(param: View<Handle>, grad: View<Handle>, momentumBuffer: View<Handle> | null, o: SgdStepOptions): void {
  sgdLoop(same, param, grad, momentumBuffer, o);
}
