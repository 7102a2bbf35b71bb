/**
 * The dispatch path shared by every op: operand checks, device agreement,
 * broadcasting views and output tensors. Kept lean: tiny-tensor ops are
 * dominated by what happens here.
 */
import type { Backend, View } from '../backend/spec.js';
import { backendFor, currentDevice } from '../backend/registry.js';
import type { DType } from '../dtype.js';
import { formatShape, isContiguous, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';

/** What binary ops accept on either side: a tensor or a plain number/boolean. */
export type TensorLike = Tensor | number | boolean;

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/** Throws unless `x` is a live Tensor (names the op and the argument). */
export function checkTensor(op: string, x: unknown, arg = 'input'): Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${op}(): argument '${arg}' must be a Tensor, not ${x === null ? 'null' : typeof x}`);
  }
  if (x.isDisposed) throw new Error(`${op}(): argument '${arg}' (shape ${formatShape(x.shape)}) was disposed`);
  return x;
}

/** The device shared by tensor operands; throws naming both when they differ. */
export function commonDevice(op: string, a: Tensor, b: unknown, c?: unknown): Tensor {
  if (b instanceof Tensor && b.storage.device !== a.storage.device) throw mixedDevices(op, a, b);
  if (c instanceof Tensor && c.storage.device !== a.storage.device) throw mixedDevices(op, a, c);
  return a;
}

export function mixedDevices(op: string, a: Tensor, b: Tensor): Error {
  return new Error(
    `${op}: expected all tensors to be on the same device, but found at least two devices, ` +
      `${a.device} and ${b.device} (move one with t.to('${a.device}'))`,
  );
}

/** A new contiguous tensor around a handle a kernel returned. */
export function wrap(like: Tensor, handle: unknown, shape: readonly number[], dtype: DType): Tensor {
  // Same shape as a contiguous input: share its (immutable) strides array instead of building one.
  const strides = shape === like.shape && like.offset === 0 && isContiguous(like.shape, like.strides) ? like.strides : undefined;
  return Tensor.fromHandle(like.storage.backend, like.storage.device, handle, shape, dtype, strides);
}

/** A new tensor on the current device from host values. */
export function fromValues(
  values: ArrayLike<number> & { buffer: ArrayBufferLike },
  shape: readonly number[],
  dtype: DType,
  device?: string,
): Tensor {
  const { backend, name } = resolveDevice(device);
  if (dtype === 'float64' && !backend.supportsFloat64) {
    throw new Error(`float64 is not supported on device '${name}' (use float32, or the 'cpu' device)`);
  }
  const handle = backend.write(values as never, dtype);
  return Tensor.fromHandle(backend, name, handle, shape, dtype);
}

export function resolveDevice(device: string | undefined): { backend: Backend; name: string } {
  const name = device ?? currentDevice();
  return { backend: backendFor(name), name };
}

/** A view of `t` broadcast to `shape` (stride 0 on new and size-1 dims). */
export function expandView(t: View, shape: readonly number[]): View {
  if (shapesEqual(t.shape, shape)) return t;
  const n = shape.length;
  const k = t.shape.length;
  const strides = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const j = i - (n - k);
    strides[i] = j < 0 || t.shape[j] === 1 ? 0 : t.strides[j]!;
  }
  return { handle: t.handle, dtype: t.dtype, shape, strides, offset: t.offset };
}
