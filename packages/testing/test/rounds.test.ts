import { describe, expect, it } from 'vitest';
import { roundsOf } from '../src/rounds.js';

describe('roundsOf (ConformanceOptions.propertyScale)', () => {
  it('runs every round at scale 1', () => {
    expect(roundsOf(150, 1)).toEqual(Array.from({ length: 150 }, (_, i) => i));
  });
  it('spreads a scaled run over the whole range, distinct and in order, at least two rounds', () => {
    expect(roundsOf(40, 0.1)).toEqual([0, 10, 20, 30]);
    expect(roundsOf(150, 0.1)).toHaveLength(15);
    expect(roundsOf(150, 0.1).at(-1)).toBe(140);
    expect(roundsOf(40, 0.001)).toEqual([0, 20]);
    for (const [total, scale] of [
      [7, 0.5],
      [60, 0.3],
      [3, 0.9],
    ] as const) {
      const rounds = roundsOf(total, scale);
      expect(new Set(rounds).size).toBe(rounds.length);
      expect(rounds.every((r, i) => r < total && (i === 0 || r > rounds[i - 1]!))).toBe(true);
    }
  });
  it('refuses a scale outside (0, 1]', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => roundsOf(10, bad)).toThrow('propertyScale must be in (0, 1]');
  });
});
