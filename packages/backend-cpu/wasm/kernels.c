// Single-precision GEMM for Graft's CPU backend, WebAssembly SIMD128.
//
// C (row-major, row length ldc) = A · B, computed by blocks of C: one `gemm_block` call per
// block, so the blocks can run on different threads (src/threads/parallel.ts). A is read where it
// lies, through any strides (row-major, transposed, sliced, expanded): the micro-kernel splats
// one A value per row and k, which costs the same whatever the layout. B is read as panels of NR
// columns, NR values per k at stride `bk` (a row-major B is used in place; others are packed by
// `pack_b` into zero-padded k-major panels first).
//
// The micro-kernel holds a 4 x 8 tile of C in 8 f32x4 registers. Larger tiles (5x8, 6x8, 4x16,
// 8x8, and the XNNPACK-style "splat" variants that load 4 k of A at once) were measured slower
// under V8: they spill SIMD registers, and 4x8 already issues mul and add at the ports' rate
// (see docs/performance.md, GEMM). K is cut into chunks of KC so the B panel stays in L1.
// Each element of C is summed in the same order (k in chunks of KC, lanes independent) whatever
// the block partition, so results do not depend on how the blocks are scheduled.
// Build: see build.sh. The .wasm is committed as base64 in src/wasm/kernels-binary.ts.
#include <wasm_simd128.h>

#define MR 4
#define NR 8
#define KC 256

// build.sh compiles this file twice: plain SIMD128 (mul then add), and with GRAFT_RELAXED_SIMD
// for runtimes with relaxed SIMD (browsers; Node 20 behind --experimental-wasm-relaxed-simd),
// where the multiply-add is one f32x4.relaxed_madd (fused where the hardware has FMA).
// clang 14 only knows the proposal's earlier encoding of it (f32x4.fma, 0xfd 0xaf 0x01, whose
// operands (x, y, z) give x * y + z as relaxed_madd's do); build.sh rewrites it to the final
// encoding (0xfd 0x85 0x02).
#ifdef GRAFT_RELAXED_SIMD
#define MADD(c, a, b) c = __builtin_wasm_fma_f32x4(a, b, c)
#else
#define MADD(c, a, b) c = wasm_f32x4_add(c, wasm_f32x4_mul(a, b))
#endif

// C[4 x 8] (+)= A[4 x kc] · B[kc x 8]; A rows at a0..a3 step acs per k, B rows step bk.
static inline void kernel_4x8(int kc, const float *a0, const float *a1, const float *a2, const float *a3, int acs,
                              const float *b, int bk, float *c, int ldc, int accumulate) {
  v128_t c00, c01, c10, c11, c20, c21, c30, c31;
  if (accumulate) {
    c00 = wasm_v128_load(c + 0 * ldc); c01 = wasm_v128_load(c + 0 * ldc + 4);
    c10 = wasm_v128_load(c + 1 * ldc); c11 = wasm_v128_load(c + 1 * ldc + 4);
    c20 = wasm_v128_load(c + 2 * ldc); c21 = wasm_v128_load(c + 2 * ldc + 4);
    c30 = wasm_v128_load(c + 3 * ldc); c31 = wasm_v128_load(c + 3 * ldc + 4);
  } else {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = wasm_f32x4_splat(0.0f);
  }
  for (int k = 0; k < kc; k++) {
    v128_t b0 = wasm_v128_load(b);
    v128_t b1 = wasm_v128_load(b + 4);
    v128_t a = wasm_v128_load32_splat(a0);
    MADD(c00, a, b0); MADD(c01, a, b1);
    a = wasm_v128_load32_splat(a1);
    MADD(c10, a, b0); MADD(c11, a, b1);
    a = wasm_v128_load32_splat(a2);
    MADD(c20, a, b0); MADD(c21, a, b1);
    a = wasm_v128_load32_splat(a3);
    MADD(c30, a, b0); MADD(c31, a, b1);
    a0 += acs; a1 += acs; a2 += acs; a3 += acs;
    b += bk;
  }
  wasm_v128_store(c + 0 * ldc, c00); wasm_v128_store(c + 0 * ldc + 4, c01);
  wasm_v128_store(c + 1 * ldc, c10); wasm_v128_store(c + 1 * ldc + 4, c11);
  wasm_v128_store(c + 2 * ldc, c20); wasm_v128_store(c + 2 * ldc + 4, c21);
  wasm_v128_store(c + 3 * ldc, c30); wasm_v128_store(c + 3 * ldc + 4, c31);
}

// One tile of C at c, of which rows x cols (at most 4 x 8) are valid. A's 4 rows start at a0..a3
// (acs apart per k); B has NR readable (zero-padded) columns. A partial tile goes through a local
// 4 x 8 buffer, so only the valid part of C is read and written.
static inline void tile(int kc, const float *a0, const float *a1, const float *a2, const float *a3, int acs,
                        const float *b, int bk, float *c, int ldc, int rows, int cols, int accumulate) {
  if (rows == MR && cols == NR) {
    kernel_4x8(kc, a0, a1, a2, a3, acs, b, bk, c, ldc, accumulate);
    return;
  }
  float t[MR * NR];
  if (accumulate)
    for (int r = 0; r < MR; r++)
      for (int j = 0; j < NR; j++) t[r * NR + j] = r < rows && j < cols ? c[r * ldc + j] : 0.0f;
  kernel_4x8(kc, a0, a1, a2, a3, acs, b, bk, t, NR, accumulate);
  for (int r = 0; r < rows; r++)
    for (int j = 0; j < cols; j++) c[r * ldc + j] = t[r * NR + j];
}

// C[M x N] (row length ldc) = A[M x K] (strides ars, acs) · B, B's NR-column panels `bps` floats
// apart, each with rows `bk` floats apart. One block of the product: the caller splits C.
// A row-major A (acs == 1) is read in place, 4 rows at a time. Any other A is copied 4 rows at a
// time (for one chunk of K) into a small k-major buffer on the stack, read by every panel of the
// block: read in place, a transposed A would touch a new cache line per k, and at a power-of-two
// stride all those lines fall in one L1 set (measured: 10-16 % slower). Copying a row-major A
// cost 5-10 % (30 % when N is one or two panels), so it is not copied.
__attribute__((export_name("gemm_block"), noinline))
void gemm_block(const float *a, int ars, int acs, const float *b, int bk, int bps, float *c, int ldc, int M, int N,
                int K) {
  float ap[MR * KC] __attribute__((aligned(16)));
  for (int k0 = 0; k0 < K; k0 += KC) {
    int kc = K - k0 < KC ? K - k0 : KC;
    for (int i = 0; i < M; i += MR) {
      int rows = M - i < MR ? M - i : MR;
      const float *ai = a + i * ars + k0 * acs;
      // rows past M repeat the last row (their results are not stored)
      const float *r0 = ai, *r1 = rows > 1 ? ai + ars : r0, *r2 = rows > 2 ? ai + 2 * ars : r1;
      const float *r3 = rows > 3 ? ai + 3 * ars : r2;
      int step = acs;
      if (acs != 1) {
        for (int k = 0; k < kc; k++) {
          ap[k * MR + 0] = r0[k * acs];
          ap[k * MR + 1] = r1[k * acs];
          ap[k * MR + 2] = r2[k * acs];
          ap[k * MR + 3] = r3[k * acs];
        }
        r0 = ap, r1 = ap + 1, r2 = ap + 2, r3 = ap + 3, step = MR;
      }
      for (int j = 0; j < N; j += NR) {
        int cols = N - j < NR ? N - j : NR;
        tile(kc, r0, r1, r2, r3, step, b + (j / NR) * bps + k0 * bk, bk, c + i * ldc + j, ldc, rows, cols, k0 != 0);
      }
    }
  }
}

// ---------------------------------------------------------------- elementwise (float32, dense)
// clang vectorises these loops to f32x4 (-O3 -msimd128); the op switch sits outside the loop.

enum { OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3, OP_MAX = 4, OP_MIN = 5 };

// 16 floats per iteration in four independent vectors, then a scalar tail.
#define BINARY_SIMD(VOP, SOP)                                                          \
  {                                                                                   \
    int i = 0;                                                                        \
    for (; i + 16 <= n; i += 16) {                                                    \
      v128_t x0 = wasm_v128_load(a + i), y0 = wasm_v128_load(b + i);                  \
      v128_t x1 = wasm_v128_load(a + i + 4), y1 = wasm_v128_load(b + i + 4);          \
      v128_t x2 = wasm_v128_load(a + i + 8), y2 = wasm_v128_load(b + i + 8);          \
      v128_t x3 = wasm_v128_load(a + i + 12), y3 = wasm_v128_load(b + i + 12);        \
      wasm_v128_store(out + i, VOP(x0, y0));                                          \
      wasm_v128_store(out + i + 4, VOP(x1, y1));                                      \
      wasm_v128_store(out + i + 8, VOP(x2, y2));                                      \
      wasm_v128_store(out + i + 12, VOP(x3, y3));                                     \
    }                                                                                 \
    for (; i < n; i++) { float x = a[i], y = b[i]; out[i] = SOP; }                    \
  }

// max and min as JavaScript's Math.max and Math.min (and PyTorch's maximum and minimum): NaN if either
// is NaN, and +0 above -0. wasm's f32x4.max/min are exactly that; C's fmaxf is not (it drops NaNs).
static inline float max_f32(float x, float y) { return wasm_f32x4_extract_lane(wasm_f32x4_max(wasm_f32x4_splat(x), wasm_f32x4_splat(y)), 0); }
static inline float min_f32(float x, float y) { return wasm_f32x4_extract_lane(wasm_f32x4_min(wasm_f32x4_splat(x), wasm_f32x4_splat(y)), 0); }

__attribute__((export_name("binary_f32")))
void binary_f32(int op, const float *restrict a, const float *restrict b, float *restrict out, int n) {
  switch (op) {
    case OP_ADD: BINARY_SIMD(wasm_f32x4_add, x + y); break;
    case OP_SUB: BINARY_SIMD(wasm_f32x4_sub, x - y); break;
    case OP_MUL: BINARY_SIMD(wasm_f32x4_mul, x * y); break;
    case OP_DIV: BINARY_SIMD(wasm_f32x4_div, x / y); break;
    case OP_MAX: BINARY_SIMD(wasm_f32x4_max, max_f32(x, y)); break;
    case OP_MIN: BINARY_SIMD(wasm_f32x4_min, min_f32(x, y)); break;
  }
}

// `rows` rows of n: out row r = (a + r·as) op (b + r·bs), strides in floats; a stride of 0 repeats a
// row (a bias [n] added to every row of [rows, n]).
__attribute__((export_name("binary_rows_f32")))
void binary_rows_f32(int op, const float *a, int as, const float *b, int bs, float *out, int rows, int n) {
  for (int r = 0; r < rows; r++) binary_f32(op, a + (long)r * as, b + (long)r * bs, out + (long)r * n, n);
}

