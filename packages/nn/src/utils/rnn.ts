/**
 * `nn.utils.rnn`: padding and packing batches of variable-length sequences,
 * as PyTorch's `torch.nn.utils.rnn`. A PackedSequence holds the time steps of
 * sequences sorted by decreasing length, one after the other (`data`), and how
 * many sequences are still running at each step (`batchSizes`); RNN, LSTM
 * and GRU take one and skip the padding entirely.
 *
 * The index bookkeeping (lengths, batch sizes, permutations) is done on the
 * host; the data moves with one `indexSelect` each way, so packing and
 * unpacking are differentiable on every backend.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { keywordArguments } from '../arguments.js';

const int32 = (values: readonly number[], device?: string) => g.tensor(Int32Array.from(values), device ? { device } : {});

/** A host copy of a 1-D integer tensor or an array of numbers. */
function hostInts(op: string, name: string, v: Tensor | readonly number[]): number[] {
  if (v instanceof g.Tensor) {
    if (v.ndim !== 1) throw new Error(`${op}: ${name} must be 1-D, got shape [${v.shape.join(', ')}]`);
    return Array.from(v.dataSync(), Number);
  }
  if (!Array.isArray(v)) throw new TypeError(`${op}: ${name} must be a 1-D tensor or an array of numbers`);
  return [...v];
}

/** The permutation that undoes `permutation` (PyTorch's `invert_permutation`). */
function invert(permutation: readonly number[]): number[] {
  const out = new Array<number>(permutation.length);
  permutation.forEach((p, i) => (out[p] = i));
  return out;
}

/**
 * A batch of sequences packed time step by time step, as PyTorch's
 * `PackedSequence` (a named tuple: `const [data, batchSizes] = packed` and
 * `packed.data` both work). `data` is [sum of lengths, *]; `batchSizes`
 * (int32, on the host's terms) how many sequences are active at each step;
 * `sortedIndices` the order the batch was sorted into by decreasing length
 * (null when it was given sorted) and `unsortedIndices` its inverse.
 *
 * @example
 * const packed = nn.utils.rnn.packSequence([g.tensor([1, 2, 3]), g.tensor([4, 5]), g.tensor([6])]);
 * packed.data;       // tensor([1., 4., 6., 2., 5., 3.])
 * packed.batchSizes; // tensor([3, 2, 1])
 */
