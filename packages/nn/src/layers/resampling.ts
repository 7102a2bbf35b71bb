/** Upsample, PixelShuffle/PixelUnshuffle and Unfold/Fold layers, with PyTorch's arguments and reprs. */
import type { Tensor } from '@graft/core';
import { keywordArguments } from '../arguments.js';
import * as Fo from '../fold.js';
import * as I from '../interpolate.js';
import { Module, layersFreeIntermediates } from '../module.js';
import { type Pair, pair } from '../patches.js';
import * as S from '../pixel-shuffle.js';
import { pythonFloat, pythonValue } from '../python-repr.js';

/** Options of `Upsample`: `interpolate`'s, less recomputeScaleFactor. */
export type UpsampleOptions = Omit<I.InterpolateOptions, 'recomputeScaleFactor'>;

/**
 * Resampling as a layer: `F.interpolate` with the layer's size or scale
 * factor, mode ('nearest' by default) and alignCorners.
 *
 * @example
 * new Upsample({ scaleFactor: 2, mode: 'bilinear' }).call(g.randn(1, 3, 4, 4)).shape; // [1, 3, 8, 8]
 */
export class Upsample extends Module {
  readonly size: number | readonly number[] | null;
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: I.InterpolateMode;
  readonly alignCorners: boolean | null;
  constructor(options?: UpsampleOptions);
  constructor(
    size?: number | readonly number[] | null,
    scaleFactor?: number | readonly number[] | null,
    mode?: I.InterpolateMode,
    alignCorners?: boolean | null,
  );
  constructor(...rest: unknown[]) {
    super();
    const o = keywordArguments<UpsampleOptions>(new.target.name, rest, ['size', 'scaleFactor', 'mode', 'alignCorners']);
    this.size = o.size ?? null;
    this.scaleFactor = o.scaleFactor ?? null;
    this.mode = o.mode ?? 'nearest';
    this.alignCorners = o.alignCorners ?? null;
  }
  override forward(x: Tensor): Tensor {
    return I.interpolate(x, { size: this.size, scaleFactor: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners });
  }
  override extraRepr(): string {
    const f = this.scaleFactor;
    const info =
      f !== null
        ? `scale_factor=${typeof f === 'number' ? pythonFloat(f) : `(${f.map(pythonFloat).join(', ')}${f.length === 1 ? ',' : ''})`}`
        : `size=${pythonValue(this.size as number | number[] | null)}`;
    // PyTorch 1.13 prints the mode unquoted.
    return `${info}, mode=${this.mode}`;
  }
}

/**
 * 2-D nearest upsampling (`Upsample` with mode 'nearest').
 *
 * @example
 * new UpsamplingNearest2d({ scaleFactor: 2 }).call(g.randn(1, 1, 2, 2)).shape; // [1, 1, 4, 4]
 */
export class UpsamplingNearest2d extends Upsample {
  constructor(options?: Omit<UpsampleOptions, 'mode' | 'alignCorners'>);
  constructor(size?: number | readonly number[] | null, scaleFactor?: number | readonly number[] | null);
  constructor(...rest: unknown[]) {
    const o = keywordArguments<UpsampleOptions>('UpsamplingNearest2d', rest, ['size', 'scaleFactor']);
    super({ ...o, mode: 'nearest' });
  }
}

/**
 * 2-D bilinear upsampling with aligned corners (`Upsample` with mode 'bilinear', alignCorners true).
 *
 * @example
 * new UpsamplingBilinear2d({ scaleFactor: 2 }).call(g.randn(1, 1, 2, 2)).shape; // [1, 1, 4, 4]
 */
export class UpsamplingBilinear2d extends Upsample {
  constructor(options?: Omit<UpsampleOptions, 'mode' | 'alignCorners'>);
  constructor(size?: number | readonly number[] | null, scaleFactor?: number | readonly number[] | null);
  constructor(...rest: unknown[]) {
    const o = keywordArguments<UpsampleOptions>('UpsamplingBilinear2d', rest, ['size', 'scaleFactor']);
    super({ ...o, mode: 'bilinear', alignCorners: true });
  }
}

