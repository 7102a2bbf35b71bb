import { describe, expect, it } from 'vitest';
import * as g from '../src/index.js';
import { getNumThreads as backendView } from '../src/backend/index.js';

describe('g.setNumThreads / g.getNumThreads (torch.set_num_threads / get_num_threads)', () => {
  it('defaults to GRAFT_NUM_THREADS or the number of cores, and backends read the same setting', () => {
    const env = process.env['GRAFT_NUM_THREADS'];
    const n = g.getNumThreads();
    if (env !== undefined && env.trim() !== '') expect(n).toBe(Number(env));
    else
      expect(n).toBe(
        Math.min(
          256,
          (process as unknown as { getBuiltinModule(id: string): { availableParallelism(): number } })
            .getBuiltinModule('node:os')
            .availableParallelism(),
        ),
      );
    g.setNumThreads(3);
    expect(g.getNumThreads()).toBe(3);
    expect(backendView()).toBe(3);
    g.setNumThreads(n);
  });

  it('refuses anything but an integer from 1 to 256, naming what it got, and keeps the old value', () => {
    g.setNumThreads(2);
    for (const [bad, shown] of [
      [0, '0'],
      [257, '257'],
      [2.5, '2.5'],
      [Number.NaN, 'NaN'],
      ['4', '"4"'],
      [undefined, 'undefined'],
    ] as const) {
      expect(() => g.setNumThreads(bad as number)).toThrow(
        `setNumThreads: the number of threads must be an integer from 1 to 256, got ${shown}`,
      );
    }
    expect(g.getNumThreads()).toBe(2);
  });
});
