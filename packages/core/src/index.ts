/**
 * @graft/core — tensors with PyTorch semantics on pluggable backends.
 *
 * @example
 * import * as g from '@graft/core';
 * import '@graft/backend-cpu';
 * const x = g.tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * x.mul(x).sum().backward();
 * console.log(x.grad); // tensor([[2., 4.], [6., 8.]])
 *
 * @module @graft/core
 */
// The Tensor methods (x.add(y), …) are installed on the prototype by this import: keep it first.
import './methods/index.js';
export { Tensor, type RemovableHandle } from './tensor.js';
export type { DType, TypedArray } from './dtype.js';
// Backends and their authors: '@graft/core/backend' (the spec, its helpers); here what programs use.
export type { Backend, BackendFactory } from './backend/spec.js';
export { registerBackend, setBackend, getBackend, currentDevice, listBackends, type BackendRegistration } from './backend/registry.js';
export { memory, tidy, keep, type MemoryInfo } from './memory.js';
/** @internal creation order of tensors (for @graft/nn's backward hooks: what a call made). */
export { tensorSerial } from './tensor.js';
export { Generator, defaultGenerator, manualSeed, seed, initialSeed } from './random.js';
export { assertAsync } from './checks.js';
export { checkOptions } from './options.js';
export { setPrintOptions, type PrintOptions, type PrintProfile } from './format.js';
export { setNumThreads, getNumThreads } from './threads.js';
export {
  noGrad,
  enableGrad,
  setGradEnabled,
  isGradEnabled,
  inferenceMode,
  isInferenceModeEnabled,
  type ModeGuard,
} from './autograd/grad-mode.js';
export type { Node } from './autograd/node.js';
export type { BackwardOptions } from './autograd/backward.js';
/** `g.autograd`: `grad`, custom `Function`, `functional`, `forwardAd`, `gradcheck`, `detectAnomaly`. */
export * as autograd from './autograd/index.js';
/** `g.special`: PyTorch's `torch.special` names (`xlogy`, `erfc`, `erfinv`, `gammaln`, `digamma`/`psi`, `polygamma`, `zeta`, `logit`, `expit`, …). */
export * as special from './ops/special-namespace.js';
/**
 * `g.linalg`: PyTorch's `torch.linalg` (solve, cholesky, qr, eigh, svd, det,
 * slogdet, inv, pinv, lstsq, matrixRank, matrixPower, matrixExp, norms, cond,
 * multiDot, cross, diagonal, …). Decompositions run on the host in float64 on
 * every backend and are cast back; gradients are PyTorch's.
 */