/**
 * [*, C·r², H, W] → [*, C, H·r, W·r].
 *
 * @example
 * new PixelShuffle(2).call(g.randn(1, 8, 3, 3)).shape; // [1, 2, 6, 6]
 */
export class PixelShuffle extends Module {
  constructor(readonly upscaleFactor: number) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return S.pixelShuffle(x, this.upscaleFactor);
  }
  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/**
 * [*, C, H·r, W·r] → [*, C·r², H, W].
 *
 * @example
 * new PixelUnshuffle(2).call(g.randn(1, 2, 6, 6)).shape; // [1, 8, 3, 3]
 */
export class PixelUnshuffle extends Module {
  constructor(readonly downscaleFactor: number) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return S.pixelUnshuffle(x, this.downscaleFactor);
  }
  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}

/** The options of Unfold and Fold as given, for the repr (PyTorch shows them unconverted). */
function geometryRepr(k: Pair, o: Required<Fo.UnfoldOptions>): string {
  const v = (p: Pair) => pythonValue(typeof p === 'number' ? p : [...p]);
  return `kernel_size=${v(k)}, dilation=${v(o.dilation)}, padding=${v(o.padding)}, stride=${v(o.stride)}`;
}

function unfoldOptions(op: string, rest: unknown[]): Required<Fo.UnfoldOptions> {
  const o = keywordArguments<Fo.UnfoldOptions>(op, rest, ['dilation', 'padding', 'stride']);
  const r = { dilation: o.dilation ?? 1, padding: o.padding ?? 0, stride: o.stride ?? 1 };
  pair(op, 'dilation', r.dilation, 1, 1);
  pair(op, 'padding', r.padding, 0);
  pair(op, 'stride', r.stride, 1, 1);
  return r;
}

/**
 * Sliding blocks as columns, `F.unfold` as a layer: [N, C, H, W] → [N, C·kh·kw, L].
 *
 * @example
 * new Unfold(2, { stride: 2 }).call(g.randn(1, 3, 4, 4)).shape; // [1, 12, 4]
 */
export class Unfold extends Module {
  readonly options: Required<Fo.UnfoldOptions>;
  constructor(kernelSize: Pair, options?: Fo.UnfoldOptions);
  constructor(kernelSize: Pair, dilation?: Pair, padding?: Pair, stride?: Pair);
  constructor(
    readonly kernelSize: Pair,
    ...rest: unknown[]
  ) {
    super();
    pair('Unfold', 'kernel_size', kernelSize, 1, 1);
    this.options = unfoldOptions('Unfold', rest);
  }
  override forward(x: Tensor): Tensor {
    return Fo.unfold(x, this.kernelSize, this.options);
  }
  override extraRepr(): string {
    return geometryRepr(this.kernelSize, this.options);
  }
}

/**
 * Columns summed back into images, `F.fold` as a layer: [N, C·kh·kw, L] → [N, C, H, W].
 *
 * @example
 * new Fold([4, 4], 2).call(g.ones(1, 12, 9)).shape; // [1, 3, 4, 4]
 */
export class Fold extends Module {
  readonly options: Required<Fo.UnfoldOptions>;
  constructor(outputSize: Pair, kernelSize: Pair, options?: Fo.UnfoldOptions);
  constructor(outputSize: Pair, kernelSize: Pair, dilation?: Pair, padding?: Pair, stride?: Pair);
  constructor(
    readonly outputSize: Pair,
    readonly kernelSize: Pair,
    ...rest: unknown[]
  ) {
    super();
    pair('Fold', 'output_size', outputSize, 1, 1);
    pair('Fold', 'kernel_size', kernelSize, 1, 1);
    this.options = unfoldOptions('Fold', rest);
  }
  override forward(x: Tensor): Tensor {
    return Fo.fold(x, this.outputSize, this.kernelSize, this.options);
  }
  override extraRepr(): string {
    const v = pythonValue(typeof this.outputSize === 'number' ? this.outputSize : [...this.outputSize]);
    return `output_size=${v}, ${geometryRepr(this.kernelSize, this.options)}`;
  }
}

layersFreeIntermediates(Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle, PixelUnshuffle, Unfold, Fold);
