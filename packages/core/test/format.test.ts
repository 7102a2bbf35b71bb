import { describe, expect, it } from 'vitest';
import { formatExp, formatFixed } from '../src/format.js';

// Expected strings are Python's '{:.4f}' / '{:.4e}' of the same doubles (worked out by hand:
// ties are exact binary values and round half to even).
describe('Python-exact number formatting', () => {
  it('fixed point rounds exact ties to even, unlike toFixed', () => {
    expect(formatFixed(0.03125, 4)).toBe('0.0312');
    expect((0.03125).toFixed(4)).toBe('0.0313');
    expect(formatFixed(0.09375, 4)).toBe('0.0938');
    expect(formatFixed(-0.15625, 4)).toBe('-0.1562');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(-0.5, 0)).toBe('-0');
  });
  it('fixed point of ordinary values, zero, negative zero and specials', () => {
    expect(formatFixed(4.5, 4)).toBe('4.5000');
    expect(formatFixed(1 / 3, 4)).toBe('0.3333');
    expect(formatFixed(0, 4)).toBe('0.0000');
    expect(formatFixed(-0, 4)).toBe('-0.0000');
    expect(formatFixed(123456789, 0)).toBe('123456789');
    expect(formatFixed(NaN, 4)).toBe('nan');
    expect(formatFixed(-Infinity, 4)).toBe('-inf');
  });
  it('scientific notation with two-digit exponents, carries and ties', () => {
    expect(formatExp(102.4, 4)).toBe('1.0240e+02');
    expect(formatExp(0.1024, 4)).toBe('1.0240e-01');
    expect(formatExp(9.99995e-7, 4)).toBe('1.0000e-06');
    expect(formatExp(1e100, 4)).toBe('1.0000e+100');
    expect(formatExp(0, 4)).toBe('0.0000e+00');
    expect(formatExp(-1.5, 4)).toBe('-1.5000e+00');
    expect(formatExp(1.00005, 4)).toBe('1.0001e+00'); // 1.00005 is just above the tie in binary
    expect(formatExp(1.03125, 3)).toBe('1.031e+00'); // an exact tie: to even
  });
});
