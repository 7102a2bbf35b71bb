import { describe, expect, it } from 'vitest';
import { checkOptions } from '../src/index.js';

describe('checkOptions suggests the key a misspelling meant', () => {
  const valid = ['lr', 'momentum', 'weightDecay', 'tMax', 'etaMin'];
  it.each([
    ['TMax', 'tMax'],
    ['eta_min', 'etaMin'],
    ['momentun', 'momentum'],
    ['learningRate', 'lr'],
    ['learning_rate', 'lr'],
    ['wd', 'weightDecay'],
  ])('%s → %s', (key, meant) => {
    expect(() => checkOptions('op', { [key]: 1 }, valid)).toThrow(`op: unknown option '${key}' (did you mean '${meant}'?)`);
  });

  it('suggests nothing when nothing is close', () => {
    expect(() => checkOptions('op', { zzzzzz: 1 } as Record<string, number>, valid)).toThrow(
      /unknown option 'zzzzzz'; valid options are: lr, momentum/,
    );
  });
});
