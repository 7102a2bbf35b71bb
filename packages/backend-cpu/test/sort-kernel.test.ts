/**
 * `sort` is an optional kernel: the CPU backend has it (core's host sort run
 * on its own arrays), and a backend without it gets core's fallback (read
 * back, sort on the host, write back). Both must give the same values and
 * indices — PyTorch's, which the conformance suite checks on the kernel —
 * for every dtype and layout (strided, offset, transposed views).
 */
import * as g from '@graft/core';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/index.js';

/** A CPU backend without the sort kernel: core falls back to its host sort. */
class CpuWithoutSort extends CpuBackend {
  override sort = undefined as unknown as CpuBackend['sort'];
}
g.registerBackend('cpu-nosort', () => new CpuWithoutSort());

/** A CPU backend whose sort kernel counts its calls. */
class CountingCpu extends CpuBackend {
  calls = 0;
  constructor() {
    super();
    const kernel = this.sort;
    this.sort = (x, axis, descending, stable) => {
      this.calls++;
      return kernel(x, axis, descending, stable);
    };
  }
}
const counting = new CountingCpu();
g.registerBackend('cpu-counting', () => counting);

/** Tensors of every dtype, full of ties and (for floats) NaN and infinities, as views of several layouts. */
function inputs(): g.Tensor[] {
  g.manualSeed(11);
  const ints = g.randint(0, 4, [6, 40]);
  const floats = g.where(g.rand(6, 40).lt(0.2), NaN, ints.float());
  const special = g.where(g.rand(6, 40).lt(0.1), -Infinity, floats);
  const out: g.Tensor[] = [];
  for (const base of [special, special.double(), ints, ints.gt(1)]) {
    out.push(base, base.t(), base.slice(1, 3, 37, 2), base.narrow(0, 2, 3), base.select(0, 4));
  }
  return out;
}

describe('the optional sort kernel', () => {
  it('the CPU backend has it and core calls it; without it, core sorts on the host', () => {
    expect(typeof g.getBackend().sort).toBe('function');
    const x = g.tensor([3, 1, 2], { device: 'cpu-counting' });
    x.sort();
    x.argsort({ descending: true });
    expect(counting.calls).toBe(2);
  });

  it("the fallback gives the kernel's values and indices, for every dtype, layout, direction and stability", () => {
    for (const x of inputs()) {
      const y = x.to('cpu-nosort');
      for (let dim = -x.ndim; dim < x.ndim; dim++) {
        for (const descending of [false, true]) {
          for (const stable of [false, true]) {
            const [v, i] = x.sort(dim, descending, { stable });
            const [fv, fi] = y.sort(dim, descending, { stable });
            const what = `${x.dtype} [${x.shape}] strides [${x.strides}] dim ${dim} descending ${descending} stable ${stable}`;
            expect(Array.from(fv.dataSync()), what).toEqual(Array.from(v.dataSync()));
            expect(Array.from(fi.dataSync()), what).toEqual(Array.from(i.dataSync()));
          }
        }
      }
    }
  });

  it('an empty tensor or a 0-d one is sorted without calling the kernel', () => {
    const before = counting.calls;
    const [v, i] = g.zeros([2, 0], { device: 'cpu-counting' }).sort();
    expect(v.shape).toEqual([2, 0]);
    expect(i.dtype).toBe('int32');
    expect(g.tensor(5, { device: 'cpu-counting' }).sort().values.item()).toBe(5);
    expect(counting.calls).toBe(before);
  });
});
