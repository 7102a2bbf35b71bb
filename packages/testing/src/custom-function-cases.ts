/**
 * Conformance cases for what a custom `g.autograd.Function` returns, checked
 * as PyTorch's `_wrap_outputs` treats it: an output that is an argument (or
 * an earlier output) comes back as a new alias carrying the node, never the
 * argument itself; integer outputs are not differentiable; outputs that are
 * not tensors pass through. Fixed cases (values from PyTorch 1.13) and a
 * property test over random mixes of outputs.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { assertClose, assertEqual, fail } from './assert.js';
import { Rng } from './graphs/generate.js';
import type { TestApi } from './index.js';

interface Context {
  device: string;
  inDevice<T>(fn: () => T): T;
}

const values = (t: Tensor | null): number[] => (t === null ? fail('expected a gradient, got null') : Array.from(t.dataSync(), Number));
const exact = { atol: 0, rtol: 0 };

class Identity extends g.autograd.Function {
  static override forward(_ctx: g.autograd.FunctionCtx, x: Tensor): Tensor {
    return x;
  }
  static override backward(_ctx: g.autograd.FunctionCtx, grad: Tensor): Tensor {
    return grad.mul(2);
  }
}

class IdentityTwice extends g.autograd.Function {
  static override forward(_ctx: g.autograd.FunctionCtx, x: Tensor): Tensor[] {
    return [x, x];
  }
  static override backward(_ctx: g.autograd.FunctionCtx, g1: Tensor, g2: Tensor): Tensor {
    return g1.add(g2.mul(10));
  }
}

/** What one output of the random Function is, and how it depends on the arguments. */
type OutputKind =
  | { kind: 'fresh'; arg: number; scale: number }
  | { kind: 'argument'; arg: number }
  | { kind: 'repeat'; of: number }
  | { kind: 'int'; arg: number }
  | { kind: 'number'; value: number };

