import * as g from '@graft/core';
import '@graft/backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { F, type Module, nn } from '../src/index.js';
import fixture from './fixtures/activations-losses.json' with { type: 'json' };
import { activationLossReprMakers } from './reprs-activations-losses.js';
import { checkFnCase, decode, type Encoded, expectClose, type FnCase } from './fixture-cases.js';

const ACTIVATION_FNS = new Set([
  'leakyRelu',
  'elu',
  'selu',
  'celu',
  'silu',
  'mish',
  'softplus',
  'softsign',
  'hardtanh',
  'relu6',
  'hardswish',
  'hardsigmoid',
  'tanhshrink',
  'threshold',
  'softshrink',
  'hardshrink',
  'logsigmoid',
  'gelu',
  'glu',
  'softmin',
  'logSoftmax',
  'prelu',
]);

describe('activations against PyTorch (values and gradients, at the kinks too)', () => {
  for (const c of (fixture.cases as FnCase[]).filter((c) => ACTIVATION_FNS.has(c.fn))) {
    it(c.name, () => checkFnCase(c));
  }

  it('Softmax2d normalises over the channels', () => {
    expectClose(
      new nn.Softmax2d().call(decode(fixture.softmax2d.x as Encoded)) as g.Tensor,
      fixture.softmax2d.out as Encoded,
      1e-12,
      1e-12,
    );
    expect(() => new nn.Softmax2d().call(g.zeros(2, 3))).toThrow('Softmax2d: expected input of 3 or 4 dimensions');
  });
});

describe('activations composed, as on a backend without the fused activation kernel, against PyTorch', () => {
  // The CPU backend's kernel runs the cases above; these run each activation's composite (what the GPU
  // backends run) by hiding the kernel from core for the duration.
  const backend = g.zeros(1).backend as { activation?: unknown };
  let kernel: unknown;
  beforeAll(() => {
    kernel = backend.activation;
    backend.activation = undefined;
  });
  afterAll(() => {
    backend.activation = kernel;
  });
  const FUSED_FNS = new Set([
    'leakyRelu',
    'elu',
    'selu',
    'celu',
    'silu',
    'mish',
    'softplus',
    'hardtanh',
    'relu6',
    'hardswish',
    'hardsigmoid',
    'gelu',
  ]);
  for (const c of (fixture.cases as FnCase[]).filter((c) => FUSED_FNS.has(c.fn))) {
    // ATen's hardsigmoid backward multiplies by the float constant 1.0f / 6.0f, also in double (as the kernel
    // does): 3e-8 off the composite's exact 1/6.
    it(c.name, () => checkFnCase(c, c.fn === 'hardsigmoid' && c.out.dtype === 'float64' ? { rtol: 1e-8 } : {}));
  }
});

describe('activation modules with parameters: state dict and seeded init as PyTorch', () => {
  const makers: Record<string, () => Module> = {
    'PReLU()': () => new nn.PReLU({ dtype: 'float64' }),
    'PReLU(num_parameters=3,init=0.1)': () => new nn.PReLU({ numParameters: 3, init: 0.1, dtype: 'float64' }),
  };
  for (const c of fixture.modules) {
    it(c.name, () => {
      const m = makers[c.name]!();
      const state = m.stateDict();
      expect(Object.keys(state)).toEqual(Object.keys(c.state));
      for (const [k, v] of Object.entries(c.state)) expectClose(state[k]!, v as Encoded, 0, 0, k);
      const x = decode(c.x as Encoded, true);
      const y = m.call(x) as g.Tensor;
      expectClose(y, c.out as Encoded, 1e-12, 1e-12, 'out');
      y.mul(decode(c.w as Encoded))
        .sum()
        .backward();
      expectClose(x.grad!, c.xgrad as Encoded, 1e-12, 1e-12, 'x.grad');
      for (const [k, p] of m.namedParameters()) expectClose(p.grad!, (c.paramGrads as Record<string, Encoded>)[k]!, 1e-12, 1e-12, k);
    });
  }
});

describe('activation and loss reprs as PyTorch prints them', () => {
  for (const [name, text] of Object.entries(fixture.reprs)) {
    it(name, () => expect(String(activationLossReprMakers[name]!())).toBe(text));
  }
});

