import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { AvgPool2d, BatchNorm1d, Conv1d, Conv2d, F, GRU, GroupNorm, LSTM, Linear, MaxPool2d, type Module, RNN } from '../src/index.js';
import fixtures from './fixtures/nn.json' with { type: 'json' };

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++)
    expect(Math.abs(Number(a[i]) - Number(b[i]))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(Number(b[i]))));
};
const values = (t: g.Tensor) => Array.from(t.dataSync());

describe('sequence models against PyTorch (seeded init, outputs, gradients)', () => {
  const S = fixtures.layers.sequences;
  const makers: Record<string, () => Module> = {
    LSTM: () => new LSTM(3, 4, { numLayers: 2, batchFirst: true }),
    GRU: () => new GRU(3, 4),
    RNN: () => new RNN(3, 4, { numLayers: 2, nonlinearity: 'relu' }),
  };
  for (const [name, f] of Object.entries(S)) {
    it(name, () => {
      g.manualSeed(4);
      const m = makers[name]!();
      expect(Object.keys(m.stateDict())).toEqual(Object.keys(f.state));
      for (const [k, v] of Object.entries(m.stateDict())) close(values(v), (f.state as Record<string, number[]>)[k]!, 1e-7);
      const x = g.randn([2, 5, 3], { requiresGrad: true });
      const [out, hn] = m.call(x) as [g.Tensor, g.Tensor | [g.Tensor, g.Tensor]];
      close(values(out), f.out);
      const loss = Array.isArray(hn)
        ? out.pow(2).sum().add(hn[0].sum().mul(0.5)).add(hn[1].sum().mul(0.25))
        : out.pow(2).sum().add(hn.sum().mul(0.5));
      expect(Math.abs((loss.item() as number) - f.loss)).toBeLessThan(1e-4 * Math.max(1, f.loss));
      loss.backward();
      close(values(x.grad!), f.xgrad, 1e-4);
      for (const [k, p] of m.namedParameters()) close(values(p.grad!), (f.grads as Record<string, number[]>)[k]!, 1e-4);
    });
  }
  it('empty layers and batches work as in PyTorch: Linear(0, n), GroupNorm of an empty batch', () => {
    const linear = new Linear(0, 3);
    expect(Array.from(linear.bias!.dataSync())).toEqual([0, 0, 0]); // PyTorch's bound is 0 for a fan-in of 0
    expect(linear.call(g.zeros(2, 0)).shape).toEqual([2, 3]);
    expect(new GroupNorm(2, 4).call(g.zeros(0, 4, 3)).shape).toEqual([0, 4, 3]);
  });
  it('errors name the layer and the shapes', () => {
    expect(() => new LSTM(3, 4).call(g.zeros(5, 2, 7))).toThrow('LSTM: input.size(-1) must be equal to input_size. Expected 3, got 7');
    expect(() => new GRU(3, 4).call(g.zeros(5, 2, 3), g.zeros(2, 2, 4))).toThrow('GRU: Expected hidden size [1, 2, 4], got [2, 2, 4]');
    // conv1d names its own (3-D) shapes, not the conv2d it runs.
    expect(() => new Conv1d(2, 3, 3).call(g.zeros(1, 3, 5))).toThrow(
      'conv1d: Given groups=1, weight of size [3, 2, 3], expected input[1, 3, 5] to have 2 channels, but got 3 channels instead',
    );
    expect(() => new Conv1d(2, 3, 3).call(g.zeros(1, 2, 2))).toThrow(
      "conv1d: Calculated padded input size per channel: (2). Kernel size: (3). Kernel size can't be greater than actual input size",
    );
    // conv1d's own arguments, and both convolutions' dtype and bias checks, in their own words.
    const x3 = g.randn(1, 3, 5);
    const w3 = g.randn(2, 3, 3);
    expect(() => F.conv1d(x3, w3, null, { dilation: 0 })).toThrow('conv1d: dilation should be greater than zero');
    expect(() => F.conv1d(x3, w3, null, { stride: 1.5 })).toThrow(
      'conv1d: non-positive stride is not supported, and a stride must be an integer (got stride=1.5)',
    );
    expect(() => F.conv1d(x3, w3, null, { stride: 2, padding: 'same' })).toThrow(
      "conv1d: padding='same' is not supported for strided convolutions",
    );
    expect(() => F.conv1d(g.randn(1, 4, 5), g.randn(3, 2, 3), null, { groups: 2 })).toThrow(
      'conv1d: Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [3, 2, 3] instead',
    );
    expect(() => F.conv1d(x3, w3, g.randn(3))).toThrow(
      'conv1d: expected bias to be 1-dimensional with 2 elements, but got bias of size [3] instead',
    );
    expect(() => F.conv2d(g.randn(1, 3, 5, 5), g.randn([2, 3, 3, 3], { dtype: 'float64' }))).toThrow(
      'conv2d: expected the input and the weight to have one dtype (PyTorch: expected scalar type), got input float32 and weight float64',
    );
    // A state of the wrong kind, and an input of another dtype than the parameters: named, never an internal TypeError.
    const lstm = new LSTM(3, 4);
    const x = g.zeros(5, 2, 3);
    const h0 = g.zeros(1, 2, 4);
    expect(() => lstm.call(x, [h0] as never)).toThrow(
      'LSTM: expected the initial state as a pair [h0, c0] of tensors, got no tensor as c0',
    );
    expect(() => lstm.call(x, h0 as never)).toThrow('LSTM: expected the initial state as a pair [h0, c0] of tensors, got one tensor');
    expect(() => lstm.call(x, [h0, 3] as never)).toThrow(
      'LSTM: expected the initial state as a pair [h0, c0] of tensors, got number as c0',
    );
    expect(() => new GRU(3, 4).call(x, [h0] as never)).toThrow('GRU: expected the initial hidden state h0 as a tensor');
    expect(() => lstm.call(g.zeros(5, 2, 3, { dtype: 'float64' }))).toThrow(
      "LSTM: input must have the type float32 (the module's parameters'), got type float64",
    );
    // An empty sequence, padded (batch first or not) or unbatched: PyTorch's message, from every kind of layer.
    const empty: [Module, g.Tensor][] = [
      [new LSTM(3, 4), g.zeros(0, 2, 3)],
      [new GRU(3, 4), g.zeros(0, 3)],
      [new RNN(3, 4, { batchFirst: true }), g.zeros(2, 0, 3)],
    ];
    for (const [m, x] of empty) {
      expect(() => m.call(x)).toThrow(`${m.constructor.name}: Expected sequence length to be larger than 0 in RNN`);
    }
  });
});

