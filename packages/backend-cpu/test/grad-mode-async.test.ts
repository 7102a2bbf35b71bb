/**
 * Grad modes under async code, with real tensors: a training step beside a
 * pending async evaluation records its graph in every interleaving (the
 * "Trust" report: 9 of 20 steps failed with "does not require grad").
 * The flag-level semantics, the browser path and random programs are in
 * @graft/core's test/grad-mode.test.ts.
 */
import * as g from '@graft/core';
import { describe, expect, it } from 'vitest';
import '../src/index.js';

/** Lets every pending microtask run. */
const drain = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Every way to interleave a steps of one task with b steps of another. */
function interleavings(a: number, b: number): string[] {
  if (a === 0) return ['b'.repeat(b)];
  if (b === 0) return ['a'.repeat(a)];
  return [...interleavings(a - 1, b).map((s) => 'a' + s), ...interleavings(a, b - 1).map((s) => 'b' + s)];
}

/** Runs tasks a and b step by step in `order` (each awaits `step()` before each step). */
async function interleave(
  order: string,
  a: (step: () => Promise<void>) => Promise<unknown>,
  b: (step: () => Promise<void>) => Promise<unknown>,
): Promise<void> {
  const waiting: Record<string, (() => void) | undefined> = {};
  const stepFor = (name: string) => () => new Promise<void>((resolve) => (waiting[name] = resolve));
  const tasks = [a(stepFor('a')), b(stepFor('b'))];
  for (const name of order) {
    await drain();
    const go = waiting[name];
    if (go === undefined) throw new Error(`task ${name} is not waiting at a step (order ${order})`);
    waiting[name] = undefined;
    go();
  }
  await Promise.all(tasks);
}

function makeModel() {
  g.manualSeed(0);
  const w = g.randn(3, 1).requiresGrad_();
  const b = g.zeros(1).requiresGrad_();
  const x = g.randn(8, 3);
  const y = x.sum(1, true);
  const forward = (input: g.Tensor) => input.matmul(w).add(b);
  /** One SGD step; throws (as in the report) if the loss recorded no graph. */
  const trainStep = () => {
    const loss = forward(x).sub(y).square().mean();
    expect(loss.gradFn?.name).toBe('MeanBackward0');
    loss.backward();
    g.noGrad(() => {
      w.sub_(w.grad!.mul(0.1));
      b.sub_(b.grad!.mul(0.1));
    });
    w.grad = null;
    b.grad = null;
    return loss.item() as number;
  };
  return { w, x, forward, trainStep };
}

describe('grad modes under async code, with tensors', () => {
  it('the reported example: 20 training steps beside a pending async noGrad evaluation all record their graph', async () => {
    const { x, forward, trainStep } = makeModel();
    let evaluating = true;
    const evaluation = g.noGrad(async () => {
      const outs: boolean[] = [];
      while (evaluating) {
        await drain();
        outs.push(forward(x).requiresGrad);
      }
      return outs;
    });
    const losses: number[] = [];
    for (let i = 0; i < 20; i++) {
      await drain();
      losses.push(trainStep()); // failed with "does not require grad" in 9 of 20 steps before
    }
    evaluating = false;
    const outs = await evaluation;
    expect(outs.length).toBeGreaterThan(0);
    expect(outs.every((r) => r === false)).toBe(true);
    expect(losses[19]).toBeLessThan(losses[0]!);
    expect(g.isGradEnabled()).toBe(true);
  });

  for (const kind of ['noGrad', 'inferenceMode'] as const) {
    it(`a training step beside a pending ${kind}(async …) evaluation records its graph in every interleaving`, async () => {
      const { x, forward, trainStep } = makeModel();
      for (const order of interleavings(3, 3)) {
        await interleave(
          order,
          async (step) => {
            for (let i = 0; i < 3; i++) {
              await step();
              trainStep();
            }
          },
          (step) =>
            g[kind](async () => {
              for (let i = 0; i < 3; i++) {
                await step();
                const out = forward(x);
                expect(out.requiresGrad, `${kind} evaluation (${order})`).toBe(false);
                expect(out.isInference(), `${kind} evaluation (${order})`).toBe(kind === 'inferenceMode');
              }
            }),
        );
      }
      expect([g.isGradEnabled(), g.isInferenceModeEnabled()]).toEqual([true, false]);
    });
  }

  it('enableGrad(async …) inside noGrad records graphs in its own task only', async () => {
    const { w, x, forward } = makeModel();
    for (const order of interleavings(2, 2)) {
      await g.noGrad(async () => {
        await interleave(
          order,
          (step) =>
            g.enableGrad(async () => {
              for (let i = 0; i < 2; i++) {
                await step();
                expect(forward(x).gradFn, `inner (${order})`).not.toBe(null);
              }
            }),
          async (step) => {
            for (let i = 0; i < 2; i++) {
              await step();
              expect(forward(x).requiresGrad, `outer noGrad task (${order})`).toBe(false);
            }
          },
        );
      });
      expect(w.mul(2).requiresGrad).toBe(true);
    }
  });
});
