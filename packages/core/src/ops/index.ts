/** Every op, for the public `g.` functions (index.ts). */
export * from './creation.js';
export * from './elementwise.js';
export * from './reduce.js';
export * from './linalg.js';
export * from './movement.js';
export * from './indexing.js';
export * from './scatter.js';
export * from './construction.js';
export * from './cumulative.js';
export * from './inplace.js';
export * from './convert.js';
export * from './random-ops.js';
export type { TensorLike } from './dispatch.js';
export * from './sorting.js';
export * from './searching.js';
export * from './counting.js';
export type { ValuesIndices } from './named-tuple.js';
