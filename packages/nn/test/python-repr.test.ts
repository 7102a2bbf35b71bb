import { describe, expect, it } from 'vitest';
import { pythonFloat, pythonValue } from '../src/python-repr.js';
import fixture from './fixtures/python-floats.json' with { type: 'json' };

/** The double whose big-endian IEEE bits are `hex`. */
function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe("pythonFloat is Python's repr(float)", () => {
  it(`on ${fixture.data.length} doubles whose repr Python wrote (random bits, every magnitude, the exponent-form thresholds)`, () => {
    const wrong: string[] = [];
    for (const [bits, repr] of fixture.data as [string, string][]) {
      const got = pythonFloat(fromBits(bits));
      if (got !== repr) wrong.push(`${bits}: ${got} (Python: ${repr})`);
    }
    expect(wrong).toEqual([]);
  });

  it('the values module reprs show', () => {
    expect([1e-5, 0.1, 0.5, 0.01, 1, 0, 1e-12, 100, 1e16, 0.0001].map(pythonFloat)).toEqual([
      '1e-05',
      '0.1',
      '0.5',
      '0.01',
      '1.0',
      '0.0',
      '1e-12',
      '100.0',
      '1e+16',
      '0.0001',
    ]);
  });

  it('ints, bools, None and tuples as Python formats them', () => {
    expect([pythonValue(2), pythonValue([2, 3]), pythonValue([3]), pythonValue(true), pythonValue(null)]).toEqual([
      '2',
      '(2, 3)',
      '(3,)',
      'True',
      'None',
    ]);
  });
});
