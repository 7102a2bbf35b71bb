/**
 * Inference tensors (PyTorch's `is_inference()`): tensors whose storage was
 * made in `inferenceMode`. Views of one are inference tensors too; a view of a
 * normal tensor made in inference mode is not (the flag lives on the storage,
 * as PyTorch's lives on the TensorImpl a view shares). Outside inference mode
 * autograd refuses them where PyTorch does, with PyTorch's messages: they
 * cannot be saved for backward, changed in place, or made to require grad.
 * Each check is one field read on a path that already does more.
 */
import type { Tensor } from '../tensor.js';
import { isInferenceModeEnabled } from './grad-mode.js';

/** PyTorch's message for an in-place op on an inference tensor outside inference mode. */
export const INFERENCE_INPLACE_MESSAGE =
  'Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before ' +
  'doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.';

/** PyTorch's message for an inference tensor an op would save for backward. */
export const INFERENCE_SAVE_MESSAGE =
  'Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd.';

/** PyTorch's message for `requiresGrad_()` on an inference tensor outside inference mode. */
export const INFERENCE_REQUIRES_GRAD_MESSAGE = 'Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.';

function shapeOf(t: Tensor): string {
  return `[${t.shape.join(', ')}]`;
}

/** Throws PyTorch's error when `op` would write into an inference tensor outside inference mode. */
export function checkInplaceAllowed(op: string, t: Tensor): void {
  if (t.storage.inference && !isInferenceModeEnabled()) {
    throw new Error(`${op}: ${INFERENCE_INPLACE_MESSAGE} (the tensor of shape ${shapeOf(t)} was created in g.inferenceMode)`);
  }
}

/** Throws PyTorch's error when `requiresGrad_(true)` is called on an inference tensor outside inference mode. */
export function checkRequiresGradAllowed(t: Tensor): void {
  if (t.storage.inference && !isInferenceModeEnabled()) {
    throw new Error(`requiresGrad_: ${INFERENCE_REQUIRES_GRAD_MESSAGE} (the tensor of shape ${shapeOf(t)} was created in g.inferenceMode)`);
  }
}

/**
 * Throws PyTorch's error when a graph node named `node` would save an
 * inference tensor for backward. Called before anything is saved, so a refused
 * op pins nothing. (Ops record only outside inference mode.)
 */
export function checkSavable(node: string, saved: readonly unknown[]): void {
  for (const t of saved) {
    if (t instanceof Object && 'storage' in t && (t as Tensor).storage.inference) {
      throw new Error(
        `${node}: ${INFERENCE_SAVE_MESSAGE} (it would save a tensor of shape ${shapeOf(t as Tensor)} created in g.inferenceMode)`,
      );
    }
  }
}
