/** Every op, for the public `g.` functions (index.ts). */
export * from './creation.js';
export * from './elementwise.js';
export * from './reduce.js';
export * from './linalg.js';
export * from './movement.js';
export * from './indexing.js';
export * from './inplace.js';
export * from './convert.js';
export type { TensorLike } from './dispatch.js';
export * from './unary-math.js';
export * from './special.js';
export * from './binary-math.js';
export * from './pointwise.js';
export * from './bounds.js';
export * from './predicates.js';
export * from './bitwise.js';
export * from './softplus.js';
