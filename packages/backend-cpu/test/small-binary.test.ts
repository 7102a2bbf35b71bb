/**
 * Small dense float32 add, sub, mul and div (under 1 024 elements) take their
 * own loop (`smallBinary32` in src/kernels/elementwise.ts). Operands are views
 * at offsets into larger storages as often as whole tensors: every result must
 * be the float32 rounding of the exact operation on the elements it reads.
 */
import * as g from '@graft/core';
import { describe, expect, it } from 'vitest';
import '../src/index.js';

const OPS = {
  add: (a: number, b: number) => a + b,
  sub: (a: number, b: number) => a - b,
  mul: (a: number, b: number) => a * b,
  div: (a: number, b: number) => a / b,
};

describe('small dense float32 binary ops', () => {
  it('views at offsets, whole tensors and both mixed: each element the rounded exact result', () => {
    g.manualSeed(5);
    for (let trial = 0; trial < 60; trial++) {
      const n = 1 + Math.floor((g.rand(1).item() as number) * 900);
      const storeA = g.randn(n + 37);
      const storeB = g.randn(n + 11).mul(3);
      const startA = trial % 3 === 0 ? 0 : 1 + (trial % 29);
      const startB = trial % 2 === 0 ? 0 : 1 + (trial % 7);
      const a = storeA.narrow(0, startA, n);
      const b = storeB.narrow(0, startB, n);
      const av = a.dataSync();
      const bv = b.dataSync();
      for (const [op, f] of Object.entries(OPS)) {
        const got = (a as unknown as Record<string, (o: g.Tensor) => g.Tensor>)[op]!.call(a, b).dataSync();
        for (let i = 0; i < n; i++) {
          const want = Math.fround(f(av[i]!, bv[i]!));
          if (!Object.is(got[i], want)) throw new Error(`${op} at n ${n}, offsets ${startA}/${startB}, element ${i}: ${got[i]} != ${want}`);
        }
      }
    }
  });

  it('a 2-D row view (offset, dense) and a broadcast operand (not dense: the general loop) agree with the definition', () => {
    const m = g.arange(40).reshape(8, 5).div(7);
    const row = m.select(0, 3); // offset 15, dense
    const col = g.tensor([[2], [3]]);
    expect(Array.from(row.mul(m.select(0, 6)).dataSync())).toEqual(
      Array.from(row.dataSync(), (v, i) => Math.fround(v * m.select(0, 6).dataSync()[i]!)),
    );
    expect(row.unsqueeze(0).add(col).shape).toEqual([2, 5]);
    expect(Array.from(row.unsqueeze(0).add(col).dataSync())).toEqual(
      [2, 3].flatMap((c) => Array.from(row.dataSync(), (v) => Math.fround(v + c))),
    );
  });
});
