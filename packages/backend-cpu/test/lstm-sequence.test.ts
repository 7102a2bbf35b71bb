/**
 * `fused.lstmSequence` on the CPU, by its three paths: the whole-sequence
 * kernels (`lstmSequence`, `lstmSequenceBackward`: one WebAssembly call per
 * group of batch rows, on the worker pool), core's per-step path (a product
 * and the fused cell kernel per step) and the composite that defines the op
 * (no kernels: the cell op by op). On random lengths, batches, widths, dtypes
 * and directions, with any outputs unused: the whole-sequence kernels equal
 * the per-step path bit for bit (results and all four gradients, on one
 * thread and two, and when the backward is left to the per-step path), and
 * both equal the composite bit for bit except W_hh's gradient (summed in
 * another order). Also gradcheck/gradgradcheck, strided operands, forward-mode
 * tangents, memory, and errors from core and from the kernels themselves.
 */
import * as g from '@graft/core';
import { afterAll, describe, expect, it } from 'vitest';
import { alloc, type Handle } from '../src/heap.js';
import { CpuBackend } from '../src/index.js';

/** The CPU backend without the fused LSTM kernels: the op is the composite that defines it. */
class CpuComposite extends CpuBackend {
  override lstmCell = undefined as unknown as CpuBackend['lstmCell'];
  override lstmCellBackward = undefined as unknown as CpuBackend['lstmCellBackward'];
  override lstmSequence = undefined as unknown as CpuBackend['lstmSequence'];
  override lstmSequenceBackward = undefined as unknown as CpuBackend['lstmSequenceBackward'];
}
g.registerBackend('cpu-seq-composite', () => new CpuComposite());

/** The CPU backend with the cell kernels but not the whole-sequence ones: core's per-step path. */
class CpuSteps extends CpuBackend {
  override lstmSequence = undefined as unknown as CpuBackend['lstmSequence'];
  override lstmSequenceBackward = undefined as unknown as CpuBackend['lstmSequenceBackward'];
}
g.registerBackend('cpu-seq-steps', () => new CpuSteps());

/**
 * The CPU backend with every kernel, counting the calls that ran (so the
 * comparisons cannot pass vacuously); `declineBackward` makes the
 * whole-sequence backward decline, so the per-step backward runs on what the
 * whole-sequence forward saved.
 */
class Counting extends CpuBackend {
  cells = 0;
  cellBackwards = 0;
  sequences = 0;
  sequenceBackwards = 0;
  declineBackward = false;
  constructor() {
    super();
    const [cell, cellBack, seq, seqBack] = [this.lstmCell, this.lstmCellBackward, this.lstmSequence, this.lstmSequenceBackward];
    this.lstmCell = (...args) => (this.cells++, cell(...args));
    this.lstmCellBackward = (...args) => (this.cellBackwards++, cellBack(...args));
    this.lstmSequence = (...args) => {
      const made = seq(...args);
      if (made !== null) this.sequences++;
      return made;
    };
    this.lstmSequenceBackward = (...args) => {
      if (this.declineBackward) return null;
      const made = seqBack(...args);
      if (made !== null) this.sequenceBackwards++;
      return made;
    };
  }
  reset(): void {
    this.cells = this.cellBackwards = this.sequences = this.sequenceBackwards = 0;
  }
}
const counting = new Counting();
g.registerBackend('cpu-seq', () => counting);

const initialThreads = g.getNumThreads();
afterAll(() => g.setNumThreads(initialThreads));

const bits = (t: g.Tensor | null | undefined) => (t == null ? null : Array.from(t.to('cpu').contiguous().dataSync()));

/** A random integer in [lo, hi]. */
const pick = (lo: number, hi: number) => lo + Math.floor((g.rand(1).item() as number) * (hi - lo + 1));

type Dtype = 'float32' | 'float64';

