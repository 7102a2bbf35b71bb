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
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import {
  adamUpdateName,
  CNN,
  graftAdamUpdate,
  graftTrainStep,
  MLP,
  type TrainingModel,
  tfjsAdamUpdate,
  tfjsTrainStep,
} from './browser-training.js';
import { median, selectedBy, toUnit, type Unit } from './timing.js';

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

/** A training step of the shared workloads (browser-training.ts): Graft on the runner's device, or tfjs; async reads. */
function trainStep(net: TrainingModel): Workload {
  return {
    name: net.name,
    unit: 'ms',
    setup: (runner) => (runner === 'tfjs-webgpu' ? tfjsTrainStep(net, 'async') : graftTrainStep(net, 'async', device(runner))),
  };
}

/** The Adam update of browser-training.ts (fused kernel, or op by op with `composite`) on the runner's device; async reads. */
function adamUpdate(composite: boolean): Workload {
  return {
    name: adamUpdateName(composite),
    unit: 'ms',
    setup: (runner) => (runner === 'tfjs-webgpu' ? tfjsAdamUpdate('async') : graftAdamUpdate('async', composite, device(runner))),
  };
}

// matmul 512 takes ~0.5 s a call on SwiftShader: 256 keeps the section short.
const WORKLOADS: Workload[] = [matmul(128), matmul(256), trainStep(MLP), trainStep(CNN), adamUpdate(false), adamUpdate(true)];

/** Runs every workload (or those whose name contains `only`) for `rounds` interleaved rounds. */
export async function runWebGpuBench(rounds: number, only?: string): Promise<WebGpuBenchResult> {
  if (!(await webgpuAvailable()))
    throw new Error('no WebGPU in this page (is --enable-unsafe-webgpu set, and the page served from 127.0.0.1?)');
  await tf.setBackend('webgpu');
  await tf.ready();
  const info = webgpuInfo()!;
  const workloads = WORKLOADS.filter((w) => selectedBy(only, w.name));
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
