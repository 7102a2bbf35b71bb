/**
 * Tensor: a view (shape, strides, offset) over refcounted storage on a device,
 * with autograd fields and the method form of every op.
 */
import { settleChecks, settleChecksAsync } from './checks.js';
import { checkRequiresGradAllowed } from './autograd/inference.js';
import { AccumulateGrad, type Node } from './autograd/node.js';
import type { BackwardOptions } from './autograd/backward.js';
import type { Backend, View } from './backend/spec.js';
import { BYTES_PER_ELEMENT, type DType, isFloating, type TypedArray } from './dtype.js';
import { formatTensor } from './format.js';
import { checkOptions } from './options.js';
import { Storage, trackInScope } from './memory.js';
import { checkLayout, contiguousStrides, isContiguous, numel } from './shape.js';
import * as ops from './ops/index.js';
import type { TensorLike } from './ops/index.js';

/** Passed as the constructor's `op` by `fromHandle`, which has checked the layout already (once per tensor). */
const LAYOUT_CHECKED = Symbol('layout checked');

/** A counter shared by a tensor and its views; bumped by in-place ops. */
export interface VersionCounter {
  value: number;
}


type Nested = number | boolean | Nested[];
/** The dims a reduction takes: one, several, or (undefined/null) all. */
type Dims = number | readonly number[] | null;

/** Serial numbers of tensors, in creation order (the engine tells a rule's fresh results by them). */
let lastSerial = 0;

/** @internal the serial number the next tensor will be above. */
export function tensorSerial(): number {
  return lastSerial;
}

/** What `registerHook` returns (PyTorch's RemovableHandle). */
export interface RemovableHandle {
  /** Unregisters the hook. */
  remove(): void;
}

/**
 * A multi-dimensional array on a device, with PyTorch's semantics.
 * Create one with `g.tensor`, `g.zeros`, `g.randn`, …; never with `new`.
 *
 * @example
 * const x = g.tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * x.mul(2).sum().backward();
 * String(x.grad); // 'tensor([[2., 2.],\n        [2., 2.]])'
 */
export class Tensor implements View {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
  /** @internal */ readonly storage: Storage;
  /** @internal created on first use: most tensors are never versioned or viewed. */
  private _versionCounter: VersionCounter | undefined;
  /** The gradient accumulated by `backward`, or null. */
  grad: Tensor | null = null;
  /** @internal */ outputNr = 0;
  /** @internal creation order: a tensor is newer than `tensorSerial()` read before it was made. */
  readonly serial = ++lastSerial;
  /** @internal */ retainsGrad = false;
  /** @internal */ hooks: ((grad: Tensor) => Tensor | void)[] | undefined;
  /** @internal the tangent of a dual tensor (forward-mode AD), per level. */
  tangent: Tensor | undefined;
  private _gradFn: Node | null = null;
  private _requiresGrad = false;
  private _accumulator: AccumulateGrad | undefined;
  private _disposed = false;
  /** Graph nodes that saved this tensor for backward; dispose waits for them. */
  private pins = 0;
  private disposeRequested = false;

  /**
   * @internal use the creation functions. Every tensor and view is checked here
   * (`checkLayout`, O(ndim)): its shape is valid and every element it can reach
   * lies inside its storage, so no kernel is ever handed an out-of-range view.
   * `op` names the op that made it, for the error.
   */
  constructor(storage: Storage, shape: readonly number[], strides: readonly number[], offset: number, versionCounter?: VersionCounter, op: string | typeof LAYOUT_CHECKED = 'Tensor') {
    if (op !== LAYOUT_CHECKED) checkLayout(op, shape, strides, offset, storage.size);
    this.storage = storage;
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    this.dtype = storage.dtype;
    this._versionCounter = versionCounter;
    storage.retain();
    trackInScope(this);
  }

  /**
   * @internal a new contiguous tensor owning a fresh handle of `numel(shape)`
   * elements. A layout that does not fit is refused before the storage is
   * counted, and the handle is given back.
   */
  static fromHandle(backend: Backend, device: string, handle: unknown, shape: readonly number[], dtype: DType, strides?: readonly number[], op = 'Tensor'): Tensor {
    const layout = strides ?? contiguousStrides(shape);
    const size = numel(shape);
    try {
      checkLayout(op, shape, layout, 0, size);
    } catch (e) {
      backend.dispose(handle);
      throw e;
    }
    return new Tensor(new Storage(backend, device, handle, dtype, size), shape, layout, 0, undefined, LAYOUT_CHECKED);
  }

  /** @internal a view of this tensor's storage with another layout (shares the version counter); `op` names the view op for errors. */
  viewAs(shape: readonly number[], strides: readonly number[], offset: number, op = 'view'): Tensor {
    this.assertAlive(op);
    const view = new Tensor(this.storage, shape, strides, offset, this.versionCounter, op);
    view.isView = true;
    return view;
  }

