/** BatchNorm1d with running statistics (buffers), as PyTorch. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { Module, layersFreeIntermediates } from '../module.js';
import { type Parameter, parameterFrom } from '../parameter.js';
import { pythonFloat, pythonValue } from '../python-repr.js';
import { FACTORY_KEYS, type FactoryOptions } from './basic.js';

/** Options of `BatchNorm1d`. */
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

/**
 * Batch normalisation over [N, C] or [N, C, L]; running mean/var updated in
 * training with `momentum` (unbiased variance, as PyTorch; `momentum: null`
 * is PyTorch's cumulative average), used in eval.
 *
 * @example
 * const bn = new BatchNorm1d(8); bn.call(g.randn(16, 8));
 */
export class BatchNorm1d extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;

  constructor(
    readonly numFeatures: number,
    options?: BatchNormOptions,
  ) {
    super();
    const o = g.checkOptions('BatchNorm1d', options, ['eps', 'momentum', 'affine', 'trackRunningStats', ...FACTORY_KEYS]);
    this.eps = o.eps ?? 1e-5;
    this.momentum = o.momentum === undefined ? 0.1 : o.momentum;
    const dtype = o.dtype ?? 'float32';
    const device = o.device ? { device: o.device } : {};
    const affine = o.affine ?? true;
    this.weight = affine ? parameterFrom(g.ones([numFeatures], { dtype, ...device })) : null;
    this.bias = affine ? parameterFrom(g.zeros([numFeatures], { dtype, ...device })) : null;
    const track = o.trackRunningStats ?? true;
    this.registerBuffer('running_mean', track ? g.zeros([numFeatures], { dtype, ...device }) : null);
    this.registerBuffer('running_var', track ? g.ones([numFeatures], { dtype, ...device }) : null);
    this.registerBuffer('num_batches_tracked', track ? g.zeros([], { dtype: 'int32', ...device }) : null);
  }

  /** A state dict from before num_batches_tracked existed loads with it reset to 0, as PyTorch's version-1 upgrade. */
  protected override stateDictDefaults(): Record<string, number> {
    return this.num_batches_tracked !== null ? { num_batches_tracked: 0 } : {};
  }

  override forward(x: Tensor): Tensor {
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[1] !== this.numFeatures) {
      throw new Error(
        `BatchNorm1d(${this.numFeatures}): expected 2D or 3D input with ${this.numFeatures} channels (got shape [${x.shape.join(', ')}])`,
      );
    }
    const dims = x.ndim === 2 ? [0] : [0, 2];
    const view = (t: Tensor) => (x.ndim === 2 ? t : t.unsqueeze(-1));
    const useBatchStats = this.training || this.running_mean === null;
    const n = x.numel() / this.numFeatures;
    if (useBatchStats && n <= 1) {
      throw new Error(`BatchNorm1d: Expected more than 1 value per channel when training, got input size [${x.shape.join(', ')}]`);
    }
    let mean: Tensor;
    let variance: Tensor;
    if (useBatchStats) {
      mean = x.mean(dims);
      variance = x.var(dims, { correction: 0 });
      if (this.training && this.running_mean !== null) {
        g.noGrad(() => {
          this.num_batches_tracked!.add_(1);
          // PyTorch's momentum=None: a cumulative average, 1 / batches seen.
          const factor = this.momentum ?? 1 / (this.num_batches_tracked!.item() as number);
          this.running_mean!.mul_(1 - factor).add_(mean.detach().mul(factor));
          this.running_var!.mul_(1 - factor).add_(variance.detach().mul((factor * n) / (n - 1)));
        });
      }
    } else {
      mean = this.running_mean!;
      variance = this.running_var!;
    }
    let y = x.sub(view(mean)).mul(view(variance.add(this.eps).rsqrt()));
    if (this.weight) y = y.mul(view(this.weight));
    if (this.bias) y = y.add(view(this.bias));
    return y;
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pythonFloat(this.momentum);
    return `${this.numFeatures}, eps=${pythonFloat(this.eps)}, momentum=${momentum}, affine=${pythonValue(this.weight !== null)}, track_running_stats=${pythonValue(this.running_mean !== null)}`;
  }
}

// These layers free what their forward makes on the way (Module.call).
layersFreeIntermediates(BatchNorm1d);
