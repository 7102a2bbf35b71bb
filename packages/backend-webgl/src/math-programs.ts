/**
 * GLSL for the unary and binary ops of spec version 3 (the hyperbolic and
 * inverse trigonometric functions, log2/log10/exp2, erfc, erfinv, lgamma,
 * digamma, trigamma, the Hurwitz zeta, atan2, hypot, the bitwise ops) and an
 * exact `fmod`. tfjs has none of the special functions, and its trigonometric
 * shaders lose accuracy near 0 (asinh(1e-10) is 0) and at the edges; these
 * are written for float32: series and reductions accurate to a few float32
 * ulps over the whole range, and PyTorch's values at the edges (±inf at
 * poles, NaN outside the domain, float32 sinh overflowing where PyTorch's
 * does). Subnormals are flushed and the sign of zero is not kept (GPUs do both).
 */
import type { BinaryOp, UnaryOp } from '@graft/core/backend';
import { type Program, SINCOS_GLSL } from './programs.js';

/**
 * Helpers every program below may call: accurate exp, log, log1p, sin/cos of
 * π·x, asin and atan in float32. GLSL's own exp and log lose |x| ulps and
 * their edge cases are undefined.
 */
export const MATH_GLSL = `
#if __VERSION__ >= 300
#define GRAFT_INF uintBitsToFloat(0x7f800000u)
#else
#define GRAFT_INF INFINITY
#endif
  const float GRAFT_PI = 3.141592653589793;
  const float GRAFT_LN2_HI = 0.693145751953125;
  const float GRAFT_LN2_LO = 1.4286068203094173e-06;

  /** 2^k for an integer k in [-126, 127], exactly. */
  float graftPow2(float k) {
#if __VERSION__ >= 300
    return intBitsToFloat((int(k) + 127) << 23);
#else
    return exp2(k);
#endif
  }

  /** e^x to about 2 float32 ulps: x = k ln 2 + r, |r| ≤ ln2/2, a degree-7 Taylor polynomial for e^r. */
  float graftExp(float x) {
    if (isnan(x)) return x;
    if (x > 88.72283935546875) return GRAFT_INF;
    if (x < -87.33654475) return 0.0;
    float k = floor(x * 1.4426950408889634 + 0.5);
    float r = (x - k * GRAFT_LN2_HI) - k * GRAFT_LN2_LO;
    float p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r / 5040.0))))));
    // 2^k may leave the normal range where p · 2^k does not: scale in two steps.
    float h = floor(k / 2.0);
    return p * graftPow2(h) * graftPow2(k - h);
  }

  /** log(m) for m in [0.707, 1.415]: 2 atanh((m - 1)/(m + 1)) by its series. */
  float graftLogNear1(float m) {
    float s = (m - 1.0) / (m + 1.0);
    float s2 = s * s;
    return 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (0.2 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 / 11.0)))));
  }

  /** x = m · 2^e with m in [0.707, 1.415) (x positive, finite, normal). */
  float graftSplit(float x, out float e) {
#if __VERSION__ >= 300
    int bits = floatBitsToInt(x);
    e = float(((bits >> 23) & 255) - 127);
    float m = intBitsToFloat((bits & 0x007fffff) | 0x3f800000);
#else
    e = floor(log2(x));
    float m = x / exp2(e);
    if (m >= 2.0) { m *= 0.5; e += 1.0; }
    if (m < 1.0) { m *= 2.0; e -= 1.0; }
#endif
    if (m > 1.4142135) { m *= 0.5; e += 1.0; }
    return m;
  }

  /** The natural logarithm with IEEE edges: -inf at 0, NaN below, inf at inf. */
  float graftLog(float x) {
    if (isnan(x) || x < 0.0) return x < 0.0 ? NAN : x;
    if (x == 0.0) return -GRAFT_INF;
    if (isinf(x)) return x;
    float e;
    float m = graftSplit(x, e);
    return e * GRAFT_LN2_HI + (graftLogNear1(m) + e * GRAFT_LN2_LO);
  }

  /**
   * log(1 + x), exact near 0: 2 atanh(x / (2 + x)) by its series below |x| = 1/2
   * (no rounding of 1 + x, and no correction term a shader compiler may fold away).
   */
  float graftLog1p(float x) {
    if (isnan(x) || x < -1.0) return NAN;
    if (x == -1.0) return -GRAFT_INF;
    if (abs(x) >= 0.5) return graftLog(1.0 + x);
    float s = x / (2.0 + x);
    float s2 = s * s;
    return 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (0.2 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0 + s2 / 13.0))))));
  }

  /** sin(πx) (cosine when cosine is true), reduced exactly: x - 2·round(x/2), then by symmetry to [-1/4, 1/4]. */
  float graftSinPi(float x, bool cosine) {
    if (cosine) x = x + 0.5;
    float r = x - 2.0 * floor(x * 0.5 + 0.5);
    float s = 1.0;
    if (r < 0.0) { r = -r; s = -1.0; }
    if (r > 0.5) r = 1.0 - r;
    float t;
    if (r <= 0.25) {
      float a = GRAFT_PI * r;
      float a2 = a * a;
      t = a * (1.0 + a2 * (-1.0 / 6.0 + a2 * (1.0 / 120.0 + a2 * (-1.0 / 5040.0 + a2 / 362880.0))));
    } else {
      float a = GRAFT_PI * (0.5 - r);
      float a2 = a * a;
      t = 1.0 + a2 * (-0.5 + a2 * (1.0 / 24.0 + a2 * (-1.0 / 720.0 + a2 * (1.0 / 40320.0 - a2 / 3628800.0))));
    }
    return s * t;
  }

  /** asin on [-0.5, 0.5] by its series (the 11th term is below 5e-9). */
  float graftAsinSmall(float z) {
    float z2 = z * z;
    float p = 46189.0 / 5505024.0;
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
  float graftAsin(float x) {
    float a = abs(x);
    if (isnan(x) || a > 1.0) return NAN;
    if (a <= 0.5) return graftAsinSmall(x);
    float r = GRAFT_PI / 2.0 - 2.0 * graftAsinSmall(sqrt((1.0 - a) * 0.5));
    return x < 0.0 ? -r : r;
  }

  /** atan on [-tan(π/8), tan(π/8)] by its series. */
  float graftAtanSmall(float t) {
    float t2 = t * t;
    float p = 1.0 / 23.0;
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
  float graftAtan(float x) {
    if (isnan(x)) return x;
    float a = abs(x);
    float r;
    if (a > 2.414213562373095) r = GRAFT_PI / 2.0 - graftAtanSmall(1.0 / a);
    else if (a > 0.41421356237309503) r = GRAFT_PI / 4.0 + graftAtanSmall((a - 1.0) / (a + 1.0));
    else r = graftAtanSmall(a);
    return x < 0.0 ? -r : r;
  }

  /** erf for |x| < 0.5 by its Taylor series. */
  float graftErfSmall(float x) {
    float x2 = x * x;
    return 1.1283791670955126 * x * (1.0 + x2 * (-1.0 / 3.0 + x2 * (0.1 + x2 * (-1.0 / 42.0 + x2 * (1.0 / 216.0 + x2 * (-1.0 / 1320.0 + x2 / 9360.0))))));
  }

  /**
   * erfc(x) for x ≥ 0.5: t e^(-x² + P(t)), t = 1/(1 + x/2), P a degree-10 fit
   * (ours, to mpmath's erfc: 7e-9 in the exponent); x² split so its rounding
   * does not cost x² ulps.
   */
  float graftErfcLarge(float x) {
    if (x >= 10.0546) return 0.0;
    float t = 1.0 / (1.0 + 0.5 * x);
    float p = -0.13613642546682594;
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
    float xh = floor(x * 4096.0) / 4096.0; // 12 bits: xh² is exact
    float xl = x - xh;
    return t * graftExp(-xh * xh) * graftExp(p - xl * (x + xh));
  }

  /** erfc, with PyTorch's erfc(x < 0) = 2 - erfc(-x). */
  float graftErfc(float x) {
    if (isnan(x)) return x;
    float a = abs(x);
    float r = a < 0.5 ? 1.0 - graftErfSmall(a) : graftErfcLarge(a);
    return x < 0.0 ? 2.0 - r : r;
  }

  float graftErf(float x) {
    float a = abs(x);
    if (a < 0.5) return graftErfSmall(x);
    float r = 1.0 - graftErfcLarge(a);
    return x < 0.0 ? -r : r;
  }

  /** lgamma(1 + z) and lgamma(2 + z) for |z| ≤ 1/2: the series of ζ(k) (as the CPU backend's, truncated for float32). */
  float graftLgammaAt1(float z) {
    float p = 0.03125000000727597;
    p = p * z - 0.03225806453115042; p = p * z + 0.03333333336437758; p = p * z - 0.034482758684919304;
    p = p * z + 0.035714285847333355; p = p * z - 0.037037037312989324; p = p * z + 0.03846153903467518;
    p = p * z - 0.04000000119214014; p = p * z + 0.04166666915034121; p = p * z - 0.04347826605304026;
    p = p * z + 0.04545455629320467; p = p * z - 0.047619070330142226; p = p * z + 0.05000004769810169;
    p = p * z - 0.05263167937961666; p = p * z + 0.055555767627403614; p = p * z - 0.058823978658684585;
    p = p * z + 0.06250095514121304; p = p * z - 0.06666870588242046; p = p * z + 0.07143294629536133;
    p = p * z - 0.0769325164113522; p = p * z + 0.083353840546109; p = p * z - 0.09095401714582904;
    p = p * z + 0.1000994575127818; p = p * z - 0.11133426586956469; p = p * z + 0.12550966952474304;
    p = p * z - 0.1440498967688461; p = p * z + 0.1695571769974082; p = p * z - 0.20738555102867398;
    p = p * z + 0.27058080842778454; p = p * z - 0.40068563438653143; p = p * z + 0.8224670334241132;
    p = p * z - 0.5772156649015329;
    return p * z;
  }
  float graftLgammaAt2(float z) {
    float p = -2.039215753801366e-06;
    p = p * z + 4.374866789907488e-06; p = p * z - 9.439488275268397e-06; p = p * z + 2.050721277567069e-05;
    p = p * z - 4.492623673813314e-05; p = p * z + 9.945751278180853e-05; p = p * z - 0.00022315475845357939;
    p = p * z + 0.0005096695247430425; p = p * z - 0.001192753911703261; p = p * z + 0.0028905103307415234;
    p = p * z - 0.007385551028673986; p = p * z + 0.020580808427784546; p = p * z - 0.0673523010531981;
    p = p * z + 0.3224670334241132; p = p * z + 0.42278433509846713;
    return p * z;
  }

  /** lgamma for x ≥ 1.5: down to [1.5, 2.5) by the recurrence below 8, Stirling above. */
  float graftLgammaPositive(float x) {
    if (x < 2.5) return graftLgammaAt2(x - 2.0);
    if (x < 8.0) {
      float prod = 1.0;
      float y = x;
      for (int i = 0; i < 7; i++) {
        if (y < 2.5) break;
        y -= 1.0;
        prod *= y;
      }
      return graftLgammaAt2(y - 2.0) + graftLog(prod);
    }
    float r = 1.0 / x;
    float r2 = r * r;
    float s = r * (1.0 / 12.0 + r2 * (-1.0 / 360.0 + r2 * (1.0 / 1260.0 - r2 / 1680.0)));
    return (x - 0.5) * graftLog(x) - x + 0.9189385332046728 + s;
  }

  /** log|Γ(x)|: +inf at the poles and ±inf; inf from 4.0371e36, where PyTorch's float32 lgamma overflows. */
  float graftLgamma(float x) {
    if (isnan(x)) return x;
    if (isinf(x) || x >= 4.0371103e36) return GRAFT_INF;
    if (x <= 0.0 && x == floor(x)) return GRAFT_INF;
    if (x < -0.5) return 1.1447298858494002 - graftLog(abs(graftSinPi(x, false))) - graftLgammaPositive(1.0 - x);
    if (x < 0.5) return graftLgammaAt1(x) - graftLog(abs(x));
    if (x < 1.5) return graftLgammaAt1(x - 1.0);
    return graftLgammaPositive(x);
  }
`;

