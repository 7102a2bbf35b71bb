import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as gm from '../src/autograd/grad-mode.js';
import { entered, generateProgram, hasSpawn, KINDS, observed, runProgram, scope, type Kind, type ModeState } from './grad-mode-programs.js';
import { deferred, drain, interleavings, seededRandom } from './schedule.js';

const ROOT: ModeState = { grad: true, inference: false };
const OFF: ModeState = { grad: false, inference: false };

/**
 * Runs two tasks step by step in the order `order` gives ('a' = task a takes
 * its next step): each task awaits `step()` before each step, and every
 * microtask runs between steps.
 */
async function interleave(
  order: string,
  a: (step: () => Promise<void>) => Promise<unknown>,
  b: (step: () => Promise<void>) => Promise<unknown>,
): Promise<void> {
  const waiting: Record<'a' | 'b', (() => void) | undefined> = { a: undefined, b: undefined };
  const stepFor = (name: 'a' | 'b') => () =>
    new Promise<void>((resolve) => {
      waiting[name] = resolve;
    });
  const tasks = [a(stepFor('a')), b(stepFor('b'))];
  for (const name of order as Iterable<'a' | 'b'>) {
    await drain();
    const go = waiting[name];
    if (go === undefined) throw new Error(`task ${name} is not waiting at a step (order ${order})`);
    waiting[name] = undefined;
    go();
  }
  await Promise.all(tasks);
}

/** `steps` steps, checking the mode after each. */
async function stepsSeeing(step: () => Promise<void>, steps: number, expected: ModeState, label: string): Promise<void> {
  for (let i = 0; i < steps; i++) {
    await step();
    expect(observed(), `${label}, step ${i}`).toEqual(expected);
    expect(gm.isGraphRecordingEnabled(), `${label}, step ${i}: recording`).toBe(expected.grad && !expected.inference);
  }
}

afterEach(() => {
  // Every test leaves the mode as it found it, with nothing pending.
  expect(observed()).toEqual(ROOT);
});

