/**
 * What a backward hook is handed is the caller's (docs/guarantees.md, rule 3
 * of the engine's ownership rules): a hook may dispose it, keep it, or return
 * it, and backward goes on with its own objects.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { nn } from '../src/index.js';

type Hook = (m: unknown, gi: (g.Tensor | null)[], go: (g.Tensor | null)[]) => (g.Tensor | null)[] | void;

/** The gradients of x, weight and bias for Linear(8, 3) over x, with `hook` registered (or none). */
function grads(hook?: Hook, seed = 0): number[][] {
  g.manualSeed(seed);
  const lin = new nn.Linear(8, 3);
  if (hook) lin.registerFullBackwardHook(hook);
  const x = g.randn(4, 8, { requiresGrad: true });
  lin.call(x).sum().backward();
  return [x.grad!, lin.weight.grad!, lin.bias!.grad!].map((t) => Array.from(t.dataSync() as Float32Array));
}

describe('full backward hooks own what they are handed', () => {
  it('a hook that disposes its gradInput and gradOutput leaves backward and the gradients intact', () => {
    const want = grads();
    expect(
      grads((_m, gi, go) => {
        for (const t of [...gi, ...go]) t?.dispose();
      }),
    ).toEqual(want);
  });

  it('a gradInput a hook keeps is its own object: alive after backward, not .grad, and disposing it changes nothing', () => {
    const lin = new nn.Linear(8, 3);
    let kept: g.Tensor | null = null;
    let keptGo: g.Tensor | null = null;
    lin.registerFullBackwardHook((_m, gi, go) => {
      kept = gi[0]!;
      keptGo = go[0]!;
    });
    const x = g.randn(4, 8, { requiresGrad: true });
    lin.call(x).sum().backward();
    expect(kept!.isDisposed).toBe(false);
    expect(keptGo!.isDisposed).toBe(false);
    expect(kept).not.toBe(x.grad);
    expect(Array.from(kept!.dataSync())).toEqual(Array.from(x.grad!.dataSync()));
    const before = Array.from(x.grad!.dataSync());
    kept!.dispose();
    keptGo!.dispose();
    expect(x.grad!.isDisposed).toBe(false);
    expect(Array.from(x.grad!.dataSync())).toEqual(before);
  });

  it('a replacement the hook keeps and later disposes (or its own gradInput returned) does not become .grad', () => {
    const want = grads().map((v, i) => (i === 0 ? v.map((e) => e * 2) : v));
    const mine: g.Tensor[] = [];
    const got = grads((_m, gi) => {
      const r = gi.map((t) => (t ? t.mul(2) : null));
      mine.push(...(r.filter(Boolean) as g.Tensor[]));
      return r;
    });
    expect(got).toEqual(want);
    // Returning the tensors it was handed, then disposing them.
    const handed: g.Tensor[] = [];
    g.manualSeed(0);
    const lin = new nn.Linear(8, 3);
    lin.registerFullBackwardHook((_m, gi) => {
      handed.push(...(gi as g.Tensor[]));
      return gi;
    });
    const x = g.randn(4, 8, { requiresGrad: true });
    lin.call(x).sum().backward();
    for (const t of [...mine, ...handed]) {
      expect(t).not.toBe(x.grad);
      t.dispose();
    }
    expect(Array.from(x.grad!.dataSync() as Float32Array)).toEqual(grads()[0]);
  });

  it('tensor hooks (on a non-leaf and on a leaf) may dispose what they are handed', () => {
    const x = g.tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(2);
    y.registerHook((gr) => gr.dispose());
    x.registerHook((gr) => gr.dispose());
    y.retainGrad();
    y.mul(y).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([8, 16, 24]);
    expect(Array.from(y.grad!.dataSync())).toEqual([4, 8, 12]);
  });
});

/** Runs `step` many times after a warm-up and expects the live tensor count not to move. */
function expectFlat(what: string, step: () => void, n = 100): void {
  step();
  const before = g.memory().numTensors;
  for (let i = 0; i < n; i++) step();
  expect(g.memory().numTensors - before, what).toBe(0);
}

class Pair extends nn.Module {
  readonly lin = new nn.Linear(4, 4);
  override forward(x: g.Tensor) {
    return [this.lin.call(x), x.mul(2)];
  }
}

describe('backward hooks keep memory flat', () => {
  const disposeAll: Hook = (_m, gi, go) => {
    for (const t of [...gi, ...go]) t?.dispose();
  };

  it('every hook kind in a loop that disposes by hand (the hooks dispose what they are handed)', () => {
    const lin = new nn.Linear(4, 3);
    lin.registerFullBackwardHook(disposeAll);
    const x = g.randn(2, 4, { requiresGrad: true });
    const c = g.randn(2, 4);
    const step = (input: g.Tensor) => () => {
      const out = lin.call(input);
      const loss = out.sum();
      loss.backward();
      for (const t of [out, loss]) t.dispose();
      for (const p of [...lin.parameters(), x]) {
        p.grad?.dispose();
        p.grad = null;
      }
    };
    expectFlat('Linear, input requires grad', step(x));
    expectFlat('Linear, input needs no grad (hooks called from the outputs)', step(c));
    // Several outputs, one of them made from the input.
    const pair = new Pair();
    pair.registerFullBackwardHook(disposeAll);
    expectFlat('two outputs', () => {
      const [a, b] = pair.call(x) as g.Tensor[];
      const [sa, sb] = [a!.sum(), b!.sum()];
      const loss = sa.add(sb);
      loss.backward();
      for (const t of [a!, b!, sa, sb, loss]) t.dispose();
      for (const p of [...pair.parameters(), x]) {
        p.grad?.dispose();
        p.grad = null;
      }
    });
    // A module that returns its input: the user's tensor is not the hook's to free.
    const id = new nn.Identity();
    id.registerFullBackwardHook(disposeAll);
    expectFlat('Identity', () => {
      const out = id.call(x) as g.Tensor;
      const loss = out.sum();
      loss.backward();
      for (const t of [out, loss]) t.dispose();
      x.grad!.dispose();
      x.grad = null;
    });
    expect(x.isDisposed).toBe(false);
    expect(Array.from(x.mul(1).dataSync()).length).toBe(8);
    // Tensor hooks and a retained gradient.
    expectFlat('tensor hooks', () => {
      const y = x.mul(2);
      y.registerHook((gr) => gr.dispose());
      y.retainGrad();
      const h = x.registerHook((gr) => gr.dispose());
      const loss = y.sum();
      loss.backward();
      h.remove();
      for (const t of [y, loss, x.grad!]) t.dispose();
      x.grad = null;
    });
  });

  it('hooks that keep nothing and return replacements, in a tidy loop', () => {
    const lin = new nn.Linear(4, 3);
    lin.registerFullBackwardHook((_m, gi) => gi.map((t) => (t ? t.mul(0.5) : null)));
    const x = g.randn(2, 4, { requiresGrad: true });
    expectFlat('tidy', () =>
      g.tidy(() => {
        const y = lin.call(x);
        y.registerHook((gr) => gr.mul(2));
        y.sum().backward();
        for (const p of [...lin.parameters(), x]) {
          p.grad!.dispose();
          p.grad = null;
        }
      }),
    );
  });
});