/** GLSL bodies of the unary ops: each reads `x` and sets `r` (float32). */
export const MATH_UNARY_GLSL: Partial<Record<UnaryOp, string>> = {
  trunc: `
      r = x < 0.0 ? ceil(x) : floor(x);`,
  sinh: `
      float a = abs(x);
      if (isnan(x)) r = x;
      else if (a >= 88.72283935546875) r = x > 0.0 ? GRAFT_INF : -GRAFT_INF;
      else if (a < 0.5) {
        float x2 = x * x;
        r = x * (1.0 + x2 * (1.0 / 6.0 + x2 * (1.0 / 120.0 + x2 * (1.0 / 5040.0 + x2 / 362880.0))));
      } else {
        float e = graftExp(a);
        float v = 0.5 * e - 0.5 / e;
        r = x < 0.0 ? -v : v;
      }`,
  cosh: `
      float a = abs(x);
      if (isnan(x)) r = x;
      else if (a >= 88.72283935546875) r = GRAFT_INF;
      else {
        float e = graftExp(a);
        r = 0.5 * e + 0.5 / e;
      }`,
  tan: `
      if (isnan(x) || isinf(x)) r = NAN;
      else r = graftSinCos(x, false) / graftSinCos(x, true);`,
  asin: `
      r = graftAsin(x);`,
  acos: `
      float a = abs(x);
      if (isnan(x) || a > 1.0) r = NAN;
      else if (a <= 0.5) r = GRAFT_PI / 2.0 - graftAsinSmall(x);
      else {
        float h = 2.0 * graftAsinSmall(sqrt((1.0 - a) * 0.5));
        r = x > 0.0 ? h : GRAFT_PI - h;
      }`,
  atan: `
      r = graftAtan(x);`,
  asinh: `
      float a = abs(x);
      float v;
      if (isnan(x) || isinf(x)) v = a;
      else if (a < 0.5) {
        float x2 = x * x;
        v = a * (1.0 + x2 * (-1.0 / 6.0 + x2 * (3.0 / 40.0 + x2 * (-5.0 / 112.0 + x2 * (35.0 / 1152.0 + x2 * (-63.0 / 2816.0 + x2 * (231.0 / 13312.0 + x2 * (-143.0 / 10240.0 + x2 * (6435.0 / 557056.0 - x2 * 12155.0 / 1245184.0)))))))));
      } else if (a > 1e18) v = graftLog(a) + 0.6931471805599453;
      else v = graftLog1p(a + a * a / (1.0 + sqrt(1.0 + a * a)));
      r = x < 0.0 ? -v : v;`,
  acosh: `
      if (isnan(x) || x < 1.0) r = NAN;
      else if (isinf(x)) r = x;
      else if (x > 1e18) r = graftLog(x) + 0.6931471805599453;
      else {
        float t = x - 1.0;
        r = graftLog1p(t + sqrt(t * (t + 2.0)));
      }`,
  atanh: `
      float a = abs(x);
      if (isnan(x) || a > 1.0) r = NAN;
      else if (a == 1.0) r = x > 0.0 ? GRAFT_INF : -GRAFT_INF;
      else {
        float v = 0.5 * graftLog1p(2.0 * a / (1.0 - a));
        r = x < 0.0 ? -v : v;
      }`,
  log2: `
      if (isnan(x) || x <= 0.0 || isinf(x)) r = x < 0.0 ? NAN : x == 0.0 ? -GRAFT_INF : x;
      else {
        float e;
        float m = graftSplit(x, e);
        r = e + graftLogNear1(m) * 1.4426950408889634;
      }`,
  log10: `
      if (isnan(x) || x <= 0.0 || isinf(x)) r = x < 0.0 ? NAN : x == 0.0 ? -GRAFT_INF : x;
      else {
        float e;
        float m = graftSplit(x, e);
        r = e * 0.30102999566398120 + graftLogNear1(m) * 0.43429448190325176;
      }`,
  exp2: `
      if (isnan(x)) r = x;
      else if (x >= 128.0) r = GRAFT_INF;
      else if (x < -126.0) r = 0.0;
      else {
        float k = floor(x + 0.5);
        float f = (x - k) * 0.6931471805599453;
        float p = 1.0 + f * (1.0 + f * (0.5 + f * (1.0 / 6.0 + f * (1.0 / 24.0 + f * (1.0 / 120.0 + f / 720.0)))));
        float h = floor(k / 2.0); // 2^128 overflows where p · 2^128 does not
        r = p * graftPow2(h) * graftPow2(k - h);
      }`,
  erfc: `
      r = graftErfc(x);`,
  erfinv: `
      // ATen's calc_erfinv in float32: a rational first guess, then two Newton steps on erf.
      float ya = abs(x);
      if (isnan(x) || ya > 1.0) r = NAN;
      else if (ya == 1.0) r = x > 0.0 ? GRAFT_INF : -GRAFT_INF;
      else {
        float v;
        if (ya <= 0.7) {
          float z = x * x;
          float num = ((-0.140543331 * z + 0.914624893) * z - 1.645349621) * z + 0.886226899;
          float dem = (((0.012229801 * z - 0.329097515) * z + 1.442710462) * z - 2.118377725) * z + 1.0;
          v = x * num / dem;
        } else {
          float z = sqrt(-graftLog((1.0 - ya) / 2.0));
          float num = ((1.641345311 * z + 3.429567803) * z - 1.624906493) * z - 1.970840454;
          float dem = (1.6370678 * z + 3.5438892) * z + 1.0;
          v = (x < 0.0 ? -num : num) / dem;
        }
        v = v - (graftErf(v) - x) / (1.1283791670955126 * graftExp(-v * v));
        v = v - (graftErf(v) - x) / (1.1283791670955126 * graftExp(-v * v));
        r = v;
      }`,
  lgamma: `
      r = graftLgamma(x);`,
  digamma: `
      // ATen's calc_digamma in float32.
      if (isnan(x)) r = x;
      else if (x == 0.0) r = -GRAFT_INF;
      else if (x == -GRAFT_INF || (x < 0.0 && x == floor(x))) r = NAN;
      else if (x == GRAFT_INF) r = x;
      else {
        float v = x;
        float acc = 0.0;
        if (v < 0.0) {
          // ψ(x) = ψ(1 - x) - π / tan(πx), with the fraction of x (tan(πx) = tan(π frac x)).
          float f = v - (v < 0.0 ? ceil(v) : floor(v));
          acc = -graftSinPi(f, true) / graftSinPi(f, false) * GRAFT_PI;
          v = 1.0 - v;
        }
        for (int i = 0; i < 10; i++) {
          if (v >= 10.0) break;
          acc -= 1.0 / v;
          v += 1.0;
        }
        if (v == 10.0) r = acc + 2.251752589066721;
        else {
          float z = 1.0 / (v * v);
          float y = z * ((((((0.08333333333333333 * z - 0.021092796092796094) * z + 0.007575757575757576) * z - 0.004166666666666667) * z + 0.003968253968253968) * z - 0.008333333333333333) * z + 0.08333333333333333);
          r = v < 1e17 ? acc + graftLog(v) - 0.5 / v - y : acc + graftLog(v) - 0.5 / v;
        }
      }`,
  trigamma: `
      // ATen's trigamma in float32.
      if (isnan(x) || x == -GRAFT_INF) r = NAN;
      else if (x == GRAFT_INF) r = 0.0;
      else {
        float v = x;
        float sign = 1.0;
        float acc = 0.0;
        if (v < 0.5) {
          sign = -1.0;
          float s = graftSinCos(3.1415927 * v, false); // sinf(π_f · x), as PyTorch: finite at the poles
          acc -= GRAFT_PI * GRAFT_PI / (s * s);
          v = 1.0 - v;
        }
        for (int i = 0; i < 6; i++) {
          acc += 1.0 / (v * v);
          v += 1.0;
        }
        float ixx = 1.0 / (v * v);
        acc += (1.0 + 1.0 / (2.0 * v) + ixx * (1.0 / 6.0 - ixx * (1.0 / 30.0 - ixx * (1.0 / 42.0)))) / v;
        r = sign * acc;
      }`,
};

