/**
 * The backward engine: counts dependencies from the roots, then runs nodes
 * from a ready queue (iterative, so graphs of 100k+ nodes work), summing the
 * gradients that meet at a node and reducing broadcast gradients to each
 * input's shape once, here. With inputs (autograd.grad, backward({ inputs }))
 * only the nodes that lead to one run (PyTorch's exec_info).
 *
 * Who owns a gradient
 * -------------------
 * A gradient is a Tensor object; several Tensor objects may view one storage,
 * which lives while any of them does (`storage.liveTensors` counts them), and
 * `dispose()` releases only the object it is called on. The engine frees
 * gradients as soon as they are consumed (on a GPU they are textures), so it
 * must know which objects it may dispose. The rules:
 *
 * 1. Every object in a node's input buffer belongs to exactly one slot, and
 *    the engine made it: nothing else holds that object, so the slot may
 *    dispose it.
 * 2. A rule's result goes into a slot as it is when the engine owns it and
 *    has not placed it yet: a tensor the rule made (its serial number is newer
 *    than the rule's start), or an input gradient the rule passes through
 *    (its slot hands it over). Anything else — the same object for a second
 *    input, a tensor the rule did not make, whatever a hook returns, a seed —
 *    goes in as an alias: a new Tensor object over the same storage (with
 *    `createGraph`, one with the same place in the graph: `Tensor.alias`).
 *    So disposing one slot never touches another.
 * 3. When a node has run, the objects left in its buffer and its unplaced
 *    results are disposed; what the rule made and did not return is disposed
 *    by its memory scope. User hooks run in the caller's memory scope and are
 *    given aliases, so a hook may keep what it is given.
 * 4. No gradient is written in place except a leaf's `.grad`, and `.grad`
 *    takes a buffer's storage (steals it, as PyTorch's AccumulateGrad) only
 *    when that storage has no other live Tensor object: nobody else can read
 *    it. Otherwise it takes a copy.
 * 5. What escapes: a leaf's `.grad` and a retained `.grad` belong to their
 *    tensor and are exempt from `tidy` scopes (`keep`); gradients returned by
 *    `autograd.grad` belong to the caller's scope. Belonging goes both ways:
 *    when `.grad` is replaced out of place (accumulation under createGraph)
 *    the old object is disposed, and when its tensor is disposed (by hand or
 *    by a scope) so is its `.grad` — unless the closing scope returns it.
 *    Keep a gradient past either with `clone()`.
 */
import { keep, scopeDepth, tidy, trackAtDepth } from '../memory.js';
import { formatShape, shapesEqual } from '../shape.js';
import { Tensor, tensorSerial } from '../tensor.js';
import { noGrad, setGradEnabled } from './grad-mode.js';
import { AccumulateGrad, type Node, type OutputHook } from './node.js';
import { anomalyMode } from './anomaly.js';
import { broadcastsTo, sumToShape } from './unbroadcast.js';

export interface EngineOptions {
  retainGraph: boolean;
  createGraph: boolean;
  /** Where to stop and report gradients instead of accumulating (autograd.grad). */
  captures?: readonly Tensor[];
  /** With `backward(inputs)`: accumulate only into these leaves. */
  accumulateOnly?: readonly Tensor[];
}

/** A node's input gradients, one slot per output of the node (rule 1 above). */
class InputBuffer {
  readonly grads: (Tensor | undefined)[];
  /** False once a slot has handed its object on (a rule passed it through). */
  readonly owned: boolean[];
  constructor(size: number) {
    // Filled, not sparse: rules map over their gradients (holes would be skipped).
    this.grads = new Array<Tensor | undefined>(size).fill(undefined);
    this.owned = new Array<boolean>(size).fill(false);
  }
}

