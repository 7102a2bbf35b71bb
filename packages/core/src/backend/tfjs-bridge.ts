/**
 * The part of a Backend built on a tfjs backend (tfjs-backend-webgl's
 * MathBackendWebGL, tfjs-backend-webgpu's WebGPUBackend) that does not depend
 * on which one: handles over tfjs data ids, views handed to tfjs kernels
 * (zero-copy when dense, else a strided copy the backend makes), and the
 * kernels that are tfjs kernels called by name with the same attributes on
 * both (matmul with transpose flags, concat, reductions, convolutions).
 *
 * Why here, in `@graft/core/backend`, and typed against a minimal structural
 * interface instead of tfjs's types: both GPU packages may depend at runtime
 * only on tfjs-core and their own tfjs backend, and both already depend on
 * core. A new package for ~300 lines would be one more thing to publish and
 * version; a source file shared across package folders would break each
 * package's build boundary (rootDir, dist, the pack-install test). Core stays
 * free of tfjs: nothing here imports it, and `TfjsTensorInfo` is tfjs's
 * TensorInfo written out, so tfjs's values pass in and out unchanged.
 *
 * @module
 */
import type { DType, TypedArray } from '../dtype.js';
import { numel } from '../shape.js';
import type { Conv2dGeometry, Conv2dPass, View } from './spec.js';

/** tfjs's data types (tfjs-core's `DataType`). */
export type TfjsDType = 'float32' | 'int32' | 'bool' | 'complex64' | 'string';

/** tfjs-core's `TensorInfo`: a data id (any object tfjs made) viewed with a shape. */
export interface TfjsTensorInfo {
  dataId: object;
  shape: number[];
  dtype: TfjsDType;
}

/** What of a tfjs backend the bridge touches (tfjs's KernelBackend has these). */
export interface TfjsBackendLike {
  /** Drops one reference to a data id (tfjs refcounts data ids that kernels share). */
  disposeData(dataId: object): unknown;
  /** Adds one reference to a data id. */
  incRef(dataId: object): void;
  /** tfjs's memory report (its `numBytesInGPU` is what the bridge reads). */
  memory(): unknown;
}

/** A storage on a tfjs backend: a data id (replaced, not mutated, by in-place writes) of `size` elements. */
export class TfjsHandle {
  constructor(
    public dataId: object,
    readonly size: number,
    readonly dtype: DType,
  ) {}
}

/** What the backend gives the bridge: its tfjs backend, its kernel runner, and the two things only it knows how to do. */
export interface TfjsBridgeHost<H extends TfjsHandle> {
  /** The tfjs backend the data ids live on. */
  readonly tf: TfjsBackendLike;
  /** Runs tfjs's kernel `kernel` (registered for this backend) on TensorInfos: `getKernel(kernel, name).kernelFunc(…)`. */
  run(kernel: string, inputs: Record<string, TfjsTensorInfo>, attrs?: Record<string, unknown>): TfjsTensorInfo;
  /** A new handle of the backend's class. */
  handle(dataId: object, size: number, dtype: DType): H;
  /** A new dense copy of the view's elements, with the view's shape (a strided-copy program of the backend's). */
  stridedCopy(v: View<H>): TfjsTensorInfo;
  /** A new storage of `size` elements equal to `value`. */
  fill(size: number, value: number, dtype: DType): H;
  /**
   * Where the backend's Conv2DBackpropFilter runs one thread per weight element over a serial loop of
   * N·OH·OW products (tfjs-webgl's fragment shader does): the longest loop, per weight element, it is
   * given before `conv2d` declines the geometry to the composite, whose weight gradient is a parallel
   * matmul. Unset: no limit.
   */
  readonly convFilterLoopPerWeight?: number;
}

/** A view with some fields replaced (views may be Tensors, whose fields are getters: never spread them). */
export function reshapedView<H>(v: View<H>, shape: readonly number[], strides: readonly number[] = v.strides): View<H> {
  return { handle: v.handle, dtype: v.dtype, shape, strides, offset: v.offset };
}

