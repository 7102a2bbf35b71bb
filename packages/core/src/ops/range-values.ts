/**
 * The values of `arange` and `linspace`, bit for bit as PyTorch 1.13's CPU
 * kernels compute them (aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp,
 * AVX2 build).
 *
 * ATen does not compute `start + step * i` for every element. Its loop
 * (`cpu_serial_kernel_vec` → `vectorized_loop`) fills the leading multiple of
 * two vectors (2·V elements per iteration) a vector at a time: one base per
 * vector, `start + step * i0`, then `Vectorized<T>::arange(base, step)`, that
 * is `base + j * step` for j < V, in the vector's element type. Only the tail
 * is filled by the scalar formula. The two round differently, so a faithful
 * result needs both, and the vector width: V = 8 float32 and 4 float64 or
 * int64 lanes with AVX2. GCC contracts every `x + y * z` there into one
 * fused multiply-add (`fma64`, or `fma32` for float32 arithmetic). (Above `GRAIN_SIZE` elements ATen splits the range
 * among its threads and each chunk restarts the vector loop, so there
 * PyTorch's own bits depend on its thread count; these are its values with
 * one thread.)
 */
import type { DType, TypedArray } from '../dtype.js';
import { ARRAY_TYPE } from '../dtype.js';
import { fma32, fma64 } from '../fma.js';

/** Lanes of one AVX2 vector per element type; Graft's int32 stands for PyTorch's int64. */
const LANES: Record<Exclude<DType, 'bool'>, number> = { float32: 8, float64: 4, int32: 4 };

/**
 * `vectorized_loop` for an op without inputs: `vectorBase(i0)` is a vector's
 * base, `lane(base, j)` its j-th element; `scalar(i)` fills the tail.
 */
function serialKernelVec(
  out: TypedArray,
  lanes: number,
  scalar: (i: number) => number,
  vectorBase: (i0: number) => number,
  lane: (base: number, j: number) => number,
): TypedArray {
  const n = out.length;
  let i = 0;
  for (; i <= n - 2 * lanes; i += 2 * lanes) {
    for (let i0 = i; i0 < i + 2 * lanes; i0 += lanes) {
      const base = vectorBase(i0);
      for (let j = 0; j < lanes; j++) out[i0 + j] = lane(base, j);
    }
  }
  for (; i < n; i++) out[i] = scalar(i);
  return out;
}

const f32 = Math.fround;

/**
 * ATen's `arange` values for a float dtype: start and step in the
 * accumulation type (double), `start + step * i`; a vector's lanes add
 * `j * step` (double) to its base already rounded to the element type.
 * Integer aranges are exact and do not come here.
 */
export function arangeValues(dtype: 'float32' | 'float64', size: number, start: number, step: number): TypedArray {
  const out = new ARRAY_TYPE[dtype](size);
  const round = dtype === 'float32' ? f32 : (x: number) => x;
  return serialKernelVec(
    out,
    LANES[dtype],
    (i) => fma64(step, i, start),
    (i0) => round(fma64(step, i0, start)),
    (base, j) => (j === 0 ? base : fma64(j, step, base)),
  );
}

/**
 * ATen's `linspace` values: start, end and step in the element type (step in
 * double for an integer dtype, its ends truncated first), filled from both
 * ends so the last value is `end`: `start + step * i` below `steps / 2`,
 * `end - step * (steps - i - 1)` from there. One step is `[start]`.
 */
export function linspaceValues(dtype: Exclude<DType, 'bool'>, steps: number, startValue: number, endValue: number): TypedArray {
  const out = new ARRAY_TYPE[dtype](steps);
  if (steps === 0) return out;
  const integral = dtype === 'int32';
  // scalar_t for the ends; the arithmetic in step_t: float32's in float32, the rest in double.
  const round = dtype === 'float32' ? f32 : (x: number) => x;
  const element = integral ? Math.trunc : round;
  const start = integral ? Math.trunc(startValue) : round(startValue);
  const end = integral ? Math.trunc(endValue) : round(endValue);
  if (steps === 1) {
    out[0] = start; // RangeFactories.cpp fills `start` (the kernel's step would be (end - start) / 0)
    return out;
  }
  const step = round(round(end - start) / round(steps - 1));
  const halfway = Math.floor(steps / 2);
  // x + y · z in step_t, contracted: float32's fmaf, double's fma.
  const fma = dtype === 'float32' ? fma32 : fma64;
  // The int64 index converts to step_t first (float32 rounds it beyond 2^24).
  const at = (i: number) => (i < halfway ? fma(step, round(i), start) : fma(-step, round(steps - i - 1), end));
  return serialKernelVec(
    out,
    LANES[dtype],
    (i) => element(at(i)),
    // Vectorized<int64_t>::arange takes its base as int64_t: truncated before the lanes are added.
    (i0) => element(at(i0)),
    // Lane 0 is the base itself and lane 1 `base + step` (no `0 * step`: an infinite step leaves the base).
    (base, j) => (j === 0 ? base : element(round(base + round(j * step)))),
  );
}
