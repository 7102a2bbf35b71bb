/** CosineAnnealingWarmRestarts, as `torch.optim.lr_scheduler.CosineAnnealingWarmRestarts`. */
import { describe, finiteNumber, isPositiveInteger, pytorchCheck } from '../checks.js';
import { resolveOptions } from '../spec.js';
import { type LRSchedulerOptions, LRScheduler, type SchedulableOptimizer, lrSchedulerOptions } from './lr-scheduler.js';
import { type SchedulerField, field } from './state.js';

/** Options of CosineAnnealingWarmRestarts (PyTorch's `T_0`, `T_mult`, `eta_min`, `last_epoch`, `verbose`). */
export interface CosineAnnealingWarmRestartsOptions extends LRSchedulerOptions {
  /** Epochs until the first restart (PyTorch's `T_0`; required, a positive integer). */
  t0: number;
  /** The factor of the period after each restart (PyTorch's `T_mult`; default 1, an integer ≥ 1). */
  tMult?: number;
  /** The lowest learning rate (PyTorch's `eta_min`, default 0). */
  etaMin?: number;
}

const t0 = (name: string) => pytorchCheck<number>(isPositiveInteger, (v) => `Expected positive integer ${name}, but got ${v}`);
const tMult = (name: string) =>
  pytorchCheck<number>(
    (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1,
    (v) => `Expected integer ${name} >= 1, but got ${v}`,
  );

const spec = {
  name: 'CosineAnnealingWarmRestarts',
  options: {
    t0: { check: t0('T_0') },
    tMult: { default: 1, check: tMult('T_mult') },
    etaMin: { default: 0, check: finiteNumber('etaMin') },
    ...lrSchedulerOptions,
  },
};

/**
 * SGDR (Loshchilov & Hutter): each group's lr follows a half cosine from its
 * initial value to `etaMin` over T_i epochs, then restarts, with T_0 = `t0`
 * and T_{i+1} = `tMult` · T_i. `step(epoch)` takes fractional epochs (call it
 * after every batch with `epoch + batch / batches`), as PyTorch's, without
 * the deprecation warning of the other schedulers.
 *
 * @example
 * const sched = new CosineAnnealingWarmRestarts(opt, { t0: 10, tMult: 2 });
 * for (let epoch = 0; epoch < 30; epoch++) for (let i = 0; i < iters; i++) { train(); sched.step(epoch + i / iters); }
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** PyTorch's `T_0`. */
  t0: number;
  /** PyTorch's `T_i`: the current period. */
  tI: number;
  /** PyTorch's `T_mult`. */
  tMult: number;
  etaMin: number;
  /** PyTorch's `T_cur`: epochs since the last restart (fractional after a fractional `step(epoch)`). */
  tCur: number;
  constructor(optimizer: SchedulableOptimizer, options: CosineAnnealingWarmRestartsOptions) {
    const o = resolveOptions(spec, options) as Required<CosineAnnealingWarmRestartsOptions>;
    super(optimizer, { lastEpoch: o.lastEpoch, verbose: o.verbose });
    this.t0 = o.t0;
    this.tI = o.t0;
    this.tMult = o.tMult;
    this.etaMin = o.etaMin;
    this.tCur = o.lastEpoch;
    this.initialStep();
  }
  protected getLr(): number[] {
    const { etaMin: eta, tCur, tI } = this;
    return this.baseLrs.map((base) => eta + ((base - eta) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2);
  }

  /**
   * Advances one epoch, or goes to `epoch` (fractional epochs allowed: after
   * every batch, `epoch + batch / batches`), restarting the cosine every T_i.
   *
   * @example
   * sched.step(); sched.step(3.5);
   */
  override step(epoch?: number): void {
    const before = { tCur: this.tCur, tI: this.tI, lastEpoch: this.lastEpoch };
    let at = epoch;
    let values: number[];
    try {
      if (at !== undefined && (typeof at !== 'number' || !Number.isFinite(at)))
        throw new Error(`${this.name}.step: epoch must be a finite number, got ${describe(at)}`);
      if (at === undefined && this.lastEpoch < 0) at = 0;
      if (at === undefined) {
        at = this.lastEpoch + 1;
        this.tCur = this.tCur + 1;
        if (this.tCur >= this.tI) {
          this.tCur = this.tCur - this.tI;
          this.tI = this.tI * this.tMult;
        }
      } else {
        if (at < 0) throw new Error(`${this.name}.step: Expected non-negative epoch, but got ${at}`);
        if (at >= this.t0) {
          if (this.tMult === 1) this.tCur = at % this.t0;
          else {
            const n = Math.trunc(Math.log((at / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
            this.tCur = at - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
            this.tI = this.t0 * this.tMult ** n;
          }
        } else {
          this.tI = this.t0;
          this.tCur = at;
        }
      }
      this.lastEpoch = Math.floor(at);
      values = this.getLr();
      values.forEach((lr, i) => finiteNumber(`the learning rate of param group ${i}`)(lr, `${this.name}.step: `));
    } catch (error) {
      Object.assign(this, before);
      throw error;
    }
    // PyTorch prints every step with its epoch; its _step_count stays 0 (this step() does not count).
    this.setLrs(values, at);
  }

  /** Its `step(epoch)` is not deprecated: SequentialLR's jump to epoch 0 is a plain `step(0)`. */
  protected override stepTo(epoch: number): void {
    this.step(epoch);
  }

  protected override ownFields(): SchedulerField[] {
    return [
      field(
        'T_0',
        t0('T_0'),
        () => this.t0,
        (v) => (this.t0 = v),
      ),
      field(
        'T_i',
        t0('T_i'),
        () => this.tI,
        (v) => (this.tI = v),
      ),
      field(
        'T_mult',
        tMult('T_mult'),
        () => this.tMult,
        (v) => (this.tMult = v),
      ),
      field(
        'eta_min',
        finiteNumber('eta_min'),
        () => this.etaMin,
        (v) => (this.etaMin = v),
      ),
      field(
        'T_cur',
        finiteNumber('T_cur'),
        () => this.tCur,
        (v) => (this.tCur = v),
      ),
    ];
  }
}
