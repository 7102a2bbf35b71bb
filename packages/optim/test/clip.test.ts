/** Gradient clipping against torch.nn.utils (fixtures from scripts/fixtures/generate_optim.py). */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import * as optim from '../src/index.js';
import fixtures from './fixtures/optim_state.json' with { type: 'json' };
import { close, decode } from './helpers.js';

const values = (ts: g.Tensor[]) => ts.flatMap((t) => Array.from(t.dataSync() as Float32Array));

describe('clipGradNorm_ / clipGradValue_ follow PyTorch on float32 gradients', () => {
  for (const c of fixtures.clip) {
    it(c.name, () => {
      const grads = decode(c.grads) as g.Tensor[];
      const params = grads.map((gr) => {
        const p = g.zerosLike(gr).requiresGrad_();
        p.grad = gr;
        return p;
      });
      const o = decode(c.options) as Record<string, number>;
      if (o['clipValue'] !== undefined) optim.clipGradValue_(params, o['clipValue']);
      else {
        // The norm type both ways: positionally, and in the options object.
        const total = c.name.endsWith('2')
          ? optim.clipGradNorm_(params, o['maxNorm']!)
          : optim.clipGradNorm_(params, o['maxNorm']!, { normType: o['normType']! });
        close([total.item() as number], [c.total!], 1e-6, 'total norm');
      }
      // Bit for bit: the coefficient is computed as PyTorch's (a reciprocal, then a product).
      expect(values(params.map((p) => p.grad!))).toEqual(values(decode(c.clipped) as g.Tensor[]));
    });
  }

  it('takes a single tensor, as PyTorch (it used to iterate nothing and clip nothing)', () => {
    const p = g.zeros([2], { requiresGrad: true });
    p.grad = g.tensor([3, 4]);
    expect(optim.clipGradNorm_(p, 1).item()).toBeCloseTo(5, 5);
    close(Array.from(p.grad.dataSync()), [0.6, 0.8], 1e-6);
    optim.clipGradValue_(p, 0.7);
    close(Array.from(p.grad.dataSync()), [0.6, 0.7], 1e-6);
  });

  it("'inf' (PyTorch's string) is the max norm; errorIfNonfinite throws PyTorch's message", () => {
    const p = g.zeros([2], { requiresGrad: true });
    p.grad = g.tensor([3, -4]);
    expect(optim.clipGradNorm_([p], 10, 'inf').item()).toBe(4);
    p.grad = g.tensor([Infinity, 1]);
    expect(() => optim.clipGradNorm_([p], 1, { errorIfNonfinite: true })).toThrow(
      'clipGradNorm_: The total norm of order 2 for gradients from `parameters` is non-finite, so it cannot be clipped.',
    );
    expect(Array.from(p.grad.dataSync())).toEqual([Infinity, 1]);
  });

  it.each([
    ['maxNorm NaN', () => optim.clipGradNorm_([], NaN), 'clipGradNorm_: maxNorm must be a number, got NaN'],
    ['maxNorm a string', () => optim.clipGradNorm_([], '1' as never), "clipGradNorm_: maxNorm must be a number, got '1'"],
    ['normType twice', () => optim.clipGradNorm_([], 1, 2, { normType: 2 }), 'clipGradNorm_: normType given twice'],
    ['two options objects', () => optim.clipGradNorm_([], 1, {}, {}), 'clipGradNorm_: two options objects given'],
    [
      'params a number',
      () => optim.clipGradNorm_(5 as never, 1),
      'clipGradNorm_: parameters must be a Tensor or an iterable of Tensors, got 5',
    ],
    ['clipValue NaN', () => optim.clipGradValue_([], NaN), 'clipGradValue_: clipValue must be a number, got NaN'],
    [
      'a parameter that is not a tensor',
      () => optim.clipGradValue_([1] as never, 1),
      'clipGradValue_: parameters must be Tensors, but one is 1',
    ],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});
