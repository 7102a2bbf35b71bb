/**
 * The normalisation layers, EmbeddingBag, Bilinear, Embedding.fromPretrained,
 * weight and spectral normalisation, packed sequences, module hooks and the
 * containers against PyTorch (fixtures/modules.json, from
 * scripts/fixtures/generate_nn_modules.py): state-dict names and seeded
 * initial values, outputs, gradients, the state after a training step, and
 * eval-mode outputs.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { type Module, nn } from '../src/index.js';
import fixtures from './fixtures/modules.json' with { type: 'json' };
import { moduleReprMakers } from './module-repr-makers.js';

const values = (t: g.Tensor) => Array.from(t.dataSync(), Number);
const close = (actual: ArrayLike<number>, expected: readonly number[], tol = 1e-5, what = '') => {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = Number(actual[i]);
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) expect.fail(`${what}[${i}]: ${a} is not ${e} (tolerance ${tol})`);
  }
};
/** The loss weights the generator uses: linspace(-1, 1) over the output. */
const weightsFor = (t: g.Tensor) => g.linspace(-1, 1, t.numel()).reshape(t.shape as number[]);

type InputSpec = { shape: number[]; values?: number[]; dtype?: string; grad?: boolean; none?: boolean };
type LayerCase = (typeof fixtures.layers)[number] & { evalOut?: number[] };

const makers: Record<string, () => Module> = {
  BatchNorm2d: () => new nn.BatchNorm2d(3),
  BatchNorm2d_momentum_none_no_affine: () => new nn.BatchNorm2d(2, { momentum: null, affine: false }),
  BatchNorm2d_untracked: () => new nn.BatchNorm2d(3, { trackRunningStats: false, eps: 1e-3 }),
  BatchNorm2d_eval: () => new nn.BatchNorm2d(3),
  BatchNorm1d_3d: () => new nn.BatchNorm1d(4, { momentum: 0.3 }),
  BatchNorm1d_empty_batch: () => new nn.BatchNorm1d(3),
  BatchNorm1d_empty_length: () => new nn.BatchNorm1d(3, { momentum: null }),
  BatchNorm2d_empty_batch: () => new nn.BatchNorm2d(2),
  GroupNorm: () => new nn.GroupNorm(2, 6),
  GroupNorm_no_affine_1d: () => new nn.GroupNorm(3, 6, { affine: false, eps: 1e-3 }),
  GroupNorm_one_group_2d_input: () => new nn.GroupNorm(1, 4),
  GroupNorm_per_channel: () => new nn.GroupNorm(4, 4),
  InstanceNorm1d: () => new nn.InstanceNorm1d(4),
  InstanceNorm1d_affine_tracked: () => new nn.InstanceNorm1d(4, { affine: true, trackRunningStats: true, momentum: 0.2 }),
  InstanceNorm2d_affine: () => new nn.InstanceNorm2d(3, { affine: true }),
  InstanceNorm2d_unbatched_tracked: () => new nn.InstanceNorm2d(3, { trackRunningStats: true }),
  RMSNorm: () => new nn.RMSNorm([5]),
  RMSNorm_2d_shape_eps: () => new nn.RMSNorm([3, 4], { eps: 1e-6 }),
  RMSNorm_no_affine: () => new nn.RMSNorm(4, { elementwiseAffine: false }),
  LocalResponseNorm: () => new nn.LocalResponseNorm(3, { alpha: 0.5 }),
  LocalResponseNorm_3d_even_size: () => new nn.LocalResponseNorm(2, 0.3, 0.5, 2),
  LocalResponseNorm_defaults: () => new nn.LocalResponseNorm(4),
  Bilinear: () => new nn.Bilinear(3, 4, 2),
  Bilinear_no_bias_batched: () => new nn.Bilinear(2, 3, 4, { bias: false }),
  EmbeddingBag_mean_offsets: () => new nn.EmbeddingBag(10, 3),
  EmbeddingBag_sum_weights: () => new nn.EmbeddingBag(10, 3, { mode: 'sum' }),
  EmbeddingBag_max_2d: () => new nn.EmbeddingBag(6, 4, { mode: 'max' }),
  EmbeddingBag_mean_padding_last_offset: () => new nn.EmbeddingBag(8, 2, { paddingIdx: 0, includeLastOffset: true }),
  Embedding_from_pretrained: () => nn.Embedding.fromPretrained(g.randn(5, 3), { freeze: false, paddingIdx: 1 }),
  EmbeddingBag_from_pretrained: () => nn.EmbeddingBag.fromPretrained(g.randn(4, 2), { freeze: false, mode: 'sum' }),
  weight_norm_Linear: () => nn.utils.weightNorm(new nn.Linear(3, 4)),
  weight_norm_Linear_dim1: () => nn.utils.weightNorm(new nn.Linear(3, 2), 'weight', 1),
  weight_norm_Conv1d_whole: () => nn.utils.weightNorm(new nn.Conv1d(2, 3, 3), 'weight', null),
  spectral_norm_Linear: () => nn.utils.spectralNorm(new nn.Linear(4, 3)),
  spectral_norm_Conv2d_3_iterations: () => nn.utils.spectralNorm(new nn.Conv2d(2, 3, 3), 'weight', { nPowerIterations: 3 }),
  spectral_norm_Linear_eval: () => nn.utils.spectralNorm(new nn.Linear(3, 5)),
};

