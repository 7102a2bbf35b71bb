/**
 * Learning-rate schedulers, as `torch.optim.lr_scheduler`: construct with an
 * optimizer, call `step()` once per epoch (after `optimizer.step()`).
 */
export { LRScheduler, type LRSchedulerOptions, type SchedulableOptimizer } from './schedulers/lr-scheduler.js';
export { StepLR, type StepLROptions } from './schedulers/step-lr.js';
export { ExponentialLR, type ExponentialLROptions } from './schedulers/exponential-lr.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './schedulers/cosine-annealing-lr.js';
export { LambdaLR, type LambdaLROptions, type LrLambda } from './schedulers/lambda-lr.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './schedulers/reduce-lr-on-plateau.js';
export { MultiplicativeLR, type MultiplicativeLROptions } from './schedulers/multiplicative-lr.js';
export { MultiStepLR, type MultiStepLROptions } from './schedulers/multi-step-lr.js';
export { ConstantLR, type ConstantLROptions } from './schedulers/constant-lr.js';
export { LinearLR, type LinearLROptions } from './schedulers/linear-lr.js';
export { PolynomialLR, type PolynomialLROptions } from './schedulers/polynomial-lr.js';
export { SequentialLR, ChainedScheduler, type SequentialLROptions } from './schedulers/sequential-lr.js';
export { CyclicLR, type CyclicLROptions, type CyclicLRMode, type ScaleFn } from './schedulers/cyclic-lr.js';
export { OneCycleLR, type OneCycleLROptions, type OneCyclePhase } from './schedulers/one-cycle-lr.js';
export {
  CosineAnnealingWarmRestarts,
  type CosineAnnealingWarmRestartsOptions,
} from './schedulers/cosine-annealing-warm-restarts.js';
export type { SchedulerStateDict } from './schedulers/state.js';
