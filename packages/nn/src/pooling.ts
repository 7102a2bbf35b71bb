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
import { checkTensorArguments } from './tensor-arguments.js';

/** Options of `maxPool2d` (PyTorch's keyword arguments after kernel_size). */
export interface MaxPoolOptions {
  /** Default: the kernel size. */
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  /** Output sizes rounded up: a last, partial window that starts inside the input (or its left padding) is kept. */
  ceilMode?: boolean;
  /** Also return where each maximum came from (flat indices into each input plane, for `maxUnpool2d`). */
  returnIndices?: boolean;
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

const MAX_KEYWORDS = ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'] as const;
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
 * Flat indices (h·W + w in each input plane) of the window elements that
 * `max` picked: the window's first element, plus the picked one's offset in it.
 */
function maxIndices(local: Tensor, geometry: PatchGeometry, p: [number, number], W: number, device: string): Tensor {
  const {
    kernel: [kh, kw],
    stride: s,
    dilation: d,
    out: [OH, OW],
  } = geometry;
  const offsets = new Int32Array(kh * kw);
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) offsets[i * kw + j] = i * d[0] * W + j * d[1];
  const starts = new Int32Array(OH * OW);
  for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) starts[oh * OW + ow] = (oh * s[0] - p[0]) * W + (ow * s[1] - p[1]);
  const offset = g.tensor(offsets, { device }).indexSelect(0, local.flatten()).reshape(local.shape);
  return offset.add(g.tensor(starts, { device }));
}

/** Max pooling of a 4-D input (3-D: unbatched) with its options parsed; `[values, indices]` when asked. */
function maxPool(op: string, x: Tensor, kernelSize: Pair, o: Partial<MaxPoolOptions>): Tensor | [Tensor, Tensor] {
  const { input, geometry, shape, p } = poolGeometry(op, x, kernelSize, o.stride, o.padding, o.dilation, o.ceilMode ?? false);
  const windows = unfold(input, geometry, -Infinity);
  if (!(o.returnIndices ?? false)) return windows.max(2).values.reshape(shape);
  if (typeof o.returnIndices !== 'boolean')
    throw new Error(`${op}: returnIndices must be a boolean, got ${JSON.stringify(o.returnIndices)}`);
  const { values, indices } = windows.max(2);
  return [values.reshape(shape), maxIndices(indices, geometry, p, input.shape[3]!, x.device).reshape(shape)];
}

/**
 * 2-D max pooling over x [N, C, H, W] or [C, H, W]; the gradient goes to the
 * first maximum of each window. Options as PyTorch's `max_pool2d`, given
 * positionally after the kernel size or in an options object; with
 * `returnIndices` the result is `[values, indices]` (int32 flat indices
 * into each H×W plane, as `maxUnpool2d` takes them).
 *
 * @example
 * F.maxPool2d(g.randn(1, 1, 4, 4), 2).shape; // [1, 1, 2, 2]
 * F.maxPool2d(g.randn(1, 1, 5, 5), 2, { ceilMode: true }).shape; // [1, 1, 3, 3]
 * const [values, indices] = F.maxPool2d(g.randn(1, 1, 4, 4), 2, { returnIndices: true });
 */
