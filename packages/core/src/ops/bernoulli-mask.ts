/**
 * Bernoulli draws with a tensor of probabilities, as ATen's
 * `bernoulli_tensor_cpu_kernel`: one uniform per element in iteration order —
 * a float32 uniform (one word) for float32 probabilities, a double (two
 * words) for float64 — and 1 where it falls below p. The uniforms do not
 * depend on p's values, so they are drawn on the host and compared on the
 * device: p is never read back on a GPU.
 */
import { assertAsync } from '../checks.js';
import { uniformValues } from '../distributions.js';
import { isFloating } from '../dtype.js';
import { tidy } from '../memory.js';
import type { Engine } from '../random.js';
import type { Tensor } from '../tensor.js';
import { composite } from './composite.js';
import { fromValues } from './dispatch.js';
import { lt } from './elementwise.js';
import { placeInOrder } from './iteration-order.js';

/** `p` as a p of a Bernoulli: a floating tensor (PyTorch's "not implemented" error otherwise). */
export function checkProbabilityDType(op: string, p: Tensor): void {
  if (!isFloating(p.dtype)) {
    throw new TypeError(
      `${op}: the probabilities must be a floating tensor ('float32' or 'float64'), got ${p.dtype} (convert with .float())`,
    );
  }
}

function outOfRange(op: string, value: number, at: number): Error {
  return new RangeError(
    `${op}: probability ${value} (element ${at} in logical order) is outside [0, 1] ` +
      `(PyTorch: "Expected p_in >= 0 && p_in <= 1 to be true, but got false.")`,
  );
}

/**
 * A bool tensor of `p`'s shape on `p`'s device: element i is `u_i < p_i`, the
 * uniforms drawn in `order` (logical order when null). Each p must lie in
 * [0, 1]: on the CPU, as in PyTorch, the draws up to the first bad element
 * are made and then the error is thrown; on a GPU the check is reported at
 * the next read (the draws are all made).
 */
export function bernoulliMask(op: string, e: Engine, p: Tensor, order: Int32Array | null): Tensor {
  checkProbabilityDType(op, p);
  const n = p.numel();
  const draw = p.dtype === 'float64' ? () => e.uniformDouble() : () => e.uniformFloat();
  if (p.backend.deferChecks) {
    const message = () => `${op}: expected every probability in [0, 1] (PyTorch: "Expected p_in >= 0 && p_in <= 1")`;
    tidy(() => assertAsync(p.ge(0).logicalAnd(p.le(1)), message));
  } else {
    const values = p.dataSync();
    for (let k = 0; k < n; k++) {
      const at = order === null ? k : order[k]!;
      const v = values[at]!;
      if (!(v >= 0 && v <= 1)) {
        for (let j = 0; j < k; j++) draw(); // PyTorch drew for the elements before the bad one
        throw outOfRange(op, v, at);
      }
    }
  }
  const uniforms = placeInOrder(uniformValues(e, n, p.dtype), order, (m) =>
    p.dtype === 'float64' ? new Float64Array(m) : new Float32Array(m),
  );
  return composite(() => lt(fromValues(uniforms, p.shape, p.dtype, p.device), p));
}
