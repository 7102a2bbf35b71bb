/** StepLR, as `torch.optim.lr_scheduler.StepLR`. */
import { finiteNumber, integerAtLeast } from '../checks.js';
import { resolveOptions } from '../spec.js';
import { type LRSchedulerOptions, LRScheduler, type SchedulableOptimizer, lrSchedulerOptions } from './lr-scheduler.js';
import { type SchedulerField, field } from './state.js';

/** Options of StepLR (PyTorch's `step_size`, `gamma`, `last_epoch`, `verbose`). */
export interface StepLROptions extends LRSchedulerOptions {
  /** Epochs between decays (required; a positive integer). */
  stepSize: number;
  /** The factor of each decay (default 0.1). */
  gamma?: number;
}

const stepSize = (name: string) => integerAtLeast(name, 1);

const spec = {
  name: 'StepLR',
  options: { stepSize: { check: stepSize('stepSize') }, gamma: { default: 0.1, check: finiteNumber('gamma') }, ...lrSchedulerOptions },
};

/**
 * Multiplies each group's lr by `gamma` every `stepSize` epochs (lr · gamma^⌊epoch / stepSize⌋
 * when nothing else changes it).
 *
 * @example
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;
  constructor(optimizer: SchedulableOptimizer, options: StepLROptions) {
    const o = resolveOptions(spec, options) as Required<StepLROptions>;
    super(optimizer, { lastEpoch: o.lastEpoch, verbose: o.verbose });
    this.stepSize = o.stepSize;
    this.gamma = o.gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
  protected override ownFields(): SchedulerField[] {
    return [
      field(
        'step_size',
        stepSize('step_size'),
        () => this.stepSize,
        (v) => (this.stepSize = v),
      ),
      field(
        'gamma',
        finiteNumber('gamma'),
        () => this.gamma,
        (v) => (this.gamma = v),
      ),
    ];
  }
}
