/**
 * @graft/nn and @graft/optim on 'webgpu': small models trained a few steps on
 * the GPU give the CPU's losses and parameters (the CPU's are checked against
 * PyTorch in nn's and optim's own tests), and nn's composite functions
 * (transposed convolutions, pooling with indices, resampling, padding, fold)
 * give the CPU's values, indices and gradients, as in the WebGL backend's nn
 * test. Every read is asynchronous (`await t.values()`): synchronous reads
 * are refused on this adapter. Shapes are small: every new shape compiles
 * new shaders on SwiftShader.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { F, nn } from '@graft/nn';
import { Adam, SGD } from '@graft/optim';
import { describe, expect, it } from 'vitest';
import { webgpuAvailable } from '../src/index.js';

// The device is made asynchronously after the import.
await webgpuAvailable();

/** Float32 GPU against CPU: a few ulps per op, a few ops deep. */
function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = 1e-4): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol * Math.max(1, Math.abs(expected[i]!)))) {
      expect(actual[i], `${what}[${i}]`).toBe(expected[i]);
    }
  }
}

const read = async (t: g.Tensor): Promise<number[]> => Array.from(await t.values());

interface Trained {
  losses: number[];
  params: Map<string, number[]>;
}

/**
 * Builds a model on the CPU from one seed (the same weights for both runs),
 * moves it and the data to `device`, trains `steps` steps and reads every
 * loss (asynchronously, one read per step, as a training loop should) and
 * the final parameters.
 */
async function train(
  device: string,
  make: () => nn.Module,
  data: () => [g.Tensor, g.Tensor],
  lossOf: (out: g.Tensor, target: g.Tensor) => g.Tensor,
  optimizer: (params: nn.Parameter[]) => SGD | Adam,
  steps: number,
): Promise<Trained> {
  g.manualSeed(7);
  const model = make().to(device);
  const [x, target] = data().map((t) => t.to(device)) as [g.Tensor, g.Tensor];
  const opt = optimizer(model.parameters());
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = g.tidy(() => {
      opt.zeroGrad();
      const l = lossOf(model.call(x) as g.Tensor, target);
      l.backward();
      opt.step();
      return l.detach();
    });
    losses.push((await read(loss))[0]!);
    loss.dispose();
  }
  const params = new Map<string, number[]>();
  for (const [name, p] of model.namedParameters()) params.set(name, await read(p));
  return { losses, params };
}

/** The GPU's run, then the CPU's: one after the other, as both draw from the one seeded generator. */
async function both(run: (device: string) => Promise<Trained>): Promise<[Trained, Trained]> {
  const gpu = await run('webgpu');
  return [gpu, await run('cpu')];
}

/** The last output of an LSTM over the sequence, through a linear head. */
class SequenceRegressor extends nn.Module {
  lstm = new nn.LSTM(3, 8);
  head = new nn.Linear(8, 1);
  override forward(x: g.Tensor): g.Tensor {
    const [out] = this.lstm.call(x);
    return this.head.call(out.select(0, -1));
  }
}

const models: [string, () => Promise<[Trained, Trained]>][] = [
  [
    'an MLP (Linear, ReLU, Linear; MSE), SGD with momentum',
    () => {
      const run = (device: string) =>
        train(
          device,
          () => new nn.Sequential(new nn.Linear(6, 16), new nn.ReLU(), new nn.Linear(16, 2)),
          () => {
            const x = g.randn(12, 6);
            return [x, x.narrow(1, 0, 2).tanh()];
          },
          (out, y) => F.mseLoss(out, y),
          (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9 }),
          6,
        );
      return both(run);
    },
  ],
  [
    'a CNN (Conv2d, ReLU, MaxPool2d, Flatten, Linear; cross-entropy), Adam',
    () => {
      const run = (device: string) =>
        train(
          device,
          () =>
            new nn.Sequential(
              new nn.Conv2d(1, 4, 3, { padding: 1 }),
              new nn.ReLU(),
              new nn.MaxPool2d(2),
              new nn.Flatten(),
              new nn.Linear(4 * 3 * 3, 3),
            ),
          () => [g.randn(5, 1, 6, 6), g.tensor([0, 2, 1, 1, 0], { dtype: 'int32' })],
          (out, y) => F.crossEntropy(out, y),
          (ps) => new Adam(ps, { lr: 0.01 }),
          4,
        );
      return both(run);
    },
  ],
  [
    'an LSTM with a linear head over a sequence (MSE), Adam',
    () => {
      const run = (device: string) =>
        train(
          device,
          () => new SequenceRegressor(),
          () => {
            const x = g.randn(5, 4, 3); // [time, batch, features]
            return [x, x.sum(0).narrow(1, 0, 1).tanh()];
          },
          (out, y) => F.mseLoss(out, y),
          (ps) => new Adam(ps, { lr: 0.02 }),
          4,
        );
      return both(run);
    },
  ],
];

