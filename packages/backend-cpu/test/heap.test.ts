import * as g from '@graft/core';
import { assertUnaryGrid, decodeData, unaryGridCases } from '@graft/testing';
import { describe, expect, it } from 'vitest';
import '../src/index.js';
import { erf, erfForF32, sigmoid32, tanh32 } from '../src/kernels/math.js';

// Large tensors live in WebAssembly memory and use the SIMD kernels; small ones are plain
// typed arrays. Expected values come from a double-precision loop over the same inputs.
const N = 5000; // above the 16 KiB heap threshold for float32

function reference(a: Float32Array, b: Float32Array, f: (x: number, y: number) => number): number[] {
  return Array.from(a, (x, i) => Math.fround(f(x, b[i]!)));
}

describe('CPU backend: large tensors in wasm memory', () => {
  g.manualSeed(11);
  const a = g.randn(N);
  const b = g.randn(N).abs().add(0.5);
  const av = a.dataSync() as Float32Array;
  const bv = b.dataSync() as Float32Array;

  it('binary SIMD kernels match a scalar loop, tensor and scalar operands on either side', () => {
    expect(Array.from(a.add(b).dataSync())).toEqual(reference(av, bv, (x, y) => x + y));
    expect(Array.from(a.sub(b).dataSync())).toEqual(reference(av, bv, (x, y) => x - y));
    expect(Array.from(a.mul(b).dataSync())).toEqual(reference(av, bv, (x, y) => x * y));
    expect(Array.from(a.div(b).dataSync())).toEqual(reference(av, bv, (x, y) => x / y));
    expect(Array.from(g.sub(3, a).dataSync())).toEqual(Array.from(av, (x) => Math.fround(3 - x)));
    expect(Array.from(g.div(a, 4).dataSync())).toEqual(Array.from(av, (x) => Math.fround(x / 4)));
    expect(Array.from(a.mul(g.tensor(2)).dataSync())).toEqual(Array.from(av, (x) => Math.fround(x * 2)));
  });

  it('a scalar (a number or one element expanded) with an operand whose rows repeat: the scalar kernel per row, the same bits', () => {
    const ops = {
      add: (x: number, y: number) => x + y,
      sub: (x: number, y: number) => x - y,
      mul: (x: number, y: number) => x * y,
      div: (x: number, y: number) => x / y,
    };
    for (const width of [16, 256]) {
      // A weight row (a plain array below the heap's threshold) broadcast over 64 rows, and a row view of a heap array.
      const row = g.randn(width);
      const heapRows = g.randn(64, 3 * width).narrow(1, width, width);
      for (const t of [row.expand(64, width), heapRows]) {
        const tv = t.contiguous().dataSync();
        const grad = g.tensor(0.37).expand(64, width); // what sum().backward() hands down, scaled
        for (const [name, f] of Object.entries(ops) as [keyof typeof ops, (x: number, y: number) => number][]) {
          const s = Math.fround(0.37);
          expect(Array.from(g[name](grad, t).dataSync()), `${name} scalar, t width ${width}`).toEqual(
            Array.from(tv, (x) => Math.fround(f(s, x))),
          );
          expect(Array.from(g[name](t, grad).dataSync()), `${name} t, scalar width ${width}`).toEqual(
            Array.from(tv, (x) => Math.fround(f(x, s))),
          );
          expect(Array.from(g[name](t, 2.5).dataSync()), `${name} t, number width ${width}`).toEqual(
            Array.from(tv, (x) => Math.fround(f(x, 2.5))),
          );
        }
      }
    }
  });

  it('unary SIMD kernels agree with Math within float32 rounding', () => {
    const close = (t: g.Tensor, f: (x: number) => number, tol: number) => {
      const out = t.dataSync();
      av.forEach((x, i) => expect(Math.abs(out[i]! - f(x))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(f(x)))));
    };
    close(a.tanh(), Math.tanh, 3e-7);
    close(a.sigmoid(), (x) => 1 / (1 + Math.exp(-x)), 3e-7);
    close(a.relu(), (x) => Math.max(x, 0), 0);
    close(a.neg(), (x) => -x, 0);
    close(a.abs(), Math.abs, 0);
    close(a.square(), (x) => x * x, 1e-7);
    const sq = b.sqrt().dataSync();
    bv.forEach((x, i) => expect(sq[i]).toBe(Math.fround(Math.sqrt(x))));
    close(g.tensor(av).mul(100).tanh(), (x) => Math.tanh(x * 100), 3e-7);
  });

  it('unary SIMD kernels on the grid of extreme inputs match PyTorch as the JavaScript kernels do (tanh(±100) is exactly ±1)', () => {
    const simd = ['neg', 'abs', 'square', 'sqrt', 'relu', 'tanh', 'sigmoid'];
    for (const c of unaryGridCases.filter((k) => k.dtype === 'float32' && simd.includes(k.op))) {
      const n = c.input.data.length;
      const tiles = Math.ceil(N / n);
      const grid = g.tensor(Float32Array.from(decodeData(c.input)));
      const big = grid.repeat(tiles); // large enough for wasm memory
      const out = (big as unknown as Record<string, () => g.Tensor>)[c.op]!.call(big).dataSync();
      for (let t = 0; t < tiles; t++) assertUnaryGrid(c, 'values', out.subarray(t * n, (t + 1) * n));
    }
  });

  it('float32 tanh: the SIMD kernel (in place and through scratch), its scalar tail and the JavaScript path give the same bits, within 1 ulp of the correctly rounded tanh', () => {
    // A sweep over float32's line: every 4097th bit pattern from 1e-30 to past saturation, both signs,
    // plus every float32 around the two range boundaries (0.5625 and 8.664339742) and the specials.
    const values: number[] = [];
    const bits = new Uint32Array(1);
    const asFloat = new Float32Array(bits.buffer);
    for (let b = 0x0d000000; b < 0x41100000; b += 4097) {
      bits[0] = b;
      values.push(asFloat[0]!, -asFloat[0]!);
    }
    for (const edge of [0.5625, 8.664339742]) {
      bits[0] = new Uint32Array(new Float32Array([edge]).buffer)[0]!;
      const centre = bits[0]!;
      for (let d = -300; d <= 300; d++) {
        bits[0] = centre + d;
        values.push(asFloat[0]!);
      }
    }
    values.push(0, -0, Number.NaN, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38);
    const x = g.tensor(Float32Array.from(values));
    const dense = x.tanh().dataSync(); // wasm SIMD (and its scalar tail)
    const strided = g.stack([x, x], 1).select(1, 0).tanh().dataSync(); // a strided view: copied into wasm scratch
    const scalar = values.map(tanh32); // the JavaScript path (tensors of under 16 elements, no SIMD)
    for (const v of values.slice(0, 4000)) {
      const small = g.tensor([v, v, v]).tanh().dataSync();
      expect(Object.is(small[0], Math.fround(tanh32(v)))).toBe(true);
    }
    const line = (v: number) => new Int32Array(new Float32Array([v]).buffer)[0]!;
    const disagree: number[] = [];
    let worst = 0;
    values.forEach((v, i) => {
      if (!Object.is(dense[i], strided[i]) || !Object.is(dense[i], Math.fround(scalar[i]!))) disagree.push(v);
      if (Number.isNaN(v)) return;
      const exact = Math.abs(v) > 8.664339742 ? Math.sign(v) : Math.fround(Math.tanh(v));
      worst = Math.max(worst, Math.abs(line(dense[i]!) - line(exact)));
    });
    expect(disagree).toEqual([]);
    expect(worst).toBeLessThanOrEqual(1);
    expect(dense[values.length - 6]).toBeNaN();
    expect(Object.is(dense[values.length - 7], -0)).toBe(true); // tanh(-0) is -0
  });

  it('float32 sigmoid: the SIMD kernel (in place and through scratch), its scalar tail and the JavaScript path give the same bits, within 3 ulps of the exact sigmoid', () => {
    // Every 4097th bit pattern from 1e-30 to past both saturations, both signs, every float32 around the
    // points where the method changes (x = 17: 1 without the polynomial; x = -88.72: e^-x overflows; x = -89:
    // 0 without it), and the specials. The JavaScript and wasm paths were checked on every float32 in (-90, 20).
    const values: number[] = [];
    const bits = new Uint32Array(1);
    const asFloat = new Float32Array(bits.buffer);
    for (let b = 0x0d000000; b < 0x42c00000; b += 4097) {
      bits[0] = b;
      values.push(asFloat[0]!, -asFloat[0]!);
    }
    for (const edge of [17, -17, -88.72283935546875, -89, 16.6355]) {
      bits[0] = new Uint32Array(new Float32Array([edge]).buffer)[0]!;
      const centre = bits[0]!;
      for (let d = -300; d <= 300; d++) {
        bits[0] = centre + d;
        values.push(asFloat[0]!);
      }
    }
    values.push(0, -0, Number.NaN, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, -3.4e38);
    const x = g.tensor(Float32Array.from(values));
    const dense = x.sigmoid().dataSync();
    const strided = g.stack([x, x], 1).select(1, 0).sigmoid().dataSync();
    const scalar = values.map(sigmoid32);
    // Tensors of under 16 elements take the JavaScript loop.
    for (const v of values.slice(0, 4000)) expect(Object.is(g.tensor([v, v, v]).sigmoid().dataSync()[0], sigmoid32(v))).toBe(true);
    const disagree: number[] = [];
    let worst = 0;
    values.forEach((v, i) => {
      if (!Object.is(dense[i], strided[i]) || !Object.is(dense[i], scalar[i])) disagree.push(v);
      if (Number.isNaN(v) || v < -87) return; // below, the exact result is subnormal or 0 (PyTorch's is 0 once e^-x overflows)
      const exact = 1 / (1 + Math.exp(-v));
      const ulp = Math.abs(Math.fround(exact) - Math.fround(exact * (1 + 2 ** -23))) || 2 ** -149;
      worst = Math.max(worst, Math.abs(dense[i]! - exact) / ulp);
    });
    expect(disagree).toEqual([]);
    expect(worst).toBeLessThanOrEqual(3);
    expect(worst).toBeGreaterThan(0.5); // not correctly rounded everywhere: the comparison is live
    const at = (v: number) => g.tensor([v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v]).sigmoid().dataSync()[0];
    expect([at(17), at(100), at(-88.8), at(-1000), at(0)]).toEqual([1, 1, 0, 0, 0.5]);
    expect(at(-88) > 0 && at(-88) < 1e-38).toBe(true); // subnormal, as 1 / (1 + e^88) in float32
  });

  it('float32 erf: the SIMD kernel (two lanes of any ranges), its scalar tail, through scratch and in JavaScript give the same bits, the float64 erf rounded', () => {
    // Every 2049th bit pattern from 1e-30 to past saturation (erf rounds to 1 from 3.92), both signs, every
    // float32 around the range boundaries of the rational approximations (0.84375, 1.25, 1/0.35, 6), shuffled
    // so the SIMD lanes mix ranges, and the specials.
    const values: number[] = [];
    const bits = new Uint32Array(1);
    const asFloat = new Float32Array(bits.buffer);
    for (let b = 0x0d000000; b < 0x41000000; b += 2049) {
      bits[0] = b;
      values.push(asFloat[0]!, -asFloat[0]!);
    }
    for (const edge of [0.84375, 1.25, 1 / 0.35, 6]) {
      bits[0] = new Uint32Array(new Float32Array([edge]).buffer)[0]!;
      const centre = bits[0]!;
      for (let d = -300; d <= 300; d++) {
        bits[0] = centre + d;
        values.push(asFloat[0]!, -asFloat[0]!);
      }
    }
    let seed = 5;
    for (let i = values.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const j = seed % (i + 1);
      [values[i], values[j]] = [values[j]!, values[i]!];
    }
    values.push(0, -0, Number.NaN, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, -3.4e38);
    const x = g.tensor(Float32Array.from(values));
    const dense = x.erf().dataSync();
    const strided = g.stack([x, x], 1).select(1, 0).erf().dataSync();
    const scalar = values.map((v) => Math.fround(erfForF32(v)));
    for (const v of values.slice(0, 2000)) expect(Object.is(g.tensor([v, v, v]).erf().dataSync()[0], Math.fround(erfForF32(v)))).toBe(true);
    const disagree: number[] = [];
    const offRounded: number[] = [];
    values.forEach((v, i) => {
      if (!Object.is(dense[i], strided[i]) || !Object.is(dense[i], scalar[i])) disagree.push(v);
      // the float64 erf (a compensated series and a continued fraction: another method) rounded to float32
      if (!Object.is(dense[i], Math.fround(erf(v))) && !Number.isNaN(v)) offRounded.push(v);
    });
    expect(disagree).toEqual([]);
    expect(offRounded).toEqual([]);
    expect(Array.from(g.tensor([0, -0, 10, -10, Infinity, -Infinity, 3.92, -3.92]).erf().dataSync())).toEqual([0, -0, 1, -1, 1, -1, 1, -1]);
  });

  it('maximum and minimum in wasm (tensor and number operands, either side) are Math.max and Math.min: NaN wins, +0 above -0', () => {
    const specials = [Number.NaN, 0, -0, Infinity, -Infinity, 1, -1, 3.5e38];
    const n = 4096;
    const av = new Float32Array(n);
    const bv = new Float32Array(n);
    g.manualSeed(3);
    av.set(g.randn(n).dataSync());
    bv.set(g.randn(n).dataSync());
    for (let i = 0; i < 64; i++) {
      av[i] = specials[i % 8]!;
      bv[i] = specials[Math.floor(i / 8)]!;
    }
    const a = g.tensor(av);
    const b = g.tensor(bv);
    for (const [name, f] of [
      ['maximum', Math.max],
      ['minimum', Math.min],
    ] as const) {
      const same = (got: ArrayLike<number>, want: (i: number) => number, what: string) => {
        const bad: number[] = [];
        for (let i = 0; i < n; i++)
          if (!Object.is(got[i], Math.fround(want(i))) && !(Number.isNaN(got[i]) && Number.isNaN(want(i)))) bad.push(i);
        expect(bad, what).toEqual([]);
      };
      same(g[name](a, b).dataSync(), (i) => f(av[i]!, bv[i]!), `${name}(a, b)`);
      for (const s of [0, -0, 0.25, Number.NaN]) {
        same(g[name](a, g.tensor(s)).dataSync(), (i) => f(av[i]!, s), `${name}(a, ${s})`);
        same(g[name](g.tensor(s), a).dataSync(), (i) => f(s, av[i]!), `${name}(${s}, a)`);
      }
    }
    expect(
      Array.from(a.clamp(-0.5, 0.5).dataSync()).every(
        (v, i) => Object.is(v, Math.fround(Math.min(Math.max(av[i]!, -0.5), 0.5))) || Number.isNaN(v),
      ),
    ).toBe(true);
  });

  it('where in wasm (a select) equals the JavaScript loop: dense, numbers and expanded single values, on one thread and two', () => {
    const threads = g.getNumThreads();
    try {
      for (const n of [1023, 1024, 5000, 70000]) {
        g.manualSeed(n);
        const cond = g.rand(n).lt(0.5);
        const a = g.randn(n);
        const b = g.randn(n);
        const cv = cond.dataSync();
        const [av, bv] = [a.dataSync(), b.dataSync()];
        const cases: [string, g.Tensor | number, g.Tensor | number, (i: number) => number][] = [
          ['dense, dense', a, b, (i) => (cv[i] ? av[i]! : bv[i]!)],
          ['dense, number', a, 0, (i) => (cv[i] ? av[i]! : 0)],
          ['number, dense', -2.5, b, (i) => (cv[i] ? -2.5 : bv[i]!)],
          ['expanded, dense', g.tensor(Number.NaN).expand(n), b, (i) => (cv[i] ? Number.NaN : bv[i]!)],
          ['a strided view, dense (the JavaScript loop)', g.stack([a, a], 1).select(1, 0), b, (i) => (cv[i] ? av[i]! : bv[i]!)],
        ];
        for (const t of [1, 2]) {
          g.setNumThreads(t);
          for (const [what, x, y, want] of cases) {
            const got = g.where(cond, x, y).dataSync();
            const bad: number[] = [];
            for (let i = 0; i < n; i++) if (!Object.is(got[i], Math.fround(want(i)))) bad.push(i);
            expect(bad, `${what}, n ${n}, ${t} threads`).toEqual([]);
          }
        }
      }
    } finally {
      g.setNumThreads(threads);
    }
  });

  it('fill writes what a typed array of the dtype stores, in wasm memory (filled by wasm) and in plain arrays', () => {
    const Arrays = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;
    for (const dtype of ['float32', 'float64', 'int32', 'bool'] as const) {
      for (const n of [7, 3 * N + 1]) {
        const values =
          dtype === 'bool'
            ? [0, 1]
            : dtype === 'int32'
              ? [0, -0, -3, 2 ** 31 - 1]
              : [0, -0, 1.5, -3, Number.NaN, 2 ** 40 + 0.25, Number.POSITIVE_INFINITY];
        for (const value of values) {
          // A dirty recycled array first, so that a fill writing nothing (or part) would show.
          g.full([n], 9, { dtype }).dispose();
          const got = g.full([n], value, { dtype }).dataSync();
          const want = new Arrays[dtype](n).fill(value);
          expect(
            Array.from(got).map((v) => (Object.is(v, -0) ? '-0' : v)),
            `${dtype} n ${n} value ${value}`,
          ).toEqual(Array.from(want).map((v) => (Object.is(v, -0) ? '-0' : v)));
        }
      }
    }
  });

  it('sum: groups of four floats added in float32, their totals in double precision', () => {
    const expected = av.reduce((s, x) => s + x, 0);
    expect(a.sum().item()).toBeCloseTo(expected, 3);
    const ones = g.ones(1 << 20);
    expect(ones.sum().item()).toBe(1 << 20);
  });

  it('matmul of heap operands, strided and transposed, matches a double loop', () => {
    const m = g.randn(80, 90);
    const n = g.randn(90, 70);
    const mv = m.dataSync(),
      nv = n.dataSync();
    const expected: number[] = [];
    for (let i = 0; i < 80; i++)
      for (let j = 0; j < 70; j++) {
        let s = 0;
        for (let k = 0; k < 90; k++) s += mv[i * 90 + k]! * nv[k * 70 + j]!;
        expected.push(s);
      }
    const got = m.matmul(n).dataSync();
    const gotT = n.t().matmul(m.t()).t().contiguous().dataSync();
    expected.forEach((e, i) => {
      expect(Math.abs(got[i]! - e)).toBeLessThan(1e-3);
      expect(Math.abs(gotT[i]! - e)).toBeLessThan(1e-3);
    });
  });

  it('growing wasm memory keeps earlier tensors readable; disposed memory is reused', () => {
    const first = g.arange(0, N, { dtype: 'float32' });
    const big: g.Tensor[] = [];
    for (let i = 0; i < 40; i++) big.push(g.zeros(1 << 20)); // 160 MiB: forces the memory to grow
    expect(first.dataSync()[N - 1]).toBe(N - 1);
    expect(first.add(1).dataSync()[0]).toBe(1);
    const bytes = g.memory().numBytes;
    big.forEach((t) => t.dispose());
    expect(g.memory().numBytes).toBe(bytes - 40 * 4 * (1 << 20));
    const again = g.zeros(1 << 20);
    expect(again.sum().item()).toBe(0);
  });

  it('in-place ops write through heap views', () => {
    const x = g.zeros(N);
    x.narrow(0, 10, 100).add_(1);
    x.slice(0, 0, N, 2).mul_(3);
    expect(x.sum().item()).toBe(50 * 3 + 50);
  });
});
