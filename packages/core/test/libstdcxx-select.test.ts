import { describe, expect, it } from 'vitest';
import { topkIndices } from '../src/ops/libstdcxx-select.js';
import fixture from './fixtures/topk-ties.json' with { type: 'json' };

// multinomial without replacement is topk of p / Exp(1), where every category of probability 0 ties at 0:
// which of them PyTorch picks is the order GCC's libstdc++ partial_sort / nth_element / sort leave among
// equal values. Here against torch.topk itself, on values full of ties and NaN (scripts/fixtures/generate_random.py).

const decode = (v: number | string) => (v === 'nan' ? NaN : (v as number));

describe("topkIndices is torch.topk's CPU order, ties included", () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const values = Float64Array.from(c.values, decode);
      expect(Array.from(topkIndices(values, c.k))).toEqual(c.indices);
      expect(Array.from(topkIndices(Float64Array.from(values, Math.fround), c.k))).toEqual(c.float32);
    });
  }
});
