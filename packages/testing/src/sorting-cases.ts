/**
 * Sorting and searching beyond the fixtures (sorting.json): the named tuple
 * every values-and-indices op returns, identities checked on random inputs
 * full of ties and NaN (sorted order, gather of the indices, searchsorted
 * against counting, unique against its inverse), gradFn names, and the
 * errors Graft gives where PyTorch has none to copy.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { assertClose, assertEqual, assertThrows, fail } from './assert.js';
import type { TestApi } from './index.js';

interface Context {
  device: string;
  inDevice<T>(fn: () => T): T;
}

function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

/** A seeded [rows, n] float32 tensor of small integers (ties everywhere) with some NaN. */
function tiesWithNaN(seed: number, rows: number, n: number): Tensor {
  g.manualSeed(seed);
  const ints = g.randint(0, 5, [rows, n]).float();
  return g.where(g.rand(rows, n).lt(0.15), NaN, ints);
}

/** PyTorch's ascending order of two values: NaN after everything. */
function inOrder(a: number, b: number): boolean {
  return Number.isNaN(b) || (!Number.isNaN(a) && a <= b);
}

export function sortingHandCases(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void | Promise<void>) => t.it(name, () => ctx.inDevice(fn));

  t.describe(`conformance on '${ctx.device}': sorting and searching (identities, named tuples, errors)`, () => {
    it('every [values, indices] result is one named tuple: an array of two with .values and .indices', () => {
      const x = g.tensor([
        [3, 1, 2],
        [1, 1, 0],
      ]);
      const results: [string, g.ValuesIndices][] = [
        ['max', x.max(1)],
        ['min', x.min(1)],
        ['sort', x.sort()],
        ['topk', x.topk(2)],
        ['kthvalue', x.kthvalue(2)],
        ['median', x.median(1)],
        ['nanmedian', x.nanmedian(1)],
        ['mode', x.mode()],
        ['cummax', x.cummax(1)],
        ['cummin', x.cummin(1)],
      ];
      for (const [name, r] of results) {
        if (!Array.isArray(r) || r.length !== 2) fail(`${name}: not an array of two`);
        if (r.values !== r[0] || r.indices !== r[1]) fail(`${name}: .values/.indices are not [0]/[1]`);
        const [v, i] = r;
        assertEqual(v.dtype, 'float32', `${name} values dtype`);
        assertEqual(i.dtype, 'int32', `${name} indices dtype`);
      }
    });

    it('sort: sorted along the dim (NaN last, first descending), gather(indices) = values, indices a permutation; stable keeps ties in order', () => {
      for (const [seed, n] of [
        [1, 7],
        [2, 17],
        [3, 90],
      ] as const) {
        const x = tiesWithNaN(seed, 3, n);
        for (const descending of [false, true]) {
          for (const stable of [false, true]) {
            const [v, i] = x.sort(1, descending, { stable });
            assertClose(values(x.gather(1, i)), values(v), { atol: 0, rtol: 0 }, 'gather(x, indices)');
            const vs = values(v);
            const is = values(i);
            for (let r = 0; r < 3; r++) {
              const seen = new Set(is.slice(r * n, (r + 1) * n));
              if (seen.size !== n) fail(`row ${r}: indices are not a permutation`);
              for (let j = r * n + 1; j < (r + 1) * n; j++) {
                const ok = descending ? inOrder(vs[j]!, vs[j - 1]!) : inOrder(vs[j - 1]!, vs[j]!);
                if (!ok) fail(`n=${n} descending=${descending}: ${vs[j - 1]} before ${vs[j]}`);
                const tie = vs[j] === vs[j - 1] || (Number.isNaN(vs[j]!) && Number.isNaN(vs[j - 1]!));
                if (stable && tie && is[j]! < is[j - 1]!) fail(`stable sort reordered a tie at ${j}`);
              }
            }
            assertEqual(JSON.stringify(values(x.argsort(1, descending, { stable }))), JSON.stringify(is), 'argsort = sort().indices');
          }
        }
      }
    });

    it('topk, kthvalue and median pick the values a full sort puts there', () => {
      const x = tiesWithNaN(4, 4, 40);
      const sorted = x.sort(1).values;
      const desc = x.sort(1, true).values;
      for (const k of [1, 5, 40]) {
        assertClose(values(x.topk(k, 1).values), values(desc.narrow(1, 0, k)), { atol: 0, rtol: 0 }, `topk(${k})`);
        assertClose(values(x.topk(k, 1, false).values), values(sorted.narrow(1, 0, k)), { atol: 0, rtol: 0 }, `topk(${k}, smallest)`);
        assertClose(values(x.kthvalue(k, 1).values), values(sorted.select(1, k - 1)), { atol: 0, rtol: 0 }, `kthvalue(${k})`);
      }
      // Without NaN (a row with NaN has median NaN), the lower median is the sorted row's element (n - 1) / 2.
      const y = g.where(x.isnan(), 0, x);
      assertClose(values(y.median(1).values), values(y.sort(1).values.select(1, 19)), { atol: 0, rtol: 0 }, 'median');
      // nanmedian: the same among the non-NaN elements, which sort first.
      const count = x.isnan().logicalNot().sum().item() as number;
      const lower = x
        .reshape(-1)
        .sort()
        .values.select(0, Math.floor((count - 1) / 2));
      assertClose(values(x.nanmedian()), values(lower), { atol: 0, rtol: 0 }, 'nanmedian');
    });

    it('cummax/cummin: the running extreme, reached at its index', () => {
      const x = tiesWithNaN(5, 2, 30);
      for (const op of ['cummax', 'cummin'] as const) {
        const [v, i] = x[op](1);
        assertClose(values(x.gather(1, i)), values(v), { atol: 0, rtol: 0 }, `${op}: gather(x, indices)`);
        const xs = values(x);
        const vs = values(v);
        for (let r = 0; r < 2; r++) {
          let best = xs[r * 30]!;
          for (let j = 0; j < 30; j++) {
            const e = xs[r * 30 + j]!;
            if (Number.isNaN(e) || (!Number.isNaN(best) && (op === 'cummax' ? e > best : e < best))) best = e;
            assertClose([vs[r * 30 + j]!], [best], { atol: 0, rtol: 0 }, `${op} at ${j}`);
          }
        }
      }
    });

    it('searchsorted on a sorted sequence without NaN counts the boundaries below (or not above) each value; sorter = sorting first', () => {
      g.manualSeed(6);
      const seq = g.randint(-5, 6, [3, 25]).float().sort(1).values;
      const vals = g.randint(-7, 8, [3, 9]).float().div(2);
      const left = values(g.searchsorted(seq, vals));
      const right = values(g.searchsorted(seq, vals, { side: 'right' }));
      const s = values(seq);
      const v = values(vals);
      for (let r = 0; r < 3; r++) {
        for (let j = 0; j < 9; j++) {
          const x = v[r * 9 + j]!;
          const row = s.slice(r * 25, (r + 1) * 25);
          assertEqual(left[r * 9 + j], row.filter((b) => b < x).length, `left ${r},${j}`);
          assertEqual(right[r * 9 + j], row.filter((b) => b <= x).length, `right ${r},${j}`);
        }
      }
      const shuffled = g.randint(-5, 6, [40]).float();
      const sorter = shuffled.argsort();
      assertEqual(
        JSON.stringify(values(g.searchsorted(shuffled, vals.reshape(-1), { sorter, right: true }))),
        JSON.stringify(values(g.searchsorted(shuffled.sort().values, vals.reshape(-1), { right: true }))),
        'sorter',
      );
      assertEqual(
        JSON.stringify(values(g.bucketize(vals, seq.select(0, 0)))),
        JSON.stringify(values(g.searchsorted(seq.select(0, 0), vals))),
        'bucketize',
      );
    });

    it('unique: output[inverse] rebuilds the input, counts add up; uniqueConsecutive of sorted values is unique', () => {
      g.manualSeed(7);
      const x = g.randint(0, 6, [4, 8]).float();
      const [out, inverse, counts] = x.unique({ returnInverse: true, returnCounts: true });
      assertClose(values(out.indexSelect(0, inverse.reshape(-1)).reshape(4, 8)), values(x), { atol: 0, rtol: 0 }, 'output[inverse]');
      assertEqual(counts.sum().item(), 32, 'counts');
      assertClose(values(x.reshape(-1).sort().values.uniqueConsecutive()), values(out), { atol: 0, rtol: 0 }, 'uniqueConsecutive(sorted)');
      const [rows, rowInverse] = x.unique({ dim: 1, returnInverse: true });
      assertClose(values(rows.indexSelect(1, rowInverse)), values(x), { atol: 0, rtol: 0 }, 'unique(dim)[inverse]');
      assertEqual(g.tensor([0, 1, 1, 5], { dtype: 'int32' }).bincount().sum().item(), 4, 'bincount sums to numel');
      assertEqual(g.tensor([0.5, 1, 9, -1]).histc(4, 0, 2).sum().item(), 2, 'histc counts what is in range');
    });

    it("gradFn names are PyTorch's; indices never require grad", () => {
      const x = g.tensor([3, 1, 2], { requiresGrad: true });
      const names: [string, Tensor, Tensor | undefined][] = [
        ['SortBackward0', ...(x.sort() as unknown as [Tensor, Tensor])],
        ['TopkBackward0', ...(x.topk(2) as unknown as [Tensor, Tensor])],
        ['KthvalueBackward0', ...(x.kthvalue(2) as unknown as [Tensor, Tensor])],
        ['MedianBackward0', x.median(), undefined],
        ['MedianBackward1', ...(x.median(0) as unknown as [Tensor, Tensor])],
        ['NanmedianBackward0', x.nanmedian(), undefined],
        ['NanmedianBackward1', ...(x.nanmedian(0) as unknown as [Tensor, Tensor])],
        ['ModeBackward0', ...(x.mode() as unknown as [Tensor, Tensor])],
        ['CummaxBackward0', ...(x.cummax(0) as unknown as [Tensor, Tensor])],
        ['CumminBackward0', ...(x.cummin(0) as unknown as [Tensor, Tensor])],
      ];
      for (const [name, v, i] of names) {
        assertEqual(v.gradFn?.name, name, name);
        if (i !== undefined && i.requiresGrad) fail(`${name}: indices require grad`);
      }
    });

    it('what has no gradient says so at backward, as PyTorch: unique, uniqueConsecutive, bincount with weights', () => {
      const x = g.tensor([3, 1, 3], { requiresGrad: true });
      for (const [op, out] of [
        ['unique', x.unique()],
        ['uniqueConsecutive', x.uniqueConsecutive()],
        ['bincount', g.bincount(g.tensor([0, 1, 1], { dtype: 'int32' }), x)],
      ] as const) {
        if (!out.requiresGrad) fail(`${op}: the result should require grad (its backward raises)`);
        assertThrows(() => out.sum().backward(), [`the derivative for '${op}' is not implemented`], op);
      }
      if (x.histc(3).requiresGrad) fail('histc: PyTorch gives a result that does not require grad');
    });

    it('bad arguments give errors naming the op and the argument', () => {
      const x = g.tensor([3, 1, 2]);
      assertThrows(() => x.topk(1.5), ['topk', "'k'", 'integer'], 'topk(1.5)');
      assertThrows(() => x.sort(0, 'yes' as never), ['sort', "'descending'", 'boolean'], 'sort descending');
      assertThrows(() => x.argsort({ stable: 1 as never }), ['argsort', "'stable'", 'boolean'], 'argsort stable');
      assertThrows(() => (x.cummax as (...a: unknown[]) => unknown)(), ['cummax', "'dim'"], 'cummax()');
      assertThrows(() => x.median({ keepdim: true }), ['median', 'keepdim', 'dim'], 'median keepdim without dim');
      assertThrows(() => g.tensor([], { dtype: 'int32' }).median(), ['median', 'int32', 'float'], 'median of empty int32');
      assertThrows(() => x.histc(-1), ['bins must be > 0'], 'histc(-1)');
      assertThrows(() => g.tensor([1, NaN]).histc(3), ['torch.histc: range of [nan, nan] is not finite'], 'histc with NaN data');
      assertThrows(
        () => g.searchsorted(x, x, { sorter: g.tensor([0, 1, 2]) as never }),
        ['searchsorted', 'sorter', 'int32', 'float32'],
        'float sorter',
      );
      assertThrows(
        () => g.searchsorted(g.tensor([1, 2, 3]), g.tensor([2]), { sorter: g.tensor([0, 1, 5], { dtype: 'int32' }) }).dataSync(),
        ['searchsorted', 'sorter', 'out of range'],
        'sorter out of range',
      );
      assertThrows(() => g.searchsorted(x, 'a' as never), ['searchsorted', 'values'], 'searchsorted of a string');
    });
  });
}
