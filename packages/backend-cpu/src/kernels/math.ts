/**
 * Scalar math JavaScript lacks or gets subtly different from PyTorch.
 *
 * PyTorch's CPU kernels evaluate transcendental functions with SLEEF on its
 * vectorised path, in the tensor's own precision. Where that differs from a
 * correctly rounded result in a way users see — tanh and expm1 reach exactly
 * ±1 a little early, sigmoid is 1 / (1 + e⁻ˣ) in float32 arithmetic — these
 * functions reproduce it, so saturated values (and their zero gradients)
 * match PyTorch's exactly. Elsewhere results are correctly rounded doubles,
 * rounded once more to float32 where the output is float32 (within an ulp of
 * PyTorch's).
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/** |x| beyond which PyTorch's (SLEEF's) tanh is exactly ±1: float32 and float64. */
const TANH_SATURATES_F32 = 8.664339742;
const TANH_SATURATES_F64 = 18.714973875;
/** x below which PyTorch's (SLEEF's) expm1 is exactly -1: float32 and float64. */
const EXPM1_SATURATES_F32 = -16.635532333438686;
const EXPM1_SATURATES_F64 = -36.7368005696771;

/** Splits a double into a high part with 26 significant bits and the exact rest (Dekker), for exact products. */
function split(a: number): [number, number] {
  const c = 134217729 * a; // 2^27 + 1
  const hi = c - (c - a);
  return [hi, a - hi];
}

/** e^(-x²) without the rounding error of x² (which would cost x² ulps): x² as an exact sum hi + lo. */
function expMinusSquare(x: number): number {
  const hi = x * x;
  if (!Number.isFinite(hi)) return Math.exp(-hi); // x² overflows (or x is NaN): no error term to correct by
  const [xh, xl] = split(x);
  const lo = xh * xh - hi + 2 * xh * xl + xl * xl;
  return Math.exp(-hi) * (1 - lo);
}

/**
 * erf to float64 precision (within 2-3 ulps): a series of positive terms,
 * summed with Kahan's compensation, for |x| < 1.2; 1 - erfc by a continued
 * fraction beyond. erf(±0) is ±0.
 */
export function erf(x: number): number {
  if (Number.isNaN(x) || x === 0) return x;
  const a = Math.abs(x);
  if (a >= 6) return x > 0 ? 1 : -1;
  const r = a < 1.2 ? erfSeries(a) : 1 - erfc(a);
  return x < 0 ? -r : r;
}

// The rational approximations of fdlibm's s_erf.c (FreeBSD msun), whose notice is:
//   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//   Developed at SunPro, a Sun Microsystems, Inc. business.
//   Permission to use, copy, modify, and distribute this software is freely granted, provided that
//   this notice is preserved.
// erf on [0, 0.84375]: x + x·P(x²)/Q(x²).
const ERF_PP = [0.12837916709551256, -0.3250421072470015, -0.02848174957559851, -0.005770270296489442, -2.3763016656650163e-5];
const ERF_QQ = [0.39791722395915535, 0.0650222499887673, 0.005081306281875766, 0.00013249473800432164, -3.960228278775368e-6];
// erf on [0.84375, 1.25]: erx + P(x - 1)/Q(x - 1).
const ERF_ERX = 0.8450629115104675;
const ERF_PA = [
  -0.0023621185607526594, 0.41485611868374833, -0.3722078760357013, 0.31834661990116175, -0.11089469428239668, 0.035478304325618236,
  -0.002166375594868791,
];
const ERF_QA = [
  0.10642088040084423, 0.540397917702171, 0.07182865441419627, 0.12617121980876164, 0.01363708391202905, 0.011984499846799107,
];
// erfc on [1.25, 1/0.35] and [1/0.35, 6]: e^(-x² - 0.5625 + R(1/x²)/S(1/x²)) / x.
const ERF_RA = [
  -0.009864944034847148, -0.6938585727071818, -10.558626225323291, -62.375332450326006, -162.39666946257347, -184.60509290671104,
  -81.2874355063066, -9.814329344169145,
];
const ERF_SA = [
  19.651271667439257, 137.65775414351904, 434.56587747522923, 645.3872717332679, 429.00814002756783, 108.63500554177944, 6.570249770319282,
  -0.0604244152148581,
];
const ERF_RB = [
  -0.0098649429247001, -0.799283237680523, -17.757954917754752, -160.63638485582192, -637.5664433683896, -1025.0951316110772,
  -483.5191916086514,
];
const ERF_SB = [
  30.33806074348246, 325.7925129965739, 1536.729586084437, 3199.8582195085955, 2553.0504064331644, 474.52854120695537, -22.44095244658582,
];