  /**
   * @internal Another reference to this tensor: the same storage, layout,
   * version counter and place in the autograd graph (its gradFn, or for a
   * leaf its AccumulateGrad), as a second Python reference to one PyTorch
   * tensor. The autograd engine hands these out so that each holder can
   * dispose its own reference.
   */
  alias(): Tensor {
    const t = this.viewAs(this.shape, this.strides, this.offset);
    t.isView = this.isView;
    if (this._gradFn !== null) t.setGradFn(this._gradFn, this.outputNr);
    else if (this._requiresGrad) {
      t._requiresGrad = true;
      t._accumulator = this.gradAccumulator();
    }
    return t;
  }

  /** @internal true for tensors made by a view op (they share another tensor's storage). */
  isView = false;

  // ---- metadata ----

  /** @internal the backend handle (kernels read tensors as views). */
  get handle(): unknown {
    return this.storage.handle;
  }
  /** @internal */
  get backend(): Backend {
    return this.storage.backend;
  }
  /** The device name: `'cpu'`, `'webgl'`, … */
  get device(): string {
    return this.storage.device;
  }
  get ndim(): number {
    return this.shape.length;
  }
  /** Bumped by every in-place op on this tensor or a view of it. */
  get version(): number {
    return this._versionCounter === undefined ? 0 : this._versionCounter.value;
  }
  /** @internal the counter shared with views (created on first use). */
  get versionCounter(): VersionCounter {
    return (this._versionCounter ??= { value: 0 });
  }
  get isDisposed(): boolean {
    return this._disposed;
  }
  /** The number of dimensions. */
  dim(): number {
    return this.shape.length;
  }
  /** The number of elements. */
  numel(): number {
    return numel(this.shape);
  }
  /** The shape, or the size of one dimension. */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return this.shape.slice();
    return this.shape[ops.normalizeDim('size', dim, this.ndim)] ?? 1;
  }
  /** The strides in elements, or the stride of one dimension. */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return this.strides.slice();
    return this.strides[ops.normalizeDim('stride', dim, this.ndim)] ?? 1;
  }
  /** Whether the elements are laid out row-major without gaps (as PyTorch's is_contiguous). */
  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }
  /** Bytes of one element. */
  elementSize(): number {
    return BYTES_PER_ELEMENT[this.dtype];
  }

  // ---- autograd fields ----

  /** Whether gradients flow to this tensor. */
  get requiresGrad(): boolean {
    return this._requiresGrad || this._gradFn !== null;
  }
  set requiresGrad(flag: boolean) {
    this.requiresGrad_(flag);
  }
  /** The node that made this tensor (null for leaves). */
  get gradFn(): Node | null {
    return this._gradFn;
  }
  /**
   * Whether this is an inference tensor (PyTorch's `is_inference()`): made in
   * `g.inferenceMode`, or a view of such a tensor. Outside inference mode
   * autograd cannot save it for backward and in-place ops cannot change it;
   * `clone()` gives a normal tensor.
   *
   * @example
   * const t = g.inferenceMode(() => g.ones(2));
   * t.isInference(); // true
   * t.clone().isInference(); // false
   */
  isInference(): boolean {
    return this.storage.inference;
  }
  /** True for tensors not made by a recorded op. */
  get isLeaf(): boolean {
    return this._gradFn === null;
  }
  /** @internal */
  setGradFn(node: Node, outputNr: number): void {
    if (this._disposed || this.disposeRequested) throw new Error(`setGradFn: the tensor (shape [${this.shape.join(', ')}]) was disposed`);
    const previous = this._gradFn;
    this._gradFn = node;
    this.outputNr = outputNr;
    if (previous !== node) {
      node.hold();
      previous?.letGo();
    }
  }
  /** @internal the leaf's AccumulateGrad node (one per leaf, as in PyTorch). */
  gradAccumulator(): AccumulateGrad {
    return (this._accumulator ??= new AccumulateGrad(this));
  }

  /**
   * Sets whether autograd records ops on this leaf. Integer tensors cannot require grad.
   *
   * @example
   * const w = g.zeros(3).requiresGrad_();
   */
  requiresGrad_(flag = true): this {
    if (!this.isLeaf) {
      if (flag) return this;
      throw new Error(
        "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a " +
          'subgraph that doesn\'t require differentiation use var_no_grad = var.detach().',
      );
    }
    if (flag && !isFloating(this.dtype)) {
      throw new Error(`Only Tensors of floating point and complex dtype can require gradients (got ${this.dtype})`);
    }
    if (flag) checkRequiresGradAllowed(this);
    this._requiresGrad = flag;
    return this;
  }

  /**
   * Keeps `.grad` for this non-leaf tensor after backward.
   *
   * @example
   * const y = x.mul(2); y.retainGrad(); y.sum().backward(); y.grad; // ones
   */
  retainGrad(): void {
    if (!this.requiresGrad) throw new Error("can't retain_grad on Tensor that has requires_grad=False");
    if (this.isLeaf || this.retainsGrad) return;
    this.retainsGrad = true;
    this._gradFn!.addHook({ outputNr: this.outputNr, retain: this });
  }

  /**
   * Registers a hook called with this tensor's gradient during backward; it
   * may return a replacement gradient.
   *
   * @example
   * x.registerHook((grad) => grad.mul(2));
   */
  registerHook(hook: (grad: Tensor) => Tensor | void): RemovableHandle {
    if (!this.requiresGrad) throw new Error("cannot register a hook on a tensor that doesn't require gradient");
    if (!this.isLeaf) return { remove: this._gradFn!.addHook({ outputNr: this.outputNr, fn: hook }) };
    const list = (this.hooks ??= []);
    list.push(hook);
    return {
      remove: () => {
        const i = list.indexOf(hook);
        if (i >= 0) list.splice(i, 1);
      },
    };
  }

  /**
   * Computes the gradient of this tensor w.r.t. graph leaves (see `g.autograd.backward`).
   *
   * @example
   * const x = g.tensor(2, { requiresGrad: true });
   * x.pow(2).backward(); // x.grad is tensor(4.)
   */
  backward(gradient?: Tensor | number, options?: BackwardOptions): void {
    ops.backward(this, gradient, options);
  }

  /**
   * A new tensor sharing storage, cut from the graph.
   *
   * @example
   * const y = x.detach(); y.requiresGrad; // false
   */
  detach(): Tensor {
    return this.viewAs(this.shape, this.strides, this.offset);
  }

  /** Cuts this tensor from the graph in place, making it a leaf. */
  detach_(): this {
    const previous = this._gradFn;
    this._gradFn = null;
    if (!this.disposeRequested) previous?.letGo();
    this._requiresGrad = false;
    this.outputNr = 0;
    return this;
  }

  /** A detached tensor sharing storage, with its own version counter (as PyTorch's `.data`). */
  get data(): Tensor {
    const t = new Tensor(this.storage, this.shape, this.strides, this.offset);
    return t;
  }
  /**
   * Makes this tensor view `value`'s data (its storage, shape, dtype and
   * device) while it stays the same object, with its gradient, hooks and
   * place in any module or optimizer — as PyTorch's `t.data = value`. It is
   * how `Module.to(device)` moves parameters in place.
   *
   * @example
   * const w = g.zeros(2, { requiresGrad: true });
   * w.data = g.ones(3); // w is still the leaf an optimizer holds, now [1, 1, 1]
   */
  set data(value: Tensor) {
    this.assertAlive('data');
    value.assertAlive('data');
    if (this.requiresGrad && !isFloating(value.dtype)) {
      throw new TypeError(`data: a tensor that requires grad cannot take data of dtype ${value.dtype} (only floating point tensors can require gradients)`);
    }
    value.storage.retain();
    this.storage.release();
    const self = this as { -readonly [K in 'storage' | 'shape' | 'strides' | 'offset' | 'dtype']: Tensor[K] };
    self.storage = value.storage;
    self.shape = value.shape;
    self.strides = value.strides;
    self.offset = value.offset;
    self.dtype = value.dtype;
  }

  // ---- reading ----

  /** @internal */
  assertAlive(op: string): void {
    if (this._disposed) throw new Error(`${op}: the tensor (shape [${this.shape.join(', ')}]) was disposed`);
  }

  /**
   * A copy of the elements in row-major order (a stall on GPU backends; prefer `await t.values()`).
   *
   * @example
   * g.tensor([1, 2]).dataSync(); // Float32Array [1, 2]
   */
  dataSync(): TypedArray {
    this.assertAlive('dataSync');
    const n = numel(this.shape);
    let out: TypedArray;
    if (this.isContiguous()) out = this.backend.readSync(this.handle).slice(this.offset, this.offset + n) as TypedArray;
    else {
      const handle = this.backend.contiguous(this);
      out = this.backend.readSync(handle).slice(0, n) as TypedArray;
      this.backend.dispose(handle);
    }
    settleChecks(this.backend);
    return out;
  }

  /**
   * The elements in row-major order, read asynchronously (the way to read from a GPU).
   *
   * @example
   * const v = await g.tensor([1, 2]).values(); // Float32Array [1, 2]
   */
  async values(): Promise<TypedArray> {
    this.assertAlive('values');
    const n = numel(this.shape);
    let out: TypedArray;
    if (this.isContiguous()) out = (await this.backend.read(this.handle)).slice(this.offset, this.offset + n) as TypedArray;
    else {
      const handle = this.backend.contiguous(this);
      out = (await this.backend.read(handle)).slice(0, n) as TypedArray;
      this.backend.dispose(handle);
    }
    await settleChecksAsync(this.backend);
    return out;
  }

  /** The elements as nested arrays, read asynchronously. */
  async array(): Promise<Nested> {
    return nest(await this.values(), this.shape, this.dtype);
  }

  /**
   * The elements as nested arrays (numbers, or booleans for bool tensors).
   *
   * @example
   * g.tensor([[1, 2]]).tolist(); // [[1, 2]]
   */
  tolist(): Nested {
    return nest(this.dataSync(), this.shape, this.dtype);
  }

  /**
   * The value of a one-element tensor as a number (or boolean).
   *
   * @example
   * g.tensor([3]).item(); // 3
   */
  item(): number | boolean {
    const n = this.numel();
    if (n !== 1) throw new Error(`item: a Tensor with ${n} elements cannot be converted to Scalar`);
    const v = this.dataSync()[0]!;
    return this.dtype === 'bool' ? v !== 0 : v;
  }

  /** PyTorch's repr: `tensor([1., 2.], requires_grad=True)`. */
  toString(): string {
    return formatTensor(this);
  }

  /** For Node's `console.log` / `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ---- memory ----

  /** Frees this tensor's hold on its storage (the storage goes when its last view does). */
  dispose(): void {
    if (this._disposed || this.disposeRequested) return;
    // The graph behind this tensor goes when its last reference does (even one that saved this tensor).
    this._gradFn?.letGo();
    if (this.pins > 0) {
      // A graph still needs the data for backward: free it when the graph releases it.
      this.disposeRequested = true;
      return;
    }
    this._disposed = true;
    this.storage.release();
  }

  /** @internal a graph node keeps this tensor until it is released. */
  pin(): void {
    this.pins++;
  }

  /** @internal */
  unpin(): void {
    if (--this.pins === 0 && this.disposeRequested) {
      this._disposed = true;
      this.storage.release();
    }
  }

  /** For `using t = …`: disposes the tensor at the end of the scope. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- conversion ----

  /**
   * This tensor on another device or as another dtype (itself when nothing changes).
   *
   * @example
   * x.to('float64'); x.to('webgl');
   */
  to(target: string | DType): Tensor {
    return ops.to(this, target);
  }
  /** This tensor as float32: `t.to('float32')`. */
  float(): Tensor { return ops.to(this, 'float32'); }
  /** This tensor as float64: `t.to('float64')`. */
  double(): Tensor { return ops.to(this, 'float64'); }
  /** This tensor as int32: `t.to('int32')`. */
  int(): Tensor { return ops.to(this, 'int32'); }
  /** This tensor as bool: `t.to('bool')`. */
  bool(): Tensor { return ops.to(this, 'bool'); }
  /** A copy that owns its storage (differentiable). */
  clone(): Tensor { return ops.clone(this); }
  /** This tensor if contiguous, else a contiguous copy. */
  contiguous(): Tensor { return ops.contiguous(this); }

  // ---- arithmetic (see the g. functions for docs) ----
  /** Method form of `g.add(this, …)`; see {@link ops.add}. */
  add(other: TensorLike, options?: ops.AlphaOptions): Tensor { return ops.add(this, other, options); }
  /** Method form of `g.sub(this, …)`; see {@link ops.sub}. */
  sub(other: TensorLike, options?: ops.AlphaOptions): Tensor { return ops.sub(this, other, options); }
  /** Method form of `g.mul(this, …)`; see {@link ops.mul}. */
  mul(other: TensorLike): Tensor { return ops.mul(this, other); }
  /** Method form of `g.div(this, …)`; see {@link ops.div}. */
  div(other: TensorLike, options?: ops.DivOptions): Tensor { return ops.div(this, other, options); }
  /** Method form of `g.pow(this, …)`; see {@link ops.pow}. */
  pow(exponent: TensorLike): Tensor { return ops.pow(this, exponent); }
  /** Method form of `g.maximum(this, …)`; see {@link ops.maximum}. */
  maximum(other: TensorLike): Tensor { return ops.maximum(this, other); }
  /** Method form of `g.minimum(this, …)`; see {@link ops.minimum}. */
  minimum(other: TensorLike): Tensor { return ops.minimum(this, other); }
  /** Method form of `g.neg(this, …)`; see {@link ops.neg}. */
  neg(): Tensor { return ops.neg(this); }
  /** Method form of `g.abs(this, …)`; see {@link ops.abs}. */
  abs(): Tensor { return ops.abs(this); }
  /** Method form of `g.sign(this, …)`; see {@link ops.sign}. */
  sign(): Tensor { return ops.sign(this); }
  /** Method form of `g.reciprocal(this, …)`; see {@link ops.reciprocal}. */
  reciprocal(): Tensor { return ops.reciprocal(this); }
  /** Method form of `g.square(this, …)`; see {@link ops.square}. */
  square(): Tensor { return ops.square(this); }
  /** Method form of `g.sqrt(this, …)`; see {@link ops.sqrt}. */
  sqrt(): Tensor { return ops.sqrt(this); }
  /** Method form of `g.rsqrt(this, …)`; see {@link ops.rsqrt}. */
  rsqrt(): Tensor { return ops.rsqrt(this); }
  /** Method form of `g.exp(this, …)`; see {@link ops.exp}. */
  exp(): Tensor { return ops.exp(this); }
  /** Method form of `g.expm1(this, …)`; see {@link ops.expm1}. */
  expm1(): Tensor { return ops.expm1(this); }
  /** Method form of `g.log(this, …)`; see {@link ops.log}. */
  log(): Tensor { return ops.log(this); }
  /** Method form of `g.log1p(this, …)`; see {@link ops.log1p}. */
  log1p(): Tensor { return ops.log1p(this); }
  /** Method form of `g.sin(this, …)`; see {@link ops.sin}. */
  sin(): Tensor { return ops.sin(this); }
  /** Method form of `g.cos(this, …)`; see {@link ops.cos}. */
  cos(): Tensor { return ops.cos(this); }
  /** Method form of `g.tanh(this, …)`; see {@link ops.tanh}. */
  tanh(): Tensor { return ops.tanh(this); }
  /** Method form of `g.sigmoid(this, …)`; see {@link ops.sigmoid}. */
  sigmoid(): Tensor { return ops.sigmoid(this); }
  /** Method form of `g.relu(this, …)`; see {@link ops.relu}. */
  relu(): Tensor { return ops.relu(this); }
  /** Method form of `g.erf(this, …)`; see {@link ops.erf}. */
  erf(): Tensor { return ops.erf(this); }
  /** Method form of `g.floor(this, …)`; see {@link ops.floor}. */
  floor(): Tensor { return ops.floor(this); }
  /** Method form of `g.ceil(this, …)`; see {@link ops.ceil}. */
  ceil(): Tensor { return ops.ceil(this); }
  /** Method form of `g.round(this, …)`; see {@link ops.round}. */
  round(options?: ops.RoundOptions): Tensor { return ops.round(this, options); }
  /** Method form of `g.clamp(this, …)`; see {@link ops.clamp}. */
  clamp(min?: number | Tensor | null | ops.ClampOptions, max?: number | Tensor | null | ops.ClampOptions, options?: ops.ClampOptions): Tensor { return ops.clamp(this, min, max, options); }

  // ---- comparison and logic ----
  /** Method form of `g.eq(this, …)`; see {@link ops.eq}. */
  eq(other: TensorLike): Tensor { return ops.eq(this, other); }
  /** Method form of `g.ne(this, …)`; see {@link ops.ne}. */
  ne(other: TensorLike): Tensor { return ops.ne(this, other); }
  /** Method form of `g.lt(this, …)`; see {@link ops.lt}. */
  lt(other: TensorLike): Tensor { return ops.lt(this, other); }
  /** Method form of `g.le(this, …)`; see {@link ops.le}. */
  le(other: TensorLike): Tensor { return ops.le(this, other); }
  /** Method form of `g.gt(this, …)`; see {@link ops.gt}. */
  gt(other: TensorLike): Tensor { return ops.gt(this, other); }
  /** Method form of `g.ge(this, …)`; see {@link ops.ge}. */
  ge(other: TensorLike): Tensor { return ops.ge(this, other); }
  /** Method form of `g.isnan(this, …)`; see {@link ops.isnan}. */
  isnan(): Tensor { return ops.isnan(this); }
  /** Method form of `g.isfinite(this, …)`; see {@link ops.isfinite}. */
  isfinite(): Tensor { return ops.isfinite(this); }
  /** Method form of `g.logicalNot(this, …)`; see {@link ops.logicalNot}. */
  logicalNot(): Tensor { return ops.logicalNot(this); }
  /** Method form of `g.logicalAnd(this, …)`; see {@link ops.logicalAnd}. */
  logicalAnd(other: TensorLike): Tensor { return ops.logicalAnd(this, other); }
  /** Method form of `g.logicalOr(this, …)`; see {@link ops.logicalOr}. */
  logicalOr(other: TensorLike): Tensor { return ops.logicalOr(this, other); }
  /** Method form of `g.all(this, …)`; see {@link ops.all}. */
  all(dim?: Dims | ops.ReduceOptions, keepdim?: boolean | ops.ReduceOptions, options?: ops.ReduceOptions): Tensor { return ops.all(this, dim, keepdim, options); }
  /** Method form of `g.any(this, …)`; see {@link ops.any}. */
  any(dim?: Dims | ops.ReduceOptions, keepdim?: boolean | ops.ReduceOptions, options?: ops.ReduceOptions): Tensor { return ops.any(this, dim, keepdim, options); }

  // ---- reductions ----
  /** Method form of `g.sum(this, …)`; see {@link ops.sum}. */
  sum(dim?: Dims | ops.SumOptions, keepdim?: boolean | ops.SumOptions, options?: ops.SumOptions): Tensor { return ops.sum(this, dim, keepdim, options); }
  /** Method form of `g.mean(this, …)`; see {@link ops.mean}. */
  mean(dim?: Dims | ops.SumOptions, keepdim?: boolean | ops.SumOptions, options?: ops.SumOptions): Tensor { return ops.mean(this, dim, keepdim, options); }
  /** Method form of `g.prod(this, …)`; see {@link ops.prod}. */
  prod(dim?: Dims | ops.SumOptions, keepdim?: boolean | ops.SumOptions, options?: ops.SumOptions): Tensor { return ops.prod(this, dim, keepdim, options); }
  /** Method form of `g.var_(this, …)`; see {@link ops.var_}. */
  var(dim?: Dims | ops.VarOptions, unbiased?: boolean | ops.VarOptions, keepdim?: boolean | ops.VarOptions, options?: ops.VarOptions): Tensor { return ops.var_(this, dim, unbiased, keepdim, options); }
  /** Method form of `g.std(this, …)`; see {@link ops.std}. */
  std(dim?: Dims | ops.VarOptions, unbiased?: boolean | ops.VarOptions, keepdim?: boolean | ops.VarOptions, options?: ops.VarOptions): Tensor { return ops.std(this, dim, unbiased, keepdim, options); }
  /** Method form of `g.norm(this, …)`; see {@link ops.norm}. */
  norm(p?: number | ops.NormOptions, dim?: Dims | ops.NormOptions, keepdim?: boolean | ops.NormOptions, options?: ops.NormOptions): Tensor { return ops.norm(this, p, dim, keepdim, options); }
  /** Method form of `g.logsumexp(this, …)`; see {@link ops.logsumexp}. */
  logsumexp(dim: number | readonly number[] | ops.ReduceOptions, keepdim?: boolean | ops.ReduceOptions, options?: ops.ReduceOptions): Tensor { return ops.logsumexp(this, dim, keepdim, options); }
  /** Method form of `g.amax(this, …)`; see {@link ops.amax}. */
  amax(dim?: Dims | ops.ReduceOptions, keepdim?: boolean | ops.ReduceOptions, options?: ops.ReduceOptions): Tensor { return ops.amax(this, dim, keepdim, options); }
  /** Method form of `g.amin(this, …)`; see {@link ops.amin}. */
  amin(dim?: Dims | ops.ReduceOptions, keepdim?: boolean | ops.ReduceOptions, options?: ops.ReduceOptions): Tensor { return ops.amin(this, dim, keepdim, options); }
  /** Method form of `g.argmax(this, …)`; see {@link ops.argmax}. */
  argmax(dim?: number | null | ops.ReduceOptions, keepdim?: boolean | ops.ReduceOptions, options?: ops.ReduceOptions): Tensor { return ops.argmax(this, dim, keepdim, options); }
  /** Method form of `g.argmin(this, …)`; see {@link ops.argmin}. */
  argmin(dim?: number | null | ops.ReduceOptions, keepdim?: boolean | ops.ReduceOptions, options?: ops.ReduceOptions): Tensor { return ops.argmin(this, dim, keepdim, options); }
  max(): Tensor;
  max(other: Tensor): Tensor;
  max(dim: number | ops.ReduceOptions, keepdim?: boolean | ops.ReduceOptions, options?: ops.ReduceOptions): ops.ValuesIndices;
  /** Method form of `g.max(this, …)`; see {@link ops.max}. */
  max(dim?: number | Tensor | ops.ReduceOptions, keepdim?: boolean | ops.ReduceOptions, options?: ops.ReduceOptions): Tensor | ops.ValuesIndices {
    return ops.max(this, dim as number, keepdim, options);
  }
  min(): Tensor;
  min(other: Tensor): Tensor;
  min(dim: number | ops.ReduceOptions, keepdim?: boolean | ops.ReduceOptions, options?: ops.ReduceOptions): ops.ValuesIndices;
  /** Method form of `g.min(this, …)`; see {@link ops.min}. */
  min(dim?: number | Tensor | ops.ReduceOptions, keepdim?: boolean | ops.ReduceOptions, options?: ops.ReduceOptions): Tensor | ops.ValuesIndices {
    return ops.min(this, dim as number, keepdim, options);
  }
  /** Method form of `g.softmax(this, …)`; see {@link ops.softmax}. */
  softmax(dim: number | ops.DimDTypeOptions, options?: ops.DimDTypeOptions): Tensor { return ops.softmax(this, dim, options); }
  /** Method form of `g.logSoftmax(this, …)`; see {@link ops.logSoftmax}. */
  logSoftmax(dim: number | ops.DimDTypeOptions, options?: ops.DimDTypeOptions): Tensor { return ops.logSoftmax(this, dim, options); }
  /** Method form of `g.cumsum(this, …)`; see {@link ops.cumsum}. */
  cumsum(dim: number | ops.DimDTypeOptions, options?: ops.DimDTypeOptions): Tensor { return ops.cumsum(this, dim, options); }

  // ---- linear algebra ----
  /** Method form of `g.matmul(this, …)`; see {@link ops.matmul}. */
  matmul(other: Tensor): Tensor { return ops.matmul(this, other); }
  /** Method form of `g.mm(this, …)`; see {@link ops.mm}. */
  mm(other: Tensor): Tensor { return ops.mm(this, other); }
  /** Method form of `g.bmm(this, …)`; see {@link ops.bmm}. */
  bmm(other: Tensor): Tensor { return ops.bmm(this, other); }
  /** Method form of `g.mv(this, …)`; see {@link ops.mv}. */
  mv(other: Tensor): Tensor { return ops.mv(this, other); }
  /** Method form of `g.dot(this, …)`; see {@link ops.dot}. */
  dot(other: Tensor): Tensor { return ops.dot(this, other); }
  /** Method form of `g.outer(this, …)`; see {@link ops.outer}. */
  outer(other: Tensor): Tensor { return ops.outer(this, other); }
  /** Method form of `g.trace(this, …)`; see {@link ops.trace}. */
  trace(): Tensor { return ops.trace(this); }
  /** Method form of `g.inverse(this, …)`; see {@link ops.inverse}. */
  inverse(): Tensor { return ops.inverse(this); }
  /** Method form of `g.det(this, …)`; see {@link ops.det}. */
  det(): Tensor { return ops.det(this); }
  /** Method form of `g.logdet(this, …)`; see {@link ops.logdet}. */
  logdet(): Tensor { return ops.logdet(this); }
  /** The transpose of a 2-D tensor (0-D and 1-D come back as they are). */
  t(): Tensor { return ops.t(this); }
  /** The transpose (all dims reversed for n-D, as `x.T`). */
  get T(): Tensor { return ops.permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); }
  /** Method form of `g.transpose(this, …)`; see {@link ops.transpose}. */
  transpose(dim0: number, dim1: number): Tensor { return ops.transpose(this, dim0, dim1); }
  /** Method form of `g.permute(this, …)`; see {@link ops.permute}. */
  permute(...dims: number[] | [readonly number[]]): Tensor { return ops.permute(this, ...dims); }

  // ---- shape ----
  /** Method form of `g.reshape(this, …)`; see {@link ops.reshape}. */
  reshape(...shape: number[] | [readonly number[]]): Tensor { return ops.reshape(this, ...shape); }
  /** Method form of `g.view(this, …)`; see {@link ops.view}. */
  view(...shape: number[] | [readonly number[]]): Tensor { return ops.view(this, ...shape); }
  /** Method form of `g.flatten(this, …)`; see {@link ops.flatten}. */
  flatten(startDim = 0, endDim = -1): Tensor { return ops.flatten(this, startDim, endDim); }
  /** Method form of `g.squeeze(this, …)`; see {@link ops.squeeze}. */
  squeeze(dim?: number | readonly number[]): Tensor { return ops.squeeze(this, dim); }
  /** Method form of `g.unsqueeze(this, …)`; see {@link ops.unsqueeze}. */
  unsqueeze(dim: number): Tensor { return ops.unsqueeze(this, dim); }
  /** Method form of `g.expand(this, …)`; see {@link ops.expand}. */
  expand(...shape: number[] | [readonly number[]]): Tensor { return ops.expand(this, ...shape); }
  /** Method form of `g.expand(this, …)`; see {@link ops.expand}. */
  expandAs(other: Tensor): Tensor { return ops.expand(this, other.shape as number[]); }
  /** Method form of `g.repeat(this, …)`; see {@link ops.repeat}. */
  repeat(...reps: number[] | [readonly number[]]): Tensor { return ops.repeat(this, ...reps); }
  /** Method form of `g.flip(this, …)`; see {@link ops.flip}. */
  flip(dims: number | readonly number[]): Tensor { return ops.flip(this, dims); }
  /** Method form of `g.split(this, …)`; see {@link ops.split}. */
  split(sizeOrSections: number | readonly number[], dim = 0): Tensor[] { return ops.split(this, sizeOrSections, dim); }
  /** Method form of `g.chunk(this, …)`; see {@link ops.chunk}. */
  chunk(chunks: number, dim = 0): Tensor[] { return ops.chunk(this, chunks, dim); }
  /** Method form of `g.narrow(this, …)`; see {@link ops.narrow}. */
  narrow(dim: number, start: number, length: number): Tensor { return ops.narrow(this, dim, start, length); }
  /** Method form of `g.select(this, …)`; see {@link ops.select}. */
  select(dim: number, index: number): Tensor { return ops.select(this, dim, index); }
  /** Method form of `g.slice(this, …)`; see {@link ops.slice}. */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor { return ops.slice(this, dim, start, end, step); }

  // ---- indexing ----
  /** Method form of `g.gather(this, …)`; see {@link ops.gather}. */
  gather(dim: number, index: Tensor): Tensor { return ops.gather(this, dim, index); }
  /** Method form of `g.indexSelect(this, …)`; see {@link ops.indexSelect}. */
  indexSelect(dim: number, index: Tensor): Tensor { return ops.indexSelect(this, dim, index); }
  /** Method form of `g.maskedFill(this, …)`; see {@link ops.maskedFill}. */
  maskedFill(mask: Tensor, value: number | Tensor): Tensor { return ops.maskedFill(this, mask, value); }
  /** Method form of `g.pad(this, …)`; see {@link ops.pad}. */
  pad(pads: readonly number[], value = 0): Tensor { return ops.pad(this, pads, value); }

  // ---- in place (return this, bump version) ----
  /** In-place `add`: writes the result into this tensor (and its views) and bumps `version`. */
  add_(other: TensorLike, options?: ops.AlphaOptions): this { return ops.inplace(this, 'add_', ops.add(this, other, checkOptions('add_', options, ['alpha']))); }
  /** In-place `sub`: writes the result into this tensor (and its views) and bumps `version`. */
  sub_(other: TensorLike, options?: ops.AlphaOptions): this { return ops.inplace(this, 'sub_', ops.sub(this, other, checkOptions('sub_', options, ['alpha']))); }
  /** In-place `mul`: writes the result into this tensor (and its views) and bumps `version`. */
  mul_(other: TensorLike): this { return ops.inplace(this, 'mul_', ops.mul(this, other)); }
  /** In-place `div`: writes the result into this tensor (and its views) and bumps `version`. */
  div_(other: TensorLike, options?: ops.DivOptions): this { return ops.inplace(this, 'div_', ops.div(this, other, checkOptions('div_', options, ['roundingMode']))); }
  /** In-place `clamp`: writes the result into this tensor (and its views) and bumps `version`. */
  clamp_(min?: number | Tensor | null | ops.ClampOptions, max?: number | Tensor | null | ops.ClampOptions, options?: ops.ClampOptions): this {
    return ops.inplace(this, 'clamp_', ops.clampAs('clamp_', this, min, max, options));
  }
  /** In place (see the `g.` function notes); bumps `version`. */
  zero_(): this { return ops.fill_(this, 0); }
  /** In place (see the `g.` function notes); bumps `version`. */
  fill_(value: number | boolean | Tensor): this { return ops.fill_(this, value); }
  /** In place (see the `g.` function notes); bumps `version`. */
  copy_(src: Tensor | number): this { return ops.copy_(this, src); }
  /** In place (see the `g.` function notes); bumps `version`. */
  uniform_(from = 0, to = 1): this { return ops.uniform_(this, from, to); }
  /** In place (see the `g.` function notes); bumps `version`. */
  normal_(mean = 0, std = 1): this { return ops.normal_(this, mean, std); }
  /** In place: Bernoulli(p) draws, as PyTorch's CPU generator gives them (see `bernoulli_`); bumps `version`. */
  bernoulli_(p = 0.5): this { return ops.bernoulli_(this, p); }
}

function nest(data: TypedArray, shape: readonly number[], dtype: DType): Nested {
  const cast = dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
  if (shape.length === 0) return cast(data[0]!);
  const build = (dim: number, offset: number): Nested[] => {
    const n = shape[dim]!;
    const out: Nested[] = new Array(n);
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = cast(data[offset + i]!);
      return out;
    }
    let step = 1;
    for (let d = dim + 1; d < shape.length; d++) step *= shape[d]!;
    for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * step);
    return out;
  };
  return build(0, 0);
}
