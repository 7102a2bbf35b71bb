/**
 * WGSL for the special functions, ported from @graft/backend-webgl's GLSL
 * (math-programs.ts and programs.ts there: the same algorithms, constants and
 * edge cases; see those files for why each is written as it is). The port was
 * mechanical (float → f32, ternaries → select, parameters copied into vars,
 * GLSL's mod → graftMod) and then read through; NAN and the infinity come from
 * tfjs-webgpu's uniforms (a WGSL constant cannot be infinite).
 */
import type { BinaryOp, UnaryOp } from '@graft/core/backend';

/** GLSL's mod (x - y·floor(x/y)); WGSL's % on floats truncates. */
const MOD_WGSL = `
  fn graftMod(x: f32, y: f32) -> f32 {
    return x - y * floor(x / y);
  }
`;

/** sin and cos, reduced by π/2 in three parts, Taylor polynomials on [-π/4, π/4]. */
export const SINCOS_WGSL =
  MOD_WGSL +
  `  fn graftSinCos(x_in: f32, cosine_in: bool) -> f32 {
    var x: f32 = x_in;
    var cosine: bool = cosine_in;
    var q: f32 = floor(x * 0.6366197723675814 + 0.5);
    var r: f32 = ((x - q * 1.5703125) - q * 4.837512969970703125e-4) - q * 7.54978995489188216e-8;
    var r2: f32 = r * r;
    var s: f32 = r + r * r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 * (1.0 / 362880.0))));
    var c: f32 = 1.0 + r2 * (-0.5 + r2 * (1.0 / 24.0 + r2 * (-1.0 / 720.0 + r2 * (1.0 / 40320.0 + r2 * (-1.0 / 3628800.0)))));
    var k: f32 = graftMod(q + (select(0.0, 1.0, cosine)), 4.0);
    var v: f32 = select(c, s, (k == 0.0 || k == 2.0));
    return select(v, -v, (k >= 2.0));
  }`;

