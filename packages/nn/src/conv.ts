/**
 * Convolution as im2col (see patches.ts): the patches are gathered with one
 * precomputed index, then one batched matmul does the convolution.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { keywordArguments } from './arguments.js';
import { pair, type Pair, unfold } from './patches.js';
import { asBatch } from './unbatched.js';
import { checkTensorArguments } from './tensor-arguments.js';

/** Padding as PyTorch takes it: sizes, or `'valid'` (none) or `'same'` (output as large as the input; stride 1). */
export type ConvPadding = Pair | 'valid' | 'same';

/** Options of `conv2d` (a number or a [height, width] pair each), PyTorch's keyword arguments. */
export interface ConvOptions {
  bias?: Tensor | null;
  stride?: Pair;
  padding?: ConvPadding;
  dilation?: Pair;
  groups?: number;
}

/** Options of `conv1d`. */
export interface Conv1dOptions {
  bias?: Tensor | null;
  stride?: number;
  padding?: number | 'valid' | 'same';
  dilation?: number;
  groups?: number;
}

const CONV_KEYWORDS = ['bias', 'stride', 'padding', 'dilation', 'groups'] as const;

/** [top, bottom, left, right] for a padding argument; 'same' pads d·(k−1) in all, the odd one after, as ATen. */
/**
 * The checks both convolutions make of their tensors, in PyTorch's words and
 * the caller's shapes: one dtype for input and weight, and a bias of one
 * element per output channel.
 */
function checkConvTensors(op: string, x: Tensor, weight: Tensor, bias: Tensor | null | undefined): void {
  if (weight.dtype !== x.dtype) {
    throw new TypeError(
      `${op}: expected the input and the weight to have one dtype (PyTorch: expected scalar type), got input ${x.dtype} and weight ${weight.dtype}`,
    );
  }
  const O = weight.shape[0]!;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== O)) {
    throw new Error(`${op}: expected bias to be 1-dimensional with ${O} elements, but got bias of size [${bias.shape.join(', ')}] instead`);
  }
}

function convPadding(
  op: string,
  padding: ConvPadding | undefined,
  stride: [number, number],
  kernel: [number, number],
  dilation: [number, number],
): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new Error(`${op}: padding='same' is not supported for strided convolutions`);
    const [th, tw] = [dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1)];
    return [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  }
  if (typeof padding === 'string') throw new Error(`${op}: Invalid padding string '${padding}', should be one of {'valid', 'same'}`);
  const [ph, pw] = pair(op, 'padding', padding, 0);
  return [ph, ph, pw, pw];
}

/**
 * 2-D convolution (cross-correlation, as PyTorch) of x [N, C, H, W] (or one
 * unbatched sample [C, H, W]) with weight [O, C/groups, kh, kw]. After the weight, PyTorch's arguments
 * (`bias, stride, padding, dilation, groups`) come positionally or in an
 * options object.
 *
 * @example
 * F.conv2d(g.randn(1, 3, 8, 8), g.randn(4, 3, 3, 3), null, { padding: 1 }).shape; // [1, 4, 8, 8]
 * F.conv2d(g.randn(1, 3, 8, 8), g.randn(4, 3, 3, 3), { padding: 'same' }).shape; // [1, 4, 8, 8]
 * F.conv2d(g.randn(3, 8, 8), g.randn(4, 3, 3, 3)).shape; // [4, 6, 6] (unbatched)
 */
export function conv2d(x: Tensor, weight: Tensor, options?: ConvOptions): Tensor;
export function conv2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  stride?: Pair,
  padding?: ConvPadding,
  dilation?: Pair,
  groups?: number,
): Tensor;
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: Omit<ConvOptions, 'bias'>): Tensor;
export function conv2d(x: Tensor, weight: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('conv2d', { input: x, weight });
  return g.tidy(() => {
    const o = keywordArguments<ConvOptions>('conv2d', rest, CONV_KEYWORDS);
    return asBatch('conv2d', x, 4, (batch) => conv2dBatched(batch, weight, o));
  });
}

