/**
 * The WebGPU part of the browser bench, bundled by browser.ts and run in
 * headless Chromium on a page served from 127.0.0.1 (WebGPU needs a secure
 * context): Graft on 'webgpu' against tfjs's own webgpu backend in the same
 * page, and Graft on 'webgl' for the ratio between Graft's two GPU backends.
 *
 * Every runner reads its result asynchronously (`await t.values()`,
 * `await t.data()`): synchronous reads are impossible on WebGPU here
 * (SwiftShader's canvas path gives nothing), and a fair comparison reads the
 * same way everywhere. Graft's backend turns tfjs-webgpu's CPU forwarding off
 * (every kernel on the GPU), which the tfjs runner then shares: the ratio is
 * Graft's own overhead on the same shaders.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import '@graft/backend-webgl';
import { webgpuAvailable, webgpuInfo } from '@graft/backend-webgpu';
import { nn } from '@graft/nn';
import { SGD } from '@graft/optim';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { median, toUnit, type Unit } from './timing.js';

export type WebGpuRunner = 'graft-webgpu' | 'tfjs-webgpu' | 'graft-webgl';
export const WEBGPU_RUNNERS: WebGpuRunner[] = ['graft-webgpu', 'tfjs-webgpu', 'graft-webgl'];

interface Step {
  run(): Promise<void>;
  cleanup(): void;
}
interface Workload {
  name: string;
  unit: Unit;
  flops?: number;
  setup(runner: WebGpuRunner): Step;
}

/** What the page hands back: per workload, per runner, one value per round. */
export interface WebGpuBenchResult {
  adapter: string;
  workloads: { name: string; unit: Unit; values: Record<WebGpuRunner, number[]> }[];
  failures: string[];
}

/** Seconds per call of an async `run`: warm-up, then the median of timed batches for at least `minTime`. */
async function timeAsync(run: () => Promise<void>, minTime: number): Promise<number> {
  for (let i = 0; i < 2; i++) await run();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 3 || (performance.now() - start) / 1000 < minTime) {
    const t0 = performance.now();
    await run();
    samples.push((performance.now() - t0) / 1000);
    if (samples.length >= 15) break;
  }
  return median(samples);
}

const device = (runner: WebGpuRunner) => (runner === 'graft-webgl' ? 'webgl' : 'webgpu');

function matmul(n: number): Workload {
  return {
    name: `matmul ${n}x${n} (GFLOPS)`,
    unit: 'gflops',
    flops: 2 * n * n * n,
    setup(runner) {
      if (runner !== 'tfjs-webgpu') {
        const a = g.randn([n, n], { device: device(runner) });
        const b = g.randn([n, n], { device: device(runner) });
        return {
          run: async () => {
            const c = a.matmul(b);
            await c.values();
            c.dispose();
          },
          cleanup: () => {
            a.dispose();
            b.dispose();
          },
        };
      }
      const a = tf.randomNormal([n, n]);
      const b = tf.randomNormal([n, n]);
      return {
        run: async () => {
          const c = tf.matMul(a, b);
          await c.data();
          c.dispose();
        },
        cleanup: () => {
          a.dispose();
          b.dispose();
        },
      };
    },
  };
}

/** One SGD step (lr 0.01) of a Graft classifier with cross entropy, reading the loss asynchronously. */
function graftStep(runner: WebGpuRunner, model: nn.Module, x: g.Tensor, y: g.Tensor): Step {
  model.to(device(runner));
  const xs = x.to(device(runner));
  const ys = y.to(device(runner));
  const opt = new SGD(model.parameters(), { lr: 0.01 });
  const lossFn = new nn.CrossEntropyLoss();
  return {
    run: async () => {
      const loss = g.tidy(() => {
        opt.zeroGrad();
        const l = lossFn.call(model.call(xs), ys);
        l.backward();
        opt.step();
        return l.detach();
      });
      await loss.values();
      loss.dispose();
    },
    cleanup: () => {
      for (const t of [x, y, xs, ys, ...model.parameters()]) t.dispose();
    },
  };
}

/** The same step in tfjs: variables, `optimizer.minimize`, softmax cross entropy on one-hot labels. */
function tfjsStep(logits: () => tf.Tensor, oneHot: tf.Tensor, owned: tf.Tensor[]): Step {
  const opt = tf.train.sgd(0.01);
  const loss = () => tf.losses.softmaxCrossEntropy(oneHot, logits()) as tf.Scalar;
  return {
    run: async () => {
      const cost = opt.minimize(loss, true)!;
      await cost.data();
      cost.dispose();
    },
    cleanup: () => {
      for (const t of [...owned, oneHot]) t.dispose();
      opt.dispose();
    },
  };
}