// a op s (scalar on the right) or s op a (scalar on the left).
__attribute__((export_name("binary_scalar_f32")))
void binary_scalar_f32(int op, const float *restrict a, float s, int scalar_left, float *restrict out, int n) {
  if (scalar_left) {
    switch (op) {
      case OP_ADD: for (int i = 0; i < n; i++) out[i] = s + a[i]; break;
      case OP_SUB: for (int i = 0; i < n; i++) out[i] = s - a[i]; break;
      case OP_MUL: for (int i = 0; i < n; i++) out[i] = s * a[i]; break;
      case OP_DIV: for (int i = 0; i < n; i++) out[i] = s / a[i]; break;
      case OP_MAX: for (int i = 0; i < n; i++) out[i] = max_f32(s, a[i]); break;
      case OP_MIN: for (int i = 0; i < n; i++) out[i] = min_f32(s, a[i]); break;
    }
  } else {
    switch (op) {
      case OP_ADD: for (int i = 0; i < n; i++) out[i] = a[i] + s; break;
      case OP_SUB: for (int i = 0; i < n; i++) out[i] = a[i] - s; break;
      case OP_MUL: for (int i = 0; i < n; i++) out[i] = a[i] * s; break;
      case OP_DIV: for (int i = 0; i < n; i++) out[i] = a[i] / s; break;
      case OP_MAX: for (int i = 0; i < n; i++) out[i] = max_f32(a[i], s); break;
      case OP_MIN: for (int i = 0; i < n; i++) out[i] = min_f32(a[i], s); break;
    }
  }
}

enum { U_NEG = 0, U_ABS = 1, U_SQUARE = 2, U_SQRT = 3, U_RELU = 4, U_TANH = 5, U_SIGMOID = 6, U_EXP = 7, U_ERF = 8 };

// e^y in double for the float32 kernels below (no libm here): y = k ln2 + r with |r| <= ln2/2,
// e^r by its Taylor series to degree 13 (error below 1e-17), times 2^k. Results beyond
// float32's range saturate (0 or infinity), which is all a float32 caller can hold.
static inline double exp_for_f32(double y) {
  if (y != y) return y;
  if (y > 150.0) return __builtin_inf();
  if (y < -150.0) return 0.0;
  const double ln2_hi = 0.693146705627441406250;  // ln 2 with its low 32 bits cleared: k * ln2_hi is exact
  const double ln2_lo = 4.74932503879976763983e-7;
  double k = __builtin_nearbyint(y * 1.4426950408889634);
  double r = (y - k * ln2_hi) - k * ln2_lo;
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  union { double d; long long i; } scale;
  scale.i = (long long)((int)k + 1023) << 52;
  return p * scale.d;
}

// tanh for float32 in float32 arithmetic, within 1 ulp of the correctly rounded result for every
// float32 input (checked exhaustively; PyTorch's SLEEF tanhf is within 1 ulp too), and exactly +-1
// beyond |x| = 8.664339742 where SLEEF's saturates. Two ranges, as SLEEF and XNNPACK split them:
//   |x| < 0.5625:  x + x^3 P(x^2), P a degree-4 minimax fit of (tanh(a) - a) / a^3 in a^2;
//   otherwise:     1 - 2 / (e^(2|x|) + 1), e^y = 2^k e^r with |r| <= ln2/2 and e^r a degree-6 fit.
// tanh_f32x4 below is the same sequence of float32 operations on four lanes (no FMA in SIMD128;
// `nearest` rounds half to even like nearbyintf), so every element gets the same bits whichever
// path computes it; packages/backend-cpu/src/kernels/math.ts's tanh32 repeats it in JavaScript.
#define TANH_SMALL 0.5625f
#define TANH_SATURATES 8.664339742f
#define TANH_P0 -0.3333333134651184f
#define TANH_P1 0.13333073258399963f
#define TANH_P2 -0.05390177294611931f
#define TANH_P3 0.021263452246785164f
#define TANH_P4 -0.006525727454572916f
#define EXPF_C2 0.49999991059303284f
#define EXPF_C3 0.16666419804096222f
#define EXPF_C4 0.04166822507977486f
#define EXPF_C5 0.008374815806746483f
#define EXPF_C6 0.0013836836442351341f
#define LOG2E_F 1.44269504f
#define LN2_HI_F 0.693145751953125f      // ln 2 to 16 bits: k * LN2_HI_F is exact for |k| < 2^8
#define LN2_LO_F 1.428606765330187e-06f

static inline float tanh_small_f32(float a) {
  float s = a * a;
  float p = TANH_P4;
  p = p * s + TANH_P3;
  p = p * s + TANH_P2;
  p = p * s + TANH_P1;
  p = p * s + TANH_P0;
  return a + a * (s * p);
}

// e^r for y = k ln2 + r in float32 arithmetic, k = nearbyint(y / ln 2) given: r in two steps (k * LN2_HI_F is
// exact), e^r by the degree-6 fit. The callers scale it by 2^k their own way.
static inline float exp_reduced_f32(float y, float k) {
  float r = (y - k * LN2_HI_F) - k * LN2_LO_F;
  float p = EXPF_C6;
  p = p * r + EXPF_C5;
  p = p * r + EXPF_C4;
  p = p * r + EXPF_C3;
  p = p * r + EXPF_C2;
  p = p * r + 1.0f;
  return p * r + 1.0f;
}

// 1 - 2 / (e^(2a) + 1) for 0.5625 <= a <= 8.67 (so 1 <= k <= 25).
static inline float tanh_large_f32(float a) {
  float y = a + a;
  float k = __builtin_nearbyintf(y * LOG2E_F);
  float p = exp_reduced_f32(y, k);
  union { float f; int i; } scale = { .i = ((int)k + 127) << 23 };
  return 1.0f - 2.0f / (p * scale.f + 1.0f);
}

static inline float tanh_f32(float x) {
  float a = __builtin_fabsf(x);
  if (!(a <= TANH_SATURATES)) return a != a ? x : (x > 0 ? 1.0f : -1.0f);  // NaN, or saturated
  return __builtin_copysignf(a < TANH_SMALL ? tanh_small_f32(a) : tanh_large_f32(a), x);  // keeps -0
}

// sigmoid for float32, as PyTorch's: 1 / (1 + e^-x) with each step in float32 (so exactly 1 from
// x ~ 16.6 and exactly 0 where e^-x overflows). e^y (y = -x) in float32 arithmetic as tanh_large_f32
// computes e^(2a): y = k ln2 + r, e^r by the same degree-6 fit, times 2^(k-1) and then 2 (exact; k
// reaches 128 just below where e^y overflows, and 2^128 has no float32 exponent of its own). Below
// y = -17, 1 + e^y rounds to 1; from y = 89, e^y is infinite: those give 1 and 0 without the
// polynomial. Measured against PyTorch 1.13's sigmoid on 9M float32 inputs: 94.9 % equal, the rest
// within 4 ulps (the double-precision e^ this replaced: 94.0 %, 4 ulps), at a quarter of its cost.
// sigmoid_f32x4 below and src/kernels/math.ts's sigmoid32 are the same operations.
#define SIGMOID_ONE_BELOW -17.0f
#define SIGMOID_ZERO_FROM 89.0f
static inline float sigmoid_f32(float x) {
  float y = -x;
  if (y != y) return x;
  if (y < SIGMOID_ONE_BELOW) return 1.0f;
  if (y >= SIGMOID_ZERO_FROM) return 0.0f;
  float k = __builtin_nearbyintf(y * LOG2E_F);
  float p = exp_reduced_f32(y, k);
  union { float f; int i; } half_scale = { .i = ((int)k + 126) << 23 };  // 2^(k-1)
  float e = (p * half_scale.f) * 2.0f;
  return 1.0f / (1.0f + e);
}

// The same e^y, tanh and sigmoid on two doubles / four floats at a time: every step is the scalar
// version's operation in the same order (no FMA in SIMD128, round-half-even `nearest` as nearbyint),
// so each lane's result is bit for bit the scalar function's.
static inline v128_t exp_for_f32_x2(v128_t y) {
  const v128_t ln2_hi = wasm_f64x2_splat(0.693146705627441406250);
  const v128_t ln2_lo = wasm_f64x2_splat(4.74932503879976763983e-7);
  v128_t k = wasm_f64x2_nearest(wasm_f64x2_mul(y, wasm_f64x2_splat(1.4426950408889634)));
  // k is an integer of at most 2^10 (|y| <= 150 in the lanes kept): k + 1.5 * 2^52 holds it in its low bits.
  v128_t kbits = wasm_f64x2_add(k, wasm_f64x2_splat(6755399441055744.0));
  v128_t r = wasm_f64x2_sub(wasm_f64x2_sub(y, wasm_f64x2_mul(k, ln2_hi)), wasm_f64x2_mul(k, ln2_lo));
#define HORNER(c) p = wasm_f64x2_add(wasm_f64x2_mul(p, r), wasm_f64x2_splat(c))
  v128_t p = wasm_f64x2_splat(1.0 / 6227020800.0);
  HORNER(1.0 / 479001600.0); HORNER(1.0 / 39916800.0); HORNER(1.0 / 3628800.0); HORNER(1.0 / 362880.0);
  HORNER(1.0 / 40320.0); HORNER(1.0 / 5040.0); HORNER(1.0 / 720.0); HORNER(1.0 / 120.0); HORNER(1.0 / 24.0);
  HORNER(1.0 / 6.0); HORNER(0.5); HORNER(1.0); HORNER(1.0);
#undef HORNER
  // 2^k: (k + 1023) << 52 as the bits of a double (lanes outside [-150, 150] are replaced below).
  v128_t scale = wasm_i64x2_shl(wasm_i64x2_add(kbits, wasm_i64x2_splat(1023)), 52);
  v128_t e = wasm_f64x2_mul(p, scale);
  e = wasm_v128_bitselect(wasm_f64x2_splat(__builtin_inf()), e, wasm_f64x2_gt(y, wasm_f64x2_splat(150.0)));
  e = wasm_v128_bitselect(wasm_f64x2_splat(0.0), e, wasm_f64x2_lt(y, wasm_f64x2_splat(-150.0)));
  return wasm_v128_bitselect(y, e, wasm_f64x2_ne(y, y));  // NaN stays NaN
}

// exp_reduced_f32 on four lanes.
static inline v128_t exp_reduced_f32x4(v128_t y, v128_t k) {
  v128_t r = wasm_f32x4_sub(wasm_f32x4_sub(y, wasm_f32x4_mul(k, wasm_f32x4_splat(LN2_HI_F))),
                            wasm_f32x4_mul(k, wasm_f32x4_splat(LN2_LO_F)));
  v128_t p = wasm_f32x4_splat(EXPF_C6);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(EXPF_C5));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(EXPF_C4));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(EXPF_C3));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(EXPF_C2));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  return wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
}

