import * as g from '@graft/core';
import type { View as BackendView } from '@graft/core/backend';
import { afterEach, describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/index.js';
import { alloc, arr, freeScratch, type Handle, HeapArray, release, scratch } from '../src/heap.js';
import { memory } from '../src/wasm/module.js';

// The CPU backend's own memory safety: its wasm heap after requests it cannot
// satisfy, and kernels handed views or indices outside their arrays. (The
// backend-independent cases — hostile shapes, canaries, view chains — are in
// the conformance suite, which test/conformance.test.ts runs.)

type View = BackendView<Handle>;

/** [start, end) byte ranges of wasm-heap handles must never overlap. */
function assertDisjoint(handles: Handle[]): void {
  const ranges = handles.filter((h): h is HeapArray => h instanceof HeapArray).map((h) => [h.ptr, h.ptr + h.byteLength] as const);
  ranges.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBeGreaterThanOrEqual(ranges[i - 1]![1]);
}

/** Canaries in the wasm heap (≥ 16 KiB) and in plain arrays, with a snapshot of their bytes. */
function canaries() {
  const tensors = [
    g.arange(0, 16384, { dtype: 'float32' }).mul(3).add(1),
    g.arange(0, 5000, { dtype: 'int32' }).mul(-7),
    g.arange(0, 3000, { dtype: 'float64' }).div(7),
    g.arange(0, 9, { dtype: 'float32' }).mul(0.5),
  ];
  const before = tensors.map((t) => Array.from(t.dataSync()));
  return {
    tensors,
    handles: () => tensors.map((t) => t.handle as Handle),
    expectUnchanged: () => tensors.forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(before[i])),
  };
}

describe('CPU heap: a request it cannot satisfy changes nothing', () => {
  // First, while wasm memory is still small (a later case grows it past 2 GiB).
  describe('when wasm memory cannot grow', () => {
    const grow = memory!.grow;
    afterEach(() => {
      (memory as { grow: typeof grow }).grow = grow;
    });
    it('a large array becomes a plain typed array; no live array moves or is overwritten', () => {
      const c = canaries();
      const length = memory!.buffer.byteLength;
      (memory as { grow: typeof grow }).grow = () => {
        throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
      };
      const count = Math.ceil(length / 4) + 1024; // more than the whole current memory
      const h = alloc('float32', count);
      expect(h).not.toBeInstanceOf(HeapArray);
      expect(h.length).toBe(count);
      expect(memory!.buffer.byteLength).toBe(length);
      release(h);
      const t = g.ones(count);
      expect(t.sum().item()).toBe(count);
      c.expectUnchanged();
      assertDisjoint([...c.handles(), t.handle as Handle]);
    });
  });

  it('the reported example: after g.zeros([1073725440]) fails, no new tensor lands on a live one', () => {
    const c = canaries();
    expect(c.tensors[0]!.handle).toBeInstanceOf(HeapArray);
    expect(() => g.zeros([1073725440])).toThrow(/^zeros: cannot allocate 4294901760 bytes \(shape \[1073725440\], float32\) on 'cpu': /);
    const next = [g.ones(16384), g.full([16384], 7), g.ones(5000, { dtype: 'int32' })];
    c.expectUnchanged();
    expect(Array.from(next[1]!.dataSync()).every((v) => v === 7)).toBe(true);
    assertDisjoint([...c.handles(), ...next.map((t) => t.handle as Handle)]);
  });

  it('the heap itself, asked for 4 GiB − 64 KiB of float32 (past 32-bit signed sizes), keeps its bookkeeping', () => {
    const c = canaries();
    let big: Handle | undefined;
    try {
      big = alloc('float32', 1073725440); // too big for the wasm heap: a plain array, if the engine can make one
    } catch (e) {
      expect((e as Error).message).toMatch(/^cpu: cannot allocate 4294901760 bytes/);
    }
    if (big !== undefined) {
      expect(big).not.toBeInstanceOf(HeapArray);
      expect(big.length).toBe(1073725440);
      release(big);
    }
    const next = [alloc('float32', 16384), alloc('float32', 16384), alloc('int32', 8192)];
    next.forEach((h) => arr(h).fill(-1));
    c.expectUnchanged();
    assertDisjoint([...c.handles(), ...next]);
    next.forEach(release);
  });

  it('scratch requests of every hostile size: -1 (memory untouched) or a block after every live one', () => {
    const c = canaries();
    const length = memory!.buffer.byteLength;
    for (const bytes of [2 ** 32, 2 ** 32 - 65536, 2 ** 33, 2 ** 53, 2 ** 64, NaN, Infinity, -16, 1.5]) {
      expect(scratch(bytes)).toBe(-1);
      expect(memory!.buffer.byteLength).toBe(length);
    }
    // 2 GiB + 5 bytes: `(bytes + 15) & ~15` made this negative and moved the heap top back over live arrays.
    const bytes = 2 ** 31 + 5;
    const ptr = scratch(bytes);
    if (ptr >= 0) {
      for (const h of c.handles()) if (h instanceof HeapArray) expect(ptr >= h.ptr + h.byteLength || ptr + bytes <= h.ptr).toBe(true);
      expect(ptr + bytes).toBeLessThanOrEqual(memory!.buffer.byteLength);
      freeScratch(ptr, bytes);
    }
    const next = [alloc('float32', 16384), alloc('float64', 4096)];
    next.forEach((h) => arr(h).fill(-1));
    c.expectUnchanged();
    assertDisjoint([...c.handles(), ...next]);
    next.forEach(release);
  });
});

