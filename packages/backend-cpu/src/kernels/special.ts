/**
 * The special functions behind the hyperbolic, inverse trigonometric,
 * gamma-family, erfc and erfinv kernels, as PyTorch's CPU kernels compute them.
 *
 * Three kinds of agreement, one per function:
 * - Where PyTorch's result is (within an ulp) the correctly rounded value
 *   (asin, atan, log2, tan, …) a double result is rounded once to the output
 *   dtype: JavaScript's Math functions are accurate to an ulp.
 * - Where PyTorch's vectorised (SLEEF) functions saturate or round differently
 *   in a way users see, the same cut-offs are reproduced: float32 sinh and
 *   cosh overflow where e^|x| does (|x| ≥ 88.7228, not 89.4), float32 lgamma
 *   overflows from 4.0371e36, erfc(x < 0) is `2 - erfc(-x)` rounded twice
 *   (erfc(-1e-7) is exactly 1 in float32).
 * - Where PyTorch evaluates an algorithm of its own (calc_digamma, trigamma,
 *   zeta, calc_erfinv in ATen's Math.h), that algorithm is evaluated here step
 *   by step in the tensor's precision (`Math.fround` after every float32
 *   operation), so results agree where the algorithm itself is inexact:
 *   erfinv near ±1 is off from the true value by up to 100 float32 ulps in
 *   PyTorch, and here by the same amount. PyTorch compiles these kernels with
 *   fused multiply-adds; core's correctly rounded `fma32`/`fma64` reproduce
 *   them, infinite products and sums included.
 *
 * lgamma and erfc are computed to about an ulp of double precision by methods
 * of our own (series of ζ(k) around 1 and 2, Stirling's series, a Taylor
 * expansion of erfcx around tabulated nodes), since PyTorch's (SLEEF's) are
 * accurate to an ulp too.
 */
import { fma32, fma64 } from '@graft/core/backend';
import { pow } from './math.js';

// ---------------------------------------------------------------- helpers

const f = Math.fround;

/**
 * a · b as an exact sum hi + lo: hi the rounded product, lo its error (one fused multiply-add gives it
 * exactly). An infinite product is its own value with no error term, so infinities pass through the
 * double-double helpers below instead of turning into NaN (inf − inf).
 */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  return [p, Number.isFinite(p) ? fma64(a, b, -p) : 0];
}

/** a + b as an exact sum hi + lo (Knuth's two-sum); an infinite or NaN sum has no error term. */
function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  if (!Number.isFinite(s)) return [s, 0];
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

/** sin(πx) for finite x, accurate to an ulp (the argument is reduced exactly first). */
function sinpi(x: number): number {
  let r = x - 2 * Math.round(x / 2); // exact, in [-1, 1]
  let sign = 1;
  if (r < 0) {
    r = -r;
    sign = -1;
  }
  if (r > 0.5) r = 1 - r; // sin(π(1 - r)) = sin(πr); exact (Sterbenz)
  const s = r <= 0.25 ? Math.sin(Math.PI * r) : Math.cos(Math.PI * (0.5 - r));
  return sign * s;
}

// ---------------------------------------------------------------- sinh, cosh

/** From this |x| on, PyTorch's float32 sinh and cosh are infinite: SLEEF computes e^|x| first, which overflows float32 here. */
const SINH_OVERFLOW_F32 = 88.72283935546875;
/** The same for float64. */
const SINH_OVERFLOW_F64 = 709.7827128933841;

export function sinh32(x: number): number {
  return x >= SINH_OVERFLOW_F32 ? Infinity : x <= -SINH_OVERFLOW_F32 ? -Infinity : Math.sinh(x);
}
export function sinh64(x: number): number {
  return x >= SINH_OVERFLOW_F64 ? Infinity : x <= -SINH_OVERFLOW_F64 ? -Infinity : Math.sinh(x);
}
export function cosh32(x: number): number {
  return Math.abs(x) >= SINH_OVERFLOW_F32 ? Infinity : Math.cosh(x);
}
export function cosh64(x: number): number {
  return Math.abs(x) >= SINH_OVERFLOW_F64 ? Infinity : Math.cosh(x);
}

// ---------------------------------------------------------------- lgamma