// tanh_f32 on four lanes: both ranges computed, each lane picks its own.
static inline v128_t tanh_f32x4(v128_t x) {
  v128_t a = wasm_f32x4_abs(x);
  v128_t s = wasm_f32x4_mul(a, a);
#define HORNER4(q, v, c) q = wasm_f32x4_add(wasm_f32x4_mul(q, v), wasm_f32x4_splat(c))
  v128_t p = wasm_f32x4_splat(TANH_P4);
  HORNER4(p, s, TANH_P3); HORNER4(p, s, TANH_P2); HORNER4(p, s, TANH_P1); HORNER4(p, s, TANH_P0);
  v128_t small = wasm_f32x4_add(a, wasm_f32x4_mul(a, wasm_f32x4_mul(s, p)));
#undef HORNER4
  v128_t y = wasm_f32x4_add(a, a);
  v128_t k = wasm_f32x4_nearest(wasm_f32x4_mul(y, wasm_f32x4_splat(LOG2E_F)));
  v128_t e = exp_reduced_f32x4(y, k);
  // 2^k from k's bits; lanes outside the large range (NaN, huge, small) are replaced below, and the
  // saturating conversion keeps them from trapping.
  v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(k), wasm_i32x4_splat(127)), 23);
  v128_t one = wasm_f32x4_splat(1.0f);
  v128_t large = wasm_f32x4_sub(one, wasm_f32x4_div(wasm_f32x4_splat(2.0f), wasm_f32x4_add(wasm_f32x4_mul(e, scale), one)));
  v128_t t = wasm_v128_bitselect(small, large, wasm_f32x4_lt(a, wasm_f32x4_splat(TANH_SMALL)));
  t = wasm_v128_bitselect(t, one, wasm_f32x4_le(a, wasm_f32x4_splat(TANH_SATURATES)));  // saturated (and NaN) lanes: 1
  v128_t sign = wasm_i32x4_splat((int)0x80000000);
  t = wasm_v128_or(t, wasm_v128_and(x, sign));                                           // copysign(t, x)
  return wasm_v128_bitselect(x, t, wasm_f32x4_ne(x, x));                                 // NaN stays NaN
}

// sigmoid_f32 on four lanes: every lane computed, then NaN, 1 and 0 lanes selected (the saturating
// conversion keeps out-of-range k from trapping; those lanes are replaced).
static inline v128_t sigmoid_f32x4(v128_t x) {
  v128_t y = wasm_f32x4_neg(x);
  v128_t k = wasm_f32x4_nearest(wasm_f32x4_mul(y, wasm_f32x4_splat(LOG2E_F)));
  v128_t p = exp_reduced_f32x4(y, k);
  v128_t half_scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(k), wasm_i32x4_splat(126)), 23);
  v128_t e = wasm_f32x4_mul(wasm_f32x4_mul(p, half_scale), wasm_f32x4_splat(2.0f));
  v128_t one = wasm_f32x4_splat(1.0f);
  v128_t s = wasm_f32x4_div(one, wasm_f32x4_add(one, e));
  s = wasm_v128_bitselect(one, s, wasm_f32x4_lt(y, wasm_f32x4_splat(SIGMOID_ONE_BELOW)));
  s = wasm_v128_bitselect(wasm_f32x4_splat(0.0f), s, wasm_f32x4_ge(y, wasm_f32x4_splat(SIGMOID_ZERO_FROM)));
  return wasm_v128_bitselect(x, s, wasm_f32x4_ne(x, x));  // NaN stays NaN
}


// erf in double for float32 results: src/kernels/math.ts's erfForF32, the same operations in the same
// order (the method and its accuracy are described there). The rational approximations are fdlibm's
// s_erf.c (FreeBSD msun), whose notice is: Copyright (C) 1993 by Sun Microsystems, Inc. All rights
// reserved. Developed at SunPro, a Sun Microsystems, Inc. business. Permission to use, copy, modify,
// and distribute this software is freely granted, provided that this notice is preserved.
static const double ERF_PP[] = {1.28379167095512558561e-1, -3.2504210724700149937e-1, -2.84817495755985104766e-2,
                                -5.77027029648944159157e-3, -2.37630166566501626084e-5};
static const double ERF_QQ[] = {3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3,
                                1.32494738004321644526e-4, -3.9602282787753681232e-6};
static const double ERF_PA[] = {-2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1,
                                3.18346619901161753674e-1,  -1.10894694282396677476e-1, 3.54783043256182359371e-2,
                                -2.166375594868790843e-3};
static const double ERF_QA[] = {1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2,
                                1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.1984499846799107417e-2};
static const double ERF_RA[] = {-9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1,
                                -6.23753324503260060396e1,  -1.62396669462573470355e2,  -1.84605092906711035994e2,
                                -8.12874355063065934246e1,  -9.81432934416914548592};
static const double ERF_SA[] = {1.96512716674392571292e1, 1.376577541435190426e2,  4.34565877475229228821e2,
                                6.45387271733267880336e2, 4.29008140027567833386e2, 1.08635005541779435134e2,
                                6.57024977031928170135,   -6.04244152148580987438e-2};
static const double ERF_RB[] = {-9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1,
                                -1.60636384855821916062e2,  -6.37566443368389627722e2,  -1.02509513161107724954e3,
                                -4.83519191608651397019e2};
static const double ERF_SB[] = {3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3,
                                3.19985821950859553908e3, 2.55305040643316442583e3, 4.74528541206955367215e2,
                                -2.24409524465858183362e1};

// c[0] + z*(c[1] + z*(... + z*c[n-1])).
static inline double horner(const double *c, int n, double z) {
  double p = c[n - 1];
  for (int i = n - 2; i >= 0; i--) p = c[i] + z * p;
  return p;
}

// Not inlined: its tables and branches would be copied into every caller for no measurable gain.
__attribute__((noinline)) static double erf_for_f32(double x) {
  if (x != x || x == 0) return x;
  double a = __builtin_fabs(x), r;
  if (a < 0.84375) {
    double z = a * a;
    r = a + a * (horner(ERF_PP, 5, z) / (1 + z * horner(ERF_QQ, 5, z)));
  } else if (a < 1.25) {
    double s = a - 1;
    r = 8.45062911510467529297e-1 + horner(ERF_PA, 7, s) / (1 + s * horner(ERF_QA, 6, s));
  } else if (a >= 6) {
    r = 1;
  } else {
    double s = 1 / (a * a);
    double q = a < 1 / 0.35 ? horner(ERF_RA, 8, s) / (1 + s * horner(ERF_SA, 8, s)) : horner(ERF_RB, 7, s) / (1 + s * horner(ERF_SB, 7, s));
    r = 1 - exp_for_f32(-a * a - 0.5625 + q) / a;
  }
  return x < 0 ? -r : r;
}

// erf_for_f32 on two lanes, each lane the scalar's operations in the same order (so the same bits):
// the lane's range picks its variable (x², x - 1 or 1/x²) and its coefficients, the rational function
// is evaluated for both lanes at once, and the range's formula is selected. The tables are the
// scalar's padded at the high-degree end with zeros: Horner's steps over them give exactly zero
// until the first real coefficient, which they then return unchanged.
static const double ERF_P[4][8] = {
    {1.28379167095512558561e-1, -3.2504210724700149937e-1, -2.84817495755985104766e-2, -5.77027029648944159157e-3,
     -2.37630166566501626084e-5, 0, 0, 0},
    {-2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1, 3.18346619901161753674e-1,
     -1.10894694282396677476e-1, 3.54783043256182359371e-2, -2.166375594868790843e-3, 0},
    {-9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1, -6.23753324503260060396e1,
     -1.62396669462573470355e2, -1.84605092906711035994e2, -8.12874355063065934246e1, -9.81432934416914548592},
    {-9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1, -1.60636384855821916062e2,
     -6.37566443368389627722e2, -1.02509513161107724954e3, -4.83519191608651397019e2, 0}};
static const double ERF_Q[4][8] = {
    {3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3, 1.32494738004321644526e-4,
     -3.9602282787753681232e-6, 0, 0, 0},
    {1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2, 1.26171219808761642112e-1,
     1.36370839120290507362e-2, 1.1984499846799107417e-2, 0, 0},
    {1.96512716674392571292e1, 1.376577541435190426e2, 4.34565877475229228821e2, 6.45387271733267880336e2,
     4.29008140027567833386e2, 1.08635005541779435134e2, 6.57024977031928170135, -6.04244152148580987438e-2},
    {3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3,
     2.55305040643316442583e3, 4.74528541206955367215e2, -2.24409524465858183362e1, 0}};

static inline int erf_range(double a) { return a < 0.84375 ? 0 : a < 1.25 ? 1 : a < 1 / 0.35 ? 2 : 3; }

static inline v128_t erf_for_f32_x2(v128_t x) {
  v128_t a = wasm_f64x2_abs(x);
  v128_t z = wasm_f64x2_mul(a, a);
  v128_t r0 = wasm_f64x2_lt(a, wasm_f64x2_splat(0.84375));
  v128_t r1 = wasm_f64x2_lt(a, wasm_f64x2_splat(1.25));
  // the variable: x² below 0.84375, x - 1 below 1.25, 1/x² beyond
  v128_t t = wasm_v128_bitselect(z, wasm_v128_bitselect(wasm_f64x2_sub(a, wasm_f64x2_splat(1)), wasm_f64x2_div(wasm_f64x2_splat(1), z), r1), r0);
  int k0 = erf_range(wasm_f64x2_extract_lane(a, 0)), k1 = erf_range(wasm_f64x2_extract_lane(a, 1));
  const double *p0 = ERF_P[k0], *p1 = ERF_P[k1], *q0 = ERF_Q[k0], *q1 = ERF_Q[k1];
  v128_t p = wasm_f64x2_make(p0[7], p1[7]), q = wasm_f64x2_make(q0[7], q1[7]);
  for (int i = 6; i >= 0; i--) {
    p = wasm_f64x2_add(wasm_f64x2_make(p0[i], p1[i]), wasm_f64x2_mul(t, p));
    q = wasm_f64x2_add(wasm_f64x2_make(q0[i], q1[i]), wasm_f64x2_mul(t, q));
  }
  v128_t ratio = wasm_f64x2_div(p, wasm_f64x2_add(wasm_f64x2_splat(1), wasm_f64x2_mul(t, q)));
  v128_t small = wasm_f64x2_add(a, wasm_f64x2_mul(a, ratio));
  v128_t middle = wasm_f64x2_add(wasm_f64x2_splat(8.45062911510467529297e-1), ratio);
  v128_t e = exp_for_f32_x2(wasm_f64x2_add(wasm_f64x2_sub(wasm_f64x2_mul(wasm_f64x2_neg(a), a), wasm_f64x2_splat(0.5625)), ratio));
  v128_t large = wasm_f64x2_sub(wasm_f64x2_splat(1), wasm_f64x2_div(e, a));
  v128_t r = wasm_v128_bitselect(small, wasm_v128_bitselect(middle, large, r1), r0);
  r = wasm_v128_bitselect(wasm_f64x2_splat(1), r, wasm_f64x2_ge(a, wasm_f64x2_splat(6)));
  r = wasm_v128_bitselect(wasm_f64x2_neg(r), r, wasm_f64x2_lt(x, wasm_f64x2_splat(0)));
  // NaN and ±0 are returned as they are
  return wasm_v128_bitselect(x, r, wasm_v128_or(wasm_f64x2_ne(x, x), wasm_f64x2_eq(x, wasm_f64x2_splat(0))));
}

