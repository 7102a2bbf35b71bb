import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { BCELoss, BCEWithLogitsLoss, F } from '../src/index.js';
import fixture from './fixtures/losses.json' with { type: 'json' };

const values = (t: g.Tensor) => Array.from(t.dataSync());
const decode = (v: number | string) => (typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity);
/** Equal within `tol` relative (exactly for infinities); never NaN where PyTorch has a number. */
function close(label: string, got: ArrayLike<number>, want: readonly (number | string)[], tol: number) {
  expect(got.length, label).toBe(want.length);
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    const w = decode(want[i]!);
    const a = Number(got[i]);
    const ok = Number.isFinite(w)
      ? Math.abs(a - w) <= tol * Math.max(1, Math.abs(w))
      : Object.is(a, w) || (Number.isNaN(w) && Number.isNaN(a));
    if (!ok) bad.push(`[${i}] ${a} (PyTorch ${w})`);
  }
  expect(bad, label).toEqual([]);
}
/** The generator's exact upstream-gradient weights: (i·13 mod 11 − 5) / 4. */
const gradWeights = (shape: readonly number[], dtype: 'float32' | 'float64') => {
  const n = shape.reduce((a, b) => a * b, 1);
  return g
    .tensor(
      Float64Array.from({ length: n }, (_, i) => (((i * 13) % 11) - 5) / 4),
      { shape: [...shape] },
    )
    .to(dtype);
};
const D = fixture.data;

describe('binary cross entropy at saturated probabilities: values and gradients as PyTorch (never NaN)', () => {
  for (const c of D.bce.cases) {
    const dtype = c.dtype as 'float32' | 'float64';
    it(`${dtype}, reduction ${c.reduction}${c.weight ? ', weighted' : ''}`, () => {
      const x = g.tensor(Float32Array.from(D.bce.x)).to(dtype).requiresGrad_();
      const t = g.tensor(Float32Array.from(D.bce.t)).to(dtype);
      const weight = g.tensor(Float32Array.from(D.bce.weight)).to(dtype);
      const options = { reduction: c.reduction as 'none' | 'mean' | 'sum', ...(c.weight ? { weight } : {}) };
      const loss = F.binaryCrossEntropy(x, t, options);
      const tol = dtype === 'float64' ? 1e-12 : 1e-5;
      close('loss', values(loss), c.loss, tol);
      loss.mul(gradWeights(loss.shape, dtype)).sum().backward();
      close('grad', values(x.grad!), c.grad, tol);
      // The module is the same function.
      const x2 = x.detach().requiresGrad_();
      const viaModule = new BCELoss(options).call(x2, t);
      close('module loss', values(viaModule), c.loss, tol);
    });
  }

  it('the reported examples: x = 0, y = 1 gives −1e12; x = 1, y = 1 gives 0; sigmoid(100) into BCE gives 0', () => {
    const x = g.tensor([0, 1], { requiresGrad: true });
    F.binaryCrossEntropy(x, g.tensor([1, 1]), { reduction: 'sum' }).backward();
    expect(values(x.grad!)).toEqual([-1e12, 0].map(Math.fround));
    const z = g.tensor([100], { requiresGrad: true });
    F.binaryCrossEntropy(z.sigmoid(), g.tensor([1])).backward();
    expect(values(z.grad!)).toEqual([0]);
  });

  it('after a saturated sigmoid, every logit gets PyTorch gradient', () => {
    const f = D.sigmoidBce;
    const z = g.tensor(Float32Array.from(f.z), { requiresGrad: true });
    const loss = F.binaryCrossEntropy(z.sigmoid(), g.tensor(Float32Array.from(f.t)), { reduction: 'sum' });
    expect(Math.abs((loss.item() as number) - f.loss)).toBeLessThan(1e-4);
    loss.backward();
    close('grad', values(z.grad!), f.grad, 1e-5);
  });

  it('the target gets PyTorch gradient (−logit(x)), weights refuse requiresGrad, shapes are checked', () => {
    const t = g.tensor([0.3, 0.7], { requiresGrad: true });
    F.binaryCrossEntropy(g.tensor([0.25, 0.5]), t, { reduction: 'sum' }).backward();
    close('target grad', values(t.grad!), [Math.log(3), 0], 1e-6);
    expect(() => F.binaryCrossEntropy(g.tensor([0.5]), g.tensor([1]), { weight: g.ones(1, { requiresGrad: true }) })).toThrow(
      "not differentiable with respect to argument 'weight'",
    );
    expect(() => F.binaryCrossEntropy(g.tensor([0.5]), g.tensor([1]), { weight: g.ones(2, 1) })).toThrow('does not broadcast');
    expect(() => F.binaryCrossEntropy(g.tensor([0.5]), g.tensor([1]), { reduction: 'avg' as 'mean' })).toThrow(
      'avg is not a valid value for reduction',
    );
  });
});

