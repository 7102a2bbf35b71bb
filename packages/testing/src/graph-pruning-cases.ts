/**
 * Conformance cases for graph pruning: with inputs (`autograd.grad(outputs,
 * inputs)`, `backward({ inputs })`) only the nodes from which a requested
 * input is reachable run, as PyTorch's exec_info — hooks, custom backwards
 * and saved-tensor checks on other branches never run, and retained
 * gradients off the path stay null. Fixed cases (PyTorch 1.13's results) and
 * a property test on random graphs against an unpruned backward and a
 * reachability worked out here.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { assertClose, assertEqual, fail, type Tolerance } from './assert.js';
import { Rng } from './graphs/generate.js';
import { generateGraph } from './graphs/generate.js';
import { buildGraph } from './graphs/interpret.js';
import type { TestApi } from './index.js';

interface Context {
  device: string;
  inDevice<T>(fn: () => T): T;
  supportsFloat64: boolean;
}

type GraphNode = NonNullable<Tensor['gradFn']>;
const values = (t: Tensor | null): number[] => (t === null ? fail('expected a gradient, got null') : Array.from(t.dataSync(), Number));
const exact = { atol: 0, rtol: 0 };

export function graphPruningCases(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));

  t.describe(`conformance on '${ctx.device}': with inputs, only nodes that lead to an input run`, () => {
    it('a stale saved tensor on a branch that does not lead to the input is not an error', () => {
      // PyTorch: grad = [2, 2] both ways (e's SinBackward0 never runs).
      const stale = () => {
        const a = g.tensor([1, 2], { requiresGrad: true });
        const b = g.tensor([3, 4], { requiresGrad: true });
        const c = b.mul(1);
        const e = c.sin();
        c.add_(1);
        return { a, b, loss: a.mul(2).sum().add(e.sum()) };
      };
      const s1 = stale();
      assertClose(values(g.autograd.grad(s1.loss, [s1.a])[0]!), [2, 2], exact, 'autograd.grad');
      const s2 = stale();
      s2.loss.backward({ inputs: [s2.a] });
      assertClose(values(s2.a.grad), [2, 2], exact, 'backward({ inputs })');
      assertEqual(s2.b.grad, null, 'b.grad');
    });

    it('hooks and custom backwards on other branches do not run', () => {
      let ran = 0;
      class Counted extends g.autograd.Function {
        static override forward(_ctx: g.autograd.FunctionCtx, x: Tensor): Tensor {
          return x.mul(2);
        }
        static override backward(_ctx: g.autograd.FunctionCtx, grad: Tensor): Tensor {
          ran++;
          return grad.mul(2);
        }
      }
      let fired = 0;
      const a = g.tensor([1, 2], { requiresGrad: true });
      const b = g.tensor([3, 4], { requiresGrad: true });
      const c = b.mul(3);
      c.registerHook(() => {
        fired++;
      });
      c.retainGrad();
      g.autograd.grad(a.mul(2).sum().add(c.exp().sum()).add(Counted.apply<Tensor>(b).sum()), [a]);
      assertEqual(fired, 0, 'hook calls');
      assertEqual(ran, 0, 'custom backward calls');
      assertEqual(c.grad, null, 'retained grad off the path');
    });

    it('backward({ inputs }) with a non-leaf accumulates into its .grad (and retains it, as PyTorch)', () => {
      // PyTorch: (h·h).sum().backward(inputs=[h]) with h = 2x: h.grad = [4, 8], x.grad None, h.retains_grad.
      const x = g.tensor([1, 2], { requiresGrad: true });
      const h = x.mul(2);
      h.mul(h)
        .sum()
        .backward({ inputs: [h] });
      assertClose(values(h.grad), [4, 8], exact, 'h.grad');
      assertEqual(x.grad, null, 'x.grad');
      assertEqual(h.retainsGrad, true, 'h.retainsGrad');
      const x2 = g.tensor([1, 2], { requiresGrad: true });
      const h2 = x2.mul(2);
      h2.mul(h2)
        .sum()
        .backward({ inputs: [h2, x2] });
      assertClose(values(h2.grad), [4, 8], exact, 'h.grad with x');
      assertClose(values(x2.grad), [8, 16], exact, 'x.grad with h');
    });

    it('autograd.grad at a non-leaf does not run its node: neither its hooks nor what lies below', () => {
      // PyTorch 1.13: the gradient [4, 8], no hook call, h.grad None; a stale tensor below h is no error.
      const x = g.tensor([1, 2], { requiresGrad: true });
      const c = x.mul(1);
      const h = c.mul(2);
      c.add_(0); // MulBackward0 of h saved c: stale, but h's node is not run
      let fired = 0;
      h.registerHook(() => {
        fired++;
      });
      h.retainGrad();
      const [gh] = g.autograd.grad(h.mul(h).sum(), [h]);
      assertClose(values(gh!), [4, 8], exact, 'gradient');
      assertEqual(fired, 0, 'hook calls');
      assertEqual(h.grad, null, 'h.grad');
    });

    it('random graphs: pruned runs give the unpruned gradients, and only nodes that lead to an input run', () => {
      const dtype = ctx.supportsFloat64 ? 'float64' : 'float32';
      const tol = ctx.supportsFloat64 ? { atol: 1e-12, rtol: 1e-10 } : { atol: 1e-4, rtol: 1e-4 };
      let checked = 0;
      for (let i = 0; i < 80; i++) checked += checkPrunedGraph(`prune-${i}`, ctx.device, dtype, tol);
      // Most graphs run without an error in the unpruned backward: a broken generator would show here.
      if (checked < 40) fail(`only ${checked} of 80 random graphs could be checked`);
    });
  });
}

/**
 * One random graph, three times: an unpruned `backward()` with every
 * non-leaf's gradient retained (the reference), then `autograd.grad(loss,
 * inputs)` and `backward({ inputs })` for a random set of leaves and
 * non-leaves, with a counting hook and `retainGrad` on every non-leaf. Each
 * pruned run must give the reference's gradients for the inputs, fire hooks
 * and fill retained gradients only at nodes that run (by a reachability
 * worked out here), with the reference's values, and leave other leaves'
 * `.grad` null. Returns 1 when checked, 0 when the reference itself throws
 * (an in-place op broke the graph: pruning may rightly avoid the error).
 */