// A float32 result computed in double: four floats a time as two pairs of double lanes through F2, the
// tail through F (each lane's bits are F's), rounded once to float32.
#define VIA_DOUBLES(F2, F)                                                                                         \
  {                                                                                                                \
    int i = 0;                                                                                                     \
    for (; i + 4 <= n; i += 4) {                                                                                   \
      v128_t x = wasm_v128_load(a + i);                                                                            \
      v128_t lo = wasm_f32x4_demote_f64x2_zero(F2(wasm_f64x2_promote_low_f32x4(x)));                               \
      v128_t hi = wasm_f32x4_demote_f64x2_zero(F2(wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 0, 1)))); \
      wasm_v128_store(out + i, wasm_i32x4_shuffle(lo, hi, 0, 1, 4, 5));                                            \
    }                                                                                                              \
    for (; i < n; i++) out[i] = (float)F(a[i]);                                                                    \
  }

__attribute__((export_name("unary_f32")))
void unary_f32(int op, const float *restrict a, float *restrict out, int n) {
  switch (op) {
    case U_NEG: for (int i = 0; i < n; i++) out[i] = -a[i]; break;
    case U_ABS: for (int i = 0; i < n; i++) out[i] = __builtin_fabsf(a[i]); break;
    case U_SQUARE: for (int i = 0; i < n; i++) out[i] = a[i] * a[i]; break;
    case U_SQRT: for (int i = 0; i < n; i++) out[i] = __builtin_sqrtf(a[i]); break;
    case U_RELU: {
      // An explicit select (not max): relu(-0) is -0 and relu(NaN) is NaN, as PyTorch's.
      int i = 0;
      v128_t zero = wasm_f32x4_splat(0.0f);
      for (; i + 4 <= n; i += 4) {
        v128_t v = wasm_v128_load(a + i);
        wasm_v128_store(out + i, wasm_v128_bitselect(zero, v, wasm_f32x4_lt(v, zero)));
      }
      for (; i < n; i++) {
        union { float f; unsigned u; } v = { a[i] };
        out[i] = v.u > 0x80000000u && v.u <= 0xff800000u ? 0.0f : v.f;  // negative, not -0, not NaN
      }
      break;
    }
    // Eight floats per step in two independent vectors (the polynomial's chain of dependent steps is long).
    case U_TANH: {
      int i = 0;
      for (; i + 8 <= n; i += 8) {
        v128_t x0 = wasm_v128_load(a + i), x1 = wasm_v128_load(a + i + 4);
        wasm_v128_store(out + i, tanh_f32x4(x0));
        wasm_v128_store(out + i + 4, tanh_f32x4(x1));
      }
      for (; i < n; i++) out[i] = tanh_f32(a[i]);
      break;
    }
    // e^x and erf in double (exp_for_f32, erf_for_f32), rounded once to float32 (math.ts's expForF32 and erfForF32 in JavaScript).
    case U_EXP: VIA_DOUBLES(exp_for_f32_x2, exp_for_f32); break;
    case U_ERF: VIA_DOUBLES(erf_for_f32_x2, erf_for_f32); break;
    case U_SIGMOID: {
      int i = 0;
      for (; i + 8 <= n; i += 8) {
        v128_t x0 = wasm_v128_load(a + i), x1 = wasm_v128_load(a + i + 4);
        wasm_v128_store(out + i, sigmoid_f32x4(x0));
        wasm_v128_store(out + i + 4, sigmoid_f32x4(x1));
      }
      for (; i < n; i++) out[i] = sigmoid_f32(a[i]);
      break;
    }
  }
}

// Sum of float32 values: each group of four consecutive floats (lane j of the vectors at i, i+4,
// i+8, i+12) is added in float32 as (v0 + v1) + (v2 + v3), as PyTorch's vectorised sum adds in
// float32, and the groups' totals are accumulated in doubles — two roundings of four floats' sum,
// then nothing lost however long the tensor (PyTorch's cascade keeps float32 accumulators). The
// double promotions, the costly step, come once per 16 floats instead of once per 2.
__attribute__((export_name("sum_f32")))
double sum_f32(const float *a, int n) {
  v128_t s0 = wasm_f64x2_splat(0), s1 = wasm_f64x2_splat(0);
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t v01 = wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(a + i + 4));
    v128_t v23 = wasm_f32x4_add(wasm_v128_load(a + i + 8), wasm_v128_load(a + i + 12));
    v128_t v = wasm_f32x4_add(v01, v23);
    s0 = wasm_f64x2_add(s0, wasm_f64x2_promote_low_f32x4(v));
    s1 = wasm_f64x2_add(s1, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1)));
  }
  v128_t s = wasm_f64x2_add(s0, s1);
  double total = wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1);
  for (; i < n; i++) total += a[i];
  return total;
}

// ---------------------------------------------------------------- softmax over contiguous rows (float32)

// Each row's statistics for softmax and log-softmax, as src/kernels/reduce.ts's loop computes them:
// the maximum (NaN once any element is NaN) and the sum of e^(x - max) in doubles, element by element
// in order, e^ by exp_for_f32 (two lanes at a time: each lane's bits are the scalar's).
// stats[2r] = max, stats[2r + 1] = sum; with e_out (not 0) each e^(x - max) too, row r from e_out + r n,
// so that softmax_rows_f32 need not compute them again (e^ is most of the work).
__attribute__((export_name("softmax_stats_f32")))
void softmax_stats_f32(const float *src, int rows, int n, double *stats, double *e_out) {
  for (int r = 0; r < rows; r++, src += n) {
    float m = -__builtin_inff();
    for (int i = 0; i < n; i++) {
      float v = src[i];
      if (v > m || v != v) m = v;
    }
    double md = m, total = 0.0;
    int i = 0;
    for (; i + 2 <= n; i += 2) {
      v128_t e = exp_for_f32_x2(wasm_f64x2_make((double)src[i] - md, (double)src[i + 1] - md));
      if (e_out) wasm_v128_store(e_out + (long)r * n + i, e);
      total += wasm_f64x2_extract_lane(e, 0);
      total += wasm_f64x2_extract_lane(e, 1);
    }
    for (; i < n; i++) {
      double e = exp_for_f32((double)src[i] - md);
      if (e_out) e_out[(long)r * n + i] = e;
      total += e;
    }
    stats[2 * r] = md;
    stats[2 * r + 1] = total;
  }
}

// The rows' softmax, e^(x - max) / sum, or log-softmax, (x - max) - log(sum) with the caller's log
// in stats[2r + 1] (no libm here), each in doubles rounded once to float32. `e` (or 0: computed
// again) holds the stats pass's e^(x - max): the same doubles, so either way gives the same bits.
__attribute__((export_name("softmax_rows_f32")))
void softmax_rows_f32(const float *src, int rows, int n, const double *stats, int log, float *out, const double *e) {
  for (int r = 0; r < rows; r++, src += n, out += n) {
    double m = stats[2 * r], s = stats[2 * r + 1];
    int i = 0;
    if (log) {
      for (; i < n; i++) out[i] = (float)(((double)src[i] - m) - s);
      continue;
    }
    if (e) {
      const double *er = e + (long)r * n;
      for (; i < n; i++) out[i] = (float)(er[i] / s);
      continue;
    }
    for (; i + 2 <= n; i += 2) {
      v128_t x = exp_for_f32_x2(wasm_f64x2_make((double)src[i] - m, (double)src[i + 1] - m));
      out[i] = (float)(wasm_f64x2_extract_lane(x, 0) / s);
      out[i + 1] = (float)(wasm_f64x2_extract_lane(x, 1) / s);
    }
    for (; i < n; i++) out[i] = (float)(exp_for_f32((double)src[i] - m) / s);
  }
}

// ---------------------------------------------------------------- packing B for gemm (strides in elements)

// B[K x N] (strides brs, bcs) into panels of NR columns, each K x NR k-major, zero-padded past N.
// A transposed B (brs == 1: its columns are contiguous) is read 4 k at a time from each of 8
// columns and transposed in registers.
__attribute__((export_name("pack_b")))
void pack_b(const float *b, int brs, int bcs, int K, int N, float *dst) {
  for (int jb = 0; jb < N; jb += NR) {
    int cols = N - jb < NR ? N - jb : NR;
    const float *base = b + jb * bcs;
    int k = 0;
    if (cols == NR && bcs == 1) {
      for (; k < K; k++) {
        const float *s = base + k * brs;
        wasm_v128_store(dst, wasm_v128_load(s));
        wasm_v128_store(dst + 4, wasm_v128_load(s + 4));
        dst += NR;
      }
    } else if (cols == NR && brs == 1) {
      for (; k + 4 <= K; k += 4) {
        for (int h = 0; h < 2; h++) {
          const float *s = base + k + 4 * h * bcs;
          v128_t r0 = wasm_v128_load(s), r1 = wasm_v128_load(s + bcs);
          v128_t r2 = wasm_v128_load(s + 2 * bcs), r3 = wasm_v128_load(s + 3 * bcs);
          v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
          v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
          wasm_v128_store(dst + 0 * NR + 4 * h, wasm_i64x2_shuffle(t0, t1, 0, 2));
          wasm_v128_store(dst + 1 * NR + 4 * h, wasm_i64x2_shuffle(t0, t1, 1, 3));
          wasm_v128_store(dst + 2 * NR + 4 * h, wasm_i64x2_shuffle(t2, t3, 0, 2));
          wasm_v128_store(dst + 3 * NR + 4 * h, wasm_i64x2_shuffle(t2, t3, 1, 3));
        }
        dst += 4 * NR;
      }
    }
    for (; k < K; k++) {
      const float *s = base + k * brs;
      for (int c = 0; c < NR; c++) dst[c] = c < cols ? s[c * bcs] : 0.0f;
      dst += NR;
    }
  }
}

// ---------------------------------------------------------------- fill

// Sets `n` 4-byte elements to the bit pattern `bits` (zero is bulk memory's memory.fill, a memset):
// TypedArray.prototype.fill on the shared memory of the worker pool writes element by element.
__attribute__((export_name("fill32")))
void fill32(unsigned *p, unsigned bits, int n) {
  if (bits == 0) {
    __builtin_memset(p, 0, (unsigned long)n * 4);
    return;
  }
  for (int i = 0; i < n; i++) p[i] = bits;
}

// ---------------------------------------------------------------- gather (the rows of an index)

// One row of a gather: out[i] = src[i * rs + idx[i] * step] for i < n (rs = 0 when the row runs
// along the gathered dim), elements of 4 bytes (float32, int32) or 8 (float64), moved as bits.
// Returns -1, or the first i whose index lies outside [0, size) (the caller throws; out is then
// partly written, and discarded).
__attribute__((export_name("gather_row32")))
int gather_row32(const unsigned *src, const int *idx, int step, int size, unsigned *out, int n, int rs) {
  for (int i = 0; i < n; i++) {
    int j = idx[i];
    if ((unsigned)j >= (unsigned)size) return i;
    out[i] = src[i * rs + j * step];
  }
  return -1;
}

__attribute__((export_name("gather_row64")))
int gather_row64(const unsigned long long *src, const int *idx, int step, int size, unsigned long long *out, int n, int rs) {
  for (int i = 0; i < n; i++) {
    int j = idx[i];
    if ((unsigned)j >= (unsigned)size) return i;
    out[i] = src[i * rs + j * step];
  }
  return -1;
}

// ---------------------------------------------------------------- where (float32)

