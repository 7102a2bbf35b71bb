/**
 * The CPU's fused `activation` kernel (through `g.fused.activation`) against
 * each activation's composite, the definition every other backend runs: a
 * CPU backend without the kernel composes. Values and first-order gradients
 * agree to a few float32 ulps (the kernel follows ATen's operation order,
 * the composite its own), NaN and infinities exactly; under createGraph both
 * paths differentiate the composite, so the second order agrees bit for bit.
 * activations.test.ts checks both paths against PyTorch's fixtures.
 */
import * as g from '@graft/core';
import { CpuBackend } from '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { F } from '../src/index.js';

class CpuWithoutActivation extends CpuBackend {
  override activation = undefined as unknown as CpuBackend['activation'];
}
g.registerBackend('cpu-composed-activations', () => new CpuWithoutActivation());

class CountingActivation extends CpuBackend {
  calls = 0;
  constructor() {
    super();
    const kernel = this.activation;
    this.activation = (...args) => {
      this.calls++;
      return kernel(...args);
    };
  }
}
const counting = new CountingActivation();
g.registerBackend('cpu-counted-activations', () => counting);

const FUSED = 'cpu-counted-activations';
const COMPOSED = 'cpu-composed-activations';

/** Each fused activation with non-default parameters too, and the node name PyTorch records. */
const CASES: [string, (x: g.Tensor) => g.Tensor, string][] = [
  ['hardtanh', (x) => F.hardtanh(x), 'HardtanhBackward0'],
  ['hardtanh(-2, 0.5)', (x) => F.hardtanh(x, -2, 0.5), 'HardtanhBackward0'],
  ['relu6', (x) => F.relu6(x), 'HardtanhBackward0'],
  ['leakyRelu', (x) => F.leakyRelu(x), 'LeakyReluBackward0'],
  ['leakyRelu(0.3)', (x) => F.leakyRelu(x, 0.3), 'LeakyReluBackward0'],
  ['elu', (x) => F.elu(x), 'EluBackward0'],
  ['elu(0.7)', (x) => F.elu(x, 0.7), 'EluBackward0'],
  ['selu', (x) => F.selu(x), 'EluBackward0'],
  ['celu(1.5)', (x) => F.celu(x, 1.5), 'EluBackward0'],
  ['softplus', (x) => F.softplus(x), 'SoftplusBackward0'],
  ['softplus(2, 4)', (x) => F.softplus(x, 2, 4), 'SoftplusBackward0'],
  ['silu', (x) => F.silu(x), 'SiluBackward0'],
  ['mish', (x) => F.mish(x), 'MishBackward0'],
  // The CPU's kernel declines exact GELU (its backward would recompute erf): the composite runs on both.
  ['gelu', (x) => F.gelu(x), 'MulBackward0'],
  ["gelu('tanh')", (x) => F.gelu(x, 'tanh'), 'GeluBackward0'],
  ['hardsigmoid', (x) => F.hardsigmoid(x), 'HardsigmoidBackward0'],
  ['hardswish', (x) => F.hardswish(x), 'HardswishBackward0'],
];

/** Normals at several scales, the kinks (±3, ±1, 0, 6, −2, 0.5, 4, 20) and NaN, ±inf, ±0 mixed in. */
function input(dtype: 'float32' | 'float64', shape: number[]): g.Tensor {
  const x = g.randn(shape, { dtype }).mul(g.rand(shape, { dtype }).mul(12));
  const kinks = g.tensor([-3, 3, -1, 1, 0, 6, -2, 0.5, 4, 20, 10, -20], { dtype });
  const pick = g.randint(0, 12, shape);
  const u = g.rand(shape);
  const special = g.where(u.lt(0.03), NaN, g.where(u.lt(0.06), Infinity, g.where(u.lt(0.09), -Infinity, g.where(u.lt(0.12), -0, x))));
  return g.where(u.gt(0.85), kinks.indexSelect(0, pick.flatten()).reshape(shape), special);
}

