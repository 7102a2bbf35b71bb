/**
 * The elementwise family beyond its PyTorch fixtures (elementwise.json):
 * in-place forms against their out-of-place ops, the whole-tensor answers
 * (`allclose`, `equal`), the torch.special names and NumPy aliases, errors
 * PyTorch raises that fixtures cannot hold (numbers where it takes only
 * tensors, backward through ops it does not differentiate), and identities
 * that must hold exactly.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { assertClose, assertEqual, assertThrows, fail } from './assert.js';
import type { TestApi } from './index.js';

interface Context {
  device: string;
  inDevice<T>(fn: () => T): T;
  /** Without float64 a device stores int32 as float32, exact only below 2^24 (docs/core.md): its integer checks stay there. */
  supportsFloat64: boolean;
}

function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

const exact = { atol: 0, rtol: 0 };
const ints = (v: number[]) => g.tensor(v, { dtype: 'int32' });

/** Each in-place method's out-of-place name, its arguments, and the tensor it runs on. */
const INPLACE: [string, () => unknown[], () => Tensor][] = [
  ['trunc', () => [], () => g.tensor([-1.5, 2.7])],
  ['fix', () => [], () => g.tensor([-1.5, 2.7])],
  ['frac', () => [], () => g.tensor([-1.5, 2.7])],
  ['sinh', () => [], () => g.tensor([-1.5, 2.7])],
  ['cosh', () => [], () => g.tensor([-1.5, 2.7])],
  ['tan', () => [], () => g.tensor([-0.5, 0.7])],
  ['asin', () => [], () => g.tensor([-0.5, 0.7])],
  ['acos', () => [], () => g.tensor([-0.5, 0.7])],
  ['atan', () => [], () => g.tensor([-1.5, 2.7])],
  ['asinh', () => [], () => g.tensor([-1.5, 2.7])],
  ['acosh', () => [], () => g.tensor([1.5, 2.7])],
  ['atanh', () => [], () => g.tensor([-0.5, 0.7])],
  ['log2', () => [], () => g.tensor([0.5, 8])],
  ['log10', () => [], () => g.tensor([0.5, 100])],
  ['exp2', () => [], () => g.tensor([-1.5, 3])],
  ['erfc', () => [], () => g.tensor([-1.5, 2.7])],
  ['erfinv', () => [], () => g.tensor([-0.5, 0.7])],
  ['lgamma', () => [], () => g.tensor([0.5, 2.7])],
  ['digamma', () => [], () => g.tensor([0.5, 2.7])],
  ['polygamma', () => [2], () => g.tensor([0.5, 2.7])],
  ['logit', () => [0.1], () => g.tensor([0.05, 0.7])],
  ['nanToNum', () => [{ nan: 1 }], () => g.tensor([NaN, 2.7])],
  ['clampMin', () => [0], () => g.tensor([-1.5, 2.7])],
  ['clampMax', () => [0], () => g.tensor([-1.5, 2.7])],
  ['atan2', () => [g.tensor([-1, 2])], () => g.tensor([-1.5, 2.7])],
  ['hypot', () => [g.tensor([-1, 2])], () => g.tensor([-1.5, 2.7])],
  ['fmod', () => [0.7], () => g.tensor([-1.5, 2.7])],
  ['remainder', () => [0.7], () => g.tensor([-1.5, 2.7])],
  ['floorDivide', () => [0.7], () => g.tensor([-1.5, 2.7])],
  ['xlogy', () => [g.tensor([0.5, 2])], () => g.tensor([-1.5, 2.7])],
  ['lerp', () => [g.tensor([1, 1]), 0.3], () => g.tensor([-1.5, 2.7])],
  ['addcmul', () => [g.tensor([1, 2]), g.tensor([3, 4]), { value: 0.5 }], () => g.tensor([-1.5, 2.7])],
  ['addcdiv', () => [g.tensor([1, 2]), g.tensor([3, 4]), { value: 0.5 }], () => g.tensor([-1.5, 2.7])],
  ['bitwiseAnd', () => [6], () => ints([12, -3])],
  ['bitwiseOr', () => [6], () => ints([12, -3])],
  ['bitwiseXor', () => [6], () => ints([12, -3])],
  ['bitwiseNot', () => [], () => ints([12, -3])],
  ['bitwiseLeftShift', () => [2], () => ints([12, -3])],
  ['bitwiseRightShift', () => [2], () => ints([12, -3])],
  ['logicalXor', () => [g.tensor([true, false])], () => g.tensor([true, true])],
];

