/**
 * `F.embeddingBag`: sums, means or maxima of bags of embedding rows without
 * a per-bag loop. The bags (from `offsets`, or the rows of a 2-D input) are
 * laid out host-side as a [bags, longest bag] table of row indices and a
 * mask; one `indexSelect` gathers the rows, and a masked reduction over the
 * bag dim gives PyTorch's values and gradients (the padding index and the
 * table's empty slots contribute nothing; an empty bag gives zeros).
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { normalizePaddingIdx } from './argument-checks.js';
import { isOptionsObject } from './arguments.js';
import { checkTensorArguments } from './tensor-arguments.js';

/** How a bag is reduced. */
export type EmbeddingBagMode = 'sum' | 'mean' | 'max';

/** Options of `embeddingBag` (PyTorch's keyword arguments it supports). */
export interface EmbeddingBagOptions {
  /** `'mean'` (default), `'sum'` or `'max'`. */
  mode?: EmbeddingBagMode;
  /** A weight per index (the input's shape), multiplying its row; `mode: 'sum'` only. */
  perSampleWeights?: Tensor | null;
  /** `offsets` has one more entry than there are bags: the end of the last one. */
  includeLastOffset?: boolean;
  /** Entries equal to this index are left out of their bag (not counted by `'mean'`); negative counts from the end. */
  paddingIdx?: number | null;
}

/** The mode, checked (PyTorch accepts only these three). */
export function checkMode(op: string, mode: unknown): EmbeddingBagMode {
  const m = mode ?? 'mean';
  if (m !== 'sum' && m !== 'mean' && m !== 'max')
    throw new Error(`${op}: mode has to be one of sum, mean or max (got ${JSON.stringify(m)})`);
  return m;
}

/** @internal embeddingBag with the name errors carry. */
export function embeddingBagAs(op: string, input: Tensor, weight: Tensor, offsets: Tensor | null, o: EmbeddingBagOptions): Tensor {
  const mode = checkMode(op, o.mode);
  const psw = o.perSampleWeights ?? null;
  if (input.dtype !== 'int32') throw new TypeError(`${op}: expected indices of dtype int32, got ${input.dtype}`);
  if (weight.ndim !== 2) throw new Error(`${op}: 'weight' must be 2-D, got shape [${weight.shape.join(', ')}]`);
  if (psw !== null && psw.shape.join() !== input.shape.join()) {
    throw new Error(
      `${op}: If per_sample_weights ([${psw.shape.join(', ')}]) is not None, then it must have the same shape as the input ([${input.shape.join(', ')}])`,
    );
  }
  if (psw !== null && mode !== 'sum') {
    throw new Error(`${op}: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${mode}').`);
  }
  const paddingIdx = normalizePaddingIdx(op, o.paddingIdx, weight.shape[0]!);
  const indices = Array.from(input.dataSync() as Int32Array);
  // Each bag's [start, end) in the flat input.
  let bags: [number, number][];
  if (input.ndim === 2) {
    if (offsets !== null) {
      throw new Error(`${op}: if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences.`);
    }
    const [b, n] = input.shape as [number, number];
    bags = Array.from({ length: b }, (_, i) => [i * n, (i + 1) * n]);
  } else if (input.ndim === 1) {
    if (offsets === null) throw new Error(`${op}: offsets has to be a 1D Tensor but got None`);
    if (offsets.ndim !== 1) throw new Error(`${op}: offsets has to be a 1D Tensor, got shape [${offsets.shape.join(', ')}]`);
    if (offsets.dtype !== 'int32') throw new TypeError(`${op}: expected offsets of dtype int32, got ${offsets.dtype}`);
    const off = Array.from(offsets.dataSync() as Int32Array);
    const n = indices.length;
    if (off.length > 0 && off[0] !== 0) {
      throw new Error(
        `${op}: offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got ${off[0]}`,
      );
    }
    off.forEach((v, i) => {
      if (v > n) throw new Error(`${op}: offsets[${i}] can not be greater than input's length ${n}, but got ${v}`);
      if (i > 0 && v < off[i - 1]!) throw new Error(`${op}: offsets must be non-decreasing, got ${off[i - 1]} then ${v} at ${i}`);
    });
    const count = o.includeLastOffset ? Math.max(off.length - 1, 0) : off.length;
    bags = Array.from({ length: count }, (_, i) => [off[i]!, i + 1 < off.length ? off[i + 1]! : n]);
  } else throw new Error(`${op}: input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.ndim}`);

  const width = Math.max(1, ...bags.map(([s, e]) => e - s));
  const table = new Int32Array(bags.length * width);
  const slots = new Int32Array(bags.length * width).fill(-1);
  const valid = new Uint8Array(bags.length * width);
  const counts = new Float64Array(bags.length);
  bags.forEach(([s, e], b) => {
    for (let i = s; i < e; i++) {
      const at = b * width + (i - s);
      table[at] = indices[i]!;
      slots[at] = i;
      if (indices[i] !== paddingIdx) {
        valid[at] = 1;
        counts[b]!++;
      }
    }
  });
  const d = weight.shape[1]!;
  const device = { device: weight.device };
  const rows = weight.indexSelect(0, g.tensor(table, device)).reshape(bags.length, width, d);
  const mask = g.tensor(valid, { shape: [bags.length, width, 1], ...device });
  if (mode === 'max') {
    const [values] = g.where(mask, rows, -Infinity).max(1);
    const nonEmpty = g.tensor(
      Uint8Array.from(counts, (c) => (c > 0 ? 1 : 0)),
      { shape: [bags.length, 1], ...device },
    );
    return g.where(nonEmpty, values!, 0);
  }
  let picked = g.where(mask, rows, 0);
  if (psw !== null) {
    // Each slot's weight (0 where the slot is empty), read from the flat per-sample weights.
    const extended = g.cat([psw.reshape(-1), g.zeros([1], { dtype: psw.dtype, ...device })]);
    const at = g.tensor(
      Int32Array.from(slots, (s) => (s < 0 ? indices.length : s)),
      device,
    );
    picked = picked.mul(extended.indexSelect(0, at).reshape(bags.length, width, 1));
  }
  const sums = picked.sum(1);
  if (mode === 'sum') return sums;
  const divisor = g.tensor(
    Array.from(counts, (c) => [Math.max(c, 1)]),
    { dtype: weight.dtype, ...device },
  );
  return sums.div(divisor);
}

