/**
 * Every options object in @graft/nn rejects unknown keys, naming the entry
 * point and the key. The table below calls each entry point with a misspelt
 * key; a second test reads the package's exports with the TypeScript
 * compiler and fails when an exported function, constructor or method that
 * takes an options object is missing from the table — so a new one cannot
 * be added without its check.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as nnPackage from '../src/index.js';
import { F, init, nn } from '../src/index.js';
import { activationLossOptionRows } from './options-activations-losses.js';

type Call = (bad: Record<string, unknown>) => unknown;
/** [entry point as the coverage test names it, the name the error must carry, a call with the options, a misspelt key]. */
type Entry = [string, string, Call, string];

const x4 = () => g.randn(1, 2, 4, 4);
const ints = () => g.tensor([0, 1], { dtype: 'int32' });
const probs = () => g.tensor([0.2, 0.7]);
const bytes = () => nnPackage.saveSafetensors({ w: g.zeros(2) });
const seq = () => g.randn(3, 1, 4);
const attn = () => new nn.MultiheadAttention(4, 2);
const encLayer = () => new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 4 });
const decLayer = () => new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 4 });
const tiny = () => new nn.Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 4 });
const any = (f: unknown) => f as (...args: unknown[]) => unknown;

const table: Entry[] = [
  // layer constructors
  ['new Parameter', 'Parameter', (o) => new nn.Parameter(g.zeros(1), o), 'requires_grad'],
  ['new Linear', 'Linear', (o) => new nn.Linear(2, 3, o), 'biass'],
  ['new Embedding', 'Embedding', (o) => new nn.Embedding(4, 2, o), 'padding_idx'],
  ['new LayerNorm', 'LayerNorm', (o) => new nn.LayerNorm(3, o), 'elementwise_affine'],
  ['new Dropout', 'Dropout', (o) => new nn.Dropout(o), 'prob'],
  ['new Flatten', 'Flatten', (o) => new nn.Flatten(o), 'start_dim'],
  ['new ReLU', 'ReLU', (o) => new nn.ReLU(o), 'in_place'],
  ['new LeakyReLU', 'LeakyReLU', (o) => new nn.LeakyReLU(o), 'negative_slope'],
  ['new Tanh', 'Tanh', (o) => new nn.Tanh(o as nn.NoOptions), 'inplace'],
  ['new Sigmoid', 'Sigmoid', (o) => new nn.Sigmoid(o as nn.NoOptions), 'inplace'],
  ['new GELU', 'GELU', (o) => new nn.GELU(o), 'approx'],
  ['new Softmax', 'Softmax', (o) => new nn.Softmax(o), 'axis'],
  ['new RNNCell', 'RNNCell', (o) => new nn.RNNCell(2, 3, o), 'non_linearity'],
  ['new LSTMCell', 'LSTMCell', (o) => new nn.LSTMCell(2, 3, o), 'biases'],
  ['new GRUCell', 'GRUCell', (o) => new nn.GRUCell(2, 3, o), 'biases'],
  ['new RNN', 'RNN', (o) => new nn.RNN(2, 3, o), 'num_layers'],
  ['new LSTM', 'LSTM', (o) => new nn.LSTM(2, 3, o), 'batch_first'],
  ['new GRU', 'GRU', (o) => new nn.GRU(2, 3, o), 'nonlinearity'],
  ['new BatchNorm1d', 'BatchNorm1d', (o) => new nn.BatchNorm1d(3, o), 'track_running_stats'],
  ['new Conv1d', 'Conv1d', (o) => new nn.Conv1d(2, 3, 3, o), 'padding_mode'],
  ['new Conv2d', 'Conv2d', (o) => new nn.Conv2d(2, 3, 3, o), 'strides'],
  ['new MaxPool2d', 'MaxPool2d', (o) => new nn.MaxPool2d(2, o), 'ceil_mode'],
  ['new AvgPool2d', 'AvgPool2d', (o) => new nn.AvgPool2d(2, o), 'count_include_pad'],
  ['new MSELoss', 'MSELoss', (o) => new nn.MSELoss(o), 'reduce'],
  ['new L1Loss', 'L1Loss', (o) => new nn.L1Loss(o), 'size_average'],
  ['new NLLLoss', 'NLLLoss', (o) => new nn.NLLLoss(o), 'ignore_index'],
  ['new CrossEntropyLoss', 'CrossEntropyLoss', (o) => new nn.CrossEntropyLoss(o), 'label_smoothing'],
  ['new BCELoss', 'BCELoss', (o) => new nn.BCELoss(o), 'weights'],
  ['new BCEWithLogitsLoss', 'BCEWithLogitsLoss', (o) => new nn.BCEWithLogitsLoss(o), 'pos_weight'],
  ['new MultiheadAttention', 'MultiheadAttention', (o) => new nn.MultiheadAttention(4, 2, o), 'batch_first'],
  ['new NonDynamicallyQuantizableLinear', 'Linear', (o) => new nn.NonDynamicallyQuantizableLinear(2, 3, o), 'biass'],
  ['new TransformerEncoderLayer', 'TransformerEncoderLayer', (o) => new nn.TransformerEncoderLayer(4, 2, o), 'dim_feedforward'],
  ['new TransformerDecoderLayer', 'TransformerDecoderLayer', (o) => new nn.TransformerDecoderLayer(4, 2, o), 'norm_first'],
  ['new TransformerEncoder', 'TransformerEncoder', (o) => new nn.TransformerEncoder(new nn.Identity(), 1, o), 'enable_nested_tensor'],
  ['new TransformerDecoder', 'TransformerDecoder', (o) => new nn.TransformerDecoder(new nn.Identity(), 1, o), 'layers'],
  ['new Transformer', 'Transformer', (o) => new nn.Transformer(o), 'd_model'],
  ['MultiheadAttention.forward', 'MultiheadAttention.forward', (o) => attn().call(seq(), seq(), seq(), o), 'key_padding_mask'],
  ['TransformerEncoderLayer.forward', 'TransformerEncoderLayer.forward', (o) => encLayer().call(seq(), o), 'src_mask'],
  ['TransformerDecoderLayer.forward', 'TransformerDecoderLayer.forward', (o) => decLayer().call(seq(), seq(), o), 'tgt_mask'],
  ['TransformerEncoder.forward', 'TransformerEncoder.forward', (o) => new nn.TransformerEncoder(encLayer(), 1).call(seq(), o), 'src_mask'],
  [
    'TransformerDecoder.forward',
    'TransformerDecoder.forward',
    (o) => new nn.TransformerDecoder(decLayer(), 1).call(seq(), seq(), o),
    'memory_mask',
  ],
  ['Transformer.forward', 'Transformer.forward', (o) => tiny().call(seq(), seq(), o), 'tgt_is_causal'],
  [
    'Transformer.generateSquareSubsequentMask',
    'generateSquareSubsequentMask',
    (o) => nn.Transformer.generateSquareSubsequentMask(2, o as never),
    'devices',
  ],
  ['new BatchNorm2d', 'BatchNorm2d', (o) => new nn.BatchNorm2d(3, o), 'track_running_stats'],
  ['new InstanceNorm1d', 'InstanceNorm1d', (o) => new nn.InstanceNorm1d(3, o), 'track_running_stats'],
  ['new InstanceNorm2d', 'InstanceNorm2d', (o) => new nn.InstanceNorm2d(3, o), 'affin'],
  ['new GroupNorm', 'GroupNorm', (o) => new nn.GroupNorm(1, 3, o), 'num_groups'],
  ['new RMSNorm', 'RMSNorm', (o) => new nn.RMSNorm(3, o), 'elementwise_affine'],
  ['new LocalResponseNorm', 'LocalResponseNorm', (o) => new nn.LocalResponseNorm(3, o), 'alfa'],
  ['new Bilinear', 'Bilinear', (o) => new nn.Bilinear(2, 2, 2, o), 'biass'],
  ['new EmbeddingBag', 'EmbeddingBag', (o) => new nn.EmbeddingBag(4, 2, o), 'include_last_offset'],
  ['Embedding.fromPretrained', 'Embedding.fromPretrained', (o) => nn.Embedding.fromPretrained(g.zeros(2, 2), o), 'frozen'],
  ['EmbeddingBag.fromPretrained', 'EmbeddingBag.fromPretrained', (o) => nn.EmbeddingBag.fromPretrained(g.zeros(2, 2), o), 'padding_idx'],
  // Module methods
  ['Module.zeroGrad', 'zeroGrad', (o) => new nn.Linear(1, 1).zeroGrad(o), 'set_to_none'],
  ['Module.stateDict', 'stateDict', (o) => new nn.Linear(1, 1).stateDict(o), 'keep_vars'],
  ['Module.loadStateDict', 'loadStateDict', (o) => new nn.Linear(1, 1).loadStateDict(new nn.Linear(1, 1).stateDict(), o), 'strictness'],
  ['Module.to', 'to', (o) => new nn.Linear(1, 1).to(o), 'non_blocking'],
  ['Module.parameters', 'parameters', (o) => new nn.Linear(1, 1).parameters(o), 'recursive'],
  ['Module.namedParameters', 'namedParameters', (o) => new nn.Linear(1, 1).namedParameters(o), 'remove_duplicate'],
  ['Module.buffers', 'buffers', (o) => new nn.BatchNorm1d(1).buffers(o), 'recursive'],
  ['Module.namedBuffers', 'namedBuffers', (o) => new nn.BatchNorm1d(1).namedBuffers(o), 'remove_duplicate'],
  ['Module.namedModules', 'namedModules', (o) => new nn.Linear(1, 1).namedModules(o), 'memo'],
  ['Module.registerBuffer', 'registerBuffer', (o) => new nn.Linear(1, 1).registerBuffer('b', g.zeros(1), o), 'persistant'],
  [
    'Module.registerForwardPreHook',
    'registerForwardPreHook',
    (o) => new nn.Linear(1, 1).registerForwardPreHook(() => {}, o),
    'with_kwargs',
  ],
  ['Module.registerForwardHook', 'registerForwardHook', (o) => new nn.Linear(1, 1).registerForwardHook(() => {}, o), 'always_call'],
  [
    'Module.registerFullBackwardHook',
    'registerFullBackwardHook',
    (o) => new nn.Linear(1, 1).registerFullBackwardHook(() => {}, o),
    'prepended',
  ],
  ['summary', 'summary', (o) => nn.summary(new nn.Linear(2, 1), [1, 2], o), 'col_names'],
  // nn.utils
  ['rnn.padSequence', 'padSequence', (o) => nn.utils.rnn.padSequence([g.zeros(2)], o), 'batch_first'],
  ['rnn.packPaddedSequence', 'packPaddedSequence', (o) => nn.utils.rnn.packPaddedSequence(g.zeros(2, 1), [2], o), 'enforce_sorted'],
  [
    'rnn.padPackedSequence',
    'padPackedSequence',
    (o) => nn.utils.rnn.padPackedSequence(nn.utils.rnn.packSequence([g.zeros(2)]), o),
    'total_length',
  ],
  ['rnn.packSequence', 'packSequence', (o) => nn.utils.rnn.packSequence([g.zeros(2)], o), 'enforce_sorted'],
  ['rnn.unpadSequence', 'unpadSequence', (o) => nn.utils.rnn.unpadSequence(g.zeros(2, 1), [2], o), 'batch_first'],
  ['utils.spectralNorm', 'spectralNorm', (o) => nn.utils.spectralNorm(new nn.Linear(2, 2), 'weight', o), 'n_power_iterations'],
  // safetensors
  ['loadSafetensors', 'loadSafetensors', (o) => nnPackage.loadSafetensors(bytes(), o), 'map_location'],
  ['loadSafetensorsWithMetadata', 'loadSafetensors', (o) => nnPackage.loadSafetensorsWithMetadata(bytes(), o), 'devices'],
  // nn.functional
  ['F.linear', 'linear', (o) => F.linear(g.randn(2, 3), g.randn(4, 3), o), 'biass'],
  ['F.relu', 'relu', (o) => F.relu(g.randn(2), o), 'in_place'],
  ['F.leakyRelu', 'leakyRelu', (o) => F.leakyRelu(g.randn(2), o), 'negative_slope'],
  ['F.gelu', 'gelu', (o) => F.gelu(g.randn(2), o), 'approx'],
  ['F.softmax', 'softmax', (o) => F.softmax(g.randn(2), o), 'axis'],
  ['F.logSoftmax', 'logSoftmax', (o) => F.logSoftmax(g.randn(2), o), 'axis'],
  ['F.dropout', 'dropout', (o) => F.dropout(g.randn(2), o), 'train'],
  ['F.layerNorm', 'layerNorm', (o) => F.layerNorm(g.randn(2, 3), [3], o), 'epsilon'],
  ['F.embedding', 'embedding', (o) => F.embedding(ints(), g.randn(3, 2), o), 'max_norm'],
  ['F.scaledDotProductAttention', 'scaledDotProductAttention', (o) => F.scaledDotProductAttention(seq(), seq(), seq(), o), 'is_causal'],
  [
    'F.multiHeadAttentionForward',
    'multiHeadAttentionForward',
    (o) => F.multiHeadAttentionForward(seq(), seq(), seq(), 4, 2, g.randn(12, 4), null, null, null, false, 0, g.randn(4, 4), null, o),
    'need_weights',
  ],
  ['F.batchNorm', 'batchNorm', (o) => F.batchNorm(g.randn(2, 3), null, null, o), 'running_mean'],
  ['F.instanceNorm', 'instanceNorm', (o) => F.instanceNorm(g.randn(1, 2, 3), o), 'use_input_stats'],
  ['F.groupNorm', 'groupNorm', (o) => F.groupNorm(g.randn(1, 2, 3), 1, o), 'epsilon'],
  ['F.rmsNorm', 'rmsNorm', (o) => F.rmsNorm(g.randn(2, 3), [3], o), 'epsilon'],
  ['F.localResponseNorm', 'localResponseNorm', (o) => F.localResponseNorm(g.randn(1, 2, 3), 2, o), 'alfa'],
  ['F.bilinear', 'bilinear', (o) => F.bilinear(g.randn(1, 2), g.randn(1, 2), g.randn(1, 2, 2), o), 'biass'],
  ['F.embeddingBag', 'embeddingBag', (o) => F.embeddingBag(g.tensor([[0]], { dtype: 'int32' }), g.randn(2, 2), o), 'per_sample_weights'],
  ['F.oneHot', 'oneHot', (o) => F.oneHot(ints(), o), 'num_classes'],
  ['F.conv1d', 'conv1d', (o) => F.conv1d(g.randn(1, 2, 5), g.randn(3, 2, 3), o), 'stide'],
  ['F.conv2d', 'conv2d', (o) => F.conv2d(x4(), g.randn(3, 2, 3, 3), o), 'dilations'],
  ['F.maxPool2d', 'maxPool2d', (o) => F.maxPool2d(x4(), 2, o), 'ceil_mode'],
  ['F.avgPool2d', 'avgPool2d', (o) => F.avgPool2d(x4(), 2, o), 'divisor_override'],
  ['F.mseLoss', 'mseLoss', (o) => F.mseLoss(probs(), probs(), o), 'reduce'],
  ['F.l1Loss', 'l1Loss', (o) => F.l1Loss(probs(), probs(), o), 'reductions'],
  ['F.nllLoss', 'nllLoss', (o) => F.nllLoss(g.randn(2, 3), ints(), o), 'ignore_index'],
  ['F.crossEntropy', 'crossEntropy', (o) => F.crossEntropy(g.randn(2, 3), ints(), o), 'label_smoothing'],
  ['F.binaryCrossEntropy', 'binaryCrossEntropy', (o) => F.binaryCrossEntropy(probs(), probs(), o), 'weights'],
  [
    'F.binaryCrossEntropyWithLogits',
    'binaryCrossEntropyWithLogits',
    (o) => F.binaryCrossEntropyWithLogits(probs(), probs(), o),
    'pos_weight',
  ],
  // nn.init
  ['init.uniform_', 'uniform_', (o) => init.uniform_(g.empty(2), o), 'low'],
  ['init.normal_', 'normal_', (o) => init.normal_(g.empty(2), o), 'sigma'],
  ['init.xavierUniform_', 'xavierUniform_', (o) => init.xavierUniform_(g.empty(2, 2), o), 'gains'],
  ['init.xavierNormal_', 'xavierNormal_', (o) => init.xavierNormal_(g.empty(2, 2), o), 'gains'],
  ['init.kaimingUniform_', 'kaimingUniform_', (o) => init.kaimingUniform_(g.empty(2, 2), o), 'non_linearity'],
  ['init.kaimingNormal_', 'kaimingNormal_', (o) => init.kaimingNormal_(g.empty(2, 2), o), 'fan_mode'],
  ...activationLossOptionRows,
];