export * as linalg from './ops/linalg/index.js';
/** `g.fused`: one optimizer update per parameter in one pass where the backend has the kernel (`adam_`, `sgd_`; what `@graft/optim` runs). */
export * as fused from './ops/fused-namespace.js';
export {
  // creation
  tensor,
  zeros,
  ones,
  empty,
  full,
  arange,
  linspace,
  eye,
  zerosLike,
  onesLike,
  fullLike,
  Variable,
  type CreationOptions,
  type TensorOptions,
  type NestedArray,
  // random (with `{ generator }`; in-place samplers are Tensor methods)
  rand,
  randn,
  randint,
  randLike,
  randnLike,
  randintLike,
  randperm,
  multinomial,
  bernoulli,
  normal,
  getRngState,
  setRngState,
  type GeneratorOptions,
  type RandomCreationOptions,
  type MultinomialOptions,
  type BernoulliOptions,
  type UniformOptions,
  type NormalOptions,
  type BernoulliInPlaceOptions,
  type ExponentialOptions,
  type GeometricOptions,
  type CauchyOptions,
  type LogNormalOptions,
  type RandomOptions,
  // elementwise
  add,
  sub,
  mul,
  div,
  pow,
  neg,
  abs,
  sign,
  reciprocal,
  square,
  sqrt,
  rsqrt,
  exp,
  expm1,
  log,
  log1p,
  sin,
  cos,
  tanh,
  sigmoid,
  relu,
  erf,
  floor,
  ceil,
  round,
  clamp,
  maximum,
  minimum,
  where,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  isnan,
  isfinite,
  logicalNot,
  logicalAnd,
  logicalOr,
  // elementwise: more math, special functions, predicates, bitwise
  trunc,
  fix,
  frac,
  sinh,
  cosh,
  tan,
  asin,
  acos,
  atan,
  asinh,
  acosh,
  atanh,
  arcsin,
  arccos,
  arctan,
  arcsinh,
  arccosh,
  arctanh,
  log2,
  log10,
  exp2,
  erfc,
  erfinv,
  lgamma,
  digamma,
  polygamma,
  xlogy,
  logit,
  softplus,
  nanToNum,
  clampMin,
  clampMax,
  atan2,
  arctan2,
  hypot,
  fmod,
  remainder,
  floorDivide,
  logaddexp,
  logaddexp2,
  lerp,
  addcmul,
  addcdiv,
  isinf,
  isposinf,
  isneginf,
  isreal,
  signbit,
  isclose,
  allclose,
  equal,
  bitwiseAnd,
  bitwiseOr,
  bitwiseXor,
  bitwiseNot,
  bitwiseLeftShift,
  bitwiseRightShift,
  logicalXor,
  type LogitOptions,
  type SoftplusOptions,
  type NanToNumOptions,
  type ClampMinOptions,
  type ClampMaxOptions,
  type LerpOptions,
  type AddcOptions,
  type IscloseOptions,
  // reductions
  sum,
  mean,
  prod,
  var_ as var,
  std,
  norm,
  logsumexp,
  amax,
  amin,
  argmax,
  argmin,
  max,
  min,
  all,
  any,
  softmax,
  logSoftmax,
  cumsum,
  type ValuesIndices,
  type VarOptions,
  type ReduceOptions,
  type SumOptions,
  type NormOptions,
  type DimDTypeOptions,
  type AlphaOptions,
  type DivOptions,
  type RoundOptions,
  type RoundingMode,
  type ClampOptions,
  // linear algebra
  matmul,
  mm,
  bmm,
  mv,
  dot,
  outer,
  trace,
  inverse,
  det,
  logdet,
  slogdet,
  cholesky,
  qr,
  svd,
  pinverse,
  matrixPower,
  matrixExp,
  type LegacyCholeskyOptions,
  type LegacyQROptions,
  type LegacySVDOptions,
  type LegacySVDResult,
  type PinverseOptions,
  t,
  transpose,
  permute,
  // einsum and contractions
  einsum,
  tensordot,
  inner,
  vdot,
  ger,
  kron,
  cross,
  chainMatmul,
  addmm,
  addmv,
  baddbmm,
  addbmm,
  addr,
  type EinsumSublist,
  type TensordotOptions,
  type CrossOptions,
  type BetaAlphaOptions,
  // shape
  reshape,
  view,
  flatten,
  squeeze,
  unsqueeze,
  expand,
  repeat,
  flip,
  cat,
  stack,
  split,
  chunk,
  type DimOptions,
  narrow,
  select,
  slice,
  contiguous,
  clone,
  // indexing
  gather,
  indexSelect,
  pad,
  // advanced indexing (x[...] and x[...] = v: t.index, t.indexPut_)
  indexPut,
  indexPut_,
  nonzero,
  argwhere,
  maskedSelect,
  maskedScatter,
  maskedScatter_,
  take,
  takeAlongDim,
  type IndexItem,
  type IndexSlice,
  type IndexArray,
  type IndexPutOptions,
  type NonzeroOptions,
  type TakeAlongDimOptions,
  type TensorLike,
  // the scatter family
  scatter,
  scatterAdd,
  scatterReduce,
  indexAdd,
  indexCopy,
  indexFill,
  maskedFill,
  type ScatterOptions,
  type ScatterReduceMode,
  type ScatterReduction,
  type ScatterReduceOptions,
  type IndexAddOptions,
  // construction and shape
  tril,
  triu,
  diag,
  diagonal,
  diagEmbed,
  trilIndices,
  triuIndices,
  roll,
  rot90,
  repeatInterleave,
  tile,
  meshgrid,
  cartesianProd,
  movedim,
  moveaxis,
  swapaxes,
  swapdims,
  unflatten,
  unbind,
  tensorSplit,
  hsplit,
  vsplit,
  dsplit,
  oneHot,
  type TriangleOptions,
  type DiagonalOptions,
  type TriangleIndicesOptions,
  type RollOptions,
  type Rot90Options,
  type RepeatInterleaveOptions,
  type MeshgridOptions,
  type TensorSplitOptions,
  type UnbindOptions,
  type OneHotOptions,
  // cumulative
  cumprod,
  logcumsumexp,
  type CumprodOptions,
  type LogcumsumexpOptions,
  // sorting and searching
  sort,
  argsort,
  topk,
  kthvalue,
  median,
  nanmedian,
  mode,
  cummax,
  cummin,
  searchsorted,
  bucketize,
  unique,
  uniqueConsecutive,
  bincount,
  histc,
  type SortOptions,
  type TopkOptions,
  type KthvalueOptions,
  type MedianOptions,
  type CumOptions,
  type SearchsortedOptions,
  type BucketizeOptions,
  type UniqueOptions,
  type UniqueConsecutiveOptions,
  type BincountOptions,
  type HistcOptions,
  // distances
  cdist,
  type CdistOptions,
  // PyTorch's stacking, broadcasting, NaN-aware and difference shorthands
  atleast1d,
  atleast2d,
  atleast3d,
  hstack,
  vstack,
  rowStack,
  dstack,
  columnStack,
  broadcastTo,
  broadcastShapes,
  broadcastTensors,
  flipud,
  fliplr,
  nansum,
  nanmean,
  countNonzero,
  aminmax,
  stdMean,
  varMean,
  diff,
  type AminmaxOptions,
  type MinMax,
  type DiffOptions,
} from './ops/index.js';

