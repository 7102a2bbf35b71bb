/**
 * `F.pad` with PyTorch's four modes. 'constant' is core's `pad`; the others
 * are, per padded dim, one `indexSelect` through a precomputed map from each
 * output position to the input position it copies (reflected, clamped or
 * wrapped), so the gradient (a scatter-add through the same map) is ATen's.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { keywordArguments } from './arguments.js';
import { checkTensorArguments } from './tensor-arguments.js';

/** The padding modes. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Options of `pad`. */
export interface PadOptions {
  /** Default 'constant'. */
  mode?: PadMode;
  /** The fill of 'constant' mode (default 0); the other modes take none. */
  value?: number | null;
}

/** The input position each output position of one dim copies, for pads (before, after) of a dim of size n. */
function sourceMap(mode: Exclude<PadMode, 'constant'>, n: number, before: number, after: number): Int32Array {
  if (mode === 'circular') {
    // Negative pads crop first; the positive ones wrap around what is left (ATen's _pad_circular).
    const start = Math.max(-before, 0);
    const kept = n - start - Math.max(-after, 0);
    const lead = Math.max(before, 0);
    const size = kept + lead + Math.max(after, 0);
    return Int32Array.from({ length: size }, (_, j) => start + ((((j - lead) % kept) + kept) % kept));
  }
  const size = n + before + after;
  return Int32Array.from({ length: size }, (_, k) => {
    const j = k - before;
    if (mode === 'replicate') return Math.min(Math.max(j, 0), n - 1);
    return j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;
  });
}

/**
 * Pads (or, with negative sizes, crops) the last `pad.length / 2` dims of x,
 * PyTorch's `F.pad`: `pad` is `[lastBefore, lastAfter, secondLastBefore, …]`.
 * Modes: 'constant' (any dims, filled with `value`), 'reflect' (mirrored
 * without repeating the edge; pads smaller than the dim) and 'replicate'
 * (the edge repeated) on the last 1–3 dims of an input with one or two more
 * dims, and 'circular' (wrapped; pads at most the dim) on the dims after
 * [N, C].
 *
 * @example
 * F.pad(g.arange(4).reshape(1, 1, 4), [2, 1], 'reflect').tolist(); // [[[2, 1, 0, 1, 2, 3, 2]]]
 * F.pad(g.ones(1, 1, 2, 2), [1, 1, 1, 1], { value: 5 }).shape; // [1, 1, 4, 4]
 */
export function pad(x: Tensor, pad: readonly number[], options?: PadOptions): Tensor;
export function pad(x: Tensor, pad: readonly number[], mode?: PadMode, value?: number | null): Tensor;
export function pad(x: Tensor, pads: readonly number[], ...rest: unknown[]): Tensor {
  checkTensorArguments('pad', { input: x });
  return g.tidy(() => {
    const op = 'pad';
    const o = keywordArguments<PadOptions>(op, rest, ['mode', 'value']);
    const mode = o.mode ?? 'constant';
    if (!Array.isArray(pads) || !pads.every((p) => Number.isSafeInteger(p)))
      throw new Error(`${op}: pad must be an array of integers, got ${JSON.stringify(pads)}`);
    if (pads.length % 2 !== 0) throw new Error(`${op}: Padding length must be divisible by 2`);
    if (pads.length / 2 > x.ndim) throw new Error(`${op}: Padding length too large (${pads.length} for a ${x.ndim}-D input)`);
    if (mode === 'constant') {
      const value = o.value ?? 0;
      if (typeof value !== 'number') throw new Error(`${op}: value must be a number, got ${JSON.stringify(value)}`);
      return x.pad(pads, value);
    }
    if (mode !== 'reflect' && mode !== 'replicate' && mode !== 'circular') throw new Error(`${op}: Unrecognised padding mode ${mode}`);
    if (o.value != null) throw new Error(`${op}: Padding mode "${mode}" doesn't take in value argument`);
    const dims = pads.length / 2;
    if (dims < 1 || dims > 3 || (x.ndim !== dims + 1 && x.ndim !== dims + 2))
      throw new Error(
        `${op}: Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now (${mode} padding of ${dims} dim(s) on a ${x.ndim}-D input)`,
      );
    // Circular padding needs the batch dim too: it pads every dim after [N, C].
    if (mode === 'circular' && x.ndim !== dims + 2)
      throw new Error(`${op}: Invalid padding size, expected ${2 * (x.ndim - 2)} but got ${pads.length}`);
    let y = x;
    for (let i = 0; i < dims; i++) {
      const dim = x.ndim - 1 - i;
      const [before, after] = [pads[2 * i]!, pads[2 * i + 1]!];
      const n = x.shape[dim]!;
      if (mode === 'reflect' && (before >= n || after >= n))
        throw new Error(
          `${op}: Argument #${4 + 2 * i}: Padding size should be less than the corresponding input dimension, but got: padding (${before}, ${after}) at dimension ${dim} of input ${dims === 2 ? x.ndim : `[${x.shape.join(', ')}]`}`,
        );
      if (mode === 'circular' && (before > n || after > n)) throw new Error(`${op}: Padding value causes wrapping around more than once.`);
      if (n === 0 && (before > 0 || after > 0))
        throw new Error(`${op}: ${mode} padding of an empty dim (dim ${dim} of shape [${x.shape.join(', ')}])`);
      if (n + before + after < 0 || (mode === 'circular' && n + Math.min(before, 0) + Math.min(after, 0) <= 0))
        throw new Error(
          `${op}: Negative padding value is resulting in an empty dimension (padding (${before}, ${after}) of dim ${dim}, size ${n})`,
        );
      if (before === 0 && after === 0) continue;
      y = y.indexSelect(dim, g.tensor(sourceMap(mode, n, before, after), { device: x.device }));
    }
    return y === x ? x.clone() : y;
  });
}
