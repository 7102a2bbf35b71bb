/**
 * Memory the garbage collector gives back: tensors forgotten without
 * dispose() are freed once collected, and disposed tensors leave nothing
 * behind, even in a loop that never yields to the event loop (where
 * FinalizationRegistry callbacks cannot run). Runs with --expose-gc.
 */
import * as g from '@graft/core';
import { describe, expect, it } from 'vitest';
import '../src/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('memory and the garbage collector', () => {
  it('ten forgotten 16 MiB tensors are freed once collected', async () => {
    expect(gc, 'run with --expose-gc').toBeTypeOf('function');
    const before = g.memory();
    (() => {
      for (let i = 0; i < 10; i++) g.zeros(4 * 1024 * 1024).add(1);
    })();
    expect(g.memory().numBytes - before.numBytes).toBeGreaterThanOrEqual(10 * 16 * 1024 * 1024);
    for (let i = 0; i < 3; i++) {
      gc!();
      await turn();
    }
    expect(g.memory().numBytes).toBe(before.numBytes);
    expect(g.memory().numTensors).toBe(before.numTensors);
  });

  it('a synchronous loop of disposed tensors keeps the JS heap flat', () => {
    // Tensors that live a while (a window of 300, as optimizer state or a model's
    // activations do) and then are disposed: nothing of them may stay behind.
    const x = g.randn(64);
    const window: g.Tensor[] = [];
    const step = () => {
      window.push(g.tidy(() => x.add(1).mul(2).tanh()));
      if (window.length > 300) window.shift()!.dispose();
    };
    for (let i = 0; i < 5000; i++) step();
    gc!();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 50_000; i++) step();
    gc!();
    const growth = process.memoryUsage().heapUsed - heapBefore;
    // 50 000 tensors: a few dozen bytes retained for each would be megabytes.
    expect(growth).toBeLessThan(512 * 1024);
    for (const t of window) t.dispose();
  });
});
