/**
 * Three ordinary PyTorch programs ported line for line (issue 12): logistic
 * regression with batches shuffled by randperm + index, a tour of indexing,
 * scatter, gather, einsum, sort, topk and unique, and Newton's method with a
 * Hessian from autograd and a step from linalg.solve. Seeded as PyTorch was,
 * they must print PyTorch's numbers: the expected values are PyTorch 1.13's,
 * written by scripts/fixtures/generate_ported.py, which holds the Python
 * each port follows.
 */
import * as g from '@graft/core';
import '../src/index.js';
import { describe, expect, it } from 'vitest';
import ported from './fixtures/ported.json' with { type: 'json' };

interface Encoded {
  dtype: string;
  shape: number[];
  data: (number | boolean)[];
}
type Program = Record<string, unknown> & { name: string; seed: number };
const programs = Object.fromEntries((ported.cases as Program[]).map((c) => [c.name, c]));

const flatten = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(flatten) : [v]);

function expectTensor(actual: g.Tensor, expected: Encoded, tolerance = 1e-5): void {
  expect(actual.dtype).toBe(expected.dtype);
  expect([...actual.shape]).toEqual(expected.shape);
  const values = flatten(actual.tolist()) as (number | boolean)[];
  values.forEach((v, i) => {
    const e = expected.data[i]!;
    if (typeof e === 'number' && typeof v === 'number' && !Number.isInteger(e)) expect(v).toBeCloseTo(e, -Math.log10(tolerance));
    else expect(v).toBe(e);
  });
}

