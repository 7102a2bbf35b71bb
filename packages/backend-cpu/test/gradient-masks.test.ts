/**
 * Gradients where derivatives.yaml masks them, with PyTorch 1.13's values
 * (float64, `backward(w)`):
 * - clamp with tensor bounds: min's and max's gradients follow ATen's
 *   clamp_backward_min_max, also where the bounds cross (min > max: the
 *   result is max, which takes the whole gradient) or meet (min == max);
 * - xlogy's gradient for x: `xlogy(grad, y).masked_fill((x == 0) & (y <= 0), 0)`.
 */
import * as g from '@graft/core';
import '../src/index.js';
import { describe, expect, it } from 'vitest';

describe('clamp with tensor bounds', () => {
  it("sends each element's gradient where PyTorch does, bounds crossed and equal included", () => {
    const f64 = (v: number[]) => g.tensor(v, { dtype: 'float64', requiresGrad: true });
    const x = f64([-1, 0.5, 1, 3, 0.2, 0]);
    const min = f64([2, 2, 0, 0, 0.2, 0.5]);
    const max = f64([0, 0, 1, 1, 0.2, 0.5]);
    const y = g.clamp(x, min, max);
    y.backward(g.tensor([1, 2, 3, 4, 5, 6], { dtype: 'float64' }));
    expect(y.tolist()).toEqual([0, 0, 1, 1, 0.2, 0.5]);
    expect(x.grad!.tolist()).toEqual([0, 0, 3, 0, 5, 0]);
    expect(min.grad!.tolist()).toEqual([0, 0, 0, 0, 0, 0]);
    expect(max.grad!.tolist()).toEqual([1, 2, 0, 4, 0, 0]);
  });
});

describe('xlogy', () => {
  it("x's gradient is 0 where x is 0 and y <= 0, and where the gradient is 0; log(y) elsewhere", () => {
    const f64 = (v: number[]) => g.tensor(v, { dtype: 'float64', requiresGrad: true });
    const x = f64([0, 0, 0, 2, 1, 0]);
    const y = f64([-1, 0, 3, 0, -1, Number.NaN]);
    g.xlogy(x, y)
      .mul(g.tensor([1, 2, 3, 4, 0, 5], { dtype: 'float64' }))
      .sum()
      .backward();
    expect(x.grad!.tolist()).toEqual([0, 0, 3 * Math.log(3), -Infinity, 0, Number.NaN]);
    expect(y.grad!.tolist()).toEqual([-0, Number.NaN, 0, Infinity, -0, Number.NaN]);
    const x2 = f64([0, 1, 0]);
    g.xlogy(x2, -2)
      .mul(g.tensor([1, 0, 2], { dtype: 'float64' }))
      .sum()
      .backward();
    expect(x2.grad!.tolist()).toEqual([0, 0, 0]);
  });
});