/** The Hurwitz zeta ζ(x, q) in float32 by ATen's algorithm (Euler-Maclaurin after nine terms). */
const ZETA_GLSL = `
  /** |a|^-x with C's edges (GLSL's pow leaves 1^-inf and 0^-x undefined), and the sign of a^-x for integer x. */
  float graftPowNeg(float a, float x) {
    float m = abs(a);
    float v = m == 1.0 ? 1.0 : m == 0.0 ? GRAFT_INF : isinf(m) ? 0.0 : pow(m, -x);
    return a < 0.0 && mod(x, 2.0) == 1.0 ? -v : v;
  }
  float graftZeta(float x, float q) {
    if (isnan(x) || isnan(q)) return NAN;
    if (x == 1.0) return GRAFT_INF;
    if (x < 1.0) return NAN;
    if (q <= 0.0) {
      if (q == floor(q)) return GRAFT_INF;
      if (x != floor(x)) return NAN;
    }
    float s = graftPowNeg(q, x);
    float a = q;
    float b = 0.0;
    // ATen sums until nine terms are in and a > 9 (from q < -1000 a shader loop is too short: NaN, not a wrong value).
    for (int i = 0; i < 1024; i++) {
      if (i >= 9 && a > 9.0) break;
      a += 1.0;
      b = graftPowNeg(a, x);
      s += b;
      if (-6e-8 * s < b && b < 6e-8 * s) return s;
    }
    if (a <= 9.0) return NAN;
    float w = a;
    s += b * w / (x - 1.0);
    s -= 0.5 * b;
    float fa = 1.0;
    float k = 0.0;
    for (int j = 0; j < 12; j++) {
      // (2j + 2)! / B_(2j+2), as ATen's table.
      float aj = j == 0 ? 12.0 : j == 1 ? -720.0 : j == 2 ? 30240.0 : j == 3 ? -1209600.0 : j == 4 ? 47900160.0 : j == 5 ? -1.8924375803183791606e9
        : j == 6 ? 7.47242496e10 : j == 7 ? -2.950130727918164224e12 : j == 8 ? 1.1646782814350067249e14 : j == 9 ? -4.5979787224074726105e15
        : j == 10 ? 1.8152105401943546773e17 : -7.1661652561756670113e18;
      fa *= x + k;
      b /= w;
      float t = fa * b / aj;
      s += t;
      if (abs(t / s) < 6e-8) break;
      k += 1.0;
      fa *= x + k;
      b /= w;
      k += 1.0;
    }
    return s;
  }
`;