/** lgamma(1 + z) = Σ c_k z^k: c_1 = -γ, c_k = (-1)^k ζ(k)/k (|z| ≤ 1/2 here). */
const LGAMMA_AT_1 = [
  -0.5772156649015329, 0.8224670334241132, -0.40068563438653143, 0.27058080842778454, -0.20738555102867398, 0.1695571769974082,
  -0.1440498967688461, 0.12550966952474304, -0.11133426586956469, 0.1000994575127818, -0.09095401714582904, 0.083353840546109,
  -0.0769325164113522, 0.07143294629536133, -0.06666870588242046, 0.06250095514121304, -0.058823978658684585, 0.055555767627403614,
  -0.05263167937961666, 0.05000004769810169, -0.047619070330142226, 0.04545455629320467, -0.04347826605304026, 0.04166666915034121,
  -0.04000000119214014, 0.03846153903467518, -0.037037037312989324, 0.035714285847333355, -0.034482758684919304, 0.03333333336437758,
  -0.03225806453115042, 0.03125000000727597, -0.030303030306558044, 0.029411764707594344, -0.02857142857226011, 0.027777777778181998,
  -0.027027027027223673, 0.02631578947377995, -0.025641025641072283, 0.025000000000022737, -0.024390243902450117, 0.023809523809529224,
  -0.023255813953491015, 0.02272727272727402, -0.022222222222222855, 0.021739130434782917, -0.021276595744681003, 0.02083333333333341,
  -0.02040816326530616, 0.020000000000000018, -0.019607843137254912, 0.019230769230769235, -0.01886792452830189, 0.01851851851851852,
  -0.01818181818181818, 0.017857142857142856,
];
/** lgamma(2 + z) = Σ d_k z^k: d_1 = 1 - γ, d_k = (-1)^k (ζ(k) - 1)/k (|z| ≤ 1/2 here). */
const LGAMMA_AT_2 = [
  0.42278433509846713, 0.3224670334241132, -0.0673523010531981, 0.020580808427784546, -0.007385551028673986, 0.0028905103307415234,
  -0.001192753911703261, 0.0005096695247430425, -0.00022315475845357939, 9.945751278180853e-5, -4.492623673813314e-5, 2.050721277567069e-5,
  -9.439488275268397e-6, 4.374866789907488e-6, -2.039215753801366e-6, 9.55141213040742e-7, -4.492469198764566e-7, 2.1207184805554665e-7,
  -1.0043224823968099e-7, 4.7698101693639804e-8, -2.2711094608943164e-8, 1.0838659214896955e-8, -5.183475041970047e-9,
  2.4836745438024785e-9, -1.1921401405860912e-9, 5.731367241678862e-10, -2.7595228851242334e-10, 1.330476437424449e-10,
  -6.4229645638381e-11, 3.1044247747322276e-11, -1.5021384080754142e-11, 7.275974480239079e-12, -3.527742476575915e-12,
  1.711991790559618e-12, -8.315385841420285e-13, 4.04220052528944e-13, -1.9664756310966165e-13, 9.573630387838556e-14,
  -4.6640760264283744e-14, 2.2737369600659724e-14,
];
/** Stirling's series: B_2k / (2k(2k - 1)), k = 1…8. */
const STIRLING = [
  0.08333333333333333, -0.002777777777777778, 0.0007936507936507937, -0.0005952380952380953, 0.0008417508417508417, -0.0019175269175269176,
  0.00641025641025641, -0.029550653594771242,
];
const HALF_LOG_2PI = 0.9189385332046728;
const LOG_PI = 1.1447298858494002;

/** Σ_{k≥1} c[k-1] z^k by Horner. */
function series(c: readonly number[], z: number): number {
  let p = c[c.length - 1]!;
  for (let k = c.length - 2; k >= 0; k--) p = p * z + c[k]!;
  return p * z;
}

/** log|p| for a product p = hi + lo held as a double-double. */
function logDD(hi: number, lo: number): number {
  return Math.log(Math.abs(hi)) + lo / hi;
}

/** Π (x + k) for k = from…to (each factor exact), as a double-double. */
function productDD(x: number, from: number, to: number): [number, number] {
  let hi = x + from;
  let lo = 0;
  for (let k = from + 1; k <= to; k++) {
    const v = x + k;
    const [p, e] = twoProduct(hi, v);
    [hi, lo] = twoSum(p, lo * v + e);
  }
  return [hi, lo];
}

