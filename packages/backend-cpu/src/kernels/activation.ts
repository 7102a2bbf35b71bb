/**
 * The optional `activation` kernel: `@graft/nn`'s pointwise activations and
 * their gradients in one pass each, by ATen's CPU formulas (core's
 * `Activation` type lists them). Each element is computed in double from
 * the input and the parameters as the dtype holds them (a float32 kernel
 * rounds its parameters and constants to float32, as ATen's opmath does),
 * with the float32 transcendentals the unary kernels use (`expForF32`,
 * `tanh32`, `sigmoid32`: the same bits as `x.exp()` and friends), each step rounded to float32 where ATen's float32 kernel rounds
 * it — so where ATen's branch tests an intermediate (softplus's x·beta), a
 * float32 input takes ATen's branch.
 *
 * A loop per kind and pass, each formula written out in it: a function per
 * kind called through one site would be a megamorphic call per element, and
 * a switch inside one loop kept V8 from optimising it (12 ns an element).
 */
import { type Activation, numel, type TypedArray, type View } from '@graft/core/backend';
import { address, alloc, arr, checkView, type Handle, release } from '../heap.js';
import { parallelRanges, TRANSCENDENTAL_GRAIN } from '../threads/parallel.js';
import { wasmKernels } from '../wasm/module.js';
import { isDense } from '../strided.js';
import { expForF32, log1pFor32, log1pFor64, sigmoid32, sigmoid64, tanh32, tanh64 } from './math.js';
import { contiguous } from './movement.js';

type Arr = TypedArray;

/** The kinds this kernel computes (the codes kernels.c's `activation_f32` shares); GELU's exact form is declined below. */
const KIND = { hardtanh: 0, leakyRelu: 1, elu: 2, softplus: 3, silu: 4, geluTanh: 6, hardsigmoid: 7, hardswish: 8, mish: 9 } as const;

/** √(2/π) and κ as ATen's tanh-approximated GELU uses them. */
const SQRT_2_OVER_PI = Math.SQRT2 * (2 / Math.sqrt(Math.PI)) * 0.5;
const GELU_KAPPA = 0.044715;

/** The kind's code and its parameters (p0, p1, p2) as the dtype holds them (GELU's: its constants). */
function parameters(a: Activation, float32: boolean): [number, number, number, number] {
  const r = float32 ? Math.fround : (v: number) => v;
  switch (a.kind) {
    case 'hardtanh':
      return [KIND.hardtanh, r(a.min), r(a.max), 0];
    case 'leakyRelu':
      return [KIND.leakyRelu, r(a.negativeSlope), 0, 0];
    case 'elu':
      // ATen: negcoef = alpha·scale (in the opmath type), poscoef = scale, negiptcoef = inputScale.
      return [KIND.elu, r(r(a.alpha) * r(a.scale)), r(a.scale), r(a.inputScale)];
    case 'softplus':
      return [KIND.softplus, r(a.beta), r(a.threshold), 0];
    case 'geluTanh':
      return [KIND.geluTanh, r(SQRT_2_OVER_PI), r(GELU_KAPPA), r(3 * r(GELU_KAPPA))];
    default:
      return [KIND[a.kind as Exclude<Activation['kind'], 'gelu'>], 0, 0, 0];
  }
}

/** A view's elements dense from an offset: the view's own array, or a copy (released by the caller). */
interface Dense {
  data: Arr;
  at: number;
  copy: Handle | null;
}

function denseOf(v: View<Handle>): Dense {
  if (isDense(v)) return { data: arr(v.handle), at: v.offset, copy: null };
  const copy = contiguous(v);
  return { data: arr(copy), at: 0, copy };
}

/** Whether every element of a view is the one at its offset (an expanded scalar: the gradient of a sum). */
function isOneValue(v: View<Handle>): boolean {
  return v.strides.every((s, d) => s === 0 || v.shape[d] === 1);
}

/** The kinds with a wasm SIMD loop (kernels.c's `activation_f32`): all but exact GELU, which is declined. */
const WASM_KINDS: ReadonlySet<number> = new Set([
  KIND.hardtanh,
  KIND.leakyRelu,
  KIND.elu,
  KIND.softplus,
  KIND.silu,
  KIND.geluTanh,
  KIND.hardsigmoid,
  KIND.hardswish,
  KIND.mish,
]);

