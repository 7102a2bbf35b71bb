/** ExponentialLR, as `torch.optim.lr_scheduler.ExponentialLR`. */
import { finiteNumber } from '../checks.js';
import { resolveOptions } from '../spec.js';
import { type LRSchedulerOptions, LRScheduler, type SchedulableOptimizer, lrSchedulerOptions } from './lr-scheduler.js';
import { type SchedulerField, field } from './state.js';

/** Options of ExponentialLR (PyTorch's `gamma`, `last_epoch`, `verbose`). */
export interface ExponentialLROptions extends LRSchedulerOptions {
  /** The factor of each epoch's decay (required). */
  gamma: number;
}

const spec = { name: 'ExponentialLR', options: { gamma: { check: finiteNumber('gamma') }, ...lrSchedulerOptions } };

/**
 * Multiplies each group's lr by `gamma` every epoch.
 *
 * @example
 * const sched = new ExponentialLR(opt, { gamma: 0.95 });
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;
  constructor(optimizer: SchedulableOptimizer, options: ExponentialLROptions) {
    const o = resolveOptions(spec, options) as Required<ExponentialLROptions>;
    super(optimizer, { lastEpoch: o.lastEpoch, verbose: o.verbose });
    this.gamma = o.gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    return this.lastEpoch === 0 ? groups.map((g) => g.lr) : groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** this.lastEpoch);
  }
  protected override ownFields(): SchedulerField[] {
    return [
      field(
        'gamma',
        finiteNumber('gamma'),
        () => this.gamma,
        (v) => (this.gamma = v),
      ),
    ];
  }
}