/** Stirling's series for x ≥ 30. */
function lgammaStirling(x: number): number {
  const logx = Math.log(x);
  const r = 1 / x;
  const r2 = r * r;
  let s = STIRLING[STIRLING.length - 1]!;
  for (let k = STIRLING.length - 2; k >= 0; k--) s = s * r2 + STIRLING[k]!;
  const main = x < 1e300 ? (x - 0.5) * logx - x : x * (logx - 1) - 0.5 * logx;
  return main + (HALF_LOG_2PI + s * r);
}

/**
 * log|Γ(x)| in double precision, to about an ulp: +inf at the poles (0 and
 * the negative integers) and at ±inf. Between -40 and 30, x is carried
 * exactly to z near 1 or 2 (every x + k is exact) and lgamma is the series at
 * 1 or 2 plus the log of the product of the steps, in double-double, so there
 * is no cancellation away from lgamma's own roots; Stirling beyond 30, the
 * reflection formula below -40.
 */
export function lgamma64(x: number): number {
  if (x !== x) return x;
  if (x === Infinity || x === -Infinity) return Infinity;
  if (x <= 0 && x === Math.floor(x)) return Infinity;
  if (x >= 30) return lgammaStirling(x);
  if (x <= -40) return LOG_PI - Math.log(Math.abs(sinpi(x))) - lgamma64(1 - x); // Γ(x) Γ(1 - x) = π / sin(πx)
  if (x < -0.5) {
    // Γ(x) = Γ(1 + z) / Π_{k=0..m} (x + k) with z = x + m in [-0.5, 0.5].
    const m = Math.round(-x);
    const [hi, lo] = productDD(x, 0, m);
    return series(LGAMMA_AT_1, x + m) - logDD(hi, lo);
  }
  if (x < 0.5) return series(LGAMMA_AT_1, x) - Math.log(Math.abs(x)); // lgamma(x) = lgamma(1 + x) - log|x|
  if (x < 1.5) return series(LGAMMA_AT_1, x - 1) + 0; // + 0: lgamma(1) is +0, as PyTorch's
  if (x < 2.5) return series(LGAMMA_AT_2, x - 2) + 0;
  // Γ(x) = (x-1)(x-2)…(x-n) Γ(x-n) with x - n in [1.5, 2.5).
  const n = Math.floor(x - 1.5);
  const [hi, lo] = productDD(x, -n, -1);
  return series(LGAMMA_AT_2, x - n - 2) + logDD(hi, lo);
}

/** From here on PyTorch's float32 lgamma (SLEEF's) is infinite; the true value overflows float32 only at 4.085e36. */
const LGAMMA_OVERFLOW_F32 = 4.0371103180829464e36;

export function lgamma32(x: number): number {
  return x >= LGAMMA_OVERFLOW_F32 ? Infinity : lgamma64(x);
}

// ---------------------------------------------------------------- digamma, trigamma, zeta (ATen's algorithms)

/** ATen's polevl with fused multiply-adds: Σ A[i] x^(len - i). */
function polevl32(x: number, a: readonly number[]): number {
  let r = 0;
  for (const c of a) r = fma32(r, x, c);
  return r;
}
function polevl64(x: number, a: readonly number[]): number {
  let r = 0;
  for (const c of a) r = fma64(r, x, c);
  return r;
}

const DIGAMMA_A = [
  0.08333333333333333, -0.021092796092796094, 0.007575757575757576, -0.004166666666666667, 0.003968253968253968, -0.008333333333333333,
  0.08333333333333333,
];
const DIGAMMA_A32 = DIGAMMA_A.map(f);
const PSI_10 = 2.251752589066721;

/** ATen's calc_digamma(double): ±inf at ±0 (with the sign of -x), NaN at negative integers. */
export function digamma64(x: number): number {
  if (x === 0) return 1 / x < 0 ? Infinity : -Infinity;
  if (x < 0) {
    if (x === Math.trunc(x)) return NaN;
    const r = x - Math.trunc(x); // modf's fractional part
    return digamma64(1 - x) - Math.PI / tanCR(Math.PI * r);
  }
  let result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  if (x === 10) return result + PSI_10;
  let y = 0;
  if (x < 1e17) {
    const z = 1 / (x * x);
    y = z * polevl64(z, DIGAMMA_A);
  }
  return result + logCR(x) - 0.5 / x - y;
}