describe('convolution and pooling against PyTorch', () => {
  const Cv = fixtures.layers.convs;
  const makers: Record<string, () => Module> = {
    conv2d: () => new Conv2d(2, 4, 3, { stride: 2, padding: 1 }),
    conv2d_groups_dilation: () => new Conv2d(4, 6, [2, 3], { padding: [1, 2], dilation: [2, 1], groups: 2 }),
    conv1d: () => new Conv1d(2, 3, 3, { padding: 1 }),
    maxpool: () => new MaxPool2d(2),
    avgpool: () => new AvgPool2d(3, { stride: 2, padding: 1 }),
  };
  for (const [name, f] of Object.entries(Cv)) {
    it(name, () => {
      g.manualSeed(5);
      const m = makers[name]!();
      for (const [k, v] of Object.entries(m.stateDict())) close(values(v), (f.state as Record<string, number[]>)[k]!, 1e-7);
      const x = g.randn(f.shape, { requiresGrad: true });
      const y = m.call(x) as g.Tensor;
      expect(y.shape).toEqual(f.outShape);
      close(values(y), f.out);
      y.mul(g.linspace(-1, 1, y.numel()).reshape(y.shape as number[]))
        .sum()
        .backward();
      close(values(x.grad!), f.xgrad, 1e-4);
      for (const [k, p] of m.namedParameters()) close(values(p.grad!), (f.grads as Record<string, number[]>)[k]!, 1e-4);
    });
  }
  it('conv gradients pass gradcheck, and bad channels are named', () => {
    g.manualSeed(7);
    const conv = new Conv2d(2, 2, 2, { dtype: 'float64', stride: 1, padding: 1 });
    const x = g.randn([1, 2, 3, 3], { dtype: 'float64', requiresGrad: true });
    expect(g.autograd.gradcheck((t) => conv.call(t) as g.Tensor, [x])).toBe(true);
    // Unfold's backward is a fold and the fold's an unfold: second derivatives (stride 2, so some pixels are read once, some twice).
    const w = g.randn([2, 2, 2, 2], { dtype: 'float64', requiresGrad: true });
    const conv2 = (t: g.Tensor, k: g.Tensor) => F.conv2d(t, k, null, { stride: 2, padding: 1 }).tanh();
    expect(g.autograd.gradgradcheck(conv2, [x, w])).toBe(true);
    expect(g.autograd.gradgradcheck((t: g.Tensor) => F.maxPool2d(t.mul(t), 2, { stride: 1 }), [x])).toBe(true);
    expect(() => new Conv2d(3, 4, 3).call(g.zeros(1, 2, 5, 5))).toThrow(
      'conv2d: Given groups=1, weight of size [4, 3, 3, 3], expected input[1, 2, 5, 5] to have 3 channels, but got 2 channels instead',
    );
  });
});

describe('BatchNorm1d against PyTorch', () => {
  it('training normalises with batch statistics and updates running ones; eval uses them', () => {
    const f = fixtures.layers.BatchNorm1d;
    const bn = new BatchNorm1d(3);
    const x = g.tensor(new Float32Array(f.x), { shape: [6, 3] });
    close(values(bn.call(x) as g.Tensor), f.train);
    close(values(bn.running_mean!), f.running_mean);
    close(values(bn.running_var!), f.running_var);
    bn.eval();
    close(values(bn.call(x.mul(2)) as g.Tensor), f.eval);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
  });
});
