/**
 * WebGLBackend: Graft's Backend spec on @tensorflow/tfjs-backend-webgl. It
 * owns a tfjs MathBackendWebGL and calls tfjs's kernels directly on tfjs data
 * ids (tfjs's shaders, Graft's autograd, no tfjs tape). What tfjs lacks — a
 * strided copy, PyTorch's gather — are GPGPU programs of ours.
 */
import { checkOptions } from '@graft/core';
import {
  type AdamStepOptions,
  adamPasses,
  BACKEND_SPEC_VERSION,
  contiguousStrides,
  isDenseFrom0,
  numel,
  reshapedView as reshaped,
  TfjsBridge,
  TfjsHandle,
  type Backend,
  type BinaryOp,
  type Conv2dGeometry,
  type Conv2dPass,
  type DType,
  type OptimizerPassRunner,
  type ScatterReduceOp,
  type SgdStepOptions,
  sgdPasses,
  type TypedArray,
  type UnaryOp,
  type View,
} from '@graft/core/backend';
import { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { env, getKernel, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { FMOD_GLSL, MATH_BINARY_GLSL, MATH_GLSL, MATH_UNARY_GLSL, mathUnaryProgram } from './math-programs.js';
import {
  elementwiseProgram,
  gatherProgram,
  optimizerPassProgram,
  POW_GLSL,
  scatterAddProgram,
  scatterReduceProgram,
  stridedCopyProgram,
  stridedWriteProgram,
  UNARY_GLSL,
  unaryProgram,
  type Operand,
  type Program,
  type WriteDim,
} from './programs.js';

/** A storage: a tfjs data id (replaced, not mutated, by in-place writes) of `size` elements. */
export class WebGLHandle extends TfjsHandle {}

type H = WebGLHandle;
type TfDType = 'float32' | 'int32' | 'bool';

/** tfjs's kernel for each unary op it has; the rest are programs of ours (math-programs.ts). */
const UNARY: Partial<Record<UnaryOp, string>> = {
  neg: 'Neg',
  abs: 'Abs',
  sign: 'Sign',
  reciprocal: 'Reciprocal',
  square: 'Square',
  sqrt: 'Sqrt',
  rsqrt: 'Rsqrt',
  exp: 'Exp',
  expm1: 'Expm1',
  log: 'Log',
  log1p: 'Log1p',
  sin: 'Sin',
  cos: 'Cos',
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  relu: 'Relu',
  erf: 'Erf',
  floor: 'Floor',
  ceil: 'Ceil',
  round: 'Round',
  logicalNot: 'LogicalNot',
  isnan: 'IsNan',
  isfinite: 'IsFinite',
};
/** tfjs's kernel for each binary op it has; the rest are programs of ours (math-programs.ts). */
const BINARY: Partial<Record<BinaryOp, string>> = {
  add: 'Add',
  sub: 'Sub',
  mul: 'Multiply',
  div: 'RealDiv',
  pow: 'Pow',
  maximum: 'Maximum',
  minimum: 'Minimum',
  eq: 'Equal',
  ne: 'NotEqual',
  lt: 'Less',
  le: 'LessEqual',
  gt: 'Greater',
  ge: 'GreaterEqual',
  logicalAnd: 'LogicalAnd',
  logicalOr: 'LogicalOr',
};

/** Options of `new WebGLBackend(options)`. */
export interface WebGLBackendOptions {
  /** An existing tfjs MathBackendWebGL (e.g. on a headless-gl context); by default a new one. */
  backend?: MathBackendWebGL;
}

/**
 * Whether WebGL can exist here: a document or an OffscreenCanvas to draw on.
 * False in Node; in a browser the context may still be refused (then making
 * the backend throws).
 */
export function hasCanvas(): boolean {
  const g = globalThis as { document?: unknown; OffscreenCanvas?: unknown };
  return g.document !== undefined || g.OffscreenCanvas !== undefined;
}

/** tfjs's WebGL backend on a canvas of its own, or a clear error where there is no WebGL. */
function createTfBackend(): MathBackendWebGL {
  if (!hasCanvas()) {
    throw new Error(
      '@graft/backend-webgl: no WebGL here (neither a document nor OffscreenCanvas: this looks like Node). ' +
        "Use '@graft/backend-cpu' in Node, or pass a tfjs MathBackendWebGL made on a WebGL context of your own: new WebGLBackend({ backend }).",
    );
  }
  try {
    return new MathBackendWebGL();
  } catch (e) {
    throw new Error(
      `@graft/backend-webgl: this browser gives no usable WebGL context (${(e as Error).message}). Use '@graft/backend-cpu', or enable WebGL.`,
    );
  }
}

/** The float16 warning is printed once per page, however many backends are made. */
let warnedFloat16 = false;

/**
 * The `'webgl'` device. Importing `@graft/backend-webgl` registers one; make
 * your own only to run on a WebGL context of your choosing.
 *
 * @example
 * import * as g from '@graft/core';
 * import { WebGLBackend } from '@graft/backend-webgl';
 * g.setBackend('webgl');
 * const gpu = g.getBackend() as unknown as WebGLBackend;
 * console.log(gpu.precision); // 'float32' on GPUs that render float32 textures
 */
export class WebGLBackend implements Backend<H> {
  readonly name = 'webgl';
  readonly specVersion = BACKEND_SPEC_VERSION;
  readonly supportsFloat64 = false;
  /** Reads stall the GPU: index bounds are checked on it and reported at the next read. */
  readonly deferChecks = true;
  /** 'float32' when the GPU renders float32 textures, else 'float16' (less precise: a warning is printed once). */
  readonly precision: 'float32' | 'float16';
  readonly tf: MathBackendWebGL;
  /** What this backend shares with every tfjs-based one (@graft/core/backend's TfjsBridge): tfjs kernels on views. */
  private readonly bridge: TfjsBridge<H>;

  /** Why the GL context is gone (the browser reclaimed the GPU), or undefined while it lives. */
  private lost: string | undefined;

  constructor(options?: WebGLBackendOptions) {
    const { backend } = checkOptions('WebGLBackend', options, ['backend']);
    // Unpacked textures keep every reshape of contiguous data free (the same data id, another shape).
    env().set('WEBGL_PACK', false);
    env().set('WEBGL_CPU_FORWARD', false);
    this.tf = backend ?? createTfBackend();
    this.bridge = new TfjsBridge<H>({
      tf: this.tf,
      run: (kernel, inputs, attrs) => this.run(kernel, inputs as Record<string, TensorInfo>, attrs as NamedAttrMap),
      handle: (dataId, size, dtype) => new WebGLHandle(dataId, size, dtype),
      stridedCopy: (v) => this.strided(v),
      fill: (size, value, dtype) => this.fill(size, value, dtype),
      // tfjs-webgl's Conv2DBackpropFilter is one fragment per weight element looping over N·OH·OW: on the
      // bench's CNN (200 weights, loops of 18 432) its weight gradient took 2.6x the composite's. 16 keeps
      // the kernel where the filter is large against the image (the 16-channel 3x3 case: 1.3x faster).
      convFilterLoopPerWeight: 16,
    });
    this.precision = env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') ? 'float32' : 'float16';
    if (this.precision === 'float16' && !warnedFloat16) {
      warnedFloat16 = true;
      console.warn(
        '@graft/backend-webgl: this GPU renders only float16 textures: values keep about 3 significant digits, and training may not converge',
      );
    }
    // A lost context would read back zeros: remember it, and say so at the next op.
    const canvas = this.tf.gpgpu.gl.canvas as unknown as EventTarget | undefined;
    canvas?.addEventListener?.('webglcontextlost', () => (this.lost = 'the browser reclaimed the GPU'));
  }

  /** Throws a clear error once the GL context is lost (textures, and every tensor on it, are gone). */
  private assertContext(): void {
    if (this.lost === undefined && !this.tf.gpgpu.gl.isContextLost()) return;
    throw new Error(
      `@graft/backend-webgl: the WebGL context was lost (${this.lost ?? 'isContextLost() is true'}: too much GPU memory, a driver reset, ` +
        "or the page was in the background); every tensor on 'webgl' is gone. Re-create the model and data (on 'cpu' if this repeats).",
    );
  }

  // ---- kernels by name, on TensorInfos

  private run(kernel: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
    if (this.lost !== undefined) this.assertContext();
    const config = getKernel(kernel, 'webgl');
    if (config === undefined) throw new Error(`@graft/backend-webgl: tfjs has no '${kernel}' kernel for webgl`);
    return config.kernelFunc({ inputs, backend: this.tf, attrs }) as TensorInfo;
  }

  private wrap(info: TensorInfo, dtype?: DType): H {
    return this.bridge.wrap(info, dtype);
  }

  private free(info: TensorInfo): void {
    this.bridge.free(info);
  }

  /** A tfjs TensorInfo holding the view's elements with the view's shape (zero-copy when dense from 0). */
  private input(v: View<H>): { info: TensorInfo; temp: boolean } {
    return this.bridge.input(v) as { info: TensorInfo; temp: boolean };
  }

  /** A view with its broadcast (stride-0) dims shrunk to 1: tfjs broadcasts those itself. */
  private compactInput(v: View<H>): { info: TensorInfo; temp: boolean } {
    const shape = v.shape.map((s, d) => (v.strides[d] === 0 ? 1 : s));
    return this.input(reshaped(v, shape));
  }

  /** Runs one of our programs; the result takes `shape` (programs write rank-0 results as [1]). */
  private runProgram(program: Program, inputs: TensorInfo[], dtype: DType, shape: readonly number[], uniforms?: number[][]): TensorInfo {
    if (this.lost !== undefined) this.assertContext();
    const out = this.tf.runWebGLProgram(program, inputs, dtype as TfDType, uniforms);
    return { ...out, shape: [...shape] };
  }

  /**
   * Elementwise `expr` over `shape` on views (broadcast by tfjs, no copies for
   * dense or broadcast views) and numbers (uniforms). Operands are named A, B, C…
   */
  private elementwise(expr: string, operands: readonly (View<H> | number)[], shape: readonly number[], dtype: DType, helpers = ''): H {
    const names = ['A', 'B', 'C'];
    const described: Operand[] = operands.map((o, i) => ({ name: names[i]!, scalar: typeof o === 'number' }));
    const views = operands.filter((o): o is View<H> => typeof o !== 'number');
    const uniforms = operands.filter((o): o is number => typeof o === 'number').map((v) => [v]);
    return this.withInputs(
      views,
      (infos) => this.wrap(this.runProgram(elementwiseProgram(shape, described, expr, helpers), infos, dtype, shape, uniforms), dtype),
      true,
    );
  }

  private strided(v: View<H>): TensorInfo {
    const flat: TensorInfo = { dataId: v.handle.dataId, shape: [v.handle.size], dtype: v.handle.dtype as TfDType };
    return this.runProgram(stridedCopyProgram(v.shape, v.strides, v.offset), [flat], v.handle.dtype, v.shape);
  }

  private withInputs<T>(views: View<H>[], fn: (infos: TensorInfo[]) => T, compact = false): T {
    return this.bridge.withInputs(views, fn as (infos: unknown[]) => T, compact ? (v) => this.compactInput(v) : undefined);
  }

  private scalar(value: number, dtype: DType): TensorInfo {
    const values = dtype === 'int32' ? Int32Array.of(value) : dtype === 'bool' ? Uint8Array.of(value ? 1 : 0) : Float32Array.of(value);
    return { dataId: this.tf.write(values, [], dtype as TfDType), shape: [], dtype: dtype as TfDType };
  }

  // ---- storage

  write(values: TypedArray, dtype: DType): H {
    if (this.lost !== undefined) this.assertContext();
    if (dtype === 'float64') throw new Error("float64 is not supported on device 'webgl' (use float32)");
    const data =
      dtype === 'bool'
        ? Uint8Array.from(values, (v) => (v ? 1 : 0))
        : dtype === 'int32'
          ? Int32Array.from(values)
          : Float32Array.from(values);
    return new WebGLHandle(this.tf.write(data, [values.length], dtype as TfDType), values.length, dtype);
  }
  async read(h: H): Promise<TypedArray> {
    this.assertContext();
    const values = await this.tf.read(h.dataId);
    this.assertContext(); // lost while waiting: the values are zeros, not results
    return this.normalise(values, h.dtype);
  }
  readSync(h: H): TypedArray {
    this.assertContext();
    return this.normalise(this.tf.readSync(h.dataId), h.dtype);
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
    return this.wrap(this.run('Fill', {}, { shape: [size], value, dtype }), dtype);
  }

  contiguous(x: View<H>): H {
    // Textures are never written in place, so a dense copy shares one (tfjs refcounts it).
    return this.bridge.contiguous(x);
  }

  assign(dst: View<H>, src: View<H>): void {
    // tfjs textures are immutable: every write makes a new texture that replaces the storage's.
    this.bridge.assign(dst, src, (d, s) => this.stridedWrite(d, s));
  }

  /** The storage of `dst` with the view's elements replaced by `src`'s, on the GPU. */
  private stridedWrite(dst: View<H>, src: View<H>): TensorInfo {
    const sourceStrides = contiguousStrides(dst.shape);
    const dims: WriteDim[] = dst.shape
      .map((size, d) => ({ size, stride: dst.strides[d]!, sourceStride: sourceStrides[d]! }))
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
    const flat: TensorInfo = { dataId: dst.handle.dataId, shape: [dst.handle.size], dtype: dst.handle.dtype as TfDType };
    return this.withInputs([reshaped(src, dst.shape)], ([values]) => {
      const v: TensorInfo = { ...values!, shape: [numel(dst.shape)] };
      return this.runProgram(stridedWriteProgram(dst.handle.size, dims, dst.offset), [flat, v], dst.handle.dtype, [dst.handle.size]);
    });
  }

  cast(x: View<H>, dtype: DType): H {
    if (numel(x.shape) === 0) return this.fill(0, 0, dtype);
    return this.withInputs([x], ([i]) => this.wrap(this.run('Cast', { x: i! }, { dtype }), dtype));
  }

  unary(op: UnaryOp, x: View<H>, outDtype: DType): H {
    if (numel(x.shape) === 0) return this.fill(0, 0, outDtype);
    if (op === 'trunc' && x.dtype !== 'float32') return this.contiguous(x); // integers are their own truncation
    return this.withInputs([x], ([i]) => {
      // Our programs where tfjs's shaders differ from PyTorch or are missing (programs.ts, math-programs.ts); tfjs's elsewhere.
      const body = outDtype === 'float32' ? UNARY_GLSL[op] : undefined;
      if (body !== undefined) return this.wrap(this.runProgram(unaryProgram(x.shape, body), [i!], 'float32', x.shape), outDtype);
      const math = MATH_UNARY_GLSL[op];
      if (math !== undefined) return this.wrap(this.runProgram(mathUnaryProgram(x.shape, math), [i!], 'float32', x.shape), outDtype);
      const out = this.run(UNARY[op]!, { x: i! });
      return this.wrap(out, outDtype);
    });
  }

  binary(op: BinaryOp, a: View<H> | number, b: View<H> | number, shape: readonly number[], outDtype: DType): H {
    const dtype = typeof a === 'number' ? (b as View<H>).dtype : a.dtype;
    const temps: TensorInfo[] = [];
    const operand = (v: View<H> | number): TensorInfo => {
      if (typeof v === 'number') {
        const s = this.scalar(v, dtype);
        temps.push(s);
        return s;
      }
      const got = this.compactInput(v);
      if (got.temp) temps.push(got.info);
      return got.info;
    };
    if (numel(shape) === 0) return this.fill(0, 0, outDtype);
    // IEEE division: tfjs's shader returns 1 when a == b, so 0/0 and inf/inf would give 1, not NaN.
    if (op === 'div') return this.elementwise('a / b', [a, b], shape, 'float32');
    // C's pow (PyTorch's): tfjs's gives 0 for pow(0, -1) and NaN for pow(1, NaN).
    if (op === 'pow' && dtype === 'float32') return this.elementwise('cpow(a, b)', [a, b], shape, 'float32', POW_GLSL);
    const math = MATH_BINARY_GLSL[op];
    if (math !== undefined) return this.elementwise(math.expr, [a, b], shape, outDtype, MATH_GLSL + math.helpers);
    try {
      const out = this.run(BINARY[op]!, { a: operand(a), b: operand(b) });
      if (numel(out.shape) === numel(shape)) return this.wrap(out, outDtype);
      // Both operands were broadcast: expand the result to the full shape.
      const small = this.wrap(out, outDtype);
      const lead = shape.length - out.shape.length;
      const strides: number[] = [];
      let s = 1;
      for (let d = out.shape.length - 1; d >= 0; d--) {
        strides[d] = out.shape[d] === 1 ? 0 : s;
        s *= out.shape[d]!;
      }
      const full = this.contiguous({
        handle: small,
        dtype: outDtype,
        shape,
        strides: [...new Array<number>(lead).fill(0), ...strides],
        offset: 0,
      });
      this.dispose(small);
      return full;
    } finally {
      for (const t of temps) this.free(t);
    }
  }

  // ---- fused optimizer updates (optional kernels; tfjs has none): one shader per tensor written, instead of ~10 kernels

  /**
   * Runs one pass of an optimizer update: `expr` over the flat elements of
   * the named views (read at once, before anything is written) with the
   * hyperparameters as uniforms. Returns the new texture, flat [n].
   */
  private optimizerPass(
    n: number,
    inputs: Record<string, View<H> | TensorInfo>,
    uniforms: Record<string, number>,
    expr: string,
  ): TensorInfo {
    // Only what `expr` reads: a shader compiler drops unused samplers and uniforms.
    const uses = (name: string) => new RegExp(`\\b${name}\\b`).test(expr);
    const names = Object.keys(inputs).filter((k) => uses(k.toLowerCase()));
    const temps: TensorInfo[] = [];
    const infos = names.map((k) => {
      const v = inputs[k]!;
      if (!('handle' in v)) return v;
      const got = this.input(v);
      if (got.temp) temps.push(got.info);
      return { ...got.info, shape: [n] };
    });
    try {
      const uniformNames = Object.keys(uniforms).filter(uses);
      const program = optimizerPassProgram(n, names, uniformNames, expr);
      return this.runProgram(
        program,
        infos,
        'float32',
        [n],
        uniformNames.map((u) => [uniforms[u]!]),
      );
    } finally {
      for (const t of temps) this.free(t);
    }
  }

  /** Makes `next` (flat, contiguous) the contents of the view `dst`: the storage's texture is replaced, or written through a view. */
  private replaceWith(dst: View<H>, next: TensorInfo): void {
    if (isDenseFrom0(dst)) {
      this.tf.disposeData(dst.handle.dataId);
      dst.handle.dataId = next.dataId;
      return;
    }
    const src = new WebGLHandle(next.dataId, numel(dst.shape), dst.dtype);
    this.assign(dst, { handle: src, dtype: dst.dtype, shape: dst.shape, strides: contiguousStrides(dst.shape), offset: 0 });
    this.free(next);
  }

  /** The optimizer passes' runner (core's adamPasses/sgdPasses plan them) over `n` elements. */
  private optimizerRunner(n: number): OptimizerPassRunner<View<H>, TensorInfo> {
    return {
      pass: (inputs, uniforms, expr) => this.optimizerPass(n, inputs, uniforms, expr),
      maximum: (a, b) => this.optimizerPass(n, { A: a, B: b }, {}, 'isnan(a) || a > b ? a : b'),
      share: (x) => {
        this.tf.incRef(x.dataId);
        return { ...x };
      },
    };
  }

  /** One Adam/AdamW update (the optional kernel): passes for expAvg, expAvgSq, (maxExpAvgSq,) then the parameter. */
  adamStep(param: View<H>, grad: View<H>, expAvg: View<H>, expAvgSq: View<H>, maxExpAvgSq: View<H> | null, o: AdamStepOptions): boolean {
    const n = numel(param.shape);
    if (n === 0) return true;
    const r = adamPasses({ param, grad, expAvg, expAvgSq, maxExpAvgSq }, o, this.optimizerRunner(n));
    this.replaceWith(expAvg, r.expAvg);
    this.replaceWith(expAvgSq, r.expAvgSq);
    if (maxExpAvgSq !== null) this.replaceWith(maxExpAvgSq, r.maxExpAvgSq!);
    this.replaceWith(param, r.param);
    return true;
  }

  /** One SGD update (the optional kernel): a pass for the momentum buffer, then one for the parameter. */
  sgdStep(param: View<H>, grad: View<H>, momentumBuffer: View<H> | null, o: SgdStepOptions): boolean {
    const n = numel(param.shape);
    if (n === 0) return true;
    const r = sgdPasses({ param, grad, momentumBuffer }, o, this.optimizerRunner(n));
    if (momentumBuffer !== null) this.replaceWith(momentumBuffer, r.momentumBuffer!);
    this.replaceWith(param, r.param);
    return true;
  }

  /** C's fmod, exact (the optional kernel: floor division and the remainders need it). */
  fmod(a: View<H>, b: View<H>, shape: readonly number[], dtype: DType): H {
    if (numel(shape) === 0) return this.fill(0, 0, dtype);
    return this.elementwise('graftFmod(a, b)', [a, b], shape, dtype, MATH_GLSL + FMOD_GLSL);
  }

  where(cond: View<H>, a: View<H> | number, b: View<H> | number, shape: readonly number[], dtype: DType): H {
    if (numel(shape) === 0) return this.fill(0, 0, dtype);
    return this.elementwise('a != 0.0 ? b : c', [cond, a, b], shape, dtype);
  }

  reduce(op: 'sum' | 'prod' | 'max' | 'min', x: View<H>, axes: readonly number[]): H {
    const outDtype = x.dtype;
    // tfjs cannot reduce empty tensors: an empty reduction is the op's identity (max/min of nothing is refused by core).
    if (numel(x.shape) === 0) {
      const kept = x.shape.filter((_, d) => !axes.includes(d));
      return this.fill(numel(kept), op === 'prod' ? 1 : 0, outDtype);
    }
    return this.withInputs([x], ([i]) => this.bridge.reduceInfo(op, i!, axes, outDtype));
  }

  argReduce(op: 'argmax' | 'argmin', x: View<H>, axis: number): H {
    return this.withInputs([x], ([i]) => this.wrap(this.run(op === 'argmax' ? 'ArgMax' : 'ArgMin', { x: i! }, { axis }), 'int32'));
  }

  cumulative(op: 'cumsum' | 'cumprod', x: View<H>, axis: number, outDtype: DType): H {
    if (numel(x.shape) === 0) return this.fill(0, 0, outDtype);
    return this.withInputs([x], ([i]) => {
      if (x.shape.length === 0) return this.wrap(this.run('Identity', { x: i! }), outDtype);
      return this.wrap(this.run(op === 'cumsum' ? 'Cumsum' : 'Cumprod', { x: i! }, { axis, exclusive: false, reverse: false }), outDtype);
    });
  }

  matmul(a: View<H>, b: View<H>): H {
    return this.bridge.matmul(a, b);
  }

  concat(xs: readonly View<H>[], axis: number): H {
    return this.bridge.concat(xs, axis);
  }

  /** 2-D convolution and its gradients (the optional kernel) on tfjs's NCHW conv kernels; see TfjsBridge.conv2d for what it declines. */
  conv2d(pass: Conv2dPass, a: View<H>, b: View<H>, o: Conv2dGeometry): H | null {
    return this.bridge.conv2d(pass, a, b, o);
  }

  pad(x: View<H>, pads: readonly (readonly [number, number])[], value: number): H {
    if (numel(x.shape) === 0) return this.fill(numel(x.shape.map((s, d) => s + pads[d]![0] + pads[d]![1])), value, x.dtype);
    // tfjs's PadV2 shader does not compile above rank 4. An unpadded dim merges into the dim outside
    // it (padding p rows of it is padding p·size elements there), which brings most pads to rank ≤ 4.
    const shape: number[] = [];
    const paddings: [number, number][] = [];
    x.shape.forEach((size, d) => {
      const [before, after] = pads[d]!;
      const last = shape.length - 1;
      if (last >= 0 && before === 0 && after === 0) {
        shape[last]! *= size;
        paddings[last] = [paddings[last]![0] * size, paddings[last]![1] * size];
      } else {
        shape.push(size);
        paddings.push([before, after]);
      }
    });
    return this.withInputs([x], ([i]) =>
      this.wrap(this.run('PadV2', { x: { ...i!, shape } }, { paddings, constantValue: value }), x.dtype),
    );
  }

  gather(x: View<H>, dim: number, index: View<H>): H {
    if (numel(index.shape) === 0) return this.fill(0, 0, x.dtype);
    // An expanded (stride-0) index is read through tfjs's broadcasting, never copied out.
    const source = this.input(x); // read flat, as row-major x
    const indices = this.compactInput(index);
    try {
      const flat: TensorInfo = { ...source.info, shape: [numel(x.shape)] };
      // A 0-d x is read as one element (its only index, 0, times a stride of 1).
      const program = gatherProgram(index.shape, x.shape.length === 0 ? index.shape.map(() => 1) : contiguousStrides(x.shape), dim);
      return this.wrap(this.runProgram(program, [flat, indices.info], x.dtype, index.shape), x.dtype);
    } finally {
      if (source.temp) this.free(source.info);
      if (indices.temp) this.free(indices.info);
    }
  }

  scatterAdd(shape: readonly number[], dim: number, index: View<H>, src: View<H>): H {
    const dtype = src.dtype;
    if (numel(index.shape) === 0 || numel(shape) === 0) return this.fill(numel(shape), 0, dtype);
    // A 0-d scatter is a 1-element one.
    const outShape = shape.length === 0 ? [1] : shape;
    const indexShape = index.shape.length === 0 ? [1] : index.shape;
    return this.withInputs([reshaped(index, indexShape), reshaped(src, indexShape)], ([i, v]) => {
      const flatI: TensorInfo = { ...i!, shape: [numel(indexShape)] };
      const flatV: TensorInfo = { ...v!, shape: [numel(indexShape)] };
      return this.wrap(this.runProgram(scatterAddProgram(outShape, indexShape, dim), [flatI, flatV], dtype, shape), dtype);
    });
  }

  scatterReduce(op: ScatterReduceOp, self: View<H>, dim: number, index: View<H>, src: View<H>, includeSelf: boolean): H {
    const dtype = self.dtype;
    if (numel(index.shape) === 0 || numel(self.shape) === 0) return this.contiguous(self);
    // A 0-d scatter is a 1-element one.
    const rank1 = (v: View<H>): View<H> => (v.shape.length === 0 ? { ...v, shape: [1], strides: [1] } : v);
    const outShape = self.shape.length === 0 ? [1] : self.shape;
    const indexShape = index.shape.length === 0 ? [1] : index.shape;
    return this.withInputs([rank1(index), rank1(src), rank1(self)], ([i, v, x]) => {
      const flatI: TensorInfo = { ...i!, shape: [numel(indexShape)] };
      const flatV: TensorInfo = { ...v!, shape: [numel(indexShape)] };
      const program = scatterReduceProgram(outShape, indexShape, dim, op, includeSelf);
      return this.wrap(this.runProgram(program, [flatI, flatV, x!], dtype, self.shape), dtype);
    });
  }
}
