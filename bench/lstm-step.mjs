// Times the bench's char-LSTM train step (`lstm`; `gru`: the same step with nn.GRU) or RNN-cell
// row (`rnn`, 100 steps forward + backward), as bench/src/workloads.ts builds them, over 15 rounds
// after warm-up: per run, the
// fastest and the median round's wall time and the fastest round's CPU time of the process
// (process.cpuUsage: what a loaded machine disturbs least). See docs/performance.md, "Fused
// recurrent cells".
//   node lstm-step.mjs lstm 90     # workload, runs in all
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { nn } from '@graft/nn';
import { Adam } from '@graft/optim';
const which = process.argv[2] ?? 'lstm';
const N = Number(process.argv[3] ?? 100);
g.manualSeed(0);
let run;
if (which === 'lstm' || which === 'gru') {
  const V = 50,
    T = 20,
    B = 16,
    H = 64;
  const embed = new nn.Embedding(V, 32);
  const lstm = which === 'gru' ? new nn.GRU(32, H, { batchFirst: true }) : new nn.LSTM(32, H, { batchFirst: true });
  const head = new nn.Linear(H, V);
  const opt = new Adam([...embed.parameters(), ...lstm.parameters(), ...head.parameters()], { lr: 0.005 });
  const x = g.randint(0, V, [B, T]);
  const y = g.randint(0, V, [B * T]);
  run = () =>
    g.tidy(() => {
      opt.zeroGrad();
      const [out] = lstm.call(embed.call(x));
      nn.F.crossEntropy(head.call(out).reshape(-1, V), y).backward();
      opt.step();
    });
} else {
  const cell = new nn.RNNCell(10, 20);
  const inputs = g.randn(100, 1, 10).unbind(0);
  const h0 = g.zeros(1, 20);
  run = () =>
    g.tidy(() => {
      let h = h0;
      for (const x of inputs) h = cell.call(x, h);
      h.sum().backward();
    });
}
for (let i = 0; i < 20; i++) run();
const wall = [],
  cpu = [];
const R = 15,
  per = Math.max(1, Math.round(N / R));
for (let r = 0; r < R; r++) {
  const t0 = performance.now(),
    c0 = process.cpuUsage();
  for (let i = 0; i < per; i++) run();
  const c = process.cpuUsage(c0);
  wall.push((performance.now() - t0) / per);
  cpu.push((c.user + c.system) / 1000 / per);
}
const med = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(
  JSON.stringify({ which, wallMin: +Math.min(...wall).toFixed(3), wallMed: +med(wall).toFixed(3), cpuMin: +Math.min(...cpu).toFixed(3) }),
);