/** The kernel: f(x) with `grad` null, grad·f'(x) otherwise; null (nothing allocated) for a dtype it lacks. */
export function activation(a: Activation, x: View<Handle>, grad: View<Handle> | null): Handle | null {
  // Exact GELU composes: ATen's backward computes erf again (about 12 ns an element here, in double
  // lanes) where the composite's backward reuses the forward's, so fused it was slower (measured).
  if (a.kind === 'gelu') return null;
  if (x.dtype !== 'float32' && x.dtype !== 'float64') return null;
  if (grad !== null && grad.dtype !== x.dtype) return null;
  const float32 = x.dtype === 'float32';
  const n = numel(x.shape);
  const outH = alloc(x.dtype, n);
  const src = denseOf(x);
  const g = grad === null || isOneValue(grad) ? null : denseOf(grad);
  try {
    const [kind, p0, p1, p2] = parameters(a, float32);
    if (float32 && WASM_KINDS.has(kind) && activationInWasm(kind, p0, p1, p2, x, src, grad, g, outH, n)) return outH;
    if (grad === null) forward(kind, p0, p1, p2, float32, src.data, src.at, arr(outH), n);
    else if (g === null) backward(kind, p0, p1, p2, float32, src.data, src.at, arr(grad.handle), grad.offset, 0, arr(outH), n);
    else backward(kind, p0, p1, p2, float32, src.data, src.at, g.data, g.at, 1, arr(outH), n);
  } finally {
    if (src.copy !== null) release(src.copy);
    if (g?.copy) release(g.copy);
  }
  return outH;
}

/** The float32 kernel in wasm, split over the pool's threads; false (nothing written) where an array is not in wasm memory. */
function activationInWasm(
  kind: number,
  p0: number,
  p1: number,
  p2: number,
  x: View<Handle>,
  src: Dense,
  grad: View<Handle> | null,
  g: Dense | null,
  outH: Handle,
  n: number,
): boolean {
  if (wasmKernels() === undefined) return false;
  const xAt = address(src.copy ?? x.handle, src.at);
  const outAt = address(outH, 0);
  // The gradient: dense (its address), one value expanded (passed as a number), or none (the forward).
  const oneValue = grad !== null && g === null;
  const gAt = g === null ? 0 : address(g.copy ?? grad!.handle, g.at);
  const gValue = oneValue ? arr(grad.handle)[grad.offset]! : 0;
  if (xAt < 0 || outAt < 0 || gAt < 0) return false;
  if (src.copy === null) checkView('activation', x); // wasm reads n elements from raw addresses
  if (grad !== null && g !== null && g.copy === null) checkView('activation', grad);
  parallelRanges(n, TRANSCENDENTAL_GRAIN, (start, count) => ({
    kernel: 'activation_f32',
    args: [kind, p0, p1, p2, xAt + 4 * start, gAt === 0 ? 0 : gAt + 4 * start, +oneValue, gValue, outAt + 4 * start, count],
  }));
  return true;
}

function forward(kind: number, p0: number, p1: number, p2: number, float32: boolean, x: Arr, xo: number, out: Arr, n: number): void {
  const r = float32 ? Math.fround : identity;
  const exp = float32 ? expForF32 : Math.exp;
  const tanh = float32 ? tanh32 : tanh64;
  const log1p = float32 ? log1pFor32 : log1pFor64;
  const sigmoid = float32 ? sigmoid32 : sigmoid64;
  // A loop per kind (one switch per call, not per element: V8 optimises each loop on its own).
  switch (kind) {
    case KIND.hardtanh:
      // ATen's clamp: NaN stays NaN.
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        out[i] = v < p0 ? p0 : v > p1 ? p1 : v;
      }
      return;
    case KIND.leakyRelu:
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        out[i] = v > 0 ? v : v * p0;
      }
      return;
    case KIND.elu:
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        out[i] = v <= 0 ? r(r(r(exp(r(v * p2))) - 1) * p0) : v * p1;
      }
      return;
    case KIND.softplus:
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        const s = r(v * p0);
        out[i] = s > p1 ? v : r(log1p(r(exp(s)))) / p0;
      }
      return;
    case KIND.silu:
      // x·σ(x), as kernels.c (ATen's x / (1 + e^-x) is within an ulp; the float32 sigmoid is the faster path there).
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        out[i] = v * sigmoid(v);
      }
      return;
    case KIND.geluTanh:
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        out[i] = r(0.5 * v) * r(1 + tanh(r(p0 * r(v + r(p1 * r(r(v * v) * v))))));
      }
      return;
    case KIND.hardsigmoid:
      for (let i = 0; i < n; i++) out[i] = hardsigmoidOf(r(x[xo + i]! + 3)) / 6;
      return;
    case KIND.hardswish:
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        out[i] = r(v * hardsigmoidOf(r(v + 3))) / 6;
      }
      return;
    default: // mish
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        out[i] = v * tanh(r(log1p(r(exp(v)))));
      }
  }
}

