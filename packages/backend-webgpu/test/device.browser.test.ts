import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { WebGPUBackend, webgpuAvailable, webgpuInfo } from '../src/index.js';

describe("'webgpu' says what it is and what it cannot do", () => {
  it('reports its adapter (a fallback adapter here: SwiftShader) and its limits', async () => {
    expect(await webgpuAvailable()).toBe(true);
    const info = webgpuInfo()!;
    expect(info.adapter.architecture).toBe('swiftshader');
    expect(info.adapter.isFallbackAdapter).toBe(true);
    expect(info.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 2 ** 20);
    expect(info.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256);
  });

  it('refuses synchronous reads with a clear error where the canvas path gives nothing (never zeros)', () => {
    const x = g.ones(3, { device: 'webgpu' }).add(1);
    expect(() => x.dataSync()).toThrow('synchronous reads');
    expect(() => x.to('cpu')).toThrow('await t.values()');
  });

  it('a destroyed device gives a clear error at the next op or read, never zeros', async () => {
    const adapter = await (
      navigator as unknown as { gpu: { requestAdapter(): Promise<{ requestDevice(): Promise<never> }> } }
    ).gpu.requestAdapter();
    const device = await adapter.requestDevice();
    const backend = new WebGPUBackend({ device });
    g.registerBackend('webgpu-doomed', () => backend);
    const x = g.ones(4, { device: 'webgpu-doomed' });
    expect(Array.from(await x.add(1).values())).toEqual([2, 2, 2, 2]);
    const y = x.mul(3);
    (device as { destroy(): void }).destroy();
    expect(() => x.mul(2)).toThrow('the WebGPU device was lost');
    await expect(y.values()).rejects.toThrow("every tensor on 'webgpu' is gone");
  });

  it('a device lost by the browser (device.lost) gives the same error', async () => {
    let resolveLost: (info: { reason: string; message: string }) => void = () => undefined;
    const lost = new Promise<{ reason: string; message: string }>((r) => (resolveLost = r));
    const adapter = await (
      navigator as unknown as { gpu: { requestAdapter(): Promise<{ requestDevice(): Promise<object> }> } }
    ).gpu.requestAdapter();
    const real = await adapter.requestDevice();
    // The same device, but whose loss the test decides (a browser loses devices on GPU resets and driver updates).
    const device = new Proxy(real, {
      get: (t, k) => {
        if (k === 'lost') return lost;
        const v = Reflect.get(t, k) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });
    const backend = new WebGPUBackend({ device: device as never });
    g.registerBackend('webgpu-reset', () => backend);
    const x = g.ones(2, { device: 'webgpu-reset' });
    resolveLost({ reason: 'unknown', message: 'GPU reset' });
    await new Promise((r) => setTimeout(r, 10));
    expect(() => x.add(1)).toThrow('the WebGPU device was lost (unknown: GPU reset)');
    (real as { destroy(): void }).destroy();
  });

  it('its options object rejects unknown keys, naming the one meant', () => {
    expect(() => new WebGPUBackend({ devic: undefined } as never)).toThrow(
      "WebGPUBackend: unknown option 'devic' (did you mean 'device'?)",
    );
  });
});