/** C's atan2 with its edge cases (the sign of a zero result is not kept on a GPU). */
const ATAN2_GLSL = `
  float graftAtan2(float y, float x) {
    if (isnan(x) || isnan(y)) return NAN;
    float s = y < 0.0 ? -1.0 : 1.0;
    if (isinf(y)) return s * (isinf(x) ? (x > 0.0 ? GRAFT_PI / 4.0 : 3.0 * GRAFT_PI / 4.0) : GRAFT_PI / 2.0);
    if (isinf(x)) return x > 0.0 ? 0.0 : s * GRAFT_PI;
    if (x == 0.0) return y == 0.0 ? 0.0 : s * GRAFT_PI / 2.0;
    float t = graftAtan(y / x);
    if (x > 0.0) return t;
    return y < 0.0 ? t - GRAFT_PI : t + GRAFT_PI;
  }
`;

/** hypot without overflow or underflow: inf wins over NaN, as in C. */
const HYPOT_GLSL = `
  float graftHypot(float a, float b) {
    a = abs(a);
    b = abs(b);
    if (isinf(a) || isinf(b)) return GRAFT_INF;
    if (isnan(a) || isnan(b)) return NAN;
    float m = max(a, b);
    if (m == 0.0) return 0.0;
    float r = min(a, b) / m;
    return m * sqrt(1.0 + r * r);
  }
`;

