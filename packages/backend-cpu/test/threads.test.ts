/**
 * The worker pool: every kernel split across threads gives the same bits on
 * 1, 2, 3 and 4 threads (sizes around the split thresholds, odd lengths,
 * views at offsets), the pool survives the memory growing under it, errors
 * stay the clear ones of one thread, and a Node program that used the pool
 * exits on its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as g from '@graft/core';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/index.js';
import { poolState } from '../src/threads/pool.js';
import { ELEMENTWISE_GRAIN, REDUCTION_CHUNK, runCalls, TRANSCENDENTAL_GRAIN } from '../src/threads/parallel.js';
import { unshareMemoryImport } from '../src/wasm/binary-edit.js';
import { memory, wasmKernels } from '../src/wasm/module.js';
import { KERNELS_WASM_BASE64 } from '../src/wasm/kernels-binary.js';

const here = dirname(fileURLToPath(import.meta.url));
const initialThreads = g.getNumThreads();
afterAll(() => g.setNumThreads(initialThreads));

/** The bits of a float32 tensor, as an array of integers (NaN payloads and -0 included). */
function bits(t: g.Tensor): number[] {
  const data = t.dataSync() as Float32Array;
  return Array.from(new Int32Array(data.buffer, data.byteOffset, data.length));
}

/** `f`'s result on 1 thread, then the same bits on 2, 3 and 4 (and back on 1). */
function sameOnEveryThreadCount(label: string, f: () => g.Tensor): void {
  g.setNumThreads(1);
  const one = f();
  const expected = bits(one);
  one.dispose();
  for (const threads of [2, 3, 4, 1]) {
    g.setNumThreads(threads);
    const t = f();
    const got = bits(t);
    t.dispose();
    if (got.length !== expected.length || got.some((b, i) => b !== expected[i])) {
      const i = got.findIndex((b, j) => b !== expected[j]);
      throw new Error(`${label} on ${threads} threads differs from 1 thread at element ${i}`);
    }
  }
}

const SIZES = [
  2 * TRANSCENDENTAL_GRAIN - 1,
  2 * TRANSCENDENTAL_GRAIN + 5,
  2 * ELEMENTWISE_GRAIN - 1,
  2 * ELEMENTWISE_GRAIN,
  2 * ELEMENTWISE_GRAIN + 17,
  4 * ELEMENTWISE_GRAIN + 3,
  REDUCTION_CHUNK - 1,
  REDUCTION_CHUNK + 1,
  5 * REDUCTION_CHUNK + 7,
];

describe('CPU worker pool: the same bits on every thread count', () => {
  g.manualSeed(5);
  // Values with NaN, ±0, ±inf and a wide range mixed in, so that every branch of the kernels runs.
  const base = g.randn(5 * REDUCTION_CHUNK + 64).mul(4);
  const specials = g.tensor([Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-30, -20, 20]);
  const pool = g.cat([specials, base, specials]);
  const other = g.randn(pool.shape[0]!).abs().add(0.25);

  for (const n of SIZES) {
    for (const offset of [0, 3]) {
      // Views at an element offset into a larger array (dense, so the wasm kernels take them).
      const a = () => pool.slice(0, offset, offset + n);
      const b = () => other.slice(0, 5, 5 + n);
      it(`n = ${n}, offset ${offset}: binary, scalar and unary kernels`, () => {
        for (const op of ['add', 'sub', 'mul', 'div'] as const) {
          sameOnEveryThreadCount(`${op}`, () => a()[op](b()));
          sameOnEveryThreadCount(`${op} with a scalar on the right`, () => a()[op](1.5));
          sameOnEveryThreadCount(`${op} with a scalar on the left`, () => g[op](0.75, a()));
          sameOnEveryThreadCount(`${op} with a one-element tensor`, () => a()[op](g.tensor(2.5)));
        }
        for (const op of ['neg', 'abs', 'square', 'sqrt', 'relu', 'tanh', 'sigmoid'] as const) {
          sameOnEveryThreadCount(op, () => a()[op]());
        }
      });
      it(`n = ${n}, offset ${offset}: sum and mean`, () => {
        sameOnEveryThreadCount('sum', () => a().sum());
        sameOnEveryThreadCount('mean', () => b().mean());
        sameOnEveryThreadCount('sum of a 2-d view', () =>
          b()
            .slice(0, 0, n - (n % 7))
            .reshape([-1, 7])
            .sum(),
        );
      });
    }
  }

  for (const [m, k, n] of [
    [64, 64, 64],
    [129, 77, 131],
    [256, 256, 256],
    [37, 512, 300],
  ]) {
    it(`matmul [${m}, ${k}] x [${k}, ${n}] (the GEMM's blocks on the pool), also transposed`, () => {
      const a = g.randn([m!, k!]);
      const b = g.randn([k!, n!]);
      sameOnEveryThreadCount('matmul', () => a.matmul(b));
      sameOnEveryThreadCount('matmul of transposed views', () => b.t().matmul(a.t()));
      sameOnEveryThreadCount('batched matmul', () => g.stack([a, a.mul(2)]).matmul(b));
    });
  }

  it('elementwise results are the scalar results (the pool computes, and computes right)', () => {
    g.setNumThreads(4);
    const n = 4 * ELEMENTWISE_GRAIN + 3;
    const x = pool.slice(0, 0, n);
    const y = other.slice(0, 0, n);
    const xs = x.dataSync() as Float32Array;
    const ys = y.dataSync() as Float32Array;
    const sum = x.add(y).dataSync();
    for (let i = 0; i < n; i++) if (!Object.is(sum[i], Math.fround(xs[i]! + ys[i]!))) throw new Error(`add differs at ${i}`);
    expect(poolState().workers).toBeGreaterThan(0);
  });

  it('the sum of a long vector is its chunked sum in doubles, added in chunk order', () => {
    const n = 5 * REDUCTION_CHUNK + 7;
    const x = pool.slice(0, 8, 8 + n); // no specials: a finite sum
    const xs = x.dataSync() as Float32Array;
    let total = 0;
    for (let c = 0; c < n; c += REDUCTION_CHUNK) {
      let part = 0;
      for (let i = c; i < Math.min(n, c + REDUCTION_CHUNK); i++) part += xs[i]!;
      total += part;
    }
    for (const threads of [1, 2, 4]) {
      g.setNumThreads(threads);
      // Within float32 rounding of a plain double sum (the kernel's own order differs inside a chunk).
      expect(Math.abs((x.sum().item() as number) - total)).toBeLessThanOrEqual(Math.abs(total) * 1e-6 + 1e-3);
    }
  });
});

