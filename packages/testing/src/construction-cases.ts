/**
 * Conformance of the construction, shape and scatter ops beyond their PyTorch
 * values and gradients (construction.json, which the suite runs with every
 * file of op cases): gradcheck and gradgradcheck, forward mode, which results
 * are views and which copies, the in-place forms, the errors PyTorch raises
 * only at backward, bounds checks (deferred on a GPU), and the composite that
 * stands in for the optional `scatterReduce` kernel — run on every backend.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { assertClose, assertEqual, assertThrows, fail } from './assert.js';
import { asFunction } from './autograd-cases.js';
import { casesNamed, constructionCases, decodeData, type EncodedArg, type OpCase } from './fixtures.js';
import type { TestApi } from './index.js';
import { checkForward, checkGradients, type RunContext, runsOn } from './op-runner.js';

interface Context extends RunContext {
  inDevice<T>(fn: () => T): T;
}

/** construction.json cases whose second derivatives gradgradcheck checks (an unknown name throws). */
export const CONSTRUCTION_SECOND_ORDER: readonly string[] = [
  'tril_batched',
  'triu_noncontig',
  'diag_2d_offset',
  'diag_1d_offset',
  'diagonal_dims_reversed',
  'diagEmbed_dims',
  'roll_dims',
  'rot90_k3',
  'repeatInterleave_tensor',
  'tile_more_dims',
  'meshgrid_xy',
  'cartesianProd',
  'unbind_dim1',
  'tensorSplit_indices',
  'cumprod',
  'cumprod_one_zero',
  'cumprod_two_zeros',
  'logcumsumexp',
  'logcumsumexp_dim0',
  'scatter_value',
  'scatterAdd_batched',
  'scatterReduce_sum_exclude_self',
  'scatterReduce_prod',
  'scatterReduce_prod_zero_src',
  'scatterReduce_mean',
  'scatterReduce_amax',
  'scatterReduce_amin_exclude_self',
  'indexAdd_alpha',
  'indexCopy',
  'indexFill_tensor_value',
  'maskedFill_tensor_value_bcast',
];

/** construction.json cases whose forward-mode derivatives (jvp, dual numbers) are checked against the Jacobian. */
export const CONSTRUCTION_FORWARD: readonly string[] = [
  'diagonal_dims',
  'diagEmbed_offset',
  'cumprod_one_zero',
  'logcumsumexp',
  'scatterReduce_mean_exclude_self',
  'scatterReduce_amax',
  'indexAdd_alpha',
  'maskedFill_tensor_value',
];

/** The tensor of a case's argument `i` (decoded), or undefined. */
function tensorArg(c: OpCase, i: number): { shape: number[]; data: number[] } | undefined {
  const a = c.args[i] as EncodedArg | undefined;
  return a !== undefined && 'tensor' in a ? { shape: a.tensor.shape, data: decodeData(a.tensor) } : undefined;
}

/**
 * Why finite differences cannot agree with PyTorch's gradient (then only the
 * fixture's PyTorch gradient is checked): inputs too large for the step, ties in amax/amin, where PyTorch
 * shares the gradient, and positions written twice by scatter/indexCopy, where
 * PyTorch's formula gives every copy the gradient though only the last lands.
 */
function notDifferentiable(c: OpCase): string | undefined {
  if (c.name.includes('_ties')) return 'amax/amin ties';
  if (c.name === 'logcumsumexp_large') return 'an input of -1e30: a step of 1e-6 is below its precision';
  const index = tensorArg(c, 2);
  const dim = c.args[1] && 'value' in c.args[1] ? (c.args[1].value as number) : 0;
  if (index === undefined || (c.op !== 'scatter' && c.op !== 'indexCopy') || tensorArg(c, 3) === undefined) return undefined;
  const targets = new Set<string>();
  const strides = index.shape.map((_, k) => index.shape.slice(k + 1).reduce((p, s) => p * s, 1));
  const rank = index.shape.length;
  for (let p = 0; p < index.data.length; p++) {
    const coords = strides.map((s, k) => Math.floor(p / s) % index.shape[k]!);
    if (rank !== 0) coords[c.op === 'indexCopy' ? 0 : (dim + rank) % rank] = index.data[p]!;
    const key = c.op === 'indexCopy' ? String(index.data[p]) : coords.join(',');
    if (targets.has(key)) return 'a position written twice';
    targets.add(key);
  }
  return undefined;
}