/**
 * Bitwise ops on int32 values held in float textures (exact below 2^24):
 * integer operators in GLSL ES 3, bit by bit in GLSL ES 1.
 */
const BITWISE_GLSL = `
  float graftBitwise(float a, float b, int op) {
#if __VERSION__ >= 300
    int x = int(a);
    int y = int(b);
    return float(op == 0 ? (x & y) : op == 1 ? (x | y) : (x ^ y));
#else
    // Two's complement on 32 bits, one bit at a time.
    float ua = a < 0.0 ? a + 4294967296.0 : a;
    float ub = b < 0.0 ? b + 4294967296.0 : b;
    float result = 0.0;
    float bit = 1.0;
    for (int i = 0; i < 32; i++) {
      float ba = mod(floor(ua / bit), 2.0);
      float bb = mod(floor(ub / bit), 2.0);
      float v = op == 0 ? ba * bb : op == 1 ? max(ba, bb) : abs(ba - bb);
      result += v * bit;
      bit *= 2.0;
    }
    return result >= 2147483648.0 ? result - 4294967296.0 : result;
#endif
  }
`;

/**
 * C's fmod, exact where float32 arithmetic is IEEE (SwiftShader, most GPUs):
 * each step subtracts an integer multiple q of b, with q·b as an exact sum of
 * two floats (Dekker's product), until |r| < |b|; a quotient beyond 2^24 takes
 * a few steps.
 */
