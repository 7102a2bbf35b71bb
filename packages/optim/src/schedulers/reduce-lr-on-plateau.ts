/** ReduceLROnPlateau, as `torch.optim.lr_scheduler.ReduceLROnPlateau`. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { type Check, describe, finiteNumber, flag, integerAtLeast, listOf, oneOf, pytorchRange } from '../checks.js';
import { Optimizer } from '../optimizer.js';
import { resolveOptions } from '../spec.js';
import type { SchedulableOptimizer } from './lr-scheduler.js';
import { type SchedulerField, type SchedulerStateDict, field, loadFields, packFields } from './state.js';
import { formatEpoch, formatLr, warnEpochDeprecated } from './verbose.js';

/** Options of ReduceLROnPlateau (PyTorch's keyword arguments and defaults, camelCase). */
export interface ReduceLROnPlateauOptions {
  /** `'min'`: a metric that should fall (default); `'max'`: one that should rise. */
  mode?: 'min' | 'max';
  /** The factor of each reduction (default 0.1; < 1). */
  factor?: number;
  /** Bad epochs tolerated before a reduction (default 10). */
  patience?: number;
  /** The least change that counts as better (default 1e-4). */
  threshold?: number;
  /** `'rel'` (default): relative to the best; `'abs'`: absolute. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** The lowest lr: one for every group, or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
  /** Print each reduction, in PyTorch's words. */
  verbose?: boolean;
}

const factor =
  (name: string): Check<number> =>
  (value, where) => {
    const f = finiteNumber(name)(value, where);
    if (f >= 1) throw new Error(`${where}Factor should be < 1.0. (got ${name}=${f})`);
    return f;
  };
const mode = oneOf(['min', 'max'] as const, (v) => `mode ${v} is unknown!`);
const thresholdMode = oneOf(['rel', 'abs'] as const, (v) => `threshold mode ${v} is unknown!`);
const patience = (name: string) => integerAtLeast(name, 0, true);
const minLr = (label: string) => pytorchRange(label, 0);
const minLrOption: Check<number | readonly number[]> = (value, where) =>
  Array.isArray(value) ? value.map((v, i) => minLr(`minLr[${i}]`)(v, where)) : minLr('minLr')(value, where);

const spec = {
  name: 'ReduceLROnPlateau',
  options: {
    mode: { default: 'min' as const, check: mode },
    factor: { default: 0.1, check: factor('factor') },
    patience: { default: 10, check: patience('patience') },
    threshold: { default: 1e-4, check: finiteNumber('threshold') },
    thresholdMode: { default: 'rel' as const, check: thresholdMode },
    cooldown: { default: 0, check: integerAtLeast('cooldown', 0) },
    minLr: { default: 0 as number | readonly number[], check: minLrOption },
    eps: { default: 1e-8, check: pytorchRange('eps', 0) },
    verbose: { default: false, check: flag('verbose') },
  },
};

/**
 * Reduces each group's lr by `factor` when a metric has not improved for
 * `patience` epochs. `step(metric)` takes a number or a one-element tensor
 * (a loss), as PyTorch's `float(metrics)`.
 *
 * @example
 * const sched = new ReduceLROnPlateau(opt, { patience: 2 });
 * sched.step(valLoss);
 */
export class ReduceLROnPlateau {
  readonly optimizer: SchedulableOptimizer;
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  /** The lowest lr of each group. */
  minLrs: number[];
  eps: number;
  verbose: boolean;
  /** The best metric so far (starts at the worst: ±Infinity). */
  best: number;
  /** Epochs since the metric last improved. */
  numBadEpochs = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  lastEpoch = 0;
  /** PyTorch's `_last_lr`: the learning rates after the last step (absent before one). */
  private lastLr: number[] | undefined;

