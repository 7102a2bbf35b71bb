// Everyday modules and ops in Graft (CPU), forward + backward, float32: one side of bench/ops/run.mjs
// (torch.py is the other, the same workloads in PyTorch). Prints one JSON line per workload,
// {name, ms}: the fastest of 5 rounds of the mean time per step (each round at least 150 ms).
//   node graft.mjs [name ...]
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { nn } from '@graft/nn';
import { Adam } from '@graft/optim';
const F = nn.F;
g.manualSeed(0);
const rg = (...s) => g.randn(...s).requiresGrad_(true);
const B = 32;

// each factory returns {params, step} ; step runs forward+backward (inside tidy by harness)
const W = {
  linear: () => {
    const m = new nn.Linear(512, 512);
    const x = rg(B * 4, 512);
    return { m, step: () => m.call(x).sum().backward() };
  },
  mlp_relu: () => {
    const m = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
    const x = g.randn(64, 784);
    const t = g.randint(0, 10, [64], { dtype: 'int32' });
    return { m, step: () => F.crossEntropy(m.call(x), t).backward() };
  },
  conv2d: () => {
    const m = new nn.Conv2d(16, 32, 3, { padding: 1 });
    const x = rg(B, 16, 32, 32);
    return { m, step: () => m.call(x).sum().backward() };
  },
  conv1d: () => {
    const m = new nn.Conv1d(64, 64, 5, { padding: 2 });
    const x = rg(B, 64, 128);
    return { m, step: () => m.call(x).sum().backward() };
  },
  conv2d_dw: () => {
    const m = new nn.Conv2d(32, 32, 3, { padding: 1, groups: 32 });
    const x = rg(B, 32, 32, 32);
    return { m, step: () => m.call(x).sum().backward() };
  },
  conv_transpose2d: () => {
    const m = new nn.ConvTranspose2d(32, 16, 4, { stride: 2, padding: 1 });
    const x = rg(B, 32, 16, 16);
    return { m, step: () => m.call(x).sum().backward() };
  },
  maxpool2d: () => {
    const m = new nn.MaxPool2d(2);
    const x = rg(B, 32, 32, 32);
    return { m, step: () => m.call(x).sum().backward() };
  },
  avgpool2d: () => {
    const m = new nn.AvgPool2d(2);
    const x = rg(B, 32, 32, 32);
    return { m, step: () => m.call(x).sum().backward() };
  },
  adaptive_avgpool: () => {
    const m = new nn.AdaptiveAvgPool2d(1);
    const x = rg(B, 64, 16, 16);
    return { m, step: () => m.call(x).sum().backward() };
  },
  batchnorm2d: () => {
    const m = new nn.BatchNorm2d(32);
    const x = rg(B, 32, 32, 32);
    return { m, step: () => m.call(x).sum().backward() };
  },
  layernorm: () => {
    const m = new nn.LayerNorm(256);
    const x = rg(B, 64, 256);
    return { m, step: () => m.call(x).sum().backward() };
  },
  groupnorm: () => {
    const m = new nn.GroupNorm(8, 32);
    const x = rg(B, 32, 32, 32);
    return { m, step: () => m.call(x).sum().backward() };
  },
  embedding: () => {
    const m = new nn.Embedding(10000, 128);
    const idx = g.randint(0, 10000, [B, 64], { dtype: 'int32' });
    return { m, step: () => m.call(idx).sum().backward() };
  },
  mha: () => {
    const m = new nn.MultiheadAttention(128, 4, { batchFirst: true });
    const x = rg(B, 32, 128);
    return { m, step: () => m.call(x, x, x)[0].sum().backward() };
  },
  transformer_enc: () => {
    const m = new nn.TransformerEncoderLayer(128, 4, { dimFeedforward: 512, batchFirst: true, dropout: 0.1 });
    const x = rg(B, 32, 128);
    return { m, step: () => m.call(x).sum().backward() };
  },
  lstm: () => {
    const m = new nn.LSTM(128, 128, { batchFirst: true });
    const x = rg(B, 32, 128);
    return { m, step: () => m.call(x)[0].sum().backward() };
  },
  gru: () => {
    const m = new nn.GRU(128, 128, { batchFirst: true });
    const x = rg(B, 32, 128);
    return { m, step: () => m.call(x)[0].sum().backward() };
  },
  gelu: () => {
    const x = rg(B, 64, 512);
    return { step: () => F.gelu(x).sum().backward() };
  },
  silu: () => {
    const x = rg(B, 64, 512);
    return { step: () => F.silu(x).sum().backward() };
  },
  hardtanh: () => {
    const x = rg(B, 64, 512);
    return { step: () => F.hardtanh(x).sum().backward() };
  },
  elu: () => {
    const x = rg(B, 64, 512);
    return { step: () => F.elu(x).sum().backward() };
  },
  leaky_relu: () => {
    const x = rg(B, 64, 512);
    return { step: () => F.leakyRelu(x).sum().backward() };
  },
  softplus: () => {
    const x = rg(B, 64, 512);
    return { step: () => F.softplus(x).sum().backward() };
  },
  clamp_where: () => {
    const x = rg(B, 64, 512);
    return { step: () => g.where(x.gt(0), x.clamp(-1, 1), x.mul(0.1)).sum().backward() };
  },
  softmax: () => {
    const x = rg(B, 4, 64, 64);
    const w = g.randn(B, 4, 64, 64);
    return { step: () => F.softmax(x, -1).mul(w).sum().backward() };
  },
  cross_entropy: () => {
    const x = rg(256, 1000);
    const t = g.randint(0, 1000, [256], { dtype: 'int32' });
    return { step: () => F.crossEntropy(x, t).backward() };
  },
  dropout: () => {
    const m = new nn.Dropout(0.1);
    const x = rg(B, 64, 512);
    return { m, step: () => m.call(x).sum().backward() };
  },
  interp_bilinear: () => {
    const x = rg(B, 16, 32, 32);
    return { step: () => F.interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: false }).sum().backward() };
  },
  interp_nearest: () => {
    const x = rg(B, 16, 32, 32);
    return { step: () => F.interpolate(x, { scaleFactor: 2, mode: 'nearest' }).sum().backward() };
  },
  cumsum: () => {
    const x = rg(B, 4096);
    const w = g.randn(B, 4096);
    return { step: () => x.cumsum(1).mul(w).sum().backward() };
  },
  sort: () => {
    const x = rg(B * 8, 1024);
    const w = g.randn(B * 8, 1024);
    return { step: () => x.sort(-1)[0].mul(w).sum().backward() };
  },
  topk: () => {
    const x = rg(B * 8, 1024);
    return { step: () => x.topk(10, -1)[0].sum().backward() };
  },
  gather: () => {
    const x = rg(B * 8, 1024);
    const idx = g.randint(0, 1024, [B * 8, 256], { dtype: 'int32' });
    return { step: () => x.gather(1, idx).sum().backward() };
  },
  index_select: () => {
    const x = rg(5000, 128);
    const idx = g.randint(0, 5000, [2048], { dtype: 'int32' });
    return { step: () => x.indexSelect(0, idx).sum().backward() };
  },
  scatter_add: () => {
    const src = rg(B * 8, 1024);
    const idx = g.randint(0, 128, [B * 8, 1024], { dtype: 'int32' });
    const base = g.zeros(B * 8, 128);
    return { step: () => base.scatterAdd(1, idx, src).pow(2).sum().backward() };
  },
  masked_fill_where: () => {
    const x = rg(B, 64, 512);
    const m = g.rand(B, 64, 512).lt(0.3);
    return { step: () => g.where(m, x, x.mul(2)).maskedFill(m.logicalNot(), 0).sum().backward() };
  },
  einsum_bmm: () => {
    const a = rg(B * 4, 64, 64),
      b = rg(B * 4, 64, 64);
    return { step: () => g.einsum('bij,bjk->bik', a, b).sum().backward() };
  },
  pad_reflect: () => {
    const x = rg(B, 16, 32, 32);
    return { step: () => F.pad(x, [2, 2, 2, 2], 'reflect').sum().backward() };
  },
  pixel_shuffle: () => {
    const x = rg(B, 64, 16, 16);
    return { step: () => F.pixelShuffle(x, 2).sum().backward() };
  },
  instancenorm2d: () => {
    const m = new nn.InstanceNorm2d(32, { affine: true });
    const x = rg(B, 32, 32, 32);
    return { m, step: () => m.call(x).sum().backward() };
  },
  cdist: () => {
    const a = rg(B, 128, 64),
      b = rg(B, 128, 64);
    return { step: () => g.cdist(a, b).sum().backward() };
  },
  cdist_mm: () => {
    const a = rg(B, 128, 64),
      b = rg(B, 128, 64);
    return { step: () => g.cdist(a, b).sum().backward() };
  },
  unfold: () => {
    const x = rg(B, 16, 32, 32);
    return { step: () => F.unfold(x, 3, { padding: 1 }).sum().backward() };
  },
  embedding_bag: () => {
    const m = new nn.EmbeddingBag(10000, 128, { mode: 'mean' });
    const idx = g.randint(0, 10000, [B, 64], { dtype: 'int32' });
    return { m, step: () => m.call(idx).sum().backward() };
  },
  adam_step: () => {
    const m = new nn.Sequential(new nn.Linear(512, 512), new nn.Linear(512, 512));
    return { m, adam: true };
  },
};

