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
export { manualSeed } from './random.js';
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
/** `g.special`: PyTorch's `torch.special` names (`xlogy`, `erfc`, `erfinv`, `gammaln`, `digamma`/`psi`, `polygamma`, `zeta`, `logit`, `expit`, …). */
export * as special from './ops/special-namespace.js';
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
  rand,
  randn,
  randint,
  zerosLike,
  onesLike,
  fullLike,
  randLike,
  randnLike,
  Variable,
  type CreationOptions,
  type TensorOptions,
  type NestedArray,
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
  maskedFill,
  pad,
  type TensorLike,
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
