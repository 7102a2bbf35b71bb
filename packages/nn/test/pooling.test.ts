import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { AvgPool2d, F, MaxPool2d } from '../src/index.js';
import fixture from './fixtures/pooling.json' with { type: 'json' };

const values = (t: g.Tensor) => Array.from(t.dataSync());
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++)
    expect(Math.abs(Number(a[i]) - Number(b[i]))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(Number(b[i]))));
};

type Pair = number | [number, number];
interface Case {
  name: string;
  kind: 'max' | 'avg';
  options: {
    kernel_size: Pair;
    stride?: Pair;
    padding: Pair;
    dilation?: Pair;
    ceil_mode?: boolean;
    count_include_pad?: boolean;
    divisor_override?: number;
  };
  shape: number[];
  seed: number;
  outShape?: number[];
  out?: number[];
  xgrad?: number[];
  error?: string;
}

/** The generator's exact inputs: a permutation of 0..n-1 (37 is prime), / 4, − 3. */
const input = (shape: number[], seed: number) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return g.tensor(
    Float64Array.from({ length: n }, (_, i) => ((i * 37 + seed) % n) / 4 - 3),
    { shape, requiresGrad: true },
  );
};
const gradWeights = (shape: readonly number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return g.tensor(
    Float64Array.from({ length: n }, (_, i) => (((i * 13) % 11) - 5) / 4),
    { shape: [...shape] },
  );
};

/** PyTorch's keyword arguments in Graft's spelling. */
function graftOptions(o: Case['options']) {
  return {
    ...(o.stride !== undefined ? { stride: o.stride } : {}),
    padding: o.padding,
    ...(o.dilation !== undefined ? { dilation: o.dilation } : {}),
    ...(o.ceil_mode !== undefined ? { ceilMode: o.ceil_mode } : {}),
    ...(o.count_include_pad !== undefined ? { countIncludePad: o.count_include_pad } : {}),
    ...(o.divisor_override !== undefined ? { divisorOverride: o.divisor_override } : {}),
  };
}

const cases = fixture.data as Case[];

describe(`pooling against PyTorch: ${cases.length} cases of kernel/stride/padding/dilation/ceilMode/countIncludePad/divisorOverride`, () => {
  for (const c of cases) {
    it(c.name, () => {
      const x = input(c.shape, c.seed);
      const o = graftOptions(c.options);
      const run = () => (c.kind === 'max' ? F.maxPool2d(x, c.options.kernel_size, o) : F.avgPool2d(x, c.options.kernel_size, o));
      if (c.error !== undefined) {
        expect(run).toThrow(c.error.split(',')[0]!.split('(')[0]!);
        return;
      }
      const y = run();
      expect(y.shape).toEqual(c.outShape);
      close(values(y), c.out!);
      y.mul(gradWeights(y.shape)).sum().backward();
      close(values(x.grad!), c.xgrad!);
      // The module computes the same.
      const m = c.kind === 'max' ? new MaxPool2d(c.options.kernel_size, o) : new AvgPool2d(c.options.kernel_size, o);
      expect(values(m.call(x.detach()) as g.Tensor)).toEqual(values(y));
    });
  }

  it('the reported example: MaxPool2d(2, { ceilMode: true }) on 5×5 gives 3×3', () => {
    expect((new MaxPool2d(2, { ceilMode: true }).call(g.randn(1, 1, 5, 5)) as g.Tensor).shape).toEqual([1, 1, 3, 3]);
    expect(String(new MaxPool2d(2, { ceilMode: true }))).toBe('MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=True)');
  });

  it("PyTorch's positional order (MaxPool2d(2, 2), AvgPool2d(3, 2, 1, true))", () => {
    expect(String(new MaxPool2d(2, 1))).toBe('MaxPool2d(kernel_size=2, stride=1, padding=0, dilation=1, ceil_mode=False)');
    const x = g.randn(1, 1, 5, 5);
    expect(values(new AvgPool2d(3, 2, 1, true).call(x) as g.Tensor)).toEqual(
      values(F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true })),
    );
    // returnIndices (PyTorch's 4th positional argument) gives [values, indices].
    const [values2, indices] = new MaxPool2d(2, 2, 0, 1, true).call(x) as g.Tensor[];
    expect(values(values2!)).toEqual(values(F.maxPool2d(x, 2)));
    expect(indices!.dtype).toBe('int32');
  });

  it('bad geometry is an error naming the op', () => {
    expect(() => F.maxPool2d(g.zeros(1, 1, 4, 4), 2, { stride: 0 })).toThrow('maxPool2d: stride must be a positive integer');
    expect(() => F.avgPool2d(g.zeros(1, 1, 4, 4), 2, { divisorOverride: 0 })).toThrow('avgPool2d: divisor must be not zero');
    expect(() => F.maxPool2d(g.zeros(4, 4), 2)).toThrow('maxPool2d: Expected 3D or 4D');
  });
});
