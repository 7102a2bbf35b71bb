/**
 * The fused optimizer kernels of 'webgpu' (tfjs-webgpu has none: one compute
 * pass per tensor written instead of ~10 kernels a step): they are called,
 * write through views, and give the CPU's values (the conformance suite
 * compares whole trajectories; here, that the kernels are the path taken).
 * Reads are asynchronous: this adapter refuses synchronous ones.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { webgpuAvailable } from '../src/index.js';

await webgpuAvailable();

/** Counts the calls of the 'webgpu' backend's fused kernels. */
const probe = g.zeros(1, { device: 'webgpu' });
const backend = (probe as unknown as { backend: Record<'adamStep' | 'sgdStep', (...args: unknown[]) => boolean> }).backend;
probe.dispose();
let calls = 0;
for (const name of ['adamStep', 'sgdStep'] as const) {
  const kernel = backend[name].bind(backend);
  backend[name] = (...args) => {
    calls++;
    return kernel(...args);
  };
}

const adam = { lr: 0.05, beta1: 0.9, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, amsgrad: true, maximize: false, decoupled: true };
const close = async (a: g.Tensor, b: g.Tensor) => {
  const x = await a.values();
  const y = b.dataSync();
  for (let i = 0; i < y.length; i++) expect(Math.abs(x[i]! - y[i]!)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(y[i]!));
};

describe("fused optimizer kernels on 'webgpu'", () => {
  it('adam_ and sgd_ run the kernels (one call per update) and match the CPU', async () => {
    g.manualSeed(1);
    const p0 = g.randn(40, 30);
    const grads = [0, 1, 2].map(() => g.randn(40, 30));
    const gpu = p0.to('webgpu');
    const cpu = p0.clone();
    let sGpu: g.fused.AdamState = { expAvg: null, expAvgSq: null, maxExpAvgSq: null };
    let sCpu: g.fused.AdamState = { expAvg: null, expAvgSq: null, maxExpAvgSq: null };
    calls = 0;
    grads.forEach((gr, i) => {
      sGpu = g.fused.adam_(gpu, gr.to('webgpu'), sGpu, { ...adam, step: i + 1 });
      sCpu = g.fused.adam_(cpu, gr, sCpu, { ...adam, step: i + 1 });
    });
    expect(calls).toBe(3);
    await close(gpu, cpu);
    await close(sGpu.maxExpAvgSq!, sCpu.maxExpAvgSq!);
    const sgd = { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: true, maximize: false };
    let bGpu: g.Tensor | null = null;
    let bCpu: g.Tensor | null = null;
    for (const gr of grads) {
      bGpu = g.fused.sgd_(gpu, gr.to('webgpu'), bGpu, sgd);
      bCpu = g.fused.sgd_(cpu, gr, bCpu, sgd);
    }
    expect(calls).toBe(6);
    await close(gpu, cpu);
    await close(bGpu!, bCpu!);
  });

  it('a parameter that is a slice of a larger storage is written through its view', async () => {
    const base = g.zeros([3, 4], { device: 'webgpu' });
    const row = base.select(0, 1); // dense, at an offset
    calls = 0;
    g.fused.sgd_(row, g.ones([4], { device: 'webgpu' }), null, {
      lr: 0.5,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      maximize: false,
    });
    expect(calls).toBe(1);
    expect(Array.from(await base.values())).toEqual([0, 0, 0, 0, -0.5, -0.5, -0.5, -0.5, 0, 0, 0, 0]);
  });
});
