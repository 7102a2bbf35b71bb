/** ConvTranspose1d and ConvTranspose2d with PyTorch's parameters, init, options and reprs. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import * as T from '../conv-transpose.js';
import * as init from '../init.js';
import { Module, layersFreeIntermediates } from '../module.js';
import { type Parameter, parameterFrom } from '../parameter.js';
import { pair, type Pair } from '../patches.js';
import { pythonValue } from '../python-repr.js';
import { FACTORY_KEYS, type FactoryOptions } from './basic.js';

/** Options of `ConvTranspose2d` (PyTorch's keyword arguments). */
export interface ConvTranspose2dOptions extends FactoryOptions {
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  dilation?: Pair;
  /** Only `'zeros'` (PyTorch's default, and the only mode PyTorch's transposed convolutions take). */
  paddingMode?: 'zeros';
}

/** Options of `ConvTranspose1d`. */
export interface ConvTranspose1dOptions extends Omit<ConvTranspose2dOptions, 'stride' | 'padding' | 'outputPadding' | 'dilation'> {
  stride?: number;
  padding?: number;
  outputPadding?: number;
  dilation?: number;
}

const KEYS = ['stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation', 'paddingMode', ...FACTORY_KEYS] as const;

abstract class ConvTransposeNd extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly stride: number[];
  readonly padding: number[];
  readonly outputPadding: number[];
  readonly dilation: number[];
  readonly groups: number;

  constructor(
    readonly op: string,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number[],
    o: ConvTranspose2dOptions | ConvTranspose1dOptions,
  ) {
    super();
    const dims = kernelSize.length;
    const perDim = (name: string, v: Pair | undefined, fallback: number, min: number): number[] =>
      dims === 1 ? [pair(op, name, v as number | undefined, fallback, min)[0]] : pair(op, name, v, fallback, min);
    this.stride = perDim('stride', o.stride, 1, 1);
    this.padding = perDim('padding', o.padding, 0, 0);
    this.outputPadding = perDim('outputPadding', o.outputPadding, 0, 0);
    this.dilation = perDim('dilation', o.dilation, 1, 1);
    if ((o.paddingMode ?? 'zeros') !== 'zeros')
      throw new Error(`${op}: Only "zeros" padding mode is supported for ${op} (got '${o.paddingMode}')`);
    this.groups = o.groups ?? 1;
    if (!Number.isSafeInteger(this.groups) || this.groups < 1)
      throw new Error(`${op}: groups must be a positive integer (got ${this.groups})`);
    if (inChannels % this.groups !== 0)
      throw new Error(`${op}: in_channels must be divisible by groups (got ${inChannels} and ${this.groups})`);
    if (outChannels % this.groups !== 0)
      throw new Error(`${op}: out_channels must be divisible by groups (got ${outChannels} and ${this.groups})`);
    const make = (shape: number[]) =>
      parameterFrom(g.empty(shape, { dtype: o.dtype ?? 'float32', ...(o.device ? { device: o.device } : {}) }));
    this.weight = make([inChannels, outChannels / this.groups, ...kernelSize]);
    this.bias = (o.bias ?? true) ? make([outChannels]) : null;
    this.resetParameters();
  }

  /** PyTorch's reset_parameters: kaiming-uniform (a = √5) weight, uniform bias in ±1/√fan_in (fan_in = out/groups · kernel elements). */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const fanIn = (this.outChannels / this.groups) * this.kernelSize.reduce((a, b) => a * b, 1);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  /** The output padding that makes the output `outputSize` (PyTorch's _output_padding), or the layer's own. */
  protected outputPaddingFor(x: Tensor, outputSize: readonly number[] | undefined): number[] {
    if (outputSize === undefined) return this.outputPadding;
    const dims = this.kernelSize.length;
    const sizes =
      outputSize.length === dims + 2 || outputSize.length === dims + 1 ? outputSize.slice(outputSize.length - dims) : [...outputSize];
    if (sizes.length !== dims)
      throw new Error(`${this.op}: output_size must have ${dims} or ${dims + 2} elements (got ${outputSize.length})`);
    const inSizes = x.shape.slice(x.ndim - dims);
    return sizes.map((size, d) => {
      const min = T.convTransposeSize(inSizes[d]!, this.kernelSize[d]!, this.stride[d]!, this.padding[d]!, 0, this.dilation[d]!);
      const max = min + this.stride[d]! - 1;
      if (!Number.isSafeInteger(size) || size < min || size > max)
        throw new Error(
          `${this.op}: requested an output size of [${sizes.join(', ')}], but valid sizes range from [${min}] to [${max}] (for an input of [${inSizes.join(', ')}]) in dim ${d}`,
        );
      return size - min;
    });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pythonValue(this.kernelSize)}, stride=${pythonValue(this.stride)}`;
    if (this.padding.some((x) => x !== 0)) s += `, padding=${pythonValue(this.padding)}`;
    if (this.dilation.some((x) => x !== 1)) s += `, dilation=${pythonValue(this.dilation)}`;
    if (this.outputPadding.some((x) => x !== 0)) s += `, output_padding=${pythonValue(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}

/**
 * 2-D transposed convolution layer; weight [in, out/groups, kh, kw].
 * `forward(x, outputSize?)` picks the output padding that gives that size, as PyTorch's.
 *
 * @example
 * new ConvTranspose2d(8, 3, 4, { stride: 2, padding: 1 }).call(g.randn(1, 8, 16, 16)).shape; // [1, 3, 32, 32]
 */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options?: ConvTranspose2dOptions) {
    const o = g.checkOptions('ConvTranspose2d', options, KEYS);
    super('ConvTranspose2d', inChannels, outChannels, pair('ConvTranspose2d', 'kernel_size', kernelSize, 1, 1), o);
  }
  override forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    const [sh, sw] = this.stride as [number, number];
    const [ph, pw] = this.padding as [number, number];
    const [dh, dw] = this.dilation as [number, number];
    const [oh, ow] = this.outputPaddingFor(x, outputSize) as [number, number];
    return T.convTranspose2d(x, this.weight, {
      bias: this.bias,
      stride: [sh, sw],
      padding: [ph, pw],
      outputPadding: [oh, ow],
      groups: this.groups,
      dilation: [dh, dw],
    });
  }
}

/**
 * 1-D transposed convolution layer; weight [in, out/groups, k].
 *
 * @example
 * new ConvTranspose1d(4, 2, 3, { stride: 2 }).call(g.randn(1, 4, 10)).shape; // [1, 2, 21]
 */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number, options?: ConvTranspose1dOptions) {
    const o = g.checkOptions('ConvTranspose1d', options, KEYS);
    super('ConvTranspose1d', inChannels, outChannels, [pair('ConvTranspose1d', 'kernel_size', kernelSize, 1, 1)[0]], o);
  }
  override forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    return T.convTranspose1d(x, this.weight, {
      bias: this.bias,
      stride: this.stride[0]!,
      padding: this.padding[0]!,
      outputPadding: this.outputPaddingFor(x, outputSize)[0]!,
      groups: this.groups,
      dilation: this.dilation[0]!,
    });
  }
}

layersFreeIntermediates(ConvTranspose1d, ConvTranspose2d);