/** Whether the view is its whole storage in row-major order: then tfjs can read the data id as it is. */
export function isDenseFrom0(v: View<TfjsHandle>): boolean {
  if (v.offset !== 0 || numel(v.shape) !== v.handle.size) return false;
  let expected = 1;
  for (let d = v.shape.length - 1; d >= 0; d--) {
    if (v.shape[d] !== 1 && v.strides[d] !== expected) return false;
    expected *= v.shape[d]!;
  }
  return true;
}

/**
 * The shared half of a tfjs-based backend: each backend owns one and passes
 * through the kernels that are the same on every tfjs backend.
 *
 * @example
 * // In a backend class (see @graft/backend-webgl and @graft/backend-webgpu):
 * // readonly bridge = new TfjsBridge<MyHandle>({ tf, run, handle, stridedCopy, fill });
 * // matmul(a, b) { return this.bridge.matmul(a, b); }
 */
export class TfjsBridge<H extends TfjsHandle> {
  constructor(private readonly host: TfjsBridgeHost<H>) {}

  /** Runs a tfjs kernel by name. */
  run(kernel: string, inputs: Record<string, TfjsTensorInfo>, attrs: Record<string, unknown> = {}): TfjsTensorInfo {
    return this.host.run(kernel, inputs, attrs);
  }

  /** A handle over a kernel's result (its dtype by default). */
  wrap(info: TfjsTensorInfo, dtype?: DType): H {
    return this.host.handle(info.dataId, numel(info.shape), dtype ?? (info.dtype as DType));
  }

  /** Drops a temporary result. */
  free(info: TfjsTensorInfo): void {
    this.host.tf.disposeData(info.dataId);
  }

  /** A storage as a flat rank-1 TensorInfo. */
  flat(h: H): TfjsTensorInfo {
    return { dataId: h.dataId, shape: [h.size], dtype: h.dtype as TfjsDType };
  }

  /** A TensorInfo holding the view's elements with the view's shape: the storage itself when dense from 0, else a copy (`temp`). */
  input(v: View<H>): { info: TfjsTensorInfo; temp: boolean } {
    if (isDenseFrom0(v)) return { info: { dataId: v.handle.dataId, shape: [...v.shape], dtype: v.handle.dtype as TfjsDType }, temp: false };
    return { info: this.host.stridedCopy(v), temp: true };
  }

  /** Calls `fn` on the views as TensorInfos (`prepare` picks how each is made; `input` by default), then frees the copies. */
  withInputs<T>(
    views: readonly View<H>[],
    fn: (infos: TfjsTensorInfo[]) => T,
    prepare: (v: View<H>) => { info: TfjsTensorInfo; temp: boolean } = (v) => this.input(v),
  ): T {
    const got: { info: TfjsTensorInfo; temp: boolean }[] = [];
    try {
      for (const v of views) got.push(prepare(v));
      return fn(got.map((g) => g.info));
    } finally {
      for (const g of got) if (g.temp) this.free(g.info);
    }
  }

  // ---- storage

  /** The values a tfjs read gives, as Graft's arrays for `dtype` (bool as 0/1 bytes). */
  normalise(values: unknown, dtype: DType): TypedArray {
    const v = values as ArrayLike<number>;
    if (dtype === 'bool') return Uint8Array.from(v, (x) => (x ? 1 : 0));
    if (dtype === 'int32') return v instanceof Int32Array ? v : Int32Array.from(v);
    return v instanceof Float32Array ? v : Float32Array.from(v);
  }

  /** Frees a storage's data id (one reference: tfjs frees the buffer with the last). */
  dispose(h: H): void {
    this.host.tf.disposeData(h.dataId); // tfjs refcounts data ids shared by Identity-style kernels
  }

  /** The GPU bytes tfjs holds (the Backend's `memory()`). */
  memory(): { numBytes: number } {
    return { numBytes: (this.host.tf.memory() as { numBytesInGPU?: number }).numBytesInGPU ?? 0 };
  }

  /** A dense copy of the view: the same data id when dense from 0 (storages are never written in place: tfjs refcounts it). */
  contiguous(x: View<H>): H {
    if (numel(x.shape) === 0) return this.host.fill(0, 0, x.dtype);
    if (isDenseFrom0(x)) {
      this.host.tf.incRef(x.handle.dataId);
      return this.host.handle(x.handle.dataId, x.handle.size, x.handle.dtype);
    }
    return this.wrap(this.host.stridedCopy(x), x.dtype);
  }

