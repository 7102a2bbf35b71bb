/** PolynomialLR, as `torch.optim.lr_scheduler.PolynomialLR`. */
import { finiteNumber, integerAtLeast } from '../checks.js';
import { resolveOptions } from '../spec.js';
import { type LRSchedulerOptions, LRScheduler, type SchedulableOptimizer, lrSchedulerOptions } from './lr-scheduler.js';
import { type SchedulerField, field } from './state.js';

/** Options of PolynomialLR (PyTorch's `total_iters`, `power`, `last_epoch`, `verbose`). */
export interface PolynomialLROptions extends LRSchedulerOptions {
  /** Epochs of the decay, to 0 (default 5). */
  totalIters?: number;
  /** The power of the polynomial (default 1: linear). */
  power?: number;
}

const totalIters = (name: string) => integerAtLeast(name, 0);

const spec = {
  name: 'PolynomialLR',
  options: {
    totalIters: { default: 5, check: totalIters('totalIters') },
    power: { default: 1, check: finiteNumber('power') },
    ...lrSchedulerOptions,
  },
};

/**
 * Decays each group's lr to 0 over `totalIters` epochs as
 * (1 - epoch / totalIters)^power, by PyTorch's chainable formula.
 *
 * @example
 * const sched = new PolynomialLR(opt, { totalIters: 100, power: 2 });
 */
export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;
  constructor(optimizer: SchedulableOptimizer, options?: PolynomialLROptions) {
    const o = resolveOptions(spec, options) as Required<PolynomialLROptions>;
    super(optimizer, { lastEpoch: o.lastEpoch, verbose: o.verbose });
    this.totalIters = o.totalIters;
    this.power = o.power;
    this.initialStep();
  }
  protected getLr(): number[] {
    const { lastEpoch: e, totalIters: T } = this;
    const groups = this.optimizer.paramGroups;
    if (e === 0 || e > T) return groups.map((g) => g.lr);
    const decay = ((1 - e / T) / (1 - (e - 1) / T)) ** this.power;
    return groups.map((g) => g.lr * decay);
  }
  protected override closedFormLr(): number[] {
    const { lastEpoch: e, totalIters: T } = this;
    return this.baseLrs.map((base) => base * (1 - Math.min(T, e) / T) ** this.power);
  }
  protected override ownFields(): SchedulerField[] {
    return [
      field(
        'total_iters',
        totalIters('total_iters'),
        () => this.totalIters,
        (v) => (this.totalIters = v),
      ),
      field(
        'power',
        finiteNumber('power'),
        () => this.power,
        (v) => (this.power = v),
      ),
    ];
  }
}