/** c[0] + z·(c[1] + z·(… + z·c[n-1])): Horner's rule, the order kernels.c's `horner` uses. */
function horner(c: readonly number[], z: number): number {
  let p = c[c.length - 1]!;
  for (let i = c.length - 2; i >= 0; i--) p = c[i]! + z * p;
  return p;
}

/**
 * erf in double for float32 results, the same operations in the same order as
 * the wasm kernel's `erf_for_f32` (wasm/kernels.c), so a tensor's erf has the
 * same bits whichever path computes it: fdlibm's rational approximations (a
 * double's precision) with e^ by `expForF32`; for |x| ≥ 1.25 the exponent
 * -x² is rounded once (fdlibm splits x to keep it exact: a relative error of
 * 4e-15 at most here, far below float32's 6e-8).
 */
export function erfForF32(x: number): number {
  if (x !== x || x === 0) return x;
  const a = Math.abs(x);
  let r: number;
  if (a < 0.84375) {
    const z = a * a;
    r = a + a * (horner(ERF_PP, z) / (1 + z * horner(ERF_QQ, z)));
  } else if (a < 1.25) {
    const s = a - 1;
    r = ERF_ERX + horner(ERF_PA, s) / (1 + s * horner(ERF_QA, s));
  } else if (a >= 6) {
    r = 1;
  } else {
    const s = 1 / (a * a);
    const q = a < 1 / 0.35 ? horner(ERF_RA, s) / (1 + s * horner(ERF_SA, s)) : horner(ERF_RB, s) / (1 + s * horner(ERF_SB, s));
    r = 1 - expForF32(-a * a - 0.5625 + q) / a;
  }
  return x < 0 ? -r : r;
}

/** erf(a) = 2/√π e^{-a²} Σ 2ⁿ a^{2n+1} / (1·3·…·(2n+1)) for a > 0: every term positive, summed with Kahan's compensation. */
function erfSeries(a: number): number {
  const x2 = a * a;
  let term = a;
  let sum = a;
  let carry = 0;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    const y = term - carry;
    const t = sum + y;
    carry = t - sum - y;
    sum = t;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * expMinusSquare(a) * sum;
}

/** erfc(x) for x ≥ 1.2 by Lentz's continued fraction. */
function erfc(x: number): number {
  // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 1000; n++) {
    const an = n / 2;
    d = x + an * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + an / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return expMinusSquare(x) / (f * Math.sqrt(Math.PI));
}

/** Rounds half to even, as PyTorch's `round` (Math.round keeps the sign of zero: round(-0.4) is -0). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** PyTorch's sign: 0 for NaN and ±0. */
export function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/** 2^k for the exponents expForF32 uses (|k| ≤ 217), exact: built by doubling and halving. */
const EXP_POW2_BIAS = 217;
const EXP_POW2 = (() => {
  const t = new Float64Array(2 * EXP_POW2_BIAS + 1);
  t[EXP_POW2_BIAS] = 1;
  for (let k = 1; k <= EXP_POW2_BIAS; k++) {
    t[EXP_POW2_BIAS + k] = t[EXP_POW2_BIAS + k - 1]! * 2;
    t[EXP_POW2_BIAS - k] = t[EXP_POW2_BIAS - k + 1]! / 2;
  }
  return t;
})();

