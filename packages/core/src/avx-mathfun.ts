/**
 * The float32 `log` and `sincos` PyTorch 1.13's CPU `normal_` computes with
 * on x86 (`normal_fill_16_AVX2`, which calls `log256_ps` and `sincos256_ps`
 * from ATen's `avx_mathfun.h`: Julien Pommier's cephes-based approximations),
 * emulated lane by lane so that `randn` of 16 or more float32 elements gives
 * PyTorch's bits. Every step is a float32 operation (a double operation
 * rounded with `Math.fround`, exact emulation) or a fused multiply-add: ATen's
 * AVX2 kernels are compiled with FMA and the compiler contracts a product
 * feeding an addition into one `vfmadd`, rounded once — which products it
 * fused was read off PyTorch's own output (every value of 200 000 draws
 * bit-exact; with no fusion, 99 % were). A float32 FMA is `fround(a·b + c)`
 * in doubles: a·b is exact there, and the one double rounding of the sum
 * differs from FMA's only on a tie, which would need 2⁻²⁹ luck.
 */

const f = Math.fround;
/** a·b + c rounded once to float32 (the contracted multiply-add). */
const fma = (a: number, b: number, c: number): number => f(a * b + c);

const words = new Int32Array(1);
const floats = new Float32Array(words.buffer);
function bitsOf(x: number): number {
  floats[0] = x;
  return words[0]!;
}
function fromBits(b: number): number {
  words[0] = b;
  return floats[0]!;
}

const LOG_P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
  3.3333331174e-1,
].map(f);
const LOG_Q1 = f(-2.1219444e-4);
const LOG_Q2 = f(0.693359375);
const SQRT_HALF = f(0.7071067811865476);
const MIN_NORMAL = fromBits(0x00800000);

/** `log256_ps` on one lane: log(x) for x > 0 (NaN otherwise), the polynomial on the mantissa in [√½, √2). */
export function logAvx(x0: number): number {
  if (!(x0 > 0)) return Number.NaN;
  let x = Math.max(x0, MIN_NORMAL);
  const exponent = (bitsOf(x) >>> 23) - 0x7f;
  x = fromBits((bitsOf(x) & ~0x7f800000) | 0x3f000000); // the mantissa, in [0.5, 1)
  let e = f(exponent + 1);
  // Below √½: e - 1 and x + x - 1 (computed as (x - 1) + x), so the polynomial's argument is in [√½ - 1, √2 - 1).
  const below = x < SQRT_HALF;
  x = f(f(x - 1) + (below ? x : 0));
  if (below) e = f(e - 1);
  const z = f(x * x);
  let y = LOG_P[0]!;
  for (let i = 1; i < LOG_P.length; i++) y = fma(y, x, LOG_P[i]!);
  y = f(y * x);
  y = fma(y, z, f(e * LOG_Q1));
  y = fma(z, -0.5, y);
  return fma(e, LOG_Q2, f(x + y));
}

const DP1 = f(-0.78515625);
const DP2 = f(-0.00024187564849853516);
const DP3 = f(-3.774894977445941e-8);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);
const COS_P = [2.443315711809948e-5, -0.001388731625493765, 0.04166664568298827].map(f);
const FOUR_OVER_PI = f(1.27323954473516);

/** `sincos256_ps` on one lane: [sin x, cos x], the argument reduced to [-π/4, π/4] in three steps. */
export function sincosAvx(x0: number): [number, number] {
  let x = Math.abs(x0);
  let j = Math.trunc(f(x * FOUR_OVER_PI));
  j = (j + 1) & ~1;
  const y = j;
  x = fma(y, DP1, x);
  x = fma(y, DP2, x);
  x = fma(y, DP3, x);
  const sinNegative = (x0 < 0 || Object.is(x0, -0)) !== ((j & 4) !== 0);
  const cosNegative = (~(j - 2) & 4) !== 0;
  const z = f(x * x);
  let c = fma(fma(COS_P[0]!, z, COS_P[1]!), z, COS_P[2]!);
  c = f(c * z);
  c = fma(c, z, -f(z * 0.5));
  c = f(c + 1);
  let s = fma(fma(SIN_P[0]!, z, SIN_P[1]!), z, SIN_P[2]!);
  s = f(s * z);
  s = fma(s, x, x);
  const cosPolynomial = (j & 2) !== 0; // x near ±π/2 + kπ: the polynomials swap
  const sin = cosPolynomial ? c : s;
  const cos = cosPolynomial ? s : c;
  return [sinNegative ? -sin : sin, cosNegative ? -cos : cos];
}