/** Accurate exp, log, log1p, sin/cos of π·x, asin, atan, erf(c), lgamma in float32. */
export const MATH_WGSL = `  const GRAFT_PI: f32 = 3.141592653589793;
  const GRAFT_LN2_HI: f32 = 0.693145751953125;
  const GRAFT_LN2_LO: f32 = 1.4286068203094173e-06;
  /** 2^k for an integer k in [-126, 127], exactly. */
  fn graftPow2(k_in: f32) -> f32 {
    var k: f32 = k_in;
    return bitcast<f32>((i32(k) + 127) << 23);
  }
  /** e^x to about 2 float32 ulps: x = k ln 2 + r, |r| ≤ ln2/2, a degree-7 Taylor polynomial for e^r. */
  fn graftExp(x_in: f32) -> f32 {
    var x: f32 = x_in;
    if (isnan(x)) { return x; }
    if (x > 88.72283935546875) { return uniforms.INFINITY; }
    if (x < -87.33654475) { return 0.0; }
    var k: f32 = floor(x * 1.4426950408889634 + 0.5);
    var r: f32 = (x - k * GRAFT_LN2_HI) - k * GRAFT_LN2_LO;
    var p: f32 = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r / 5040.0))))));
    // 2^k may leave the normal range where p · 2^k does not: scale in two steps.
    var h: f32 = floor(k / 2.0);
    return p * graftPow2(h) * graftPow2(k - h);
  }
  /** log(m) for m in [0.707, 1.415]: 2 atanh((m - 1)/(m + 1)) by its series. */
  fn graftLogNear1(m_in: f32) -> f32 {
    var m: f32 = m_in;
    var s: f32 = (m - 1.0) / (m + 1.0);
    var s2: f32 = s * s;
    return 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (0.2 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 / 11.0)))));
  }
  /** x = m · 2^e with m in [0.707, 1.415) (x positive, finite, normal). */
  fn graftSplit(x_in: f32, e: ptr<function, f32>) -> f32 {
    var x: f32 = x_in;
    var bits: i32 = bitcast<i32>(x);
    *e = f32(((bits >> 23) & 255) - 127);
    var m: f32 = bitcast<f32>((bits & 0x007fffff) | 0x3f800000);
    if (m > 1.4142135) {
      m *= 0.5;
      *e += 1.0;
    }
    return m;
  }
  /** The natural logarithm with IEEE edges: -inf at 0, NaN below, inf at inf. */
  fn graftLog(x_in: f32) -> f32 {
    var x: f32 = x_in;
    if (isnan(x) || x < 0.0) { return select(x, uniforms.NAN, x < 0.0); }
    if (x == 0.0) { return -uniforms.INFINITY; }
    if (isinf(x)) { return x; }
    var e: f32;
    var m: f32 = graftSplit(x, &e);
    return e * GRAFT_LN2_HI + (graftLogNear1(m) + e * GRAFT_LN2_LO);
  }
  /**
   * log(1 + x), exact near 0: 2 atanh(x / (2 + x)) by its series below |x| = 1/2
   * (no rounding of 1 + x, and no correction term a shader compiler may fold away).
   */
  fn graftLog1p(x_in: f32) -> f32 {
    var x: f32 = x_in;
    if (isnan(x) || x < -1.0) { return uniforms.NAN; }
    if (x == -1.0) { return -uniforms.INFINITY; }
    if (abs(x) >= 0.5) { return graftLog(1.0 + x); }
    var s: f32 = x / (2.0 + x);
    var s2: f32 = s * s;
    return 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (0.2 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0 + s2 / 13.0))))));
  }
  /** sin(πx) (cosine when cosine is true), reduced exactly: x - 2·round(x/2), then by symmetry to [-1/4, 1/4]. */
  fn graftSinPi(x_in: f32, cosine_in: bool) -> f32 {
    var x: f32 = x_in;
    var cosine: bool = cosine_in;
    if (cosine) { x = x + 0.5; }
    var r: f32 = x - 2.0 * floor(x * 0.5 + 0.5);
    var s: f32 = 1.0;
    if (r < 0.0) {
      r = -r;
      s = -1.0;
    }
    if (r > 0.5) { r = 1.0 - r; }
    var t: f32;
    if (r <= 0.25) {
      var a: f32 = GRAFT_PI * r;
      var a2: f32 = a * a;
      t = a * (1.0 + a2 * (-1.0 / 6.0 + a2 * (1.0 / 120.0 + a2 * (-1.0 / 5040.0 + a2 / 362880.0))));
    } else {
      var a: f32 = GRAFT_PI * (0.5 - r);
      var a2: f32 = a * a;
      t = 1.0 + a2 * (-0.5 + a2 * (1.0 / 24.0 + a2 * (-1.0 / 720.0 + a2 * (1.0 / 40320.0 - a2 / 3628800.0))));
    }
    return s * t;
  }
  /** asin on [-0.5, 0.5] by its series (the 11th term is below 5e-9). */
  fn graftAsinSmall(z_in: f32) -> f32 {
    var z: f32 = z_in;
    var z2: f32 = z * z;
    var p: f32 = 46189.0 / 5505024.0;
    p = p * z2 + 12155.0 / 1245184.0;
    p = p * z2 + 6435.0 / 557056.0;
    p = p * z2 + 143.0 / 10240.0;
    p = p * z2 + 231.0 / 13312.0;
    p = p * z2 + 63.0 / 2816.0;
    p = p * z2 + 35.0 / 1152.0;
    p = p * z2 + 5.0 / 112.0;
    p = p * z2 + 3.0 / 40.0;
    p = p * z2 + 1.0 / 6.0;
    return z + z * z2 * p;
  }
  /** asin, NaN outside [-1, 1]. */
  fn graftAsin(x_in: f32) -> f32 {
    var x: f32 = x_in;
    var a: f32 = abs(x);
    if (isnan(x) || a > 1.0) { return uniforms.NAN; }
    if (a <= 0.5) { return graftAsinSmall(x); }
    var r: f32 = GRAFT_PI / 2.0 - 2.0 * graftAsinSmall(sqrt((1.0 - a) * 0.5));
    return select(r, -r, x < 0.0);
  }
  /** atan on [-tan(π/8), tan(π/8)] by its series. */
  fn graftAtanSmall(t_in: f32) -> f32 {
    var t: f32 = t_in;
    var t2: f32 = t * t;
    var p: f32 = 1.0 / 23.0;
    p = -p * t2 + 1.0 / 21.0;
    p = -p * t2 + 1.0 / 19.0;
    p = -p * t2 + 1.0 / 17.0;
    p = -p * t2 + 1.0 / 15.0;
    p = -p * t2 + 1.0 / 13.0;
    p = -p * t2 + 1.0 / 11.0;
    p = -p * t2 + 1.0 / 9.0;
    p = -p * t2 + 1.0 / 7.0;
    p = -p * t2 + 0.2;
    p = -p * t2 + 1.0 / 3.0;
    return t - t * t2 * p;
  }
  /** atan, ±π/2 at ±inf. */
  fn graftAtan(x_in: f32) -> f32 {
    var x: f32 = x_in;
    if (isnan(x)) { return x; }
    var a: f32 = abs(x);
    var r: f32;
    if (a > 2.414213562373095) { r = GRAFT_PI / 2.0 - graftAtanSmall(1.0 / a); } else if (a > 0.41421356237309503) { r = GRAFT_PI / 4.0 + graftAtanSmall((a - 1.0) / (a + 1.0)); } else { r = graftAtanSmall(a); }
    return select(r, -r, x < 0.0);
  }
  /** erf for |x| < 0.5 by its Taylor series. */
  fn graftErfSmall(x_in: f32) -> f32 {
    var x: f32 = x_in;
    var x2: f32 = x * x;
    return 1.1283791670955126 * x * (1.0 + x2 * (-1.0 / 3.0 + x2 * (0.1 + x2 * (-1.0 / 42.0 + x2 * (1.0 / 216.0 + x2 * (-1.0 / 1320.0 + x2 / 9360.0))))));
  }
  /**
   * erfc(x) for x ≥ 0.5: t e^(-x² + P(t)), t = 1/(1 + x/2), P a degree-10 fit
   * (ours, to mpmath's erfc: 7e-9 in the exponent); x² split so its rounding
   * does not cost x² ulps.
   */
  fn graftErfcLarge(x_in: f32) -> f32 {
    var x: f32 = x_in;
    if (x >= 10.0546) { return 0.0; }
    var t: f32 = 1.0 / (1.0 + 0.5 * x);
    var p: f32 = -0.13613642546682594;
    p = p * t + 0.9389361286827655;
    p = p * t - 2.705656918296758;
    p = p * t + 4.122103709786263;
    p = p * t - 3.4503973671035877;
    p = p * t + 1.6097642740522977;
    p = p * t - 0.6905500640770433;
    p = p * t + 0.2205957234245781;
    p = p * t + 0.3552931799272355;
    p = p * t + 1.0016175482309713;
    p = p * t - 1.265569784256924;
    var xh: f32 = floor(x * 4096.0) / 4096.0;
    // 12 bits: xh² is exact
    var xl: f32 = x - xh;
    return t * graftExp(-xh * xh) * graftExp(p - xl * (x + xh));
  }
  /** erfc, with PyTorch's erfc(x < 0) = 2 - erfc(-x). */
  fn graftErfc(x_in: f32) -> f32 {
    var x: f32 = x_in;
    if (isnan(x)) { return x; }
    var a: f32 = abs(x);
    var r: f32 = select(graftErfcLarge(a), 1.0 - graftErfSmall(a), a < 0.5);
    return select(r, 2.0 - r, x < 0.0);
  }
  fn graftErf(x_in: f32) -> f32 {
    var x: f32 = x_in;
    var a: f32 = abs(x);
    if (a < 0.5) { return graftErfSmall(x); }
    var r: f32 = 1.0 - graftErfcLarge(a);
    return select(r, -r, x < 0.0);
  }
  /** lgamma(1 + z) and lgamma(2 + z) for |z| ≤ 1/2: the series of ζ(k) (as the CPU backend's, truncated for float32). */
  fn graftLgammaAt1(z_in: f32) -> f32 {
    var z: f32 = z_in;
    var p: f32 = 0.03125000000727597;
    p = p * z - 0.03225806453115042;
    p = p * z + 0.03333333336437758;
    p = p * z - 0.034482758684919304;
    p = p * z + 0.035714285847333355;
    p = p * z - 0.037037037312989324;
    p = p * z + 0.03846153903467518;
    p = p * z - 0.04000000119214014;
    p = p * z + 0.04166666915034121;
    p = p * z - 0.04347826605304026;
    p = p * z + 0.04545455629320467;
    p = p * z - 0.047619070330142226;
    p = p * z + 0.05000004769810169;
    p = p * z - 0.05263167937961666;
    p = p * z + 0.055555767627403614;
    p = p * z - 0.058823978658684585;
    p = p * z + 0.06250095514121304;
    p = p * z - 0.06666870588242046;
    p = p * z + 0.07143294629536133;
    p = p * z - 0.0769325164113522;
    p = p * z + 0.083353840546109;
    p = p * z - 0.09095401714582904;
    p = p * z + 0.1000994575127818;
    p = p * z - 0.11133426586956469;
    p = p * z + 0.12550966952474304;
    p = p * z - 0.1440498967688461;
    p = p * z + 0.1695571769974082;
    p = p * z - 0.20738555102867398;
    p = p * z + 0.27058080842778454;
    p = p * z - 0.40068563438653143;
    p = p * z + 0.8224670334241132;
    p = p * z - 0.5772156649015329;
    return p * z;
  }
  fn graftLgammaAt2(z_in: f32) -> f32 {
    var z: f32 = z_in;
    var p: f32 = -2.039215753801366e-06;
    p = p * z + 4.374866789907488e-06;
    p = p * z - 9.439488275268397e-06;
    p = p * z + 2.050721277567069e-05;
    p = p * z - 4.492623673813314e-05;
    p = p * z + 9.945751278180853e-05;
    p = p * z - 0.00022315475845357939;
    p = p * z + 0.0005096695247430425;
    p = p * z - 0.001192753911703261;
    p = p * z + 0.0028905103307415234;
    p = p * z - 0.007385551028673986;
    p = p * z + 0.020580808427784546;
    p = p * z - 0.0673523010531981;
    p = p * z + 0.3224670334241132;
    p = p * z + 0.42278433509846713;
    return p * z;
  }
  /** lgamma for x ≥ 1.5: down to [1.5, 2.5) by the recurrence below 8, Stirling above. */
  fn graftLgammaPositive(x_in: f32) -> f32 {
    var x: f32 = x_in;
    if (x < 2.5) { return graftLgammaAt2(x - 2.0); }
    if (x < 8.0) {
      var prod: f32 = 1.0;
      var y: f32 = x;
      for (var i: i32 = 0; i < 7; i++) {
        if (y < 2.5) { break; }
        y -= 1.0;
        prod *= y;
      }
      return graftLgammaAt2(y - 2.0) + graftLog(prod);
    }
    var r: f32 = 1.0 / x;
    var r2: f32 = r * r;
    var s: f32 = r * (1.0 / 12.0 + r2 * (-1.0 / 360.0 + r2 * (1.0 / 1260.0 - r2 / 1680.0)));
    return (x - 0.5) * graftLog(x) - x + 0.9189385332046728 + s;
  }
  /** log|Γ(x)|: +inf at the poles and ±inf; inf from 4.0371e36, where PyTorch's float32 lgamma overflows. */
  fn graftLgamma(x_in: f32) -> f32 {
    var x: f32 = x_in;
    if (isnan(x)) { return x; }
    if (isinf(x) || x >= 4.0371103e36) { return uniforms.INFINITY; }
    if (x <= 0.0 && x == floor(x)) { return uniforms.INFINITY; }
    if (x < -0.5) { return 1.1447298858494002 - graftLog(abs(graftSinPi(x, false))) - graftLgammaPositive(1.0 - x); }
    if (x < 0.5) { return graftLgammaAt1(x) - graftLog(abs(x)); }
    if (x < 1.5) { return graftLgammaAt1(x - 1.0); }
    return graftLgammaPositive(x);
  }`;