describe('CPU kernels refuse views and indices outside their arrays', () => {
  const cpu = new CpuBackend(); // a bare backend: no core checks in front of it
  const heap = cpu.write(
    Float32Array.from({ length: 16384 }, (_, i) => i),
    'float32',
  );
  const small = cpu.write(
    Float32Array.from({ length: 8 }, (_, i) => i),
    'float32',
  );
  const view = (handle: Handle, shape: number[], strides: number[], offset: number): View => ({
    handle,
    dtype: 'float32',
    shape,
    strides,
    offset,
  });
  const past = view(heap, [16384], [1], 8192); // half of it beyond the array: the next tensor's memory
  const before = view(small, [4], [-1], 2); // a negative stride reaching element -1
  const outside = /reaches elements/;

  it('wasm SIMD paths (unary, binary, sum, matmul) check the whole view before reading raw addresses', () => {
    expect(() => cpu.unary('neg', past, 'float32')).toThrow(outside);
    expect(() => cpu.binary('add', past, past, [16384], 'float32')).toThrow(outside);
    expect(() => cpu.binary('mul', past, 2, [16384], 'float32')).toThrow(outside);
    expect(() => cpu.reduce('sum', past, [0])).toThrow(outside);
    expect(() => cpu.matmul(view(heap, [128, 128], [128, 1], 8192), view(heap, [128, 128], [128, 1], 0))).toThrow(outside);
  });

  it('assign, gather, scatter-add and scatter-reduce check their views, shapes and every index', () => {
    const src = view(small, [4], [1], 0);
    expect(() => cpu.assign(before, src)).toThrow(outside);
    expect(() => cpu.assign(view(small, [4], [2], 2), src)).toThrow(outside);
    expect(() => cpu.assign(view(small, [4], [1], 0), view(small, [2], [1], 0))).toThrow(/does not match/);
    const index = (values: number[]): View => ({
      handle: cpu.write(Int32Array.from(values), 'int32'),
      dtype: 'int32',
      shape: [values.length],
      strides: [1],
      offset: 0,
    });
    expect(() => cpu.gather(view(small, [8], [1], 0), 0, index([0, 8]))).toThrow(/index 8 is out of bounds for dimension 0 with size 8/);
    expect(() => cpu.gather(view(small, [8], [1], 0), 0, index([-1]))).toThrow(/index -1 is out of bounds/);
    expect(() => cpu.gather(before, 0, index([0]))).toThrow(outside);
    expect(() => cpu.scatterAdd([4], 0, index([1, 4]), view(small, [2], [1], 0))).toThrow(/index 4 is out of bounds/);
    expect(() => cpu.scatterAdd([4], 0, index([1, 2]), view(small, [3], [1], 0))).toThrow(/does not match/);
    const self = view(small, [4], [1], 0);
    expect(() => cpu.scatterReduce!('assign', self, 0, index([1, 4]), view(small, [2], [1], 0), true)).toThrow(/index 4 is out of bounds/);
    expect(() => cpu.scatterReduce!('amax', self, 0, index([-1]), view(small, [1], [1], 0), false)).toThrow(/index -1 is out of bounds/);
    expect(() => cpu.scatterReduce!('prod', self, 0, index([1, 2]), view(small, [3], [1], 0), true)).toThrow(/does not match/);
    expect(() => cpu.scatterReduce!('amin', before, 0, index([0]), view(small, [1], [1], 0), true)).toThrow(outside);
    // Good views still work.
    expect(Array.from(arr(cpu.gather(view(small, [8], [1], 0), 0, index([7, 0, 3]))))).toEqual([7, 0, 3]);
    // An index expanded along the last dim (one index per row, as indexSelect and embedding pass it): rows copied
    // and added whole, short rows and long ones (a block copy), every row's index still checked.
    const rowsIndex = (values: number[], width: number): View => ({ ...index(values), shape: [values.length, width], strides: [1, 0] });
    // The heap array's element (r, c) of a [256, 64] view holds 64 r + c.
    for (const width of [3, 64]) {
      const rows = cpu.gather(view(heap, [256, width], [64, 1], 0), 0, rowsIndex([5, 0, 255], width));
      const want = [5, 0, 255].flatMap((r) => Array.from({ length: width }, (_, c) => 64 * r + c));
      expect(Array.from(arr(rows))).toEqual(want);
      expect(() => cpu.gather(view(heap, [256, width], [64, 1], 0), 0, rowsIndex([5, 256], width))).toThrow(
        /index 256 is out of bounds for dimension 0 with size 256/,
      );
      // src: rows 1, 2 and 3 of the table (from offset 64); the result's row 2 gets rows 1 and 3 added, row 0 row 2.
      const added = cpu.scatterAdd([4, width], 0, rowsIndex([2, 0, 2], width), view(heap, [3, width], [64, 1], 64));
      const sums = [
        Array.from({ length: width }, (_, c) => 128 + c),
        Array(width).fill(0),
        Array.from({ length: width }, (_, c) => 64 + c + 192 + c),
        Array(width).fill(0),
      ];
      expect(Array.from(arr(added))).toEqual(sums.flat());
      expect(() => cpu.scatterAdd([4, width], 0, rowsIndex([2, -1], width), view(heap, [2, width], [64, 1], 0))).toThrow(
        /index -1 is out of bounds/,
      );
    }
  });

  it('matmul with an expanded operand far larger than it stores takes the JavaScript path without packing it', () => {
    const a = g.ones([2, 4096], { dtype: 'float64' });
    const b = g.ones([1, 1], { dtype: 'float64' }).expand(4096, 4096); // 16M elements described, 1 stored
    const out = a.matmul(b);
    expect(out.shape).toEqual([2, 4096]);
    expect(Array.from(out.dataSync()).every((v) => v === 4096)).toBe(true);
  });
});
