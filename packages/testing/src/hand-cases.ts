/**
 * Cases worked out by hand or from identities: views and in-place semantics,
 * type promotion, memory accounting, and the errors bad input must give.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { assertClose, assertEqual, assertThrows, fail } from './assert.js';
import type { TestApi } from './index.js';

interface Context {
  device: string;
  otherDevice: string | undefined;
  inDevice<T>(fn: () => T): T;
  supportsFloat64: boolean;
}

const close = { atol: 1e-5, rtol: 1e-4 };

function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

export function handWorkedCases(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void | Promise<void>) => t.it(name, () => ctx.inDevice(fn));

  t.describe(`conformance on '${ctx.device}': identities`, () => {
    it('inverse(A) @ A is the identity', () => {
      g.manualSeed(1);
      const a = g.randn(5, 5).add(g.eye(5).mul(5));
      assertClose(values(a.inverse().matmul(a)), values(g.eye(5)), close, 'inv(A)A');
    });
    it('det(AB) = det(A) det(B), and logdet = log det for a positive definite matrix', () => {
      g.manualSeed(2);
      const a = g.randn(4, 4);
      const b = g.randn(4, 4);
      assertClose(
        [a.matmul(b).det().item() as number],
        [(a.det().item() as number) * (b.det().item() as number)],
        { atol: 1e-4, rtol: 1e-4 },
        'det',
      );
      const spd = a.matmul(a.t()).add(g.eye(4));
      assertClose([spd.logdet().item() as number], [Math.log(spd.det().item() as number)], close, 'logdet');
    });
    it('det of a permutation matrix is its sign; a 2x2 det by hand', () => {
      assertEqual(
        g
          .tensor([
            [0, 1],
            [1, 0],
          ])
          .det()
          .item(),
        -1,
        'det swap',
      );
      assertEqual(
        g
          .tensor([
            [3, 8],
            [4, 6],
          ])
          .det()
          .item(),
        -14,
        'det 2x2',
      );
    });
    it('softmax rows sum to one and survive huge logits; logsumexp([1000, 1000]) = 1000 + ln 2', () => {
      const s = g
        .tensor([
          [1000, 999, -1000],
          [1, 2, 3],
        ])
        .softmax(1);
      assertClose(values(s.sum(1)), [1, 1], close, 'row sums');
      assertClose(values(s.isfinite().float()), [1, 1, 1, 1, 1, 1], close, 'finite');
      assertClose([g.tensor([1000, 1000]).logsumexp(0).item() as number], [1000 + Math.LN2], { atol: 1e-3, rtol: 0 }, 'lse');
      assertClose(values(g.tensor([[-Infinity, 0]]).logSoftmax(1)), [-Infinity, 0], close, 'log-softmax of -inf');
    });
    it('transposing twice, and multiplying by the identity, change nothing', () => {
      g.manualSeed(3);
      const x = g.randn(3, 4);
      assertClose(values(x.t().t()), values(x), { atol: 0, rtol: 0 }, 'tt');
      assertClose(values(x.matmul(g.eye(4))), values(x), { atol: 0, rtol: 0 }, 'x I');
    });
    it('a large matmul agrees with a double-precision loop', () => {
      g.manualSeed(4);
      const m = 70,
        k = 130,
        n = 90;
      const a = g.randn(m, k);
      const b = g.randn(k, n);
      const av = values(a),
        bv = values(b);
      const expected: number[] = [];
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += av[i * k + p]! * bv[p * n + j]!;
          expected.push(s);
        }
      assertClose(values(a.matmul(b)), expected, { atol: 1e-4, rtol: 1e-4 }, 'matmul');
      assertClose(values(b.t().matmul(a.t()).t()), expected, { atol: 1e-4, rtol: 1e-4 }, 'transposed matmul');
    });
    it('overflow and edge values follow IEEE as PyTorch does', () => {
      assertClose(values(g.tensor([1000]).exp()), [Infinity], close, 'exp overflow');
      assertClose(values(g.tensor([0]).log()), [-Infinity], close, 'log 0');
      assertClose(values(g.tensor([-1000, 1000]).sigmoid()), [0, 1], close, 'sigmoid saturates');
      assertClose(values(g.tensor([-1]).sqrt()), [NaN], close, 'sqrt(-1)');
      assertClose(values(g.tensor([NaN, 1]).amax()), [NaN], close, 'max propagates nan');
      assertClose(values(g.tensor([NaN, 1]).argmax()), [0], close, 'argmax picks nan');
    });
  });

  t.describe(`conformance on '${ctx.device}': views and in-place ops`, () => {
    it('views share storage and write through; the version counter is shared', () => {
      const a = g.arange(6, { dtype: 'float32' });
      const v = a.view(2, 3);
      const row = v.select(0, 1);
      row.add_(10);
      assertClose(values(a), [0, 1, 2, 13, 14, 15], close, 'write through select');
      assertEqual(a.version, 1, 'base version');
      assertEqual(v.version, 1, 'view version');
      v.t().narrow(0, 0, 1).mul_(2);
      assertClose(values(a), [0, 1, 2, 26, 14, 15], close, 'write through t().narrow()');
      a.slice(0, 0, 6, 2).zero_();
      assertClose(values(a), [0, 1, 0, 26, 0, 15], close, 'write through a strided slice');
      assertEqual(a.version, 3, 'three in-place ops');
    });
    it('a write through a permuted, twice-narrowed 3-D view lands where its strides say', () => {
      const a = g.zeros(24);
      const v = a.view(2, 3, 4).permute(2, 0, 1).narrow(0, 1, 2).narrow(2, 1, 2); // v[i][j][k] = a[12j + 4(k+1) + i+1]
      v.copy_(g.arange(8, { dtype: 'float32' }).view(2, 2, 2));
      const expected = new Array<number>(24).fill(0);
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) expected[12 * j + 4 * (k + 1) + i + 1] = 4 * i + 2 * j + k;
      assertClose(values(a), expected, close, 'permuted narrowed write');
      v.mul_(-1);
      assertClose(
        values(a),
        expected.map((x) => -x),
        close,
        'permuted narrowed mul_',
      );
    });
    it('gather with an expanded index, from an expanded input, and its gradient', () => {
      const x = g.tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        { requiresGrad: true },
      );
      const idx = g.tensor([[2, 0]], { dtype: 'int32' }).expand(2, 2);
      const picked = x.gather(1, idx);
      assertClose(values(picked), [3, 1, 6, 4], close, 'expanded index');
      picked.sum().backward();
      assertClose(values(x.grad!), [1, 0, 1, 1, 0, 1], close, 'scatter-add through an expanded index');
      const row = g.tensor([[1, 2, 3]]).expand(2, 3);
      assertClose(values(row.gather(1, g.tensor([[2], [1]], { dtype: 'int32' }))), [3, 2], close, 'expanded input');
    });
    it('view ops do not copy; reshape copies only when it must', () => {
      const a = g.zeros(3, 4);
      for (const v of [a.view(12), a.t(), a.unsqueeze(0), a.narrow(1, 1, 2), a.expand(2, 3, 4), a.permute(1, 0), a.reshape(4, 3)]) {
        if (v.storage !== a.storage) fail('a view op copied');
      }
      if (a.t().reshape(12).storage === a.storage) fail('reshape of a transposed tensor must copy');
      assertThrows(() => a.t().view(12), ['view', 'not compatible', '[12]', '[4, 3]'], 'view of non-contiguous');
      assertEqual(a.t().isContiguous(), false, 't() is not contiguous');
      assertEqual(a.t().contiguous().isContiguous(), true, 'contiguous()');
      assertEqual(a.contiguous(), a, 'contiguous() of a contiguous tensor is itself');
    });
    it('a 0-d tensor views as any shape of ones, with strides of 1 (PyTorch 1.13), and back', () => {
      const base = g.tensor([1, 2, 3]);
      // A plain scalar, a loss (the result of a reduction), and a 0-d view at an offset into an expanded tensor.
      for (const s of [g.tensor(2.5), base.sum(), base.index(1), base.expand(2, 3).index(1, 2)]) {
        for (const shape of [[1], [-1], [1, 1], [1, 1, 1], [1, -1], []]) {
          const v = s.view(shape);
          assertEqual(JSON.stringify(v.shape), JSON.stringify(shape.map(() => 1)), `shape of view(${shape})`);
          assertEqual(JSON.stringify(v.stride()), JSON.stringify(shape.map(() => 1)), `strides of view(${shape})`);
          assertEqual(v.storage, s.storage, 'a view');
          assertEqual(v.item(), s.item(), 'the element');
          assertEqual(v.view([]).item(), s.item(), 'and back to 0-d');
        }
        assertThrows(() => s.view(2), ["shape '[2]' is invalid for input of size 1"], 'more elements');
      }
    });
    it("an op's result is its own tensor, never a view of the op's intermediate: in-place ops on it work in autograd (PyTorch 1.13)", () => {
      // Each once ended in a squeeze, reshape or permute of a tensor made inside the op, and add_ was refused as on a view.
      const ops: [string, (x: Tensor) => Tensor][] = [
        ["einsum('ij->i')", (x) => g.einsum('ij->i', x)],
        ["einsum('ij->j')", (x) => g.einsum('ij->j', x)],
        ['max(1).values', (x) => x.max(1).values],
        ['min(0).values', (x) => x.min(0).values],
        ['median(1).values', (x) => x.median(1).values],
      ];
      for (const [name, f] of ops) {
        const x = g.tensor(
          [
            [1.5, 0.5, 2.5],
            [0.25, 3, 1],
          ],
          { requiresGrad: true },
        );
        const y = f(x);
        const expected = g.noGrad(() => f(x).add(1));
        y.add_(1);
        assertClose(values(y.detach()), values(expected), close, `${name}: the in-place result`);
        y.sum().backward();
        const want = g.autograd.grad(f(x).sum(), x)[0]!;
        assertClose(values(x.grad!), values(want), close, `${name}: the gradient through the in-place op`);
      }
      // A view of an input stays a view: a write through it reaches the input.
      const x = g.tensor([
        [1, 2],
        [3, 4],
      ]);
      g.einsum('ij->ji', x).fill_(0);
      assertClose(values(x), [0, 0, 0, 0], close, "einsum('ij->ji') is a view of its input");
    });
    it('the list ops take their dim positionally or as { dim }, as PyTorch takes dim= (cat, stack, split, chunk)', () => {
      const a = g.arange(6).reshape(2, 3);
      const b = a.add(10);
      const same = (x: Tensor | Tensor[], y: Tensor | Tensor[], what: string) =>
        assertEqual(
          JSON.stringify([x].flat().map((t) => [t.shape, t.tolist()])),
          JSON.stringify([y].flat().map((t) => [t.shape, t.tolist()])),
          what,
        );
      for (const dim of [0, 1, -1]) {
        same(g.cat([a, b], { dim }), g.cat([a, b], dim), `cat dim ${dim}`);
        same(g.stack([a, b], { dim }), g.stack([a, b], dim), `stack dim ${dim}`);
        same(a.split(1, { dim }), a.split(1, dim), `split dim ${dim}`);
        const sections = [1, a.shape.at(dim)! - 1];
        same(g.split(a, sections, { dim }), g.split(a, sections, dim), `split sections dim ${dim}`);
        same(a.chunk(2, { dim }), a.chunk(2, dim), `chunk dim ${dim}`);
      }
      assertEqual(JSON.stringify(g.cat([a, b], { dim: 1 }).shape), '[2,6]', 'cat along 1');
      assertEqual(JSON.stringify(g.stack([a, b], { dim: 1 }).shape), '[2,2,3]', 'stack along 1');
      assertThrows(() => g.cat([a, b], 1, { dim: 1 }), ["cat() got multiple values for argument 'dim'"], 'dim twice');
      assertThrows(() => g.stack([a, b], { dim: 0.5 }), ["stack(): argument 'dim' must be an integer"], 'a fractional dim');
    });
    it('a reduction over an empty dim list is over every dim, and so is its gradient (x.var([]) is x.var())', () => {
      const x = g.tensor(
        [
          [1.5, -2, 0.25],
          [3, 0.5, -1],
        ],
        { requiresGrad: true },
      );
      for (const op of ['sum', 'mean', 'amax', 'amin', 'var', 'std', 'norm'] as const) {
        const all = (t: Tensor) => (op === 'norm' ? t.norm() : t[op]());
        const none = (t: Tensor) => (op === 'norm' ? t.norm(2, []) : t[op]([]));
        assertClose(values(none(x).detach()), values(all(x).detach()), close, `${op}([]): the value`);
        const [want] = g.autograd.grad(all(x), x);
        const [got] = g.autograd.grad(none(x), x);
        assertClose(values(got!), values(want!), close, `${op}([]): the gradient`);
      }
    });
    it('expand gives stride 0; in-place ops broadcast their argument, never themselves', () => {
      const a = g.tensor([[1], [2]]).expand(2, 3);
      assertEqual(JSON.stringify(a.stride()), '[1,0]', 'expanded strides');
      const b = g.zeros(2, 3);
      b.add_(g.tensor([1, 2, 3]));
      assertClose(values(b), [1, 2, 3, 1, 2, 3], close, 'add_ broadcast');
      assertThrows(() => g.zeros(3).add_(g.zeros(2, 3)), ['add_', '[3]', '[2, 3]'], 'in-place cannot grow');
      assertThrows(
        () => g.zeros(3, { dtype: 'int32' }).add_(0.5),
        ['add_', 'float32', 'int32'],
        'in-place cannot narrow the type category',
      );
      for (const [op, write] of [
        ['add_', (x: g.Tensor) => x.add_(1)],
        ['copy_', (x: g.Tensor) => x.copy_(g.ones(2, 3))],
        ['fill_', (x: g.Tensor) => x.fill_(1)],
      ] as const) {
        assertThrows(
          () => write(g.zeros(3).expand(2, 3)),
          [op, 'more than one element of the written-to tensor', '[2, 3]', 'clone()'],
          `${op} into an expanded tensor`,
        );
      }
      const single = g.zeros(1, 3).expand(1, 3); // size-1 dims with stride 0 hold no element twice
      single.add_(1);
      assertClose(values(single), [1, 1, 1], close, 'add_ on an expand of size-1 dims');
    });
    it('copy_, fill_, clamp_ and the random fills write in place', () => {
      const a = g.zeros(2, 2);
      a.t().copy_(
        g.tensor([
          [1, 2],
          [3, 4],
        ]),
      );
      assertClose(values(a), [1, 3, 2, 4], close, 'copy_ into a transposed view');
      a.fill_(7);
      assertClose(values(a), [7, 7, 7, 7], close, 'fill_');
      // Values a dtype holds: infinities into float32, and int32 truncating toward zero.
      assertEqual(values(g.zeros(2).fill_(-Infinity))[0], -Infinity, 'fill_(-Infinity)');
      assertClose(values(g.zeros(2, { dtype: 'int32' }).fill_(-2.7)), [-2, -2], close, 'fill_(-2.7) into int32');
      a.clamp_(0, 5);
      assertClose(values(a), [5, 5, 5, 5], close, 'clamp_');
      g.manualSeed(0);
      const u = g.empty(1000).uniform_(-2, 3);
      const uv = values(u);
      if (Math.min(...uv) < -2 || Math.max(...uv) >= 3) fail('uniform_ out of range');
      const n = g.empty(4000).normal_(1, 2);
      assertClose([n.mean().item() as number, n.std().item() as number], [1, 2], { atol: 0.15, rtol: 0 }, 'normal_ moments');
    });
    it('an in-place write of values that do not come from the graph gives the overwritten elements a zero gradient', () => {
      // PyTorch's FillBackward0 / CopyBackwards / UniformBackward0 / BernoulliBackward: zeros for the old values.
      const writes: [string, (y: Tensor) => unknown][] = [
        ['fill_', (y) => y.fill_(5)],
        ['zero_', (y) => y.zero_()],
        ['fill_ with a 0-d tensor', (y) => y.fill_(g.tensor(5))],
        ['copy_ from a tensor without grad', (y) => y.copy_(g.zeros(3))],
        ['uniform_', (y) => y.uniform_()],
        ['bernoulli_', (y) => y.bernoulli_(0.5)],
      ];
      for (const [name, write] of writes) {
        const x = g.tensor([1, 2, 3]).requiresGrad_();
        const y = x.mul(2);
        write(y);
        if (!y.requiresGrad) fail(`${name}: the written tensor no longer requires grad`);
        y.mul(g.tensor([1, 2, 3]))
          .sum()
          .backward();
        assertClose(values(x.grad!), [0, 0, 0], close, `${name}: gradient of the overwritten values`);
      }
      // copy_ from a tensor with grad: the gradient goes to the source only.
      const x = g.tensor([1, 2, 3]).requiresGrad_();
      const s = g.tensor([4, 5, 6]).requiresGrad_();
      x.mul(2).copy_(s.mul(3)).sum().backward();
      assertClose(values(x.grad!), [0, 0, 0], close, 'copy_: gradient of the overwritten values');
      assertClose(values(s.grad!), [3, 3, 3], close, 'copy_: gradient of the source');
      // A view of a graph cannot be cut on its own (its base's graph would need rebasing): refused, nothing written.
      const base = g.tensor([1, 2, 3]).requiresGrad_().mul(2);
      assertThrows(() => base.narrow(0, 0, 2).fill_(5), ['fill_', 'in-place operation on a view', '[2]'], 'fill_ on a view of a graph');
      assertClose(values(base), [2, 4, 6], close, 'nothing written by the refused fill_');
    });
    it("a view made before an in-place op changed its base's graph is refused in autograd; one made after, or used before, is right", () => {
      for (const [name, write] of [
        ['mul_', (y: Tensor) => y.mul_(3)],
        ['fill_', (y: Tensor) => y.fill_(0.5)],
        ['sin_', (y: Tensor) => y.sin_()],
      ] as const) {
        const x = g.tensor([1, 2, 3, 4]).requiresGrad_();
        const y = x.mul(2);
        const before = y.narrow(0, 1, 2);
        const usedBefore = before.sum(); // recorded while the view's graph was the base's
        write(y);
        // Its node leads to y's old graph: PyTorch rebuilds it, Graft refuses rather than give a wrong gradient.
        assertThrows(() => before.sum(), ['view', 'in-place operation', 'Take the view again'], `${name}: a stale view in a new op`);
        assertThrows(() => before.backward(g.ones(2)), ['view', 'in-place operation'], `${name}: backward from a stale view`);
        const after = y.narrow(0, 1, 2);
        after.sum().add(usedBefore).backward();
        const expected = { mul_: [0, 8, 8, 0], fill_: [0, 2, 2, 0], sin_: [0, 2 + 2 * Math.cos(4), 2 + 2 * Math.cos(6), 0] }[name];
        assertClose(values(x.grad!), expected, close, `${name}: a view taken after the write, plus one used before it`);
      }
      // A write outside the graph (noGrad) leaves the views' graphs as they are.
      const x = g.tensor([1, 2, 3]).requiresGrad_();
      const y = x.mul(2);
      const v = y.narrow(0, 0, 2);
      g.noGrad(() => y.add_(1));
      v.sum().backward();
      assertClose(values(x.grad!), [2, 2, 0], close, 'a view after a write under noGrad');
    });
    it('backward takes its options alone, and refuses a gradient that is not a tensor or a number', () => {
      const x = g.tensor([1, 2, 3]).requiresGrad_();
      const y = x.mul(x).sum();
      y.backward({ retainGraph: true });
      y.backward();
      assertClose(values(x.grad!), [4, 8, 12], close, 'two backward passes through a retained graph');
      assertThrows(
        () =>
          x
            .mul(2)
            .sum()
            .backward('oops' as never),
        ['backward', 'Tensor or a number', 'string'],
        'a string gradient',
      );
    });
    it("maximum and minimum give a NaN's gradient to both operands, ties half each, the loser 0 (PyTorch's masks)", () => {
      for (const op of ['maximum', 'minimum'] as const) {
        const a = g.tensor([1, 5, 2, Number.NaN]).requiresGrad_();
        const b = g.tensor([3, 2, 2, 1]).requiresGrad_();
        g[op](a, b).sum().backward();
        const expectA = op === 'maximum' ? [0, 1, 0.5, 1] : [1, 0, 0.5, 1];
        const expectB = op === 'maximum' ? [1, 0, 0.5, 1] : [0, 1, 0.5, 1];
        assertClose(values(a.grad!), expectA, close, `${op}: gradient of a`);
        assertClose(values(b.grad!), expectB, close, `${op}: gradient of b`);
      }
    });
    it('softmax and logSoftmax of a 0-d tensor are 1 and 0, with a zero gradient', () => {
      for (const v of [3.5, -2]) {
        for (let k = 0; k < 3; k++) g.tensor(123.25).mul(1).dispose(); // leave freed memory of the same size about
        const x = g.tensor(v).requiresGrad_();
        const s = x.softmax(0);
        const l = x.logSoftmax(-1);
        assertClose([s.item() as number, l.item() as number], [1, 0], close, `softmax, logSoftmax of tensor(${v})`);
        s.add(l).backward();
        assertClose([x.grad!.item() as number], [0], close, 'their gradient');
      }
    });
    it('split and chunk of an empty dim: as PyTorch, one piece for a size of 0, `chunks` empty pieces', () => {
      assertEqual(
        g
          .zeros(0)
          .chunk(3)
          .map((t) => t.shape.join())
          .join('|'),
        '0|0|0',
        'chunk(3) of an empty tensor',
      );
      assertEqual(
        g
          .zeros(0)
          .split(0)
          .map((t) => t.shape.join())
          .join('|'),
        '0',
        'split(0) of an empty tensor',
      );
      assertThrows(() => g.zeros(2).split(0), ['split', 'positive'], 'split(0) of a non-empty tensor');
    });
    it('flip, repeat, cat, stack, split and chunk by hand', () => {
      const x = g.tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      assertClose(values(x.flip(1)), [3, 2, 1, 6, 5, 4], close, 'flip');
      assertClose(values(x.repeat(1, 2)), [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6], close, 'repeat');
      assertClose(values(g.cat([x, x], 1)), [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6], close, 'cat');
      assertEqual(JSON.stringify(g.stack([x, x], 2).shape), '[2,3,2]', 'stack shape');
      assertEqual(JSON.stringify(x.split(2, 1).map((s) => s.shape)), '[[2,2],[2,1]]', 'split shapes');
      assertEqual(x.chunk(3, 1).length, 3, 'chunk count');
    });
  });

  t.describe(`conformance on '${ctx.device}': dtypes and promotion`, () => {
    it('creation dtypes follow the API contract', () => {
      assertEqual(
        g.tensor([
          [1, 2],
          [3, 4],
        ]).dtype,
        'float32',
        'numbers give float32',
      );
      assertEqual(g.tensor([true, false]).dtype, 'bool', 'booleans give bool');
      assertEqual(g.tensor(new Int32Array([1, 2])).dtype, 'int32', 'Int32Array gives int32');
      if (ctx.supportsFloat64) assertEqual(g.tensor(new Float64Array([1])).dtype, 'float64', 'Float64Array gives float64');
      assertEqual(g.arange(3).dtype, 'int32', 'integer arange');
      assertEqual(g.arange(0, 1, 0.5).dtype, 'float32', 'fractional arange');
      assertEqual(g.randint(0, 5, [2]).dtype, 'int32', 'randint');
      assertEqual(g.tensor([1, 5, 2]).argmax().dtype, 'int32', 'argmax');
      assertClose(values(g.linspace(0, 1, 5)), [0, 0.25, 0.5, 0.75, 1], close, 'linspace');
      assertClose(values(g.full([2], 7)), [7, 7], close, 'full');
      assertEqual(
        JSON.stringify(
          g
            .tensor([
              [1, 2],
              [3, 4],
            ])
            .tolist(),
        ),
        '[[1,2],[3,4]]',
        'tolist',
      );
      assertEqual(g.tensor([[true]]).item(), true, 'bool item');
    });
    it('PyTorch promotion: categories, 0-d tensors and plain numbers', () => {
      const i = g.tensor([1, 2], { dtype: 'int32' });
      assertEqual(i.add(1).dtype, 'int32', 'int + int number');
      assertEqual(i.add(0.5).dtype, 'float32', 'int + float number');
      assertEqual(i.div(2).dtype, 'float32', 'true division');
      assertEqual(i.eq(1).dtype, 'bool', 'comparison');
      assertEqual(g.tensor([true]).add(g.tensor([true])).dtype, 'bool', 'bool + bool');
      assertEqual(i.sum().dtype, 'int32', 'integer sum');
      assertEqual(g.tensor([true, true]).sum().item(), 2, 'bool sum counts');
      if (ctx.supportsFloat64) {
        const d0 = g.tensor(2, { dtype: 'float64' });
        assertEqual(g.ones(2).mul(d0).dtype, 'float32', '0-d float64 does not widen float32');
        assertEqual(g.ones(2).mul(g.ones(2, { dtype: 'float64' })).dtype, 'float64', 'dimmed float64 widens');
        assertEqual(i.mul(d0).dtype, 'float64', '0-d float64 lifts an int tensor');
      }
      // PyTorch's int64 holds 7e9 exactly: Graft's int32 raises instead of wrapping (see docs/core.md, "Integers").
      assertThrows(
        () => values(g.tensor([7, -7], { dtype: 'int32' }).mul(g.tensor([1e9, 1e9], { dtype: 'int32' }))),
        ['mul', 'int32', 'double()'],
        'int32 products do not wrap',
      );
    });
  });

  t.describe(`conformance on '${ctx.device}': memory accounting`, () => {
    it('tidy frees intermediates and keeps what it returns; dispose frees', () => {
      const before = g.memory().numTensors;
      const kept = g.tidy(() => {
        const a = g.ones(100);
        const b = a.mul(2).add(1);
        return b.sum();
      });
      assertEqual(g.memory().numTensors, before + 1, 'only the result survives');
      kept.dispose();
      assertEqual(g.memory().numTensors, before, 'dispose frees');
      const bytes = g.memory().numBytes;
      const big = g.zeros(1000);
      assertEqual(g.memory().numBytes - bytes, 4000, 'bytes of a float32 tensor');
      const view = big.view(10, 100);
      assertEqual(g.memory().numBytes - bytes, 4000, 'a view adds no bytes');
      big.dispose();
      assertEqual(g.memory().numBytes - bytes, 4000, 'storage lives while a view does');
      view.dispose();
      assertEqual(g.memory().numBytes, bytes, 'storage freed with its last view');
    });
    it('a loop in tidy keeps the tensor count flat', () => {
      let w = g.keep(g.ones(16));
      const start = g.memory().numTensors;
      for (let i = 0; i < 50; i++) {
        const next = g.tidy(() => w.mul(0.9).add(0.1));
        w.dispose();
        w = next;
      }
      assertEqual(g.memory().numTensors, start, 'flat');
      w.dispose();
    });
  });

  t.describe(`conformance on '${ctx.device}': bad input gives clear errors`, () => {
    const cases: [string, () => unknown, (string | RegExp)[]][] = [
      ['broadcast mismatch', () => g.add(g.zeros(2, 3), g.zeros(4)), ['add', '[2, 3]', '[4]']],
      ['matmul inner dims', () => g.matmul(g.zeros(2, 3), g.zeros(4, 5)), ['matmul', '2x3', '4x5']],
      ['mm needs matrices', () => g.mm(g.zeros(3), g.zeros(3, 2)), ['mm', '2-D', '[3]']],
      ['dim out of range', () => g.zeros(2, 3).sum(5), ['sum', 'dimension out of range', '[-2, 1]', '5']],
      ['mean of integers', () => g.arange(4).mean(), ['mean', 'int32']],
      ['requiresGrad on integers', () => g.arange(3).requiresGrad_(), ['floating point', 'int32']],
      ['ragged nested arrays', () => g.tensor([[1, 2], [3]] as never), ['tensor', 'length 2', 'dim 1']],
      ['cat shape mismatch', () => g.cat([g.zeros(2, 3), g.zeros(2, 4)]), ['cat', 'dimension 0', '[2, 3]', '[2, 4]']],
      ['reshape to a wrong size', () => g.zeros(2, 3).reshape(4, 2), ['reshape', '[4, 2]', 'size 6']],
      ['gather with float index', () => g.gather(g.zeros(2, 2), 1, g.zeros(2, 2)), ['gather', 'int32', 'float32']],
      // Ops that need a dim refuse a 0-d tensor with PyTorch's words (not a NaN size from dim wrapping).
      ['narrow of a 0-d tensor', () => g.tensor(1).narrow(0, 0, 1), ['narrow()', '0-dim']],
      ['split of a 0-d tensor', () => g.tensor(1).split(2), ['split', '1-dimensional']],
      ['chunk of a 0-d tensor', () => g.tensor(1).chunk(2), ['chunk', '1-dimensional']],
      [
        'fused.sgd_ of a disposed parameter',
        () => {
          const p = g.ones(2);
          p.dispose();
          return g.fused.sgd_(p, g.ones(2), null, { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
        },
        ['fused.sgd_', 'param', 'disposed'],
      ],
      // A number written into a tensor must fit its dtype (PyTorch's checked conversion), never wrap or overflow.
      ['fill_ of 1e40 into float32', () => g.zeros(2).fill_(1e40), ['fill_', '1e+40', 'float32', 'overflow']],
      ['fill_ of 2**31 into int32', () => g.zeros(2, { dtype: 'int32' }).fill_(2 ** 31), ['fill_', '2147483648', 'int32']],
      ['fill_ of NaN into int32', () => g.zeros(2, { dtype: 'int32' }).fill_(Number.NaN), ['fill_', 'NaN', 'int32']],
      ['fill_ of a string', () => g.zeros(2).fill_('a' as never), ['fill_', 'number', 'string']],
      ['zero_ of a leaf that requires grad', () => g.zeros(2, { requiresGrad: true }).zero_(), ['zero_', 'leaf']],
      [
        'fill_ of 2147483647.5 into int32 (checked before truncating)',
        () => g.zeros(2, { dtype: 'int32' }).fill_(2147483647.5),
        ['fill_', 'int32'],
      ],
      ['full of -1e39 in float32', () => g.full([2], -1e39), ['full', 'float32', 'overflow']],
      ['maskedFill of 1e40', () => g.zeros(2).maskedFill(g.tensor([true, false]), 1e40), ['maskedFill', 'float32']],
      [
        'indexFill of 2**31 into int32',
        () => g.zeros(2, { dtype: 'int32' }).indexFill(0, g.tensor([0], { dtype: 'int32' }), 2 ** 31),
        ['index_fill', 'int32'],
      ],
      // On a GPU the bounds check is reported by the next read, so the case reads.
      [
        'gather index out of bounds',
        () => g.gather(g.zeros(2, 2), 1, g.tensor([[0, 5]], { dtype: 'int32' })).dataSync(),
        ['gather', 'out of bounds', 'dimension 1', 'size 2'],
      ],
      [
        'inverse of a singular matrix',
        () =>
          g
            .tensor([
              [1, 2],
              [2, 4],
            ])
            .inverse(),
        ['linalg.inv', 'singular'],
      ],
      ['inverse of a non-square matrix', () => g.zeros(2, 3).inverse(), ['linalg.inv', 'square', '2 by 3']],
      ['item of many elements', () => g.zeros(3).item(), ['item', '3 elements']],
      ['where needs a bool condition', () => g.where(g.ones(2), g.ones(2), 0), ['where', 'bool', 'float32']],
      ['in-place on a leaf that requires grad', () => g.ones(2, { requiresGrad: true }).add_(1), ['add_', 'leaf', 'requires grad']],
      ['permute with wrong dims', () => g.zeros(2, 3).permute(0), ['permute', '2-D']],
      ['expand to an incompatible size', () => g.zeros(3).expand(2, 4), ['expand', '(4)', '(3)']],
      ['unknown device', () => g.zeros(2, { device: 'nope' }), ["'nope'", 'Registered backends']],
      ['unknown dtype', () => g.zeros(2, { dtype: 'float16' as never }), ['zeros', 'float16']],
      [
        'backward of a non-scalar',
        () => g.ones(2, { requiresGrad: true }).mul(2).backward(),
        ['grad can be implicitly created only for scalar outputs'],
      ],
      [
        'using a disposed tensor',
        () => {
          const x = g.ones(2);
          x.dispose();
          return x.add(1);
        },
        ['add', 'disposed'],
      ],
      // PyTorch's int64 holds these; Graft's int32 raises rather than wrap (see docs/core.md, "Integers").
      ['an int32 tensor of a value beyond int32', () => g.tensor([3e9], { dtype: 'int32' }), ['tensor', '3000000000', 'int32']],
      ['an integer arange beyond int32', () => g.arange(0, 4e9, 1e9), ['arange', '3000000000', 'int32']],
      ['an int32 fill beyond int32', () => g.full([2], 2 ** 31, { dtype: 'int32' }), ['full', 'int32']],
      [
        'options are validated, not ignored',
        () => g.tensor([1.5]).round({ decimal: 2 } as never),
        ['round', "'decimal'", "did you mean 'decimals'"],
      ],
      ['an unknown rounding mode', () => g.div(g.ones(2), 2, { roundingMode: 'ceil' as never }), ['div', 'rounding_mode', "'ceil'"]],
    ];
    for (const [name, fn, patterns] of cases) it(`error: ${name}`, () => assertThrows(fn, patterns, name));
    it('assertAsync: a failed check throws at once or at the next read, once; later reads are clean', () => {
      assertThrows(
        () => {
          g.assertAsync(g.tensor([true, false]), 'values must be positive');
          g.zeros(1).dataSync();
        },
        ['values must be positive'],
        'assertAsync',
      );
      g.assertAsync(g.tensor([true, true]), 'never shown');
      assertClose(values(g.ones(2)), [1, 1], close, 'a read after a failed check');
      assertThrows(
        () => g.indexSelect(g.zeros(3), 0, g.tensor([-1], { dtype: 'int32' })).dataSync(),
        ['index_select', 'out of bounds', 'size 3'],
        'index_select bounds',
      );
    });
    it('assertAsync: an asynchronous read reports a pending check too', async () => {
      let error: unknown;
      try {
        g.assertAsync(g.tensor([false]), 'checked asynchronously'); // both calls run before the first await: on the suite's device
        await g.zeros(1).values();
      } catch (e) {
        error = e;
      }
      if (!(error instanceof RangeError) || !error.message.includes('checked asynchronously'))
        fail(`expected the check's RangeError, got ${String(error)}`);
    });
    if (ctx.otherDevice !== undefined) {
      const other = ctx.otherDevice;
      it('error: mixing devices names both', () =>
        assertThrows(() => g.add(g.ones(2), g.ones(2, { device: other })), ['add', ctx.device, other, 'same device'], 'mixed devices'));
      it('t.to(device) moves values and back', () => {
        const x = g.tensor([1, 2, 3]);
        const y = x.to(other);
        assertEqual(y.device, other, 'moved');
        assertClose(values(y.to(ctx.device)), [1, 2, 3], close, 'round trip');
      });
    }
  });
}
