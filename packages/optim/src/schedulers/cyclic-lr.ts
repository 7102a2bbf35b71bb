/** CyclicLR, as `torch.optim.lr_scheduler.CyclicLR`. */
import { type Check, describe, finiteNumber, flag, listOf, numberOrList, oneOf, orNull, positiveNumber, pytorchRange } from '../checks.js';
import { resolveOptions } from '../spec.js';
import {
  type LRSchedulerOptions,
  LRScheduler,
  type SchedulableOptimizer,
  checkOptimizer,
  formatParam,
  lrSchedulerOptions,
} from './lr-scheduler.js';
import { type SchedulerField, field } from './state.js';

/** A custom scale policy: the factor of the cycle's amplitude, in [0, 1], for a cycle number or an iteration. */
export type ScaleFn = (x: number) => number;

/** CyclicLR's built-in policies. */
export type CyclicLRMode = 'triangular' | 'triangular2' | 'exp_range';

/** Options of CyclicLR (PyTorch's keyword arguments, camelCase; the values PyTorch's). */
export interface CyclicLROptions extends LRSchedulerOptions {
  /** The lower lr of the cycle: one, or one per param group (required; PyTorch's `base_lr`). */
  baseLr: number | readonly number[];
  /** The upper lr of the cycle: one, or one per param group (required). */
  maxLr: number | readonly number[];
  /** Iterations of the rising half (default 2000). */
  stepSizeUp?: number;
  /** Iterations of the falling half (default null: `stepSizeUp`). */
  stepSizeDown?: number | null;
  /** 'triangular' (default), 'triangular2' (halve the amplitude each cycle), 'exp_range' (scale it by gamma^iteration); ignored with `scaleFn`. */
  mode?: CyclicLRMode;
  /** The base of 'exp_range' (default 1). */
  gamma?: number;
  /** A custom scale policy (default null); `mode` is then ignored. */
  scaleFn?: ScaleFn | null;
  /** What `scaleFn` is given: 'cycle' (default) or 'iterations'. */
  scaleMode?: 'cycle' | 'iterations';
  /** Cycle the momentum inversely to the lr (default true; the optimizer needs a `momentum` option in torch 1.13). */
  cycleMomentum?: boolean;
  /** The lower momentum: one, or one per group (default 0.8). */
  baseMomentum?: number | readonly number[];
  /** The upper momentum: one, or one per group (default 0.9). */
  maxMomentum?: number | readonly number[];
}

const MODES = ['triangular', 'triangular2', 'exp_range'] as const;

const isMode: Check<string> = (value, where) => {
  if (typeof value !== 'string')
    throw new Error(`${where}mode must be a string (${MODES.map((m) => `'${m}'`).join(', ')}), got ${describe(value)}`);
  return value;
};
const scaleFnCheck: Check<ScaleFn | null> = orNull((value, where) => {
  if (typeof value !== 'function') throw new Error(`${where}scaleFn must be a function or null, got ${describe(value)}`);
  return value as ScaleFn;
});
const scaleMode = oneOf(['cycle', 'iterations'] as const, (v) => `scale_mode ${v} is unknown`);

const spec = {
  name: 'CyclicLR',
  options: {
    baseLr: { check: numberOrList('baseLr') },
    maxLr: { check: numberOrList('maxLr') },
    stepSizeUp: { default: 2000, check: positiveNumber('stepSizeUp') },
    stepSizeDown: { default: null, check: orNull(pytorchRange('stepSizeDown', 0)) },
    mode: { default: 'triangular', check: isMode },
    gamma: { default: 1, check: finiteNumber('gamma') },
    scaleFn: { default: null, check: scaleFnCheck },
    scaleMode: { default: 'cycle', check: scaleMode },
    cycleMomentum: { default: true, check: flag('cycleMomentum') },
    baseMomentum: { default: 0.8, check: numberOrList('baseMomentum') },
    maxMomentum: { default: 0.9, check: numberOrList('maxMomentum') },
    ...lrSchedulerOptions,
  },
  checkAll(o: { mode: string; scaleFn: ScaleFn | null }, where: string) {
    if (!(MODES as readonly string[]).includes(o.mode) && o.scaleFn === null)
      throw new Error(`${where}mode is invalid and scale_fn is None`);
  },
};

/**
 * Cycles each group's lr between `baseLr` and `maxLr` (Smith's cyclical
 * learning rates), and the momentum inversely, changing every `step()` (call
 * it after every batch). The momentum needs an optimizer with a `momentum`
 * option (SGD, RMSprop), as in torch 1.13.
 *
 * @example
 * const sched = new CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2000, mode: 'triangular2' });
 */
export class CyclicLR extends LRScheduler {
  maxLrs: number[];
  totalSize: number;
  stepRatio: number;
  mode: string;
  gamma: number;
  scaleMode: 'cycle' | 'iterations';
  cycleMomentum: boolean;
  baseMomentums: number[] | undefined;
  maxMomentums: number[] | undefined;
  private readonly scaleFnCustom: ScaleFn | null;
  /** The momenta the step being made will set (applied once its learning rates are all valid). */
  private nextMomenta: number[] | undefined;

