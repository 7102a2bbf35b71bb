/**
 * RNN, LSTM and GRU over whole sequences: multi-layer, `batchFirst`, initial
 * states and inter-layer dropout, with PyTorch's parameter names
 * (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, …) and init.
 * The input projection of every time step is one matmul per layer.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import * as F from '../functional.js';
import * as init from '../init.js';
import { Module, layersFreeIntermediates } from '../module.js';
import { parameterFrom } from '../parameter.js';
import { pythonFloat } from '../python-repr.js';
import { FACTORY_KEYS, type FactoryOptions } from './basic.js';
import { checkNonlinearity } from './rnn-cells.js';

/** Options of LSTM and GRU (PyTorch's keyword arguments). */
export interface RecurrentOptions extends FactoryOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training (PyTorch's masks for the same seed). */
  dropout?: number;
  /** Not supported yet (true throws). */
  bidirectional?: boolean;
}

/** Options of RNN. */
export interface RNNOptions extends RecurrentOptions {
  nonlinearity?: 'tanh' | 'relu';
}

const RECURRENT_KEYS = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', ...FACTORY_KEYS] as const;

type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly useBias: boolean;

  constructor(
    op: string,
    readonly mode: Mode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RecurrentOptions,
  ) {
    super();
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
    if (options.bidirectional) throw new Error(`${op}: bidirectional is not supported yet`);
    this.useBias = options.bias ?? true;
    const gates = mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1;
    const make = (shape: number[]) =>
      parameterFrom(g.empty(shape, { dtype: options.dtype ?? 'float32', ...(options.device ? { device: options.device } : {}) }));
    for (let l = 0; l < this.numLayers; l++) {
      const inSize = l === 0 ? inputSize : hiddenSize;
      this.registerParameter(`weight_ih_l${l}`, make([gates * hiddenSize, inSize]));
      this.registerParameter(`weight_hh_l${l}`, make([gates * hiddenSize, hiddenSize]));
      if (this.useBias) {
        this.registerParameter(`bias_ih_l${l}`, make([gates * hiddenSize]));
        this.registerParameter(`bias_hh_l${l}`, make([gates * hiddenSize]));
      }
    }
    const stdv = hiddenSize > 0 ? 1 / Math.sqrt(hiddenSize) : 0;
    for (const p of this.parameters()) init.uniform_(p, -stdv, stdv);
  }

  protected param(name: string, l: number): Tensor | null {
    return (this as unknown as Record<string, Tensor | null>)[`${name}_l${l}`] ?? null;
  }

  /** Normalises the input to [T, B, in]; returns whether it was batched. */
  protected prepare(name: string, x: Tensor): { seq: Tensor; batched: boolean } {
    if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`${name}: Expected input to be 2D or 3D, got ${x.ndim}D tensor instead`);
    if (x.shape[x.ndim - 1] !== this.inputSize) {
      throw new Error(
        `${name}: input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${x.shape[x.ndim - 1]} (input shape [${x.shape.join(', ')}])`,
      );
    }
    if (x.ndim === 2) return { seq: x.unsqueeze(1), batched: false };
    return { seq: this.batchFirst ? x.transpose(0, 1) : x, batched: true };
  }

  protected checkState(name: string, h: Tensor, batch: number, batched: boolean): Tensor {
    const expected = batched ? [this.numLayers, batch, this.hiddenSize] : [this.numLayers, this.hiddenSize];
    if (h.shape.join() !== expected.join()) {
      throw new Error(`${name}: Expected hidden size [${expected.join(', ')}], got [${h.shape.join(', ')}]`);
    }
    return batched ? h : h.unsqueeze(1);
  }

  /** Runs every layer over the sequence; `step` advances one time step of one layer. */
  protected run(
    seq: Tensor,
    states: Tensor[][],
    step: (l: number, xProj: Tensor, state: Tensor[]) => Tensor[],
  ): { out: Tensor; finals: Tensor[][] } {
    let layerInput = seq;
    const finals: Tensor[][] = [];
    for (let l = 0; l < this.numLayers; l++) {
      // All time steps' input projections in one matmul: [T, B, G·H].
      const xProj = F.linear(layerInput, this.param('weight_ih', l)!, this.param('bias_ih', l));
      // split (not select) per time step: its backward is one concatenation, not T paddings.
      const steps = xProj.split(1, 0);
      let state = states[l]!;
      const outs: Tensor[] = [];
      for (const xt of steps) {
        state = step(l, xt.squeeze(0), state);
        outs.push(state[0]!);
      }
      finals.push(state);
      layerInput = g.stack(outs, 0);
      if (this.dropout > 0 && this.training && l < this.numLayers - 1) layerInput = F.dropout(layerInput, this.dropout, true);
    }
    return { out: layerInput, finals };
  }

  protected finish(out: Tensor, batched: boolean): Tensor {
    if (!batched) return out.squeeze(1);
    return this.batchFirst ? out.transpose(0, 1) : out;
  }

  protected stackStates(finals: Tensor[][], k: number, batched: boolean): Tensor {
    const s = g.stack(
      finals.map((f) => f[k]!),
      0,
    );
    return batched ? s : s.squeeze(1);
  }

  protected hidden(l: number, h: Tensor): Tensor {
    return F.linear(h, this.param('weight_hh', l)!, this.param('bias_hh', l));
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.useBias) s += ', bias=False';
    if (this.batchFirst) s += ', batch_first=True';
    if (this.dropout) s += `, dropout=${pythonFloat(this.dropout)}`;
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
  override forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const { seq, batched } = this.prepare('RNN', x);
    const batch = seq.shape[1]!;
    const h = h0
      ? this.checkState('RNN', h0, batch, batched)
      : g.zeros([this.numLayers, batch, this.hiddenSize], { dtype: x.dtype, device: x.device });
    const relu = this.mode === 'RNN_RELU';
    const { out, finals } = this.run(
      seq,
      Array.from({ length: this.numLayers }, (_, l) => [h.select(0, l)]),
      (l, xp, [hp]) => {
        const pre = xp.add(this.hidden(l, hp!));
        return [relu ? pre.relu() : pre.tanh()];
      },
    );
    return [this.finish(out, batched), this.stackStates(finals, 0, batched)];
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
  override forward(x: Tensor, state?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const { seq, batched } = this.prepare('LSTM', x);
    const batch = seq.shape[1]!;
    const zeros = () => g.zeros([this.numLayers, batch, this.hiddenSize], { dtype: x.dtype, device: x.device });
    const h = state ? this.checkState('LSTM', state[0], batch, batched) : zeros();
    const c = state ? this.checkState('LSTM', state[1], batch, batched) : zeros();
    const { out, finals } = this.run(
      seq,
      Array.from({ length: this.numLayers }, (_, l) => [h.select(0, l), c.select(0, l)]),
      (l, xp, [hp, cp]) => {
        const [i, f, gg, o] = xp.add(this.hidden(l, hp!)).chunk(4, -1) as [Tensor, Tensor, Tensor, Tensor];
        const c2 = f.sigmoid().mul(cp!).add(i.sigmoid().mul(gg.tanh()));
        return [o.sigmoid().mul(c2.tanh()), c2];
      },
    );
    return [this.finish(out, batched), [this.stackStates(finals, 0, batched), this.stackStates(finals, 1, batched)]];
  }
}