export class PackedSequence extends Array<Tensor | null> {
  // map, filter and slice give plain arrays.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  constructor(data: Tensor, batchSizes: Tensor, sortedIndices: Tensor | null = null, unsortedIndices: Tensor | null = null) {
    super();
    if (!(data instanceof g.Tensor) || !(batchSizes instanceof g.Tensor)) {
      throw new TypeError('PackedSequence: data and batchSizes must be tensors (make one with packPaddedSequence or packSequence)');
    }
    const unsorted =
      unsortedIndices ??
      (sortedIndices ? int32(invert(hostInts('PackedSequence', 'sortedIndices', sortedIndices)), sortedIndices.device) : null);
    this.push(data, batchSizes, sortedIndices, unsorted);
  }

  /** The packed time steps, [sum of lengths, *]. */
  get data(): Tensor {
    return this[0]!;
  }

  /** How many sequences are active at each time step (int32, non-increasing). */
  get batchSizes(): Tensor {
    return this[1]!;
  }

  /** The batch order by decreasing length (null when the batch was given sorted). */
  get sortedIndices(): Tensor | null {
    return this[2] ?? null;
  }

  /** The inverse of `sortedIndices`: where each original sequence went. */
  get unsortedIndices(): Tensor | null {
    return this[3] ?? null;
  }

  /**
   * The same sequences with `data` moved or cast (the indices follow `data`'s device; `batchSizes` stays).
   *
   * @example
   * packed.to('float64');
   */
  to(target: string): PackedSequence {
    const data = this.data.to(target);
    const move = (t: Tensor | null) => (t === null || t.device === data.device ? t : t.to(data.device));
    return new PackedSequence(data, this.batchSizes, move(this.sortedIndices), move(this.unsortedIndices));
  }

  /** PyTorch's repr: `PackedSequence(data=tensor(…), batch_sizes=tensor([3, 2, 1]), sorted_indices=None, unsorted_indices=None)`. */
  override toString(): string {
    const show = (t: Tensor | null) => (t === null ? 'None' : String(t));
    return `PackedSequence(data=${show(this.data)}, batch_sizes=${show(this.batchSizes)}, sorted_indices=${show(this.sortedIndices)}, unsorted_indices=${show(this.unsortedIndices)})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Options of `padSequence`. */
export interface PadSequenceOptions {
  /** Return [B, T, *] instead of [T, B, *] (default false). */
  batchFirst?: boolean;
  /** The value of padded entries (default 0). */
  paddingValue?: number;
}

/**
 * Pads a list of [L, *] sequences to the longest and stacks them: [T, B, *],
 * or [B, T, *] with `batchFirst` (PyTorch's `pad_sequence`).
 *
 * @example
 * nn.utils.rnn.padSequence([g.ones(3, 2), g.ones(1, 2)], { batchFirst: true }).shape; // [2, 3, 2]
 */
export function padSequence(sequences: Tensor | readonly Tensor[], batchFirst?: boolean, paddingValue?: number): Tensor;
export function padSequence(sequences: Tensor | readonly Tensor[], options?: PadSequenceOptions): Tensor;
export function padSequence(sequences: Tensor | readonly Tensor[], ...rest: unknown[]): Tensor {
  return g.tidy(() => {
    const { batchFirst = false, paddingValue = 0 } = keywordArguments<PadSequenceOptions>('padSequence', rest, [
      'batchFirst',
      'paddingValue',
    ]);
    const list = sequences instanceof g.Tensor ? sequences.split(1, 0).map((t) => t.squeeze(0)) : sequences;
    if (!Array.isArray(list) || list.some((t) => !(t instanceof g.Tensor))) {
      throw new TypeError('padSequence: Expected a list of tensors (or a tensor) for input sequences');
    }
    if (list.length === 0) throw new Error('padSequence: received an empty list of sequences');
    const first = list[0]!;
    if (first.ndim < 1) throw new Error('padSequence: sequences must have at least one dim [L, *], got a 0-d tensor');
    const trailing = first.shape.slice(1).join();
    for (const t of list) {
      if (t.ndim < 1 || t.shape.slice(1).join() !== trailing || t.dtype !== first.dtype) {
        throw new Error(
          `padSequence: every sequence must be [L, ${first.shape.slice(1).join(', ')}] of dtype ${first.dtype}, got [${t.shape.join(', ')}] of dtype ${t.dtype}`,
        );
      }
    }
    const longest = Math.max(...list.map((t) => t.shape[0]!));
    const padded = list.map((t) =>
      t.shape[0] === longest ? t : t.pad([...Array<number>(2 * (t.ndim - 1)).fill(0), 0, longest - t.shape[0]!], paddingValue),
    );
    return g.stack(padded, batchFirst ? 0 : 1);
  });
}

/** Options of `packPaddedSequence`. */
export interface PackPaddedSequenceOptions {
  /** The input is [B, T, *] instead of [T, B, *] (default false). */
  batchFirst?: boolean;
  /** Require lengths in decreasing order (default true); false sorts the batch and records the order. */
  enforceSorted?: boolean;
}

/**
 * Packs a padded batch [T, B, *] (or [B, T, *] with `batchFirst`) of
 * sequences of the given lengths (PyTorch's `pack_padded_sequence`).
 *
 * @example
 * const packed = nn.utils.rnn.packPaddedSequence(padded, [3, 2, 1]);
 * const unsorted = nn.utils.rnn.packPaddedSequence(padded, [1, 3, 2], { enforceSorted: false });
 */
export function packPaddedSequence(input: Tensor, lengths: Tensor | readonly number[], options?: PackPaddedSequenceOptions): PackedSequence;
export function packPaddedSequence(
  input: Tensor,
  lengths: Tensor | readonly number[],
  batchFirst?: boolean,
  enforceSorted?: boolean,
): PackedSequence;
export function packPaddedSequence(input: Tensor, lengths: Tensor | readonly number[], ...rest: unknown[]): PackedSequence {
  return g.tidy(() => {
    const op = 'packPaddedSequence';
    const { batchFirst = false, enforceSorted = true } = keywordArguments<PackPaddedSequenceOptions>(op, rest, [
      'batchFirst',
      'enforceSorted',
    ]);
    let lens = hostInts(op, 'lengths', lengths);
    if (input.ndim < 2) throw new Error(`${op}: input must have at least 2 dims ([T, B, *]), got shape [${input.shape.join(', ')}]`);
    const batch = input.shape[batchFirst ? 0 : 1]!;
    const steps = input.shape[batchFirst ? 1 : 0]!;
    if (lens.length !== batch)
      throw new Error(`${op}: Expected \`len(lengths)\` to be equal to batch_size, but got ${lens.length} (batch_size=${batch})`);
    let sortedIndices: number[] | null = null;
    let x = input;
    if (enforceSorted) {
      for (let i = 1; i < lens.length; i++) {
        if (lens[i]! > lens[i - 1]!) {
          throw new Error(
            `${op}: \`lengths\` array must be sorted in decreasing order when \`enforce_sorted\` is True. You can pass \`enforce_sorted=False\` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.`,
          );
        }
      }
    } else {
      // A stable sort by decreasing length, as PyTorch's CPU sort.
      sortedIndices = lens.map((_, i) => i).sort((a, b) => lens[b]! - lens[a]! || a - b);
      lens = sortedIndices.map((i) => lens[i]!);
      x = input.indexSelect(batchFirst ? 0 : 1, int32(sortedIndices, input.device));
    }
    if (lens.some((l) => !Number.isInteger(l) || l <= 0)) {
      throw new Error(`${op}: Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0`);
    }
    if (lens[0]! > steps) throw new Error(`${op}: the longest length (${lens[0]}) is more than the input's ${steps} time steps`);
    const timeMajor = batchFirst ? x.transpose(0, 1) : x;
    const batchSizes: number[] = [];
    const rows: number[] = [];
    for (let t = 0; t < lens[0]!; t++) {
      let active = 0;
      while (active < batch && lens[active]! > t) active++;
      batchSizes.push(active);
      for (let b = 0; b < active; b++) rows.push(t * batch + b);
    }
    const data = timeMajor.reshape([steps * batch, ...input.shape.slice(2)]).indexSelect(0, int32(rows, input.device));
    const sorted = sortedIndices === null ? null : int32(sortedIndices, input.device);
    return new PackedSequence(data, int32(batchSizes), sorted);
  });
}

