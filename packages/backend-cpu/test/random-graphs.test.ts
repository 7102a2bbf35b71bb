/**
 * The random-graph differential test: seeded random autograd graphs (shared
 * subexpressions, broadcasting, views, multi-output ops, detach, in-place ops,
 * custom Functions, hooks, retained gradients, repeated and second-order
 * backward) whose every gradient is checked against float64 central finite
 * differences on the CPU backend, with a leak check after each graph.
 * PyTorch's own gradients for 300 such graphs are checked by the conformance
 * suite. `pnpm fuzz` runs many more (GRAFT_FUZZ_GRAPHS).
 */
import { checkGraphByFiniteDifferences, generateGraph } from '@graft/testing';
import { describe, expect, it } from 'vitest';
import '../src/index.js';

const COUNT = Number(process.env.GRAFT_FUZZ_GRAPHS ?? 400);
const BATCH = 50;

describe(`${COUNT} random graphs: gradients against float64 finite differences`, () => {
  for (let start = 0; start < COUNT; start += BATCH) {
    const end = Math.min(start + BATCH, COUNT);
    it(`graphs fd-${start} … fd-${end - 1}`, () => {
      let checked = 0;
      for (let i = start; i < end; i++) {
        const spec = generateGraph(`fd-${i}`, { hookScales: [1] });
        checked += checkGraphByFiniteDifferences(spec, 'cpu').checked;
      }
      // Most graphs depend on their leaves: a generator that stopped producing gradients would show here.
      expect(checked).toBeGreaterThan(5 * (end - start));
    });
  }
});
