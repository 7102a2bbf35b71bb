/**
 * Learning-rate schedulers, as `torch.optim.lr_scheduler`: construct with an
 * optimizer, call `step()` once per epoch (after `optimizer.step()`).
 */
import type { Optimizer } from './optimizer.js';

type AnyOptimizer = Optimizer<{ lr: number }>;

/**
 * Base of the epoch-based schedulers: `lastEpoch` counts steps and `lrAt` is
 * the closed form. Each subclass calls `start()` once its options are set, which
 * applies epoch 0's learning rates (as PyTorch's constructor does).
 */
export abstract class LRScheduler {
  lastEpoch = 0;
  readonly baseLrs: number[];

  constructor(readonly optimizer: AnyOptimizer) {
    for (const group of optimizer.paramGroups as unknown as Record<string, number>[]) group['initialLr'] ??= group['lr']!;
    this.baseLrs = (optimizer.paramGroups as unknown as Record<string, number>[]).map((g) => g['initialLr']!);
  }

  /** Applies the learning rates of epoch 0; subclasses call it at the end of their constructor. */
  protected start(): void {
    this.apply();
  }

  /** The learning rates for `lastEpoch`. */
  protected abstract lrAt(epoch: number, base: number): number;

  private apply(): void {
    this.optimizer.paramGroups.forEach((group, i) => (group.lr = this.lrAt(this.lastEpoch, this.baseLrs[i]!)));
  }

  /** Advances one epoch and sets each group's lr. */
  step(): void {
    this.lastEpoch++;
    this.apply();
  }

  /** The learning rates last set. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The epoch counter and base learning rates. */
  stateDict(): { lastEpoch: number; baseLrs: number[] } {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  /** Restores `stateDict()` output and re-applies the learning rates. */
  loadStateDict(state: { lastEpoch: number }): void {
    this.lastEpoch = state.lastEpoch;
    this.apply();
  }
}

/** lr · gamma^⌊epoch / stepSize⌋. @example new StepLR(opt, { stepSize: 30, gamma: 0.1 }) */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: AnyOptimizer, options: { stepSize: number; gamma?: number }) {
    super(optimizer);
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.start();
  }
  protected lrAt(epoch: number, base: number): number {
    return base * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/** lr · gamma^epoch. @example new ExponentialLR(opt, { gamma: 0.95 }) */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;
  constructor(optimizer: AnyOptimizer, options: { gamma: number }) {
    super(optimizer);
    this.gamma = options.gamma;
    this.start();
  }
  protected lrAt(epoch: number, base: number): number {
    return base * this.gamma ** epoch;
  }
}

/** Cosine annealing from lr to etaMin over tMax epochs. @example new CosineAnnealingLR(opt, { tMax: 100 }) */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(optimizer: AnyOptimizer, options: { tMax: number; etaMin?: number }) {
    super(optimizer);
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    this.start();
  }
  protected lrAt(epoch: number, base: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}

/** lr · lrLambda(epoch). @example new LambdaLR(opt, { lrLambda: (e) => 0.95 ** e }) */
export class LambdaLR extends LRScheduler {
  private readonly lrLambda: (epoch: number) => number;
  constructor(optimizer: AnyOptimizer, options: { lrLambda: (epoch: number) => number }) {
    super(optimizer);
    this.lrLambda = options.lrLambda;
    this.start();
  }
  protected lrAt(epoch: number, base: number): number {
    return base * this.lrLambda(epoch);
  }
}

/** Options of ReduceLROnPlateau (PyTorch's defaults). */
export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number;
  eps?: number;
}

/**
 * Reduces lr by `factor` when a metric stops improving for `patience` epochs.
 *
 * @example
 * const sched = new ReduceLROnPlateau(opt, { patience: 2 }); sched.step(valLoss);
 */
export class ReduceLROnPlateau {
  private best: number;
  private badEpochs = 0;
  private cooldownCounter = 0;
  lastEpoch = 0;
  private readonly o: Required<ReduceLROnPlateauOptions>;

  constructor(readonly optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    this.o = { mode: 'min', factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'rel', cooldown: 0, minLr: 0, eps: 1e-8, ...options };
    if (this.o.factor >= 1) throw new Error('Factor should be < 1.0.');
    this.best = this.o.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    const { mode, threshold, thresholdMode } = this.o;
    if (mode === 'min') return thresholdMode === 'rel' ? a < this.best * (1 - threshold) : a < this.best - threshold;
    return thresholdMode === 'rel' ? a > this.best * (threshold + 1) : a > this.best + threshold;
  }

  /** Records the epoch's metric and reduces the learning rates after `patience` bad epochs. */
  step(metric: number): void {
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.badEpochs = 0;
    } else this.badEpochs++;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.badEpochs = 0;
    }
    if (this.badEpochs > this.o.patience) {
      for (const group of this.optimizer.paramGroups) {
        const next = Math.max(group.lr * this.o.factor, this.o.minLr);
        if (group.lr - next > this.o.eps) group.lr = next;
      }
      this.cooldownCounter = this.o.cooldown;
      this.badEpochs = 0;
    }
  }

  /** The current learning rate of each group. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}
