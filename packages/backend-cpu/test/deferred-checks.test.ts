/**
 * Core's GPU paths, run on the CPU: a CPU backend that defers its checks as a
 * GPU backend does (`deferChecks`) and lacks the optional `put` kernel, as
 * the WebGL backend does. Index bounds are then checked on the device and
 * reported at the next read, naming the offending value; repeated indices of
 * a put are resolved on the device (no read); index tensors are made
 * non-negative there; puts are computed whole. The indexing fixtures
 * (forward) and the indexing cases run on it, so these paths are tested in
 * Node too.
 */
import * as g from '@graft/core';
import { indexingCases } from '@graft/testing';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/index.js';

class DeferringCpuBackend extends CpuBackend {
  readonly deferChecks = true;
  constructor() {
    super();
    (this as { put?: unknown }).put = undefined; // core's fallback
  }
}

g.registerBackend('cpu-deferred', () => new DeferringCpuBackend());

/** A deferring backend without synchronous reads, as WebGPU on a fallback adapter or in Node. */
class AsyncOnlyCpuBackend extends DeferringCpuBackend {
  override readSync(): never {
    throw new Error('async-only: synchronous reads are unavailable');
  }
}
g.registerBackend('cpu-async-only', () => new AsyncOnlyCpuBackend());

const inDevice = <T>(fn: () => T): T => {
  const previous = g.currentDevice();
  g.setBackend('cpu-deferred');
  try {
    return fn();
  } finally {
    g.setBackend(previous);
  }
};

describe("'cpu-deferred' defers its checks", () => {
  it('an out-of-range index is reported at the next read, with its value, and not before', () =>
    inDevice(() => {
      const x = g.zeros(3);
      const y = x.index(g.tensor([1, -4], { dtype: 'int32' })); // no error yet: the check waits on the device
      expect(() => y.dataSync()).toThrow(/index -4 is out of bounds for dimension 0 with size 3 \(checked on 'cpu'/);
      expect(Array.from(g.ones(1).dataSync())).toEqual([1]); // reported once
    }));

  it('without synchronous reads, await values() rejects with the index error, naming the value', async () => {
    const x = g.zeros(3, { device: 'cpu-async-only' });
    const y = x.index(g.tensor([1, 7], { dtype: 'int32', device: 'cpu-async-only' }));
    await expect(y.values()).rejects.toThrow(/index 7 is out of bounds for dimension 0 with size 3 \(checked on 'cpu'/);
    expect(Array.from(await g.ones(1, { device: 'cpu-async-only' }).values())).toEqual([1]); // reported once
    const z = x.take(g.tensor([0, -5], { dtype: 'int32', device: 'cpu-async-only' }));
    await expect(z.values()).rejects.toThrow(/tried to access index -5 on a tensor of 3 elements/);
    for (const t of [x, y, z]) t.dispose();
  });
});

indexingCases(
  { describe, it },
  {
    device: 'cpu-deferred',
    inDevice,
    supportsFloat64: true,
    fixtures: { device: 'cpu-deferred', supportsFloat64: true, float32: { atol: 1e-5, rtol: 1e-4 }, float64: { atol: 1e-9, rtol: 1e-7 } },
  },
);