/** Options of `padPackedSequence`. */
export interface PadPackedSequenceOptions {
  /** Return [B, T, *] instead of [T, B, *] (default false). */
  batchFirst?: boolean;
  /** The value of padded entries (default 0). */
  paddingValue?: number;
  /** Pad to this many time steps (at least the longest sequence's). */
  totalLength?: number | null;
}

/**
 * Unpacks a PackedSequence into a padded batch and the lengths, in the
 * batch's original order (PyTorch's `pad_packed_sequence`):
 * `[padded, lengths]`, lengths an int32 tensor.
 *
 * @example
 * const [padded, lengths] = nn.utils.rnn.padPackedSequence(output, { batchFirst: true });
 */
export function padPackedSequence(sequence: PackedSequence, options?: PadPackedSequenceOptions): [Tensor, Tensor];
export function padPackedSequence(
  sequence: PackedSequence,
  batchFirst?: boolean,
  paddingValue?: number,
  totalLength?: number | null,
): [Tensor, Tensor];
export function padPackedSequence(sequence: PackedSequence, ...rest: unknown[]): [Tensor, Tensor] {
  return g.tidy(() => {
    const op = 'padPackedSequence';
    if (!(sequence instanceof PackedSequence)) throw new TypeError(`${op}: expected a PackedSequence`);
    const o = keywordArguments<PadPackedSequenceOptions>(op, rest, ['batchFirst', 'paddingValue', 'totalLength']);
    const { data, batchSizes } = sequence;
    const sizes = hostInts(op, 'batchSizes', batchSizes);
    let steps = sizes.length;
    if (o.totalLength !== undefined && o.totalLength !== null) {
      if (o.totalLength < steps) {
        throw new Error(
          `${op}: Expected total_length to be at least the length of the longest sequence in input, but got total_length=${o.totalLength} and max sequence length being ${steps}`,
        );
      }
      steps = o.totalLength;
    }
    const batch = sizes[0] ?? 0;
    const rowsTotal = data.shape[0]!;
    // Every (t, b) reads its packed row, or the padding row appended after the data.
    const rows: number[] = [];
    let offset = 0;
    for (let t = 0; t < steps; t++) {
      const active = sizes[t] ?? 0;
      for (let b = 0; b < batch; b++) rows.push(b < active ? offset + b : rowsTotal);
      offset += active;
    }
    const trailing = data.shape.slice(1) as number[];
    const withPad = g.cat([data, g.full([1, ...trailing], o.paddingValue ?? 0, { dtype: data.dtype, device: data.device })]);
    let padded = withPad.indexSelect(0, int32(rows, data.device)).reshape([steps, batch, ...trailing]);
    if (o.batchFirst) padded = padded.transpose(0, 1);
    let lengths = Array.from({ length: batch }, (_, b) => sizes.filter((s) => s > b).length);
    const unsorted = sequence.unsortedIndices;
    if (unsorted !== null) {
      padded = padded.indexSelect(o.batchFirst ? 0 : 1, unsorted);
      const order = hostInts(op, 'unsortedIndices', unsorted);
      lengths = order.map((i) => lengths[i]!);
    }
    return [padded, int32(lengths)];
  });
}