// out[i] = c[i] ? a[i*as] : b[i*bs], c bytes (bool), as/bs 1 (dense) or 0 (one value): a select, not a
// branch (JavaScript's conditional is a branch, which a random condition mispredicts half the time).
__attribute__((export_name("where_f32")))
void where_f32(const unsigned char *restrict c, const float *a, int as, const float *b, int bs, float *restrict out, int n) {
  for (int i = 0; i < n; i++) {
    float x = a[i * as], y = b[i * bs];
    out[i] = c[i] ? x : y;
  }
}

// ---------------------------------------------------------------- threshold backward (ReLU's gradient)

// out[i] = source[i] <= t ? 0 : grad[i], as float32 bits (a NaN source passes the gradient through).
__attribute__((export_name("threshold_backward_f32")))
void threshold_backward_f32(const float *restrict grad, const float *restrict source, float t, float *restrict out, int n) {
  v128_t tv = wasm_f32x4_splat(t);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t below = wasm_f32x4_le(wasm_v128_load(source + i), tv);
    wasm_v128_store(out + i, wasm_v128_andnot(wasm_v128_load(grad + i), below));
  }
  for (; i < n; i++) out[i] = source[i] <= t ? 0.0f : grad[i];
}

// ---------------------------------------------------------------- activations (the optional `activation` kernel)

// @graft/nn's pointwise activations and their gradients, one pass each, by ATen's float32 formulas
// (src/kernels/activation.ts has the same steps in JavaScript for float64 and the kinds without a
// wasm loop here): every operation in float32 (no FMA), e^x as exp_for_f32 rounded to float32, tanh
// and sigmoid as tanh_f32 and sigmoid_f32 — the bits of `x.exp()`, `x.tanh()` and `x.sigmoid()`.
// Comparisons are selects, not branches (random signs would mispredict). The kind codes are
// activation.ts's KIND; p0..p2 its parameters as float32.
enum { A_HARDTANH = 0, A_LEAKY_RELU = 1, A_ELU = 2, A_SOFTPLUS = 3, A_SILU = 4, A_GELU_TANH = 6, A_HARDSIGMOID = 7, A_HARDSWISH = 8, A_MISH = 9 };

// log(1 + x) in double: fdlibm's s_log1p.c (as FreeBSD msun and musl have it; the notice of
// erf_for_f32's tables above applies), the algorithm behind JavaScript engines' Math.log1p, so a
// float32 result rounded from it has the bits of math.ts's log1pFor32 (checked in nn's activation-kernel.test.ts).
// 1 + x = 2^k (1 + f) with sqrt(2)/2 < 1 + f < sqrt(2), a correction c for the rounding of 1 + x,
// log(1 + f) by the same rational approximation as fdlibm's log.
static double log1p_d(double x) {
  const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
               Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
               Lg7 = 1.479819860511658591e-01;
  union { double f; unsigned long long i; } u = {x};
  double hfsq, f, c = 0, s, z, R, w, t1, t2, dk;
  unsigned hx = (unsigned)(u.i >> 32), hu;
  int k = 1;
  if (hx < 0x3fda827a || hx >> 31) {      // 1 + x < sqrt(2)
    if (hx >= 0xbff00000) {               // x <= -1
      if (x == -1) return -__builtin_inf();
      return __builtin_nan("");
    }
    if (hx << 1 < 0x3ca00000u << 1) return x;  // |x| < 2^-53
    if (hx <= 0xbfd2bec4) {               // sqrt(2)/2 - 1 <= x < 1 - sqrt(2)/2
      k = 0;
      c = 0;
      f = x;
    }
  } else if (hx >= 0x7ff00000) {
    return x;                             // inf or NaN
  }
  if (k) {
    u.f = 1 + x;
    hu = (unsigned)(u.i >> 32);
    hu += 0x3ff00000 - 0x3fe6a09e;
    k = (int)(hu >> 20) - 0x3ff;
    if (k < 54) {                         // the rounding of 1 + x, corrected
      c = k >= 2 ? 1 - (u.f - x) : x - (u.f - 1);
      c /= u.f;
    } else {
      c = 0;
    }
    hu = (hu & 0x000fffff) + 0x3fe6a09e;
    u.i = (unsigned long long)hu << 32 | (u.i & 0xffffffff);
    f = u.f - 1;
  }
  hfsq = 0.5 * f * f;
  s = f / (2.0 + f);
  z = s * s;
  w = z * z;
  t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  R = t2 + t1;
  dk = k;
  return s * (hfsq + R) + (dk * ln2_lo + c) - hfsq + f + dk * ln2_hi;
}

// math.ts's log1pFor32: the double log1p of a float32, infinite beyond 1e38 as PyTorch's (SLEEF's cut-off).
static inline float log1p_f32(float x) { return x > 1e38f ? __builtin_inff() : (float)log1p_d(x); }

// log1p_f32 on four lanes (one scalar call each: the rational approximation's branches are per lane).
__attribute__((noinline)) static v128_t log1p_f32x4(v128_t x) {
  return wasm_f32x4_make(log1p_f32(wasm_f32x4_extract_lane(x, 0)), log1p_f32(wasm_f32x4_extract_lane(x, 1)),
                         log1p_f32(wasm_f32x4_extract_lane(x, 2)), log1p_f32(wasm_f32x4_extract_lane(x, 3)));
}

// e^x of four floats in double, rounded once to float32 (exp_for_f32's bits).
__attribute__((noinline)) static v128_t exp_f32x4(v128_t x) {
  v128_t lo = wasm_f32x4_demote_f64x2_zero(exp_for_f32_x2(wasm_f64x2_promote_low_f32x4(x)));
  v128_t hi = wasm_f32x4_demote_f64x2_zero(exp_for_f32_x2(wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 0, 1))));
  return wasm_i32x4_shuffle(lo, hi, 0, 1, 4, 5);
}

#define SPLAT wasm_f32x4_splat
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define DIV wasm_f32x4_div
#define SELECT(cond, a, b) wasm_v128_bitselect(a, b, cond)

// f(x) for four lanes.
static inline __attribute__((always_inline)) v128_t activation_x4(int kind, v128_t x, v128_t p0, v128_t p1, v128_t p2) {
  v128_t zero = SPLAT(0.0f), one = SPLAT(1.0f), half = SPLAT(0.5f);
  switch (kind) {
    case A_HARDTANH:  // ATen's clamp: NaN fails both tests and stays NaN
      return SELECT(wasm_f32x4_lt(x, p0), p0, SELECT(wasm_f32x4_gt(x, p1), p1, x));
    case A_LEAKY_RELU: return SELECT(wasm_f32x4_gt(x, zero), x, MUL(x, p0));
    case A_ELU: return SELECT(wasm_f32x4_le(x, zero), MUL(SUB(exp_f32x4(MUL(x, p2)), one), p0), MUL(x, p1));
    case A_SOFTPLUS: {  // x·beta > threshold ? x : log1p(e^(x·beta)) / beta
      v128_t scaled = MUL(x, p0);
      return SELECT(wasm_f32x4_gt(scaled, p1), x, DIV(log1p_f32x4(exp_f32x4(scaled)), p0));
    }
    case A_MISH: return MUL(x, tanh_f32x4(log1p_f32x4(exp_f32x4(x))));
    // x·σ(x) with the float32 sigmoid (ATen's x / (1 + e^-x) differs by an ulp at most; this is 4× faster here).
    case A_SILU: return MUL(x, sigmoid_f32x4(x));
    case A_GELU_TANH: {
      v128_t inner = MUL(p0, ADD(x, MUL(p1, MUL(MUL(x, x), x))));
      return MUL(MUL(half, x), ADD(one, tanh_f32x4(inner)));
    }
    default: {  // hardsigmoid, hardswish: min(max(x + 3, 0), 6) (NaN stays NaN), / 6
      v128_t s = ADD(x, SPLAT(3.0f)), six = SPLAT(6.0f);
      v128_t h = SELECT(wasm_f32x4_lt(s, zero), zero, SELECT(wasm_f32x4_gt(s, six), six, s));
      return DIV(kind == A_HARDSIGMOID ? h : MUL(x, h), six);
    }
  }
}

// grad · f'(x) for four lanes.
static inline __attribute__((always_inline)) v128_t activation_backward_x4(int kind, v128_t x, v128_t g, v128_t p0, v128_t p1, v128_t p2) {
  v128_t zero = SPLAT(0.0f), one = SPLAT(1.0f), half = SPLAT(0.5f), three = SPLAT(3.0f);
  switch (kind) {
    case A_HARDTANH:  // 0 at and beyond the bounds; a NaN passes the gradient
      return wasm_v128_andnot(g, wasm_v128_or(wasm_f32x4_le(x, p0), wasm_f32x4_ge(x, p1)));
    case A_LEAKY_RELU: return SELECT(wasm_f32x4_gt(x, zero), g, MUL(g, p0));
    case A_ELU: return SELECT(wasm_f32x4_le(x, zero), MUL(MUL(MUL(g, p2), p0), exp_f32x4(MUL(x, p2))), MUL(g, p1));
    case A_SOFTPLUS: {  // grad, or grad·z / (z + 1) with z = e^(x·beta)
      v128_t scaled = MUL(x, p0), z = exp_f32x4(scaled);
      return SELECT(wasm_f32x4_gt(scaled, p1), g, DIV(MUL(g, z), ADD(z, one)));
    }
    case A_MISH: {  // grad · (t + x·σ(x)·(1 − t²)) with t = tanh(log1p(e^x))
      v128_t t = tanh_f32x4(log1p_f32x4(exp_f32x4(x)));
      return MUL(g, ADD(t, MUL(MUL(x, sigmoid_f32x4(x)), SUB(one, MUL(t, t)))));
    }
    case A_SILU: {
      v128_t s = sigmoid_f32x4(x);
      return MUL(MUL(g, s), ADD(one, MUL(x, SUB(one, s))));
    }
    case A_GELU_TANH: {  // ATen's order: dy · (0.5·(1 + t) + (0.5·x)·(1 − t²)·β(1 + 3κ·x²))
      v128_t square = MUL(x, x);
      v128_t t = tanh_f32x4(MUL(p0, ADD(x, MUL(p1, MUL(square, x)))));
      v128_t inner_derivative = MUL(p0, ADD(one, MUL(p2, square)));
      v128_t right_derivative = MUL(MUL(MUL(half, x), SUB(one, MUL(t, t))), inner_derivative);
      return MUL(g, ADD(MUL(half, ADD(one, t)), right_derivative));
    }
    case A_HARDSIGMOID:  // grad · (1.0f / 6.0f) strictly inside (-3, 3), else 0 (NaN too)
      return wasm_v128_and(MUL(g, SPLAT(1.0f / 6.0f)), wasm_v128_and(wasm_f32x4_gt(x, wasm_f32x4_neg(three)), wasm_f32x4_lt(x, three)));
    default:  // hardswish: 0 below -3, grad · (x/3 + 0.5) below 3, else (NaN too) grad
      return SELECT(wasm_f32x4_lt(x, wasm_f32x4_neg(three)), zero,
                    SELECT(wasm_f32x4_lt(x, three), MUL(g, ADD(DIV(x, three), half)), g));
  }
}

