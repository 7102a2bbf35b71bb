import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { F, nn } from '../src/index.js';
import fixture from './fixtures/activations-losses.json' with { type: 'json' };
import { checkFnCase, decode, type Encoded, expectClose, type FnCase } from './fixture-cases.js';

const LOSS_FNS = new Set([
  'mseLoss',
  'l1Loss',
  'huberLoss',
  'smoothL1Loss',
  'klDiv',
  'cosineEmbeddingLoss',
  'marginRankingLoss',
  'tripletMarginLoss',
  'hingeEmbeddingLoss',
  'softMarginLoss',
  'multilabelSoftMarginLoss',
  'multiMarginLoss',
  'poissonNllLoss',
  'gaussianNllLoss',
  'cosineSimilarity',
  'pairwiseDistance',
  'normalize',
]);

describe('losses and distances against PyTorch (values, gradients, the module forms)', () => {
  const cases = (fixture.cases as FnCase[]).filter((c) => LOSS_FNS.has(c.fn));
  it('covers every loss', () => expect(new Set(cases.map((c) => c.fn))).toEqual(LOSS_FNS));
  for (const c of cases) it(c.name, () => checkFnCase(c, c.out.dtype === 'float64' ? { rtol: 1e-9, atol: 1e-12 } : {}));
});

interface CtcCase {
  name: string;
  logits: Encoded;
  targets: Encoded;
  inputLengths: number[];
  targetLengths: number[];
  kwargs: Record<string, unknown>;
  out: Encoded;
  w: Encoded;
  logitsGrad: Encoded;
  logProbsGrad: Encoded;
}

describe('CTC loss against PyTorch', () => {
  for (const c of fixture.ctc as CtcCase[]) {
    it(c.name, () => {
      const logits = decode(c.logits, true);
      const logProbs = logits.logSoftmax(2);
      logProbs.retainGrad();
      const out = F.ctcLoss(logProbs, decode(c.targets), c.inputLengths, c.targetLengths, c.kwargs);
      expectClose(out, c.out, 1e-10, 1e-12, 'loss');
      out.mul(decode(c.w)).sum().backward();
      expectClose(logProbs.grad!, c.logProbsGrad, 1e-9, 1e-12, 'grad of the log-probabilities (PyTorch’s convention)');
      expectClose(logits.grad!, c.logitsGrad, 1e-9, 1e-12, 'grad of the logits');
      const module = new nn.CTCLoss(c.kwargs);
      expectClose(
        module.call(logits.logSoftmax(2), decode(c.targets), g.tensor(c.inputLengths, { dtype: 'int32' }), c.targetLengths),
        c.out,
        1e-10,
        1e-12,
        'CTCLoss',
      );
    });
  }

  it('its gradient through logSoftmax passes gradcheck (finite differences)', () => {
    g.manualSeed(5);
    const logits = g.randn([7, 2, 4], { dtype: 'float64', requiresGrad: true });
    const targets = g.tensor(
      [
        [1, 1, 3],
        [2, 3, 0],
      ],
      { dtype: 'int32' },
    );
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const f = (x: g.Tensor) => F.ctcLoss(x.logSoftmax(2), targets, [7, 5], [3, 2], { reduction });
      expect(g.autograd.gradcheck(f, [logits])).toBe(true);
    }
    // Unbatched [T, C] with a 1-D target.
    const single = g.randn([6, 4], { dtype: 'float64', requiresGrad: true });
    expect(g.autograd.gradcheck((x: g.Tensor) => F.ctcLoss(x.logSoftmax(1), g.tensor([1, 2], { dtype: 'int32' }), 6, 2), [single])).toBe(
      true,
    );
  });

  it('checks its arguments as PyTorch does', () => {
    const lp = g.randn(5, 2, 4).logSoftmax(2);
    const t = g.tensor(
      [
        [1, 2],
        [3, 1],
      ],
      { dtype: 'int32' },
    );
    expect(() => F.ctcLoss(lp, t, [6, 5], [2, 2])).toThrow('ctcLoss: Expected input_lengths to have value at most 5, but got value 6');
    expect(() => F.ctcLoss(lp, t, [5, 5], [3, 2])).toThrow('Expected tensor to have size at least 3 at dimension 1, but got size 2');
    expect(() => F.ctcLoss(lp, t, [5], [2, 2])).toThrow('ctcLoss: input_lengths must be of size batch_size (2)');
    expect(() => F.ctcLoss(lp, t, [5, 5], [2, 2], { blank: 4 })).toThrow('ctcLoss: blank must be in label range');
    expect(() => F.ctcLoss(lp, t.to('float32'), [5, 5], [2, 2])).toThrow('ctcLoss: expected targets of dtype int32');
    expect(() => F.ctcLoss(lp, g.tensor([1, 2, 3], { dtype: 'int32' }), [5, 5], [2, 2])).toThrow('Expected concatenated targets of size 4');
    expect(() =>
      F.ctcLoss(
        lp,
        g.tensor(
          [
            [1, 9],
            [1, 1],
          ],
          { dtype: 'int32' },
        ),
        [5, 5],
        [2, 2],
      ),
    ).toThrow('target label 9 out of range');
    expect(() => F.ctcLoss(lp, t, [5, 5], [2, 2], { zero_infinity: true } as never)).toThrow(/zero_infinity/);
  });
});