import type { Tensor } from './tensor.js';
import { clamp as clampOp, type CreationOptions, creationOptions, expand as expandOp, zerosLike as zerosLikeOp } from './ops/index.js';
import { Tensor as TensorClass } from './tensor.js';
import { isFloating as isFloatingDType } from './dtype.js';
/**
 * `x` broadcast to `other`'s shape (a view).
 *
 * @example
 * g.expandAs(g.ones(1, 3), g.zeros(2, 3)).shape; // [2, 3]
 */
export function expandAs(x: Tensor, other: Tensor): Tensor {
  return expandOp(x, other.shape as number[]);
}

/**
 * clamp's NumPy name — PyTorch's `clip`.
 *
 * @example
 * g.clip(g.tensor([-2, 3]), -1, 1); // tensor([-1.,  1.])
 */
export const clip: typeof clampOp = (x, min, max, options) => clampOp(x, min, max, options);

/**
 * Whether `x` is a Graft tensor — PyTorch's `is_tensor`.
 *
 * @example
 * g.isTensor(g.ones(1)); // true
 */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof TensorClass;
}

/**
 * Whether the tensor's dtype is a floating point one — PyTorch's `is_floating_point`.
 *
 * @example
 * g.isFloatingPoint(g.ones(1, { dtype: 'int32' })); // false
 */
export function isFloatingPoint(x: Tensor): boolean {
  return isFloatingDType(x.dtype);
}

/**
 * An uninitialised tensor of `x`'s shape (here: zeros), its dtype and device
 * unless the options say otherwise — PyTorch's `empty_like`.
 *
 * @example
 * g.emptyLike(g.ones(2, 3)).shape; // [2, 3]
 */
export function emptyLike(x: Tensor, options?: CreationOptions): Tensor {
  return zerosLikeOp(x, creationOptions('emptyLike', options));
}
