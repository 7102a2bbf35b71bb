/**
 * Ops that replace values beyond bounds: `clampMin`, `clampMax` (PyTorch's
 * one-sided clamps, with their own node names) and `nanToNum`.
 */
import { needsGrad, record, wantsGrad } from '../autograd/record.js';
import { isFloating } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { isOptionsObject, parseArgs } from './args.js';
import { composite } from './composite.js';
import { checkTensor, commonDevice, isTensor } from './dispatch.js';
import { binaryForward, where } from './elementwise.js';

type Bound = number | Tensor;

function clampOneSided(op: 'clampMin' | 'clampMax', x: Tensor, bound: Bound | Record<string, unknown> | undefined): Tensor {
  checkTensor(op, x);
  const key = op === 'clampMin' ? 'min' : 'max';
  const b = parseArgs(op, [bound], [key])[key];
  if (typeof b !== 'number' && !isTensor(b)) {
    throw new TypeError(
      `${op}(): argument '${key}' must be a number or a Tensor, not ${b === undefined || b === null ? 'None' : isOptionsObject(b) ? 'an options object' : typeof b}`,
    );
  }
  if (isTensor(b)) commonDevice(op, x, checkTensor(op, b, key));
  const lower = op === 'clampMin';
  const out = binaryForward(lower ? 'maximum' : 'minimum', x, b, 'same');
  if (needsGrad(x, b)) {
    const base = lower ? 'ClampMinBackward' : 'ClampMaxBackward';
    if (!isTensor(b)) {
      record(out, `${base}0`, [x], (g) => [where(lower ? x.ge(b) : x.le(b), g, 0)], [x]);
    } else {
      record(
        out,
        `${base}1`,
        [x, b],
        (g) => {
          // PyTorch's masks: where(x >= min, grad, 0) and where(x < min, grad, 0) (NaN in x feeds neither).
          const keep = lower ? x.ge(b) : x.le(b);
          const beyond = lower ? x.lt(b) : x.gt(b);
          return [wantsGrad(x) ? where(keep, g, 0) : null, wantsGrad(b) ? where(beyond, g, 0) : null];
        },
        [x, b],
      );
    }
  }
  return out;
}

/** Options of `clampMin` (PyTorch's keyword argument). */
export interface ClampMinOptions {
  /** The lower bound: a number or a tensor (broadcast). */
  min?: number | Tensor;
}
/** Options of `clampMax` (PyTorch's keyword argument). */
export interface ClampMaxOptions {
  /** The upper bound: a number or a tensor (broadcast). */
  max?: number | Tensor;
}

/**
 * `max(x, min)` elementwise: `clamp` with only a lower bound (a number or a
 * tensor), recorded as PyTorch's `ClampMinBackward`; NaN stays NaN.
 *
 * @example
 * g.clampMin(g.tensor([-1, 2]), 0); // tensor([0., 2.])
 */
export function clampMin(x: Tensor, min: Bound | ClampMinOptions): Tensor {
  return clampOneSided('clampMin', x, min as Bound);
}

/**
 * `min(x, max)` elementwise: `clamp` with only an upper bound, recorded as
 * PyTorch's `ClampMaxBackward`.
 *
 * @example
 * g.clampMax(g.tensor([-1, 2]), 1); // tensor([-1.,  1.])
 */
export function clampMax(x: Tensor, max: Bound | ClampMaxOptions): Tensor {
  return clampOneSided('clampMax', x, max as Bound);
}

/** Options of `nanToNum` (PyTorch's keyword arguments). */
export interface NanToNumOptions {
  /** The value for NaN (default 0). */
  nan?: number;
  /** The value for +inf (default: the largest finite value of the dtype). */
  posinf?: number | null;
  /** The value for -inf (default: the lowest finite value of the dtype). */
  neginf?: number | null;
}

const LARGEST = { float32: 3.4028234663852886e38, float64: Number.MAX_VALUE };

/**
 * Replaces NaN, +inf and -inf by finite numbers (by default 0 and the
 * dtype's largest and lowest finite values). Integer and bool tensors come
 * back as a copy. The gradient is zero where the input was not finite.
 *
 * @example
 * g.nanToNum(g.tensor([NaN, Infinity, -Infinity, 1])); // tensor([ 0.0000e+00,  3.4028e+38, -3.4028e+38,  1.0000e+00])
 * g.nanToNum(g.tensor([NaN, Infinity]), { nan: -1, posinf: 100 }); // tensor([ -1., 100.])
 */
export function nanToNum(
  x: Tensor,
  nan?: number | NanToNumOptions,
  posinf?: number | null,
  neginf?: number | null,
  options?: NanToNumOptions,
): Tensor {
  checkTensor('nanToNum', x);
  const args = parseArgs('nanToNum', [nan, posinf, neginf, options], ['nan', 'posinf', 'neginf']);
  for (const key of ['nan', 'posinf', 'neginf']) {
    const v = args[key];
    if (v !== undefined && v !== null && typeof v !== 'number')
      throw new TypeError(`nanToNum(): argument '${key}' must be a number, not ${typeof v}`);
  }
  if (!isFloating(x.dtype)) return x.clone();
  const large = LARGEST[x.dtype as 'float32' | 'float64'];
  const nanValue = (args['nan'] as number | null | undefined) ?? 0;
  const pos = (args['posinf'] as number | null | undefined) ?? large;
  const neg = (args['neginf'] as number | null | undefined) ?? -large;
  return composite(() => where(x.isnan(), nanValue, where(x.eq(Infinity), pos, where(x.eq(-Infinity), neg, x))), {
    name: 'NanToNumBackward0',
    inputs: [x],
    saved: () => [x],
    backward: (g) => [g.mul(x.isfinite())],
  });
}