export function maxPool2d(x: Tensor, kernelSize: Pair, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: Pair, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(
  x: Tensor,
  kernelSize: Pair,
  stride: Pair | null | undefined,
  padding: Pair | undefined,
  dilation: Pair | undefined,
  ceilMode: boolean | undefined,
  returnIndices: true,
): [Tensor, Tensor];
export function maxPool2d(
  x: Tensor,
  kernelSize: Pair,
  stride?: Pair | null,
  padding?: Pair,
  dilation?: Pair,
  ceilMode?: boolean,
  returnIndices?: false,
): Tensor;
export function maxPool2d(x: Tensor, kernelSize: Pair, options?: MaxPoolOptions): Tensor | [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: Pair, ...rest: unknown[]): Tensor | [Tensor, Tensor] {
  checkTensorArguments('maxPool2d', { input: x });
  return g.tidy(() => maxPool('maxPool2d', x, kernelSize, keywordArguments<MaxPoolOptions>('maxPool2d', rest, MAX_KEYWORDS)));
}

/** Options of `maxPool1d`: integers for the one spatial dim. */
export interface MaxPool1dOptions {
  /** Default: the kernel size. */
  stride?: number | null;
  padding?: number;
  dilation?: number;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

/** Options of `avgPool1d`. */
export interface AvgPool1dOptions {
  /** Default: the kernel size. */
  stride?: number | null;
  padding?: number;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

/** A 1-D size as the width of a [1, k] window (the height: 0 for a padding, 1 otherwise); errors name `op`. */
function width(op: string, name: string, v: unknown, fallback: number | null, min: number): [number, number] | undefined {
  if (v === undefined || v === null) return fallback === null ? undefined : [min === 0 ? 0 : 1, fallback];
  const w = Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (typeof w !== 'number' || !Number.isSafeInteger(w) || w < min)
    throw new Error(`${op}: ${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer, got ${JSON.stringify(v)}`);
  return [min === 0 ? 0 : 1, w];
}

/** x [N, C, L] or [C, L] as a 2-D pooling input with height 1. */
function asImage(op: string, x: Tensor): Tensor {
  if (x.ndim !== 2 && x.ndim !== 3)
    throw new Error(
      `${op}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got shape [${x.shape.join(', ')}]`,
    );
  return x.unsqueeze(-2);
}

/**
 * 1-D max pooling over x [N, C, L] or [C, L]; options as `maxPool2d`
 * (integers), `[values, indices]` with `returnIndices`.
 *
 * @example
 * F.maxPool1d(g.randn(1, 2, 6), 2).shape; // [1, 2, 3]
 */
export function maxPool1d(x: Tensor, kernelSize: number, options: MaxPool1dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: number, options?: MaxPool1dOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(
  x: Tensor,
  kernelSize: number,
  stride?: number | null,
  padding?: number,
  dilation?: number,
  ceilMode?: boolean,
  returnIndices?: boolean,
): Tensor | [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: number, ...rest: unknown[]): Tensor | [Tensor, Tensor] {
  checkTensorArguments('maxPool1d', { input: x });
  return g.tidy(() => {
    const op = 'maxPool1d';
    const o = keywordArguments<MaxPool1dOptions>(op, rest, MAX_KEYWORDS);
    const k = width(op, 'kernel_size', kernelSize, null, 1)!;
    const result = maxPool(op, asImage(op, x), k, {
      stride: width(op, 'stride', o.stride, k[1], 1)!,
      padding: width(op, 'padding', o.padding, 0, 0)!,
      dilation: width(op, 'dilation', o.dilation, 1, 1)!,
      ceilMode: o.ceilMode ?? false,
      returnIndices: o.returnIndices ?? false,
    });
    return Array.isArray(result) ? [result[0].squeeze(-2), result[1].squeeze(-2)] : result.squeeze(-2);
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
  checkTensorArguments('avgPool2d', { input: x });
  return g.tidy(() => avgPool('avgPool2d', x, kernelSize, keywordArguments<AvgPoolOptions>('avgPool2d', rest, AVG_KEYWORDS)));
}

/** Average pooling of a 4-D input (3-D: unbatched) with its options parsed. */
function avgPool(op: string, x: Tensor, kernelSize: Pair, o: Partial<AvgPoolOptions>): Tensor {
  const { input, geometry, shape, p } = poolGeometry(op, x, kernelSize, o.stride, o.padding, undefined, o.ceilMode ?? false);
  const sums = unfold(input, geometry, 0).sum(2);
  const override = o.divisorOverride ?? null;
  if (override !== null) {
    if (!Number.isSafeInteger(override)) throw new Error(`${op}: divisorOverride must be an integer, got ${override}`);
    if (override === 0) throw new Error(`${op}: divisor must be not zero`);
    return sums.div(override).reshape(shape);
  }
  const [H, W] = input.shape.slice(2) as [number, number];
  const divisors = avgDivisors(H, W, geometry, p, o.countIncludePad ?? true);
  const divisor = g.tensor(x.dtype === 'float64' ? divisors : Float32Array.from(divisors), { device: x.device });
  return sums.div(divisor).reshape(shape);
}

/**
 * 1-D average pooling over x [N, C, L] or [C, L]; options as `avgPool2d`
 * (integers; PyTorch's avg_pool1d has no divisorOverride).
 *
 * @example
 * F.avgPool1d(g.ones(1, 2, 6), 2).shape; // [1, 2, 3]
 * F.avgPool1d(g.ones(1, 1, 5), 3, { stride: 2, padding: 1, countIncludePad: false }); // all ones
 */
export function avgPool1d(x: Tensor, kernelSize: number, options?: AvgPool1dOptions): Tensor;
export function avgPool1d(
  x: Tensor,
  kernelSize: number,
  stride?: number | null,
  padding?: number,
  ceilMode?: boolean,
  countIncludePad?: boolean,
): Tensor;
export function avgPool1d(x: Tensor, kernelSize: number, ...rest: unknown[]): Tensor {
  checkTensorArguments('avgPool1d', { input: x });
  return g.tidy(() => {
    const op = 'avgPool1d';
    const o = keywordArguments<AvgPool1dOptions>(op, rest, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
    const k = width(op, 'kernel_size', kernelSize, null, 1)!;
    return avgPool(op, asImage(op, x), k, {
      stride: width(op, 'stride', o.stride, k[1], 1)!,
      padding: width(op, 'padding', o.padding, 0, 0)!,
      ceilMode: o.ceilMode ?? false,
      countIncludePad: o.countIncludePad ?? true,
    }).squeeze(-2);
  });
}
