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

    it('backward and autograd.grad free their seeds and partial results on every path (dispose-only loops, flat)', () => {
      const x = g.tensor([0.5, -1, 2], { requiresGrad: true });
      const u = g.tensor([1, 2], { requiresGrad: true });
      assertFlat('backward({ createGraph })', () => {
        const p = x.pow(3);
        const y = p.sum();
        y.backward({ createGraph: true });
        for (const v of [p, y, x.grad!]) v.dispose();
        x.grad = null;
      });
      assertFlat('autograd.grad({ createGraph })', () => {
        const p = x.pow(3);
        const y = p.sum();
        const [d] = g.autograd.grad(y, [x], { createGraph: true });
        for (const v of [p, y, d!]) v.dispose();
      });
      // A float64 gradient, cast to x's float32 output (where the device has float64; else one of its own dtype).
      assertFlat('backward({ createGraph }) with a gradient cast to the output dtype', () => {
        const p = x.pow(2);
        const gr = g.ones([3], { dtype: g.getBackend().supportsFloat64 ? 'float64' : 'float32' });
        p.backward(gr, { createGraph: true });
        for (const v of [p, gr]) v.dispose();
        x.grad!.dispose();
        x.grad = null;
      });
      const throws = (what: string, fn: () => void) => {
        try {
          fn();
        } catch {
          return;
        }
        fail(`${what} did not throw`);
      };
      assertFlat('a backward whose hook throws', () => {
        const p = x.mul(2);
        const y = p.sum();
        p.registerHook((gr) => {
          gr.dispose();
          throw new Error('from the hook');
        });
        throws('backward', () => y.backward());
        for (const v of [p, y]) v.dispose();
      });
      class Fails extends g.autograd.Function {
        static override forward(_ctx: g.autograd.FunctionCtx, a: Tensor) {
          return a.mul(1);
        }
        static override backward(): Tensor {
          throw new Error('from backward');
        }
      }
      assertFlat("a backward whose custom Function's backward throws", () => {
        const p = Fails.apply<Tensor>(x);
        const y = p.sum();
        throws('backward', () => y.backward());
        for (const v of [p, y]) v.dispose();
      });
      assertFlat('autograd.grad of an unused input without allowUnused', () => {
        const y = x.exp();
        const s = y.sum();
        throws('autograd.grad', () => g.autograd.grad(s, [x, u]));
        for (const v of [y, s]) v.dispose();
      });
      // The graph made under createGraph still differentiates after its seed went: x.grad = 3x², d(sum x.grad)/dx = 6x.
      const p = x.pow(3);
      p.sum().backward({ createGraph: true });
      const first = x.grad!;
      x.grad = null;
      first.sum().backward();
      assertClose(Array.from(x.grad!.dataSync(), Number), [3, -6, 12], { atol: 1e-6, rtol: 1e-6 }, 'the second-order gradient');
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
