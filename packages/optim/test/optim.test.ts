import * as g from '@graft/core';
import '@graft/backend-cpu';
import { CrossEntropyLoss, Linear, Sequential, Tanh } from '@graft/nn';
import { describe, expect, it } from 'vitest';
import * as optim from '../src/index.js';
import nnFixtures from '../../nn/test/fixtures/nn.json' with { type: 'json' };
import fixtures from './fixtures/optim.json' with { type: 'json' };

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++)
    expect(Math.abs(Number(a[i]) - Number(b[i]))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(Number(b[i]))));
};

type Ctor = new (params: g.Tensor[], options: Record<string, unknown>) => optim.Optimizer<{ lr: number }>;

describe('optimizers follow torch.optim update rules (float64, PyTorch fixtures)', () => {
  for (const c of fixtures.steps) {
    it(`${c.optimizer} ${JSON.stringify(c.options)}`, () => {
      const p = g.tensor(new Float64Array([1.5, -0.5, 0.25, 2.0]), { requiresGrad: true });
      const Opt = (optim as unknown as Record<string, Ctor>)[c.optimizer]!;
      const opt = new Opt([p], c.options);
      const scale = g.tensor(new Float64Array([1, 2, 3, 0.5]));
      c.values.forEach((expected, step) => {
        opt.zeroGrad();
        const loss = p.pow(2).mul(scale).sum().add(p.mul(step).sum().sin());
        loss.backward();
        opt.step();
        close(Array.from(p.dataSync()), expected, 1e-12);
      });
    });
  }

  it('SGD by hand: p ← p - lr·(g + wd·p), with momentum buffers', () => {
    const p = g.tensor(new Float64Array([1]), { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.5, momentum: 0.5 });
    // loss = p², grad = 2p. Step 1: buf = 2 → p = 1 - 1 = 0. Step 2: grad 0, buf = 1 → p = -0.5.
    for (const expected of [0, -0.5]) {
      opt.zeroGrad();
      p.square().sum().backward();
      opt.step();
      expect(p.item()).toBe(expected);
    }
  });
});

describe('the MLP training curve follows PyTorch from the same seed', () => {
  for (const [name, make] of [
    ['sgd_momentum', (ps: g.Tensor[]) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9 })],
    ['adam', (ps: g.Tensor[]) => new optim.Adam(ps, { lr: 0.01 })],
  ] as const) {
    it(name, () => {
      const f = nnFixtures.training[name];
      g.manualSeed(0);
      const model = new Sequential(new Linear(4, 8), new Tanh(), new Linear(8, 3));
      const x = g.randn(16, 4);
      const y = g.randint(0, 3, [16]);
      const opt = make(model.parameters());
      const lossFn = new CrossEntropyLoss();
      const losses: number[] = [];
      for (let i = 0; i < 25; i++) {
        opt.zeroGrad();
        const loss = lossFn.call(model.call(x), y);
        loss.backward();
        opt.step();
        losses.push(loss.item() as number);
      }
      close(losses, f.losses, 1e-4);
    });
  }
});

describe('optimizer plumbing', () => {
  it('stateDict / loadStateDict resume exactly', () => {
    const make = () => g.tensor(new Float64Array([1, -2]), { requiresGrad: true });
    const run = (opt: optim.Adam, p: g.Tensor, steps: number) => {
      for (let i = 0; i < steps; i++) {
        opt.zeroGrad();
        p.pow(3).sum().backward();
        opt.step();
      }
    };
    const a = make();
    const optA = new optim.Adam([a], { lr: 0.1 });
    run(optA, a, 4);
    const b = make();
    const optB = new optim.Adam([b], { lr: 0.1 });
    run(optB, b, 2);
    const saved = optB.stateDict();
    expect(saved.param_groups[0]!.params).toEqual([0]);
    const c = g.tensor(b.dataSync() as Float64Array, { requiresGrad: true });
    const optC = new optim.Adam([c], { lr: 0.1 });
    optC.loadStateDict(saved);
    run(optC, c, 2);
    expect(Array.from(c.dataSync())).toEqual(Array.from(a.dataSync()));
  });

  it('param groups take their own options; zeroGrad sets null or zeros', () => {
    const w = g.ones(2, { requiresGrad: true });
    const b = g.ones(1, { requiresGrad: true });
    const opt = new optim.SGD([{ params: [w] }, { params: [b], lr: 1 }], { lr: 0.1 });
    expect(opt.paramGroups.map((gr) => gr.lr)).toEqual([0.1, 1]);
    w.sum().add(b.sum()).backward();
    opt.step();
    expect(Array.from(w.dataSync())).toEqual([Math.fround(0.9), Math.fround(0.9)]);
    expect(b.item()).toBe(0);
    opt.zeroGrad({ setToNone: false });
    expect(Array.from(w.grad!.dataSync())).toEqual([0, 0]);
    opt.zeroGrad();
    expect(w.grad).toBeNull();
    expect(() => new optim.SGD([], { lr: 0.1 })).toThrow('optimizer got an empty parameter list');
    expect(() => new optim.Adam([w], { betas: [1.5, 0.9] })).toThrow('Adam: Invalid beta parameter at index 0: 1.5');
  });

  it('updates record no graph and keep memory flat', () => {
    const w = g.randn([8, 8], { requiresGrad: true });
    const opt = new optim.Adam([w], { lr: 0.01 });
    const step = () =>
      g.tidy(() => {
        opt.zeroGrad();
        w.tanh().sum().backward();
        opt.step();
      });
    step();
    const before = g.memory().numTensors;
    for (let i = 0; i < 100; i++) step();
    expect(g.memory().numTensors).toBe(before);
    expect(w.gradFn).toBeNull();
    expect(w.isLeaf).toBe(true);
  });

  it('clipGradNorm_ and clipGradValue_', () => {
    const a = g.tensor([3, 0], { requiresGrad: true });
    const b = g.tensor([0, 4], { requiresGrad: true });
    a.mul(a).sum().add(b.mul(b).sum()).mul(0.5).backward(); // grads = a and b: [3, 0] and [0, 4]
    const norm = optim.clipGradNorm_([a, b], 1);
    expect(norm.ndim).toBe(0);
    expect(norm.item()).toBeCloseTo(5, 5);
    expect(Math.hypot(...Array.from(a.grad!.dataSync()), ...Array.from(b.grad!.dataSync()))).toBeCloseTo(1, 4);
    optim.clipGradValue_([a, b], 0.1);
    expect(Math.max(...Array.from(b.grad!.dataSync()))).toBeCloseTo(0.1, 6);
  });
});

