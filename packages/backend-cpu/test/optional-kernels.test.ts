/**
 * `inverse` and `slogdet` are optional kernels: the CPU backend has neither
 * and core computes them on the host; a backend that has them is called.
 */
import * as g from '@graft/core';
import { ARRAY_TYPE, hostLinalg, numel, type View } from '@graft/core/backend';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/index.js';
import type { Handle } from '../src/heap.js';

/** A CPU backend with its own inverse/slogdet kernels, which count their calls. */
class CpuWithLinalg extends CpuBackend {
  readonly calls: string[] = [];
  inverse(x: View<Handle>): Handle {
    this.calls.push('inverse');
    const out = new ARRAY_TYPE[x.dtype](numel(x.shape));
    hostLinalg.hostInverse(this.readSync(x.handle), x, out);
    return this.write(out, x.dtype);
  }
  slogdet(x: View<Handle>): [Handle, Handle, Handle] {
    this.calls.push('slogdet');
    const count = numel(x.shape.slice(0, -2));
    const [s, l, d] = [0, 1, 2].map(() => new ARRAY_TYPE[x.dtype](count));
    hostLinalg.hostSlogdet(this.readSync(x.handle), x, s!, l!, d!);
    return [this.write(s!, x.dtype), this.write(l!, x.dtype), this.write(d!, x.dtype)];
  }
}

const withLinalg = new CpuWithLinalg();
g.registerBackend('cpu-linalg', () => withLinalg);

describe('optional inverse and slogdet kernels', () => {
  it("the CPU backend has neither: core's host fallback computes them", () => {
    const cpu = g.getBackend();
    expect(cpu.name).toBe('cpu');
    expect(cpu.inverse).toBeUndefined();
    expect(cpu.slogdet).toBeUndefined();
  });

  it('a backend that has them is called, and gives what the fallback gives (also on strided batches, in both float dtypes)', () => {
    g.manualSeed(3);
    for (const dtype of ['float32', 'float64'] as const) {
      const a = g.randn([3, 4, 4], { dtype }).add(g.eye(4, { dtype }).mul(2)).transpose(-1, -2); // a strided batch
      const b = a.to('cpu-linalg');
      withLinalg.calls.length = 0;
      for (const op of ['inverse', 'det', 'logdet'] as const) {
        expect(b[op]().to('cpu').tolist(), `${op} ${dtype}`).toEqual(a[op]().tolist());
      }
      expect(withLinalg.calls).toEqual(['inverse', 'slogdet', 'slogdet']);
    }
  });

  it("a singular matrix gives PyTorch's error through the fallback, and frees what it made", () => {
    const before = g.memory().numTensors;
    expect(() =>
      g
        .tensor([
          [1, 2],
          [2, 4],
        ])
        .inverse(),
    ).toThrow(/linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular/);
    expect(g.memory().numTensors).toBeLessThanOrEqual(before + 1); // the input, for the garbage collector
    expect(
      g
        .tensor([
          [1, 2],
          [2, 4],
        ])
        .det()
        .item(),
    ).toBe(0);
    expect(
      g
        .tensor([
          [1, 2],
          [2, 4],
        ])
        .logdet()
        .item(),
    ).toBe(-Infinity);
  });
});