export function customFunctionCases(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));

  t.describe(`conformance on '${ctx.device}': custom Function outputs are wrapped as PyTorch wraps them`, () => {
    it('an argument returned as is comes back as a new alias; the argument stays a leaf', () => {
      // PyTorch: y is not x, x.is_leaf, 3x + Id(x) gives x.grad = 3 + 2 = [5, 5].
      const x = g.tensor([1, 2], { requiresGrad: true });
      const y = Identity.apply<Tensor>(x);
      assertEqual(y === x, false, 'y !== x');
      assertEqual(x.isLeaf, true, 'x.isLeaf');
      assertEqual(x.gradFn, null, 'x.gradFn');
      assertEqual(y.gradFn?.name, 'IdentityBackward', 'y.gradFn');
      x.mul(3).add(y).sum().backward();
      assertClose(values(x.grad), [5, 5], exact, 'x.grad');
      // A later use of x alone does not go through the node (PyTorch: [3, 3]).
      const x2 = g.tensor([1, 2], { requiresGrad: true });
      Identity.apply<Tensor>(x2);
      x2.mul(3).sum().backward();
      assertClose(values(x2.grad), [3, 3], exact, 'a later use of x');
    });

    it('an argument returned twice is two aliases, each its own output', () => {
      // PyTorch: a is not b, neither is x; a + 3b gives g1 + 10·g2 = 31.
      const x = g.tensor([1, 2], { requiresGrad: true });
      const [a, b] = IdentityTwice.apply<Tensor[]>(x);
      assertEqual(a === b || a === x || b === x, false, 'distinct objects');
      a!.sum().add(b!.sum().mul(3)).backward();
      assertClose(values(x.grad), [31, 31], exact, 'x.grad');
    });

    it('an integer output is not differentiable and gets zeros; a number output passes through and gets null', () => {
      let received: unknown[] = [];
      class Mixed extends g.autograd.Function {
        static override forward(_ctx: g.autograd.FunctionCtx, x: Tensor): unknown[] {
          return [x.mul(2), x.argmax(), 5];
        }
        static override backward(_ctx: g.autograd.FunctionCtx, ...grads: Tensor[]): Tensor {
          received = grads.map((gr) => (gr === null ? null : [gr.dtype, ...values(gr)]));
          return grads[0]!.mul(3);
        }
      }
      const x = g.tensor([1, 2], { requiresGrad: true });
      const [y, i, five] = Mixed.apply<unknown[]>(x) as [Tensor, Tensor, number];
      assertEqual(i.requiresGrad, false, 'int output requiresGrad');
      assertEqual(i.gradFn, null, 'int output gradFn');
      assertEqual(five, 5, 'number output');
      y.sum().backward();
      assertEqual(JSON.stringify(received), JSON.stringify([['float32', 1, 1], ['int32', 0], null]), 'grads given to backward');
      assertClose(values(x.grad), [3, 3], exact, 'x.grad');
    });

    it('a tensor kept as a ctx attribute lives until backward, also when a tidy frees the forward', () => {
      class Masked extends g.autograd.Function {
        static override forward(ctx: g.autograd.FunctionCtx, x: Tensor): Tensor {
          const mask = x.gt(0).to(x.dtype);
          ctx['mask'] = mask; // PyTorch's ctx.mask = mask: an intermediate kept for backward
          return x.mul(mask);
        }
        static override backward(ctx: g.autograd.FunctionCtx, grad: Tensor): Tensor {
          return grad.mul(ctx['mask'] as Tensor);
        }
      }
      const x = g.tensor([1, -1, 2], { requiresGrad: true });
      const before = g.memory().numTensors;
      const loss = g.tidy(() => Masked.apply<Tensor>(x).sum());
      loss.backward();
      assertClose(values(x.grad), [1, 0, 1], exact, 'x.grad');
      loss.dispose();
      // The mask was freed with the graph: only x.grad is left.
      assertEqual(g.memory().numTensors - before, 1, 'live tensors');
    });

    it('random mixes of outputs: every argument is left alone, every output is its own object, gradients are right', () => {
      for (let seed = 1; seed <= 60; seed++) checkRandomFunction(new Rng(seed), seed);
    });
  });
}

/**
 * Arguments: a leaf that requires grad, a non-leaf (of another leaf), a
 * tensor that does not require grad, and a number. The Function returns a
 * random mix of fresh results, arguments, repeats, integer tensors and
 * numbers, with the exact derivative as its backward; the loss also uses the
 * arguments directly after the call. Checked: nothing about an argument
 * changed, each output is a distinct object, the dtype rules, and the leaves'
 * gradients against the sum worked out here.
 */
