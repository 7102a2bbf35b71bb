/**
 * Integer arithmetic without silent wrap-around. int32 is Graft's integer
 * type where PyTorch's is int64, so a result PyTorch holds exactly may not fit:
 * integer sums, products, cumulative sums, matrix products and elementwise
 * add/sub/mul/pow/neg/abs are computed exactly in floating point (float64:
 * exact for every int32 operand and every result that fits), and a result
 * outside int32 raises an error that names the op and says how to get the
 * value (`.double()` first) — never a wrapped number.
 *
 * The check reads the result's range: at once on the CPU; on a GPU it runs
 * there and is reported at the next read (`assertAsync`), as index bounds are.
 */
import { noGrad } from '../autograd/grad-mode.js';
import type { Backend } from '../backend/spec.js';
import { assertAsync } from '../checks.js';
import type { DType } from '../dtype.js';
import { tidy } from '../memory.js';
import type { Tensor } from '../tensor.js';

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/**
 * The float dtype integers are computed in on `backend`: float64 (exact for
 * every int32 operand, and for every sum or product that fits int32), or
 * float32 on a device without float64 (where int32 is stored as float32
 * anyway, exact below 2^24).
 */
export function exactFloat(backend: Backend): DType {
  return backend.supportsFloat64 ? 'float64' : 'float32';
}

/**
 * `wide` (an integer-valued float tensor holding an op's exact result) as
 * int32; throws when a value does not fit, naming `op` and giving `howToGetIt`
 * (e.g. `"x.double().sum() or x.sum({ dtype: 'float64' })"`). Fractions are
 * truncated toward zero (integer pow with a negative exponent). Disposes `wide`.
 */
export function int32Exact(op: string, wide: Tensor, howToGetIt: string): Tensor {
  const describe = (value?: number) =>
    `${op}(): the result${value !== undefined ? ` (${value})` : ''} does not fit in int32, Graft's integer type ` +
    `(PyTorch's int64 would hold it exactly; Graft never wraps around silently). To get it, compute in floating point: ${howToGetIt}` +
    (wide.backend.supportsFloat64 ? '' : ` (on '${wide.device}', which has no float64, .float() gives it to float32 precision)`);
  if (wide.numel() !== 0) {
    // Compared with -2^31 and 2^31, which float32 holds exactly (2^31 - 1 would round up to 2^31 there).
    const inRange = noGrad(() => {
      const low = wide.ge(INT32_MIN);
      const high = wide.lt(INT32_MAX + 1);
      const both = low.logicalAnd(high);
      low.dispose();
      high.dispose();
      return both;
    });
    try {
      if (wide.backend.deferChecks) assertAsync(inRange, () => describe());
      else if (!noGrad(() => tidy(() => inRange.all().item()))) {
        const values = wide.dataSync();
        const bad = values.find((v) => !(v >= INT32_MIN && v <= INT32_MAX));
        throw new RangeError(describe(bad));
      }
    } catch (e) {
      wide.dispose();
      throw e;
    } finally {
      inRange.dispose();
    }
  }
  const out = noGrad(() => wide.to('int32'));
  wide.dispose();
  return out;
}