export function constructionOpCases(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));
  const secondOrder = casesNamed('gradgradcheck (CONSTRUCTION_SECOND_ORDER)', CONSTRUCTION_SECOND_ORDER, constructionCases);
  const forward = casesNamed('forward mode (CONSTRUCTION_FORWARD)', CONSTRUCTION_FORWARD, constructionCases);

  if (ctx.supportsFloat64) {
    t.describe(`conformance on '${ctx.device}': construction, shape and scatter ops: gradcheck, gradgradcheck, forward mode`, () => {
      for (const c of constructionCases) {
        if (c.grads === undefined || notDifferentiable(c) !== undefined) continue;
        it(`gradcheck ${c.name}`, () => {
          const f = asFunction(c, ctx.device);
          if (f !== undefined) g.autograd.gradcheck(f.fn, f.inputs, { eps: 1e-6, atol: 1e-5, rtol: 1e-3 });
        });
      }
      for (const c of secondOrder) {
        it(`gradgradcheck ${c.name}`, () => {
          const f = asFunction(c, ctx.device)!;
          g.autograd.gradgradcheck(f.fn as (...xs: Tensor[]) => Tensor, f.inputs, undefined, { atol: 1e-5, rtol: 1e-3 });
        });
      }
      for (const c of forward) {
        it(`jvp = J·v for ${c.name}`, () => {
          const f = asFunction(c, ctx.device)!;
          const fn = (...xs: Tensor[]) => f.fn(...xs) as Tensor;
          const vs = f.inputs.map((x) => g.randnLike(x));
          const jac = g.autograd.functional.jacobian(fn, f.inputs) as Tensor[];
          const out = g.noGrad(() => fn(...f.inputs));
          let expected = g.zeros(out.shape, { dtype: 'float64' });
          jac.forEach((J, i) => {
            expected = expected.add(J.reshape(out.numel(), -1).matmul(vs[i]!.reshape(-1)).reshape(out.shape));
          });
          const [, jv] = g.autograd.functional.jvp(fn, f.inputs, vs);
          assertClose(Array.from(jv.dataSync()), Array.from(expected.dataSync()), { atol: 1e-9, rtol: 1e-7 }, 'jvp');
        });
      }
    });
  }

  t.describe(`conformance on '${ctx.device}': construction, shape and scatter ops: views, in-place forms, errors`, () => {
    const i32 = (values: number[] | number[][]) => g.tensor(values, { dtype: 'int32' });
    const values = (x: Tensor) => Array.from(x.dataSync());
    const exact = { atol: 0, rtol: 0 };

    it('views: diagonal, movedim, unflatten, unbind and the splits share storage with their input (writes show through)', () => {
      const x = g.zeros(3, 4);
      x.diagonal().fill_(1);
      assertClose(values(x), values(g.eye(3, 4)), exact, 'a write through diagonal()');
      const base = g.arange(12, { dtype: 'float32' }).reshape(3, 4);
      const views = [
        base.diagonal(1),
        base.movedim(0, 1),
        base.unflatten(1, [2, 2]),
        ...base.unbind(1),
        ...base.tensorSplit(2),
        ...base.hsplit(2),
        ...base.vsplit([1]),
        base.swapaxes(0, 1),
      ];
      const before = views.map(values);
      base.add_(100);
      views.forEach((v, k) =>
        assertClose(
          values(v),
          before[k]!.map((e) => e + 100),
          exact,
          `view ${k} sees the write`,
        ),
      );
    });

    it('copies: tril, triu, diag, diagEmbed, roll, rot90, repeatInterleave, tile, cumprod and every scatter op do not alias their input', () => {
      const x = g.tensor([
        [1, 2],
        [3, 4],
      ]);
      const idx = i32([[0], [1]]);
      const outs = [
        x.tril(),
        x.triu(),
        x.diag(),
        x.diagEmbed(),
        x.roll(0, 0),
        x.rot90(4),
        x.repeatInterleave(1),
        x.tile(1),
        x.cumprod(0),
        x.scatter(1, idx.narrow(0, 0, 0), 0),
        x.scatterAdd(1, idx, x),
        x.scatterReduce(1, idx, x, 'amax'),
        x.indexAdd(0, i32([0]), x.narrow(0, 0, 1)),
        x.indexCopy(0, i32([]), x.narrow(0, 0, 0)),
        x.indexFill(0, i32([]), 5),
        x.maskedFill(g.tensor([false]), 5),
      ];
      const before = outs.map(values);
      x.add_(10);
      outs.forEach((o, k) => assertClose(values(o), before[k]!, exact, `result ${k} is a copy`));
    });

    it('in-place forms return this, bump the version, equal the out-of-place result and join the graph', () => {
      const idx = i32([[1], [0]]);
      const src = g.tensor([[5], [6]]);
      const cases: [string, (t: Tensor) => Tensor, (t: Tensor) => Tensor][] = [
        ['scatter_', (t) => t.scatter_(1, idx, src), (t) => t.scatter(1, idx, src)],
        ['scatterAdd_', (t) => t.scatterAdd_(1, idx, src), (t) => t.scatterAdd(1, idx, src)],
        ['scatterReduce_', (t) => t.scatterReduce_(1, idx, src, 'prod'), (t) => t.scatterReduce(1, idx, src, 'prod')],
        ['indexAdd_', (t) => t.indexAdd_(0, i32([1]), src.t(), { alpha: 2 }), (t) => t.indexAdd(0, i32([1]), src.t(), { alpha: 2 })],
        ['indexCopy_', (t) => t.indexCopy_(1, i32([0]), src), (t) => t.indexCopy(1, i32([0]), src)],
        ['indexFill_', (t) => t.indexFill_(1, i32([1]), -1), (t) => t.indexFill(1, i32([1]), -1)],
        ['maskedFill_', (t) => t.maskedFill_(g.tensor([true, false]), 3), (t) => t.maskedFill(g.tensor([true, false]), 3)],
        ['tril_', (t) => t.tril_(), (t) => t.tril()],
        ['triu_', (t) => t.triu_(1), (t) => t.triu(1)],
        ['cumprod_', (t) => t.cumprod_(1), (t) => t.cumprod(1)],
      ];
      for (const [name, inPlace, outOfPlace] of cases) {
        const t = g.tensor([
          [1, 2],
          [3, 4],
        ]);
        const expected = values(outOfPlace(t));
        const version = t.version;
        assertEqual(inPlace(t), t, `${name} returns this`);
        assertEqual(t.version, version + 1, `${name} bumps the version`);
        assertClose(values(t), expected, exact, name);
        // On a non-leaf that requires grad it joins the graph, as PyTorch's.
        const leaf = g.tensor(
          [
            [1, 2],
            [3, 4],
          ],
          { requiresGrad: true },
        );
        const y = leaf.mul(1);
        inPlace(y);
        if (y.gradFn === null || y.gradFn.name === 'MulBackward0') fail(`${name} on a non-leaf should record its own node`);
        assertThrows(() => inPlace(g.ones(2, 2, { requiresGrad: true })), [name, 'leaf'], `${name} on a leaf that requires grad`);
      }
    });

    it("PyTorch's node names (grad_fn)", () => {
      const x = g.ones(3, 3, { requiresGrad: true });
      const v = g.ones([], { requiresGrad: true });
      const idx = i32([[0, 1, 2]]);
      const names: [Tensor, string][] = [
        [x.tril(), 'TrilBackward0'],
        [x.triu(), 'TriuBackward0'],
        [x.diag(), 'DiagBackward0'],
        [x.diagonal(), 'DiagonalBackward0'],
        [x.diagEmbed(), 'DiagEmbedBackward0'],
        [x.roll(1), 'RollBackward0'],
        [x.rot90(), 'Rot90Backward0'],
        [x.repeatInterleave(2), 'IndexSelectBackward0'],
        [x.tile(2), 'RepeatBackward0'],
        [x.movedim(0, 1), 'PermuteBackward0'],
        [x.unflatten(0, [3, 1]), 'ViewBackward0'],
        [x.unbind()[0]!, 'UnbindBackward0'],
        [x.tensorSplit(2)[0]!, 'SliceBackward0'],
        [g.meshgrid(x.select(0, 0), x.select(1, 0), { indexing: 'ij' })[0]!, 'ExpandBackward0'],
        [g.cartesianProd(x.select(0, 0), x.select(0, 1)), 'StackBackward0'],
        [x.cumprod(0), 'CumprodBackward0'],
        [x.logcumsumexp(0), 'LogcumsumexpBackward0'],
        [x.scatter(0, idx, x), 'ScatterBackward0'],
        [x.scatter(0, idx, 1), 'ScatterBackward1'],
        [x.scatter(0, idx, x, { reduce: 'add' }), 'torch::autograd::NotImplemented'],
        [x.scatterAdd(0, idx, x), 'ScatterAddBackward0'],
        [x.scatterReduce(0, idx, x, 'amax'), 'ScatterReduceBackward0'],
        [x.indexAdd(0, i32([0]), x.narrow(0, 0, 1)), 'IndexAddBackward0'],
        [x.indexCopy(0, i32([0]), x.narrow(0, 0, 1)), 'IndexCopyBackward0'],
        [x.indexFill(0, i32([0]), 1), 'IndexFillBackward0'],
        [x.indexFill(0, i32([0]), v), 'IndexFillBackward1'],
        [x.maskedFill(g.tensor([true, false, true]), 1), 'MaskedFillBackward0'],
        [x.maskedFill(g.tensor([true, false, true]), v), 'MaskedFillBackward1'],
      ];
      assertEqual(names.map(([y]) => y.gradFn?.name).join(), names.map(([, n]) => n).join(), 'names');
    });

    it('scatter with a reduce records no derivative: backward raises, as in PyTorch', () => {
      const x = g.ones(3, { requiresGrad: true });
      const y = x.scatter(0, i32([0, 0]), x.narrow(0, 0, 2), { reduce: 'add' });
      assertClose(values(y), [3, 1, 1], exact, 'forward');
      assertThrows(() => y.sum().backward(), ['derivative for aten::scatter is not implemented'], 'backward');
    });

    it('scatterReduce prod: a second derivative through two zeros sent to one position raises (DelayedError), the first is exact', () => {
      const dtype = ctx.supportsFloat64 ? 'float64' : 'float32';
      const src = g.tensor([0, 2, 0], { dtype, requiresGrad: true });
      const y = g.scatterReduce(g.tensor([3], { dtype }), 0, i32([0, 0, 0]), src, 'prod');
      const [grad] = g.autograd.grad(y.sum(), src, { createGraph: true });
      assertClose(values(grad!), [0, 0, 0], exact, 'first derivative');
      assertThrows(
        () => grad!.sum().backward(),
        ['Double backward is unsupported for src when >1 zeros in src are scattered to the same position'],
        'second',
      );
    });

    it('repeated indices are deterministic: scatter and indexCopy keep the last, scatterAdd and indexAdd sum (PyTorch CPU)', () => {
      g.manualSeed(5);
      const n = 64;
      const index = g.randint(0, 4, [n]);
      const src = g.arange(n, { dtype: 'float32' });
      const ids = Array.from(index.dataSync());
      const last = [0, 0, 0, 0];
      const sums = [0, 0, 0, 0];
      ids.forEach((j, k) => {
        last[j] = k;
        sums[j]! += k;
      });
      const seen = [0, 1, 2, 3].map((j) => ids.includes(j));
      const lastExpected = last.map((v, j) => (seen[j] ? v : -1));
      assertClose(values(g.full([4], -1).scatter(0, index, src)), lastExpected, exact, 'scatter');
      assertClose(values(g.full([4], -1).indexCopy(0, index, src)), lastExpected, exact, 'indexCopy');
      assertClose(values(g.zeros(4).scatterAdd(0, index, src)), sums, exact, 'scatterAdd');
      assertClose(values(g.zeros(4).indexAdd(0, index, src)), sums, exact, 'indexAdd');
    });

    it('bounds, on every device: an index out of range is an error naming the op, the dim and the size (on a GPU at the next read)', () => {
      const cases: [string, () => Tensor, string[]][] = [
        ['scatter', () => g.zeros(2, 3).scatter(1, i32([[3]]), 1), ['scatter', 'out of bounds', 'dimension 1', 'size 3']],
        [
          'scatterAdd',
          () => g.zeros(2, 3).scatterAdd(0, i32([[-1]]), g.ones(1, 1)),
          ['scatterAdd', 'out of bounds', 'dimension 0', 'size 2'],
        ],
        ['scatterReduce', () => g.zeros(4).scatterReduce(0, i32([4]), g.ones(1), 'amax'), ['scatterReduce', 'out of bounds', 'size 4']],
        ['indexAdd', () => g.zeros(3).indexAdd(0, i32([3]), g.ones(1)), ['index out of range in self', 'indexAdd']],
        ['indexCopy', () => g.zeros(3).indexCopy(0, i32([-1]), g.ones(1)), ['indexCopy', 'out of bounds', 'size 3']],
        ['indexFill', () => g.zeros(3).indexFill(0, i32([-4]), 1), ['indexFill', 'out of bounds', 'dimension 0', 'size 3']],
        ['oneHot', () => g.oneHot(i32([0, 5]), 3), ['Class values must be smaller than num_classes.']],
      ];
      for (const [name, fn, patterns] of cases) assertThrows(() => fn().dataSync(), patterns, name);
      assertClose(values(g.ones(1)), [1], exact, 'a read after the failed checks is clean');
    });

    it('integers never wrap: an int32 sum or product out of range raises naming the op and how to get the value', () => {
      const big = g.tensor([2 ** 30, 2 ** 30], { dtype: 'int32' });
      assertThrows(
        () =>
          g
            .zeros(1, { dtype: 'int32' })
            .scatterAdd(0, i32([0, 0]), big)
            .dataSync(),
        ['scatter_add', 'int32', 'double()'],
        'scatterAdd',
      );
      assertThrows(
        () =>
          g
            .ones(1, { dtype: 'int32' })
            .scatterReduce(0, i32([0, 0]), big, 'prod')
            .dataSync(),
        ['scatter_reduce', 'int32'],
        'prod',
      );
      assertThrows(() => big.cumprod(0).dataSync(), ['cumprod', 'int32', 'double()'], 'cumprod');
    });

    it('shapes past the edge: diag with an offset beyond the matrix is empty (PyTorch 1.13 overflows there)', () => {
      assertEqual(g.diag(g.ones(3, 3), 4).shape.join(), '0', 'diag');
      assertEqual(g.diag(g.ones(3, 3), -7).shape.join(), '0', 'diag below');
    });

    it('meshgrid and cartesianProd take the tensors spread or as one array', () => {
      const a = g.tensor([1, 2]);
      const b = g.tensor([3, 4, 5]);
      const spread = g.meshgrid(a, b, { indexing: 'xy' });
      const list = g.meshgrid([a, b], { indexing: 'xy' });
      spread.forEach((s, k) => assertClose(values(s), values(list[k]!), exact, `meshgrid ${k}`));
      assertClose(values(g.cartesianProd(a, b)), values(g.cartesianProd([a, b])), exact, 'cartesianProd');
    });
  });

  // The composite that stands in for a backend without the optional kernel, on this device.
  const fallbackOps = new Set(['scatter', 'scatterReduce', 'indexCopy']);
  t.describe(`conformance on '${ctx.device}': scatter ops without the optional scatterReduce kernel (core's composite)`, () => {
    for (const c of constructionCases) {
      if (!fallbackOps.has(c.op) || !runsOn(c, ctx.supportsFloat64)) continue;
      it(`${c.name} (composite)`, () =>
        withoutKernel(() => {
          checkForward(c, ctx);
          if (c.grads !== undefined) checkGradients(c, ctx);
        }));
    }
  });
}

/** Runs `fn` with the current backend's `scatterReduce` kernel hidden (restored after). */
function withoutKernel(fn: () => void): void {
  const backend = g.getBackend() as unknown as Record<string, unknown>;
  const own = Object.getOwnPropertyDescriptor(backend, 'scatterReduce');
  Object.defineProperty(backend, 'scatterReduce', { value: undefined, configurable: true, writable: true });
  try {
    fn();
  } finally {
    if (own !== undefined) Object.defineProperty(backend, 'scatterReduce', own);
    else delete backend['scatterReduce'];
  }
}
