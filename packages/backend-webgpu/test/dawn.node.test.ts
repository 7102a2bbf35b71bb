/**
 * 'webgpu' in Node on Dawn (the `webgpu` package): the device comes up, ops
 * and a short training loop give the CPU's values, reads are asynchronous
 * and sync reads say so, and a failed index check is reported by an
 * asynchronous read with its message. The whole conformance suite runs here too with
 * `pnpm test` (test/conformance.node.test.ts; `pnpm test:node-conformance` alone).
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { webgpuInfo } from '../src/index.js';
import { nodeWebGpu } from './node-gpu.js';

const info = await nodeWebGpu();

describe("'webgpu' in Node (Dawn)", () => {
  it('gives an adapter, with its info and limits', () => {
    expect(info).toBeDefined();
    expect(webgpuInfo()?.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
  });

  it('computes what the CPU computes: elementwise through views, reductions, matmul, gather, special functions', async () => {
    g.manualSeed(1);
    const a = g.randn(5, 7);
    const b = g.randn(7, 3);
    const idx = g.tensor(
      [
        [0, 4, 2],
        [1, 1, 0],
      ],
      { dtype: 'int32' },
    );
    const program = (x: g.Tensor, y: g.Tensor, i: g.Tensor) => [
      x.t().exp().sum(1),
      x.matmul(y).tanh(),
      x.gather(0, i),
      x.lgamma().add(x.erfinv().nanToNum()),
      x.flip(1).slice(1, 1, 5).mul(2).div(0),
    ];
    const cpu = program(a, b, idx);
    const gpu = program(a.to('webgpu'), b.to('webgpu'), idx.to('webgpu'));
    for (let k = 0; k < cpu.length; k++) {
      const want = Array.from(await cpu[k]!.values());
      const got = Array.from(await gpu[k]!.values());
      expect(got.length).toBe(want.length);
      got.forEach((v, i) => {
        if (!Number.isFinite(want[i]!)) expect(v).toBe(want[i]);
        else expect(Math.abs(v - want[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(want[i]!)));
      });
    }
  });

  it('trains: 30 SGD steps lower the loss, reading it asynchronously', async () => {
    g.manualSeed(0);
    const x = g.randn([64, 8], { device: 'webgpu' });
    const y = x.sum(1, true).tanh();
    const w = g.randn([8, 1], { device: 'webgpu' }).mul(0.1).requiresGrad_();
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const loss = g.tidy(() => {
        const l = x.matmul(w).sub(y).square().mean();
        l.backward();
        g.noGrad(() => w.sub_(w.grad!.mul(0.1)));
        w.grad = null;
        return l.detach();
      });
      losses.push((await loss.values())[0]!);
      loss.dispose();
    }
    expect(losses[29]!).toBeLessThan(losses[0]! / 2);
  });

  it('refuses synchronous reads with a clear error (Node has no canvas), never zeros', () => {
    const x = g.ones(3, { device: 'webgpu' });
    expect(() => x.dataSync()).toThrow('no OffscreenCanvas in this runtime');
  });

  it('reports a failed device-side index check through await values(), naming the index', async () => {
    const x = g.arange(5, { device: 'webgpu' });
    const y = x.index(g.tensor([1, 7], { dtype: 'int32', device: 'webgpu' }));
    await expect(y.values()).rejects.toThrow(/index 7 is out of bounds for dimension 0 with size 5 \(checked on 'webgpu'/);
    expect(Array.from(await g.ones(2, { device: 'webgpu' }).values())).toEqual([1, 1]); // reported once
    x.dispose();
    y.dispose();
  });
});