/** An input as the generator made it: given values, null, or a randn draw from the seeded stream. */
function input(spec: InputSpec): g.Tensor | null {
  if (spec.none) return null;
  if (spec.values) {
    if (spec.dtype === 'int32') return g.tensor(Int32Array.from(spec.values), { shape: spec.shape });
    return g.tensor(new Float32Array(spec.values), { shape: spec.shape, requiresGrad: spec.grad ?? false });
  }
  return g.randn(spec.shape, { requiresGrad: spec.grad ?? true });
}

describe('layers against PyTorch: state-dict names, seeded initial values, output, gradients, state after a step, eval output', () => {
  it('every case has a maker', () => {
    expect(fixtures.layers.map((c) => c.name).filter((n) => !(n in makers))).toEqual([]);
  });
  for (const f of fixtures.layers as LayerCase[]) {
    it(f.name, () => {
      g.manualSeed(f.seed);
      const m = makers[f.name]!();
      // Cases whose name ends in _eval run their one forward in eval mode.
      if (f.name.endsWith('_eval')) m.eval();
      const state = m.stateDict();
      expect(Object.keys(state)).toEqual(f.stateKeys);
      for (const [k, v] of Object.entries(state)) close(values(v), (f.state as Record<string, number[]>)[k]!, 1e-6, `initial ${k}`);
      const xs = (f.inputs as InputSpec[]).map(input);
      const out = (m.call as (...a: unknown[]) => g.Tensor)(...xs);
      expect(out.shape).toEqual(f.outShape);
      close(values(out), f.out, 1e-5, 'output');
      out.mul(weightsFor(out)).sum().backward();
      const grads = f.grads as unknown as Record<string, number[]>;
      const params = new Map(m.namedParameters());
      for (const [k, expected] of Object.entries(grads)) {
        const t = k.startsWith('input') ? xs[Number(k.slice(5))]! : params.get(k)!;
        expect(t, k).toBeDefined();
        close(values(t.grad!), expected, 1e-4, `grad ${k}`);
      }
      for (const [k, p] of params) if (!(k in grads)) expect(p.grad ?? null, `${k} gets no gradient`).toBeNull();
      for (const [k, v] of Object.entries(m.stateDict())) close(values(v), (f.after as Record<string, number[]>)[k]!, 1e-5, `after ${k}`);
      if (f.evalOut) {
        m.eval();
        close(values(g.noGrad(() => (m.call as (...a: unknown[]) => g.Tensor)(...xs))), f.evalOut, 1e-5, 'eval output');
      }
    });
  }
});

