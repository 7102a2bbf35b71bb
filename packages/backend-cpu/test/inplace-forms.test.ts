/**
 * Every in-place method `X_` whose out-of-place `X` takes no tensor argument
 * (or one) behaves as PyTorch's: the same values as `X`, written into the
 * tensor, and — inside a graph — the same gradient as `X`, because the write
 * keeps the value it replaced (PyTorch's `original_self`). The list is found
 * on the prototype, so a new in-place form is covered when it is added.
 */
import * as g from '@graft/core';
import '../src/index.js';
import { describe, expect, it } from 'vitest';

type AnyFn = (...a: unknown[]) => g.Tensor;
const proto = g.Tensor.prototype as unknown as Record<string, AnyFn>;

/** Arguments for the in-place forms that need some; the rest take none. Inputs stay inside every op's domain. */
const ARGS: Record<string, () => unknown[]> = {
  pow_: () => [2],
  eq_: () => [0.5],
  ne_: () => [0.5],
  lt_: () => [0.5],
  le_: () => [0.5],
  gt_: () => [0.5],
  ge_: () => [0.5],
  logicalAnd_: () => [g.tensor([1, 0, 1], { dtype: 'float64' })],
  logicalOr_: () => [g.tensor([1, 0, 1], { dtype: 'float64' })],
  logicalXor_: () => [g.tensor([1, 0, 1], { dtype: 'float64' })],
  arctan2_: () => [g.tensor([0.5, 1, 2], { dtype: 'float64' })],
  atan2_: () => [g.tensor([0.5, 1, 2], { dtype: 'float64' })],
  hypot_: () => [g.tensor([0.5, 1, 2], { dtype: 'float64' })],
  xlogy_: () => [g.tensor([0.5, 1, 2], { dtype: 'float64' })],
  mul_: () => [g.tensor([0.5, 1, 2], { dtype: 'float64', requiresGrad: true })],
  div_: () => [g.tensor([0.5, 1, 2], { dtype: 'float64', requiresGrad: true })],
  add_: () => [1],
  sub_: () => [1],
  cumsum_: () => [0],
  cumprod_: () => [0],
  clampMin_: () => [0.3],
  clampMax_: () => [0.3],
  clamp_: () => [0.2, 0.4],
  clip_: () => [0.2, 0.4],
  polygamma_: () => [1],
  lerp_: () => [g.tensor([1, 1, 1], { dtype: 'float64' }), 0.5],
  fmod_: () => [0.3],
  remainder_: () => [0.3],
};
/** In-place forms of a different kind (fills, random draws, scatters, writes, views, integers), checked elsewhere. */
const OTHER =
  /^(zero|fill|copy|uniform|normal|bernoulli|exponential|geometric|cauchy|logNormal|random|requiresGrad|detach|scatter\w*|index\w*|masked\w*|tril|triu|addmm|addmv|addbmm|baddbmm|addr|addcmul|addcdiv|bitwise\w*|floorDivide|nanToNum)_$/;
/** x in (0.2, 0.8): inside the domain of every op here (log, arccosh excepted: it takes 1 + x). */
const input = () => g.tensor([0.25, 0.5, 0.75], { dtype: 'float64' });
const shifted = new Set(['arccosh_', 'acosh_']);

const names = Object.getOwnPropertyNames(g.Tensor.prototype).filter(
  (n) => n.endsWith('_') && !n.startsWith('_') && typeof proto[n.slice(0, -1)] === 'function' && !OTHER.test(n),
);

describe('in-place forms equal their out-of-place op, in value and gradient', () => {
  it('finds the in-place forms', () => expect(names.length).toBeGreaterThan(60));
  for (const name of names) {
    const base = name.slice(0, -1);
    it(name, () => {
      const args = ARGS[name]?.() ?? [];
      const x0 = shifted.has(name) ? input().add(1) : input();
      // values: X_ writes X's result into the tensor and returns it
      const expected = proto[base]!.call(x0, ...args);
      const w = x0.clone();
      const returned = proto[name]!.call(w, ...args);
      expect(returned).toBe(w);
      expect(Array.from(w.dataSync(), Number)).toEqual(Array.from(expected.dataSync(), Number));
      // gradient: through a non-leaf, X_ gives X's gradient (or both refuse alike)
      // (a bool or integer result has no gradient to compare)
      if (expected.dtype === 'float64') {
        const a = x0.clone().requiresGrad_(true);
        const b = x0.clone().requiresGrad_(true);
        let outPlace: number[] | string;
        try {
          proto[base]!.call(a.mul(1), ...args)
            .sum()
            .backward();
          outPlace = Array.from(a.grad!.dataSync());
        } catch (e) {
          outPlace = (e as Error).message.split(':')[0]!;
        }
        let inPlace: number[] | string;
        try {
          const y = b.mul(1);
          proto[name]!.call(y, ...args);
          y.sum().backward();
          inPlace = Array.from(b.grad!.dataSync());
        } catch (e) {
          inPlace = (e as Error).message.split(':')[0]!;
        }
        expect(inPlace).toEqual(outPlace);
      }
    });
  }
});
