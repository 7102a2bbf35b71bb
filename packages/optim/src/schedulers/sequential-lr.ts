/** SequentialLR and ChainedScheduler, as `torch.optim.lr_scheduler`'s: schedulers made of schedulers. */
import { type Check, describe, finiteNumber, integerAtLeast, integerList, listOf } from '../checks.js';
import { resolveOptions } from '../spec.js';
import { type LRSchedulerOptions, LRScheduler, type SchedulableOptimizer, checkOptimizer, lrSchedulerOptions } from './lr-scheduler.js';
import { type SchedulerField, field } from './state.js';

/** The schedulers a SequentialLR or ChainedScheduler is given: LRSchedulers (not ReduceLROnPlateau, as in torch 1.13). */
function schedulersCheck(name: string): Check<LRScheduler[]> {
  return (value, where) => {
    if (!Array.isArray(value) || value.length === 0)
      throw new Error(`${where}schedulers must be a non-empty array of LRSchedulers, got ${describe(value)}`);
    value.forEach((s, i) => {
      if (!(s instanceof LRScheduler))
        throw new Error(
          `${where}schedulers[${i}] is ${describe(s)}, not an LRScheduler (${name} takes epoch-based schedulers, not ReduceLROnPlateau)`,
        );
    });
    return [...value];
  };
}

/** A scheduler made of schedulers: their state dicts nested in its own, and steps that fail change nothing. */
abstract class CompositeScheduler extends LRScheduler {
  protected abstract readonly schedulers: readonly LRScheduler[];

  /** Runs `fn`; if it throws, the schedulers, the groups' options and this scheduler are put back as they were. */
  protected atomically(fn: () => void): void {
    const saved = this.schedulers.map((s) => s.stateDict());
    const groups = this.optimizer.paramGroups.map((group) => ({ ...group }));
    const own = { lastEpoch: this.lastEpoch, lastLr: this.lastLr };
    try {
      fn();
    } catch (error) {
      this.schedulers.forEach((s, i) => s.loadStateDict(saved[i]!));
      this.optimizer.paramGroups.forEach((group, i) => Object.assign(group, groups[i]));
      Object.assign(this, own);
      throw error;
    }
  }

  /** The nested state dicts (PyTorch's `_schedulers`), each checked by its scheduler before any is loaded. */
  protected schedulersField(): SchedulerField {
    const n = this.schedulers.length;
    const plans: Check<(() => void)[]> = (value, where) => {
      if (!Array.isArray(value) || value.length !== n)
        throw new Error(`${where}_schedulers must be an array of ${n} scheduler state dicts, got ${describe(value)}`);
      return value.map((sd, i) => LRScheduler.planLoadOf(this.schedulers[i]!, sd, `${where}_schedulers[${i}]`));
    };
    return field(
      '_schedulers',
      plans,
      () => this.schedulers.map((s) => s.stateDict()) as unknown as (() => void)[],
      (commits) => commits.forEach((commit) => commit()),
    );
  }

  protected getLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Its step takes no epoch (as PyTorch 1.13's, where a SequentialLR in a SequentialLR fails at its milestone). */
  protected override stepTo(): void {
    throw new Error(`${this.name}.step: takes no epoch (as PyTorch 1.13)`);
  }
}

/** Options of SequentialLR (PyTorch's `schedulers`, `milestones`, `last_epoch`, `verbose`). */
export interface SequentialLROptions extends LRSchedulerOptions {
  /** The schedulers, each on the same optimizer (required). */
  schedulers: readonly LRScheduler[];
  /** The epochs at which the next scheduler takes over: one fewer than the schedulers (required). */
  milestones: readonly number[];
}

const sequentialSpec = {
  name: 'SequentialLR',
  options: {
    schedulers: { check: schedulersCheck('SequentialLR') },
    milestones: { check: integerList('milestones') },
    ...lrSchedulerOptions,
  },
};

/**
 * Runs schedulers one after another: `schedulers[i]` from `milestones[i - 1]`
 * on (restarted at epoch 0 there), as PyTorch's SequentialLR (`verbose` does
 * nothing, as there).
 *
 * @example
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new CosineAnnealingLR(opt, { tMax: 95 });
 * const sched = new SequentialLR(opt, { schedulers: [warmup, decay], milestones: [5] });
 */
export class SequentialLR extends CompositeScheduler {
  protected readonly schedulers: readonly LRScheduler[];
  milestones: number[];