describe('losses: gradcheck and gradgradcheck (float64)', () => {
  const r = (name: string, ...shape: number[]) => {
    g.manualSeed([...name].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 1000003, 7));
    return g.randn(shape, { dtype: 'float64', requiresGrad: true });
  };
  const sign = (n: number) =>
    g.tensor(
      Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : 1)),
      { dtype: 'float64' },
    );
  const cases: Record<string, [(...t: g.Tensor[]) => g.Tensor, () => g.Tensor[], boolean]> = {
    huberLoss: [(a, b) => F.huberLoss(a, b, { delta: 0.7 }), () => [r('h', 3, 4), r('hb', 3, 4)], true],
    smoothL1Loss: [(a, b) => F.smoothL1Loss(a, b, { beta: 0.7, reduction: 'sum' }), () => [r('s', 3, 4), r('sb', 3, 4)], true],
    klDiv: [(a, b) => F.klDiv(a.logSoftmax(1), b.softmax(1), { reduction: 'batchmean' }), () => [r('k', 3, 4), r('kb', 3, 4)], true],
    klDivLogTarget: [(a, b) => F.klDiv(a, b, { reduction: 'sum', logTarget: true }), () => [r('kl', 3, 4), r('klb', 3, 4)], true],
    cosineEmbeddingLoss: [(a, b) => F.cosineEmbeddingLoss(a, b, sign(5), { margin: -0.9 }), () => [r('c', 5, 3), r('cb', 5, 3)], true],
    marginRankingLoss: [(a, b) => F.marginRankingLoss(a, b, sign(6), { margin: 0.1 }), () => [r('m', 6), r('mb', 6)], true],
    tripletMarginLoss: [
      (a, p, n) => F.tripletMarginLoss(a, p, n, { margin: 5, swap: true }),
      () => [r('t', 4, 3), r('tp', 4, 3), r('tn', 4, 3)],
      true,
    ],
    hingeEmbeddingLoss: [(a) => F.hingeEmbeddingLoss(a, sign(6), { margin: 5 }), () => [r('he', 6)], true],
    softMarginLoss: [(a) => F.softMarginLoss(a, sign(6)), () => [r('so', 6)], true],
    multilabelSoftMarginLoss: [(a, b) => F.multilabelSoftMarginLoss(a, b.sigmoid()), () => [r('ml', 3, 4), r('mlb', 3, 4)], true],
    multiMarginLoss: [
      (a) => F.multiMarginLoss(a, g.tensor([0, 3, 1], { dtype: 'int32' }), { p: 2, margin: 9 }),
      () => [r('mm', 3, 4)],
      true,
    ],
    poissonNllLoss: [(a) => F.poissonNllLoss(a, g.tensor([0, 1, 2, 5], { dtype: 'float64' }), { full: true }), () => [r('p', 4)], true],
    gaussianNllLoss: [
      (a, b, v) => F.gaussianNllLoss(a, b, v.exp(), { full: true }),
      () => [r('gn', 4, 2), r('gnb', 4, 2), r('gnv', 4)],
      true,
    ],
    cosineSimilarity: [(a, b) => F.cosineSimilarity(a, b, -1), () => [r('cs', 3, 4), r('csb', 3, 4)], true],
    pairwiseDistance: [(a, b) => F.pairwiseDistance(a, b, 3), () => [r('pd', 3, 4), r('pdb', 3, 4)], true],
    normalize: [(a) => F.normalize(a, { dim: 0 }), () => [r('n', 3, 4)], true],
    cdist: [(a, b) => g.cdist(a, b), () => [r('cd', 2, 3, 4), r('cdb', 2, 5, 4)], true],
    cdistP1: [(a, b) => g.cdist(a, b, 1), () => [r('cd1', 3, 2), r('cd1b', 4, 2)], false],
    cdistP3: [
      (a, b) => g.cdist(a, b, { p: 3, computeMode: 'donot_use_mm_for_euclid_dist' }),
      () => [r('cd3', 3, 2), r('cd3b', 4, 2)],
      true,
    ],
    cdistInf: [(a, b) => g.cdist(a, b, Infinity), () => [r('cdi', 3, 2), r('cdib', 4, 2)], false],
  };
  for (const [name, [f, inputs, twice]] of Object.entries(cases)) {
    it(name, () => {
      const xs = inputs();
      expect(g.autograd.gradcheck(f, xs)).toBe(true);
      if (twice) expect(g.autograd.gradgradcheck(f, xs)).toBe(true);
    });
  }
});

