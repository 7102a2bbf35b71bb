/** MultiStepLR, as `torch.optim.lr_scheduler.MultiStepLR`. */
import { type Check, describe, finiteNumber, integerList } from '../checks.js';
import { resolveOptions } from '../spec.js';
import { type LRSchedulerOptions, LRScheduler, type SchedulableOptimizer, lrSchedulerOptions } from './lr-scheduler.js';
import { type SchedulerField, field } from './state.js';

/** Options of MultiStepLR (PyTorch's `milestones`, `gamma`, `last_epoch`, `verbose`). */
export interface MultiStepLROptions extends LRSchedulerOptions {
  /** The epochs at which the lr decays (required; increasing; a repeated one decays as many times). */
  milestones: readonly number[];
  /** The factor of each decay (default 0.1). */
  gamma?: number;
}

const spec = {
  name: 'MultiStepLR',
  options: {
    milestones: { check: integerList('milestones') },
    gamma: { default: 0.1, check: finiteNumber('gamma') },
    ...lrSchedulerOptions,
  },
};

/** PyTorch's `Counter(milestones)` as its state dict holds it: epoch → how many times it is listed. */
type Counter = Record<string, number>;

function countOf(milestones: readonly number[]): Counter {
  const counter: Counter = {};
  for (const m of milestones) counter[m] = (counter[m] ?? 0) + 1;
  return counter;
}

const counterCheck: Check<Counter> = (value, where) => {
  const ok =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.entries(value).every(([k, n]) => Number.isInteger(Number(k)) && k.trim() !== '' && Number.isInteger(n) && (n as number) > 0);
  if (!ok) throw new Error(`${where}milestones must be an object of epoch → count (PyTorch's Counter), got ${describe(value)}`);
  return { ...(value as Counter) };
};

/**
 * Multiplies each group's lr by `gamma` at each milestone epoch (lr ·
 * gamma^(milestones passed) when nothing else changes it).
 *
 * @example
 * const sched = new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 */
export class MultiStepLR extends LRScheduler {
  /** PyTorch's `Counter(milestones)`. */
  milestones: Counter;
  gamma: number;
  constructor(optimizer: SchedulableOptimizer, options: MultiStepLROptions) {
    const o = resolveOptions(spec, options) as Required<MultiStepLROptions>;
    super(optimizer, { lastEpoch: o.lastEpoch, verbose: o.verbose });
    this.milestones = countOf(o.milestones);
    this.gamma = o.gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const count = this.milestones[this.lastEpoch];
    if (count === undefined) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma ** count);
  }
  protected override closedFormLr(): number[] {
    // bisect_right over the sorted milestones (with repeats): how many are ≤ last_epoch.
    let passed = 0;
    for (const [m, n] of Object.entries(this.milestones)) if (Number(m) <= this.lastEpoch) passed += n;
    return this.baseLrs.map((base) => base * this.gamma ** passed);
  }
  protected override ownFields(): SchedulerField[] {
    return [
      field(
        'milestones',
        counterCheck,
        () => ({ ...this.milestones }),
        (v) => (this.milestones = v),
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
