import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { CrossEntropyLoss, Dropout, F, Linear, LSTM, ReLU, Sequential, Tanh } from '../src/index.js';
import fixture from './fixtures/dropout.json' with { type: 'json' };

const values = (t: g.Tensor) => Array.from(t.dataSync());
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++)
    expect(Math.abs(Number(a[i]) - Number(b[i]))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(Number(b[i]))));
};
const D = fixture.data;

describe("dropout draws PyTorch's mask and leaves the generator where PyTorch does", () => {
  for (const c of D.cases) {
    it(c.name, () => {
      g.manualSeed(c.seed);
      const n = c.shape.reduce((a, b) => a * b, 1);
      const dtype = c.dtype as 'float32' | 'float64';
      const x = g.arange(n, { dtype }).mul(0.37).add(0.1).reshape(c.shape);
      const y = F.dropout(x, c.p, true);
      expect(y.shape).toEqual(c.shape);
      expect(values(y).map((v) => (v !== 0 ? 1 : 0))).toEqual(c.mask);
      // Kept values scaled exactly as PyTorch (x · (1 / (1 − p)) in the input's dtype), to the last bit.
      expect(values(y)).toEqual(dtype === 'float64' ? c.out : c.out.map(Math.fround));
      close(values(g.rand(5)), c.next, 1e-7);
    });
  }

  it('the Dropout module in train and eval mode', () => {
    g.manualSeed(D.module.seed);
    const d = new Dropout(0.4);
    close(values(d.call(g.ones(3, 4))), D.module.train, 1e-6);
    d.eval();
    const x = g.ones(3, 4);
    expect(d.call(x)).toBe(x);
    close(values(g.rand(5)), D.module.next, 1e-7);
  });

  it('between the layers of a multi-layer LSTM', () => {
    g.manualSeed(D.lstm.seed);
    const lstm = new LSTM(3, 4, { numLayers: 3, dropout: 0.4 });
    const [out, [h, c]] = lstm.call(g.randn(5, 2, 3)) as [g.Tensor, [g.Tensor, g.Tensor]];
    close(values(out), D.lstm.out, 1e-5);
    close(values(h), D.lstm.h, 1e-5);
    close(values(c), D.lstm.c, 1e-5);
    close(values(g.rand(5)), D.lstm.next, 1e-7);
  });

  it('a seeded training run with dropout follows PyTorch loss for loss', () => {
    const f = D.training;
    g.manualSeed(f.seed);
    const model = new Sequential(
      new Linear(6, 16),
      new ReLU(),
      new Dropout(0.3),
      new Linear(16, 16),
      new Tanh(),
      new Dropout(0.2),
      new Linear(16, 3),
    );
    const x = g.randn(32, 6);
    const y = g.randint(0, 3, [32]);
    const lossFn = new CrossEntropyLoss();
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      model.zeroGrad();
      const loss = lossFn.call(model.call(x), y);
      loss.backward();
      g.noGrad(() => model.parameters().forEach((p) => p.sub_(p.grad!.mul(0.1))));
      losses.push(loss.item() as number);
    }
    close(losses, f.losses, 1e-4);
    model.eval();
    expect(Math.abs((lossFn.call(model.call(x), y).item() as number) - f.evalLoss)).toBeLessThan(1e-4);
    close(values(g.rand(5)), f.next, 1e-7);
  });

  it('p is checked (NaN included), and p = 0 / p = 1 / eval draw nothing', () => {
    expect(() => F.dropout(g.ones(2), 1.5)).toThrow('dropout probability has to be between 0 and 1, but got 1.5');
    expect(() => F.dropout(g.ones(2), NaN)).toThrow('dropout probability has to be between 0 and 1, but got NaN');
    expect(() => new Dropout(-0.1)).toThrow('dropout probability has to be between 0 and 1');
    g.manualSeed(3);
    const expected = values(g.rand(3));
    g.manualSeed(3);
    F.dropout(g.ones(4), 0);
    F.dropout(g.ones(4), 1);
    F.dropout(g.ones(4), { p: 0.5, training: false });
    expect(values(g.rand(3))).toEqual(expected);
  });

  it('keyword arguments and inplace, as PyTorch', () => {
    g.manualSeed(1);
    const a = values(F.dropout(g.ones(8), 0.5, true));
    g.manualSeed(1);
    expect(values(F.dropout(g.ones(8), { p: 0.5, training: true }))).toEqual(a);
    g.manualSeed(1);
    const x = g.ones(8);
    const y = F.dropout(x, 0.5, { inplace: true });
    expect(y).toBe(x);
    expect(values(x)).toEqual(a);
    expect(() => (F.dropout as (...args: unknown[]) => g.Tensor)(g.ones(2), 0.5, { p: 0.2 })).toThrow(
      "dropout: got multiple values for argument 'p'",
    );
    expect(String(new Dropout({ p: 0.25, inplace: true }))).toBe('Dropout(p=0.25, inplace=True)');
  });
});
