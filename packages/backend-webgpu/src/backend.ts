/**
 * WebGPUBackend: Graft's Backend spec on @tensorflow/tfjs-backend-webgpu. It
 * owns a tfjs WebGPUBackend on a GPUDevice and calls tfjs's kernels (matmul,
 * reductions, arg-reductions, cumulative ops, concatenation) directly on tfjs
 * data ids: tfjs's WGSL, Graft's autograd, no tfjs tape. Everything else —
 * elementwise ops read through strided views, strided copies and writes,
 * gather, scatters, padding — are WGSL programs of ours (programs.ts,
 * wgsl-math.ts), written to PyTorch's semantics.
 */
import { checkOptions } from '@graft/core';
import {
  type AdamStepOptions,
  adamPasses,
  BACKEND_SPEC_VERSION,
  contiguousStrides,
  numel,
  type OptimizerPassRunner,
  reshapedView as reshaped,
  type SgdStepOptions,
  sgdPasses,
  TfjsBridge,
  TfjsHandle,
  type Backend,
  type BinaryOp,
  type DType,
  type ScatterReduceOp,
  type TypedArray,
  type UnaryOp,
  type View,
} from '@graft/core/backend';
import { WebGPUBackend as TfWebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { env, getKernel, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { addressCode, coordNames, coordsCode, GraftProgram, Uniforms, type ViewLayout } from './programs.js';
import { FMOD_WGSL, MATH_BINARY_WGSL, MATH_UNARY_WGSL, MATH_WGSL, POW_WGSL, SINCOS_WGSL, UNARY_WGSL } from './wgsl-math.js';

/** A storage: a tfjs data id (replaced, not mutated, by in-place writes) of `size` elements. */
export class WebGPUHandle extends TfjsHandle {}

type H = WebGPUHandle;
type TfDType = 'float32' | 'int32' | 'bool';

/** What the adapter says about itself, for display. */
export interface WebGPUAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for a software adapter (SwiftShader here, WARP, llvmpipe): correct, but CPU-speed. */
  isFallbackAdapter: boolean;
}

/** The minimal GPUDevice surface this backend touches (the DOM's WebGPU types are not required to build). */
export interface GPUDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
  limits: Record<string, number> | object;
  /** Destroys the device (every buffer on it is gone; the backend then refuses every op). */
  destroy(): void;
}

/** Options of `new WebGPUBackend(options)`. */
export interface WebGPUBackendOptions {
  /** The GPUDevice to run on (from `adapter.requestDevice()`); `initWebGpu()` makes one. */
  device: GPUDeviceLike;
  /** The adapter's info (`adapter.info`), reported by `adapterInfo`. */
  adapterInfo?: Partial<WebGPUAdapterInfo>;
  /**
   * Whether synchronous reads may go through a canvas (tfjs-webgpu's readSync: the only synchronous way
   * out of WebGPU). `initWebGpu()` says yes on a hardware adapter where OffscreenCanvas exists; where it is
   * false, sync reads throw a clear error instead of returning the zeros a broken canvas path gives (a
   * fallback adapter: SwiftShader in headless Chromium; Node). Default false.
   */
  canvasReads?: boolean;
}

