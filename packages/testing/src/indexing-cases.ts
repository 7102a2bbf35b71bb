/**
 * Indexing beyond the PyTorch fixtures (indexing.json, which the op-case
 * checks run forward, backward and for leaks): gradcheck, gradgradcheck and
 * forward mode of its differentiable cases; the view and in-place semantics
 * of `x[items]` and `x[items] = v` (shared storage, version counters,
 * autograd through in-place writes and its refusals); errors for bad items;
 * and properties of random index expressions, among them the last-write-wins
 * and accumulate rules on many repeated indices against a sequential loop.
 */
import type { Tensor } from '@graft/core';
import * as g from '@graft/core';
import { assertClose, assertEqual, assertThrows } from './assert.js';
import {
  applyViews,
  casesNamed,
  decodeNumber,
  type EncodedArg,
  indexingOpCases as fixtureCases,
  makeTensor,
  type OpCase,
} from './fixtures.js';
import type { TestApi } from './index.js';
import { callOp, checkForward, type RunContext } from './op-runner.js';
import { roundsOf } from './rounds.js';

/** What the indexing cases need from the suite. */
export interface IndexingContext {
  /** The device under test. */
  device: string;
  /** Runs `fn` with the device under test as the current device. */
  inDevice<T>(fn: () => T): T;
  /** Whether the device holds float64 (gradcheck and gradgradcheck need it). */
  supportsFloat64: boolean;
  /** Also run the fixtures' forward checks here (for a device the suite's op-case checks do not cover). */
  fixtures?: RunContext;
  /** Scales the draws of the random index properties (ConformanceOptions.propertyScale; 1 by default). */
  propertyScale?: number;
}

/** Indexing fixture cases whose second derivatives gradgradcheck checks (an unknown name throws). */
export const INDEXING_SECOND_ORDER_CASES: readonly string[] = [
  'index int 0',
  'index slice ::2',
  'index index tensor negative',
  'index two indices broadcast',
  'index separated by slice',
  'index mask 3d first two',
  'index true index',
  'indexPut slices',
  'indexPut index rows broadcast',
  'indexPut repeated index last wins',
  'indexPut separated broadcast values',
  'indexPut mask',
  'indexPut accumulate two indices',
  'maskedSelect broadcast both',
  'maskedScatter broadcast self',
  'take negative',
  'takeAlongDim broadcast',
];

/** Indexing fixture cases whose forward-mode derivatives are checked against the Jacobian. */
export const INDEXING_FORWARD_CASES: readonly string[] = [
  'index two indices',
  'index mask full',
  'indexPut two indices',
  'indexPut accumulate',
  'maskedSelect',
  'take',
];

/** A fixture case as a function of its float inputs (float64 leaves requiring grad): its first floating output. */
function asFunction(c: OpCase, device: string): { fn: (...xs: Tensor[]) => Tensor; inputs: Tensor[] } | undefined {
  const inputs: Tensor[] = [];
  const isFloat = (a: EncodedArg) => 'tensor' in a && (a.tensor.dtype === 'float32' || a.tensor.dtype === 'float64');
  const collect = (args: readonly EncodedArg[]) => {
    for (const a of args) {
      if ('tensor' in a && isFloat(a)) inputs.push(makeTensor(a.tensor, device, 'float64').requiresGrad_(true));
      else if ('list' in a) collect(a.list);
    }
  };
  collect(c.args);
  if (inputs.length === 0) return undefined;
  const build = (xs: Tensor[], args: readonly EncodedArg[], k: { i: number }): unknown[] =>
    args.map((a) => {
      if ('tensor' in a) return applyViews(isFloat(a) ? xs[k.i++]! : makeTensor(a.tensor, device), a.views);
      if ('list' in a) return build(xs, a.list, k);
      if ('arange' in a) return g.arange(a.arange[0], a.arange[1], { dtype: a.dtype as never, device });
      return typeof a.value === 'string' ? decodeNumber(a.value) : a.value;
    });
  const fn = (...xs: Tensor[]) => callOp(c, build(xs, c.args, { i: 0 })).filter((o) => o.dtype === 'float64' || o.dtype === 'float32')[0]!;
  return { fn, inputs };
}

