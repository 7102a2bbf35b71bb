/**
 * The fused optimizer kernels of 'webgl' (tfjs has none: one shader per
 * tensor written instead of ~10 kernels a step): they are called, write
 * through views, and give the CPU's values (the conformance suite compares
 * whole trajectories; here, that the kernels are the path taken).
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { WebGLBackend } from '../src/index.js';

/** A WebGL backend whose fused kernels count their calls. */
class CountingWebGL extends WebGLBackend {
  calls = 0;
  override adamStep(...args: Parameters<WebGLBackend['adamStep']>): boolean {
    this.calls++;
    return super.adamStep(...args);
  }
  override sgdStep(...args: Parameters<WebGLBackend['sgdStep']>): boolean {
    this.calls++;
    return super.sgdStep(...args);
  }
}
const counting = new CountingWebGL();
g.registerBackend('webgl-counting', () => counting);

const adam = { lr: 0.05, beta1: 0.9, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, amsgrad: true, maximize: false, decoupled: true };
const close = (a: g.Tensor, b: g.Tensor) => {
  const x = a.to('cpu').dataSync();
  const y = b.to('cpu').dataSync();
  for (let i = 0; i < y.length; i++) expect(Math.abs(x[i]! - y[i]!)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(y[i]!));
};

describe("fused optimizer kernels on 'webgl'", () => {
  it('adam_ and sgd_ run the kernels (one call per update) and match the CPU', () => {
    g.manualSeed(1);
    const p0 = g.randn(40, 30);
    const grads = [0, 1, 2].map(() => g.randn(40, 30));
    const gpu = p0.to('webgl-counting');
    const cpu = p0.clone();
    let sGpu: g.fused.AdamState = { expAvg: null, expAvgSq: null, maxExpAvgSq: null };
    let sCpu: g.fused.AdamState = { expAvg: null, expAvgSq: null, maxExpAvgSq: null };
    counting.calls = 0;
    grads.forEach((gr, i) => {
      sGpu = g.fused.adam_(gpu, gr.to('webgl-counting'), sGpu, { ...adam, step: i + 1 });
      sCpu = g.fused.adam_(cpu, gr, sCpu, { ...adam, step: i + 1 });
    });
    expect(counting.calls).toBe(3);
    close(gpu, cpu);
    close(sGpu.maxExpAvgSq!, sCpu.maxExpAvgSq!);
    const sgd = { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: true, maximize: false };
    let bGpu: g.Tensor | null = null;
    let bCpu: g.Tensor | null = null;
    for (const gr of grads) {
      bGpu = g.fused.sgd_(gpu, gr.to('webgl-counting'), bGpu, sgd);
      bCpu = g.fused.sgd_(cpu, gr, bCpu, sgd);
    }
    expect(counting.calls).toBe(6);
    close(gpu, cpu);
    close(bGpu!, bCpu!);
  });

  it('a parameter that is a slice of a larger storage is written through its view', () => {
    const base = g.zeros([3, 4], { device: 'webgl-counting' });
    const row = base.select(0, 1); // dense, at an offset
    counting.calls = 0;
    g.fused.sgd_(row, g.ones([4], { device: 'webgl-counting' }), null, {
      lr: 0.5,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      maximize: false,
    });
    expect(counting.calls).toBe(1);
    expect(base.tolist()).toEqual([
      [0, 0, 0, 0],
      [-0.5, -0.5, -0.5, -0.5],
      [0, 0, 0, 0],
    ]);
  });
});
