import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool1d,
  AdaptiveMaxPool2d,
  AvgPool1d,
  AvgPool2d,
  Conv1d,
  Conv2d,
  ConvTranspose1d,
  ConvTranspose2d,
  F,
  Fold,
  MaxPool1d,
  MaxPool2d,
  MaxUnpool1d,
  MaxUnpool2d,
  type Module,
  PixelShuffle,
  PixelUnshuffle,
  Unfold,
  Upsample,
  UpsamplingBilinear2d,
  UpsamplingNearest2d,
} from '../src/index.js';
import fixture from './fixtures/conv.json' with { type: 'json' };

interface Input {
  shape: number[];
  dtype: 'float' | 'float32' | 'int';
  values: number[];
}
interface Case {
  name: string;
  fn: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  inputs: Input[];
  error?: string;
  outShape?: number[];
  out?: number[];
  indices?: number[];
  grads?: (number[] | null)[];
}
interface ModuleCase {
  name: string;
  seed: number;
  repr: string;
  state: Record<string, { shape: number[]; values: number[] }>;
  x?: number[];
  shape?: number[];
  outShape?: number[];
  out?: number[];
}

const cases = fixture.data.cases as Case[];
const modules = fixture.data.modules as ModuleCase[];

const values = (t: g.Tensor) => Array.from(t.dataSync() as ArrayLike<number>, Number);
function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string) {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [a, b] = [Number(actual[i]), Number(expected[i])];
    if (Math.abs(a - b) > tol * Math.max(1, Math.abs(b))) expect(a, `${what}[${i}]`).toBe(b);
  }
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const camelKeys = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]));

/** PyTorch's message without its op prefix, up to the first comma or parenthesis: the part both say alike. */
const messageHead = (e: string) =>
  e
    .replace(/^[a-z_0-9]+: /, '')
    .split(',')[0]!
    .split('(')[0]!
    .trim();

function inputsOf(c: Case): g.Tensor[] {
  return c.inputs.map((i) =>
    i.dtype === 'int'
      ? g.tensor(Int32Array.from(i.values), { shape: i.shape })
      : g.tensor(i.dtype === 'float32' ? Float32Array.from(i.values) : Float64Array.from(i.values), { shape: i.shape, requiresGrad: true }),
  );
}

/** The Graft call of a case: F.<camelName>(...inputs, ...args, options). */
function call(c: Case, inputs: g.Tensor[]): g.Tensor | [g.Tensor, g.Tensor] {
  const fn = (F as unknown as Record<string, (...a: unknown[]) => g.Tensor | [g.Tensor, g.Tensor]>)[camel(c.fn)];
  if (fn === undefined) throw new Error(`no F.${camel(c.fn)}`);
  const options = camelKeys(c.kwargs);
  return fn(...inputs, ...c.args, ...(Object.keys(options).length > 0 ? [options] : []));
}

const gradWeights = (shape: readonly number[], dtype: g.DType) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return g.tensor(
    Float64Array.from({ length: n }, (_, i) => (((i * 13) % 11) - 5) / 4),
    { shape: [...shape], dtype },
  );
};

/** Whether an index input names one output place twice within a plane. */
function repeatsAnIndex(c: Case): boolean {
  return c.inputs.some((i) => {
    if (i.dtype !== 'int') return false;
    const plane = i.shape.slice(c.fn.endsWith('2d') ? -2 : -1).reduce((a, b) => a * b, 1);
    const seen = new Set<string>();
    return i.values.some((v, k) => {
      const key = `${Math.floor(k / plane)} ${v}`;
      if (seen.has(key)) return true;
      seen.add(key);
      return false;
    });
  });
}

const families = [...new Set(cases.map((c) => c.fn))];

