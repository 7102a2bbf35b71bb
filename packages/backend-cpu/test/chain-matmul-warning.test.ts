/**
 * `chainMatmul` is deprecated in PyTorch for `linalg.multi_dot` and warns
 * once per process, as PyTorch's TORCH_WARN_ONCE does. A file of its own:
 * vitest gives each test file fresh modules, so nothing has warned before.
 */
import * as g from '@graft/core';
import '../src/index.js';
import { afterEach, describe, expect, it, vi } from 'vitest';

describe('chainMatmul', () => {
  afterEach(() => vi.restoreAllMocks());

  it("warns once, with PyTorch's deprecation message and the Graft spelling of what replaces it", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const a = g.ones(2, 3);
    const b = g.ones(3, 4);
    expect(g.chainMatmul(a, b).tolist()).toEqual([
      [3, 3, 3, 3],
      [3, 3, 3, 3],
    ]);
    g.chainMatmul([a, b]);
    expect(() => g.chainMatmul()).toThrow('chain_matmul(): Expected one or more matrices');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain(
      'torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use torch.linalg.multi_dot instead',
    );
    expect(String(warn.mock.calls[0]![0])).toContain('g.linalg.multiDot');
  });

  it('no other contraction warns (torch.cross without dim does not warn in 1.13)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    g.cross(g.ones(4, 3), g.ones(4, 3));
    g.einsum('ij,jk', g.ones(2, 3), g.ones(3, 2));
    g.tensordot(g.ones(2, 3), g.ones(3, 2), 1);
    expect(warn).not.toHaveBeenCalled();
  });
});
