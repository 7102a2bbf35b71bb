import * as g from '@graft/core';
import '@graft/backend-cpu';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchNorm1d, Conv1d, Conv2d, F, type Module, Softmax } from '../src/index.js';
import fixture from './fixtures/layer-options.json' with { type: 'json' };

const values = (t: g.Tensor) => Array.from(t.dataSync());
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++)
    expect(Math.abs(Number(a[i]) - Number(b[i]))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(Number(b[i]))));
};
const gradWeights = (shape: readonly number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return g.tensor(
    Float32Array.from({ length: n }, (_, i) => (((i * 13) % 11) - 5) / 4),
    { shape: [...shape] },
  );
};
const D = fixture.data;

describe('options PyTorch has that Graft used to ignore or refuse, against PyTorch', () => {
  const makers: Record<string, () => Module> = {
    "Conv2d(2,3,(2,4),padding='same')": () => new Conv2d(2, 3, [2, 4], { padding: 'same' }),
    "Conv2d(2,3,3,padding='same',dilation=(2,1))": () => new Conv2d(2, 3, 3, { padding: 'same', dilation: [2, 1] }),
    "Conv2d(2,3,3,padding='valid',stride=2)": () => new Conv2d(2, 3, 3, { padding: 'valid', stride: 2 }),
    "Conv1d(2,3,4,padding='same')": () => new Conv1d(2, 3, 4, { padding: 'same' }),
    "Conv1d(2,4,3,padding='same',dilation=3,groups=2)": () => new Conv1d(2, 4, 3, { padding: 'same', dilation: 3, groups: 2 }),
  };
  for (const c of D.convs) {
    it(c.name, () => {
      g.manualSeed(c.seed);
      const m = makers[c.name]!();
      expect(String(m)).toBe(c.repr);
      const x = g.randn(c.shape, { requiresGrad: true });
      const y = m.call(x) as g.Tensor;
      expect(y.shape).toEqual(c.outShape);
      close(values(y), c.out);
      y.mul(gradWeights(y.shape)).sum().backward();
      close(values(x.grad!), c.xgrad, 1e-4);
      for (const [k, p] of m.namedParameters()) close(values(p.grad!), (c.grads as Record<string, number[]>)[k]!, 1e-4);
    });
  }

  it("padding='same' refuses a stride, and other strings are named", () => {
    expect(() => new Conv2d(1, 1, 3, { padding: 'same', stride: 2 })).toThrow("padding='same' is not supported for strided convolutions");
    expect(() => new Conv2d(1, 1, 3, { padding: 'full' as 'same' })).toThrow("Invalid padding string 'full'");
    expect(() => new Conv2d(1, 1, 3, { paddingMode: 'reflect' as 'zeros' })).toThrow("paddingMode 'reflect' is not supported");
  });

  it('BatchNorm1d({ momentum: null }) keeps a cumulative average, as PyTorch momentum=None', () => {
    const f = D.batchnorm;
    g.manualSeed(f.seed);
    const bn = new BatchNorm1d(3, { momentum: null });
    const batches = [g.randn(4, 3), g.randn(5, 3, 2), g.randn(3, 3)];
    batches.forEach((b, i) => close(values(bn.call(b) as g.Tensor), f.outs[i]!));
    close(values(bn.running_mean!), f.running_mean);
    close(values(bn.running_var!), f.running_var);
    expect(bn.num_batches_tracked!.item()).toBe(f.num_batches_tracked);
    bn.eval();
    close(values(bn.call(batches[0]!) as g.Tensor), f.eval);
  });

  it('BatchNorm1d refuses one value per channel in training, as PyTorch', () => {
    expect(() => new BatchNorm1d(3).call(g.randn(1, 3))).toThrow(D.batchnormSingle!.replace('torch.Size([1, 3])', '[1, 3]'));
  });

  describe('Softmax without a dim: the legacy implicit dim, with a warning', () => {
    let warn: ReturnType<typeof vi.spyOn>;
    beforeAll(() => {
      warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    });
    afterAll(() => warn.mockRestore());
    for (const c of D.softmax) {
      it(`input of shape [${c.shape.join(', ')}]`, () => {
        const x = g.tensor(Float32Array.from(c.x), { shape: c.shape });
        close(values(new Softmax().call(x) as g.Tensor), c.softmax, 1e-6);
        close(values(F.logSoftmax(x)), c.logSoftmax, 1e-6);
      });
    }
    it("warned once per function with PyTorch's deprecation message", () => {
      expect(warn.mock.calls.map((c: unknown[]) => String(c[0]))).toEqual([
        'UserWarning: Implicit dimension choice for softmax has been deprecated. Change the call to include dim=X as an argument.',
        'UserWarning: Implicit dimension choice for log_softmax has been deprecated. Change the call to include dim=X as an argument.',
      ]);
      expect(String(new Softmax())).toBe('Softmax(dim=None)');
    });
  });
});
