/**
 * ATen's CPU distributions (`DistributionsHelper.h`, `TransformationHelper.h`,
 * `cpu/DistributionTemplates.h`) on a generator's engine (random.ts), each
 * consuming the same 32-bit words in the same order as PyTorch's, so every
 * number drawn after them is PyTorch's too. Values come out in draw order;
 * the ops place them (ops/iteration-order.ts). Arithmetic-only samplers give
 * PyTorch's bits (with the fused multiply-adds its build contracts to); those
 * through a transcendental function agree to its rounding (JavaScript's
 * `Math.log`, `Math.cos`, … against glibc's: an ulp or two in a few percent of
 * float64 draws), except the vectorised float32 normal, which emulates
 * PyTorch's AVX2 kernel and gives its bits (avx-mathfun.ts).
 */
import type { DType } from './dtype.js';
import { logAvx, sincosAvx } from './avx-mathfun.js';
import { fma32, fma64 } from './fma.js';
import type { Engine } from './random.js';

const f32 = Math.fround;
/** 2π as the float32 constant ATen's kernel multiplies by (`_mm256_set1_ps(2.0f * pi<double>)`). */
const TWO_PI_F32 = f32(2 * Math.PI);

/**
 * `size` uniform samples in [low, high), as `uniform_kernel`: float32 from one
 * word each (low and high rounded to float32 first), float64 from two.
 */
export function uniformValues(e: Engine, size: number, dtype: DType, low = 0, high = 1): Float32Array | Float64Array {
  if (dtype === 'float64') {
    const out = new Float64Array(size);
    const range = high - low;
    // ATen's x·(to − from) + from, compiled to a fused multiply-add: one rounding.
    for (let i = 0; i < size; i++) out[i] = fma64(e.uniformDouble(), range, low);
    return out;
  }
  const out = new Float32Array(size);
  const from = f32(low);
  const range = f32(f32(high) - from);
  // One rounding, as ATen's x·(to − from) + from compiles (a fused multiply-add).
  for (let i = 0; i < size; i++) out[i] = fma32(e.uniformFloat(), range, from);
  return out;
}

/**
 * `size` normal samples, as `normal_kernel`: with `fill` (a contiguous tensor
 * of 16 or more elements) its vectorised Box-Muller over blocks of 16
 * (`normal_fill`: all the uniforms first, the last block redrawn when 16 does
 * not divide the size), otherwise its scalar path (`normal_distribution<double>`,
 * which uses and leaves the cached second sample).
 */
export function normalValues(e: Engine, size: number, dtype: DType, mean = 0, std = 1, fill = size >= 16): Float32Array | Float64Array {
  const double = dtype === 'float64';
  const out = double ? new Float64Array(size) : new Float32Array(size);
  if (!fill) {
    for (let i = 0; i < size; i++) out[i] = e.normal() * std + mean;
    return out;
  }
  const draw = double ? () => e.uniformDouble() : () => e.uniformFloat();
  const m = double ? mean : f32(mean);
  const s = double ? std : f32(std);
  const fill16 = double
    ? (start: number) => {
        for (let j = 0; j < 8; j++) {
          const u1 = 1 - out[start + j]!;
          const u2 = out[start + j + 8]!;
          const radius = Math.sqrt(-2 * Math.log(u1));
          const theta = 2 * Math.PI * u2;
          out[start + j] = radius * Math.cos(theta) * s + m;
          out[start + j + 8] = radius * Math.sin(theta) * s + m;
        }
      }
    : // float32: PyTorch's AVX2 kernel (normal_fill_16_AVX2) step for step, its log and sincos emulated (avx-mathfun.ts)
      (start: number) => {
        for (let j = 0; j < 8; j++) {
          const u1 = f32(1 - out[start + j]!);
          const u2 = out[start + j + 8]!;
          const radius = f32(Math.sqrt(f32(-2 * logAvx(u1))));
          const [sin, cos] = sincosAvx(f32(TWO_PI_F32 * u2));
          // n·std + mean as one fused multiply-add (_mm256_fmadd_ps)
          out[start + j] = f32(f32(radius * cos) * s + m);
          out[start + j + 8] = f32(f32(radius * sin) * s + m);
        }
      };
  for (let i = 0; i < size; i++) out[i] = draw();
  for (let i = 0; i + 16 <= size; i += 16) fill16(i);
  if (size % 16 !== 0) {
    const start = size - 16;
    for (let i = 0; i < 16; i++) out[start + i] = draw();
    fill16(start);
  }
  return out;
}