describe('CPU worker pool: running, growing, failing', () => {
  it('setNumThreads changes the threads used from the next op, in any order', () => {
    const x = g.randn(8 * ELEMENTWISE_GRAIN);
    const results = [4, 1, 3, 2, 1, 4].map((threads) => {
      g.setNumThreads(threads);
      expect(g.getNumThreads()).toBe(threads);
      return bits(x.tanh());
    });
    for (const r of results) expect(r).toEqual(results[0]);
  });

  it('runCalls runs independent calls and returns each one’s result in order', () => {
    expect(wasmKernels()).toBeDefined();
    g.setNumThreads(3);
    const n = 1 << 16;
    // Sum four parts of a ones vector living in wasm memory: each call's result is its length.
    const big = g.ones(4 * n);
    const address = heapAddressOf(big);
    const parts = runCalls([0, 1, 2, 3].map((q) => ({ kernel: 'sum_f32' as const, args: [address + 4 * q * n, n - q] })));
    expect(Array.from(parts)).toEqual([n, n - 1, n - 2, n - 3]);
  });

  it('workers that fall asleep are counted, woken by the next step, and counted again when they sleep again', async () => {
    g.setNumThreads(2);
    const x = g.arange(1 << 18).mul(0.5);
    const expected = Array.from(x.dataSync(), (v) => Math.fround(v + 1));
    expect(Array.from(x.add(1).dataSync())).toEqual(expected);
    const asleep = async () => {
      for (let i = 0; i < 200 && poolState().sleeping < poolState().workers; i++) await new Promise((r) => setTimeout(r, 10));
      return poolState();
    };
    const before = await asleep();
    expect(before.workers).toBeGreaterThan(0);
    expect(before.sleeping).toBe(before.workers);
    // A step published while they sleep: notified (the caller reads SLEEPING), the same bits.
    expect(Array.from(x.add(1).dataSync())).toEqual(expected);
    const after = await asleep();
    expect(after.sleeping).toBe(after.workers);
  });

  it('keeps working while the shared memory grows under a running pool', () => {
    g.setNumThreads(2);
    const x = g.randn(4 * ELEMENTWISE_GRAIN);
    const before = bits(x.sigmoid());
    const pagesBefore = memory!.buffer.byteLength;
    // Tensors large enough to grow the memory, made and used between threaded ops.
    const held: g.Tensor[] = [];
    for (let i = 0; i < 6; i++) {
      held.push(g.full([3 << 20], i + 0.25).add(x.slice(0, 0, 1))); // 12 MB each: the memory grows
      const last = held[held.length - 1]!;
      expect(bits(x.sigmoid())).toEqual(before);
      g.setNumThreads(1);
      const one = bits(last.mul(3).sum());
      g.setNumThreads(2);
      expect(bits(last.mul(3).sum())).toEqual(one);
    }
    expect(memory!.buffer.byteLength).toBeGreaterThan(pagesBefore);
    for (const t of held) t.dispose();
  });

  it('bad input still gets the clear error of one thread', () => {
    const a = g.randn(4 * ELEMENTWISE_GRAIN);
    const b = g.randn(4 * ELEMENTWISE_GRAIN + 1);
    const messages = [1, 2].map((threads) => {
      g.setNumThreads(threads);
      try {
        a.add(b);
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(messages[0]).toMatch(/size|shape/);
    expect(messages[1]).toBe(messages[0]);
  });

  it('setNumThreads refuses what is not a thread count, saying what it expected', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 1000, '2' as unknown as number]) {
      expect(() => g.setNumThreads(bad)).toThrow(/setNumThreads: the number of threads must be an integer from 1 to 256, got/);
    }
  });

  it('tanh and sigmoid: the SIMD loop gives each element the bits of the scalar function', () => {
    // The kernel's last (n % 8) elements go through the scalar function: calling it on one element at a time
    // runs only that, so the whole-array call (SIMD) must match element by element.
    const wasm = wasmKernels()!;
    const n = 4096;
    const x = g
      .cat([
        g.randn(n - 40).mul(6),
        g.randn(20).mul(1e-3),
        g.tensor([
          Number.NaN,
          0,
          -0,
          Infinity,
          -Infinity,
          8.664339742,
          -8.6643,
          1e-3,
          -9.99e-4,
          1e-45,
          88,
          -88,
          150,
          -150,
          75,
          -75,
          17,
          -17,
          0.5,
          -0.5,
        ]),
      ])
      .contiguous();
    const src = heapAddressOf(x);
    const out = g.empty([n]);
    const dst = heapAddressOf(out);
    for (const code of [5, 6]) {
      wasm.unary_f32(code, src, dst, n);
      const whole = Int32Array.from(new Int32Array(memory!.buffer, dst, n));
      for (let i = 0; i < n; i++) wasm.unary_f32(code, src + 4 * i, dst + 4 * i, 1);
      const single = new Int32Array(memory!.buffer, dst, n);
      const f = new Float32Array(memory!.buffer, dst, n);
      const fw = new Float32Array(whole.buffer);
      for (let i = 0; i < n; i++) {
        if (whole[i] !== single[i] && !(Number.isNaN(fw[i]) && Number.isNaN(f[i]))) throw new Error(`op ${code} differs at ${i}`);
      }
    }
  });

  it('a plain (unshared) memory gets the same module with the shared flag cleared', () => {
    const bytes = Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
    const plain = unshareMemoryImport(bytes.slice());
    expect(plain.length).toBe(bytes.length);
    expect(plain.filter((b, i) => b !== bytes[i]).length).toBe(1);
    const mem = new WebAssembly.Memory({ initial: 32, maximum: 65536 });
    const k = new WebAssembly.Instance(new WebAssembly.Module(plain), { env: { memory: mem } }).exports as {
      sum_f32(p: number, n: number): number;
    };
    new Float32Array(mem.buffer, 1024, 4).set([1, 2, 3, 4.5]);
    expect(k.sum_f32(1024, 4)).toBe(10.5);
  });
});