/** ATen's calc_digamma(float), every step in float32. */
export function digamma32(x: number): number {
  if (x === 0) return 1 / x < 0 ? Infinity : -Infinity;
  if (x < 0) {
    if (x === Math.trunc(x)) return NaN;
    const r = x - Math.trunc(x);
    const piOverTan = f(Math.PI / Math.tan(Math.PI * r)); // in double, then rounded
    return f(digamma32(f(1 - x)) - piOverTan);
  }
  let result = 0;
  while (x < 10) {
    result = f(result - f(1 / x));
    x = f(x + 1);
  }
  if (x === 10) return f(result + f(PSI_10));
  let y = 0;
  if (x < 1e17) {
    const z = f(1 / f(x * x));
    y = f(z * polevl32(z, DIGAMMA_A32));
  }
  return f(f(f(result + f(Math.log(x))) - f(0.5 / x)) - y);
}

/** ATen's trigamma(double): polygamma(1, x). */
export function trigamma64(x: number): number {
  let sign = 1;
  let result = 0;
  if (x < 0.5) {
    sign = -1;
    const s = sinCR(Math.PI * x);
    result -= (Math.PI * Math.PI) / (s * s);
    x = 1 - x;
  }
  for (let i = 0; i < 6; i++) {
    result += 1 / (x * x);
    x += 1;
  }
  const ixx = 1 / (x * x);
  result += (1 + 1 / (2 * x) + ixx * fma64(-ixx, fma64(-ixx, 1 / 42, 1 / 30), 1 / 6)) / x;
  return sign * result;
}

const PI32 = f(Math.PI);

/** ATen's trigamma(float), every step in float32. */
export function trigamma32(x: number): number {
  let sign = 1;
  let result = 0;
  if (x < 0.5) {
    sign = -1;
    const s = f(Math.sin(f(PI32 * x)));
    result = f(result - f(f(PI32 * PI32) / f(s * s)));
    x = f(1 - x);
  }
  for (let i = 0; i < 6; i++) {
    result = f(result + f(1 / f(x * x)));
    x = f(x + 1);
  }
  const ixx = f(1 / f(x * x));
  const inner = fma32(-ixx, fma32(-ixx, f(1 / 42), f(1 / 30)), f(1 / 6));
  const num = fma32(ixx, inner, f(1 + f(1 / f(2 * x))));
  result = f(result + f(num / x));
  return f(sign * result);
}

const ZETA_A = [
  12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1892437580.3183792, 7.47242496e10, -2950130727918.164, 116467828143500.67,
  -4597978722407473.0, 1.8152105401943546e17, -7.166165256175667e18,
];
const MACHEP = 1.1102230246251565e-16;

/** ATen's Hurwitz zeta(x, q) = Σ_k (k + q)^-x, in double (also for float32 tensors, as PyTorch: its accumulate type). */
export function zeta(x: number, q: number): number {
  if (x === 1) return Infinity;
  if (x < 1) return NaN;
  if (q <= 0) {
    if (q === Math.floor(q)) return Infinity;
    if (x !== Math.floor(x)) return NaN;
  }
  let s = pow(q, -x); // C's pow: 1 ** -inf is 1
  let a = q;
  let i = 0;
  let b = 0;
  while (i < 9 || a <= 9) {
    i += 1;
    a += 1;
    b = pow(a, -x);
    s += b;
    if (-MACHEP * s < b && b < MACHEP * s) return s;
  }
  const w = a;
  s += (b * w) / (x - 1);
  s = fma64(-0.5, b, s);
  a = 1;
  let k = 0;
  for (let j = 0; j < 12; j++) {
    a *= x + k;
    b /= w;
    let t = (a * b) / ZETA_A[j]!;
    s = s + t;
    t = Math.abs(t / s);
    if (t < MACHEP) return s;
    k += 1;
    a *= x + k;
    b /= w;
    k += 1;
  }
  return s;
}

// ---------------------------------------------------------------- erf, erfc

// erf and erfc are computed in double-double and rounded once at the end, so
// they are correctly rounded but in rare ties: PyTorch's erfc is accurate to
// 1.5 ulps and its erfinv's Newton steps use glibc's erf, accurate to an ulp.

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const TWO_OVER_SQRT_PI_LO = 1.533545961316588e-17;
const INV_SQRT_PI = 0.5641895835477563;
const INV_SQRT_PI_LO = 7.66772980658294e-18;
/** erf(x) = 2/√π (x + Σ_{n≥1} ERF_SERIES[n-1] x^(2n+1) / (2/√π)): the Taylor coefficients (-1)^n 2/√π / (n! (2n+1)). */
const ERF_SERIES = [
  -0.37612638903183754, 0.11283791670955126, -0.026866170645131252, 0.005223977625442188, -0.0008548327023450853, 0.00012055332981789664,
  -1.492565035840625e-5, 1.6462114365889248e-6, -1.6365844691234924e-7, 1.4807192815879218e-8, -1.2290555301717928e-9,
  9.422759064650411e-11, -6.7113668551641105e-12, 4.4632242632864775e-13, -2.7835162072109215e-14,
];

