/**
 * The optional fused LSTM- and GRU-cell kernels (`lstmCell`,
 * `lstmCellBackward`, `gruCell`, `gruCellBackward`) against core's composite (the same formula op by op, on a CPU backend
 * without the kernels): on random shapes (rows of the wasm SIMD lanes and
 * scalar tails, float32 in WebAssembly and float64 in JavaScript), random
 * values out to where the activations saturate, every result and gradient
 * bit for bit; the gradient float64-gradchecked (twice differentiable);
 * views and forward-mode tangents taking the composite.
 */
import * as g from '@graft/core';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/index.js';

/** The CPU backend without the fused cell: core composes it. */
class CpuComposite extends CpuBackend {
  override lstmCell = undefined as unknown as CpuBackend['lstmCell'];
  override lstmCellBackward = undefined as unknown as CpuBackend['lstmCellBackward'];
  override gruCell = undefined as unknown as CpuBackend['gruCell'];
  override gruCellBackward = undefined as unknown as CpuBackend['gruCellBackward'];
}
g.registerBackend('cpu-rnn-composite', () => new CpuComposite());

/** The CPU backend whose fused kernels count their calls (so the comparisons cannot pass vacuously). */
class CountingCell extends CpuBackend {
  forward = 0;
  backward = 0;
  gru = 0;
  constructor() {
    super();
    const gruCell = this.gruCell;
    const gruBack = this.gruCellBackward;
    this.gruCell = (...args) => {
      this.gru++;
      return gruCell(...args);
    };
    this.gruCellBackward = (...args) => {
      this.gru++;
      return gruBack(...args);
    };
    const cell = this.lstmCell;
    const back = this.lstmCellBackward;
    this.lstmCell = (...args) => {
      this.forward++;
      return cell(...args);
    };
    this.lstmCellBackward = (...args) => {
      this.backward++;
      return back(...args);
    };
  }
}
const counting = new CountingCell();
g.registerBackend('cpu-rnn-fused', () => counting);

const bits = (t: g.Tensor | null | undefined) => (t == null ? null : Array.from(t.to('cpu').contiguous().dataSync()));

/** A random integer in [lo, hi]. */
const pick = (lo: number, hi: number) => lo + Math.floor((g.rand(1).item() as number) * (hi - lo + 1));

type Dtype = 'float32' | 'float64';

/** The cell's results and gradients on `device` for the given gradients of hy and cy (null: that output unused). */
function run(device: string, values: g.Tensor[], gradHy: g.Tensor | null, gradCy: g.Tensor | null) {
  const [a, b, c] = values.map((v) => v.to(device).detach().requiresGrad_());
  const [hy, cy] = g.fused.lstmCell(a!, b!, c!);
  const terms: g.Tensor[] = [];
  if (gradHy !== null) terms.push(hy.mul(gradHy.to(device)).sum());
  if (gradCy !== null) terms.push(cy.mul(gradCy.to(device)).sum());
  if (terms.length > 0) terms.reduce((s, t) => s.add(t)).backward();
  return [hy, cy, a!.grad, b!.grad, c!.grad].map(bits);
}

function randomProblem(dtype: Dtype, lead: number[], H: number, scale: number) {
  const gates = [...lead, 4 * H];
  const state = [...lead, H];
  return {
    values: [g.randn(gates, { dtype }).mul(scale), g.randn(gates, { dtype }).mul(scale), g.randn(state, { dtype }).mul(scale)],
    gradHy: g.randn(state, { dtype }),
    gradCy: g.randn(state, { dtype }),
  };
}

