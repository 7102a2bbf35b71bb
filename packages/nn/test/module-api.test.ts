/** Module's API beyond PyTorch fixtures: lookups by path, freezing, buffers, removal of weight/spectral norm, the model summary. */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { nn } from '../src/index.js';

class Net extends nn.Module {
  encoder = new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU());
  head = new nn.Linear(8, 2);
  override forward(x: g.Tensor): g.Tensor {
    return this.head.call(this.encoder.call(x));
  }
}

describe('Module lookups, freezing and buffers', () => {
  it('getSubmodule, getParameter and getBuffer follow dotted paths and name what is missing', () => {
    const net = new Net();
    expect(net.getSubmodule('')).toBe(net);
    expect(net.getSubmodule('encoder.1')).toBeInstanceOf(nn.BatchNorm1d);
    expect(net.getParameter('encoder.0.weight').shape).toEqual([8, 4]);
    expect(net.getBuffer('encoder.1.running_mean').shape).toEqual([8]);
    expect(() => net.getSubmodule('encoder.7')).toThrow('Sequential has no attribute `7`');
    expect(() => net.getSubmodule('head.weight')).toThrow('`weight` is not an nn.Module');
    expect(() => net.getParameter('encoder.1.running_mean')).toThrow('`running_mean` is not an nn.Parameter');
    expect(() => net.getBuffer('head.weight')).toThrow('`weight` is not a buffer');
  });

  it('requiresGrad_ freezes and unfreezes every parameter; namedBuffers lists each buffer once', () => {
    const net = new Net();
    net.encoder.requiresGrad_(false);
    expect(net.parameters().map((p) => p.requiresGrad)).toEqual([false, false, false, false, true, true]);
    net.requiresGrad_();
    expect(net.parameters().every((p) => p.requiresGrad)).toBe(true);
    expect(() => net.requiresGrad_('no' as never)).toThrow('requiresGrad_: expected a boolean');
    expect(net.namedBuffers().map(([n]) => n)).toEqual([
      'encoder.1.running_mean',
      'encoder.1.running_var',
      'encoder.1.num_batches_tracked',
    ]);
    const shared = new nn.Sequential(net.encoder, net.encoder);
    expect(shared.namedBuffers()).toHaveLength(3);
    expect(shared.namedModules().map(([n]) => n)).toEqual(['', '0', '0.0', '0.1', '0.2']);
    expect(shared.namedModules({ removeDuplicate: false })).toHaveLength(9);
    // The state dict has every path, as PyTorch's.
    expect(Object.keys(shared.stateDict())).toHaveLength(14);
  });

  it('Embedding.fromPretrained shares the tensor and freezes it by default', () => {
    const w = g.tensor([
      [1, 2.3, 3],
      [4, 5.1, 6.3],
    ]);
    const emb = nn.Embedding.fromPretrained(w);
    expect(emb.weight.requiresGrad).toBe(false);
    expect(emb.call(g.tensor([1], { dtype: 'int32' })).tolist()).toEqual([[4, expect.closeTo(5.1, 6), expect.closeTo(6.3, 6)]]);
    expect(() => nn.Embedding.fromPretrained(g.zeros(3))).toThrow('Embeddings parameter is expected to be 2-dimensional');
  });
});

describe('weightNorm and spectralNorm are removable', () => {
  it('removeWeightNorm gives back a Parameter with the same function', () => {
    g.manualSeed(3);
    const m = nn.utils.weightNorm(new nn.Linear(3, 2));
    const x = g.randn(4, 3);
    const before = m.call(x).tolist();
    expect(() => nn.utils.weightNorm(m)).toThrow('weightNorm: Cannot register two weight_norm hooks on the same parameter weight');
    nn.utils.removeWeightNorm(m);
    expect(Object.keys(m.stateDict())).toEqual(['bias', 'weight']);
    expect(m.weight).toBeInstanceOf(nn.Parameter);
    const after = m.call(x).tolist() as number[][];
    after.flat().forEach((v, i) => expect(v).toBeCloseTo((before as number[][]).flat()[i]!, 5));
    expect(() => nn.utils.removeWeightNorm(m)).toThrow("removeWeightNorm: weight_norm of 'weight' not found in Linear");
  });

  it('removeSpectralNorm keeps w / σ; spectralNorm refuses a missing parameter', () => {
    g.manualSeed(4);
    const m = nn.utils.spectralNorm(new nn.Linear(3, 3));
    m.call(g.randn(2, 3));
    nn.utils.removeSpectralNorm(m);
    expect(Object.keys(m.stateDict())).toEqual(['bias', 'weight']);
    // The largest singular value of the kept weight is about 1 (one power iteration from a random start).
    const s = (m.weight as g.Tensor).matmul((m.weight as g.Tensor).t()).tolist() as number[][];
    expect(s[0]![0]).toBeLessThan(1.5);
    expect(() => nn.utils.spectralNorm(new nn.ReLU())).toThrow("spectralNorm: Module 'ReLU' has no parameter or buffer with name 'weight'");
  });
});