describe('gradcheck of the normalisation functions and layers (float64)', () => {
  const cases: [string, (x: g.Tensor, w: g.Tensor) => g.Tensor, number[], number[]][] = [
    ['batchNorm', (x, w) => nn.F.batchNorm(x, null, null, { weight: w, bias: w.mul(0.5), training: true }), [3, 2, 2, 2], [2]],
    ['instanceNorm', (x, w) => nn.F.instanceNorm(x, { weight: w, bias: w.neg() }), [2, 2, 3], [2]],
    ['groupNorm', (x, w) => nn.F.groupNorm(x, 2, { weight: w, bias: w.mul(2) }), [2, 4, 3], [4]],
    ['rmsNorm', (x, w) => nn.F.rmsNorm(x, [3], { weight: w, eps: 1e-6 }), [2, 3], [3]],
    ['localResponseNorm', (x, w) => nn.F.localResponseNorm(x.mul(w.sum()), 3, { alpha: 0.5 }), [1, 4, 3], [1]],
    ['bilinear', (x, w) => nn.F.bilinear(x, x.flip(1), w.reshape(1, 3, 3)), [2, 3], [9]],
  ];
  for (const [name, f, xShape, wShape] of cases) {
    it(name, () => {
      g.manualSeed(11);
      const x = g.randn(xShape, { dtype: 'float64', requiresGrad: true });
      const w = g.randn(wShape, { dtype: 'float64', requiresGrad: true });
      expect(g.autograd.gradcheck(f, [x, w])).toBe(true);
    });
  }
});

