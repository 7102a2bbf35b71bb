import * as g from '@graft/core';
import { CpuBackend } from '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  CrossEntropyLoss,
  F,
  GRUCell,
  init,
  LayerNorm,
  Linear,
  LSTMCell,
  Module,
  ModuleList,
  nn,
  Parameter,
  ReLU,
  RNNCell,
  Sequential,
  Tanh,
} from '../src/index.js';
import fixtures from './fixtures/nn.json' with { type: 'json' };

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++)
    expect(Math.abs(Number(a[i]) - Number(b[i]))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(Number(b[i]))));
};
const values = (t: g.Tensor) => Array.from(t.dataSync());

describe('Module: discovery, names, state dicts', () => {
  class Net extends Module {
    fc1 = new Linear(4, 8);
    act = new ReLU();
    fc2 = new Linear(8, 2, { bias: false });
    override forward(x: g.Tensor) {
      return this.fc2.call(this.act.call(this.fc1.call(x)));
    }
  }

  it('finds parameters and children in definition order with PyTorch names', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n, p]) => `${n}:${p.shape}`)).toEqual(['fc1.weight:8,4', 'fc1.bias:8', 'fc2.weight:2,8']);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['fc1', 'act', 'fc2']);
    expect(net.modules().length).toBe(4);
    expect(String(net)).toBe(
      'Net(\n  (fc1): Linear(in_features=4, out_features=8, bias=True)\n  (act): ReLU()\n  (fc2): Linear(in_features=8, out_features=2, bias=False)\n)',
    );
    const seq = new Sequential(new Linear(2, 3), new Tanh(), new Linear(3, 1));
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const list = new ModuleList([new Linear(1, 1), new Linear(1, 1)]);
    expect(list.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
  });

  it('stateDict / loadStateDict round-trip, with strict key and shape checks', () => {
    const a = new Net();
    const b = new Net();
    const x = g.randn(3, 4);
    b.loadStateDict(a.stateDict());
    expect(values(b.call(x))).toEqual(values(a.call(x)));
    const sd = a.stateDict();
    delete sd['fc1.bias'];
    expect(() => b.loadStateDict(sd)).toThrow(/Missing key\(s\) in state_dict: "fc1.bias"/);
    expect(() => b.loadStateDict({ ...a.stateDict(), extra: g.zeros(1) })).toThrow(/Unexpected key\(s\) in state_dict: "extra"/);
    expect(() => b.loadStateDict({ ...a.stateDict(), 'fc2.weight': g.zeros(3, 8) })).toThrow(
      'size mismatch for fc2.weight: copying a param with shape [3, 8] from checkpoint, the shape in current model is [2, 8].',
    );
    expect(b.loadStateDict(sd, { strict: false }).missingKeys).toEqual(['fc1.bias']);
  });

  it('train/eval, zeroGrad, apply, registerBuffer', () => {
    const net = new Net();
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.call(g.randn(2, 4)).sum().backward();
    expect(net.fc1.weight.grad).not.toBeNull();
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
    let count = 0;
    net.apply(() => count++);
    expect(count).toBe(4);
    net.registerBuffer('steps', g.zeros(1));
    expect(Object.keys(net.stateDict())).toContain('steps');
  });

  it('bad input names the layer and the shapes', () => {
    expect(() => new Linear(4, 2).call(g.zeros(3, 5))).toThrow(
      'Linear(in_features=4, out_features=2): expected input with last dim 4, got shape [3, 5]',
    );
    expect(() => new LSTMCell(3, 4).call(g.zeros(2, 5))).toThrow(/LSTMCell: input has inconsistent input_size: got 5 expected 3/);
  });

  it('Parameter prints as PyTorch', () => {
    expect(String(new Parameter(g.tensor([1, 2])))).toBe('Parameter containing:\ntensor([1., 2.], requires_grad=True)');
  });
});

