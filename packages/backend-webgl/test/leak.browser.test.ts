import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
// Registers 'webgl' (a side effect), and the type of its backend.
import '../src/index.js';
import type { WebGLBackend } from '../src/index.js';

// GPU memory is not garbage collected: a training loop must release every texture it makes.
describe("'webgl' does not leak", () => {
  it('500 training steps keep live tensors, Graft bytes and tfjs GPU bytes flat', () => {
    const previous = g.getBackend().name;
    g.setBackend('webgl');
    try {
      g.manualSeed(0);
      const x = g.randn(32, 8);
      const y = x.sum(1, true).tanh();
      const w1 = g.randn([8, 16], { requiresGrad: true }).mul(0.3).detach().requiresGrad_();
      const w2 = g.randn([16, 1], { requiresGrad: true }).mul(0.3).detach().requiresGrad_();
      const backend = g.getBackend() as unknown as WebGLBackend;
      const step = () =>
        g.tidy(() => {
          const loss = x.matmul(w1).tanh().matmul(w2).sub(y).square().mean();
          loss.backward();
          g.noGrad(() => {
            w1.sub_(w1.grad!.mul(0.1));
            w2.sub_(w2.grad!.mul(0.1));
          });
          w1.grad!.dispose();
          w2.grad!.dispose();
          w1.grad = null;
          w2.grad = null;
          return loss.item() as number;
        });
      const first = step();
      const tensors = g.memory().numTensors;
      const bytes = g.memory().numBytes;
      const gpuBytes = backend.memory().numBytes;
      let last = first;
      for (let i = 0; i < 500; i++) last = step();
      expect(g.memory().numTensors).toBe(tensors);
      expect(g.memory().numBytes).toBe(bytes);
      expect(backend.memory().numBytes).toBe(gpuBytes);
      expect(last).toBeLessThan(first);
    } finally {
      g.setBackend(previous);
    }
  });
});
