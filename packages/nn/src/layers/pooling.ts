/** The 1-D, adaptive and unpooling layers, with PyTorch's arguments and reprs. */
import type { Tensor } from '@graft/core';
import * as A from '../adaptive-pooling.js';
import { keywordArguments } from '../arguments.js';
import { Module, layerInputs, layersFreeIntermediates } from '../module.js';
import { pair, type Pair } from '../patches.js';
import * as P from '../pooling.js';
import { pythonValue } from '../python-repr.js';
import * as U from '../unpooling.js';

/** Options of `MaxPool1d` (PyTorch's keyword arguments after kernel_size). */
export type MaxPool1dOptions = P.MaxPool1dOptions;

/**
 * 1-D max pooling. Arguments after the kernel size as PyTorch's (`stride,
 * padding, dilation, returnIndices, ceilMode`), positionally or in an
 * options object; with `returnIndices` the layer returns `[values, indices]`.
 *
 * @example
 * new MaxPool1d(2).call(g.randn(1, 2, 6)).shape; // [1, 2, 3]
 */
export class MaxPool1d extends Module {
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly returnIndices: boolean;
  readonly ceilMode: boolean;

  constructor(kernelSize: number, options?: MaxPool1dOptions);
  constructor(kernelSize: number, stride?: number | null, padding?: number, dilation?: number, returnIndices?: boolean, ceilMode?: boolean);
  constructor(
    readonly kernelSize: number,
    ...rest: unknown[]
  ) {
    super();
    const o = keywordArguments<MaxPool1dOptions>('MaxPool1d', rest, ['stride', 'padding', 'dilation', 'returnIndices', 'ceilMode']);
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.returnIndices = o.returnIndices ?? false;
    this.ceilMode = o.ceilMode ?? false;
    pair('MaxPool1d', 'kernel_size', kernelSize, 1, 1);
    pair('MaxPool1d', 'stride', this.stride, 1, 1);
    pair('MaxPool1d', 'padding', this.padding, 0);
    pair('MaxPool1d', 'dilation', this.dilation, 1, 1);
  }
  override forward(x: Tensor): Tensor | [Tensor, Tensor] {
    return P.maxPool1d(x, this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode, this.returnIndices);
  }
  override extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}, dilation=${this.dilation}, ceil_mode=${pythonValue(this.ceilMode)}`;
  }
}

/**
 * 1-D average pooling. Arguments after the kernel size as PyTorch's
 * (`stride, padding, ceilMode, countIncludePad`).
 *
 * @example
 * new AvgPool1d(2).call(g.ones(1, 2, 6)).shape; // [1, 2, 3]
 */
export class AvgPool1d extends Module {
  readonly stride: number;
  readonly padding: number;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: number, options?: P.AvgPool1dOptions);
  constructor(kernelSize: number, stride?: number | null, padding?: number, ceilMode?: boolean, countIncludePad?: boolean);
  constructor(
    readonly kernelSize: number,
    ...rest: unknown[]
  ) {
    super();
    const o = keywordArguments<P.AvgPool1dOptions>('AvgPool1d', rest, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.ceilMode = o.ceilMode ?? false;
    this.countIncludePad = o.countIncludePad ?? true;
    pair('AvgPool1d', 'kernel_size', kernelSize, 1, 1);
    pair('AvgPool1d', 'stride', this.stride, 1, 1);
    pair('AvgPool1d', 'padding', this.padding, 0);
  }
  override forward(x: Tensor): Tensor {
    return P.avgPool1d(x, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad);
  }
  override extraRepr(): string {
    // PyTorch's AvgPool1d keeps these as 1-tuples.
    return `kernel_size=${pythonValue([this.kernelSize])}, stride=${pythonValue([this.stride])}, padding=${pythonValue([this.padding])}`;
  }
}

/** PyTorch's repr of an output size: an int, or a tuple with None for a kept size. */
function sizeRepr(size: A.AdaptiveSize): string {
  if (size === null || typeof size === 'number') return pythonValue(size);
  return `(${size.map((v) => pythonValue(v)).join(', ')}${size.length === 1 ? ',' : ''})`;
}

/**
 * Adaptive 2-D average pooling to `outputSize` (an integer, or [h, w] where `null` keeps the input's size).
 *
 * @example
 * new AdaptiveAvgPool2d([1, 1]).call(g.randn(2, 8, 7, 7)).shape; // [2, 8, 1, 1]
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: A.AdaptiveSize) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return A.adaptiveAvgPool2d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${sizeRepr(this.outputSize)}`;
  }
}

