import * as g from '@graft/core';
import { afterEach, describe, expect, it } from 'vitest';
import '../src/index.js';

// Expected strings are PyTorch 1.13's repr after the same torch.set_printoptions calls.
describe('g.setPrintOptions is torch.set_printoptions', () => {
  afterEach(() => g.setPrintOptions({ profile: 'default' }));

  it('resets sciMode on every call unless it is given, as set_printoptions resets sci_mode', () => {
    g.setPrintOptions({ sciMode: true });
    expect(String(g.tensor([1.5, 2.25]))).toBe('tensor([1.5000e+00, 2.2500e+00])');
    g.setPrintOptions({ precision: 2 });
    expect(String(g.tensor([1.5, 2.25]))).toBe('tensor([1.50, 2.25])');
  });

  it("applies a profile first ('default', 'short', 'full'), then the options given with it", () => {
    g.setPrintOptions({ profile: 'short' });
    expect(String(g.arange(1200, { dtype: 'float32' }).div(7))).toBe('tensor([0.00e+00, 1.43e-01,  ..., 1.71e+02, 1.71e+02])');
    g.setPrintOptions({ profile: 'full', linewidth: 40 });
    expect(String(g.arange(12, { dtype: 'float32' }).div(3))).toBe(
      'tensor([0.0000, 0.3333, 0.6667, 1.0000,\n        1.3333, 1.6667, 2.0000, 2.3333,\n        2.6667, 3.0000, 3.3333, 3.6667])',
    );
    g.setPrintOptions({ edgeitems: 1, threshold: 5 });
    expect(String(g.arange(8, { dtype: 'float32' }))).toBe('tensor([0.,  ..., 7.])');
    // Options not given keep their values (only sciMode resets); a profile resets the four.
    g.setPrintOptions({});
    expect(String(g.arange(8, { dtype: 'float32' }))).toBe('tensor([0.,  ..., 7.])');
    g.setPrintOptions({ profile: 'default' });
    expect(String(g.arange(8, { dtype: 'float32' }))).toBe('tensor([0., 1., 2., 3., 4., 5., 6., 7.])');
  });

  it('refuses values PyTorch fails on only at print time, and changes nothing then', () => {
    g.setPrintOptions({ precision: 2 });
    for (const [options, message] of [
      [{ precision: 2.5 }, 'precision must be a non-negative integer, got 2.5'],
      [{ precision: -1 }, 'precision must be a non-negative integer, got -1'],
      [{ edgeitems: -1 }, 'edgeitems must be a non-negative integer, got -1'],
      [{ edgeitems: 1.5 }, 'edgeitems must be a non-negative integer, got 1.5'],
      [{ linewidth: Number.NaN }, 'linewidth must be a non-negative integer, got NaN'],
      [{ threshold: -1 }, 'threshold must be a non-negative integer or Infinity, got -1'],
      [{ precision: '3' }, "precision must be a non-negative integer, got '3'"],
      [{ profile: 'long' }, `profile must be 'default', 'short' or 'full', got "long"`],
      [{ sciMode: 'yes' }, 'sciMode must be a boolean or undefined, got string'],
      [{ precision: 3, sciMode: 1 }, 'sciMode must be a boolean or undefined'],
    ] as const) {
      expect(() => g.setPrintOptions(options as never), JSON.stringify(options)).toThrow(message);
    }
    expect(String(g.tensor([1.5, 2.25]))).toBe('tensor([1.50, 2.25])');
    g.setPrintOptions({ threshold: Infinity, precision: 0 });
    expect(String(g.tensor([1.5, 2.5]))).toBe('tensor([2, 2])'); // Python's '{:.0f}': no point
  });
});
