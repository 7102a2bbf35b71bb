/**
 * PyTorch's shorthands (core's ops/stacking.ts, nan-reductions.ts,
 * differences.ts and methods/shorthands.ts) beyond their PyTorch fixtures in
 * construction.json: the new_* constructors' defaults, the predicates, clip,
 * nansum's node, what the compositions leave alive, and their errors.
 */
import * as g from '@graft/core';
import '../src/index.js';
import { describe, expect, it } from 'vitest';

describe("the shorthands' semantics beyond the fixtures", () => {
  it('new* take this tensor dtype and device unless told, newTensor copies its data', () => {
    const x = g.zeros(2, { dtype: 'float64' });
    expect([x.newZeros([2, 3]).dtype, x.newOnes([1]).dtype, x.newFull([2], 7).tolist(), x.newEmpty([0, 2]).shape]).toEqual([
      'float64',
      'float64',
      [7, 7],
      [0, 2],
    ]);
    expect(x.newZeros([2], { dtype: 'int32' }).dtype).toBe('int32');
    expect(x.newTensor([1, 2]).dtype).toBe('float64');
    expect(x.newOnes([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('predicates, clip and emptyLike', () => {
    expect([g.isTensor(g.ones(1)), g.isTensor([1]), g.isTensor(null)]).toEqual([true, false, false]);
    expect([g.ones(1).isFloatingPoint(), g.isFloatingPoint(g.ones(1, { dtype: 'int32' }))]).toEqual([true, false]);
    const w = g.tensor([-2, 0.5, 3]);
    expect(g.clip(w, -1, 1).tolist()).toEqual([-1, 0.5, 1]);
    expect(w.clip_({ max: 1 })).toBe(w);
    expect(w.tolist()).toEqual([-2, 0.5, 1]);
    const e = g.emptyLike(g.ones(2, 3, { dtype: 'int32' }));
    expect([e.shape, e.dtype]).toEqual([[2, 3], 'int32']);
  });

  it('nansum records NansumBackward0 and gives 0 at the NaNs; the stacks free their intermediates', () => {
    const x = g.tensor([1, Number.NaN, 2], { requiresGrad: true });
    const s = x.nansum();
    expect(s.gradFn?.name).toBe('NansumBackward0');
    s.backward();
    expect(x.grad!.tolist()).toEqual([1, 0, 1]);
    const a = g.ones(3);
    const before = g.memory().numTensors;
    const h = g.hstack([a, g.tensor(2), a]);
    const d = g.diff(a, 2, -1, a, a);
    expect(g.memory().numTensors - before).toBe(3); // the scalar, h and d
    expect([h.shape, d.shape]).toEqual([[7], [7]]);
  });

  it('bad arguments are named', () => {
    expect(() => g.hstack([])).toThrow('hstack expects a non-empty TensorList');
    expect(() => g.vstack('x' as never)).toThrow("vstack(): argument 'tensors' must be an array of Tensors");
    expect(() => g.broadcastShapes([2], [3])).toThrow('broadcastShapes');
    expect(() => g.diff(g.ones(3), 1.5)).toThrow("diff(): argument 'n' must be an integer");
    expect(() => g.diff(g.ones(2, 3), 1, 1, g.ones(3, 1))).toThrow('diff expects prepend to have');
    expect(() => g.aminmax(g.zeros(0))).toThrow('cannot compute aminmax over an empty dimension');
  });
});

describe('the *As methods', () => {
  it("viewAs, reshapeAs and typeAs take the other tensor's shape or dtype; other must be a tensor", () => {
    const x = g.arange(6);
    const v = x.viewAs(g.zeros(2, 3));
    expect([v.shape, v.isView]).toEqual([[2, 3], true]);
    expect(x.reshapeAs(g.zeros(3, 2)).shape).toEqual([3, 2]);
    expect(
      g
        .tensor([1.7, -2.5])
        .typeAs(g.zeros(1, { dtype: 'int32' }))
        .tolist(),
    ).toEqual([1, -2]);
    expect(() => x.viewAs([2, 3] as never)).toThrow("viewAs(): argument 'other' must be a Tensor");
    expect(() => x.viewAs(g.zeros(4))).toThrow('view');
  });
});

describe("named tuples print as PyTorch's torch.return_types", () => {
  it('max(dim), sort and aminmax (the texts PyTorch 1.13 prints)', () => {
    const x = g.tensor([
      [1, 5, 2],
      [7, 3, 4],
    ]);
    expect(String(x.max(1))).toBe('torch.return_types.max(\nvalues=tensor([5., 7.]),\nindices=tensor([1, 0]))');
    expect(String(x.sort(1))).toBe(
      'torch.return_types.sort(\nvalues=tensor([[1., 2., 5.],\n        [3., 4., 7.]]),\nindices=tensor([[0, 2, 1],\n        [1, 2, 0]]))',
    );
    expect(String(x.aminmax())).toBe('torch.return_types.aminmax(\nmin=tensor(1.),\nmax=tensor(7.))');
    const [values, indices] = x.topk(1);
    expect([values!.shape, indices!.dtype, Object.keys(x.topk(1))]).toEqual([[2, 1], 'int32', ['0', '1', 'values', 'indices']]);
  });
});
