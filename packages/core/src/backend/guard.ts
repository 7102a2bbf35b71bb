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
import type { Backend, View } from './spec.js';

// Kernels' arguments are typed by the Backend interface; the wrappers below restate them.
type Kernel = (...args: any[]) => unknown;

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

const GUARDED = Symbol('graft.allocationGuard');

/**
 * Installs the allocation guard on `backend`'s kernels (in place: the instance
 * stays what its factory made, `instanceof` and its own methods unchanged).
 * A frozen backend cannot be guarded and is returned as it is.
 */
export function guardAllocations(device: string, backend: Backend): Backend {
  const target = backend as unknown as Record<string | symbol, unknown>;
  if (target[GUARDED] === true || !Object.isExtensible(backend)) return backend;
  const b = backend as unknown as Record<string, Kernel>;
  // One wrapper per kernel, each its own function (so each call site stays monomorphic and cheap):
  // the output's size from the arguments, by the spec; `fail` describes it (op, shape) only for an error.
  const guard = (name: string, make: (kernel: Kernel, fail: (op: string, shape: readonly number[], dtype: DType, error?: unknown) => never) => Kernel): void => {
    const kernel = b[name];
    if (typeof kernel !== 'function') return;
    const bound = kernel.bind(backend) as Kernel;
    const fail = (op: string, shape: readonly number[], dtype: DType, error?: unknown): never => {
      if (error !== undefined) throw reworded(error, op, shape, dtype, device);
      checkAllocation(op, shape, dtype, device);
      throw allocationError(op, shape, dtype, device, 'not a valid size');
    };
    Object.defineProperty(backend, name, { value: make(bound, fail), writable: true, configurable: true, enumerable: false });
  };
  guard('write', (k, fail) => (values: ArrayLike<number>, dtype: DType) => {
    if (!fits(values.length, dtype)) fail('tensor', [values.length], dtype);
    try { return k(values, dtype); } catch (e) { return fail('tensor', [values.length], dtype, e); }
  });
  guard('fill', (k, fail) => (size: number, value: number, dtype: DType) => {
    if (!fits(size, dtype)) fail('fill', [size], dtype);
    try { return k(size, value, dtype); } catch (e) { return fail('fill', [size], dtype, e); }
  });
  guard('contiguous', (k, fail) => (x: View) => {
    if (!fits(count(x.shape), x.dtype)) fail('contiguous', x.shape, x.dtype);
    try { return k(x); } catch (e) { return fail('contiguous', x.shape, x.dtype, e); }
  });
  guard('cast', (k, fail) => (x: View, dtype: DType) => {
    if (!fits(count(x.shape), dtype)) fail('to', x.shape, dtype);
    try { return k(x, dtype); } catch (e) { return fail('to', x.shape, dtype, e); }
  });
  guard('unary', (k, fail) => (op: string, x: View, dtype: DType) => {
    if (!fits(count(x.shape), dtype)) fail(op, x.shape, dtype);
    try { return k(op, x, dtype); } catch (e) { return fail(op, x.shape, dtype, e); }
  });
  guard('binary', (k, fail) => (op: string, a: unknown, c: unknown, shape: readonly number[], dtype: DType) => {
    if (!fits(count(shape), dtype)) fail(op, shape, dtype);
    try { return k(op, a, c, shape, dtype); } catch (e) { return fail(op, shape, dtype, e); }
  });
  guard('where', (k, fail) => (cond: View, a: unknown, c: unknown, shape: readonly number[], dtype: DType) => {
    if (!fits(count(shape), dtype)) fail('where', shape, dtype);
    try { return k(cond, a, c, shape, dtype); } catch (e) { return fail('where', shape, dtype, e); }
  });
  const kept = (shape: readonly number[], axes: readonly number[]) => shape.filter((_, d) => !axes.includes(d));
  guard('reduce', (k, fail) => (op: string, x: View, axes: readonly number[], dtype: DType) => {
    let n = 1;
    for (let d = 0; d < x.shape.length; d++) if (!axes.includes(d)) n *= x.shape[d]!;
    if (!fits(n, dtype)) fail(op, kept(x.shape, axes), dtype);
    try { return k(op, x, axes, dtype); } catch (e) { return fail(op, kept(x.shape, axes), dtype, e); }
  });
  guard('argReduce', (k, fail) => (op: string, x: View, axis: number) => {
    if (!fits(count(x.shape, axis), 'int32')) fail(op, kept(x.shape, [axis]), 'int32');
    try { return k(op, x, axis); } catch (e) { return fail(op, kept(x.shape, [axis]), 'int32', e); }
  });
  guard('cumulative', (k, fail) => (op: string, x: View, axis: number, dtype: DType) => {
    if (!fits(count(x.shape), dtype)) fail(op, x.shape, dtype);
    try { return k(op, x, axis, dtype); } catch (e) { return fail(op, x.shape, dtype, e); }
  });
  guard('matmul', (k, fail) => (a: View, c: View, dtype: DType) => {
    const n = c.shape[c.shape.length - 1]!;
    if (!fits(count(a.shape, a.shape.length - 1) * n, dtype)) fail('matmul', [...a.shape.slice(0, -1), n], dtype);
    try { return k(a, c, dtype); } catch (e) { return fail('matmul', [...a.shape.slice(0, -1), n], dtype, e); }
  });
  guard('concat', (k, fail) => (xs: readonly View[], axis: number, dtype: DType) => {
    const shape = concatShape(xs, axis);
    if (!fits(count(shape), dtype)) fail('cat', shape, dtype);
    try { return k(xs, axis, dtype); } catch (e) { return fail('cat', shape, dtype, e); }
  });
  guard('pad', (k, fail) => (x: View, pads: readonly (readonly [number, number])[], value: number) => {
    const shape = paddedShape(x, pads);
    if (!fits(count(shape), x.dtype)) fail('pad', shape, x.dtype);
    try { return k(x, pads, value); } catch (e) { return fail('pad', shape, x.dtype, e); }
  });
  guard('gather', (k, fail) => (x: View, dim: number, index: View) => {
    if (!fits(count(index.shape), x.dtype)) fail('gather', index.shape, x.dtype);
    try { return k(x, dim, index); } catch (e) { return fail('gather', index.shape, x.dtype, e); }
  });
  guard('scatterAdd', (k, fail) => (shape: readonly number[], dim: number, index: View, src: View, dtype: DType) => {
    if (!fits(count(shape), dtype)) fail('scatterAdd', shape, dtype);
    try { return k(shape, dim, index, src, dtype); } catch (e) { return fail('scatterAdd', shape, dtype, e); }
  });
  guard('inverse', (k, fail) => (x: View) => {
    if (!fits(count(x.shape), x.dtype)) fail('inverse', x.shape, x.dtype);
    try { return k(x); } catch (e) { return fail('inverse', x.shape, x.dtype, e); }
  });
  guard('softmax', (k, fail) => (x: View, axis: number, log: boolean) => {
    const op = log ? 'logSoftmax' : 'softmax';
    if (!fits(count(x.shape), x.dtype)) fail(op, x.shape, x.dtype);
    try { return k(x, axis, log); } catch (e) { return fail(op, x.shape, x.dtype, e); }
  });
  Object.defineProperty(backend, GUARDED, { value: true });
  return backend;
}