/**
 * Adaptive 1-D average pooling to `outputSize` cells.
 *
 * @example
 * new AdaptiveAvgPool1d(4).call(g.randn(2, 3, 10)).shape; // [2, 3, 4]
 */
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return A.adaptiveAvgPool1d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${sizeRepr(this.outputSize)}`;
  }
}

/**
 * Adaptive 2-D max pooling to `outputSize`; with `returnIndices` the layer returns `[values, indices]`.
 *
 * @example
 * new AdaptiveMaxPool2d(2).call(g.randn(1, 3, 7, 9)).shape; // [1, 3, 2, 2]
 */
export class AdaptiveMaxPool2d extends Module {
  readonly returnIndices: boolean;
  constructor(outputSize: A.AdaptiveSize, options?: A.AdaptiveMaxPoolOptions);
  constructor(outputSize: A.AdaptiveSize, returnIndices?: boolean);
  constructor(
    readonly outputSize: A.AdaptiveSize,
    ...rest: unknown[]
  ) {
    super();
    this.returnIndices = keywordArguments<A.AdaptiveMaxPoolOptions>('AdaptiveMaxPool2d', rest, ['returnIndices']).returnIndices ?? false;
  }
  override forward(x: Tensor): Tensor | [Tensor, Tensor] {
    return A.adaptiveMaxPool2d(x, this.outputSize, this.returnIndices);
  }
  override extraRepr(): string {
    return `output_size=${sizeRepr(this.outputSize)}`;
  }
}

/**
 * Adaptive 1-D max pooling to `outputSize` cells; with `returnIndices` the layer returns `[values, indices]`.
 *
 * @example
 * new AdaptiveMaxPool1d(4).call(g.randn(2, 3, 10)).shape; // [2, 3, 4]
 */
export class AdaptiveMaxPool1d extends Module {
  readonly returnIndices: boolean;
  constructor(outputSize: number, options?: A.AdaptiveMaxPoolOptions);
  constructor(outputSize: number, returnIndices?: boolean);
  constructor(
    readonly outputSize: number,
    ...rest: unknown[]
  ) {
    super();
    this.returnIndices = keywordArguments<A.AdaptiveMaxPoolOptions>('AdaptiveMaxPool1d', rest, ['returnIndices']).returnIndices ?? false;
  }
  override forward(x: Tensor): Tensor | [Tensor, Tensor] {
    return A.adaptiveMaxPool1d(x, this.outputSize, this.returnIndices);
  }
  override extraRepr(): string {
    return `output_size=${sizeRepr(this.outputSize)}`;
  }
}

/**
 * The inverse of `MaxPool2d` with `returnIndices`: `call(x, indices, outputSize?)`.
 * Arguments after the kernel size as PyTorch's (`stride, padding`).
 *
 * @example
 * const [y, i] = new MaxPool2d(2, { returnIndices: true }).call(g.randn(1, 1, 4, 4)) as [g.Tensor, g.Tensor];
 * new MaxUnpool2d(2).call(y, i).shape; // [1, 1, 4, 4]
 */
export class MaxUnpool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  constructor(kernelSize: Pair, options?: Omit<U.MaxUnpoolOptions, 'outputSize'>);
  constructor(kernelSize: Pair, stride?: Pair | null, padding?: Pair);
  constructor(kernelSize: Pair, ...rest: unknown[]) {
    super();
    const o = keywordArguments<U.MaxUnpoolOptions>('MaxUnpool2d', rest, ['stride', 'padding']);
    this.kernelSize = pair('MaxUnpool2d', 'kernel_size', kernelSize, 1, 1);
    this.stride = pair('MaxUnpool2d', 'stride', o.stride ?? kernelSize, 1, 1);
    this.padding = pair('MaxUnpool2d', 'padding', o.padding, 0);
  }
  override forward(x: Tensor, indices: Tensor, outputSize?: readonly number[] | null): Tensor {
    return U.maxUnpool2d(x, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize: outputSize ?? null });
  }
  override extraRepr(): string {
    return `kernel_size=${pythonValue(this.kernelSize)}, stride=${pythonValue(this.stride)}, padding=${pythonValue(this.padding)}`;
  }
}

/**
 * The inverse of `MaxPool1d` with `returnIndices`: `call(x, indices, outputSize?)`.
 *
 * @example
 * const [y, i] = F.maxPool1d(g.randn(1, 2, 6), 2, { returnIndices: true });
 * new MaxUnpool1d(2).call(y, i).shape; // [1, 2, 6]
 */
export class MaxUnpool1d extends Module {
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  constructor(kernelSize: number, options?: Omit<U.MaxUnpool1dOptions, 'outputSize'>);
  constructor(kernelSize: number, stride?: number | null, padding?: number);
  constructor(kernelSize: number, ...rest: unknown[]) {
    super();
    const o = keywordArguments<U.MaxUnpool1dOptions>('MaxUnpool1d', rest, ['stride', 'padding']);
    this.kernelSize = kernelSize;
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    pair('MaxUnpool1d', 'kernel_size', kernelSize, 1, 1);
    pair('MaxUnpool1d', 'stride', this.stride, 1, 1);
    pair('MaxUnpool1d', 'padding', this.padding, 0);
  }
  override forward(x: Tensor, indices: Tensor, outputSize?: readonly number[] | null): Tensor {
    return U.maxUnpool1d(x, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize: outputSize ?? null });
  }
  override extraRepr(): string {
    return `kernel_size=${pythonValue([this.kernelSize])}, stride=${pythonValue([this.stride])}, padding=${pythonValue([this.padding])}`;
  }
}

layersFreeIntermediates(
  MaxPool1d,
  AvgPool1d,
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool1d,
  AdaptiveMaxPool2d,
  MaxUnpool1d,
  MaxUnpool2d,
);
layerInputs(2, [MaxUnpool1d, MaxUnpool2d]);
