/**
 * The optional fused optimizer kernels (`adamStep`, `sgdStep`) against core's
 * composite (the same formula op by op): a CPU backend without the kernels
 * runs the composite, and every step of a trajectory must agree bit for bit,
 * in float32 and float64, at sizes below and above the WebAssembly
 * elementwise threshold, for every option that changes the formula.
 */
import * as g from '@graft/core';
import { describe, expect, it } from 'vitest';
import { FUSED_FLOAT32_MAX } from '../src/kernels/optim.js';
import { CpuBackend } from '../src/index.js';

/** The CPU backend with the fused kernels left out: core composes the updates. */
class CpuComposite extends CpuBackend {
  override adamStep = undefined as unknown as CpuBackend['adamStep'];
  override sgdStep = undefined as unknown as CpuBackend['sgdStep'];
}
g.registerBackend('cpu-composite', () => new CpuComposite());

/** The CPU backend whose fused kernels count their calls (so the comparisons below cannot pass vacuously). */
class CountingFused extends CpuBackend {
  calls = 0;
  constructor() {
    super();
    const adam = this.adamStep;
    const sgd = this.sgdStep;
    this.adamStep = (...args) => {
      this.calls++;
      return adam(...args);
    };
    this.sgdStep = (...args) => {
      this.calls++;
      return sgd(...args);
    };
  }
}
const counting = new CountingFused();
g.registerBackend('cpu-fused', () => counting);
const backendOf = (device: string) => g.zeros(1, { device }).backend;

// [7] and [3, 5]: the JavaScript loop; [40, 50] and [50, 64]: plain arrays through wasm scratch (below and above
// FUSED_FLOAT32_MAX); [300, 70] in the wasm heap (the SIMD kernel, split over threads from 2 × 65 536 elements: [600, 300]);
// [3, 1367] ends in a scalar tail.
const SIZES = [[7], [3, 5], [40, 50], [50, 64], [300, 70], [3, 1367], [600, 300]];
const DTYPES = ['float32', 'float64'] as const;

