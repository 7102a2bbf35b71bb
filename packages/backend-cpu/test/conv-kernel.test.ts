/**
 * The CPU's `conv2d` kernel (im2col + GEMM + col2im, src/kernels/conv.ts)
 * through `g.fused.conv2d`: its three passes against a direct float64
 * convolution written here (every output a plain sum over the kernel window),
 * on random geometries (batch, channels, groups, kernel, stride, asymmetric
 * padding, dilation), operands of any layout (transposed, sliced, small
 * enough to live in plain arrays, batches large enough to go in chunks), on
 * one thread and two (bit for bit); second derivatives through the passes;
 * what it declines; errors from the kernel called directly; memory.
 */
import * as g from '@graft/core';
import type { Conv2dGeometry } from '@graft/core/backend';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/index.js';

/** The CPU backend counting its conv2d calls that computed something. */
class Counting extends CpuBackend {
  calls = 0;
  constructor() {
    super();
    const conv = this.conv2d;
    this.conv2d = (...args) => {
      const made = conv(...args);
      if (made !== null) this.calls++;
      return made;
    };
  }
}
g.registerBackend('cpu-conv-counting', () => new Counting());
const DEVICE = 'cpu-conv-counting';
const counting = () => g.zeros(1, { device: DEVICE }).backend as unknown as Counting;

/** A small deterministic generator (mulberry32) for the geometries. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

interface Problem {
  N: number;
  C: number;
  H: number;
  W: number;
  O: number;
  kh: number;
  kw: number;
  stride: [number, number];
  padding: [number, number, number, number];
  dilation: [number, number];
  groups: number;
}

function outSize(p: Problem): [number, number] {
  return [
    Math.floor((p.H + p.padding[0] + p.padding[1] - p.dilation[0] * (p.kh - 1) - 1) / p.stride[0]) + 1,
    Math.floor((p.W + p.padding[2] + p.padding[3] - p.dilation[1] * (p.kw - 1) - 1) / p.stride[1]) + 1,
  ];
}

/** out, d out/dx · gy and d out/dw · gy by the definition, in float64: each a sum over windows. */
function direct(
  p: Problem,
  x: Float64Array,
  w: Float64Array,
  gy: Float64Array,
): Record<'y' | 'gx' | 'gw' | 'ay' | 'agx' | 'agw', Float64Array> {
  const [OH, OW] = outSize(p);
  const Cg = p.C / p.groups;
  const Og = p.O / p.groups;
  const y = new Float64Array(p.N * p.O * OH * OW);
  const gx = new Float64Array(x.length);
  const gw = new Float64Array(w.length);
  // each result's sum of |terms|: the scale of float32's rounding error
  const [ay, agx, agw] = [new Float64Array(y.length), new Float64Array(x.length), new Float64Array(w.length)];
  for (let n = 0; n < p.N; n++) {
    for (let o = 0; o < p.O; o++) {
      const group = Math.floor(o / Og);
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const yi = ((n * p.O + o) * OH + oh) * OW + ow;
          let s = 0;
          for (let cg = 0; cg < Cg; cg++) {
            const c = group * Cg + cg;
            for (let i = 0; i < p.kh; i++) {
              const h = oh * p.stride[0] - p.padding[0] + i * p.dilation[0];
              if (h < 0 || h >= p.H) continue;
              for (let j = 0; j < p.kw; j++) {
                const v = ow * p.stride[1] - p.padding[2] + j * p.dilation[1];
                if (v < 0 || v >= p.W) continue;
                const xi = ((n * p.C + c) * p.H + h) * p.W + v;
                const wi = ((o * Cg + cg) * p.kh + i) * p.kw + j;
                s += w[wi]! * x[xi]!;
                gx[xi]! += w[wi]! * gy[yi]!;
                gw[wi]! += x[xi]! * gy[yi]!;
                ay[yi]! += Math.abs(w[wi]! * x[xi]!);
                agx[xi]! += Math.abs(w[wi]! * gy[yi]!);
                agw[wi]! += Math.abs(x[xi]! * gy[yi]!);
              }
            }
          }
          y[yi] = s;
        }
      }
    }
  }
  return { y, gx, gw, ay, agx, agw };
}