describe('RNN, LSTM and GRU over packed, padded and unbatched sequences, one and two directions, against PyTorch', () => {
  const makers: Record<string, () => nn.RNN | nn.LSTM | nn.GRU> = {
    LSTM_packed_sorted: () => new nn.LSTM(3, 4, { numLayers: 2 }),
    GRU_packed_unsorted_h0: () => new nn.GRU(3, 4),
    RNN_packed_batch_first: () => new nn.RNN(2, 3, { batchFirst: true, nonlinearity: 'relu' }),
    LSTM_packed_unsorted_state_batch_first: () => new nn.LSTM(2, 3, { batchFirst: true }),
    RNN_bidirectional_tanh: () => new nn.RNN(3, 4, { bidirectional: true }),
    RNN_bidirectional_relu_2_layers_h0: () => new nn.RNN(3, 4, { numLayers: 2, nonlinearity: 'relu', bidirectional: true }),
    LSTM_bidirectional: () => new nn.LSTM(3, 4, { bidirectional: true }),
    LSTM_bidirectional_2_layers_state_batch_first: () => new nn.LSTM(2, 3, { numLayers: 2, batchFirst: true, bidirectional: true }),
    LSTM_bidirectional_2_layers_no_bias: () => new nn.LSTM(3, 2, { numLayers: 2, bias: false, bidirectional: true }),
    GRU_bidirectional: () => new nn.GRU(3, 4, { bidirectional: true }),
    GRU_bidirectional_2_layers_h0: () => new nn.GRU(2, 3, { numLayers: 2, bidirectional: true }),
    GRU_bidirectional_unbatched_h0: () => new nn.GRU(3, 2, { numLayers: 2, bidirectional: true }),
    LSTM_bidirectional_2_layers_dropout: () => new nn.LSTM(3, 4, { numLayers: 2, dropout: 0.5, bidirectional: true }),
    RNN_bidirectional_packed_tanh: () => new nn.RNN(3, 4, { bidirectional: true }),
    RNN_bidirectional_packed_relu_2_layers_unsorted_h0: () => new nn.RNN(2, 3, { numLayers: 2, nonlinearity: 'relu', bidirectional: true }),
    LSTM_bidirectional_packed: () => new nn.LSTM(3, 4, { bidirectional: true }),
    LSTM_bidirectional_packed_2_layers_unsorted_batch_first: () =>
      new nn.LSTM(2, 3, { numLayers: 2, batchFirst: true, bidirectional: true }),
    GRU_bidirectional_packed: () => new nn.GRU(3, 4, { bidirectional: true }),
    GRU_bidirectional_packed_2_layers_unsorted_h0: () => new nn.GRU(3, 2, { numLayers: 2, bidirectional: true }),
  };
  it('has a maker for every fixture case', () => {
    expect(Object.keys(makers).sort()).toEqual(fixtures.sequences.map((f) => f.name).sort());
  });
  for (const f of fixtures.sequences) {
    it(f.name, () => {
      g.manualSeed(f.seed);
      const m = makers[f.name]!();
      expect(Object.keys(m.stateDict())).toEqual(f.stateKeys);
      for (const [k, v] of Object.entries(m.stateDict())) close(values(v), (f.state as Record<string, number[]>)[k]!, 1e-6, k);
      const batch = f.lengths.length;
      const steps = Math.max(...f.lengths);
      const layers = m.numLayers * m.numDirections;
      const x = g.randn(f.unbatched ? [steps, m.inputSize] : f.batchFirst ? [batch, steps, m.inputSize] : [steps, batch, m.inputSize], {
        requiresGrad: true,
      });
      const stateShape = f.unbatched ? [layers, m.hiddenSize] : [layers, batch, m.hiddenSize];
      const states = f.withState
        ? Array.from({ length: f.kind === 'LSTM' ? 2 : 1 }, () => g.randn(stateShape, { requiresGrad: true }))
        : [];
      const hidden = states.length === 0 ? null : f.kind === 'LSTM' ? [states[0]!, states[1]!] : states[0]!;
      const run = (m.call as (...a: unknown[]) => [nn.utils.PackedSequence | g.Tensor, g.Tensor | [g.Tensor, g.Tensor]]).bind(m);
      let out: g.Tensor;
      let hn: g.Tensor | [g.Tensor, g.Tensor];
      if (f.packed) {
        const packed = nn.utils.rnn.packPaddedSequence(x, f.lengths, { batchFirst: f.batchFirst, enforceSorted: f.enforceSorted });
        const [outPacked, h] = run(packed, hidden);
        hn = h;
        if (!(outPacked instanceof nn.utils.PackedSequence)) throw new Error('a PackedSequence in gives a PackedSequence out');
        close(values(outPacked.data), f.packedData!, 1e-5, 'packed output');
        expect(values(outPacked.batchSizes)).toEqual(f.batchSizes);
        const [padded, lengths] = nn.utils.rnn.padPackedSequence(outPacked, { batchFirst: f.batchFirst });
        out = padded;
        expect(values(lengths)).toEqual(f.outLengths);
      } else {
        const [o, h] = run(x, hidden);
        out = o as g.Tensor;
        hn = h;
      }
      expect(out.shape).toEqual(f.outShape);
      close(values(out), f.out, 1e-5, 'output');
      const finals = Array.isArray(hn) ? hn : [hn];
      finals.forEach((t, k) => {
        expect(t.shape, `final state ${k} shape`).toEqual(f.finalShape);
        close(values(t), f.finals[k]!, 1e-5, `final state ${k}`);
      });
      let loss = out.mul(weightsFor(out)).sum();
      finals.forEach(
        (t, k) =>
          (loss = loss.add(
            t
              .mul(weightsFor(t))
              .sum()
              .mul(0.5 / (k + 1)),
          )),
      );
      expect(Math.abs((loss.item() as number) - f.loss)).toBeLessThan(1e-4 * Math.max(1, Math.abs(f.loss)));
      loss.backward();
      const grads = f.grads as unknown as Record<string, number[]>;
      close(values(x.grad!), grads.x!, 1e-4, 'grad x');
      states.forEach((s, k) => close(values(s.grad!), grads[`state${k}`]!, 1e-4, `grad state ${k}`));
      for (const [k, p] of m.namedParameters()) close(values(p.grad!), grads[k]!, 1e-4, `grad ${k}`);
    });
  }
});

