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
export type { SchedulerStateDict } from './schedulers/state.js';