function checkPrunedGraph(name: string, device: string, dtype: 'float32' | 'float64', tol: Tolerance): number {
  const spec = generateGraph(name, { hookScales: [1] });
  const rng = new Rng(spec.steps.length * 7919 + name.length);
  return g.tidy(() => {
    const reference = buildGraph(spec, { dtype, device });
    const differentiable = reference.values.flatMap((v, k) => (v.requiresGrad ? [k] : []));
    if (differentiable.length === 0) return 0;
    const picked = [...new Set(Array.from({ length: rng.int(1, 3) }, () => differentiable[rng.int(0, differentiable.length - 1)]!))];
    const nonLeaves = (vs: Tensor[]) => new Set(vs.filter((v) => v.requiresGrad && !v.isLeaf));
    // Half the time a second output, often one the loss depends on (so one output's node lies below another's),
    // differentiated with ones: the reference adds its sum to the loss.
    const inner = [...nonLeaves(reference.values)].map((v) => reference.values.indexOf(v));
    const second = inner.length !== 0 && rng.next() < 0.5 ? inner[rng.int(0, inner.length - 1)]! : undefined;
    for (const v of nonLeaves(reference.values)) v.retainGrad();
    try {
      const extra = second === undefined ? undefined : reference.values[second]!.sum();
      (extra === undefined ? reference.loss : reference.loss.add(extra)).backward();
    } catch {
      return 0;
    }
    const expected = (k: number) => reference.values[k]!.grad;
    for (const mode of ['grad', 'backward'] as const) {
      const where = `${name} (${mode}, inputs ${picked.join(', ')}${second === undefined ? '' : `, second output ${second}`})`;
      const run = buildGraph(spec, { dtype, device });
      const fired = new Set<GraphNode>();
      for (const v of nonLeaves(run.values)) {
        const node = v.gradFn!;
        v.registerHook(() => {
          fired.add(node);
        });
        v.retainGrad();
      }
      const inputs = picked.map((k) => run.values[k]!);
      const secondOut = second === undefined ? undefined : run.values[second]!;
      // What backward starts from: the loss, plus the second output (a root of its own for autograd.grad).
      const root = mode === 'backward' && secondOut !== undefined ? run.loss.add(secondOut.sum()) : run.loss;
      const runs = nodesThatRun(mode === 'grad' && secondOut !== undefined ? [root, secondOut] : [root], inputs, mode);
      let got: (Tensor | null)[];
      if (mode === 'grad') {
        got =
          secondOut === undefined
            ? g.autograd.grad(run.loss, inputs, { allowUnused: true })
            : g.autograd.grad([secondOut, run.loss], inputs, {
                gradOutputs: [g.onesLike(secondOut), g.onesLike(run.loss)],
                allowUnused: true,
              });
      } else {
        root.backward({ inputs });
        got = inputs.map((v) => v.grad);
      }
      picked.forEach((k, j) => {
        const want = expected(k);
        if ((want === null) !== (got[j] === null))
          fail(`${where}: input ${k}: expected ${want === null ? 'null' : 'a gradient'}, got ${got[j]}`);
        if (want !== null) assertClose(values(got[j]!), values(want), tol, `${where}: gradient of value ${k}`);
      });
      for (const node of fired) if (!runs.has(node)) fail(`${where}: a hook ran at ${node.name}, which leads to no input`);
      run.values.forEach((v, k) => {
        if (v.isLeaf) {
          if (v.grad !== null && !(mode === 'backward' && inputs.includes(v))) fail(`${where}: leaf ${k} got a .grad`);
          return;
        }
        if (v.grad === null || inputs.includes(v)) return;
        if (!runs.has(v.gradFn!)) fail(`${where}: value ${k} (${v.gradFn!.name}, which leads to no input) got a retained .grad`);
        assertClose(values(v.grad), values(expected(k)), tol, `${where}: retained gradient of value ${k}`);
      });
    }
    return 1;
  });
}