/**
 * `size` integers uniform in [low, low + range), as
 * `uniform_int_from_to_distribution`: `random() % range + low`, or
 * `random64() % range + low` when the range is 2^32 or more and `wide` (the
 * dtype is 64-bit or floating: PyTorch's int64 and float dtypes). A range
 * beyond 2^53 is given as a bigint.
 */
export function randintValues(e: Engine, size: number, low: number, range: number | bigint, wide = true): Float64Array {
  const out = new Float64Array(size);
  if (range < 2 ** 32 || !wide) {
    const r = Number(BigInt(range) % 2n ** 32n); // a range of exactly 2^32 on a 32-bit path is every word
    for (let i = 0; i < size; i++) out[i] = (r === 0 ? e.random() : e.random() % r) + low;
  } else {
    const r = BigInt(range);
    for (let i = 0; i < size; i++) out[i] = Number(e.random64() % r) + low;
  }
  return out;
}

/**
 * `random_()` without bounds, as `uniform_int_distribution`: [0, 2^24] for
 * float32, [0, 2^53] for float64 (two words), [0, 2^31 − 1] for int32 (as
 * torch.int32), 0/1 for bool (the low bit).
 */
export function randomValues(e: Engine, size: number, dtype: DType): Float64Array {
  const out = new Float64Array(size);
  if (dtype === 'float64') {
    const r = 2n ** 53n + 1n;
    for (let i = 0; i < size; i++) out[i] = Number(e.random64() % r);
  } else {
    const r = dtype === 'float32' ? 2 ** 24 + 1 : dtype === 'int32' ? 2 ** 31 : 2;
    for (let i = 0; i < size; i++) out[i] = dtype === 'bool' ? e.random() & 1 : e.random() % r;
  }
  return out;
}

/** `size` Bernoulli(p) draws as 0/1, as the scalar `bernoulli_(p)`: a double uniform below p. */
export function bernoulliValues(e: Engine, size: number, p: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = e.uniformDouble() < p ? 1 : 0;
  return out;
}

/** `size` Exp(λ) samples, as `exponential_distribution<double>`: −1/λ · log(1 − u), u a double uniform. */
export function exponentialValues(e: Engine, size: number, dtype: DType, lambda: number): Float32Array | Float64Array {
  const out = dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
  const scale = -1 / lambda;
  for (let i = 0; i < size; i++) out[i] = scale * Math.log(1 - e.uniformDouble());
  return out;
}

/** `size` Cauchy samples, as `cauchy_distribution<double>`: median + σ·tan(π(u − ½)). */
export function cauchyValues(e: Engine, size: number, dtype: DType, median: number, sigma: number): Float32Array | Float64Array {
  const out = dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = median + sigma * Math.tan(Math.PI * (e.uniformDouble() - 0.5));
  return out;
}

/** `size` log-normal samples, as `lognormal_distribution<double>`: exp of the scalar normal path (with its cache). */
export function logNormalValues(e: Engine, size: number, dtype: DType, mean: number, std: number): Float32Array | Float64Array {
  const out = dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = Math.exp(e.normal() * std + mean);
  return out;
}

/** `size` Geometric(p) samples (trials to the first success), as `geometric_distribution<double>`: ⌈log u / log(1 − p)⌉. */
export function geometricValues(e: Engine, size: number, p: number): Float64Array {
  const out = new Float64Array(size);
  const denominator = Math.log(1 - p);
  for (let i = 0; i < size; i++) out[i] = Math.ceil(Math.log(e.uniformDouble()) / denominator);
  return out;
}

/**
 * A permutation of 0..n−1, as ATen's `randperm_cpu` (1.13): the identity,
 * then for each i < n − 1 a swap of i with i + `random() % (n − i)`; n − 1
 * words in all.
 */
export function randpermValues(e: Engine, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = i + (e.random() % (n - i));
    const save = out[i]!;
    out[i] = out[z]!;
    out[z] = save;
  }
  return out;
}
