/**
 * Every options object in @graft/data goes through g.checkOptions: a misspelt
 * key throws, naming the entry point, the key and the one meant. The table is
 * checked against the package's exports, so a new class or function cannot
 * slip past it.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import * as data from '../src/index.js';

const range = [0, 1, 2, 3];

/** Each options-taking entry point: its name in messages, its keys, and a call with an options object. */
const TABLE: Record<string, { keys: string[]; call: (o: Record<string, unknown>) => unknown }> = {
  DataLoader: {
    keys: ['batchSize', 'shuffle', 'sampler', 'batchSampler', 'dropLast', 'collateFn', 'generator'],
    call: (o) => new data.DataLoader(range, o),
  },
  RandomSampler: { keys: ['replacement', 'numSamples', 'generator'], call: (o) => new data.RandomSampler(range, o) },
  SubsetRandomSampler: { keys: ['generator'], call: (o) => new data.SubsetRandomSampler(range, o) },
  WeightedRandomSampler: { keys: ['replacement', 'generator'], call: (o) => new data.WeightedRandomSampler([1, 2], 2, o) },
  BatchSampler: { keys: ['batchSize', 'dropLast'], call: (o) => new data.BatchSampler(range, { batchSize: 1, ...o }) },
  randomSplit: { keys: ['generator'], call: (o) => data.randomSplit(range, [2, 2], o) },
};
/** Exports that take no options object. */
const NO_OPTIONS = ['TensorDataset', 'Subset', 'ConcatDataset', 'SequentialSampler', 'defaultCollate', 'defaultConvert', 'disposeBatch'];

describe('options objects', () => {
  it('the table covers every exported class and function', () => {
    const exported = Object.entries(data)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k)
      .sort();
    expect(exported).toEqual([...Object.keys(TABLE), ...NO_OPTIONS].sort());
  });

  for (const [name, { keys, call }] of Object.entries(TABLE)) {
    it(`${name}: each key misspelt is refused, naming the key meant`, () => {
      for (const key of keys) {
        const wrong = key[0]!.toUpperCase() + key.slice(1);
        expect(() => call({ [wrong]: undefined })).toThrow(`${name}: unknown option '${wrong}' (did you mean '${key}'?)`);
      }
      expect(() => call(keys.includes('generator') ? { generator: new g.Generator() } : {})).not.toThrow();
    });
  }
});
