/**
 * The base of the epoch-based schedulers, as `torch.optim.lr_scheduler._LRScheduler`
 * (PyTorch 2's `LRScheduler`): the same counters, the same chainable updates,
 * the same state dict.
 */
import { describe, finiteNumber, flag, integerAtLeast, listOf } from '../checks.js';
import { Optimizer } from '../optimizer.js';
import { type OptionSpec, resolveOptions } from '../spec.js';
import { type SchedulerField, type SchedulerStateDict, field, packFields, planFields } from './state.js';
import { formatEpoch, formatLr, warnEpochDeprecated } from './verbose.js';

/** What a scheduler needs of an optimizer: param groups with a learning rate. */
export type SchedulableOptimizer = Optimizer<{ lr: number }>;

/** Options every epoch-based scheduler takes (PyTorch's `last_epoch`, `verbose`). */
export interface LRSchedulerOptions {
  /** The index of the last epoch when resuming (default -1: start). Other values need `initialLr` in every group. */
  lastEpoch?: number;
  /** Print each learning-rate change, in PyTorch's words. */
  verbose?: boolean;
}

/** The option table entries of {@link LRSchedulerOptions}, for each scheduler's own table. */
export const lrSchedulerOptions: { readonly [K in keyof LRSchedulerOptions]-?: OptionSpec<NonNullable<LRSchedulerOptions[K]>> } = {
  lastEpoch: { default: -1, check: integerAtLeast('lastEpoch', -1) },
  verbose: { default: false, check: flag('verbose') },
};

/** PyTorch's check that a scheduler is given an optimizer. */
export function checkOptimizer(name: string, optimizer: unknown): asserts optimizer is SchedulableOptimizer {
  if (!(optimizer instanceof Optimizer)) throw new TypeError(`${name}: ${describe(optimizer)} is not an Optimizer`);
}

/**
 * PyTorch's `_format_param` (CyclicLR, OneCycleLR): one value per param
 * group, from one value for all or a list of one per group.
 */
/**
 * A resumed scheduler (`lastEpoch` ≠ -1) reads its starting values from the
 * param groups; a missing one gets PyTorch's message (its key, `initial_lr`,
 * is what a PyTorch state dict carries) and the key Graft reads
 * (`initialLr`).
 *
 * @example
 * missingGroupKey('StepLR', 'initialLr', 0).message;
 * // "StepLR: param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer (Graft reads paramGroups[0].initialLr: …)"
 */
export function missingGroupKey(scheduler: string, key: string, group: number): Error {
  const pytorch = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return new Error(
    `${scheduler}: param '${pytorch}' is not specified in param_groups[${group}] when resuming an optimizer (Graft reads paramGroups[${group}].${key}: set it in each group, or load the optimizer's state dict, which carries it, first)`,
  );
}

export function formatParam(scheduler: string, name: string, groups: number, value: number | readonly number[]): number[] {
  if (!Array.isArray(value)) return Array.from({ length: groups }, () => value as number);
  if (value.length !== groups) throw new Error(`${scheduler}: expected ${groups} values for ${name}, got ${value.length}`);
  return [...value];
}

/**
 * Base of the epoch-based schedulers. Each step computes the new learning
 * rates from the current ones (PyTorch's chainable form), so a scheduler
 * composes with lr changes made outside it and with other schedulers, as in
 * PyTorch. A subclass sets its own fields, then calls `initialStep()` (which
 * applies epoch 0, as PyTorch's constructor does), and implements `getLr`.
 *
 * @example
 * class HalveEveryEpoch extends LRScheduler {
 *   constructor(opt: SchedulableOptimizer) { super(opt); this.initialStep(); }
 *   protected getLr() { return this.optimizer.paramGroups.map((g) => (this.lastEpoch === 0 ? g.lr : g.lr / 2)); }
 * }
 */
export abstract class LRScheduler {
  readonly optimizer: SchedulableOptimizer;
  /** The epoch of the learning rates now set (0 after construction). */
  lastEpoch: number;
  /** Each group's `initialLr`. */
  baseLrs: number[];
  verbose: boolean;
  /** PyTorch's `_step_count`: calls of `step()`, the constructor's included. */
  protected stepCount = 0;
  /** PyTorch's `_last_lr`: the learning rates the last step set. */
  protected lastLr: number[] = [];
  /** The name in messages (the class's). */
  protected readonly name: string;

  constructor(optimizer: SchedulableOptimizer, options: LRSchedulerOptions = {}) {
    this.name = new.target.name;
    checkOptimizer(this.name, optimizer);
    const { lastEpoch, verbose } = resolveOptions(
      { name: this.name, options: lrSchedulerOptions },
      options,
    ) as Required<LRSchedulerOptions>;
    this.optimizer = optimizer;
    const groups = optimizer.paramGroups;
    if (lastEpoch === -1) for (const group of groups) group.initialLr ??= group.lr;
    else {
      groups.forEach((group, i) => {
        if (group.initialLr === undefined) throw missingGroupKey(this.name, 'initialLr', i);
      });
    }
    this.baseLrs = groups.map((group) => group.initialLr!);
    this.lastEpoch = lastEpoch;
    this.verbose = verbose;
  }

