/** `F.oneHot` is @graft/core's `g.oneHot` (PyTorch's `F.one_hot`, whose values the core fixtures check). */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { F } from '../src/index.js';

describe('F.oneHot', () => {
  it('is the same function as g.oneHot', () => {
    expect(F.oneHot).toBe(g.oneHot);
  });
  it("gives PyTorch's one-hot rows (int32), inferring the number of classes", () => {
    const rows = F.oneHot(g.tensor([1, 0, 2], { dtype: 'int32' }));
    expect(rows.dtype).toBe('int32');
    expect(rows.tolist()).toEqual([
      [0, 1, 0],
      [1, 0, 0],
      [0, 0, 1],
    ]);
  });
});
