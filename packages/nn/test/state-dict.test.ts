import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Linear, Module, Sequential, type StateDict } from '../src/index.js';
import fixture from './fixtures/state-dict.json' with { type: 'json' };

const values = (t: g.Tensor) => Array.from(t.dataSync());

class Net extends Module {
  fc1 = new Linear(2, 3);
  bn = new BatchNorm1d(3);
}

/** The generator's changes to a fresh state dict, case by case (a Map keeps a non-tensor value typed loosely). */
const changes: Record<string, (sd: Map<string, unknown>) => void> = {
  'everything wrong': (sd) => {
    sd.delete('fc1.bias');
    sd.set('zzz', g.zeros(1));
    sd.set('fc1.weight', g.zeros(4, 2));
    sd.set('bn.bias', 3);
  },
  'keys under a child or a parameter': (sd) => {
    sd.set('fc1.weight.extra', g.zeros(1));
    sd.set('fc1', g.zeros(1));
    sd.set('bn.running_mean.x', g.zeros(1));
  },
  'old BatchNorm without num_batches_tracked': (sd) => sd.delete('bn.num_batches_tracked'),
  'not strict': (sd) => {
    sd.delete('fc1.bias');
    sd.set('zzz', g.zeros(1));
  },
  'a 0-d buffer from a 1-element tensor': (sd) => sd.set('bn.num_batches_tracked', g.tensor([5], { dtype: 'int32' })),
  'size mismatches': (sd) => {
    sd.set('bn.running_var', g.zeros(2, 3));
    sd.set('fc1.bias', g.zeros(1));
  },
  'several missing and unexpected': (sd) => {
    sd.delete('fc1.weight');
    sd.delete('bn.weight');
    sd.set('a', g.zeros(1));
    sd.set('b', g.zeros(1));
  },
};

/** PyTorch's message in Graft's spelling: shapes as [a, b], JavaScript type names. */
function graftSpelling(message: string): string {
  return message
    .replace(/torch\.Size\((\[[^\]]*\])\)/g, '$1')
    .replace('expected torch.Tensor or', 'expected Tensor or')
    .replace(/<class '(int|float)'>/g, 'number');
}

function snapshot(m: Module): number[][] {
  return Object.values(m.stateDict()).map(values);
}

describe("loadStateDict checks everything first, in PyTorch's words, and leaves the module untouched on failure", () => {
  for (const [name, expected] of Object.entries(
    fixture.data as Record<string, { error?: string; missing?: string[]; unexpected?: string[] }>,
  )) {
    it(name, () => {
      const net = new Net();
      const sd = new Map<string, unknown>(Object.entries(new Net().stateDict()));
      changes[name]!(sd);
      const before = snapshot(net);
      const strict = name !== 'not strict';
      if (expected.error !== undefined) {
        expect(() => net.loadStateDict(sd as Map<string, g.Tensor>, { strict })).toThrow(graftSpelling(expected.error));
        expect(snapshot(net)).toEqual(before);
      } else {
        expect(net.loadStateDict(sd as Map<string, g.Tensor>, { strict })).toEqual({
          missingKeys: expected.missing,
          unexpectedKeys: expected.unexpected,
        });
      }
    });
  }

  it('a failed load changes nothing, even the entries that were fine', () => {
    const net = new Net();
    const before = snapshot(net);
    const sd: StateDict = { ...new Net().stateDict(), 'bn.running_var': g.zeros(4) };
    expect(() => net.loadStateDict(sd)).toThrow(
      'size mismatch for bn.running_var: copying a param with shape [4] from checkpoint, the shape in current model is [3].',
    );
    expect(snapshot(net)).toEqual(before);
  });

  it('values are cast to the parameter dtype; a 1-D value fills a 0-d buffer; old BatchNorm dicts reset num_batches_tracked', () => {
    const net = new Net();
    const sd = new Net().stateDict();
    sd['fc1.weight'] = g.full([3, 2], 5, { dtype: 'float64' });
    sd['bn.num_batches_tracked'] = g.tensor([7], { dtype: 'int32' });
    net.loadStateDict(sd);
    expect(net.fc1.weight.dtype).toBe('float32');
    expect(values(net.fc1.weight)).toEqual([5, 5, 5, 5, 5, 5]);
    expect(net.bn.num_batches_tracked!.item()).toBe(7);
    delete sd['bn.num_batches_tracked'];
    net.loadStateDict(sd);
    expect(net.bn.num_batches_tracked!.item()).toBe(0);
  });

  it('accepts a Map, a null-prototype Record, and a "__proto__" key as an ordinary key', () => {
    const source = new Sequential(new Linear(2, 2));
    const target = new Sequential(new Linear(2, 2));
    target.loadStateDict(new Map(Object.entries(source.stateDict())));
    expect(values(target.at(0).stateDict()['weight']!)).toEqual(values(source.at(0).stateDict()['weight']!));
    const record = Object.create(null) as StateDict;
    Object.assign(record, source.stateDict());
    Object.defineProperty(record, '__proto__', { value: g.zeros(1), enumerable: true });
    expect(() => target.loadStateDict(record)).toThrow('Unexpected key(s) in state_dict: "__proto__". ');
    expect(target.loadStateDict(record, { strict: false }).unexpectedKeys).toEqual(['__proto__']);
    const parsed = JSON.parse('{"__proto__": 1}') as StateDict;
    expect(() => target.loadStateDict(parsed, { strict: false })).not.toThrow();
  });

  it('a state dict that is not dict-like, and values that are not tensors, are errors', () => {
    const net = new Net();
    expect(() => net.loadStateDict([] as unknown as StateDict)).toThrow('Expected state_dict to be dict-like');
    expect(() => net.loadStateDict(null as unknown as StateDict)).toThrow('Expected state_dict to be dict-like');
    const sd = { ...new Net().stateDict(), 'fc1.bias': [0, 0, 0] as unknown as g.Tensor };
    expect(() => net.loadStateDict(sd)).toThrow(
      'While copying the parameter named "fc1.bias", expected Tensor or Tensor-like object from checkpoint but received an array',
    );
  });

  it('stateDict({ prefix, keepVars }) as PyTorch', () => {
    const fc = new Linear(2, 1);
    expect(Object.keys(fc.stateDict({ prefix: 'head.' }))).toEqual(['head.weight', 'head.bias']);
    expect(fc.stateDict({ keepVars: true })['weight']).toBe(fc.weight);
    expect(fc.stateDict()['weight']).not.toBe(fc.weight);
  });

  it('to(dtype) casts floating state only (num_batches_tracked stays int32, as PyTorch)', () => {
    const bn = new BatchNorm1d(2).to({ dtype: 'float64' });
    expect(bn.running_mean!.dtype).toBe('float64');
    expect(bn.num_batches_tracked!.dtype).toBe('int32');
    expect(() => bn.to('int32')).toThrow('only accepts floating point dtypes');
  });
});