/** The op's results and the gradients of its four inputs on `device`, for random weights on the outputs used. */
function runSequence(device: string, values: g.Tensor[], weights: (g.Tensor | null)[], reverse: boolean) {
  const [x, h0, c0, w] = values.map((v) => v.to(device).detach().requiresGrad_());
  const outs = g.fused.lstmSequence(x!, h0!, c0!, w!, { reverse });
  const terms = outs.flatMap((o, k) => (weights[k] ? [o.mul(weights[k]!.to(device)).sum()] : []));
  terms.reduce((s, t) => s.add(t)).backward();
  return { results: outs.map(bits), grads: [x, h0, c0, w].map((t) => bits(t!.grad)) };
}

function sequenceProblem(dtype: Dtype, T: number, B: number, H: number, scale: number) {
  return {
    values: [
      g.randn([T, B, 4 * H], { dtype }).mul(scale),
      g.randn([B, H], { dtype }).mul(scale),
      g.randn([B, H], { dtype }).mul(scale),
      g.randn([4 * H, H], { dtype }).mul(scale / Math.sqrt(H)),
    ],
    weights: [g.randn([T, B, H], { dtype }), g.randn([B, H], { dtype }), g.randn([B, H], { dtype })],
  };
}

/** Whether the CPU's whole-sequence kernels take a problem: float32 whose batch product runs in wasm (≥ 8³ multiply-adds). */
const takesWhole = (dtype: Dtype, B: number, H: number) => dtype === 'float32' && B * 4 * H * H >= 512;