// out[i] = f(x[i]) (g null), or grad · f'(x[i]) with grad g[i] (g not null) or the one value gv (g null,
// one_value set: the expanded gradient of a sum). Whole vectors, then the tail through a padded vector
// of four, so every element takes the same lanes' arithmetic.
__attribute__((export_name("activation_f32")))
void activation_f32(int kind, float q0, float q1, float q2, const float *x, const float *g, int one_value, float gv, float *out, int n) {
  v128_t p0 = SPLAT(q0), p1 = SPLAT(q1), p2 = SPLAT(q2), gs = SPLAT(gv);
  int forward = g == 0 && !one_value;
  int i = 0;
  // Two independent vectors per step: the polynomials are long chains of dependent operations.
  for (; i + 8 <= n; i += 8) {
    v128_t x0 = wasm_v128_load(x + i), x1 = wasm_v128_load(x + i + 4);
    if (forward) {
      wasm_v128_store(out + i, activation_x4(kind, x0, p0, p1, p2));
      wasm_v128_store(out + i + 4, activation_x4(kind, x1, p0, p1, p2));
    } else {
      v128_t g0 = g == 0 ? gs : wasm_v128_load(g + i), g1 = g == 0 ? gs : wasm_v128_load(g + i + 4);
      wasm_v128_store(out + i, activation_backward_x4(kind, x0, g0, p0, p1, p2));
      wasm_v128_store(out + i + 4, activation_backward_x4(kind, x1, g1, p0, p1, p2));
    }
  }
  // The tail (up to seven) through padded vectors, so every element takes the same lanes' arithmetic.
  for (; i < n; i += 4) {
    float xs[4] = {0, 0, 0, 0}, gt[4] = {gv, gv, gv, gv}, r[4];
    for (int j = 0; j < 4 && i + j < n; j++) {
      xs[j] = x[i + j];
      if (g != 0) gt[j] = g[i + j];
    }
    v128_t xv = wasm_v128_load(xs);
    v128_t y = forward ? activation_x4(kind, xv, p0, p1, p2) : activation_backward_x4(kind, xv, wasm_v128_load(gt), p0, p1, p2);
    wasm_v128_store(r, y);
    for (int j = 0; j < 4 && i + j < n; j++) out[i + j] = r[j];
  }
}
#undef SPLAT
#undef ADD
#undef SUB
#undef MUL
#undef DIV
#undef SELECT

// ---------------------------------------------------------------- reductions over one small dim

// out[r] = the sum of the n contiguous float32s at src + r * rs (r < rows), in doubles, in the order
// of reduce.ts's reduceRow: from eight elements on, four interleaved partial sums added as
// ((s0 + s1) + s2) + s3 after the tail went into s0; below eight, one after another from 0.
__attribute__((export_name("sum_rows_f32")))
void sum_rows_f32(const float *src, int n, int rs, int rows, float *out) {
  for (int r = 0; r < rows; r++, src += rs) {
    if (n >= 8) {
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int i = 0;
      for (; i + 4 <= n; i += 4) {
        s0 += src[i];
        s1 += src[i + 1];
        s2 += src[i + 2];
        s3 += src[i + 3];
      }
      for (; i < n; i++) s0 += src[i];
      out[r] = (float)(0.0 + (s0 + s1 + s2 + s3));
    } else {
      double acc = 0;
      for (int i = 0; i < n; i++) acc += src[i];
      out[r] = (float)acc;
    }
  }
}

// Column sums of a contiguous [rows, n] block (a bias gradient: the leading dims summed away):
// out[j] = src[0][j] + src[1][j] + ... in doubles, rows in order (reduce.ts's leading-dims loop, the
// same bits), two columns per f64x2 and 64 columns of accumulators at a time.
__attribute__((export_name("sum_leading_f32")))
void sum_leading_f32(const float *src, int rows, int n, float *out) {
  enum { B = 64 };
  double acc[B] __attribute__((aligned(16)));
  for (int j0 = 0; j0 < n; j0 += B) {
    const int w = n - j0 < B ? n - j0 : B;
    for (int i = 0; i < w; i++) acc[i] = 0;
    for (int r = 0; r < rows; r++) {
      const float *row = src + (long)r * n + j0;
      int i = 0;
      for (; i + 4 <= w; i += 4) {
        const v128_t v = wasm_v128_load(row + i);
        const v128_t lo = wasm_f64x2_promote_low_f32x4(v);
        const v128_t hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
        wasm_v128_store(acc + i, wasm_f64x2_add(wasm_v128_load(acc + i), lo));
        wasm_v128_store(acc + i + 2, wasm_f64x2_add(wasm_v128_load(acc + i + 2), hi));
      }
      for (; i < w; i++) acc[i] += row[i];
    }
    for (int i = 0; i < w; i++) out[j0 + i] = (float)acc[i];
  }
}

// For `inner` contiguous lines side by side (line i starts at src + i), each `len` long with its
// elements `step` apart: out[i] = the position of the line's first maximum (is_max) or minimum; a
// NaN wins, the first one (as reduce.ts's argReduce).
__attribute__((export_name("arg_lines_f32")))
void arg_lines_f32(const float *src, int step, int len, int inner, int is_max, int *out) {
  int i = 0;
  for (; i + 4 <= inner; i += 4) {
    v128_t best = wasm_v128_load(src + i);
    v128_t at = wasm_i32x4_splat(0);
    for (int k = 1; k < len; k++) {
      v128_t v = wasm_v128_load(src + k * step + i);
      v128_t better = is_max ? wasm_f32x4_gt(v, best) : wasm_f32x4_lt(v, best);
      v128_t take = wasm_v128_and(wasm_v128_or(better, wasm_f32x4_ne(v, v)), wasm_f32x4_eq(best, best));
      best = wasm_v128_bitselect(v, best, take);
      at = wasm_v128_bitselect(wasm_i32x4_splat(k), at, take);
    }
    wasm_v128_store(out + i, at);
  }
  for (; i < inner; i++) {
    float best = src[i];
    int at = 0;
    for (int k = 1; k < len; k++) {
      float v = src[k * step + i];
      if (best == best && (v != v || (is_max ? v > best : v < best))) {
        best = v;
        at = k;
      }
    }
    out[i] = at;
  }
}

// One row of a float32 scatter-add: out[i * rs + idx[i] * step] += src[i] for i < n, in order (each
// add rounded to float32, as a Float32Array store rounds it). Returns -1, or the first i whose
// index lies outside [0, size) (the caller throws; out is discarded).
__attribute__((export_name("scatter_add_row_f32")))
int scatter_add_row_f32(float *out, const int *idx, int step, int size, const float *src, int n, int rs) {
  for (int i = 0; i < n; i++) {
    int j = idx[i];
    if ((unsigned)j >= (unsigned)size) return i;
    out[i * rs + j * step] += src[i];
  }
  return -1;
}
// ---- The fused LSTM cell (the optional lstmCell / lstmCellBackward kernels; src/kernels/rnn.ts).
// Rows of gates [4H] (i, f, g, o) and of states [H]; every step is the composite's op in its order,
// rounded to float as its tensors are, with the unary kernel's tanh and sigmoid.

static inline void lstm_cell_lane(const float *a, const float *b, const float *cx, float *hy, float *cy, float *ws, int H, int j) {
  float i = sigmoid_f32(a[j] + b[j]);
  float f = sigmoid_f32(a[H + j] + b[H + j]);
  float g = tanh_f32(a[2 * H + j] + b[2 * H + j]);
  float o = sigmoid_f32(a[3 * H + j] + b[3 * H + j]);
  float c = f * cx[j] + i * g;
  ws[j] = i; ws[H + j] = f; ws[2 * H + j] = g; ws[3 * H + j] = o;
  cy[j] = c;
  hy[j] = o * tanh_f32(c);
}

__attribute__((export_name("lstm_cell_f32"), noinline))
void lstm_cell_f32(const float *a, const float *b, const float *cx, float *hy, float *cy, float *ws, int rows, int H) {
  for (int r = 0; r < rows; r++, a += 4 * H, b += 4 * H, ws += 4 * H, cx += H, hy += H, cy += H) {
    int j = 0;
    for (; j + 4 <= H; j += 4) {
      v128_t i = sigmoid_f32x4(wasm_f32x4_add(wasm_v128_load(a + j), wasm_v128_load(b + j)));
      v128_t f = sigmoid_f32x4(wasm_f32x4_add(wasm_v128_load(a + H + j), wasm_v128_load(b + H + j)));
      v128_t g = tanh_f32x4(wasm_f32x4_add(wasm_v128_load(a + 2 * H + j), wasm_v128_load(b + 2 * H + j)));
      v128_t o = sigmoid_f32x4(wasm_f32x4_add(wasm_v128_load(a + 3 * H + j), wasm_v128_load(b + 3 * H + j)));
      v128_t c = wasm_f32x4_add(wasm_f32x4_mul(f, wasm_v128_load(cx + j)), wasm_f32x4_mul(i, g));
      wasm_v128_store(ws + j, i);
      wasm_v128_store(ws + H + j, f);
      wasm_v128_store(ws + 2 * H + j, g);
      wasm_v128_store(ws + 3 * H + j, o);
      wasm_v128_store(cy + j, c);
      wasm_v128_store(hy + j, wasm_f32x4_mul(o, tanh_f32x4(c)));
    }
    for (; j < H; j++) lstm_cell_lane(a, b, cx, hy, cy, ws, H, j);
  }
}

// The gradient: tanh' as (1 - y)(1 + y) and sigmoid' as (1 - y) y, as core's backward rules compute
// them. gh or gc is 0 (no address) for a gradient that is not there (zeros).
__attribute__((export_name("lstm_cell_backward_f32"), noinline))
void lstm_cell_backward_f32(const float *gh, const float *gc, const float *cx, const float *cy, const float *ws, float *gates,
                            float *gcx, int rows, int H) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  for (int r = 0; r < rows; r++, ws += 4 * H, gates += 4 * H, cx += H, cy += H, gcx += H) {
    int j = 0;
    for (; j + 4 <= H; j += 4) {
      v128_t i = wasm_v128_load(ws + j), f = wasm_v128_load(ws + H + j);
      v128_t g = wasm_v128_load(ws + 2 * H + j), o = wasm_v128_load(ws + 3 * H + j);
      v128_t dc = wasm_f32x4_splat(0.0f), dout = wasm_f32x4_splat(0.0f);
      if (gh) {
        v128_t dh = wasm_v128_load(gh + H * r + j);
        v128_t tc = tanh_f32x4(wasm_v128_load(cy + j));
        dc = wasm_f32x4_mul(wasm_f32x4_mul(dh, o), wasm_f32x4_mul(wasm_f32x4_sub(one, tc), wasm_f32x4_add(one, tc)));
        dout = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(dh, tc), wasm_f32x4_sub(one, o)), o);
      }
      if (gc) dc = gh ? wasm_f32x4_add(dc, wasm_v128_load(gc + H * r + j)) : wasm_v128_load(gc + H * r + j);
      wasm_v128_store(gates + j, wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(dc, g), wasm_f32x4_sub(one, i)), i));
      wasm_v128_store(gates + H + j,
                      wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(dc, wasm_v128_load(cx + j)), wasm_f32x4_sub(one, f)), f));
      wasm_v128_store(gates + 2 * H + j, wasm_f32x4_mul(wasm_f32x4_mul(dc, i), wasm_f32x4_mul(wasm_f32x4_sub(one, g), wasm_f32x4_add(one, g))));
      wasm_v128_store(gates + 3 * H + j, dout);
      wasm_v128_store(gcx + j, wasm_f32x4_mul(dc, f));
    }
    for (; j < H; j++) {
      float i = ws[j], f = ws[H + j], g = ws[2 * H + j], o = ws[3 * H + j];
      float dc = 0.0f, dout = 0.0f;
      if (gh) {
        float dh = gh[H * r + j];
        float tc = tanh_f32(cy[j]);
        dc = (dh * o) * ((1.0f - tc) * (1.0f + tc));
        dout = ((dh * tc) * (1.0f - o)) * o;
      }
      if (gc) dc = gh ? dc + gc[H * r + j] : gc[H * r + j];
      gates[j] = ((dc * g) * (1.0f - i)) * i;
      gates[H + j] = ((dc * cx[j]) * (1.0f - f)) * f;
      gates[2 * H + j] = (dc * i) * ((1.0f - g) * (1.0f + g));
      gates[3 * H + j] = dout;
      gcx[j] = dc * f;
    }
  }
}