/** The byte address of a heap-backed tensor's first element (through the backend's handle). */
function heapAddressOf(t: g.Tensor): number {
  const handle = (t as unknown as { handle: { ptr?: number } }).handle;
  if (handle?.ptr === undefined) throw new Error('not a heap tensor');
  return handle.ptr;
}

describe('CPU worker pool: processes', () => {
  const dist = join(here, '..', 'dist', 'index.js');
  const core = join(here, '..', '..', 'core', 'dist', 'index.js');
  it.skipIf(!existsSync(dist))('a Node program that used the pool exits on its own', () => {
    const program = `
      const g = await import(${JSON.stringify(core)});
      await import(${JSON.stringify(dist)});
      const { poolState } = await import(${JSON.stringify(join(here, '..', 'dist', 'threads', 'pool.js'))});
      g.setNumThreads(2);
      const x = g.randn([1 << 20]);
      const s = x.add(x).sum().item();
      console.log(JSON.stringify({ workers: poolState().workers, finite: Number.isFinite(s) }));
    `;
    // A timeout kills a child that hangs; exiting on its own, it prints and returns.
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', program], { timeout: 60_000, encoding: 'utf8' });
    expect(JSON.parse(out.trim())).toEqual({ workers: 1, finite: true });
  });

  it.skipIf(!existsSync(dist))('GRAFT_NUM_THREADS sets the default, and a bad value is a clear error', () => {
    const program = `const g = await import(${JSON.stringify(core)}); console.log(g.getNumThreads());`;
    const run = (value: string) =>
      execFileSync(process.execPath, ['--input-type=module', '-e', program], {
        timeout: 60_000,
        encoding: 'utf8',
        env: { ...process.env, GRAFT_NUM_THREADS: value },
        stdio: ['ignore', 'pipe', 'pipe'],
      }).trim();
    expect(run('3')).toBe('3');
    expect(() => run('many')).toThrow(/GRAFT_NUM_THREADS: the number of threads must be an integer from 1 to 256, got "many"/);
  });
});
