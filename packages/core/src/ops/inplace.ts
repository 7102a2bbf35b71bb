/**
 * In-place ops: compute, then write through the view into its storage and
 * bump the version counter shared with every view of it.
 */
import { isGraphRecordingEnabled } from '../autograd/grad-mode.js';
import { checkInplaceAllowed } from '../autograd/inference.js';
import { needsGrad, record } from '../autograd/record.js';
import type { DType, TypedArray } from '../dtype.js';
import { bernoulliValues, normalValues, uniformValues } from '../random.js';
import { formatShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, expandView, isTensor, wrap } from './dispatch.js';
import { castTo } from './elementwise.js';
import { broadcastShapes } from '../shape.js';

const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };

export function checkWritable(op: string, t: Tensor): void {
  checkTensor(op, t, 'self');
  checkInplaceAllowed(op, t);
  if (t.isLeaf && t.requiresGrad && isGraphRecordingEnabled()) {
    throw new Error(`${op}: a leaf Variable that requires grad is being used in an in-place operation.`);
  }
  // An expanded tensor holds one element in several places: writing it is ambiguous (PyTorch refuses too).
  if (!t.shape.includes(0) && t.shape.some((size, d) => size > 1 && t.strides[d] === 0)) {
    throw new Error(
      `${op}: unsupported operation: more than one element of the written-to tensor (shape ${formatShape(t.shape)}, strides ${formatShape(t.strides)}) ` +
        'refers to a single memory location. Please clone() the tensor before performing the operation.',
    );
  }
}

/**
 * PyTorch rebases the graph of a view's base after an in-place op on the view
 * (CopySlices); Graft does not yet, so it refuses rather than give the base a
 * wrong gradient.
 */
function checkNotAView(op: string, t: Tensor): void {
  if (t.isView) {
    throw new Error(
      `${op}: an in-place operation on a view (shape [${t.shape.join(', ')}]) that takes part in autograd is not supported ` +
        `in Graft yet (the gradient of the viewed tensor would be wrong). Use the out-of-place op, or clone() the view first.`,
    );
  }
}

/** Writes `result` (same shape as `t`) into `t`'s view and adopts its graph node. */
export function inplace<T extends Tensor>(t: T, op: string, result: Tensor): T {
  checkWritable(op, t);
  if (result.gradFn !== null) checkNotAView(op, t);
  if (!shapesEqual(result.shape, t.shape)) {
    throw new Error(`${op}: output with shape ${formatShape(t.shape)} doesn't match the broadcast shape ${formatShape(result.shape)}`);
  }
  if (CATEGORY[result.dtype] > CATEGORY[t.dtype]) {
    throw new TypeError(`${op}: result type ${result.dtype} can't be cast to the desired output type ${t.dtype}`);
  }
  const src = castTo(result, t.dtype);
  t.backend.assign(t, src);
  if (src !== result) src.dispose();
  t.versionCounter.value++;
  if (result.gradFn !== null) t.setGradFn(result.gradFn, result.outputNr);
  else result.dispose();
  return t;
}

/**
 * Fills `t` with a value (a number, or a 0-d tensor) in place.
 *
 * @example
 * g.zeros(3).fill_(2); // tensor([2., 2., 2.])
 */
export function fill_<T extends Tensor>(t: T, value: number | boolean | Tensor): T {
  checkWritable('fill_', t);
  if (isTensor(value)) {
    if (value.ndim !== 0) throw new Error(`fill_ only supports 0-dimension value tensor but got tensor with ${value.ndim} dimensions.`);
    return copy_(t, value);
  }
  const v = Number(value);
  const scalar = wrap(
    t,
    t.backend.fill(1, t.dtype === 'int32' ? Math.trunc(v) : t.dtype === 'bool' ? (v ? 1 : 0) : v, t.dtype),
    [],
    t.dtype,
  );
  t.backend.assign(t, expandView(scalar, t.shape));
  scalar.dispose();
  t.versionCounter.value++;
  return t;
}

/**
 * Copies `src` (broadcast, cast, and moved across devices as needed) into `t`.
 *
 * @example
 * const a = g.zeros(2); a.copy_(g.tensor([1, 2])); // tensor([1., 2.])
 */
export function copy_<T extends Tensor>(t: T, src: Tensor | number): T {
  if (!isTensor(src)) return fill_(t, src);
  checkWritable('copy_', t);
  checkTensor('copy_', src, 'src');
  if (needsGrad(src)) checkNotAView('copy_', t);
  broadcastShapes('copy_', t.shape, src.shape);
  const moved = src.device === t.device ? src : src.to(t.device);
  const cast = castTo(moved, t.dtype);
  t.backend.assign(t, expandView(cast, t.shape));
  if (cast !== moved) cast.dispose();
  if (moved !== src) moved.dispose();
  t.versionCounter.value++;
  if (needsGrad(src)) record(t, 'CopyBackwards', [src], (g) => [g.to(src.device).to(src.dtype)]);
  return t;
}

function writeValues<T extends Tensor>(op: string, t: T, values: TypedArray): T {
  checkWritable(op, t);
  const tmp = wrap(t, t.backend.write(values, t.dtype), t.shape, t.dtype);
  t.backend.assign(t, tmp);
  tmp.dispose();
  t.versionCounter.value++;
  return t;
}

/**
 * Fills `t` with uniform samples in [from, to) from the seeded generator.
 *
 * @example
 * g.empty(5, 3).uniform_(-1, 1);
 */
export function uniform_<T extends Tensor>(t: T, from = 0, to = 1): T {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') throw new TypeError(`uniform_: expected a floating tensor, got ${t.dtype}`);
  if (!(from <= to)) throw new Error(`uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`);
  return writeValues('uniform_', t, uniformValues(t.numel(), t.dtype, from, to));
}

/**
 * Fills `t` with normal samples from the seeded generator.
 *
 * @example
 * g.empty(3).normal_(0, 0.1);
 */
export function normal_<T extends Tensor>(t: T, mean = 0, std = 1): T {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') throw new TypeError(`normal_: expected a floating tensor, got ${t.dtype}`);
  if (!(std >= 0)) throw new Error(`normal expects std >= 0.0, but found std ${std}`);
  return writeValues('normal_', t, normalValues(t.numel(), t.dtype, mean, std));
}

/**
 * Fills `t` with Bernoulli(p) draws (1 with probability `p`, else 0) from the
 * seeded generator, as PyTorch's CPU `bernoulli_(p)`: one double uniform per
 * element (two 32-bit words), compared below `p`. Dropout draws its mask so.
 *
 * @example
 * g.manualSeed(0);
 * g.empty(4).bernoulli_(0.5); // the mask torch.empty(4).bernoulli_(0.5) gives after torch.manual_seed(0)
 */
export function bernoulli_<T extends Tensor>(t: T, p = 0.5): T {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`bernoulli_ expects p to be in [0, 1], but got p=${p}`);
  const draws = bernoulliValues(t.numel(), p);
  const values =
    t.dtype === 'float64'
      ? Float64Array.from(draws)
      : t.dtype === 'float32'
        ? Float32Array.from(draws)
        : t.dtype === 'int32'
          ? Int32Array.from(draws)
          : draws;
  return writeValues('bernoulli_', t, values);
}
