import * as g from '@graft/core';
import '@graft/backend-cpu';
import { nn } from '@graft/nn';
import { Adam } from '@graft/optim';
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
const step = () =>
  g.tidy(() => {
    opt.zeroGrad();
    const [out] = lstm.call(embed.call(x));
    nn.F.crossEntropy(head.call(out).reshape(-1, V), y).backward();
    opt.step();
  });
step();
const orig = g.Tensor.fromHandle;
const sites = new Map();
g.Tensor.fromHandle = function (...a) {
  const st = new Error().stack
    .split('\n')
    .slice(2)
    .map((l) =>
      l
        .trim()
        .replace(/^at /, '')
        .replace(/\(file:\/\/\/work\/main\/packages\//, '(')
        .replace(/:\d+\)$/, ')'),
    );
  const key = st
    .filter((l) => !/dispatch|wrap|fromHandle|composite|scoped|tidy|noGrad|runIn|record\.js|methods\//.test(l))
    .slice(0, 3)
    .join(' < ');
  sites.set(key, (sites.get(key) ?? 0) + 1);
  return orig.apply(this, a);
};
step();
let total = 0;
for (const v of sites.values()) total += v;
console.log('tensors', total);
for (const [k, v] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(v, k.slice(0, 260));