describe(`conv, pooling and resampling against PyTorch: ${cases.length} cases of ${families.join(', ')}`, () => {
  for (const c of cases) {
    it(c.name, () => {
      const inputs = inputsOf(c);
      if (c.error !== undefined) {
        expect(() => call(c, inputs)).toThrow(messageHead(c.error));
        return;
      }
      const result = call(c, inputs);
      const [out, indices] = Array.isArray(result) ? result : [result, undefined];
      expect(out.shape).toEqual(c.outShape);
      // float32 cases check the float32 index rules: the values are copies or short sums, so 1e-6 is ample.
      const tol = out.dtype === 'float32' ? 1e-6 : 1e-12;
      close(values(out), c.out!, tol, 'out');
      if (c.indices !== undefined) {
        expect(indices, 'indices').toBeDefined();
        expect(indices!.dtype).toBe('int32');
        expect(values(indices!)).toEqual(c.indices);
      }
      out.mul(gradWeights(out.shape, out.dtype)).sum().backward();
      c.grads!.forEach((grad, k) => {
        if (grad !== null) close(values(inputs[k]!.grad!), grad, tol, `grad of input ${k}`);
      });
    });
  }
});

describe('gradcheck (finite differences) on the first cases of every function', () => {
  for (const fn of families) {
    // Unpooling with overlapping windows writes one place twice: not differentiable there (in PyTorch neither).
    const picked = cases
      .filter((c) => c.fn === fn && c.error === undefined && !repeatsAnIndex(c) && c.inputs.every((i) => i.dtype !== 'float32'))
      .slice(0, 3);
    for (const c of picked) {
      it(c.name, () => {
        const inputs = inputsOf(c);
        const floats = inputs.filter((t) => t.dtype === 'float64');
        const run = (...xs: g.Tensor[]) => {
          let k = 0;
          const all = inputs.map((t) => (t.dtype === 'float64' ? xs[k++]! : t));
          const r = call(c, all);
          return Array.isArray(r) ? r[0] : r;
        };
        expect(g.autograd.gradcheck(run, floats)).toBe(true);
      });
    }
  }

  it('second derivatives: gradgradcheck of convTranspose2d, interpolate (bilinear), pad (reflect) and fold', () => {
    const x = g.randn([1, 2, 3, 3], { dtype: 'float64', requiresGrad: true });
    const w = g.randn([2, 2, 2, 2], { dtype: 'float64', requiresGrad: true });
    expect(g.autograd.gradgradcheck((a: g.Tensor, b: g.Tensor) => F.convTranspose2d(a.mul(a), b, { stride: 2, padding: 1 }), [x, w])).toBe(
      true,
    );
    expect(g.autograd.gradgradcheck((a: g.Tensor) => F.interpolate(a.mul(a), { scaleFactor: 1.5, mode: 'bilinear' }), [x])).toBe(true);
    expect(g.autograd.gradgradcheck((a: g.Tensor) => F.pad(a.mul(a), [1, 2, 2, 1], 'reflect'), [x])).toBe(true);
    const cols = g.randn([1, 8, 4], { dtype: 'float64', requiresGrad: true });
    expect(g.autograd.gradgradcheck((a: g.Tensor) => F.fold(a.mul(a), 3, 2), [cols])).toBe(true);
  });
});

