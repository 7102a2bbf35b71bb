/** OneCycleLR, as `torch.optim.lr_scheduler.OneCycleLR`. */
import {
  type Check,
  camelCase,
  describe,
  finiteNumber,
  flag,
  isPlainObject,
  isPositiveInteger,
  numberOrList,
  oneOf,
  orNull,
  positiveNumber,
  pytorchCheck,
} from '../checks.js';
import { resolveOptions } from '../spec.js';
import {
  type LRSchedulerOptions,
  LRScheduler,
  type SchedulableOptimizer,
  checkOptimizer,
  formatParam,
  lrSchedulerOptions,
  missingGroupKey,
} from './lr-scheduler.js';
import { type SchedulerField, field } from './state.js';

/** Options of OneCycleLR (PyTorch's keyword arguments, camelCase; the values PyTorch's). */
export interface OneCycleLROptions extends LRSchedulerOptions {
  /** The peak lr: one, or one per param group (required). */
  maxLr: number | readonly number[];
  /** Steps of the whole cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number | null;
  epochs?: number | null;
  stepsPerEpoch?: number | null;
  /** The fraction of the cycle spent rising (default 0.3). */
  pctStart?: number;
  /** 'cos' (default) or 'linear' (PyTorch's `anneal_strategy`). */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle the momentum inversely (default true): `momentum`, or beta1 of `betas` for Adam-like optimizers. */
  cycleMomentum?: boolean;
  /** The lowest momentum, at the lr's peak: one, or one per group (default 0.85). */
  baseMomentum?: number | readonly number[];
  /** The highest momentum: one, or one per group (default 0.95). */
  maxMomentum?: number | readonly number[];
  /** The initial lr is maxLr / divFactor (default 25). */
  divFactor?: number;
  /** The final lr is the initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, down to the initial lr, then down to the minimum) instead of two (default false). */
  threePhase?: boolean;
}

/** Which group values a phase anneals between (PyTorch's names: 'initial_lr', 'max_lr', …). */
export interface OneCyclePhase {
  end_step: number;
  start_lr: string;
  end_lr: string;
  start_momentum: string;
  end_momentum: string;
}

const positiveInteger = (name: string) =>
  orNull(pytorchCheck<number>(isPositiveInteger, (v) => `Expected positive integer ${name}, but got ${v}`));
const pctStart = pytorchCheck<number>(
  (v) => typeof v === 'number' && v >= 0 && v <= 1,
  (v) => `Expected float between 0 and 1 pct_start, but got ${v}`,
);
const annealStrategy = oneOf(['cos', 'linear'] as const, (v) => `anneal_strategy must by one of 'cos' or 'linear', instead got ${v}`);

const spec = {
  name: 'OneCycleLR',
  options: {
    maxLr: { check: numberOrList('maxLr') },
    totalSteps: { default: null, check: positiveInteger('total_steps') },
    epochs: { default: null, check: positiveInteger('epochs') },
    stepsPerEpoch: { default: null, check: positiveInteger('steps_per_epoch') },
    pctStart: { default: 0.3, check: pctStart },
    annealStrategy: { default: 'cos', check: annealStrategy },
    cycleMomentum: { default: true, check: flag('cycleMomentum') },
    baseMomentum: { default: 0.85, check: numberOrList('baseMomentum') },
    maxMomentum: { default: 0.95, check: numberOrList('maxMomentum') },
    divFactor: { default: 25, check: positiveNumber('divFactor') },
    finalDivFactor: { default: 1e4, check: positiveNumber('finalDivFactor') },
    threePhase: { default: false, check: flag('threePhase') },
    ...lrSchedulerOptions,
  },
  checkAll(o: { totalSteps: number | null; epochs: number | null; stepsPerEpoch: number | null }, where: string) {
    if (o.totalSteps === null && o.epochs === null && o.stepsPerEpoch === null)
      throw new Error(`${where}You must define either total_steps OR (epochs AND steps_per_epoch)`);
    if (o.totalSteps === null) {
      if (o.epochs === null) throw new Error(`${where}Expected positive integer epochs, but got None`);
      if (o.stepsPerEpoch === null) throw new Error(`${where}Expected positive integer steps_per_epoch, but got None`);
    }
  },
};

