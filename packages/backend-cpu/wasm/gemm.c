// Single-precision GEMM micro-kernels for Graft's CPU backend, WebAssembly SIMD128.
//
// The caller (JavaScript) packs A into blocks of MR rows (k-major: MR values per
// k) and B into panels of NR columns (NR values per k), both zero-padded, so
// the kernel reads memory strictly sequentially. C is Mp x Np (padded), row-major.
// Build: see build.sh (clang --target=wasm32 -msimd128 -O3). The .wasm is
// committed as base64 in src/wasm/gemm-binary.ts, so no toolchain is needed to use Graft.
#include <wasm_simd128.h>

#define MR 4
#define NR 8
#define KC 256

// C[MR x NR] (+)= Ap[k0..k1] * Bp[k0..k1]
static inline void kernel_4x8(const float *a, const float *b, float *c, int ldc, int kc, int accumulate) {
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
    v128_t a0 = wasm_f32x4_splat(a[0]);
    v128_t a1 = wasm_f32x4_splat(a[1]);
    v128_t a2 = wasm_f32x4_splat(a[2]);
    v128_t a3 = wasm_f32x4_splat(a[3]);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a0, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a0, b1));
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a1, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a1, b1));
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a2, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a2, b1));
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a3, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a3, b1));
    a += MR;
    b += NR;
  }
  wasm_v128_store(c + 0 * ldc, c00); wasm_v128_store(c + 0 * ldc + 4, c01);
  wasm_v128_store(c + 1 * ldc, c10); wasm_v128_store(c + 1 * ldc + 4, c11);
  wasm_v128_store(c + 2 * ldc, c20); wasm_v128_store(c + 2 * ldc + 4, c21);
  wasm_v128_store(c + 3 * ldc, c30); wasm_v128_store(c + 3 * ldc + 4, c31);
}

// Mp, Np: multiples of MR, NR. Ap: (Mp/MR) blocks of K*MR; Bp: (Np/NR) panels of K*NR.
__attribute__((export_name("gemm")))
void gemm(const float *ap, const float *bp, float *c, int Mp, int Np, int K) {
  for (int k0 = 0; k0 < K; k0 += KC) {
    int kc = K - k0 < KC ? K - k0 : KC;
    for (int i = 0; i < Mp; i += MR) {
      const float *a = ap + (long)i * K + (long)k0 * MR;
      for (int j = 0; j < Np; j += NR) {
        const float *b = bp + (long)j * K + (long)k0 * NR;
        kernel_4x8(a, b, c + (long)i * Np + j, Np, kc, k0 != 0);
      }
    }
  }
}
