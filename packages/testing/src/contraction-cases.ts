/**
 * einsum and the contractions beyond the fixture table's forward, gradient
 * and leak checks (which index.ts runs for contractions.json as for every op
 * file): finite differences of every differentiable case (gradcheck and
 * gradgradcheck, and forward mode against the Jacobian), how einsum is
 * lowered (one batched matmul kernel call, no broadcast product), the
 * method and in-place forms, and the errors PyTorch words in ways that
 * fixtures cannot hold.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { assertClose, assertEqual, assertThrows, fail } from './assert.js';
import { asFunction } from './autograd-cases.js';
import { type EncodedArg, contractionCases as fixtureCases } from './fixtures.js';
import type { TestApi } from './index.js';

interface Context {
  device: string;
  inDevice<T>(fn: () => T): T;
  supportsFloat64: boolean;
}

const exact = { atol: 0, rtol: 0 };
const close = { atol: 1e-5, rtol: 1e-4 };

function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

/** Whether a case's inputs hold NaN or an infinity (finite differences cannot be taken there). */
function hasNonFinite(args: readonly EncodedArg[]): boolean {
  return args.some((a) => ('tensor' in a && a.tensor.data.some((v) => typeof v === 'string')) || ('list' in a && hasNonFinite(a.list)));
}

/** The differentiable fixture cases with finite inputs: each gets gradcheck, gradgradcheck and forward mode. */
function differentiable(): typeof fixtureCases {
  return fixtureCases.filter((c) => c.grads !== undefined && c.error === undefined && !hasNonFinite(c.args));
}

/**
 * Records the kernel calls made while `fn` runs (kernel name and the shapes
 * of its view arguments), by wrapping the device's backend for the duration.
 */
function kernelCalls(fn: () => void): { kernel: string; shapes: number[][]; op?: string }[] {
  const backend = g.getBackend() as unknown as Record<string, (...a: unknown[]) => unknown>;
  const names = ['matmul', 'binary', 'contiguous', 'reduce', 'cast', 'pad', 'concat'];
  const saved = names.map((n) => [n, backend[n]] as const);
  const calls: { kernel: string; shapes: number[][]; op?: string }[] = [];
  for (const [name, kernel] of saved) {
    backend[name] = function (this: unknown, ...args: unknown[]) {
      const shapes = args
        .filter((a): a is { shape: number[] } => typeof a === 'object' && a !== null && 'shape' in a)
        .map((a) => [...a.shape]);
      calls.push({ kernel: name, shapes, op: typeof args[0] === 'string' ? args[0] : undefined });
      return kernel!.apply(this, args);
    };
  }
  try {
    fn();
  } finally {
    for (const [name, kernel] of saved) backend[name] = kernel!;
  }
  return calls;
}

