/**
 * The options table's rows (options.test.ts) for the activations, the
 * regression/margin/likelihood/CTC losses, the distances and the structured
 * initialisers: each entry point called with a misspelt key.
 */
import * as g from '@graft/core';
import { F, init, nn } from '../src/index.js';

/** [entry point as the coverage test names it, the name the error must carry, a call with the options, a misspelt key]. */
type Entry = [string, string, (bad: Record<string, unknown>) => unknown, string];
type O = Record<string, unknown>;

const x = () => g.randn(2, 4);
const y = () => g.randn(2, 4);
const t = () => g.tensor([1, -1]);
const cls = () => g.tensor([0, 3], { dtype: 'int32' });

/** An activation that takes only an options object: its F form and its module, each with a misspelt key. */
const activation = (name: string, module: string, key: string): Entry[] => [
  [`F.${name}`, name, (o) => (F as unknown as Record<string, (x: g.Tensor, o: O) => unknown>)[name]!(x(), o), key],
  [`new ${module}`, module, (o) => new (nn as unknown as Record<string, new (o: O) => unknown>)[module]!(o), key],
];

export const activationLossOptionRows: Entry[] = [
  ...activation('elu', 'ELU', 'alpah'),
  ...activation('celu', 'CELU', 'apha'),
  ...activation('selu', 'SELU', 'in_place'),
  ...activation('silu', 'SiLU', 'in_place'),
  ...activation('mish', 'Mish', 'in_place'),
  ...activation('softplus', 'Softplus', 'thresh'),
  ...activation('hardtanh', 'Hardtanh', 'min_val'),
  ...activation('relu6', 'ReLU6', 'in_place'),
  ...activation('hardswish', 'Hardswish', 'in_place'),
  ...activation('hardsigmoid', 'Hardsigmoid', 'in_place'),
  ...activation('softshrink', 'Softshrink', 'lambda'),
  ...activation('hardshrink', 'Hardshrink', 'lambda'),
  ...activation('softmin', 'Softmin', 'axis'),
  ['F.glu', 'glu', (o) => F.glu(x(), o), 'axis'],
  ['new GLU', 'GLU', (o) => new nn.GLU(o), 'axis'],
  ['F.threshold', 'threshold', (o) => F.threshold(x(), { threshold: 0, value: 0, ...o }), 'val'],
  ['new Threshold', 'Threshold', (o) => new nn.Threshold({ threshold: 0, value: 0, ...o }), 'val'],
  ['new LogSoftmax', 'LogSoftmax', (o) => new nn.LogSoftmax(o), 'axis'],
  ['new PReLU', 'PReLU', (o) => new nn.PReLU(o), 'num_parameters'],
  ['new Softsign', 'Softsign', (o) => new nn.Softsign(o as nn.NoOptions), 'inplace'],
  ['new Tanhshrink', 'Tanhshrink', (o) => new nn.Tanhshrink(o as nn.NoOptions), 'inplace'],
  ['new LogSigmoid', 'LogSigmoid', (o) => new nn.LogSigmoid(o as nn.NoOptions), 'inplace'],
  ['new Softmax2d', 'Softmax2d', (o) => new nn.Softmax2d(o as nn.NoOptions), 'dim'],
  // losses
  ['F.huberLoss', 'huberLoss', (o) => F.huberLoss(x(), y(), o), 'beta'],
  ['new HuberLoss', 'HuberLoss', (o) => new nn.HuberLoss(o), 'beta'],
  ['F.smoothL1Loss', 'smoothL1Loss', (o) => F.smoothL1Loss(x(), y(), o), 'delta'],
  ['new SmoothL1Loss', 'SmoothL1Loss', (o) => new nn.SmoothL1Loss(o), 'delta'],
  ['F.klDiv', 'klDiv', (o) => F.klDiv(x(), y(), o), 'log_target'],
  ['new KLDivLoss', 'KLDivLoss', (o) => new nn.KLDivLoss(o), 'log_target'],
  ['F.cosineEmbeddingLoss', 'cosineEmbeddingLoss', (o) => F.cosineEmbeddingLoss(x(), y(), t(), o), 'margins'],
  ['new CosineEmbeddingLoss', 'CosineEmbeddingLoss', (o) => new nn.CosineEmbeddingLoss(o), 'margins'],
  ['F.marginRankingLoss', 'marginRankingLoss', (o) => F.marginRankingLoss(t(), t(), t(), o), 'margins'],
  ['new MarginRankingLoss', 'MarginRankingLoss', (o) => new nn.MarginRankingLoss(o), 'margins'],
  ['F.tripletMarginLoss', 'tripletMarginLoss', (o) => F.tripletMarginLoss(x(), y(), x(), o), 'swapped'],
  ['new TripletMarginLoss', 'TripletMarginLoss', (o) => new nn.TripletMarginLoss(o), 'swapped'],
  ['F.hingeEmbeddingLoss', 'hingeEmbeddingLoss', (o) => F.hingeEmbeddingLoss(t(), t(), o), 'margins'],
  ['new HingeEmbeddingLoss', 'HingeEmbeddingLoss', (o) => new nn.HingeEmbeddingLoss(o), 'margins'],
  ['F.softMarginLoss', 'softMarginLoss', (o) => F.softMarginLoss(t(), t(), o), 'reduce'],
  ['new SoftMarginLoss', 'SoftMarginLoss', (o) => new nn.SoftMarginLoss(o), 'reduce'],
  ['F.multilabelSoftMarginLoss', 'multilabelSoftMarginLoss', (o) => F.multilabelSoftMarginLoss(x(), y(), o), 'weights'],
  ['new MultiLabelSoftMarginLoss', 'MultiLabelSoftMarginLoss', (o) => new nn.MultiLabelSoftMarginLoss(o), 'weights'],
  ['F.multiMarginLoss', 'multiMarginLoss', (o) => F.multiMarginLoss(x(), cls(), o), 'power'],
  ['new MultiMarginLoss', 'MultiMarginLoss', (o) => new nn.MultiMarginLoss(o), 'power'],
  ['F.poissonNllLoss', 'poissonNllLoss', (o) => F.poissonNllLoss(x(), y(), o), 'log_input'],
  ['new PoissonNLLLoss', 'PoissonNLLLoss', (o) => new nn.PoissonNLLLoss(o), 'log_input'],
  ['F.gaussianNllLoss', 'gaussianNllLoss', (o) => F.gaussianNllLoss(x(), y(), g.ones(2, 4), o), 'epsilon'],
  ['new GaussianNLLLoss', 'GaussianNLLLoss', (o) => new nn.GaussianNLLLoss(o), 'epsilon'],
  [
    'F.ctcLoss',
    'ctcLoss',
    (o) => F.ctcLoss(g.randn(4, 1, 3).logSoftmax(2), g.tensor([[1]], { dtype: 'int32' }), [4], [1], o),
    'zero_infinity',
  ],
  ['new CTCLoss', 'CTCLoss', (o) => new nn.CTCLoss(o), 'zero_infinity'],
  // distances
  ['F.cosineSimilarity', 'cosineSimilarity', (o) => F.cosineSimilarity(x(), y(), o), 'axis'],
  ['F.pairwiseDistance', 'pairwiseDistance', (o) => F.pairwiseDistance(x(), y(), o), 'keep_dim'],
  ['F.normalize', 'normalize', (o) => F.normalize(x(), o), 'axis'],
  // nn.init
  ['init.truncNormal_', 'truncNormal_', (o) => init.truncNormal_(g.empty(2), o), 'sigma'],
  ['init.orthogonal_', 'orthogonal_', (o) => init.orthogonal_(g.empty(2, 2), o), 'gains'],
  ['init.dirac_', 'dirac_', (o) => init.dirac_(g.empty(2, 2, 3), o), 'group'],
  ['init.sparse_', 'sparse_', (o) => init.sparse_(g.empty(2, 2), 0.5, o), 'sigma'],
];
