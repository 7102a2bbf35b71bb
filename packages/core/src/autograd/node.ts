/**
 * Graph nodes (`gradFn`): what an op recorded to compute its inputs' gradients.
 */
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';

/** Computes input gradients from output gradients; null means "no gradient". */
export type BackwardFn = (grads: readonly Tensor[]) => readonly (Tensor | null | undefined)[];
/** The backward rule of a one-output op: from its output's gradient. */
export type UnaryBackwardFn = (grad: Tensor) => readonly (Tensor | null | undefined)[];

let nextNodeId = 1;

/** The shared empty list of a node that saved nothing (never written to). */
const NOTHING_SAVED: Saved[] = [];

/** PyTorch's error for a node whose saved tensors were freed (by a backward without retainGraph). */
export const FREED_GRAPH =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have ' +
  'already been freed). Saved intermediate values of the graph are freed when you call .backward() or ' +
  'autograd.grad(). Specify retainGraph: true if you need to backward through the graph a second time or ' +
  'if you need to access saved tensors after calling backward.';

/** A tensor kept for backward, with the version it had when saved. */
interface Saved {
  tensor: Tensor;
  version: number;
  /** The tensor's gradFn and output number when saved (an in-place op replaces them; errors name the original). */
  gradFn: Node | null;
  outputNr: number;
}

/**
 * A hook on one output's gradient, run by the engine before the node's
 * backward: a user hook (`registerHook` on a non-leaf), which may return a
 * replacement, or the tensor whose `.grad` is retained (`retainGrad`).
 */
export type OutputHook =
  | { readonly outputNr: number; readonly fn: (grad: Tensor) => Tensor | void; readonly retain?: undefined }
  | { readonly outputNr: number; readonly retain: Tensor; readonly fn?: undefined };

/** A recorded op. `nextFunctions[i]` is where the gradient of input i flows. */
export class Node {
  /** PyTorch's name for this backward function, e.g. `'AddBackward0'`. */
  readonly name: string;
  readonly nextFunctions: readonly (readonly [Node | null, number])[];
  /** Hooks on this node's output gradients, in registration order (run before its backward). */
  hooks: OutputHook[] | undefined;
  /** Stack trace of the forward op, for `detectAnomaly`. */
  forwardTrace: string | undefined;
  private backwardFn: BackwardFn | UnaryBackwardFn | undefined;
  /** Whether backwardFn takes the one output's gradient itself (most ops: no wrapper closure per recorded op). */
  private readonly unary: boolean;
  /** What `save` kept (NOTHING_SAVED, shared, until the first save: most nodes save nothing or one tensor). */
  private saved: Saved[] = NOTHING_SAVED;
  /** Number of outputs (multi-output ops like `split` have several). */
  readonly numOutputs: number;
  /**
   * Each input's shape, dtype and device (undefined dtype and device for a
   * non-tensor input), flat: `[shape0, dtype0, device0, shape1, …]`. One array
   * per recorded op instead of three.
   */
  private readonly inputMeta: readonly unknown[];

  constructor(
    name: string,
    nextFunctions: readonly (readonly [Node | null, number])[],
    inputMeta: readonly unknown[],
    backwardFn: BackwardFn | UnaryBackwardFn,
    numOutputs = 1,
    unary = false,
  ) {
    this.name = name;
    this.nextFunctions = nextFunctions;
    this.inputMeta = inputMeta;
    this.backwardFn = backwardFn;
    this.numOutputs = numOutputs;
    this.unary = unary;
  }

  /** Input i's shape, to sum a broadcast gradient back down (unbroadcast). */
  inputShape(i: number): readonly number[] {
    return this.inputMeta[3 * i] as readonly number[];
  }

  /** Input i's dtype (undefined for a non-tensor input): its gradient is cast to it. */
  inputDtype(i: number): DType | undefined {
    return this.inputMeta[3 * i + 1] as DType | undefined;
  }

  /** Input i's device (undefined for a non-tensor input): a gradient elsewhere is an error. */
  inputDevice(i: number): string | undefined {
    return this.inputMeta[3 * i + 2] as string | undefined;
  }

  /**
   * Keeps a tensor for backward: its storage stays alive (a `dispose()` or a
   * `tidy` scope is deferred until this node is released) and its version is
   * remembered so an in-place change before backward is caught.
   */
  save(t: Tensor): Tensor {
    t.pin();
    if (this.saved === NOTHING_SAVED) this.saved = [];
    this.saved.push({ tensor: t, version: t.version, gradFn: t.gradFn, outputNr: t.outputNr });
    return t;
  }

  /**
   * Keeps a tensor alive until this node is released, without a version
   * check: a custom Function's tensors kept as `ctx` attributes (PyTorch
   * documents `ctx` for intermediates; only `saveForBackward` checks versions).
   */
  keepAlive(t: Tensor): void {
    t.pin();
    (this.keptAlive ??= []).push(t);
  }

