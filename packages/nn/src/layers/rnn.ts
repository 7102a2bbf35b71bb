/**
 * RNN, LSTM and GRU over whole sequences: multi-layer, bidirectional,
 * `batchFirst`, initial states, inter-layer dropout and packed sequences,
 * with PyTorch's parameter names (`weight_ih_l0`, `weight_hh_l0`,
 * `bias_ih_l0`, `bias_hh_l0`, then `…_l0_reverse` for the backward
 * direction), registration order and init. The input projection of every
 * time step is one matmul per layer and direction.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import * as F from '../functional.js';
import * as init from '../init.js';
import { Module, layerInputs, layersFreeIntermediates } from '../module.js';
import { parameterFrom } from '../parameter.js';
import { pythonFloat } from '../python-repr.js';
import { PackedSequence } from '../utils/rnn.js';
import { FACTORY_KEYS, type FactoryOptions } from './basic.js';
import { checkNonlinearity } from './rnn-cells.js';
import { checkLayerSize } from '../argument-checks.js';

/** Options of LSTM and GRU (PyTorch's keyword arguments). */
export interface RecurrentOptions extends FactoryOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training (PyTorch's masks for the same seed). */
  dropout?: number;
  /** Run a second, backward direction per layer (`…_reverse` parameters); outputs concatenate both directions (default false). */
  bidirectional?: boolean;
}

/** Options of RNN. */
export interface RNNOptions extends RecurrentOptions {
  nonlinearity?: 'tanh' | 'relu';
}

const RECURRENT_KEYS = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', ...FACTORY_KEYS] as const;

type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/**
 * One time step of one layer and direction: `cell` is the parameter-name
 * suffix (`l0`, `l0_reverse`, …), `whhT` the hidden weight transposed (see
 * `hiddenWeightT`).
 */
type Step = (cell: string, xProj: Tensor, state: Tensor[], whhT: Tensor) => Tensor[];
/** A Step of one layer and direction, its hidden weight bound. */
type BoundStep = (cell: string, xProj: Tensor, state: Tensor[]) => Tensor[];

abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly useBias: boolean;
  readonly bidirectional: boolean;
  /** 2 when bidirectional, else 1. */
  readonly numDirections: number;

  constructor(
    op: string,
    readonly mode: Mode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RecurrentOptions,
  ) {
    super();
    checkLayerSize(op, 'inputSize', inputSize, 0);
    // PyTorch 1.13 refuses a hidden size of 0 with "proj_size has to be smaller than hidden_size" (proj_size 0).
    const why = Number.isInteger(hiddenSize) ? ' (PyTorch 1.13: proj_size has to be smaller than hidden_size)' : '';
    checkLayerSize(op, 'hiddenSize', hiddenSize, 1, why);
    this.numLayers = options.numLayers ?? 1;
    if (!Number.isSafeInteger(this.numLayers) || this.numLayers < 1)
      throw new Error(`${op}: numLayers must be a positive integer, got ${this.numLayers}`);
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    if (typeof this.dropout !== 'number' || !(this.dropout >= 0 && this.dropout <= 1)) {
      throw new Error(
        `${op}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed (got ${String(this.dropout)})`,
      );
    }
    if (this.dropout > 0 && this.numLayers === 1) {
      console.warn(
        `UserWarning: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${this.dropout} and num_layers=${this.numLayers}`,
      );
    }
    this.bidirectional = options.bidirectional ?? false;
    if (typeof this.bidirectional !== 'boolean')
      throw new Error(`${op}: bidirectional must be a boolean, got ${String(this.bidirectional)}`);
    this.numDirections = this.bidirectional ? 2 : 1;
    this.useBias = options.bias ?? true;
    const gates = mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1;
    const make = (shape: number[]) =>
      parameterFrom(g.empty(shape, { dtype: options.dtype ?? 'float32', ...(options.device ? { device: options.device } : {}) }));
    // PyTorch's order: per layer, the forward direction's four, then the reverse's.
    for (let l = 0; l < this.numLayers; l++) {
      const inSize = l === 0 ? inputSize : hiddenSize * this.numDirections;
      for (let d = 0; d < this.numDirections; d++) {
        const cell = this.cellName(l, d);
        this.registerParameter(`weight_ih_${cell}`, make([gates * hiddenSize, inSize]));
        this.registerParameter(`weight_hh_${cell}`, make([gates * hiddenSize, hiddenSize]));
        if (this.useBias) {
          this.registerParameter(`bias_ih_${cell}`, make([gates * hiddenSize]));
          this.registerParameter(`bias_hh_${cell}`, make([gates * hiddenSize]));
        }
      }
    }
    // Drawn in registration order, as PyTorch's reset_parameters.
    const stdv = hiddenSize > 0 ? 1 / Math.sqrt(hiddenSize) : 0;
    for (const p of this.parameters()) init.uniform_(p, -stdv, stdv);
  }

  /** The parameter-name suffix of layer l, direction d (0 forward, 1 reverse). */
  private cellName(l: number, d: number): string {
    return d === 0 ? `l${l}` : `l${l}_reverse`;
  }

  protected param(name: string, cell: string): Tensor | null {
    return (this as unknown as Record<string, Tensor | null>)[`${name}_${cell}`] ?? null;
  }

  /** Normalises the input to [T, B, in]; returns whether it was batched. */
  private prepare(name: string, x: Tensor): { seq: Tensor; batched: boolean } {
    if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`${name}: Expected input to be 2D or 3D, got ${x.ndim}D tensor instead`);
    this.checkInputSize(name, x);
    const seq = x.ndim === 2 ? x.unsqueeze(1) : this.batchFirst ? x.transpose(0, 1) : x;
    if (seq.shape[0] === 0) throw new Error(`${name}: Expected sequence length to be larger than 0 in RNN`);
    return { seq, batched: x.ndim === 3 };
  }

  private checkInputSize(name: string, x: Tensor): void {
    if (x.shape[x.ndim - 1] !== this.inputSize) {
      throw new Error(
        `${name}: input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${x.shape[x.ndim - 1]} (input shape [${x.shape.join(', ')}])`,
      );
    }
    const weight = this.param('weight_ih', this.cellName(0, 0))!;
    if (x.dtype !== weight.dtype) {
      throw new TypeError(
        `${name}: input must have the type ${weight.dtype} (the module's parameters'), got type ${x.dtype}: convert the input, or the module with .to('${x.dtype}')`,
      );
    }
  }

  /** Throws unless `given` holds `kinds` tensors: [h0] (RNN, GRU) or [h0, c0] (LSTM). */
  private checkStateKinds(name: string, given: readonly unknown[], kinds: number): void {
    for (let k = 0; k < kinds; k++) {
      if (!(given[k] instanceof g.Tensor)) {
        const what = kinds === 2 ? 'the initial state as a pair [h0, c0] of tensors' : 'the initial hidden state h0 as a tensor';
        const got =
          given[k] === undefined ? 'no tensor' : typeof given[k] === 'object' ? 'an object that is not a Tensor' : typeof given[k];
        throw new TypeError(`${name}: expected ${what}, got ${got} ${kinds === 2 ? `as ${k === 0 ? 'h0' : 'c0'}` : ''}`.trim());
      }
    }
  }

  private checkState(name: string, h: Tensor, batch: number, batched: boolean): Tensor {
    const layers = this.numLayers * this.numDirections;
    const expected = batched ? [layers, batch, this.hiddenSize] : [layers, this.hiddenSize];
    if (h.shape.join() !== expected.join()) {
      throw new Error(`${name}: Expected hidden size [${expected.join(', ')}], got [${h.shape.join(', ')}]`);
    }
    return batched ? h : h.unsqueeze(1);
  }

  /**
   * Runs every layer over a padded sequence or a PackedSequence: `given` are
   * the initial states ([h0] or [h0, c0]; null for zeros), `step` advances
   * one time step of one layer and direction. Returns the output (packed when
   * the input was; both directions concatenated on the last dim) and each
   * kind of final state, [numLayers · numDirections, B, H] (unbatched:
   * [numLayers · numDirections, H]), indexed layer · numDirections + direction as PyTorch's.
   */
  protected runAll(
    name: string,
    input: Tensor | PackedSequence,
    given: readonly Tensor[] | null,
    kinds: number,
    step: Step,
  ): { output: Tensor | PackedSequence; finals: Tensor[] } {
    if (input instanceof PackedSequence) return this.runAllPacked(name, input, given, kinds, step);
    const { seq, batched } = this.prepare(name, input);
    if (given) this.checkStateKinds(name, given, kinds);
    const batch = seq.shape[1]!;
    const initial = Array.from({ length: kinds }, (_, k) =>
      given
        ? this.checkState(name, given[k]!, batch, batched)
        : g.zeros([this.numLayers * this.numDirections, batch, this.hiddenSize], { dtype: input.dtype, device: input.device }),
    );
    let layerInput = seq;
    const finals: Tensor[][] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const outputs: Tensor[] = [];
      for (let d = 0; d < this.numDirections; d++) {
        const cell = this.cellName(l, d);
        // All time steps' input projections in one matmul: [T, B, G·H].
        const xProj = this.inputProjection(layerInput, cell);
        const start = initial.map((s) => s.select(0, l * this.numDirections + d));
        const { out, state } = this.runDirection(cell, xProj, start, d === 1, step);
        finals.push(state);
        outputs.push(out);
      }
      layerInput = this.dropoutBetween(outputs.length === 1 ? outputs[0]! : g.cat(outputs, -1), l);
    }
    const output = !batched ? layerInput.squeeze(1) : this.batchFirst ? layerInput.transpose(0, 1) : layerInput;
    const stacked = Array.from({ length: kinds }, (_, k) =>
      g.stack(
        finals.map((f) => f[k]!),
        0,
      ),
    );
    return { output, finals: batched ? stacked : stacked.map((s) => s.squeeze(1)) };
  }

  /**
   * One layer's direction over a padded sequence, from the input
   * projections [T, B, G·H] and the initial states: every step's output
   * [T, B, H] in time order and the final states. Step by step (LSTM runs
   * the whole direction as one op).
   */
  protected runDirection(cell: string, xProj: Tensor, start: Tensor[], reverse: boolean, step: Step): { out: Tensor; state: Tensor[] } {
    const whhT = this.hiddenWeightT(cell);
    // split (not select) per time step: its backward is one concatenation, not T paddings.
    const steps = xProj.split(1, 0);
    let state = start;
    const outs: Tensor[] = new Array(steps.length);
    // The reverse direction reads the sequence from its end; its outputs stay in time order.
    for (let i = 0; i < steps.length; i++) {
      const t = reverse ? steps.length - 1 - i : i;
      state = step(cell, steps[t]!.squeeze(0), state, whhT);
      outs[t] = state[0]!;
    }
    return { out: g.stack(outs, 0), state };
  }

  /**
   * The packed form, as ATen's packed RNN: at step t only the first
   * batchSizes[t] sequences (the longest, by the sort) advance; a sequence's
   * final state is its state after its last step. The reverse direction (as
   * ATen's ReversedPackedLayer) starts at the last step with the sequences
   * still running there, and each sequence joins, from its initial state, at
   * its own last step, so it runs over exactly its own length. Initial states
   * are given in the batch's original order and the final ones are returned in it.
   */
  private runAllPacked(
    name: string,
    packed: PackedSequence,
    given: readonly Tensor[] | null,
    kinds: number,
    step: Step,
  ): { output: PackedSequence; finals: Tensor[] } {
    const { data, batchSizes, sortedIndices, unsortedIndices } = packed;
    if (data.ndim !== 2)
      throw new Error(
        `${name}: input must have 2 dimensions, got ${data.ndim} (a packed sequence's data is [sum of lengths, ${this.inputSize}])`,
      );
    this.checkInputSize(name, data);
    if (given) this.checkStateKinds(name, given, kinds);
    const sizes = Array.from(batchSizes.dataSync(), Number);
    const batch = sizes[0] ?? 0;
    const initial = Array.from({ length: kinds }, (_, k) => {
      if (!given) return g.zeros([this.numLayers * this.numDirections, batch, this.hiddenSize], { dtype: data.dtype, device: data.device });
      const h = this.checkState(name, given[k]!, batch, true);
      return sortedIndices ? h.indexSelect(1, sortedIndices) : h;
    });
    let layerInput = data;
    const finals: Tensor[][] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const outputs: Tensor[] = [];
      for (let d = 0; d < this.numDirections; d++) {
        const cell = this.cellName(l, d);
        const xProj = this.inputProjection(layerInput, cell);
        const steps = xProj.split(sizes, 0);
        const start = initial.map((s) => s.select(0, l * this.numDirections + d));
        const run = d === 0 ? this.packedForward : this.packedReverse;
        const whhT = this.hiddenWeightT(cell);
        const { outs, state } = run.call(this, cell, steps, sizes, start, (c, xt, st) => step(c, xt, st, whhT));
        finals.push(state);
        outputs.push(g.cat(outs, 0));
      }
      layerInput = this.dropoutBetween(outputs.length === 1 ? outputs[0]! : g.cat(outputs, -1), l);
    }
    const stacked = Array.from({ length: kinds }, (_, k) => {
      const s = g.stack(
        finals.map((f) => f[k]!),
        0,
      );
      return unsortedIndices ? s.indexSelect(1, unsortedIndices) : s;
    });
    return { output: new PackedSequence(layerInput, batchSizes, sortedIndices, unsortedIndices), finals: stacked };
  }

  /** One layer's forward direction over packed steps: the sequences that ended keep their last state. */
  private packedForward(
    cell: string,
    steps: Tensor[],
    sizes: number[],
    start: Tensor[],
    step: BoundStep,
  ): { outs: Tensor[]; state: Tensor[] } {
    let state = start;
    const outs: Tensor[] = [];
    steps.forEach((xt, t) => {
      const active = sizes[t]!;
      const running = state[0]!.shape[0]!;
      const next = step(
        cell,
        xt,
        state.map((s) => (active === running ? s : s.narrow(0, 0, active))),
      );
      outs.push(next[0]!);
      // Sequences that ended keep their last state, below the ones still running.
      state = active === running ? next : next.map((s, k) => g.cat([s, state[k]!.narrow(0, active, running - active)]));
    });
    return { outs, state };
  }

  /** One layer's reverse direction over packed steps, from the last: a sequence joins with its initial state at its own last step. */
  private packedReverse(
    cell: string,
    steps: Tensor[],
    sizes: number[],
    start: Tensor[],
    step: BoundStep,
  ): { outs: Tensor[]; state: Tensor[] } {
    const last = sizes[sizes.length - 1] ?? 0;
    const batch = start[0]!.shape[0]!;
    let state = last === batch ? start : start.map((s) => s.narrow(0, 0, last));
    const outs: Tensor[] = new Array(steps.length);
    for (let t = steps.length - 1; t >= 0; t--) {
      const active = sizes[t]!;
      const running = state[0]!.shape[0]!;
      if (active > running) state = state.map((s, k) => g.cat([s, start[k]!.narrow(0, running, active - running)]));
      state = step(cell, steps[t]!, state);
      outs[t] = state[0]!;
    }
    return { outs, state };
  }

  /** Dropout on a layer's output, in training, between layers (PyTorch's masks for the same seed). */
  private dropoutBetween(out: Tensor, l: number): Tensor {
    return this.dropout > 0 && this.training && l < this.numLayers - 1 ? F.dropout(out, this.dropout, true) : out;
  }

  /**
   * Whether the hidden bias is added with the input projection, once for all
   * time steps (b_ih + b_hh), instead of at every step: where the cell only
   * ever adds the two projections (RNN, LSTM), not GRU (whose b_hn is scaled
   * by the reset gate).
   */
  protected foldsHiddenBias(): boolean {
    return this.mode !== 'GRU';
  }

  /** Every time step's input projection of layer input [T, B, in] (with the hidden bias, where it folds): [T, B, G·H]. */
  private inputProjection(input: Tensor, cell: string): Tensor {
    const bih = this.param('bias_ih', cell);
    const bhh = this.param('bias_hh', cell);
    const bias = bih !== null && bhh !== null && this.foldsHiddenBias() ? bih.add(bhh) : bih;
    return F.linear(input, this.param('weight_ih', cell)!, bias);
  }

  /**
   * W_hhᵀ, made contiguous once per layer and direction: every step's
   * hidden projection then reads it as it is (a transposed view would be
   * packed again at every step), and the steps' gradients for it add up
   * contiguous before one transpose back to W_hh.
   */
  private hiddenWeightT(cell: string): Tensor {
    return this.param('weight_hh', cell)!.t().contiguous();
  }

  /** The hidden projection h·W_hhᵀ, with b_hh where it does not fold into the input projection. */
  protected hidden(cell: string, h: Tensor, whhT: Tensor): Tensor {
    const out = h.matmul(whhT);
    const bhh = this.foldsHiddenBias() ? null : this.param('bias_hh', cell);
    return bhh === null ? out : out.add(bhh);
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.useBias) s += ', bias=False';
    if (this.batchFirst) s += ', batch_first=True';
    if (this.dropout) s += `, dropout=${pythonFloat(this.dropout)}`;
    if (this.bidirectional) s += ', bidirectional=True';
    return s;
  }
}

