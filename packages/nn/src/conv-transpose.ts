/**
 * Transposed convolution as the adjoint of conv2d's im2col: one batched
 * matmul spreads every input pixel into a patch of the output (Wᵀ·x), then
 * col2im (`foldPatches`) sums the overlapping patches, and the padding is
 * cropped. No kernel of its own: the gradients are conv2d's and unfold's.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { keywordArguments } from './arguments.js';
import { foldPatches, pair, type Pair } from './patches.js';
import { isUnbatched } from './unbatched.js';
import { checkTensorArguments } from './tensor-arguments.js';

/** Options of `convTranspose2d` (a number or a [height, width] pair each), PyTorch's keyword arguments. */
export interface ConvTransposeOptions {
  bias?: Tensor | null;
  stride?: Pair;
  /** Zero padding removed from both sides of the output: dilation·(kernel − 1) − padding is added to the input. */
  padding?: Pair;
  /** Extra size added to one side of the output (smaller than the stride or the dilation). */
  outputPadding?: Pair;
  groups?: number;
  dilation?: Pair;
}

/** Options of `convTranspose1d`. */
export interface ConvTranspose1dOptions {
  bias?: Tensor | null;
  stride?: number;
  padding?: number;
  outputPadding?: number;
  groups?: number;
  dilation?: number;
}

const KEYWORDS = ['bias', 'stride', 'padding', 'outputPadding', 'groups', 'dilation'] as const;

/** The output size of a transposed convolution along one dim, as ATen. */
export function convTransposeSize(size: number, k: number, s: number, p: number, op: number, d: number): number {
  return (size - 1) * s - 2 * p + d * (k - 1) + op + 1;
}

/** Transposed convolution of a 4-D (or 3-D, unbatched) input, its options parsed and checked. */
function transposeNd(op: string, x: Tensor, weight: Tensor, o: Partial<ConvTransposeOptions>): Tensor {
  const unbatched = isUnbatched(op, x, 4);
  if (weight.ndim !== 4) throw new Error(`${op}: expected a 4-D weight [C, O/groups, kh, kw], got shape [${weight.shape.join(', ')}]`);
  const input = unbatched ? x.unsqueeze(0) : x;
  const groups = o.groups ?? 1;
  if (!Number.isSafeInteger(groups) || groups < 1) throw new Error(`${op}: non-positive groups is not supported (got groups=${groups})`);
  const [N, C, H, W] = input.shape as [number, number, number, number];
  const [Cw, Og, kh, kw] = weight.shape as [number, number, number, number];
  if (Cw % groups !== 0)
    throw new Error(
      `${op}: Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${weight.shape.join(', ')}] instead`,
    );
  if (C !== Cw)
    throw new Error(
      `${op}: Given transposed=1, weight of size [${weight.shape.join(', ')}], expected input[${input.shape.join(', ')}] to have ${Cw} channels, but got ${C} channels instead`,
    );
  const s = pair(op, 'stride', o.stride, 1, 1);
  const p = pair(op, 'padding', o.padding, 0);
  const outPad = pair(op, 'outputPadding', o.outputPadding, 0);
  const d = pair(op, 'dilation', o.dilation, 1, 1);
  if ((outPad[0] >= s[0] && outPad[0] >= d[0]) || (outPad[1] >= s[1] && outPad[1] >= d[1]))
    throw new Error(
      `${op}: output padding must be smaller than either stride or dilation, but got output_padding_height: ${outPad[0]} output_padding_width: ${outPad[1]} stride_height: ${s[0]} stride_width: ${s[1]} dilation_height: ${d[0]} dilation_width: ${d[1]}`,
    );
  const OH = convTransposeSize(H, kh, s[0], p[0], outPad[0], d[0]);
  const OW = convTransposeSize(W, kw, s[1], p[1], outPad[1], d[1]);
  if (OH < 1 || OW < 1)
    throw new Error(
      `${op}: Given input size per channel: (${H} x ${W}). Calculated output size per channel: (${OH} x ${OW}). Output size is too small`,
    );
  const O = Og * groups;
  if (o.bias && (o.bias.ndim !== 1 || o.bias.shape[0] !== O))
    throw new Error(`${op}: expected a bias of shape [${O}], got shape [${o.bias.shape.join(', ')}]`);
  // Wᵀ per group: [groups, Og·kh·kw, C/groups] times the input's [N, groups, C/groups, H·W].
  const w = weight.reshape(groups, C / groups, Og * kh * kw).transpose(1, 2);
  const cols = w.matmul(input.reshape(N, groups, C / groups, H * W));
  // The whole image the patches cover (the output plus its padding on both sides).
  const Hp = OH + 2 * p[0];
  const Wp = OW + 2 * p[1];
  const image = foldPatches(cols, O, Hp, Wp, { kernel: [kh, kw], stride: s, dilation: d, padding: [0, 0, 0, 0], out: [H, W] });
  let out = p[0] || p[1] ? image.slice(2, p[0], p[0] + OH).slice(3, p[1], p[1] + OW) : image;
  if (o.bias) out = out.add(o.bias.reshape(1, O, 1, 1));
  return unbatched ? out.squeeze(0) : out;
}