describe('every options object in @graft/nn rejects an unknown key, naming the entry point and the key', () => {
  for (const [entry, op, call, bad] of table) {
    it(`${entry}({ ${bad} })`, () => {
      let error: unknown;
      try {
        call({ [bad]: 1 });
      } catch (e) {
        error = e;
      }
      expect(error, `${entry} accepted the unknown option '${bad}'`).toBeInstanceOf(Error);
      const message = (error as Error).message;
      expect(message.startsWith(`${op}: `), message).toBe(true);
      expect(message).toContain(`'${bad}'`);
    });
  }

  it('the reported example: new MaxPool2d(2, { ceil_mode: true }) throws and suggests ceilMode', () => {
    expect(() => new nn.MaxPool2d(2, { ceil_mode: true } as never)).toThrow(
      "MaxPool2d: unknown option 'ceil_mode' (did you mean 'ceilMode'?)",
    );
  });

  it('an options object is the last argument; a keyword given twice is an error', () => {
    expect(() => any(F.maxPool2d)(x4(), 2, { stride: 1 }, 0)).toThrow('an options object must be the last argument');
    expect(() => any(F.conv2d)(x4(), g.randn(3, 2, 3, 3), null, 1, { stride: 2 })).toThrow(
      "conv2d: got multiple values for argument 'stride'",
    );
    expect(() => any(F.maxPool2d)(x4(), 2, 1, 0, 1, false, true)).toThrow('takes at most 4 optional positional argument(s)');
  });

  it('Module methods take PyTorch keyword arguments (recurse was silently truthy)', () => {
    const model = new nn.Sequential(new nn.Linear(1, 1), new nn.BatchNorm1d(1));
    expect(model.parameters({ recurse: false })).toEqual([]);
    expect(model.namedParameters({ prefix: 'm' }).map(([n]) => n)).toEqual(['m.0.weight', 'm.0.bias', 'm.1.weight', 'm.1.bias']);
    expect(model.buffers(false)).toEqual([]);
    expect(model.namedBuffers({ prefix: 'm' }).map(([n]) => n)).toEqual(['m.1.running_mean', 'm.1.running_var', 'm.1.num_batches_tracked']);
    model.registerBuffer('scratch', g.zeros(1), { persistent: false });
    expect(Object.keys(model.stateDict())).not.toContain('scratch');
    expect(new nn.Parameter(g.zeros(1), { requiresGrad: false }).requiresGrad).toBe(false);
    expect(() => model.train({ mode: false } as never)).toThrow('train: training mode is expected to be boolean');
  });

  it('containers take modules only (anything else was silently kept as a plain property)', () => {
    expect(() => new nn.Sequential(new nn.Linear(1, 1), { inplace: true } as never)).toThrow('Sequential: Object is not a Module subclass');
    expect(() => new nn.ModuleList([new nn.ReLU(), 3 as never])).toThrow('ModuleList: number is not a Module subclass');
    expect(Object.keys(new nn.Sequential(new Map([['fc', new nn.Linear(2, 1)]])).stateDict())).toEqual(['fc.weight', 'fc.bias']);
  });
});

