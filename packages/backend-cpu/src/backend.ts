/**
 * CpuBackend: Graft's Backend spec on TypedArrays. A handle is the typed
 * array itself; disposed arrays go back to a pool for reuse.
 */
import { BACKEND_SPEC_VERSION, type Backend, type DType, type TypedArray } from '@graft/core';
import * as elementwise from './kernels/elementwise.js';
import * as linalg from './kernels/linalg.js';
import { matmul } from './kernels/matmul.js';
import * as movement from './kernels/movement.js';
import * as reduce from './kernels/reduce.js';
import { alloc, release } from './pool.js';

export class CpuBackend implements Backend<TypedArray> {
  readonly name = 'cpu';
  readonly specVersion = BACKEND_SPEC_VERSION;
  readonly supportsFloat64 = true;
  private liveBytes = 0;

  write(values: TypedArray, dtype: DType): TypedArray {
    const out = alloc(dtype, values.length);
    if (dtype === 'bool' && !(values instanceof Uint8Array)) for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0;
    else out.set(values);
    return this.track(out);
  }
  read(handle: TypedArray): Promise<TypedArray> {
    return Promise.resolve(handle);
  }
  readSync(handle: TypedArray): TypedArray {
    return handle;
  }
  dispose(handle: TypedArray): void {
    this.liveBytes -= handle.byteLength;
    release(handle);
  }
  memory() {
    return { numBytes: this.liveBytes };
  }
  private track<T extends TypedArray>(a: T): T {
    this.liveBytes += a.byteLength;
    return a;
  }

  fill: Backend<TypedArray>['fill'] = (size, value, dtype) => this.track(movement.fill(size, value, dtype));
  contiguous: Backend<TypedArray>['contiguous'] = (x) => this.track(movement.contiguous(x));
  assign: Backend<TypedArray>['assign'] = (dst, src) => movement.assign(dst, src);
  cast: Backend<TypedArray>['cast'] = (x, dtype) => this.track(movement.cast(x, dtype));
  unary: Backend<TypedArray>['unary'] = (op, x, dtype) => this.track(elementwise.unary(op, x, dtype));
  binary: Backend<TypedArray>['binary'] = (op, a, b, shape, dtype) => this.track(elementwise.binary(op, a, b, shape, dtype));
  where: Backend<TypedArray>['where'] = (c, a, b, shape, dtype) => this.track(elementwise.where(c, a, b, shape, dtype));
  reduce: Backend<TypedArray>['reduce'] = (op, x, axes, dtype) => this.track(reduce.reduce(op, x, axes, dtype));
  argReduce: Backend<TypedArray>['argReduce'] = (op, x, axis) => this.track(reduce.argReduce(op, x, axis));
  cumulative: Backend<TypedArray>['cumulative'] = (op, x, axis, dtype) => this.track(reduce.cumulative(op, x, axis, dtype));
  matmul: Backend<TypedArray>['matmul'] = (a, b, dtype) => this.track(matmul(a, b, dtype));
  concat: Backend<TypedArray>['concat'] = (xs, axis, dtype) => this.track(movement.concat(xs, axis, dtype));
  pad: Backend<TypedArray>['pad'] = (x, pads, value) => this.track(movement.pad(x, pads, value));
  gather: Backend<TypedArray>['gather'] = (x, dim, index) => this.track(movement.gather(x, dim, index));
  scatterAdd: Backend<TypedArray>['scatterAdd'] = (shape, dim, index, src, dtype) => this.track(movement.scatterAdd(shape, dim, index, src, dtype));
  inverse: Backend<TypedArray>['inverse'] = (x) => this.track(linalg.inverse(x));
  slogdet: Backend<TypedArray>['slogdet'] = (x) => linalg.slogdet(x).map((h) => this.track(h)) as [TypedArray, TypedArray, TypedArray];
  softmax: NonNullable<Backend<TypedArray>['softmax']> = (x, axis, log) => this.track(reduce.softmax(x, axis, log));
}
