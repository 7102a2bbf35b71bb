/** BatchNorm1d with running statistics (buffers), as PyTorch. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { Module } from '../module.js';
import { Parameter, parameterFrom } from '../parameter.js';
import type { FactoryOptions } from './basic.js';

/**
 * Batch normalisation over [N, C] or [N, C, L]; running mean/var updated in
 * training with `momentum` (unbiased variance, as PyTorch), used in eval.
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
  readonly momentum: number;

  constructor(readonly numFeatures: number, options: { eps?: number; momentum?: number; affine?: boolean; trackRunningStats?: boolean } & FactoryOptions = {}) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    const dtype = options.dtype ?? 'float32';
    const device = options.device ? { device: options.device } : {};
    const affine = options.affine ?? true;
    this.weight = affine ? parameterFrom(g.ones([numFeatures], { dtype, ...device })) : null;
    this.bias = affine ? parameterFrom(g.zeros([numFeatures], { dtype, ...device })) : null;
    const track = options.trackRunningStats ?? true;
    this.registerBuffer('running_mean', track ? g.zeros([numFeatures], { dtype, ...device }) : null);
    this.registerBuffer('running_var', track ? g.ones([numFeatures], { dtype, ...device }) : null);
    this.registerBuffer('num_batches_tracked', track ? g.zeros([], { dtype: 'int32', ...device }) : null);
  }

  override forward(x: Tensor): Tensor {
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[1] !== this.numFeatures) {
      throw new Error(`BatchNorm1d(${this.numFeatures}): expected 2D or 3D input with ${this.numFeatures} channels (got shape [${x.shape.join(', ')}])`);
    }
    const dims = x.ndim === 2 ? [0] : [0, 2];
    const view = (t: Tensor) => (x.ndim === 2 ? t : t.unsqueeze(-1));
    let mean: Tensor;
    let variance: Tensor;
    if (this.training || this.running_mean === null) {
      mean = x.mean(dims);
      variance = x.var(dims, { correction: 0 });
      if (this.training && this.running_mean !== null) {
        const n = x.numel() / this.numFeatures;
        g.noGrad(() => {
          this.running_mean!.mul_(1 - this.momentum).add_(mean.detach().mul(this.momentum));
          this.running_var!.mul_(1 - this.momentum).add_(variance.detach().mul((this.momentum * n) / Math.max(n - 1, 1)));
          this.num_batches_tracked!.add_(1);
        });
      }
    } else {
      mean = this.running_mean;
      variance = this.running_var!;
    }
    let y = x.sub(view(mean)).mul(view(variance.add(this.eps).rsqrt()));
    if (this.weight) y = y.mul(view(this.weight));
    if (this.bias) y = y.add(view(this.bias));
    return y;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null ? 'True' : 'False'}, track_running_stats=${this.running_mean !== null ? 'True' : 'False'}`;
  }
}
