/** `g.autograd`: the functional entry points of the autograd engine. */
export { grad, backward, type GradOptions } from './backward.js';
export { Node, AccumulateGrad } from './node.js';
