/** GroupNorm, RMSNorm and LocalResponseNorm, with PyTorch's parameters, initialisation and reprs. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { keywordArguments } from '../arguments.js';
import { Module, layersFreeIntermediates } from '../module.js';
import { groupNormAs, type LocalResponseNormOptions, localResponseNormAs, rmsNormAs } from '../normalization.js';
import { type Parameter, parameterFrom } from '../parameter.js';
import { pythonFloat, pythonValue } from '../python-repr.js';
import { FACTORY_KEYS, type FactoryOptions } from './basic.js';

/** Options of `GroupNorm`. */
export interface GroupNormOptions extends FactoryOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn a per-channel weight (ones) and bias (zeros) (default true). */
  affine?: boolean;
}

/**
 * Group normalisation: `numChannels` channels in `numGroups` groups, each
 * normalised per sample, then a per-channel affine transform.
 *
 * @example
 * new GroupNorm(2, 6).call(g.randn(4, 6, 8, 8));
 */
export class GroupNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly eps: number;
  readonly affine: boolean;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    options?: GroupNormOptions,
  ) {
    super();
    const o = g.checkOptions('GroupNorm', options, ['eps', 'affine', ...FACTORY_KEYS]);
    if (!Number.isSafeInteger(numGroups) || numGroups < 1)
      throw new Error(`GroupNorm: num_groups must be a positive integer, got ${String(numGroups)}`);
    if (numChannels % numGroups !== 0) throw new Error('GroupNorm: num_channels must be divisible by num_groups');
    this.eps = o.eps ?? 1e-5;
    this.affine = o.affine ?? true;
    const dtype = o.dtype ?? 'float32';
    const device = o.device ? { device: o.device } : {};
    this.weight = this.affine ? parameterFrom(g.ones([numChannels], { dtype, ...device })) : null;
    this.bias = this.affine ? parameterFrom(g.zeros([numChannels], { dtype, ...device })) : null;
  }

  override forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new Error(
        `GroupNorm(${this.numGroups}, ${this.numChannels}): expected input [N, ${this.numChannels}, …], got shape [${x.shape.join(', ')}]`,
      );
    }
    return groupNormAs('GroupNorm', x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pythonFloat(this.eps)}, affine=${pythonValue(this.affine)}`;
  }
}

/** Options of `RMSNorm`. */
export interface RMSNormOptions extends FactoryOptions {
  /** Added to the mean square; null (the default) is the input dtype's machine epsilon. */
  eps?: number | null;
  /** Learn a per-element weight (ones) (default true). */
  elementwiseAffine?: boolean;
}

/**
 * Root-mean-square normalisation over the trailing dims, PyTorch 2.4's
 * `nn.RMSNorm`: `x / √(mean(x²) + eps) · weight`, `weight` ones, `eps`
 * null meaning the input dtype's machine epsilon.
 *
 * @example
 * new RMSNorm(512).call(g.randn(2, 10, 512));
 * new RMSNorm([4], { eps: 1e-6 });
 */
export class RMSNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number | null;
  weight: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options?: RMSNormOptions) {
    super();
    const o = g.checkOptions('RMSNorm', options, ['eps', 'elementwiseAffine', ...FACTORY_KEYS]);
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = o.eps ?? null;
    const dtype = o.dtype ?? 'float32';
    const device = o.device ? { device: o.device } : {};
    this.weight = (o.elementwiseAffine ?? true) ? parameterFrom(g.ones(this.normalizedShape, { dtype, ...device })) : null;
  }

  override forward(x: Tensor): Tensor {
    return rmsNormAs('RMSNorm', x, this.normalizedShape, { weight: this.weight, eps: this.eps });
  }

  override extraRepr(): string {
    const eps = this.eps === null ? 'None' : pythonFloat(this.eps);
    return `${pythonValue(this.normalizedShape)}, eps=${eps}, elementwise_affine=${pythonValue(this.weight !== null)}`;
  }
}

/**
 * Local response normalisation across channels (AlexNet's), as PyTorch's
 * `nn.LocalResponseNorm(size, alpha=1e-4, beta=0.75, k=1.)`.
 *
 * @example
 * new LocalResponseNorm(5).call(g.randn(1, 16, 8, 8));
 * new LocalResponseNorm(3, { alpha: 1e-3, k: 2 });
 */
export class LocalResponseNorm extends Module {
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;

  constructor(size: number, alpha?: number, beta?: number, k?: number);
  constructor(size: number, options?: LocalResponseNormOptions);
  constructor(
    readonly size: number,
    ...rest: unknown[]
  ) {
    super();
    const o = keywordArguments<LocalResponseNormOptions>('LocalResponseNorm', rest, ['alpha', 'beta', 'k']);
    if (!Number.isSafeInteger(size) || size < 1) throw new Error(`LocalResponseNorm: size must be a positive integer, got ${String(size)}`);
    this.alpha = o.alpha ?? 1e-4;
    this.beta = o.beta ?? 0.75;
    this.k = o.k ?? 1;
  }

  override forward(x: Tensor): Tensor {
    return localResponseNormAs('LocalResponseNorm', x, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }

  override extraRepr(): string {
    return `${this.size}, alpha=${pythonFloat(this.alpha)}, beta=${pythonFloat(this.beta)}, k=${pythonFloat(this.k)}`;
  }
}

// These layers free what their forward makes on the way (Module.call).
layersFreeIntermediates(GroupNorm, RMSNorm, LocalResponseNorm);
