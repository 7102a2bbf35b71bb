/**
 * The optional `tanhBackward` kernel (tanh's backward in one pass) against
 * core's composite (`grad · (1 - y)(1 + y)` as three ops): a CPU backend
 * without the kernel composes, and tanh's gradients — first and second
 * order — must agree bit for bit, with NaN, infinities, signed zeros and
 * saturated values in the input.
 */
import * as g from '@graft/core';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/index.js';

class CpuWithoutTanhBackward extends CpuBackend {
  override tanhBackward = undefined as unknown as CpuBackend['tanhBackward'];
}
g.registerBackend('cpu-notanhbw', () => new CpuWithoutTanhBackward());

class CountingTanhBackward extends CpuBackend {
  calls = 0;
  constructor() {
    super();
    const kernel = this.tanhBackward;
    this.tanhBackward = (...args) => {
      this.calls++;
      return kernel(...args);
    };
  }
}
const counting = new CountingTanhBackward();
g.registerBackend('cpu-tanhbw', () => counting);

const bits = (t: g.Tensor | null) =>
  t === null ? null : Array.from(t.to('cpu').contiguous().dataSync(), (v) => (Object.is(v, -0) ? '-0' : v));

/** tanh's input: normals at several scales (saturating ones too) with NaN, ±inf and ±0 mixed in. */
function input(dtype: 'float32' | 'float64', shape: number[]): g.Tensor {
  const x = g.randn(shape, { dtype }).mul(g.rand(shape, { dtype }).mul(12));
  const u = g.rand(shape);
  return g.where(
    u.lt(0.05),
    NaN,
    g.where(u.lt(0.1), Infinity, g.where(u.lt(0.15), -Infinity, g.where(u.lt(0.2), -0, g.where(u.lt(0.25), 0, x)))),
  );
}

describe('tanhBackward equals the composite', () => {
  it('first and second order, float32 and float64, small and wasm-sized, bit for bit; the kernel is the path taken', () => {
    g.manualSeed(4);
    counting.calls = 0;
    let expectedCalls = 0;
    for (const dtype of ['float32', 'float64'] as const) {
      for (const shape of [[7], [4, 9], [300, 70]]) {
        const x = input(dtype, shape);
        const w = g.randn(shape, { dtype });
        const grads = (device: string) => {
          const xd = x.to(device).requiresGrad_();
          const [gx] = g.autograd.grad(xd.tanh().mul(w.to(device)).sum(), [xd], { createGraph: true });
          const [ggx] = g.autograd.grad(gx!.mul(w.to(device)).sum(), [xd]);
          const plain = x.to(device).requiresGrad_();
          plain.tanh().mul(w.to(device)).sum().backward();
          return [bits(gx!), bits(ggx!), bits(plain.grad)];
        };
        const [fGx, fGgx, fPlain] = grads('cpu-tanhbw');
        const [cGx, cGgx, cPlain] = grads('cpu-notanhbw');
        expect(fPlain, `${dtype} [${shape}] first order`).toEqual(cPlain);
        expect(fGx, `${dtype} [${shape}] first order under createGraph`).toEqual(cGx);
        expect(fGgx, `${dtype} [${shape}] second order`).toEqual(cGgx);
        // The plain backward, and the second-order one (through tanh's output in the recorded ops); under createGraph the ops run.
        expectedCalls += 2;
      }
    }
    expect(counting.calls).toBe(expectedCalls);
  });

  it('a gradient that is not dense composes', () => {
    const x = g.randn([5, 6], { device: 'cpu-tanhbw' }).requiresGrad_();
    counting.calls = 0;
    x.tanh()
      .t()
      .mul(g.randn([6, 5], { device: 'cpu-tanhbw' }))
      .sum()
      .backward();
    const viaOps = x.grad!.clone();
    expect(counting.calls).toBe(0);
    x.grad = null;
    x.tanh()
      .mul(g.randn([5, 6], { device: 'cpu-tanhbw' }))
      .sum()
      .backward();
    expect(counting.calls).toBe(1);
    expect(viaOps.shape).toEqual([5, 6]);
  });
});