/** A seeded generator of numbers in [0, 1) (mulberry32), so a failing case reproduces. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random index expression for a tensor of `shape`: basic items and at most one advanced item (distinct indices, or a mask). */
function randomItems(r: () => number, shape: readonly number[]): g.IndexItem[] {
  const items: g.IndexItem[] = [];
  let advanced = false;
  let d = 0;
  while (d < shape.length) {
    const size = shape[d]!;
    let kind = Math.floor(r() * 6);
    if ((kind === 3 || kind === 4) && advanced) kind = 5;
    if (kind === 0) items.push(Math.floor(r() * size));
    else if (kind === 1) items.push(`${Math.floor(r() * size)}:`);
    else if (kind === 2) items.push(null);
    else if (kind === 3) {
      // A permutation's prefix, some counted from the end: no place is selected twice.
      const perm = Array.from({ length: size }, (_, i) => i).sort(() => r() - 0.5);
      items.push(perm.slice(0, 1 + Math.floor(r() * size)).map((i) => (r() < 0.5 ? i - size : i)));
    } else if (kind === 4) items.push(Array.from({ length: size }, () => r() < 0.5));
    else items.push(':');
    if (kind === 3 || kind === 4) advanced = true;
    if (kind !== 2) d++;
  }
  return items;
}

const exact = { atol: 0, rtol: 0 };
const values = (t: Tensor) => Array.from(t.dataSync());

/**
 * Registers the indexing cases for one device (part of `runConformanceSuite`;
 * a backend's own tests may run them on another device, with the fixtures'
 * forward checks too).
 *
 * @example
 * indexingCases({ describe, it }, { device: 'cpu', inDevice: (fn) => fn(), supportsFloat64: true });
 */
