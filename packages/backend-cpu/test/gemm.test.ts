/**
 * The matmul kernel (wasm GEMM by blocks of C, and the JavaScript loop for tiny
 * products) against a float64 reference, for random shapes and every operand
 * layout core can pass: row-major, transposed, strided, offset, expanded
 * (stride 0) and batched views, in wasm memory or in plain arrays. The bound is
 * float32 summation's: K · 2⁻²³ · Σ|a||b| per element.
 *
 * `runCalls` is wrapped so the same products can be computed with the calls in
 * reverse or shuffled order: the results must be bit-identical, as they will be
 * when a worker pool runs the calls in any order on any number of threads.
 */
import { numel } from '@graft/core/backend';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { alloc, arr, type Handle } from '../src/heap.js';
import { matmul } from '../src/kernels/matmul.js';
import type { KernelCall } from '../src/threads/parallel.js';
import { relaxedSimd } from '../src/wasm/module.js';

type Order = 'forward' | 'reverse' | 'shuffle';
const control = vi.hoisted(() => ({ order: 'forward' as Order, seed: 1, calls: 0 }));

vi.mock('../src/threads/parallel.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/threads/parallel.js')>();
  return {
    ...original,
    runCalls(calls: readonly KernelCall[]): Float64Array {
      control.calls += calls.length;
      const list = [...calls];
      if (control.order === 'reverse') list.reverse();
      if (control.order === 'shuffle') {
        for (let i = list.length - 1; i > 0; i--) {
          control.seed = (control.seed * 1103515245 + 12345) % 2147483648;
          const j = control.seed % (i + 1);
          [list[i], list[j]] = [list[j]!, list[i]!];
        }
      }
      // Results come back in the order of `calls`, whatever order they ran in (sums read them).
      const ran = original.runCalls(list);
      const results = new Float64Array(calls.length);
      list.forEach((call, i) => {
        results[calls.indexOf(call)] = ran[i]!;
      });
      return results;
    },
  };
});

/** A small deterministic generator (tests must be reproducible). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

type Layout = 'rowMajor' | 'transposed' | 'strided' | 'offset' | 'expandedRows' | 'expandedCols';
const LAYOUTS: Layout[] = ['rowMajor', 'transposed', 'strided', 'offset', 'expandedRows', 'expandedCols'];

interface Operand {
  view: { handle: Handle; dtype: 'float32'; shape: number[]; strides: number[]; offset: number };
  /** element [b, r, c] of the logical operand */
  at(b: number, r: number, c: number): number;
}

/**
 * An operand of logical shape [...batch, R, C] laid out as `layout`, its batch
 * dimension (if any) `batchStride0` (broadcast) or dense.
 */
function operand(random: () => number, batch: number[], R: number, C: number, layout: Layout, batchStride0 = false): Operand {
  let rs: number;
  let cs: number;
  let offset = 0;
  let span: number; // elements one matrix reaches
  switch (layout) {
    case 'rowMajor':
      [rs, cs, span] = [C, 1, R * C];
      break;
    case 'transposed':
      [rs, cs, span] = [1, R, R * C];
      break;
    case 'strided':
      [rs, cs, offset] = [2 * C + 3, 2, 5];
      span = (R - 1) * rs + (C - 1) * cs + 1;
      break;
    case 'offset':
      [rs, cs, offset] = [C, 1, 7];
      span = R * C;
      break;
    case 'expandedRows':
      [rs, cs, span] = [0, 1, C];
      break;
    case 'expandedCols':
      [rs, cs, span] = [1, 0, R];
      break;
  }
  if (R === 0 || C === 0) span = 0;
  const matrices = batchStride0 ? 1 : numel(batch);
  const matrixStride = Math.max(span, 1) + 3;
  const length = offset + matrices * matrixStride;
  const handle = alloc('float32', length);
  const data = arr(handle) as Float32Array;
  for (let i = 0; i < length; i++) data[i] = random() * 2 - 1;
  const batchStrides: number[] = [];
  let stride = batchStride0 ? 0 : matrixStride;
  for (let d = batch.length - 1; d >= 0; d--) {
    batchStrides.unshift(stride);
    stride *= batch[d]!;
  }
  const view = { handle, dtype: 'float32' as const, shape: [...batch, R, C], strides: [...batchStrides, rs, cs], offset };
  return {
    view,
    at: (b, r, c) => data[offset + (batchStride0 ? 0 : b * matrixStride) + r * rs + c * cs]!,
  };
}