/** erf(a) for 0 ≤ a < 0.5 as a double-double: 2a/√π exactly, plus the series' tail. */
function erfSmallDD(a: number): [number, number] {
  const a2 = a * a;
  let p = ERF_SERIES[ERF_SERIES.length - 1]!;
  for (let k = ERF_SERIES.length - 2; k >= 0; k--) p = p * a2 + ERF_SERIES[k]!;
  const [hi, e] = twoProduct(a, TWO_OVER_SQRT_PI);
  return twoSum(hi, e + a * TWO_OVER_SQRT_PI_LO + a * a2 * p);
}

const LN2_HI = 0.6931471803691238; // ln 2 to 32 bits: k · LN2_HI is exact for |k| < 2^20
const LN2_LO = 1.9082149292705877e-10;
/**
 * e^(ah + al) as m · 2^k with m a double-double in [0.7, 1.5), to about
 * 1e-28 relative, with no overflow or underflow: r = ah + al - k ln 2 is
 * scaled by 2^-8, e^s - 1 summed in double-double, and squared back 8 times.
 */
function expDD(ah: number, al: number): [number, number, number] {
  const k = Math.round(ah / Math.LN2);
  const [rh, rl] = twoSum(ah - k * LN2_HI, al - k * LN2_LO); // ah - k·LN2_HI is exact
  const sh = rh / 256;
  const sl = rl / 256;
  // u = e^s - 1 = s + s²/2 + s³/6 + s⁴/24 + s⁵/120 (|s| < 1.4e-3: the next term is below 1e-20).
  const [sq, sqe] = twoProduct(sh, sh);
  let [uh, ul] = twoSum(sh, sl + sq / 2 + (sqe / 2 + sh * sl) + sh * sq * (1 / 6 + sh * (1 / 24 + sh / 120)));
  for (let i = 0; i < 8; i++) {
    // e^(2s) - 1 = 2u + u².
    const [a, ae] = twoProduct(uh, uh);
    const [h, he] = twoSum(2 * uh, a);
    [uh, ul] = twoSum(h, he + 2 * ul + ae + 2 * uh * ul);
  }
  const [mh, me] = twoSum(1, uh);
  const [m, ml] = twoSum(mh, me + ul);
  return [m, ml, k];
}

/**
 * log(x) rounded correctly but in rare near-ties (glibc's log, which ATen's
 * digamma calls, is): Math.log refined by one step on e^(-y) in double-double.
 */
function logCR(x: number): number {
  if (!(x > 0) || x === Infinity) return Math.log(x);
  const y = Math.log(x);
  const [mh, ml, k] = expDD(-y, 0); // e^(-y) = (mh + ml) · 2^k
  const xs = x * 2 ** k; // exact: x · e^(-y) ≈ 1
  const [p, pe] = twoProduct(xs, mh);
  return y + (p - 1 + (pe + xs * ml)); // log(x) = y + log(x e^(-y)), and log(1 + δ) = δ to 1e-32
}

const PIO2_HI = 1.5707963267341256; // π/2 in three parts, the first two of 33 bits: n · part is exact for |n| < 2^20
const PIO2_MID = 6.07710050359346e-11;
const PIO2_LO = 2.912732056093356e-20;

/**
 * sin and cos of v (|v| < 2^20 · π/2) as double-doubles, with the quadrant
 * n: v = w + n·π/2, |w| ≤ π/4. sin and 1 - cos of w/16 come from short
 * Taylor series (their tails are below 1e-21), then four doublings in
 * double-double: sin 2a = 2 sin a (1 - t), t(2a) = 2 sin² a, where t = 1 - cos.
 */
