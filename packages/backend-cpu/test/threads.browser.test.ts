/**
 * The worker pool in a browser: in a cross-origin isolated page (the test
 * server sends COOP/COEP) the CPU backend's memory is shared, module workers
 * start from a Blob, the main thread waits by polling (it may not block),
 * and every split kernel gives the same bits on 1, 2 and 4 threads.
 */
import * as g from '@graft/core';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/index.js';
import { poolState } from '../src/threads/pool.js';
import { ELEMENTWISE_GRAIN, REDUCTION_CHUNK } from '../src/threads/parallel.js';

const initialThreads = g.getNumThreads();
afterAll(() => g.setNumThreads(initialThreads));

function bits(t: g.Tensor): number[] {
  const data = t.dataSync() as Float32Array;
  return Array.from(new Int32Array(data.buffer, data.byteOffset, data.length));
}

describe('CPU worker pool in a cross-origin isolated page', () => {
  it('the page is isolated and the memory shared', () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
    expect(poolState().shared).toBe(true);
  });

  it('matmul, elementwise ops, tanh and sum give the same bits on 1, 2 and 4 threads, and the workers ran', async () => {
    const a = g.randn([256, 200]);
    const b = g.randn([200, 130]);
    const x = g.randn([4 * ELEMENTWISE_GRAIN + 5]);
    const y = g.randn([4 * ELEMENTWISE_GRAIN + 5]);
    const long = g.rand([3 * REDUCTION_CHUNK + 11]);
    const programs: [string, () => g.Tensor][] = [
      ['matmul', () => a.matmul(b)],
      ['matmul of transposed views', () => b.t().matmul(a.t())],
      ['add', () => x.add(y)],
      ['mul by a scalar', () => x.mul(1.5)],
      ['tanh', () => x.tanh()],
      ['sigmoid of a view at an offset', () => x.slice(0, 3).sigmoid()],
      ['sum', () => long.sum()],
    ];
    const runAll = () =>
      programs.map(([, f]) => {
        const t = f();
        const out = bits(t);
        t.dispose();
        return out;
      });
    g.setNumThreads(1);
    const expected = runAll();
    for (const threads of [2, 4, 1]) {
      g.setNumThreads(threads);
      const got = runAll();
      programs.forEach(([label], i) => expect(got[i], `${label} on ${threads} threads`).toEqual(expected[i]));
      // Workers start asynchronously in a browser: give them a moment before the next round.
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(poolState().unavailable).toBeUndefined();
    expect(poolState().workers).toBeGreaterThan(0);
    for (const t of [a, b, x, y, long]) t.dispose();
  });
});
