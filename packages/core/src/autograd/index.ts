/** `g.autograd`: the functional entry points of the autograd engine. */
export { grad, backward, type GradOptions, type BackwardOptions } from './backward.js';
export { Node, AccumulateGrad } from './node.js';
/** @internal for @graft/nn's full backward hooks. */
export { inCallerScope } from './engine.js';
export { Function, FunctionCtx } from './function.js';
export { gradcheck, gradgradcheck, type GradcheckOptions } from './gradcheck.js';
export { detectAnomaly } from './anomaly.js';
/** vjp, jvp, jacobian, hessian and hvp, as `torch.autograd.functional`. */
export * as functional from './functional.js';
/** Forward-mode AD with dual numbers, as `torch.autograd.forward_ad`. */
export * as forwardAd from './forward-ad.js';
