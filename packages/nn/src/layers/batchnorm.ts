/**
 * BatchNorm1d and BatchNorm2d on one implementation (PyTorch's `_NormBase` and
 * `_BatchNorm`): affine weight and bias, running statistics and
 * num_batches_tracked as buffers, `momentum: null` for a cumulative average,
 * batch statistics in training (or when no running statistics are kept),
 * running ones in eval.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { Module, layersFreeIntermediates } from '../module.js';
import { batchNormAs } from '../normalization.js';
import { type Parameter, parameterFrom } from '../parameter.js';
import { pythonFloat, pythonValue } from '../python-repr.js';
import { FACTORY_KEYS, type FactoryOptions } from './basic.js';

/** Options of `BatchNorm1d` and `BatchNorm2d`. */
export interface BatchNormOptions extends FactoryOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of the new batch in the running statistics (default 0.1); null for a cumulative average, as PyTorch's None. */
  momentum?: number | null;
  /** Learn a per-channel weight and bias (default true). */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true). */
  trackRunningStats?: boolean;
}

/** @internal the option keys of the normalisation layers with running statistics. */
export const NORM_KEYS = ['eps', 'momentum', 'affine', 'trackRunningStats', ...FACTORY_KEYS] as const;

/**
 * What batch and instance normalisation share (PyTorch's `_NormBase`):
 * parameters `weight` (ones) and `bias` (zeros) when affine; buffers
 * `running_mean` (zeros), `running_var` (ones) and `num_batches_tracked`
 * (a 0-d integer) when tracking running statistics.
 */
export abstract class NormBase extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(
    readonly numFeatures: number,
    o: BatchNormOptions,
    defaults: { affine: boolean; trackRunningStats: boolean },
  ) {
    super();
    if (!Number.isSafeInteger(numFeatures) || numFeatures < 0) {
      throw new Error(`${this.constructor.name}: num_features must be a non-negative integer, got ${String(numFeatures)}`);
    }
    this.eps = o.eps ?? 1e-5;
    this.momentum = o.momentum === undefined ? 0.1 : o.momentum;
    this.affine = o.affine ?? defaults.affine;
    this.trackRunningStats = o.trackRunningStats ?? defaults.trackRunningStats;
    const dtype = o.dtype ?? 'float32';
    const device = o.device ? { device: o.device } : {};
    this.weight = this.affine ? parameterFrom(g.ones([numFeatures], { dtype, ...device })) : null;
    this.bias = this.affine ? parameterFrom(g.zeros([numFeatures], { dtype, ...device })) : null;
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? g.zeros([numFeatures], { dtype, ...device }) : null);
    this.registerBuffer('running_var', track ? g.ones([numFeatures], { dtype, ...device }) : null);
    this.registerBuffer('num_batches_tracked', track ? g.zeros([], { dtype: 'int32', ...device }) : null);
  }

  /**
   * Running statistics back to their initial values (PyTorch's `reset_running_stats`).
   *
   * @example
   * bn.resetRunningStats();
   */
  resetRunningStats(): void {
    if (this.running_mean === null) return;
    g.noGrad(() => {
      this.running_mean!.zero_();
      this.running_var!.fill_(1);
      this.num_batches_tracked!.zero_();
    });
  }

  /**
   * Running statistics reset, weight ones and bias zeros (PyTorch's `reset_parameters`).
   *
   * @example
   * bn.resetParameters();
   */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight !== null) g.noGrad(() => this.weight!.fill_(1));
    if (this.bias !== null) g.noGrad(() => this.bias!.zero_());
  }

  /** A state dict from before num_batches_tracked existed loads with it reset to 0, as PyTorch's version-1 upgrade. */
  protected override stateDictDefaults(): Record<string, number> {
    return this.num_batches_tracked !== null ? { num_batches_tracked: 0 } : {};
  }

  /** The input's channel count, checked (it must match the layer's). */
  protected checkChannels(x: Tensor, dims: string): void {
    if (x.shape[1] !== this.numFeatures) {
      throw new Error(
        `${this.constructor.name}(${this.numFeatures}): expected ${dims} input with ${this.numFeatures} channels (got shape [${x.shape.join(', ')}])`,
      );
    }
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pythonFloat(this.momentum);
    return `${this.numFeatures}, eps=${pythonFloat(this.eps)}, momentum=${momentum}, affine=${pythonValue(this.affine)}, track_running_stats=${pythonValue(this.trackRunningStats)}`;
  }
}

/** PyTorch's `_BatchNorm`: one forward for every input rank. */
abstract class BatchNorm extends NormBase {
  constructor(numFeatures: number, options: BatchNormOptions | undefined) {
    super(numFeatures, g.checkOptions(new.target.name, options, NORM_KEYS), { affine: true, trackRunningStats: true });
  }

  /** The input ranks this layer takes, and how an error names them. */
  protected abstract readonly ranks: readonly number[];
  protected abstract readonly rankName: string;

  override forward(x: Tensor): Tensor {
    if (!this.ranks.includes(x.ndim)) {
      throw new Error(
        `${this.constructor.name}(${this.numFeatures}): expected ${this.rankName} input with ${this.numFeatures} channels (got shape [${x.shape.join(', ')}])`,
      );
    }
    this.checkChannels(x, this.rankName);
    let factor = this.momentum ?? 0;
    if (this.training && this.num_batches_tracked !== null) {
      g.noGrad(() => this.num_batches_tracked!.add_(1));
      // PyTorch's momentum=None: a cumulative average, 1 / batches seen.
      if (this.momentum === null) factor = 1 / (this.num_batches_tracked.item() as number);
    }
    // Batch statistics in training, and in eval when there are no running ones.
    const useBatch = this.training || this.running_mean === null;
    // The running statistics are updated only when tracked and training.
    const passRunning = !this.training || this.trackRunningStats;
    return batchNormAs(this.constructor.name, x, passRunning ? this.running_mean : null, passRunning ? this.running_var : null, {
      weight: this.weight,
      bias: this.bias,
      training: useBatch,
      momentum: factor,
      eps: this.eps,
    });
  }
}

/**
 * Batch normalisation over [N, C] or [N, C, L], as PyTorch's: running
 * mean/var updated in training with `momentum` (unbiased variance;
 * `momentum: null` is the cumulative average), used in eval.
 *
 * @example
 * const bn = new BatchNorm1d(8); bn.call(g.randn(16, 8));
 */
export class BatchNorm1d extends BatchNorm {
  protected readonly ranks = [2, 3];
  protected readonly rankName = '2D or 3D';
  constructor(numFeatures: number, options?: BatchNormOptions) {
    super(numFeatures, options);
  }
}

/**
 * Batch normalisation over [N, C, H, W] (per channel, over the batch and
 * the spatial dims), as PyTorch's `BatchNorm2d`.
 *
 * @example
 * const bn = new BatchNorm2d(16); bn.call(g.randn(8, 16, 32, 32));
 */
export class BatchNorm2d extends BatchNorm {
  protected readonly ranks = [4];
  protected readonly rankName = '4D';
  constructor(numFeatures: number, options?: BatchNormOptions) {
    super(numFeatures, options);
  }
}

// These layers free what their forward makes on the way (Module.call).
layersFreeIntermediates(BatchNorm1d, BatchNorm2d);
