/**
 * The optional `conv2d` kernel on a backend that has it: `@graft/nn`'s
 * convolutions against PyTorch's values and gradients (nn.json's layer
 * fixtures, passed in: this package does not depend on @graft/nn), each
 * through the kernel or, for a geometry the backend declines, through the
 * composite — and which of the two ran is checked by counting the kernel's
 * calls, so a kernel that stops being called (or a declined geometry that
 * reaches it) fails here. More geometries (asymmetric 'same' padding,
 * strides that do not divide, 1×1, a transposed input, groups, dilation) are
 * compared with the same convolution on the CPU in float64 (core's composite:
 * the CPU's own kernel is float32 only), which the nn package checks against
 * PyTorch.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';

/** One of nn.json's `layers.convs` fixtures (PyTorch's module state, input, output and gradients). */
export interface ConvLayerFixture {
  state: Record<string, number[]>;
  x: number[];
  shape: number[];
  out: number[];
  outShape: number[];
  xgrad: number[];
  grads: Record<string, number[]>;
}

/** The convolution options `F.conv2d` / `F.conv1d` take. */
type ConvOptions = Record<string, unknown> & { bias?: Tensor | null };

/** What the cases need from the caller. */
export interface ConvKernelCaseOptions {
  /** The device under test (its backend has the `conv2d` kernel). */
  device: string;
  /** @graft/nn's F.conv2d. */
  conv2d: (x: Tensor, w: Tensor, options: ConvOptions) => Tensor;
  /** @graft/nn's F.conv1d. */
  conv1d: (x: Tensor, w: Tensor, options: ConvOptions) => Tensor;
  /** nn.json's `layers.convs`. */
  fixtures: Record<string, ConvLayerFixture>;
  /** How many times the backend's conv2d kernel has been called so far. */
  kernelCalls: () => number;
  /**
   * Whether the kernel takes grouped and dilated convolutions (the CPU's
   * does); default false: tfjs's backprop kernels have neither, so the GPU
   * backends decline them to the composite.
   */
  takesGroupsAndDilation?: boolean;
}

type TestFn = (name: string, fn: () => Promise<void> | void) => void;

/**
 * The module fixtures of nn.json, as F calls: [fixture name, weight shape, options, whether a kernel takes it
 * that declines groups and dilation (any kernel takes the others)].
 */
const FIXTURE_CALLS: [string, number[], ConvOptions, boolean][] = [
  ['conv2d', [4, 2, 3, 3], { stride: 2, padding: 1 }, true], // Conv2d(2, 4, 3, stride=2, padding=1)
  ['conv1d', [3, 2, 3], { padding: 1 }, true], // Conv1d(2, 3, 3, padding=1): conv2d with a height of 1
  // Conv2d(4, 6, (2, 3), padding=(1, 2), dilation=(2, 1), groups=2): tfjs's backprop kernels take neither, so the kernel declines.
  ['conv2d_groups_dilation', [6, 2, 2, 3], { padding: [1, 2], dilation: [2, 1], groups: 2 }, false],
];

/** More geometries, against the CPU in float64: [name, x shape, weight shape, options, as above]. */
const CPU_CALLS: [string, number[], number[], ConvOptions, boolean][] = [
  ["padding 'same' with an even kernel (asymmetric)", [2, 3, 6, 5], [4, 3, 4, 2], { padding: 'same' }, true],
  ['strides that do not divide the input', [1, 2, 9, 8], [3, 2, 3, 2], { stride: [2, 3], padding: [1, 0] }, true],
  ['1x1 kernel', [2, 5, 4, 4], [3, 5, 1, 1], {}, true],
  ['a non-contiguous input (transposed)', [2, 3, 5, 6], [2, 3, 3, 3], { padding: 1, transposeInput: true }, true],
  ['depthwise (groups = channels)', [1, 4, 5, 5], [4, 1, 3, 3], { groups: 4, padding: 1 }, false],
  ['dilation 2', [1, 2, 7, 7], [2, 2, 3, 3], { dilation: 2 }, false],
];

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const [a, b] = [Number(actual[i]), Number(expected[i])];
    if (!(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)))) throw new Error(`${what}[${i}]: ${a}, expected ${b} (within ${tol})`);
  }
}

/** Weights for the backward pass (the nn fixtures' linspace(-1, 1)). */
const linspaceLike = (t: Tensor) =>
  g
    .linspace(-1, 1, t.numel())
    .reshape([...t.shape])
    .to(t.device);

/**
 * Registers the cases with `it` (vitest's, or a wrapper of it).
 *
 * @example
 * runConvKernelCases(it, { device: 'webgl', conv2d: F.conv2d, conv1d: F.conv1d, fixtures: nn.layers.convs, kernelCalls: () => calls });
 */