/** The phases of the cycle, as PyTorch's `_schedule_phases`. */
function phasesOf(totalSteps: number, pct: number, threePhase: boolean): OneCyclePhase[] {
  const phase = (end_step: number, start_lr: string, end_lr: string, start_momentum: string, end_momentum: string) => ({
    end_step,
    start_lr,
    end_lr,
    start_momentum,
    end_momentum,
  });
  if (threePhase) {
    return [
      phase(pct * totalSteps - 1, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'),
      phase(2 * pct * totalSteps - 2, 'max_lr', 'initial_lr', 'base_momentum', 'max_momentum'),
      phase(totalSteps - 1, 'initial_lr', 'min_lr', 'max_momentum', 'max_momentum'),
    ];
  }
  return [
    phase(pct * totalSteps - 1, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'),
    phase(totalSteps - 1, 'max_lr', 'min_lr', 'base_momentum', 'max_momentum'),
  ];
}

const GROUP_KEYS = ['initial_lr', 'max_lr', 'min_lr', 'max_momentum', 'base_momentum'];

const phasesCheck: Check<OneCyclePhase[]> = (value, where) => {
  const ok =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (p) =>
        isPlainObject(p) &&
        Object.keys(p).join() === 'end_step,start_lr,end_lr,start_momentum,end_momentum' &&
        typeof p['end_step'] === 'number' &&
        Number.isFinite(p['end_step']) &&
        ['start_lr', 'end_lr', 'start_momentum', 'end_momentum'].every((k) => GROUP_KEYS.includes(p[k] as string)),
    );
  if (!ok)
    throw new Error(
      `${where}_schedule_phases must be a list of { end_step, start_lr, end_lr, start_momentum, end_momentum } (PyTorch's), got ${describe(value)}`,
    );
  return (value as OneCyclePhase[]).map((p) => ({ ...p }));
};

/**
 * The 1cycle policy (Smith & Topin): each group's lr rises from
 * maxLr / divFactor to `maxLr` over `pctStart` of the cycle, then anneals to
 * the initial lr / finalDivFactor, changing every `step()` (call it after
 * every batch); the momentum (or beta1 of Adam-like optimizers) moves
 * inversely. As PyTorch, it writes `initial_lr`, `max_lr`, `min_lr`,
 * `max_momentum`, `base_momentum` into the param groups, and stepping past
 * `totalSteps` throws.
 *
 * @example
 * const sched = new OneCycleLR(opt, { maxLr: 0.1, epochs: 10, stepsPerEpoch: batches.length });
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  /** PyTorch's `_schedule_phases`. */
  schedulePhases: OneCyclePhase[];
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  /** Whether the momentum cycled is beta1 of `betas` (Adam-like optimizers) rather than `momentum`. */
  useBeta1: boolean | undefined;
  /** The momenta the step being made will set (applied once its learning rates are all valid). */
  private nextMomenta: number[] | undefined;

  constructor(optimizer: SchedulableOptimizer, options: OneCycleLROptions) {
    const o = resolveOptions(spec, options) as Required<OneCycleLROptions>;
    checkOptimizer('OneCycleLR', optimizer);
    const totalSteps = o.totalSteps ?? o.epochs! * o.stepsPerEpoch!;
    const groups = optimizer.paramGroups as unknown as Record<string, unknown>[];
    const maxLrs = formatParam('OneCycleLR', 'max_lr', groups.length, o.maxLr);
    let useBeta1: boolean | undefined;
    let maxMomenta: number[] = [];
    let baseMomenta: number[] = [];
    if (o.cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !('betas' in optimizer.defaults))
        throw new Error('OneCycleLR: optimizer must support momentum with `cycle_momentum` option enabled');
      useBeta1 = 'betas' in optimizer.defaults;
      maxMomenta = formatParam('OneCycleLR', 'max_momentum', groups.length, o.maxMomentum);
      baseMomenta = formatParam('OneCycleLR', 'base_momentum', groups.length, o.baseMomentum);
    }
    if (o.lastEpoch !== -1) {
      // Resuming: the groups must hold what the schedule reads (PyTorch would fail at the first step).
      const needed = ['initialLr', 'maxLr', 'minLr', ...(o.cycleMomentum ? ['maxMomentum', 'baseMomentum'] : [])];
      groups.forEach((group, i) => {
        for (const key of needed) if (group[key] === undefined) throw missingGroupKey('OneCycleLR', key, i);
      });
    } else {
      // Everything is checked: now PyTorch's changes to the groups.
      groups.forEach((group, i) => {
        group['initialLr'] = maxLrs[i]! / o.divFactor;
        group['maxLr'] = maxLrs[i]!;
        group['minLr'] = (group['initialLr'] as number) / o.finalDivFactor;
      });
      if (o.cycleMomentum) {
        groups.forEach((group, i) => {
          if (useBeta1) group['betas'] = [maxMomenta[i]!, ...(group['betas'] as number[]).slice(1)];
          else group['momentum'] = maxMomenta[i]!;
          group['maxMomentum'] = maxMomenta[i]!;
          group['baseMomentum'] = baseMomenta[i]!;
        });
      }
    }
    super(optimizer, { lastEpoch: o.lastEpoch, verbose: o.verbose });
    this.totalSteps = totalSteps;
    this.schedulePhases = phasesOf(totalSteps, o.pctStart, o.threePhase);
    this.annealStrategy = o.annealStrategy;
    this.cycleMomentum = o.cycleMomentum;
    this.useBeta1 = useBeta1;
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    const cosOut = Math.cos(Math.PI * pct) + 1;
    return end + ((start - end) / 2) * cosOut;
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps)
      throw new Error(`OneCycleLR.step: Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`);
    const phases = this.schedulePhases;
    const lrs: number[] = [];
    const momenta: number[] = [];
    for (const group of this.optimizer.paramGroups as unknown as Record<string, number>[]) {
      const value = (torchKey: string) => group[camelCase(torchKey)]!;
      let startStep = 0;
      for (const [i, phase] of phases.entries()) {
        const endStep = phase.end_step;
        if (stepNum <= endStep || i === phases.length - 1) {
          const pct = (stepNum - startStep) / (endStep - startStep);
          lrs.push(this.anneal(value(phase.start_lr), value(phase.end_lr), pct));
          if (this.cycleMomentum) momenta.push(this.anneal(value(phase.start_momentum), value(phase.end_momentum), pct));
          break;
        }
        startStep = phase.end_step;
      }
    }
    momenta.forEach((m, i) => finiteNumber(`the momentum of param group ${i}`)(m, 'OneCycleLR.step: '));
    this.nextMomenta = this.cycleMomentum ? momenta : undefined;
    return lrs;
  }

  protected override commitStep(): void {
    const momenta = this.nextMomenta;
    if (momenta === undefined) return;
    (this.optimizer.paramGroups as unknown as Record<string, unknown>[]).forEach((group, i) => {
      if (this.useBeta1) group['betas'] = [momenta[i]!, ...(group['betas'] as number[]).slice(1)];
      else group['momentum'] = momenta[i]!;
    });
  }

  protected override ownFields(): SchedulerField[] {
    const beta1: SchedulerField[] = this.cycleMomentum
      ? [
          field(
            'use_beta1',
            flag('use_beta1'),
            () => this.useBeta1!,
            (v) => (this.useBeta1 = v),
          ),
        ]
      : [];
    return [
      field(
        'total_steps',
        pytorchCheck<number>(isPositiveInteger, (v) => `total_steps must be a positive integer, got ${v}`),
        () => this.totalSteps,
        (v) => (this.totalSteps = v),
      ),
      field(
        '_schedule_phases',
        phasesCheck,
        () => this.schedulePhases.map((p) => ({ ...p })),
        (v) => (this.schedulePhases = v),
      ),
      // PyTorch ≥ 2.1's name and value: 1.13 saves the bound method itself (`anneal_func`), which cannot be serialized.
      field(
        '_anneal_func_type',
        annealStrategy,
        () => this.annealStrategy,
        (v) => (this.annealStrategy = v),
      ),
      field(
        'cycle_momentum',
        flag('cycle_momentum'),
        () => this.cycleMomentum,
        (v) => (this.cycleMomentum = v),
      ),
      ...beta1,
    ];
  }
}