  constructor(optimizer: SchedulableOptimizer, options: SequentialLROptions) {
    const o = resolveOptions(sequentialSpec, options) as Required<SequentialLROptions>;
    checkOptimizer('SequentialLR', optimizer);
    o.schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer)
        throw new Error(
          `SequentialLR: Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`,
        );
    });
    if (o.milestones.length !== o.schedulers.length - 1)
      throw new Error(
        `SequentialLR: Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${o.schedulers.length} and the number of milestones to be equal to ${o.milestones.length}`,
      );
    super(optimizer, { verbose: o.verbose });
    this.schedulers = o.schedulers;
    this.milestones = [...o.milestones];
    this.lastEpoch = o.lastEpoch + 1;
    // Back to the initial learning rates, the other schedulers' first steps undone, and the first one's made again.
    for (const group of optimizer.paramGroups) group.lr = group.initialLr!;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    LRScheduler.restart(this.schedulers[0]!);
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  /**
   * Advances one epoch with the scheduler of this epoch (a scheduler starts
   * at its milestone with `step(0)`, its epoch-0 learning rates).
   *
   * @example
   * opt.step(); sched.step();
   */
  override step(...args: never[]): void {
    if (args.length !== 0) throw new Error('SequentialLR.step: takes no epoch (as PyTorch 1.13)');
    this.atomically(() => {
      this.lastEpoch += 1;
      let idx = 0;
      while (idx < this.milestones.length && this.milestones[idx]! <= this.lastEpoch) idx++; // bisect_right
      const s = this.schedulers[idx]!;
      if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) LRScheduler.jump(s, 0);
      else s.step();
      this.lastLr = s.getLastLr();
    });
  }

  protected override stateFields(): SchedulerField[] {
    const n = this.optimizer.paramGroups.length;
    return [
      field(
        '_milestones',
        (value, where) => {
          const milestones = integerList('_milestones')(value, where);
          if (milestones.length !== this.schedulers.length - 1)
            throw new Error(
              `${where}_milestones must hold ${this.schedulers.length - 1} epoch(s), one fewer than the schedulers, got ${milestones.length}`,
            );
          return milestones;
        },
        () => this.milestones,
        (v) => (this.milestones = v),
      ),
      field(
        'last_epoch',
        integerAtLeast('last_epoch', 0),
        () => this.lastEpoch,
        (v) => (this.lastEpoch = v),
      ),
      field(
        '_last_lr',
        listOf('_last_lr', n, (item) => finiteNumber(item)),
        () => this.lastLr,
        (v) => (this.lastLr = v),
      ),
      this.schedulersField(),
    ];
  }
}

/**
 * Steps several schedulers together, each on the learning rates the one
 * before set (their factors multiply), as PyTorch's ChainedScheduler.
 *
 * @example
 * const sched = new ChainedScheduler([new ConstantLR(opt, { factor: 0.1, totalIters: 2 }), new ExponentialLR(opt, { gamma: 0.9 })]);
 */
export class ChainedScheduler extends CompositeScheduler {
  protected readonly schedulers: readonly LRScheduler[];

  constructor(schedulers: readonly LRScheduler[]) {
    const list = schedulersCheck('ChainedScheduler')(schedulers, 'ChainedScheduler: ');
    list.forEach((s, i) => {
      if (s.optimizer !== list[0]!.optimizer)
        throw new Error(
          `ChainedScheduler: ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`,
        );
    });
    super(list[0]!.optimizer);
    this.schedulers = list;
    this.lastLr = list.at(-1)!.optimizer.paramGroups.map((group) => group.lr);
  }

  /**
   * Steps every scheduler, in order.
   *
   * @example
   * opt.step(); sched.step();
   */
  override step(...args: never[]): void {
    if (args.length !== 0) throw new Error('ChainedScheduler.step: takes no epoch (as PyTorch 1.13)');
    this.atomically(() => {
      for (const s of this.schedulers) s.step();
      this.lastLr = this.schedulers.at(-1)!.optimizer.paramGroups.map((group) => group.lr);
    });
  }

  protected override stateFields(): SchedulerField[] {
    const n = this.optimizer.paramGroups.length;
    return [
      field(
        '_last_lr',
        listOf('_last_lr', n, (item) => finiteNumber(item)),
        () => this.lastLr,
        (v) => (this.lastLr = v),
      ),
      this.schedulersField(),
    ];
  }
}
