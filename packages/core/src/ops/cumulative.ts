/**
 * Cumulative ops along a dim beyond `cumsum` (reduce.ts): `cumprod`, with
 * PyTorch's gradient where the input holds zeros, and `logcumsumexp`.
 */
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { needsGrad, record } from '../autograd/record.js';
import { type DType, isFloating, sumDType } from '../dtype.js';
import { tidy } from '../memory.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { dimArg, dtypeArg, parseArgs } from './args.js';
import { composite } from './composite.js';
import { checkTensor, fromValues, wrap } from './dispatch.js';
import { exactFloat, int32Exact } from './integer.js';
import { cat } from './movement.js';
import { castTo } from './promotion.js';
import { where } from './where.js';

/** Keyword arguments of `cumprod`: the dim, and the dtype to compute and return in. */
export interface CumprodOptions {
  dim?: number;
  dtype?: DType;
}

/**
 * Cumulative product along `dim`: `out[i] = x[0] · x[1] · … · x[i]`.
 * Integers and bools multiply to int32, exactly or raising (as `prod`);
 * `{ dtype }` casts first. The gradient is PyTorch's, exact where the input
 * holds zeros, and differentiable again.
 *
 * @example
 * g.cumprod(g.tensor([1, 2, 3, 4]), 0); // tensor([ 1.,  2.,  6., 24.])
 */
export function cumprod(x: Tensor, dim: number | CumprodOptions, options?: CumprodOptions): Tensor {
  checkTensor('cumprod', x);
  const a = parseArgs('cumprod', [dim, options], ['dim'], ['dtype']);
  const dtype = dtypeArg('cumprod', a['dtype']);
  const src = dtype === undefined || dtype === x.dtype ? x : x.to(dtype);
  const d = normalizeDim('cumprod', dimArg('cumprod', a['dim'])!, src.ndim);
  const axis = src.ndim === 0 ? 0 : d;
  let out: Tensor;
  if (src.dtype === 'int32' || src.dtype === 'bool') {
    out = composite(() => {
      const wide = castTo(src, exactFloat(src.backend));
      const exact = wrap(src, src.backend.cumulative('cumprod', wide, axis, wide.dtype), src.shape, wide.dtype);
      return int32Exact('cumprod', exact, `x.double().cumprod(dim) or x.cumprod(dim, { dtype: 'float64' })`);
    });
  } else {
    out = wrap(src, src.backend.cumulative('cumprod', src, axis, sumDType(src.dtype)), src.shape, src.dtype);
  }
  if (needsGrad(src)) record(out, 'CumprodBackward0', [src], (g) => [cumprodGrad(src, out, g, axis)], [src, out]);
  if (src !== x) src.dispose();
  return out;
}

/**
 * PyTorch's cumprod_backward. Without zeros: the reversed cumsum of g · out,
 * divided by x. With zeros, for a first derivative, O(n) per line: before the
 * first zero z the same formula holds; at z the gradient is
 * Π_{j<z} x_j · Σ_{i≥z} g_i Π_{z<j≤i} x_j; after it, 0. For a second
 * derivative (createGraph), as PyTorch, the O(n²) sum of exclusive products
 * dx_k = Σ_{i≥k} g_i Π_{j≤i, j≠k} x_j, which differentiates again.
 */
function cumprodGrad(x: Tensor, out: Tensor, g: Tensor, d: number): Tensor {
  return composite(() => {
    if (x.ndim === 0 || x.shape[d]! <= 1) return g;
    const hasZero = noGrad(() => tidy(() => x.eq(0).any().item()));
    const reversedCumsum = (t: Tensor) => t.flip(d).cumsum(d).flip(d);
    if (!hasZero) return reversedCumsum(g.mul(out)).div(x);
    if (!isGradEnabled()) {
      const isZero = x.eq(0);
      const zerosSoFar = isZero.cumsum(d); // 0 before the first zero, 1 from it to the second, …
      const before = zerosSoFar.eq(0);
      const firstZero = isZero.logicalAnd(zerosSoFar.eq(1));
      // Π_{j<z} x_j: the product of what comes before the first zero.
      const prefix = where(before, x, 1).prod(d, true);
      // Σ_{i≥z} g_i Π_{z<j≤i} x_j: x with the first zero (and all before it) taken as 1.
      const tail = cumprod(where(before.logicalOr(firstZero), 1, x), d);
      const fromZero = zerosSoFar.ge(1);
      const atZero = prefix.mul(where(fromZero, g.mul(tail), 0).sum(d, true));
      const beforeZero = reversedCumsum(g.mul(out)).div(where(before, x, 1));
      return where(before, beforeZero, where(firstZero, atZero, 0));
    }
    const n = x.shape[d]!;
    const last = x.ndim - 1;
    const xl = x.transpose(d, last);
    const gl = g.transpose(d, last);
    const diagonal = new Uint8Array(n * n);
    const upper = new Uint8Array(n * n);
    for (let k = 0; k < n; k++) {
      diagonal[k * n + k] = 1;
      for (let i = k; i < n; i++) upper[k * n + i] = 1;
    }
    const eye = fromValues(diagonal, [n, n], 'bool', x.device);
    const later = fromValues(upper, [n, n], 'bool', x.device);
    const rows = where(eye, 1, xl.unsqueeze(-2)); // rows[k][j] = j == k ? 1 : x_j
    const products = cumprod(rows, -1); // Π_{j≤i, j≠k} x_j
    const dx = where(later, products.mul(gl.unsqueeze(-2)), 0).sum(-1);
    return dx.transpose(d, last);
  });
}

