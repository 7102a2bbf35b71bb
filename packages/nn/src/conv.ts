/**
 * Convolution and pooling as im2col: the patches are gathered with one
 * precomputed index, then one batched matmul does the convolution.
 *
 * The backward of that gather (col2im) is a gather too, through the inverse
 * index (for every image element, the patch positions that read it), then a
 * sum: unfold and fold are each other's adjoints, so both stay differentiable
 * to any order. A scatter-add would do the same on the CPU, but on a GPU every
 * output would scan every patch position.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';

type Pair = number | readonly [number, number];

function pair(name: string, v: Pair | undefined, fallback: number): [number, number] {
  const p: [number, number] = v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x >= 0)) throw new Error(`${name} must be non-negative integers, got ${JSON.stringify(v)}`);
  return p;
}

/**
 * Where the patches of a [C, Hp, Wp] image come from: `index[k]` is the image
 * element read by patch position k (n of them, ordered [C, kh, kw, OH, OW]);
 * `inverse` lists for every image element the (up to) `fanIn` positions that
 * read it, padded with n (a zero appended to the patches).
 */
interface PatchPlan {
  index: Int32Array;
  inverse: Int32Array;
  fanIn: number;
  imageSize: number;
}

const planCache = new Map<string, PatchPlan>();

function patchPlan(C: number, Hp: number, Wp: number, kh: number, kw: number, OH: number, OW: number, s: [number, number], d: [number, number]): PatchPlan {
  const key = [C, Hp, Wp, kh, kw, OH, OW, ...s, ...d].join();
  const cached = planCache.get(key);
  if (cached !== undefined) return cached;
  const n = C * kh * kw * OH * OW;
  const imageSize = C * Hp * Wp;
  const index = new Int32Array(n);
  let k = 0;
  for (let c = 0; c < C; c++)
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let oh = 0; oh < OH; oh++)
          for (let ow = 0; ow < OW; ow++) index[k++] = c * Hp * Wp + (oh * s[0] + i * d[0]) * Wp + (ow * s[1] + j * d[1]);
  const count = new Int32Array(imageSize);
  for (const q of index) count[q]!++;
  let fanIn = 1;
  for (const c of count) fanIn = Math.max(fanIn, c);
  const inverse = new Int32Array(imageSize * fanIn).fill(n);
  count.fill(0);
  for (let p = 0; p < n; p++) {
    const q = index[p]!;
    inverse[q * fanIn + count[q]!++] = p;
  }
  const plan = { index, inverse, fanIn, imageSize };
  if (planCache.size > 64) planCache.clear();
  planCache.set(key, plan);
  return plan;
}

/** An index of `values` for every one of the N rows, on `device`. */
function rowsIndex(values: Int32Array, N: number, device: string): Tensor {
  return g.tensor(values, { device }).unsqueeze(0).expand(N, values.length);
}

/** [N, imageSize] images → [N, n] patch values. */
class Unfold extends g.autograd.Function {
  static override forward(ctx: g.autograd.FunctionCtx, images: Tensor, plan: PatchPlan): Tensor {
    ctx['plan'] = plan;
    return images.gather(1, rowsIndex(plan.index, images.shape[0]!, images.device));
  }
  static override backward(ctx: g.autograd.FunctionCtx, grad: Tensor): Tensor {
    return Fold.apply(grad, ctx['plan']);
  }
}

/** [N, n] patch values → [N, imageSize] images, summing the values that came from one element (col2im). */
class Fold extends g.autograd.Function {
  static override forward(ctx: g.autograd.FunctionCtx, cols: Tensor, plan: PatchPlan): Tensor {
    ctx['plan'] = plan;
    const N = cols.shape[0]!;
    const withZero = g.cat([cols, g.zeros([N, 1], { dtype: cols.dtype, device: cols.device })], 1);
    return withZero.gather(1, rowsIndex(plan.inverse, N, cols.device)).reshape(N, plan.imageSize, plan.fanIn).sum(2);
  }
  static override backward(ctx: g.autograd.FunctionCtx, grad: Tensor): Tensor {
    return Unfold.apply(grad, ctx['plan']);
  }
}

/** Patches of x [N, C, H, W] as [N, C, kh·kw, OH·OW], padded with `padValue`. */
function unfold(op: string, x: Tensor, k: [number, number], s: [number, number], p: [number, number], d: [number, number], padValue: number): { cols: Tensor; OH: number; OW: number } {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const Hp = H + 2 * p[0];
  const Wp = W + 2 * p[1];
  const OH = Math.floor((Hp - d[0] * (k[0] - 1) - 1) / s[0]) + 1;
  const OW = Math.floor((Wp - d[1] * (k[1] - 1) - 1) / s[1]) + 1;
  if (OH <= 0 || OW <= 0) {
    throw new Error(`${op}: input of spatial size (${H}, ${W}) with padding (${p}) is too small for kernel (${k}) with dilation (${d})`);
  }
  const padded = p[0] || p[1] ? x.pad([p[1], p[1], p[0], p[0]], padValue) : x;
  const plan = patchPlan(C, Hp, Wp, k[0], k[1], OH, OW, s, d);
  const cols = Unfold.apply<Tensor>(padded.reshape(N, C * Hp * Wp), plan);
  return { cols: cols.reshape(N, C, k[0] * k[1], OH * OW), OH, OW };
}

