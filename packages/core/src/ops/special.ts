/**
 * Special functions (PyTorch's `torch.special` and their `torch.` names):
 * erfc, erfinv, lgamma, digamma, polygamma, the Hurwitz zeta function, xlogy
 * and logit. The functions are backend kernels whose values at the edges are
 * PyTorch's (poles, ±1 for erfinv, signed zeros for digamma); polygamma of
 * order 2 and above is composed as PyTorch composes it, from zeta.
 */
import { needsGrad, record, wantsGrad } from '../autograd/record.js';
import { isFloating, toFloating } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { parseArgs } from './args.js';
import { composite } from './composite.js';
import { checkTensor, commonDevice, isTensor, type TensorLike } from './dispatch.js';
import { binaryForward, sub, unaryForward, where } from './elementwise.js';
import { binaryResultType, castTo, scalarValue, zerosLike } from './promotion.js';

/**
 * The complementary error function `1 - erf(x)`, accurate where erf is near
 * 1 (erfc(10) is 2.1e-45, not 0). Integers give float32.
 *
 * @example
 * g.erfc(g.tensor([0, 2])); // tensor([1.0000, 0.0047])
 */
export function erfc(x: Tensor): Tensor {
  const out = unaryForward('erfc', x);
  if (needsGrad(x)) {
    record(
      out,
      'ErfcBackward0',
      [x],
      (g) => [
        x
          .square()
          .neg()
          .exp()
          .mul(-2 / Math.sqrt(Math.PI))
          .mul(g),
      ],
      [x],
    );
  }
  return out;
}

/**
 * The inverse error function: `erf(erfinv(y)) = y` on (-1, 1), ±inf at ±1,
 * NaN beyond. Computed by PyTorch's algorithm, so its values near ±1 (where
 * float precision runs out) are PyTorch's.
 *
 * @example
 * g.erfinv(g.tensor([0, 0.5])); // tensor([0.0000, 0.4769])
 */
export function erfinv(x: Tensor): Tensor {
  const out = unaryForward('erfinv', x);
  if (needsGrad(x)) {
    record(
      out,
      'ErfinvBackward0',
      [x],
      (g) => [
        erfinv(x)
          .square()
          .exp()
          .mul(0.5 * Math.sqrt(Math.PI))
          .mul(g),
      ],
      [x],
    );
  }
  return out;
}

/**
 * `log|Γ(x)|` of each element: +inf at 0 and the negative integers (the
 * poles) and at ±inf. Integers give float32.
 *
 * @example
 * g.lgamma(g.tensor([0.5, 3])); // tensor([0.5724, 0.6931])
 */
export function lgamma(x: Tensor): Tensor {
  const out = unaryForward('lgamma', x);
  if (needsGrad(x)) record(out, 'LgammaBackward0', [x], (g) => [g.mul(digamma(x))], [x]);
  return out;
}

/**
 * The digamma function ψ(x) = d/dx log Γ(x): -inf at +0, +inf at -0, NaN
 * at the negative integers, as PyTorch (and SciPy). Integers give float32.
 *
 * @example
 * g.digamma(g.tensor([1, 0.5])); // tensor([-0.5772, -1.9635])
 */
export function digamma(x: Tensor): Tensor {
  const out = unaryForward('digamma', x);
  if (needsGrad(x)) record(out, 'DigammaBackward0', [x], (g) => [g.mul(polygamma(1, x))], [x]);
  return out;
}

/** n!, as PyTorch computes it for polygamma: exp(lgamma(n + 1)) in the tensor's precision. */
function factorialAs(n: number, float32: boolean): number {
  const lg = unaryLgammaScalar(n + 1);
  return float32 ? Math.fround(Math.exp(Math.fround(lg))) : Math.exp(lg);
}

/** lgamma of a small positive integer, exactly log((k-1)!) rounded once. */
function unaryLgammaScalar(k: number): number {
  let p = 1;
  for (let i = 2; i < k; i++) p *= i;
  return Math.log(p);
}