/** grad·f'(x); `gs` is grad's stride (0 for one value expanded, 1 for dense). */
function backward(
  kind: number,
  p0: number,
  p1: number,
  p2: number,
  float32: boolean,
  x: Arr,
  xo: number,
  grads: Arr,
  go: number,
  gs: number,
  out: Arr,
  n: number,
): void {
  const r = float32 ? Math.fround : identity;
  const exp = float32 ? expForF32 : Math.exp;
  const tanh = float32 ? tanh32 : tanh64;
  const log1p = float32 ? log1pFor32 : log1pFor64;
  const sigmoid = float32 ? sigmoid32 : sigmoid64;
  switch (kind) {
    case KIND.hardtanh:
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        out[i] = v <= p0 || v >= p1 ? 0 : grads[go + i * gs]!;
      }
      return;
    case KIND.leakyRelu:
      for (let i = 0; i < n; i++) {
        const g = grads[go + i * gs]!;
        out[i] = x[xo + i]! > 0 ? g : g * p0;
      }
      return;
    case KIND.elu:
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        const g = grads[go + i * gs]!;
        out[i] = v <= 0 ? r(r(g * p2) * p0) * r(exp(r(v * p2))) : g * p1;
      }
      return;
    case KIND.softplus:
      for (let i = 0; i < n; i++) {
        const s = r(x[xo + i]! * p0);
        const g = grads[go + i * gs]!;
        const z = r(exp(s));
        out[i] = s > p1 ? g : r(g * z) / r(z + 1);
      }
      return;
    case KIND.silu:
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        const s = sigmoid(v);
        out[i] = r(grads[go + i * gs]! * s) * r(1 + r(v * r(1 - s)));
      }
      return;
    case KIND.geluTanh:
      // ATen's order: dy · (0.5·(1 + t) + (0.5·x)·(1 − t²)·β(1 + 3κ·x²)).
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        const square = r(v * v);
        const t = tanh(r(p0 * r(v + r(p1 * r(square * v)))));
        const innerDerivative = r(p0 * r(1 + r(p2 * square)));
        const rightDerivative = r(r(r(0.5 * v) * r(1 - r(t * t))) * innerDerivative);
        out[i] = grads[go + i * gs]! * r(r(0.5 * r(1 + t)) + rightDerivative);
      }
      return;
    case KIND.hardsigmoid:
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        out[i] = v > -3 && v < 3 ? grads[go + i * gs]! * ONE_SIXTH : 0;
      }
      return;
    case KIND.hardswish:
      // x/3 + 0.5 on [-3, 3), as ATen's vectorised loop (its scalar tail, for the last few elements of a
      // tensor, takes [-3, 3]: 1.5 at 3 there).
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        const g = grads[go + i * gs]!;
        out[i] = v < -3 ? 0 : v < 3 ? g * r(r(v / 3) + 0.5) : g;
      }
      return;
    default: // mish
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        const t = tanh(r(log1p(r(exp(v)))));
        out[i] = grads[go + i * gs]! * r(t + r(r(v * sigmoid(v)) * r(1 - r(t * t))));
      }
  }
}

function identity(v: number): number {
  return v;
}

/** min(max(s, 0), 6) for s = x + 3, as ATen computes it (a NaN stays NaN). */
function hardsigmoidOf(s: number): number {
  return s < 0 ? 0 : s > 6 ? 6 : s;
}

/** ATen's hardsigmoid backward multiplies by the float constant 1.0f / 6.0f, also for double. */
const ONE_SIXTH = Math.fround(1 / 6);