describe('learning-rate schedulers follow torch.optim.lr_scheduler', () => {
  for (const c of fixtures.schedulers) {
    it(c.scheduler, () => {
      const p = g.zeros(1, { requiresGrad: true });
      const opt = new optim.SGD([p], { lr: 0.1 });
      if (c.scheduler === 'ReduceLROnPlateau') {
        const sched = new optim.ReduceLROnPlateau(opt, { patience: 2, factor: 0.5 });
        const lrs = [1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85].map((m) => {
          sched.step(m);
          return opt.paramGroups[0]!.lr;
        });
        close(lrs, c.lrs, 1e-12);
        return;
      }
      const sched =
        c.scheduler === 'StepLR'
          ? new optim.StepLR(opt, { stepSize: 3, gamma: 0.5 })
          : c.scheduler === 'ExponentialLR'
            ? new optim.ExponentialLR(opt, { gamma: 0.9 })
            : c.scheduler === 'CosineAnnealingLR'
              ? new optim.CosineAnnealingLR(opt, { tMax: 8, etaMin: 0.01 })
              : new optim.LambdaLR(opt, { lrLambda: (e) => 1 / (e + 1) });
      const lrs = [opt.paramGroups[0]!.lr];
      for (let i = 0; i < 10; i++) {
        opt.step();
        sched.step();
        lrs.push(opt.paramGroups[0]!.lr);
      }
      close(lrs, c.lrs, 1e-12);
    });
  }
});

describe('an LSTM and a small CNN ported line for line follow PyTorch loss curves', () => {
  it('Embedding + 2-layer LSTM + Linear, Adam, gradient clipping', async () => {
    const { nn } = await import('@graft/nn');
    const f = nnFixtures.training.lstm;
    class CharLSTM extends nn.Module {
      embed = new nn.Embedding(12, 6);
      lstm = new nn.LSTM(6, 16, { numLayers: 2, batchFirst: true });
      head = new nn.Linear(16, 12);
      override forward(x: g.Tensor): g.Tensor {
        const [out] = this.lstm.call(this.embed.call(x)) as [g.Tensor, unknown];
        return this.head.call(out);
      }
    }
    g.manualSeed(0);
    const model = new CharLSTM();
    const x = g.randint(0, 12, [4, 7]);
    const y = g.randint(0, 12, [4, 7]);
    expect(Array.from(x.dataSync())).toEqual(f.x);
    const opt = new optim.Adam(model.parameters(), { lr: 0.02 });
    const losses: number[] = [];
    for (let i = 0; i < 15; i++) {
      opt.zeroGrad();
      const loss = nn.F.crossEntropy((model.call(x) as g.Tensor).reshape(-1, 12), y.reshape(-1));
      loss.backward();
      optim.clipGradNorm_(model.parameters(), 1.0);
      opt.step();
      losses.push(loss.item() as number);
    }
    close(losses, f.losses, 2e-4);
  });

  it('Conv2d + MaxPool2d + Linear, SGD with momentum, weight decay and StepLR', async () => {
    const { nn } = await import('@graft/nn');
    g.manualSeed(0);
    const cnn = new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(4, 6, 3),
      new nn.ReLU(),
      new nn.Flatten(),
      new nn.Linear(6 * 2 * 2, 3),
    );
    const x = g.randn(8, 1, 8, 8);
    const y = g.randint(0, 3, [8]);
    const opt = new optim.SGD(cnn.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 1e-3 });
    const sched = new optim.StepLR(opt, { stepSize: 5, gamma: 0.5 });
    const losses: number[] = [];
    for (let i = 0; i < 15; i++) {
      opt.zeroGrad();
      const loss = nn.F.crossEntropy(cnn.call(x) as g.Tensor, y);
      loss.backward();
      opt.step();
      sched.step();
      losses.push(loss.item() as number);
    }
    close(losses, nnFixtures.training.cnn.losses, 2e-4);
  });
});
