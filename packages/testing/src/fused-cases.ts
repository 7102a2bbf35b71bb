/**
 * The fused optimizer updates (`g.fused.adam_`, `g.fused.sgd_`: the optional
 * `adamStep`/`sgdStep` kernels, or core's composite where a backend has
 * none) on the device, against the same trajectories on the CPU — whose
 * kernels equal the composite bit for bit (backend-cpu's tests) and whose
 * optimizers follow PyTorch's step by step (@graft/optim's fixtures). And
 * the fused LSTM cell (`g.fused.lstmCell`: the optional `lstmCell` /
 * `lstmCellBackward` kernels, or the composite) against the CPU's, forward
 * and backward, gradchecked in float64.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { assertClose, assertEqual, type Tolerance } from './assert.js';
import type { TestApi } from './index.js';

interface Context {
  device: string;
  inDevice<T>(fn: () => T): T;
  supportsFloat64: boolean;
  float32: Tolerance;
  float64: Tolerance;
}

const ADAM: Omit<g.fused.FusedAdamOptions, 'step'>[] = [
  { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupled: false },
  { lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, amsgrad: true, maximize: true, decoupled: false },
  { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, amsgrad: true, maximize: false, decoupled: true },
];
const SGD: g.fused.FusedSgdOptions[] = [
  { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
  { lr: 0.01, momentum: 0.9, dampening: 0, weightDecay: 1e-4, nesterov: true, maximize: false },
  { lr: 0.2, momentum: 0.5, dampening: 0.3, weightDecay: 0.2, nesterov: false, maximize: true },
];

const values = (t: Tensor | null): number[] => (t === null ? [] : Array.from(t.to('cpu').contiguous().dataSync()));

export function fusedCases(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));
  const dtypes = ctx.supportsFloat64 ? (['float32', 'float64'] as const) : (['float32'] as const);

  t.describe(`conformance on '${ctx.device}': fused optimizer updates and recurrent cells (g.fused) follow the CPU's`, () => {
    /** Four steps from the same start on the device and on the CPU; `view` makes the parameter a transposed view (the composite path). */
    function trajectories(dtype: 'float32' | 'float64', view: boolean, step: (p: Tensor, grad: Tensor, i: number) => Tensor[]): void {
      g.manualSeed(5);
      const start = g.randn([17, 9], { dtype, device: 'cpu' });
      const grads = [0, 1, 2, 3].map((i) => g.randn([17, 9], { dtype, device: 'cpu' }).mul(i === 2 ? 0 : 1));
      const tol = dtype === 'float32' ? ctx.float32 : ctx.float64;
      const here = view ? start.t().contiguous().to(ctx.device).t() : start.to(ctx.device);
      const cpu = start.clone();
      grads.forEach((gr, i) => {
        const a = step(here, gr.to(ctx.device), i);
        const b = step(cpu, gr, i);
        assertEqual(a.length, b.length, 'state count');
        a.forEach((x, k) => assertClose(values(x), values(b[k]!), tol, `${dtype} step ${i + 1}, tensor ${k}`));
        assertEqual(a[0]!.device, ctx.device, 'the parameter stays on the device');
      });
    }

    for (const dtype of dtypes) {
      for (const view of [false, true]) {
        const layout = view ? ', a transposed parameter' : '';
        it(`adam_ (Adam, AdamW, amsgrad, maximize, weight decay), ${dtype}${layout}`, () => {
          for (const o of ADAM) {
            const states = new Map<Tensor, g.fused.AdamState>();
            trajectories(dtype, view, (p, grad, i) => {
              const s = g.fused.adam_(p, grad, states.get(p) ?? { expAvg: null, expAvgSq: null, maxExpAvgSq: null }, { ...o, step: i + 1 });
              states.set(p, s);
              return [p, s.expAvg!, s.expAvgSq!, ...(s.maxExpAvgSq ? [s.maxExpAvgSq] : [])];
            });
          }
        });
        it(`sgd_ (momentum, dampening, Nesterov, weight decay, maximize), ${dtype}${layout}`, () => {
          for (const o of SGD) {
            const buffers = new Map<Tensor, Tensor | null>();
            trajectories(dtype, view, (p, grad) => {
              const buf = g.fused.sgd_(p, grad, buffers.get(p) ?? null, o);
              buffers.set(p, buf);
              return buf === null ? [p] : [p, buf];
            });
          }
        });
      }
    }

    // The fused LSTM cell (optional lstmCell / lstmCellBackward kernels, else core's composite) against the same cell on the CPU.
    for (const dtype of dtypes) {
      it(`lstmCell: hy, cy and the gradients of both gates and cx, ${dtype}, dense and transposed gates, unbatched`, () => {
        g.manualSeed(6);
        const tol = dtype === 'float32' ? ctx.float32 : ctx.float64;
        for (const [lead, H, transposed] of [
          [[5], 7, false],
          [[16], 64, false],
          [[3], 4, true],
          [[], 5, false],
        ] as const) {
          const gates = [...lead, 4 * H];
          const start = [
            g.randn(gates, { dtype, device: 'cpu' }).mul(3),
            g.randn(gates, { dtype, device: 'cpu' }),
            g.randn([...lead, H], { dtype, device: 'cpu' }),
          ];
          const gradHy = g.randn([...lead, H], { dtype, device: 'cpu' });
          const gradCy = g.randn([...lead, H], { dtype, device: 'cpu' });
          const run = (device: string) => {
            const [a, b, c] = start.map((t, k) => {
              const here = k === 0 && transposed ? t.t().contiguous().to(device).t() : t.to(device);
              return here.detach().requiresGrad_();
            });
            const [hy, cy] = g.fused.lstmCell(a!, b!, c!);
            hy.mul(gradHy.to(device))
              .sum()
              .add(cy.mul(gradCy.to(device)).sum())
              .backward();
            return [hy, cy, a!.grad!, b!.grad!, c!.grad!];
          };
          const here = run(ctx.device);
          const cpu = run('cpu');
          here.forEach((x, k) =>
            assertClose(values(x), values(cpu[k]!), tol, `${dtype} [${lead}] H ${H}${transposed ? ' transposed' : ''}, result ${k}`),
          );
          assertEqual(here[0]!.device, ctx.device, 'hy stays on the device');
        }
      });
    }
    for (const dtype of dtypes) {
      it(`gruCell: hy and the gradients of both gates and hx, ${dtype}, dense and transposed gates`, () => {
        g.manualSeed(8);
        const tol = dtype === 'float32' ? ctx.float32 : ctx.float64;
        for (const [lead, H, transposed] of [
          [[5], 7, false],
          [[16], 64, false],
          [[3], 4, true],
        ] as const) {
          const gates = [...lead, 3 * H];
          const start = [
            g.randn(gates, { dtype, device: 'cpu' }).mul(3),
            g.randn(gates, { dtype, device: 'cpu' }),
            g.randn([...lead, H], { dtype, device: 'cpu' }),
          ];
          const gradHy = g.randn([...lead, H], { dtype, device: 'cpu' });
          const run = (device: string) => {
            const [a, b, h] = start.map((t, k) =>
              (k === 0 && transposed ? t.t().contiguous().to(device).t() : t.to(device)).detach().requiresGrad_(),
            );
            const hy = g.fused.gruCell(a!, b!, h!);
            hy.mul(gradHy.to(device)).sum().backward();
            return [hy, a!.grad!, b!.grad!, h!.grad!];
          };
          const here = run(ctx.device);
          const cpu = run('cpu');
          here.forEach((x, k) =>
            assertClose(values(x), values(cpu[k]!), tol, `${dtype} [${lead}] H ${H}${transposed ? ' transposed' : ''}, result ${k}`),
          );
        }
      });
    }
    if (ctx.supportsFloat64) {
      it('gruCell: gradcheck and gradgradcheck (float64)', () => {
        g.manualSeed(9);
        const inputs = [
          g.randn([2, 9], { dtype: 'float64' }),
          g.randn([2, 9], { dtype: 'float64' }),
          g.randn([2, 3], { dtype: 'float64' }),
        ].map((t) => t.requiresGrad_());
        const fn = (a: Tensor, b: Tensor, h: Tensor) => g.fused.gruCell(a, b, h);
        assertEqual(g.autograd.gradcheck(fn, inputs), true, 'gradcheck');
        assertEqual(g.autograd.gradgradcheck(fn, inputs), true, 'gradgradcheck');
      });
      it('lstmCell: gradcheck and gradgradcheck (float64)', () => {
        g.manualSeed(7);
        const inputs = [
          g.randn([2, 12], { dtype: 'float64' }),
          g.randn([2, 12], { dtype: 'float64' }),
          g.randn([2, 3], { dtype: 'float64' }),
        ].map((t) => t.requiresGrad_());
        const fn = (a: Tensor, b: Tensor, c: Tensor) => g.fused.lstmCell(a, b, c);
        assertEqual(g.autograd.gradcheck(fn, inputs), true, 'gradcheck');
        assertEqual(g.autograd.gradgradcheck(fn, inputs), true, 'gradgradcheck');
      });
    }

    it('lstmCell: a training loop through the cell leaves the tensor count flat', () => {
      const [a, b, c] = [g.randn([4, 32]), g.randn([4, 32]), g.randn([4, 8])].map((t) => t.requiresGrad_());
      const step = () =>
        g.tidy(() => {
          const [hy, cy] = g.fused.lstmCell(a!, b!, c!);
          hy.sum().add(cy.sum()).backward();
        });
      step();
      const before = g.memory().numTensors;
      for (let i = 0; i < 3; i++) step();
      assertEqual(g.memory().numTensors, before, 'live tensors');
    });

    it('a steady loop of updates leaves the tensor count flat', () => {
      const p = g.randn(64);
      const grad = g.randn(64);
      let s: g.fused.AdamState = g.fused.adam_(p, grad, { expAvg: null, expAvgSq: null, maxExpAvgSq: null }, { ...ADAM[1]!, step: 1 });
      let buf = g.fused.sgd_(p, grad, null, SGD[1]!);
      const before = g.memory().numTensors;
      for (let step = 2; step < 5; step++) {
        s = g.fused.adam_(p, grad, s, { ...ADAM[1]!, step });
        buf = g.fused.sgd_(p, grad, buf, SGD[1]!);
      }
      assertEqual(g.memory().numTensors, before, 'live tensors');
    });
  });
}
