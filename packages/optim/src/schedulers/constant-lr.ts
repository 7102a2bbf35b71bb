/** ConstantLR, as `torch.optim.lr_scheduler.ConstantLR`. */
import { type Check, finiteNumber, integerAtLeast } from '../checks.js';
import { resolveOptions } from '../spec.js';
import { type LRSchedulerOptions, LRScheduler, type SchedulableOptimizer, lrSchedulerOptions } from './lr-scheduler.js';
import { type SchedulerField, field } from './state.js';

/** Options of ConstantLR (PyTorch's `factor`, `total_iters`, `last_epoch`, `verbose`). */
export interface ConstantLROptions extends LRSchedulerOptions {
  /** The factor of the lr until `totalIters` (default 1/3, in [0, 1]). */
  factor?: number;
  /** The epoch at which the lr goes back up (default 5). */
  totalIters?: number;
}

/** PyTorch's check: 0 ≤ factor ≤ 1, with its message. */
const factor =
  (name: string): Check<number> =>
  (value, where) => {
    const f = finiteNumber(name)(value, where);
    if (f > 1 || f < 0) throw new Error(`${where}Constant multiplicative factor expected to be between 0 and 1.`);
    return f;
  };
const totalIters = (name: string) => integerAtLeast(name, 0);

const spec = {
  name: 'ConstantLR',
  options: {
    factor: { default: 1 / 3, check: factor('factor') },
    totalIters: { default: 5, check: totalIters('totalIters') },
    ...lrSchedulerOptions,
  },
};

/**
 * Multiplies each group's lr by `factor` until epoch `totalIters`, then
 * restores it (a warm-up at a constant lower lr).
 *
 * @example
 * const sched = new ConstantLR(opt, { factor: 0.5, totalIters: 4 });
 */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;
  constructor(optimizer: SchedulableOptimizer, options?: ConstantLROptions) {
    const o = resolveOptions(spec, options) as Required<ConstantLROptions>;
    super(optimizer, { lastEpoch: o.lastEpoch, verbose: o.verbose });
    this.factor = o.factor;
    this.totalIters = o.totalIters;
    this.initialStep();
  }
  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 / this.factor));
  }
  protected override closedFormLr(): number[] {
    const reached = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((base) => base * (this.factor + reached * (1 - this.factor)));
  }
  protected override ownFields(): SchedulerField[] {
    return [
      field(
        'factor',
        factor('factor'),
        () => this.factor,
        (v) => (this.factor = v),
      ),
      field(
        'total_iters',
        totalIters('total_iters'),
        () => this.totalIters,
        (v) => (this.totalIters = v),
      ),
    ];
  }
}
