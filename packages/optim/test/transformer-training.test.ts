/**
 * Transformers trained for several steps from PyTorch's seed follow PyTorch's
 * losses (fixtures: scripts/fixtures/generate_nn_attention.py, the `train`
 * cases of packages/nn/test/fixtures/attention.json; dropout 0).
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { nn } from '@graft/nn';
import { describe, expect, it } from 'vitest';
import * as optim from '../src/index.js';
import attention from '../../nn/test/fixtures/attention.json' with { type: 'json' };
import { close } from './helpers.js';

interface Enc {
  shape: number[];
  data: number[];
}
// biome-ignore lint/suspicious/noExplicitAny: fixture cases are heterogeneous JSON
const cases = (attention.cases as any[]).filter((c) => c.kind === 'train');
const decode = (e: Enc) => g.tensor(new Float32Array(e.data), { shape: e.shape });

/** PyTorch's TinyGPT of the generator: token + position embeddings, a causal TransformerEncoder, LayerNorm, head. */
class TinyGPT extends nn.Module {
  tok: nn.Embedding;
  pos: nn.Embedding;
  blocks: nn.TransformerEncoder;
  ln: nn.LayerNorm;
  head: nn.Linear;
  constructor(vocab: number, E: number, H: number, layers: number, T: number, normFirst: boolean) {
    super();
    this.tok = new nn.Embedding(vocab, E);
    this.pos = new nn.Embedding(T, E);
    const layer = new nn.TransformerEncoderLayer(E, H, {
      dimFeedforward: 2 * E,
      dropout: 0,
      activation: 'gelu',
      batchFirst: true,
      normFirst,
    });
    this.blocks = new nn.TransformerEncoder(layer, layers);
    this.ln = new nn.LayerNorm(E);
    this.head = new nn.Linear(E, vocab);
  }
  override forward(idx: g.Tensor): g.Tensor {
    const T = idx.shape[1]!;
    const x = this.tok.call(idx).add(this.pos.call(g.arange(T).int()));
    return this.head.call(this.ln.call(this.blocks.call(x, { mask: nn.Transformer.generateSquareSubsequentMask(T) })));
  }
}

describe("Transformers follow PyTorch's losses step by step (same seed, dropout 0)", () => {
  for (const c of cases) {
    it(c.name, () => {
      let model: nn.Module;
      let lossFn: () => g.Tensor;
      const [vocab, E, H, T] = [11, 8, 2, 6];
      if (c.model.startsWith('gpt')) {
        const idx = g.tensor(c.data.idx, { dtype: 'int32' }).reshape(c.data.shape);
        const x = idx.slice(1, 0, T);
        const y = idx.slice(1, 1, T + 1);
        g.manualSeed(c.seed);
        const gpt = new TinyGPT(vocab, E, H, 2, T, c.model === 'gpt_norm_first');
        model = gpt;
        lossFn = () => nn.F.crossEntropy(gpt.call(x).reshape(-1, vocab), y.reshape(-1));
      } else {
        const [src, tgt, target] = [c.data.src, c.data.tgt, c.data.target].map(decode);
        g.manualSeed(c.seed);
        const t = new nn.Transformer({ dModel: E, nhead: H, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16, dropout: 0 });
        model = t;
        const mask = nn.Transformer.generateSquareSubsequentMask(4);
        lossFn = () => nn.F.mseLoss(t.call(src!, tgt!, { tgtMask: mask }), target!);
      }
      const opt =
        c.optimizer === 'adam'
          ? new optim.Adam(model.parameters(), { lr: 0.01 })
          : new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      const losses: number[] = [];
      for (let i = 0; i < c.losses.length; i++) {
        opt.zeroGrad();
        const loss = lossFn();
        loss.backward();
        opt.step();
        losses.push(loss.item() as number);
      }
      close(losses, c.losses, 1e-4, `${c.name}: losses`);
      const sd = model.stateDict();
      for (const [k, e] of Object.entries(c.final as Record<string, Enc>))
        close(Array.from(sd[k]!.dataSync()), e.data, 1e-4, `${c.name}: final ${k}`);
      expect(losses.at(-1)).toBeLessThan(losses[0]!);
    });
  }
});
