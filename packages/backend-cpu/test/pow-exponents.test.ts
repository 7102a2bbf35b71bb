/**
 * `pow` by a scalar exponent that PyTorch's CPU kernel computes by arithmetic
 * (ATen's PowKernel.cpp: 2, 3 and -2 by products, 0.5, -0.5 and -1 by sqrt,
 * rsqrt and reciprocal, 1 a copy): PyTorch's values bit for bit, the same
 * bits as that arithmetic spelled out on special values, and the general
 * power (and its gradient) for other exponents.
 */
import * as g from '@graft/core';
import { decodeData, makeTensor, opCases } from '@graft/testing';
import { describe, expect, it } from 'vitest';
import '../src/index.js';

const bits = (t: g.Tensor) => Array.from(t.dataSync());

describe('pow by the exponents PyTorch computes by arithmetic', () => {
  it("PyTorch's values bit for bit (float32 and float64)", () => {
    // The general power (JavaScript's ** on doubles, rounded once) missed 18 of these 252 values (exponents 3, -2, -0.5).
    const cases = opCases.filter((c) => /^pow_(int_exponent|exponent_(2|neg2|half|neg_half|neg1|1))(_f64)?$/.test(c.name));
    expect(cases.length).toBe(13);
    for (const c of cases) {
      const [base, exponent] = c.args as [{ tensor: Parameters<typeof makeTensor>[0] }, { value: number }];
      const x = makeTensor(base.tensor, 'cpu');
      expect(bits(x.pow(exponent.value)), c.name).toEqual(Array.from(decodeData(c.outputs![0]!)));
    }
  });

  it('special values: the arithmetic spelled out, in float32 and float64', () => {
    const special = [0, -0, 1, -1, 2.5, -3.75, 1e-30, -1e-30, 1e30, 1e-45, 3e38, Infinity, -Infinity, NaN];
    for (const dtype of ['float32', 'float64'] as const) {
      const R = dtype === 'float32' ? Math.fround : (v: number) => v;
      const values = special.map(R);
      const definitions: [number, (v: number) => number][] = [
        [1, (v) => v],
        [2, (v) => R(v * v)],
        [3, (v) => R(R(v * v) * v)],
        [-2, (v) => R(1 / R(v * v))],
        [0.5, (v) => R(Math.sqrt(v))],
        // PyTorch's float32 rsqrt rounds the root first.
        [-0.5, (v) => R(1 / R(Math.sqrt(v)))],
        [-1, (v) => R(1 / v)],
      ];
      for (const [e, f] of definitions) {
        expect(bits(g.tensor(values, { dtype }).pow(e)), `${dtype} pow ${e}`).toEqual(values.map(f));
      }
    }
  });

  it('keeps the general power for other exponents, and its gradient', () => {
    const x = g.tensor([0.5, 2, 3], { dtype: 'float64', requiresGrad: true });
    const y = x.pow(3);
    expect(y.gradFn?.name).toBe('PowBackward0');
    y.sum().backward();
    expect(bits(x.grad!)).toEqual([0.75, 12, 27]);
    expect(bits(g.tensor([4], { dtype: 'float64' }).pow(2.5))).toEqual([32]);
    expect(g.autograd.gradcheck((t: g.Tensor) => t.pow(-2), [g.tensor([0.7, -1.3, 2], { dtype: 'float64', requiresGrad: true })])).toBe(
      true,
    );
  });
});