describe('the fused LSTM cell on the CPU equals the composite', () => {
  it('the CPU backend has both kernels; the composite backend has neither', () => {
    const backend = (device: string) => g.zeros(1, { device }).backend;
    expect(typeof backend('cpu').lstmCell).toBe('function');
    expect(typeof backend('cpu').lstmCellBackward).toBe('function');
    expect(backend('cpu-rnn-composite').lstmCell).toBeUndefined();
  });

  it('random shapes, dtypes and scales: hy, cy and every gradient bit for bit (with either gradient missing too)', () => {
    g.manualSeed(21);
    counting.forward = counting.backward = 0;
    let cases = 0;
    for (let trial = 0; trial < 40; trial++) {
      const dtype: Dtype = trial % 2 === 0 ? 'float32' : 'float64';
      // Leading dims: none (unbatched), a batch, or two; H across SIMD lanes and tails; the last trials at the bench's and example's sizes.
      const lead = trial >= 36 ? [trial % 4 < 2 ? 16 : 32] : [[], [pick(1, 6)], [pick(1, 3), pick(1, 3)]][trial % 3]!;
      const H = trial >= 36 ? (trial % 4 < 2 ? 64 : 128) : pick(1, 13);
      const scale = [0.5, 2, 12][trial % 3]!; // 12: saturated sigmoids and tanhs
      const p = randomProblem(dtype, lead, H, scale);
      for (const [gh, gc] of [
        [p.gradHy, p.gradCy],
        [p.gradHy, null],
        [null, p.gradCy],
      ] as const) {
        const where = `${dtype} lead [${lead}] H ${H} scale ${scale} gradHy ${gh !== null} gradCy ${gc !== null}`;
        const fused = run('cpu-rnn-fused', p.values, gh, gc);
        const comp = run('cpu-rnn-composite', p.values, gh, gc);
        fused.forEach((f, k) => expect(f, `${where}, result ${k}`).toEqual(comp[k]));
        cases++;
      }
    }
    expect(counting.forward).toBe(cases);
    expect(counting.backward).toBe(cases);
  });

  it('gradcheck and gradgradcheck in float64 through the kernels', () => {
    g.manualSeed(22);
    const { values } = randomProblem('float64', [2], 3, 1);
    const inputs = values.map((v) => v.to('cpu-rnn-fused').requiresGrad_());
    counting.forward = counting.backward = 0;
    const fn = (a: g.Tensor, b: g.Tensor, c: g.Tensor) => g.fused.lstmCell(a, b, c);
    expect(g.autograd.gradcheck(fn, inputs)).toBe(true);
    expect(counting.backward).toBeGreaterThan(0);
    // The second derivative runs the differentiable formula (PyTorch's _thnn_differentiable_lstm_cell_backward).
    expect(g.autograd.gradgradcheck(fn, inputs)).toBe(true);
  });

  it('views (not dense) and forward-mode tangents take the composite, with the same values', () => {
    g.manualSeed(23);
    const { values } = randomProblem('float32', [3], 5, 1);
    const [a, b, c] = values.map((v) => v.to('cpu-rnn-fused'));
    counting.forward = 0;
    const aT = a!.t().contiguous().t(); // the same values, column-major
    const [hy, cy] = g.fused.lstmCell(aT, b!, c!);
    expect(counting.forward).toBe(0);
    const [hy2, cy2] = g.fused.lstmCell(a!, b!, c!);
    expect(counting.forward).toBe(1);
    expect(bits(hy)).toEqual(bits(hy2));
    expect(bits(cy)).toEqual(bits(cy2));
    // A forward-mode tangent: the composite carries it (the fused node has no tangent rule of its own).
    const tangent = g.randn(a!.shape);
    const jvpOn = (device: string) =>
      g.autograd.forwardAd.dualLevel(() => {
        const x = g.autograd.forwardAd.makeDual(a!.to(device), tangent.to(device));
        return bits(g.autograd.forwardAd.unpackDual(g.fused.lstmCell(x, b!.to(device), c!.to(device))[0]).tangent);
      });
    counting.forward = 0;
    const fusedTangent = jvpOn('cpu-rnn-fused');
    expect(counting.forward).toBe(0);
    expect(fusedTangent).toEqual(jvpOn('cpu-rnn-composite'));
    expect(fusedTangent!.some((v) => v !== 0)).toBe(true);
  });

  it('a training loop through the cell leaves the tensor count flat', () => {
    const { values } = randomProblem('float32', [4], 8, 1);
    const [a, b, c] = values.map((v) => v.to('cpu-rnn-fused').requiresGrad_());
    const step = () =>
      g.tidy(() => {
        const [hy, cy] = g.fused.lstmCell(a!, b!, c!);
        hy.sum().add(cy.sum()).backward();
      });
    step();
    const before = g.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(g.memory().numTensors).toBe(before);
    g.noGrad(() => g.fused.lstmCell(a!, b!, c!)).forEach((t) => t.dispose());
    expect(g.memory().numTensors).toBe(before);
  });

  it('refuses mismatched shapes, dtypes and integer tensors, naming the op and the shapes', () => {
    expect(() => g.fused.lstmCell(g.zeros(2, 8), g.zeros(2, 8), g.zeros(2, 3))).toThrow(
      /fused.lstmCell: expected inputGates and hiddenGates of shape \[\.\.\., 4·H\] and cx of shape \[\.\.\., H\].*got inputGates \[2, 8\], hiddenGates \[2, 8\], cx \[2, 3\]/,
    );
    expect(() => g.fused.lstmCell(g.zeros(2, 8), g.zeros(3, 8), g.zeros(2, 2))).toThrow(/hiddenGates \[3, 8\]/);
    expect(() => g.fused.lstmCell(g.zeros(2, 8), g.zeros(2, 8, { dtype: 'float64' }), g.zeros(2, 2))).toThrow(
      /fused.lstmCell: hiddenGates \(float64 on cpu\) does not match inputGates \(float32 on cpu\)/,
    );
    expect(() =>
      g.fused.lstmCell(g.zeros([2, 8], { dtype: 'int32' }), g.zeros([2, 8], { dtype: 'int32' }), g.zeros([2, 2], { dtype: 'int32' })),
    ).toThrow(/fused.lstmCell: expected floating tensors, got int32/);
  });
});