  constructor(optimizer: SchedulableOptimizer, options: CyclicLROptions) {
    const o = resolveOptions(spec, options) as Required<CyclicLROptions>;
    checkOptimizer('CyclicLR', optimizer);
    const groups = optimizer.paramGroups as unknown as Record<string, number>[];
    const baseLrs = formatParam('CyclicLR', 'base_lr', groups.length, o.baseLr);
    const maxLrs = formatParam('CyclicLR', 'max_lr', groups.length, o.maxLr);
    let baseMomenta: number[] | undefined;
    let maxMomenta: number[] | undefined;
    if (o.cycleMomentum) {
      if (!('momentum' in optimizer.defaults))
        throw new Error('CyclicLR: optimizer must support momentum with `cycle_momentum` option enabled');
      baseMomenta = formatParam('CyclicLR', 'base_momentum', groups.length, o.baseMomentum);
      maxMomenta = formatParam('CyclicLR', 'max_momentum', groups.length, o.maxMomentum);
    }
    // Everything is checked: now PyTorch's changes to the groups.
    if (o.lastEpoch === -1) groups.forEach((group, i) => (group['lr'] = baseLrs[i]!));
    if (baseMomenta !== undefined && o.lastEpoch === -1) groups.forEach((group, i) => (group['momentum'] = baseMomenta[i]!));
    super(optimizer, { lastEpoch: o.lastEpoch, verbose: o.verbose });
    this.maxLrs = maxLrs;
    const up = o.stepSizeUp;
    const down = o.stepSizeDown ?? up;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = o.mode;
    this.gamma = o.gamma;
    this.scaleFnCustom = o.scaleFn;
    this.scaleMode = o.scaleFn !== null ? o.scaleMode : o.mode === 'exp_range' ? 'iterations' : 'cycle';
    this.cycleMomentum = o.cycleMomentum;
    this.baseMomentums = baseMomenta && groups.map((group) => group['momentum']!);
    this.maxMomentums = maxMomenta;
    // As PyTorch, the first step uses base_lrs from initial_lr; base_lr replaces them after.
    this.initialStep();
    this.baseLrs = baseLrs;
  }

  /** The scale policy at `x` (a cycle number or an iteration). */
  private scale(x: number): number {
    if (this.scaleFnCustom === null) {
      if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
      if (this.mode === 'exp_range') return this.gamma ** x;
      return 1;
    }
    const s = this.scaleFnCustom(x);
    if (typeof s !== 'number' || !Number.isFinite(s))
      throw new Error(`CyclicLR: scaleFn(${x}) returned ${describe(s)}; expected a finite number`);
    return s;
  }

  protected getLr(): number[] {
    const e = this.lastEpoch;
    const cycle = Math.floor(1 + e / this.totalSize);
    const x = 1 + e / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const at = this.scaleMode === 'cycle' ? cycle : e;
    const lrs = this.baseLrs.map((base, i) => base + (this.maxLrs[i]! - base) * scaleFactor * this.scale(at));
    this.nextMomenta = undefined;
    if (this.cycleMomentum) {
      this.nextMomenta = this.baseMomentums!.map((base, i) => {
        const max = this.maxMomentums![i]!;
        return finiteNumber(`the momentum of param group ${i}`)(max - (max - base) * scaleFactor * this.scale(at), 'CyclicLR.step: ');
      });
    }
    return lrs;
  }

  protected override commitStep(): void {
    const momenta = this.nextMomenta;
    if (momenta === undefined) return;
    this.optimizer.paramGroups.forEach((group, i) => ((group as unknown as Record<string, number>)['momentum'] = momenta[i]!));
  }

  protected override ownFields(): SchedulerField[] {
    const n = this.optimizer.paramGroups.length;
    const numbers = (name: string) => listOf(name, n, (item) => finiteNumber(item));
    const momentum: SchedulerField[] = this.cycleMomentum
      ? [
          field(
            'base_momentums',
            numbers('base_momentums'),
            () => this.baseMomentums!,
            (v) => (this.baseMomentums = v),
          ),
          field(
            'max_momentums',
            numbers('max_momentums'),
            () => this.maxMomentums!,
            (v) => (this.maxMomentums = v),
          ),
        ]
      : [];
    return [
      field(
        'max_lrs',
        numbers('max_lrs'),
        () => this.maxLrs,
        (v) => (this.maxLrs = v),
      ),
      field(
        'total_size',
        positiveNumber('total_size'),
        () => this.totalSize,
        (v) => (this.totalSize = v),
      ),
      field(
        'step_ratio',
        pytorchRange('step_ratio', 0),
        () => this.stepRatio,
        (v) => (this.stepRatio = v),
      ),
      field(
        'mode',
        (value, where) => {
          const mode = isMode(value, where);
          spec.checkAll({ mode, scaleFn: this.scaleFnCustom }, where);
          return mode;
        },
        () => this.mode,
        (v) => (this.mode = v),
      ),
      field(
        'gamma',
        finiteNumber('gamma'),
        () => this.gamma,
        (v) => (this.gamma = v),
      ),
      field(
        'scale_mode',
        scaleMode,
        () => this.scaleMode,
        (v) => (this.scaleMode = v),
      ),
      field(
        'cycle_momentum',
        flag('cycle_momentum'),
        () => this.cycleMomentum,
        (v) => (this.cycleMomentum = v),
      ),
      ...momentum,
    ];
  }

  protected override stateFields(): SchedulerField[] {
    // PyTorch ≥ 2.1's layout: 1.13 saves a WeakMethod (`_scale_fn_ref`) that cannot be serialized; functions are saved as null.
    const noFunction: Check<null> = (value, where) => {
      if (value !== null)
        throw new Error(`${where}_scale_fn_custom must be null (PyTorch saves no plain functions), got ${describe(value)}`);
      return null;
    };
    return [
      ...super.stateFields(),
      field(
        '_scale_fn_custom',
        noFunction,
        () => null,
        () => {},
      ),
    ];
  }
}
