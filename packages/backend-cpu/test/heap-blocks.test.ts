/**
 * The wasm heap's allocator (src/heap-blocks.ts through heap.ts): blocks
 * never overlap whatever the order of allocations and frees, freed memory is
 * merged and reused by requests of other sizes, and a training loop whose
 * shapes change every step keeps the heap bounded (it grew to the 4 GiB cap
 * with free lists by exact size).
 */
import * as g from '@graft/core';
import { describe, expect, it } from 'vitest';
import { FreeBlocks } from '../src/heap-blocks.js';
import { alloc, arr, type HeapArray, heapInfo, release } from '../src/heap.js';
import '../src/index.js';

/** A seeded generator of integers in [0, n). */
function randomInts(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

describe('FreeBlocks: a model check against a byte map', () => {
  it('random takes and gives never hand out overlapping or used bytes, and everything merges back', () => {
    const rand = randomInts(7);
    for (let round = 0; round < 20; round++) {
      const blocks = new FreeBlocks();
      let top = 0;
      const used = new Uint8Array(1 << 20); // one byte per granule
      const live: [number, number][] = [];
      for (let step = 0; step < 400; step++) {
        if (live.length > 0 && rand(3) === 0) {
          const [start, bytes] = live.splice(rand(live.length), 1)[0]!;
          used.fill(0, start / 16, (start + bytes) / 16);
          const lowered = blocks.give(start, bytes, top);
          if (lowered >= 0) top = lowered;
          continue;
        }
        // Sizes from one granule to a few thousand, skewed small, as tensors and scratch are.
        const bytes = 16 * (1 + (rand(4) === 0 ? rand(4000) : rand(64)));
        let start = blocks.take(bytes);
        if (start < 0) {
          start = top;
          top += bytes;
        }
        const first = start / 16;
        const end = (start + bytes) / 16;
        expect(
          used.subarray(first, end).every((b) => b === 0),
          `round ${round}, step ${step}: overlap`,
        ).toBe(true);
        used.fill(1, first, end);
        live.push([start, bytes]);
      }
      // Free lists hold exactly the free bytes below the top.
      let usedBytes = 0;
      for (const [, b] of live) usedBytes += b;
      expect(blocks.freeBytes).toBe(top - usedBytes);
      for (const [start, bytes] of live.splice(0)) {
        const lowered = blocks.give(start, bytes, top);
        if (lowered >= 0) top = lowered;
      }
      // Everything merged: the top is back at 0 and nothing is left in the lists.
      expect([top, blocks.freeBytes]).toEqual([0, 0]);
    }
  });

  it('a freed block serves smaller requests and the rest stays free', () => {
    const blocks = new FreeBlocks();
    expect(blocks.give(0, 4096, 8192)).toBe(-1);
    expect(blocks.take(1024)).toBe(0);
    expect(blocks.take(2048)).toBe(1024);
    expect(blocks.take(2048)).toBe(-1); // 1024 left
    expect(blocks.freeBytes).toBe(1024);
  });
});

describe('the wasm heap', () => {
  it('arrays of live tensors keep their values while other sizes come and go', () => {
    const rand = randomInts(3);
    const live: [HeapArray, number][] = [];
    for (let step = 0; step < 300; step++) {
      if (live.length > 0 && rand(2) === 0) {
        const [h, mark] = live.splice(rand(live.length), 1)[0]!;
        expect(
          (arr(h) as Float32Array).every((v) => v === mark),
          `step ${step}`,
        ).toBe(true);
        release(h);
        continue;
      }
      const h = alloc('float32', 4096 + rand(20000)) as HeapArray;
      const mark = step + 0.5;
      (arr(h) as Float32Array).fill(mark);
      live.push([h, mark]);
    }
    for (const [h, mark] of live) {
      expect((arr(h) as Float32Array).every((v) => v === mark)).toBe(true);
      release(h);
    }
  });

  it('a training step on a different length and batch every step keeps the heap bounded', () => {
    g.manualSeed(0);
    const w1 = g.randn(64, 128).requiresGrad_();
    const w2 = g.randn(128, 64).requiresGrad_();
    const step = (T: number, B: number) =>
      g.tidy(() => {
        const x = g.randn(T * B, 64);
        x.matmul(w1).tanh().matmul(w2).sigmoid().reshape(T, B, 64).sum(0).square().mean().backward();
      });
    const rand = randomInts(11);
    for (let i = 0; i < 20; i++) step(10 + rand(60), 4 + rand(28)); // warm up to about the peak
    const warm = heapInfo().top;
    for (let i = 0; i < 150; i++) step(10 + rand(60), 4 + rand(28));
    // With exact-size free lists the top rose by tens of MB a hundred steps here; now it may only settle.
    expect(heapInfo().top).toBeLessThan(warm * 1.5);
    w1.grad = null;
    w2.grad = null;
  });
});
