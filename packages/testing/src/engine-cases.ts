/**
 * Conformance cases for the autograd engine's ownership of gradients and
 * graphs: the everyday expressions that once crashed backward, random graphs
 * against PyTorch's gradients, hook and custom-Function errors with PyTorch's
 * messages, and memory (a graph goes when its last reference does).
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { assertClose, assertEqual, assertThrows, fail, type Tolerance } from './assert.js';
import { graphCases } from './fixtures.js';
import { checkGraphAgainst } from './graphs/check.js';
import type { TestApi } from './index.js';

interface Context {
  device: string;
  inDevice<T>(fn: () => T): T;
  supportsFloat64: boolean;
  /** The device's float32 tolerance (graphs compound it: they are compared at 10×). */
  float32: Tolerance;
}

const values = (t: Tensor | null): number[] => (t === null ? fail('expected a gradient, got null') : Array.from(t.dataSync(), Number));

class SameGradTwice extends g.autograd.Function {
  static override forward(_ctx: g.autograd.FunctionCtx, a: Tensor, b: Tensor): Tensor {
    return a.mul(b);
  }
  static override backward(_ctx: g.autograd.FunctionCtx, grad: Tensor): Tensor[] {
    return [grad, grad];
  }
}

export function engineCases(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));
  const dtype = ctx.supportsFloat64 ? 'float64' : 'float32';
  const tol = ctx.supportsFloat64 ? { atol: 1e-12, rtol: 1e-12 } : { atol: 1e-5, rtol: 1e-5 };
  const leaf = (data: number[]) => g.tensor(data, { dtype, requiresGrad: true });

  t.describe(`conformance on '${ctx.device}': every gradient buffer has one owner (expressions that crashed backward)`, () => {
    const a0 = [0.5, -1.25, 2];
    const b0 = [1.5, 0.75, -0.5];
    // Each expression with its gradients worked out by hand (null: b takes no part).
    const cases: [string, (a: Tensor, b: Tensor) => Tensor, (a: number, b: number) => [number, number | null]][] = [
      ['a.add(b).sum().add(a.sum())', (a, b) => a.add(b).sum().add(a.sum()), () => [2, 1]],
      ['a.mul(a.add(b))', (a, b) => a.mul(a.add(b)).sum(), (a, b) => [2 * a + b, a]],
      ['(a + b) * (a - b)', (a, b) => a.add(b).mul(a.sub(b)).sum(), (a, b) => [2 * a, -2 * b]],
      ['a * a * a + a', (a) => a.mul(a).mul(a).add(a).sum(), (a) => [3 * a * a + 1, null]],
      ['a.add(a).add(a).mul(b)', (a, b) => a.add(a).add(a).mul(b).sum(), (a, b) => [3 * b, 3 * a]],
      [
        'a custom Function whose backward returns one tensor for both inputs',
        (a, b) => SameGradTwice.apply<Tensor>(a, b).sum(),
        () => [1, 1],
      ],
    ];
    for (const [name, f, grads] of cases) {
      it(name, () => {
        const a = leaf(a0);
        const b = leaf(b0);
        f(a, b).backward();
        const expected = a0.map((x, i) => grads(x, b0[i]!));
        assertClose(
          values(a.grad),
          expected.map((e) => e[0]),
          tol,
          `${name}: a.grad`,
        );
        if (expected[0]![1] === null) assertEqual(b.grad, null, `${name}: b.grad`);
        else
          assertClose(
            values(b.grad),
            expected.map((e) => e[1]!),
            tol,
            `${name}: b.grad`,
          );
      });
    }

    it('the VAE loss (reconstruction + KL divergence) backpropagates', () => {
      // loss = Σ (x̂ - x)² - ½ Σ (1 + logvar - μ² - exp(logvar)), with x̂ = μ + exp(½ logvar)·ε.
      const mu = leaf([0.3, -0.2]);
      const logvar = leaf([-0.5, 0.4]);
      const eps = g.tensor([0.1, -0.3], { dtype });
      const x = g.tensor([0.2, 0.1], { dtype });
      const std = logvar.mul(0.5).exp();
      const z = mu.add(std.mul(eps));
      const recon = z.sub(x).square().sum();
      const kl = logvar.add(1).sub(mu.square()).sub(logvar.exp()).sum().mul(-0.5);
      recon.add(kl).backward();
      const muE = [0.3, -0.2];
      const lvE = [-0.5, 0.4];
      const epsE = [0.1, -0.3];
      const xE = [0.2, 0.1];
      const zE = muE.map((m, i) => m + Math.exp(0.5 * lvE[i]!) * epsE[i]!);
      assertClose(
        values(mu.grad),
        zE.map((zz, i) => 2 * (zz - xE[i]!) + muE[i]!),
        tol,
        'dμ',
      );
      const dLv = zE.map((zz, i) => 2 * (zz - xE[i]!) * epsE[i]! * 0.5 * Math.exp(0.5 * lvE[i]!) - 0.5 * (1 - Math.exp(lvE[i]!)));
      assertClose(values(logvar.grad), dLv, tol, 'dlogvar');
    });

    it('backward inside tidy keeps .grad, and a second backward accumulates into it', () => {
      const a = leaf([1, 2, 3]);
      g.tidy(() => a.mul(2).sum().backward());
      assertEqual(a.grad !== null && !a.grad.isDisposed, true, '.grad survives the tidy scope');
      g.tidy(() => a.exp().sum().backward());
      assertClose(
        values(a.grad),
        [1, 2, 3].map((v) => 2 + Math.exp(v)),
        { atol: 1e-4, rtol: 1e-5 },
        'accumulated .grad',
      );
    });

    it('a gradient handed to the user (hook, autograd.grad) stays theirs after backward', () => {
      const a = leaf([1, 2]);
      const y = a.mul(3);
      let seen: Tensor | undefined;
      y.registerHook((grad) => {
        seen = grad;
      });
      y.mul(y).sum().backward();
      assertClose(values(seen ?? null), [6, 12], tol, 'the hook argument is still readable');
      const [ga] = g.autograd.grad(a.mul(a).sum(), [a]);
      assertClose(values(ga ?? null), [2, 4], tol, 'autograd.grad result');
    });

    it('a forward pass that is never differentiated frees what its graph saved', () => {
      const w = leaf([0.5, -0.5, 0.25]);
      const before = g.memory().numTensors;
      for (let i = 0; i < 20; i++) {
        g.tidy(() => {
          w.exp().mul(w).tanh().sigmoid().sum();
        });
      }
      assertEqual(g.memory().numTensors, before, 'live tensors after 20 forward passes in tidy, no backward');
      // Intermediates disposed by hand while the output's graph still saves them: freed with the output.
      const e = w.exp();
      const p = e.mul(w);
      const y = p.sum();
      e.dispose();
      p.dispose();
      assertEqual(g.memory().numTensors, before + 2, 'live tensors while the output holds its graph (the output and the saved exp)');
      y.dispose();
      assertEqual(g.memory().numTensors, before, 'live tensors after disposing the output');
    });
  });

  t.describe(`conformance on '${ctx.device}': hooks and custom Functions are checked as PyTorch checks them`, () => {
    it('a hook that changes the size, the dtype, or returns a non-tensor', () => {
      const x = leaf([1, 2]);
      const wrongSize = function wrongSize(): Tensor {
        return g.ones(5, { dtype });
      };
      let y = x.mul(2);
      y.registerHook(wrongSize);
      assertThrows(() => y.sum().backward(), ["hook 'wrongSize' has changed the size of value"], 'size');
      y = x.mul(2);
      y.registerHook((grad) => grad.int());
      assertThrows(() => y.sum().backward(), ['has changed the type of value'], 'dtype');
      y = x.mul(2);
      y.registerHook((() => 3) as unknown as (grad: Tensor) => Tensor);
      assertThrows(() => y.sum().backward(), ["expected Tensor, but hook returned 'number'"], 'number');
      const z = leaf([1, 2]);
      z.registerHook(wrongSize);
      assertThrows(() => z.mul(2).sum().backward(), ["hook 'wrongSize' has changed the size of value"], 'leaf hook');
    });

    it('a Function whose backward returns the wrong number or shape of gradients', () => {
      class TooMany extends g.autograd.Function {
        static override forward(_ctx: g.autograd.FunctionCtx, a: Tensor): Tensor {
          return a.mul(2);
        }
        static override backward(_ctx: g.autograd.FunctionCtx, grad: Tensor): Tensor[] {
          return [grad, grad, grad];
        }
      }
      class WrongShape extends g.autograd.Function {
        static override forward(_ctx: g.autograd.FunctionCtx, a: Tensor): Tensor {
          return a.mul(2);
        }
        static override backward(): Tensor {
          return g.ones(3, { dtype });
        }
      }
      class Broadcast extends g.autograd.Function {
        static override forward(_ctx: g.autograd.FunctionCtx, a: Tensor): Tensor {
          return a.sum();
        }
        static override backward(_ctx: g.autograd.FunctionCtx, grad: Tensor): Tensor {
          // A gradient of a broadcast shape is summed down, as PyTorch's validate_outputs does.
          return grad.expand(3, 2).mul(1);
        }
      }
      const x = leaf([1, 2]);
      assertThrows(
        () => TooMany.apply<Tensor>(x).sum().backward(),
        ['function TooManyBackward returned an incorrect number of gradients (expected 1, got 3)'],
        'count',
      );
      assertThrows(
        () => WrongShape.apply<Tensor>(x).sum().backward(),
        ['Function WrongShapeBackward returned an invalid gradient at index 0 - got [3] but expected shape compatible with [2]'],
        'shape',
      );
      Broadcast.apply<Tensor>(x).backward();
      assertClose(values(x.grad), [3, 3], tol, 'broadcast gradient summed down');
    });
  });

  t.describe(`conformance on '${ctx.device}': random graphs against PyTorch's gradients`, () => {
    // Every graph on float64 devices; a fifth of them (in float32) elsewhere.
    const share = ctx.supportsFloat64 ? graphCases : graphCases.filter((_, i) => i % 5 === 0);
    const graphTol = ctx.supportsFloat64
      ? { atol: 1e-9, rtol: 1e-7 }
      : { atol: 10 * ctx.float32.atol + 1e-3, rtol: 10 * ctx.float32.rtol + 1e-3 };
    for (const c of share) {
      it(`${c.spec.name} (${c.spec.mode}, ${c.spec.steps.length} steps: ${[...new Set(c.spec.steps.map((s) => s.op))].join(' ')})`, () => {
        const before = g.memory().numTensors;
        checkGraphAgainst(c, { dtype, device: ctx.device, tol: graphTol });
        if (g.memory().numTensors !== before) fail(`${c.spec.name}: ${g.memory().numTensors - before} tensors left alive by the graph`);
      });
    }
  });
}
