/** Every op, for the public `g.` functions (index.ts). */
export * from './creation.js';
export * from './elementwise.js';
export * from './reduce.js';
export * from './linalg.js';
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
export * from './indexing.js';
export * from './inplace.js';
export * from './convert.js';
export type { TensorLike } from './dispatch.js';
