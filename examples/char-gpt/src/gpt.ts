/**
 * The character-level GPT and its data, shared by the Node example (main.ts)
 * and the browser playground's Text tab: no Node imports here, so Vite can
 * bundle it. The model is built on whatever backend is current.
 */
import * as g from '@graft/core';
import { DataLoader, type Dataset, RandomSampler } from '@graft/data';
import { nn } from '@graft/nn';
import { AdamW, CosineAnnealingLR, LinearLR, SequentialLR } from '@graft/optim';

/** The model's sizes. */
export interface GPTConfig {
  /** Number of distinct characters. */
  vocabSize: number;
  /** Longest input (the position embedding's length). */
  context: number;
  /** Embedding width. */
  width: number;
  /** Attention heads per block (divides `width`). */
  heads: number;
  /** Transformer blocks. */
  layers: number;
}

/** A text's characters as token ids and back. */
export interface CharCodec {
  /** The sorted distinct characters; a character's id is its index here. */
  vocab: string[];
  /** The ids of `text`'s characters (0 for a character not in the vocabulary). */
  encode(text: string): Int32Array;
  /** The characters of `ids`. */
  decode(ids: ArrayLike<number>): string;
}

/**
 * The codec of `text`'s characters.
 *
 * @example
 * charCodec('abba').encode('ab'); // Int32Array [0, 1]
 */
export function charCodec(text: string): CharCodec {
  const vocab = [...new Set(text)].sort();
  const index = new Map(vocab.map((c, i) => [c, i]));
  return {
    vocab,
    encode: (s) => Int32Array.from(s, (c) => index.get(c) ?? 0),
    decode: (ids) => Array.from(ids, (i) => vocab[i] ?? '').join(''),
  };
}

/** GPT: token + position embeddings, causal pre-norm Transformer blocks, a final LayerNorm and a linear head. */
export class CharGPT extends nn.Module {
  readonly config: GPTConfig;
  tok: nn.Embedding;
  pos: nn.Embedding;
  blocks: nn.TransformerEncoder;
  ln: nn.LayerNorm;
  head: nn.Linear;

  constructor(config: GPTConfig) {
    super();
    const { vocabSize, context, width, heads, layers } = config;
    this.config = config;
    this.tok = new nn.Embedding(vocabSize, width);
    this.pos = new nn.Embedding(context, width);
    const block = new nn.TransformerEncoderLayer(width, heads, {
      dimFeedforward: 4 * width,
      dropout: 0,
      activation: 'gelu',
      batchFirst: true,
      normFirst: true,
    });
    this.blocks = new nn.TransformerEncoder(block, layers);
    // TransformerEncoder deep-copies the block `layers` times (as PyTorch's does): the template is not part of the model,
    // and its tensors are ours to free (left to the garbage collector, a GPU's memory is given back late, if at all).
    for (const t of [...block.parameters(), ...block.buffers()]) t.dispose();
    this.ln = new nn.LayerNorm(width);
    this.head = new nn.Linear(width, vocabSize);
  }

  /** Logits `[N, T, vocab]` for token indices `[N, T]` (T ≤ context); position t sees positions ≤ t only. */
  override forward(idx: g.Tensor): g.Tensor {
    const T = idx.shape[1]!;
    const x = this.tok.call(idx).add(this.pos.call(g.arange(T)));
    const causal = nn.Transformer.generateSquareSubsequentMask(T);
    return this.head.call(this.ln.call(this.blocks.call(x, { mask: causal })));
  }
}

/** Every window of `encoded`: `context` characters (x) and the characters that follow each (y). */
export function textWindows(encoded: Int32Array, context: number): Dataset<{ x: Int32Array; y: Int32Array }> {
  return {
    length: encoded.length - context,
    get: (start) => ({
      x: encoded.subarray(start, start + context),
      y: encoded.subarray(start + 1, start + context + 1),
    }),
  };
}

/**
 * `steps` batches of `batchSize` random windows, drawn with replacement from
 * a generator seeded with `seed` (the same seed, the same batches): a fixed
 * number of steps over a short text, where "epochs" of distinct windows
 * would mean nothing. The default collation stacks the Int32Arrays into
 * `[batchSize, context]` int32 tensors, which the caller frees.
 */
