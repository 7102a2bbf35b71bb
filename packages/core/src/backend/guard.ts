/**
 * The allocation guard. Every backend is wrapped in it when the registry
 * creates it: before an allocating kernel runs, the size of what it will
 * return — known from its arguments, by the spec — is checked against the
 * per-tensor limit (`MAX_TENSOR_BYTES`), so no backend is ever asked for a
 * size it cannot hold, whatever view or broadcast produced it. And a backend
 * that fails to allocate below the limit (out of memory) has its error
 * reworded as PyTorch's allocator words it, naming the op, the bytes, the
 * shape, the dtype and the device.
 */
import { BYTES_PER_ELEMENT, type DType } from '../dtype.js';
import { allocationError, checkAllocation, MAX_TENSOR_BYTES } from '../shape.js';
import { KERNEL_NAMES } from './kernels.js';
import type { Backend, BackendKernels, KernelName, View } from './spec.js';

/** The number of elements of `shape`, leaving out dim `skip` (none by default). */
function count(shape: readonly number[], skip = -1): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) if (i !== skip) n *= shape[i]!;
  return n;
}

function concatShape(xs: readonly View[], axis: number): number[] {
  const shape = [...xs[0]!.shape];
  shape[axis] = xs.reduce((n, x) => n + x.shape[axis]!, 0);
  return shape;
}

function paddedShape(x: View, pads: readonly (readonly [number, number])[]): number[] {
  return x.shape.map((s, d) => s + pads[d]![0] + pads[d]![1]);
}

/** Whether `count` elements of `dtype` fit the per-tensor limit (the hot path: no allocation). */
function fits(count: number, dtype: DType): boolean {
  const bytes = count * BYTES_PER_ELEMENT[dtype];
  return bytes >= 0 && bytes <= MAX_TENSOR_BYTES && Math.floor(bytes) === bytes;
}

/** Errors by which backends (and the JavaScript engine under them) say an allocation failed. */
const ALLOCATION_FAILURE = /cannot allocate|allocation failed|invalid typed array length|invalid array buffer length|out of memory/i;

/** A backend's allocation failure reworded as PyTorch's allocator says it; any other error as it is. */
function reworded(error: unknown, op: string, shape: readonly number[], dtype: DType, device: string): unknown {
  if (!(error instanceof Error) || !ALLOCATION_FAILURE.test(error.message)) return error;
  const out = allocationError(op, shape, dtype, device, error.message);
  (out as { cause?: unknown }).cause = error;
  return out;
}

/** Reports a result that does not fit (or a failed allocation, given the error): always throws. */
type Fail = (op: string, shape: readonly number[], dtype: DType, error?: unknown) => never;
type Kernel<K extends KernelName> = NonNullable<BackendKernels[K]>;
/**
 * The guard of kernel K: a wrapper that works out the size of K's result from
 * its arguments (by the spec), refuses it before the kernel runs when it does
 * not fit, and rewords the kernel's allocation failures.
 */
type Guard<K extends KernelName> = (kernel: Kernel<K>, fail: Fail) => Kernel<K>;

const kept = (shape: readonly number[], axes: readonly number[]) => shape.filter((_, d) => !axes.includes(d));

/**
 * One guard per kernel of the spec (null: the kernel allocates nothing). The
 * type makes this cover every kernel in kernels.ts, with the spec's argument
 * types, so a kernel cannot be added without its guard. Each wrapper is its
 * own function, so each call site stays monomorphic and cheap; the hot checks
 * count elements without allocating, and shapes are built only for an error.
 */