// ---------------------------------------------------------------- fused GRU cell (float32)
// Rows of gates [3H] (r, z, n) and of states [H]; the workspace [4H] holds r, z, n and h_n (the
// hidden gates' n part, which the reset gate scales). Every step is src/kernels/rnn.ts's loop (and
// so core's composite) in its order, rounded to float as its tensors are.

static inline void gru_cell_lane(const float *a, const float *b, const float *hx, float *hy, float *ws, int H, int j) {
  float r = sigmoid_f32(a[j] + b[j]);
  float z = sigmoid_f32(a[H + j] + b[H + j]);
  float hn = b[2 * H + j];
  float n = tanh_f32(a[2 * H + j] + r * hn);
  hy[j] = (1.0f - z) * n + z * hx[j];
  ws[j] = r; ws[H + j] = z; ws[2 * H + j] = n; ws[3 * H + j] = hn;
}

__attribute__((export_name("gru_cell_f32")))
void gru_cell_f32(const float *a, const float *b, const float *hx, float *hy, float *ws, int rows, int H) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  for (int row = 0; row < rows; row++, a += 3 * H, b += 3 * H, ws += 4 * H, hx += H, hy += H) {
    int j = 0;
    for (; j + 4 <= H; j += 4) {
      v128_t r = sigmoid_f32x4(wasm_f32x4_add(wasm_v128_load(a + j), wasm_v128_load(b + j)));
      v128_t z = sigmoid_f32x4(wasm_f32x4_add(wasm_v128_load(a + H + j), wasm_v128_load(b + H + j)));
      v128_t hn = wasm_v128_load(b + 2 * H + j);
      v128_t n = tanh_f32x4(wasm_f32x4_add(wasm_v128_load(a + 2 * H + j), wasm_f32x4_mul(r, hn)));
      wasm_v128_store(hy + j, wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_sub(one, z), n), wasm_f32x4_mul(z, wasm_v128_load(hx + j))));
      wasm_v128_store(ws + j, r);
      wasm_v128_store(ws + H + j, z);
      wasm_v128_store(ws + 2 * H + j, n);
      wasm_v128_store(ws + 3 * H + j, hn);
    }
    for (; j < H; j++) gru_cell_lane(a, b, hx, hy, ws, H, j);
  }
}

// The gradient of hy = (1 - z)·n + z·hx through the gates: tanh' as (1 - y)(1 + y) and sigmoid' as
// (1 - y)·y, as core's backward rules compute them. gi gets the input gates' gradient, gh the hidden
// gates' (the same but for n, scaled by r), ghx the previous state's.
static inline void gru_cell_backward_lane(const float *d, const float *hx, const float *ws, float *gi, float *gh, float *ghx, int H,
                                          int j) {
  float r = ws[j], z = ws[H + j], n = ws[2 * H + j], hn = ws[3 * H + j];
  float dn = d[j] * (1.0f - z);
  float dz = d[j] * hx[j] - d[j] * n;
  float dpre_n = dn * ((1.0f - n) * (1.0f + n));
  float dpre_r = ((dpre_n * hn) * (1.0f - r)) * r;
  float dpre_z = (dz * (1.0f - z)) * z;
  gi[j] = dpre_r; gi[H + j] = dpre_z; gi[2 * H + j] = dpre_n;
  gh[j] = dpre_r; gh[H + j] = dpre_z; gh[2 * H + j] = dpre_n * r;
  ghx[j] = d[j] * z;
}

__attribute__((export_name("gru_cell_backward_f32")))
void gru_cell_backward_f32(const float *d, const float *hx, const float *ws, float *gi, float *gh, float *ghx, int rows, int H) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  for (int row = 0; row < rows; row++, d += H, hx += H, ws += 4 * H, gi += 3 * H, gh += 3 * H, ghx += H) {
    int j = 0;
    for (; j + 4 <= H; j += 4) {
      v128_t r = wasm_v128_load(ws + j), z = wasm_v128_load(ws + H + j);
      v128_t n = wasm_v128_load(ws + 2 * H + j), hn = wasm_v128_load(ws + 3 * H + j);
      v128_t dj = wasm_v128_load(d + j);
      v128_t dn = wasm_f32x4_mul(dj, wasm_f32x4_sub(one, z));
      v128_t dz = wasm_f32x4_sub(wasm_f32x4_mul(dj, wasm_v128_load(hx + j)), wasm_f32x4_mul(dj, n));
      v128_t dpre_n = wasm_f32x4_mul(dn, wasm_f32x4_mul(wasm_f32x4_sub(one, n), wasm_f32x4_add(one, n)));
      v128_t dpre_r = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(dpre_n, hn), wasm_f32x4_sub(one, r)), r);
      v128_t dpre_z = wasm_f32x4_mul(wasm_f32x4_mul(dz, wasm_f32x4_sub(one, z)), z);
      wasm_v128_store(gi + j, dpre_r);
      wasm_v128_store(gi + H + j, dpre_z);
      wasm_v128_store(gi + 2 * H + j, dpre_n);
      wasm_v128_store(gh + j, dpre_r);
      wasm_v128_store(gh + H + j, dpre_z);
      wasm_v128_store(gh + 2 * H + j, wasm_f32x4_mul(dpre_n, r));
      wasm_v128_store(ghx + j, wasm_f32x4_mul(dj, z));
    }
    for (; j < H; j++) gru_cell_backward_lane(d, hx, ws, gi, gh, ghx, H, j);
  }
}

// ---------------------------------------------------------------- LSTM over a sequence (float32)
// One direction of an LSTM layer over T steps, for `rows` rows of the batch. The recurrence is
// independent per row, so src/kernels/lstm-sequence.ts gives each thread groups of rows of its own:
// nothing is shared between steps, and a thread never waits for another inside the sequence. Every
// step is the same kernels, in the same order, as core's per-step path (a product by gemm_block,
// then the cell kernel), and neither kernel's result for a row depends on the other rows, so the
// bits are those of the per-step path whatever the partition. Pointers are at the group's first
// row; one step's rows lie B rows after the previous step's. `wp` holds packed panels (pack_b) of
// W_hh^T [H x 4H] for the forward and of W_hh [4H x H] for the backward; `t` counts time, `i` the
// steps taken.
static inline int lstm_step_at(int i, int T, int reverse) { return reverse ? T - 1 - i : i; }

// out, cells [T x B x H] and ws [T x B x 4H] by time step; hidden: rows x 4H of scratch.
__attribute__((export_name("lstm_sequence_f32")))
void lstm_sequence_f32(const float *gates, const float *hx, const float *cx, const float *wp, float *out, float *cells,
                       float *ws, float *hidden, int T, int B, int H, int rows, int reverse) {
  const float *h = hx, *c = cx;
  for (int i = 0; i < T; i++) {
    int t = lstm_step_at(i, T, reverse);
    float *ht = out + t * B * H, *ct = cells + t * B * H;
    gemm_block(h, H, 1, wp, NR, NR * H, hidden, 4 * H, rows, 4 * H, H);
    lstm_cell_f32(gates + t * B * 4 * H, hidden, c, ht, ct, ws + t * B * 4 * H, rows, H);
    h = ht, c = ct;
  }
}

// BPTT: the gates' gradients ggates [T x B x 4H] and the initial states' ghx, gcx [B x H] from the
// gradients of the output (gout, [T x B x H]), of the final h and c (ghn, gcn); 0 for a gradient
// that is not there, tracked step by step as core's per-step path tracks its nulls (a step that
// receives no gradient at all gets zero gate gradients). buf: 4 x rows x H of scratch. The loops
// over a step's rows are kept small (clang would vectorise each into a few hundred instructions of
// alias checks and unrolled tails, for a few hundred floats per step).
__attribute__((export_name("lstm_sequence_backward_f32")))
void lstm_sequence_backward_f32(const float *gout, const float *ghn, const float *gcn, const float *cx, const float *cells,
                                const float *ws, const float *wp, float *ggates, float *ghx, float *gcx, float *buf, int T,
                                int B, int H, int rows, int reverse) {
  const int n = rows * H;
  float *sum = buf, *gh_next = buf + n, *gc_next[2] = {buf + 2 * n, buf + 3 * n};
  const float *gh = ghn, *gc = gcn;
  for (int i = T - 1; i >= 0; i--) {
    int t = lstm_step_at(i, T, reverse);
    const float *go = gout ? gout + t * B * H : 0;
    const float *ght = go ? go : gh;
    if (go && gh) {
      int k = 0;
      for (; k + 4 <= n; k += 4) wasm_v128_store(sum + k, wasm_f32x4_add(wasm_v128_load(go + k), wasm_v128_load(gh + k)));
#pragma clang loop vectorize(disable) unroll(disable)
      for (; k < n; k++) sum[k] = go[k] + gh[k];
      ght = sum;
    }
    float *gg = ggates + t * B * 4 * H;
    if (!ght && !gc) {
#pragma clang loop vectorize(disable) unroll(disable)
      for (int k = 0; k < 4 * n; k++) gg[k] = 0.0f;
      continue;
    }
    const float *cprev = i > 0 ? cells + lstm_step_at(i - 1, T, reverse) * B * H : cx;
    lstm_cell_backward_f32(ght, gc, cprev, cells + t * B * H, ws + t * B * 4 * H, gg, gc_next[i & 1], rows, H);
    gc = gc_next[i & 1];
    gemm_block(gg, 4 * H, 1, wp, NR, NR * 4 * H, gh_next, H, rows, H, 4 * H);
    gh = gh_next;
  }
#pragma clang loop vectorize(disable) unroll(disable)
  for (int k = 0; k < n; k++) ghx[k] = gh ? gh[k] : 0.0f;
#pragma clang loop vectorize(disable) unroll(disable)
  for (int k = 0; k < n; k++) gcx[k] = gc ? gc[k] : 0.0f;
}

// ---------------------------------------------------------------- convolution patches (float32)