export function elementwiseCases(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));

  t.describe(`conformance on '${ctx.device}': in-place elementwise ops write their out-of-place result into this tensor`, () => {
    const lib = (t: Tensor) => t as unknown as Record<string, (...a: unknown[]) => Tensor>;
    for (const [name, args, make] of INPLACE) {
      it(`${name}_ returns this, bumps the version and holds ${name}'s values`, () => {
        const expected = values(lib(make())[name]!(...args()));
        const target = make();
        const before = target.version;
        const out = lib(target)[`${name}_`]!(...args());
        assertEqual(out, target, `${name}_ returns this`);
        assertEqual(target.version > before, true, `${name}_ bumps the version`);
        assertClose(values(target), expected, exact, `${name}_ values`);
      });
    }
    it("an int32 tensor cannot hold a float result in place (PyTorch's error)", () => {
      assertThrows(() => ints([1, 2]).sinh_(), ['sinh_', 'float32', 'int32'], 'sinh_ on int32');
    });
    it('an in-place op through a view writes into its base', () => {
      const base = g.tensor([-1.5, 2.5, -3.5, 4.5]);
      base.slice(0, 0, 4, 2).trunc_();
      assertClose(values(base), [-1, 2.5, -3, 4.5], exact, 'base after trunc_ through a view');
    });
  });

  t.describe(`conformance on '${ctx.device}': allclose and equal (booleans), and the names PyTorch users spell`, () => {
    it('allclose is isclose(...).all(); equal compares shapes and values of any dtypes', () => {
      const a = g.tensor([1, 2, NaN]);
      const b = g.tensor([1.000001, 2, NaN]);
      assertEqual(g.allclose(a, b), false, 'NaN is not close to NaN');
      assertEqual(g.allclose(a, b, { equalNan: true }), true, 'unless equalNan');
      assertEqual(a.allclose(b, 0, 1e-5, true), g.isclose(a, b, 0, 1e-5, true).all().item(), 'positional');
      assertEqual(g.equal(g.tensor([1, 2]), ints([1, 2])), true, 'float32 and int32 with equal values');
      assertEqual(g.equal(g.tensor([1, 2]), g.tensor([[1, 2]])), false, 'shapes differ (even broadcastable)');
      assertEqual(g.equal(g.tensor([NaN]), g.tensor([NaN])), false, 'NaN equals nothing');
      assertEqual(g.equal(g.zeros(0), g.zeros(0)), true, 'empty tensors');
      assertEqual(g.tensor([3]).equal(g.tensor([3])), true, 'method form');
    });
    it('g.special holds the torch.special names of the same functions', () => {
      const x = g.tensor([0.3, 1.7, 4]);
      assertClose(values(g.special.gammaln(x)), values(g.lgamma(x)), exact, 'gammaln');
      assertClose(values(g.special.psi(x)), values(g.digamma(x)), exact, 'psi');
      assertClose(values(g.special.expit(x)), values(g.sigmoid(x)), exact, 'expit');
      assertClose(values(g.special.xlogy(x, x)), values(g.xlogy(x, x)), exact, 'xlogy');
      assertClose(values(g.special.polygamma(2, x)), values(g.polygamma(2, x)), exact, 'polygamma');
      assertClose(values(g.special.zeta(2, g.tensor([1]))), [Math.PI ** 2 / 6], { atol: 1e-6, rtol: 1e-6 }, 'zeta(2, 1) = π²/6');
    });
    it("NumPy's names are the same functions (arcsin … arctanh, arctan2, fix)", () => {
      const x = g.tensor([-0.5, 0.25]);
      for (const [alias, op] of [
        ['arcsin', 'asin'],
        ['arccos', 'acos'],
        ['arctan', 'atan'],
        ['arcsinh', 'asinh'],
        ['arctanh', 'atanh'],
        ['fix', 'trunc'],
      ] as const) {
        assertClose(values(g[alias](x)), values(g[op](x)), exact, alias);
        assertClose(values(x[alias]()), values(g[op](x)), exact, `Tensor.${alias}`);
      }
      assertClose(values(g.arccosh(g.tensor([2]))), values(g.acosh(g.tensor([2]))), exact, 'arccosh');
      assertClose(values(g.arctan2(x, x.neg())), values(g.atan2(x, x.neg())), exact, 'arctan2');
    });
  });

  t.describe(`conformance on '${ctx.device}': elementwise errors PyTorch raises`, () => {
    it('numbers where PyTorch takes only tensors are refused, naming the op and the argument', () => {
      const x = g.tensor([1, 2]);
      const cases: [string, () => unknown, string][] = [
        ['atan2', () => g.atan2(x, 2 as never), 'other'],
        ['hypot', () => g.hypot(x, 2 as never), 'other'],
        ['logaddexp', () => g.logaddexp(x, 2 as never), 'other'],
        ['logaddexp2', () => g.logaddexp2(2 as never, x), 'input'],
        ['fmod', () => g.fmod(2 as never, x), 'input'],
        ['isclose', () => g.isclose(x, 1 as never), 'other'],
        ['logicalXor', () => g.logicalXor(x, 1 as never), 'other'],
        ['addcmul', () => g.addcmul(x, 2 as never, x), 'tensor1'],
      ];
      for (const [op, call, arg] of cases) assertThrows(call, [op, `'${arg}'`, 'Tensor'], op);
    });
    it("polygamma's order is a non-negative integer", () => {
      assertThrows(() => g.polygamma(1.5, g.tensor([1])), ['polygamma', "'n'", 'int'], 'float order');
      assertThrows(() => g.polygamma(-1, g.tensor([1])), ['polygamma(n, x) does not support negative n.'], 'negative order');
    });
    it('backward through floor_divide, remainder(number, tensor) and zeta w.r.t. x is an error, as in PyTorch', () => {
      const x = g.tensor([1.5, 2.5], { requiresGrad: true });
      assertEqual(g.floorDivide(x, 2).gradFn?.name, 'NotImplemented', 'floorDivide node');
      assertThrows(() => g.floorDivide(x, 2).sum().backward(), ['derivative for aten::floor_divide is not implemented'], 'floorDivide');
      assertThrows(() => g.remainder(3, x).sum().backward(), ['derivative for aten::remainder is not implemented'], 'remainder');
      assertThrows(() => g.special.zeta(x, 1).sum().backward(), ["the derivative for 'zeta' is not implemented."], 'zeta');
      const q = g.tensor([1.5], { requiresGrad: true });
      g.special.zeta(3, q).sum().backward();
      if (q.grad === null) fail('zeta(number, q) gives q a gradient');
    });
    it('a left shift whose result leaves int32 raises instead of wrapping; a right shift never does', () => {
      // Read back: a GPU checks the range on the device and reports it at the next read (deferChecks).
      assertThrows(() => g.bitwiseLeftShift(ints([1]), 31).dataSync(), ['bitwiseLeftShift', 'int32', 'double()'], '1 << 31');
      const largest = ctx.supportsFloat64 ? 2147483647 : 2 ** 24 - 1;
      assertClose(values(g.bitwiseRightShift(ints([-2147483648, largest]), 31)), [-1, 0], exact, '>> 31');
    });
  });

  t.describe(`conformance on '${ctx.device}': elementwise identities that hold exactly`, () => {
    it('a = floorDivide(a, b) · b + remainder(a, b) for integers, and fmod takes the dividend sign', () => {
      const big = ctx.supportsFloat64 ? [2147483647, -2147483648] : [2 ** 24 - 1, -(2 ** 24)];
      const a = ints([7, -7, 7, -7, 0, 123456, ...big]);
      const b = ints([2, 2, -2, -2, 5, -789, 10, -3]);
      // In int32, whose arithmetic is exact or raises: every term here fits.
      const back = g.floorDivide(a, b).mul(b).add(g.remainder(a, b));
      assertClose(values(back), values(a), exact, 'floorDivide · b + remainder');
      const f = values(g.fmod(a, b));
      values(a).forEach((v, i) => {
        if (f[i] !== 0 && Math.sign(f[i]!) !== Math.sign(v)) fail(`fmod(${v}, ${values(b)[i]}) = ${f[i]} lacks the dividend's sign`);
      });
    });
    it('bitwise: x ^ x = 0, x & ~x = 0, x | ~x = -1, (x << 3) >> 3 = x', () => {
      const x = ints([0, 1, -1, 12345, -98765, ctx.supportsFloat64 ? 268435455 : 2 ** 21 - 1]);
      assertClose(values(x.bitwiseXor(x)), [0, 0, 0, 0, 0, 0], exact, 'x ^ x');
      assertClose(values(x.bitwiseAnd(x.bitwiseNot())), [0, 0, 0, 0, 0, 0], exact, 'x & ~x');
      assertClose(values(x.bitwiseOr(x.bitwiseNot())), [-1, -1, -1, -1, -1, -1], exact, 'x | ~x');
      assertClose(values(x.bitwiseLeftShift(3).bitwiseRightShift(3)), values(x), exact, '(x << 3) >> 3');
    });
    it('isinf = isposinf | isneginf; lerp(a, b, 1) = b and lerp(a, b, 0) = a; logaddexp(a, a) = a + ln 2', () => {
      const x = g.tensor([1, Infinity, -Infinity, NaN, -0]);
      assertClose(values(x.isinf()), values(x.isposinf().logicalOr(x.isneginf())), exact, 'isinf');
      const a = g.tensor([0.1, -3, 1e30]);
      const b = g.tensor([7, 0.3, -1e30]);
      assertClose(values(g.lerp(a, b, 1)), values(b), exact, 'weight 1');
      assertClose(values(g.lerp(a, b, 0)), values(a), exact, 'weight 0');
      assertClose(values(g.logaddexp(a, a)), values(a.add(Math.LN2)), { atol: 0, rtol: 1e-6 }, 'logaddexp(a, a)');
    });
  });
}
