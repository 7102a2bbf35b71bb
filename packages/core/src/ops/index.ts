/** Every op, for the public `g.` functions (index.ts). */
export * from './creation.js';
export * from './elementwise.js';
export * from './reduce.js';
export * from './linalg.js';
export * from './movement.js';
export * from './indexing.js';
export * from './advanced-indexing.js';
export * from './nonzero.js';
export * from './masked.js';
export * from './take.js';
export type { IndexArray, IndexItem, IndexSlice } from './index-items.js';
export * from './inplace.js';
export * from './convert.js';
export type { TensorLike } from './dispatch.js';