export function runConvKernelCases(it: TestFn, o: ConvKernelCaseOptions): void {
  const { device } = o;
  const takes = (plain: boolean) => plain || o.takesGroupsAndDilation === true;
  const tensor = (values: number[], shape: number[]) => g.tensor(Float32Array.from(values), { shape }).to(device);

  for (const [name, wShape, options, plain] of FIXTURE_CALLS) {
    const kernel = takes(plain);
    it(`${name} against PyTorch, ${kernel ? 'through the kernel' : 'declined: through the composite'}`, async () => {
      const f = o.fixtures[name];
      if (f === undefined) throw new Error(`nn.json has no layers.convs.${name}`);
      const x = tensor(f.x, f.shape).requiresGrad_();
      const w = tensor(f.state.weight!, wShape).requiresGrad_();
      const b = tensor(f.state.bias!, [wShape[0]!]).requiresGrad_();
      const before = o.kernelCalls();
      const y = (wShape.length === 4 ? o.conv2d : o.conv1d)(x, w, { ...options, bias: b });
      const forwardCalls = o.kernelCalls() - before;
      if (kernel ? forwardCalls !== 1 : forwardCalls > 1) {
        throw new Error(
          `${name}: the forward called the conv2d kernel ${forwardCalls} times (expected ${kernel ? 1 : 'a decline, at most 1'})`,
        );
      }
      if (JSON.stringify(y.shape) !== JSON.stringify(f.outShape)) throw new Error(`${name}: shape [${y.shape}], expected [${f.outShape}]`);
      close(await y.values(), f.out, 1e-5, `${name} out`);
      y.mul(linspaceLike(y)).sum().backward();
      const backwardCalls = o.kernelCalls() - before - forwardCalls;
      if (kernel ? backwardCalls !== 2 : backwardCalls !== 0) {
        throw new Error(`${name}: the backward called the conv2d kernel ${backwardCalls} times (expected ${kernel ? 2 : 0})`);
      }
      close(await x.grad!.values(), f.xgrad, 1e-4, `${name} grad of x`);
      close(await w.grad!.values(), f.grads.weight!, 1e-4, `${name} grad of weight`);
      close(await b.grad!.values(), f.grads.bias!, 1e-4, `${name} grad of bias`);
    });
  }

  for (const [name, xShape, wShape, options, plain] of CPU_CALLS) {
    const kernel = takes(plain);
    it(`${name}: the CPU's values and gradients in float64${kernel ? '' : ' (declined)'}`, async () => {
      const { transposeInput, ...convOptions } = options;
      const run = async (on: string, dtype: 'float32' | 'float64') => {
        g.manualSeed(xShape.concat(wShape).reduce((a, b) => a * 31 + b, 7) % 100000);
        const x0 = transposeInput ? g.randn([xShape[0]!, xShape[1]!, xShape[3]!, xShape[2]!]) : g.randn(xShape);
        const x = x0.to(dtype).to(on).requiresGrad_();
        const w = g.randn(wShape).to(dtype).to(on).requiresGrad_();
        const before = o.kernelCalls();
        const y = o.conv2d(transposeInput ? x.transpose(2, 3) : x, w, convOptions);
        y.mul(linspaceLike(y)).sum().backward();
        return { y: await y.values(), gx: await x.grad!.values(), gw: await w.grad!.values(), calls: o.kernelCalls() - before };
      };
      const gpu = await run(device, 'float32');
      const cpu = await run('cpu', 'float64');
      if (gpu.calls !== (kernel ? 3 : 0) && !(!kernel && gpu.calls <= 1)) {
        throw new Error(`${name}: the conv2d kernel was called ${gpu.calls} times (expected ${kernel ? 3 : 'none after a decline'})`);
      }
      close(gpu.y, cpu.y, 1e-4, `${name} out`);
      close(gpu.gx, cpu.gx, 1e-4, `${name} grad of x`);
      close(gpu.gw, cpu.gw, 1e-4, `${name} grad of weight`);
    });
  }

  it("second derivatives (createGraph) through the kernel's passes: the CPU's in float64", async () => {
    const run = async (on: string, dtype: 'float32' | 'float64') => {
      g.manualSeed(11);
      const x = g.randn([2, 2, 5, 4]).to(dtype).to(on).requiresGrad_();
      const w = g.randn([3, 2, 3, 2]).to(dtype).to(on).requiresGrad_();
      const before = o.kernelCalls();
      const y = o.conv2d(x, w, { stride: 2, padding: 1 }).tanh();
      const [gx, gw] = g.autograd.grad([y.sum()], [x, w], { createGraph: true });
      const s = gx!.mul(gx!).sum().add(gw!.mul(gw!).sum());
      const [ggx, ggw] = g.autograd.grad([s], [x, w]);
      return { ggx: await ggx!.values(), ggw: await ggw!.values(), calls: o.kernelCalls() - before };
    };
    const gpu = await run(device, 'float32');
    const cpu = await run('cpu', 'float64');
    // forward, its two gradients, and in the second backward the gradients of those two (two passes each) at least.
    if (gpu.calls < 5) throw new Error(`the conv2d kernel was called ${gpu.calls} times for a second derivative (expected at least 5)`);
    close(gpu.ggx, cpu.ggx, 1e-3, 'second derivative wrt x');
    close(gpu.ggw, cpu.ggw, 1e-3, 'second derivative wrt weight');
  });
}