export const FMOD_GLSL = `
  float graftSplitHi(float v) {
    float c = 4097.0 * v; // 2^12 + 1
    return c - (c - v);
  }
  float graftFmod(float a, float b) {
    if (isnan(a) || isnan(b) || isinf(a) || b == 0.0) return NAN;
    if (isinf(b) || a == 0.0) return a;
    float ab = abs(b);
    float r = abs(a);
    float bh = graftSplitHi(ab);
    float bl = ab - bh;
    for (int i = 0; i < 16; i++) {
      if (r < ab) break;
      // Divide by d = ab · 2^k (a multiple of ab: fmod(r, ab) = fmod(fmod(r, d), ab)) with r / d < 2^24, so q is exact.
      float er;
      float eb;
      graftSplit(r, er);
      graftSplit(ab, eb);
      float k = max(er - eb - 22.0, 0.0);
      float kh = floor(k / 2.0);
      float scale = graftPow2(kh) * graftPow2(k - kh);
      float d = ab * scale;
      float q = floor(r / d);
      // q · d = p + e exactly (d's halves are ab's, scaled).
      float p = q * d;
      float qh = graftSplitHi(q);
      float ql = q - qh;
      float e = ((qh * bh * scale - p) + qh * bl * scale + ql * bh * scale) + ql * bl * scale;
      r = (r - p) - e;
      if (r < 0.0) r += d; // q was one too large
    }
    return a < 0.0 ? -r : r;
  }
`;