function checkRandomFunction(rng: Rng, seed: number): void {
  const where = `seed ${seed}`;
  const leafA = g.tensor([0.5, -1.5, 2], { requiresGrad: true });
  const leafB = g.tensor([1.25, 0.75, -2], { requiresGrad: true });
  const nonLeaf = leafB.mul(1);
  const constant = g.tensor([3, 1, -1]);
  const args: unknown[] = [leafA, nonLeaf, constant, 4];
  const tensorArgs = 3;
  const kinds: OutputKind[] = [];
  const count = rng.int(1, 5);
  for (let k = 0; k < count; k++) {
    const r = rng.int(0, 4);
    const arg = rng.int(0, tensorArgs - 1);
    if (r === 0) kinds.push({ kind: 'fresh', arg, scale: rng.int(2, 9) });
    else if (r === 1) kinds.push({ kind: 'argument', arg });
    else if (r === 2 && k > 0) kinds.push({ kind: 'repeat', of: rng.int(0, k - 1) });
    else if (r === 3) kinds.push({ kind: 'int', arg });
    else kinds.push({ kind: 'number', value: rng.int(0, 9) });
  }
  // A repeat is the output it repeats.
  const resolved = (k: number): OutputKind => {
    const o = kinds[k]!;
    return o.kind === 'repeat' ? resolved(o.of) : o;
  };
  // Each float output: which argument it is d(out)/d(arg)·arg of, and that scale.
  const source = (k: number): { arg: number; scale: number } | null => {
    const o = resolved(k);
    if (o.kind === 'fresh') return { arg: o.arg, scale: o.scale };
    if (o.kind === 'argument') return { arg: o.arg, scale: 1 };
    return null;
  };
  class Random extends g.autograd.Function {
    static override forward(_ctx: g.autograd.FunctionCtx, ...fargs: unknown[]): unknown[] {
      const made: unknown[] = [];
      for (const o of kinds) {
        if (o.kind === 'fresh') made.push((fargs[o.arg] as Tensor).mul(o.scale));
        else if (o.kind === 'argument') made.push(fargs[o.arg]);
        else if (o.kind === 'repeat') made.push(made[o.of]);
        else if (o.kind === 'int') made.push((fargs[o.arg] as Tensor).argmax());
        else made.push(o.value);
      }
      return made;
    }
    static override backward(_ctx: g.autograd.FunctionCtx, ...grads: Tensor[]): (Tensor | null)[] {
      const out: (Tensor | null)[] = [null, null, null, null];
      grads.forEach((gr, k) => {
        const o = resolved(k);
        if (o.kind === 'number') {
          if (gr !== null) fail(`${where}: backward got a gradient for number output ${k}`);
          return;
        }
        if (o.kind === 'int') {
          if (gr.dtype !== 'int32' || values(gr).some((v) => v !== 0)) fail(`${where}: int output ${k} should get int32 zeros`);
          return;
        }
        const s = source(k)!;
        const term = gr.mul(s.scale);
        out[s.arg] = out[s.arg] === null ? term : out[s.arg]!.add(term);
      });
      return out;
    }
  }
  const before = args.map((a) => (typeof a === 'number' ? null : [(a as Tensor).gradFn, (a as Tensor).requiresGrad]));
  const outs = Random.apply<unknown[]>(...args);
  args.forEach((a, i) => {
    if (typeof a === 'number') return;
    const tensor = a as Tensor;
    if (tensor.gradFn !== before[i]![0] || tensor.requiresGrad !== before[i]![1]) fail(`${where}: argument ${i} changed`);
  });
  assertEqual(outs.length, kinds.length, `${where}: number of outputs`);
  const objects = new Set<unknown>(args);
  outs.forEach((o, k) => {
    const kind = resolved(k);
    if (kind.kind === 'number') return assertEqual(o, kind.value, `${where}: number output ${k}`);
    const tensor = o as Tensor;
    if (objects.has(tensor)) fail(`${where}: output ${k} (${kind.kind}) is an argument or an earlier output`);
    objects.add(tensor);
    const differentiable = kind.kind !== 'int';
    assertEqual(tensor.requiresGrad, differentiable, `${where}: output ${k} (${kind.kind}) requiresGrad`);
    assertEqual(tensor.gradFn?.name ?? null, differentiable ? 'RandomBackward' : null, `${where}: output ${k} gradFn`);
  });
  // loss = Σ_k w_k·out_k.sum() + 3·leafA.sum() + 5·nonLeaf.sum() (the arguments used again after the call).
  const expectedA = [3, 3, 3];
  const expectedB = [5, 5, 5];
  let loss = leafA.sum().mul(3).add(nonLeaf.sum().mul(5));
  outs.forEach((o, k) => {
    const s = source(k);
    if (s === null) return;
    const w = k + 1;
    loss = loss.add((o as Tensor).sum().mul(w));
    if (s.arg === 0) for (let e = 0; e < 3; e++) expectedA[e]! += w * s.scale;
    if (s.arg === 1) for (let e = 0; e < 3; e++) expectedB[e]! += w * s.scale;
  });
  loss.backward();
  assertClose(values(leafA.grad), expectedA, exact, `${where} (${JSON.stringify(kinds)}): leafA.grad`);
  assertClose(values(leafB.grad), expectedB, exact, `${where} (${JSON.stringify(kinds)}): leafB.grad`);
}
