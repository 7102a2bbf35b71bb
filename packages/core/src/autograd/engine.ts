/**
 * The backward engine: counts dependencies from the roots, then runs nodes
 * from a ready queue (iterative, so graphs of 100k+ nodes work), summing the
 * gradients that meet at a node and reducing broadcast gradients to each
 * input's shape once, here.
 */
import { sumToShape } from '../ops/reduce.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { setGradEnabled } from './grad-mode.js';
import { AccumulateGrad, type Node } from './node.js';
import { anomalyMode } from './record.js';

export interface EngineOptions {
  retainGraph: boolean;
  createGraph: boolean;
  /** Where to stop and report gradients instead of accumulating (autograd.grad). */
  captures?: readonly Tensor[];
  /** With `backward(inputs)`: accumulate only into these leaves. */
  accumulateOnly?: readonly Tensor[];
}

type Buffer = (Tensor | undefined)[];

/** Hooks and retained grads of non-leaf tensors, keyed by (node, output). */
export interface OutputHook {
  outputNr: number;
  fn: (grad: Tensor) => Tensor | void;
}
const outputHooks = new WeakMap<Node, OutputHook[]>();

export function addOutputHook(node: Node, hook: OutputHook): () => void {
  let list = outputHooks.get(node);
  if (list === undefined) outputHooks.set(node, (list = []));
  list.push(hook);
  return () => {
    const i = list.indexOf(hook);
    if (i >= 0) list.splice(i, 1);
  };
}

/** Runs backward from `roots` seeded with `grads`; returns captured gradients (for autograd.grad). */
export function runBackward(roots: readonly Tensor[], grads: readonly Tensor[], options: EngineOptions): (Tensor | undefined)[] {
  const guard = setGradEnabled(options.createGraph);
  try {
    return execute(roots, grads, options);
  } finally {
    guard[Symbol.dispose]();
  }
}

function execute(roots: readonly Tensor[], grads: readonly Tensor[], options: EngineOptions): (Tensor | undefined)[] {
  // Where each captured tensor's gradient shows up: its gradFn output, or its leaf accumulator.
  const captureAt = new Map<Node, Map<number, number[]>>();
  const captured: (Tensor | undefined)[] = [];
  options.captures?.forEach((t, i) => {
    const node = t.gradFn ?? t.gradAccumulator();
    const nr = t.gradFn !== null ? t.outputNr : 0;
    let byNr = captureAt.get(node);
    if (byNr === undefined) captureAt.set(node, (byNr = new Map()));
    byNr.set(nr, [...(byNr.get(nr) ?? []), i]);
    captured.push(undefined);
  });
  const onlyInto = options.accumulateOnly !== undefined ? new Set(options.accumulateOnly) : undefined;

  // 1. Dependency counts over the reachable graph (iterative DFS).
  const deps = new Map<Node, number>();
  const buffers = new Map<Node, Buffer>();
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

  // 2. Seed the roots' buffers.
  roots.forEach((r, i) => {
    const node = r.gradFn ?? r.gradAccumulator();
    addToBuffer(buffers, node, r.gradFn !== null ? r.outputNr : 0, grads[i]!, node.numOutputs);
  });
  const ready: Node[] = [];
  for (const r of roots) {
    const node = r.gradFn ?? r.gradAccumulator();
    if (deps.get(node) === 0 && !ready.includes(node)) ready.push(node);
  }

  // 3. Run nodes whose every consumer has reported.
  while (ready.length !== 0) {
    const node = ready.pop()!;
    const buffer = buffers.get(node) ?? [];
    buffers.delete(node);

    const hooks = outputHooks.get(node);
    if (hooks !== undefined) {
      for (const h of hooks) {
        const g = buffer[h.outputNr];
        if (g === undefined) continue;
        const replaced = h.fn(g);
        if (replaced !== undefined) buffer[h.outputNr] = replaced;
      }
    }
    const byNr = captureAt.get(node);
    if (byNr !== undefined) {
      for (const [nr, indices] of byNr) for (const i of indices) captured[i] = buffer[nr];
    }

    if (node instanceof AccumulateGrad) {
      const g = buffer[0];
      if (g !== undefined && options.captures === undefined && (onlyInto === undefined || onlyInto.has(node.variable))) {
        accumulate(node.variable, g, options.createGraph);
      }
      continue;
    }
    const results = node.apply(buffer as Tensor[], options.retainGraph);
    if (anomalyMode.enabled) checkAnomaly(node, results);
    node.nextFunctions.forEach(([next, nr], i) => {
      if (next === null) return;
      const r = results[i];
      if (r !== null && r !== undefined) {
        const shape = node.inputShapes[i]!;
        addToBuffer(buffers, next, nr, shapesEqual(r.shape, shape) ? r : sumToShape(r, shape), next.numOutputs);
      }
      const left = deps.get(next)! - 1;
      deps.set(next, left);
      if (left === 0) ready.push(next);
    });
  }
  return captured;
}

function addToBuffer(buffers: Map<Node, Buffer>, node: Node, nr: number, grad: Tensor, numOutputs: number): void {
  let buffer = buffers.get(node);
  if (buffer === undefined) {
    buffer = new Array(numOutputs);
    buffers.set(node, buffer);
  }
  const prev = buffer[nr];
  buffer[nr] = prev === undefined ? grad : prev.add(grad);
}


/** Adds `g` into a leaf's `.grad` (a fresh tensor the first time, as PyTorch). */
function accumulate(variable: Tensor, g: Tensor, createGraph: boolean): void {
  let grad = g;
  if (variable.hooks !== undefined) {
    for (const h of variable.hooks) {
      const replaced = h(grad);
      if (replaced !== undefined) grad = replaced;
    }
  }
  if (!createGraph) grad = grad.detach();
  const prev = variable.grad;
  if (prev === null) {
    // Never alias a gradient another tensor still holds (the seed, a hook's input).
    variable.grad = createGraph ? grad : grad.clone();
  } else {
    variable.grad = createGraph ? prev.add(grad) : prev.add(grad).detach();
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