type AdamCase = Omit<g.fused.FusedAdamOptions, 'step'>;
const ADAM_CASES: AdamCase[] = [
  { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupled: false },
  { lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, amsgrad: true, maximize: false, decoupled: false },
  { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, amsgrad: false, maximize: true, decoupled: true },
  { lr: 0.3, beta1: 0, beta2: 0.5, eps: 0.1, weightDecay: 1, amsgrad: true, maximize: true, decoupled: true },
];
type SgdCase = g.fused.FusedSgdOptions;
const SGD_CASES: SgdCase[] = [
  { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
  { lr: 0.01, momentum: 0.9, dampening: 0, weightDecay: 1e-4, nesterov: true, maximize: false },
  { lr: 1, momentum: 0.5, dampening: 0.3, weightDecay: 0.2, nesterov: false, maximize: true },
];

/** `steps` gradients drawn once, and a parameter, on both devices (the same values). */
function problem(shape: number[], dtype: 'float32' | 'float64', steps: number) {
  const p = g.randn(shape, { dtype });
  const grads = Array.from({ length: steps }, (_, i) => g.randn(shape, { dtype }).mul(i === 1 ? 0 : 1)); // one all-zero gradient
  return { p, grads };
}

const bits = (t: g.Tensor | null) => (t === null ? null : Array.from(t.to('cpu').contiguous().dataSync()));

describe('fused optimizer kernels on the CPU equal the composite', () => {
  it('the CPU backend has both kernels; the composite backend has neither', () => {
    expect(typeof backendOf('cpu').adamStep).toBe('function');
    expect(typeof backendOf('cpu').sgdStep).toBe('function');
    expect(backendOf('cpu-composite').adamStep).toBeUndefined();
    expect(backendOf('cpu-composite').sgdStep).toBeUndefined();
  });

  it('Adam and AdamW: every step of a trajectory, bit for bit', () => {
    g.manualSeed(11);
    counting.calls = 0;
    for (const shape of SIZES)
      for (const dtype of DTYPES)
        for (const o of ADAM_CASES) {
          const { p, grads } = problem(shape, dtype, 4);
          const fused = { p: p.to('cpu-fused'), s: { expAvg: null, expAvgSq: null, maxExpAvgSq: null } as g.fused.AdamState };
          const comp = { p: p.to('cpu-composite'), s: { expAvg: null, expAvgSq: null, maxExpAvgSq: null } as g.fused.AdamState };
          grads.forEach((gr, i) => {
            const step = i + 1;
            fused.s = g.fused.adam_(fused.p, gr.to('cpu-fused'), fused.s, { ...o, step });
            comp.s = g.fused.adam_(comp.p, gr.to('cpu-composite'), comp.s, { ...o, step });
            const where = `${dtype} [${shape}] ${JSON.stringify(o)} step ${step}`;
            expect(bits(fused.p), where).toEqual(bits(comp.p));
            expect(bits(fused.s.expAvg), where).toEqual(bits(comp.s.expAvg));
            expect(bits(fused.s.expAvgSq), where).toEqual(bits(comp.s.expAvgSq));
            expect(bits(fused.s.maxExpAvgSq), where).toEqual(bits(comp.s.maxExpAvgSq));
          });
        }
    expect(counting.calls).toBe(SIZES.length * DTYPES.length * ADAM_CASES.length * 4);
  });

  it('SGD (momentum, dampening, Nesterov, weight decay, maximize): every step, bit for bit', () => {
    g.manualSeed(12);
    counting.calls = 0;
    for (const shape of SIZES)
      for (const dtype of DTYPES)
        for (const o of SGD_CASES) {
          const { p, grads } = problem(shape, dtype, 4);
          const fused = { p: p.to('cpu-fused'), buf: null as g.Tensor | null };
          const comp = { p: p.to('cpu-composite'), buf: null as g.Tensor | null };
          for (const gr of grads) {
            fused.buf = g.fused.sgd_(fused.p, gr.to('cpu-fused'), fused.buf, o);
            comp.buf = g.fused.sgd_(comp.p, gr.to('cpu-composite'), comp.buf, o);
            const where = `${dtype} [${shape}] ${JSON.stringify(o)}`;
            expect(bits(fused.p), where).toEqual(bits(comp.p));
            expect(bits(fused.buf), where).toEqual(bits(comp.buf));
          }
        }
    expect(counting.calls).toBe(SIZES.length * DTYPES.length * SGD_CASES.length * 4);
  });

  it('float32: the JavaScript loop for the smallest, the SIMD kernel through scratch or in the wasm heap (16 KiB on); float64 always fused', () => {
    const backend = backendOf('cpu');
    const o = { ...ADAM_CASES[0]!, step: 1, first: true };
    const run = (dtype: 'float32' | 'float64', n: number) => {
      const [p, gr, m, v] = [0, 1, 2, 3].map(() => g.zeros([n], { dtype }));
      return backend.adamStep!(p!, gr!, m!, v!, null, o);
    };
    expect(run('float32', 255)).toBe(true);
    expect(run('float32', FUSED_FLOAT32_MAX + 1)).toBe(true); // a plain array, through scratch (the composite only without wasm)
    expect(run('float32', 4096)).toBe(true); // 16 KiB: in the wasm heap
    expect(run('float32', 100_000)).toBe(true);
    expect(run('float64', FUSED_FLOAT32_MAX + 1)).toBe(true);
  });

  it('a parameter that is not dense (a transposed view) takes the composite, and still updates in place', () => {
    const base = g.randn([4, 6], { device: 'cpu-fused' });
    const view = base.t();
    const expected = base.t().to('cpu-composite').contiguous();
    const grad = g.randn([6, 4], { device: 'cpu-fused' });
    counting.calls = 0;
    g.fused.sgd_(view, grad, null, SGD_CASES[0]!);
    expect(counting.calls).toBe(0);
    g.fused.sgd_(expected, grad.to('cpu-composite'), null, SGD_CASES[0]!);
    expect(bits(view)).toEqual(bits(expected));
    expect(bits(base.t())).toEqual(bits(expected)); // written through the view
  });

  it('updates bump the version counters of what they write (a saved tensor then refuses backward)', () => {
    const p = g.randn([3], { requiresGrad: true });
    const y = p.square().sum(); // saves p
    g.fused.sgd_(p, g.ones(3), null, SGD_CASES[0]!);
    expect(() => y.backward()).toThrow(/modified by an inplace operation/);
  });

  it('bad input: clear errors naming the op and what does not match', () => {
    const p = g.zeros(3);
    const o = { ...ADAM_CASES[0]!, step: 1 };
    expect(() => g.fused.adam_(p, g.zeros(4), { expAvg: null, expAvgSq: null, maxExpAvgSq: null }, o)).toThrow(
      /fused.adam_: the gradient \(\[4\], float32 on cpu\) does not match the parameter \(\[3\], float32 on cpu\)/,
    );
    expect(() => g.fused.sgd_(g.zeros([3], { dtype: 'int32' }), g.zeros([3], { dtype: 'int32' }), null, SGD_CASES[0]!)).toThrow(
      /fused.sgd_: the parameter must be floating, got int32/,
    );
    expect(() => g.fused.sgd_(p, g.zeros(3), null, { ...SGD_CASES[0]!, lrr: 1 } as unknown as SgdCase)).toThrow(/lrr/);
    const { lr: _, ...noLr } = SGD_CASES[0]!;
    expect(() => g.fused.sgd_(p, g.zeros(3), null, noLr as SgdCase)).toThrow(/fused.sgd_: option 'lr' is required/);
  });

  it('frees what it makes: a steady loop keeps the tensor count flat, on both paths', () => {
    for (const device of ['cpu', 'cpu-composite']) {
      const p = g.randn([50], { device });
      const grad = g.randn([50], { device });
      let s: g.fused.AdamState = { expAvg: null, expAvgSq: null, maxExpAvgSq: null };
      let buf: g.Tensor | null = null;
      s = g.fused.adam_(p, grad, s, { ...ADAM_CASES[1]!, step: 1 });
      buf = g.fused.sgd_(p, grad, buf, SGD_CASES[1]!);
      const before = g.memory().numTensors;
      for (let step = 2; step < 6; step++) {
        s = g.fused.adam_(p, grad, s, { ...ADAM_CASES[1]!, step });
        buf = g.fused.sgd_(p, grad, buf, SGD_CASES[1]!);
      }
      expect(g.memory().numTensors, device).toBe(before);
    }
  });
});