/** Checks matmul(A, B) against a float64 reference; returns the result for bitwise comparisons. */
function check(a: Operand, b: Operand, batches: number, M: number, N: number, K: number, label: string): Float32Array {
  const out = matmul(a.view, b.view);
  const got = Float32Array.from(arr(out) as Float32Array);
  expect(got.length, label).toBe(batches * M * N);
  for (let t = 0; t < batches; t++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let sum = 0;
        let abs = 0;
        for (let k = 0; k < K; k++) {
          const p = a.at(t, i, k) * b.at(t, k, j);
          sum += p;
          abs += Math.abs(p);
        }
        const err = Math.abs(got[(t * M + i) * N + j]! - sum);
        const tol = K * 2 ** -23 * abs + 1e-30;
        if (!(err <= tol)) {
          throw new Error(`${label}: C[${t}][${i}][${j}] = ${got[(t * M + i) * N + j]} but the float64 reference is ${sum} (bound ${tol})`);
        }
      }
    }
  }
  return got;
}

beforeEach(() => {
  control.order = 'forward';
});

describe('CPU matmul against a float64 reference', () => {
  it('every small size 1..17 in each of M, N and K, with the others not multiples of the tile (4 × 8)', () => {
    const random = rng(17);
    for (let s = 1; s <= 17; s++) {
      for (const [M, N, K] of [
        [s, 37, 45],
        [37, s, 45],
        [37, 45, s],
        [s, s, s],
      ] as const) {
        const a = operand(random, [], M, K, 'rowMajor');
        const b = operand(random, [], K, N, 'rowMajor');
        check(a, b, 1, M, N, K, `${M}×${K} · ${K}×${N}`);
      }
    }
  });

  it('random shapes up to 300 in every layout of A and B, in wasm memory and in plain arrays', () => {
    const random = rng(2026);
    for (let trial = 0; trial < 36; trial++) {
      const dim = () => 1 + Math.floor(random() ** 2 * 300);
      const [M, N, K] = [dim(), dim(), dim()];
      const la = LAYOUTS[trial % LAYOUTS.length]!;
      const lb = LAYOUTS[Math.floor(trial / LAYOUTS.length) % LAYOUTS.length]!;
      const a = operand(random, [], M, K, la);
      const b = operand(random, [], K, N, lb);
      check(a, b, 1, M, N, K, `trial ${trial}: ${M}×${K} (${la}) · ${K}×${N} (${lb})`);
    }
  });

  it('the edges of the blocking: 63..65 rows and columns (blocks of 64), K around the chunk of 256', () => {
    const random = rng(5);
    for (const [M, N, K] of [
      [63, 65, 255],
      [64, 64, 256],
      [65, 63, 257],
      [129, 200, 513],
      [4, 8, 1],
      [1, 1, 600],
    ] as const) {
      for (const [la, lb] of [
        ['rowMajor', 'rowMajor'],
        ['transposed', 'transposed'],
        ['strided', 'offset'],
      ] as const) {
        check(operand(random, [], M, K, la), operand(random, [], K, N, lb), 1, M, N, K, `${M}×${K} (${la}) · ${K}×${N} (${lb})`);
      }
    }
  });

  it('batched operands, dense and broadcast (batch stride 0)', () => {
    const random = rng(9);
    for (const [batch, M, N, K, broadcastB] of [
      [[3], 20, 30, 40, false],
      [[2, 3], 33, 17, 9, true],
      [[4], 70, 72, 64, true],
    ] as const) {
      const a = operand(random, [...batch], M, K, 'rowMajor');
      const b = operand(random, [...batch], K, N, 'transposed', broadcastB);
      check(a, b, numel([...batch]), M, N, K, `batch [${batch}] ${M}×${K} · ${K}×${N}`);
    }
  });

  it('zero-sized dimensions: empty results, and zeros when K is 0', () => {
    const random = rng(3);
    for (const [M, N, K] of [
      [0, 40, 40],
      [40, 0, 40],
      [40, 40, 0],
      [0, 0, 0],
    ] as const) {
      const got = check(operand(random, [], M, K, 'rowMajor'), operand(random, [], K, N, 'rowMajor'), 1, M, N, K, `${M}×${K} · ${K}×${N}`);
      expect(got.every((x) => x === 0)).toBe(true);
    }
  });
});

