import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { webgpuAvailable, webgpuInfo } from '../src/index.js';

// Index checks on a GPU run there and are reported at the next read. Here (a fallback adapter: SwiftShader)
// synchronous reads are impossible, so the failed check and the offending index it names must both come
// through the asynchronous read: `await values()` rejects with the index error, not "synchronous reads".
describe("'webgpu' reports a failed device-side check through an asynchronous read", () => {
  it('runs on an adapter without synchronous reads', async () => {
    expect(await webgpuAvailable()).toBe(true);
    expect(webgpuInfo()!.adapter.isFallbackAdapter).toBe(true);
    expect(() => g.ones(1, { device: 'webgpu' }).dataSync()).toThrow('synchronous reads');
  });

  it('x[index] with an index out of range names the index', async () => {
    const x = g.arange(5, { device: 'webgpu' });
    const y = x.index(g.tensor([1, 7, 2], { dtype: 'int32', device: 'webgpu' }));
    await expect(y.values()).rejects.toThrow(/index 7 is out of bounds for dimension 0 with size 5/);
    // The failure was reported once: the next read is clean.
    expect(Array.from(await g.ones(2, { device: 'webgpu' }).values())).toEqual([1, 1]);
    x.dispose();
    y.dispose();
  });

  it('take() with an index out of range names the index', async () => {
    const x = g.arange(5, { device: 'webgpu' });
    const y = x.take(g.tensor([-9, 0], { dtype: 'int32', device: 'webgpu' }));
    await expect(y.values()).rejects.toThrow(/tried to access index -9 on a tensor of 5 elements/);
    x.dispose();
    y.dispose();
  });

  it('gather() with an index out of range rejects with the bounds error', async () => {
    const x = g.arange(5, { device: 'webgpu' });
    const y = x.gather(0, g.tensor([4, 5], { dtype: 'int32', device: 'webgpu' }));
    await expect(y.values()).rejects.toThrow(/gather\(\): an index is out of bounds for dimension 0 with size 5/);
    x.dispose();
    y.dispose();
  });

  it('a check that passes leaves the values alone', async () => {
    const x = g.arange(5, { device: 'webgpu' });
    const y = x.index(g.tensor([4, -1, 0], { dtype: 'int32', device: 'webgpu' }));
    expect(Array.from(await y.values())).toEqual([4, 4, 0]);
    x.dispose();
    y.dispose();
  });
});