export function contractionChecks(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(() => g.tidy(fn)));

  if (ctx.supportsFloat64) {
    t.describe(`conformance on '${ctx.device}': einsum and contractions: gradcheck, gradgradcheck and forward mode`, () => {
      for (const c of differentiable()) {
        it(`gradcheck and gradgradcheck ${c.name}`, () => {
          const f = asFunction(c, ctx.device);
          if (f === undefined) return;
          const fn = f.fn as (...xs: Tensor[]) => Tensor;
          g.autograd.gradcheck(fn, f.inputs, { eps: 1e-6, atol: 1e-5, rtol: 1e-3 });
          g.autograd.gradgradcheck(fn, f.inputs, undefined, { atol: 1e-5, rtol: 1e-3 });
        });
      }
      // Forward mode on einsum's lowering: every equation's tangent against its Jacobian (empty ones have none to compare).
      for (const c of differentiable().filter((c) => c.op === 'einsum' && c.outputs!.every((o) => o.data.length !== 0))) {
        it(`jvp = J·v for ${c.name}`, () => {
          const f = asFunction(c, ctx.device)!;
          const fn = (...xs: Tensor[]) => f.fn(...xs) as Tensor;
          const vs = f.inputs.map((x) => g.randnLike(x));
          const jac = g.autograd.functional.jacobian(fn, f.inputs) as Tensor | Tensor[];
          const jacobians = Array.isArray(jac) ? jac : [jac];
          const out = g.noGrad(() => fn(...f.inputs));
          let expected = g.zeros(out.shape, { dtype: 'float64' });
          jacobians.forEach((J, i) => {
            expected = expected.add(J.reshape(out.numel(), -1).matmul(vs[i]!.reshape(-1)).reshape(out.shape));
          });
          const [, jv] = g.autograd.functional.jvp(fn, f.inputs, vs);
          assertClose(values(jv), values(expected), { atol: 1e-9, rtol: 1e-7 }, 'jvp');
        });
      }
    });
  }

  t.describe(`conformance on '${ctx.device}': einsum is lowered to the matmul kernel`, () => {
    it("'bhqd,bhkd->bhqk' (attention scores) is one batched matmul kernel call on views: no copy, no broadcast product", () => {
      const q = g.randn(2, 3, 4, 5);
      const k = g.randn(2, 3, 6, 5);
      const calls = kernelCalls(() => void g.einsum('bhqd,bhkd->bhqk', q, k).dataSync());
      assertEqual(calls.map((c) => c.kernel).join(), 'matmul', 'kernels called');
      assertEqual(
        JSON.stringify(calls[0]!.shapes),
        JSON.stringify([
          [6, 4, 5],
          [6, 5, 6],
        ]),
        'matmul operands',
      );
    });
    it('no kernel ever makes a tensor larger than the operands and the result (no broadcast outer product) in a chain of contractions', () => {
      const a = g.randn(8, 9);
      const b = g.randn(9, 10);
      const c = g.randn(10, 11);
      const d = g.randn(2, 8, 11);
      const calls = kernelCalls(() => void g.einsum('ij,jk,kl,bil->b', a, b, c, d).dataSync());
      const biggest = Math.max(...[a, b, c, d].map((x) => x.numel()));
      for (const call of calls) {
        for (const s of call.shapes) {
          const n = s.reduce((p, x) => p * x, 1);
          if (n > biggest) fail(`${call.kernel} was called on a [${s.join(', ')}] view, larger than any operand (${biggest} elements)`);
        }
      }
      if (calls.filter((c) => c.kernel === 'matmul').length !== 3)
        fail(`expected 3 matmul calls, got ${calls.map((c) => c.kernel).join()}`);
    });
    it('a diagonal (repeated index) is a view: the trace of a transposed matrix copies nothing', () => {
      const x = g.randn(5, 5).t();
      const calls = kernelCalls(() => void g.einsum('ii', x).dataSync());
      assertEqual(calls.map((c) => c.kernel).join(), 'reduce', 'kernels called (one sum over the strided diagonal)');
    });
    it('einsum agrees with matmul, transposes and sums (identities)', () => {
      const a = g.randn(3, 4);
      const b = g.randn(4, 5);
      assertClose(values(g.einsum('ij,jk->ik', a, b)), values(a.matmul(b)), close, 'matmul');
      assertClose(values(g.einsum('ij,jk->ki', a, b)), values(a.matmul(b).t().contiguous()), close, 'transposed product');
      assertClose(values(g.einsum('ij->', a)), values(a.sum()), close, 'sum');
      assertClose(values(g.einsum('ij,ij->i', a, a)), values(a.mul(a).sum(1)), close, 'row dots');
    });
    it('einsum of one operand without a sum is a view of it (as PyTorch)', () => {
      const a = g.randn(3, 4);
      const t = g.einsum('ij->ji', a);
      assertEqual(t.isContiguous(), false, 'a transposed view');
      a.mul_(0);
      assertEqual(t.abs().sum().item(), 0, 'the view sees the write');
    });
    it('einsum gives its operands a gradient through the lowering (the sum of a product is the other operand)', () => {
      const a = g.randn(3, 4, { requiresGrad: true });
      const b = g.randn(4, 5, { requiresGrad: true });
      g.einsum('ij,jk->', a, b).backward();
      assertClose(values(a.grad!), values(b.sum(1).expand(3, 4).contiguous()), close, 'a.grad');
      assertClose(values(b.grad!), values(a.sum(0).unsqueeze(1).expand(4, 5).contiguous()), close, 'b.grad');
    });
  });

  t.describe(`conformance on '${ctx.device}': contractions: methods, in-place forms and the errors fixtures cannot hold`, () => {
    it('the Tensor methods are the g. functions', () => {
      const m = g.randn(2, 3);
      const v3 = g.randn(3);
      const v2 = g.randn(2);
      const x = g.randn(2, 2);
      const same = (a: Tensor, b: Tensor, what: string) => assertClose(values(a), values(b), exact, what);
      same(x.addmm(m, m.t(), { beta: 0.5, alpha: 2 }), g.addmm(x, m, m.t(), { beta: 0.5, alpha: 2 }), 'addmm');
      same(v2.addmv(m, v3), g.addmv(v2, m, v3), 'addmv');
      same(
        x.unsqueeze(0).baddbmm(m.unsqueeze(0), m.t().unsqueeze(0)),
        g.baddbmm(x.unsqueeze(0), m.unsqueeze(0), m.t().unsqueeze(0)),
        'baddbmm',
      );
      same(x.addbmm(m.unsqueeze(0), m.t().unsqueeze(0)), g.addbmm(x, m.unsqueeze(0), m.t().unsqueeze(0)), 'addbmm');
      same(m.addr(v2, v3, { alpha: 3 }), g.addr(m, v2, v3, { alpha: 3 }), 'addr');
      const u = g.randn(4, 3);
      const w = g.randn(4, 3);
      same(u.cross(w), g.cross(u, w), 'cross');
      same(u.cross(w, 1), g.cross(u, w, { dim: 1 }), 'cross with a dim');
      same(m.inner(m), g.inner(m, m), 'inner');
      same(v3.vdot(v3), g.vdot(v3, v3), 'vdot');
      same(v2.ger(v3), g.outer(v2, v3), 'ger');
      same(m.kron(x), g.kron(m, x), 'kron');
    });
    it('addmm_, addmv_, baddbmm_, addbmm_ and addr_ write the out-of-place result into this tensor and return it', () => {
      const m = g.randn(2, 3);
      const b1 = g.randn(4, 2, 3);
      const b2 = g.randn(4, 3, 2);
      const v2 = g.randn(2);
      const v3 = g.randn(3);
      // [name, this, the in-place call, the out-of-place call]
      const cases: [string, Tensor, (t: Tensor) => Tensor, (t: Tensor) => Tensor][] = [
        ['addmm_', g.randn(2, 2), (t) => t.addmm_(m, m.t(), { beta: 0.5, alpha: 2 }), (t) => g.addmm(t, m, m.t(), { beta: 0.5, alpha: 2 })],
        ['addmv_', g.randn(2), (t) => t.addmv_(m, v3, { alpha: -1 }), (t) => g.addmv(t, m, v3, { alpha: -1 })],
        ['baddbmm_', g.randn(4, 2, 2), (t) => t.baddbmm_(b1, b2, { beta: 2 }), (t) => g.baddbmm(t, b1, b2, { beta: 2 })],
        ['addbmm_', g.randn(2, 2), (t) => t.addbmm_(b1, b2), (t) => g.addbmm(t, b1, b2)],
        ['addr_', g.randn(2, 3), (t) => t.addr_(v2, v3, { beta: 0 }), (t) => g.addr(t, v2, v3, { beta: 0 })],
      ];
      for (const [name, x, inPlace, outOfPlace] of cases) {
        const expected = outOfPlace(x);
        const version = x.version;
        const out = inPlace(x);
        assertEqual(out, x, `${name} returns this`);
        assertEqual(x.version, version + 1, `${name} bumps the version`);
        assertClose(values(x), values(expected), exact, name);
      }
    });
    it('an in-place fused product takes part in autograd on a non-leaf, and refuses a leaf that requires grad', () => {
      const w = g.randn(2, 3, { dtype: ctx.supportsFloat64 ? 'float64' : 'float32', requiresGrad: true });
      const m = g.randn(3, 2, { dtype: w.dtype });
      const base = g.zeros(2, 2, { dtype: w.dtype, requiresGrad: true });
      const acc = base.mul(1);
      acc.addmm_(w, m, { alpha: 2 });
      assertEqual(acc.gradFn!.name, 'AddmmBackward0', 'gradFn');
      acc.sum().backward();
      assertClose(values(w.grad!), values(g.ones(2, 2, { dtype: w.dtype }).mm(m.t()).mul(2)), close, 'w.grad');
      assertClose(values(base.grad!), [1, 1, 1, 1], exact, 'base.grad');
      assertThrows(() => base.addmm_(w, m), ['addmm_', 'leaf Variable that requires grad'], 'leaf');
    });
    it("an in-place fused product does not broadcast this tensor (PyTorch's Bad in-place call), and leaves nothing behind", () => {
      const [x, a, b, y, v2, v3] = [g.zeros(2, 1), g.ones(2, 3), g.ones(3, 2), g.zeros(3), g.ones(2), g.ones(3)];
      const before = g.memory().numTensors;
      assertThrows(
        () => x.addmm_(a, b),
        ['addmm_', 'Bad in-place call: input tensor size [2, 1] and output tensor size [2, 2] should match'],
        'addmm_',
      );
      assertThrows(() => y.addr_(v2, v3), ['addr_', 'Bad in-place call', '[3]', '[2, 3]'], 'addr_');
      assertEqual(g.memory().numTensors, before, 'live tensors');
      assertClose(values(x), [0, 0], exact, 'this is unchanged');
    });
    it('grad_fn names are PyTorch’s', () => {
      const dtype = ctx.supportsFloat64 ? 'float64' : 'float32';
      const r = (...s: number[]) => g.randn(s, { dtype, requiresGrad: true });
      const names = [
        g.addmm(r(2, 2), r(2, 3), r(3, 2)),
        g.addmv(r(2), r(2, 3), r(3)),
        g.baddbmm(r(1, 2, 2), r(1, 2, 3), r(1, 3, 2)),
        g.addbmm(r(2, 2), r(1, 2, 3), r(1, 3, 2)),
        g.addr(r(2, 3), r(2), r(3)),
        g.cross(r(3), r(3)),
        g.vdot(r(3), r(3)),
      ].map((t) => t.gradFn!.name);
      assertEqual(
        names.join(),
        'AddmmBackward0,AddmvBackward0,BaddbmmBackward0,AddbmmBackward0,AddrBackward0,LinalgCrossBackward0,VdotBackward0',
        'names',
      );
    });
    it('beta = 0 gives the input a zero gradient (not NaN), as PyTorch', () => {
      const dtype = ctx.supportsFloat64 ? 'float64' : 'float32';
      const x = g.full([2, 2], NaN, { dtype, requiresGrad: true });
      g.addmm(x, g.ones(2, 3, { dtype }), g.ones(3, 2, { dtype }), { beta: 0 })
        .sum()
        .backward();
      assertClose(values(x.grad!), [0, 0, 0, 0], exact, 'x.grad');
    });
    it('einsum: bad arguments name einsum and what was expected', () => {
      const a = g.ones(2, 3);
      assertThrows(
        () => g.einsum(a, [0, 52]),
        ['einsum(): subscript in subscript list is not within the valid range [0, 52)'],
        'sublist range',
      );
      assertThrows(() => g.einsum(a, [0, -1]), ['einsum(): subscript in subscript list is not within the valid range [0, 52)'], 'negative');
      assertThrows(() => (g.einsum as (...x: unknown[]) => Tensor)(3, a), ['einsum()', 'equation string'], 'a number first');
      assertThrows(
        () => (g.einsum as (...x: unknown[]) => Tensor)('ij,jk', a, [1, 2]),
        ['einsum()', "'operands[1]'", 'Tensor'],
        'not a tensor',
      );
      assertThrows(() => (g.einsum as (...x: unknown[]) => Tensor)(a, 'ij'), ['einsum()', 'subscripts list'], 'sublist not a list');
      const d = g.ones(2, 3);
      d.dispose();
      assertThrows(() => g.einsum('ij', d), ['einsum()', 'disposed'], 'disposed');
    });
    it('the fused products: wrong ranks and inputs that do not broadcast say so, with the shapes', () => {
      assertThrows(
        () => g.baddbmm(g.zeros(2, 2, 2), g.ones(2, 3), g.ones(2, 3, 2)),
        ['baddbmm', 'batch1 must be a 3D tensor', '[2, 3]'],
        'baddbmm batch1',
      );
      assertThrows(
        () => g.baddbmm(g.zeros(2, 2, 2), g.ones(2, 2, 3), g.ones(3, 2)),
        ['baddbmm', 'batch2 must be a 3D tensor', '[3, 2]'],
        'baddbmm batch2',
      );
      assertThrows(
        () => g.baddbmm(g.zeros(1, 2, 2, 2), g.ones(2, 2, 3), g.ones(2, 3, 2)),
        ['baddbmm', '[1, 2, 2, 2]', '[2, 2, 2]'],
        'baddbmm input',
      );
      assertThrows(() => g.addbmm(g.zeros(2, 2), g.ones(2, 3), g.ones(4, 3, 2)), ['addbmm', 'batch1 must be a 3D tensor'], 'addbmm batch1');
      assertThrows(() => g.addbmm(g.zeros(2, 2), g.ones(4, 2, 3), g.ones(3, 2)), ['addbmm', 'batch2 must be a 3D tensor'], 'addbmm batch2');
      assertThrows(() => g.addmm(g.zeros(2, 2, 1), g.ones(2, 3), g.ones(3, 2)), ['addmm', '[2, 2, 1]', '[2, 2]'], 'addmm input');
      assertThrows(() => g.addmm(g.zeros(2, 2), g.ones(2, 3), g.ones(3, 2), { beta: 'x' as never }), ['addmm', "'beta'"], 'beta type');
    });
    it('tensordot, cross and chainMatmul: bad arguments say what was expected', () => {
      const a = g.ones(2, 3);
      assertThrows(() => g.tensordot(a, a, 1.5), ['tensordot expects dims to be int', 'dims=1.5'], 'fractional dims');
      assertThrows(() => g.tensordot(a, a, [1, 0] as never), ['tensordot expects dims', '[dimsOfA, dimsOfB]'], 'two numbers');
      assertThrows(() => g.tensordot(a, a, 1, { dims: 1 }), ['tensordot', "multiple values for argument 'dims'"], 'dims twice');
      assertThrows(() => g.cross(g.ones(3), g.ones(3), 'x' as never), ['cross', "'dim'"], 'dim type');
      assertThrows(() => g.chainMatmul(a, g.ones(3, 2, { dtype: 'int32' })), ['chain_matmul', 'same dtype', 'float32', 'int32'], 'dtypes');
    });
    it('int32 contractions are exact or raise, naming the op (never wrapped)', () => {
      const big = g.full([2, 2], 50000, { dtype: 'int32' });
      assertThrows(() => g.einsum('ij,jk->ik', big, big).dataSync(), ['int32', 'double()'], 'einsum overflow');
      assertThrows(() => g.addmm(big, big, big).dataSync(), ['addmm', 'int32', 'double()'], 'addmm overflow');
      assertThrows(
        () => g.cross(g.full([3], 50000, { dtype: 'int32' }), g.tensor([1, -50000, 0], { dtype: 'int32' })).dataSync(),
        ['cross', 'int32'],
        'cross overflow',
      );
      assertClose(
        values(g.einsum('ij,jk->ik', big.div(1000, { roundingMode: 'floor' }), big.div(1000, { roundingMode: 'floor' }))),
        [5000, 5000, 5000, 5000],
        exact,
        'exact',
      );
    });
  });
}
