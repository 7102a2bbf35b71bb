/**
 * @graft/optim — optimizers and learning-rate schedulers with `torch.optim`'s
 * defaults, update rules, checks and state dicts. Takes any iterable of
 * tensors (no @graft/nn needed).
 *
 * @example
 * import { SGD } from '@graft/optim';
 * const opt = new SGD([w, b], { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export {
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInit,
  type Params,
  type ZeroGradOptions,
} from './optimizer.js';
export type { OptimizerSpec, OptionsSpec, OptionSpec, StateEntry } from './spec.js';
export { SGD, type SGDOptions } from './optimizers/sgd.js';
export { Adam, AdamW, type AdamOptions, type AdamWOptions } from './optimizers/adam.js';
export { RMSprop, type RMSpropOptions } from './optimizers/rmsprop.js';
export { Adagrad, type AdagradOptions } from './optimizers/adagrad.js';
export { Adamax, type AdamaxOptions } from './optimizers/adamax.js';
export { NAdam, type NAdamOptions } from './optimizers/nadam.js';
export { RAdam, type RAdamOptions } from './optimizers/radam.js';
export { Adadelta, type AdadeltaOptions } from './optimizers/adadelta.js';
export { ASGD, type ASGDOptions } from './optimizers/asgd.js';
export { Rprop, type RpropOptions } from './optimizers/rprop.js';
export { LBFGS, type LBFGSOptions } from './optimizers/lbfgs.js';
export { StateScalar, type ScalarDType } from './scalar.js';
export { clipGradNorm_, clipGradValue_, type ClipGradNormOptions, type ClipGradValueOptions } from './clip.js';
export {
  LRScheduler,
  StepLR,
  ExponentialLR,
  CosineAnnealingLR,
  LambdaLR,
  ReduceLROnPlateau,
  MultiplicativeLR,
  MultiStepLR,
  ConstantLR,
  LinearLR,
  PolynomialLR,
  SequentialLR,
  ChainedScheduler,
  CyclicLR,
  OneCycleLR,
  CosineAnnealingWarmRestarts,
  type LRSchedulerOptions,
  type StepLROptions,
  type ExponentialLROptions,
  type CosineAnnealingLROptions,
  type LambdaLROptions,
  type ReduceLROnPlateauOptions,
  type MultiplicativeLROptions,
  type MultiStepLROptions,
  type ConstantLROptions,
  type LinearLROptions,
  type PolynomialLROptions,
  type SequentialLROptions,
  type CyclicLROptions,
  type CyclicLRMode,
  type ScaleFn,
  type OneCycleLROptions,
  type OneCyclePhase,
  type CosineAnnealingWarmRestartsOptions,
  type SchedulerStateDict,
} from './lr-scheduler.js';

/** `torch.optim.lr_scheduler` as a namespace. */
export * as lrScheduler from './lr-scheduler.js';