describe("models trained on 'webgpu' follow the CPU step for step", () => {
  for (const [name, runBoth] of models) {
    it(name, async () => {
      const [gpu, cpu] = await runBoth();
      close(gpu.losses, cpu.losses, 'losses', 1e-4);
      expect(gpu.losses.at(-1)!).toBeLessThan(gpu.losses[0]!); // it trains
      expect([...gpu.params.keys()]).toEqual([...cpu.params.keys()]);
      for (const [param, values] of cpu.params) close(gpu.params.get(param)!, values, param, 1e-4);
    });
  }
});

type Result = g.Tensor | g.Tensor[];
/** [name, the shapes of its float32 inputs (randn), the call] — the WebGL backend's nn test's list. */
const calls: [string, number[][], (...xs: g.Tensor[]) => Result][] = [
  ['convTranspose2d', [[2, 4, 4, 3], [4, 3, 3, 2], [3]], (x, w, b) => F.convTranspose2d(x!, w!, b, 2, 1, 1, 1, 2)],
  ['convTranspose1d', [[2, 3, 5], [3, 2, 3], [2]], (x, w, b) => F.convTranspose1d(x!, w!, b, { stride: 3, padding: 1, outputPadding: 2 })],
  ['maxPool2d indices', [[2, 2, 7, 6]], (x) => F.maxPool2d(x!, [2, 3], { dilation: 2, ceilMode: true, returnIndices: true })],
  ['avgPool1d', [[2, 3, 9]], (x) => F.avgPool1d(x!, 3, { stride: 2, padding: 1, countIncludePad: false })],
  ['adaptiveMaxPool2d indices', [[2, 2, 7, 5]], (x) => F.adaptiveMaxPool2d(x!, [3, 2], { returnIndices: true })],
  ['interpolate bilinear', [[1, 2, 4, 5]], (x) => F.interpolate(x!, { scaleFactor: 1.7, mode: 'bilinear' })],
  ['pad reflect', [[2, 1, 4, 5]], (x) => F.pad(x!, [2, 1, -1, 3], 'reflect')],
  ['pixelShuffle 5-D', [[2, 1, 8, 2, 2]], (x) => F.pixelShuffle(x!, 2)],
  ['fold', [[2, 18, 12]], (x) => F.fold(x!, [6, 7], 3, { stride: 2, padding: 1 })],
];

async function runCall(shapes: number[][], call: (...xs: g.Tensor[]) => Result, device: string) {
  g.manualSeed(shapes.flat().reduce((a, b) => a * 31 + b, 7) % 100000);
  const inputs = shapes.map((s) => g.randn(s).to(device).requiresGrad_());
  const result = call(...inputs);
  const [out, indices] = Array.isArray(result) ? result : [result];
  const n = out!.numel();
  const w = g
    .tensor(
      Float32Array.from({ length: n }, (_, i) => (((i * 13) % 11) - 5) / 4),
      { shape: out!.shape },
    )
    .to(device);
  out!.mul(w).sum().backward();
  return {
    out: await read(out!),
    indices: indices ? await read(indices) : undefined,
    grads: await Promise.all(inputs.map((t) => read(t.grad!))),
  };
}

describe("@graft/nn's convolution, pooling and resampling on 'webgpu' give the CPU's values, indices and gradients", () => {
  for (const [name, shapes, call] of calls) {
    it(name, async () => {
      const gpu = await runCall(shapes, call, 'webgpu');
      const cpu = await runCall(shapes, call, 'cpu');
      close(gpu.out, cpu.out, 'out');
      expect(gpu.indices).toEqual(cpu.indices);
      gpu.grads.forEach((grad, k) => close(grad, cpu.grads[k]!, `grad of input ${k}`));
    });
  }
});
