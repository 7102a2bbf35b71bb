/** MultiplicativeLR, as `torch.optim.lr_scheduler.MultiplicativeLR`. */
import { resolveOptions } from '../spec.js';
import { lambdaFactor, lambdasField, lambdasPerGroup, type LrLambda, lrLambdaCheck } from './lambda-lr.js';
import { type LRSchedulerOptions, LRScheduler, type SchedulableOptimizer, lrSchedulerOptions } from './lr-scheduler.js';
import type { SchedulerField } from './state.js';

/** Options of MultiplicativeLR (PyTorch's `lr_lambda`, `last_epoch`, `verbose`). */
export interface MultiplicativeLROptions extends LRSchedulerOptions {
  /** The factor each epoch multiplies each group's lr by, as a function of the epoch: one, or one per param group (required). */
  lrLambda: LrLambda | readonly LrLambda[];
}

const spec = { name: 'MultiplicativeLR', options: { lrLambda: { check: lrLambdaCheck }, ...lrSchedulerOptions } };

/**
 * Multiplies each group's lr by `lrLambda(epoch)` every epoch. As PyTorch
 * (and LambdaLR), the state dict holds `lr_lambdas` as nulls.
 *
 * @example
 * const sched = new MultiplicativeLR(opt, { lrLambda: () => 0.95 });
 */
export class MultiplicativeLR extends LRScheduler {
  private readonly lrLambdas: LrLambda[];
  constructor(optimizer: SchedulableOptimizer, options: MultiplicativeLROptions) {
    const o = resolveOptions(spec, options) as Required<MultiplicativeLROptions>;
    super(optimizer, { lastEpoch: o.lastEpoch, verbose: o.verbose });
    this.lrLambdas = lambdasPerGroup(this.name, optimizer, o.lrLambda);
    this.initialStep();
  }
  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch <= 0) return groups.map((g) => g.lr);
    return groups.map((g, i) => g.lr * lambdaFactor(this.name, this.lrLambdas[i]!, this.lastEpoch, i));
  }
  protected override stateFields(): SchedulerField[] {
    return [...super.stateFields(), lambdasField(this.lrLambdas.length)];
  }
}
