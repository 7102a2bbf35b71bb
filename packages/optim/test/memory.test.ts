/**
 * A synchronous training loop (an LSTM language model with Adam) keeps live
 * tensors and bytes exactly flat after warm-up, and the JS heap flat, both
 * inside `tidy` and when the loop only disposes what it made itself (the
 * layers and functions of @graft/nn free their own intermediates).
 * The long form is `pnpm soak` (100 000 steps; numbers in docs/guarantees.md).
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { nn } from '@graft/nn';
import { describe, expect, it } from 'vitest';
import { Adam } from '../src/index.js';

const gc = (globalThis as { gc?: () => void }).gc;

function setup() {
  g.manualSeed(0);
  const [T, B, V, H] = [6, 3, 10, 12];
  const embed = new nn.Embedding(V, 6);
  const lstm = new nn.LSTM(6, H);
  const head = new nn.Linear(H, V);
  const opt = new Adam([...embed.parameters(), ...lstm.parameters(), ...head.parameters()], { lr: 1e-2 });
  const tokens = g.randint(0, V, [T + 1, B]);
  const input = tokens.narrow(0, 0, T);
  const target = tokens.narrow(0, 1, T).reshape(-1);
  const tidyStep = () =>
    g.tidy(() => {
      opt.zeroGrad();
      const [out] = lstm.call(embed.call(input)) as [g.Tensor, [g.Tensor, g.Tensor]];
      const loss = nn.F.crossEntropy(head.call(out).reshape(T * B, V), target);
      loss.backward();
      opt.step();
      return Number(loss.item());
    });
  const disposeStep = () => {
    opt.zeroGrad();
    const e = embed.call(input) as g.Tensor;
    const [out, [h, c]] = lstm.call(e) as [g.Tensor, [g.Tensor, g.Tensor]];
    const logits = head.call(out) as g.Tensor;
    const flat = logits.reshape(T * B, V);
    const loss = nn.F.crossEntropy(flat, target);
    loss.backward();
    opt.step();
    const value = Number(loss.item());
    for (const t of [e, out, h, c, logits, flat, loss]) t.dispose();
    return value;
  };
  return { tidyStep, disposeStep };
}

describe('a long synchronous LSTM training loop holds its memory flat', () => {
  for (const style of ['tidy', 'dispose'] as const) {
    it(`${style}: live tensors and bytes exactly flat, JS heap within 10 % after warm-up`, () => {
      expect(gc, 'run with --expose-gc').toBeTypeOf('function');
      const { tidyStep, disposeStep } = setup();
      const step = style === 'tidy' ? tidyStep : disposeStep;
      const first = step();
      for (let i = 0; i < 150; i++) step();
      gc!();
      const warm = { memory: g.memory(), heap: process.memoryUsage().heapUsed };
      let last = first;
      for (let i = 0; i < 600; i++) last = step();
      gc!();
      expect(g.memory().numTensors).toBe(warm.memory.numTensors);
      expect(g.memory().numBytes).toBe(warm.memory.numBytes);
      expect(process.memoryUsage().heapUsed).toBeLessThan(warm.heap * 1.1);
      expect(last).toBeLessThan(first);
    });
  }
});