/** Graft's spelling of each layer of the fixture. */
const layers: Record<string, () => Module> = {
  'ConvTranspose2d(4, 6, 3, stride=2, padding=1)': () => new ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1 }),
  'ConvTranspose2d(4, 6, (2, 3), stride=(2, 1), output_padding=1, groups=2, bias=False, dilation=2)': () =>
    new ConvTranspose2d(4, 6, [2, 3], { stride: [2, 1], outputPadding: [1, 0], groups: 2, bias: false, dilation: 2 }),
  'ConvTranspose2d(3, 2, 3, stride=2) output_size': () => new ConvTranspose2d(3, 2, 3, { stride: 2 }),
  'ConvTranspose1d(3, 4, 5, stride=3, padding=2)': () => new ConvTranspose1d(3, 4, 5, { stride: 3, padding: 2 }),
  'ConvTranspose1d(2, 2, 2, groups=2, bias=False)': () => new ConvTranspose1d(2, 2, 2, { groups: 2, bias: false }),
  'MaxPool1d(3, 2, 1)': () => new MaxPool1d(3, 2, 1),
  'MaxPool1d(2, ceil_mode=True, return_indices=True)': () => new MaxPool1d(2, { ceilMode: true, returnIndices: true }),
  'MaxPool2d(2, return_indices=True)': () => new MaxPool2d(2, { returnIndices: true }),
  'AvgPool1d(3, 2, 1)': () => new AvgPool1d(3, 2, 1),
  'AdaptiveAvgPool2d((2, None))': () => new AdaptiveAvgPool2d([2, null]),
  'AdaptiveAvgPool2d(3)': () => new AdaptiveAvgPool2d(3),
  'AdaptiveAvgPool1d(4)': () => new AdaptiveAvgPool1d(4),
  'AdaptiveMaxPool2d((3, 2))': () => new AdaptiveMaxPool2d([3, 2]),
  'AdaptiveMaxPool1d(2, True)': () => new AdaptiveMaxPool1d(2, true),
  'MaxUnpool2d(2)': () => new MaxUnpool2d(2),
  'MaxUnpool2d(3, 2, 1)': () => new MaxUnpool2d(3, 2, 1),
  'MaxUnpool1d(2)': () => new MaxUnpool1d(2),
  'Upsample(scale_factor=2)': () => new Upsample({ scaleFactor: 2 }),
  "Upsample(size=(3, 4), mode='bilinear')": () => new Upsample({ size: [3, 4], mode: 'bilinear' }),
  "Upsample(scale_factor=(2, 1.5), mode='bilinear', align_corners=True)": () =>
    new Upsample({ scaleFactor: [2, 1.5], mode: 'bilinear', alignCorners: true }),
  'UpsamplingNearest2d(scale_factor=2)': () => new UpsamplingNearest2d({ scaleFactor: 2 }),
  'UpsamplingBilinear2d(size=5)': () => new UpsamplingBilinear2d({ size: 5 }),
  'PixelShuffle(3)': () => new PixelShuffle(3),
  'PixelUnshuffle(2)': () => new PixelUnshuffle(2),
  'Unfold(2)': () => new Unfold(2),
  'Unfold((2, 3), dilation=2, padding=1, stride=(1, 2))': () => new Unfold([2, 3], { dilation: 2, padding: 1, stride: [1, 2] }),
  'Fold((4, 5), 2)': () => new Fold([4, 5], 2),
  'Fold(6, 3, stride=2, padding=1)': () => new Fold(6, 3, { stride: 2, padding: 1 }),
};

