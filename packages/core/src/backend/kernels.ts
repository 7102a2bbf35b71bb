/**
 * Every kernel of the Backend spec, in one list. What wraps kernels (the
 * allocation guard, GRAFT_DEBUG's log) and what checks a backend (the
 * registry) take the kernels from here, so none keeps a list of its own;
 * backend authors read here what they must implement.
 *
 * The list is type-checked against the spec: a kernel added to
 * `BackendKernels` but not here, or marked optional here but required there
 * (or the reverse), is a compile error.
 */
import type { BackendKernels, BackendStorage, KernelName } from './spec.js';

/** `true` for a kernel the spec marks optional (`?`), `false` for a required one. */
type IsOptional<K extends KernelName> = {} extends Pick<BackendKernels, K> ? true : false;

/**
 * Every kernel of the spec, with whether it is optional (exactly the spec's
 * `?`s): a backend implements every required one, and core has a fallback
 * for each optional one and calls the backend's kernel when it has it.
 *
 * @example
 * Object.keys(KERNELS).filter((k) => !KERNELS[k as KernelName].optional); // what a backend must implement
 */
export const KERNELS: { readonly [K in KernelName]: { readonly optional: IsOptional<K> } } = {
  fill: { optional: false },
  contiguous: { optional: false },
  assign: { optional: false },
  cast: { optional: false },
  unary: { optional: false },
  binary: { optional: false },
  where: { optional: false },
  reduce: { optional: false },
  argReduce: { optional: false },
  cumulative: { optional: false },
  matmul: { optional: false },
  concat: { optional: false },
  pad: { optional: false },
  gather: { optional: false },
  scatterAdd: { optional: false },
  inverse: { optional: true },
  slogdet: { optional: true },
  softmax: { optional: true },
  fmod: { optional: true },
  scatterReduce: { optional: true },
  sort: { optional: true },
  put: { optional: true },
  thresholdBackward: { optional: true },
  tanhBackward: { optional: true },
  adamStep: { optional: true },
  sgdStep: { optional: true },
  lstmCell: { optional: true },
  lstmCellBackward: { optional: true },
  lstmSequence: { optional: true },
  lstmSequenceBackward: { optional: true },
  gruCell: { optional: true },
  gruCellBackward: { optional: true },
  conv2d: { optional: true },
  activation: { optional: true },
};

/** Every kernel's name, in the spec's order. */
export const KERNEL_NAMES = Object.keys(KERNELS) as readonly KernelName[];

/** The kernels a backend must implement. */
export const REQUIRED_KERNELS: readonly KernelName[] = KERNEL_NAMES.filter((k) => !KERNELS[k].optional);

/** The storage methods, every one required (listed as the kernels are, type-checked against `BackendStorage`). */
const STORAGE: { readonly [K in keyof BackendStorage]: true } = { write: true, read: true, readSync: true, dispose: true, memory: true };

/** The names of the storage methods. */
export const STORAGE_METHODS = Object.keys(STORAGE) as readonly (keyof BackendStorage)[];