const GUARDS: { readonly [K in KernelName]: Guard<K> | null } = {
  fill: (k, fail) => (size, value, dtype) => {
    if (!fits(size, dtype)) fail('fill', [size], dtype);
    try {
      return k(size, value, dtype);
    } catch (e) {
      return fail('fill', [size], dtype, e);
    }
  },
  contiguous: (k, fail) => (x) => {
    if (!fits(count(x.shape), x.dtype)) fail('contiguous', x.shape, x.dtype);
    try {
      return k(x);
    } catch (e) {
      return fail('contiguous', x.shape, x.dtype, e);
    }
  },
  assign: null, // writes into an existing handle
  put: null, // writes into an existing handle
  thresholdBackward: (k, fail) => (grad, source, threshold) => {
    if (!fits(count(grad.shape), grad.dtype)) fail('threshold_backward', grad.shape, grad.dtype);
    try {
      return k(grad, source, threshold);
    } catch (e) {
      return fail('threshold_backward', grad.shape, grad.dtype, e);
    }
  },
  tanhBackward: (k, fail) => (grad, output) => {
    if (!fits(count(grad.shape), grad.dtype)) fail('tanh_backward', grad.shape, grad.dtype);
    try {
      return k(grad, output);
    } catch (e) {
      return fail('tanh_backward', grad.shape, grad.dtype, e);
    }
  },
  adamStep: null, // writes into existing handles
  conv2d: (k, fail) => (pass, a, b, o) => {
    const shape = pass === 'forward' ? o.output : pass === 'inputGrad' ? o.input : o.weight;
    if (!fits(count(shape), a.dtype)) fail('conv2d', shape, a.dtype);
    try {
      return k(pass, a, b, o);
    } catch (e) {
      return fail('conv2d', shape, a.dtype, e);
    }
  },
  sgdStep: null, // writes into existing handles
  activation: (k, fail) => (activation, x, grad) => {
    const op = grad === null ? activation.kind : `${activation.kind}_backward`;
    if (!fits(count(x.shape), x.dtype)) fail(op, x.shape, x.dtype);
    try {
      return k(activation, x, grad);
    } catch (e) {
      return fail(op, x.shape, x.dtype, e);
    }
  },
  lstmCell: (k, fail) => (inputGates, hiddenGates, cx) => {
    if (!fits(count(inputGates.shape), inputGates.dtype)) fail('_thnn_fused_lstm_cell', inputGates.shape, inputGates.dtype);
    try {
      return k(inputGates, hiddenGates, cx);
    } catch (e) {
      return fail('_thnn_fused_lstm_cell', inputGates.shape, inputGates.dtype, e);
    }
  },
  lstmCellBackward: (k, fail) => (gradHy, gradCy, cx, cy, workspace) => {
    if (!fits(count(workspace.shape), workspace.dtype)) fail('_thnn_fused_lstm_cell_backward', workspace.shape, workspace.dtype);
    try {
      return k(gradHy, gradCy, cx, cy, workspace);
    } catch (e) {
      return fail('_thnn_fused_lstm_cell_backward', workspace.shape, workspace.dtype, e);
    }
  },
  lstmSequence: (k, fail) => (inputGates, hx, cx, weightHh, reverse) => {
    // The workspaces, the largest of the three results, have the gates' shape.
    if (!fits(count(inputGates.shape), inputGates.dtype)) fail('lstm_sequence', inputGates.shape, inputGates.dtype);
    try {
      return k(inputGates, hx, cx, weightHh, reverse);
    } catch (e) {
      return fail('lstm_sequence', inputGates.shape, inputGates.dtype, e);
    }
  },
  lstmSequenceBackward: (k, fail) => (gradOutput, gradHn, gradCn, cx, weightHh, cells, workspaces, reverse) => {
    if (!fits(count(workspaces.shape), workspaces.dtype)) fail('lstm_sequence_backward', workspaces.shape, workspaces.dtype);
    try {
      return k(gradOutput, gradHn, gradCn, cx, weightHh, cells, workspaces, reverse);
    } catch (e) {
      return fail('lstm_sequence_backward', workspaces.shape, workspaces.dtype, e);
    }
  },
  gruCell: (k, fail) => (inputGates, hiddenGates, hx) => {
    if (!fits(4 * count(hx.shape), inputGates.dtype)) fail('_thnn_fused_gru_cell', inputGates.shape, inputGates.dtype);
    try {
      return k(inputGates, hiddenGates, hx);
    } catch (e) {
      return fail('_thnn_fused_gru_cell', inputGates.shape, inputGates.dtype, e);
    }
  },
  gruCellBackward: (k, fail) => (gradHy, hx, workspace) => {
    if (!fits(count(workspace.shape), workspace.dtype)) fail('_thnn_fused_gru_cell_backward', workspace.shape, workspace.dtype);
    try {
      return k(gradHy, hx, workspace);
    } catch (e) {
      return fail('_thnn_fused_gru_cell_backward', workspace.shape, workspace.dtype, e);
    }
  },
  cast: (k, fail) => (x, dtype) => {
    if (!fits(count(x.shape), dtype)) fail('to', x.shape, dtype);
    try {
      return k(x, dtype);
    } catch (e) {
      return fail('to', x.shape, dtype, e);
    }
  },
  unary: (k, fail) => (op, x, dtype) => {
    if (!fits(count(x.shape), dtype)) fail(op, x.shape, dtype);
    try {
      return k(op, x, dtype);
    } catch (e) {
      return fail(op, x.shape, dtype, e);
    }
  },
  binary: (k, fail) => (op, a, b, shape, dtype) => {
    if (!fits(count(shape), dtype)) fail(op, shape, dtype);
    try {
      return k(op, a, b, shape, dtype);
    } catch (e) {
      return fail(op, shape, dtype, e);
    }
  },
  where: (k, fail) => (cond, a, b, shape, dtype) => {
    if (!fits(count(shape), dtype)) fail('where', shape, dtype);
    try {
      return k(cond, a, b, shape, dtype);
    } catch (e) {
      return fail('where', shape, dtype, e);
    }
  },
  reduce: (k, fail) => (op, x, axes) => {
    let n = 1;
    for (let d = 0; d < x.shape.length; d++) if (!axes.includes(d)) n *= x.shape[d]!;
    if (!fits(n, x.dtype)) fail(op, kept(x.shape, axes), x.dtype);
    try {
      return k(op, x, axes);
    } catch (e) {
      return fail(op, kept(x.shape, axes), x.dtype, e);
    }
  },
  argReduce: (k, fail) => (op, x, axis) => {
    if (!fits(count(x.shape, axis), 'int32')) fail(op, kept(x.shape, [axis]), 'int32');
    try {
      return k(op, x, axis);
    } catch (e) {
      return fail(op, kept(x.shape, [axis]), 'int32', e);
    }
  },
  cumulative: (k, fail) => (op, x, axis, dtype) => {
    if (!fits(count(x.shape), dtype)) fail(op, x.shape, dtype);
    try {
      return k(op, x, axis, dtype);
    } catch (e) {
      return fail(op, x.shape, dtype, e);
    }
  },
  matmul: (k, fail) => (a, b) => {
    const n = b.shape[b.shape.length - 1]!;
    if (!fits(count(a.shape, a.shape.length - 1) * n, a.dtype)) fail('matmul', [...a.shape.slice(0, -1), n], a.dtype);
    try {
      return k(a, b);
    } catch (e) {
      return fail('matmul', [...a.shape.slice(0, -1), n], a.dtype, e);
    }
  },
  concat: (k, fail) => (xs, axis) => {
    const shape = concatShape(xs, axis);
    const dtype = xs[0]!.dtype;
    if (!fits(count(shape), dtype)) fail('cat', shape, dtype);
    try {
      return k(xs, axis);
    } catch (e) {
      return fail('cat', shape, dtype, e);
    }
  },
  pad: (k, fail) => (x, pads, value) => {
    const shape = paddedShape(x, pads);
    if (!fits(count(shape), x.dtype)) fail('pad', shape, x.dtype);
    try {
      return k(x, pads, value);
    } catch (e) {
      return fail('pad', shape, x.dtype, e);
    }
  },
  gather: (k, fail) => (x, dim, index) => {
    if (!fits(count(index.shape), x.dtype)) fail('gather', index.shape, x.dtype);
    try {
      return k(x, dim, index);
    } catch (e) {
      return fail('gather', index.shape, x.dtype, e);
    }
  },
  scatterAdd: (k, fail) => (shape, dim, index, src) => {
    if (!fits(count(shape), src.dtype)) fail('scatterAdd', shape, src.dtype);
    try {
      return k(shape, dim, index, src);
    } catch (e) {
      return fail('scatterAdd', shape, src.dtype, e);
    }
  },
  inverse: (k, fail) => (x) => {
    if (!fits(count(x.shape), x.dtype)) fail('inverse', x.shape, x.dtype);
    try {
      return k(x);
    } catch (e) {
      return fail('inverse', x.shape, x.dtype, e);
    }
  },
  slogdet: (k, fail) => (x) => {
    const batch = x.shape.slice(0, -2);
    if (!fits(count(batch), x.dtype)) fail('slogdet', batch, x.dtype);
    try {
      return k(x);
    } catch (e) {
      return fail('slogdet', batch, x.dtype, e);
    }
  },
  softmax: (k, fail) => (x, axis, log) => {
    const op = log ? 'logSoftmax' : 'softmax';
    if (!fits(count(x.shape), x.dtype)) fail(op, x.shape, x.dtype);
    try {
      return k(x, axis, log);
    } catch (e) {
      return fail(op, x.shape, x.dtype, e);
    }
  },
  fmod: (k, fail) => (a, b, shape, dtype) => {
    if (!fits(count(shape), dtype)) fail('fmod', shape, dtype);
    try {
      return k(a, b, shape, dtype);
    } catch (e) {
      return fail('fmod', shape, dtype, e);
    }
  },
  scatterReduce: (k, fail) => (op, self, dim, index, src, includeSelf) => {
    if (!fits(count(self.shape), self.dtype)) fail('scatterReduce', self.shape, self.dtype);
    try {
      return k(op, self, dim, index, src, includeSelf);
    } catch (e) {
      return fail('scatterReduce', self.shape, self.dtype, e);
    }
  },
  sort: (k, fail) => (x, axis, descending, stable) => {
    if (!fits(count(x.shape), x.dtype)) fail('sort', x.shape, x.dtype);
    if (!fits(count(x.shape), 'int32')) fail('sort', x.shape, 'int32');
    try {
      return k(x, axis, descending, stable);
    } catch (e) {
      return fail('sort', x.shape, x.dtype, e);
    }
  },
};