/** C's fmod, exact (needs MATH_WGSL). */
export const FMOD_WGSL = `  fn graftSplitHi(v_in: f32) -> f32 {
    var v: f32 = v_in;
    var c: f32 = 4097.0 * v;
    // 2^12 + 1
    return c - (c - v);
  }
  fn graftFmod(a_in: f32, b_in: f32) -> f32 {
    var a: f32 = a_in;
    var b: f32 = b_in;
    if (isnan(a) || isnan(b) || isinf(a) || b == 0.0) { return uniforms.NAN; }
    if (isinf(b) || a == 0.0) { return a; }
    var ab: f32 = abs(b);
    var r: f32 = abs(a);
    var bh: f32 = graftSplitHi(ab);
    var bl: f32 = ab - bh;
    for (var i: i32 = 0; i < 16; i++) {
      if (r < ab) { break; }
      // Divide by d = ab · 2^k (a multiple of ab: fmod(r, ab) = fmod(fmod(r, d), ab)) with r / d < 2^24, so q is exact.
      var er: f32;
      var eb: f32;
      graftSplit(r, &er);
      graftSplit(ab, &eb);
      var k: f32 = max(er - eb - 22.0, 0.0);
      var kh: f32 = floor(k / 2.0);
      var scale: f32 = graftPow2(kh) * graftPow2(k - kh);
      var d: f32 = ab * scale;
      var q: f32 = floor(r / d);
      // q · d = p + e exactly (d's halves are ab's, scaled).
      var p: f32 = q * d;
      var qh: f32 = graftSplitHi(q);
      var ql: f32 = q - qh;
      var e: f32 = ((qh * bh * scale - p) + qh * bl * scale + ql * bh * scale) + ql * bl * scale;
      r = (r - p) - e;
      if (r < 0.0) { r += d; }
      // q was one too large
    }
    return select(r, -r, a < 0.0);
  }`;