/**
 * The nodes a pruned run may run, by plain recursion over `nextFunctions`:
 * those with a path to an input's node (a path of at least one edge for
 * autograd.grad, which stops at its inputs; of any length for backward, which
 * accumulates at them).
 */
function nodesThatRun(roots: readonly Tensor[], inputs: readonly Tensor[], mode: 'grad' | 'backward'): Set<GraphNode> {
  const targets = new Set<GraphNode>();
  for (const v of inputs) {
    if (v.gradFn !== null) targets.add(v.gradFn);
    else for (const node of accumulatorsOf(roots, v)) targets.add(node);
  }
  const memo = new Map<GraphNode, boolean>();
  const leads = (node: GraphNode): boolean => {
    const known = memo.get(node);
    if (known !== undefined) return known;
    memo.set(node, false);
    const result =
      (mode === 'backward' && targets.has(node)) ||
      node.nextFunctions.some(([next]) => next !== null && (targets.has(next) || leads(next)));
    memo.set(node, result);
    return result;
  };
  const out = new Set<GraphNode>();
  const seen = new Set<GraphNode>();
  const stack = roots.flatMap((r) => (r.gradFn === null ? [] : [r.gradFn]));
  while (stack.length !== 0) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    if (leads(node)) out.add(node);
    for (const [next] of node.nextFunctions) if (next !== null) stack.push(next);
  }
  return out;
}

/** A leaf's AccumulateGrad, found in the graph (the node whose `variable` is the leaf). */
function accumulatorsOf(roots: readonly Tensor[], leaf: Tensor): GraphNode[] {
  const found: GraphNode[] = [];
  const seen = new Set<GraphNode>();
  const stack = roots.flatMap((r) => (r.gradFn === null ? [] : [r.gradFn]));
  while (stack.length !== 0) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    if ((node as { variable?: Tensor }).variable === leaf) found.push(node);
    for (const [next] of node.nextFunctions) if (next !== null) stack.push(next);
  }
  return found;
}