function timeOne(name, rounds = 5, minMs = 150) {
  const w = W[name]();
  let step = w.step;
  if (w.adam) {
    const p = w.m.parameters();
    for (const q of p) q.grad = g.randnLike(q);
    const opt = new Adam(p, { lr: 1e-3 });
    step = () => opt.step();
  }
  const params = w.m ? w.m.parameters() : [];
  const run = () => {
    g.tidy(() => {
      step();
    });
    if (!w.adam) {
      for (const p of params) {
        if (p.grad) {
          p.grad.dispose?.();
          p.grad = null;
        }
      }
    }
  };
  // warm-up
  const t0 = performance.now();
  let n = 0;
  while (n < 2 || performance.now() - t0 < 200) {
    run();
    n++;
  }
  const per = (performance.now() - t0) / n;
  const reps = Math.max(1, Math.round(minMs / Math.max(per, 0.01)));
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const s = performance.now();
    for (let i = 0; i < reps; i++) run();
    best = Math.min(best, (performance.now() - s) / reps);
  }
  return best;
}
const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(W);
for (const name of names) {
  try {
    console.log(JSON.stringify({ name, ms: timeOne(name) }));
  } catch (e) {
    console.log(JSON.stringify({ name, error: String(e.message ?? e).slice(0, 200) }));
  }
}
process.exit(0);
