/** LambdaLR, as `torch.optim.lr_scheduler.LambdaLR`. */
import { type Check, describe } from '../checks.js';
import { resolveOptions } from '../spec.js';
import { type LRSchedulerOptions, LRScheduler, type SchedulableOptimizer, lrSchedulerOptions } from './lr-scheduler.js';
import { type SchedulerField, field } from './state.js';

/** A learning-rate factor as a function of the epoch. */
export type LrLambda = (epoch: number) => number;

/** Options of LambdaLR (PyTorch's `lr_lambda`, `last_epoch`, `verbose`). */
export interface LambdaLROptions extends LRSchedulerOptions {
  /** The factor of each group's initial lr at each epoch: one function, or one per param group (required). */
  lrLambda: LrLambda | readonly LrLambda[];
}

/** One function, or one per param group. */
export const lrLambdaCheck: Check<LrLambda | readonly LrLambda[]> = (value, where) => {
  if (typeof value === 'function' || (Array.isArray(value) && value.every((f) => typeof f === 'function')))
    return value as LrLambda | LrLambda[];
  throw new Error(`${where}lrLambda must be a function or an array of functions (one per param group), got ${describe(value)}`);
};

const spec = { name: 'LambdaLR', options: { lrLambda: { check: lrLambdaCheck }, ...lrSchedulerOptions } };

/**
 * Sets each group's lr to its initial lr times `lrLambda(epoch)`. A factor
 * that is not a finite number (a lambda that returns nothing) throws.
 * As PyTorch, the state dict holds no functions: `lr_lambdas` is a list of
 * nulls, and loading one keeps the lambdas given to the constructor.
 *
 * @example
 * const sched = new LambdaLR(opt, { lrLambda: (epoch) => 0.95 ** epoch });
 */
export class LambdaLR extends LRScheduler {
  private readonly lrLambdas: LrLambda[];
  constructor(optimizer: SchedulableOptimizer, options: LambdaLROptions) {
    const o = resolveOptions(spec, options) as Required<LambdaLROptions>;
    super(optimizer, { lastEpoch: o.lastEpoch, verbose: o.verbose });
    this.lrLambdas = lambdasPerGroup(this.name, optimizer, o.lrLambda);
    this.initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((base, i) => base * lambdaFactor(this.name, this.lrLambdas[i]!, this.lastEpoch, i));
  }
  protected override stateFields(): SchedulerField[] {
    return [...super.stateFields(), lambdasField(this.lrLambdas.length)];
  }
}

/** One function per param group (PyTorch's message when a list has the wrong length). */
export function lambdasPerGroup(name: string, optimizer: SchedulableOptimizer, lrLambda: LrLambda | readonly LrLambda[]): LrLambda[] {
  const n = optimizer.paramGroups.length;
  if (typeof lrLambda === 'function') return Array.from({ length: n }, () => lrLambda);
  if (lrLambda.length !== n) throw new Error(`${name}: Expected ${n} lr_lambdas, but got ${lrLambda.length}`);
  return [...lrLambda];
}

/** A factor a lambda returned: a finite number, or an error naming the epoch and the group. */
export function lambdaFactor(name: string, lrLambda: LrLambda, epoch: number, group: number): number {
  const factor = lrLambda(epoch);
  if (typeof factor !== 'number' || !Number.isFinite(factor)) {
    throw new Error(`${name}: lrLambda(${epoch}) for param group ${group} returned ${describe(factor)}; expected a finite number`);
  }
  return factor;
}

/**
 * PyTorch's `lr_lambdas` entry: one null per group (it saves no plain
 * functions); loading one keeps the lambdas the scheduler was built with.
 */
export function lambdasField(n: number): SchedulerField {
  const nulls: Check<null[]> = (value, where) => {
    if (Array.isArray(value) && value.length === n && value.every((v) => v === null)) return value as null[];
    throw new Error(
      `${where}lr_lambdas must be ${n} null(s) (PyTorch saves no plain functions), got ${describe(value)}; ` +
        "Graft's lrLambda are functions, which cannot take a callable object's saved state",
    );
  };
  return field(
    'lr_lambdas',
    nulls,
    () => Array.from({ length: n }, () => null),
    () => {},
  );
}