/**
 * e^y in double for float32 results, the same operations in the same order
 * as the wasm kernels' `exp_for_f32` (wasm/kernels.c): y = k·ln2 + r with
 * |r| ≤ ln2/2, e^r by its Taylor series to degree 13 (error below 1e-17),
 * times 2^k; 0 below -150 and infinity above 150 (all a float32 can hold).
 * The float32 exp and softmax use it on every path, so a tensor's result has
 * the same bits whichever path computes it.
 */
export function expForF32(y: number): number {
  if (y !== y) return y;
  if (y > 150) return Infinity;
  if (y < -150) return 0;
  const k = roundHalfEven(y * Math.LOG2E); // kernels.c's 1.4426950408889634; half to even, as nearbyint
  const r = y - k * 0.6931467056274414 - k * 4.7493250387997676e-7; // kernels.c's ln2_hi and ln2_lo (the same doubles)
  let p = 1 / 6227020800;
  p = p * r + 1 / 479001600;
  p = p * r + 1 / 39916800;
  p = p * r + 1 / 3628800;
  p = p * r + 1 / 362880;
  p = p * r + 1 / 40320;
  p = p * r + 1 / 5040;
  p = p * r + 1 / 720;
  p = p * r + 1 / 120;
  p = p * r + 1 / 24;
  p = p * r + 1 / 6;
  p = p * r + 0.5;
  p = p * r + 1;
  p = p * r + 1;
  return p * EXP_POW2[k + EXP_POW2_BIAS]!;
}