/** Runs backward from `roots` seeded with `grads`; returns captured gradients (for autograd.grad). */
export function runBackward(roots: readonly Tensor[], grads: readonly Tensor[], options: EngineOptions): (Tensor | undefined)[] {
  const guard = setGradEnabled(options.createGraph);
  try {
    // The engine's own scope: anything it makes and does not hand out is freed, even on an error.
    const userDepth = scopeDepth();
    callerDepths.push(userDepth);
    try {
      return tidy(() => new BackwardRun(options, userDepth).execute(roots, grads));
    } finally {
      callerDepths.pop();
    }
  } finally {
    guard[Symbol.dispose]();
  }
}

/** The tidy depth of the caller of each backward that is running (innermost last). */
const callerDepths: number[] = [];

/**
 * @internal Runs `fn` in the memory scope of whoever called the backward that
 * is running (outside one, as it is): what it makes belongs to the caller, as
 * what a tensor hook is given does (rule 3). Hooks that run inside a rule —
 * nn's full backward hooks, which run in a custom Function's backward — use
 * it to hand the user gradients the user may keep.
 */
export function inCallerScope<T>(fn: () => T): T {
  const depth = callerDepths[callerDepths.length - 1];
  return depth === undefined ? fn() : trackAtDepth(depth, fn);
}

class BackwardRun {
  private readonly buffers = new Map<Node, InputBuffer>();
  private readonly createGraph: boolean;

  constructor(
    private readonly options: EngineOptions,
    /** The caller's tidy depth: user hooks run there. */
    private readonly userDepth: number,
  ) {
    this.createGraph = options.createGraph;
  }