describe('grad modes: sync forms', () => {
  it('callback, using and setGradEnabled set and restore, also when fn throws', () => {
    expect(gm.noGrad(() => observed())).toEqual(OFF);
    expect(gm.noGrad(() => gm.enableGrad(() => observed()))).toEqual(ROOT);
    expect(gm.inferenceMode(() => observed())).toEqual({ grad: false, inference: true });
    expect(() =>
      gm.noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(observed()).toEqual(ROOT);
    {
      using _ = gm.noGrad();
      expect(observed()).toEqual(OFF);
      {
        using _inner = gm.enableGrad();
        expect(observed()).toEqual(ROOT);
      }
      expect(observed()).toEqual(OFF);
    }
    expect(observed()).toEqual(ROOT);
    const guard = gm.setGradEnabled(false);
    expect(gm.isGradEnabled()).toBe(false);
    guard[Symbol.dispose]();
    guard[Symbol.dispose](); // a second dispose changes nothing
    expect(gm.isGradEnabled()).toBe(true);
  });

  it("inference mode: enableGrad and setGradEnabled(true) inside turn grad mode on but record nothing (PyTorch's rules)", () => {
    gm.inferenceMode(() => {
      expect(gm.enableGrad(() => [gm.isGradEnabled(), gm.isInferenceModeEnabled(), gm.isGraphRecordingEnabled()])).toEqual([
        true,
        true,
        false,
      ]);
      expect(gm.noGrad(() => gm.isInferenceModeEnabled())).toBe(true);
      {
        using _ = gm.setGradEnabled(true);
        expect([gm.isGradEnabled(), gm.isInferenceModeEnabled(), gm.isGraphRecordingEnabled()]).toEqual([true, true, false]);
      }
      expect(observed()).toEqual({ grad: false, inference: true });
    });
    gm.noGrad(() => {
      gm.inferenceMode(() => expect(observed()).toEqual({ grad: false, inference: true }));
      expect(observed()).toEqual(OFF);
    });
  });
});

describe('grad modes under async code, with AsyncLocalStorage (Node)', () => {
  it('AsyncLocalStorage is created only when the first async scope starts (in Node 20 it turns on promise hooks)', async () => {
    vi.resetModules();
    const fresh = await import('../src/autograd/grad-mode.js');
    const hooks = process.getBuiltinModule('node:async_hooks') as typeof import('node:async_hooks');
    let created = 0;
    class CountingStorage<T> extends hooks.AsyncLocalStorage<T> {
      constructor() {
        super();
        created++;
      }
    }
    const lookup = vi
      .spyOn(process, 'getBuiltinModule')
      .mockImplementation(((id: string) =>
        id === 'node:async_hooks' ? { ...hooks, AsyncLocalStorage: CountingStorage } : undefined) as never);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      fresh.noGrad(() => fresh.enableGrad(() => fresh.isGradEnabled()));
      {
        using _ = fresh.inferenceMode();
      }
      fresh.setGradEnabled(true)[Symbol.dispose]();
      expect(lookup).not.toHaveBeenCalled(); // sync forms never look it up
      await fresh.noGrad(() => Promise.resolve()); // a plain function: nothing to confine
      expect(created).toBe(0);
      expect(await fresh.noGrad(async () => fresh.isGradEnabled())).toBe(false);
      await fresh.enableGrad(async () => {});
      expect(created).toBe(1);
    } finally {
      lookup.mockRestore();
      warn.mockRestore();
    }
  });

  it('the reported example: a training loop beside a pending async noGrad evaluation records every step', async () => {
    const steps = 20;
    let recorded = 0;
    const gate = deferred();
    const evaluation = gm.noGrad(async () => {
      await gate.promise;
      return observed();
    });
    for (let i = 0; i < steps; i++) {
      await drain();
      if (gm.isGraphRecordingEnabled()) recorded++;
    }
    gate.resolve();
    expect(await evaluation).toEqual(OFF);
    expect(recorded).toBe(steps);
  });

  for (const kind of ['noGrad', 'inferenceMode'] as const) {
    it(`a training task beside a pending ${kind}(async …) evaluation, in every interleaving of their steps`, async () => {
      for (const order of interleavings(3, 3)) {
        await interleave(
          order,
          (step) => stepsSeeing(step, 3, ROOT, `training (${order})`),
          (step) => scope(kind, async () => stepsSeeing(step, 3, entered(kind, ROOT), `${kind} evaluation (${order})`)),
        );
        expect(observed()).toEqual(ROOT);
      }
    });
  }

  it('two overlapping async scopes, settling in either order, each restore the outer mode for their caller', async () => {
    for (const [kindA, kindB] of [
      ['noGrad', 'noGrad'],
      ['noGrad', 'inferenceMode'],
      ['enableGrad', 'noGrad'],
      ['inferenceMode', 'enableGrad'],
    ] as [Kind, Kind][]) {
      for (const outer of ['root', 'noGrad'] as const) {
        const outerMode = outer === 'root' ? ROOT : OFF;
        for (const order of interleavings(3, 3)) {
          const task = (kind: Kind, name: string) => async (step: () => Promise<void>) => {
            // Each caller is itself in `outer` (its own async scope), and starts its scope after its first step.
            const caller = async () => {
              await step();
              expect(observed()).toEqual(outerMode);
              await scope(kind, async () => stepsSeeing(step, 2, entered(kind, outerMode), `${name} ${kind} (${order})`));
              expect(observed(), `${name} after its ${kind} scope settled (${order})`).toEqual(outerMode);
            };
            return outer === 'root' ? caller() : gm.noGrad(caller);
          };
          await interleave(order, task(kindA, 'a'), task(kindB, 'b'));
        }
      }
    }
  });

  it('enableGrad(async …) under an outer noGrad turns grad mode on for its own task only', async () => {
    for (const order of interleavings(2, 2)) {
      let inner: Promise<void> | undefined;
      await interleave(
        order,
        async (step) => {
          // Sync outer scope: it ends at once; the async inner scope keeps its own mode.
          gm.noGrad(() => {
            inner = gm.enableGrad(async () => stepsSeeing(step, 2, ROOT, `inner enableGrad (${order})`));
          });
          expect(observed()).toEqual(ROOT);
          await inner;
        },
        async (step) => {
          // Async outer scope: the inner one is local to its own task, the outer stays off.
          await gm.noGrad(async () => {
            await step();
            expect(observed()).toEqual(OFF);
            const nested = gm.enableGrad(async () => {
              await step();
              expect(observed()).toEqual(ROOT);
            });
            expect(observed()).toEqual(OFF);
            await nested;
            expect(observed()).toEqual(OFF);
          });
        },
      );
    }
  });

  it('sync scopes inside async ones and async scopes inside sync ones nest', async () => {
    let inSync: Promise<ModeState[]> | undefined;
    gm.noGrad(() => {
      inSync = gm.enableGrad(async () => {
        await drain();
        return [observed(), gm.noGrad(() => observed()), gm.inferenceMode(() => gm.enableGrad(() => observed()))];
      });
      expect(observed()).toEqual(OFF);
    });
    expect(observed()).toEqual(ROOT);
    expect(await inSync).toEqual([ROOT, OFF, { grad: true, inference: true }]);
    await gm.inferenceMode(async () => {
      await drain();
      expect(gm.noGrad(() => observed())).toEqual({ grad: false, inference: true });
      expect(await gm.enableGrad(async () => (await drain(), observed()))).toEqual({ grad: true, inference: true });
      expect(gm.isGraphRecordingEnabled()).toBe(false);
    });
  });

  it('a scope whose function throws synchronously or rejects restores the mode, for it and for a task beside it', async () => {
    expect(() =>
      gm.noGrad(() => {
        throw new Error('sync');
      }),
    ).toThrow('sync');
    // An async function that throws before its first await rejects.
    await expect(
      gm.noGrad(async () => {
        throw new Error('early');
      }),
    ).rejects.toThrow('early');
    for (const order of interleavings(2, 2)) {
      await interleave(
        order,
        (step) => stepsSeeing(step, 2, ROOT, 'beside'),
        async (step) => {
          await expect(
            gm.inferenceMode(async () => {
              await stepsSeeing(step, 2, { grad: false, inference: true }, 'failing');
              throw new Error('late');
            }),
          ).rejects.toThrow('late');
          expect(observed()).toEqual(ROOT);
        },
      );
    }
  });

  it('using guards and setGradEnabled inside an async scope stay in its task, across awaits', async () => {
    for (const order of interleavings(2, 3)) {
      await interleave(
        order,
        (step) => stepsSeeing(step, 2, ROOT, 'beside'),
        (step) =>
          gm.enableGrad(async () => {
            gm.setGradEnabled(false); // never disposed: the scope's end restores
            await step();
            expect(observed()).toEqual(OFF);
            {
              using _ = gm.inferenceMode();
              await step();
              expect(observed()).toEqual({ grad: false, inference: true });
            }
            await step();
            expect(observed()).toEqual(OFF);
          }),
      );
    }
  });

  it('work a scope leaves running after it settles belongs to the enclosing task', async () => {
    const gate = deferred();
    let leftover: Promise<ModeState> | undefined;
    await gm.noGrad(async () => {
      leftover = (async () => {
        await gate.promise;
        return observed();
      })();
    });
    gate.resolve();
    expect(await leftover).toEqual(ROOT);
    await gm.noGrad(async () => {
      const inner = deferred();
      let nested: Promise<ModeState> | undefined;
      await gm.inferenceMode(async () => {
        nested = (async () => (await inner.promise, observed()))();
      });
      inner.resolve();
      expect(await nested).toEqual(OFF); // the enclosing noGrad scope is still pending
    });
  });

  it("a plain function that returns a promise holds its task's mode until it settles, warns once, and refuses to overlap", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const gate = deferred();
      const pending = gm.noGrad(() => gate.promise.then(() => observed()));
      expect(observed()).toEqual(OFF); // the calling task's mode: Graft cannot tell its continuations apart
      expect(() => gm.enableGrad(() => Promise.resolve())).toThrow(
        /cannot start an async grad-mode scope while g\.noGrad\(…\) is pending: its function is not an async function/,
      );
      expect(observed()).toEqual(OFF);
      // An async function still gets a task of its own.
      expect(await gm.enableGrad(async () => (await drain(), observed()))).toEqual(ROOT);
      gate.resolve();
      expect(await pending).toEqual(OFF);
      expect(observed()).toEqual(ROOT);
      await gm.enableGrad(() => Promise.resolve());
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/plain function that returned a Promise.*g\.noGrad\(async \(\) => …\)/);
    } finally {
      warn.mockRestore();
    }
  });

  it("property: random programs of nested, overlapping scopes under random schedules see their own task's mode", async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {}); // plain-function scopes warn (tested above)
    let compared = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const program = generateProgram(seededRandom(seed), { spawn: true, plainSpawn: false, bareSetInScopes: true });
      const report = await runProgram(program, seed * 7919, true, true);
      compared += report.compared;
    }
    expect(compared).toBeGreaterThan(2000);
  });
});

