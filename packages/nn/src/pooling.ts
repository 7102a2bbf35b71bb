/**
 * 2-D max and average pooling with every option of PyTorch's: stride,
 * padding, dilation (max), ceilMode, countIncludePad and divisorOverride
 * (avg), with ATen's output sizes and divisors. The windows are the patches
 * of patches.ts, so the gradients are exact and twice differentiable.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { keywordArguments } from './arguments.js';
import { pair, type Pair, type PatchGeometry, unfold } from './patches.js';

/** Options of `maxPool2d` (PyTorch's keyword arguments after kernel_size). */
export interface MaxPoolOptions {
  /** Default: the kernel size. */
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  /** Output sizes rounded up: a last, partial window that starts inside the input (or its left padding) is kept. */
  ceilMode?: boolean;
}

/** Options of `avgPool2d` (PyTorch's keyword arguments after kernel_size). */
export interface AvgPoolOptions {
  /** Default: the kernel size. */
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead. */
  divisorOverride?: number | null;
}

/** Options shared by both pooling functions (kept for compatibility). */
export type PoolOptions = MaxPoolOptions;

const MAX_KEYWORDS = ['stride', 'padding', 'dilation', 'ceilMode'] as const;
const AVG_KEYWORDS = ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'] as const;

/** ATen's pooling_output_shape: floor or ceil, and in ceil mode the last window must start inside the input or its left padding. */
function outputSize(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let out = Math.floor((size + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

interface Pool {
  /** [N, C, H, W] (a 3-D input gains a batch dim). */
  input: Tensor;
  geometry: PatchGeometry;
  /** The result's shape (without the batch dim for a 3-D input). */
  shape: number[];
  p: [number, number];
}

function poolGeometry(
  op: string,
  x: Tensor,
  kernelSize: Pair,
  stride: Pair | null | undefined,
  padding: Pair | undefined,
  dilation: Pair | undefined,
  ceilMode: boolean,
): Pool {
  if (x.ndim !== 3 && x.ndim !== 4)
    throw new Error(
      `${op}: Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got shape [${x.shape.join(', ')}]`,
    );
  if (typeof ceilMode !== 'boolean') throw new Error(`${op}: ceilMode must be a boolean, got ${JSON.stringify(ceilMode)}`);
  const input = x.ndim === 3 ? x.unsqueeze(0) : x;
  const [, C, H, W] = input.shape as [number, number, number, number];
  const k = pair(op, 'kernel_size', kernelSize, 1, 1);
  const s = pair(op, 'stride', stride ?? kernelSize, 1, 1);
  const p = pair(op, 'padding', padding, 0);
  const d = pair(op, 'dilation', dilation, 1, 1);
  if (p[0] > Math.floor(k[0] / 2) || p[1] > Math.floor(k[1] / 2)) {
    throw new Error(
      `${op}: pad should be at most half of kernel size, but got pad=${p[0] > Math.floor(k[0] / 2) ? p[0] : p[1]} and kernel_size=${p[0] > Math.floor(k[0] / 2) ? k[0] : k[1]}`,
    );
  }
  const OH = outputSize(H, k[0], s[0], p[0], d[0], ceilMode);
  const OW = outputSize(W, k[1], s[1], p[1], d[1], ceilMode);
  if (OH < 1 || OW < 1)
    throw new Error(`${op}: Given input size: (${C}x${H}x${W}). Calculated output size: (${C}x${OH}x${OW}). Output size is too small`);
  // The last window may reach past the right padding in ceil mode: pad that far (it never counts).
  const bottom = Math.max(p[0], (OH - 1) * s[0] + d[0] * (k[0] - 1) + 1 - H - p[0]);
  const right = Math.max(p[1], (OW - 1) * s[1] + d[1] * (k[1] - 1) + 1 - W - p[1]);
  const geometry: PatchGeometry = { kernel: k, stride: s, dilation: d, padding: [p[0], bottom, p[1], right], out: [OH, OW] };
  const shape = x.ndim === 3 ? [C, OH, OW] : [input.shape[0]!, C, OH, OW];
  return { input, geometry, shape, p };
}

/**
 * 2-D max pooling over x [N, C, H, W] or [C, H, W]; the gradient goes to the
 * first maximum of each window. Options as PyTorch's `max_pool2d`, given
 * positionally after the kernel size or in an options object.
 *
 * @example
 * F.maxPool2d(g.randn(1, 1, 4, 4), 2).shape; // [1, 1, 2, 2]
 * F.maxPool2d(g.randn(1, 1, 5, 5), 2, { ceilMode: true }).shape; // [1, 1, 3, 3]
 */
export function maxPool2d(x: Tensor, kernelSize: Pair, options?: MaxPoolOptions): Tensor;
export function maxPool2d(x: Tensor, kernelSize: Pair, stride?: Pair | null, padding?: Pair, dilation?: Pair, ceilMode?: boolean): Tensor;
export function maxPool2d(x: Tensor, kernelSize: Pair, ...rest: unknown[]): Tensor {
  return g.tidy(() => {
    const o = keywordArguments<MaxPoolOptions>('maxPool2d', rest, MAX_KEYWORDS);
    const { input, geometry, shape } = poolGeometry('maxPool2d', x, kernelSize, o.stride, o.padding, o.dilation, o.ceilMode ?? false);
    return unfold(input, geometry, -Infinity).max(2).values.reshape(shape);
  });
}

/**
 * The divisor of every window, as ATen's avg_pool2d: the window clipped to
 * the padded input (countIncludePad) or to the input, or `divisorOverride`.
 */
function avgDivisors(H: number, W: number, geometry: PatchGeometry, p: [number, number], countIncludePad: boolean): Float64Array {
  const {
    kernel: k,
    stride: s,
    out: [OH, OW],
  } = geometry;
  const out = new Float64Array(OH * OW);
  for (let oh = 0; oh < OH; oh++) {
    for (let ow = 0; ow < OW; ow++) {
      let h0 = oh * s[0] - p[0];
      let w0 = ow * s[1] - p[1];
      let h1 = Math.min(h0 + k[0], H + p[0]);
      let w1 = Math.min(w0 + k[1], W + p[1]);
      const poolSize = (h1 - h0) * (w1 - w0);
      h0 = Math.max(h0, 0);
      w0 = Math.max(w0, 0);
      h1 = Math.min(h1, H);
      w1 = Math.min(w1, W);
      out[oh * OW + ow] = countIncludePad ? poolSize : (h1 - h0) * (w1 - w0);
    }
  }
  return out;
}

/**
 * 2-D average pooling over x [N, C, H, W] or [C, H, W]. Options as PyTorch's
 * `avg_pool2d` (zero padding counted in the divisor unless `countIncludePad`
 * is false; `ceilMode`'s extra cells never are), positionally after the
 * kernel size or in an options object.
 *
 * @example
 * F.avgPool2d(g.ones(1, 1, 4, 4), 2).shape; // [1, 1, 2, 2]
 * F.avgPool2d(g.ones(1, 1, 5, 5), 3, { stride: 2, padding: 1, countIncludePad: false }); // all ones
 */
export function avgPool2d(x: Tensor, kernelSize: Pair, options?: AvgPoolOptions): Tensor;
export function avgPool2d(
  x: Tensor,
  kernelSize: Pair,
  stride?: Pair | null,
  padding?: Pair,
  ceilMode?: boolean,
  countIncludePad?: boolean,
  divisorOverride?: number | null,
): Tensor;
export function avgPool2d(x: Tensor, kernelSize: Pair, ...rest: unknown[]): Tensor {
  return g.tidy(() => {
    const o = keywordArguments<AvgPoolOptions>('avgPool2d', rest, AVG_KEYWORDS);
    const { input, geometry, shape, p } = poolGeometry('avgPool2d', x, kernelSize, o.stride, o.padding, undefined, o.ceilMode ?? false);
    const sums = unfold(input, geometry, 0).sum(2);
    const override = o.divisorOverride ?? null;
    if (override !== null) {
      if (!Number.isSafeInteger(override)) throw new Error(`avgPool2d: divisorOverride must be an integer, got ${override}`);
      if (override === 0) throw new Error('avgPool2d: divisor must be not zero');
      return sums.div(override).reshape(shape);
    }
    const [H, W] = input.shape.slice(2) as [number, number];
    const divisors = avgDivisors(H, W, geometry, p, o.countIncludePad ?? true);
    const divisor = g.tensor(x.dtype === 'float64' ? divisors : Float32Array.from(divisors), { device: x.device });
    return sums.div(divisor).reshape(shape);
  });
}