/** Options of `packSequence`. */
export interface PackSequenceOptions {
  /** Require sequences in decreasing order of length (default true); false sorts them and records the order. */
  enforceSorted?: boolean;
}

/**
 * Packs a list of [L, *] sequences (PyTorch's `pack_sequence`: `padSequence`
 * then `packPaddedSequence`).
 *
 * @example
 * nn.utils.rnn.packSequence([g.tensor([1, 2, 3]), g.tensor([4, 5]), g.tensor([6])]).batchSizes; // tensor([3, 2, 1])
 */
export function packSequence(sequences: readonly Tensor[], enforceSorted?: boolean): PackedSequence;
export function packSequence(sequences: readonly Tensor[], options?: PackSequenceOptions): PackedSequence;
export function packSequence(sequences: readonly Tensor[], ...rest: unknown[]): PackedSequence {
  return g.tidy(() => {
    const { enforceSorted = true } = keywordArguments<PackSequenceOptions>('packSequence', rest, ['enforceSorted']);
    const lengths = sequences.map((t) => t.shape[0] ?? 0);
    return packPaddedSequence(padSequence(sequences), lengths, { enforceSorted });
  });
}

/** Options of `unpadSequence`. */
export interface UnpadSequenceOptions {
  /** The input is [B, T, *] instead of [T, B, *] (default false). */
  batchFirst?: boolean;
}

/**
 * Splits a padded batch back into its sequences (PyTorch's `unpad_sequence`).
 *
 * @example
 * const [a, b] = nn.utils.rnn.unpadSequence(padded, [3, 1]);
 */
export function unpadSequence(padded: Tensor, lengths: Tensor | readonly number[], batchFirst?: boolean): Tensor[];
export function unpadSequence(padded: Tensor, lengths: Tensor | readonly number[], options?: UnpadSequenceOptions): Tensor[];
export function unpadSequence(padded: Tensor, lengths: Tensor | readonly number[], ...rest: unknown[]): Tensor[] {
  const { batchFirst = false } = keywordArguments<UnpadSequenceOptions>('unpadSequence', rest, ['batchFirst']);
  const lens = hostInts('unpadSequence', 'lengths', lengths);
  const batchDim = batchFirst ? 0 : 1;
  if (padded.ndim < 2 || padded.shape[batchDim] !== lens.length) {
    throw new Error(`unpadSequence: expected ${lens.length} sequences along dim ${batchDim}, got shape [${padded.shape.join(', ')}]`);
  }
  return lens.map((l, b) => g.tidy(() => padded.select(batchDim, b).narrow(0, 0, l).clone()));
}

/**
 * The sequences of a PackedSequence, in the batch's original order (PyTorch's `unpack_sequence`).
 *
 * @example
 * nn.utils.rnn.unpackSequence(packed).map((t) => t.shape[0]); // [3, 2, 1]
 */
export function unpackSequence(packed: PackedSequence): Tensor[] {
  return g.tidy(() => {
    const [padded, lengths] = padPackedSequence(packed, { batchFirst: true });
    return unpadSequence(padded, lengths, { batchFirst: true });
  });
}
