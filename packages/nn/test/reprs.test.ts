import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { nn, type Module } from '../src/index.js';
import fixture from './fixtures/reprs.json' with { type: 'json' };
import { moduleReprMakers } from './module-repr-makers.js';
import { activationLossReprMakers } from './reprs-activations-losses.js';

/** Each fixture's module, built the Graft way (PyTorch's keyword arguments in camelCase). */
const makers: Record<string, () => Module> = {
  'Linear(4,2)': () => new nn.Linear(4, 2),
  'Linear(4,2,bias=False)': () => new nn.Linear(4, 2, { bias: false }),
  'Embedding(10,3)': () => new nn.Embedding(10, 3),
  'Embedding(10,3,padding_idx=-1)': () => new nn.Embedding(10, 3, { paddingIdx: -1 }),
  'Embedding(10,3,padding_idx=0)': () => new nn.Embedding(10, 3, { paddingIdx: 0 }),
  'LayerNorm(5)': () => new nn.LayerNorm(5),
  'LayerNorm((2,3),eps=1e-3,elementwise_affine=False)': () => new nn.LayerNorm([2, 3], { eps: 1e-3, elementwiseAffine: false }),
  'LayerNorm(4,eps=1e-12)': () => new nn.LayerNorm(4, { eps: 1e-12 }),
  'LayerNorm(4,eps=1.0)': () => new nn.LayerNorm(4, { eps: 1 }),
  'Dropout()': () => new nn.Dropout(),
  'Dropout(0.1)': () => new nn.Dropout(0.1),
  'Dropout(0.25,inplace=True)': () => new nn.Dropout(0.25, { inplace: true }),
  'Dropout(1.0)': () => new nn.Dropout(1),
  'Dropout(0.0)': () => new nn.Dropout(0),
  'Flatten()': () => new nn.Flatten(),
  'Flatten(0,2)': () => new nn.Flatten(0, 2),
  'Identity()': () => new nn.Identity(),
  'ReLU()': () => new nn.ReLU(),
  'ReLU(inplace=True)': () => new nn.ReLU({ inplace: true }),
  'LeakyReLU()': () => new nn.LeakyReLU(),
  'LeakyReLU(0.2,inplace=True)': () => new nn.LeakyReLU(0.2, { inplace: true }),
  'LeakyReLU(1.0)': () => new nn.LeakyReLU({ negativeSlope: 1 }),
  'Tanh()': () => new nn.Tanh(),
  'Sigmoid()': () => new nn.Sigmoid(),
  'GELU()': () => new nn.GELU(),
  "GELU(approximate='tanh')": () => new nn.GELU({ approximate: 'tanh' }),
  'Softmax()': () => new nn.Softmax(),
  'Softmax(dim=1)': () => new nn.Softmax({ dim: 1 }),
  'Softmax(dim=-1)': () => new nn.Softmax(-1),
  'RNNCell(3,4)': () => new nn.RNNCell(3, 4),
  "RNNCell(3,4,bias=False,nonlinearity='relu')": () => new nn.RNNCell(3, 4, { bias: false, nonlinearity: 'relu' }),
  'LSTMCell(3,4)': () => new nn.LSTMCell(3, 4),
  'GRUCell(3,4,bias=False)': () => new nn.GRUCell(3, 4, { bias: false }),
  'RNN(3,4)': () => new nn.RNN(3, 4),
  "RNN(3,4,num_layers=2,dropout=0.5,nonlinearity='relu')": () => new nn.RNN(3, 4, { numLayers: 2, dropout: 0.5, nonlinearity: 'relu' }),
  'LSTM(3,4,batch_first=True,num_layers=3,dropout=1.0)': () => new nn.LSTM(3, 4, { batchFirst: true, numLayers: 3, dropout: 1 }),
  'GRU(3,4,bias=False,dropout=0.25,num_layers=2)': () => new nn.GRU(3, 4, { bias: false, dropout: 0.25, numLayers: 2 }),
  'GRU(3,4,bidirectional=True)': () => new nn.GRU(3, 4, { bidirectional: true }),
  'LSTM(3,4,num_layers=2,dropout=0.5,bidirectional=True,batch_first=True)': () =>
    new nn.LSTM(3, 4, { numLayers: 2, dropout: 0.5, bidirectional: true, batchFirst: true }),
  'BatchNorm1d(3)': () => new nn.BatchNorm1d(3),
  'BatchNorm1d(3,eps=1e-3,momentum=None,affine=False,track_running_stats=False)': () =>
    new nn.BatchNorm1d(3, { eps: 1e-3, momentum: null, affine: false, trackRunningStats: false }),
  'BatchNorm1d(8,momentum=0.01,eps=0.0001)': () => new nn.BatchNorm1d(8, { momentum: 0.01, eps: 0.0001 }),
  'BatchNorm1d(8,momentum=1.0)': () => new nn.BatchNorm1d(8, { momentum: 1 }),
  'Conv2d(2,4,3)': () => new nn.Conv2d(2, 4, 3),
  'Conv2d(2,4,(2,3),stride=(1,2),padding=1,dilation=2,groups=2,bias=False)': () =>
    new nn.Conv2d(2, 4, [2, 3], { stride: [1, 2], padding: 1, dilation: 2, groups: 2, bias: false }),
  'Conv2d(2,4,3,padding=(0,1))': () => new nn.Conv2d(2, 4, 3, { padding: [0, 1] }),
  'Conv1d(2,4,3,padding=1)': () => new nn.Conv1d(2, 4, 3, { padding: 1 }),
  'Conv1d(2,4,5,stride=2,dilation=2,groups=2,bias=False)': () => new nn.Conv1d(2, 4, 5, { stride: 2, dilation: 2, groups: 2, bias: false }),
  'MaxPool2d(2)': () => new nn.MaxPool2d(2),
  'MaxPool2d(2,ceil_mode=True)': () => new nn.MaxPool2d(2, { ceilMode: true }),
  'MaxPool2d((2,3),stride=1,padding=1,dilation=2,ceil_mode=True)': () =>
    new nn.MaxPool2d([2, 3], { stride: 1, padding: 1, dilation: 2, ceilMode: true }),
  'MaxPool2d(3,stride=(2,1),padding=(1,0))': () => new nn.MaxPool2d(3, { stride: [2, 1], padding: [1, 0] }),
  'AvgPool2d(2)': () => new nn.AvgPool2d(2),
  'AvgPool2d(3,stride=2,padding=1,ceil_mode=True,count_include_pad=False,divisor_override=2)': () =>
    new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false, divisorOverride: 2 }),
  'AvgPool2d((2,3),stride=(1,2))': () => new nn.AvgPool2d([2, 3], { stride: [1, 2] }),
  'ConvTranspose2d(4,2,3,stride=2,padding=1,output_padding=1)': () =>
    new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }),
  'ConvTranspose1d(4,2,3,groups=2,bias=False,dilation=2)': () => new nn.ConvTranspose1d(4, 2, 3, { groups: 2, bias: false, dilation: 2 }),
  'MaxPool1d(3,stride=2,padding=1)': () => new nn.MaxPool1d(3, { stride: 2, padding: 1 }),
  'AvgPool1d(2)': () => new nn.AvgPool1d(2),
  'AdaptiveAvgPool1d(3)': () => new nn.AdaptiveAvgPool1d(3),
  'AdaptiveAvgPool2d((None,3))': () => new nn.AdaptiveAvgPool2d([null, 3]),
  'AdaptiveMaxPool1d(3)': () => new nn.AdaptiveMaxPool1d(3),
  'AdaptiveMaxPool2d(2,return_indices=True)': () => new nn.AdaptiveMaxPool2d(2, { returnIndices: true }),
  'MaxUnpool1d(2)': () => new nn.MaxUnpool1d(2),
  'MaxUnpool2d((2,3),stride=1)': () => new nn.MaxUnpool2d([2, 3], { stride: 1 }),
  "Upsample(scale_factor=1.5,mode='linear')": () => new nn.Upsample({ scaleFactor: 1.5, mode: 'linear' }),
  'UpsamplingNearest2d(size=(3,4))': () => new nn.UpsamplingNearest2d({ size: [3, 4] }),
  'UpsamplingBilinear2d(scale_factor=2)': () => new nn.UpsamplingBilinear2d({ scaleFactor: 2 }),
  'PixelShuffle(2)': () => new nn.PixelShuffle(2),
  'PixelUnshuffle(3)': () => new nn.PixelUnshuffle(3),
  'Unfold(3,padding=1)': () => new nn.Unfold(3, { padding: 1 }),
  'Fold((5,6),(2,3),stride=(1,2))': () => new nn.Fold([5, 6], [2, 3], { stride: [1, 2] }),
  'MSELoss()': () => new nn.MSELoss(),
  "L1Loss(reduction='sum')": () => new nn.L1Loss({ reduction: 'sum' }),
  'NLLLoss()': () => new nn.NLLLoss(),
  'CrossEntropyLoss(label_smoothing=0.1)': () => new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }),
  'BCELoss()': () => new nn.BCELoss(),
  'BCEWithLogitsLoss()': () => new nn.BCEWithLogitsLoss(),
  'Sequential(Linear(1,1),ReLU())': () => new nn.Sequential(new nn.Linear(1, 1), new nn.ReLU()),
  'ModuleList()': () => new nn.ModuleList(),
  'ModuleList([Linear(2,2),Dropout(0.2)])': () => new nn.ModuleList([new nn.Linear(2, 2), new nn.Dropout(0.2)]),
  'Sequential(Sequential(Linear(2,3),LayerNorm(3)),BatchNorm1d(3))': () =>
    new nn.Sequential(new nn.Sequential(new nn.Linear(2, 3), new nn.LayerNorm(3)), new nn.BatchNorm1d(3)),
  'NonDynamicallyQuantizableLinear(4,4)': () => new nn.NonDynamicallyQuantizableLinear(4, 4),
  'MultiheadAttention(8,2)': () => new nn.MultiheadAttention(8, 2),
  'MultiheadAttention(8,2,bias=False,kdim=3,vdim=5)': () => new nn.MultiheadAttention(8, 2, { bias: false, kdim: 3, vdim: 5 }),
  'TransformerEncoderLayer(8,2,16)': () => new nn.TransformerEncoderLayer(8, 2, 16),
  'TransformerEncoderLayer(8,2,16,activation=GELU())': () => new nn.TransformerEncoderLayer(8, 2, 16, 0.1, new nn.GELU()),
  'TransformerDecoderLayer(8,2,16,0.0)': () => new nn.TransformerDecoderLayer(8, 2, 16, 0),
  'TransformerEncoder(TransformerEncoderLayer(8,2,16),2,norm=LayerNorm(8))': () =>
    new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, 16), 2, { norm: new nn.LayerNorm(8) }),
  'TransformerDecoder(TransformerDecoderLayer(8,2,16),1)': () => new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2, 16), 1),
  'Transformer(d_model=8,nhead=2,num_encoder_layers=1,num_decoder_layers=1,dim_feedforward=16)': () =>
    new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16 }),
};