/**
 * 2-D transposed convolution ("deconvolution") of x [N, C, H, W] (or
 * [C, H, W]) with weight [C, O/groups, kh, kw]: the gradient of conv2d with
 * respect to its input. After the weight, PyTorch's arguments (`bias,
 * stride, padding, outputPadding, groups, dilation`) come positionally or in
 * an options object.
 *
 * @example
 * F.convTranspose2d(g.randn(1, 4, 5, 5), g.randn(4, 2, 3, 3), null, 2).shape; // [1, 2, 11, 11]
 * F.convTranspose2d(g.randn(1, 4, 5, 5), g.randn(4, 2, 3, 3), { stride: 2, padding: 1, outputPadding: 1 }).shape; // [1, 2, 10, 10]
 */
export function convTranspose2d(x: Tensor, weight: Tensor, options?: ConvTransposeOptions): Tensor;
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  stride?: Pair,
  padding?: Pair,
  outputPadding?: Pair,
  groups?: number,
  dilation?: Pair,
): Tensor;
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: Omit<ConvTransposeOptions, 'bias'>): Tensor;
export function convTranspose2d(x: Tensor, weight: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('convTranspose2d', { input: x, weight });
  return g.tidy(() => transposeNd('convTranspose2d', x, weight, keywordArguments<ConvTransposeOptions>('convTranspose2d', rest, KEYWORDS)));
}

/**
 * 1-D transposed convolution of x [N, C, L] (or [C, L]) with weight
 * [C, O/groups, k]; arguments as `convTranspose2d`.
 *
 * @example
 * F.convTranspose1d(g.randn(2, 4, 10), g.randn(4, 3, 3), { stride: 2 }).shape; // [2, 3, 21]
 */
export function convTranspose1d(x: Tensor, weight: Tensor, options?: ConvTranspose1dOptions): Tensor;
export function convTranspose1d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  stride?: number,
  padding?: number,
  outputPadding?: number,
  groups?: number,
  dilation?: number,
): Tensor;
export function convTranspose1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: Omit<ConvTranspose1dOptions, 'bias'>): Tensor;
export function convTranspose1d(x: Tensor, weight: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('convTranspose1d', { input: x, weight });
  return g.tidy(() => {
    const op = 'convTranspose1d';
    const o = keywordArguments<ConvTranspose1dOptions>(op, rest, KEYWORDS);
    isUnbatched(op, x, 3);
    if (weight.ndim !== 3) throw new Error(`${op}: expected a 3-D weight [C, O/groups, k], got shape [${weight.shape.join(', ')}]`);
    // The 1-D sizes become the width of a height-1 image: [height's neutral value, the size].
    const asWidth = (name: string, v: unknown, fallback: number, height: number): [number, number] => {
      if (v === undefined) return [height, fallback];
      if (typeof v !== 'number') throw new Error(`${op}: ${name} must be an integer, got ${JSON.stringify(v)}`);
      return [height, v];
    };
    const out = transposeNd(op, x.unsqueeze(-2), weight.unsqueeze(2), {
      bias: o.bias ?? null,
      stride: asWidth('stride', o.stride, 1, 1),
      padding: asWidth('padding', o.padding, 0, 0),
      outputPadding: asWidth('outputPadding', o.outputPadding, 0, 0),
      dilation: asWidth('dilation', o.dilation, 1, 1),
      groups: o.groups ?? 1,
    });
    return out.squeeze(-2);
  });
}
