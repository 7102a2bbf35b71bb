/**
 * The wasm paths that convolution and pooling take (gather and scatter-add
 * rows, sums over a fold's contiguous rows, argmax/argmin across pooling
 * windows, a bias added along rows), and a classifier's softmax and exp,
 * against the JavaScript loops they replace, bit for bit: the same
 * kernels run twice, once with the wasm module hidden. Inputs mix NaN, ±inf,
 * ±0 and ties; arrays are wasm-sized (in wasm memory) and small (plain typed
 * arrays, copied into scratch or left to JavaScript); layouts are contiguous,
 * offset and strided.
 */
import { contiguousStrides, type DType, numel, type View } from '@graft/core/backend';
import { getNumThreads, setNumThreads } from '@graft/core';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { alloc, arr, freeScratch, type Handle, HeapArray, scratch } from '../src/heap.js';
import { binary, unary } from '../src/kernels/elementwise.js';
import { gather, scatterAdd } from '../src/kernels/movement.js';
import { expForF32 } from '../src/kernels/math.js';
import { argReduce, reduce, softmax } from '../src/kernels/reduce.js';
import { memory, wasmKernels } from '../src/wasm/module.js';

const control = vi.hoisted(() => ({ noWasm: false, wasmCalls: 0, used: new Set<string>() }));

vi.mock('../src/wasm/module.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/wasm/module.js')>();
  let recording: object | undefined;
  return {
    ...original,
    wasmKernels() {
      if (control.noWasm) return undefined;
      control.wasmCalls++;
      const kernels = original.wasmKernels();
      if (kernels === undefined) return undefined;
      // Records which exports a path reads (control.used), so a test can tell the wasm path ran.
      recording ??= new Proxy(kernels, {
        get(target, name, receiver) {
          if (typeof name === 'string') control.used.add(name);
          return Reflect.get(target, name, receiver);
        },
      });
      return recording;
    },
  };
});

/** Runs `f` with and without the wasm module; both results' elements, as strings that tell -0 and NaN apart. */
function both(f: () => Handle): [string[], string[]] {
  const show = (h: Handle) => Array.from(arr(h), (v) => (Object.is(v, -0) ? '-0' : String(v)));
  control.noWasm = false;
  const fast = show(f());
  control.noWasm = true;
  try {
    return [fast, show(f())];
  } finally {
    control.noWasm = false;
  }
}

let seed = 12345;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}

/** A contiguous tensor of `shape` with special values mixed in (a few ties on a small grid). */
function tensor(dtype: DType, shape: number[], specials = true): View<Handle> {
  const n = numel(shape);
  const h = alloc(dtype, n);
  const a = arr(h);
  const pick = [NaN, Infinity, -Infinity, 0, -0];
  for (let i = 0; i < n; i++) {
    const u = random();
    a[i] = specials && u < 0.04 ? pick[Math.floor(random() * pick.length)]! : u < 0.3 ? Math.round(random() * 4) : random() * 8 - 4;
  }
  return { handle: h, dtype, shape, strides: contiguousStrides(shape), offset: 0 };
}

function intTensor(shape: number[], below: number): View<Handle> {
  const n = numel(shape);
  const h = alloc('int32', n);
  const a = arr(h);
  for (let i = 0; i < n; i++) a[i] = Math.floor(random() * below);
  return { handle: h, dtype: 'int32', shape, strides: contiguousStrides(shape), offset: 0 };
}

