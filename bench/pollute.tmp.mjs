import * as g from '@graft/core';
import '@graft/backend-cpu';
import { nn } from '@graft/nn';
import { Adam, SGD } from '@graft/optim';
g.manualSeed(0);
const V = 50,
  T = 20,
  B = 16,
  H = 64;
const embed = new nn.Embedding(V, 32),
  lstm = new nn.LSTM(32, H, { batchFirst: true }),
  head = new nn.Linear(H, V);
const opt = new Adam([...embed.parameters(), ...lstm.parameters(), ...head.parameters()], { lr: 0.005 });
const x = g.randint(0, V, [B, T]),
  y = g.randint(0, V, [B * T]);
const lstmStep = () =>
  g.tidy(() => {
    opt.zeroGrad();
    const [out] = lstm.call(embed.call(x));
    nn.F.crossEntropy(head.call(out).reshape(-1, V), y).backward();
    opt.step();
  });
const cell = new nn.RNNCell(10, 20);
const inputs = g.randn(100, 1, 10).unbind(0);
const h0 = g.zeros(1, 20);
const rnn = () =>
  g.tidy(() => {
    let h = h0;
    for (const xi of inputs) h = cell.call(xi, h);
    h.sum().backward();
  });
const mlp = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
const sgd = new SGD(mlp.parameters(), { lr: 0.01 });
const xm = g.randn(64, 784),
  ym = g.randint(0, 10, [64]);
const mlpStep = () =>
  g.tidy(() => {
    sgd.zeroGrad();
    nn.F.crossEntropy(mlp.call(xm), ym).backward();
    sgd.step();
  });
const a = g.tensor([1, 2, 3, 4], { requiresGrad: true }),
  b = g.tensor([4, 3, 2, 1]);
const disp = () => {
  for (let i = 0; i < 10000; i++) a.add(b).dispose();
};
const q = g.randn(8, 8, 128, 64),
  k = g.randn(8, 8, 128, 64);
const att = () =>
  g.tidy(() => {
    g.einsum('bhqd,bhkd->bhqk', q, k);
    q.matmul(k.transpose(-1, -2));
  });
const big = g.randn(1 << 20);
const elem = () =>
  g.tidy(() => {
    big.add(big);
    big.tanh();
    big.sum();
  });
function time(label, run, per = 10, quiet = false) {
  for (let i = 0; i < 20; i++) run();
  globalThis.gc?.();
  const wall = [];
  for (let r = 0; r < 15; r++) {
    const t0 = performance.now();
    for (let i = 0; i < per; i++) run();
    wall.push((performance.now() - t0) / per);
  }
  wall.sort((p, q) => p - q);
  if (!quiet) console.log(label, 'min', wall[0].toFixed(3), 'med', wall[7].toFixed(3));
  return wall[0];
}
const which = process.argv[2] ?? '';
if (which === 'all') {
  time('elem', elem, 10, true);
  time('disp', disp, 1, true);
  time('att', att, 2, true);
  time('mlp', mlpStep, 10, true);
  time('rnn', rnn, 10, true);
}
time('lstm', lstmStep);
time('lstm', lstmStep);
