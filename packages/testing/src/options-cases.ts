/**
 * Every public function and method of @graft/core that takes an options
 * object, called with a misspelt key: each must throw an error naming the op
 * and the key (`g.checkOptions`), never ignore it. Core's own tests check,
 * from the type declarations, that this table lists every such function.
 */
import * as g from '@graft/core';
import { assertThrows } from './assert.js';
import { constructionOptionsTable } from './options-construction.js';
import type { TestApi } from './index.js';
import { linalgOptionsTable } from './linalg-options.js';

/** One options-taking function, called with a misspelt key. */
export interface OptionsEntry {
  /** Its public name: `sum` (g.sum), `Tensor.sum` (the method), `autograd.grad`, `autograd.functional.vjp`, … */
  name: string;
  /** The op name its error must contain. */
  op: string;
  /** A misspelling a user might type. */
  key: string;
  /** Calls it with `options` as its options object. */
  call: (options: Record<string, unknown>) => unknown;
}

type O = Record<string, unknown>;
const x = () =>
  g.tensor([
    [1, 2],
    [3, 4],
  ]);
const v = () => g.tensor([1, 2, 3]);
const leaf = () => g.tensor([1, 2], { dtype: g.getBackend().supportsFloat64 ? 'float64' : 'float32', requiresGrad: true });

/** Functions and methods with the same options: `name` and `Tensor.name`. */
function both(
  name: string,
  key: string,
  fn: (t: g.Tensor, o: O) => unknown,
  method: (t: g.Tensor, o: O) => unknown,
  make = x,
): OptionsEntry[] {
  return [
    { name, op: name, key, call: (o) => fn(make(), o) },
    { name: `Tensor.${name}`, op: name, key, call: (o) => method(make(), o) },
  ];
}

