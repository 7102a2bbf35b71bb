/**
 * The patches of an image (im2col) for convolution and pooling: gathered
 * with one precomputed index, so one batched matmul or one reduction does
 * the rest.
 *
 * The backward of that gather (col2im) is a gather too, through the inverse
 * index (for every image element, the patch positions that read it), then a
 * sum: unfold and fold are each other's adjoints, so both stay differentiable
 * to any order. A scatter-add would do the same on the CPU, but on a GPU every
 * output would scan every patch position.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';

/** A size per spatial dim, as PyTorch's `int or tuple`. */
export type Pair = number | readonly [number, number];

/**
 * `v` as [height, width], checked to be integers ≥ `min`: errors name the op,
 * the argument and the value.
 */
export function pair(op: string, name: string, v: Pair | undefined, fallback: number, min = 0): [number, number] {
  const p: [number, number] =
    v === undefined
      ? [fallback, fallback]
      : typeof v === 'number'
        ? [v, v]
        : Array.isArray(v) && v.length === 2
          ? [v[0], v[1]]
          : [NaN, NaN];
  if (!p.every((x) => Number.isSafeInteger(x) && x >= min)) {
    throw new Error(
      `${op}: ${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer or a pair of them, got ${JSON.stringify(v)}`,
    );
  }
  return p;
}

/** Where the patches come from: the spatial geometry of one unfold. */
export interface PatchGeometry {
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  /** Padding added [top, bottom, left, right]; the bottom/right may exceed the top/left (ceil mode, 'same'). */
  padding: [number, number, number, number];
  /** Output height and width (patches per column and per row). */
  out: [number, number];
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
  /** Every image element is read by exactly one patch position (windows that tile the image): the inverse is a permutation. */
  tiles: boolean;
}

const planCache = new Map<string, PatchPlan>();

function patchPlan(C: number, Hp: number, Wp: number, geometry: PatchGeometry): PatchPlan {
  const {
    kernel: [kh, kw],
    stride: s,
    dilation: d,
    out: [OH, OW],
  } = geometry;
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
  let tiles = true;
  for (const c of count) {
    fanIn = Math.max(fanIn, c);
    if (c !== 1) tiles = false;
  }
  const inverse = new Int32Array(imageSize * fanIn).fill(n);
  count.fill(0);
  for (let p = 0; p < n; p++) {
    const q = index[p]!;
    inverse[q * fanIn + count[q]!++] = p;
  }
  const plan = { index, inverse, fanIn, imageSize, tiles };
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
    // Windows that tile the image (pooling with stride = kernel): one gather, no zero column, nothing to sum.
    if (plan.tiles) return cols.gather(1, rowsIndex(plan.inverse, N, cols.device));
    const withZero = g.cat([cols, g.zeros([N, 1], { dtype: cols.dtype, device: cols.device })], 1);
    return withZero
      .gather(1, rowsIndex(plan.inverse, N, cols.device))
      .reshape(N, plan.imageSize, plan.fanIn)
      .sum(2);
  }
  static override backward(ctx: g.autograd.FunctionCtx, grad: Tensor): Tensor {
    return Unfold.apply(grad, ctx['plan']);
  }
}

/**
 * Patches of x [N, C, H, W] as [N, C, kh·kw, OH·OW]; the padding (which the
 * geometry may make larger after than before) reads as `padValue`.
 */
export function unfold(x: Tensor, geometry: PatchGeometry, padValue: number): Tensor {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [top, bottom, left, right] = geometry.padding;
  const Hp = H + top + bottom;
  const Wp = W + left + right;
  const padded = top || bottom || left || right ? x.pad([left, right, top, bottom], padValue) : x;
  const plan = patchPlan(C, Hp, Wp, geometry);
  const cols = Unfold.apply<Tensor>(padded.reshape(N, C * Hp * Wp), plan);
  const [kh, kw] = geometry.kernel;
  return cols.reshape(N, C, kh * kw, geometry.out[0] * geometry.out[1]);
}

/**
 * The adjoint of `unfold` (col2im): patch values [N, C, kh·kw, OH·OW] summed
 * into images [N, C, Hp, Wp], where Hp and Wp include the geometry's padding
 * (`geometry.padding` is not used: the caller crops it). Every patch must fit
 * in the Hp × Wp image.
 */
export function foldPatches(cols: Tensor, channels: number, Hp: number, Wp: number, geometry: PatchGeometry): Tensor {
  const N = cols.shape[0]!;
  const plan = patchPlan(channels, Hp, Wp, geometry);
  return Fold.apply<Tensor>(cols.reshape(N, plan.index.length), plan).reshape(N, channels, Hp, Wp);
}
