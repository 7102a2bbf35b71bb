/**
 * A character-level LSTM language model trained on Shakespeare's sonnets
 * (public domain, data/sonnets.txt), on the CPU backend. Prints text sampled
 * before and after training.
 *
 *   pnpm start                     # the full run (about a minute)
 *   node dist/main.js --steps 30   # a short run
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { DataLoader, type Dataset, disposeBatch, RandomSampler } from '@graft/data';
import { ProgressBar } from '@graft/example-progress';
import { nn } from '@graft/nn';
import { Adam, clipGradNorm_ } from '@graft/optim';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const STEPS = flag('steps', 300);
const SEQ = 40;
const BATCH = 32;
const HIDDEN = 128;

g.manualSeed(1234);
const text = readFileSync(new URL('../data/sonnets.txt', import.meta.url), 'utf8');
const vocab = [...new Set(text)].sort();
const index = new Map(vocab.map((c, i) => [c, i]));
const encoded = Int32Array.from(text, (c) => index.get(c)!);
console.log(`${text.length} characters, vocabulary of ${vocab.length}`);

class CharModel extends nn.Module {
  embed = new nn.Embedding(vocab.length, 32);
  lstm = new nn.LSTM(32, HIDDEN, { batchFirst: true });
  head = new nn.Linear(HIDDEN, vocab.length);

  override forward(x: g.Tensor, state?: [g.Tensor, g.Tensor]): [g.Tensor, [g.Tensor, g.Tensor]] {
    const [out, next] = this.lstm.call(this.embed.call(x), state) as [g.Tensor, [g.Tensor, g.Tensor]];
    return [this.head.call(out), next];
  }
}

const model = new CharModel();
const optimizer = new Adam(model.parameters(), { lr: 0.005 });
const lossFn = new nn.CrossEntropyLoss();

/** Samples `length` characters after `prompt`, feeding the LSTM one character at a time. */
function sample(prompt: string, length: number, temperature = 0.8): string {
  return g.noGrad(() =>
    g.tidy(() => {
      let state: [g.Tensor, g.Tensor] | undefined;
      let out = prompt;
      let input = g.tensor(
        Int32Array.from(prompt, (c) => index.get(c) ?? 0),
        { shape: [1, prompt.length] },
      );
      for (let i = 0; i < length; i++) {
        const [logits, next] = model.call(input, state) as [g.Tensor, [g.Tensor, g.Tensor]];
        state = next;
        const probs = logits
          .select(1, logits.shape[1]! - 1)
          .div(temperature)
          .softmax(-1)
          .dataSync();
        let r = g.rand(1).item() as number;
        let pick = probs.length - 1;
        for (let k = 0; k < probs.length; k++) {
          r -= probs[k]!;
          if (r <= 0) {
            pick = k;
            break;
          }
        }
        out += vocab[pick];
        input = g.tensor(Int32Array.of(pick), { shape: [1, 1] });
      }
      return out;
    }),
  );
}

/** Every window of the text: SEQ characters (x) and the characters that follow each (y), as Int32Arrays. */
const windows: Dataset<{ x: Int32Array; y: Int32Array }> = {
  length: encoded.length - SEQ,
  get: (start) => ({ x: encoded.subarray(start, start + SEQ), y: encoded.subarray(start + 1, start + SEQ + 1) }),
};
// STEPS batches of random windows, drawn with replacement; the default collation stacks the Int32Arrays into [BATCH, SEQ] int32 tensors.
const loader = new DataLoader(windows, {
  batchSize: BATCH,
  sampler: new RandomSampler(windows, { replacement: true, numSamples: STEPS * BATCH }),
});

console.log('\nSample before training:\n' + sample('Shall I ', 120) + '\n');

const bar = new ProgressBar(STEPS, 'char-rnn');
const losses: number[] = [];
const start = performance.now();
let step = 0;
for (const { x, y } of loader) {
  step++;
  const loss = g.tidy(() => {
    optimizer.zeroGrad();
    const [logits] = model.call(x) as [g.Tensor, unknown];
    const l = lossFn.call(logits.reshape(-1, vocab.length), y.reshape(-1));
    l.backward();
    clipGradNorm_(model.parameters(), 5);
    optimizer.step();
    return l.item() as number;
  });
  disposeBatch([x, y]); // the batch is ours: free it, so the live tensor count stays flat
  losses.push(loss);
  const recent = losses.slice(-20);
  const avg = recent.reduce((a, b) => a + b, 0) / recent.length;
  const seconds = (performance.now() - start) / 1000;
  bar.update(step, { loss: avg.toFixed(3), 'chars/s': ((step * BATCH * SEQ) / seconds).toFixed(0) });
}

console.log('\nSample after training:\n' + sample('Shall I ', 200) + '\n');
const first = losses.slice(0, 10).reduce((a, b) => a + b, 0) / Math.min(10, losses.length);
const last = losses.slice(-10).reduce((a, b) => a + b, 0) / Math.min(10, losses.length);
console.log(`loss ${first.toFixed(3)} -> ${last.toFixed(3)}; live tensors ${g.memory().numTensors}`);
if (args.includes('--check') && !(last < first)) {
  console.error('the loss did not fall');
  process.exit(1);
}