describe('bidirectional recurrent layers, gradcheck', () => {
  for (const packed of [false, true]) {
    it(`a 2-layer bidirectional GRU and LSTM over a ${packed ? 'packed' : 'padded'} sequence pass gradcheck (float64)`, () => {
      g.manualSeed(3);
      const gru = new nn.GRU(2, 2, { numLayers: 2, bidirectional: true, dtype: 'float64' });
      const lstm = new nn.LSTM(2, 2, { numLayers: 2, bidirectional: true, dtype: 'float64' });
      const x = g.randn([3, 2, 2], { dtype: 'float64', requiresGrad: true });
      const h0 = g.randn([4, 2, 2], { dtype: 'float64', requiresGrad: true });
      const c0 = g.randn([4, 2, 2], { dtype: 'float64', requiresGrad: true });
      const f = (xs: g.Tensor, h: g.Tensor, c: g.Tensor) => {
        const input = packed ? nn.utils.rnn.packPaddedSequence(xs, [3, 1]) : xs;
        const [o1, h1] = (gru.call as (...a: unknown[]) => [nn.utils.PackedSequence | g.Tensor, g.Tensor]).call(gru, input, h);
        const [o2, [h2, c2]] = (lstm.call as (...a: unknown[]) => [nn.utils.PackedSequence | g.Tensor, [g.Tensor, g.Tensor]]).call(
          lstm,
          input,
          [h, c],
        );
        const data = (o: nn.utils.PackedSequence | g.Tensor) => (o instanceof nn.utils.PackedSequence ? o.data : o).reshape([-1]);
        return g.cat([data(o1), h1.reshape([-1]), data(o2), h2.reshape([-1]), c2.reshape([-1])]);
      };
      expect(g.autograd.gradcheck(f, [x, h0, c0])).toBe(true);
    });
  }
});