/** A random problem: sizes up to `big` (a multiple of the small ones), any stride, padding, dilation and groups. */
function randomProblem(r: (n: number) => number, big = 1): Problem {
  const groups = 1 + r(3);
  const C = groups * (1 + r(3) * big);
  const O = groups * (1 + r(3) * big);
  const kh = 1 + r(4);
  const kw = 1 + r(4);
  const dilation: [number, number] = [1 + r(2), 1 + r(2)];
  const stride: [number, number] = [1 + r(3), 1 + r(3)];
  const padding: [number, number, number, number] = [r(3), r(3), r(3), r(3)];
  // at least one output position
  const H = Math.max(1 + r(9) * big, dilation[0] * (kh - 1) + 1 - padding[0] - padding[1]);
  const W = Math.max(1 + r(9) * big, dilation[1] * (kw - 1) + 1 - padding[2] - padding[3]);
  return { N: 1 + r(4), C, H, W, O, kh, kw, stride, padding, dilation, groups };
}

/** Runs the convolution through the kernel in float32 and returns its three results with the float64 definition's. */
function compare(p: Problem, layout: 'dense' | 'transposed' | 'sliced', seed: number) {
  g.manualSeed(seed);
  const [OH, OW] = outSize(p);
  const x64 = g.randn(p.N, p.C, p.H, p.W, { dtype: 'float64' });
  const w64 = g.randn(p.O, p.C / p.groups, p.kh, p.kw, { dtype: 'float64' });
  const gy64 = g.randn(p.N, p.O, OH, OW, { dtype: 'float64' });
  const ref = direct(p, x64.dataSync() as Float64Array, w64.dataSync() as Float64Array, gy64.dataSync() as Float64Array);
  const onDevice = (t: g.Tensor) => t.to('float32').to(DEVICE);
  // The same values in other layouts: a transposed copy transposed back, or a slice of a larger tensor.
  const laidOut = (t: g.Tensor) => {
    if (layout === 'transposed') return onDevice(t.transpose(2, 3).contiguous()).transpose(2, 3);
    if (layout === 'sliced') return onDevice(g.cat([t, t.neg()], 3)).narrow(3, 0, t.shape[3]!);
    return onDevice(t);
  };
  const x = laidOut(x64).requiresGrad_();
  const w = laidOut(w64).requiresGrad_();
  const before = counting().calls;
  const y = g.fused.conv2d(x, w, { stride: p.stride, padding: p.padding, dilation: p.dilation, groups: p.groups });
  expect(y).not.toBeNull();
  y!.backward(laidOut(gy64));
  expect(counting().calls - before).toBe(3);
  return { ref, y: y!.dataSync(), gx: x.grad!.dataSync(), gw: w.grad!.dataSync() };
}

/**
 * Within float32 summation's error of the float64 definition: `tol` times
 * `scale` (the sum of the absolute values of the terms), or times the value.
 */
