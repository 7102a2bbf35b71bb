/**
 * CpuBackend: Graft's Backend spec on TypedArrays. A handle is the typed
 * array itself; disposed arrays go back to a pool for reuse.
 */
import { BACKEND_SPEC_VERSION, type Backend, type DType, type TypedArray } from '@graft/core/backend';
import { activation } from './kernels/activation.js';
import { conv2d } from './kernels/conv.js';
import * as elementwise from './kernels/elementwise.js';
import { matmul } from './kernels/matmul.js';
import * as movement from './kernels/movement.js';
import * as optim from './kernels/optim.js';
import * as reduce from './kernels/reduce.js';
import { lstmSequence, lstmSequenceBackward } from './kernels/lstm-sequence.js';
import * as rnn from './kernels/rnn.js';
import { sort } from './kernels/sort.js';
import { alloc, arr, type Handle, release } from './heap.js';

/**
 * The CPU backend: TypedArrays, and WebAssembly memory with SIMD kernels for
 * large tensors. Registered as `'cpu'` by this package's entry point.
 *
 * @example
 * g.registerBackend('cpu2', () => new CpuBackend());
 */
export class CpuBackend implements Backend<Handle> {
  readonly name = 'cpu';
  readonly specVersion = BACKEND_SPEC_VERSION;
  readonly supportsFloat64 = true;
  private liveBytes = 0;

  write(values: TypedArray, dtype: DType): Handle {
    const h = alloc(dtype, values.length);
    const out = arr(h);
    if (dtype === 'bool' && !(values instanceof Uint8Array)) for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0;
    else out.set(values);
    return this.track(h);
  }
  read(handle: Handle): Promise<TypedArray> {
    return Promise.resolve(arr(handle));
  }
  readSync(handle: Handle): TypedArray {
    return arr(handle);
  }
  dispose(handle: Handle): void {
    this.liveBytes -= handle.byteLength;
    release(handle);
  }
  memory() {
    return { numBytes: this.liveBytes };
  }
  private track<T extends Handle>(a: T): T {
    this.liveBytes += a.byteLength;
    return a;
  }