function mlpStep(): Workload {
  const [B, I, H, O] = [64, 784, 256, 10];
  return {
    name: `MLP ${I}-${H}-${O} train step, batch ${B}, SGD (ms)`,
    unit: 'ms',
    setup(runner) {
      if (runner !== 'tfjs-webgpu') {
        return graftStep(
          runner,
          new nn.Sequential(new nn.Linear(I, H), new nn.ReLU(), new nn.Linear(H, O)),
          g.randn(B, I),
          g.randint(0, O, [B]),
        );
      }
      const w1 = tf.variable(tf.randomUniform([I, H], -0.03, 0.03));
      const b1 = tf.variable(tf.zeros([H]));
      const w2 = tf.variable(tf.randomUniform([H, O], -0.06, 0.06));
      const b2 = tf.variable(tf.zeros([O]));
      const x = tf.randomNormal([B, I]);
      const y = tf.oneHot(tf.randomUniform([B], 0, O, 'int32') as tf.Tensor1D, O);
      const logits = () => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2);
      return tfjsStep(logits, y, [w1, b1, w2, b2, x]);
    },
  };
}

function cnnStep(): Workload {
  const [B, K, C] = [32, 5, 8];
  return {
    name: `CNN conv${K}x${K} 1-${C} + pool + linear, batch ${B}, SGD (ms)`,
    unit: 'ms',
    setup(runner) {
      if (runner !== 'tfjs-webgpu') {
        const model = new nn.Sequential(
          new nn.Conv2d(1, C, K),
          new nn.ReLU(),
          new nn.MaxPool2d(2),
          new nn.Flatten(),
          new nn.Linear(C * 12 * 12, 10),
        );
        return graftStep(runner, model, g.randn(B, 1, 28, 28), g.randint(0, 10, [B]));
      }
      const w1 = tf.variable(tf.randomUniform([K, K, 1, C], -0.2, 0.2));
      const b1 = tf.variable(tf.zeros([C]));
      const w2 = tf.variable(tf.randomUniform([C * 12 * 12, 10], -0.03, 0.03));
      const b2 = tf.variable(tf.zeros([10]));
      const x = tf.randomNormal([B, 28, 28, 1]);
      const y = tf.oneHot(tf.randomUniform([B], 0, 10, 'int32') as tf.Tensor1D, 10);
      const logits = () => {
        const h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 1, 'valid'), b1)) as tf.Tensor4D, 2, 2, 'valid');
        return tf.add(tf.matMul(tf.reshape(h, [B, C * 12 * 12]), w2), b2);
      };
      return tfjsStep(logits, y, [w1, b1, w2, b2, x]);
    },
  };
}

// matmul 512 takes ~0.5 s a call on SwiftShader: 256 keeps the section short.
const WORKLOADS: Workload[] = [matmul(128), matmul(256), mlpStep(), cnnStep()];

/** Runs every workload (or those whose name contains `only`) for `rounds` interleaved rounds. */
export async function runWebGpuBench(rounds: number, only?: string): Promise<WebGpuBenchResult> {
  if (!(await webgpuAvailable()))
    throw new Error('no WebGPU in this page (is --enable-unsafe-webgpu set, and the page served from 127.0.0.1?)');
  await tf.setBackend('webgpu');
  await tf.ready();
  const info = webgpuInfo()!;
  const workloads = WORKLOADS.filter((w) => only === undefined || w.name.includes(only));
  const values = workloads.map(() => Object.fromEntries(WEBGPU_RUNNERS.map((r) => [r, [] as number[]])) as Record<WebGpuRunner, number[]>);
  const failures = new Set<string>();
  for (let round = 0; round < rounds; round++) {
    for (const [i, w] of workloads.entries()) {
      for (const runner of WEBGPU_RUNNERS) {
        g.manualSeed(round);
        let value = NaN;
        try {
          const { run, cleanup } = w.setup(runner);
          value = toUnit(await timeAsync(run, 0.5), w.unit, w.flops);
          cleanup();
        } catch (e) {
          failures.add(`${runner} on "${w.name}": ${(e as Error).message.split('\n')[0]}`);
        }
        values[i]![runner].push(value);
      }
    }
    console.log(`webgpu round ${round + 1}/${rounds} done`);
  }
  const a = info.adapter;
  return {
    adapter: `${a.vendor} ${a.architecture}${a.description ? ` (${a.description})` : ''}${a.isFallbackAdapter ? ', fallback adapter' : ''}`,
    workloads: workloads.map((w, i) => ({ name: w.name, unit: w.unit, values: values[i]! })),
    failures: [...failures],
  };
}

(globalThis as unknown as { graftWebGpuBench: unknown }).graftWebGpuBench = { runWebGpuBench };
