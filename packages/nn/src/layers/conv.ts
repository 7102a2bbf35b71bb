/** Conv1d, Conv2d, MaxPool2d and AvgPool2d modules with PyTorch's parameters and init. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import * as C from '../conv.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter, parameterFrom } from '../parameter.js';
import type { FactoryOptions } from './basic.js';

type Pair = number | readonly [number, number];
const asPair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

interface ConvModuleOptions extends FactoryOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

abstract class ConvNd extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernel: number[], readonly options: ConvModuleOptions) {
    super();
    this.groups = options.groups ?? 1;
    if (inChannels % this.groups !== 0) throw new Error(`in_channels (${inChannels}) must be divisible by groups (${this.groups})`);
    if (outChannels % this.groups !== 0) throw new Error(`out_channels (${outChannels}) must be divisible by groups (${this.groups})`);
    const make = (shape: number[]) => parameterFrom(g.empty(shape, { dtype: options.dtype ?? 'float32', ...(options.device ? { device: options.device } : {}) }));
    this.weight = make([outChannels, inChannels / this.groups, ...kernel]);
    this.bias = options.bias ?? true ? make([outChannels]) : null;
    // PyTorch's reset_parameters: kaiming-uniform (a = √5) weight, uniform bias in ±1/√fan_in.
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const fanIn = (inChannels / this.groups) * kernel.reduce((a, b) => a * b, 1);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override extraRepr(): string {
    const o = this.options;
    const k = this.kernel.length === 1 ? `(${this.kernel[0]},)` : `(${this.kernel.join(', ')})`;
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${k}`;
    const fmt = (v: Pair) => (this.kernel.length === 1 ? `(${typeof v === 'number' ? v : v[0]},)` : `(${asPair(v).join(', ')})`);
    s += `, stride=${fmt(o.stride ?? 1)}`;
    if (o.padding !== undefined && asPair(o.padding).some((x) => x !== 0)) s += `, padding=${fmt(o.padding)}`;
    if (o.dilation !== undefined && asPair(o.dilation).some((x) => x !== 1)) s += `, dilation=${fmt(o.dilation)}`;
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
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: ConvModuleOptions = {}) {
    super(inChannels, outChannels, asPair(kernelSize), options);
  }
  override forward(x: Tensor): Tensor {
    return C.conv2d(x, this.weight, this.bias, { ...this.options, groups: this.groups });
  }
}

/**
 * 1-D convolution layer.
 *
 * @example
 * new Conv1d(3, 4, 3).call(g.randn(2, 3, 10)).shape; // [2, 4, 8]
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number, options: Omit<ConvModuleOptions, 'stride' | 'padding' | 'dilation'> & { stride?: number; padding?: number; dilation?: number } = {}) {
    super(inChannels, outChannels, [kernelSize], options);
  }
  override forward(x: Tensor): Tensor {
    const o = this.options as { stride?: number; padding?: number; dilation?: number };
    return C.conv1d(x, this.weight, this.bias, { ...(o.stride !== undefined ? { stride: o.stride } : {}), ...(o.padding !== undefined ? { padding: o.padding } : {}), ...(o.dilation !== undefined ? { dilation: o.dilation } : {}), groups: this.groups });
  }
}

/** 2-D max pooling. @example new MaxPool2d(2).call(g.randn(1, 1, 4, 4)).shape // [1, 1, 2, 2] */
export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: C.PoolOptions = {}) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return C.maxPool2d(x, this.kernelSize, this.options);
  }
  override extraRepr(): string {
    return `kernel_size=${String(this.kernelSize)}, stride=${String(this.options.stride ?? this.kernelSize)}, padding=${String(this.options.padding ?? 0)}, dilation=${String(this.options.dilation ?? 1)}, ceil_mode=False`;
  }
}

/** 2-D average pooling. @example new AvgPool2d(2).call(g.ones(1, 1, 4, 4)) */
export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: Omit<C.PoolOptions, 'dilation'> = {}) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return C.avgPool2d(x, this.kernelSize, this.options);
  }
  override extraRepr(): string {
    return `kernel_size=${String(this.kernelSize)}, stride=${String(this.options.stride ?? this.kernelSize)}, padding=${String(this.options.padding ?? 0)}`;
  }
}
