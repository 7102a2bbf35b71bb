/** CosineAnnealingLR, as `torch.optim.lr_scheduler.CosineAnnealingLR`. */
import { finiteNumber, positiveNumber } from '../checks.js';
import { resolveOptions } from '../spec.js';
import { type LRSchedulerOptions, LRScheduler, type SchedulableOptimizer, lrSchedulerOptions } from './lr-scheduler.js';
import { type SchedulerField, field } from './state.js';

/** Options of CosineAnnealingLR (PyTorch's `T_max`, `eta_min`, `last_epoch`, `verbose`). */
export interface CosineAnnealingLROptions extends LRSchedulerOptions {
  /** Epochs of a half cosine (PyTorch's `T_max`; required, > 0). */
  tMax: number;
  /** The lowest learning rate (PyTorch's `eta_min`, default 0). */
  etaMin?: number;
}

const spec = {
  name: 'CosineAnnealingLR',
  options: { tMax: { check: positiveNumber('tMax') }, etaMin: { default: 0, check: finiteNumber('etaMin') }, ...lrSchedulerOptions },
};

/**
 * Anneals each group's lr from its initial value to `etaMin` along a cosine
 * over `tMax` epochs (and back up after, as PyTorch), by PyTorch's recursive
 * formula, so it composes with other changes to the lr.
 *
 * @example
 * const sched = new CosineAnnealingLR(opt, { tMax: 100 });
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;
  constructor(optimizer: SchedulableOptimizer, options: CosineAnnealingLROptions) {
    const o = resolveOptions(spec, options) as Required<CosineAnnealingLROptions>;
    super(optimizer, { lastEpoch: o.lastEpoch, verbose: o.verbose });
    this.tMax = o.tMax;
    this.etaMin = o.etaMin;
    this.initialStep();
  }
  // PyTorch's get_lr, operation for operation, so the learning rates agree to the last bit.
  protected getLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin: eta, baseLrs } = this;
    const groups = this.optimizer.paramGroups;
    if (e === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && e > 0) return baseLrs.map((base) => eta + ((base - eta) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    if ((e - 1 - T) % (2 * T) === 0) return groups.map((g, i) => g.lr + ((baseLrs[i]! - eta) * (1 - Math.cos(Math.PI / T))) / 2);
    return groups.map((g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - eta) + eta);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2);
  }
  protected override ownFields(): SchedulerField[] {
    return [
      field(
        'T_max',
        positiveNumber('T_max'),
        () => this.tMax,
        (v) => (this.tMax = v),
      ),
      field(
        'eta_min',
        finiteNumber('eta_min'),
        () => this.etaMin,
        (v) => (this.etaMin = v),
      ),
    ];
  }
}
