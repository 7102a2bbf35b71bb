/**
 * @graft/optim — optimizers and learning-rate schedulers with `torch.optim`'s
 * defaults and update rules. Takes any iterable of tensors (no @graft/nn needed).
 *
 * @example
 * import { SGD } from '@graft/optim';
 * const opt = new SGD([w, b], { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export { Optimizer, type OptimizerStateDict, type ParamGroup, type Params } from './optimizer.js';
export { SGD, Adam, AdamW, RMSprop, Adagrad, type SGDOptions, type AdamOptions, type RMSpropOptions, type AdagradOptions } from './optimizers.js';
export { clipGradNorm_, clipGradValue_ } from './clip.js';
export { LRScheduler, StepLR, ExponentialLR, CosineAnnealingLR, LambdaLR, ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './lr-scheduler.js';

/** `torch.optim.lr_scheduler` as a namespace. */
export * as lrScheduler from './lr-scheduler.js';
