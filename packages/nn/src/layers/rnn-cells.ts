/**
 * RNNCell, LSTMCell, GRUCell with PyTorch's parameter names, gate order and
 * initialisation (every parameter ~ U(-1/√hidden, 1/√hidden), drawn in
 * registration order).
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import * as F from '../functional.js';
import * as init from '../init.js';
import { Module, layersFreeIntermediates } from '../module.js';
import { type Parameter, parameterFrom } from '../parameter.js';
import { FACTORY_KEYS, type FactoryOptions } from './basic.js';
import { checkLayerSize } from '../argument-checks.js';

/** Options of `LSTMCell` and `GRUCell`. */
export interface CellOptions extends FactoryOptions {
  /** Learn biases b_ih and b_hh (default true). */
  bias?: boolean;
}

/** Options of `RNNCell`. */
export interface RNNCellOptions extends CellOptions {
  nonlinearity?: 'tanh' | 'relu';
}

const CELL_KEYS = ['bias', ...FACTORY_KEYS] as const;

abstract class CellBase extends Module {
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    gates: number,
    options: CellOptions,
  ) {
    super();
    // A cell of size 0 is allowed, as in PyTorch (an empty state); negative or fractional sizes are not.
    checkLayerSize(new.target.name, 'inputSize', inputSize, 0);
    checkLayerSize(new.target.name, 'hiddenSize', hiddenSize, 0);
    const make = (shape: number[]) =>
      parameterFrom(g.empty(shape, { dtype: options.dtype ?? 'float32', ...(options.device ? { device: options.device } : {}) }));
    this.weight_ih = make([gates * hiddenSize, inputSize]);
    this.weight_hh = make([gates * hiddenSize, hiddenSize]);
    const bias = options.bias ?? true;
    this.bias_ih = bias ? make([gates * hiddenSize]) : null;
    this.bias_hh = bias ? make([gates * hiddenSize]) : null;
    this.resetParameters();
  }

  /** Re-draws every parameter from U(-1/√hidden, 1/√hidden), as PyTorch. */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const p of this.parameters()) init.uniform_(p, -stdv, stdv);
  }

  protected checkInput(name: string, x: Tensor): { batched: boolean } {
    if (x.ndim !== 1 && x.ndim !== 2) throw new Error(`${name}: Expected input to be 1D or 2D, got ${x.ndim}D instead`);
    if (x.shape[x.ndim - 1] !== this.inputSize) {
      throw new Error(
        `${name}: input has inconsistent input_size: got ${x.shape[x.ndim - 1]} expected ${this.inputSize} (input shape [${x.shape.join(', ')}])`,
      );
    }
    return { batched: x.ndim === 2 };
  }

  protected zeroState(x: Tensor): Tensor {
    return g.zeros(x.ndim === 2 ? [x.shape[0]!, this.hiddenSize] : [this.hiddenSize], { dtype: x.dtype, device: x.device });
  }

  protected gates(x: Tensor, h: Tensor): [Tensor, Tensor] {
    return [F.linear(x, this.weight_ih, this.bias_ih), F.linear(h, this.weight_hh, this.bias_hh)];
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih === null ? ', bias=False' : ''}`;
  }
}

/** The nonlinearity of an Elman RNN, checked. */
export function checkNonlinearity(op: string, nonlinearity: unknown): 'tanh' | 'relu' {
  const n = nonlinearity ?? 'tanh';
  if (n !== 'tanh' && n !== 'relu') throw new Error(`${op}: Unknown nonlinearity '${String(n)}' (expected 'tanh' or 'relu')`);
  return n;
}

/**
 * h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu).
 *
 * @example
 * const cell = new RNNCell(10, 20); const h = cell.call(g.randn(3, 10)); // [3, 20]
 */
export class RNNCell extends CellBase {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, options?: RNNCellOptions) {
    const o = g.checkOptions('RNNCell', options, [...CELL_KEYS, 'nonlinearity']);
    super(inputSize, hiddenSize, 1, o);
    this.nonlinearity = checkNonlinearity('RNNCell', o.nonlinearity);
  }
  override forward(x: Tensor, h?: Tensor | null): Tensor {
    this.checkInput('RNNCell', x);
    const [gi, gh] = this.gates(x, h ?? this.zeroState(x));
    const pre = gi.add(gh);
    return this.nonlinearity === 'tanh' ? pre.tanh() : pre.relu();
  }
  /** PyTorch's RNNCell extra_repr: sizes, `bias=False`, and the nonlinearity when it is not tanh. */
  override extraRepr(): string {
    return `${super.extraRepr()}${this.nonlinearity !== 'tanh' ? `, nonlinearity=${this.nonlinearity}` : ''}`;
  }
}

/**
 * LSTM cell with PyTorch's gate order (input, forget, cell, output); returns [h', c'].
 *
 * @example
 * const [h, c] = new LSTMCell(10, 20).call(g.randn(3, 10));
 */
export class LSTMCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options?: CellOptions) {
    super(inputSize, hiddenSize, 4, g.checkOptions('LSTMCell', options, CELL_KEYS));
  }
  override forward(x: Tensor, state?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    this.checkInput('LSTMCell', x);
    const h = state?.[0] ?? this.zeroState(x);
    const c = state?.[1] ?? this.zeroState(x);
    const [gi, gh] = this.gates(x, h);
    // The gates' pointwise part in one kernel and one graph node where the backend has it.
    return g.fused.lstmCell(gi, gh, c);
  }
}

/**
 * GRU cell with PyTorch's gate order (reset, update, new).
 *
 * @example
 * const h = new GRUCell(10, 20).call(g.randn(3, 10));
 */
export class GRUCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options?: CellOptions) {
    super(inputSize, hiddenSize, 3, g.checkOptions('GRUCell', options, CELL_KEYS));
  }
  override forward(x: Tensor, hIn?: Tensor | null): Tensor {
    this.checkInput('GRUCell', x);
    const h = hIn ?? this.zeroState(x);
    const [gi, gh] = this.gates(x, h);
    // The gates' pointwise part in one kernel and one graph node where the backend has it.
    return g.fused.gruCell(gi, gh, h);
  }
}

// These layers free what their forward makes on the way (Module.call).
layersFreeIntermediates(RNNCell, LSTMCell, GRUCell);
