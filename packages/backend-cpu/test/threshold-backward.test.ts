/**
 * The optional `thresholdBackward` kernel (relu's backward in one pass)
 * against core's composite (a comparison and a where): a CPU backend without
 * the kernel composes, and relu's gradients — first and second order — must
 * agree bit for bit, with NaN, infinities and signed zeros in the input.
 */
import * as g from '@graft/core';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/index.js';

class CpuWithoutThreshold extends CpuBackend {
  override thresholdBackward = undefined as unknown as CpuBackend['thresholdBackward'];
}
g.registerBackend('cpu-nothreshold', () => new CpuWithoutThreshold());

class CountingThreshold extends CpuBackend {
  calls = 0;
  constructor() {
    super();
    const kernel = this.thresholdBackward;
    this.thresholdBackward = (...args) => {
      this.calls++;
      return kernel(...args);
    };
  }
}
const counting = new CountingThreshold();
g.registerBackend('cpu-threshold', () => counting);

const bits = (t: g.Tensor | null) =>
  t === null ? null : Array.from(t.to('cpu').contiguous().dataSync(), (v) => (Object.is(v, -0) ? '-0' : v));

/** relu's input: normals with NaN, ±inf and ±0 mixed in. */
function input(dtype: 'float32' | 'float64', shape: number[]): g.Tensor {
  const x = g.randn(shape, { dtype });
  const u = g.rand(shape);
  return g.where(
    u.lt(0.05),
    NaN,
    g.where(u.lt(0.1), Infinity, g.where(u.lt(0.15), -Infinity, g.where(u.lt(0.2), -0, g.where(u.lt(0.25), 0, x)))),
  );
}

describe('thresholdBackward (relu backward) equals the composite', () => {
  it('first and second order, float32 and float64, small and wasm-sized, bit for bit; the kernel is the path taken', () => {
    g.manualSeed(3);
    counting.calls = 0;
    let expectedCalls = 0;
    for (const dtype of ['float32', 'float64'] as const) {
      for (const shape of [[7], [4, 9], [300, 70]]) {
        const x0 = input(dtype, shape);
        const upstream = input(dtype, shape);
        const results = ['cpu-threshold', 'cpu-nothreshold'].map((device) => {
          const x = x0.to(device).requiresGrad_();
          const gOut = upstream.to(device).requiresGrad_();
          const y = x.relu();
          const [gx] = g.autograd.grad([y], [x], { gradOutputs: [gOut], createGraph: true });
          // A dense weight (a plain sum's gradient is one value expanded, which core sends to the composite).
          const [ggOut] = g.autograd.grad([gx!.mul(x0.to(device).abs()).sum()], [gOut], { allowUnused: true });
          return { gx: gx!, ggOut: ggOut ?? null, name: gx!.gradFn?.name };
        });
        expectedCalls += 2; // the first-order gradient and, in the second backward, its own backward
        expect(bits(results[0]!.gx), `${dtype} [${shape}]`).toEqual(bits(results[1]!.gx));
        expect(bits(results[0]!.ggOut), `${dtype} [${shape}] second order`).toEqual(bits(results[1]!.ggOut));
        expect(results[0]!.name).toBe('ThresholdBackwardBackward0');
        expect(results[1]!.name).toBe('ThresholdBackwardBackward0');
      }
    }
    expect(counting.calls).toBe(expectedCalls);
  });

  it('a strided gradient takes the composite', () => {
    const x = g.randn([5, 6], { device: 'cpu-threshold', requiresGrad: true });
    counting.calls = 0;
    x.relu().backward(g.randn([6, 5], { device: 'cpu-threshold' }).t());
    expect(counting.calls).toBe(0);
    const y = x.detach().to('cpu-nothreshold').requiresGrad_();
    expect(x.grad!.shape).toEqual(y.shape);
  });
});
