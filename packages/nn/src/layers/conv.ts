/** Conv1d, Conv2d, MaxPool2d and AvgPool2d modules with PyTorch's parameters, init, options and reprs. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { keywordArguments } from '../arguments.js';
import * as C from '../conv.js';
import * as init from '../init.js';
import { Module, layersFreeIntermediates } from '../module.js';
import { type Parameter, parameterFrom } from '../parameter.js';
import { pair, type Pair } from '../patches.js';
import * as P from '../pooling.js';
import { pythonValue } from '../python-repr.js';
import { FACTORY_KEYS, type FactoryOptions } from './basic.js';

/** Options of `Conv2d` (PyTorch's keyword arguments). */
export interface Conv2dOptions extends FactoryOptions {
  stride?: Pair;
  /** Sizes, or `'valid'` (none) or `'same'` (output as large as the input; stride 1 only). */
  padding?: C.ConvPadding;
  dilation?: Pair;
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Only `'zeros'` (PyTorch's default) is supported. */
  paddingMode?: 'zeros';
}

/** Options of `Conv1d`. */
export interface Conv1dOptions extends Omit<Conv2dOptions, 'stride' | 'padding' | 'dilation'> {
  stride?: number;
  padding?: number | 'valid' | 'same';
  dilation?: number;
}

const CONV_KEYS = ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode', ...FACTORY_KEYS] as const;

abstract class ConvNd extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly stride: number[];
  readonly padding: number[] | 'valid' | 'same';
  readonly dilation: number[];
  readonly groups: number;

  constructor(
    op: string,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number[],
    o: Conv2dOptions | Conv1dOptions,
  ) {
    super();
    const dims = kernelSize.length;
    const perDim = (name: string, v: Pair | undefined, fallback: number, min: number): number[] =>
      dims === 1 ? [pair(op, name, v as number | undefined, fallback, min)[0]] : pair(op, name, v, fallback, min);
    this.stride = perDim('stride', o.stride, 1, 1);
    this.dilation = perDim('dilation', o.dilation, 1, 1);
    this.padding = typeof o.padding === 'string' ? o.padding : perDim('padding', o.padding, 0, 0);
    if (typeof this.padding === 'string') {
      if (this.padding !== 'valid' && this.padding !== 'same')
        throw new Error(`${op}: Invalid padding string '${this.padding}', should be one of {'valid', 'same'}`);
      if (this.padding === 'same' && this.stride.some((s) => s !== 1))
        throw new Error(`${op}: padding='same' is not supported for strided convolutions`);
    }
    if ((o.paddingMode ?? 'zeros') !== 'zeros') throw new Error(`${op}: paddingMode '${o.paddingMode}' is not supported (only 'zeros')`);
    this.groups = o.groups ?? 1;
    if (!Number.isSafeInteger(this.groups) || this.groups < 1)
      throw new Error(`${op}: groups must be a positive integer (got ${this.groups})`);
    if (inChannels % this.groups !== 0) throw new Error(`${op}: in_channels (${inChannels}) must be divisible by groups (${this.groups})`);
    if (outChannels % this.groups !== 0)
      throw new Error(`${op}: out_channels (${outChannels}) must be divisible by groups (${this.groups})`);
    const make = (shape: number[]) =>
      parameterFrom(g.empty(shape, { dtype: o.dtype ?? 'float32', ...(o.device ? { device: o.device } : {}) }));
    this.weight = make([outChannels, inChannels / this.groups, ...kernelSize]);
    this.bias = (o.bias ?? true) ? make([outChannels]) : null;
    this.resetParameters();
  }