  private keptAlive: Tensor[] | undefined;

  get released(): boolean {
    return this.backwardFn === undefined;
  }

  /** Adds a hook on output `outputNr`'s gradient; returns its remover. */
  addHook(hook: OutputHook): () => void {
    const list = (this.hooks ??= []);
    list.push(hook);
    return () => {
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Runs the backward rule; with `retain` false, frees the closure and saved tensors. */
  apply(grads: readonly Tensor[], retain: boolean): readonly (Tensor | null | undefined)[] {
    const fn = this.backwardFn;
    if (fn === undefined) throw new Error(FREED_GRAPH);
    for (const { tensor, version, gradFn, outputNr } of this.saved) {
      if (tensor.version !== version) {
        const origin = gradFn !== null ? `, which is output ${outputNr} of ${gradFn.name},` : '';
        throw new Error(
          `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
            `[${tensor.dtype} [${tensor.shape.join(', ')}]]${origin} is at version ${tensor.version}; expected version ` +
            `${version} instead. Hint: ${this.name} saved it; enable anomaly detection (g.autograd.detectAnomaly) to find ` +
            `the forward operation.`,
        );
      }
    }
    const out = this.unary ? (fn as UnaryBackwardFn)(grads[0]!) : (fn as BackwardFn)(grads);
    if (!retain) this.release();
    return out;
  }

  /**
   * Tensors whose gradFn this is, plus nodes with an edge to it: PyTorch
   * frees a graph when its last reference goes, and so does Graft. When the
   * count falls to 0 (the outputs were disposed, the nodes after it dropped)
   * the node is released and lets go of the nodes it points to, so a forward
   * pass that is never differentiated frees what it saved at once.
   */
  private holders = 0;
  private dropped = false;

  /** Edges to this node's outputs, made once each (every recorded op that reads an output points at one). */
  private edgeTuples: (readonly [Node, number])[] | undefined;

  /** @internal the edge `[this, outputNr]` (shared: edges are never written). */
  edgeTo(outputNr: number): readonly [Node, number] {
    const tuples = (this.edgeTuples ??= []);
    return (tuples[outputNr] ??= [this, outputNr]);
  }

  /** @internal a tensor or a node now refers to this node. */
  hold(): void {
    this.holders++;
  }

  /** @internal a tensor or a node no longer refers to this node. */
  letGo(): void {
    if (--this.holders === 0) dropGraph(this);
  }

  /** @internal releases this node and lets go of its next nodes (once); those it held last go onto `freed`. */
  drop(freed: Node[]): void {
    if (this.dropped) return;
    this.dropped = true;
    this.release();
    for (const [next] of this.nextFunctions) {
      if (next !== null && !(next instanceof AccumulateGrad) && --next.holders === 0) freed.push(next);
    }
  }

  /** Drops the backward closure and what it saved (after a backward without retainGraph). */
  release(): void {
    this.backwardFn = undefined;
    const kept = this.keptAlive;
    this.keptAlive = undefined;
    if (kept !== undefined) for (const t of kept) t.unpin();
    const saved = this.saved;
    if (saved === NOTHING_SAVED) return;
    this.saved = NOTHING_SAVED;
    for (const { tensor } of saved) tensor.unpin();
  }

  /** A stable pseudo-address, so reprs look like PyTorch's `<AddBackward0 object at 0x7f…>`. */
  private readonly id = nextNodeId++;

  /** `<AddBackward0 object at 0x…>`, as PyTorch's repr. */
  toString(): string {
    return `<${this.name} object at 0x${(0x7f0000000000 + this.id * 0x40).toString(16)}>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * Drops a node whose last holder went, and then every node only it held.
 * Iterative, and re-entrant through a queue: releasing saved tensors can
 * dispose tensors whose own gradFn then drops.
 */
const dropQueue: Node[] = [];
let dropping = false;
function dropGraph(node: Node): void {
  dropQueue.push(node);
  if (dropping) return;
  dropping = true;
  try {
    while (dropQueue.length !== 0) dropQueue.pop()!.drop(dropQueue);
  } finally {
    dropping = false;
  }
}

/** Counts an edge to `next` (made when a node is recorded). */
export function holdEdges(edges: readonly (readonly [Node | null, number])[]): void {
  for (const [next] of edges) if (next !== null && !(next instanceof AccumulateGrad)) next.hold();
}

/** The node at a leaf that requires grad: accumulates into `variable.grad`. */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) {
    super('AccumulateGrad', [], [variable.shape, variable.dtype, variable.device], () => [], 1);
  }

  override get released(): boolean {
    return false;
  }

  override letGo(): void {
    // A leaf's accumulator lives as long as the leaf.
  }
}