describe('fused.lstmSequence: the whole-sequence kernels, the per-step path and the composite agree', () => {
  it('the CPU backend has the whole-sequence kernels; the other two test backends do not', () => {
    const backend = (device: string) => g.zeros(1, { device }).backend;
    expect(typeof backend('cpu').lstmSequence).toBe('function');
    expect(typeof backend('cpu').lstmSequenceBackward).toBe('function');
    expect(backend('cpu-seq-steps').lstmSequence).toBeUndefined();
    expect(backend('cpu-seq-composite').lstmCell).toBeUndefined();
  });

  it('random lengths, batches, widths, dtypes and directions, with any of the outputs unused: the same results and gradients', () => {
    g.manualSeed(41);
    counting.reset();
    const expected = { cells: 0, cellBackwards: 0, sequences: 0, sequenceBackwards: 0 };
    const trials = 30;
    for (let trial = 0; trial < trials; trial++) {
      const dtype: Dtype = trial % 2 === 0 ? 'float32' : 'float64';
      // The last trials at the bench's sizes (T 20, B 16, H 64), and at a batch of 13 (groups of 4 rows and one of 1)
      // large enough for the worker pool; the rest small, on both sides of the whole-sequence kernels' threshold.
      const [T, B, H] = trial >= 28 ? [20, 16, 64] : trial >= 26 ? [12, 13, 48] : [pick(1, 7), pick(1, 9), pick(1, 11)];
      const reverse = trial % 4 >= 2;
      // Every third trial leaves the backward to the per-step path after a whole-sequence forward.
      counting.declineBackward = trial % 3 === 0;
      const p = sequenceProblem(dtype, T, B, H, [0.5, 2, 6][trial % 3]!);
      // Which outputs the loss reads: all three, only the output, only the final states, only cN.
      const used = [
        [true, true, true],
        [true, false, false],
        [false, true, true],
        [false, false, true],
      ][trial % 4]!;
      const weights = p.weights.map((w, k) => (used[k] ? w : null));
      const where = `${dtype} T ${T} B ${B} H ${H} reverse ${reverse} used ${used} declineBackward ${counting.declineBackward}`;
      const whole = runSequence('cpu-seq', p.values, weights, reverse);
      const steps = runSequence('cpu-seq-steps', p.values, weights, reverse);
      const comp = runSequence('cpu-seq-composite', p.values, weights, reverse);
      // Whole-sequence kernels against the per-step path: every result and gradient, bit for bit.
      whole.results.forEach((r, k) => expect(r, `${where}, output ${k} (per-step path)`).toEqual(steps.results[k]));
      whole.grads.forEach((r, k) => expect(r, `${where}, gradient ${k} (per-step path)`).toEqual(steps.grads[k]));
      // Against the definition: the results and the gradients of the gates, hx and cx bit for bit too.
      whole.results.forEach((r, k) => expect(r, `${where}, output ${k}`).toEqual(comp.results[k]));
      for (const k of [0, 1, 2]) expect(whole.grads[k], `${where}, gradient ${k}`).toEqual(comp.grads[k]);
      // W_hh's: one product over all steps instead of a sum of per-step products (another order of the same sum).
      const [wf, wc] = [g.tensor(whole.grads[3]!), g.tensor(comp.grads[3]!)];
      const tol = dtype === 'float32' ? 1e-5 : 1e-12;
      expect(wf.sub(wc).abs().max().item() as number, `${where}, W_hh's gradient`).toBeLessThanOrEqual(
        tol * (1 + (wc.abs().max().item() as number)),
      );
      if (takesWhole(dtype, B, H)) {
        expected.sequences++;
        if (counting.declineBackward) expected.cellBackwards += T;
        else expected.sequenceBackwards++;
      } else {
        expected.cells += T;
        expected.cellBackwards += T;
      }
    }
    counting.declineBackward = false;
    // Each trial ran where it should: the whole-sequence kernels (one call each way), or a cell kernel per step.
    const { cells, cellBackwards, sequences, sequenceBackwards } = counting;
    expect({ cells, cellBackwards, sequences, sequenceBackwards }).toEqual(expected);
    expect(expected.sequences).toBeGreaterThan(5);
    expect(expected.cells).toBeGreaterThan(5);
  });

  it('one thread and two give the same bits (row groups on the worker pool)', () => {
    g.manualSeed(44);
    const p = sequenceProblem('float32', 20, 16, 64, 2);
    const on = (threads: number) => {
      g.setNumThreads(threads);
      counting.reset();
      const run = runSequence('cpu-seq', p.values, p.weights, true);
      expect(counting.sequences + counting.sequenceBackwards).toBe(2);
      return run;
    };
    const one = on(1);
    expect(on(2)).toEqual(one);
    g.setNumThreads(initialThreads);
  });

  it('records one node; gradcheck and gradgradcheck in float64 (the second derivative by the recurrence in ops)', () => {
    g.manualSeed(42);
    const { values } = sequenceProblem('float64', 3, 2, 2, 1);
    const inputs = values.map((v) => v.to('cpu-seq').requiresGrad_());
    const [out, hN, cN] = g.fused.lstmSequence(inputs[0]!, inputs[1]!, inputs[2]!, inputs[3]!);
    expect([out.gradFn?.name, hN.gradFn, cN.gradFn]).toEqual(['LstmSequenceBackward0', out.gradFn, out.gradFn]);
    for (const reverse of [false, true]) {
      const fn = (x: g.Tensor, h: g.Tensor, c: g.Tensor, w: g.Tensor) => g.fused.lstmSequence(x, h, c, w, { reverse });
      counting.reset();
      expect(g.autograd.gradcheck(fn, inputs)).toBe(true);
      expect(counting.cellBackwards).toBeGreaterThan(0);
      expect(g.autograd.gradgradcheck(fn, inputs)).toBe(true);
    }
  });

  it('the final states are tensors of their own, not views of the stacked states', () => {
    g.manualSeed(45);
    const { values } = sequenceProblem('float32', 3, 4, 8, 1);
    const [x, h0, c0, w] = values.map((v) => v.to('cpu-seq'));
    counting.reset();
    const [out, hN, cN] = g.noGrad(() => g.fused.lstmSequence(x!, h0!, c0!, w!));
    expect(counting.sequences).toBe(1);
    const last = bits(out.select(0, 2));
    expect(bits(hN)).toEqual(last);
    hN.add_(1);
    cN.add_(1);
    expect(bits(out.select(0, 2))).toEqual(last);
  });

  it('non-contiguous operands, no grad, and forward-mode tangents (the composite) give the same values', () => {
    g.manualSeed(43);
    for (const [B, H] of [
      [3, 5],
      [8, 8],
    ] as const) {
      const { values } = sequenceProblem('float32', 4, B, H, 1);
      const [x, h0, c0, w] = values.map((v) => v.to('cpu-seq'));
      const plain = g.noGrad(() => g.fused.lstmSequence(x!, h0!, c0!, w!)).map(bits);
      // The gates laid out batch-major (what a batchFirst projection gives), the states and weight transposed twice.
      const xT = x!.transpose(0, 1).contiguous().transpose(0, 1);
      const strided = g.fused.lstmSequence(xT, h0!.t().contiguous().t(), c0!, w!.t().contiguous().t()).map(bits);
      expect(strided).toEqual(plain);
      // And their gradients: every operand strided (cx too, which the backward's first step reads) against all dense,
      // with the output's gradient strided as batchFirst makes it.
      const gradsOf = (strides: boolean) => {
        const leaves = [x!, h0!, c0!, w!].map((t) => t.detach().requiresGrad_());
        const views = strides ? [leaves[0]!, ...leaves.slice(1).map((t) => t.t().contiguous().t())] : leaves;
        const [out, hN, cN] = g.fused.lstmSequence(views[0]!, views[1]!, views[2]!, views[3]!);
        const seen = strides ? out.transpose(0, 1).contiguous().transpose(0, 1) : out;
        seen.mul(seen).sum().add(hN.sum()).add(cN.mul(3).sum()).backward();
        return leaves.map((t) => bits(t.grad));
      };
      expect(gradsOf(true)).toEqual(gradsOf(false));
      const tangent = g.randn(x!.shape);
      const jvpOn = (device: string) =>
        g.autograd.forwardAd.dualLevel(() => {
          const dual = g.autograd.forwardAd.makeDual(x!.to(device), tangent.to(device));
          const [out] = g.fused.lstmSequence(dual, h0!.to(device), c0!.to(device), w!.to(device));
          return bits(g.autograd.forwardAd.unpackDual(out).tangent);
        });
      const fusedTangent = jvpOn('cpu-seq');
      expect(fusedTangent).toEqual(jvpOn('cpu-seq-composite'));
      expect(fusedTangent!.some((v) => v !== 0)).toBe(true);
    }
  });

  it('a training loop through the op leaves the tensor count flat, and so does a call without grad', () => {
    for (const [B, H] of [
      [4, 8],
      [1, 2],
    ] as const) {
      const { values } = sequenceProblem('float32', 6, B, H, 1);
      const inputs = values.map((v) => v.to('cpu-seq').requiresGrad_());
      const step = () =>
        g.tidy(() => {
          const [out, hN, cN] = g.fused.lstmSequence(inputs[0]!, inputs[1]!, inputs[2]!, inputs[3]!, { reverse: true });
          out.sum().add(hN.sum()).add(cN.sum()).backward();
        });
      step();
      const before = g.memory().numTensors;
      for (let i = 0; i < 3; i++) step();
      expect(g.memory().numTensors).toBe(before);
      g.noGrad(() => g.fused.lstmSequence(inputs[0]!, inputs[1]!, inputs[2]!, inputs[3]!)).forEach((t) => t.dispose());
      // A graph dropped without backward frees what its node kept.
      g.fused.lstmSequence(inputs[0]!, inputs[1]!, inputs[2]!, inputs[3]!).forEach((t) => t.dispose());
      expect(g.memory().numTensors).toBe(before);
    }
  });

  it('refuses mismatched shapes, an empty sequence, mixed dtypes and integer tensors, naming the op and the shapes', () => {
    const z = (...shape: number[]) => g.zeros(shape);
    expect(() => g.fused.lstmSequence(z(2, 3, 8), z(3, 2), z(3, 2), z(8, 3))).toThrow(
      /fused.lstmSequence: expected inputGates \[T, B, 4·H\], hx and cx \[B, H\] and weightHh \[4·H, H\], got inputGates \[2, 3, 8\], hx \[3, 2\], cx \[3, 2\], weightHh \[8, 3\]/,
    );
    expect(() => g.fused.lstmSequence(z(2, 8), z(3, 2), z(3, 2), z(8, 2))).toThrow(/got inputGates \[2, 8\]/);
    expect(() => g.fused.lstmSequence(z(2, 4, 8), z(3, 2), z(3, 2), z(8, 2))).toThrow(/got inputGates \[2, 4, 8\], hx \[3, 2\]/);
    expect(() => g.fused.lstmSequence(z(0, 3, 8), z(3, 2), z(3, 2), z(8, 2))).toThrow(
      /fused.lstmSequence: expected a sequence of at least one time step, got inputGates \[0, 3, 8\]/,
    );
    expect(() => g.fused.lstmSequence(z(2, 3, 8), z(3, 2), g.zeros([3, 2], { dtype: 'float64' }), z(8, 2))).toThrow(
      /fused.lstmSequence: cx \(float64 on cpu\) does not match inputGates \(float32 on cpu\)/,
    );
    const i = (...shape: number[]) => g.zeros(shape, { dtype: 'int32' });
    expect(() => g.fused.lstmSequence(i(2, 3, 8), i(3, 2), i(3, 2), i(8, 2))).toThrow(
      /fused.lstmSequence: expected floating tensors, got int32/,
    );
    expect(() => g.fused.lstmSequence(z(2, 3, 8), z(3, 2), z(3, 2), z(8, 2), { backwards: true } as never)).toThrow(/fused.lstmSequence/);
  });

  it('the kernels, called directly, refuse views that are not dense or do not fit their arrays (they read raw addresses)', () => {
    const backend = new CpuBackend();
    const view = (shape: number[], strides?: number[], length?: number) => {
      const dense = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
      const handle: Handle = alloc('float32', length ?? shape.reduce((a, b) => a * b, 1));
      return { handle, dtype: 'float32' as const, shape, strides: strides ?? dense, offset: 0 };
    };
    const [T, B, H] = [3, 4, 8];
    const ok = [view([T, B, 4 * H]), view([B, H]), view([B, H]), view([4 * H, H])] as const;
    expect(backend.lstmSequence(...ok, false)).not.toBeNull();
    // hx transposed in place: [B, H] with column-major strides.
    expect(() => backend.lstmSequence(ok[0], view([B, H], [1, B]), ok[2], ok[3], false)).toThrow(
      /cpu lstm_sequence: expected hx dense of shape \[4, 8\], got shape \[4, 8\] with strides \[1, 4\]/,
    );
    // An operand of another dtype than the gates' (read as float32 by element count, it would be misread).
    const hx64 = { ...view([B, H]), handle: alloc('float64', B * H), dtype: 'float64' as const };
    expect(() => backend.lstmSequence(ok[0], hx64, ok[2], ok[3], false)).toThrow(
      /cpu lstm_sequence: expected hx of dtype float32 \(as the gates\), got float64/,
    );
    // A weight whose array is shorter than its shape says.
    expect(() => backend.lstmSequence(ok[0], ok[1], ok[2], view([4 * H, H], undefined, 10), false)).toThrow(
      /cpu lstm_sequence: a view of shape \[32, 8\]/,
    );
    expect(() => backend.lstmSequence(view([T, B, 30]), ok[1], ok[2], ok[3], false)).toThrow(
      /cpu lstm_sequence: expected gates of shape \[T, B, 4·H\], got \[3, 4, 30\]/,
    );
    const cells = view([T, B, H]);
    const ws = view([T, B, 4 * H]);
    expect(backend.lstmSequenceBackward(null, null, view([B, H]), ok[2], ok[3], cells, ws, true)).not.toBeNull();
    expect(() => backend.lstmSequenceBackward(view([T, B, H], [H, T * H, 1]), null, null, ok[2], ok[3], cells, ws, false)).toThrow(
      /cpu lstm_sequence_backward: expected gradOutput dense of shape \[3, 4, 8\]/,
    );
  });
});