describe('losses: PyTorch’s checks and messages', () => {
  it('names the op and the bad value', () => {
    const x = g.zeros(2, 3);
    expect(() => F.huberLoss(x, x, { delta: 0 })).toThrow('huberLoss: huber_loss does not support non-positive values for delta.');
    expect(() => F.smoothL1Loss(x, x, { beta: -1 })).toThrow('smoothL1Loss: smooth_l1_loss does not support negative values for beta.');
    expect(() => F.huberLoss(x, x, { reduction: 'avg' as never })).toThrow('huberLoss: avg is not a valid value for reduction');
    expect(() => F.klDiv(x, x, { reduction: 'batch' as never })).toThrow('klDiv: batch is not a valid value for reduction');
    expect(() => F.cosineEmbeddingLoss(x, x, g.zeros(2, 1))).toThrow('cosineEmbeddingLoss: 0D or 1D target tensor expected');
    expect(() => F.cosineEmbeddingLoss(g.zeros(3), g.zeros(3), g.zeros(3))).toThrow(
      'cosineEmbeddingLoss: 1D target tensor expects 2D input tensors, but found inputs with sizes [3] and [3].',
    );
    expect(() => F.marginRankingLoss(g.zeros(3), g.zeros(3), g.zeros(3, 1))).toThrow(
      'marginRankingLoss: All input tensors should have same dimension but got sizes: input1: [3], input2: [3], target: [3, 1]',
    );
    expect(() => F.tripletMarginLoss(g.zeros(2, 3), g.zeros(2, 3), g.zeros(3))).toThrow(
      'tripletMarginLoss: All inputs should have same dimension but got 2D, 2D and 1D inputs.',
    );
    const cls = g.tensor([0, 2], { dtype: 'int32' });
    expect(() => F.multiMarginLoss(x, cls, { p: 3 })).toThrow('multiMarginLoss: only p == 1 and p == 2 supported');
    expect(() => F.multiMarginLoss(x, g.tensor([0, 1, 2], { dtype: 'int32' }))).toThrow(
      'multiMarginLoss: inconsistent target size, expected 2 but got [3]',
    );
    expect(() => F.multiMarginLoss(x, cls, { weight: g.ones(2) })).toThrow(
      'multiMarginLoss: inconsistent weight size, expected 3 but got [2]',
    );
    expect(() => F.multiMarginLoss(x, cls.to('float32'))).toThrow('multiMarginLoss: expected target of dtype int32');
    expect(() => F.gaussianNllLoss(x, x, g.ones(3))).toThrow('gaussianNllLoss: var is of incorrect size');
    expect(() => F.gaussianNllLoss(x, x, g.full([2, 3], -1)).dataSync()).toThrow('gaussianNllLoss: var has negative entry/entries');
    expect(() => F.softMarginLoss(x, g.zeros([2, 3], { requiresGrad: true }))).toThrow(
      "softMarginLoss: the function is not differentiable with respect to argument 'target'",
    );
    expect(() => new nn.MultiMarginLoss({ p: 3 })).toThrow('MultiMarginLoss: only p == 1 and p == 2 supported');
    expect(() => new nn.KLDivLoss({ reduction: 'avg' as never })).toThrow('KLDivLoss: avg is not a valid value for reduction');
    expect(() => new nn.HuberLoss({ detla: 1 } as never)).toThrow(/detla/);
  });

  // The warning (once per loss) is loss-checks.test.ts's: the broadcast fixtures above have shown it here already.
  it('a target of another shape broadcasts', () => {
    const warn = console.warn;
    const seen: string[] = [];
    console.warn = (m: string) => seen.push(m);
    try {
      const loss = F.huberLoss(
        g.tensor([
          [1, 2],
          [3, 4],
        ]),
        g.tensor([1, 1]),
        { reduction: 'none' },
      );
      expect(Array.from(loss.dataSync())).toEqual([0, 0.5, 1.5, 2.5]);
    } finally {
      console.warn = warn;
    }
  });

  it('class weights are buffers in the state dict', () => {
    expect(Object.keys(new nn.MultiMarginLoss({ weight: g.ones(3) }).stateDict())).toEqual(['weight']);
    expect(Object.keys(new nn.MultiLabelSoftMarginLoss({ weight: g.ones(3) }).stateDict())).toEqual(['weight']);
    expect(String(new nn.HuberLoss())).toBe('HuberLoss()');
  });
});

