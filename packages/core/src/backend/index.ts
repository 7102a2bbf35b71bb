/**
 * `@graft/core/backend`: what a backend package needs. The Backend spec (its
 * interface, version and list of kernels), registration, the host linear
 * algebra and sorting, and the shape, stride and dtype helpers kernels use, so no backend
 * keeps copies of its own. Programs that use tensors import `@graft/core`.
 *
 * @example
 * import { BACKEND_SPEC_VERSION, registerBackend, type Backend } from '@graft/core/backend';
 * class MyBackend implements Backend<MyHandle> {
 *   readonly name = 'mine';
 *   readonly specVersion = BACKEND_SPEC_VERSION;
 *   // … the storage methods and the required kernels of KERNELS
 * }
 * registerBackend('mine', () => new MyBackend());
 *
 * @module @graft/core/backend
 */
export {
  BACKEND_SPEC_VERSION,
  type Backend,
  type BackendInfo,
  type BackendStorage,
  type BackendKernels,
  type BackendFactory,
  type BackendMemory,
  type KernelName,
  type View,
  type UnaryOp,
  type BinaryOp,
  type ReduceOp,
  type ScatterReduceOp,
  type AdamStepOptions,
  type SgdStepOptions,
  type Conv2dPass,
  type Conv2dGeometry,
  type Activation,
} from './spec.js';
export { KERNELS } from './kernels.js';
export { adamPasses, sgdPasses, type AdamPassResult, type OptimizerPassRunner } from './optimizer-passes.js';
export { registerBackend, type BackendRegistration } from './registry.js';
/** Host (JavaScript) LU-based inverse and slogdet on strided arrays, in doubles: what core runs without the optional kernels. */
export * as hostLinalg from './host-linalg.js';
/** Host (JavaScript) sorting, selection and scans along a dim, each one PyTorch's CPU kernel step for step (ties and NaN included). */
export * as hostSort from './host-sort.js';
/** The thread count set by `g.setNumThreads` (or its default): how many threads a backend may split one op over. */
export { getNumThreads } from '../threads.js';
export { numel, contiguousStrides, isContiguous } from '../shape.js';
export { ARRAY_TYPE, BYTES_PER_ELEMENT, type DType, type TypedArray } from '../dtype.js';
/** a · b + c rounded once (C's fma/fmaf, what PyTorch's kernels compile `a * b + c` to), correctly rounded, infinities passed through. */
export { fma32, fma64 } from '../fma.js';
/** The half of a backend on a tfjs backend (WebGL, WebGPU) that is the same on every one: see tfjs-bridge.ts for why it lives here. */
export {
  TfjsBridge,
  TfjsHandle,
  isDenseFrom0,
  reshapedView,
  type TfjsBackendLike,
  type TfjsBridgeHost,
  type TfjsDType,
  type TfjsTensorInfo,
} from './tfjs-bridge.js';