/** Binary ops of ours: the expression over a and b, and the helpers it needs. */
export const MATH_BINARY_GLSL: Partial<Record<BinaryOp, { expr: string; helpers: string }>> = {
  atan2: { expr: 'graftAtan2(a, b)', helpers: ATAN2_GLSL },
  hypot: { expr: 'graftHypot(a, b)', helpers: HYPOT_GLSL },
  zeta: { expr: 'graftZeta(a, b)', helpers: ZETA_GLSL },
  bitwiseAnd: { expr: 'graftBitwise(a, b, 0)', helpers: BITWISE_GLSL },
  bitwiseOr: { expr: 'graftBitwise(a, b, 1)', helpers: BITWISE_GLSL },
  bitwiseXor: { expr: 'graftBitwise(a, b, 2)', helpers: BITWISE_GLSL },
};

/** An elementwise unary program over `shape` with one of MATH_UNARY_GLSL's bodies. */
export function mathUnaryProgram(shape: readonly number[], body: string): Program {
  return {
    variableNames: ['A'],
    outputShape: shape.length === 0 ? [1] : [...shape],
    userCode: `${MATH_GLSL}${SINCOS_GLSL}
    void main() {
      float x = getAAtOutCoords();
      float r;${body}
      setOutput(r);
    }`,
  };
}