/** C's pow (PyTorch's). */
export const POW_WGSL = `  fn cpow(a_in: f32, b_in: f32) -> f32 {
    var a: f32 = a_in;
    var b: f32 = b_in;
    if (b == 0.0 || a == 1.0) { return 1.0; }
    if (isnan(a) || isnan(b)) { return uniforms.NAN; }
    var ab: f32 = abs(a);
    if (isinf(b)) {
      if (ab == 1.0) { return 1.0; }
      return select(0.0, uniforms.INFINITY, (ab < 1.0) == (b < 0.0));
    }
    var integral: bool = floor(b) == b;
    var odd: bool = integral && graftMod(abs(b), 2.0) == 1.0;
    if (a < 0.0 && !integral) { return uniforms.NAN; }
    var negative: bool = a < 0.0 || (a == 0.0 && 1.0 / a < 0.0);
    var magnitude: f32;
    if (ab == 0.0) { magnitude = select(0.0, uniforms.INFINITY, b < 0.0); } else if (isinf(a)) { magnitude = select(uniforms.INFINITY, 0.0, b < 0.0); } else { magnitude = pow(ab, b); }
    return select(magnitude, -magnitude, negative && odd);
  }`;

/** Unary bodies (read `x`, set `r`) that need SINCOS_WGSL only. */
export const UNARY_WGSL: Partial<Record<UnaryOp, string>> = {
  sin: `      if (isnan(x) || isinf(x)) { r = uniforms.NAN; } else { r = graftSinCos(x, false); }`,
  cos: `      if (isnan(x) || isinf(x)) { r = uniforms.NAN; } else { r = graftSinCos(x, true); }`,
  log: `      if (isnan(x)) { r = x; } else if (x == 0.0) { r = -uniforms.INFINITY; } else if (x < 0.0) { r = uniforms.NAN; } else { r = log(x); }`,
  log1p: `      if (isnan(x) || x < -1.0) { r = uniforms.NAN; } else if (x == -1.0) { r = -uniforms.INFINITY; } else if (x > 1e38) { r = uniforms.INFINITY; } else if (abs(x) < 1e-4) { r = x * (1.0 - 0.5 * x); } else if (x > -0.3 && x < 0.5) {
        var s: f32 = x / (2.0 + x);
        var s2: f32 = s * s;
        r = 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (0.2 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 / 11.0)))));
      } else { r = log(1.0 + x); }`,
  expm1: `      if (isnan(x)) { r = x; } else if (x < -16.635532333438687) { r = -1.0; } else if (abs(x) < 0.5) { r = x * (1.0 + x / 2.0 * (1.0 + x / 3.0 * (1.0 + x / 4.0 * (1.0 + x / 5.0 * (1.0 + x / 6.0 * (1.0 + x / 7.0 * (1.0 + x / 8.0))))))); } else { r = exp(x) - 1.0; }`,
  tanh: `      var a: f32 = abs(x);
      if (isnan(x)) { r = x; } else if (a > 8.664339742) { r = select(-1.0, 1.0, x > 0.0); } else if (a < 0.0004) { r = x; } else if (a < 0.625) {
        var x2: f32 = x * x;
        var p: f32 = x2 * -2.76076847742355e-16 + 2.00018790482477e-13;
        p = x2 * p + -8.60467152213735e-11;
        p = x2 * p + 5.12229709037114e-8;
        p = x2 * p + 1.48572235717979e-5;
        p = x2 * p + 6.37261928875436e-4;
        p = x2 * p + 4.89352455891786e-3;
        var q: f32 = x2 * 1.19825839466702e-6 + 1.18534705686654e-4;
        q = x2 * q + 2.268434632439e-3;
        q = x2 * q + 4.89352518554385e-3;
        r = x * p / q;
      } else {
        var t: f32 = 1.0 - 2.0 / (exp(2.0 * a) + 1.0);
        r = select(-t, t, x > 0.0);
      }`,
  erf: `      var a: f32 = abs(x);
      if (isnan(x)) { r = x; } else if (a >= 4.0) { r = select(-1.0, 1.0, x > 0.0); } else if (a < 0.5) {
        var x2: f32 = x * x;
        r = 1.1283791670955126 * x * (1.0 + x2 * (-1.0 / 3.0 + x2 * (0.1 + x2 * (-1.0 / 42.0 + x2 * (1.0 / 216.0 + x2 * (-1.0 / 1320.0 + x2 / 9360.0))))));
      } else {
        var t: f32 = 1.0 / (1.0 + 0.3275911 * a);
        var e: f32 = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
        r = select(-e, e, x > 0.0);
      }`,
};