describe('window kernels: the wasm paths equal the JavaScript loops bit for bit', () => {
  it('gather along the last dim and across a dim, rows expanded or not, 4- and 8-byte elements, heap and plain arrays', () => {
    for (const dtype of ['float32', 'float64', 'int32'] as DType[]) {
      for (const [N, size, len] of [
        [50, 800, 4608],
        [3, 20, 16],
        [2, 7, 40],
      ] as const) {
        const x = dtype === 'int32' ? intTensor([N, size], 1000) : tensor(dtype, [N, size]);
        const row = intTensor([len], size);
        // One index row for every image (unfold's), expanded with stride 0.
        const expanded = { ...row, shape: [N, len], strides: [0, 1] };
        const [fast, slow] = both(() => gather(x, 1, expanded));
        expect(fast, `${dtype} [${N}, ${size}] ← ${len}`).toEqual(slow);
        // Across dim 0 (max picking one row of each window): rows step through x.
        const across = intTensor([2, size], N);
        const [f2, s2] = both(() => gather(x, 0, across));
        expect(f2, `${dtype} across dim 0`).toEqual(s2);
      }
    }
    expect(control.wasmCalls).toBeGreaterThan(0);
  });

  it('gather reports an index out of range with the same error', () => {
    const x = tensor('float32', [4, 64]);
    const index = intTensor([4, 64], 64);
    arr(index.handle)[100] = 64;
    const message = (noWasm: boolean) => {
      control.noWasm = noWasm;
      try {
        gather(x, 1, index);
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      } finally {
        control.noWasm = false;
      }
    };
    expect(message(false)).toBe(message(true));
    expect(message(false)).toMatch(/index 64 is out of bounds for dimension 1 with size 64/);
  });

  it('scatter-add of max pooling windows (into a middle dim, rows across it), float32', () => {
    for (const [N, C, k, L] of [
      [50, 8, 4, 64],
      [50, 16, 4, 16],
      [2, 3, 9, 20],
    ] as const) {
      const index = intTensor([N, C, 1, L], k);
      const src = tensor('float32', [N, C, 1, L]);
      const [fast, slow] = both(() => scatterAdd([N, C, k, L], 2, index, src));
      expect(fast, `[${N}, ${C}, ${k}, ${L}]`).toEqual(slow);
    }
    // Repeated indices: every add in order, each rounded to float32.
    const index = intTensor([64, 256], 3);
    const src = tensor('float32', [64, 256]);
    const [fast, slow] = both(() => scatterAdd([64, 3], 1, index, src));
    expect(fast).toEqual(slow);
  });

  it('sums over contiguous rows of 1 to 12 elements (a fold), contiguous and offset', () => {
    for (let n = 1; n <= 12; n++) {
      const x = tensor('float32', [40, 100, n], false);
      const [fast, slow] = both(() => reduce('sum', x, [2]));
      expect(fast, `n = ${n}`).toEqual(slow);
      // Every other kept row (a strided kept dim), from an offset.
      const strided = { ...x, shape: [40, 49, n], strides: [100 * n, 2 * n, 1], offset: n };
      const [f2, s2] = both(() => reduce('sum', strided, [2]));
      expect(f2, `n = ${n}, strided`).toEqual(s2);
    }
  });

  it('max, min, argmax and argmin across windows (a middle dim), with NaN, ±inf, ±0 and ties', () => {
    for (const [N, C, k, L] of [
      [50, 8, 4, 64],
      [50, 16, 4, 16],
      [3, 2, 9, 7],
      [2, 2, 1, 33],
    ] as const) {
      for (const dtype of ['float32', 'float64'] as DType[]) {
        const x = tensor(dtype, [N, C, k, L]);
        for (const op of ['max', 'min', 'sum'] as const) {
          const [fast, slow] = both(() => reduce(op, x, [2]));
          expect(fast, `${op} ${dtype} [${N}, ${C}, ${k}, ${L}]`).toEqual(slow);
        }
        for (const op of ['argmax', 'argmin'] as const) {
          const [fast, slow] = both(() => argReduce(op, x, 2));
          expect(fast, `${op} ${dtype} [${N}, ${C}, ${k}, ${L}]`).toEqual(slow);
        }
      }
    }
  });

  it("a bias broadcast along rows (conv's [1, O, 1, 1] on [N, O, H, W]), either side, every op", () => {
    for (const [N, O, L] of [
      [50, 8, 256],
      [50, 16, 64],
      [4, 3, 17],
    ] as const) {
      const x = tensor('float32', [N, O, L]);
      const bias = tensor('float32', [O]);
      const expanded = { ...bias, shape: [N, O, L], strides: [0, 1, 0] };
      for (const op of ['add', 'sub', 'mul', 'div'] as const) {
        for (const [a, b] of [
          [x, expanded],
          [expanded, x],
        ] as const) {
          const [fast, slow] = both(() => binary(op, a, b, [N, O, L], 'float32'));
          expect(fast, `${op} [${N}, ${O}, ${L}]`).toEqual(slow);
        }
      }
    }
  });

  it('a bias broadcast across rows ([C] on [N, C], [T, C] on [B, T, C], every other row), either side, every op', () => {
    for (const [B, T, C, rowStride] of [
      [1, 320, 256, 0],
      [16, 5, 64, 64],
      [16, 5, 64, 128],
      [3, 7, 17, 0],
    ] as const) {
      const x = tensor('float32', [B, T, C]);
      const rows = tensor('float32', [T * Math.max(1, rowStride / C), C]);
      const expanded = { ...rows, shape: [B, T, C], strides: [0, rowStride, 1] };
      for (const op of ['add', 'sub', 'mul', 'div'] as const) {
        for (const [a, b] of [
          [x, expanded],
          [expanded, x],
        ] as const) {
          control.used.clear();
          const [fast, slow] = both(() => binary(op, a, b, [B, T, C], 'float32'));
          expect(fast, `${op} [${B}, ${T}, ${C}] rows ${rowStride} apart`).toEqual(slow);
          if (B * T * C >= 4096) expect(control.used.has('binary_rows_f32'), `${op} [${B}, ${T}, ${C}]`).toBe(true);
        }
      }
    }
  });

  it('sums over leading dims (a bias gradient), every width 2 to 70 and wider, with NaN, ±inf and ±0', () => {
    for (const [rows, n] of [
      // Enough rows that the gradient lives in wasm memory (16 KiB and up); one column is a full sum.
      ...Array.from({ length: 69 }, (_, i) => [Math.ceil(4096 / (i + 2)) + 1, i + 2] as const),
      [320, 256],
      [20, 1000],
    ]) {
      const x = tensor('float32', [rows, n]);
      control.used.clear();
      const [fast, slow] = both(() => reduce('sum', x, [0]));
      expect(fast, `[${rows}, ${n}]`).toEqual(slow);
      expect(control.used.has('sum_leading_f32'), `[${rows}, ${n}]`).toBe(true);
    }
    // Two leading dims of a 3-D tensor, from an offset into a larger array.
    const big = tensor('float32', [5 + 6 * 7 * 40]);
    const x = { ...big, shape: [6, 7, 40], strides: [280, 40, 1], offset: 5 };
    const [fast, slow] = both(() => reduce('sum', x, [0, 1]));
    expect(fast).toEqual(slow);
  });

  it('the wasm paths are taken for wasm-sized float32 windows', () => {
    const x = tensor('float32', [50, 8, 4, 64]);
    expect(x.handle).toBeInstanceOf(HeapArray);
    control.wasmCalls = 0;
    argReduce('argmax', x, 2);
    expect(control.wasmCalls).toBeGreaterThan(0);
  });
});