describe('losses free what they make', () => {
  it('forward and backward leave only the loss and the gradients alive', () => {
    const leaf = (t: g.Tensor) => t.detach().requiresGrad_(true);
    // A distance summed to a scalar: the distance itself is freed (the graph keeps what it needs).
    const summed = (f: () => g.Tensor) => () => {
      const d = f();
      const total = d.sum();
      d.dispose();
      return total;
    };
    const x = g.randn([3, 4], { requiresGrad: true });
    const y = g.randn(3, 4);
    const x0 = leaf(g.randn(3));
    const s = g.tensor([1, -1, 1]);
    const cls = g.tensor([0, 3, 1], { dtype: 'int32' });
    const logp = leaf(g.randn(3, 4).logSoftmax(1));
    const p = g.randn(3, 4).softmax(1);
    const positive = g.rand(3, 4).add(0.1);
    const lp = leaf(g.randn(6, 2, 4).logSoftmax(2));
    const targets = g.tensor(
      [
        [1, 2],
        [3, 3],
      ],
      { dtype: 'int32' },
    );
    const calls: [string, () => g.Tensor][] = [
      ['huberLoss', () => F.huberLoss(x, y)],
      ['smoothL1Loss', () => F.smoothL1Loss(x, y, { beta: 0 })],
      ['klDiv', () => F.klDiv(logp, p, { reduction: 'batchmean' })],
      ['cosineEmbeddingLoss', () => F.cosineEmbeddingLoss(x, y, s)],
      ['marginRankingLoss', () => F.marginRankingLoss(x0, s, s)],
      ['tripletMarginLoss', () => F.tripletMarginLoss(x, y, p, { swap: true })],
      ['hingeEmbeddingLoss', () => F.hingeEmbeddingLoss(x0, s)],
      ['softMarginLoss', () => F.softMarginLoss(x0, s)],
      ['multilabelSoftMarginLoss', () => F.multilabelSoftMarginLoss(x, p)],
      ['multiMarginLoss', () => F.multiMarginLoss(x, cls, { p: 2 })],
      ['poissonNllLoss', () => F.poissonNllLoss(x, positive, { full: true })],
      ['gaussianNllLoss', () => F.gaussianNllLoss(x, y, positive)],
      ['ctcLoss', () => F.ctcLoss(lp, targets, [6, 5], [2, 2])],
      ['cosineSimilarity', summed(() => F.cosineSimilarity(x, y))],
      ['pairwiseDistance', summed(() => F.pairwiseDistance(x, y))],
      ['normalize', summed(() => F.normalize(x))],
      ['cdist', summed(() => g.cdist(x, y))],
    ];
    for (const [name, call] of calls) {
      const before = g.memory().numTensors;
      const loss = call();
      loss.backward();
      for (const t of [x, x0, logp, lp]) {
        t.grad?.dispose();
        t.grad = null;
      }
      loss.dispose();
      expect(g.memory().numTensors, name).toBe(before);
    }
  });
});