/**
 * GRU; `forward(x, h0?)` returns `[output, hN]`.
 *
 * @example
 * const [out, hN] = new GRU(10, 20).call(g.randn(5, 3, 10));
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options?: RecurrentOptions) {
    super('GRU', 'GRU', inputSize, hiddenSize, g.checkOptions('GRU', options, RECURRENT_KEYS));
  }
  override forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const { seq, batched } = this.prepare('GRU', x);
    const batch = seq.shape[1]!;
    const h = h0
      ? this.checkState('GRU', h0, batch, batched)
      : g.zeros([this.numLayers, batch, this.hiddenSize], { dtype: x.dtype, device: x.device });
    const { out, finals } = this.run(
      seq,
      Array.from({ length: this.numLayers }, (_, l) => [h.select(0, l)]),
      (l, xp, [hp]) => {
        const [ir, iz, inn] = xp.chunk(3, -1) as [Tensor, Tensor, Tensor];
        const [hr, hz, hn] = this.hidden(l, hp!).chunk(3, -1) as [Tensor, Tensor, Tensor];
        const r = ir.add(hr).sigmoid();
        const z = iz.add(hz).sigmoid();
        const n = inn.add(r.mul(hn)).tanh();
        return [g.sub(1, z).mul(n).add(z.mul(hp!))];
      },
    );
    return [this.finish(out, batched), this.stackStates(finals, 0, batched)];
  }
}

// These layers free what their forward makes on the way (Module.call).
layersFreeIntermediates(RNN, LSTM, GRU);