describe('padSequence, packPaddedSequence and padPackedSequence against PyTorch', () => {
  const [padCase, ...packCases] = fixtures.packing as [
    (typeof fixtures.packing)[0],
    ...((typeof fixtures.packing)[number] & Record<string, unknown>)[],
  ];
  it(padCase.name, () => {
    const f = padCase as unknown as {
      seed: number;
      lengths: number[];
      out: number[];
      outShape: number[];
      outBatchFirst: number[];
      grads: number[][];
    };
    g.manualSeed(f.seed);
    const seqs = f.lengths.map((n) => g.randn([n, 2], { requiresGrad: true }));
    const out = nn.utils.rnn.padSequence(seqs, { paddingValue: -1.5 });
    const outBf = nn.utils.rnn.padSequence(seqs, true, -1.5);
    expect(out.shape).toEqual(f.outShape);
    close(values(out), f.out);
    close(values(outBf), f.outBatchFirst);
    out
      .mul(weightsFor(out))
      .sum()
      .add(outBf.mul(weightsFor(outBf)).sum().mul(0.5))
      .backward();
    seqs.forEach((s, i) => close(values(s.grad!), f.grads[i]!, 1e-6, `grad ${i}`));
  });
  for (const c of packCases) {
    const f = c as unknown as {
      name: string;
      seed: number;
      lengths: number[];
      enforceSorted: boolean;
      batchFirst: boolean;
      totalLength: number | null;
      data: number[];
      batchSizes: number[];
      sortedIndices: number[] | null;
      unsortedIndices: number[] | null;
      out: number[];
      outShape: number[];
      outLengths: number[];
      xgrad: number[];
    };
    it(f.name, () => {
      g.manualSeed(f.seed);
      const steps = Math.max(...f.lengths);
      const batch = f.lengths.length;
      const x = g.randn(f.batchFirst ? [batch, steps, 2] : [steps, batch, 2], { requiresGrad: true });
      const lengths = g.tensor(Int32Array.from(f.lengths));
      const packed = nn.utils.rnn.packPaddedSequence(x, lengths, { batchFirst: f.batchFirst, enforceSorted: f.enforceSorted });
      close(values(packed.data), f.data, 1e-6, 'data');
      expect(values(packed.batchSizes)).toEqual(f.batchSizes);
      expect(packed.sortedIndices === null ? null : values(packed.sortedIndices)).toEqual(f.sortedIndices);
      expect(packed.unsortedIndices === null ? null : values(packed.unsortedIndices)).toEqual(f.unsortedIndices);
      const [data, batchSizes] = packed;
      expect(data).toBe(packed.data);
      expect(batchSizes).toBe(packed.batchSizes);
      const [out, outLengths] = nn.utils.rnn.padPackedSequence(packed, {
        batchFirst: f.batchFirst,
        paddingValue: 0.5,
        totalLength: f.totalLength,
      });
      expect(out.shape).toEqual(f.outShape);
      close(values(out), f.out, 1e-6, 'padded');
      expect(values(outLengths)).toEqual(f.outLengths);
      packed.data
        .mul(weightsFor(packed.data))
        .sum()
        .add(out.mul(weightsFor(out)).sum())
        .backward();
      close(values(x.grad!), f.xgrad, 1e-6, 'grad x');
    });
  }
  it('bad lengths and options are named', () => {
    const x = g.zeros(3, 2, 1);
    expect(() => nn.utils.rnn.packPaddedSequence(x, [1, 3])).toThrow(
      'packPaddedSequence: `lengths` array must be sorted in decreasing order',
    );
    expect(() => nn.utils.rnn.packPaddedSequence(x, [3, 2, 1])).toThrow(
      'Expected `len(lengths)` to be equal to batch_size, but got 3 (batch_size=2)',
    );
    expect(() => nn.utils.rnn.packPaddedSequence(x, [4, 1])).toThrow('the longest length (4) is more than the input');
    expect(() => nn.utils.rnn.packPaddedSequence(x, [3, 0])).toThrow('Length of all samples has to be greater than 0');
    const packed = nn.utils.rnn.packPaddedSequence(x, [3, 1]);
    expect(() => nn.utils.rnn.padPackedSequence(packed, { totalLength: 2 })).toThrow('Expected total_length to be at least');
    expect(() => nn.utils.rnn.padSequence([g.zeros(2, 3), g.zeros(2, 4)])).toThrow('padSequence: every sequence must be [L, 3]');
    expect(() => nn.utils.rnn.padPackedSequence(packed, { batch_first: true } as never)).toThrow("unknown option 'batch_first'");
    expect(() => new nn.LSTM(2, 3).call(packed)).toThrow('LSTM: input.size(-1) must be equal to input_size. Expected 2, got 1');
    // Two directions: the initial state has numLayers * 2 rows.
    const bi = new nn.GRU(2, 3, { bidirectional: true });
    expect(() => bi.call(g.zeros(4, 2, 2), g.zeros(1, 2, 3))).toThrow('GRU: Expected hidden size [2, 2, 3], got [1, 2, 3]');
    expect(() => bi.call(g.zeros(4, 2), g.zeros(1, 3))).toThrow('GRU: Expected hidden size [2, 3], got [1, 3]');
    expect(() => new nn.GRU(2, 3, { bidirectional: 1 as never })).toThrow('GRU: bidirectional must be a boolean, got 1');
  });
  it('packSequence / unpackSequence and unpadSequence round trip', () => {
    const seqs = [g.tensor([1, 2, 3]), g.tensor([4, 5]), g.tensor([6])];
    const packed = nn.utils.rnn.packSequence(seqs);
    expect(values(packed.data)).toEqual([1, 4, 6, 2, 5, 3]);
    expect(values(packed.batchSizes)).toEqual([3, 2, 1]);
    expect(nn.utils.rnn.unpackSequence(packed).map(values)).toEqual([[1, 2, 3], [4, 5], [6]]);
    const unsorted = nn.utils.rnn.packSequence([seqs[2]!, seqs[0]!], { enforceSorted: false });
    expect(nn.utils.rnn.unpackSequence(unsorted).map(values)).toEqual([[6], [1, 2, 3]]);
    const padded = nn.utils.rnn.padSequence(seqs, { batchFirst: true });
    expect(nn.utils.rnn.unpadSequence(padded, [3, 2, 1], { batchFirst: true }).map(values)).toEqual([[1, 2, 3], [4, 5], [6]]);
  });
});