export function windowLoader(
  encoded: Int32Array,
  o: { context: number; batchSize: number; steps: number; seed: number },
): DataLoader<{ x: Int32Array; y: Int32Array }, { x: g.Tensor; y: g.Tensor }> {
  const windows = textWindows(encoded, o.context);
  const generator = new g.Generator().manualSeed(o.seed);
  return new DataLoader(windows, {
    batchSize: o.batchSize,
    sampler: new RandomSampler(windows, { replacement: true, numSamples: o.steps * o.batchSize, generator }),
  });
}

/** AdamW, and a linear warmup over the first tenth of `steps` followed by cosine decay to 1e-4. */
export function optimizerAndSchedule(
  model: nn.Module,
  steps: number,
  lr = 3e-3,
): { optimizer: AdamW; scheduler: SequentialLR; warmup: number } {
  const warmup = Math.max(1, Math.round(steps * 0.1));
  const optimizer = new AdamW(model.parameters(), { lr, weightDecay: 0.01 });
  const scheduler = new SequentialLR(optimizer, {
    schedulers: [
      new LinearLR(optimizer, { startFactor: 0.01, endFactor: 1, totalIters: warmup }),
      new CosineAnnealingLR(optimizer, { tMax: Math.max(1, steps - warmup), etaMin: 1e-4 }),
    ],
    milestones: [warmup],
  });
  return { optimizer, scheduler, warmup };
}

/**
 * Samples `length` characters after `prompt` (which it includes), feeding the
 * model its last `context` characters each time and drawing from the default
 * generator. Leaves the model in training mode. Reads synchronously: for a
 * device that reads only asynchronously (WebGPU), use {@link sampleAsync}.
 */
export function sample(model: CharGPT, codec: CharCodec, prompt: string, length: number, temperature = 0.8): string {
  const ids = Array.from(codec.encode(prompt));
  model.eval();
  g.noGrad(() => {
    for (let i = 0; i < length; i++) {
      ids.push(
        g.tidy(() => {
          const [probs, u] = nextCharDistribution(model, ids, temperature);
          return drawFrom(probs.dataSync() as Float32Array, u.item() as number);
        }),
      );
    }
  });
  model.train();
  return codec.decode(ids);
}

/**
 * {@link sample} with asynchronous reads (`await t.values()`): the same
 * characters, on any device, including those whose synchronous reads throw
 * (WebGPU on a fallback adapter).
 */
export async function sampleAsync(model: CharGPT, codec: CharCodec, prompt: string, length: number, temperature = 0.8): Promise<string> {
  const ids = Array.from(codec.encode(prompt));
  model.eval();
  try {
    for (let i = 0; i < length; i++) {
      const [probs, u] = g.noGrad(() => g.tidy(() => nextCharDistribution(model, ids, temperature)));
      try {
        const [p, r] = await Promise.all([probs.values(), u.values()]);
        ids.push(drawFrom(p as Float32Array, r[0]!));
      } finally {
        probs.dispose();
        u.dispose();
      }
    }
  } finally {
    model.train();
  }
  return codec.decode(ids);
}

/**
 * The next character's probabilities after `ids` (its last `context`), and a
 * uniform draw from the default generator to pick with, both on the model's
 * device (whatever the current device became while an async sampler waited).
 */
function nextCharDistribution(model: CharGPT, ids: number[], temperature: number): [g.Tensor, g.Tensor] {
  const device = model.parameters()[0]!.device;
  const window = ids.slice(-model.config.context);
  const logits = model.call(g.tensor(Int32Array.from(window), { shape: [1, window.length], device }));
  return [
    logits
      .select(1, window.length - 1)
      .div(temperature)
      .softmax(-1),
    g.rand(1, { device }),
  ];
}

/** The index where the cumulative sum of `probs` passes `u` (inverse-CDF sampling; the last one if rounding leaves some mass). */
function drawFrom(probs: ArrayLike<number>, u: number): number {
  let r = u;
  for (let k = 0; k < probs.length; k++) {
    r -= probs[k]!;
    if (r <= 0) return k;
  }
  return probs.length - 1;
}

/** Frees the model's parameters and the optimizer's state (GPU memory is not garbage collected in time). */
export function disposeTraining(model: nn.Module, optimizer: { state: Map<unknown, Record<string, unknown>>; zeroGrad(): void }): void {
  optimizer.zeroGrad();
  for (const state of optimizer.state.values()) for (const v of Object.values(state)) if (v instanceof g.Tensor) v.dispose();
  for (const t of model.parameters()) t.dispose();
  for (const t of model.buffers()) t.dispose();
}
