/**
 * Adaptive average and max pooling: output cell i of a dim of size `out`
 * covers input [floor(i·in/out), ceil((i+1)·in/out)), as ATen. The windows
 * differ in size, so they are gathered through one precomputed index padded
 * to the largest window (the padding reads an appended 0 for sums, −∞ for
 * maxima); one reduction does the rest, and the gradient is the gather's.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { checkTensorArguments } from './tensor-arguments.js';

/** An output size per spatial dim; `null` keeps the input's size there (as PyTorch's None). */
export type AdaptiveSize = number | null | readonly (number | null)[];

/** Options of the adaptive max pools. */
export interface AdaptiveMaxPoolOptions {
  /** Also return the flat index (into each input plane) of every maximum. */
  returnIndices?: boolean;
}

/** The windows of one dim: [start, end) per output cell. */
function windows(size: number, out: number): [number, number][] {
  return Array.from({ length: out }, (_, i) => [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)]);
}

interface Plan {
  /** For every output cell, K flat input positions (padded with `plane`, the appended pad value). */
  index: Int32Array;
  /** Elements per window, for the averages. */
  counts: Float64Array;
  K: number;
}

/** The windows of a [..., ...sizes] plane pooled to `outs`, row-major over the output cells. */
function plan(sizes: number[], outs: number[]): Plan {
  const perDim = sizes.map((s, i) => windows(s, outs[i]!));
  const widest = perDim.map((ws) => Math.max(...ws.map(([a, b]) => b - a)));
  const K = widest.reduce((a, b) => a * b, 1);
  const cells = outs.reduce((a, b) => a * b, 1);
  const plane = sizes.reduce((a, b) => a * b, 1);
  const index = new Int32Array(cells * K).fill(plane);
  const counts = new Float64Array(cells);
  for (let cell = 0; cell < cells; cell++) {
    // The cell's window per dim (dims row-major, the last fastest).
    const ranges: [number, number][] = [];
    let rest = cell;
    for (let d = outs.length - 1; d >= 0; d--) {
      ranges[d] = perDim[d]![rest % outs[d]!]!;
      rest = Math.floor(rest / outs[d]!);
    }
    // Every position of the window, row-major (the order PyTorch scans it: the first maximum wins).
    let positions = [0];
    ranges.forEach(([a, b], d) => {
      const next: number[] = [];
      for (const q of positions) for (let i = a; i < b; i++) next.push(q * sizes[d]! + i);
      positions = next;
    });
    positions.forEach((q, k) => {
      index[cell * K + k] = q;
    });
    counts[cell] = positions.length;
  }
  return { index, counts, K };
}

/** `size` checked and resolved against the input's trailing `dims` sizes. */
function outputSizes(op: string, size: AdaptiveSize, inSizes: number[]): number[] {
  const dims = inSizes.length;
  const given = typeof size === 'number' || size === null ? Array(dims).fill(size) : [...size];
  if (given.length !== dims)
    throw new Error(`${op}: output_size must be ${dims === 1 ? 'an integer' : `${dims} integers`}, got ${JSON.stringify(size)}`);
  return given.map((v, i) => {
    if (v === null) return inSizes[i]!;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
      throw new Error(`${op}: output_size must be non-negative integers (or null), got ${JSON.stringify(size)}`);
    return v;
  });
}

/** The shared work: x's trailing `dims` dims pooled to `size` by `kind`. */
function adaptive(
  op: string,
  x: Tensor,
  size: AdaptiveSize,
  dims: number,
  kind: 'avg' | 'max',
  returnIndices: boolean,
): Tensor | [Tensor, Tensor] {
  if (x.ndim !== dims + 1 && x.ndim !== dims + 2)
    throw new Error(
      `${op}: Expected ${dims + 1} to ${dims + 2} dimensions, but got ${x.ndim}-dimensional tensor (shape [${x.shape.join(', ')}])`,
    );
  const lead = x.shape.slice(0, x.ndim - dims);
  const inSizes = x.shape.slice(x.ndim - dims);
  const outs = outputSizes(op, size, inSizes);
  for (let i = 0; i < dims; i++)
    if (inSizes[i] === 0 && outs[i]! > 0)
      throw new Error(`${op}: input dim ${x.ndim - dims + i} has size 0: there is nothing to pool (shape [${x.shape.join(', ')}])`);
  const outShape = [...lead, ...outs];
  const cells = outs.reduce((a, b) => a * b, 1);
  const plane = inSizes.reduce((a, b) => a * b, 1);
  const rows = lead.reduce((a, b) => a * b, 1);
  if (cells === 0 || rows === 0) {
    const empty = g.zeros(outShape, { dtype: x.dtype, device: x.device });
    return returnIndices ? [empty, g.zeros(outShape, { dtype: 'int32', device: x.device })] : empty;
  }
  const { index, counts, K } = plan(inSizes, outs);
  const padValue = kind === 'max' ? -Infinity : 0;
  const flat = x.reshape(rows, plane);
  const withPad = g.cat([flat, g.full([rows, 1], padValue, { dtype: x.dtype, device: x.device })], 1);
  const gathered = withPad.indexSelect(1, g.tensor(index, { device: x.device })).reshape(rows, cells, K);
  if (kind === 'avg') {
    const divisor = g.tensor(x.dtype === 'float64' ? counts : Float32Array.from(counts), { device: x.device });
    return gathered.sum(2).div(divisor).reshape(outShape);
  }
  const { values, indices } = gathered.max(2);
  if (!returnIndices) return values.reshape(outShape);
  const table = g.tensor(index, { device: x.device }).reshape(1, cells, K).expand(rows, cells, K);
  return [values.reshape(outShape), table.gather(2, indices.unsqueeze(2)).reshape(outShape)];
}

