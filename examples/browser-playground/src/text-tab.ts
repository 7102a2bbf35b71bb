/**
 * The Text tab: the character-level GPT of examples/char-gpt (its gpt.ts,
 * imported through the workspace, not copied) trained in the page on the
 * sonnets, on the backend chosen in the page's menu (CPU, WebGL or WebGPU), with the loss plotted as it
 * trains and a sample streamed into the page every few steps. Each step
 * yields to the event loop, so the page stays responsive; stopping (or
 * switching backend) ends the run at the next step and frees every tensor it
 * made.
 */
import * as g from '@graft/core';
import { disposeBatch } from '@graft/data';
import { CharGPT, charCodec, disposeTraining, optimizerAndSchedule, sampleAsync, windowLoader } from '@graft/example-char-gpt/gpt';
import { nn } from '@graft/nn';
import { clipGradNorm_ } from '@graft/optim';
import sonnets from '../../char-rnn/data/sonnets.txt?raw';
import { backendEntry } from './backends.js';
import { drawLossPlot } from './loss-plot.js';

/** A run's settings: the page's defaults, or the test's tiny model. */
export interface TextRunOptions {
  steps?: number;
  /** A sample is streamed into the page every `sampleEvery` steps (and at the end). */
  sampleEvery?: number;
  sampleLength?: number;
  context?: number;
  batchSize?: number;
  width?: number;
  heads?: number;
  layers?: number;
  lr?: number;
}

/** What a run did: its losses (first and last), steps per second, the last sample, and whether it was stopped. */
export interface TextRunResult {
  losses: number[];
  first: number;
  last: number;
  steps: number;
  stepsPerSecond: number;
  sample: string;
  stopped: boolean;
}

const codec = charCodec(sonnets);
const encoded = codec.encode(sonnets);
const PROMPT = 'Shall I ';

let current: { stop: boolean; done: Promise<TextRunResult> } | undefined;

/** Yields to the event loop (a macrotask: input, rendering and timers get their turn; a resolved promise would not). */
const yieldToPage = () => new Promise<void>((r) => setTimeout(r, 0));

/** The loss curve, drawn by the same plot as the boundary tab's (its axes, ticks and legend). */
function plot(device: string, losses: number[], stepsPerSecond: number): void {
  const { label, color } = backendEntry(device);
  const points = losses.map((train, i) => ({ step: i + 1, train }));
  drawLossPlot(document.getElementById('text-plot') as HTMLCanvasElement, [{ label, color, points, stepsPerSecond }]);
}

/**
 * Trains the GPT on `device` for `steps` steps (stopping any run in
 * progress first); resolves when the run ends, after its tensors are freed.
 */
export async function trainText(device: string, options: TextRunOptions = {}): Promise<TextRunResult> {
  await stopText();
  const run = { stop: false, done: undefined as unknown as Promise<TextRunResult> };
  run.done = runText(device, options, run);
  current = run;
  try {
    return await run.done;
  } finally {
    if (current === run) current = undefined;
  }
}

/** Stops the run in progress, if any, and waits until its tensors are freed. */
export async function stopText(): Promise<void> {
  const run = current;
  if (!run) return;
  run.stop = true;
  await run.done.catch(() => undefined);
}

async function runText(device: string, o: TextRunOptions, run: { stop: boolean }): Promise<TextRunResult> {
  const steps = o.steps ?? 300;
  const sampleEvery = o.sampleEvery ?? 50;
  const sampleLength = o.sampleLength ?? 120;
  const context = o.context ?? 32;
  const batchSize = o.batchSize ?? 16;
  const status = document.getElementById('text-status')!;
  const samples = document.getElementById('text-samples')!;
  g.setBackend(device);
  g.manualSeed(1234);
  samples.textContent = '';
  const model = new CharGPT({
    vocabSize: codec.vocab.length,
    context,
    width: o.width ?? 64,
    heads: o.heads ?? 4,
    layers: o.layers ?? 2,
  });
  const { optimizer, scheduler } = optimizerAndSchedule(model, steps, o.lr ?? 3e-3);
  const lossFn = new nn.CrossEntropyLoss();
  const loader = windowLoader(encoded, { context, batchSize, steps, seed: 1234 });
  const batches = loader[Symbol.iterator]();
  const losses: number[] = [];
  let text = '';
  const show = async (step: number) => {
    g.setBackend(device); // the prompt's tensors go to the model's device, whatever the page set meanwhile
    // Reads are asynchronous: WebGPU on a fallback adapter (headless Chromium's SwiftShader) has no synchronous read.
    text = await sampleAsync(model, codec, PROMPT, sampleLength);
    const entry = document.createElement('div');
    entry.className = 'sample';
    entry.textContent = `step ${step}: ${text}`;
    samples.prepend(entry);
  };
  const start = performance.now();
  let stepsPerSecond = 0;
  try {
    for (let step = 1; step <= steps && !run.stop; step++) {
      // The loader makes each batch on the current device, which the page may have changed while this run
      // waited (the boundary tab's run sets it too): put this run's device back first.
      g.setBackend(device);
      const next = batches.next();
      if (next.done) break;
      const { x, y } = next.value;
      let loss: g.Tensor;
      try {
        loss = g.tidy(() => {
          optimizer.zeroGrad();
          const l = lossFn.call(model.call(x).reshape(-1, codec.vocab.length), y.reshape(-1));
          l.backward();
          clipGradNorm_(model.parameters(), 1);
          optimizer.step();
          return l.detach();
        });
      } finally {
        disposeBatch([x, y]);
      }
      scheduler.step();
      losses.push((await loss.values())[0]!);
      loss.dispose();
      stepsPerSecond = step / ((performance.now() - start) / 1000);
      status.textContent = `${device}: step ${step}/${steps}, loss ${losses[step - 1]!.toFixed(3)}, ${stepsPerSecond.toFixed(1)} steps/s`;
      if (step % 5 === 0 || step === steps) plot(device, losses, stepsPerSecond);
      if (step % sampleEvery === 0 || step === steps) await show(step);
      await yieldToPage();
    }
    if (run.stop) status.textContent += ' (stopped)';
  } finally {
    disposeTraining(model, optimizer);
  }
  return {
    losses,
    first: losses[0] ?? Number.NaN,
    last: losses[losses.length - 1] ?? Number.NaN,
    steps: losses.length,
    stepsPerSecond,
    sample: text,
    stopped: run.stop,
  };
}

/**
 * Wires the Text tab's buttons; `device` loads the backend chosen in the
 * page's menu and gives its name. (A run belongs to one backend: the page
 * stops it when the backend is switched.)
 */
export function setUpTextTab(device: () => Promise<string>): void {
  document.getElementById('text-train')!.addEventListener('click', () => void device().then((d) => trainText(d)));
  document.getElementById('text-stop')!.addEventListener('click', () => void stopText());
}