describe('ported PyTorch programs give PyTorch numbers', () => {
  it('logistic regression with shuffled minibatches (randperm + index)', () => {
    const p = programs['logistic regression']!;
    g.manualSeed(p.seed);
    const [n, d, batch, lr] = [64, 3, 16, 0.5];
    const x = g.randn(n, d);
    const wTrue = g.tensor([1.5, -2.0, 0.5]);
    const y = x.matmul(wTrue).add(g.randn(n).mul(0.1)).gt(0).float();
    const w = g.zeros(d, { requiresGrad: true });
    const b = g.zeros(1, { requiresGrad: true });
    const losses: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      const perm = g.randperm(n);
      expectTensor(perm, (p.perms as Encoded[])[epoch]!);
      for (let i = 0; i < n; i += batch) {
        const idx = perm.index(`${i}:${i + batch}`);
        const [xb, yb] = [x.index(idx), y.index(idx)];
        const prob = g.sigmoid(xb.matmul(w).add(b));
        const loss = yb
          .mul(g.log(prob))
          .add(g.sub(1, yb).mul(g.log(g.sub(1, prob))))
          .mean()
          .neg();
        loss.backward();
        g.noGrad(() => {
          w.sub_(w.grad!.mul(lr));
          b.sub_(b.grad!.mul(lr));
          w.grad!.zero_();
          b.grad!.zero_();
        });
        losses.push(loss.item() as number);
      }
    }
    const accuracy = x.matmul(w).add(b).gt(0).float().eq(y).float().mean();
    (p.losses as number[]).forEach((e, i) => expect(losses[i]).toBeCloseTo(e, 5));
    expectTensor(w, p.w as Encoded);
    expectTensor(b, p.b as Encoded);
    expect(accuracy.item()).toBeCloseTo(p.accuracy as number, 6);
  });

  it('tensor tour: index, indexPut_, scatter, gather, einsum, sort, topk, unique', () => {
    const p = programs['tensor tour']! as Record<string, Encoded> & Program;
    g.manualSeed(p.seed);
    const x = g.arange(24, { dtype: 'float32' }).reshape(4, 6);
    expectTensor(x.index('1:3', '::2'), p.slice);
    expectTensor(x.index([0, 2], [1, 3]), p.advanced);
    expectTensor(x.index(x.gt(20)), p.mask);
    expectTensor(x.index('...', -1), p.ellipsis);
    expectTensor(x.index(null, 0, '1:'), p.newaxis);
    expectTensor(g.arange(24).reshape(2, 3, 4).index([0, 1], ':', [1, 2]), p.separated);
    const y = g.zeros(3, 4);
    y.indexPut_(
      [
        [0, 0, 2],
        [1, 1, 3],
      ],
      g.tensor([1, 2, 3]),
    );
    expectTensor(y, p.indexPut);
    y.indexPut_([g.tensor([0, 0, 2], { dtype: 'int32' }), g.tensor([1, 1, 3], { dtype: 'int32' })], g.tensor([1, 2, 3]), {
      accumulate: true,
    });
    expectTensor(y, p.indexPutAccumulate);
    y.indexPut_([':', 0], 7);
    expectTensor(y, p.assignColumn);
    const src = g.arange(1, 7, { dtype: 'float32' }).reshape(2, 3);
    expectTensor(
      g.zeros(3, 3).scatter_(
        0,
        g.tensor(
          [
            [0, 1, 2],
            [2, 0, 1],
          ],
          { dtype: 'int32' },
        ),
        src,
      ),
      p.scatter,
    );
    const at = g.tensor([0, 1, 0, 2], { dtype: 'int32' });
    expectTensor(g.zeros(3).scatterAdd(0, at, g.tensor([1, 2, 3, 4])), p.scatterAdd);
    expectTensor(g.ones(3).scatterReduce(0, at, g.tensor([1, 2, 3, 4]), 'amax', { includeSelf: false }), p.scatterReduce);
    const cols = g.tensor(
      [
        [0, 5],
        [1, 4],
        [2, 3],
        [0, 0],
      ],
      { dtype: 'int32' },
    );
    expectTensor(g.gather(x, 1, cols), p.gather);
    const r = g.randn(5, 4);
    expectTensor(r, p.randn);
    expectTensor(g.einsum('ij,kj->ik', r, r), p.einsumGram);
    expectTensor(g.einsum('ii', r.index(':4')), p.einsumTrace);
    expectTensor(g.einsum('i,j->ij', r.index(0), r.index(1)), p.einsumOuter);
    expectTensor(g.einsum('bij,bjk->bik', r.reshape(5, 2, 2), r.reshape(5, 2, 2)), p.einsumBatch);
    const [sv, si] = g.sort(r, { dim: 1, descending: true });
    expectTensor(sv, p.sortValues);
    expectTensor(si, p.sortIndices);
    const [tv, ti] = g.topk(r.flatten(), 3);
    expectTensor(tv, p.topkValues);
    expectTensor(ti, p.topkIndices);
    const [u, inverse, counts] = g.unique(g.tensor([3, 1, 2, 3, 1, 1], { dtype: 'int32' }), {
      returnInverse: true,
      returnCounts: true,
    });
    expectTensor(u, p.unique);
    expectTensor(inverse, p.uniqueInverse);
    expectTensor(counts, p.uniqueCounts);
    const q = r.clone().requiresGrad_();
    q.index([0, 0, 3])
      .pow(2)
      .sum()
      .add(q.index(q.gt(0)).sum())
      .add(q.gather(1, g.tensor([[1], [0], [3], [2], [1]], { dtype: 'int32' })).sum())
      .backward();
    expectTensor(q.grad!, p.grad);
  });

  it("Newton's method: Hessian by autograd, step by linalg.solve (float64)", () => {
    const p = programs.newton!;
    g.manualSeed(p.seed);
    const a = g.randn(20, 3, { dtype: 'float64' });
    const y = g
      .rand(20, { dtype: 'float64' })
      .lt(g.sigmoid(a.matmul(g.tensor([1, -1, 2], { dtype: 'float64' }))))
      .double();
    const loss = (w: g.Tensor) => {
      const z = a.matmul(w);
      return g.log1p(g.exp(z)).sub(y.mul(z)).mean().add(w.dot(w).mul(0.05));
    };
    let w = g.zeros(3, { dtype: 'float64' });
    const losses: number[] = [];
    (p.steps as Encoded[]).forEach((expected) => {
      const wg = w.clone().requiresGrad_();
      const value = loss(wg);
      const [grad] = g.autograd.grad(value, wg);
      const hess = g.autograd.functional.hessian(loss, w) as g.Tensor;
      const step = g.linalg.solve(hess, grad!);
      w = w.sub(step);
      losses.push(value.item() as number);
      expectTensor(step, expected, 1e-10);
    });
    (p.losses as number[]).forEach((e, i) => expect(losses[i]).toBeCloseTo(e, 12));
    expectTensor(w, p.w as Encoded, 1e-10);
    expectTensor(g.autograd.functional.hessian(loss, w) as g.Tensor, p.hessian as Encoded, 1e-10);
    const prob = g.sigmoid(a.matmul(w));
    const analytic = a.T.matmul(g.diag(prob.mul(g.sub(1, prob))))
      .matmul(a)
      .div(20)
      .add(g.eye(3, { dtype: 'float64' }).mul(0.1));
    expectTensor(analytic, p.analyticHessian as Encoded, 1e-10);
    expectTensor(g.linalg.eigvalsh(analytic), p.eigvalsh as Encoded, 1e-10);
    const { sign, logabsdet } = g.linalg.slogdet(analytic);
    expect([sign.item(), logabsdet.item()]).toEqual((p.slogdet as number[]).map((v) => expect.closeTo(v, 10)));
  });
});