/** PyTorch's float64 sigmoid: 1 / (1 + e⁻ˣ), so it is exactly 0 where e⁻ˣ overflows (x < -709.78), as PyTorch's. */
export function sigmoid64(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

const f32 = Math.fround;
// The float32 tanh's constants, as float32 values (wasm/kernels.c has them with their derivation).
const TANH_SMALL = 0.5625;
const TANH_SATURATES_F32_BITS = f32(TANH_SATURATES_F32);
const P0 = -0.3333333134651184;
const P1 = 0.13333073258399963;
const P2 = -0.05390177294611931;
const P3 = 0.021263452246785164;
const P4 = -0.006525727454572916;
const C2 = 0.49999991059303284;
const C3 = 0.16666419804096222;
const C4 = 0.04166822507977486;
const C5 = 0.008374815806746483;
const C6 = 0.0013836836442351341;
const LOG2E_F = f32(Math.LOG2E); // 1.44269504f in kernels.c: the same float32
const LN2_HI_F = 0.693145751953125;
const LN2_LO_F = 1.428606765330187e-6;
/** 2^k for the large range's k (1 to 25): a table, as `2 ** k` is a slow call. */
const POW2 = Float64Array.from({ length: 32 }, (_, k) => 2 ** k);

/**
 * tanh in float32 arithmetic, the same operations in the same order as the
 * wasm kernel's `tanh_f32` (wasm/kernels.c, where the method is explained),
 * so a tensor's tanh has the same bits whichever path computes it: within
 * 1 ulp of the correctly rounded result for every float32 input (checked
 * exhaustively), exactly ±1 where PyTorch's float32 tanh is. Each step is a
 * double operation rounded to float32 (exact emulation: a double holds more
 * than twice float32's precision).
 */
export function tanh32(x: number): number {
  const a = Math.abs(x);
  if (!(a <= TANH_SATURATES_F32_BITS)) return a !== a ? x : x > 0 ? 1 : -1; // NaN, or saturated
  const t = a < TANH_SMALL ? tanhSmall32(a) : tanhLarge32(a);
  return x < 0 || (x === 0 && 1 / x < 0) ? -t : t; // copysign, -0 included
}

function tanhSmall32(a: number): number {
  const s = f32(a * a);
  let p = f32(f32(P4 * s) + P3);
  p = f32(f32(p * s) + P2);
  p = f32(f32(p * s) + P1);
  p = f32(f32(p * s) + P0);
  return f32(a + f32(a * f32(s * p)));
}

/** kernels.c's `exp_reduced_f32`: e^r for y = k·ln2 + r, each step rounded to float32 (k given). */
function expReduced32(y: number, k: number): number {
  const r = f32(f32(y - f32(k * LN2_HI_F)) - f32(k * LN2_LO_F));
  let p = f32(f32(C6 * r) + C5);
  p = f32(f32(p * r) + C4);
  p = f32(f32(p * r) + C3);
  p = f32(f32(p * r) + C2);
  p = f32(f32(p * r) + 1);
  return f32(f32(p * r) + 1);
}

function tanhLarge32(a: number): number {
  const y = f32(a + a);
  const k = roundHalfEven(f32(y * LOG2E_F)); // 1 to 25, half to even as wasm's nearest
  return f32(1 - f32(2 / f32(f32(expReduced32(y, k) * POW2[k]!) + 1)));
}

/** 2^(k-1) for the k sigmoid32 uses (-25 to 128), at index k + 25: exact (doubling). */
const SIGMOID_HALF_SCALE = Float64Array.from({ length: 154 }, (_, i) => 2 ** (i - 26));

/**
 * PyTorch's float32 sigmoid: 1 / (1 + e⁻ˣ) with each step in float32
 * (exactly 1 from x ≈ 16.6, exactly 0 below -88.7), e⁻ˣ in float32
 * arithmetic — the same operations in the same order as the wasm kernels'
 * `sigmoid_f32` (wasm/kernels.c, where the method and its accuracy are
 * stated), so a tensor's sigmoid has the same bits whichever path computes it.
 */
export function sigmoid32(x: number): number {
  const y = -x;
  if (y !== y) return x;
  if (y < -17) return 1;
  if (y >= 89) return 0;
  const k = roundHalfEven(f32(y * LOG2E_F)); // as wasm's nearest
  return f32(1 / f32(1 + f32(f32(expReduced32(y, k) * SIGMOID_HALF_SCALE[k + 25]!) * 2)));
}

/** tanh, exactly ±1 where PyTorch's float64 tanh is. */
export function tanh64(x: number): number {
  return x > TANH_SATURATES_F64 ? 1 : x < -TANH_SATURATES_F64 ? -1 : Math.tanh(x);
}

/** expm1, exactly -1 where PyTorch's float32 expm1 is. */
export function expm1For32(x: number): number {
  return x < EXPM1_SATURATES_F32 ? -1 : Math.expm1(x);
}

/** expm1, exactly -1 where PyTorch's float64 expm1 is. */
export function expm1For64(x: number): number {
  return x < EXPM1_SATURATES_F64 ? -1 : Math.expm1(x);
}

/** log1p, infinite beyond 1e38 as PyTorch's float32 log1p (SLEEF's cut-off). */
export function log1pFor32(x: number): number {
  return x > 1e38 ? Infinity : Math.log1p(x);
}

/** log1p, infinite beyond 1e307 as PyTorch's float64 log1p (SLEEF's cut-off). */
export function log1pFor64(x: number): number {
  return x > 1e307 ? Infinity : Math.log1p(x);
}

/** C's pow (PyTorch's): 1 ** y is 1 for every y, even NaN, and (-1) ** ±∞ is 1; JavaScript gives NaN for both. */
export function pow(a: number, b: number): number {
  if (a === 1 || (a === -1 && (b === Infinity || b === -Infinity))) return 1;
  return a ** b;
}

/** C's fmod: the exact remainder of a / b with a's sign (JavaScript's %). */
export function fmod(a: number, b: number): number {
  return a % b;
}
