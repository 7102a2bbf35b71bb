/**
 * The conv kernel's A/B (bundled by conv-ab.ts, run in headless Chromium on a
 * page served from 127.0.0.1): the browser bench's CNN step, and its
 * convolution alone (forward, then forward + backward), on 'webgl' and
 * 'webgpu', each with the backend's optional conv2d kernel and with it
 * removed (nn's im2col composite), interleaved round by round in one page so
 * that the machine's load falls on both alike.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import '@graft/backend-webgl';
import { webgpuAvailable } from '@graft/backend-webgpu';
import { F, nn } from '@graft/nn';
import { SGD } from '@graft/optim';
import { median, selectedBy } from './timing.js';

type Variant = 'kernel' | 'composite';
export interface ConvAbResult {
  rows: { device: string; workload: string; kernel: number[]; composite: number[] }[];
}

/** Milliseconds per call: two warm-up calls, then the median of at least 3 calls and 0.5 s. */
async function time(run: () => Promise<void>): Promise<number> {
  for (let i = 0; i < 2; i++) await run();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 3 || (performance.now() - start < 500 && samples.length < 15)) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

/** Sets whether `device`'s backend offers its conv2d kernel (the registry's guard is an own property: hide it, or restore it). */
function useKernel(device: string, on: boolean, saved: Map<string, unknown>): void {
  const backend = g.zeros(1, { device }).backend as unknown as Record<string, unknown>;
  if (!saved.has(device)) saved.set(device, backend.conv2d);
  backend.conv2d = on ? saved.get(device) : undefined;
}

const WORKLOADS: [string, (device: string) => { run: () => Promise<void>; cleanup: () => void }][] = [
  [
    'CNN conv5x5 1-8 + pool + linear, batch 32, SGD step',
    (device) => {
      const model = new nn.Sequential(
        new nn.Conv2d(1, 8, 5),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Flatten(),
        new nn.Linear(8 * 12 * 12, 10),
      );
      model.to(device);
      const x = g.randn(32, 1, 28, 28).to(device);
      const y = g.randint(0, 10, [32]).to(device);
      const opt = new SGD(model.parameters(), { lr: 0.01 });
      const lossFn = new nn.CrossEntropyLoss();
      return {
        run: async () => {
          const loss = g.tidy(() => {
            opt.zeroGrad();
            const l = lossFn.call(model.call(x), y);
            l.backward();
            opt.step();
            return l.detach();
          });
          await loss.values();
          loss.dispose();
        },
        cleanup: () => {
          for (const t of [x, y, ...model.parameters()]) t.dispose();
        },
      };
    },
  ],
  [
    "the CNN step's conv (32x1x28x28, 8 filters 5x5), forward",
    (device) => {
      const x = g.randn(32, 1, 28, 28).to(device);
      const w = g.randn(8, 1, 5, 5).to(device);
      return {
        run: async () => {
          const out = F.conv2d(x, w);
          await out.values();
          out.dispose();
        },
        cleanup: () => {
          x.dispose();
          w.dispose();
        },
      };
    },
  ],
  [
    "the CNN step's conv (32x1x28x28, 8 filters 5x5), forward + weight gradient",
    (device) => {
      const x = g.randn(32, 1, 28, 28).to(device);
      const w = g.randn(8, 1, 5, 5).to(device).requiresGrad_();
      return {
        run: async () => {
          const [gw] = g.tidy(() => g.autograd.grad([F.conv2d(x, w).sum()], [w]));
          await gw!.values();
          gw!.dispose();
        },
        cleanup: () => {
          x.dispose();
          w.dispose();
        },
      };
    },
  ],
  [
    'conv2d 16x16x32x32 3x3 pad 1, forward',
    (device) => {
      const x = g.randn(16, 16, 32, 32).to(device);
      const w = g.randn(16, 16, 3, 3).to(device);
      return {
        run: async () => {
          const out = F.conv2d(x, w, { padding: 1 });
          await out.values();
          out.dispose();
        },
        cleanup: () => {
          x.dispose();
          w.dispose();
        },
      };
    },
  ],
  [
    'conv2d 16x16x32x32 3x3 pad 1, forward + backward (input and weight)',
    (device) => {
      const x = g.randn(16, 16, 32, 32).to(device).requiresGrad_();
      const w = g.randn(16, 16, 3, 3).to(device).requiresGrad_();
      return {
        run: async () => {
          const grads = g.tidy(() => g.autograd.grad([F.conv2d(x, w, { padding: 1 }).sum()], [x, w]));
          await grads[0]!.values();
          await grads[1]!.values();
          for (const t of grads) t!.dispose();
        },
        cleanup: () => {
          x.dispose();
          w.dispose();
        },
      };
    },
  ],
];

export async function runConvAb(rounds: number, devices: string[], only?: string): Promise<ConvAbResult> {
  const workloads = WORKLOADS.filter(([name]) => selectedBy(only, name));
  if (devices.includes('webgpu') && !(await webgpuAvailable())) throw new Error('no WebGPU in this page');
  const saved = new Map<string, unknown>();
  const rows = devices.flatMap((device) =>
    workloads.map(([workload]) => ({ device, workload, kernel: [] as number[], composite: [] as number[] })),
  );
  for (let round = 0; round < rounds; round++) {
    let i = 0;
    for (const device of devices) {
      for (const [, make] of workloads) {
        const row = rows[i++]!;
        // Alternate which variant goes first, so neither always runs on a warmer (or busier) machine.
        const order: Variant[] = round % 2 === 0 ? ['kernel', 'composite'] : ['composite', 'kernel'];
        for (const variant of order) {
          useKernel(device, variant === 'kernel', saved);
          g.manualSeed(round);
          const { run, cleanup } = make(device);
          row[variant].push(await time(run));
          cleanup();
        }
      }
    }
    useKernel(devices[0]!, true, saved);
    console.log(`conv A/B round ${round + 1}/${rounds} done`);
  }
  for (const device of devices) useKernel(device, true, saved);
  return { rows };
}

(globalThis as unknown as { graftConvAb: unknown }).graftConvAb = { runConvAb };