/** The entry points of the package that take an options object, read from its types. */
function entryPointsWithOptions(): string[] {
  const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const program = ts.createProgram([index], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const resolve = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);

  /** An options bag: a plain object type whose properties are all optional (not a class instance, array or function). */
  const isOptionsBag = (type: ts.Type): boolean => {
    const members = type.isUnion() ? type.types : [type];
    return members.some((t) => {
      if (!(t.flags & ts.TypeFlags.Object) || checker.isArrayType(t) || checker.isTupleType(t)) return false;
      if (t.getCallSignatures().length || t.getConstructSignatures().length || checker.getIndexInfosOfType(t).length) return false;
      if ((t.getSymbol()?.flags ?? 0) & ts.SymbolFlags.Class) return false;
      const props = t.getProperties();
      return props.length > 0 && props.every((p) => (p.flags & ts.SymbolFlags.Optional) !== 0);
    });
  };
  const takesOptions = (signatures: readonly ts.Signature[], at: ts.Node) =>
    signatures.some((sig) =>
      sig.getParameters().some((p) => p.name === 'options' || isOptionsBag(checker.getTypeOfSymbolAtLocation(p, at))),
    );

  const found = new Set<string>();
  const seen = new Set<ts.Symbol>();
  const visit = (symbols: ts.Symbol[], prefix: string) => {
    for (const exported of symbols) {
      const s = resolve(exported);
      const decl = s.valueDeclaration ?? s.declarations?.[0];
      if (decl === undefined || seen.has(s)) continue;
      seen.add(s);
      if (s.flags & ts.SymbolFlags.ValueModule) {
        // `export * as F` and `export * as functional` are one module: the first name wins.
        visit(checker.getExportsOfModule(s), `${exported.name}.`);
        continue;
      }
      const type = checker.getTypeOfSymbolAtLocation(s, decl);
      if (s.flags & ts.SymbolFlags.Class) {
        if (takesOptions(type.getConstructSignatures(), decl)) found.add(`new ${s.name}`);
        for (const member of (decl as ts.ClassDeclaration).members) {
          if (
            !ts.isMethodDeclaration(member) ||
            !member.name ||
            ts.getCombinedModifierFlags(member) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)
          )
            continue;
          const method = checker.getSymbolAtLocation(member.name)!;
          if (takesOptions(checker.getTypeOfSymbolAtLocation(method, member).getCallSignatures(), member))
            found.add(`${s.name}.${method.name}`);
        }
      } else if (type.getCallSignatures().length) {
        if (takesOptions(type.getCallSignatures(), decl)) found.add(`${prefix}${exported.name}`);
      }
    }
  };
  // Top-level names first, then the namespaces with F before functional (the same module), so table rows read as users write them.
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(index)!)!);
  const rank = (s: ts.Symbol) => (!(resolve(s).flags & ts.SymbolFlags.ValueModule) ? 0 : s.name === 'F' ? 1 : 2);
  visit(
    [...exports].sort((a, b) => rank(a) - rank(b)),
    '',
  );
  return [...found].sort();
}

describe('the table covers every exported entry point that takes an options object', () => {
  it('read from the package types: none is missing from the table', () => {
    const inTable = new Set(table.map(([entry]) => entry));
    const found = entryPointsWithOptions();
    expect(found.length).toBeGreaterThan(50);
    expect(
      found.filter((e) => !inTable.has(e)),
      'entry points that take options but have no row in the table',
    ).toEqual([]);
    expect(
      [...inTable].filter((e) => !found.includes(e)),
      'table rows that name no such entry point',
    ).toEqual([]);
  });
});
