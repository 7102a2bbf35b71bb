/**
 * Conformance cases for who owns `.grad` (the engine's rule 5): it belongs to
 * its tensor, so it goes when the tensor goes (by `dispose()` or a tidy
 * scope, unless the scope returns it) and when accumulation under
 * `createGraph` replaces it out of place. Long synchronous loops keep the
 * live tensor count flat.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { assertClose, assertEqual, fail } from './assert.js';
import type { TestApi } from './index.js';

interface Context {
  device: string;
  inDevice<T>(fn: () => T): T;
}

/** Runs `step` `n` times after a warm-up and fails if the live tensor count moved. */
function assertFlat(what: string, step: () => void, n = 200): void {
  step();
  const before = g.memory().numTensors;
  for (let i = 0; i < n; i++) step();
  const after = g.memory().numTensors;
  if (after !== before) fail(`${what}: ${after - before} tensors more after ${n} steps`);
}

export function gradOwnershipCases(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));

  t.describe(`conformance on '${ctx.device}': .grad belongs to its tensor`, () => {
    it('a leaf disposed by a tidy scope or by hand takes its .grad with it (flat over many steps)', () => {
      assertFlat('tidy', () =>
        g.tidy(() => {
          const x = g.randn(4, { requiresGrad: true });
          x.mul(2).sum().backward();
        }),
      );
      assertFlat('dispose()', () => {
        const x = g.randn(4, { requiresGrad: true });
        const y = x.mul(2);
        y.retainGrad();
        const s = y.sum();
        s.backward();
        for (const v of [x, y, s]) v.dispose();
      });
    });

    it('accumulation under createGraph disposes the .grad it replaces (leaves and retained non-leaves, flat)', () => {
      const w = g.tensor([0.5, 1.5], { requiresGrad: true });
      assertFlat('createGraph twice', () =>
        g.tidy(() => {
          const h = w.mul(1);
          h.retainGrad();
          h.pow(3).sum().backward({ createGraph: true });
          h.pow(2).sum().backward({ createGraph: true });
          h.dispose();
          w.grad!.dispose();
          w.grad = null;
        }),
      );
      // A gradient penalty: autograd.grad with createGraph, then backward into the parameters.
      const p = g.tensor([0.25, -0.75], { requiresGrad: true });
      assertFlat('gradient penalty', () =>
        g.tidy(() => {
          const x = g.tensor([1, 2], { requiresGrad: true });
          const out = x.mul(p).tanh();
          const [gx] = g.autograd.grad(out.sum(), [x], { createGraph: true });
          out.sum().add(gx!.pow(2).sum()).backward();
          p.grad!.dispose();
          p.grad = null;
        }),
      );
    });

    it('a .grad a tidy scope returns outlives its disposed tensor; a replaced .grad is disposed', () => {
      const grad = g.tidy(() => {
        const x = g.tensor([1, 2], { requiresGrad: true });
        x.pow(2).sum().backward();
        return x.grad;
      });
      assertClose(Array.from(grad!.dataSync(), Number), [2, 4], { atol: 0, rtol: 0 }, 'the returned .grad');
      grad!.dispose();
      const w = g.tensor([1, 2], { requiresGrad: true });
      w.pow(2).sum().backward({ createGraph: true });
      const first: Tensor = w.grad!;
      w.pow(2).sum().backward({ createGraph: true });
      assertEqual(first.isDisposed, true, 'the replaced .grad');
      assertClose(Array.from(w.grad!.dataSync(), Number), [4, 8], { atol: 0, rtol: 0 }, 'the new .grad');
    });
  });
}