describe('module hooks against PyTorch', () => {
  const H = Object.fromEntries(fixtures.hooks.map((c) => [c.name, c])) as Record<
    string,
    (typeof fixtures.hooks)[number] & Record<string, unknown>
  >;
  const show = (ts: (g.Tensor | null)[]) => ts.map((t) => (t === null ? null : values(t)));
  const closeList = (actual: (number[] | null)[], expected: (number[] | null)[], what: string) => {
    expect(actual.length, what).toBe(expected.length);
    actual.forEach((a, i) => {
      if (expected[i] === null) expect(a, `${what}[${i}]`).toBeNull();
      else close(a!, expected[i]!, 1e-5, `${what}[${i}]`);
    });
  };

  it('a pre-hook replaces the input, a forward hook the output, a full backward hook sees the gradients', () => {
    const f = H.Linear_pre_forward_backward!;
    g.manualSeed(f.seed);
    const m = new nn.Linear(3, 2);
    const seen: Record<string, (number[] | null)[]> = {};
    m.registerForwardPreHook((_m, args) => [args[0].mul(2)]);
    m.registerForwardHook((_m, _args, out) => out.add(1));
    m.registerFullBackwardHook((_m, gi, go) => {
      seen.gradInput = show(gi);
      seen.gradOutput = show(go);
    });
    const x = g.randn([4, 3], { requiresGrad: true });
    const out = m.call(x);
    close(values(out), f.out as number[]);
    out.mul(weightsFor(out)).sum().backward();
    close(values(x.grad!), f.xgrad as number[], 1e-5, 'x.grad');
    close(values(m.weight.grad!), f.weightGrad as number[], 1e-5, 'weight.grad');
    closeList(seen.gradInput!, f.gradInput as (number[] | null)[], 'gradInput');
    closeList(seen.gradOutput!, f.gradOutput as (number[] | null)[], 'gradOutput');
  });

  it('a full backward hook that returns new gradients replaces grad_input (a second input without grad gets zeros)', () => {
    const f = H.Bilinear_backward_replaces_grad_input!;
    g.manualSeed(f.seed);
    const m = new nn.Bilinear(2, 3, 2);
    const seen: Record<string, (number[] | null)[]> = {};
    m.registerFullBackwardHook((_m, gi, go) => {
      seen.gradInput = show(gi);
      seen.gradOutput = show(go);
      return gi.map((t) => (t === null ? null : t.mul(3)));
    });
    const x1 = g.randn([4, 2], { requiresGrad: true });
    const x2 = g.randn([4, 3]);
    const out = m.call(x1, x2);
    close(values(out), f.out as number[]);
    out.mul(weightsFor(out)).sum().backward();
    close(values(x1.grad!), f.x1grad as number[], 1e-5, 'x1.grad');
    closeList(seen.gradInput!, f.gradInput as (number[] | null)[], 'gradInput');
    closeList(seen.gradOutput!, f.gradOutput as (number[] | null)[], 'gradOutput');
  });

  it('when no input requires grad the hook still runs, with grad_input null', () => {
    const f = H.Linear_backward_no_input_grad!;
    g.manualSeed(f.seed);
    const m = new nn.Linear(2, 2);
    const seen: Record<string, (number[] | null)[]> = {};
    m.registerFullBackwardHook((_m, gi, go) => {
      seen.gradInput = show(gi);
      seen.gradOutput = show(go);
    });
    const out = m.call(g.randn(3, 2));
    out.mul(weightsFor(out)).sum().backward();
    close(values(m.weight.grad!), f.weightGrad as number[], 1e-5, 'weight.grad');
    closeList(seen.gradInput!, f.gradInput as (number[] | null)[], 'gradInput');
    closeList(seen.gradOutput!, f.gradOutput as (number[] | null)[], 'gradOutput');
  });

  it('handles remove hooks; prepend and alwaysCall are honoured; a hook that is not a function is refused', () => {
    const m = new nn.Identity();
    const order: string[] = [];
    const a = m.registerForwardHook(() => void order.push('a'));
    m.registerForwardHook(() => void order.push('b'), { prepend: true });
    m.call(g.zeros(1));
    expect(order).toEqual(['b', 'a']);
    a.remove();
    order.length = 0;
    m.call(g.zeros(1));
    expect(order).toEqual(['b']);
    const failing = new (class extends nn.Module {
      override forward(): never {
        throw new Error('boom');
      }
    })();
    const called: string[] = [];
    failing.registerForwardHook(() => void called.push('always'), { alwaysCall: true });
    failing.registerForwardHook(() => void called.push('normal'));
    expect(() => failing.call()).toThrow('boom');
    expect(called).toEqual(['always']);
    expect(() => m.registerForwardHook(42 as never)).toThrow('hook must be a function, got number');
    expect(() => m.registerForwardHook(() => {}, { always_call: true } as never)).toThrow(
      "registerForwardHook: unknown option 'always_call'",
    );
  });
});