/** Our elementwise unary bodies over f32 (read `x`, set `r`) for the ops that are one line. */
const SIMPLE_UNARY: Partial<Record<UnaryOp, string>> = {
  neg: 'r = -x;',
  abs: 'r = abs(x);',
  sign: 'r = select(sign(x), 0.0, isnan(x));', // sign(NaN) is 0 in PyTorch
  reciprocal: 'r = 1.0 / x;',
  square: 'r = x * x;',
  sqrt: 'if (x < 0.0) { r = uniforms.NAN; } else if (isinf(x)) { r = x; } else { r = sqrt(x); }',
  rsqrt:
    'if (x < 0.0) { r = uniforms.NAN; } else if (x == 0.0) { r = 1.0 / x; } else if (isinf(x)) { r = 0.0; } else { r = 1.0 / sqrt(x); }',
  exp: 'r = graftExp(x);', // ours (MATH_WGSL): drivers' exp is off by ulps near 0 (llvmpipe: exp(-1e-10) < 1)
  sigmoid: 'if (isnan(x)) { r = x; } else { r = 1.0 / (1.0 + graftExp(-x)); }',
  relu: 'r = select(max(x, 0.0), x, isnan(x));',
  floor: 'r = floor(x);',
  ceil: 'r = ceil(x);',
  round: 'r = round(x);',
  logicalNot: 'r = select(0.0, 1.0, x == 0.0);',
  isnan: 'r = select(0.0, 1.0, isnan(x));',
  isfinite: 'r = select(1.0, 0.0, isnan(x) || isinf(x));',
};
/** int32 bodies where an integer op stays exact in i32 (above 2^24 too). */
const INT_UNARY: Partial<Record<UnaryOp, string>> = {
  neg: 'r = -x;',
  abs: 'r = abs(x);',
  sign: 'r = sign(x);',
  square: 'r = x * x;',
  floor: 'r = x;',
  ceil: 'r = x;',
  round: 'r = x;',
  trunc: 'r = x;',
  relu: 'r = max(x, 0);',
};
/** Our elementwise binary expressions over f32 a, b. */
const SIMPLE_BINARY: Partial<Record<BinaryOp, string>> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b', // IEEE: 0/0 is NaN, x/0 is ±inf
  pow: 'cpow(a, b)',
  maximum: 'select(max(a, b), uniforms.NAN, isnan(a) || isnan(b))',
  minimum: 'select(min(a, b), uniforms.NAN, isnan(a) || isnan(b))',
  eq: 'select(0.0, 1.0, a == b)',
  ne: 'select(0.0, 1.0, !(a == b))', // NaN ≠ anything: written so that no ordered not-equal can drop it
  lt: 'select(0.0, 1.0, a < b)',
  le: 'select(0.0, 1.0, a <= b)',
  gt: 'select(0.0, 1.0, a > b)',
  ge: 'select(0.0, 1.0, a >= b)',
  logicalAnd: 'select(0.0, 1.0, !(a == 0.0) && !(b == 0.0))',
  logicalOr: 'select(0.0, 1.0, !(a == 0.0) || !(b == 0.0))',
};
/** Binary expressions over i32 a, b (int32 and bool operands): exact above 2^24. */
const INT_BINARY: Partial<Record<BinaryOp, string>> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  maximum: 'max(a, b)',
  minimum: 'min(a, b)',
  eq: 'select(0, 1, a == b)',
  ne: 'select(0, 1, a != b)',
  lt: 'select(0, 1, a < b)',
  le: 'select(0, 1, a <= b)',
  gt: 'select(0, 1, a > b)',
  ge: 'select(0, 1, a >= b)',
  logicalAnd: 'select(0, 1, a != 0 && b != 0)',
  logicalOr: 'select(0, 1, a != 0 || b != 0)',
  bitwiseAnd: 'a & b',
  bitwiseOr: 'a | b',
  bitwiseXor: 'a ^ b',
};

/** The view of `v` with dims (size 1) inserted so it has `rank` dims (for broadcast operands: stride 0 there). */
function layout(v: View<H>): ViewLayout {
  return { shape: v.shape, strides: v.strides, offset: v.offset };
}

/** Row-major strides of a shape. */
function contiguousStridesOf(shape: readonly number[]): number[] {
  const strides: number[] = [];
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return strides;
}

/** The view with `axes` moved after the other dims (in order): no copy, strides permuted. */
function moveLast(v: View<H>, axes: readonly number[]): View<H> {
  const order = [...v.shape.keys()].filter((d) => !axes.includes(d)).concat(axes);
  return {
    handle: v.handle,
    dtype: v.dtype,
    shape: order.map((d) => v.shape[d]!),
    strides: order.map((d) => v.strides[d]!),
    offset: v.offset,
  };
}

const isInt = (dtype: DType) => dtype === 'int32' || dtype === 'bool';

