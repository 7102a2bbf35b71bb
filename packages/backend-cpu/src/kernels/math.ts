/** Scalar math JavaScript lacks or gets subtly different from PyTorch. */

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * erf to double precision: a series without cancellation for |x| < 3, and a
 * continued fraction for erfc beyond.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 6) return x > 0 ? 1 : -1;
  if (a < 3) {
    // erf(x) = 2/√π e^{-x²} Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)); every term positive.
    const x2 = a * a;
    let term = a;
    let sum = a;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    const r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    return x < 0 ? -r : r;
  }
  return x < 0 ? erfc(a) - 1 : 1 - erfc(a);
}

/** erfc(x) for x ≥ 3 by Lentz's continued fraction. */
function erfc(x: number): number {
  // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 300; n++) {
    const an = n / 2;
    d = x + an * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + an / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
}

/** Rounds half to even, as PyTorch's `round`. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** PyTorch's sign: 0 for NaN and ±0. */
export function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/** The logistic function, without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * tanh for float32 outputs: a [13/6] rational approximation (Eigen's),
 * accurate to a couple of float32 ulps and several times faster than Math.tanh.
 */
export function tanhFloat32(x: number): number {
  const clamped = x > 7.90531110763549805 ? 7.90531110763549805 : x < -7.90531110763549805 ? -7.90531110763549805 : x;
  if (Math.abs(x) < 0.0004) return x;
  const x2 = clamped * clamped;
  let p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13;
  p = x2 * p + -8.60467152213735e-11;
  p = x2 * p + 5.12229709037114e-8;
  p = x2 * p + 1.48572235717979e-5;
  p = x2 * p + 6.37261928875436e-4;
  p = x2 * p + 4.89352455891786e-3;
  p = clamped * p;
  let q = x2 * 1.19825839466702e-6 + 1.18534705686654e-4;
  q = x2 * q + 2.268434632439e-3;
  q = x2 * q + 4.89352518554385e-3;
  return p / q;
}