  execute(roots: readonly Tensor[], grads: readonly Tensor[]): (Tensor | undefined)[] {
    const { options } = this;
    // Where each captured tensor's gradient shows up: its gradFn output, or its leaf accumulator.
    const captureAt = new Map<Node, [number, number][]>();
    const captured: (Tensor | undefined)[] = [];
    options.captures?.forEach((t, i) => {
      const node = t.gradFn ?? t.gradAccumulator();
      const nr = t.gradFn !== null ? t.outputNr : 0;
      const list = captureAt.get(node) ?? [];
      list.push([nr, i]);
      captureAt.set(node, list);
      captured.push(undefined);
    });

    // 1. Dependency counts over the reachable graph (iterative DFS).
    const deps = new Map<Node, number>();
    const stack: Node[] = [];
    for (const r of roots) {
      const node = r.gradFn ?? (r.requiresGrad ? r.gradAccumulator() : null);
      if (node !== null && !deps.has(node)) {
        deps.set(node, 0);
        stack.push(node);
      }
    }
    while (stack.length !== 0) {
      const node = stack.pop()!;
      for (const [next] of node.nextFunctions) {
        if (next === null) continue;
        const count = deps.get(next);
        if (count === undefined) {
          deps.set(next, 1);
          stack.push(next);
        } else deps.set(next, count + 1);
      }
    }

    // With inputs (autograd.grad, backward({ inputs })), only nodes from which one is reachable run (PyTorch's exec_info).
    const needed = this.neededNodes(roots, captureAt);
    const runs = (node: Node) => needed === undefined || needed.has(node);
    const receives = (node: Node) => runs(node) || captureAt.has(node);

    // 2. Seed the roots' buffers: the caller keeps its seeds, the engine gets aliases.
    roots.forEach((r, i) => {
      const node = r.gradFn ?? r.gradAccumulator();
      this.place(node, r.gradFn !== null ? r.outputNr : 0, this.alias(grads[i]!));
    });
    const ready: Node[] = [];
    for (const r of roots) {
      const node = r.gradFn ?? r.gradAccumulator();
      if (deps.get(node) === 0 && !ready.includes(node)) ready.push(node);
    }

    // 3. Run nodes whose every consumer has reported.
    while (ready.length !== 0) {
      const node = ready.pop()!;
      const buffer = this.buffers.get(node) ?? new InputBuffer(node.numOutputs);
      this.buffers.delete(node);

      // autograd.grad reports the gradient as it arrives (before hooks, as PyTorch 1.13).
      const captures = captureAt.get(node);
      if (captures !== undefined) {
        for (const [nr, i] of captures) captured[i] = this.capture(buffer, nr);
      }
      if (!runs(node)) {
        // Captured only (nothing it leads to is wanted): PyTorch 1.13 runs neither its hooks nor its rule.
        buffer.grads.forEach((g, k) => buffer.owned[k] && g?.dispose());
        continue;
      }
      if (node.hooks !== undefined) this.runOutputHooks(node.hooks, buffer);

      if (node instanceof AccumulateGrad) {
        const grad = buffer.grads[0];
        if (grad !== undefined) this.accumulate(node.variable, grad, buffer.owned[0]!);
        continue;
      }

      const start = tensorSerial();
      const results = tidy(() => node.apply(buffer.grads as Tensor[], options.retainGraph));
      if (results.length !== node.nextFunctions.length) {
        throw new Error(
          `function ${node.name} returned an incorrect number of gradients (expected ${node.nextFunctions.length}, got ${results.length})`,
        );
      }
      if (anomalyMode.enabled) checkAnomaly(node, results);
      // Rule 2: decide who owns what goes into each next buffer before placing any
      // (placing sums and frees, and a rule may return one object for several inputs).
      // `placed` is an array: a node has a handful of inputs.
      const placed: Tensor[] = [];
      const outgoing: [Node, number, number, Tensor, boolean][] = [];
      const edges = node.nextFunctions;
      for (let i = 0; i < edges.length; i++) {
        const [next, nr] = edges[i]!;
        const r = results[i];
        // A gradient for a branch that leads to no wanted input is dropped (freed below, with what was not placed).
        if (next === null || r === null || r === undefined || !receives(next)) continue;
        const passed = buffer.grads.indexOf(r);
        if (r.serial > start && !placed.includes(r)) outgoing.push([next, nr, i, r, true]);
        else if (passed >= 0 && buffer.owned[passed]) {
          outgoing.push([next, nr, i, r, true]);
          buffer.owned[passed] = false;
        } else outgoing.push([next, nr, i, ...this.alias(r)]);
        placed.push(r);
      }
      for (const [next, nr, i, grad, owned] of outgoing) this.place(next, nr, this.conform(node, i, grad, owned));
      for (const [next] of edges) {
        if (next === null || !receives(next)) continue;
        const left = deps.get(next)! - 1;
        deps.set(next, left);
        if (left === 0) ready.push(next);
      }
      // Rule 3: free what was consumed and not passed on.
      for (let k = 0; k < buffer.grads.length; k++) {
        const g = buffer.grads[k];
        if (g !== undefined && buffer.owned[k]) g.dispose();
      }
      for (const r of results) {
        if (r !== null && r !== undefined && r.serial > start && !placed.includes(r)) r.dispose();
      }
    }
    // Gradients never consumed (a node that was not reached again) are freed too.
    for (const buffer of this.buffers.values()) {
      buffer.grads.forEach((g, k) => buffer.owned[k] && g?.dispose());
    }
    return captured;
  }