describe('CPU matmul: the JavaScript paths', () => {
  /**
   * Below 8³ float32 multiply-adds, and for float64 at every size, products run in
   * JavaScript: one strided dot product per output up to 4096 multiply-adds, the
   * packed i-k-j loop above. Both sum over k ascending in doubles, so each output
   * is exactly the reference's sum in that order (rounded to the dtype).
   */
  function exactCheck(dtype: 'float32' | 'float64', M: number, N: number, K: number, la: Layout, lb: Layout, random: () => number): void {
    const a = operand(random, [], M, K, la);
    const b = operand(random, [], K, N, lb);
    const widen = (v: Operand['view']) => {
      if (dtype === 'float32') return v;
      const handle = alloc('float64', arr(v.handle).length);
      (arr(handle) as Float64Array).set(arr(v.handle) as Float32Array);
      return { ...v, handle, dtype };
    };
    const got = arr(matmul(widen(a.view) as never, widen(b.view) as never));
    const round = dtype === 'float32' ? Math.fround : (x: number) => x;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let sum = 0;
        for (let k = 0; k < K; k++) sum += a.at(0, i, k) * b.at(0, k, j);
        if (!Object.is(got[i * N + j], round(sum))) {
          throw new Error(`${dtype} ${M}×${K} (${la}) · ${K}×${N} (${lb}): C[${i}][${j}] = ${got[i * N + j]}, expected ${round(sum)}`);
        }
      }
    }
  }

  it('tiny float32 products (a recurrent step at batch 1) in every layout: the exact k-ascending sums', () => {
    const random = rng(77);
    for (const [M, N, K] of [
      [1, 20, 10],
      [20, 10, 1],
      [1, 3, 7],
      [7, 7, 7],
      [5, 9, 2],
    ] as const) {
      for (const la of LAYOUTS) for (const lb of LAYOUTS) exactCheck('float32', M, N, K, la, lb, random);
    }
  });

  it('float64 products on both sides of the dot-product bound (4096 multiply-adds): the exact k-ascending sums', () => {
    const random = rng(78);
    for (const [M, N, K] of [
      [16, 16, 16],
      [16, 16, 17],
      [1, 64, 64],
      [1, 65, 64],
      [33, 31, 29],
    ] as const) {
      for (const [la, lb] of [
        ['rowMajor', 'rowMajor'],
        ['rowMajor', 'transposed'],
        ['strided', 'offset'],
        ['expandedCols', 'expandedRows'],
      ] as const) {
        exactCheck('float64', M, N, K, la, lb, random);
      }
    }
  });
});

describe('CPU matmul: results do not depend on the order of the calls', () => {
  it('forward, reverse and shuffled runCalls give bit-identical products', () => {
    const random = rng(42);
    for (const [M, N, K, la, lb] of [
      [256, 256, 256, 'rowMajor', 'rowMajor'],
      [64, 256, 784, 'rowMajor', 'transposed'],
      [256, 784, 64, 'transposed', 'rowMajor'],
      [130, 70, 300, 'strided', 'expandedRows'],
    ] as const) {
      const a = operand(random, [], M, K, la);
      const b = operand(random, [], K, N, lb);
      const results = (['forward', 'reverse', 'shuffle'] as const).map((order) => {
        control.order = order;
        control.calls = 0;
        const out = Float32Array.from(arr(matmul(a.view, b.view)) as Float32Array);
        // more than one block, or the order could not matter
        expect(control.calls, `${M}×${K} · ${K}×${N}`).toBeGreaterThan(1);
        return out;
      });
      expect(Buffer.from(results[1]!.buffer).equals(Buffer.from(results[0]!.buffer)), 'reverse').toBe(true);
      expect(Buffer.from(results[2]!.buffer).equals(Buffer.from(results[0]!.buffer)), 'shuffle').toBe(true);
    }
  });
});

describe('CPU kernels: which wasm binary', () => {
  it('the relaxed-SIMD build exactly where the runtime has relaxed SIMD', () => {
    // f32x4.relaxed_madd alone in a function: valid only where the runtime implements it.
    const v128Zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
    const body = [0, ...v128Zero, ...v128Zero, ...v128Zero, 0xfd, 0x85, 0x02, 0x1a, 0x0b]; // madd, drop, end
    const probe = Uint8Array.from([
      ...[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0], // magic, version
      ...[1, 4, 1, 0x60, 0, 0], // one type: () -> ()
      ...[3, 2, 1, 0], // one function
      ...[10, body.length + 2, 1, body.length, ...body],
    ]);
    expect(relaxedSimd()).toBe(WebAssembly.validate(probe));
    // the cpu-relaxed-simd test project runs this file with the flag: the relaxed build must be in use
    if (process.execArgv.includes('--experimental-wasm-relaxed-simd')) expect(relaxedSimd()).toBe(true);
  });
});
