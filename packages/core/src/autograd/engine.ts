/**
 * The backward engine: counts dependencies from the roots, then runs nodes
 * from a ready queue (iterative, so graphs of 100k+ nodes work), summing the
 * gradients that meet at a node and reducing broadcast gradients to each
 * input's shape once, here.
 */
import { sumToShape } from '../ops/reduce.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { tidy } from '../memory.js';
import { noGrad, setGradEnabled } from './grad-mode.js';
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

  // 2. Seed the roots' buffers (the engine disposes what it owns: give it aliases).
  roots.forEach((r, i) => {
    const node = r.gradFn ?? r.gradAccumulator();
    const seed = options.createGraph ? grads[i]! : grads[i]!.detach();
    addToBuffer(buffers, node, r.gradFn !== null ? r.outputNr : 0, seed, node.numOutputs, !options.createGraph);
  });
  const ready: Node[] = [];
  for (const r of roots) {
    const node = r.gradFn ?? r.gradAccumulator();
    if (deps.get(node) === 0 && !ready.includes(node)) ready.push(node);
  }

  // 3. Run nodes whose every consumer has reported.
  // Without createGraph the engine owns every gradient it makes: each is disposed
  // as soon as it is consumed, so backward leaves nothing behind (GPU memory).
  const manage = !options.createGraph;
  const kept = new Set<Tensor>();
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
      for (const [nr, indices] of byNr) {
        for (const i of indices) {
          captured[i] = buffer[nr];
          if (buffer[nr] !== undefined) kept.add(buffer[nr]!);
        }
      }
    }

    if (node instanceof AccumulateGrad) {
      const g = buffer[0];
      if (g !== undefined && options.captures === undefined && (onlyInto === undefined || onlyInto.has(node.variable))) {
        accumulate(node.variable, g, options.createGraph, manage && !kept.has(g));
      } else if (g !== undefined && manage && !kept.has(g)) g.dispose();
      continue;
    }
    const results = manage ? tidy(() => node.apply(buffer as Tensor[], options.retainGraph)) : node.apply(buffer as Tensor[], options.retainGraph);
    if (anomalyMode.enabled) checkAnomaly(node, results);
    const delivered = new Set<Tensor>();
    node.nextFunctions.forEach(([next, nr], i) => {
      let r = results[i];
      if (next !== null && r !== null && r !== undefined) {
        const shape = node.inputShapes[i]!;
        if (!shapesEqual(r.shape, shape)) r = sumToShape(r, shape);
        // A rule may hand one tensor to several inputs (add): each buffer owns its own reference.
        else if (manage && (delivered.has(r) || kept.has(r))) r = r.detach();
        delivered.add(r);
        addToBuffer(buffers, next, nr, r, next.numOutputs, manage);
      }
      if (next === null) return;
      const left = deps.get(next)! - 1;
      deps.set(next, left);
      if (left === 0) ready.push(next);
    });
    if (manage) {
      for (const t of [...buffer, ...results]) {
        if (t !== null && t !== undefined && !delivered.has(t) && !kept.has(t)) t.dispose();
      }
    }
  }
  return captured;
}

function addToBuffer(buffers: Map<Node, Buffer>, node: Node, nr: number, grad: Tensor, numOutputs: number, manage: boolean): void {
  let buffer = buffers.get(node);
  if (buffer === undefined) {
    buffer = new Array(numOutputs);
    buffers.set(node, buffer);
  }
  const prev = buffer[nr];
  if (prev === undefined) {
    buffer[nr] = grad;
    return;
  }
  buffer[nr] = prev.add(grad);
  if (manage) {
    prev.dispose();
    grad.dispose();
  }
}


/**
 * Adds `g` into a leaf's `.grad`, as PyTorch's AccumulateGrad: the first time it
 * takes the gradient itself when nothing else holds its storage (else a copy);
 * later it adds in place, so references to `.grad` see the sum.
 */
function accumulate(variable: Tensor, g: Tensor, createGraph: boolean, owned: boolean): void {
  let grad = g;
  if (variable.hooks !== undefined) {
    for (const h of variable.hooks) {
      const replaced = h(grad);
      if (replaced !== undefined) grad = replaced;
    }
  }
  const prev = variable.grad;
  if (createGraph) {
    variable.grad = prev === null ? grad : prev.add(grad);
    return;
  }
  if (prev === null) {
    const stealable = owned && grad === g && grad.storage.liveTensors === 1 && grad.isContiguous() && grad.gradFn === null;
    variable.grad = stealable ? grad : grad.detach().clone();
    if (!stealable && owned) g.dispose();
    return;
  }
  noGrad(() => prev.add_(grad));
  if (owned) g.dispose();
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
