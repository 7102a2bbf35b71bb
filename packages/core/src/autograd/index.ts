/** `g.autograd`: the functional entry points of the autograd engine. */
export { grad, backward, type GradOptions, type BackwardOptions } from './backward.js';
export { Node, AccumulateGrad } from './node.js';
export { Function, FunctionCtx } from './function.js';
export { gradcheck, gradgradcheck, type GradcheckOptions } from './gradcheck.js';
export { detectAnomaly } from './anomaly.js';
export * as functional from './functional.js';
export * as forwardAd from './forward-ad-api.js';