describe('activations: gradcheck and gradgradcheck (float64, away from the kinks)', () => {
  // Inputs at least 0.1 away from every integer, so off every kink below (integers, ±0.05).
  const input = (shape: number[]) => {
    g.manualSeed(11);
    const n = shape.reduce((a, b) => a * b, 1);
    // k + 0.1 + 0.8·u for integers k in [-6, 5].
    const k = g.tensor(
      Array.from({ length: n }, (_, i) => (i % 12) - 6),
      { dtype: 'float64' },
    );
    return g.rand([n], { dtype: 'float64' }).mul(0.8).add(0.1).add(k).reshape(shape).detach().requiresGrad_(true);
  };
  const unary: Record<string, (x: g.Tensor) => g.Tensor> = {
    elu: (x) => F.elu(x, 0.7),
    selu: (x) => F.selu(x),
    celu: (x) => F.celu(x, 1.5),
    silu: (x) => F.silu(x),
    mish: (x) => F.mish(x),
    softplus: (x) => F.softplus(x, { beta: 2, threshold: 4 }),
    softsign: (x) => F.softsign(x),
    hardtanh: (x) => F.hardtanh(x, -2, 2),
    relu6: (x) => F.relu6(x),
    hardswish: (x) => F.hardswish(x),
    hardsigmoid: (x) => F.hardsigmoid(x),
    tanhshrink: (x) => F.tanhshrink(x),
    threshold: (x) => F.threshold(x, 0.05, -3),
    softshrink: (x) => F.softshrink(x, 0.05),
    hardshrink: (x) => F.hardshrink(x, 0.05),
    logsigmoid: (x) => F.logsigmoid(x),
    glu: (x) => F.glu(x, 0),
    softmin: (x) => F.softmin(x, 1),
    prelu: (x) => F.prelu(x, g.tensor([0.3, -0.2], { dtype: 'float64' })),
  };
  for (const [name, f] of Object.entries(unary)) {
    it(name, () => {
      const x = input([4, 2, 3]);
      expect(g.autograd.gradcheck(f, [x])).toBe(true);
      expect(g.autograd.gradgradcheck(f, [x])).toBe(true);
    });
  }
  it("prelu's weight gradient", () => {
    const x = input([3, 2, 2]);
    const w = g.tensor([0.3, -0.2], { dtype: 'float64', requiresGrad: true });
    expect(g.autograd.gradcheck((a, b) => F.prelu(a, b), [x, w])).toBe(true);
    expect(g.autograd.gradgradcheck((a, b) => F.prelu(a, b), [x, w])).toBe(true);
  });
});

describe('activations: in place, options and errors', () => {
  it('inplace writes the result into the input', () => {
    for (const f of [F.elu, F.selu, F.celu, F.silu, F.mish, F.hardtanh, F.relu6, F.hardswish, F.hardsigmoid] as ((
      x: g.Tensor,
      o: { inplace: boolean },
    ) => g.Tensor)[]) {
      const x = g.tensor([-2, -0.5, 0.5, 2]);
      const y = f(x, { inplace: true });
      expect(Array.from(x.dataSync())).toEqual(Array.from(y.dataSync()));
      expect(Array.from(f(g.tensor([-2, -0.5, 0.5, 2]), { inplace: false }).dataSync())).toEqual(Array.from(x.dataSync()));
    }
    const x = g.tensor([-1, 0.25, 2]);
    F.threshold(x, 0.5, 9, true);
    expect(Array.from(x.dataSync())).toEqual([9, 9, 2]);
  });
  it('positional and keyword arguments are the same', () => {
    const x = g.tensor([-3, -1, 0.5, 4]);
    expect(Array.from(F.softplus(x, 2, 1).dataSync())).toEqual(Array.from(F.softplus(x, { beta: 2, threshold: 1 }).dataSync()));
    expect(Array.from(F.hardtanh(x, -2, 2).dataSync())).toEqual(Array.from(F.hardtanh(x, { minVal: -2, maxVal: 2 }).dataSync()));
    expect(Array.from(F.elu(x, 0.5).dataSync())).toEqual(Array.from(F.elu(x, { alpha: 0.5 }).dataSync()));
  });
  it('bad arguments are named', () => {
    expect(() => F.glu(g.zeros(2, 3))).toThrow('glu: Halving dimension must be even, but dimension 1 is size 3');
    expect(() => F.glu(g.tensor(1))).toThrow('glu does not support scalars');
    expect(() => F.glu(g.zeros(2, 4), 2)).toThrow('glu: Dimension out of range');
    expect(() => F.hardtanh(g.zeros(2), 1, -1)).toThrow('hardtanh: min_val cannot be greater than max_val');
    expect(() => new nn.Hardtanh(1, -1)).toThrow('Hardtanh: min_val cannot be greater than max_val');
    expect(() => F.softshrink(g.zeros(2), -1)).toThrow('softshrink: lambda must be greater or equal to 0, but found to be -1.');
    expect(() => F.celu(g.zeros(2), 0)).toThrow('celu: ZeroDivisionError, alpha cannot be 0 for CELU');
    expect(() => F.prelu(g.zeros(2, 3), g.zeros(2))).toThrow(
      'prelu: Mismatch of parameter numbers and input channel size. Found parameter numbers = 2 and channel size = 3',
    );
    expect(() => F.elu(g.zeros(2), { alhpa: 1 } as never)).toThrow(/alhpa/);
    expect(() => F.softplus(g.zeros(2), 'x' as never)).toThrow("softplus: argument 'beta' must be a number");
    expect(() => new nn.PReLU(0)).toThrow('PReLU: numParameters must be a positive integer');
    expect(() => new nn.Threshold({ threshold: 1 } as never)).toThrow('Threshold: expected numbers');
    expect(() => new nn.Softsign({ x: 1 } as never)).toThrow(/x/);
  });
  it('nothing leaks', () => {
    const x = g.randn(3, 4);
    const before = g.memory().numTensors;
    for (const f of [F.elu, F.selu, F.mish, F.softplus, F.hardswish, F.hardsigmoid, F.logsigmoid, F.softsign, F.tanhshrink] as ((
      x: g.Tensor,
    ) => g.Tensor)[])
      f(x).dispose();
    expect(g.memory().numTensors).toBe(before);
  });
});