/**
 * Adaptive 2-D average pooling of x [N, C, H, W] or [C, H, W] to `outputSize`
 * (an integer, or [h, w] where `null` keeps the input's size).
 *
 * @example
 * F.adaptiveAvgPool2d(g.randn(1, 3, 7, 9), [2, 3]).shape; // [1, 3, 2, 3]
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  checkTensorArguments('adaptiveAvgPool2d', { input: x });
  return g.tidy(() => adaptive('adaptiveAvgPool2d', x, outputSize, 2, 'avg', false) as Tensor);
}

/**
 * Adaptive 1-D average pooling of x [N, C, L] or [C, L] to `outputSize` cells.
 *
 * @example
 * F.adaptiveAvgPool1d(g.randn(2, 3, 10), 4).shape; // [2, 3, 4]
 */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number): Tensor {
  checkTensorArguments('adaptiveAvgPool1d', { input: x });
  return g.tidy(() => adaptive('adaptiveAvgPool1d', x, [outputSize], 1, 'avg', false) as Tensor);
}

function maxOptions(op: string, rest: unknown[]): boolean {
  const [first] = rest;
  if (rest.length > 1) throw new TypeError(`${op}: takes at most 1 optional argument (returnIndices), but ${rest.length} were given`);
  const o =
    typeof first === 'object' && first !== null
      ? g.checkOptions(op, first as AdaptiveMaxPoolOptions, ['returnIndices'])
      : { returnIndices: first };
  const r = o.returnIndices ?? false;
  if (typeof r !== 'boolean') throw new Error(`${op}: returnIndices must be a boolean, got ${JSON.stringify(r)}`);
  return r;
}

/**
 * Adaptive 2-D max pooling of x [N, C, H, W] or [C, H, W] to `outputSize`;
 * with `returnIndices`, `[values, indices]` (int32 flat indices into each
 * H×W plane). The gradient goes to the first maximum of each window.
 *
 * @example
 * F.adaptiveMaxPool2d(g.randn(1, 3, 7, 9), 2).shape; // [1, 3, 2, 2]
 * const [values, indices] = F.adaptiveMaxPool2d(g.randn(1, 3, 7, 9), [2, null], { returnIndices: true });
 */
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, options: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, options?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, returnIndices: true): [Tensor, Tensor];
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: AdaptiveSize,
  returnIndices?: boolean | AdaptiveMaxPoolOptions,
): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, ...rest: unknown[]): Tensor | [Tensor, Tensor] {
  checkTensorArguments('adaptiveMaxPool2d', { input: x });
  return g.tidy(() => adaptive('adaptiveMaxPool2d', x, outputSize, 2, 'max', maxOptions('adaptiveMaxPool2d', rest)));
}

/**
 * Adaptive 1-D max pooling of x [N, C, L] or [C, L] to `outputSize` cells;
 * `[values, indices]` with `returnIndices`.
 *
 * @example
 * F.adaptiveMaxPool1d(g.randn(2, 3, 10), 4).shape; // [2, 3, 4]
 */
export function adaptiveMaxPool1d(x: Tensor, outputSize: number, options: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: number, options?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool1d(x: Tensor, outputSize: number, returnIndices: true): [Tensor, Tensor];
export function adaptiveMaxPool1d(
  x: Tensor,
  outputSize: number,
  returnIndices?: boolean | AdaptiveMaxPoolOptions,
): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: number, ...rest: unknown[]): Tensor | [Tensor, Tensor] {
  checkTensorArguments('adaptiveMaxPool1d', { input: x });
  return g.tidy(() => adaptive('adaptiveMaxPool1d', x, [outputSize], 1, 'max', maxOptions('adaptiveMaxPool1d', rest)));
}