/**
 * Elman RNN; `forward(x, h0?)` returns `[output, hN]`.
 *
 * @example
 * const [out, hN] = new RNN(10, 20, { numLayers: 2 }).call(g.randn(5, 3, 10)); // out [5, 3, 20], hN [2, 3, 20]
 */
export class RNN extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options?: RNNOptions) {
    const o = g.checkOptions('RNN', options, [...RECURRENT_KEYS, 'nonlinearity']);
    super('RNN', checkNonlinearity('RNN', o.nonlinearity) === 'relu' ? 'RNN_RELU' : 'RNN_TANH', inputSize, hiddenSize, o);
  }
  /** Runs forward with the module's hooks (`Module.call`); a PackedSequence in gives a PackedSequence out. */
  override call(x: PackedSequence, h0?: Tensor | null): [PackedSequence, Tensor];
  /** Runs forward on a padded sequence with the module's hooks. */
  override call(x: Tensor, h0?: Tensor | null): [Tensor, Tensor];
  override call(...args: unknown[]): unknown {
    return (Module.prototype.call as (...a: unknown[]) => unknown).apply(this, args);
  }
  /** A PackedSequence in gives a PackedSequence out (the final states are in the batch's original order). */
  override forward(x: PackedSequence, h0?: Tensor | null): [PackedSequence, Tensor];
  /** The sequence [T, B, in] ([B, T, in] with `batchFirst`, or unbatched [T, in]) and the initial state (zeros when omitted). */
  override forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor];
  override forward(x: Tensor | PackedSequence, h0?: Tensor | null): [Tensor | PackedSequence, Tensor] {
    const relu = this.mode === 'RNN_RELU';
    const { output, finals } = this.runAll('RNN', x, h0 ? [h0] : null, 1, (cell, xp, [hp], whhT) => {
      const pre = xp.add(this.hidden(cell, hp!, whhT));
      return [relu ? pre.relu() : pre.tanh()];
    });
    return [output, finals[0]!];
  }
}

