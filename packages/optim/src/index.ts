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
export { clipGradNorm_, clipGradValue_, type ClipGradNormOptions, type ClipGradValueOptions } from './clip.js';
export {
  LRScheduler,
  StepLR,
  ExponentialLR,
  CosineAnnealingLR,
  LambdaLR,
  ReduceLROnPlateau,
  type LRSchedulerOptions,
  type StepLROptions,
  type ExponentialLROptions,
  type CosineAnnealingLROptions,
  type LambdaLROptions,
  type ReduceLROnPlateauOptions,
  type SchedulerStateDict,
} from './lr-scheduler.js';

/** `torch.optim.lr_scheduler` as a namespace. */
export * as lrScheduler from './lr-scheduler.js';