describe('grad modes under async code, without AsyncLocalStorage (the browser path)', () => {
  beforeEach(() => gm.setTaskStorageAvailable(false));
  afterEach(() => gm.setTaskStorageAvailable(true));

  it('code run entirely inside one async scope, with sync scopes and guards in it, sees its modes', async () => {
    const seen = await gm.noGrad(async () => {
      const out: ModeState[] = [observed()];
      await drain();
      out.push(gm.enableGrad(() => observed()));
      {
        using _ = gm.inferenceMode();
        await drain();
        out.push(observed());
      }
      gm.setGradEnabled(true);
      await drain();
      out.push(observed());
      return out;
    });
    expect(seen).toEqual([OFF, ROOT, { grad: false, inference: true }, ROOT]);
    expect(await gm.enableGrad(async () => observed())).toEqual(ROOT); // one after another is fine
  });

  it('an async scope started while another is pending throws, saying why and what to do, and changes nothing', async () => {
    for (const first of KINDS) {
      for (const second of KINDS) {
        const gate = deferred();
        const pending = scope(first, async () => {
          await gate.promise;
          return observed();
        });
        const during = observed();
        for (const make of [() => scope(second, async () => {}), () => scope(second, () => gate.promise)]) {
          let error: unknown;
          try {
            void make();
          } catch (e) {
            error = e;
          }
          expect(String(error)).toMatch(
            new RegExp(
              `g\\.${second}\\((async )?…\\): cannot start an async grad-mode scope while g\\.${first}\\(async …\\) is pending: this runtime has no AsyncLocalStorage`,
            ),
          );
          expect(String(error)).toMatch(/Await the pending scope before starting another, or inside it use the sync form/);
          expect(observed()).toEqual(during);
        }
        gate.resolve();
        expect(await pending).toEqual(entered(first, ROOT));
        expect(observed()).toEqual(ROOT);
      }
    }
  });

  it('the reported leaks cannot happen: out-of-order settling and enableGrad(async) under noGrad', async () => {
    // Two overlapping async noGrad scopes: the second is refused, and grad mode comes back on.
    const first = deferred();
    const a = gm.noGrad(async () => first.promise);
    expect(() => gm.noGrad(async () => {})).toThrow(/cannot start an async grad-mode scope/);
    first.resolve();
    await a;
    expect(gm.isGradEnabled()).toBe(true);
    // enableGrad(async …) under a sync noGrad: the outer scope cannot end around it, so it throws and ends the inner scope's mode.
    const gate = deferred();
    let inner: Promise<ModeState> | undefined;
    expect(() =>
      gm.noGrad(() => {
        inner = gm.enableGrad(async () => (await gate.promise, observed()));
      }),
    ).toThrow(/g\.noGrad\(…\): ended while g\.enableGrad\(async …\), started inside it, is still pending/);
    expect(observed()).toEqual(ROOT);
    gate.resolve();
    expect(await inner).toEqual(ROOT); // its mode ended with the outer scope: it runs in the outer mode, never leaking out
    expect(observed()).toEqual(ROOT);
    // The same with a using guard.
    const gate2 = deferred();
    const guard = gm.inferenceMode();
    const inner2 = gm.enableGrad(async () => gate2.promise);
    expect(() => guard[Symbol.dispose]()).toThrow(/g\.inferenceMode\(\): ended while g\.enableGrad\(async …\)/);
    expect(observed()).toEqual(ROOT);
    gate2.resolve();
    await inner2;
    expect(observed()).toEqual(ROOT);
  });

  it('a nested async scope is refused, and the outer one goes on in its mode', async () => {
    const result = await gm.noGrad(async () => {
      await drain();
      let error: unknown;
      try {
        await gm.enableGrad(async () => {});
      } catch (e) {
        error = e;
      }
      await drain();
      return [String(error), observed()] as const;
    });
    expect(result[0]).toMatch(/g\.enableGrad\(async …\): cannot start an async grad-mode scope while g\.noGrad\(async …\) is pending/);
    expect(result[1]).toEqual(OFF);
  });

  it('a using guard held beside an async scope past its end goes back to where the scope left the mode', async () => {
    const gate = deferred();
    const pending = gm.noGrad(async () => gate.promise);
    const guard = gm.inferenceMode(); // beside the scope, in the one mode a browser has
    gate.resolve();
    await pending;
    guard[Symbol.dispose]();
    expect(observed()).toEqual(ROOT);
  });

  it('a scope whose function throws or rejects frees the mode for the next one', async () => {
    await expect(
      gm.noGrad(async () => {
        await drain();
        throw new Error('late');
      }),
    ).rejects.toThrow('late');
    expect(() =>
      gm.noGrad(() => {
        throw new Error('sync');
      }),
    ).toThrow('sync');
    await expect(gm.inferenceMode(() => Promise.reject(new Error('plain')))).rejects.toThrow('plain');
    expect(await gm.enableGrad(async () => observed())).toEqual(ROOT);
  });

  it('property: sequential random programs see their modes; nested async scopes are refused', async () => {
    let compared = 0;
    let refused = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const program = generateProgram(seededRandom(seed), { spawn: false, plainSpawn: false, bareSetInScopes: true });
      const report = await runProgram(program, seed, false, true);
      compared += report.compared;
      refused += report.overlapErrors;
    }
    expect(compared).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(20);
  });

  it('property: random programs with scopes beside each other never leave a mode behind and refuse every overlap', async () => {
    let overlaps = 0;
    let outlived = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const program = generateProgram(seededRandom(seed), { spawn: true, plainSpawn: true, bareSetInScopes: false });
      if (!hasSpawn(program)) continue;
      const report = await runProgram(program, seed * 31, false, false);
      overlaps += report.overlapErrors;
      outlived += report.outlivedErrors;
      // After all of it, an async scope starts cleanly.
      expect(await gm.noGrad(async () => observed())).toEqual(OFF);
    }
    expect(overlaps).toBeGreaterThan(20);
    expect(outlived).toBeGreaterThan(0);
  });
});