// A convolution's geometry, as the int32s src/kernels/conv.ts writes: channels, input height and width,
// kernel height and width, strides, padding (top, left), dilations, output height and width.
typedef struct {
  int C, H, W, kh, kw, sh, sw, pt, pl, dh, dw, OH, OW;
} conv_geometry;

// The output columns [lo, hi) whose input column ow*sw + w0 lies in [0, W) (sw >= 1).
static inline void conv_valid_columns(int w0, int sw, int W, int OW, int *lo, int *hi) {
  int a = w0 >= 0 ? 0 : (-w0 + sw - 1) / sw;
  int b = w0 > W - 1 ? 0 : (W - 1 - w0) / sw + 1;
  if (a > OW) a = OW;
  if (b > OW) b = OW;
  if (b < a) b = a;
  *lo = a;
  *hi = b;
}

// One sample's patches (im2col): src is the sample [C, H, W], dense; row r = (c*kh + i)*kw + j of
// the result, at dst + r*rs, holds the OH*OW input values under kernel position (i, j) of channel
// c, zero where it falls in the padding.
__attribute__((export_name("im2col_f32")))
void im2col_f32(const float *restrict src, const conv_geometry *g, float *restrict dst, unsigned rs) {
  const int C = g->C, H = g->H, W = g->W, kh = g->kh, kw = g->kw, sh = g->sh, sw = g->sw, OH = g->OH, OW = g->OW;
  for (int c = 0; c < C; c++) {
    const float *plane = src + (unsigned)c * H * W;
    for (int i = 0; i < kh; i++) {
      for (int j = 0; j < kw; j++) {
        float *row = dst + ((unsigned)(c * kh + i) * kw + j) * rs;
        const int w0 = j * g->dw - g->pl;
        int lo, hi;
        conv_valid_columns(w0, sw, W, OW, &lo, &hi);
        for (int oh = 0; oh < OH; oh++) {
          float *out = row + (unsigned)oh * OW;
          const int h = oh * sh - g->pt + i * g->dh;
          // Plain loops, not memcpy/memset: rows are often a few floats, and bulk memory's calls cost
          // more than such a copy (they took as long as the GEMM on 8 x 8 images).
          if (h < 0 || h >= H || lo == hi) {
            for (int ow = 0; ow < OW; ow++) out[ow] = 0;
            continue;
          }
          const float *line = plane + (h * W + w0); // w0 may be negative: only [lo, hi) is read
          for (int ow = 0; ow < lo; ow++) out[ow] = 0;
          if (sw == 1)
            for (int ow = lo; ow < hi; ow++) out[ow] = line[ow];
          else
            for (int ow = lo; ow < hi; ow++) out[ow] = line[ow * sw];
          for (int ow = hi; ow < OW; ow++) out[ow] = 0;
        }
      }
    }
  }
}

// The inverse (col2im) for one sample: dst [C, H, W] (dense) = the sum, over the patches' rows laid
// out as im2col_f32 writes them, of each value at its input position. Zeroes dst first; adds in
// the order c, i, j, oh, ow (a fixed order: the same bits on any thread).
__attribute__((export_name("col2im_f32")))
void col2im_f32(const float *restrict cols, const conv_geometry *g, float *restrict dst, unsigned rs) {
  const int C = g->C, H = g->H, W = g->W, kh = g->kh, kw = g->kw, sh = g->sh, sw = g->sw, OH = g->OH, OW = g->OW;
  __builtin_memset(dst, 0, (unsigned long)C * H * W * 4);
  for (int c = 0; c < C; c++) {
    float *plane = dst + (unsigned)c * H * W;
    for (int i = 0; i < kh; i++) {
      for (int j = 0; j < kw; j++) {
        const float *row = cols + ((unsigned)(c * kh + i) * kw + j) * rs;
        const int w0 = j * g->dw - g->pl;
        int lo, hi;
        conv_valid_columns(w0, sw, W, OW, &lo, &hi);
        for (int oh = 0; oh < OH; oh++) {
          const int h = oh * sh - g->pt + i * g->dh;
          if (h < 0 || h >= H) continue;
          const float *in = row + (unsigned)oh * OW;
          float *line = plane + (h * W + w0);
          if (sw == 1) {
            int ow = lo;
            for (; ow + 4 <= hi; ow += 4) wasm_v128_store(line + ow, wasm_f32x4_add(wasm_v128_load(line + ow), wasm_v128_load(in + ow)));
            for (; ow < hi; ow++) line[ow] += in[ow];
          } else
            for (int ow = lo; ow < hi; ow++) line[ow * sw] += in[ow];
        }
      }
    }
  }
}

// ---------------------------------------------------------------- fused optimizer steps (float32)

// One torch.optim.Adam/AdamW update of n float32 elements in place, the same float32 operations in the
// same order as core's composite (`fused.adam_` op by op) and src/kernels/optim.ts's adam32 loop, so
// the result equals both bit for bit: every product, sum, quotient and square root rounded to float32,
// max NaN-propagating with max(-0, +0) = +0 (wasm's max, JavaScript's Math.max). `c` holds the
// hyperparameters, already rounded to float32: decay, wd, b1, b2, 1-b1, 1-b2, sqrt(bias correction 2),
// eps, step size. flags: 1 first step, 2 maximize, 4 decoupled decay (AdamW), 8 coupled decay, 16 vmax.
enum { ADAM_FIRST = 1, ADAM_MAXIMIZE = 2, ADAM_DECOUPLED = 4, ADAM_COUPLED = 8, ADAM_AMSGRAD = 16 };

static inline v128_t adam_lane4(v128_t pi, v128_t gi, v128_t *m, v128_t *v, v128_t *vmax, int flags, const float *c) {
  if (flags & ADAM_MAXIMIZE) gi = wasm_f32x4_neg(gi);
  if (flags & ADAM_DECOUPLED) pi = wasm_f32x4_mul(pi, wasm_f32x4_splat(c[0]));
  else if (flags & ADAM_COUPLED) gi = wasm_f32x4_add(gi, wasm_f32x4_mul(pi, wasm_f32x4_splat(c[1])));
  v128_t mi = wasm_f32x4_mul(gi, wasm_f32x4_splat(c[4]));
  if (!(flags & ADAM_FIRST)) mi = wasm_f32x4_add(wasm_f32x4_mul(*m, wasm_f32x4_splat(c[2])), mi);
  v128_t vi = wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), wasm_f32x4_splat(c[5]));
  if (!(flags & ADAM_FIRST)) vi = wasm_f32x4_add(wasm_f32x4_mul(*v, wasm_f32x4_splat(c[3])), vi);
  *m = mi;
  *v = vi;
  v128_t second = vi;
  if (flags & ADAM_AMSGRAD) {
    if (!(flags & ADAM_FIRST)) second = wasm_f32x4_max(*vmax, vi);
    *vmax = second;
  }
  v128_t denom = wasm_f32x4_add(wasm_f32x4_div(wasm_f32x4_sqrt(second), wasm_f32x4_splat(c[6])), wasm_f32x4_splat(c[7]));
  return wasm_f32x4_sub(pi, wasm_f32x4_mul(wasm_f32x4_div(mi, denom), wasm_f32x4_splat(c[8])));
}

__attribute__((export_name("adam_step_f32")))
void adam_step_f32(float *p, const float *g, float *m, float *v, float *vmax, int n, int flags, const float *c) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t mv = wasm_v128_load(m + i), vv = wasm_v128_load(v + i);
    v128_t xv = (flags & ADAM_AMSGRAD) ? wasm_v128_load(vmax + i) : mv;
    v128_t pv = adam_lane4(wasm_v128_load(p + i), wasm_v128_load(g + i), &mv, &vv, &xv, flags, c);
    wasm_v128_store(p + i, pv);
    wasm_v128_store(m + i, mv);
    wasm_v128_store(v + i, vv);
    if (flags & ADAM_AMSGRAD) wasm_v128_store(vmax + i, xv);
  }
  // The tail through the same vector code, one lane used: the same operations, so the same bits.
  for (; i < n; i++) {
    v128_t mv = wasm_f32x4_splat(m[i]), vv = wasm_f32x4_splat(v[i]);
    v128_t xv = (flags & ADAM_AMSGRAD) ? wasm_f32x4_splat(vmax[i]) : mv;
    v128_t pv = adam_lane4(wasm_f32x4_splat(p[i]), wasm_f32x4_splat(g[i]), &mv, &vv, &xv, flags, c);
    p[i] = wasm_f32x4_extract_lane(pv, 0);
    m[i] = wasm_f32x4_extract_lane(mv, 0);
    v[i] = wasm_f32x4_extract_lane(vv, 0);
    if (flags & ADAM_AMSGRAD) vmax[i] = wasm_f32x4_extract_lane(xv, 0);
  }
}

// One torch.optim.SGD update in place, as core's composite and optim.ts's sgd32: d = (-)g (+ p*wd);
// with momentum, buf = first ? d : buf*mom + d*keep, and the step is buf or (Nesterov) d + buf*mom;
// p -= step*lr. c: wd, mom, keep, lr. flags: 1 first, 2 maximize, 4 weight decay, 8 Nesterov, 16 momentum.
enum { SGD_FIRST = 1, SGD_MAXIMIZE = 2, SGD_DECAY = 4, SGD_NESTEROV = 8, SGD_MOMENTUM = 16 };

static inline v128_t sgd_lane4(v128_t pi, v128_t d, v128_t *buf, int flags, const float *c) {
  if (flags & SGD_MAXIMIZE) d = wasm_f32x4_neg(d);
  if (flags & SGD_DECAY) d = wasm_f32x4_add(d, wasm_f32x4_mul(pi, wasm_f32x4_splat(c[0])));
  if (flags & SGD_MOMENTUM) {
    v128_t b = (flags & SGD_FIRST) ? d
                                   : wasm_f32x4_add(wasm_f32x4_mul(*buf, wasm_f32x4_splat(c[1])), wasm_f32x4_mul(d, wasm_f32x4_splat(c[2])));
    *buf = b;
    d = (flags & SGD_NESTEROV) ? wasm_f32x4_add(d, wasm_f32x4_mul(b, wasm_f32x4_splat(c[1]))) : b;
  }
  return wasm_f32x4_sub(pi, wasm_f32x4_mul(d, wasm_f32x4_splat(c[3])));
}

__attribute__((export_name("sgd_step_f32")))
void sgd_step_f32(float *p, const float *g, float *buf, int n, int flags, const float *c) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t bv = (flags & SGD_MOMENTUM) ? wasm_v128_load(buf + i) : wasm_f32x4_splat(0);
    wasm_v128_store(p + i, sgd_lane4(wasm_v128_load(p + i), wasm_v128_load(g + i), &bv, flags, c));
    if (flags & SGD_MOMENTUM) wasm_v128_store(buf + i, bv);
  }
  for (; i < n; i++) {
    v128_t bv = (flags & SGD_MOMENTUM) ? wasm_f32x4_splat(buf[i]) : wasm_f32x4_splat(0);
    p[i] = wasm_f32x4_extract_lane(sgd_lane4(wasm_f32x4_splat(p[i]), wasm_f32x4_splat(g[i]), &bv, flags, c), 0);
    if (flags & SGD_MOMENTUM) buf[i] = wasm_f32x4_extract_lane(bv, 0);
  }
}