describe('Module.to moves parameters in place', () => {
  g.registerBackend('cpu-other', () => new CpuBackend());
  it('same Parameter objects on the new device; gradients move too; training through references taken before still works', () => {
    g.manualSeed(0);
    const model = new Sequential(new Linear(3, 4), new Tanh(), new Linear(4, 1));
    const params = model.parameters();
    const before = params.map((p) => Array.from(p.dataSync()));
    model.call(g.randn(2, 3)).sum().backward();
    const live = g.memory().numTensors;
    model.to('cpu-other');
    expect(model.parameters()).toEqual(params);
    expect(params.every((p) => p.device === 'cpu-other' && p.grad?.device === 'cpu-other' && p.requiresGrad && p.isLeaf)).toBe(true);
    expect(params.map((p) => Array.from(p.dataSync()))).toEqual(before);
    expect(g.memory().byDevice['cpu-other']!.numTensors).toBe(2 * params.length);
    expect(g.memory().numTensors).toBeLessThanOrEqual(live);
    // An update through the old references reaches the model.
    const x = g.randn([8, 3], { device: 'cpu-other' });
    const loss = () => model.call(x).square().mean();
    const first = loss().item() as number;
    for (let i = 0; i < 20; i++) {
      for (const p of params) p.grad = null;
      loss().backward();
      g.noGrad(() => params.forEach((p) => p.sub_(p.grad!.mul(0.1))));
    }
    expect(loss().item() as number).toBeLessThan(first);
    model.to('float64');
    expect(params.every((p) => p.dtype === 'float64')).toBe(true);
  });
  it("t.data = v gives t v's data and keeps t the same leaf", () => {
    const w = g.zeros(2, { requiresGrad: true });
    w.data = g.tensor([[1, 2, 3]]);
    expect(w.shape).toEqual([1, 3]);
    expect(w.requiresGrad && w.isLeaf).toBe(true);
    w.mul(2).sum().backward();
    expect(Array.from(w.grad!.dataSync())).toEqual([2, 2, 2]);
    expect(() => (w.data = g.tensor([1], { dtype: 'int32' }))).toThrow('requires grad cannot take data of dtype int32');
  });
});

describe('initialisation follows PyTorch', () => {
  it('a seeded Linear starts from PyTorch exact weights', () => {
    g.manualSeed(0);
    const model = new Sequential(new Linear(4, 8), new Tanh(), new Linear(8, 3));
    const init0 = fixtures.training.adam.init as Record<string, number[]>;
    for (const [k, v] of Object.entries(model.stateDict())) close(values(v), init0[k]!, 1e-7);
  });

  it('init statistics match the documented formulas', () => {
    g.manualSeed(5);
    const w = g.empty(400, 300);
    init.xavierUniform_(w);
    const a = Math.sqrt(6 / 700);
    expect(w.amax().item()).toBeLessThanOrEqual(a);
    expect(Math.abs((w.var().item() as number) - (a * a) / 3)).toBeLessThan(0.02 * a * a);
    init.kaimingNormal_(w, { nonlinearity: 'relu' });
    expect(Math.abs((w.std().item() as number) - Math.sqrt(2 / 300))).toBeLessThan(0.01);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3);
  });
});

describe('training follows PyTorch step by step from the same seed', () => {
  for (const [name, makeOpt] of [
    [
      'sgd_momentum',
      (params: g.Tensor[]) => {
        const velocity = params.map(() => null as g.Tensor | null);
        return () =>
          g.noGrad(() =>
            params.forEach((p, i) => {
              const v = velocity[i] === null ? p.grad!.clone() : velocity[i]!.mul(0.9).add(p.grad!);
              velocity[i] = v;
              p.sub_(v.mul(0.1));
            }),
          );
      },
    ],
  ] as const) {
    it(`MLP + cross entropy, ${name} written by hand`, () => {
      const f = fixtures.training[name];
      g.manualSeed(0);
      const model = new Sequential(new Linear(4, 8), new Tanh(), new Linear(8, 3));
      const x = g.randn(16, 4);
      const y = g.randint(0, 3, [16]);
      close(values(x), f.x, 1e-6); // float32 log/sin/cos may differ from glibc's by an ulp
      expect(Array.from(y.dataSync())).toEqual(f.y);
      const step = makeOpt(model.parameters());
      const lossFn = new CrossEntropyLoss();
      const losses: number[] = [];
      for (let i = 0; i < 25; i++) {
        model.zeroGrad();
        const loss = lossFn.call(model.call(x), y);
        loss.backward();
        step();
        losses.push(loss.item() as number);
      }
      close(losses, f.losses, 1e-4);
    });
  }
});