describe("module reprs are PyTorch's repr(module)", () => {
  for (const [name, expected] of Object.entries(fixture.data as Record<string, string>)) {
    it(name, () => {
      expect(makers[name], `no Graft constructor for fixture ${name}`).toBeDefined();
      expect(String(makers[name]!())).toBe(expected);
    });
  }

  it('every layer class in nn has at least one repr fixture', () => {
    // modules.json (generate_nn_modules.py) holds the reprs of the normalisation layers, EmbeddingBag, Bilinear and the dict/list containers;
    // activations-losses.json those of the activations and losses (activations.test.ts checks them).
    const covered = new Set(
      [...Object.values(makers), ...Object.values(moduleReprMakers), ...Object.values(activationLossReprMakers)].map(
        (make) => make().constructor.name,
      ),
    );
    const layers = Object.entries(nn)
      .filter(([, v]) => typeof v === 'function' && v.prototype instanceof nn.Module)
      .map(([k]) => k);
    expect(layers.filter((k) => !covered.has(k))).toEqual([]);
  });

  it('LeakyReLU has the gradient of PyTorch (the slope at 0 and below)', () => {
    expect(
      g.autograd.gradcheck(
        (x) => new nn.LeakyReLU(0.2).call(x) as g.Tensor,
        [g.tensor([-1.5, 0.5, 2], { dtype: 'float64', requiresGrad: true })],
      ),
    ).toBe(true);
    const x = g.tensor([-2, 0, 3], { requiresGrad: true });
    nn.F.leakyRelu(x, { negativeSlope: 0.5 }).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([0.5, 0.5, 1]);
  });
});