/** Options of `conv2d` (a number or a [height, width] pair each). */
export interface ConvOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/**
 * 2-D convolution (cross-correlation, as PyTorch) of x [N, C, H, W] with weight [O, C/groups, kh, kw].
 *
 * @example
 * F.conv2d(g.randn(1, 3, 8, 8), g.randn(4, 3, 3, 3), null, { padding: 1 }).shape; // [1, 4, 8, 8]
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  if (x.ndim !== 4) throw new Error(`conv2d: expected a 4-D input [N, C, H, W], got shape [${x.shape.join(', ')}]`);
  if (weight.ndim !== 4) throw new Error(`conv2d: expected a 4-D weight [O, C/groups, kh, kw], got shape [${weight.shape.join(', ')}]`);
  const groups = options.groups ?? 1;
  const [N, C] = x.shape as [number, number];
  const [O, Cg, kh, kw] = weight.shape as [number, number, number, number];
  if (C !== Cg * groups) {
    throw new Error(
      `conv2d: Given groups=${groups}, weight of size [${weight.shape.join(', ')}], expected input[${x.shape.join(', ')}] to have ${Cg * groups} channels, but got ${C} channels instead`,
    );
  }
  if (O % groups !== 0) throw new Error(`conv2d: out_channels (${O}) must be divisible by groups (${groups})`);
  const s = pair('stride', options.stride, 1);
  const p = pair('padding', options.padding, 0);
  const d = pair('dilation', options.dilation, 1);
  const { cols, OH, OW } = unfold('conv2d', x, [kh, kw], s, p, d, 0);
  // [N, groups, Cg·kh·kw, L] and [groups, O/groups, Cg·kh·kw]: one broadcast batched matmul.
  const colsG = cols.reshape(N, groups, Cg * kh * kw, OH * OW);
  const w = weight.reshape(groups, O / groups, Cg * kh * kw);
  let out = w.matmul(colsG).reshape(N, O, OH, OW);
  if (bias) out = out.add(bias.reshape(1, O, 1, 1));
  return out;
}

/**
 * 1-D convolution of x [N, C, L] with weight [O, C/groups, k].
 *
 * @example
 * F.conv1d(g.randn(2, 3, 10), g.randn(4, 3, 3)).shape; // [2, 4, 8]
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: { stride?: number; padding?: number; dilation?: number; groups?: number } = {}): Tensor {
  if (x.ndim !== 3) throw new Error(`conv1d: expected a 3-D input [N, C, L], got shape [${x.shape.join(', ')}]`);
  if (weight.ndim !== 3) throw new Error(`conv1d: expected a 3-D weight [O, C/groups, k], got shape [${weight.shape.join(', ')}]`);
  const out = conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias, {
    stride: [1, options.stride ?? 1],
    padding: [0, options.padding ?? 0],
    dilation: [1, options.dilation ?? 1],
    groups: options.groups ?? 1,
  });
  return out.squeeze(2);
}

/** Options of the pooling functions. */
export interface PoolOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

function pool(op: string, x: Tensor, kernelSize: Pair, options: PoolOptions, padValue: number): { cols: Tensor; shape: number[] } {
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`${op}: expected a 3-D or 4-D input, got shape [${x.shape.join(', ')}]`);
  const input = x.ndim === 3 ? x.unsqueeze(0) : x;
  const k = pair('kernel_size', kernelSize, 1);
  const s = pair('stride', options.stride ?? k, 1);
  const p = pair('padding', options.padding, 0);
  if (p[0] > k[0] / 2 || p[1] > k[1] / 2) throw new Error(`${op}: pad should be at most half of effective kernel size, but got pad=${p}, kernel_size=${k}`);
  const d = pair('dilation', options.dilation, 1);
  const { cols, OH, OW } = unfold(op, input, k, s, p, d, padValue);
  const shape = x.ndim === 3 ? [x.shape[0]!, OH, OW] : [x.shape[0]!, x.shape[1]!, OH, OW];
  return { cols, shape };
}

/**
 * 2-D max pooling (stride defaults to the kernel size); the gradient goes to the first maximum.
 *
 * @example
 * F.maxPool2d(g.randn(1, 1, 4, 4), 2).shape; // [1, 1, 2, 2]
 */
export function maxPool2d(x: Tensor, kernelSize: Pair, options: PoolOptions = {}): Tensor {
  const { cols, shape } = pool('max_pool2d', x, kernelSize, options, -Infinity);
  return cols.max(2).values.reshape(shape);
}

/**
 * 2-D average pooling (zero padding counted, as PyTorch's count_include_pad=True).
 *
 * @example
 * F.avgPool2d(g.ones(1, 1, 4, 4), 2).shape; // [1, 1, 2, 2]
 */
export function avgPool2d(x: Tensor, kernelSize: Pair, options: Omit<PoolOptions, 'dilation'> = {}): Tensor {
  const { cols, shape } = pool('avg_pool2d', x, kernelSize, options, 0);
  return cols.mean(2).reshape(shape);
}