describe('layers against PyTorch', () => {
  const L = fixtures.layers;
  for (const [name, Cell] of [
    ['RNNCell', RNNCell],
    ['LSTMCell', LSTMCell],
    ['GRUCell', GRUCell],
  ] as const) {
    it(`${name}: seeded parameters, forward and parameter gradients`, () => {
      const f = L[name];
      g.manualSeed(1);
      const cell = new (Cell as typeof RNNCell)(3, 4);
      for (const [k, v] of Object.entries(cell.stateDict())) close(values(v), (f.state as Record<string, number[]>)[k]!, 1e-7);
      const x = g.randn(2, 3);
      const h = g.randn(2, 4);
      close(values(x), f.x, 1e-6);
      let y: g.Tensor;
      if (name === 'LSTMCell') {
        const c = g.randn(2, 4);
        const [h2, c2] = (cell as unknown as LSTMCell).call(x, [h, c]) as [g.Tensor, g.Tensor];
        y = h2.mul(1.5).add(c2);
      } else y = cell.call(x, h) as g.Tensor;
      close(values(y), f.out, 1e-5);
      y.pow(2).sum().backward();
      for (const [k, p] of cell.namedParameters()) close(values(p.grad!), (f.grads as Record<string, number[]>)[k]!, 1e-4);
    });
  }

  it('losses: values and gradients for every option', () => {
    const f = L.losses;
    const logits = g.tensor(new Float32Array(f.logits), { shape: [5, 4], requiresGrad: true });
    const target = g.tensor(new Int32Array(f.target));
    const probs = g.tensor(new Float32Array(f.probs), { shape: [5, 4] });
    const weight = g.tensor(new Float32Array(f.weight));
    const bx = g.tensor(new Float32Array(f.bx), { requiresGrad: true });
    const by = g.tensor(new Float32Array(f.by));
    const fns: Record<string, () => g.Tensor> = {
      ce: () => F.crossEntropy(logits, target),
      ce_weight_ignore: () => F.crossEntropy(logits, target, { weight, ignoreIndex: 1 }),
      ce_smoothing: () => F.crossEntropy(logits, target, { labelSmoothing: 0.2 }),
      ce_weight_smoothing: () => F.crossEntropy(logits, target, { weight, labelSmoothing: 0.1 }),
      ce_probs: () => F.crossEntropy(logits, probs),
      ce_probs_smoothing_weight: () => F.crossEntropy(logits, probs, { weight, labelSmoothing: 0.3 }),
      ce_sum: () => F.crossEntropy(logits, target, { reduction: 'sum' }),
      nll: () => F.nllLoss(logits.logSoftmax(1), target),
      mse: () => F.mseLoss(logits, probs),
      l1: () => F.l1Loss(logits, probs),
      bce: () => F.binaryCrossEntropy(bx, by),
      bce_logits: () => F.binaryCrossEntropyWithLogits(bx.mul(4).sub(2), by, { posWeight: g.tensor(3) }),
    };
    for (const [key, expected] of Object.entries(f.cases)) {
      logits.grad = null;
      bx.grad = null;
      const loss = fns[key]!();
      loss.backward();
      expect(Math.abs((loss.item() as number) - expected.value), key).toBeLessThan(1e-5 * Math.max(1, Math.abs(expected.value)));
      close(values(logits.grad ?? bx.grad!), expected.grad, 1e-5);
    }
  });

  it('LayerNorm and GELU', () => {
    const ln = new LayerNorm(5);
    const x = g.tensor(new Float32Array(L.LayerNorm.x), { shape: [3, 5], requiresGrad: true });
    const y = ln.call(x);
    close(values(y), L.LayerNorm.out, 1e-5);
    y.mul(g.arange(5).float()).sum().backward();
    close(values(x.grad!), L.LayerNorm.grad, 1e-4);
    const xg = g.tensor(new Float32Array(L.gelu.x));
    close(values(F.gelu(xg)), L.gelu.exact, 1e-6);
    close(values(new nn.GELU('tanh').call(xg)), L.gelu.tanh, 1e-6);
  });

  it('gradients through every layer pass gradcheck (float64)', () => {
    g.manualSeed(9);
    const x = g.randn([2, 3], { dtype: 'float64', requiresGrad: true });
    for (const layer of [
      new Linear(3, 2, { dtype: 'float64' }),
      new RNNCell(3, 2, { dtype: 'float64' }),
      new GRUCell(3, 2, { dtype: 'float64' }),
      new LayerNorm(3, { dtype: 'float64' }),
    ]) {
      expect(g.autograd.gradcheck((t) => layer.call(t) as g.Tensor, [x])).toBe(true);
    }
    const lstm = new LSTMCell(3, 2, { dtype: 'float64' });
    expect(g.autograd.gradcheck((t) => (lstm.call(t) as g.Tensor[])[1]!, [x])).toBe(true);
    const labels = g.tensor([1, 0], { dtype: 'int32' });
    expect(g.autograd.gradcheck((t) => F.crossEntropy(t, labels, { labelSmoothing: 0.1 }), [x])).toBe(true);
  });

  it('dropout: identity in eval, mean-preserving in training', () => {
    const d = new nn.Dropout(0.5);
    const x = g.ones(10000);
    const y = d.call(x);
    expect(Math.abs((y.mean().item() as number) - 1)).toBeLessThan(0.05);
    expect(values(y).every((v) => v === 0 || v === 2)).toBe(true);
    d.eval();
    expect(d.call(x)).toBe(x);
  });

  it('embedding picks rows and zeroes the padding row', () => {
    const e = new nn.Embedding(5, 3, { paddingIdx: 0 });
    expect(values(e.weight.select(0, 0))).toEqual([0, 0, 0]);
    const out = e.call(g.tensor([[1, 0]], { dtype: 'int32' }));
    expect(out.shape).toEqual([1, 2, 3]);
    close(values(out.select(1, 0)), values(e.weight.select(0, 1)));
  });
});
