/**
 * InstanceNorm1d and InstanceNorm2d (PyTorch's `_InstanceNorm` on `_NormBase`):
 * each channel of each sample normalised over its spatial dims; `affine` and
 * `trackRunningStats` default to false; with running statistics, eval mode
 * uses them. An unbatched input ([C, L] or [C, H, W]) is taken as a batch of one.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { layersFreeIntermediates } from '../module.js';
import { instanceNormAs } from '../normalization.js';
import { NORM_KEYS, NormBase } from './batchnorm.js';
import type { FactoryOptions } from './basic.js';

/** Options of `InstanceNorm1d` and `InstanceNorm2d`. */
export interface InstanceNormOptions extends FactoryOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of the new batch in the running statistics (default 0.1). */
  momentum?: number;
  /** Learn a per-channel weight and bias (default false). */
  affine?: boolean;
  /** Keep running statistics, used in eval mode (default false). */
  trackRunningStats?: boolean;
}

/** PyTorch's `_InstanceNorm`. */
abstract class InstanceNorm extends NormBase {
  /** The rank of an unbatched input (a batched one has one more). */
  protected abstract readonly unbatchedRank: number;

  constructor(numFeatures: number, options: InstanceNormOptions | undefined) {
    const o = g.checkOptions(new.target.name, options, NORM_KEYS);
    if (o.momentum === null || (o.momentum !== undefined && typeof o.momentum !== 'number')) {
      // PyTorch's instance_norm takes a float momentum (None fails at the first call there).
      throw new TypeError(`${new.target.name}: momentum must be a number, got ${String(o.momentum)}`);
    }
    super(numFeatures, o, { affine: false, trackRunningStats: false });
  }

  override forward(x: Tensor): Tensor {
    const r = this.unbatchedRank;
    if (x.ndim !== r && x.ndim !== r + 1) {
      throw new Error(`${this.constructor.name}: expected ${r}D or ${r + 1}D input (got ${x.ndim}D input)`);
    }
    const batched = x.ndim === r + 1 ? x : x.unsqueeze(0);
    // Without weights or running statistics the channel count does not matter (as in PyTorch).
    if (this.affine || this.trackRunningStats) this.checkChannels(batched, `${r}D or ${r + 1}D`);
    const y = instanceNormAs(this.constructor.name, batched, {
      runningMean: this.running_mean,
      runningVar: this.running_var,
      weight: this.weight,
      bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats,
      momentum: this.momentum!,
      eps: this.eps,
    });
    return x.ndim === r ? y.squeeze(0) : y;
  }
}

/**
 * Instance normalisation over [N, C, L] (or unbatched [C, L]).
 *
 * @example
 * new InstanceNorm1d(4).call(g.randn(2, 4, 10));
 * new InstanceNorm1d(4, { affine: true, trackRunningStats: true });
 */
export class InstanceNorm1d extends InstanceNorm {
  protected readonly unbatchedRank = 2;
  constructor(numFeatures: number, options?: InstanceNormOptions) {
    super(numFeatures, options);
  }
}

/**
 * Instance normalisation over [N, C, H, W] (or unbatched [C, H, W]).
 *
 * @example
 * new InstanceNorm2d(3).call(g.randn(2, 3, 16, 16));
 */
export class InstanceNorm2d extends InstanceNorm {
  protected readonly unbatchedRank = 3;
  constructor(numFeatures: number, options?: InstanceNormOptions) {
    super(numFeatures, options);
  }
}

// These layers free what their forward makes on the way (Module.call).
layersFreeIntermediates(InstanceNorm1d, InstanceNorm2d);