describe('containers against PyTorch: state-dict names and seeded values', () => {
  const C = Object.fromEntries(fixtures.containers.map((c) => [c.name, c])) as unknown as Record<
    string,
    { seed: number; keys: string[]; values: Record<string, number[]> } & Record<string, unknown>
  >;
  const check = (m: Module, f: { keys: string[]; values: Record<string, number[]> }) => {
    const state = m.stateDict();
    expect(Object.keys(state)).toEqual(f.keys);
    for (const [k, v] of Object.entries(state)) close(values(v), f.values[k]!, 1e-6, k);
  };

  it('ModuleDict', () => {
    const f = C.ModuleDict!;
    g.manualSeed(f.seed);
    const m = new nn.ModuleDict({ b: new nn.Linear(2, 2), a: new nn.Linear(2, 1) });
    m.set('c', new nn.Linear(1, 1));
    m.delete('b');
    check(m, f);
    expect(m.keys()).toEqual(['a', 'c']);
    expect(m.has('b')).toBe(false);
    expect(() => m.get('b')).toThrow('ModuleDict: no key "b" (keys: "a", "c")');
    expect(() => m.set('x.y', new nn.ReLU())).toThrow('module name can\'t contain "."');
    expect(() => m.set('x', g.zeros(1) as never)).toThrow();
  });

  it('ParameterList', () => {
    const f = C.ParameterList!;
    g.manualSeed(f.seed);
    const m = new nn.ParameterList([g.randn(2), new nn.Parameter(g.randn(3))]);
    m.append(g.randn(1, 2));
    m.extend([g.randn(2)]);
    check(m, f);
    expect([...m].map((p) => (p as g.Tensor).requiresGrad)).toEqual(f.requiresGrad);
    expect(m.at(-1)).toBeInstanceOf(nn.Parameter);
    expect(m.parameters()).toHaveLength(4);
  });

  it('ParameterDict (a plain object in sorted key order, a Map in its own)', () => {
    const f = C.ParameterDict!;
    g.manualSeed(f.seed);
    const m = new nn.ParameterDict({ b: g.randn(2), a: g.randn(3) });
    m.update(
      new Map([
        ['z', g.randn(1)],
        ['c', g.randn(1)],
      ]),
    );
    check(m, f);
  });

  it('Sequential slicing, deleting, inserting, appending, extending', () => {
    const f = C.Sequential_edits!;
    g.manualSeed(f.seed);
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 3), new nn.Tanh(), new nn.Linear(3, 1));
    const sliced = seq.slice(1, 4);
    seq.delete(1);
    seq.insert(2, new nn.Linear(3, 3));
    seq.append(new nn.Linear(1, 2));
    seq.extend([new nn.ReLU(), new nn.Linear(2, 2)]);
    expect(Object.keys(sliced.stateDict())).toEqual(f.sliceKeys);
    check(seq, f);
    expect(seq.length).toBe(8);
    expect(seq.at(-1)).toBeInstanceOf(nn.Linear);
    expect(() => seq.at(8)).toThrow('Sequential: index 8 is out of range (length 8)');
    expect(() => seq.insert(10, new nn.ReLU())).toThrow('Sequential.insert: Index out of range: 10');
    const head = seq.pop(-1);
    expect(head).toBeInstanceOf(nn.Linear);
    expect(seq.length).toBe(7);
  });

  it('parametersToVector / vectorToParameters', () => {
    const f = C.parameters_to_vector!;
    g.manualSeed(f.seed);
    const m = new nn.Sequential(new nn.Linear(3, 2), new nn.Linear(2, 1));
    const vec = nn.utils.parametersToVector(m.parameters());
    close(values(vec), f.vector as number[], 1e-7);
    nn.utils.vectorToParameters(vec.mul(2).sub(1), m.parameters());
    check(m, f);
    expect(() => nn.utils.vectorToParameters(g.zeros(3), m.parameters())).toThrow(
      'vectorToParameters: the vector has 3 elements, but the parameters have 11',
    );
  });
});

describe('reprs against PyTorch', () => {
  for (const f of fixtures.reprs) {
    it(f.name, () => {
      g.manualSeed(f.seed);
      expect(moduleReprMakers[f.name], `no maker for ${f.name}`).toBeDefined();
      expect(String(moduleReprMakers[f.name]!())).toBe(f.repr);
    });
  }
});
