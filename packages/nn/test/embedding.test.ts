import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { Embedding, F } from '../src/index.js';
import fixture from './fixtures/embedding.json' with { type: 'json' };

const values = (t: g.Tensor) => Array.from(t.dataSync());
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++)
    expect(Math.abs(Number(a[i]) - Number(b[i]))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(Number(b[i]))));
};
/** The generator's exact upstream-gradient weights: (i·13 mod 11 − 5) / 4. */
const gradWeights = (shape: readonly number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return g.tensor(
    Float32Array.from({ length: n }, (_, i) => (((i * 13) % 11) - 5) / 4),
    { shape: [...shape] },
  );
};

describe('Embedding paddingIdx: the padding row gets no gradient and never moves (PyTorch fixtures)', () => {
  for (const c of fixture.data.cases) {
    it(c.name, () => {
      g.manualSeed(c.seed);
      const emb = new Embedding(c.num, c.dim, c.paddingIdx === null ? {} : { paddingIdx: c.paddingIdx });
      close(values(emb.weight), c.init, 1e-6); // normal_ agrees to float32 rounding of log/cos
      const idx = g.tensor(Int32Array.from(c.idx), { shape: c.idxShape });
      const out = emb.call(idx);
      close(values(out), c.out, 1e-6);
      const w = gradWeights(out.shape);
      out.mul(w).sum().backward();
      close(values(emb.weight.grad!), c.grad);
      if (c.paddingIdx !== null) {
        const row = (c.paddingIdx + c.num) % c.num;
        expect(values(emb.weight.grad!.select(0, row))).toEqual(new Array(c.dim).fill(0));
      }
      // Two steps of SGD with momentum 0.9 and weight decay 0.01, as torch.optim.SGD (written out here).
      let buf: g.Tensor | null = null;
      const step = () =>
        g.noGrad(() => {
          const d = emb.weight.grad!.add(emb.weight.mul(0.01));
          buf = buf === null ? d.clone() : buf.mul(0.9).add(d);
          emb.weight.sub_(buf.mul(0.5));
        });
      step();
      emb.zeroGrad();
      emb.call(idx).mul(w).sum().backward();
      step();
      close(values(emb.weight), c.afterSgd, 1e-5);
    });
  }

  it('F.embedding with paddingIdx reads the padding row as stored and gives it no gradient', () => {
    const f = fixture.data.functional;
    const weight = g.tensor(Float32Array.from(f.weight), { shape: [5, 3], requiresGrad: true });
    const idx = g.tensor(Int32Array.from(f.idx), { shape: [2, 3] });
    const out = F.embedding(idx, weight, { paddingIdx: -2 });
    close(values(out), f.out, 1e-7);
    out.mul(gradWeights(out.shape)).sum().backward();
    close(values(weight.grad!), f.grad);
    expect(values(F.embedding(idx, weight, 3))).toEqual(values(out)); // positional, as PyTorch
  });

  it('paddingIdx out of range is an error, as in PyTorch', () => {
    expect(() => new Embedding(4, 2, { paddingIdx: 4 })).toThrow('Padding_idx must be within num_embeddings');
    expect(() => new Embedding(4, 2, { paddingIdx: -5 })).toThrow('Padding_idx must be within num_embeddings');
    expect(() => F.embedding(g.tensor([0], { dtype: 'int32' }), g.zeros(3, 2), { paddingIdx: 3 })).toThrow(
      'Padding_idx must be within num_embeddings',
    );
  });
});