/**
 * The n-th derivative of the digamma function, ψ⁽ⁿ⁾(x): `polygamma(0, x)`
 * is `digamma(x)`, `polygamma(1, x)` the trigamma function; higher orders are
 * (-1)ⁿ⁺¹ n! ζ(n + 1, x), as PyTorch computes them. `n` is a non-negative
 * integer; integer tensors give float32.
 *
 * @example
 * g.polygamma(1, g.tensor([1, 2])); // tensor([1.6449, 0.6449])
 */
export function polygamma(n: number, x: Tensor): Tensor {
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new TypeError(`polygamma(): argument 'n' (position 1) must be int, not ${typeof n === 'number' ? 'float' : typeof n}`);
  }
  if (n < 0) throw new RangeError('polygamma(n, x) does not support negative n.');
  checkTensor('polygamma', x);
  let out: Tensor;
  if (n === 0) out = unaryForward('digamma', x);
  else if (n === 1) out = unaryForward('trigamma', x);
  else {
    const input = isFloating(x.dtype) ? x : castTo(x, 'float32');
    const factor = (n % 2 === 1 ? 1 : -1) * factorialAs(n, input.dtype === 'float32');
    out = composite(() => binaryForward('mul', binaryForward('zeta', n + 1, input, 'float'), factor, 'same'));
    if (input !== x) input.dispose();
  }
  if (needsGrad(x)) record(out, 'PolygammaBackward0', [x], (g) => [g.mul(polygamma(n + 1, x))], [x]);
  return out;
}

/**
 * The Hurwitz zeta function ζ(x, q) = Σₖ (k + q)^-x (PyTorch's
 * `special.zeta`); either argument may be a number. Integers give float32.
 * Differentiable in `q` only, as in PyTorch.
 *
 * @example
 * g.special.zeta(g.tensor([2, 3]), 1); // tensor([1.6449, 1.2021])
 */
export function zeta(x: TensorLike, q: TensorLike): Tensor {
  const out = binaryForward('zeta', x, q, 'float');
  if (needsGrad(x, q)) {
    const name = isTensor(x) ? (isTensor(q) ? 'SpecialZetaBackward0' : 'SpecialZetaBackward2') : 'SpecialZetaBackward1';
    record(
      out,
      name,
      [x, q],
      (g) => {
        if (wantsGrad(x)) throw new Error("the derivative for 'zeta' is not implemented.");
        return [null, wantsGrad(q) ? g.mul(isTensor(x) ? x.neg() : -scalarValue('zeta', x)).mul(zeta(addOne(x), q)) : null];
      },
      [x, q],
    );
  }
  return out;
}

function addOne(x: TensorLike): TensorLike {
  return isTensor(x) ? x.add(1) : scalarValue('zeta', x) + 1;
}

/**
 * `x · log(y)`, with 0 where x is 0 (also for y = 0) and NaN where y is NaN;
 * either argument may be a number. Integers give float32.
 *
 * @example
 * g.xlogy(g.tensor([0, 2]), g.tensor([0, 3])); // tensor([0.0000, 2.1972])
 */