/** Unary bodies (read `x`, set `r`) that need MATH_WGSL and SINCOS_WGSL. */
export const MATH_UNARY_WGSL: Partial<Record<UnaryOp, string>> = {
  trunc: `      r = select(floor(x), ceil(x), x < 0.0);`,
  sinh: `      var a: f32 = abs(x);
      if (isnan(x)) { r = x; } else if (a >= 88.72283935546875) { r = select(-uniforms.INFINITY, uniforms.INFINITY, x > 0.0); } else if (a < 0.5) {
        var x2: f32 = x * x;
        r = x * (1.0 + x2 * (1.0 / 6.0 + x2 * (1.0 / 120.0 + x2 * (1.0 / 5040.0 + x2 / 362880.0))));
      } else {
        var e: f32 = graftExp(a);
        var v: f32 = 0.5 * e - 0.5 / e;
        r = select(v, -v, x < 0.0);
      }`,
  cosh: `      var a: f32 = abs(x);
      if (isnan(x)) { r = x; } else if (a >= 88.72283935546875) { r = uniforms.INFINITY; } else {
        var e: f32 = graftExp(a);
        r = 0.5 * e + 0.5 / e;
      }`,
  tan: `      if (isnan(x) || isinf(x)) { r = uniforms.NAN; } else { r = graftSinCos(x, false) / graftSinCos(x, true); }`,
  asin: `      r = graftAsin(x);`,
  acos: `      var a: f32 = abs(x);
      if (isnan(x) || a > 1.0) { r = uniforms.NAN; } else if (a <= 0.5) { r = GRAFT_PI / 2.0 - graftAsinSmall(x); } else {
        var h: f32 = 2.0 * graftAsinSmall(sqrt((1.0 - a) * 0.5));
        r = select(GRAFT_PI - h, h, x > 0.0);
      }`,
  atan: `      r = graftAtan(x);`,
  asinh: `      var a: f32 = abs(x);
      var v: f32;
      if (isnan(x) || isinf(x)) { v = a; } else if (a < 0.5) {
        var x2: f32 = x * x;
        v = a * (1.0 + x2 * (-1.0 / 6.0 + x2 * (3.0 / 40.0 + x2 * (-5.0 / 112.0 + x2 * (35.0 / 1152.0 + x2 * (-63.0 / 2816.0 + x2 * (231.0 / 13312.0 + x2 * (-143.0 / 10240.0 + x2 * (6435.0 / 557056.0 - x2 * 12155.0 / 1245184.0)))))))));
      } else if (a > 1e18) { v = graftLog(a) + 0.6931471805599453; } else { v = graftLog1p(a + a * a / (1.0 + sqrt(1.0 + a * a))); }
      r = select(v, -v, x < 0.0);`,
  acosh: `      if (isnan(x) || x < 1.0) { r = uniforms.NAN; } else if (isinf(x)) { r = x; } else if (x > 1e18) { r = graftLog(x) + 0.6931471805599453; } else {
        var t: f32 = x - 1.0;
        r = graftLog1p(t + sqrt(t * (t + 2.0)));
      }`,
  atanh: `      var a: f32 = abs(x);
      if (isnan(x) || a > 1.0) { r = uniforms.NAN; } else if (a == 1.0) { r = select(-uniforms.INFINITY, uniforms.INFINITY, x > 0.0); } else {
        var v: f32 = 0.5 * graftLog1p(2.0 * a / (1.0 - a));
        r = select(v, -v, x < 0.0);
      }`,
  log2: `      if (isnan(x) || x <= 0.0 || isinf(x)) { r = select(select(x, -uniforms.INFINITY, x == 0.0), uniforms.NAN, x < 0.0); } else {
        var e: f32;
        var m: f32 = graftSplit(x, &e);
        r = e + graftLogNear1(m) * 1.4426950408889634;
      }`,
  log10: `      if (isnan(x) || x <= 0.0 || isinf(x)) { r = select(select(x, -uniforms.INFINITY, x == 0.0), uniforms.NAN, x < 0.0); } else {
        var e: f32;
        var m: f32 = graftSplit(x, &e);
        r = e * 0.30102999566398120 + graftLogNear1(m) * 0.43429448190325176;
      }`,
  exp2: `      if (isnan(x)) { r = x; } else if (x >= 128.0) { r = uniforms.INFINITY; } else if (x < -126.0) { r = 0.0; } else {
        var k: f32 = floor(x + 0.5);
        var f: f32 = (x - k) * 0.6931471805599453;
        var p: f32 = 1.0 + f * (1.0 + f * (0.5 + f * (1.0 / 6.0 + f * (1.0 / 24.0 + f * (1.0 / 120.0 + f / 720.0)))));
        var h: f32 = floor(k / 2.0);
        // 2^128 overflows where p · 2^128 does not
        r = p * graftPow2(h) * graftPow2(k - h);
      }`,
  erfc: `      r = graftErfc(x);`,
  erfinv: `  // ATen's calc_erfinv in float32: a rational first guess, then two Newton steps on erf.
      var ya: f32 = abs(x);
      if (isnan(x) || ya > 1.0) { r = uniforms.NAN; } else if (ya == 1.0) { r = select(-uniforms.INFINITY, uniforms.INFINITY, x > 0.0); } else {
        var v: f32;
        if (ya <= 0.7) {
          var z: f32 = x * x;
          var num: f32 = ((-0.140543331 * z + 0.914624893) * z - 1.645349621) * z + 0.886226899;
          var dem: f32 = (((0.012229801 * z - 0.329097515) * z + 1.442710462) * z - 2.118377725) * z + 1.0;
          v = x * num / dem;
        } else {
          var z: f32 = sqrt(-graftLog((1.0 - ya) / 2.0));
          var num: f32 = ((1.641345311 * z + 3.429567803) * z - 1.624906493) * z - 1.970840454;
          var dem: f32 = (1.6370678 * z + 3.5438892) * z + 1.0;
          v = (select(num, -num, x < 0.0)) / dem;
        }
        v = v - (graftErf(v) - x) / (1.1283791670955126 * graftExp(-v * v));
        v = v - (graftErf(v) - x) / (1.1283791670955126 * graftExp(-v * v));
        r = v;
      }`,
  lgamma: `      r = graftLgamma(x);`,
  digamma: `  // ATen's calc_digamma in float32.
      if (isnan(x)) { r = x; } else if (x == 0.0) { r = -uniforms.INFINITY; } else if (x == -uniforms.INFINITY || (x < 0.0 && x == floor(x))) { r = uniforms.NAN; } else if (x == uniforms.INFINITY) { r = x; } else {
        var v: f32 = x;
        var acc: f32 = 0.0;
        if (v < 0.0) {
          // ψ(x) = ψ(1 - x) - π / tan(πx), with the fraction of x (tan(πx) = tan(π frac x)).
          var f: f32 = v - (select(floor(v), ceil(v), v < 0.0));
          acc = -graftSinPi(f, true) / graftSinPi(f, false) * GRAFT_PI;
          v = 1.0 - v;
        }
        for (var i: i32 = 0; i < 10; i++) {
          if (v >= 10.0) { break; }
          acc -= 1.0 / v;
          v += 1.0;
        }
        if (v == 10.0) { r = acc + 2.251752589066721; } else {
          var z: f32 = 1.0 / (v * v);
          var y: f32 = z * ((((((0.08333333333333333 * z - 0.021092796092796094) * z + 0.007575757575757576) * z - 0.004166666666666667) * z + 0.003968253968253968) * z - 0.008333333333333333) * z + 0.08333333333333333);
          r = select(acc + graftLog(v) - 0.5 / v, acc + graftLog(v) - 0.5 / v - y, v < 1e17);
        }
      }`,
  trigamma: `  // ATen's trigamma in float32.
      if (isnan(x) || x == -uniforms.INFINITY) { r = uniforms.NAN; } else if (x == uniforms.INFINITY) { r = 0.0; } else {
        var v: f32 = x;
        var sign: f32 = 1.0;
        var acc: f32 = 0.0;
        if (v < 0.5) {
          sign = -1.0;
          var s: f32 = graftSinCos(3.1415927 * v, false);
          // sinf(π_f · x), as PyTorch: finite at the poles
          acc -= GRAFT_PI * GRAFT_PI / (s * s);
          v = 1.0 - v;
        }
        for (var i: i32 = 0; i < 6; i++) {
          acc += 1.0 / (v * v);
          v += 1.0;
        }
        var ixx: f32 = 1.0 / (v * v);
        acc += (1.0 + 1.0 / (2.0 * v) + ixx * (1.0 / 6.0 - ixx * (1.0 / 30.0 - ixx * (1.0 / 42.0)))) / v;
        r = sign * acc;
      }`,
};