export function indexingCases(t: TestApi, ctx: IndexingContext): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));
  const secondOrder = casesNamed('gradgradcheck (INDEXING_SECOND_ORDER_CASES)', INDEXING_SECOND_ORDER_CASES, fixtureCases);
  const forward = casesNamed('forward mode (INDEXING_FORWARD_CASES)', INDEXING_FORWARD_CASES, fixtureCases);

  if (ctx.fixtures !== undefined) {
    const run = ctx.fixtures;
    t.describe(`indexing on '${ctx.device}': the PyTorch fixtures (forward)`, () => {
      for (const c of fixtureCases) it(c.name, () => checkForward(c, run));
    });
  }

  if (ctx.supportsFloat64) {
    t.describe(`indexing on '${ctx.device}': gradcheck of every differentiable case (float64 central differences)`, () => {
      for (const c of fixtureCases) {
        // A put that writes one place twice: PyTorch's gradient gives every write's value the place's gradient,
        // which is no derivative of the result (only the last write shows); the fixtures check PyTorch's convention.
        if (c.grads === undefined || (c as { repeatsPlaces?: boolean }).repeatsPlaces) continue;
        it(`gradcheck ${c.name}`, () => {
          const f = asFunction(c, ctx.device);
          if (f !== undefined) g.autograd.gradcheck(f.fn, f.inputs, { eps: 1e-6, atol: 1e-5, rtol: 1e-3 });
        });
      }
    });
    t.describe(`indexing on '${ctx.device}': gradgradcheck (second derivatives)`, () => {
      for (const c of secondOrder) {
        it(`gradgradcheck ${c.name}`, () => {
          const f = asFunction(c, ctx.device)!;
          g.autograd.gradgradcheck(f.fn, f.inputs, undefined, { atol: 1e-5, rtol: 1e-3 });
        });
      }
    });
    t.describe(`indexing on '${ctx.device}': forward mode agrees with the Jacobian`, () => {
      for (const c of forward) {
        it(`jvp = J·v for ${c.name}`, () => {
          const f = asFunction(c, ctx.device)!;
          const vs = f.inputs.map((x) => g.randnLike(x));
          const jac = g.autograd.functional.jacobian(f.fn, f.inputs) as Tensor[];
          const out = g.noGrad(() => f.fn(...f.inputs));
          let expected = g.zeros(out.shape, { dtype: 'float64' });
          jac.forEach((J, i) => {
            expected = expected.add(J.reshape(out.numel(), -1).matmul(vs[i]!.reshape(-1)).reshape(out.shape));
          });
          const [, jv] = g.autograd.functional.jvp(f.fn, f.inputs, vs);
          assertClose(values(jv), values(expected), { atol: 1e-9, rtol: 1e-7 }, 'jvp');
        });
      }
    });
  }

  t.describe(`indexing on '${ctx.device}': views, copies and in-place writes`, () => {
    it('basic items give a view: same storage and version counter; a write through it reaches the base', () => {
      const x = g.arange(12).reshape(3, 4);
      const v = x.index(1, '1::2');
      assertEqual(JSON.stringify(v.shape), '[2]', 'shape');
      v.fill_(-1);
      assertEqual(JSON.stringify(x.tolist()), '[[0,1,2,3],[4,-1,6,-1],[8,9,10,11]]', 'base after the write');
      assertEqual(x.version, 1, 'the base saw the write (shared version counter)');
      x.index('...', null).add_(1);
      assertEqual(x.version, 2, 'a view made by the ellipsis and null shares it too');
      assertEqual(values(x)[0], 1, 'written through');
    });
    it('advanced items give a copy: writing it leaves the base alone', () => {
      const x = g.arange(6).reshape(2, 3);
      const c = x.index([1, 0]);
      c.fill_(0);
      assertEqual(JSON.stringify(x.tolist()), '[[0,1,2],[3,4,5]]', 'base');
      assertEqual(x.version, 0, 'version');
    });
    it("PyTorch's graph nodes: Select, Slice, Unsqueeze, Alias for basic items, Index and IndexPut for advanced ones", () => {
      const x = g.ones(3, 4, { requiresGrad: true });
      const names = [
        x.index(0),
        x.index(':'),
        x.index(null),
        x.index('...'),
        x.index(1, ':'),
        x.index([0, 1]),
        x.index(x.gt(0)),
        g.indexPut(x, [0], 2),
        g.take(x, g.tensor([0], { dtype: 'int32' })),
        g.maskedSelect(x, x.gt(0)),
        g.maskedScatter(x, x.gt(0), g.zeros(12)),
      ].map((y) => y.gradFn!.name);
      assertEqual(
        names.join(),
        'SelectBackward0,SliceBackward0,UnsqueezeBackward0,AliasBackward0,SliceBackward0,IndexBackward0,IndexBackward0,' +
          'IndexPutBackward0,TakeBackward0,MaskedSelectBackward0,MaskedScatterBackward0',
        'names',
      );
    });
    it('indexPut_ on a tensor inside a graph: it takes the IndexPutBackward0 node, gradients reach x and the values', () => {
      const x = g.tensor([1, 2, 3, 4], { requiresGrad: true });
      const v = g.tensor([10, 20], { requiresGrad: true });
      const y = x.mul(2);
      const r = y.indexPut_([[0, 2]], v);
      assertEqual(r, y, 'returns its input');
      assertEqual(y.gradFn!.name, 'IndexPutBackward0', 'node');
      assertEqual(y.version, 1, 'version');
      y.mul(g.tensor([1, 2, 3, 4]))
        .sum()
        .backward();
      assertClose(values(x.grad!), [0, 4, 0, 8], exact, 'x.grad: the overwritten places get none');
      assertClose(values(v.grad!), [1, 3], exact, 'v.grad');
      assertClose(values(y.detach()), [10, 4, 20, 8], exact, 'values');
    });
    it('indexPut_ with accumulate inside a graph: repeated places sum, both gradients flow', () => {
      const x = g.tensor([1, 2, 3], { requiresGrad: true });
      const v = g.tensor([1, 2, 4], { requiresGrad: true });
      const y = x.mul(1).indexPut_([[2, 0, 2]], v, { accumulate: true });
      assertClose(values(y.detach()), [3, 2, 8], exact, 'values');
      y.mul(g.tensor([1, 10, 100]))
        .sum()
        .backward();
      assertClose(values(x.grad!), [1, 10, 100], exact, 'x.grad');
      assertClose(values(v.grad!), [100, 1, 100], exact, 'v.grad');
    });
    it('an empty selection: every index, scatter and masked op gives each input that needs one a gradient of zeros, never none (as PyTorch)', () => {
      // x is [2, 3], v is [2, 3] (x + 1); x's gradient is 1 where the op passes x through (a write op), 0 where it reads
      // nothing (a read op); v's is zeros. PyTorch 1.13's values; once indexPut's rule returned none for the values.
      const none = (...shape: number[]) => g.zeros(shape, { dtype: 'int32' });
      const noMask = () => g.zeros(2, 3, { dtype: 'bool' });
      const reads: Record<string, (x: Tensor) => Tensor> = {
        index: (x) => x.index(none(0)),
        indexSelect: (x) => x.indexSelect(0, none(0)),
        gather: (x) => x.gather(0, none(0, 3)),
        take: (x) => x.take(none(0)),
        takeAlongDim: (x) => x.takeAlongDim(none(0, 3), 0),
        maskedSelect: (x) => x.maskedSelect(noMask()),
      };
      const writes: Record<string, (x: Tensor, v: Tensor) => Tensor> = {
        scatter: (x, v) => x.scatter(0, none(0, 3), v.index(':0')),
        scatterAdd: (x, v) => x.scatterAdd(0, none(0, 3), v.index(':0')),
        ...Object.fromEntries(
          (['sum', 'prod', 'mean', 'amax', 'amin'] as const).map((r) => [
            `scatterReduce ${r}`,
            (x: Tensor, v: Tensor) => x.scatterReduce(0, none(0, 3), v.index(':0'), r),
          ]),
        ),
        indexAdd: (x, v) => x.indexAdd(0, none(0), v.index(':0')),
        indexCopy: (x, v) => x.indexCopy(0, none(0), v.index(':0')),
        'indexFill (a 0-d tensor value)': (x, v) => x.indexFill(0, none(0), v.index(0, 0)),
        'maskedFill (a 0-d tensor value)': (x, v) => x.maskedFill(noMask(), v.index(0, 0)),
        maskedScatter: (x, v) => x.maskedScatter(noMask(), v),
        'indexPut (values broadcast)': (x, v) => x.indexPut([none(0)], v.index(0)),
        'indexPut (a mask)': (x, v) => x.indexPut([noMask()], v.index(0, 0)),
        'indexPut accumulate': (x, v) => x.indexPut([none(0)], v.index(0), { accumulate: true }),
        indexPut_: (x, v) => x.indexPut_([none(0)], v.index(0)),
      };
      const run = (name: string, f: (x: Tensor, v: Tensor) => Tensor, xGrad: number) => {
        const dtype = ctx.supportsFloat64 ? 'float64' : 'float32';
        const x = g.arange(6, { dtype }).reshape(2, 3).requiresGrad_();
        const v = g.arange(1, 7, { dtype }).reshape(2, 3).requiresGrad_();
        // Through other ops on both sides, so a missing gradient would reach a backward rule, not just a leaf.
        f(x.mul(1), v.mul(1)).sum().mul(1).backward();
        assertClose(values(x.grad!), new Array(6).fill(xGrad), exact, `${name}: x.grad`);
        if (f.length === 2) assertClose(values(v.grad ?? g.tensor([])), new Array(6).fill(0), exact, `${name}: v.grad`);
      };
      for (const [name, f] of Object.entries(reads)) run(name, f, 0);
      for (const [name, f] of Object.entries(writes)) run(name, f, 1);
      // The values alone in the graph, an empty x, and values of shape [0]: zeros at the values' own shape.
      const v0 = g.zeros(0, { requiresGrad: true });
      g.zeros(2)
        .indexPut([none(0)], v0)
        .sum()
        .backward();
      assertEqual(JSON.stringify(v0.grad?.shape), '[0]', 'values [0]: a gradient of shape [0]');
      const v4 = g.ones(4, { requiresGrad: true });
      g.zeros(0, 4)
        .indexPut([none(0)], v4.mul(2))
        .sum()
        .backward();
      assertClose(values(v4.grad!), [0, 0, 0, 0], exact, 'values [4] into an empty x');
    });
    it('indexPut_ on a leaf that requires grad is refused (as any in-place op), allowed under noGrad', () => {
      const w = g.zeros(3, { requiresGrad: true });
      assertThrows(() => w.indexPut_([0], 1), ['indexPut_', 'leaf', 'requires grad'], 'leaf');
      assertThrows(() => w.indexPut_([[0]], g.ones(1)), ['indexPut_', 'leaf', 'requires grad'], 'leaf, advanced');
      g.noGrad(() => w.indexPut_([[0, 2]], 5));
      assertClose(values(w.detach()), [5, 0, 5], exact, 'written under noGrad');
    });
    it('indexPut_ through a view that takes part in autograd is refused (no CopySlices rebase), never a wrong gradient', () => {
      const x = g.ones(2, 3, { requiresGrad: true });
      const row = x.mul(2).index(0);
      assertThrows(() => row.indexPut_([[0]], g.ones(1, { requiresGrad: true })), ['indexPut_', 'view'], 'view in a graph');
      // Outside autograd a view is written through.
      const base = g.zeros(2, 3);
      base.index(1).indexPut_([[0, 2]], 7);
      assertEqual(JSON.stringify(base.tolist()), '[[0,0,0],[7,0,7]]', 'write through a view');
    });
    it('a tensor saved for backward and then changed by indexPut_ makes backward fail', () => {
      const x = g.tensor([1, 2, 3], { requiresGrad: true });
      const y = x.mul(1);
      const z = y.mul(y); // saves y
      y.indexPut_([[0]], 5);
      assertThrows(() => z.sum().backward(), ['modified by an inplace operation'], 'version check');
    });
    it('in-place writes touch only the selected elements, also of a strided tensor', () => {
      const base = g.arange(12).reshape(3, 4);
      const x = base.t(); // [4, 3], strided
      x.indexPut_(['1:3', 0], g.tensor([-1, -2], { dtype: 'int32' }));
      assertEqual(JSON.stringify(base.tolist()), '[[0,-1,-2,3],[4,5,6,7],[8,9,10,11]]', 'base');
      x.indexPut_([[3, 0], 2], 99);
      assertEqual(JSON.stringify(base.tolist()), '[[0,-1,-2,3],[4,5,6,7],[99,9,10,99]]', 'advanced, strided');
    });
    it('values that overlap the target are read before the write', () => {
      const x = g.arange(5);
      x.indexPut_(['1:'], x.index(':4'));
      assertEqual(JSON.stringify(x.tolist()), '[0,0,1,2,3]', 'shifted');
      const y = g.arange(5);
      y.indexPut_([[1, 2, 3, 4]], y.index([0, 1, 2, 3]));
      assertEqual(JSON.stringify(y.tolist()), '[0,0,1,2,3]', 'shifted, advanced');
    });
    it('an expanded tensor cannot be written (one memory place for several elements)', () => {
      const x = g.zeros(1, 3).expand(2, 3);
      assertThrows(() => x.indexPut_([[0]], 1), ['indexPut_', 'single memory location'], 'expanded');
    });
    it('maskedScatter_ writes in row-major order, and is refused on a leaf that requires grad', () => {
      const base = g.zeros(3, 2);
      base.t().maskedScatter_(
        g.tensor([
          [true, false, true],
          [false, true, false],
        ]),
        g.tensor([1, 2, 3]),
      );
      assertEqual(JSON.stringify(base.tolist()), '[[1,0],[0,3],[2,0]]', 'row-major in the strided view');
      assertThrows(() => g.ones(2, { requiresGrad: true }).maskedScatter_(g.tensor([true, true]), g.ones(2)), ['leaf'], 'leaf');
    });
    it('the index tensors may be changed or disposed after the call: the result does not read them again', () => {
      const idx = g.tensor([2, 0], { dtype: 'int32' });
      const x = g.tensor([5, 6, 7], { requiresGrad: true });
      const y = x.index(idx);
      idx.fill_(1);
      idx.dispose();
      y.sum().backward();
      assertClose(values(x.grad!), [1, 0, 1], exact, 'gradient at the original positions');
    });
  });

  t.describe(`indexing on '${ctx.device}': bad items and values are errors that name the op and the item`, () => {
    const x = () => g.zeros(3, 4);
    const disposed = () => {
      const i = g.tensor([0], { dtype: 'int32' });
      i.dispose();
      return i;
    };
    const cases: [string, () => unknown, (string | RegExp)[]][] = [
      ['a fractional index', () => x().index(1.5), ['index', 'valid indices', '1.5']],
      ['a string that is no slice', () => x().index('1'), ['index', 'valid indices', '"1"']],
      ['a misspelt slice key', () => x().index({ strat: 1 } as never), ['index', "'strat'", "'start'"]],
      ['a fractional slice bound', () => x().index({ start: 0.5 }), ['index', 'slice start', 'integer']],
      ['an array mixing integers and booleans', () => x().index([0, true] as never), ['index', 'mixes booleans and integers']],
      ['a ragged array', () => x().index([[0, 1], [2]] as never), ['index', 'rectangular']],
      ['a float index tensor', () => x().index(g.zeros(2)), ['index', 'int32', 'bool', 'float32']],
      ['an undefined item', () => x().index(undefined as never), ['index', 'valid indices', 'undefined']],
      ['a disposed index tensor', () => x().index(disposed()), ['index', 'disposed']],
      ['values of another type', () => x().indexPut_([0], 'a' as never), ['indexPut_', 'values', 'string']],
      ['accumulate that is no boolean', () => x().indexPut([0], 1, 'yes' as never), ['indexPut', 'accumulate', 'boolean']],
      ['a nonzero option misspelt', () => g.nonzero(x(), { as_tuple: true } as never), ['nonzero', "'as_tuple'", "'asTuple'"]],
      [
        'maskedSelect with an int mask',
        () => g.maskedSelect(x(), g.zeros(3, 4, { dtype: 'int32' })),
        ['masked_select', 'BoolTensor', 'int32'],
      ],
      [
        'maskedScatter_ with a mask that enlarges self',
        () => g.zeros(4).maskedScatter_(g.ones(2, 4, { dtype: 'bool' }), g.zeros(8)),
        ['maskedScatter_', '[2, 4]', '[4]'],
      ],
      [
        'take out of range, read',
        () => g.take(x(), g.tensor([12], { dtype: 'int32' })).dataSync(),
        ['out of range', 'index 12', '12 elements'],
      ],
      [
        'an index out of range, read',
        () =>
          x()
            .index(g.tensor([0, 7], { dtype: 'int32' }))
            .dataSync(),
        ['index 7 is out of bounds for dimension 0 with size 3'],
      ],
      [
        'a put index out of range, read',
        () => g.indexPut(x(), [':', g.tensor([-5], { dtype: 'int32' })], 1).dataSync(),
        ['index -5 is out of bounds for dimension 0 with size 4'],
      ],
    ];
    for (const [name, fn, patterns] of cases) it(`error: ${name}`, () => assertThrows(fn, patterns, name));
  });

  t.describe(`indexing on '${ctx.device}': properties of random index expressions`, () => {
    it('repeated indices: the last write wins, and accumulate sums in order (against a sequential loop; 40 draws)', () => {
      for (const draw of roundsOf(40, ctx.propertyScale ?? 1)) {
        const r = random(1000 + draw);
        const size = 1 + Math.floor(r() * 9);
        const n = 1 + Math.floor(r() * (draw < 30 ? 40 : 300));
        const idx = Array.from({ length: n }, () => Math.floor(r() * size) - (r() < 0.3 ? size : 0));
        const vals = Array.from({ length: n }, () => Math.round(r() * 200 - 100) / 4);
        const base = Array.from({ length: size }, (_, i) => i * 1.5);
        const last = [...base];
        const summed = [...base];
        idx.forEach((i, k) => {
          const at = i < 0 ? i + size : i;
          last[at] = vals[k]!;
          summed[at] = summed[at]! + vals[k]!;
        });
        const x = g.tensor(base);
        const v = g.tensor(vals);
        const tag = `draw ${draw} (size ${size}, ${n} writes)`;
        assertClose(values(g.indexPut(x, [idx], v)), last, exact, `${tag}: last write wins`);
        assertClose(values(g.indexPut(x, [g.tensor(idx, { dtype: 'int32' })], v)), last, exact, `${tag}: from a tensor`);
        assertClose(values(g.indexPut(x, [idx], v, { accumulate: true })), summed, { atol: 1e-4, rtol: 1e-6 }, `${tag}: accumulate`);
        // Two index arrays that repeat as pairs, on a 2-D tensor.
        const rows = idx.map((i) => ((i % 3) + 3) % 3);
        const expected = Array.from({ length: 3 * size }, () => 0);
        idx.forEach((i, k) => {
          expected[rows[k]! * size + (i < 0 ? i + size : i)] = vals[k]!;
        });
        assertClose(values(g.indexPut(g.zeros(3, size), [rows, idx], v)), expected, exact, `${tag}: index pairs`);
      }
    });
    it('x.indexPut(items, x.index(...items)) is x, and x.index of a put gives the values back (60 draws)', () => {
      for (const draw of roundsOf(60, ctx.propertyScale ?? 1)) {
        const r = random(5000 + draw);
        const shape = [2 + Math.floor(r() * 3), 1 + Math.floor(r() * 4), 1 + Math.floor(r() * 3)].slice(0, 1 + Math.floor(r() * 3));
        const x = g.randn(shape);
        const items = randomItems(r, shape);
        const tag = `draw ${draw}: x of ${JSON.stringify(shape)}[${items.map((i) => JSON.stringify(i)).join(', ')}]`;
        const picked = x.index(...items);
        assertClose(values(g.indexPut(x, items, picked)), values(x), exact, `${tag}: put back`);
        const fresh = g.randn(picked.shape);
        assertClose(values(g.indexPut(x, items, fresh).index(...items)), values(fresh), exact, `${tag}: read back`);
        const ones = g.indexPut(g.zeros(shape), items, 1, { accumulate: true });
        assertClose([ones.sum().item() as number], [picked.numel()], exact, `${tag}: one per selected element`);
      }
    });
  });
}
