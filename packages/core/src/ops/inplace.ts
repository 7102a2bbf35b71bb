/**
 * In-place ops: compute, then write through the view into its storage and
 * bump the version counter shared with every view of it.
 */
import { isGraphRecordingEnabled } from '../autograd/grad-mode.js';
import { checkInplaceAllowed } from '../autograd/inference.js';
import { needsGrad, record } from '../autograd/record.js';
import type { DType, TypedArray } from '../dtype.js';
import { formatShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, expandView, isTensor, wrap } from './dispatch.js';
import { castTo } from './elementwise.js';
import { broadcastShapes } from '../shape.js';
import { zerosLike } from './promotion.js';
import { checkScalar, scalarAs } from './scalar-value.js';

const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };

/** Throws unless `t` may be written in place (a live tensor, not an inference tensor outside inference mode, not a leaf that requires grad, no element held twice). */
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

/**
 * Whether writing values that do not come from `t`'s graph into `t` must cut
 * that graph: `t` takes part in autograd, so the gradient reaching its old
 * values through the overwritten elements must become zero (PyTorch's
 * FillBackward0, ZeroBackward0, CopyBackwards, …). A view cannot be cut on its
 * own (its base's graph would need rebasing, which Graft does not do yet):
 * refused before anything is written.
 */
function overwritesGraph(op: string, t: Tensor): boolean {
  if (!(isGraphRecordingEnabled() && t.requiresGrad)) return false;
  checkNotAView(op, t);
  return true;
}

/** `t`'s new values do not depend on its old ones: the gradient to them is zero (`overwritesGraph`). */
function cutGraph(t: Tensor, op: string): void {
  const name = `${op[0]!.toUpperCase()}${op.slice(1).replace(/_$/, '')}Backward0`;
  record(t, name, [t], (g) => [zerosLike(g)]);
  graphChanged(t);
}

/** `t` has a new graph node: views of its storage made before it are stale (`Tensor.checkViewGraph`). */
function graphChanged(t: Tensor): void {
  t.storage.graphEpoch++;
}

/** Writes `result` (same shape as `t`) into `t`'s view and adopts its graph node. */
export function inplace<T extends Tensor>(t: T, op: string, result: Tensor): T {
  checkWritable(op, t);
  if (result.gradFn !== null) checkNotAView(op, t);
  // A result with no graph (random values, a non-differentiable op) replaces t's values: its graph is cut.
  const cut = result.gradFn === null && overwritesGraph(op, t);
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
  if (result.gradFn !== null) {
    t.setGradFn(result.gradFn, result.outputNr);
    graphChanged(t);
  } else result.dispose();
  if (cut) cutGraph(t, op);
  return t;
}

/**
 * The in-place form of an out-of-place op: writes `compute(self)` into `t`.
 * When autograd records (`t` or one of `operands` requires grad), `compute`
 * reads a clone of `t` — PyTorch's `original_self` — so a backward that needs
 * the value `t` had before the write (sin_, mul_, exp_'s input, …) still has
 * it, instead of failing the saved-tensor version check. Without grad there is
 * no copy.
 */
export function inplaceOf<T extends Tensor>(t: T, op: string, compute: (self: Tensor) => Tensor, ...operands: unknown[]): T {
  checkWritable(op, t);
  const records = isGraphRecordingEnabled() && (t.requiresGrad || operands.some((o) => isTensor(o) && o.requiresGrad));
  if (!records) return inplace(t, op, compute(t));
  const self = t.clone();
  try {
    return inplace(t, op, compute(self));
  } finally {
    // Deferred while the recorded node holds it (Node.save pins it).
    self.dispose();
  }
}

/**
 * Fills `t` with a value (a number, or a 0-d tensor) in place.
 *
 * @example
 * g.zeros(3).fill_(2); // tensor([2., 2., 2.])
 */
export function fill_<T extends Tensor>(t: T, value: number | boolean | Tensor): T {
  return fillAs('fill_', t, value);
}

/** @internal `fill_` under another name for its errors and graph node (`zero_`: ZeroBackward0). */
export function fillAs<T extends Tensor>(op: string, t: T, value: number | boolean | Tensor): T {
  checkWritable(op, t);
  if (isTensor(value)) {
    if (value.ndim !== 0) throw new Error(`${op} only supports 0-dimension value tensor but got tensor with ${value.ndim} dimensions.`);
    return copy_(t, value);
  }
  checkScalar(op, value);
  const v = scalarAs(op, value, t.dtype);
  const cut = overwritesGraph(op, t);
  const scalar = wrap(t, t.backend.fill(1, v, t.dtype), [], t.dtype);
  t.backend.assign(t, expandView(scalar, t.shape));
  scalar.dispose();
  t.versionCounter.value++;
  if (cut) cutGraph(t, op);
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
  broadcastShapes('copy_', t.shape, src.shape);
  const fromSrc = needsGrad(src);
  if (fromSrc) checkNotAView('copy_', t);
  // t's old values get no gradient once overwritten (PyTorch's CopyBackwards gives them zeros).
  const cut = overwritesGraph('copy_', t);
  const moved = src.device === t.device ? src : src.to(t.device);
  const cast = castTo(moved, t.dtype);
  t.backend.assign(t, expandView(cast, t.shape));
  if (cast !== moved) cast.dispose();
  if (moved !== src) moved.dispose();
  t.versionCounter.value++;
  if (fromSrc || cut) {
    record(t, 'CopyBackwards', [t, src], (g) => [cut ? zerosLike(g) : null, fromSrc ? g.to(src.device).to(src.dtype) : null]);
    graphChanged(t);
  }
  return t;
}

/** Writes host `values` (in `t`'s logical order) into `t`, through its view, and bumps its version. */
export function writeValues<T extends Tensor>(op: string, t: T, values: TypedArray): T {
  checkWritable(op, t);
  const cut = overwritesGraph(op, t);
  const tmp = wrap(t, t.backend.write(values, t.dtype), t.shape, t.dtype);
  t.backend.assign(t, tmp);
  tmp.dispose();
  t.versionCounter.value++;
  if (cut) cutGraph(t, op);
  return t;
}
