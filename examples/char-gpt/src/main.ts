/**
 * A small character-level GPT trained on Shakespeare's sonnets (public domain,
 * the text of examples/char-rnn), on the CPU backend: token and position
 * embeddings, pre-norm causal self-attention blocks (nn.TransformerEncoder
 * with a causal mask), AdamW, and a linear warmup followed by cosine decay
 * (LinearLR then CosineAnnealingLR in a SequentialLR). Prints text sampled
 * before and after training.
 *
 *   pnpm start                     # the full run (about a minute)
 *   node dist/main.js --steps 20 --sample 40   # a short run, a short sample
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { ProgressBar } from '@graft/example-progress';
import { nn } from '@graft/nn';
import { AdamW, CosineAnnealingLR, LinearLR, SequentialLR, clipGradNorm_ } from '@graft/optim';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const STEPS = flag('steps', 300);
const SAMPLE = flag('sample', 200);
const WARMUP = Math.max(1, Math.round(STEPS * 0.1));
const CONTEXT = 32;
const BATCH = 16;
const WIDTH = 64;
const HEADS = 4;
const LAYERS = 2;

g.manualSeed(1234);
const text = readFileSync(new URL('../../char-rnn/data/sonnets.txt', import.meta.url), 'utf8');
const vocab = [...new Set(text)].sort();
const index = new Map(vocab.map((c, i) => [c, i]));
const encoded = Int32Array.from(text, (c) => index.get(c)!);
console.log(`${text.length} characters, vocabulary of ${vocab.length}`);

/** GPT: token + position embeddings, causal pre-norm Transformer blocks, a final LayerNorm and a linear head. */
class CharGPT extends nn.Module {
  tok = new nn.Embedding(vocab.length, WIDTH);
  pos = new nn.Embedding(CONTEXT, WIDTH);
  blocks = new nn.TransformerEncoder(
    new nn.TransformerEncoderLayer(WIDTH, HEADS, {
      dimFeedforward: 4 * WIDTH,
      dropout: 0,
      activation: 'gelu',
      batchFirst: true,
      normFirst: true,
    }),
    LAYERS,
  );
  ln = new nn.LayerNorm(WIDTH);
  head = new nn.Linear(WIDTH, vocab.length);

  /** Logits `[N, T, vocab]` for token indices `[N, T]` (T ≤ CONTEXT); position t sees positions ≤ t only. */
  override forward(idx: g.Tensor): g.Tensor {
    const T = idx.shape[1]!;
    const x = this.tok.call(idx).add(this.pos.call(g.arange(T)));
    const causal = nn.Transformer.generateSquareSubsequentMask(T);
    return this.head.call(this.ln.call(this.blocks.call(x, { mask: causal })));
  }
}

const model = new CharGPT();
const parameterCount = model.parameters().reduce((n, p) => n + p.numel(), 0);
console.log(`${parameterCount} parameters`);
const optimizer = new AdamW(model.parameters(), { lr: 3e-3, weightDecay: 0.01 });
const scheduler = new SequentialLR(optimizer, {
  schedulers: [
    new LinearLR(optimizer, { startFactor: 0.01, endFactor: 1, totalIters: WARMUP }),
    new CosineAnnealingLR(optimizer, { tMax: Math.max(1, STEPS - WARMUP), etaMin: 1e-4 }),
  ],
  milestones: [WARMUP],
});
const lossFn = new nn.CrossEntropyLoss();

/** Samples `length` characters after `prompt`, feeding the model its last CONTEXT characters each time. */
function sample(prompt: string, length: number, temperature = 0.8): string {
  model.eval();
  const ids = Array.from(prompt, (c) => index.get(c) ?? 0);
  const text = g.noGrad(() => {
    for (let i = 0; i < length; i++) {
      const [probs, u] = g.tidy(() => {
        const window = ids.slice(-CONTEXT);
        const logits = model.call(g.tensor(Int32Array.from(window), { shape: [1, window.length] }));
        return [
          logits
            .select(1, window.length - 1)
            .div(temperature)
            .softmax(-1)
            .dataSync(),
          g.rand(1).item() as number,
        ] as const;
      });
      let r = u;
      let pick = probs.length - 1;
      for (let k = 0; k < probs.length; k++) {
        r -= probs[k]!;
        if (r <= 0) {
          pick = k;
          break;
        }
      }
      ids.push(pick);
    }
    return ids.map((i) => vocab[i]).join('');
  });
  model.train();
  return text;
}

/**
 * A batch of random windows: inputs and the next characters. Simple batching
 * for now; @graft/data's DataLoader (with a random sampler over windows) will
 * take its place.
 */
function batch(): [g.Tensor, g.Tensor] {
  const xs = new Int32Array(BATCH * CONTEXT);
  const ys = new Int32Array(BATCH * CONTEXT);
  for (let b = 0; b < BATCH; b++) {
    const start = Math.floor((g.rand(1).item() as number) * (encoded.length - CONTEXT - 1));
    xs.set(encoded.subarray(start, start + CONTEXT), b * CONTEXT);
    ys.set(encoded.subarray(start + 1, start + CONTEXT + 1), b * CONTEXT);
  }
  return [g.tensor(xs, { shape: [BATCH, CONTEXT] }), g.tensor(ys, { shape: [BATCH * CONTEXT] })];
}

console.log(`\nSample before training:\n${sample('Shall I ', Math.min(80, SAMPLE))}\n`);

const bar = new ProgressBar(STEPS, 'char-gpt');
const losses: number[] = [];
const start = performance.now();
for (let step = 1; step <= STEPS; step++) {
  const loss = g.tidy(() => {
    const [x, y] = batch();
    optimizer.zeroGrad();
    const l = lossFn.call(model.call(x).reshape(-1, vocab.length), y);
    l.backward();
    clipGradNorm_(model.parameters(), 1);
    optimizer.step();
    return l.item() as number;
  });
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

console.log(`\nSample after training:\n${sample('Shall I ', SAMPLE)}\n`);
const n = Math.max(1, Math.min(5, Math.floor(losses.length / 2)));
const first = losses.slice(0, n).reduce((a, b) => a + b, 0) / n;
const last = losses.slice(-n).reduce((a, b) => a + b, 0) / n;
console.log(`loss ${first.toFixed(3)} -> ${last.toFixed(3)}; live tensors ${g.memory().numTensors}`);
if (args.includes('--check') && !(last < first)) {
  console.error('the loss did not fall');
  process.exit(1);
}