  /**
   * With inputs, the nodes that must run: an input's own node for
   * `backward({ inputs })` (its gradient is accumulated there), and every node
   * with a path to one (or to a node autograd.grad captures at). Undefined
   * without inputs: every reachable node runs. Every node with an edge to a
   * node that runs or is captured runs too, so a pruned node is never waited
   * for. Iterative post-order over the reachable graph.
   */
  private neededNodes(roots: readonly Tensor[], captureAt: ReadonlyMap<Node, unknown>): Set<Node> | undefined {
    const { accumulateOnly } = this.options;
    if (accumulateOnly === undefined && captureAt.size === 0) return undefined;
    const needed = new Set<Node>();
    for (const t of accumulateOnly ?? []) needed.add(t.gradFn ?? t.gradAccumulator());
    const visited = new Set<Node>();
    const stack: [Node, number][] = [];
    const visit = (node: Node | null) => {
      if (node === null || visited.has(node)) return;
      visited.add(node);
      stack.push([node, 0]);
    };
    // One root at a time: a node visited from an earlier root is finished, never half-way down the stack.
    for (const r of roots) {
      visit(r.gradFn ?? (r.requiresGrad ? r.gradAccumulator() : null));
      while (stack.length !== 0) {
        const top = stack[stack.length - 1]!;
        const [node, i] = top;
        const edges = node.nextFunctions;
        if (i < edges.length) {
          top[1] = i + 1;
          visit(edges[i]![0]);
          continue;
        }
        stack.pop();
        // Children are done: this node runs if any of them runs or is captured.
        if (edges.some(([next]) => next !== null && (needed.has(next) || captureAt.has(next)))) needed.add(node);
      }
    }
    return needed;
  }

  /** The engine's own reference to a gradient it did not make (rule 2): without createGraph, outside the graph. */
  private alias(t: Tensor): [Tensor, boolean] {
    return [this.createGraph ? t.alias() : t.detach(), true];
  }

  /**
   * Checks a gradient against the input it is for, as PyTorch's
   * validate_outputs: a broadcast shape is summed down, another dtype is cast,
   * anything else is the rule's error.
   */
  private conform(node: Node, i: number, grad: Tensor, owned: boolean): [Tensor, boolean] {
    const shape = node.inputShape(i);
    const dtype = node.inputDtype(i);
    const device = node.inputDevice(i);
    if (device !== undefined && grad.device !== device) {
      if (owned) grad.dispose();
      throw new Error(
        `Function ${node.name} returned an invalid gradient at index ${i} - expected device ${device} but got ${grad.device}`,
      );
    }
    let out = grad;
    if (!shapesEqual(out.shape, shape)) {
      if (!broadcastsTo(shape, out.shape)) {
        if (owned) grad.dispose();
        throw new Error(
          `Function ${node.name} returned an invalid gradient at index ${i} - got ${formatShape(out.shape)} but expected shape compatible with ${formatShape(shape)}`,
        );
      }
      out = sumToShape(out, shape);
    }
    if (dtype !== undefined && out.dtype !== dtype) {
      const cast = out.to(dtype);
      if (out !== grad) out.dispose();
      out = cast;
    }
    if (out === grad) return [grad, owned];
    if (owned) grad.dispose();
    return [out, true];
  }

  /** Adds a gradient into a node's buffer slot, summing when one is there already. */
  private place(node: Node, nr: number, [grad, owned]: [Tensor, boolean]): void {
    let buffer = this.buffers.get(node);
    if (buffer === undefined) {
      buffer = new InputBuffer(node.numOutputs);
      this.buffers.set(node, buffer);
    }
    const prev = buffer.grads[nr];
    if (prev === undefined) {
      buffer.grads[nr] = grad;
      buffer.owned[nr] = owned;
      return;
    }
    buffer.grads[nr] = prev.add(grad);
    if (buffer.owned[nr]) prev.dispose();
    if (owned) grad.dispose();
    buffer.owned[nr] = true;
  }

  /** What autograd.grad returns for a slot: an alias the caller owns. */
  private capture(buffer: InputBuffer, nr: number): Tensor | undefined {
    const grad = buffer.grads[nr];
    return grad === undefined ? undefined : this.alias(grad)[0];
  }

  /** Runs `registerHook` hooks and `retainGrad` on a non-leaf's gradient, in registration order. */
  private runOutputHooks(hooks: readonly OutputHook[], buffer: InputBuffer): void {
    for (const hook of [...hooks]) {
      const grad = buffer.grads[hook.outputNr];
      if (grad === undefined) continue;
      if (hook.retain !== undefined) {
        // A retained gradient accumulates as a leaf's does (the slot keeps its own object).
        this.accumulateInto(hook.retain, ...this.alias(grad));
        continue;
      }
      const replaced = this.callHook(hook.fn, grad);
      if (replaced === undefined) continue;
      if (buffer.owned[hook.outputNr]) grad.dispose();
      [buffer.grads[hook.outputNr], buffer.owned[hook.outputNr]] = this.alias(replaced);
    }
  }