/** Whether the view has `shape` and row-major strides (from any offset): element i of the output is element offset + i. */
function isRowMajorAs(v: View<H>, shape: readonly number[]): boolean {
  if (v.shape.length !== shape.length) return false;
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (v.shape[d] !== shape[d]) return false;
    if (shape[d] !== 1 && v.strides[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

/**
 * The `'webgpu'` device. Importing `@graft/backend-webgpu` makes one on the
 * browser's default adapter; make your own only to run on a GPUDevice of your
 * choosing (see `initWebGpu`).
 *
 * @example
 * import * as g from '@graft/core';
 * import { WebGPUBackend } from '@graft/backend-webgpu';
 * g.setBackend('webgpu');
 * const gpu = g.getBackend() as unknown as WebGPUBackend;
 * console.log(gpu.adapterInfo.isFallbackAdapter, gpu.limits.maxStorageBufferBindingSize);
 */
export class WebGPUBackend implements Backend<H> {
  readonly name = 'webgpu';
  readonly specVersion = BACKEND_SPEC_VERSION;
  readonly supportsFloat64 = false;
  /** Reads stall the GPU: index bounds are checked on it and reported at the next read. */
  readonly deferChecks = true;
  /** Always 'float32': WebGPU storage buffers hold IEEE float32. */
  readonly precision = 'float32';
  readonly tf: TfWebGPUBackend;
  /** What this backend shares with every tfjs-based one (@graft/core/backend's TfjsBridge): tfjs kernels on views. */
  private readonly bridge: TfjsBridge<H>;
  readonly device: GPUDeviceLike;
  /** The adapter this device came from (vendor, architecture, whether it is a software fallback). */
  readonly adapterInfo: WebGPUAdapterInfo;
  /** The device's limits (maxStorageBufferBindingSize, maxComputeWorkgroupStorageSize, …), as plain numbers. */
  readonly limits: Readonly<Record<string, number>>;

  /** Whether synchronous reads go through a canvas (see `WebGPUBackendOptions.canvasReads`). */
  readonly canvasReads: boolean;
  /**
   * Serves synchronous reads where the canvas path does not work, or undefined (then they throw).
   * A test harness sets it (this package's tests replay a test after reading asynchronously).
   */
  syncReadFallback: ((handle: H) => TypedArray) | undefined;

  /** An error WebGPU reported (uncaptured: a shader or a dispatch it refused), thrown at the next op. */
  private gpuError: string | undefined;
  /** Why the device is gone, or undefined while it lives. */
  private lost: string | undefined;

  constructor(options: WebGPUBackendOptions) {
    const { device, adapterInfo, canvasReads } = checkOptions('WebGPUBackend', options, ['device', 'adapterInfo', 'canvasReads']);
    this.canvasReads = canvasReads === true;
    if (device === undefined) throw new Error('WebGPUBackend: options.device (a GPUDevice) is required; initWebGpu() makes one');
    // Every kernel runs on the GPU: tfjs would otherwise compute small tensors on the host with its CPU kernels.
    env().set('WEBGPU_CPU_FORWARD', false);
    this.device = device;
    this.tf = new TfWebGPUBackend(device as never, adapterInfo as never);
    this.bridge = new TfjsBridge<H>({
      tf: this.tf,
      run: (kernel, inputs, attrs) => this.run(kernel, inputs as Record<string, TensorInfo>, attrs as NamedAttrMap),
      handle: (dataId, size, dtype) => new WebGPUHandle(dataId, size, dtype),
      stridedCopy: (v) => {
        const copy = this.stridedCopy(v);
        return { dataId: copy.dataId, shape: [...v.shape], dtype: copy.dtype as TfDType };
      },
      fill: (size, value, dtype) => this.fill(size, value, dtype),
    });
    this.adapterInfo = {
      vendor: adapterInfo?.vendor ?? '',
      architecture: adapterInfo?.architecture ?? '',
      device: adapterInfo?.device ?? '',
      description: adapterInfo?.description ?? '',
      isFallbackAdapter: adapterInfo?.isFallbackAdapter ?? false,
    };
    const limits: Record<string, number> = {};
    // GPUSupportedLimits' fields are getters on its prototype: copy them by name.
    for (let o = device.limits as object; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
      for (const key of Object.getOwnPropertyNames(o)) {
        const value = (device.limits as Record<string, unknown>)[key];
        if (typeof value === 'number') limits[key] = value;
      }
    }
    this.limits = limits;
    // A lost device would read back garbage or zeros: remember it, and say so at the next op.
    // destroy() is seen at once (its lost promise settles only later, after ops may have been queued).
    const destroy = device.destroy.bind(device);
    device.destroy = () => {
      this.lost ??= 'destroyed: device.destroy() was called';
      destroy();
    };
    // A WGSL program that does not compile, or a dispatch WebGPU refuses, would leave zeros: fail the next op instead.
    (device as unknown as EventTarget).addEventListener?.('uncapturederror', (e) => {
      this.gpuError ??= (e as unknown as { error?: { message?: string } }).error?.message ?? 'unknown error';
    });
    void device.lost.then((info) => {
      this.lost ??= `${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''}`;
    });
  }

  /** True once the device is lost (destroyed, or reclaimed by the browser or driver). */
  get isLost(): boolean {
    return this.lost !== undefined;
  }

  /** Throws a clear error once the device is lost (buffers, and every tensor on it, are gone). */
  private assertDevice(): void {
    if (this.gpuError !== undefined) {
      const message = this.gpuError;
      this.gpuError = undefined;
      throw new Error(
        `@graft/backend-webgpu: WebGPU reported an error in an earlier kernel, whose results are not to be trusted: ${message}`,
      );
    }
    if (this.lost === undefined) return;
    throw new Error(
      `@graft/backend-webgpu: the WebGPU device was lost (${this.lost}); every tensor on 'webgpu' is gone. ` +
        "Re-create the model and data (on 'cpu' if this repeats), after initWebGpu() has made a new device.",
    );
  }

  // ---- tfjs kernels and our programs, on TensorInfos

  private run(kernel: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
    this.assertDevice();
    const config = getKernel(kernel, 'webgpu');
    if (config === undefined) throw new Error(`@graft/backend-webgpu: tfjs has no '${kernel}' kernel for webgpu`);
    return config.kernelFunc({ inputs, backend: this.tf, attrs }) as TensorInfo;
  }

  private runProgram(program: GraftProgram, inputs: TensorInfo[], dtype: DType, uniforms: Uniforms): TensorInfo {
    this.assertDevice();
    return this.tf.runWebGPUProgram(program, inputs, dtype as TfDType, uniforms.values);
  }

  /** A storage as the flat rank-1 input every program of ours reads. */
  private flat(h: H): TensorInfo {
    return this.bridge.flat(h);
  }

  private wrap(info: TensorInfo, dtype?: DType): H {
    return this.bridge.wrap(info, dtype);
  }

  private free(info: TensorInfo): void {
    this.bridge.free(info);
  }

  private withInputs<T>(views: View<H>[], fn: (infos: TensorInfo[]) => T): T {
    return this.bridge.withInputs(views, fn as (infos: unknown[]) => T);
  }

  /**
   * Elementwise over `shape`: operands (views read through their strides, or
   * numbers as uniforms) are named a, b, c in `body`, which sets `r`. `kind`
   * is the type they are computed in: f32, or i32 (exact integer ops).
   */
  private elementwise(
    body: string,
    operands: readonly (View<H> | number)[],
    shape: readonly number[],
    dtype: DType,
    kind: 'f32' | 'i32' = 'f32',
    helpers = '',
  ): H {
    const size = numel(shape);
    if (size === 0) return this.fill(0, 0, dtype);
    const u = new Uniforms();
    // Operands laid out as the output (the common case: same-shape dense tensors) are read at index + offset,
    // with no coordinates: the per-dimension divisions are the costliest part of a small shader.
    const rowMajor = operands.map((o) => typeof o !== 'number' && isRowMajorAs(o, shape));
    const coords = operands.some((o, i) => typeof o !== 'number' && !rowMajor[i]) ? coordsCode(u, shape) : '';
    const names = ['A', 'B', 'C'];
    const inputs: TensorInfo[] = [];
    const variables: string[] = [];
    const loads = operands.map((o, i) => {
      const n = names[i]!;
      const lower = n.toLowerCase();
      if (typeof o === 'number') return `let ${lower} = ${kind}(${kind === 'i32' ? u.int(`u${n}`, o) : u.float(`u${n}`, o)});`;
      variables.push(n);
      inputs.push(this.flat(o.handle));
      const at = rowMajor[i]
        ? o.offset === 0
          ? 'index'
          : `index + ${u.int(`${lower}Off`, o.offset)}`
        : addressCode(u, lower, layout(o), coordNames(shape.length));
      return `let ${lower} = ${kind}(${n}[${at}]);`;
    });
    const program = new GraftProgram(
      size,
      variables,
      u.fields,
      helpers,
      `${coords}
          ${loads.join('\n          ')}
          var r: ${kind};
          {
            ${body}
          }
          ${kind === 'i32' ? 'setOutputAtIndexI32' : 'setOutputAtIndex'}(index, r);`,
    );
    return this.wrap(this.runProgram(program, inputs, dtype, u), dtype);
  }

  /** A raw copy of the view's elements into a new contiguous storage (any dtype, bit for bit). */
  private stridedCopy(v: View<H>): H {
    const size = numel(v.shape);
    const u = new Uniforms();
    const coords = coordsCode(u, v.shape);
    const program = new GraftProgram(
      size,
      ['A'],
      u.fields,
      '',
      `${coords}
          result[index] = A[${addressCode(u, 'a', layout(v), coordNames(v.shape.length))}];`,
    );
    return this.wrap(this.runProgram(program, [this.flat(v.handle)], v.handle.dtype, u), v.handle.dtype);
  }

  // ---- storage

  write(values: TypedArray, dtype: DType): H {
    this.assertDevice();
    if (dtype === 'float64') throw new Error("float64 is not supported on device 'webgpu' (use float32)");
    const data =
      dtype === 'bool'
        ? Int32Array.from(values, (v) => (v ? 1 : 0))
        : dtype === 'int32'
          ? Int32Array.from(values)
          : Float32Array.from(values);
    return new WebGPUHandle(this.tf.write(data, [values.length], dtype as TfDType), values.length, dtype);
  }
  async read(h: H): Promise<TypedArray> {
    this.assertDevice();
    let values: unknown;
    // The storage may be disposed while the read is in flight: keep its data alive until the read ends.
    const dataId = h.dataId;
    this.tf.incRef(dataId);
    try {
      values = await this.tf.read(dataId);
    } catch (e) {
      this.assertDevice(); // a lost device fails the mapping: say so, not what the driver said
      throw e;
    } finally {
      this.tf.disposeData(dataId);
    }
    this.assertDevice(); // lost while waiting: the values are not results
    return this.normalise(values, h.dtype);
  }
  readSync(h: H): TypedArray {
    this.assertDevice();
    if (this.canvasReads) return this.normalise(this.tf.readSync(h.dataId), h.dtype);
    if (this.syncReadFallback !== undefined) return this.syncReadFallback(h);
    throw new Error(
      `@graft/backend-webgpu: synchronous reads (dataSync, item, tolist, printing, t.to('cpu')) are not possible on this WebGPU ` +
        `(${typeof OffscreenCanvas === 'undefined' ? 'no OffscreenCanvas in this runtime' : 'the canvas path gives no data on this adapter'}): ` +
        'read with await t.values() / await t.array() / await t.itemAsync() instead',
    );
  }
  private normalise(values: unknown, dtype: DType): TypedArray {
    return this.bridge.normalise(values, dtype);
  }
  dispose(h: H): void {
    this.bridge.dispose(h);
  }
  memory() {
    return this.bridge.memory();
  }

  // ---- primitives

  fill(size: number, value: number, dtype: DType): H {
    const u = new Uniforms();
    const body = isInt(dtype)
      ? `setOutputAtIndexI32(index, ${u.int('value', dtype === 'bool' ? (value ? 1 : 0) : value)});`
      : `setOutputAtIndex(index, ${Number.isFinite(value) ? u.float('value', value) : Number.isNaN(value) ? 'uniforms.NAN' : value > 0 ? 'uniforms.INFINITY' : '-uniforms.INFINITY'});`;
    return this.wrap(this.runProgram(new GraftProgram(size, [], u.fields, '', body), [], dtype, u), dtype);
  }

  contiguous(x: View<H>): H {
    // Buffers are never written in place, so a dense copy shares one (tfjs refcounts it).
    return this.bridge.contiguous(x);
  }

  assign(dst: View<H>, src: View<H>): void {
    // Buffers are immutable here (a read caches values on the host): every write makes a new one that replaces the storage's.
    this.bridge.assign(dst, src, (d, s) => this.bridge.flat(this.stridedWrite(d, s)));
  }

  /** The storage of `dst` with the view's elements replaced by `src`'s, on the GPU. */
  private stridedWrite(dst: View<H>, src: View<H>): H {
    const dims = dst.shape
      .map((size, d) => ({ size, stride: dst.strides[d]!, d }))
      .filter((d) => d.size !== 1)
      .sort((a, b) => b.stride - a.stride);
    // Greedy division recovers coordinates only when each stride steps over everything below it.
    let extent = 1;
    for (const d of [...dims].reverse()) {
      if (d.stride < extent) {
        throw new Error(
          `assign: the written view (shape [${dst.shape.join(', ')}], strides [${dst.strides.join(', ')}]) has elements that overlap in memory; in-place writes need distinct elements`,
        );
      }
      extent = d.stride * (d.size - 1) + extent;
    }
    const u = new Uniforms();
    const rank = dst.shape.length;
    const coords = Array.from({ length: rank }, () => '0');
    const declare = dims.map((_, i) => `var k${i} = 0;`);
    const steps = dims.map((d, i) => {
      coords[d.d] = `k${i}`;
      const stride = u.int(`st${i}`, d.stride);
      return `k${i} = r / ${stride}; if (k${i} >= ${u.int(`sz${i}`, d.size)}) { inside = false; } r -= k${i} * ${stride};`;
    });
    const source = addressCode(u, 'v', layout(reshaped(src, dst.shape)), coords);
    const program = new GraftProgram(
      dst.handle.size,
      ['D', 'V'],
      u.fields,
      '',
      `var r = index - ${u.int('dOff', dst.offset)};
          var inside = r >= 0;
          ${declare.join(' ')}
          if (inside) {
            ${steps.join('\n            ')}
          }
          if (inside && r == 0) { result[index] = V[${source}]; } else { result[index] = D[index]; }`,
    );
    return this.wrap(this.runProgram(program, [this.flat(dst.handle), this.flat(src.handle)], dst.handle.dtype, u), dst.handle.dtype);
  }

  cast(x: View<H>, dtype: DType): H {
    if (numel(x.shape) === 0) return this.fill(0, 0, dtype);
    if (dtype === x.dtype) return this.contiguous(x);
    if (dtype === 'bool')
      return this.elementwise(
        isInt(x.dtype) ? 'r = select(0, 1, a != 0);' : 'r = select(0.0, 1.0, !(a == 0.0));',
        [x],
        x.shape,
        dtype,
        isInt(x.dtype) ? 'i32' : 'f32',
      );
    if (dtype === 'int32' && x.dtype === 'bool') return this.elementwise('r = a;', [x], x.shape, dtype, 'i32');
    // float → int32 truncates toward zero (WGSL's i32(f32), in setOutputAtIndex); int → float32 rounds.
    return this.elementwise('r = a;', [x], x.shape, dtype, 'f32');
  }

  unary(op: UnaryOp, x: View<H>, outDtype: DType): H {
    if (numel(x.shape) === 0) return this.fill(0, 0, outDtype);
    const intBody = isInt(x.dtype) && isInt(outDtype) ? INT_UNARY[op] : undefined;
    if (intBody !== undefined) return this.elementwise(`let x = a;\n${intBody}`, [x], x.shape, outDtype, 'i32');
    const simple = SIMPLE_UNARY[op];
    if (simple !== undefined) {
      const helpers = simple.includes('graftExp') ? SINCOS_WGSL + MATH_WGSL : '';
      return this.elementwise(`let x = a;\n${simple}`, [x], x.shape, outDtype, 'f32', helpers);
    }
    const body = UNARY_WGSL[op];
    if (body !== undefined) return this.elementwise(`let x = a;\n${body}`, [x], x.shape, outDtype, 'f32', SINCOS_WGSL);
    const math = MATH_UNARY_WGSL[op];
    if (math === undefined) throw new Error(`@graft/backend-webgpu: no kernel for unary '${op}'`);
    return this.elementwise(`let x = a;\n${math}`, [x], x.shape, outDtype, 'f32', SINCOS_WGSL + MATH_WGSL);
  }

  binary(op: BinaryOp, a: View<H> | number, b: View<H> | number, shape: readonly number[], outDtype: DType): H {
    const dtype = typeof a === 'number' ? (b as View<H>).dtype : a.dtype;
    if (numel(shape) === 0) return this.fill(0, 0, outDtype);
    const intExpr = isInt(dtype) ? INT_BINARY[op] : undefined;
    if (intExpr !== undefined) return this.elementwise(`r = ${intExpr};`, [a, b], shape, outDtype, 'i32');
    const simple = SIMPLE_BINARY[op];
    if (simple !== undefined)
      return this.elementwise(`r = ${simple};`, [a, b], shape, outDtype, 'f32', op === 'pow' ? SINCOS_WGSL + POW_WGSL : '');
    const math = MATH_BINARY_WGSL[op];
    if (math === undefined) throw new Error(`@graft/backend-webgpu: no kernel for binary '${op}' on ${dtype}`);
    return this.elementwise(`r = ${math.expr};`, [a, b], shape, outDtype, 'f32', SINCOS_WGSL + MATH_WGSL + math.helpers);
  }

  /** C's fmod, exact (the optional kernel: floor division and the remainders need it). */
  fmod(a: View<H>, b: View<H>, shape: readonly number[], dtype: DType): H {
    return this.elementwise('r = graftFmod(a, b);', [a, b], shape, dtype, 'f32', SINCOS_WGSL + MATH_WGSL + FMOD_WGSL);
  }

  /**
   * PyTorch's threshold_backward in one pass (the optional kernel: relu's backward), where core would compare,
   * then select through a bool mask. NaN in `source` keeps the gradient (`<=` is false for NaN), as the composite.
   */
  thresholdBackward(grad: View<H>, source: View<H>, threshold: number): H {
    return this.elementwise('r = select(a, 0.0, b <= c);', [grad, source, threshold], grad.shape, grad.dtype);
  }

  where(cond: View<H>, a: View<H> | number, b: View<H> | number, shape: readonly number[], dtype: DType): H {
    const kind = isInt(dtype) ? 'i32' : 'f32';
    return this.elementwise(`r = select(c, b, a != ${kind}(0));`, [cond, a, b], shape, dtype, kind);
  }

  reduce(op: 'sum' | 'prod' | 'max' | 'min', x: View<H>, axes: readonly number[]): H {
    const outDtype = x.dtype;
    // An empty reduction is the op's identity (max/min of nothing is refused by core).
    if (numel(x.shape) === 0) {
      const kept = x.shape.filter((_, d) => !axes.includes(d));
      return this.fill(numel(kept), op === 'prod' ? 1 : 0, outDtype);
    }
    // Reduced axes go last, in one strided copy of ours (tfjs would transpose, and its transpose fails on int32).
    const moved = moveLast(x, axes);
    const trailing = axes.map((_, k) => x.shape.length - axes.length + k);
    return this.withInputs([moved], ([i]) => this.bridge.reduceInfo(op, i!, trailing, outDtype));
  }

  argReduce(op: 'argmax' | 'argmin', x: View<H>, axis: number): H {
    const moved = moveLast(x, [axis]);
    return this.withInputs([moved], ([i]) =>
      this.wrap(this.run(op === 'argmax' ? 'ArgMax' : 'ArgMin', { x: i! }, { axis: x.shape.length - 1 }), 'int32'),
    );
  }

  cumulative(op: 'cumsum' | 'cumprod', x: View<H>, axis: number, outDtype: DType): H {
    if (numel(x.shape) === 0) return this.fill(0, 0, outDtype);
    if (x.shape.length === 0) return this.contiguous(x);
    // The axis goes last and comes back in strided copies of ours (tfjs's own transpose fails on int32).
    const rank = x.shape.length;
    const moved = moveLast(x, [axis]);
    const out = this.withInputs([moved], ([i]) =>
      this.wrap(
        this.run(op === 'cumsum' ? 'Cumsum' : 'Cumprod', { x: i! }, { axis: rank - 1, exclusive: false, reverse: false }),
        outDtype,
      ),
    );
    if (axis === rank - 1) return out;
    // out is x's shape with `axis` moved last: view it back in x's order.
    const movedShape = moved.shape;
    const strides = contiguousStridesOf(movedShape);
    const back: number[] = [];
    const order = [...x.shape.keys()].filter((d) => d !== axis).concat([axis]);
    order.forEach((d, k) => (back[d] = strides[k]!));
    const result = this.stridedCopy({ handle: out, dtype: outDtype, shape: x.shape, strides: back, offset: 0 });
    this.dispose(out);
    return result;
  }

  matmul(a: View<H>, b: View<H>): H {
    return this.bridge.matmul(a, b);
  }

  concat(xs: readonly View<H>[], axis: number): H {
    return this.bridge.concat(xs, axis);
  }

  pad(x: View<H>, pads: readonly (readonly [number, number])[], value: number): H {
    const shape = x.shape.map((s, d) => s + pads[d]![0] + pads[d]![1]);
    const size = numel(shape);
    if (numel(x.shape) === 0 || size === 0) return this.fill(size, value, x.dtype);
    const u = new Uniforms();
    const coords = coordsCode(u, shape);
    const inner = x.shape.map((_, d) => `(oc${d} - ${u.int(`b${d}`, pads[d]![0])})`);
    const inside = x.shape.map((_, d) => `${inner[d]} >= 0 && ${inner[d]} < ${u.int(`n${d}`, x.shape[d]!)}`).join(' && ') || 'true';
    const fillValue = isInt(x.dtype)
      ? `setOutputAtIndexI32(index, ${u.int('value', value)});`
      : `setOutputAtIndex(index, ${u.float('value', value)});`;
    const program = new GraftProgram(
      size,
      ['A'],
      u.fields,
      '',
      `${coords}
          if (${inside}) { result[index] = A[${addressCode(u, 'a', layout(x), inner)}]; } else { ${fillValue} }`,
    );
    return this.wrap(this.runProgram(program, [this.flat(x.handle)], x.dtype, u), x.dtype);
  }

  gather(x: View<H>, dim: number, index: View<H>): H {
    const size = numel(index.shape);
    if (size === 0) return this.fill(0, 0, x.dtype);
    const u = new Uniforms();
    const rank = index.shape.length;
    const coords = coordsCode(u, index.shape);
    const names = coordNames(rank);
    const at = addressCode(u, 'i', layout(index), names);
    // A 0-d x is read as one element (its only index, 0).
    const source =
      x.shape.length === 0
        ? u.int('xOff', x.offset)
        : addressCode(
            u,
            'x',
            layout(x),
            names.map((c, d) => (d === dim ? 'g' : c)),
          );
    const program = new GraftProgram(
      size,
      ['X', 'I'],
      u.fields,
      '',
      `${coords}
          let g = i32(I[${at}]);
          result[index] = X[${source}];`,
    );
    return this.wrap(this.runProgram(program, [this.flat(x.handle), this.flat(index.handle)], x.dtype, u), x.dtype);
  }

  /**
   * The loop shared by scatterAdd and scatterReduce: each output position
   * visits the index's extent along `dim` only (in order), folding in the
   * values sent to it. `fold` sees `acc`, `v`, `hit`.
   */
  private scatterLoop(
    shape: readonly number[],
    dim: number,
    index: View<H>,
    src: View<H>,
    self: View<H> | undefined,
    init: string,
    fold: string,
    dtype: DType,
  ): H {
    const u = new Uniforms();
    const outShape = shape.length === 0 ? [1] : shape;
    const rank = outShape.length;
    const one = (v: View<H>): View<H> => (v.shape.length === 0 ? reshaped(v, [1], [1]) : v);
    const idx = one(index);
    const values = one(src);
    const coords = coordsCode(u, outShape);
    const names = coordNames(rank);
    const outside = outShape
      .map((s, d) => (d !== dim && idx.shape[d]! < s ? `oc${d} >= ${u.int(`m${d}`, idx.shape[d]!)}` : ''))
      .filter(Boolean);
    const at = names.map((c, d) => (d === dim ? 'k' : c));
    const kind = isInt(dtype) ? 'i32' : 'f32';
    const inputs = [this.flat(idx.handle), this.flat(values.handle)];
    const variables = ['I', 'S'];
    let selfLoad = `${kind}(0)`;
    if (self !== undefined) {
      variables.push('X');
      inputs.push(this.flat(self.handle));
      selfLoad = `${kind}(X[${addressCode(u, 'x', layout(one(self)), names)}])`;
    }
    const program = new GraftProgram(
      numel(outShape),
      variables,
      u.fields,
      '',
      `${coords}
          let own = ${selfLoad};
          var acc = ${init};
          var hit = false;
          if (!(${outside.join(' || ') || 'false'})) {
            let want = ${names[dim]};
            for (var k = 0; k < ${u.int('extent', idx.shape[dim]!)}; k++) {
              if (i32(I[${addressCode(u, 'i', layout(idx), at)}]) == want) {
                let v = ${kind}(S[${addressCode(u, 's', layout(values), at)}]);
                ${fold}
                hit = true;
              }
            }
          }
          ${kind === 'i32' ? 'setOutputAtIndexI32' : 'setOutputAtIndex'}(index, acc);`,
    );
    return this.wrap(this.runProgram(program, inputs, dtype, u), dtype);
  }

  scatterAdd(shape: readonly number[], dim: number, index: View<H>, src: View<H>): H {
    const dtype = src.dtype;
    if (numel(index.shape) === 0 || numel(shape) === 0) return this.fill(numel(shape), 0, dtype);
    return this.scatterLoop(shape, dim, index, src, undefined, `${isInt(dtype) ? 'i32' : 'f32'}(0)`, 'acc += v;', dtype);
  }

  scatterReduce(op: ScatterReduceOp, self: View<H>, dim: number, index: View<H>, src: View<H>, includeSelf: boolean): H {
    const dtype = self.dtype;
    if (numel(index.shape) === 0 || numel(self.shape) === 0) return this.contiguous(self);
    const nan = isInt(dtype) ? 'false' : 'isnan(v)';
    // NaN wins in amax/amin (a NaN accumulator stays: no comparison with NaN is true).
    const fold = {
      assign: 'v',
      prod: 'acc * v',
      amax: `select(acc, v, ${nan} || v > acc)`,
      amin: `select(acc, v, ${nan} || v < acc)`,
    }[op];
    const first = includeSelf || op === 'assign' ? fold : `select(v, ${fold}, hit)`;
    return this.scatterLoop(self.shape, dim, index, src, self, 'own', `acc = ${first};`, dtype);
  }

  // ---- fused optimizer steps (the optional kernels; core's adamPasses/sgdPasses plan the passes)

  /** One Adam/AdamW update: passes for expAvg, expAvgSq, (maxExpAvgSq,) then the parameter, each one program. */
  adamStep(param: View<H>, grad: View<H>, expAvg: View<H>, expAvgSq: View<H>, maxExpAvgSq: View<H> | null, o: AdamStepOptions): boolean {
    if (numel(param.shape) === 0) return true;
    const r = adamPasses({ param, grad, expAvg, expAvgSq, maxExpAvgSq }, o, this.optimizerRunner(param.shape));
    this.replaceWith(expAvg, r.expAvg);
    this.replaceWith(expAvgSq, r.expAvgSq);
    if (maxExpAvgSq !== null) this.replaceWith(maxExpAvgSq, r.maxExpAvgSq!);
    this.replaceWith(param, r.param);
    return true;
  }

  /** One SGD update: a pass for the momentum buffer (with momentum), then one for the parameter. */
  sgdStep(param: View<H>, grad: View<H>, momentumBuffer: View<H> | null, o: SgdStepOptions): boolean {
    if (numel(param.shape) === 0) return true;
    const r = sgdPasses({ param, grad, momentumBuffer }, o, this.optimizerRunner(param.shape));
    if (momentumBuffer !== null) this.replaceWith(momentumBuffer, r.momentumBuffer!);
    this.replaceWith(param, r.param);
    return true;
  }

  private optimizerRunner(shape: readonly number[]): OptimizerPassRunner<View<H>, TensorInfo> {
    return {
      pass: (inputs, uniforms, expr) => this.optimizerPass(shape, inputs, uniforms, expr),
      maximum: (a, b) => this.optimizerPass(shape, { A: a, B: b }, {}, 'select(b, a, isnan(a) || a > b)'),
      share: (x) => {
        this.tf.incRef(x.dataId);
        return { ...x };
      },
    };
  }

  /**
   * One pass: `expr` per element of `shape` into a new flat float32 buffer.
   * Views are read through their layouts (the parameter may be a strided
   * view); earlier passes' buffers are flat. Hyperparameters are f32
   * uniforms, so one compiled pipeline serves every step.
   */
  private optimizerPass(
    shape: readonly number[],
    inputs: Record<string, View<H> | TensorInfo>,
    uniforms: Record<string, number>,
    expr: string,
  ): TensorInfo {
    const uses = (name: string) => new RegExp(`\\b${name}\\b`).test(expr);
    const u = new Uniforms();
    const coords = coordsCode(u, shape);
    const names = Object.keys(inputs).filter((k) => uses(k.toLowerCase()));
    const infos: TensorInfo[] = [];
    const loads = names.map((k) => {
      const v = inputs[k]!;
      const lower = k.toLowerCase();
      if ('handle' in v) {
        infos.push(this.flat(v.handle));
        return `let ${lower} = f32(${k}[${addressCode(u, lower, layout(v), coordNames(shape.length))}]);`;
      }
      infos.push({ ...v, shape: [numel(shape)] });
      return `let ${lower} = f32(${k}[index]);`;
    });
    const lets = Object.keys(uniforms)
      .filter(uses)
      .map((name) => `let ${name} = ${u.float(name, uniforms[name]!)};`);
    const program = new GraftProgram(
      numel(shape),
      names,
      u.fields,
      '',
      `${coords}
          ${loads.join('\n          ')}
          ${lets.join('\n          ')}
          setOutputAtIndex(index, ${expr});`,
    );
    return this.runProgram(program, infos, 'float32', u);
  }

  /** Makes `next` (flat, contiguous) the contents of the view `dst`: the storage's buffer is replaced, or written through a view. */
  private replaceWith(dst: View<H>, next: TensorInfo): void {
    const src = new WebGPUHandle(next.dataId, numel(dst.shape), dst.dtype);
    this.assign(dst, { handle: src, dtype: dst.dtype, shape: dst.shape, strides: contiguousStrides(dst.shape), offset: 0 });
    this.free(next);
  }
}