describe('binary cross entropy with logits at extreme logits (±100, ±1e4, 0): as PyTorch', () => {
  const f = D.bceWithLogits;
  for (const c of f.cases) {
    const dtype = c.dtype as 'float32' | 'float64';
    it(`${dtype}, reduction ${c.reduction}${c.weight ? ', weighted' : ''}${c.posWeight ? ', posWeight' : ''}`, () => {
      const x = g.tensor(Float32Array.from(f.x)).to(dtype).requiresGrad_();
      const t = g.tensor(Float32Array.from(f.t)).to(dtype);
      const options = {
        reduction: c.reduction as 'none' | 'mean' | 'sum',
        ...(c.weight ? { weight: g.tensor(Float32Array.from(f.weight)).to(dtype) } : {}),
        ...(c.posWeight ? { posWeight: g.tensor(Float32Array.from(f.posWeight)).to(dtype) } : {}),
      };
      const loss = F.binaryCrossEntropyWithLogits(x, t, options);
      const tol = dtype === 'float64' ? 1e-12 : 1e-5;
      close('loss', values(loss), c.loss, tol);
      loss.mul(gradWeights(loss.shape, dtype)).sum().backward();
      close('grad', values(x.grad!), c.grad, tol);
      close('module loss', values(new BCEWithLogitsLoss(options).call(x.detach(), t)), c.loss, tol);
    });
  }

  it('the gradient at logit 0 is σ(0) − y (the chain rule through |x| gave 1 − y)', () => {
    const x = g.zeros(2, { requiresGrad: true });
    F.binaryCrossEntropyWithLogits(x, g.tensor([1, 0]), { reduction: 'sum' }).backward();
    expect(values(x.grad!)).toEqual([-0.5, 0.5]);
  });

  it('weight and posWeight are buffers of the module (state dict, as PyTorch)', () => {
    const m = new BCEWithLogitsLoss({ posWeight: g.tensor([2]) });
    expect(Object.keys(m.stateDict())).toEqual(['pos_weight']);
  });
});

describe('cross entropy at extreme logits: as PyTorch', () => {
  const f = D.crossEntropy;
  for (const c of f.cases) {
    it(`reduction ${c.reduction}, labelSmoothing ${c.labelSmoothing}`, () => {
      const logits = g.tensor(Float32Array.from(f.logits), { shape: [4, 3], requiresGrad: true });
      const loss = F.crossEntropy(logits, g.tensor(Int32Array.from(f.target)), {
        reduction: c.reduction as 'none',
        labelSmoothing: c.labelSmoothing,
      });
      close('loss', values(loss), c.loss, 1e-5);
      loss.mul(gradWeights(loss.shape, 'float32')).sum().backward();
      close('grad', values(logits.grad!), c.grad, 1e-5);
    });
  }
});

describe('nll and cross entropy with ignored targets: an ignored target contributes nothing (as PyTorch 1.13)', () => {
  const ignored = g.tensor([-100, -100, -100], { dtype: 'int32' });
  it('every target ignored, mean: the loss is NaN (0 / 0) and the gradient zero, with and without label smoothing', () => {
    for (const [name, loss] of [
      ['nllLoss', (x: g.Tensor) => F.nllLoss(x.logSoftmax(1), ignored)],
      ['crossEntropy', (x: g.Tensor) => F.crossEntropy(x, ignored)],
      ['crossEntropy, labelSmoothing 0.1', (x: g.Tensor) => F.crossEntropy(x, ignored, { labelSmoothing: 0.1 })],
      ['crossEntropy, class weights', (x: g.Tensor) => F.crossEntropy(x, ignored, { weight: g.tensor([1, 2, 3, 4]) })],
    ] as const) {
      g.manualSeed(1);
      const x = g.randn(3, 4).requiresGrad_();
      const l = loss(x);
      l.backward();
      expect(Number.isNaN(l.item()), name).toBe(true);
      expect(values(x.grad!), name).toEqual(new Array(12).fill(0));
    }
  });
  it('targets of class weight 0 that are not ignored: NaN gradients (0 / 0), as PyTorch', () => {
    const x = g.randn(3, 4).requiresGrad_();
    const l = F.crossEntropy(x, g.tensor([0, 0, 0], { dtype: 'int32' }), { weight: g.tensor([0, 1, 1, 1]) });
    l.backward();
    expect(Number.isNaN(l.item())).toBe(true);
    expect(values(x.grad!).every(Number.isNaN)).toBe(true);
  });
  it('the loss with an ignored row equals the loss without it, even with an infinite or NaN logit in the row', () => {
    const rows = g.tensor([
      [1, 2, 3, 4],
      [0.5, -1, 2, 0],
    ]);
    for (const bad of [-Infinity, Infinity, Number.NaN]) {
      const x = g.cat([g.tensor([[bad, 0, 0, 0]]), rows]).requiresGrad_();
      const l = F.crossEntropy(x, g.tensor([0, 1, 3], { dtype: 'int32' }), { ignoreIndex: 0, labelSmoothing: 0.2 });
      l.backward();
      const y = rows.clone().requiresGrad_();
      const m = F.crossEntropy(y, g.tensor([1, 3], { dtype: 'int32' }), { labelSmoothing: 0.2 });
      m.backward();
      expect(l.item(), `logit ${bad}`).toBe(m.item());
      expect(values(x.grad!).slice(4), `logit ${bad}`).toEqual(values(y.grad!));
      // The ignored row's own gradient is logSoftmax's backward of a zero gradient: 0 after -inf, NaN after
      // +inf or NaN (its output is NaN there), as PyTorch 1.13 gives.
      expect(values(x.grad!).slice(0, 4), `logit ${bad}`).toEqual(new Array(4).fill(bad === -Infinity ? 0 : Number.NaN));
    }
  });
});