  constructor(optimizer: SchedulableOptimizer, options?: ReduceLROnPlateauOptions) {
    const o = resolveOptions(spec, options) as Required<ReduceLROnPlateauOptions>;
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`ReduceLROnPlateau: ${describe(optimizer)} is not an Optimizer`);
    this.optimizer = optimizer;
    const n = optimizer.paramGroups.length;
    if (Array.isArray(o.minLr) && o.minLr.length !== n) throw new Error(`ReduceLROnPlateau: expected ${n} min_lrs, got ${o.minLr.length}`);
    this.minLrs = Array.isArray(o.minLr) ? [...o.minLr] : Array.from({ length: n }, () => o.minLr as number);
    this.mode = o.mode;
    this.factor = o.factor;
    this.patience = o.patience;
    this.threshold = o.threshold;
    this.thresholdMode = o.thresholdMode;
    this.cooldown = o.cooldown;
    this.eps = o.eps;
    this.verbose = o.verbose;
    this.best = this.modeWorse;
  }

  /** The worst value for the mode (PyTorch's `mode_worse`), where `best` starts. */
  private get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    const { mode, threshold, thresholdMode, best } = this;
    if (mode === 'min') return thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }

  /**
   * Records the epoch's metric and reduces the learning rates after
   * `patience` bad epochs. `epoch` is PyTorch's deprecated argument.
   *
   * @example
   * sched.step(valLoss);
   */
  step(metrics: number | Tensor, epoch?: number): void {
    const current = metrics instanceof g.Tensor && metrics.numel() === 1 ? Number(metrics.dataSync()[0]) : metrics;
    if (typeof current !== 'number')
      throw new TypeError(`ReduceLROnPlateau.step: metrics must be a number or a one-element Tensor, got ${describe(metrics)}`);
    if (epoch !== undefined) {
      integerAtLeast('epoch', 0)(epoch, 'ReduceLROnPlateau.step: ');
      warnEpochDeprecated();
    }
    this.lastEpoch = epoch ?? this.lastEpoch + 1;
    if (this.isBetter(current)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else this.numBadEpochs++;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((group, i) => {
        const old = group.lr;
        const next = Math.max(old * this.factor, this.minLrs[i]!);
        if (old - next > this.eps) {
          group.lr = next;
          if (this.verbose) console.log(`Epoch ${formatEpoch(this.lastEpoch)}: reducing learning rate of group ${i} to ${formatLr(next)}.`);
        }
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * The learning rates after the last step (the current ones before any).
   *
   * @example
   * sched.getLastLr(); // [0.1]
   */
  getLastLr(): number[] {
    return this.lastLr ? [...this.lastLr] : this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Every field of the state dict, in PyTorch's order (its attribute names). */
  private stateFields(): SchedulerField[] {
    const n = this.optimizer.paramGroups.length;
    const metric: Check<number> = (value, where) => {
      if (typeof value !== 'number' || Number.isNaN(value)) throw new Error(`${where}must be a number, got ${describe(value)}`);
      return value;
    };
    return [
      field(
        'factor',
        factor('factor'),
        () => this.factor,
        (v) => (this.factor = v),
      ),
      field(
        'min_lrs',
        listOf('min_lrs', n, minLr),
        () => this.minLrs,
        (v) => (this.minLrs = v),
      ),
      field(
        'patience',
        patience('patience'),
        () => this.patience,
        (v) => (this.patience = v),
      ),
      field(
        'verbose',
        flag('verbose'),
        () => this.verbose,
        (v) => (this.verbose = v),
        true,
      ),
      field(
        'cooldown',
        integerAtLeast('cooldown', 0),
        () => this.cooldown,
        (v) => (this.cooldown = v),
      ),
      field(
        'cooldown_counter',
        integerAtLeast('cooldown_counter', 0),
        () => this.cooldownCounter,
        (v) => (this.cooldownCounter = v),
      ),
      field(
        'mode',
        mode,
        () => this.mode,
        (v) => (this.mode = v),
      ),
      field(
        'threshold',
        finiteNumber('threshold'),
        () => this.threshold,
        (v) => (this.threshold = v),
      ),
      field(
        'threshold_mode',
        thresholdMode,
        () => this.thresholdMode,
        (v) => (this.thresholdMode = v),
      ),
      field(
        'best',
        metric,
        () => this.best,
        (v) => (this.best = v),
      ),
      field(
        'num_bad_epochs',
        integerAtLeast('num_bad_epochs', 0),
        () => this.numBadEpochs,
        (v) => (this.numBadEpochs = v),
      ),
      // Derived from mode; PyTorch recomputes it on load (_init_is_better).
      field(
        'mode_worse',
        metric,
        () => this.modeWorse,
        () => {},
      ),
      field(
        'eps',
        pytorchRange('eps', 0),
        () => this.eps,
        (v) => (this.eps = v),
      ),
      field(
        'last_epoch',
        integerAtLeast('last_epoch', 0),
        () => this.lastEpoch,
        (v) => (this.lastEpoch = v),
      ),
      // PyTorch's _last_lr exists once step() has run (stateDict leaves it out before).
      field(
        '_last_lr',
        listOf('_last_lr', n, (item) => finiteNumber(item)),
        () => this.lastLr as number[],
        (v) => (this.lastLr = v),
        true,
      ),
    ];
  }

  /**
   * The state in PyTorch's layout (what its `state_dict()` returns: `best`,
   * `num_bad_epochs`, `cooldown_counter`, `last_epoch`, the settings, …).
   *
   * @example
   * const saved = sched.stateDict();
   */
  stateDict(): SchedulerStateDict {
    const out = packFields(this.stateFields());
    if (out['_last_lr'] === undefined) delete out['_last_lr'];
    return out;
  }

  /**
   * Restores a state dict in PyTorch's layout; every key and value is checked
   * before anything changes.
   *
   * @example
   * sched.loadStateDict(saved);
   */
  loadStateDict(stateDict: SchedulerStateDict): void {
    loadFields('ReduceLROnPlateau.loadStateDict', stateDict, this.stateFields());
  }
}