const GUARDED = Symbol('graft.allocationGuard');

/**
 * Installs the allocation guard on `backend`'s kernels (in place: the instance
 * stays what its factory made, `instanceof` and its own methods unchanged).
 * A frozen backend cannot be guarded and is returned as it is.
 */
export function guardAllocations(device: string, backend: Backend): Backend {
  const target = backend as unknown as Record<string | symbol, unknown>;
  if (target[GUARDED] === true || !Object.isExtensible(backend)) return backend;
  const fail: Fail = (op, shape, dtype, error) => {
    if (error !== undefined) throw reworded(error, op, shape, dtype, device);
    checkAllocation(op, shape, dtype, device);
    throw allocationError(op, shape, dtype, device, 'not a valid size');
  };
  const install = (name: string, wrapper: unknown): void => {
    Object.defineProperty(backend, name, { value: wrapper, writable: true, configurable: true, enumerable: false });
  };
  const write = backend.write.bind(backend);
  install('write', (values: ArrayLike<number>, dtype: DType) => {
    if (!fits(values.length, dtype)) fail('tensor', [values.length], dtype);
    try {
      return write(values as never, dtype);
    } catch (e) {
      return fail('tensor', [values.length], dtype, e);
    }
  });
  for (const name of KERNEL_NAMES) {
    const kernel = backend[name] as ((...args: never[]) => unknown) | undefined;
    const guard = GUARDS[name] as Guard<KernelName> | null;
    if (guard !== null && typeof kernel === 'function') install(name, guard(kernel.bind(backend) as Kernel<KernelName>, fail));
  }
  Object.defineProperty(backend, GUARDED, { value: true });
  return backend;
}