/** Binary ops of ours over floats: the expression over a and b, and the helpers it needs (with MATH_WGSL). */
export const MATH_BINARY_WGSL: Partial<Record<BinaryOp, { expr: string; helpers: string }>> = {
  atan2: {
    expr: 'graftAtan2(a, b)',
    helpers: `  fn graftAtan2(y_in: f32, x_in: f32) -> f32 {
    var y: f32 = y_in;
    var x: f32 = x_in;
    if (isnan(x) || isnan(y)) { return uniforms.NAN; }
    var s: f32 = select(1.0, -1.0, y < 0.0);
    if (isinf(y)) { return s * (select(GRAFT_PI / 2.0, (select(3.0 * GRAFT_PI / 4.0, GRAFT_PI / 4.0, x > 0.0)), isinf(x))); }
    if (isinf(x)) { return select(s * GRAFT_PI, 0.0, x > 0.0); }
    if (x == 0.0) { return select(s * GRAFT_PI / 2.0, 0.0, y == 0.0); }
    var t: f32 = graftAtan(y / x);
    if (x > 0.0) { return t; }
    return select(t + GRAFT_PI, t - GRAFT_PI, y < 0.0);
  }`,
  },
  hypot: {
    expr: 'graftHypot(a, b)',
    helpers: `  fn graftHypot(a_in: f32, b_in: f32) -> f32 {
    var a: f32 = a_in;
    var b: f32 = b_in;
    a = abs(a);
    b = abs(b);
    if (isinf(a) || isinf(b)) { return uniforms.INFINITY; }
    if (isnan(a) || isnan(b)) { return uniforms.NAN; }
    var m: f32 = max(a, b);
    if (m == 0.0) { return 0.0; }
    var r: f32 = min(a, b) / m;
    return m * sqrt(1.0 + r * r);
  }`,
  },
  zeta: {
    expr: 'graftZeta(a, b)',
    helpers: `  /** |a|^-x with C's edges (GLSL's pow leaves 1^-inf and 0^-x undefined), and the sign of a^-x for integer x. */
  fn graftPowNeg(a_in: f32, x_in: f32) -> f32 {
    var a: f32 = a_in;
    var x: f32 = x_in;
    var m: f32 = abs(a);
    var v: f32 = select(select(select(pow(m, -x), 0.0, isinf(m)), uniforms.INFINITY, m == 0.0), 1.0, m == 1.0);
    return select(v, -v, a < 0.0 && graftMod(x, 2.0) == 1.0);
  }
  fn graftZeta(x_in: f32, q_in: f32) -> f32 {
    var x: f32 = x_in;
    var q: f32 = q_in;
    if (isnan(x) || isnan(q)) { return uniforms.NAN; }
    if (x == 1.0) { return uniforms.INFINITY; }
    if (x < 1.0) { return uniforms.NAN; }
    if (q <= 0.0) {
      if (q == floor(q)) { return uniforms.INFINITY; }
      if (x != floor(x)) { return uniforms.NAN; }
    }
    var s: f32 = graftPowNeg(q, x);
    var a: f32 = q;
    var b: f32 = 0.0;
    // ATen sums until nine terms are in and a > 9 (from q < -1000 a shader loop is too short: NaN, not a wrong value).
    for (var i: i32 = 0; i < 1024; i++) {
      if (i >= 9 && a > 9.0) { break; }
      a += 1.0;
      b = graftPowNeg(a, x);
      s += b;
      if (-6e-8 * s < b && b < 6e-8 * s) { return s; }
    }
    if (a <= 9.0) { return uniforms.NAN; }
    var w: f32 = a;
    s += b * w / (x - 1.0);
    s -= 0.5 * b;
    var fa: f32 = 1.0;
    var k: f32 = 0.0;
    for (var j: i32 = 0; j < 12; j++) {
      // (2j + 2)! / B_(2j+2), as ATen's table.
      var aj: f32 = select(select(select(select(select(select(select(select(select(select(select(-7.1661652561756670113e18, 1.8152105401943546773e17, j == 10), -4.5979787224074726105e15, j == 9), 1.1646782814350067249e14, j == 8), -2.950130727918164224e12, j == 7), 7.47242496e10, j == 6), -1.8924375803183791606e9, j == 5), 47900160.0, j == 4), -1209600.0, j == 3), 30240.0, j == 2), -720.0, j == 1), 12.0, j == 0);
      fa *= x + k;
      b /= w;
      var t: f32 = fa * b / aj;
      s += t;
      if (abs(t / s) < 6e-8) { break; }
      k += 1.0;
      fa *= x + k;
      b /= w;
      k += 1.0;
    }
    return s;
  }`,
  },
};