  /** Applies the learning rates of the first epoch; subclasses call it at the end of their constructor. */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The next learning rates from the current ones (PyTorch's chainable `get_lr`), at `lastEpoch`. */
  protected abstract getLr(): number[];

  /** The learning rates at `lastEpoch` from `baseLrs` alone, used by the deprecated `step(epoch)`; default `getLr`. */
  protected closedFormLr(): number[] {
    return this.getLr();
  }

  /**
   * Advances one epoch and sets each group's lr. `step(epoch)` (deprecated in
   * PyTorch, which warns) jumps to `epoch` with the closed form.
   *
   * @example
   * opt.step(); sched.step();
   */
  step(epoch?: number): void {
    this.advance(epoch, true);
  }

  /**
   * One step: the learning rates of the next epoch (or of `epoch`, by the
   * closed form), all checked before any is set, so a failed step changes
   * nothing; then `commitStep`.
   */
  private advance(epoch: number | undefined, warn: boolean): void {
    const before = { lastEpoch: this.lastEpoch, stepCount: this.stepCount };
    let values: number[];
    try {
      this.stepCount++;
      if (epoch === undefined) {
        this.lastEpoch++;
        values = this.getLr();
      } else {
        this.lastEpoch = integerAtLeast('epoch', 0)(epoch, `${this.name}.step: `);
        if (warn) warnEpochDeprecated();
        values = this.closedFormLr();
      }
      values.forEach((lr, i) => finiteNumber(`the learning rate of param group ${i}`)(lr, `${this.name}.step: `));
    } catch (error) {
      Object.assign(this, before);
      throw error;
    }
    this.setLrs(values, epoch);
    this.commitStep();
  }

  /** Sets each group's lr (printing it when verbose) and records them as the last ones. */
  protected setLrs(values: readonly number[], epoch?: number): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      group.lr = values[i]!;
      if (this.verbose) {
        const lr = formatLr(values[i]!);
        console.log(
          epoch === undefined
            ? `Adjusting learning rate of group ${i} to ${lr}.`
            : `Epoch ${formatEpoch(epoch)}: adjusting learning rate of group ${i} to ${lr}.`,
        );
      }
    });
    this.lastLr = this.optimizer.paramGroups.map((group) => group.lr);
  }

  /** Runs after a step has set the learning rates (CyclicLR and OneCycleLR set the momentum here). */
  protected commitStep(): void {}

  /** `s`'s first step again (SequentialLR restarts its first scheduler, as PyTorch's `_initial_step`). */
  protected static restart(s: LRScheduler): void {
    s.initialStep();
  }

  /** `s.step(epoch)` without the deprecation warning: SequentialLR's jump to epoch 0 at a milestone. */
  protected static jump(s: LRScheduler, epoch: number): void {
    s.stepTo(epoch);
  }

  /** What `step(epoch)` does, without the deprecation warning (a scheduler whose own `step(epoch)` is not deprecated overrides it). */
  protected stepTo(epoch: number): void {
    this.advance(epoch, false);
  }

  /** Checks `stateDict` against `s`'s fields and returns what loads it (SequentialLR checks every scheduler's first). */
  protected static planLoadOf(s: LRScheduler, stateDict: unknown, op: string): () => void {
    return s.planLoad(stateDict, op);
  }

  /** Checks a state dict and returns what loads it; nothing changes until it is called. */
  protected planLoad(stateDict: unknown, op: string): () => void {
    return planFields(op, stateDict, this.stateFields());
  }

  /**
   * The learning rates the last `step()` set (PyTorch's `get_last_lr`).
   *
   * @example
   * sched.getLastLr(); // [0.1]
   */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's own settings in the state dict (PyTorch's names), before the common fields. */
  protected ownFields(): SchedulerField[] {
    return [];
  }

  /** Every field of the state dict, in PyTorch's order. */
  protected stateFields(): SchedulerField[] {
    const n = this.optimizer.paramGroups.length;
    const lrs = (name: string) => listOf(name, n, (item) => finiteNumber(item));
    return [
      ...this.ownFields(),
      field(
        'base_lrs',
        lrs('base_lrs'),
        () => this.baseLrs,
        (v) => (this.baseLrs = v),
      ),
      field(
        'last_epoch',
        integerAtLeast('last_epoch', -1),
        () => this.lastEpoch,
        (v) => (this.lastEpoch = v),
      ),
      field(
        'verbose',
        flag('verbose'),
        () => this.verbose,
        (v) => (this.verbose = v),
        true,
      ),
      field(
        '_step_count',
        integerAtLeast('_step_count', 0),
        () => this.stepCount,
        (v) => (this.stepCount = v),
      ),
      // PyTorch saves this flag of its own bookkeeping; always false between steps.
      field(
        '_get_lr_called_within_step',
        flag('_get_lr_called_within_step'),
        () => false,
        () => {},
        true,
      ),
      field(
        '_last_lr',
        lrs('_last_lr'),
        () => this.lastLr,
        (v) => (this.lastLr = v),
      ),
    ];
  }

  /**
   * The scheduler's state in PyTorch's layout (what `scheduler.state_dict()`
   * returns: `last_epoch`, `base_lrs`, `_step_count`, `_last_lr` and the
   * scheduler's settings under PyTorch's names).
   *
   * @example
   * const saved = sched.stateDict(); // { step_size: 30, gamma: 0.1, base_lrs: [0.1], last_epoch: 0, … }
   */
  stateDict(): SchedulerStateDict {
    return packFields(this.stateFields());
  }

  /**
   * Restores a state dict in PyTorch's layout (from `stateDict()` or PyTorch).
   * Every key and value is checked before anything changes. As in PyTorch,
   * the optimizer's learning rates are not touched: load the optimizer's
   * state dict too.
   *
   * @example
   * sched.loadStateDict(saved);
   */
  loadStateDict(stateDict: SchedulerStateDict): void {
    this.planLoad(stateDict, `${this.name}.loadStateDict`)();
  }
}