/** Keyword arguments of `logcumsumexp`. */
export interface LogcumsumexpOptions {
  dim?: number;
}

/**
 * `log(cumsum(exp(x)))` along `dim`, computed without overflow or underflow
 * (each step is PyTorch's stable log-add-exp; ±inf and NaN as PyTorch);
 * floating tensors only. PyTorch's `torch.logcumsumexp`.
 *
 * @example
 * g.logcumsumexp(g.tensor([0, 0, 1000]), 0); // tensor([0.0000e+00, 6.9315e-01, 1.0000e+03])
 */
export function logcumsumexp(x: Tensor, dim: number | LogcumsumexpOptions, options?: LogcumsumexpOptions): Tensor {
  checkTensor('logcumsumexp', x);
  const a = parseArgs('logcumsumexp', [dim, options], ['dim']);
  const d = normalizeDim('logcumsumexp', dimArg('logcumsumexp', a['dim'])!, x.ndim);
  if (!isFloating(x.dtype)) throw new TypeError(`logcumsumexp(): not implemented for '${x.dtype}' (convert with .float())`);
  const out = composite(() => logcumsumexpScan(x, d));
  record(out, 'LogcumsumexpBackward0', [x], (g) => [logcumsumexpGrad(g, x, out, d)], [x, out]);
  return out;
}

/**
 * An inclusive scan by doubling (Hillis–Steele): after the step with shift s,
 * position i holds the log-sum-exp of positions i−2s+1…i; log₂ n steps of
 * PyTorch's two-operand log-add-exp. Not recorded.
 */
function logcumsumexpScan(x: Tensor, d: number): Tensor {
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  if (n <= 1 || x.numel() === 0) return x.clone();
  let acc = x;
  for (let shift = 1; shift < n; shift *= 2) {
    const before = wrap(x, x.backend.fill(1, -Infinity, x.dtype), [], x.dtype).expand(acc.shape.map((s, k) => (k === d ? shift : s)));
    const shifted = cat([before, acc.narrow(d, 0, n - shift)], d);
    acc = logAddExp(acc, shifted);
  }
  return acc;
}

/**
 * PyTorch's `_log_add_exp_helper`: max + log1p(exp(min − max)), except where
 * both are the same infinity (then that infinity). NaN propagates.
 */
function logAddExp(a: Tensor, b: Tensor): Tensor {
  const hi = a.maximum(b);
  const lo = a.minimum(b);
  const same = lo.eq(hi).logicalAnd(lo.isfinite().logicalNot());
  return where(same, hi, lo.sub(hi).exp().log1p().add(hi));
}

/**
 * PyTorch's logcumsumexp_backward (after TensorFlow's): the positive and
 * negative parts of the gradient in log space, reverse-scanned — O(n), but
 * not differentiable in the gradient where it is 0. So for a derivative of
 * the rule itself (createGraph, and forward mode, which differentiates the
 * rule at a zero gradient) the same dx_j = Σ_{i≥j} g_i exp(x_j − out_i) is
 * taken as an n×n weighted sum, linear in g (every weight ≤ 1: out is
 * non-decreasing), as cumprod's second derivative is.
 */
function logcumsumexpGrad(grad: Tensor, self: Tensor, result: Tensor, d: number): Tensor {
  return composite(() => {
    if (grad.ndim === 0 || grad.numel() === 0) return grad;
    if (isGradEnabled()) {
      const n = self.shape[d]!;
      const last = self.ndim - 1;
      const upper = new Uint8Array(n * n);
      for (let j = 0; j < n; j++) for (let i = j; i < n; i++) upper[j * n + i] = 1;
      const later = fromValues(upper, [n, n], 'bool', self.device);
      // [..., j, i] = x_j − out_i for i ≥ j; −inf elsewhere (exp gives 0 there, and a zero derivative).
      const exponent = where(later, self.transpose(d, last).unsqueeze(-1).sub(result.transpose(d, last).unsqueeze(-2)), -Infinity);
      const dx = exponent.exp().mul(grad.transpose(d, last).unsqueeze(-2)).sum(-1);
      return dx.transpose(d, last);
    }
    const lowest = grad.dtype === 'float64' ? -Number.MAX_VALUE : -3.4028234663852886e38;
    const reverse = (t: Tensor) => logcumsumexp(t.flip(d), d).flip(d);
    const logPositive = where(grad.gt(0), grad.log(), lowest);
    const logNegative = where(grad.lt(0), grad.neg().log(), lowest);
    const outPositive = reverse(logPositive.sub(result)).add(self).exp();
    const outNegative = reverse(logNegative.sub(result)).add(self).exp();
    return outPositive.sub(outNegative);
  });
}