function expectClose(actual: ArrayLike<number>, expected: Float64Array, what: string, tol = 1e-6, scale?: Float64Array): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol * (scale?.[i] ?? Math.max(1, Math.abs(expected[i]!))) + 1e-6)) {
      throw new Error(`${what}[${i}]: ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

describe('the CPU conv2d kernel', () => {
  it('matches the definition on 60 random geometries, operands in every layout', () => {
    const r = rng(7);
    for (let t = 0; t < 60; t++) {
      const p = randomProblem(r, t % 10 === 9 ? 6 : 1);
      const layout = (['dense', 'transposed', 'sliced'] as const)[t % 3]!;
      const { ref, y, gx, gw } = compare(p, layout, t);
      const what = `${JSON.stringify(p)} ${layout}`;
      expectClose(y, ref.y, `${what} out`, 1e-6, ref.ay);
      expectClose(gx, ref.gx, `${what} grad of x`, 1e-6, ref.agx);
      expectClose(gw, ref.gw, `${what} grad of w`, 1e-6, ref.agw);
    }
  });

  it('a batch in chunks (patches over 16 MiB) and depthwise, on one thread and two: the same bits, the definition', () => {
    const problems: Problem[] = [
      // 24 samples of 16 x 32 x 32 patches of 5 x 5: 410 K floats a sample, chunks of 10
      { N: 24, C: 16, H: 32, W: 32, O: 8, kh: 5, kw: 5, stride: [1, 1], padding: [2, 2, 2, 2], dilation: [1, 1], groups: 1 },
      { N: 8, C: 32, H: 16, W: 16, O: 32, kh: 3, kw: 3, stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 32 },
    ];
    const threads = g.getNumThreads();
    try {
      for (const p of problems) {
        g.setNumThreads(1);
        const one = compare(p, 'dense', 3);
        g.setNumThreads(2);
        const two = compare(p, 'dense', 3);
        for (const k of ['y', 'gx', 'gw'] as const) {
          expect(Buffer.from((two[k] as Float32Array).buffer).equals(Buffer.from((one[k] as Float32Array).buffer)), k).toBe(true);
        }
        expectClose(two.y, two.ref.y, 'out', 1e-6, two.ref.ay);
        expectClose(two.gx, two.ref.gx, 'grad of x', 1e-6, two.ref.agx);
        expectClose(two.gw, two.ref.gw, 'grad of w', 1e-6, two.ref.agw);
      }
    } finally {
      g.setNumThreads(threads);
    }
  });

  it('second derivatives through the passes match a float64 convolution composed of slices and einsum', () => {
    // y = Σ_{i,j} w[:, :, i, j] · x[:, :, i:i+OH, j:j+OW] over channels: differentiable to any order in core's ops.
    const composed = (x: g.Tensor, w: g.Tensor) => {
      const [kh, kw] = [w.shape[2]!, w.shape[3]!];
      const [OH, OW] = [x.shape[2]! - kh + 1, x.shape[3]! - kw + 1];
      let y: g.Tensor | undefined;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const term = g.einsum('oc,nchw->nohw', w.select(2, i).select(2, j), x.narrow(2, i, OH).narrow(3, j, OW));
          y = y === undefined ? term : y.add(term);
        }
      }
      return y!;
    };
    const run = (dtype: 'float32' | 'float64', conv: (x: g.Tensor, w: g.Tensor) => g.Tensor) => {
      g.manualSeed(11);
      const x = g.randn(2, 3, 6, 5, { dtype: 'float64' }).to(dtype).to(DEVICE).requiresGrad_();
      const w = g.randn(4, 3, 3, 2, { dtype: 'float64' }).to(dtype).to(DEVICE).requiresGrad_();
      const y = conv(x, w).tanh();
      const [gx, gw] = g.autograd.grad([y.sum()], [x, w], { createGraph: true });
      const s = gx!.mul(gx!).sum().add(gw!.mul(gw!).sum());
      const [ggx, ggw] = g.autograd.grad([s], [x, w]);
      return [ggx!.dataSync(), ggw!.dataSync()];
    };
    const before = counting().calls;
    const [ggx, ggw] = run('float32', (x, w) => g.fused.conv2d(x, w)!);
    expect(counting().calls - before).toBeGreaterThanOrEqual(5);
    const [rx, rw] = run('float64', composed);
    expectClose(ggx!, Float64Array.from(rx!), 'second derivative wrt x', 5e-4);
    expectClose(ggw!, Float64Array.from(rw!), 'second derivative wrt w', 5e-4);
  });

  it('declines float64 (the composite computes it, gradcheck included)', () => {
    const before = counting().calls;
    const x = g.randn(1, 2, 5, 5, { dtype: 'float64', device: DEVICE });
    expect(g.fused.conv2d(x, g.randn(3, 2, 3, 3, { dtype: 'float64', device: DEVICE }))).toBeNull();
    expect(counting().calls).toBe(before);
  });

  it('keeps no memory: convolutions forward and backward leave the tensor and byte counts flat', () => {
    const x = g.randn(4, 8, 20, 20, { device: DEVICE }).requiresGrad_();
    const w = g.randn(16, 8, 3, 3, { device: DEVICE }).requiresGrad_();
    const step = () =>
      g.tidy(() =>
        g.fused
          .conv2d(x, w, { padding: [1, 1, 1, 1] })!
          .sum()
          .backward(),
      );
    step();
    const before = g.memory();
    for (let i = 0; i < 30; i++) step();
    expect(g.memory().numTensors).toBe(before.numTensors);
    expect(g.memory().numBytes).toBe(before.numBytes);
    g.noGrad(() => g.fused.conv2d(x, w)!).dispose();
    g.fused.conv2d(x, w)!.dispose(); // a graph dropped without backward
    expect(g.memory().numTensors).toBe(before.numTensors);
  });
});

describe('the CPU conv2d kernel called directly', () => {
  const backend = new CpuBackend();
  const view = (shape: number[], dtype: 'float32' | 'float64' = 'float32') => {
    const n = shape.reduce((a, b) => a * b, 1);
    const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
    return { handle: backend.fill(n, 1, dtype), dtype, shape, strides, offset: 0 };
  };
  const geometry = (o: Partial<Conv2dGeometry> = {}): Conv2dGeometry => ({
    input: [2, 3, 8, 8],
    weight: [4, 3, 3, 3],
    output: [2, 4, 6, 6],
    stride: [1, 1],
    padding: [0, 0, 0, 0],
    dilation: [1, 1],
    groups: 1,
    ...o,
  });

  it('computes a valid geometry', () => {
    const out = backend.conv2d('forward', view([2, 3, 8, 8]), view([4, 3, 3, 3]), geometry());
    expect(out).not.toBeNull();
    expect(Array.from(backend.readSync(out!)).slice(0, 3)).toEqual([27, 27, 27]);
  });

  it.each([
    ['an output size the geometry does not give', geometry({ output: [2, 4, 7, 6] })],
    ['channels that groups do not divide', geometry({ groups: 2 })],
    ['a zero stride', geometry({ stride: [0, 1] })],
    ['a negative padding', geometry({ padding: [-1, 0, 0, 0], output: [2, 4, 5, 6] })],
    ['a fractional size', geometry({ input: [2, 3, 8.5, 8] })],
  ])('refuses %s with an error naming the op', (_, o) => {
    expect(() => backend.conv2d('forward', view([2, 3, 8, 8]), view([4, 3, 3, 3]), o)).toThrow(/cpu conv2d: an inconsistent geometry/);
  });

  it('refuses operands whose shapes are not the geometry’s, for each pass', () => {
    expect(() => backend.conv2d('forward', view([2, 3, 8, 7]), view([4, 3, 3, 3]), geometry())).toThrow(
      /cpu conv2d: the forward pass expected a first operand of shape \[2, 3, 8, 8\], got \[2, 3, 8, 7\]/,
    );
    expect(() => backend.conv2d('inputGrad', view([2, 4, 6, 6]), view([4, 3, 3, 2]), geometry())).toThrow(
      /second operand of shape \[4, 3, 3, 3\]/,
    );
    expect(() => backend.conv2d('weightGrad', view([2, 3, 8, 8]), view([2, 4, 6, 5]), geometry())).toThrow(
      /second operand of shape \[2, 4, 6, 6\]/,
    );
  });

  it('declines a float64 forward and refuses its gradients', () => {
    expect(backend.conv2d('forward', view([2, 3, 8, 8], 'float64'), view([4, 3, 3, 3], 'float64'), geometry())).toBeNull();
    expect(() => backend.conv2d('inputGrad', view([2, 4, 6, 6], 'float64'), view([4, 3, 3, 3], 'float64'), geometry())).toThrow(
      /cpu conv2d: the inputGrad pass of a convolution it declines/,
    );
  });

  it('refuses a view that reaches outside its array', () => {
    const x = { ...view([2, 3, 8, 8]), offset: 1 };
    expect(() => backend.conv2d('forward', x, view([4, 3, 3, 3]), geometry())).toThrow(/cpu conv2d: a view of shape \[2, 3, 8, 8\]/);
  });
});
