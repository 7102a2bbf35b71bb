/** LinearLR, as `torch.optim.lr_scheduler.LinearLR`. */
import { type Check, finiteNumber, integerAtLeast } from '../checks.js';
import { resolveOptions } from '../spec.js';
import { type LRSchedulerOptions, LRScheduler, type SchedulableOptimizer, lrSchedulerOptions } from './lr-scheduler.js';
import { type SchedulerField, field } from './state.js';

/** Options of LinearLR (PyTorch's `start_factor`, `end_factor`, `total_iters`, `last_epoch`, `verbose`). */
export interface LinearLROptions extends LRSchedulerOptions {
  /** The factor of the lr at epoch 0 (default 1/3, in [0, 1]). */
  startFactor?: number;
  /** The factor at epoch `totalIters` and after (default 1, in [0, 1]). */
  endFactor?: number;
  /** Epochs of the linear change (default 5). */
  totalIters?: number;
}

/** PyTorch's checks: 0 ≤ factor ≤ 1, with its messages. */
const factor =
  (name: string, which: 'Starting' | 'Ending'): Check<number> =>
  (value, where) => {
    const f = finiteNumber(name)(value, where);
    if (f > 1 || f < 0) throw new Error(`${where}${which} multiplicative factor expected to be between 0 and 1.`);
    return f;
  };
const totalIters = (name: string) => integerAtLeast(name, 0);

const spec = {
  name: 'LinearLR',
  options: {
    startFactor: { default: 1 / 3, check: factor('startFactor', 'Starting') },
    endFactor: { default: 1, check: factor('endFactor', 'Ending') },
    totalIters: { default: 5, check: totalIters('totalIters') },
    ...lrSchedulerOptions,
  },
};

/**
 * Changes each group's lr factor linearly from `startFactor` to `endFactor`
 * over `totalIters` epochs (a linear warm-up by default), by PyTorch's
 * chainable formula.
 *
 * @example
 * const sched = new LinearLR(opt, { startFactor: 0.1, totalIters: 10 });
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;
  constructor(optimizer: SchedulableOptimizer, options?: LinearLROptions) {
    const o = resolveOptions(spec, options) as Required<LinearLROptions>;
    super(optimizer, { lastEpoch: o.lastEpoch, verbose: o.verbose });
    this.startFactor = o.startFactor;
    this.endFactor = o.endFactor;
    this.totalIters = o.totalIters;
    this.initialStep();
  }
  protected getLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: end, totalIters: T } = this;
    const groups = this.optimizer.paramGroups;
    if (e === 0) return groups.map((g) => g.lr * s);
    if (e > T) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 + (end - s) / (T * s + (e - 1) * (end - s))));
  }
  protected override closedFormLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: end, totalIters: T } = this;
    return this.baseLrs.map((base) => base * (s + ((end - s) * Math.min(T, e)) / T));
  }
  protected override ownFields(): SchedulerField[] {
    return [
      field(
        'start_factor',
        factor('start_factor', 'Starting'),
        () => this.startFactor,
        (v) => (this.startFactor = v),
      ),
      field(
        'end_factor',
        factor('end_factor', 'Ending'),
        () => this.endFactor,
        (v) => (this.endFactor = v),
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