  fill: Backend<Handle>['fill'] = (size, value, dtype) => this.track(movement.fill(size, value, dtype));
  contiguous: Backend<Handle>['contiguous'] = (x) => this.track(movement.contiguous(x));
  assign: Backend<Handle>['assign'] = (dst, src) => movement.assign(dst, src);
  cast: Backend<Handle>['cast'] = (x, dtype) => this.track(movement.cast(x, dtype));
  unary: Backend<Handle>['unary'] = (op, x, dtype) => this.track(elementwise.unary(op, x, dtype));
  binary: Backend<Handle>['binary'] = (op, a, b, shape, dtype) => this.track(elementwise.binary(op, a, b, shape, dtype));
  where: Backend<Handle>['where'] = (c, a, b, shape, dtype) => this.track(elementwise.where(c, a, b, shape, dtype));
  reduce: Backend<Handle>['reduce'] = (op, x, axes) => this.track(reduce.reduce(op, x, axes));
  argReduce: Backend<Handle>['argReduce'] = (op, x, axis) => this.track(reduce.argReduce(op, x, axis));
  cumulative: Backend<Handle>['cumulative'] = (op, x, axis, dtype) => this.track(reduce.cumulative(op, x, axis, dtype));
  matmul: Backend<Handle>['matmul'] = (a, b) => this.track(matmul(a, b));
  concat: Backend<Handle>['concat'] = (xs, axis) => this.track(movement.concat(xs, axis));
  pad: Backend<Handle>['pad'] = (x, pads, value) => this.track(movement.pad(x, pads, value));
  gather: Backend<Handle>['gather'] = (x, dim, index) => this.track(movement.gather(x, dim, index));
  scatterAdd: Backend<Handle>['scatterAdd'] = (shape, dim, index, src) => this.track(movement.scatterAdd(shape, dim, index, src));
  softmax: NonNullable<Backend<Handle>['softmax']> = (x, axis, log) => this.track(reduce.softmax(x, axis, log));
  fmod: NonNullable<Backend<Handle>['fmod']> = (a, b, shape, dtype) => this.track(elementwise.fmod(a, b, shape, dtype));
  scatterReduce: NonNullable<Backend<Handle>['scatterReduce']> = (op, self, dim, index, src, includeSelf) =>
    this.track(movement.scatterReduce(op, self, dim, index, src, includeSelf));
  sort: NonNullable<Backend<Handle>['sort']> = (x, axis, descending, stable) => {
    const [values, indices] = sort(x, axis, descending, stable);
    return [this.track(values), this.track(indices)];
  };
  put: NonNullable<Backend<Handle>['put']> = (dst, positions, src, accumulate) => movement.put(dst, positions, src, accumulate);
  thresholdBackward: NonNullable<Backend<Handle>['thresholdBackward']> = (grad, source, threshold) =>
    this.track(elementwise.thresholdBackward(grad, source, threshold));
  tanhBackward: NonNullable<Backend<Handle>['tanhBackward']> = (grad, output) => this.track(elementwise.tanhBackward(grad, output));
  adamStep: NonNullable<Backend<Handle>['adamStep']> = (param, grad, expAvg, expAvgSq, maxExpAvgSq, o) =>
    optim.adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, o);
  sgdStep: NonNullable<Backend<Handle>['sgdStep']> = (param, grad, momentumBuffer, o) => optim.sgdStep(param, grad, momentumBuffer, o);
  lstmCell: NonNullable<Backend<Handle>['lstmCell']> = (inputGates, hiddenGates, cx) => {
    const [hy, cy, workspace] = rnn.lstmCell(inputGates, hiddenGates, cx);
    return [this.track(hy), this.track(cy), this.track(workspace)];
  };
  lstmCellBackward: NonNullable<Backend<Handle>['lstmCellBackward']> = (gradHy, gradCy, cx, cy, workspace) => {
    const [gates, gradCx] = rnn.lstmCellBackward(gradHy, gradCy, cx, cy, workspace);
    return [this.track(gates), this.track(gradCx)];
  };
  lstmSequence: NonNullable<Backend<Handle>['lstmSequence']> = (inputGates, hx, cx, weightHh, reverse) => {
    const made = lstmSequence(inputGates, hx, cx, weightHh, reverse);
    return made === null ? null : [this.track(made[0]), this.track(made[1]), this.track(made[2])];
  };
  lstmSequenceBackward: NonNullable<Backend<Handle>['lstmSequenceBackward']> = (
    gradOutput,
    gradHn,
    gradCn,
    cx,
    weightHh,
    cells,
    workspaces,
    reverse,
  ) => {
    const made = lstmSequenceBackward(gradOutput, gradHn, gradCn, cx, weightHh, cells, workspaces, reverse);
    return made === null ? null : [this.track(made[0]), this.track(made[1]), this.track(made[2])];
  };
  activation: NonNullable<Backend<Handle>['activation']> = (kind, x, grad) => {
    const made = activation(kind, x, grad);
    return made === null ? null : this.track(made);
  };
  conv2d: NonNullable<Backend<Handle>['conv2d']> = (pass, a, b, o) => {
    const made = conv2d(pass, a, b, o);
    return made === null ? null : this.track(made);
  };
  gruCell: NonNullable<Backend<Handle>['gruCell']> = (inputGates, hiddenGates, hx) => {
    const [hy, workspace] = rnn.gruCell(inputGates, hiddenGates, hx);
    return [this.track(hy), this.track(workspace)];
  };
  gruCellBackward: NonNullable<Backend<Handle>['gruCellBackward']> = (gradHy, hx, workspace) => {
    const [gi, gh, gx] = rnn.gruCellBackward(gradHy, hx, workspace);
    return [this.track(gi), this.track(gh), this.track(gx)];
  };
}
