/**
 * `F.unfold` (im2col) and `F.fold` (col2im) with PyTorch's layouts: the
 * patches of patches.ts, as [N, C·kh·kw, L] blocks. Each is the other's
 * adjoint, so both are differentiable to any order.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { keywordArguments } from './arguments.js';
import { foldPatches, pair, type Pair, unfold as patches } from './patches.js';
import { checkTensorArguments } from './tensor-arguments.js';

/** Options of `unfold` and `fold` (PyTorch's keyword arguments after kernel_size). */
export interface UnfoldOptions {
  dilation?: Pair;
  padding?: Pair;
  stride?: Pair;
}

const KEYWORDS = ['dilation', 'padding', 'stride'] as const;

function geometry(op: string, kernelSize: Pair, o: Partial<UnfoldOptions>) {
  const k = pair(op, 'kernel_size', kernelSize, 1, 1);
  const d = pair(op, 'dilation', o.dilation, 1, 1);
  const p = pair(op, 'padding', o.padding, 0);
  const s = pair(op, 'stride', o.stride, 1, 1);
  return { k, d, p, s };
}

/** Sliding blocks along one dim. */
function blocks(size: number, k: number, d: number, p: number, s: number): number {
  return Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;
}

/**
 * The sliding blocks of x [N, C, H, W] (or [C, H, W]) as columns:
 * [N, C·kh·kw, L] with L the number of blocks. Options after the kernel
 * size as PyTorch's (`dilation, padding, stride`).
 *
 * @example
 * F.unfold(g.randn(1, 3, 4, 4), 2).shape; // [1, 12, 9]
 * F.unfold(g.randn(1, 3, 4, 4), 2, { stride: 2 }).shape; // [1, 12, 4]
 */
export function unfold(x: Tensor, kernelSize: Pair, options?: UnfoldOptions): Tensor;
export function unfold(x: Tensor, kernelSize: Pair, dilation?: Pair, padding?: Pair, stride?: Pair): Tensor;
export function unfold(x: Tensor, kernelSize: Pair, ...rest: unknown[]): Tensor {
  checkTensorArguments('unfold', { input: x });
  return g.tidy(() => {
    const op = 'unfold';
    const { k, d, p, s } = geometry(op, kernelSize, keywordArguments<UnfoldOptions>(op, rest, KEYWORDS));
    if (x.ndim !== 3 && x.ndim !== 4)
      throw new Error(
        `${op}: Expected 3D or 4D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions, but got shape [${x.shape.join(', ')}]`,
      );
    const input = x.ndim === 3 ? x.unsqueeze(0) : x;
    const [N, C, H, W] = input.shape as [number, number, number, number];
    const OH = blocks(H, k[0], d[0], p[0], s[0]);
    const OW = blocks(W, k[1], d[1], p[1], s[1]);
    if (OH < 1 || OW < 1)
      throw new Error(
        `${op}: Given input with spatial size (${H}, ${W}), kernel_size=(${k.join(', ')}), dilation=(${d.join(', ')}), padding=(${p.join(', ')}), calculated shape of the array of sliding blocks as (${OH}, ${OW}), but its components must be at least one.`,
      );
    const cols = patches(input, { kernel: k, stride: s, dilation: d, padding: [p[0], p[0], p[1], p[1]], out: [OH, OW] }, 0);
    const out = cols.reshape(N, C * k[0] * k[1], OH * OW);
    return x.ndim === 3 ? out.squeeze(0) : out;
  });
}

/**
 * Sums columns [N, C·kh·kw, L] (or [C·kh·kw, L]) of sliding blocks back into
 * images [N, C, H, W] of `outputSize` [H, W], overlaps added: the adjoint of
 * `unfold` with the same options.
 *
 * @example
 * F.fold(g.ones(1, 12, 9), [4, 4], 2).shape; // [1, 3, 4, 4]
 */
export function fold(x: Tensor, outputSize: Pair, kernelSize: Pair, options?: UnfoldOptions): Tensor;
export function fold(x: Tensor, outputSize: Pair, kernelSize: Pair, dilation?: Pair, padding?: Pair, stride?: Pair): Tensor;
export function fold(x: Tensor, outputSize: Pair, kernelSize: Pair, ...rest: unknown[]): Tensor {
  checkTensorArguments('fold', { input: x });
  return g.tidy(() => {
    const op = 'fold';
    const [H, W] = pair(op, 'output_size', outputSize, 0, 1);
    const { k, d, p, s } = geometry(op, kernelSize, keywordArguments<UnfoldOptions>(op, rest, KEYWORDS));
    if (x.ndim !== 2 && x.ndim !== 3)
      throw new Error(
        `${op}: Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions, but got shape [${x.shape.join(', ')}]`,
      );
    const input = x.ndim === 2 ? x.unsqueeze(0) : x;
    const [, CK, L] = input.shape as [number, number, number];
    const kk = k[0] * k[1];
    if (CK % kk !== 0)
      throw new Error(
        `${op}: Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${CK} and kernel_size=(${k.join(', ')}).`,
      );
    const OH = blocks(H, k[0], d[0], p[0], s[0]);
    const OW = blocks(W, k[1], d[1], p[1], s[1]);
    if (OH < 1 || OW < 1 || OH * OW !== L)
      throw new Error(
        `${op}: Given output_size=(${H}, ${W}), kernel_size=(${k.join(', ')}), dilation=(${d.join(', ')}), padding=(${p.join(', ')}), stride=(${s.join(', ')}), expected size of input's dimension 2 to match the calculated number of sliding blocks ${OH} * ${OW} = ${OH * OW}, but got input.size(2)=${L}.`,
      );
    const C = CK / kk;
    const image = foldPatches(input, C, H + 2 * p[0], W + 2 * p[1], {
      kernel: k,
      stride: s,
      dilation: d,
      padding: [0, 0, 0, 0],
      out: [OH, OW],
    });
    const out = p[0] || p[1] ? image.slice(2, p[0], p[0] + H).slice(3, p[1], p[1] + W) : image;
    return x.ndim === 2 ? out.squeeze(0) : out;
  });
}