/**
 * LSTM; `forward(x, [h0, c0]?)` returns `[output, [hN, cN]]`.
 *
 * @example
 * const [out, [h, c]] = new LSTM(10, 20, { batchFirst: true }).call(g.randn(3, 5, 10));
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options?: RecurrentOptions) {
    super('LSTM', 'LSTM', inputSize, hiddenSize, g.checkOptions('LSTM', options, RECURRENT_KEYS));
  }
  /** Runs forward with the module's hooks (`Module.call`); a PackedSequence in gives a PackedSequence out. */
  override call(x: PackedSequence, state?: readonly [Tensor, Tensor] | null): [PackedSequence, [Tensor, Tensor]];
  /** Runs forward on a padded sequence with the module's hooks. */
  override call(x: Tensor, state?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  override call(...args: unknown[]): unknown {
    return (Module.prototype.call as (...a: unknown[]) => unknown).apply(this, args);
  }
  /** A PackedSequence in gives a PackedSequence out (the final states are in the batch's original order). */
  override forward(x: PackedSequence, state?: readonly [Tensor, Tensor] | null): [PackedSequence, [Tensor, Tensor]];
  /** The sequence [T, B, in] ([B, T, in] with `batchFirst`, or unbatched [T, in]) and the initial state (zeros when omitted). */
  override forward(x: Tensor, state?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  override forward(x: Tensor | PackedSequence, state?: readonly [Tensor, Tensor] | null): [Tensor | PackedSequence, [Tensor, Tensor]] {
    // Packed: one fused cell per step (the gates' pointwise part in one kernel and one graph node where the backend has it).
    if (state && !Array.isArray(state)) {
      throw new TypeError(
        `LSTM: expected the initial state as a pair [h0, c0] of tensors, got ${state instanceof g.Tensor ? 'one tensor (GRU and RNN take h0 alone)' : typeof state}`,
      );
    }
    const { output, finals } = this.runAll('LSTM', x, state ? [state[0], state[1]] : null, 2, (cell, xp, [hp, cp], whhT) =>
      g.fused.lstmCell(xp, this.hidden(cell, hp!, whhT), cp!),
    );
    return [output, [finals[0]!, finals[1]!]];
  }

  /** A padded sequence's direction is one op, `g.fused.lstmSequence` (one graph node, BPTT by kernels, where the backend has the cell kernels). */
  protected override runDirection(cell: string, xProj: Tensor, [h0, c0]: Tensor[], reverse: boolean): { out: Tensor; state: Tensor[] } {
    const [out, h, c] = g.fused.lstmSequence(xProj, h0!, c0!, this.param('weight_hh', cell)!, { reverse });
    return { out, state: [h, c] };
  }
}

/**
 * GRU; `forward(x, h0?)` returns `[output, hN]`.
 *
 * @example
 * const [out, hN] = new GRU(10, 20).call(g.randn(5, 3, 10));
 * const [both, hBoth] = new GRU(10, 20, { bidirectional: true }).call(g.randn(5, 3, 10)); // both [5, 3, 40], hBoth [2, 3, 20]
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options?: RecurrentOptions) {
    super('GRU', 'GRU', inputSize, hiddenSize, g.checkOptions('GRU', options, RECURRENT_KEYS));
  }
  /** Runs forward with the module's hooks (`Module.call`); a PackedSequence in gives a PackedSequence out. */
  override call(x: PackedSequence, h0?: Tensor | null): [PackedSequence, Tensor];
  /** Runs forward on a padded sequence with the module's hooks. */
  override call(x: Tensor, h0?: Tensor | null): [Tensor, Tensor];
  override call(...args: unknown[]): unknown {
    return (Module.prototype.call as (...a: unknown[]) => unknown).apply(this, args);
  }
  /** A PackedSequence in gives a PackedSequence out (the final states are in the batch's original order). */
  override forward(x: PackedSequence, h0?: Tensor | null): [PackedSequence, Tensor];
  /** The sequence [T, B, in] ([B, T, in] with `batchFirst`, or unbatched [T, in]) and the initial state (zeros when omitted). */
  override forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor];
  override forward(x: Tensor | PackedSequence, h0?: Tensor | null): [Tensor | PackedSequence, Tensor] {
    // One fused cell per step: the gates' pointwise part in one kernel and one graph node where the backend has it.
    const { output, finals } = this.runAll('GRU', x, h0 ? [h0] : null, 1, (cell, xp, [hp], whhT) => [
      g.fused.gruCell(xp, this.hidden(cell, hp!, whhT), hp!),
    ]);
    return [output, finals[0]!];
  }
}

// These layers free what their forward makes on the way (Module.call).
layersFreeIntermediates(RNN, LSTM, GRU);
// An RNN's input may be a PackedSequence.
layerInputs(1, [RNN, LSTM, GRU], (x) => x instanceof PackedSequence);
