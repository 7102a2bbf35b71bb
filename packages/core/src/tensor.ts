/**
 * Tensor: a view (shape, strides, offset) over refcounted storage on a device,
 * with its autograd fields. The method forms of the ops (`x.add(y)`, …) are
 * installed by methods/, which sits above the ops: this file is below
 * them and imports none.
 */
import { settleChecks, settleChecksAsync } from './checks.js';
import { isGraphRecordingEnabled } from './autograd/grad-mode.js';
import { checkRequiresGradAllowed } from './autograd/inference.js';
import { AccumulateGrad, type Node } from './autograd/node.js';
import type { Backend, View } from './backend/spec.js';
import { BYTES_PER_ELEMENT, type DType, isFloating, type TypedArray } from './dtype.js';
import { formatTensor } from './format.js';
import { isEscapingScope, Storage, trackInScope } from './memory.js';
import { checkLayout, contiguousStrides, isContiguous, normalizeDim, numel, shapesEqual } from './shape.js';

/** Passed as the constructor's `op` by `fromHandle`, which has checked the layout already (once per tensor). */
const LAYOUT_CHECKED = Symbol('layout checked');

/** A counter shared by a tensor and its views; bumped by in-place ops. */
export interface VersionCounter {
  value: number;
}

type Nested = number | boolean | Nested[];

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
  /**
   * The size of each dimension (PyTorch's `x.shape`); `[]` for a 0-d tensor.
   *
   * @example
   * g.zeros(2, 3).shape; // [2, 3]
   */
  readonly shape: readonly number[];
  /**
   * How many elements to step in storage per step along each dimension
   * (PyTorch's `x.stride()`); views such as `t()` and `expand` change them
   * without copying.
   *
   * @example
   * g.zeros(2, 3).t().strides; // [1, 3]
   */
  readonly strides: readonly number[];
  /** Where this view's first element lies in its storage, in elements (PyTorch's `storage_offset()`). */
  readonly offset: number;
  /**
   * The element type: `'float32'`, `'float64'`, `'int32'` or `'bool'`.
   *
   * @example
   * g.tensor([1, 2]).dtype; // 'float32'
   */
  readonly dtype: DType;
  /** @internal */ readonly storage: Storage;
  /** @internal created on first use: most tensors are never versioned or viewed. */
  private _versionCounter: VersionCounter | undefined;
  /**
   * The gradient `backward` accumulated into this leaf (or a tensor that
   * called `retainGrad()`), or null; PyTorch's `x.grad`.
   *
   * @example
   * const x = g.tensor([1, 2], { requiresGrad: true });
   * x.square().sum().backward();
   * x.grad; // tensor([2., 4.])
   *
   * Assigning checks the value as PyTorch does: `null`, or a live tensor of
   * this tensor's shape, dtype and device that is not this tensor itself
   * (the next backward adds into `.grad` in place).
   */
  get grad(): Tensor | null {
    return this._grad;
  }
  set grad(value: Tensor | null) {
    if (value !== null) checkAssignedGrad(this, value);
    this._grad = value;
  }
  private _grad: Tensor | null = null;
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
  constructor(
    storage: Storage,
    shape: readonly number[],
    strides: readonly number[],
    offset: number,
    versionCounter?: VersionCounter,
    op: string | typeof LAYOUT_CHECKED = 'Tensor',
  ) {
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
  static fromHandle(
    backend: Backend,
    device: string,
    handle: unknown,
    shape: readonly number[],
    dtype: DType,
    strides?: readonly number[],
    op = 'Tensor',
  ): Tensor {
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
  viewWithLayout(shape: readonly number[], strides: readonly number[], offset: number, op = 'view'): Tensor {
    this.assertAlive(op);
    const view = new Tensor(this.storage, shape, strides, offset, this.versionCounter, op);
    view.isView = true;
    view.viewEpoch = this.storage.graphEpoch;
    view.tracksBaseGraph = isGraphRecordingEnabled();
    return view;
  }

  /** @internal the storage's `graphEpoch` when this view was made. */
  viewEpoch = 0;
  /**
   * @internal Whether this view follows its base's graph (made while autograd
   * records): PyTorch would give it the base's new graph after an in-place op,
   * so it is refused once that happens. Not for `detach()`, which never does.
   */
  tracksBaseGraph = false;

  /**
   * @internal Throws when this is a view in a graph made before an in-place op
   * gave the tensor it views a new graph node (`y.mul_(3)` after `v =
   * y.narrow(…)`): v's node still leads to y's old graph, so a gradient
   * through it would be wrong. PyTorch rebuilds such a view's node from its
   * base's new one; Graft does not yet, and refuses instead. Checked where a
   * graph edge to the view is made (recording an op on it, backward from it).
   */
  checkViewGraph(): void {
    // With a node of its own or without (a view of a base that entered the graph through the in-place op).
    if (this.isView && this.tracksBaseGraph && this.viewEpoch !== this.storage.graphEpoch) {
      throw new Error(
        `autograd: a view (shape [${this.shape.join(', ')}]) made before an in-place operation changed the graph of the tensor it views ` +
          'cannot be used in autograd: its graph is the one from before the write, so its gradient would be wrong or missing (PyTorch rebuilds the view; Graft does not yet). ' +
          'Take the view again after the in-place operation.',
      );
    }
  }

  /**
   * @internal Another reference to this tensor: the same storage, layout,
   * version counter and place in the autograd graph (its gradFn, or for a
   * leaf its AccumulateGrad), as a second Python reference to one PyTorch
   * tensor. The autograd engine hands these out so that each holder can
   * dispose its own reference.
   */
  alias(): Tensor {
    const t = this.viewWithLayout(this.shape, this.strides, this.offset);
    t.isView = this.isView;
    t.viewEpoch = this.viewEpoch;
    t.tracksBaseGraph = this.tracksBaseGraph;
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
  /**
   * The name of the device the elements live on: `'cpu'`, `'webgl'`, … (a
   * backend's registered name).
   *
   * @example
   * g.ones(2).device; // 'cpu'
   */
  get device(): string {
    return this.storage.device;
  }
  /**
   * The number of dimensions (PyTorch's `x.ndim`, also `x.dim()`).
   *
   * @example
   * g.zeros(2, 3).ndim; // 2
   */
  get ndim(): number {
    return this.shape.length;
  }
  /**
   * A counter bumped by every in-place op on this tensor or a view of its
   * storage (PyTorch's `_version`): autograd uses it to refuse a backward
   * through a tensor that changed after it was saved.
   *
   * @example
   * const x = g.zeros(2); x.add_(1); x.version; // 1
   */
  get version(): number {
    return this._versionCounter === undefined ? 0 : this._versionCounter.value;
  }
  /** @internal the counter shared with views (created on first use). */
  get versionCounter(): VersionCounter {
    return (this._versionCounter ??= { value: 0 });
  }
  /** Whether `dispose()` has freed this tensor (using it then throws). */
  get isDisposed(): boolean {
    return this._disposed;
  }
  /**
   * The number of dimensions (PyTorch's `x.dim()`, also `x.ndim`).
   *
   * @example
   * g.zeros(2, 3).dim(); // 2
   */
  dim(): number {
    return this.shape.length;
  }
  /**
   * The number of elements: the product of the shape.
   *
   * @example
   * g.zeros(2, 3).numel(); // 6
   */
  numel(): number {
    return numel(this.shape);
  }
  /**
   * The shape as a new array, or the size of dimension `dim` (negative counts
   * from the end), as PyTorch's `x.size()`.
   *
   * @example
   * g.zeros(2, 3).size(); // [2, 3]
   * g.zeros(2, 3).size(-1); // 3
   */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return this.shape.slice();
    return this.shape[normalizeDim('size', dim, this.ndim)] ?? 1;
  }
  /**
   * The strides in elements as a new array, or the stride of dimension `dim`, as PyTorch's `x.stride()`.
   *
   * @example
   * g.zeros(2, 3).stride(); // [3, 1]
   */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return this.strides.slice();
    return this.strides[normalizeDim('stride', dim, this.ndim)] ?? 1;
  }
  /**
   * Whether the elements are laid out row-major without gaps (PyTorch's `is_contiguous()`).
   *
   * @example
   * g.zeros(2, 3).t().isContiguous(); // false
   */
  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }
  /**
   * The size of one element in bytes (PyTorch's `element_size()`).
   *
   * @example
   * g.zeros(2, { dtype: 'float64' }).elementSize(); // 8
   */
  elementSize(): number {
    return BYTES_PER_ELEMENT[this.dtype];
  }

  // ---- autograd fields ----

  /**
   * Whether autograd records ops on this tensor (a leaf made with
   * `requiresGrad`, or the result of a recorded op); setting it is `requiresGrad_`.
   *
   * @example
   * g.tensor([1], { requiresGrad: true }).mul(2).requiresGrad; // true
   */
  get requiresGrad(): boolean {
    return this._requiresGrad || this._gradFn !== null;
  }
  set requiresGrad(flag: boolean) {
    this.requiresGrad_(flag);
  }
  /**
   * The graph node of the op that made this tensor (null for a leaf);
   * PyTorch's `grad_fn`, with PyTorch's names.
   *
   * @example
   * g.tensor([1], { requiresGrad: true }).mul(2).gradFn?.name; // 'MulBackward0'
   */
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
  /**
   * True for a tensor not made by a recorded op (PyTorch's `is_leaf`): only
   * leaves accumulate `.grad`.
   *
   * @example
   * const w = g.zeros(2, { requiresGrad: true });
   * w.isLeaf; // true
   * w.mul(2).isLeaf; // false
   */
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
        'you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a ' +
          "subgraph that doesn't require differentiation use var_no_grad = var.detach().",
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
   * A new tensor sharing storage, cut from the graph.
   *
   * @example
   * const y = x.detach(); y.requiresGrad; // false
   */
  detach(): Tensor {
    const t = this.viewWithLayout(this.shape, this.strides, this.offset);
    t.tracksBaseGraph = false;
    return t;
  }

  /**
   * Cuts this tensor from the graph in place, making it a leaf that does
   * not require grad; PyTorch's `detach_`.
   *
   * @example
   * const y = g.ones(2, { requiresGrad: true }).mul(2);
   * y.detach_().requiresGrad; // false
   */
  detach_(): this {
    // A view made while recording shares its base's graph: cutting it in place would leave the base's wrong.
    if (this.isView && this.tracksBaseGraph) {
      throw new Error("Can't detach views in-place. Use detach() instead.");
    }
    this.tracksBaseGraph = false;
    const previous = this._gradFn;
    this._gradFn = null;
    if (!this.disposeRequested) previous?.letGo();
    this._requiresGrad = false;
    this.outputNr = 0;
    return this;
  }

  /**
   * A tensor sharing this one's storage, cut from the graph and with its own
   * version counter (PyTorch's `.data`): writes through it are not seen by autograd.
   *
   * @example
   * const w = g.ones(2, { requiresGrad: true });
   * w.data.mul_(2); // w is now [2, 2], without a graph node
   */
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
      throw new TypeError(
        `data: a tensor that requires grad cannot take data of dtype ${value.dtype} (only floating point tensors can require gradients)`,
      );
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

  /**
   * The elements as nested arrays (numbers, or booleans for bool tensors),
   * read asynchronously: the way to read from a GPU without stalling it.
   *
   * @example
   * await g.tensor([[1, 2], [3, 4]]).array(); // [[1, 2], [3, 4]]
   */
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

  /**
   * PyTorch's repr of this tensor, character for character (`String(t)`,
   * and `console.log(t)` in Node).
   *
   * @example
   * String(g.tensor([1, 2], { requiresGrad: true })); // 'tensor([1., 2.], requires_grad=True)'
   */
  toString(): string {
    return formatTensor(this);
  }

  /** For Node's `console.log` / `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ---- memory ----

  /**
   * Frees this tensor's hold on its storage now, rather than when it is
   * garbage collected (which on a GPU may be too late): the storage goes when
   * its last view does. Using the tensor afterwards throws. `g.tidy` and
   * `using` dispose for you.
   *
   * @example
   * const t = g.ones(1000); t.dispose(); t.isDisposed; // true
   */
  dispose(): void {
    if (this._disposed || this.disposeRequested) return;
    // `.grad` belongs to its tensor and goes with it, unless a closing tidy scope returns it.
    const grad = this._grad;
    if (grad !== null) {
      this._grad = null;
      if (!isEscapingScope(grad)) grad.dispose();
    }
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
}

/** What `t.grad = value` accepts (PyTorch's THPVariable_set_grad, with its messages). */
function checkAssignedGrad(t: Tensor, value: unknown): void {
  if (!(value instanceof Tensor)) {
    const kind = value === undefined ? 'undefined' : Array.isArray(value) ? 'array' : typeof value;
    throw new TypeError(`assigned grad expected to be a Tensor or null but got grad of type ${kind}`);
  }
  if (value === t) throw new Error("can't assign Variable as its own grad");
  value.assertAlive('assigned grad');
  if (value.dtype !== t.dtype) throw new Error(`assigned grad has data of a different type (${value.dtype}, the tensor is ${t.dtype})`);
  if (value.device !== t.device) {
    throw new Error(`assigned grad has data located on a different device (${value.device}, the tensor is on ${t.device})`);
  }
  if (!shapesEqual(value.shape, t.shape)) {
    throw new Error(`assigned grad has data of a different size ([${value.shape.join(', ')}], the tensor is [${t.shape.join(', ')}])`);
  }
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
