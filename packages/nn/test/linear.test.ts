/**
 * F.linear's weights: [out, in] (the layers' case, everywhere else) and [in],
 * one output per row with its dim dropped — PyTorch's values from the
 * fixtures, PyTorch 1.13's refusals by message.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { F } from '../src/index.js';
import fixture from './fixtures/activations-losses.json' with { type: 'json' };
import { checkFnCase, type FnCase } from './fixture-cases.js';

describe('F.linear with a 1-D weight, against PyTorch', () => {
  const cases = (fixture.cases as FnCase[]).filter((c) => c.fn === 'linear');
  it('has cases', () => expect(cases.length).toBeGreaterThan(0));
  for (const c of cases) it(c.name, () => checkFnCase(c));
});

describe("F.linear's refusals name the shapes", () => {
  it('an input that does not match names the expected last dim', () => {
    expect(() => F.linear(g.randn(3, 5), g.randn(4))).toThrow('(expected the last dim to be 4)');
    expect(() => F.linear(g.randn(3, 5), g.randn(2, 4))).toThrow('(expected the last dim to be 4)');
  });

  it('weights of other ranks, a 0-d input, and a bias with a 1-D weight on a batch (mat2 must be a matrix in PyTorch 1.13)', () => {
    expect(() => F.linear(g.randn(2, 3), g.randn(3, 3, 3))).toThrow(
      'linear: expected a weight of shape [out, in] or [in], got shape [3, 3, 3]',
    );
    expect(() => F.linear(g.randn(2, 3), g.tensor(2))).toThrow('got shape []');
    expect(() => F.linear(g.tensor(2), g.randn(3, 3))).toThrow('linear: expected an input of at least 1 dim');
    expect(() => F.linear(g.randn(2, 3), g.randn(3), g.randn(1))).toThrow('takes no bias with an input of 2 dims');
  });
});
