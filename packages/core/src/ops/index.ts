/** Every op, for the Tensor methods and the public `g.` functions. */
export * from './creation.js';
export * from './elementwise.js';
export * from './reduce.js';
export * from './linalg.js';
export * from './movement.js';
export * from './indexing.js';
export * from './inplace.js';
export * from './convert.js';
export type { TensorLike } from './dispatch.js';
export { normalizeDim } from '../shape.js';
export { backward } from '../autograd/backward.js';