  /**
   * `assign`: data ids are immutable, so every write makes a new one that
   * replaces the storage's. A whole storage rewritten by a dense one shares
   * its data id; other dense destinations take a strided copy; a strided
   * destination goes to the backend's `stridedWrite` (the storage with the view's elements replaced).
   */
  assign(dst: View<H>, src: View<H>, stridedWrite: (dst: View<H>, src: View<H>) => TfjsTensorInfo): void {
    if (numel(dst.shape) === 0) return;
    let next: object;
    if (isDenseFrom0(dst)) {
      const source = reshapedView(src, dst.shape);
      if (isDenseFrom0(source) && src.handle.dtype === dst.handle.dtype) {
        this.host.tf.incRef(src.handle.dataId);
        next = src.handle.dataId;
      } else {
        next = this.host.stridedCopy(source).dataId;
      }
    } else {
      next = stridedWrite(dst, src).dataId;
    }
    this.host.tf.disposeData(dst.handle.dataId);
    dst.handle.dataId = next;
  }

  // ---- kernels that are tfjs kernels

  /**
   * tfjs's Sum/Prod/Max/Min over `axes` of an input the backend prepared (bool
   * counted as int32, as tfjs reduces no bools); `input` is freed by the caller.
   */
  reduceInfo(op: 'sum' | 'prod' | 'max' | 'min', input: TfjsTensorInfo, axes: readonly number[], outDtype: DType): H {
    let x = input;
    const castBack = outDtype === 'bool';
    if (castBack) x = this.run('Cast', { x }, { dtype: 'int32' });
    const kernel = { sum: 'Sum', prod: 'Prod', max: 'Max', min: 'Min' }[op];
    // Sum/Prod name the attribute `axis`; Max/Min name it `reductionIndices`.
    let out =
      axes.length === 0
        ? this.run('Identity', { x })
        : this.run(kernel, { x }, { axis: [...axes], reductionIndices: [...axes], keepDims: false });
    if (castBack) {
      this.free(x);
      const b = this.run('Cast', { x: out }, { dtype: outDtype });
      this.free(out);
      out = b;
    }
    return this.wrap(out, outDtype);
  }

  /** Matmul with transposed operands (x Wᵀ, and every matmul backward) sent to tfjs as transpose flags, not copies. */
  matmul(a: View<H>, b: View<H>): H {
    const outDtype = a.dtype;
    const nd = a.shape.length;
    const outSize = numel(a.shape.slice(0, nd - 1)) * b.shape[nd - 1]!;
    if (outSize === 0) return this.host.fill(0, 0, outDtype);
    if (a.shape[nd - 1] === 0) return this.host.fill(outSize, 0, outDtype);
    // Batch dims are materialised (tfjs's own batch broadcasting disagrees with pre-expanded views).
    const ia = this.matmulOperand(a);
    try {
      const ib = this.matmulOperand(b);
      try {
        const attrs = { transposeA: ia.transposed, transposeB: ib.transposed };
        return this.wrap(this.run('BatchMatMul', { a: ia.info, b: ib.info }, attrs), outDtype);
      } finally {
        if (ib.temp) this.free(ib.info);
      }
    } finally {
      if (ia.temp) this.free(ia.info);
    }
  }

  /** A matmul operand as stored: dense, dense with its last two dims swapped (`transposed`), or a copy. */
  private matmulOperand(v: View<H>): { info: TfjsTensorInfo; temp: boolean; transposed: boolean } {
    const nd = v.shape.length;
    if (nd >= 2 && !isDenseFrom0(v)) {
      const swap = <T>(xs: readonly T[]) => [...xs.slice(0, nd - 2), xs[nd - 1]!, xs[nd - 2]!];
      const stored = reshapedView(v, swap(v.shape), swap(v.strides));
      if (isDenseFrom0(stored)) {
        return {
          info: { dataId: v.handle.dataId, shape: [...stored.shape], dtype: v.handle.dtype as TfjsDType },
          temp: false,
          transposed: true,
        };
      }
    }
    return { ...this.input(v), transposed: false };
  }

