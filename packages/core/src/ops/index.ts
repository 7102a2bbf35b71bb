/** Every op, for the public `g.` functions (index.ts). */
export * from './creation.js';
export * from './elementwise.js';
export * from './reduce.js';
export * from './linalg.js';
export * from './einsum.js';
export * from './contractions.js';
export * from './addmm.js';
export {
  cholesky,
  qr,
  svd,
  slogdet,
  pinverse,
  matrixPower,
  matrixExp,
  type LegacyCholeskyOptions,
  type LegacyQROptions,
  type LegacySVDOptions,
  type LegacySVDResult,
  type PinverseOptions,
} from './linalg/legacy.js';
export * from './movement.js';
export * from './stacking.js';
export * from './nan-reductions.js';
export * from './differences.js';
export * from './indexing.js';
export * from './scatter.js';
export * from './construction.js';
export * from './cumulative.js';
export * from './advanced-indexing.js';
export * from './nonzero.js';
export * from './masked.js';
export * from './take.js';
export type { IndexArray, IndexItem, IndexSlice } from './index-items.js';
export * from './distance.js';
export * from './inplace.js';
export * from './convert.js';
export * from './random-ops.js';
export type { TensorLike } from './dispatch.js';
export * from './unary-math.js';
export * from './special.js';
export * from './binary-math.js';
export * from './pointwise.js';
export * from './bounds.js';
export * from './predicates.js';
export * from './bitwise.js';
export * from './softplus.js';
export * from './sorting.js';
export * from './searching.js';
export * from './counting.js';
export type { ValuesIndices } from './named-tuple.js';