describe('layers against PyTorch: repr, state-dict names and shapes, seeded initial weights (torch.manual_seed), forward', () => {
  it('every layer of the fixture has its Graft spelling here', () => {
    expect(modules.map((m) => m.name.slice('module '.length)).sort()).toEqual(Object.keys(layers).sort());
  });
  for (const m of modules) {
    it(m.name, () => {
      g.manualSeed(m.seed);
      const layer = layers[m.name.slice('module '.length)]!();
      expect(String(layer)).toBe(m.repr);
      const state = layer.stateDict();
      expect(Object.keys(state)).toEqual(Object.keys(m.state));
      for (const [key, { shape, values: expected }] of Object.entries(m.state)) {
        expect(state[key]!.shape, key).toEqual(shape);
        expect(values(state[key]!), key).toEqual(expected.map(Math.fround));
      }
      if (m.x !== undefined) {
        const x = g.tensor(Float32Array.from(m.x), { shape: m.shape! });
        const outputSize = m.name.endsWith('output_size') ? [[10, 9]] : [];
        const y = (layer as ConvTranspose2d).call(x, ...(outputSize as [number[]]));
        expect(y.shape).toEqual(m.outShape);
        close(values(y), m.out!, 1e-5, 'out');
      }
    });
  }

  it('layers with returnIndices return [values, indices]; MaxUnpool2d puts them back', () => {
    const x = g.randn(1, 2, 4, 4);
    const [y, i] = new MaxPool2d(2, { returnIndices: true }).call(x) as [g.Tensor, g.Tensor];
    const back = new MaxUnpool2d(2).call(y, i);
    expect(back.shape).toEqual([1, 2, 4, 4]);
    // Every window's maximum is where it was, the rest zeros: pooling again gives the same values.
    expect(values(F.maxPool2d(back, 2))).toEqual(values(y));
    expect(() => F.maxUnpool2d(y, i.add(100), 2)).toThrow('maxUnpool2d: Found an invalid max index');
  });

  it('every layer PyTorch 1.13 runs on one unbatched sample gives the batch of one, without its batch dim', () => {
    // The layers of this family whose batched input is [N, C, …] (PyTorch's list: Conv*, ConvTranspose*, the pools, Fold/Unfold, PixelShuffle).
    const layers: [Module, number[]][] = [
      [new Conv1d(3, 4, 3, { padding: 1 }), [3, 9]],
      [new Conv2d(3, 4, 3, { stride: 2 }), [3, 7, 6]],
      [new Conv2d(4, 2, 1, { groups: 2, bias: false }), [4, 3, 3]],
      [new ConvTranspose1d(3, 4, 3), [3, 5]],
      [new ConvTranspose2d(3, 4, 3), [3, 5, 4]],
      [new MaxPool1d(2), [3, 8]],
      [new MaxPool2d(2), [3, 6, 6]],
      [new AvgPool1d(2), [3, 8]],
      [new AvgPool2d(2), [3, 6, 6]],
      [new AdaptiveAvgPool1d(2), [3, 8]],
      [new AdaptiveAvgPool2d(2), [3, 6, 6]],
      [new AdaptiveMaxPool1d(2), [3, 8]],
      [new AdaptiveMaxPool2d(2), [3, 6, 6]],
      [new PixelShuffle(2), [8, 3, 3]],
      [new PixelUnshuffle(2), [2, 4, 4]],
      [new Fold([4, 4], 2), [12, 9]],
      [new Unfold(2), [3, 4, 4]],
    ];
    for (const [layer, shape] of layers) {
      const x = g.randn(...shape);
      const batched = layer.call(x.unsqueeze(0)) as g.Tensor;
      const unbatched = layer.call(x) as g.Tensor;
      expect(unbatched.shape, String(layer)).toEqual(batched.shape.slice(1));
      expect(values(unbatched), String(layer)).toEqual(values(batched));
    }
  });

  it('ConvTranspose2d rejects an output size it cannot make, naming the valid range', () => {
    expect(() => new ConvTranspose2d(3, 2, 3, { stride: 2 }).call(g.randn(1, 3, 4, 4), [12, 9])).toThrow(
      'valid sizes range from [9] to [10]',
    );
  });
});

describe('each function leaves only its outputs alive (its intermediates are freed)', () => {
  for (const fn of families) {
    const picked = cases.filter((c) => c.fn === fn && c.error === undefined).slice(0, 4);
    for (const c of picked) {
      it(c.name, () => {
        const inputs = inputsOf(c);
        const before = g.memory().numTensors;
        const inference = [g.noGrad(() => call(c, inputs))].flat();
        expect(g.memory().numTensors - before, 'without grad').toBe(inference.length);
        inference.forEach((t) => t.dispose());
        [call(c, inputs)].flat().forEach((t) => t.dispose());
        expect(g.memory().numTensors, 'with grad, after disposing the outputs').toBe(before);
        inputs.forEach((t) => t.dispose());
      });
    }
  }
});