/** |a − b| ≤ rtol·|b| + atol, NaN where the other is NaN and infinities equal. */
function expectNear(actual: g.Tensor, expected: g.Tensor, rtol: number, atol: number, what: string): void {
  const a = actual.to('cpu').contiguous().dataSync();
  const b = expected.to('cpu').contiguous().dataSync();
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < b.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(y) || !Number.isFinite(y)) expect(x, `${what}[${i}]`).toBe(y);
    else expect(Math.abs(x - y), `${what}[${i}]: ${x} against the composite's ${y}`).toBeLessThanOrEqual(rtol * Math.abs(y) + atol);
  }
}

const bits = (t: g.Tensor) => Array.from(t.to('cpu').contiguous().dataSync(), (v) => (Object.is(v, -0) ? '-0' : v));

describe('the fused activation kernel equals the composite', () => {
  for (const [name, f, node] of CASES) {
    it(`${name}: values, first and second order, float32 and float64, dense and strided`, () => {
      g.manualSeed(5);
      for (const dtype of ['float32', 'float64'] as const) {
        // A few ulps; the absolute floor is for gradients that cancel (GELU's cdf + x·pdf far out on the left,
        // its tanh form's 1 − t² where t is near ±1), where the kernel's ATen formula and the composite's
        // chain rule round differently.
        const tanhForm = name === "gelu('tanh')";
        const [rtol, atol] = dtype === 'float32' ? [3.2e-6, tanhForm ? 1e-6 : 2e-7] : [8e-15, tanhForm ? 1e-14 : 1e-15];
        // Small (plain arrays, JavaScript), and for float32 wasm-heap sized (SIMD) with a tail of two, split
        // over two threads.
        for (const shape of dtype === 'float32' ? [[7], [40, 33], [301, 110]] : [[7], [40, 33]]) {
          const x0 = input(dtype, shape);
          const w0 = g.randn(shape, { dtype });
          // Second order on the small shapes only (the composite's double backward is slow on big ones).
          const secondOrder = shape.length === 1 || shape[0]! * shape[1]! < 2000;
          const run = (device: string) => {
            // A transposed view for the 2-D shapes: the kernel reads strided inputs.
            const base = x0.to(device).requiresGrad_();
            const x = shape.length === 2 ? base.t().contiguous().t() : base;
            const y = f(x);
            let gx: g.Tensor | null = null;
            let ggx: g.Tensor | null = null;
            if (secondOrder) {
              [gx] = g.autograd.grad(y.mul(w0.to(device)).sum(), [base], { createGraph: true }) as [g.Tensor];
              // Piecewise-linear activations have a constant derivative: no second order to take.
              ggx = gx.requiresGrad ? g.autograd.grad(gx.mul(w0.to(device)).sum(), [base], { allowUnused: true })[0]! : null;
            }
            const plain = x0.to(device).requiresGrad_();
            f(plain).sum().backward(); // the gradient of a sum: one value expanded
            const weighted = x0.to(device).requiresGrad_();
            f(weighted).mul(w0.to(device)).sum().backward(); // a dense gradient
            return { y, gx, ggx, plain: plain.grad!, weighted: weighted.grad!, node: y.gradFn?.name };
          };
          counting.calls = 0;
          const fused = run(FUSED);
          // Three forwards and the two backwards outside createGraph by the kernel (GELU's forwards declined).
          const declined = name === 'gelu';
          const calls = declined ? 3 : 5;
          expect(counting.calls, `${name} ${dtype}: kernel calls`).toBe(calls);
          const composed = run(COMPOSED);
          const what = `${name} ${dtype} [${shape}]`;
          expect(fused.node, what).toBe(declined ? composed.node : node);
          expectNear(fused.y, composed.y, rtol, atol, `${what} value`);
          // ATen's (and the kernel's) hardsigmoid backward multiplies by the float 1/6, also in double.
          const gradRtol = name === 'hardsigmoid' && dtype === 'float64' ? 1e-7 : rtol * 4;
          expectNear(fused.plain, composed.plain, gradRtol, atol, `${what} gradient of a sum`);
          expectNear(fused.weighted, composed.weighted, gradRtol, atol, `${what} gradient`);
          if (secondOrder) {
            // Under createGraph the composite gives both orders on both backends.
            expect(bits(fused.gx!), `${what} gradient under createGraph`).toEqual(bits(composed.gx!));
            expect(fused.gx!.requiresGrad, what).toBe(composed.gx!.requiresGrad);
            if (composed.ggx !== null) expect(bits(fused.ggx!), `${what} second order`).toEqual(bits(composed.ggx));
          }
        }
      }
    });
  }

  it('the wasm loop (float32 on the wasm heap) and the JavaScript loop (small arrays) give the same bits', () => {
    g.manualSeed(9);
    const big = input('float32', [301, 70]).to(FUSED);
    const weights = g.randn([301, 70], { device: FUSED });
    for (const [name, f] of CASES) {
      if (name === 'gelu') continue; // declined: composed on both
      const y = f(big);
      const x = big.detach().requiresGrad_();
      f(x)
        .mul(weights)
        .backward(g.ones([301, 70], { device: FUSED }));
      // Rows of 70 floats are plain arrays (below the heap's 16 KiB), so each runs the JavaScript loop.
      for (const row of [0, 1, 150, 300]) {
        const small = g.tensor(Array.from(big.select(0, row).dataSync()), { device: FUSED }).requiresGrad_();
        expect(bits(f(small)), `${name} value, row ${row}`).toEqual(bits(y.select(0, row)));
        f(small)
          .mul(g.tensor(Array.from(weights.select(0, row).dataSync()), { device: FUSED }))
          .sum()
          .backward();
        expect(bits(small.grad!), `${name} gradient, row ${row}`).toEqual(bits(x.grad!.select(0, row)));
      }
    }
  });

  it("softplus's log1p in wasm (a port of fdlibm's) gives Math.log1p's float32 bits over its ranges", () => {
    // e^x from e^-60 to e^20: log1p's |x| < 2^-53 shortcut, its small-argument and its reduced ranges.
    const x = g.rand([20000], { device: FUSED }).mul(80).sub(60);
    const wasm = bits(F.softplus(x));
    const data = Array.from(x.dataSync());
    const js: (number | string)[] = [];
    for (let i = 0; i < data.length; i += 1000) js.push(...bits(F.softplus(g.tensor(data.slice(i, i + 1000), { device: FUSED }))));
    expect(wasm).toEqual(js);
  });

  it('the kernel path frees what it makes, and in place writes into the input', () => {
    const x = g.randn([64, 32], { device: FUSED }).requiresGrad_();
    F.elu(x).sum().backward();
    const before = g.memory();
    for (let i = 0; i < 3; i++) {
      x.grad?.dispose();
      x.grad = null;
      g.tidy(() => {
        F.gelu(x).mul(2).sum().backward();
        F.hardtanh(x.t()).sum().backward();
      });
    }
    x.grad?.dispose();
    x.grad = null;
    expect(g.memory().numTensors).toBe(before.numTensors - 1); // x's first gradient, disposed
    const t = g.tensor([-2, 0.5, 3], { device: FUSED });
    const same = F.hardtanh(t, { inplace: true });
    expect(same).toBe(t);
    expect(Array.from(t.dataSync())).toEqual([-1, 0.5, 1]);
  });

  it('integer inputs and forward-mode tangents take the composite', () => {
    counting.calls = 0;
    expect(() => F.hardtanh(g.tensor([1, 2], { dtype: 'int32', device: FUSED }))).not.toThrow();
    const [, tangent] = g.autograd.forwardAd.dualLevel(() => {
      const x = g.autograd.forwardAd.makeDual(g.tensor([-1, 2], { device: FUSED }), g.tensor([1, 1], { device: FUSED }));
      return [0, g.autograd.forwardAd.unpackDual(F.elu(x)).tangent!.dataSync()] as const;
    });
    expect(Array.from(tangent)).toEqual([Math.fround(Math.exp(-1)), 1]);
    expect(counting.calls).toBe(0);
  });
});
