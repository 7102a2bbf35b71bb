/**
 * A small character-level GPT trained on Shakespeare's sonnets (public domain,
 * the text of examples/char-rnn), on the CPU backend: token and position
 * embeddings, pre-norm causal self-attention blocks (nn.TransformerEncoder
 * with a causal mask), AdamW, and a linear warmup followed by cosine decay
 * (LinearLR then CosineAnnealingLR in a SequentialLR), fed by @graft/data's
 * DataLoader. Prints text sampled before and after training. The model and
 * data live in gpt.ts, which the browser playground's Text tab shares.
 *
 *   pnpm start                     # the full run (about a minute)
 *   node dist/main.js --steps 20 --sample 40   # a short run, a short sample
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { disposeBatch } from '@graft/data';
import { ProgressBar } from '@graft/example-progress';
import { nn } from '@graft/nn';
import { clipGradNorm_ } from '@graft/optim';
import { readFileSync } from 'node:fs';
import { CharGPT, charCodec, optimizerAndSchedule, sample, sampleAsync, windowLoader } from './gpt.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const STEPS = flag('steps', 300);
const SAMPLE = flag('sample', 200);
const CONTEXT = 32;
const BATCH = 16;

g.manualSeed(1234);
const text = readFileSync(new URL('../../char-rnn/data/sonnets.txt', import.meta.url), 'utf8');
const codec = charCodec(text);
const encoded = codec.encode(text);
console.log(`${text.length} characters, vocabulary of ${codec.vocab.length}`);

const model = new CharGPT({ vocabSize: codec.vocab.length, context: CONTEXT, width: 64, heads: 4, layers: 2 });
const parameterCount = model.parameters().reduce((n, p) => n + p.numel(), 0);
console.log(`${parameterCount} parameters`);
const { optimizer, scheduler } = optimizerAndSchedule(model, STEPS);
const lossFn = new nn.CrossEntropyLoss();
// STEPS batches of random windows, drawn with replacement from a generator seeded with 1234.
const loader = windowLoader(encoded, { context: CONTEXT, batchSize: BATCH, steps: STEPS, seed: 1234 });

console.log(`\nSample before training:\n${sample(model, codec, 'Shall I ', Math.min(80, SAMPLE))}\n`);

const bar = new ProgressBar(STEPS, 'char-gpt');
const losses: number[] = [];
const start = performance.now();
let step = 0;
for (const { x, y } of loader) {
  step++;
  const loss = g.tidy(() => {
    optimizer.zeroGrad();
    const l = lossFn.call(model.call(x).reshape(-1, codec.vocab.length), y.reshape(-1));
    l.backward();
    clipGradNorm_(model.parameters(), 1);
    optimizer.step();
    return l.item() as number;
  });
  disposeBatch([x, y]); // the batch is ours: free it, so the live tensor count stays flat
  scheduler.step();
  losses.push(loss);
  const recent = losses.slice(-20);
  const avg = recent.reduce((a, b) => a + b, 0) / recent.length;
  const seconds = (performance.now() - start) / 1000;
  bar.update(step, {
    loss: avg.toFixed(3),
    lr: scheduler.getLastLr()[0]!.toExponential(1),
    'chars/s': ((step * BATCH * CONTEXT) / seconds).toFixed(0),
  });
}

console.log(`\nSample after training:\n${sample(model, codec, 'Shall I ', SAMPLE)}\n`);
const n = Math.max(1, Math.min(5, Math.floor(losses.length / 2)));
const first = losses.slice(0, n).reduce((a, b) => a + b, 0) / n;
const last = losses.slice(-n).reduce((a, b) => a + b, 0) / n;
console.log(`loss ${first.toFixed(3)} -> ${last.toFixed(3)}; live tensors ${g.memory().numTensors}`);
if (args.includes('--check') && !(last < first)) {
  console.error('the loss did not fall');
  process.exit(1);
}
if (args.includes('--check')) {
  // The browser playground samples with sampleAsync (WebGPU may read only asynchronously): one seed, the same text.
  g.manualSeed(7);
  const sync = sample(model, codec, 'Shall I ', 24);
  g.manualSeed(7);
  const async = await sampleAsync(model, codec, 'Shall I ', 24);
  if (sync !== async) {
    console.error(`sampleAsync differs from sample: ${JSON.stringify(async)} vs ${JSON.stringify(sync)}`);
    process.exit(1);
  }
}
