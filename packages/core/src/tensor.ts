/**
 * Tensor: a view (shape, strides, offset) over refcounted storage on a device,
 * with autograd fields and the method form of every op.
 */
import { addOutputHook } from './autograd/engine.js';
import { AccumulateGrad, type Node } from './autograd/node.js';
import type { BackwardOptions } from './autograd/backward.js';
import type { Backend, View } from './backend/spec.js';
import { BYTES_PER_ELEMENT, type DType, isFloating, type TypedArray } from './dtype.js';
import { formatTensor } from './format.js';
import { Storage, trackInScope } from './memory.js';
import { contiguousStrides, isContiguous, numel } from './shape.js';
import * as ops from './ops/index.js';
import type { TensorLike } from './ops/index.js';

/** A counter shared by a tensor and its views; bumped by in-place ops. */
export interface VersionCounter {
  value: number;
}


type Nested = number | boolean | Nested[];

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

  /** @internal use the creation functions. */
  constructor(storage: Storage, shape: readonly number[], strides: readonly number[], offset: number, versionCounter?: VersionCounter) {
    this.storage = storage;
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    this.dtype = storage.dtype;
    this._versionCounter = versionCounter;
    storage.retain();
    trackInScope(this);
  }

  /** @internal a new contiguous tensor owning a fresh handle. */
  static fromHandle(backend: Backend, device: string, handle: unknown, shape: readonly number[], dtype: DType, strides?: readonly number[]): Tensor {
    const storage = new Storage(backend, device, handle, dtype, numel(shape));
    return new Tensor(storage, shape, strides ?? contiguousStrides(shape), 0);
  }

  /** @internal a view of this tensor's storage with another layout (shares the version counter). */
  viewAs(shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    this.assertAlive('view');
    const view = new Tensor(this.storage, shape, strides, offset, this.versionCounter);
    view.isView = true;
    return view;
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
  /** True for tensors not made by a recorded op. */
  get isLeaf(): boolean {
    return this._gradFn === null;
  }
  /** @internal */
  setGradFn(node: Node, outputNr: number): void {
    this._gradFn = node;
    this.outputNr = outputNr;
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
    addOutputHook(this._gradFn!, {
      outputNr: this.outputNr,
      fn: (grad) => {
        this.grad = this.grad === null ? grad.detach() : this.grad.add(grad).detach();
      },
    });
  }

  /**
   * Registers a hook called with this tensor's gradient during backward; it
   * may return a replacement gradient.
   *
   * @example
   * x.registerHook((grad) => grad.mul(2));
   */
  registerHook(hook: (grad: Tensor) => Tensor | void): { remove(): void } {
    if (!this.requiresGrad) throw new Error("cannot register a hook on a tensor that doesn't require gradient");
    if (!this.isLeaf) return { remove: addOutputHook(this._gradFn!, { outputNr: this.outputNr, fn: hook }) };
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
  backward(gradient?: Tensor | number, options: BackwardOptions = {}): void {
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
    this._gradFn = null;
    this._requiresGrad = false;
    this.outputNr = 0;
    return this;
  }

  /** A detached tensor sharing storage, with its own version counter (as PyTorch's `.data`). */
  get data(): Tensor {
    const t = new Tensor(this.storage, this.shape, this.strides, this.offset);
    return t;
  }
  set data(value: Tensor) {
    throw new Error(`Tensor.data cannot be assigned in Graft; use t.copy_(value) under noGrad (got a tensor of shape [${value.shape}])`);
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
    if (this.isContiguous()) return this.backend.readSync(this.handle).slice(this.offset, this.offset + n) as TypedArray;
    const handle = this.backend.contiguous(this);
    const out = this.backend.readSync(handle).slice(0, n) as TypedArray;
    this.backend.dispose(handle);
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
    if (this.isContiguous()) return (await this.backend.read(this.handle)).slice(this.offset, this.offset + n) as TypedArray;
    const handle = this.backend.contiguous(this);
    const out = (await this.backend.read(handle)).slice(0, n) as TypedArray;
    this.backend.dispose(handle);
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
    if (this._disposed) return;
    if (this.pins > 0) {
      // A graph still needs this tensor for backward: free it when backward releases it.
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
    if (--this.pins === 0 && this.disposeRequested) this.dispose();
  }

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
  float(): Tensor { return ops.to(this, 'float32'); }
  double(): Tensor { return ops.to(this, 'float64'); }
  int(): Tensor { return ops.to(this, 'int32'); }
  bool(): Tensor { return ops.to(this, 'bool'); }
  /** A copy that owns its storage (differentiable). */
  clone(): Tensor { return ops.clone(this); }
  /** This tensor if contiguous, else a contiguous copy. */
  contiguous(): Tensor { return ops.contiguous(this); }

  // ---- arithmetic (see the g. functions for docs) ----
  add(other: TensorLike, options?: { alpha?: number }): Tensor { return ops.add(this, other, options); }
  sub(other: TensorLike, options?: { alpha?: number }): Tensor { return ops.sub(this, other, options); }
  mul(other: TensorLike): Tensor { return ops.mul(this, other); }
  div(other: TensorLike): Tensor { return ops.div(this, other); }
  pow(exponent: TensorLike): Tensor { return ops.pow(this, exponent); }
  maximum(other: TensorLike): Tensor { return ops.maximum(this, other); }
  minimum(other: TensorLike): Tensor { return ops.minimum(this, other); }
  neg(): Tensor { return ops.neg(this); }
  abs(): Tensor { return ops.abs(this); }
  sign(): Tensor { return ops.sign(this); }
  reciprocal(): Tensor { return ops.reciprocal(this); }
  square(): Tensor { return ops.square(this); }
  sqrt(): Tensor { return ops.sqrt(this); }
  rsqrt(): Tensor { return ops.rsqrt(this); }
  exp(): Tensor { return ops.exp(this); }
  expm1(): Tensor { return ops.expm1(this); }
  log(): Tensor { return ops.log(this); }
  log1p(): Tensor { return ops.log1p(this); }
  sin(): Tensor { return ops.sin(this); }
  cos(): Tensor { return ops.cos(this); }
  tanh(): Tensor { return ops.tanh(this); }
  sigmoid(): Tensor { return ops.sigmoid(this); }
  relu(): Tensor { return ops.relu(this); }
  erf(): Tensor { return ops.erf(this); }
  floor(): Tensor { return ops.floor(this); }
  ceil(): Tensor { return ops.ceil(this); }
  round(): Tensor { return ops.round(this); }
  clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor { return ops.clamp(this, min, max); }

  // ---- comparison and logic ----
  eq(other: TensorLike): Tensor { return ops.eq(this, other); }
  ne(other: TensorLike): Tensor { return ops.ne(this, other); }
  lt(other: TensorLike): Tensor { return ops.lt(this, other); }
  le(other: TensorLike): Tensor { return ops.le(this, other); }
  gt(other: TensorLike): Tensor { return ops.gt(this, other); }
  ge(other: TensorLike): Tensor { return ops.ge(this, other); }
  isnan(): Tensor { return ops.isnan(this); }
  isfinite(): Tensor { return ops.isfinite(this); }
  logicalNot(): Tensor { return ops.logicalNot(this); }
  logicalAnd(other: TensorLike): Tensor { return ops.logicalAnd(this, other); }
  logicalOr(other: TensorLike): Tensor { return ops.logicalOr(this, other); }
  all(dim?: number | readonly number[], keepdim = false): Tensor { return ops.all(this, dim, keepdim); }
  any(dim?: number | readonly number[], keepdim = false): Tensor { return ops.any(this, dim, keepdim); }

  // ---- reductions ----
  sum(dim?: number | readonly number[], keepdim = false): Tensor { return ops.sum(this, dim, keepdim); }
  mean(dim?: number | readonly number[], keepdim = false): Tensor { return ops.mean(this, dim, keepdim); }
  prod(dim?: number | readonly number[], keepdim = false): Tensor { return ops.prod(this, dim, keepdim); }
  var(dim?: number | readonly number[], options?: ops.VarOptions): Tensor { return ops.var_(this, dim, options); }
  std(dim?: number | readonly number[], options?: ops.VarOptions): Tensor { return ops.std(this, dim, options); }
  norm(p: number = 2, dim?: number | readonly number[], keepdim = false): Tensor { return ops.norm(this, p, dim, keepdim); }
  logsumexp(dim: number | readonly number[], keepdim = false): Tensor { return ops.logsumexp(this, dim, keepdim); }
  amax(dim?: number | readonly number[], keepdim = false): Tensor { return ops.amax(this, dim, keepdim); }
  amin(dim?: number | readonly number[], keepdim = false): Tensor { return ops.amin(this, dim, keepdim); }
  argmax(dim?: number, keepdim = false): Tensor { return ops.argmax(this, dim, keepdim); }
  argmin(dim?: number, keepdim = false): Tensor { return ops.argmin(this, dim, keepdim); }
  max(): Tensor;
  max(other: Tensor): Tensor;
  max(dim: number, keepdim?: boolean): ops.ValuesIndices;
  max(dim?: number | Tensor, keepdim = false): Tensor | ops.ValuesIndices { return ops.max(this, dim as number, keepdim); }
  min(): Tensor;
  min(other: Tensor): Tensor;
  min(dim: number, keepdim?: boolean): ops.ValuesIndices;
  min(dim?: number | Tensor, keepdim = false): Tensor | ops.ValuesIndices { return ops.min(this, dim as number, keepdim); }
  softmax(dim: number): Tensor { return ops.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return ops.logSoftmax(this, dim); }
  cumsum(dim: number): Tensor { return ops.cumsum(this, dim); }

  // ---- linear algebra ----
  matmul(other: Tensor): Tensor { return ops.matmul(this, other); }
  mm(other: Tensor): Tensor { return ops.mm(this, other); }
  bmm(other: Tensor): Tensor { return ops.bmm(this, other); }
  mv(other: Tensor): Tensor { return ops.mv(this, other); }
  dot(other: Tensor): Tensor { return ops.dot(this, other); }
  outer(other: Tensor): Tensor { return ops.outer(this, other); }
  trace(): Tensor { return ops.trace(this); }
  inverse(): Tensor { return ops.inverse(this); }
  det(): Tensor { return ops.det(this); }
  logdet(): Tensor { return ops.logdet(this); }
  /** The transpose of a 2-D tensor (0-D and 1-D come back as they are). */
  t(): Tensor { return ops.t(this); }
  /** The transpose (all dims reversed for n-D, as `x.T`). */
  get T(): Tensor { return ops.permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); }
  transpose(dim0: number, dim1: number): Tensor { return ops.transpose(this, dim0, dim1); }
  permute(...dims: number[] | [readonly number[]]): Tensor { return ops.permute(this, ...dims); }

  // ---- shape ----
  reshape(...shape: number[] | [readonly number[]]): Tensor { return ops.reshape(this, ...shape); }
  view(...shape: number[] | [readonly number[]]): Tensor { return ops.view(this, ...shape); }
  flatten(startDim = 0, endDim = -1): Tensor { return ops.flatten(this, startDim, endDim); }
  squeeze(dim?: number | readonly number[]): Tensor { return ops.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return ops.unsqueeze(this, dim); }
  expand(...shape: number[] | [readonly number[]]): Tensor { return ops.expand(this, ...shape); }
  expandAs(other: Tensor): Tensor { return ops.expand(this, other.shape as number[]); }
  repeat(...reps: number[] | [readonly number[]]): Tensor { return ops.repeat(this, ...reps); }
  flip(dims: number | readonly number[]): Tensor { return ops.flip(this, dims); }
  split(sizeOrSections: number | readonly number[], dim = 0): Tensor[] { return ops.split(this, sizeOrSections, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return ops.chunk(this, chunks, dim); }
  narrow(dim: number, start: number, length: number): Tensor { return ops.narrow(this, dim, start, length); }
  select(dim: number, index: number): Tensor { return ops.select(this, dim, index); }
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor { return ops.slice(this, dim, start, end, step); }

  // ---- indexing ----
  gather(dim: number, index: Tensor): Tensor { return ops.gather(this, dim, index); }
  indexSelect(dim: number, index: Tensor): Tensor { return ops.indexSelect(this, dim, index); }
  maskedFill(mask: Tensor, value: number | Tensor): Tensor { return ops.maskedFill(this, mask, value); }
  pad(pads: readonly number[], value = 0): Tensor { return ops.pad(this, pads, value); }

  // ---- in place (return this, bump version) ----
  add_(other: TensorLike, options?: { alpha?: number }): this { return ops.inplace(this, 'add_', ops.add(this, other, options)); }
  sub_(other: TensorLike, options?: { alpha?: number }): this { return ops.inplace(this, 'sub_', ops.sub(this, other, options)); }
  mul_(other: TensorLike): this { return ops.inplace(this, 'mul_', ops.mul(this, other)); }
  div_(other: TensorLike): this { return ops.inplace(this, 'div_', ops.div(this, other)); }
  clamp_(min?: number | Tensor | null, max?: number | Tensor | null): this { return ops.inplace(this, 'clamp_', ops.clamp(this, min, max)); }
  zero_(): this { return ops.fill_(this, 0); }
  fill_(value: number | boolean | Tensor): this { return ops.fill_(this, value); }
  copy_(src: Tensor | number): this { return ops.copy_(this, src); }
  uniform_(from = 0, to = 1): this { return ops.uniform_(this, from, to); }
  normal_(mean = 0, std = 1): this { return ops.normal_(this, mean, std); }
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