export function xlogy(x: TensorLike, y: TensorLike): Tensor {
  const xIsT = isTensor(x);
  const yIsT = isTensor(y);
  if (!xIsT && !yIsT) throw new TypeError(`xlogy(): expected at least one Tensor operand, got ${typeof x} and ${typeof y}`);
  if (xIsT) checkTensor('xlogy', x, 'self');
  if (yIsT) checkTensor('xlogy', y, 'other');
  if (xIsT && yIsT) commonDevice('xlogy', x, y);
  const dtype = toFloating(binaryResultType(x, y));
  const name = xIsT ? (yIsT ? 'XlogyBackward0' : 'XlogyBackward2') : 'XlogyBackward1';
  return composite(
    () => {
      // PyTorch's kernel: NaN where y is NaN, else 0 where x is 0, else x · log(y), in the result's precision.
      if (!yIsT) {
        const yv = scalarValue('xlogy', y);
        const logy = dtype === 'float32' ? Math.fround(Math.log(Math.fround(yv))) : Math.log(yv);
        const xs = castTo(x as Tensor, dtype);
        return yv !== yv ? xs.mul(NaN) : where(xs.eq(0), 0, xs.mul(logy));
      }
      const ys = castTo(y, dtype);
      let product: Tensor;
      if (xIsT) {
        const xs = castTo(x, dtype);
        product = where(xs.eq(0), 0, xs.mul(ys.log()));
      } else {
        const xv = scalarValue('xlogy', x);
        product = xv === 0 ? zerosLike(ys) : ys.log().mul(xv);
      }
      return where(ys.isnan(), NaN, product);
    },
    {
      name,
      inputs: [x, y],
      saved: () => [x, y],
      backward: (g) => [wantsGrad(x) ? xlogyGradOfX(g, x as Tensor, y) : null, wantsGrad(y) ? g.mul(x).div(y) : null],
    },
  );
}

/**
 * The gradient of xlogy(x, y) for x as derivatives.yaml computes it:
 * `xlogy(grad, y).masked_fill((x == 0) & (y <= 0), 0)` — log(y) where the
 * gradient is nonzero, 0 where it is 0 (no 0·inf), and 0 where x is 0 and
 * log(y) would be undefined or infinite.
 */
function xlogyGradOfX(grad: Tensor, x: Tensor, y: TensorLike): Tensor {
  const outside = isTensor(y) ? x.eq(0).logicalAnd(y.le(0)) : scalarValue('xlogy', y) <= 0 ? x.eq(0) : null;
  const factor = xlogy(grad, y);
  return outside === null ? factor : where(outside, 0, factor);
}

/** Options of `logit` (PyTorch's keyword argument). */
export interface LogitOptions {
  /** Clamp the input to [eps, 1 - eps] first (default: no clamp; then inputs outside [0, 1] give NaN). */
  eps?: number | null;
}

/**
 * The log-odds `log(x / (1 - x))`: ±inf at 1 and 0, NaN outside [0, 1];
 * with `{ eps }` the input is clamped to [eps, 1 - eps] first (and the
 * gradient is 0 outside). Integers give float32.
 *
 * @example
 * g.logit(g.tensor([0.25, 0.5])); // tensor([-1.0986,  0.0000])
 * g.logit(g.tensor([0, 1]), { eps: 1e-6 }); // tensor([-13.8155,  13.8023])
 */
export function logit(x: Tensor, eps?: number | null | LogitOptions, options?: LogitOptions): Tensor {
  checkTensor('logit', x);
  const e = parseArgs('logit', [eps, options], ['eps'])['eps'];
  if (e !== undefined && e !== null && typeof e !== 'number')
    throw new TypeError(`logit(): argument 'eps' must be a number, not ${typeof e}`);
  const input = isFloating(x.dtype) ? x : castTo(x, 'float32');
  const float32 = input.dtype === 'float32';
  // PyTorch clamps to [eps, 1 - eps] with both computed in the tensor's precision; a negative eps is no eps.
  const lo = e === undefined || e === null || e < 0 ? undefined : float32 ? Math.fround(e) : e;
  const hi = lo === undefined ? undefined : float32 ? Math.fround(1 - lo) : 1 - lo;
  const out = composite(() => {
    const z = lo === undefined ? input : binaryForward('minimum', binaryForward('maximum', input, lo, 'same'), hi!, 'same');
    return binaryForward('div', z, sub(1, z), 'same').log();
  });
  if (input !== x) input.dispose();
  if (needsGrad(x)) {
    record(
      out,
      'LogitBackward0',
      [x],
      (g) => {
        const outside = lo === undefined ? x.lt(0).logicalOr(x.gt(1)) : x.lt(lo).logicalOr(x.gt(hi!));
        return [where(outside, lo === undefined ? NaN : 0, g.div(x.mul(sub(1, x))))];
      },
      [x],
    );
  }
  return out;
}