describe('the fused GRU cell on the CPU equals the composite', () => {
  /** The GRU cell's result and gradients on `device`. */
  function runGru(device: string, values: g.Tensor[], gradHy: g.Tensor) {
    const [a, b, h] = values.map((v) => v.to(device).detach().requiresGrad_());
    const hy = g.fused.gruCell(a!, b!, h!);
    hy.mul(gradHy.to(device)).sum().backward();
    return [hy, a!.grad, b!.grad, h!.grad].map(bits);
  }

  it('random shapes, dtypes and scales: hy and every gradient bit for bit', () => {
    g.manualSeed(31);
    counting.gru = 0;
    let cases = 0;
    for (let trial = 0; trial < 30; trial++) {
      const dtype: Dtype = trial % 2 === 0 ? 'float32' : 'float64';
      const lead = trial >= 27 ? [32] : [[], [pick(1, 6)], [pick(1, 3), pick(1, 3)]][trial % 3]!;
      const H = trial >= 27 ? 128 : pick(1, 13);
      const scale = [0.5, 2, 12][trial % 3]!;
      const gates = [...lead, 3 * H];
      const values = [
        g.randn(gates, { dtype }).mul(scale),
        g.randn(gates, { dtype }).mul(scale),
        g.randn([...lead, H], { dtype }).mul(scale),
      ];
      const gradHy = g.randn([...lead, H], { dtype });
      const fused = runGru('cpu-rnn-fused', values, gradHy);
      const comp = runGru('cpu-rnn-composite', values, gradHy);
      fused.forEach((f, k) => expect(f, `${dtype} lead [${lead}] H ${H} scale ${scale}, result ${k}`).toEqual(comp[k]));
      cases++;
    }
    expect(counting.gru).toBe(2 * cases);
  });

  it('gradcheck and gradgradcheck in float64 through the kernels; views take the composite', () => {
    g.manualSeed(32);
    const inputs = [
      g.randn([2, 9], { dtype: 'float64' }),
      g.randn([2, 9], { dtype: 'float64' }),
      g.randn([2, 3], { dtype: 'float64' }),
    ].map((t) => t.to('cpu-rnn-fused').requiresGrad_());
    counting.gru = 0;
    const fn = (a: g.Tensor, b: g.Tensor, h: g.Tensor) => g.fused.gruCell(a, b, h);
    expect(g.autograd.gradcheck(fn, inputs)).toBe(true);
    expect(counting.gru).toBeGreaterThan(0);
    expect(g.autograd.gradgradcheck(fn, inputs)).toBe(true);
    counting.gru = 0;
    const [a, b, h] = inputs.map((t) => t.detach());
    const viaView = g.fused.gruCell(a!.t().contiguous().t(), b!, h!);
    expect(counting.gru).toBe(0);
    expect(bits(viaView)).toEqual(bits(g.fused.gruCell(a!, b!, h!)));
    expect(() => g.fused.gruCell(g.zeros(2, 9), g.zeros(2, 9), g.zeros(2, 4))).toThrow(
      /fused.gruCell: expected inputGates and hiddenGates of shape \[\.\.\., 3·H\] and hx of shape \[\.\.\., H\]/,
    );
  });
});