  /** tfjs's Concat (its inputs as an array); empty parts dropped, one part copied. */
  concat(xs: readonly View<H>[], axis: number): H {
    const outDtype = xs[0]!.dtype;
    const parts = xs.filter((x) => numel(x.shape) !== 0);
    if (parts.length === 0) return this.host.fill(0, 0, outDtype);
    if (parts.length === 1) return this.contiguous(parts[0]!);
    return this.withInputs(parts, (infos) =>
      this.wrap(this.run('Concat', infos as unknown as Record<string, TfjsTensorInfo>, { axis }), outDtype),
    );
  }

  /**
   * The `conv2d` kernel on tfjs's Conv2D, Conv2DBackpropInput and
   * Conv2DBackpropFilter, with dataFormat 'NCHW' (Graft's layout: activations
   * and gradients go to tfjs as they are, no transposes). Only the weight is
   * permuted, to and from tfjs's filter layout [kh, kw, C, O] (one small
   * copy). Declined (null): groups > 1 (tfjs has no grouped convolution; its
   * depthwise one is NHWC only), dilation > 1 (tfjs's backprop kernels take
   * none), anything but float32, and where the host says its weight gradient
   * would be one long serial loop per weight element (`convFilterLoopPerWeight`).
   */
  conv2d(pass: Conv2dPass, a: View<H>, b: View<H>, o: Conv2dGeometry): H | null {
    const N = o.input[0];
    const [O, C, kh, kw] = o.weight;
    const loop = N * o.output[2] * o.output[3];
    const parallel = loop <= (this.host.convFilterLoopPerWeight ?? Number.POSITIVE_INFINITY) * O * C * kh * kw;
    const plain =
      parallel && o.groups === 1 && o.dilation[0] === 1 && o.dilation[1] === 1 && a.dtype === 'float32' && b.dtype === 'float32';
    if (!plain) {
      if (pass === 'forward') return null;
      throw new Error(
        `conv2d: the ${pass} pass of a geometry this backend declines (groups ${o.groups}, dilation [${o.dilation.join(', ')}], ${a.dtype})`,
      );
    }
    const attrs = {
      strides: [...o.stride],
      pad: [
        [0, 0],
        [0, 0],
        [o.padding[0], o.padding[1]],
        [o.padding[2], o.padding[3]],
      ],
      dilations: [1, 1],
      dataFormat: 'NCHW',
    };
    // PyTorch's weight [O, C, kh, kw] is tfjs's filter [kh, kw, C, O] with its dims permuted.
    const asFilter = (w: View<H>) =>
      reshapedView(w, [w.shape[2]!, w.shape[3]!, w.shape[1]!, w.shape[0]!], [w.strides[2]!, w.strides[3]!, w.strides[1]!, w.strides[0]!]);
    if (pass === 'forward') {
      return this.withInputs([a, asFilter(b)], ([x, filter]) => this.wrap(this.run('Conv2D', { x: x!, filter: filter! }, attrs), a.dtype));
    }
    if (pass === 'inputGrad') {
      return this.withInputs([a, asFilter(b)], ([dy, filter]) =>
        this.wrap(this.run('Conv2DBackpropInput', { dy: dy!, filter: filter! }, { ...attrs, inputShape: [...o.input] }), a.dtype),
      );
    }
    const filterGrad = this.withInputs([a, b], ([x, dy]) =>
      this.wrap(this.run('Conv2DBackpropFilter', { x: x!, dy: dy! }, { ...attrs, filterShape: [kh, kw, C, O] }), a.dtype),
    );
    // [kh, kw, C, O] back to [O, C, kh, kw]: a strided copy of the permuted view.
    const back = this.host.stridedCopy({
      handle: filterGrad,
      dtype: a.dtype,
      shape: [O, C, kh, kw],
      strides: [1, O, kw * C * O, C * O],
      offset: 0,
    });
    this.dispose(filterGrad);
    return this.wrap(back, a.dtype);
  }
}
