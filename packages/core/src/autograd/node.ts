/**
 * Graph nodes (`gradFn`): what an op recorded to compute its inputs' gradients.
 */
import type { Tensor } from '../tensor.js';

/** Computes input gradients from output gradients; null means "no gradient". */
export type BackwardFn = (grads: readonly Tensor[]) => readonly (Tensor | null | undefined)[];

let nextNodeId = 1;

/** A tensor kept for backward, with the version it had when saved. */
interface Saved {
  tensor: Tensor;
  version: number;
}

/** A recorded op. `nextFunctions[i]` is where the gradient of input i flows. */
export class Node {
  /** PyTorch's name for this backward function, e.g. `'AddBackward0'`. */
  readonly name: string;
  readonly nextFunctions: readonly (readonly [Node | null, number])[];
  /** Shapes of the inputs, to sum broadcast gradients back down (unbroadcast). */
  readonly inputShapes: readonly (readonly number[])[];
  /** Hooks run on this node's output gradient before its backward. */
  readonly preHooks: ((grad: Tensor) => Tensor | void)[] = [];
  /** Stack trace of the forward op, for `detectAnomaly`. */
  forwardTrace: string | undefined;
  private backwardFn: BackwardFn | undefined;
  private saved: Saved[] = [];
  /** Number of outputs (multi-output ops like `split` have several). */
  readonly numOutputs: number;

  constructor(
    name: string,
    nextFunctions: readonly (readonly [Node | null, number])[],
    inputShapes: readonly (readonly number[])[],
    backwardFn: BackwardFn,
    numOutputs = 1,
  ) {
    this.name = name;
    this.nextFunctions = nextFunctions;
    this.inputShapes = inputShapes;
    this.backwardFn = backwardFn;
    this.numOutputs = numOutputs;
  }

  /**
   * Keeps a tensor for backward: its storage stays alive (a `dispose()` or a
   * `tidy` scope is deferred until this node is released) and its version is
   * remembered so an in-place change before backward is caught.
   */
  save(t: Tensor): Tensor {
    t.pin();
    this.saved.push({ tensor: t, version: t.version });
    return t;
  }

  get released(): boolean {
    return this.backwardFn === undefined;
  }

  /** Runs the backward rule; with `retain` false, frees the closure and saved tensors. */
  apply(grads: readonly Tensor[], retain: boolean): readonly (Tensor | null | undefined)[] {
    const fn = this.backwardFn;
    if (fn === undefined) {
      throw new Error(
        'Trying to backward through the graph a second time (or directly access saved tensors after they have ' +
          'already been freed). Saved intermediate values of the graph are freed when you call .backward() or ' +
          'autograd.grad(). Specify retainGraph: true if you need to backward through the graph a second time or ' +
          'if you need to access saved tensors after calling backward.',
      );
    }
    for (const { tensor, version } of this.saved) {
      if (tensor.version !== version) {
        const origin = tensor.gradFn !== null ? `, which is output ${tensor.outputNr} of ${tensor.gradFn.name},` : '';
        throw new Error(
          `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
            `[${tensor.dtype} [${tensor.shape.join(', ')}]]${origin} is at version ${tensor.version}; expected version ` +
            `${version} instead. Hint: ${this.name} saved it; enable anomaly detection (g.autograd.detectAnomaly) to find ` +
            `the forward operation.`,
        );
      }
    }
    const out = fn(grads);
    if (!retain) this.release();
    return out;
  }

  /** Drops the backward closure and what it saved (after a backward without retainGraph). */
  release(): void {
    this.backwardFn = undefined;
    const saved = this.saved;
    this.saved = [];
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

/** The node at a leaf that requires grad: accumulates into `variable.grad`. */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) {
    super('AccumulateGrad', [], [variable.shape], () => []);
  }

  override get released(): boolean {
    return false;
  }
}