function sinCosDD(v: number): { s: [number, number]; c: [number, number]; n: number } {
  const n = Math.round(v / PIO2_HI);
  const [a, ae] = twoSum(v - n * PIO2_HI, -n * PIO2_MID); // v - n·PIO2_HI is exact
  const [wh, wl] = twoSum(a, ae - n * PIO2_LO);
  const hh = wh / 16;
  const hl = wl / 16;
  const [sq, sqe] = twoProduct(hh, hh);
  let [sh, sl] = twoSum(hh, hl + hh * sq * (-1 / 6 + sq * (1 / 120 + sq * (-1 / 5040 + sq / 362880))));
  let [th, tl] = twoSum(sq / 2, sqe / 2 + hh * hl - sq * sq * (1 / 24 + sq * (-1 / 720 + sq / 40320)));
  for (let i = 0; i < 4; i++) {
    // sin 2a = 2 (sin a - sin a · t), t(2a) = 2 sin² a.
    const [p, pe] = twoProduct(sh, th);
    const [d, de] = twoSum(sh, -p);
    const s2l = 2 * (de + sl - pe - sh * tl - sl * th);
    const [q, qe] = twoProduct(sh, sh);
    [th, tl] = twoSum(2 * q, 2 * (qe + 2 * sh * sl));
    [sh, sl] = twoSum(2 * d, s2l);
  }
  const [ch, ce] = twoSum(1, -th);
  return { s: [sh, sl], c: twoSum(ch, ce - tl), n: ((n % 4) + 4) % 4 };
}

/** (ah + al) / (bh + bl), rounded once. */
function divDD(ah: number, al: number, bh: number, bl: number): number {
  const q = ah / bh;
  const [p, pe] = twoProduct(q, bh);
  return q + (ah - p - pe + al - q * bl) / bh;
}

/** tan(v) rounded correctly but in rare near-ties, as glibc's (ATen's digamma calls it); Math.tan for huge arguments. */
function tanCR(v: number): number {
  if (!(Math.abs(v) < 1e6)) return Math.tan(v);
  const { s, c, n } = sinCosDD(v);
  return n % 2 === 0 ? divDD(s[0], s[1], c[0], c[1]) : -divDD(c[0], c[1], s[0], s[1]);
}

/** sin(v) rounded correctly but in rare near-ties, as glibc's (ATen's trigamma calls it); Math.sin for huge arguments. */
function sinCR(v: number): number {
  if (!(Math.abs(v) < 1e6)) return Math.sin(v);
  if (v === 0) return v;
  const { s, c, n } = sinCosDD(v);
  const r = n % 2 === 0 ? s : c;
  return (n >= 2 ? -1 : 1) * (r[0] + r[1]);
}

/**
 * erfcx(x) = e^(x²) erfc(x) at x0 = 0.5, 0.75, …, 6.25 as double-doubles
 * (mpmath): erfc(x) = e^(-x²) erfcx(x) with erfcx from its Taylor expansion
 * around the nearest node (|h| ≤ 1/8; erfcx is entire, y' = 2xy - 2/√π).
 */
const ERFCX_HI = [
  0.6156903441929259, 0.5069376502931449, 0.427583576155807, 0.3678229164523611, 0.3215854164543175, 0.2849722347374364,
  0.25539567631050575, 0.23108725873039188, 0.2108063640611436, 0.1936620962790687, 0.17900115118138996, 0.16633534842682188,
  0.1552936556088943, 0.14558972127503855, 0.13699945762506138, 0.12934527478598792, 0.12248480427384142, 0.11630270721024731,
  0.11070463773306863, 0.1056127354688918, 0.10096221839949909, 0.09669877816971392, 0.09277656780053835, 0.08915663178727438,
];
const ERFCX_LO = [
  -2.312175868623341e-17, -5.335681035462232e-17, 5.235737283314228e-18, 1.387401093925035e-19, 1.7007985607722196e-17,
  8.539813023973122e-18, -4.276022290165946e-18, -5.74762364596782e-18, -5.6277259093102524e-18, -1.2015846532739174e-17,
  -5.4272175920200274e-18, -6.133416339501975e-19, -1.355844542216092e-18, -1.3715647344444334e-17, 7.196568139158719e-18,
  -1.2917508513157319e-17, -6.888693135744294e-18, -3.1774786879972914e-18, -1.832347493639739e-18, 2.7634215791419046e-18,
  -4.702857612943069e-18, -1.7756572733539565e-18, 6.215364755528485e-18, 5.224908596182542e-18,
];

