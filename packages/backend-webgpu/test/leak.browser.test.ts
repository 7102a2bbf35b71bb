import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
// Registers 'webgpu' (a side effect), and the type of its backend.
import { webgpuAvailable } from '../src/index.js';
import type { WebGPUBackend } from '../src/index.js';

// The device is made asynchronously after the import.
await webgpuAvailable();

// GPU memory is not garbage collected: a training loop must release every buffer it makes.
describe("'webgpu' does not leak", () => {
  it('500 training steps keep live tensors, Graft bytes and tfjs GPU bytes flat', async () => {
    const previous = g.getBackend().name;
    g.setBackend('webgpu');
    try {
      g.manualSeed(0);
      // Made in a tidy: no forgotten intermediate is left for the garbage collector to free mid-loop
      // (the loop awaits, so finalizers run, and counts would drop).
      const [x, y, w1, w2] = g.tidy(() => {
        const x = g.randn(32, 8);
        return [x, x.sum(1, true).tanh(), g.randn([8, 16]).mul(0.3), g.randn([16, 1]).mul(0.3)];
      }) as [g.Tensor, g.Tensor, g.Tensor, g.Tensor];
      w1.requiresGrad_();
      w2.requiresGrad_();
      const backend = g.getBackend() as unknown as WebGPUBackend;
      // Reads are asynchronous (sync reads are refused on this adapter): the loss is kept out of tidy and read.
      const step = async () => {
        const loss = g.tidy(() => {
          const l = x.matmul(w1).tanh().matmul(w2).sub(y).square().mean();
          l.backward();
          g.noGrad(() => {
            w1.sub_(w1.grad!.mul(0.1));
            w2.sub_(w2.grad!.mul(0.1));
          });
          w1.grad!.dispose();
          w2.grad!.dispose();
          w1.grad = null;
          w2.grad = null;
          return l.detach();
        });
        const value = (await loss.values())[0]!;
        loss.dispose();
        return value;
      };
      const first = await step();
      const tensors = g.memory().numTensors;
      const bytes = g.memory().numBytes;
      const gpuBytes = backend.memory().numBytes;
      let last = first;
      for (let i = 0; i < 500; i++) last = await step();
      expect(g.memory().numTensors).toBe(tensors);
      expect(g.memory().numBytes).toBe(bytes);
      expect(backend.memory().numBytes).toBe(gpuBytes);
      expect(last).toBeLessThan(first / 2);
    } finally {
      g.setBackend(previous);
    }
  });
});
