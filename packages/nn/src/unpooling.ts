/**
 * Max unpooling: the inverse of max pooling with `returnIndices`, a scatter
 * of every value to the flat index it came from, zeros elsewhere. The
 * gradient is the scatter's (a gather at the same indices), as PyTorch's.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { keywordArguments } from './arguments.js';
import { pair, type Pair } from './patches.js';
import { checkTensorArguments } from './tensor-arguments.js';

/** Options of `maxUnpool2d` (PyTorch's keyword arguments after kernel_size). */
export interface MaxUnpoolOptions {
  /** Default: the kernel size. */
  stride?: Pair | null;
  padding?: Pair;
  /** The output's spatial size (the last two, or all, dims); default (in − 1)·stride − 2·padding + kernel. */
  outputSize?: readonly number[] | null;
}

/** Options of `maxUnpool1d`. */
export interface MaxUnpool1dOptions {
  stride?: number | null;
  padding?: number;
  outputSize?: readonly number[] | null;
}

const KEYWORDS = ['stride', 'padding', 'outputSize'] as const;

function unpool(op: string, x: Tensor, indices: Tensor, k: [number, number], o: Partial<MaxUnpoolOptions>, dims: 1 | 2): Tensor {
  if (x.ndim !== dims + 1 && x.ndim !== dims + 2)
    throw new Error(`${op}: Expected ${dims + 1}D or ${dims + 2}D input (unbatched or batched), but got shape [${x.shape.join(', ')}]`);
  if (indices.dtype !== 'int32') throw new Error(`${op}: indices must be an int32 tensor (as maxPool returns them), got ${indices.dtype}`);
  if (indices.shape.join() !== x.shape.join())
    throw new Error(
      `${op}: Expected shape of indices to be same as that of the input tensor ([${x.shape.join(', ')}]) but got indices tensor with shape: [${indices.shape.join(', ')}]`,
    );
  const s = pair(op, 'stride', o.stride ?? k, 1, 1);
  const p = pair(op, 'padding', o.padding, 0);
  const inSizes = x.shape.slice(x.ndim - dims);
  const first = 2 - dims;
  const defaults = inSizes.map((n, i) => (n - 1) * s[first + i]! - 2 * p[first + i]! + k[first + i]!);
  let outs = defaults;
  if (o.outputSize != null) {
    const given =
      o.outputSize.length === dims + 2 || o.outputSize.length === dims + 1
        ? o.outputSize.slice(o.outputSize.length - dims)
        : [...o.outputSize];
    if (given.length !== dims)
      throw new Error(`${op}: output_size should have ${dims} or ${dims + 2} elements, got ${JSON.stringify(o.outputSize)}`);
    given.forEach((v, i) => {
      const min = defaults[i]! - s[first + i]!;
      const max = defaults[i]! + s[first + i]!;
      if (!Number.isSafeInteger(v) || v <= min || v >= max)
        throw new Error(
          `${op}: invalid output_size "${JSON.stringify(o.outputSize)}" (dim ${i} must be between ${min + 1} and ${max - 1})`,
        );
    });
    outs = given;
  }
  const lead = x.shape.slice(0, x.ndim - dims);
  const rows = lead.reduce((a, b) => a * b, 1);
  const plane = outs.reduce((a, b) => a * b, 1);
  const flatIndex = indices.reshape(rows, -1);
  if (flatIndex.numel() > 0) {
    // Checked on the host: a scatter out of bounds would be a crash or a silent write elsewhere.
    const lo = flatIndex.min().item() as number;
    const hi = flatIndex.max().item() as number;
    if (lo < 0 || hi >= plane)
      throw new Error(`${op}: Found an invalid max index: ${lo < 0 ? lo : hi} (output volumes are of size ${outs.join('x')})`);
  }
  const zeros = g.zeros([rows, plane], { dtype: x.dtype, device: x.device });
  return zeros.scatter(1, flatIndex, x.reshape(rows, -1)).reshape([...lead, ...outs]);
}

/**
 * Puts every value of x [N, C, H, W] (or [C, H, W]) at the flat index of
 * `indices` (from `maxPool2d(…, { returnIndices: true })`) in an output
 * plane of zeros. Options after the kernel size as PyTorch's `max_unpool2d`
 * (`stride, padding, outputSize`), positionally or in an options object.
 *
 * @example
 * const x = g.randn(1, 1, 4, 4);
 * const [y, i] = F.maxPool2d(x, 2, { returnIndices: true });
 * F.maxUnpool2d(y, i, 2).shape; // [1, 1, 4, 4]: each window's maximum in place, zeros elsewhere
 */
export function maxUnpool2d(x: Tensor, indices: Tensor, kernelSize: Pair, options?: MaxUnpoolOptions): Tensor;
export function maxUnpool2d(
  x: Tensor,
  indices: Tensor,
  kernelSize: Pair,
  stride?: Pair | null,
  padding?: Pair,
  outputSize?: readonly number[] | null,
): Tensor;
export function maxUnpool2d(x: Tensor, indices: Tensor, kernelSize: Pair, ...rest: unknown[]): Tensor {
  checkTensorArguments('maxUnpool2d', { input: x, indices });
  return g.tidy(() => {
    const o = keywordArguments<MaxUnpoolOptions>('maxUnpool2d', rest, KEYWORDS);
    return unpool('maxUnpool2d', x, indices, pair('maxUnpool2d', 'kernel_size', kernelSize, 1, 1), o, 2);
  });
}

/**
 * 1-D max unpooling of x [N, C, L] (or [C, L]) with the indices of
 * `maxPool1d`; options as `maxUnpool2d` (integers).
 *
 * @example
 * const [y, i] = F.maxPool1d(g.randn(1, 2, 6), 2, { returnIndices: true });
 * F.maxUnpool1d(y, i, 2).shape; // [1, 2, 6]
 */
export function maxUnpool1d(x: Tensor, indices: Tensor, kernelSize: number, options?: MaxUnpool1dOptions): Tensor;
export function maxUnpool1d(
  x: Tensor,
  indices: Tensor,
  kernelSize: number,
  stride?: number | null,
  padding?: number,
  outputSize?: readonly number[] | null,
): Tensor;
export function maxUnpool1d(x: Tensor, indices: Tensor, kernelSize: number, ...rest: unknown[]): Tensor {
  checkTensorArguments('maxUnpool1d', { input: x, indices });
  return g.tidy(() => {
    const op = 'maxUnpool1d';
    const o = keywordArguments<MaxUnpool1dOptions>(op, rest, KEYWORDS);
    // A 1-D size as the width of a height-1 plane; the height takes `min` (kernel and stride 1, padding 0).
    const one = (name: string, v: unknown, min: number): [number, number] => {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
        throw new Error(`${op}: ${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer, got ${JSON.stringify(v)}`);
      return [min, v];
    };
    const k = one('kernel_size', kernelSize, 1);
    return unpool(
      op,
      x,
      indices,
      k,
      {
        stride: o.stride == null ? k : one('stride', o.stride, 1),
        padding: one('padding', o.padding ?? 0, 0),
        outputSize: o.outputSize ?? null,
      },
      1,
    );
  });
}