/** erfcx(x) for 0.375 ≤ x < 6.375 as a double-double. */
function erfcxTaylorDD(x: number): [number, number] {
  const i = Math.round((x - 0.5) * 4);
  const x0 = 0.5 + i * 0.25;
  const h = x - x0; // exact
  const c0h = ERFCX_HI[i]!;
  const c0l = ERFCX_LO[i]!;
  // c1 = 2 x0 c0 - 2/√π, in double-double: it cancels by a factor 2x0² for large x0.
  const [p, pe] = twoProduct(2 * x0, c0h);
  const [c1h, c1e] = twoSum(p, -TWO_OVER_SQRT_PI);
  const c1 = c1h + (c1e + pe + 2 * x0 * c0l - TWO_OVER_SQRT_PI_LO);
  // Higher coefficients by the recurrence c_{n+1} = (2 x0 c_n + 2 c_{n-1}) / (n + 1), in double: their terms are small.
  const coefficients = [c1];
  let prev = c0h;
  let c = c1;
  for (let n = 1; n < 22; n++) {
    const next = (2 * x0 * c + 2 * prev) / (n + 1);
    prev = c;
    c = next;
    coefficients.push(c);
  }
  let tail = coefficients[coefficients.length - 1]!;
  for (let k = coefficients.length - 2; k >= 0; k--) tail = tail * h + coefficients[k]!;
  return twoSum(c0h, c0l + tail * h);
}

/** erfcx(x) for x ≥ 6.375 by its asymptotic series 1/(x√π) Σ (-1)^n (2n-1)!! / (2x²)^n, as a double-double. */
function erfcxAsymptoticDD(x: number): [number, number] {
  const v = 1 / (2 * x * x);
  let term = 1;
  let sum = 0;
  for (let n = 1; n < 60; n++) {
    const next = -term * (2 * n - 1) * v;
    if (Math.abs(next) >= Math.abs(term)) break; // the series diverges from here
    term = next;
    sum += term;
    if (Math.abs(term) < 1e-20) break;
  }
  // (INV_SQRT_PI / x) · (1 + sum), the quotient in double-double.
  const q = INV_SQRT_PI / x;
  const [qx, qxe] = twoProduct(q, x);
  const ql = (INV_SQRT_PI - qx - qxe + INV_SQRT_PI_LO) / x;
  return twoSum(q, ql + q * sum);
}

/** erfc(x) for x ≥ 0.5 as m · 2^k, m a double-double (so results in the subnormal range round once). */
function erfcLargeDD(x: number): [number, number, number] {
  const [c, cl] = x < 6.375 ? erfcxTaylorDD(x) : erfcxAsymptoticDD(x);
  const [sq, sqe] = twoProduct(x, x);
  const [eh, el, k] = expDD(-sq, -sqe);
  const [p, pe] = twoProduct(eh, c);
  const [mh, ml] = twoSum(p, pe + eh * cl + el * c);
  return [mh, ml, k];
}

/** erfc(x) for x ≥ 0, rounded once from double-double. */
function erfcPositive(x: number): number {
  if (x < 0.5) {
    const [eh, el] = erfSmallDD(x);
    const [d, de] = twoSum(1, -eh);
    return d + (de - el);
  }
  if (x > 27.3) return 0; // below half the smallest subnormal
  const [mh, ml, k] = erfcLargeDD(x);
  // 2^k in two steps: 2^k alone underflows to 0 below -1074 although m · 2^k does not.
  const half = Math.trunc(k / 2);
  return (mh + ml) * 2 ** half * 2 ** (k - half);
}

/** erf in double precision, correctly rounded but in rare ties (calc_erfinv's Newton steps need erf as glibc's, which is within an ulp). */
export function erf64(x: number): number {
  if (x !== x || x === 0) return x;
  const a = Math.abs(x);
  let r: number;
  if (a < 0.5) {
    const [h, l] = erfSmallDD(a);
    r = h + l;
  } else if (a >= 6) r = 1;
  else {
    const [mh, ml, k] = erfcLargeDD(a);
    const s = 2 ** k;
    const [d, de] = twoSum(1, -mh * s);
    r = d + (de - ml * s);
  }
  return x < 0 ? -r : r;
}

/**
 * PyTorch's float64 erfc (SLEEF's): erfc(x) for x ≥ 0; below 0, `2 - erfc(-x)`
 * (so erfc(-1e-16) is exactly 1, where the true value rounds to 1 + 2^-52).
 */