const lib = g as unknown as Record<string, (...a: unknown[]) => unknown>;
const reduction = (name: string, key = 'keepDims', make = x): OptionsEntry[] =>
  both(
    name,
    key,
    (t, o) => lib[name]!(t, 0, o),
    (t, o) => (t as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(0, o),
    make,
  );

/** The table: every options-taking public function and Tensor method of @graft/core. */
export const optionsTable: OptionsEntry[] = [
  // creation
  { name: 'tensor', op: 'tensor', key: 'dtpye', call: (o) => g.tensor([1], o) },
  { name: 'zeros', op: 'zeros', key: 'requires_grad', call: (o) => g.zeros(2, o) },
  { name: 'ones', op: 'ones', key: 'Device', call: (o) => g.ones([2], o) },
  { name: 'empty', op: 'empty', key: 'requiresgrad', call: (o) => g.empty(2, o) },
  { name: 'full', op: 'full', key: 'dtyp', call: (o) => g.full([2], 1, o) },
  { name: 'arange', op: 'arange', key: 'stepSize', call: (o) => g.arange(3, o) },
  { name: 'linspace', op: 'linspace', key: 'endpoint', call: (o) => g.linspace(0, 1, 3, o) },
  { name: 'eye', op: 'eye', key: 'm', call: (o) => g.eye(2, o) },
  { name: 'rand', op: 'rand', key: 'generator_', call: (o) => g.rand(2, o) },
  { name: 'randn', op: 'randn', key: 'requires_grad', call: (o) => g.randn(2, o) },
  { name: 'randint', op: 'randint', key: 'size', call: (o) => g.randint(0, 5, [2], o) },
  { name: 'zerosLike', op: 'zerosLike', key: 'dtpye', call: (o) => g.zerosLike(v(), o) },
  { name: 'onesLike', op: 'onesLike', key: 'dtpye', call: (o) => g.onesLike(v(), o) },
  { name: 'fullLike', op: 'fullLike', key: 'dtpye', call: (o) => g.fullLike(v(), 2, o) },
  { name: 'randLike', op: 'randLike', key: 'dtpye', call: (o) => g.randLike(v(), o) },
  { name: 'randnLike', op: 'randnLike', key: 'dtpye', call: (o) => g.randnLike(v(), o) },
  // random (sampling-cases.ts has the values)
  { name: 'randintLike', op: 'randintLike', key: 'generater', call: (o) => g.randintLike(v(), 5, o) },
  { name: 'randperm', op: 'randperm', key: 'gen', call: (o) => g.randperm(4, o) },
  ...both(
    'multinomial',
    'replace',
    (t, o) => g.multinomial(t, 1, o),
    (t, o) => t.multinomial(1, o),
    v,
  ),
  ...both(
    'bernoulli',
    'prob',
    (t, o) => g.bernoulli(t, o),
    (t, o) => t.bernoulli(o),
    () => g.tensor([0.5, 0.5]),
  ),
  { name: 'normal', op: 'normal', key: 'generater', call: (o) => g.normal(v(), 1, o) },
  { name: 'Tensor.uniform_', op: 'uniform_', key: 'low', call: (o) => v().uniform_(o) },
  { name: 'Tensor.normal_', op: 'normal_', key: 'sigma', call: (o) => v().normal_(o) },
  { name: 'Tensor.bernoulli_', op: 'bernoulli_', key: 'prob', call: (o) => v().bernoulli_(o) },
  { name: 'Tensor.exponential_', op: 'exponential_', key: 'lambda', call: (o) => v().exponential_(o) },
  { name: 'Tensor.geometric_', op: 'geometric_', key: 'prob', call: (o) => v().geometric_(0.5, o) },
  { name: 'Tensor.cauchy_', op: 'cauchy_', key: 'scale', call: (o) => v().cauchy_(o) },
  { name: 'Tensor.logNormal_', op: 'logNormal_', key: 'sd', call: (o) => v().logNormal_(o) },
  { name: 'Tensor.random_', op: 'random_', key: 'high', call: (o) => v().random_(o) },
  { name: 'Variable', op: 'Variable', key: 'requires_grad', call: (o) => g.Variable(v(), o) },
  // elementwise
  ...both(
    'add',
    'Alpha',
    (t, o) => g.add(t, 1, o),
    (t, o) => t.add(1, o),
  ),
  ...both(
    'sub',
    'aplha',
    (t, o) => g.sub(t, 1, o),
    (t, o) => t.sub(1, o),
  ),
  ...both(
    'div',
    'rounding_mode',
    (t, o) => g.div(t, 2, o),
    (t, o) => t.div(2, o),
  ),
  ...both(
    'round',
    'decimal',
    (t, o) => g.round(t, o),
    (t, o) => t.round(o),
  ),
  ...both(
    'clamp',
    'minimum',
    (t, o) => g.clamp(t, o),
    (t, o) => t.clamp(o),
  ),
  { name: 'Tensor.add_', op: 'add_', key: 'alhpa', call: (o) => x().add_(1, o) },
  { name: 'Tensor.sub_', op: 'sub_', key: 'alhpa', call: (o) => x().sub_(1, o) },
  { name: 'Tensor.div_', op: 'div_', key: 'roundingmode_', call: (o) => x().div_(2, o) },
  { name: 'Tensor.clamp_', op: 'clamp_', key: 'maximum', call: (o) => x().clamp_(o) },
  // elementwise: more math (ops/pointwise.ts, special.ts, bounds.ts, predicates.ts, softplus.ts)
  ...both(
    'addcmul',
    'values',
    (t, o) => g.addcmul(t, t, t, o),
    (t, o) => t.addcmul(t, t, o),
  ),
  ...both(
    'addcdiv',
    'alpha',
    (t, o) => g.addcdiv(t, t, t, o),
    (t, o) => t.addcdiv(t, t, o),
  ),
  ...both(
    'logit',
    'epsilon',
    (t, o) => g.logit(t, o),
    (t, o) => t.logit(o),
  ),
  ...both(
    'nanToNum',
    'posInf',
    (t, o) => g.nanToNum(t, o),
    (t, o) => t.nanToNum(o),
  ),
  ...both(
    'clampMin',
    'minimum',
    (t, o) => g.clampMin(t, o),
    (t, o) => t.clampMin(o),
  ),
  ...both(
    'clampMax',
    'maximum',
    (t, o) => g.clampMax(t, o),
    (t, o) => t.clampMax(o),
  ),
  ...both(
    'lerp',
    'weights',
    (t, o) => g.lerp(t, t, o),
    (t, o) => t.lerp(t, o),
  ),
  ...both(
    'isclose',
    'equal_nan',
    (t, o) => g.isclose(t, t, o),
    (t, o) => t.isclose(t, o),
  ),
  ...both(
    'allclose',
    'rtoll',
    (t, o) => g.allclose(t, t, o),
    (t, o) => t.allclose(t, o),
  ),
  { name: 'softplus', op: 'softplus', key: 'treshold', call: (o) => g.softplus(x(), o) },
  { name: 'special.logit', op: 'logit', key: 'eps_', call: (o) => g.special.logit(x(), o) },
  { name: 'Tensor.addcmul_', op: 'addcmul', key: 'valeu', call: (o) => x().addcmul_(x(), x(), o) },
  { name: 'Tensor.addcdiv_', op: 'addcdiv', key: 'valeu', call: (o) => x().addcdiv_(x(), x(), o) },
  { name: 'Tensor.logit_', op: 'logit', key: 'Eps', call: (o) => x().logit_(o) },
  { name: 'Tensor.nanToNum_', op: 'nanToNum', key: 'neg_inf', call: (o) => x().nanToNum_(o) },
  { name: 'Tensor.clampMin_', op: 'clampMin', key: 'Min', call: (o) => x().clampMin_(o) },
  { name: 'Tensor.clampMax_', op: 'clampMax', key: 'Max', call: (o) => x().clampMax_(o) },
  { name: 'Tensor.lerp_', op: 'lerp', key: 'w', call: (o) => x().lerp_(x(), o) },
  // reductions
  ...reduction('sum'),
  ...reduction('mean'),
  ...reduction('prod'),
  ...reduction('amax'),
  ...reduction('amin'),
  ...reduction('argmax'),
  ...reduction('argmin'),
  ...reduction('all', 'keep_dims', () => g.tensor([true, false])),
  ...reduction('any', 'keep_dims', () => g.tensor([true, false])),
  ...reduction('logsumexp'),
  ...reduction('cumsum', 'dtpye'),
  ...reduction('softmax', 'dtpye'),
  ...reduction('logSoftmax', 'dtpye'),
  ...both(
    'var',
    'corection',
    (t, o) => g.var(t, 0, o),
    (t, o) => t.var(0, o),
  ),
  ...both(
    'std',
    'unbaised',
    (t, o) => g.std(t, 0, o),
    (t, o) => t.std(0, o),
  ),
  // PyTorch's shorthands (core's stacking, nan-reductions, differences and methods/shorthands)
  ...both(
    'nansum',
    'keepDim',
    (t, o) => g.nansum(t, 0, o),
    (t, o) => t.nansum(0, o),
  ),
  ...both(
    'nanmean',
    'keepDim',
    (t, o) => g.nanmean(t, 0, o),
    (t, o) => t.nanmean(0, o),
  ),
  ...both(
    'countNonzero',
    'dims',
    (t, o) => g.countNonzero(t, o),
    (t, o) => t.countNonzero(o),
  ),
  ...both(
    'aminmax',
    'keep_dim',
    (t, o) => g.aminmax(t, o),
    (t, o) => t.aminmax(o),
  ),
  ...both(
    'diff',
    'prepnd',
    (t, o) => g.diff(t, o),
    (t, o) => t.diff(o),
  ),
  { name: 'stdMean', op: 'stdMean', key: 'unbaised', call: (o) => g.stdMean(x(), 0, o) },
  { name: 'varMean', op: 'varMean', key: 'corection', call: (o) => g.varMean(x(), 0, o) },
  // clip is clamp's other name: its errors name clamp.
  { name: 'Tensor.clip', op: 'clamp', key: 'minimum', call: (o) => x().clip(o) },
  { name: 'Tensor.clip_', op: 'clamp_', key: 'minimum', call: (o) => x().clip_(o) },
  { name: 'emptyLike', op: 'emptyLike', key: 'dtpye', call: (o) => g.emptyLike(v(), o) },
  { name: 'Tensor.newZeros', op: 'newZeros', key: 'dtpye', call: (o) => v().newZeros([2], o) },
  { name: 'Tensor.newOnes', op: 'newOnes', key: 'dtpye', call: (o) => v().newOnes([2], o) },
  { name: 'Tensor.newFull', op: 'newFull', key: 'dtpye', call: (o) => v().newFull([2], 1, o) },
  { name: 'Tensor.newEmpty', op: 'newEmpty', key: 'dtpye', call: (o) => v().newEmpty([2], o) },
  { name: 'Tensor.newTensor', op: 'newTensor', key: 'dtpye', call: (o) => v().newTensor([1], o) },
  ...both(
    'norm',
    'ord',
    (t, o) => g.norm(t, 2, 0, o),
    (t, o) => t.norm(2, 0, o),
  ),
  ...both(
    'max',
    'keepDims',
    (t, o) => g.max(t, 0, o),
    (t, o) => t.max(0, o),
  ),
  ...both(
    'min',
    'keepDims',
    (t, o) => g.min(t, 0, o),
    (t, o) => t.min(0, o),
  ),
  // sorting and searching
  ...both(
    'sort',
    'decending',
    (t, o) => g.sort(t, 0, o),
    (t, o) => t.sort(0, o),
  ),
  ...both(
    'argsort',
    'stabel',
    (t, o) => g.argsort(t, o),
    (t, o) => t.argsort(o),
  ),
  ...both(
    'topk',
    'sort',
    (t, o) => g.topk(t, 1, o),
    (t, o) => t.topk(1, o),
  ),
  ...both(
    'kthvalue',
    'keepDims',
    (t, o) => g.kthvalue(t, 1, o),
    (t, o) => t.kthvalue(1, o),
  ),
  ...reduction('median'),
  ...reduction('nanmedian'),
  ...reduction('mode'),
  ...reduction('cummax', 'axis'),
  ...reduction('cummin', 'axis'),
  ...both(
    'unique',
    'return_counts',
    (t, o) => g.unique(t, o),
    (t, o) => t.unique(o),
  ),
  ...both(
    'uniqueConsecutive',
    'returnInverses',
    (t, o) => g.uniqueConsecutive(t, o),
    (t, o) => t.uniqueConsecutive(o),
  ),
  ...both(
    'bincount',
    'minLength',
    (t, o) => g.bincount(t, o),
    (t, o) => t.bincount(o),
    () => g.tensor([0, 2, 1], { dtype: 'int32' }),
  ),
  ...both(
    'histc',
    'bin',
    (t, o) => g.histc(t, o),
    (t, o) => t.histc(o),
  ),
  { name: 'searchsorted', op: 'searchsorted', key: 'out_int32', call: (o) => g.searchsorted(v(), v(), o) },
  { name: 'bucketize', op: 'bucketize', key: 'rigth', call: (o) => g.bucketize(v(), v(), o) },
  // indexing (a slice object is checked as an options object: a misspelt bound is an error, never a whole slice)
  { name: 'Tensor.index', op: 'index', key: 'strat', call: (o) => x().index(o as never) },
  ...both(
    'indexPut',
    'acumulate',
    (t, o) => g.indexPut(t, [0], 1, o),
    (t, o) => t.indexPut([0], 1, o),
  ),
  ...both(
    'indexPut_',
    'accumulate_',
    (t, o) => g.indexPut_(t, [0], 1, o),
    (t, o) => t.indexPut_([0], 1, o),
  ),
  ...both(
    'nonzero',
    'as_tuple',
    (t, o) => g.nonzero(t, o),
    (t, o) => t.nonzero(o),
  ),
  ...both(
    'takeAlongDim',
    'axis',
    (t, o) => g.takeAlongDim(t, g.zeros(1, 1, { dtype: 'int32' }), o),
    (t, o) => t.takeAlongDim(g.zeros(1, 1, { dtype: 'int32' }), o),
  ),
  // einsum and contractions
  { name: 'tensordot', op: 'tensordot', key: 'dim', call: (o) => g.tensordot(x(), x(), o) },
  ...both(
    'cross',
    'axis',
    (t, o) => g.cross(t, t, o),
    (t, o) => t.cross(t, o),
    () => g.ones(2, 3),
  ),
  ...both(
    'addmm',
    'Beta',
    (t, o) => g.addmm(t, x(), x(), o),
    (t, o) => t.addmm(x(), x(), o),
  ),
  ...both(
    'addmv',
    'aplha',
    (t, o) => g.addmv(t, x(), g.ones(2), o),
    (t, o) => t.addmv(x(), g.ones(2), o),
    () => g.ones(2),
  ),
  ...both(
    'baddbmm',
    'beta_',
    (t, o) => g.baddbmm(t, g.ones(1, 2, 2), g.ones(1, 2, 2), o),
    (t, o) => t.baddbmm(g.ones(1, 2, 2), g.ones(1, 2, 2), o),
    () => g.ones(1, 2, 2),
  ),
  ...both(
    'addbmm',
    'alfa',
    (t, o) => g.addbmm(t, g.ones(1, 2, 2), g.ones(1, 2, 2), o),
    (t, o) => t.addbmm(g.ones(1, 2, 2), g.ones(1, 2, 2), o),
  ),
  ...both(
    'addr',
    'Alpha',
    (t, o) => g.addr(t, g.ones(2), g.ones(2), o),
    (t, o) => t.addr(g.ones(2), g.ones(2), o),
  ),
  { name: 'Tensor.addmm_', op: 'addmm', key: 'betta', call: (o) => x().addmm_(x(), x(), o) },
  { name: 'Tensor.addmv_', op: 'addmv', key: 'betta', call: (o) => g.ones(2).addmv_(x(), g.ones(2), o) },
  { name: 'Tensor.baddbmm_', op: 'baddbmm', key: 'betta', call: (o) => g.ones(1, 2, 2).baddbmm_(g.ones(1, 2, 2), g.ones(1, 2, 2), o) },
  { name: 'Tensor.addbmm_', op: 'addbmm', key: 'betta', call: (o) => x().addbmm_(g.ones(1, 2, 2), g.ones(1, 2, 2), o) },
  { name: 'Tensor.addr_', op: 'addr', key: 'betta', call: (o) => x().addr_(g.ones(2), g.ones(2), o) },
  // the in-place forms of methods/inplace-math.ts that take options
  { name: 'Tensor.round_', op: 'round', key: 'decimal', call: (o) => x().round_(o as never) },
  { name: 'Tensor.cumsum_', op: 'cumsum', key: 'dtyp', call: (o) => x().cumsum_(0, o as never) },
  // the fused kernels' entry points with an options object
  { name: 'fused.conv2d', op: 'fused.conv2d', key: 'strides', call: (o) => g.fused.conv2d(g.ones(1, 1, 3, 3), g.ones(1, 1, 2, 2), o) },
  {
    name: 'fused.lstmSequence',
    op: 'fused.lstmSequence',
    key: 'reversed',
    call: (o) => g.fused.lstmSequence(g.ones(2, 1, 4), g.zeros(1, 1), g.zeros(1, 1), g.ones(4, 1), o),
  },
  // autograd
  { name: 'Tensor.backward', op: 'backward', key: 'retain_graph', call: (o) => leaf().sum().backward(undefined, o) },
  { name: 'autograd.backward', op: 'backward', key: 'createGraf', call: (o) => g.autograd.backward(leaf().sum(), undefined, o) },
  {
    name: 'autograd.grad',
    op: 'grad',
    key: 'allow_unused',
    call: (o) => {
      const l = leaf();
      return g.autograd.grad(l.sum(), l, o);
    },
  },
  { name: 'autograd.gradcheck', op: 'gradcheck', key: 'tol', call: (o) => g.autograd.gradcheck((t) => t.sum(), [leaf()], o) },
  {
    name: 'autograd.gradgradcheck',
    op: 'gradgradcheck',
    key: 'atoll',
    call: (o) => g.autograd.gradgradcheck((t) => t.sum(), [leaf()], undefined, o),
  },
  {
    name: 'autograd.functional.vjp',
    op: 'vjp',
    key: 'create_graph',
    call: (o) => g.autograd.functional.vjp((t) => t.sum(), leaf(), undefined, o),
  },
  {
    name: 'autograd.functional.jvp',
    op: 'jvp',
    key: 'create_graph',
    call: (o) => g.autograd.functional.jvp((t) => t.mul(2), leaf(), leaf(), o),
  },
  {
    name: 'autograd.functional.jacobian',
    op: 'jacobian',
    key: 'vectorize',
    call: (o) => g.autograd.functional.jacobian((t) => t.mul(2), leaf(), o),
  },
  {
    name: 'autograd.functional.hessian',
    op: 'hessian',
    key: 'strict',
    call: (o) => g.autograd.functional.hessian((t) => t.pow(2).sum(), leaf(), o),
  },
  {
    name: 'autograd.functional.hvp',
    op: 'hvp',
    key: 'strict',
    call: (o) => g.autograd.functional.hvp((t) => t.pow(2).sum(), leaf(), leaf(), o),
  },
  // printing
  { name: 'setPrintOptions', op: 'setPrintOptions', key: 'sci_mode', call: (o) => g.setPrintOptions(o) },
  // backends (the key is checked before anything is registered)
  {
    name: 'registerBackend',
    op: 'registerBackend',
    key: 'priorty',
    call: (o) => g.registerBackend('never-registered', () => g.getBackend(), o),
  },
  // construction, shape and scatter ops
  { name: 'cat', op: 'cat', key: 'axis', call: (o) => g.cat([x(), x()], o) },
  { name: 'stack', op: 'stack', key: 'axis', call: (o) => g.stack([x(), x()], o) },
  ...both(
    'split',
    'axis',
    (t, o) => g.split(t, 1, o),
    (t, o) => t.split(1, o),
  ),
  ...both(
    'chunk',
    'axis',
    (t, o) => g.chunk(t, 2, o),
    (t, o) => t.chunk(2, o),
  ),
  ...constructionOptionsTable,
  // linear algebra (linalg-options.ts)
  ...linalgOptionsTable,
  { name: 'cdist', op: 'cdist', key: 'compute_mode', call: (o) => g.cdist(x(), x(), 2, o) },
];

/** Registers the table's tests: a misspelt key throws, naming the op and the key. */
export function optionsCases(t: TestApi, ctx: { device: string; inDevice<T>(fn: () => T): T }): void {
  t.describe(`conformance on '${ctx.device}': every options object rejects a misspelt key, naming the op and the key`, () => {
    for (const e of optionsTable) {
      t.it(`${e.name}({ ${e.key} })`, () => ctx.inDevice(() => assertThrows(() => e.call({ [e.key]: 1 }), [e.op, `'${e.key}'`], e.name)));
    }
  });
}
