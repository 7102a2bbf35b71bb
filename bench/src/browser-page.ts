/**
 * The browser half of `pnpm bench`, bundled by browser.ts and run in headless
 * Chromium: Graft on 'webgl' against tfjs's own webgl backend in the same page,
 * on the same GL context.
 *
 * tfjs runs twice: with the same shaders Graft drives (WEBGL_PACK=false, no CPU
 * forwarding: the ratio is Graft's autograd and dispatch overhead) and with
 * tfjs's defaults (packed textures: what a tfjs user gets).
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import type { WebGLBackend } from '@graft/backend-webgl';
import '@graft/backend-webgl';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
// tfjs-core registers no gradients by itself (the @tensorflow/tfjs bundle imports these).
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
import { selectedBy, timeIt, toUnit, type Unit } from './timing.js';

export type BrowserRunner = 'graft' | 'tfjs-same-shaders' | 'tfjs-default';
export const BROWSER_RUNNERS: BrowserRunner[] = ['graft', 'tfjs-same-shaders', 'tfjs-default'];

interface Workload {
  name: string;
  unit: Unit;
  flops?: number;
  perCall?: number;
  setup(runner: BrowserRunner): { run(): void; cleanup(): void };
}

/** What the page hands back: per workload, per runner, one value per round. */
export interface BrowserBenchResult {
  renderer: string;
  precision: string;
  workloads: { name: string; unit: Unit; values: Record<BrowserRunner, number[]> }[];
  failures: string[];
}

function matmul(n: number): Workload {
  return {
    name: `matmul ${n}x${n} (GFLOPS)`,
    unit: 'gflops',
    flops: 2 * n * n * n,
    setup(runner) {
      if (runner === 'graft') {
        const a = g.randn(n, n);
        const b = g.randn(n, n);
        return {
          run: () => {
            const c = a.matmul(b);
            c.dataSync();
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
        run: () => {
          const c = tf.matMul(a, b);
          c.dataSync();
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

/** A dispatch-bound chain: `ops` adds on a [4] tensor, then one read. */
function addChain(ops: number): Workload {
  return {
    name: `${ops} adds on shape [4], then a read (µs per op)`,
    unit: 'us',
    perCall: ops,
    setup(runner) {
      if (runner === 'graft') {
        const a = g.tensor([1, 2, 3, 4]);
        return {
          run: () =>
            g.tidy(() => {
              let x = a;
              for (let i = 0; i < ops; i++) x = x.add(a);
              x.dataSync();
            }),
          cleanup: () => a.dispose(),
        };
      }
      const a = tf.tensor([1, 2, 3, 4]);
      return {
        run: () =>
          tf.tidy(() => {
            let x = a;
            for (let i = 0; i < ops; i++) x = tf.add(x, a);
            x.dataSync();
          }),
        cleanup: () => a.dispose(),
      };
    },
  };
}

/** A training step of the shared workloads (browser-training.ts): Graft on the current backend ('webgl'), or tfjs; sync reads. */
function trainStep(net: TrainingModel): Workload {
  return {
    name: net.name,
    unit: 'ms',
    setup: (runner) => (runner === 'graft' ? graftTrainStep(net, 'sync') : tfjsTrainStep(net, 'sync')),
  };
}

/** The Adam update of browser-training.ts: Graft on 'webgl' (fused kernel, or op by op with `composite`), or tfjs; sync reads. */
function adamUpdate(composite: boolean): Workload {
  return {
    name: adamUpdateName(composite),
    unit: 'ms',
    setup: (runner) => (runner === 'graft' ? graftAdamUpdate('sync', composite) : tfjsAdamUpdate('sync')),
  };
}

const WORKLOADS: Workload[] = [
  matmul(128),
  matmul(256),
  matmul(512),
  addChain(1000),
  trainStep(MLP),
  trainStep(CNN),
  adamUpdate(false),
  adamUpdate(true),
];

/** Puts the page in the runner's mode: Graft's backend and the same-shaders run use tfjs unpacked. */
async function enter(runner: BrowserRunner): Promise<void> {
  const defaults = runner === 'tfjs-default';
  tf.env().set('WEBGL_PACK', defaults);
  tf.env().set('WEBGL_CPU_FORWARD', defaults);
  if (runner === 'graft') g.setBackend('webgl');
  else await tf.setBackend('webgl');
}

/** Runs every workload (or those whose name contains `only`) for `rounds` interleaved rounds. */
export async function runBrowserBench(rounds: number, only?: string): Promise<BrowserBenchResult> {
  await tf.setBackend('webgl');
  await tf.ready();
  g.setBackend('webgl');
  const graft = g.getBackend() as unknown as WebGLBackend;
  const workloads = WORKLOADS.filter((w) => selectedBy(only, w.name));
  const values = workloads.map(() => ({ graft: [] as number[], 'tfjs-same-shaders': [] as number[], 'tfjs-default': [] as number[] }));
  const failures = new Set<string>();
  for (let round = 0; round < rounds; round++) {
    for (const [i, w] of workloads.entries()) {
      for (const runner of BROWSER_RUNNERS) {
        await enter(runner);
        g.manualSeed(round);
        let value = NaN;
        try {
          const { run, cleanup } = w.setup(runner);
          value = toUnit(timeIt(run, 0.5), w.unit, w.flops, w.perCall);
          cleanup();
        } catch (e) {
          failures.add(`${runner} on "${w.name}": ${(e as Error).message.split('\n')[0]}`);
        }
        values[i]![runner].push(value);
      }
    }
    console.log(`browser round ${round + 1}/${rounds} done`);
  }
  g.setBackend('cpu');
  const gl = graft.tf.gpgpu.gl as WebGL2RenderingContext;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  return {
    renderer,
    precision: graft.precision,
    workloads: workloads.map((w, i) => ({ name: w.name, unit: w.unit, values: values[i]! })),
    failures: [...failures],
  };
}

(globalThis as unknown as { graftBench: unknown }).graftBench = { runBrowserBench };
