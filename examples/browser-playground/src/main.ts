/**
 * The browser playground: an MLP learns two interleaved spirals, on the CPU or
 * the WebGL backend (one switch), with a live loss plot and steps per second.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import '@graft/backend-webgl';
import { nn } from '@graft/nn';
import { Adam } from '@graft/optim';

/** Two spirals of `n` points each, labelled 0 and 1, from the seeded generator. */
function spirals(n: number): { x: g.Tensor; y: g.Tensor } {
  const t = g.rand(n).dataSync();
  const noise = g.randn(2 * n, 2).mul(0.05).dataSync();
  const pts = new Float32Array(4 * n);
  const labels = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const r = 0.2 + t[i]! * 0.8;
    const a = t[i]! * 3 * Math.PI;
    for (const k of [0, 1]) {
      const j = k * n + i;
      const sign = k === 0 ? 1 : -1;
      pts[2 * j] = sign * r * Math.cos(a) + noise[2 * j]!;
      pts[2 * j + 1] = sign * r * Math.sin(a) + noise[2 * j + 1]!;
      labels[j] = k;
    }
  }
  return { x: g.tensor(pts, { shape: [2 * n, 2] }), y: g.tensor(labels) };
}

function plot(losses: number[]): void {
  const canvas = document.getElementById('plot') as HTMLCanvasElement;
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const max = Math.max(...losses, 1e-6);
  ctx.strokeStyle = '#1f6feb';
  ctx.beginPath();
  losses.forEach((l, i) => {
    const px = (i / Math.max(losses.length - 1, 1)) * (canvas.width - 20) + 10;
    const py = canvas.height - 10 - (l / max) * (canvas.height - 20);
    if (i === 0) ctx.moveTo(px, py);
    else ctx.lineTo(px, py);
  });
  ctx.stroke();
}

/** Trains `steps` steps on `device`; resolves with the first and last loss and the speed. */
async function train(device: string, steps = 200): Promise<{ first: number; last: number; stepsPerSecond: number }> {
  const status = document.getElementById('status')!;
  g.setBackend(device);
  g.manualSeed(0);
  const { x, y } = spirals(128);
  const model = new nn.Sequential(new nn.Linear(2, 32), new nn.Tanh(), new nn.Linear(32, 32), new nn.Tanh(), new nn.Linear(32, 2));
  const opt = new Adam(model.parameters(), { lr: 0.02 });
  const lossFn = new nn.CrossEntropyLoss();
  const losses: number[] = [];
  const start = performance.now();
  for (let step = 1; step <= steps; step++) {
    const loss = g.tidy(() => {
      opt.zeroGrad();
      const l = lossFn.call(model.call(x), y);
      l.backward();
      opt.step();
      return l.detach();
    });
    losses.push((await loss.values())[0]!);
    loss.dispose();
    if (step % 10 === 0 || step === steps) {
      const seconds = (performance.now() - start) / 1000;
      status.textContent = `${device}: step ${step}/${steps}, loss ${losses[losses.length - 1]!.toFixed(4)}, ${(step / seconds).toFixed(1)} steps/s`;
      plot(losses);
      await new Promise((r) => requestAnimationFrame(r));
    }
  }
  const stepsPerSecond = steps / ((performance.now() - start) / 1000);
  return { first: losses[0]!, last: losses[losses.length - 1]!, stepsPerSecond };
}

document.getElementById('train')!.addEventListener('click', () => {
  const device = (document.getElementById('backend') as HTMLSelectElement).value;
  void train(device);
});

(window as unknown as { playground: unknown }).playground = { train };