/**
 * Reduces bags of embedding rows (PyTorch's `F.embedding_bag`): a 2-D
 * input is a batch of equal bags, a 1-D input is cut into bags at `offsets`.
 * Returns [bags, embeddingDim].
 *
 * @example
 * const input = g.tensor([1, 2, 4, 5, 4, 3, 2, 9], { dtype: 'int32' });
 * const offsets = g.tensor([0, 4], { dtype: 'int32' });
 * F.embeddingBag(input, weight, offsets, { mode: 'sum' }); // 2 bags
 */
export function embeddingBag(input: Tensor, weight: Tensor, offsets?: Tensor | null, options?: EmbeddingBagOptions): Tensor;
export function embeddingBag(input: Tensor, weight: Tensor, options?: EmbeddingBagOptions & { offsets?: Tensor | null }): Tensor;
export function embeddingBag(input: Tensor, weight: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('embeddingBag', { input, weight });
  return g.tidy(() => {
    // PyTorch's positional arguments after offsets (max_norm, norm_type, …) are not supported: the rest go by keyword.
    const [first, second] = rest;
    const given = isOptionsObject(first) ? first : (second ?? {});
    if (rest.length > 2 || (isOptionsObject(first) && second !== undefined) || (second !== undefined && !isOptionsObject(second))) {
      throw new TypeError('embeddingBag: takes (input, weight, offsets?, options?); pass the other arguments in the options object');
    }
    const o = g.checkOptions('embeddingBag', given as EmbeddingBagOptions & { offsets?: Tensor | null }, [
      'offsets',
      'mode',
      'perSampleWeights',
      'includeLastOffset',
      'paddingIdx',
    ]);
    if (!isOptionsObject(first) && first !== undefined && first !== null && o.offsets !== undefined) {
      throw new TypeError("embeddingBag: got multiple values for argument 'offsets' (positionally and in the options object)");
    }
    const offsets = (isOptionsObject(first) ? o.offsets : first) as Tensor | null | undefined;
    return embeddingBagAs('embeddingBag', input, weight, offsets ?? null, o);
  });
}