export function erfc64(x: number): number {
  if (x !== x) return x;
  if (x === Infinity) return 0;
  if (x === -Infinity) return 2;
  return x >= 0 ? erfcPositive(x) : 2 - erfcPositive(-x);
}

/** PyTorch's float32 erfc (SLEEF's): the float32 result for x ≥ 0; below 0, `2 - erfc(-x)` in float32. */
export function erfc32(x: number): number {
  if (x !== x) return x;
  if (x === Infinity) return 0;
  if (x === -Infinity) return 2;
  return x >= 0 ? erfcPositive(x) : f(2 - f(erfcPositive(-x)));
}

// ---------------------------------------------------------------- erfinv (ATen's calc_erfinv)

const ERFINV_A = [0.886226899, -1.645349621, 0.914624893, -0.140543331];
const ERFINV_B = [-2.118377725, 1.442710462, -0.329097515, 0.012229801];
const ERFINV_C = [-1.970840454, -1.624906493, 3.429567803, 1.641345311];
const ERFINV_D = [3.5438892, 1.6370678];

/**
 * ATen's calc_erfinv in double: a rational approximation, then two Newton
 * steps on erf. Near ±1 the steps cannot resolve erf(x) - y (both round to
 * about 1), so the result is PyTorch's, not the true value.
 */
export function erfinv64(y: number): number {
  const [a, b, c, d] = [ERFINV_A, ERFINV_B, ERFINV_C, ERFINV_D];
  const ya = Math.abs(y);
  if (ya > 1) return NaN;
  if (ya === 1) return y > 0 ? Infinity : -Infinity;
  if (y !== y) return y;
  let x: number;
  if (ya <= 0.7) {
    const z = y * y;
    const num = fma64(fma64(fma64(a[3]!, z, a[2]!), z, a[1]!), z, a[0]!);
    const dem = fma64(fma64(fma64(fma64(b[3]!, z, b[2]!), z, b[1]!), z, b[0]!), z, 1);
    x = (y * num) / dem;
  } else {
    const z = Math.sqrt(-Math.log((1 - ya) / 2));
    const num = fma64(fma64(fma64(c[3]!, z, c[2]!), z, c[1]!), z, c[0]!);
    const dem = fma64(fma64(d[1]!, z, d[0]!), z, 1);
    x = (y < 0 ? -num : num) / dem;
  }
  const k = 2 / Math.sqrt(Math.PI);
  x = x - (erf64(x) - y) / (k * Math.exp(-x * x));
  x = x - (erf64(x) - y) / (k * Math.exp(-x * x));
  return x;
}

const ERFINV_A32 = ERFINV_A.map(f);
const ERFINV_B32 = ERFINV_B.map(f);
const ERFINV_C32 = ERFINV_C.map(f);
const ERFINV_D32 = ERFINV_D.map(f);
const CENTRAL_RANGE_32 = f(0.7);
const K32 = f(2 / f(Math.sqrt(Math.PI)));

/** ATen's calc_erfinv in float32, every step rounded to float32 (erf is glibc's erff: the float32 rounding of erf). */
export function erfinv32(y: number): number {
  const [a, b, c, d] = [ERFINV_A32, ERFINV_B32, ERFINV_C32, ERFINV_D32];
  const ya = Math.abs(y);
  if (ya > 1) return NaN;
  if (ya === 1) return y > 0 ? Infinity : -Infinity;
  if (y !== y) return y;
  let x: number;
  if (ya <= CENTRAL_RANGE_32) {
    const z = f(y * y);
    const num = fma32(fma32(fma32(a[3]!, z, a[2]!), z, a[1]!), z, a[0]!);
    const dem = fma32(fma32(fma32(fma32(b[3]!, z, b[2]!), z, b[1]!), z, b[0]!), z, 1);
    x = f(f(y * num) / dem);
  } else {
    const z = f(Math.sqrt(f(-f(Math.log(f(f(1 - ya) / 2))))));
    const num = fma32(fma32(fma32(c[3]!, z, c[2]!), z, c[1]!), z, c[0]!);
    const dem = fma32(fma32(d[1]!, z, d[0]!), z, 1);
    x = f((y < 0 ? -num : num) / dem);
  }
  for (let step = 0; step < 2; step++) {
    const e = f(f(erf64(x)) - y);
    x = f(x - f(e / f(K32 * f(Math.exp(f(-x * x))))));
  }
  return x;
}
