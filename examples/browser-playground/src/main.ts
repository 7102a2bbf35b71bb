/**
 * The browser playground, two tabs on the CPU or the WebGL backend (one
 * switch). Spirals: an MLP learns two interleaved spirals, with a live loss
 * plot and steps per second; runs on both backends share the plot: seeded
 * alike, they follow one curve. Text: a character-level GPT (text-tab.ts).
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import '@graft/backend-webgl';
import { nn } from '@graft/nn';
import { Adam } from '@graft/optim';
import { setUpTextTab, stopText, trainText } from './text-tab.js';

/** Two spirals of `n` points each, labelled 0 and 1, from the seeded generator. */
function spirals(n: number): { x: g.Tensor; y: g.Tensor } {
  const [t, noise] = g.tidy(() => [
    g.rand(n).dataSync(),
    g
      .randn(2 * n, 2)
      .mul(0.05)
      .dataSync(),
  ]);
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

/** Every run's losses and speed, by device: the plot shows them together (same seed, same curve). */
const runs = new Map<string, { losses: number[]; stepsPerSecond: number }>();
const COLORS: Record<string, string> = { cpu: '#1f6feb', webgl: '#d9480f' };

function plot(): void {
  const canvas = document.getElementById('plot') as HTMLCanvasElement;
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const max = Math.max(1e-6, ...[...runs.values()].flatMap((r) => r.losses));
  const longest = Math.max(2, ...[...runs.values()].map((r) => r.losses.length));
  ctx.font = '13px system-ui, sans-serif';
  [...runs.entries()].forEach(([device, { losses, stepsPerSecond }], k) => {
    const color = COLORS[device] ?? '#555';
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.setLineDash(k === 0 ? [] : [6, 4]); // dashed over solid: both stay visible where they agree
    ctx.beginPath();
    losses.forEach((l, i) => {
      const px = (i / (longest - 1)) * (canvas.width - 20) + 10;
      const py = canvas.height - 10 - (l / max) * (canvas.height - 20);
      if (i === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    });
    ctx.stroke();
    ctx.fillStyle = color;
    const last = losses[losses.length - 1] ?? NaN;
    ctx.fillText(`${device}: loss ${last.toFixed(4)}, ${stepsPerSecond.toFixed(1)} steps/s`, canvas.width - 300, 24 + 18 * k);
  });
  ctx.setLineDash([]);
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
  const run = { losses: [] as number[], stepsPerSecond: 0 };
  runs.set(device, run);
  const start = performance.now();
  for (let step = 1; step <= steps; step++) {
    const loss = g.tidy(() => {
      opt.zeroGrad();
      const l = lossFn.call(model.call(x), y);
      l.backward();
      opt.step();
      return l.detach();
    });
    run.losses.push((await loss.values())[0]!);
    loss.dispose();
    run.stepsPerSecond = step / ((performance.now() - start) / 1000);
    if (step % 10 === 0 || step === steps) {
      status.textContent = `${device}: step ${step}/${steps}, loss ${run.losses[step - 1]!.toFixed(4)}, ${run.stepsPerSecond.toFixed(1)} steps/s`;
      plot();
      await new Promise((r) => requestAnimationFrame(r));
    }
  }
  // GPU memory is not garbage collected in time: give back what this run made.
  opt.zeroGrad();
  for (const state of opt.state.values()) for (const v of Object.values(state)) if (v instanceof g.Tensor) v.dispose();
  for (const t of [x, y, ...model.parameters()]) t.dispose();
  return { first: run.losses[0]!, last: run.losses[steps - 1]!, stepsPerSecond: run.stepsPerSecond };
}

const backend = document.getElementById('backend') as HTMLSelectElement;
document.getElementById('train')!.addEventListener('click', () => void train(backend.value));
setUpTextTab(backend);

/** Shows one tab's panel and hides the other's. */
function showTab(name: 'spirals' | 'text'): void {
  for (const tab of ['spirals', 'text'] as const) {
    document.getElementById(`tab-${tab}`)!.setAttribute('aria-selected', String(tab === name));
    (document.getElementById(`${tab}-panel`) as HTMLElement).hidden = tab !== name;
  }
}
document.getElementById('tab-spirals')!.addEventListener('click', () => showTab('spirals'));
document.getElementById('tab-text')!.addEventListener('click', () => showTab('text'));

/** Live tensors on every device (g.memory().numTensors): a stopped or finished Text run gives back all it made. */
const liveTensors = () => g.memory().numTensors;

/** Live tensors on a device (the test checks that a run gives back everything it made). */
function memory(device: string): { numTensors: number; numBytes: number } {
  return g.memory().byDevice[device] ?? { numTensors: 0, numBytes: 0 };
}

(window as unknown as { playground: unknown }).playground = { train, memory, liveTensors, text: { train: trainText, stop: stopText } };