describe('summary(model, inputShape)', () => {
  it('lists every layer with its output shape and parameters, and the totals', () => {
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
    model.at(2).requiresGrad_(false);
    const s = nn.summary(model, [16, 4]);
    expect(s.rows.map((r) => [r.type, r.depth, r.index, r.outputShape, r.params])).toEqual([
      ['Sequential', 0, 1, [16, 1], 0],
      ['Linear', 1, 1, [16, 8], 40],
      ['ReLU', 1, 2, [16, 8], 0],
      ['Linear', 1, 3, [16, 1], 9],
    ]);
    expect([s.totalParams, s.trainableParams, s.nonTrainableParams]).toEqual([49, 40, 9]);
    const table = String(s).split('\n');
    expect(table[1]).toMatch(/^Layer \(type:depth-idx\)\s+Output Shape\s+Param #$/);
    expect(table[3]).toMatch(/^Sequential\s+\[16, 1\]\s+--$/);
    expect(table[4]).toMatch(/^├─Linear: 1-1\s+\[16, 8\]\s+40$/);
    expect(table).toContain('Total params: 49');
    expect(table).toContain('Trainable params: 40');
    expect(table).toContain('Non-trainable params: 9');
  });

  it('nests, limits the depth, restores training mode and leaves no hooks behind', () => {
    const net = new Net();
    const s = nn.summary(net, [3, 4]);
    expect(s.rows.map((r) => `${r.depth}-${r.index} ${r.type} ${r.params}`)).toEqual([
      '0-1 Net 0',
      '1-1 Sequential 0',
      '2-1 Linear 40',
      '2-2 BatchNorm1d 16',
      '2-3 ReLU 0',
      '1-2 Linear 18',
    ]);
    expect(String(s)).toContain('│    └─BatchNorm1d: 2-2');
    expect(net.training).toBe(true);
    expect(net.encoder.at(1).training).toBe(true);
    // Eval mode: the running statistics were not updated by the summary's forward.
    expect(net.getBuffer('encoder.1.num_batches_tracked').item() as number).toBe(0);
    const shallow = nn.summary(net, [3, 4], { depth: 1 });
    expect(shallow.rows.map((r) => `${r.type} ${r.params}`)).toEqual(['Net 0', 'Sequential 56', 'Linear 18']);
    const order: string[] = [];
    net.head.registerForwardHook(() => void order.push('mine'));
    nn.summary(net, [2, 4]);
    net.call(g.randn(2, 4));
    expect(order).toEqual(['mine', 'mine']);
    expect(() => nn.summary(net, [[2, -1]])).toThrow('summary: input 0 must be a shape');
  });

  it('takes several inputs and integer inputs', () => {
    const bilinear = nn.summary(new nn.Bilinear(3, 4, 2), [
      [5, 3],
      [5, 4],
    ]);
    expect(bilinear.rows[0]!.outputShape).toEqual([5, 2]);
    const emb = nn.summary(new nn.Embedding(10, 3), [2, 7], { dtype: 'int32' });
    expect(emb.rows[0]!.outputShape).toEqual([2, 7, 3]);
    expect(emb.totalParams).toBe(30);
  });
});

describe('registerParameter, registerBuffer and addModule check names and values as PyTorch', () => {
  const p = () => new nn.Parameter(g.zeros(1));
  const plain = () => {
    const m = new nn.Module() as nn.Module & { x?: number };
    m.x = 5;
    return m;
  };
  // Each row was run against PyTorch 1.13: the same calls raise there (KeyError/TypeError), with these messages.
  const refused: [string, () => void, string][] = [
    ['a dotted parameter name', () => new nn.Module().registerParameter('a.b', p()), 'parameter name can\'t contain ".", got: a.b'],
    ['an empty parameter name', () => new nn.Module().registerParameter('', null), 'parameter name can\'t be empty string ""'],
    [
      'a parameter name that is not a string',
      () => new nn.Module().registerParameter(5 as never, null),
      'parameter name should be a string. Got number',
    ],
    ['a number as a parameter', () => new nn.Module().registerParameter('w', 5 as never), "cannot assign 'number' object to parameter 'w'"],
    ['a plain tensor as a parameter', () => new nn.Module().registerParameter('w', g.zeros(1) as never), "cannot assign 'Tensor' object"],
    ['a dotted module name', () => new nn.Module().addModule('a.b', new nn.ReLU()), 'module name can\'t contain ".", got: a.b'],
    ['an empty module name', () => new nn.Module().addModule('', new nn.ReLU()), 'module name can\'t be empty string ""'],
    ['a number as a module', () => new nn.Module().addModule('a', 5 as never), 'number is not a Module subclass'],
    ['an empty buffer name', () => new nn.Module().registerBuffer('', null), 'buffer name can\'t be empty string ""'],
    ['a module over a parameter', () => new nn.Linear(2, 2).addModule('weight', new nn.ReLU()), "attribute 'weight' already exists"],
    ['a buffer over a parameter', () => new nn.Linear(2, 2).registerBuffer('weight', g.zeros(1)), "attribute 'weight' already exists"],
    [
      'a parameter over a buffer',
      () => new nn.BatchNorm1d(2).registerParameter('running_mean', p()),
      "attribute 'running_mean' already exists",
    ],
    [
      'a module over a buffer',
      () => new nn.BatchNorm1d(2).addModule('running_mean', new nn.Tanh()),
      "attribute 'running_mean' already exists",
    ],
    ['a parameter over a plain attribute', () => plain().registerParameter('x', p()), "attribute 'x' already exists"],
    ['a buffer over a plain attribute', () => plain().registerBuffer('x', g.zeros(1)), "attribute 'x' already exists"],
    ['a module over a method', () => new nn.Module().addModule('forward', new nn.ReLU()), "attribute 'forward' already exists"],
    ['a parameter over a submodule', () => new nn.Sequential(new nn.ReLU()).registerParameter('0', p()), "attribute '0' already exists"],
    ['a dotted name in a ParameterList', () => new nn.ParameterList().registerParameter('a.b', p()), 'can\'t contain "."'],
  ];
  it.each(refused)('refuses %s', (_what, register, message) => {
    expect(register).toThrow(message);
  });

  it('accepts what PyTorch accepts: the same kind again, null, and an empty slot of any kind', () => {
    const linear = new nn.Linear(2, 2);
    const w = p();
    linear.registerParameter('weight', w);
    expect(linear.weight).toBe(w);
    const bn = new nn.BatchNorm1d(2);
    bn.registerBuffer('running_mean', g.ones(2));
    expect(bn.running_mean!.dataSync()).toEqual(new Float32Array([1, 1]));
    const m = new nn.Module() as nn.Module & Record<string, unknown>;
    m.registerParameter('w', null);
    m.addModule('child', null);
    m.addModule('child', new nn.ReLU());
    m.registerModule('other', new nn.Tanh());
    expect(m.namedChildren().map(([n]) => n)).toEqual(['child', 'other']);
    // A bias-less Linear's bias slot is null: it can become a parameter again.
    const noBias = new nn.Linear(2, 2, { bias: false });
    noBias.registerParameter('bias', p());
    expect(noBias.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
  });
});

describe('double() and float() cast as PyTorch', () => {
  it('floating parameters and buffers change dtype in place; integer buffers keep theirs', () => {
    const bn = new nn.BatchNorm1d(2);
    const weight = bn.weight!;
    expect(bn.double()).toBe(bn);
    expect(bn.weight).toBe(weight); // the same Parameter, as PyTorch's param.data = …
    expect([bn.weight!.dtype, bn.running_mean!.dtype, bn.num_batches_tracked!.dtype]).toEqual(['float64', 'float64', 'int32']);
    expect(bn.float().weight!.dtype).toBe('float32');
    expect(bn.running_var!.dtype).toBe('float32');
  });
});

describe('recurrent layer sizes are checked at construction', () => {
  it('a hidden size of 0 is refused by the multi-layer RNNs (as PyTorch 1.13), allowed by the cells', () => {
    expect(() => new nn.LSTM(3, 0)).toThrow(
      'LSTM: hiddenSize must be an integer ≥ 1, got 0 (PyTorch 1.13: proj_size has to be smaller than hidden_size)',
    );
    expect(() => new nn.RNN(3, 0)).toThrow('RNN: hiddenSize must be an integer ≥ 1, got 0');
    expect(() => new nn.GRU(3, -1)).toThrow('GRU: hiddenSize must be an integer ≥ 1, got -1');
    expect(() => new nn.LSTM(3, 2.5)).toThrow(/^LSTM: hiddenSize must be an integer ≥ 1, got 2.5$/);
    expect(() => new nn.LSTM(-1, 2)).toThrow('LSTM: inputSize must be an integer ≥ 0, got -1');
    expect(String(new nn.GRU(0, 3))).toBe('GRU(0, 3)'); // PyTorch 1.13 takes an input size of 0
    expect(String(new nn.LSTMCell(3, 0))).toBe('LSTMCell(3, 0)');
    expect(() => new nn.LSTMCell(3, -1)).toThrow('LSTMCell: hiddenSize must be an integer ≥ 0, got -1');
    expect(() => new nn.GRUCell(1.5, 2)).toThrow('GRUCell: inputSize must be an integer ≥ 0, got 1.5');
  });
});