  /** Calls a user hook with a gradient it may keep; checks what it returns (PyTorch's messages). */
  private callHook(hook: (grad: Tensor) => Tensor | void, grad: Tensor): Tensor | undefined {
    // The hook runs in the caller's scope and gets its own alias (it may keep it).
    const result = trackAtDepth(this.userDepth, () => hook(this.alias(grad)[0]));
    if (result === undefined || result === null) return undefined;
    const name = hook.name || '<anonymous>';
    if (!(result instanceof Tensor)) {
      throw new TypeError(`expected Tensor, but hook returned '${Array.isArray(result) ? 'array' : typeof result}'`);
    }
    if (result.dtype !== grad.dtype || result.device !== grad.device) {
      throw new Error(
        `hook '${name}' has changed the type of value (was ${grad.dtype} on ${grad.device} got ${result.dtype} on ${result.device})`,
      );
    }
    if (!shapesEqual(result.shape, grad.shape)) throw new Error(`hook '${name}' has changed the size of value`);
    return result;
  }

  /**
   * Adds a gradient into a leaf's `.grad`, as PyTorch's AccumulateGrad: the
   * first time it takes the gradient itself when nothing else can read its
   * storage (else a copy); later it adds in place, so references to `.grad`
   * see the sum. With createGraph `.grad` is a new tensor with a graph.
   */
  private accumulate(variable: Tensor, g: Tensor, owned: boolean): void {
    let grad = g;
    let gradOwned = owned;
    if (variable.hooks !== undefined) {
      for (const hook of [...variable.hooks]) {
        const replaced = this.callHook(hook, grad);
        if (replaced === undefined) continue;
        if (gradOwned) grad.dispose();
        [grad, gradOwned] = this.alias(replaced);
      }
    }
    this.accumulateInto(variable, grad, gradOwned);
  }

  /** Adds `grad` into `variable.grad` (see `accumulate`). */
  private accumulateInto(variable: Tensor, grad: Tensor, gradOwned: boolean): void {
    const prev = variable.grad !== null && !variable.grad.isDisposed ? variable.grad : null;
    if (this.createGraph) {
      // PyTorch copies the first gradient (CopyBackwards) and adds later ones out of place.
      variable.grad = keep(prev === null ? grad.detach().mul(0).copy_(grad) : prev.add(grad));
      // The replaced .grad was the tensor's (rule 5): it goes now, or a loop would leak one per step.
      // Its graph lives on in the new one's (a node holds what it points to).
      prev?.dispose();
      if (gradOwned) grad.dispose();
      return;
    }
    if (prev === null) {
      const stealable =
        gradOwned &&
        grad.storage.liveTensors === 1 &&
        grad.offset === 0 &&
        grad.isContiguous() &&
        grad.gradFn === null &&
        !grad.requiresGrad;
      variable.grad = keep(stealable ? grad : grad.clone());
      if (!stealable && gradOwned) grad.dispose();
      return;
    }
    noGrad(() => prev.add_(grad));
    if (gradOwned) grad.dispose();
  }
}

function checkAnomaly(node: Node, results: readonly (Tensor | null | undefined)[]): void {
  results.forEach((r, i) => {
    if (r === null || r === undefined) return;
    if (r.isnan().any().item()) {
      const where = node.forwardTrace ? `\nTraceback of forward call that caused the error:\n${node.forwardTrace}` : '';
      throw new Error(`Function '${node.name}' returned nan values in its ${i}th output.${where}`);
    }
  });
}