  /** PyTorch's reset_parameters: kaiming-uniform (a = √5) weight, uniform bias in ±1/√fan_in. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const fanIn = (this.inChannels / this.groups) * this.kernelSize.reduce((a, b) => a * b, 1);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pythonValue(this.kernelSize)}, stride=${pythonValue(this.stride)}`;
    if (typeof this.padding === 'string' || this.padding.some((x) => x !== 0)) s += `, padding=${pythonValue(this.padding)}`;
    if (this.dilation.some((x) => x !== 1)) s += `, dilation=${pythonValue(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}

/**
 * 2-D convolution layer.
 *
 * @example
 * new Conv2d(1, 8, 3, { padding: 1 }).call(g.randn(2, 1, 28, 28)).shape; // [2, 8, 28, 28]
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options?: Conv2dOptions) {
    const o = g.checkOptions('Conv2d', options, CONV_KEYS);
    super('Conv2d', inChannels, outChannels, pair('Conv2d', 'kernel_size', kernelSize, 1, 1), o);
  }
  override forward(x: Tensor): Tensor {
    const [sh, sw] = this.stride as [number, number];
    const [dh, dw] = this.dilation as [number, number];
    const padding = typeof this.padding === 'string' ? this.padding : ([this.padding[0]!, this.padding[1]!] as const);
    return C.conv2d(x, this.weight, { bias: this.bias, stride: [sh, sw], padding, dilation: [dh, dw], groups: this.groups });
  }
}

/**
 * 1-D convolution layer.
 *
 * @example
 * new Conv1d(3, 4, 3).call(g.randn(2, 3, 10)).shape; // [2, 4, 8]
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number, options?: Conv1dOptions) {
    const o = g.checkOptions('Conv1d', options, CONV_KEYS);
    super('Conv1d', inChannels, outChannels, [pair('Conv1d', 'kernel_size', kernelSize, 1, 1)[0]], o);
  }
  override forward(x: Tensor): Tensor {
    const padding = typeof this.padding === 'string' ? this.padding : this.padding[0]!;
    return C.conv1d(x, this.weight, {
      bias: this.bias,
      stride: this.stride[0]!,
      padding,
      dilation: this.dilation[0]!,
      groups: this.groups,
    });
  }
}

/** Options of `MaxPool2d` (PyTorch's keyword arguments after kernel_size). */
export type MaxPool2dOptions = P.MaxPoolOptions;

/**
 * 2-D max pooling. Arguments after the kernel size as PyTorch's
 * (`stride, padding, dilation, returnIndices, ceilMode`), positionally or in
 * an options object; with `returnIndices` the layer returns `[values, indices]`
 * (for `MaxUnpool2d`).
 *
 * @example
 * new MaxPool2d(2).call(g.randn(1, 1, 4, 4)).shape; // [1, 1, 2, 2]
 * new MaxPool2d(2, { ceilMode: true }).call(g.randn(1, 1, 5, 5)).shape; // [1, 1, 3, 3]
 */
export class MaxPool2d extends Module {
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly ceilMode: boolean;
  readonly returnIndices: boolean;

  constructor(kernelSize: Pair, options?: MaxPool2dOptions);
  constructor(kernelSize: Pair, stride?: Pair | null, padding?: Pair, dilation?: Pair, returnIndices?: boolean, ceilMode?: boolean);
  constructor(
    readonly kernelSize: Pair,
    ...rest: unknown[]
  ) {
    super();
    const o = keywordArguments<MaxPool2dOptions>('MaxPool2d', rest, ['stride', 'padding', 'dilation', 'returnIndices', 'ceilMode']);
    this.returnIndices = o.returnIndices ?? false;
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.ceilMode = o.ceilMode ?? false;
    // Checked now, as far as they can be without an input.
    pair('MaxPool2d', 'kernel_size', kernelSize, 1, 1);
    pair('MaxPool2d', 'stride', this.stride, 1, 1);
    pair('MaxPool2d', 'padding', this.padding, 0);
    pair('MaxPool2d', 'dilation', this.dilation, 1, 1);
  }
  override forward(x: Tensor): Tensor | [Tensor, Tensor] {
    return P.maxPool2d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
      returnIndices: this.returnIndices,
    });
  }
  override extraRepr(): string {
    return `kernel_size=${pythonValue(this.kernelSize)}, stride=${pythonValue(this.stride)}, padding=${pythonValue(this.padding)}, dilation=${pythonValue(this.dilation)}, ceil_mode=${pythonValue(this.ceilMode)}`;
  }
}

/**
 * 2-D average pooling. Arguments after the kernel size as PyTorch's
 * (`stride, padding, ceilMode, countIncludePad, divisorOverride`),
 * positionally or in an options object.
 *
 * @example
 * new AvgPool2d(2).call(g.ones(1, 1, 4, 4));
 * new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false });
 */
export class AvgPool2d extends Module {
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: Pair, options?: P.AvgPoolOptions);
  constructor(
    kernelSize: Pair,
    stride?: Pair | null,
    padding?: Pair,
    ceilMode?: boolean,
    countIncludePad?: boolean,
    divisorOverride?: number | null,
  );
  constructor(
    readonly kernelSize: Pair,
    ...rest: unknown[]
  ) {
    super();
    const o = keywordArguments<P.AvgPoolOptions>('AvgPool2d', rest, [
      'stride',
      'padding',
      'ceilMode',
      'countIncludePad',
      'divisorOverride',
    ]);
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.ceilMode = o.ceilMode ?? false;
    this.countIncludePad = o.countIncludePad ?? true;
    this.divisorOverride = o.divisorOverride ?? null;
    pair('AvgPool2d', 'kernel_size', kernelSize, 1, 1);
    pair('AvgPool2d', 'stride', this.stride, 1, 1);
    pair('AvgPool2d', 'padding', this.padding, 0);
  }
  override forward(x: Tensor): Tensor {
    return P.avgPool2d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }
  override extraRepr(): string {
    // PyTorch's AvgPool2d shows only these three.
    return `kernel_size=${pythonValue(this.kernelSize)}, stride=${pythonValue(this.stride)}, padding=${pythonValue(this.padding)}`;
  }
}

// These layers free what their forward makes on the way (Module.call).
layersFreeIntermediates(Conv2d, Conv1d, MaxPool2d, AvgPool2d);