describe('softmax and exp (float32): the wasm kernels equal the JavaScript loops bit for bit', () => {
  it('softmax and log-softmax over contiguous rows, every width 1 to 70 and wider, heap and plain arrays, with NaN and ±inf', () => {
    // One thread: on two, the pool's worker may claim every group of rows, and this thread would never read the
    // export the check below looks for (the groups' bits do not depend on the threads: the kernel tests check that).
    const threads = getNumThreads();
    setNumThreads(1);
    onTestFinished(() => setNumThreads(threads));
    for (const [rows, n] of [
      ...Array.from({ length: 70 }, (_, i) => [Math.ceil(4096 / (i + 1)) + 1, i + 1] as const), // in wasm memory
      [3, 5], // a plain array: through scratch
      [320, 50], // the bench's char-LSTM logits
      [2, 1000],
      [300, 200], // large enough for groups of rows on the worker pool
      [40000, 1],
    ]) {
      const x = tensor('float32', [rows, n], n % 3 === 0); // some widths with specials, some without
      for (const log of [false, true]) {
        control.used.clear();
        const [fast, slow] = both(() => softmax(x, 1, log));
        expect(fast, `[${rows}, ${n}] log ${log}`).toEqual(slow);
        expect(control.used.has('softmax_rows_f32'), `[${rows}, ${n}] log ${log}`).toBe(true);
      }
    }
    // A 3-D tensor from an offset into a larger array (dense from there), and a row whose maximum is +inf.
    const big = tensor('float32', [7 + 4 * 5 * 300], false);
    const x = { ...big, shape: [4, 5, 300], strides: [1500, 300, 1], offset: 7 };
    arr(big.handle)[7 + 300] = Infinity;
    for (const log of [false, true]) {
      const [fast, slow] = both(() => softmax(x, 2, log));
      expect(fast).toEqual(slow);
      expect(slow.slice(300, 600).every((v) => v === 'NaN' || v === '0' || v === '-Infinity')).toBe(true);
    }
  });

  it("softmax_rows_f32 gives the same bits from the stats pass's kept e^(x - max) as computing them again (what a softmax over 32 MiB of them does)", () => {
    const wasm = wasmKernels()!;
    const [rows, n] = [101, 45];
    const x = tensor('float32', [rows, n], true);
    expect(x.handle).toBeInstanceOf(HeapArray);
    const src = (x.handle as HeapArray).ptr;
    // Scratch in wasm memory: the stats, the kept e^, and the two outputs.
    const bytes = 16 * rows + 8 * rows * n + 2 * 4 * rows * n;
    const stats = scratch(bytes);
    const [e, kept, again] = [stats + 16 * rows, stats + 16 * rows + 8 * rows * n, stats + 16 * rows + 12 * rows * n];
    try {
      wasm.softmax_stats_f32(src, rows, n, stats, e);
      wasm.softmax_rows_f32(src, rows, n, stats, 0, kept, e);
      wasm.softmax_rows_f32(src, rows, n, stats, 0, again, 0);
      const text = (at: number) => Array.from(new Float32Array(memory!.buffer, at, rows * n), String);
      expect(text(kept)).toEqual(text(again));
      expect(text(again)).toEqual(both(() => softmax(x, 1, false))[1]);
    } finally {
      freeScratch(stats, bytes);
    }
  });

  it('exp: the same bits on the SIMD path, through scratch and in JavaScript, and within one float32 rounding of e^x', () => {
    const x = tensor('float32', [5000]);
    const values = arr(x.handle);
    // The edges: overflow, underflow to denormals and zero, ±0, ties of the range reduction.
    values.set([88.72, 88.73, -87.3, -103.9, -104, -150, -151, 0, -0, Math.LN2 / 2, -Math.LN2 / 2, 1e-30]);
    const [fast, slow] = both(() => unary('exp', x, 'float32'));
    expect(fast).toEqual(slow);
    const small = tensor('float32', [40]); // a plain array: through scratch
    const [fastSmall, slowSmall] = both(() => unary('exp', small, 'float32'));
    expect(fastSmall).toEqual(slowSmall);
    const out = arr(unary('exp', x, 'float32'));
    for (let i = 0; i < values.length; i++) {
      const exact = Math.exp(values[i]!);
      const got = out[i]!;
      const rounded = Math.fround(exact);
      if (Number.isNaN(exact)) expect(got).toBeNaN();
      else if (!Number.isFinite(rounded))
        expect(got).toBe(rounded); // overflows float32
      // One float32 rounding of the exact value: within half an ulp (and equal to Math.fround of it nearly always).
      else expect(Math.abs(got - exact), `e^${values[i]}`).toBeLessThanOrEqual(Math.abs(exact) * 2 ** -24 + 1e-45);
    }
    expect(expForF32(0)).toBe(1);
    expect(expForF32(-Infinity)).toBe(0);
    expect(expForF32(Infinity)).toBe(Infinity);
  });
});