/** `conv2d` of a batch [N, C, H, W], its options parsed. */
function conv2dBatched(x: Tensor, weight: Tensor, o: ConvOptions): Tensor {
  if (weight.ndim !== 4) throw new Error(`conv2d: expected a 4-D weight [O, C/groups, kh, kw], got shape [${weight.shape.join(', ')}]`);
  const groups = o.groups ?? 1;
  if (!Number.isSafeInteger(groups) || groups < 1) throw new Error(`conv2d: non-positive groups is not supported (got groups=${groups})`);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, Cg, kh, kw] = weight.shape as [number, number, number, number];
  if (C !== Cg * groups) {
    throw new Error(
      `conv2d: Given groups=${groups}, weight of size [${weight.shape.join(', ')}], expected input[${x.shape.join(', ')}] to have ${Cg * groups} channels, but got ${C} channels instead`,
    );
  }
  if (O % groups !== 0) throw new Error(`conv2d: out_channels (${O}) must be divisible by groups (${groups})`);
  checkConvTensors('conv2d', x, weight, o.bias);
  const s = pair('conv2d', 'stride', o.stride, 1, 1);
  const d = pair('conv2d', 'dilation', o.dilation, 1, 1);
  const padding = convPadding('conv2d', o.padding, s, [kh, kw], d);
  const [top, bottom, left, right] = padding;
  const OH = Math.floor((H + top + bottom - d[0] * (kh - 1) - 1) / s[0]) + 1;
  const OW = Math.floor((W + left + right - d[1] * (kw - 1) - 1) / s[1]) + 1;
  if (OH <= 0 || OW <= 0) {
    throw new Error(
      `conv2d: Calculated padded input size per channel: (${H + top + bottom} x ${W + left + right}). Kernel size: (${d[0] * (kh - 1) + 1} x ${d[1] * (kw - 1) + 1}). Kernel size can't be greater than actual input size`,
    );
  }
  // The backend's convolution kernel where it has one for this geometry (the CPU's for float32, tfjs's on the GPUs), else im2col.
  const fused = g.fused.conv2d(x, weight, { stride: s, padding, dilation: d, groups });
  if (fused !== null) return o.bias ? fused.add(o.bias.reshape(1, O, 1, 1)) : fused;
  const cols = unfold(x, { kernel: [kh, kw], stride: s, dilation: d, padding, out: [OH, OW] }, 0);
  // [N, groups, Cg·kh·kw, L] and [groups, O/groups, Cg·kh·kw]: one broadcast batched matmul.
  const colsG = cols.reshape(N, groups, Cg * kh * kw, OH * OW);
  const w = weight.reshape(groups, O / groups, Cg * kh * kw);
  let out = w.matmul(colsG).reshape(N, O, OH, OW);
  if (o.bias) out = out.add(o.bias.reshape(1, O, 1, 1));
  return out;
}

/**
 * 1-D convolution of x [N, C, L] (or unbatched [C, L]) with weight [O, C/groups, k]; arguments as `conv2d`.
 *
 * @example
 * F.conv1d(g.randn(2, 3, 10), g.randn(4, 3, 3)).shape; // [2, 4, 8]
 * F.conv1d(g.randn(3, 10), g.randn(4, 3, 3)).shape; // [4, 8] (unbatched)
 */
export function conv1d(x: Tensor, weight: Tensor, options?: Conv1dOptions): Tensor;
export function conv1d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  stride?: number,
  padding?: number | 'valid' | 'same',
  dilation?: number,
  groups?: number,
): Tensor;
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: Omit<Conv1dOptions, 'bias'>): Tensor;
export function conv1d(x: Tensor, weight: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('conv1d', { input: x, weight });
  return g.tidy(() => {
    const o = keywordArguments<Conv1dOptions>('conv1d', rest, CONV_KEYWORDS);
    return asBatch('conv1d', x, 3, (batch) => conv1dBatched(batch, weight, o));
  });
}

/** `conv1d` of a batch [N, C, L], its options parsed. */
function conv1dBatched(x: Tensor, weight: Tensor, o: Conv1dOptions): Tensor {
  if (weight.ndim !== 3) throw new Error(`conv1d: expected a 3-D weight [O, C/groups, k], got shape [${weight.shape.join(', ')}]`);
  const one = (name: string, v: unknown, fallback: number): number => {
    if (v === undefined) return fallback;
    if (typeof v !== 'number') throw new Error(`conv1d: ${name} must be an integer, got ${JSON.stringify(v)}`);
    return v;
  };
  const padding = typeof o.padding === 'string' ? o.padding : ([0, one('padding', o.padding, 0)] as const);
  // conv2d's checks would name its 4-D shapes and pairs: everything a user of conv1d can get wrong is checked here.
  const groups = o.groups ?? 1;
  const [stride, dilation] = [one('stride', o.stride, 1), one('dilation', o.dilation, 1)];
  const integer = (name: string, v: number, min: number, words: string) => {
    if (!Number.isSafeInteger(v) || v < min) throw new Error(`conv1d: ${words} (got ${name}=${v})`);
  };
  integer('stride', stride, 1, 'non-positive stride is not supported, and a stride must be an integer');
  integer('dilation', dilation, 1, 'dilation should be greater than zero, and an integer');
  if (typeof padding !== 'string') integer('padding', padding[1], 0, 'negative padding is not supported, and padding must be an integer');
  integer('groups', groups, 1, 'non-positive groups is not supported, and groups must be an integer');
  if (padding === 'same' && stride !== 1) throw new Error("conv1d: padding='same' is not supported for strided convolutions");
  if (weight.shape[0]! % groups !== 0) {
    throw new Error(
      `conv1d: Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${weight.shape.join(', ')}] instead`,
    );
  }
  checkConvTensors('conv1d', x, weight, o.bias);
  if (x.shape[1] !== weight.shape[1]! * groups) {
    throw new Error(
      `conv1d: Given groups=${groups}, weight of size [${weight.shape.join(', ')}], expected input[${x.shape.join(', ')}] to have ${weight.shape[1]! * groups} channels, but got ${x.shape[1]} channels instead`,
    );
  }
  const [k, d, p] = [weight.shape[2]!, dilation, typeof padding === 'string' ? 0 : padding[1]];
  if (padding !== 'same' && x.shape[2]! + 2 * p < d * (k - 1) + 1) {
    throw new Error(
      `conv1d: Calculated padded input size per channel: (${x.shape[2]! + 2 * p}). Kernel size: (${d * (k - 1) + 1}). Kernel size can't be greater than actual input size`,
    );
  }
  const out = conv2d(x.unsqueeze(2), weight.unsqueeze(2), {
    bias: o.bias ?? null,
    stride: [1, stride],
    padding,
    dilation: [1, dilation],
    groups,
  });
  return out.squeeze(2);
}
