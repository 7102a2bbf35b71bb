/**
 * `g.fused.activation`: a pointwise activation of `@graft/nn` (hardtanh,
 * ELU, softplus, SiLU, GELU, …) through the backend's optional `activation`
 * kernel — ATen's fused forward and backward, one pass each — where the
 * backend has it. The caller passes the activation's composite (its formula
 * op by op, what defines it on every backend), which runs instead where the
 * backend has no kernel or declines the dtype, under forward-mode AD, and for
 * the gradient under `createGraph`: a second derivative differentiates the
 * composite, so the kernel needs no derivative of its own backward.
 *
 * Composed, an activation is five to ten elementwise passes and as many
 * graph nodes; fused, it is one pass forward and one backward with one node
 * named as PyTorch names it (`HardtanhBackward0`, `EluBackward0`, …).
 *
 * @module
 */
import { grad as autogradGrad } from '../autograd/backward.js';
import { enableGrad, isGraphRecordingEnabled } from '../autograd/grad-mode.js';
import { needsGrad, record } from '../autograd/record.js';
import { forwardAdActive } from '../autograd/tangents.js';
import type { Activation } from '../backend/spec.js';
import { isFloating } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, wrap } from './dispatch.js';

/** PyTorch's node name for each kind (SELU and CELU are ELUs in ATen; relu6 is a hardtanh). */
const NODE_NAMES: Record<Activation['kind'], string> = {
  hardtanh: 'HardtanhBackward0',
  leakyRelu: 'LeakyReluBackward0',
  elu: 'EluBackward0',
  softplus: 'SoftplusBackward0',
  silu: 'SiluBackward0',
  gelu: 'GeluBackward0',
  geluTanh: 'GeluBackward0',
  hardsigmoid: 'HardsigmoidBackward0',
  hardswish: 'HardswishBackward0',
  mish: 'MishBackward0',
};

/**
 * `activation` applied to x by the backend's fused kernel (forward and
 * backward in one pass each), or `composite(x)` where the backend has no
 * such kernel or declines it. `composite` must compute the same function
 * op by op (its gradient is the kernel's within the dtype's rounding): it
 * defines the activation on backends without the kernel and gives the
 * gradient under `createGraph`. See the `Activation` type of
 * `@graft/core/backend` for each kind's formula and parameters.
 *
 * @example
 * const x = g.randn(4, { requiresGrad: true });
 * const y = g.fused.activation({ kind: 'hardtanh', min: -1, max: 1 }, x, (t) => t.clamp(-1, 1));
 * y.sum().backward(); // x.grad: 1 strictly inside (-1, 1), 0 elsewhere
 */
export function activation(activation: Activation, x: Tensor, composite: (x: Tensor) => Tensor): Tensor {
  checkTensor(`fused.activation(${activation.kind})`, x);
  const kernel = x.backend.activation;
  if (kernel === undefined || !isFloating(x.dtype) || forwardAdActive()) return composite(x);
  const handle = kernel.call(x.backend, activation, x, null);
  if (handle === null) return composite(x);
  const out = wrap(x, handle, x.shape, x.dtype);
  if (!needsGrad(x)) return out;
  return record(out, NODE_NAMES[activation.kind], [x], (g) => [activationBackward(activation, x, g, composite)], [x]);
}

/** grad·f'(x): the kernel's one pass, or under createGraph the composite's gradient (itself differentiable). */
function activationBackward(activation: Activation, x: Tensor, grad: Tensor, composite: (x: Tensor) => Tensor): Tensor {
  if (!isGraphRecordingEnabled()) {
    const handle = x.backend.activation!(activation, x, grad);
    if (handle !== null) return wrap(x, handle, x.shape, x.dtype);
  }
  // The composite re-run on the saved input, and differentiated there: its graph hangs from x's, so under
  // createGraph the gradient returned reaches x (and grad) for the next order.
  const createGraph = isGraphRecordingEnabled();
  return enableGrad(() => autogradGrad(composite(x), x, { gradOutputs: grad, createGraph })[0]!);
}
