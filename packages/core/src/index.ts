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
export { Generator, defaultGenerator, manualSeed, seed, initialSeed } from './random.js';
export { assertAsync } from './checks.js';
export { checkOptions } from './options.js';
export { setPrintOptions, type PrintOptions } from './format.js';
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
  t,
  transpose,
  permute,
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
  narrow,
  select,
  slice,
  contiguous,
  clone,
  // indexing
  gather,
  indexSelect,
  pad,
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
} from './ops/index.js';

import type { Tensor } from './tensor.js';
import { expand as expandOp } from './ops/index.js';
/**
 * `x` broadcast to `other`'s shape (a view).
 *
 * @example
 * g.expandAs(g.ones(1, 3), g.zeros(2, 3)).shape; // [2, 3]
 */
export function expandAs(x: Tensor, other: Tensor): Tensor {
  return expandOp(x, other.shape as number[]);
}
