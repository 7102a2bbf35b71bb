#!/usr/bin/env -S node --expose-gc
// A long synchronous training loop (an LSTM language-model step with Adam), to show that
// live tensors, bytes, the JS heap and RSS stay flat: `pnpm soak [steps] [tidy|dispose]`.
// Never yields to the event loop, so nothing here relies on FinalizationRegistry callbacks.
import * as g from '../packages/core/dist/index.js';
import '../packages/backend-cpu/dist/index.js';
import { nn } from '../packages/nn/dist/index.js';
import { Adam } from '../packages/optim/dist/index.js';

const steps = Number(process.argv[2] ?? 100_000);
const style = process.argv[3] ?? 'tidy';
const every = Math.max(1, Math.floor(steps / 20));
g.manualSeed(0);

const [T, B, V, H] = [8, 4, 12, 16];
const embed = new nn.Embedding(V, 8);
const lstm = new nn.LSTM(8, H);
const head = new nn.Linear(H, V);
const params = [...embed.parameters(), ...lstm.parameters(), ...head.parameters()];
const opt = new Adam(params, { lr: 1e-3 });
const tokens = g.randint(0, V, [T + 1, B]);
const input = tokens.narrow(0, 0, T);
const target = tokens.narrow(0, 1, T).reshape(-1);

function stepWithTidy() {
  return g.tidy(() => {
    opt.zeroGrad();
    const [out] = lstm.call(embed.call(input));
    const loss = nn.F.crossEntropy(head.call(out).reshape(T * B, V), target);
    loss.backward();
    opt.step();
    return loss.item();
  });
}

function stepWithDispose() {
  opt.zeroGrad();
  const e = embed.call(input);
  const [out, [h, c]] = lstm.call(e);
  const logits = head.call(out);
  const flat = logits.reshape(T * B, V);
  const loss = nn.F.crossEntropy(flat, target);
  loss.backward();
  opt.step();
  const value = loss.item();
  for (const t of [e, out, h, c, logits, flat, loss]) t.dispose();
  return value;
}

const step = style === 'dispose' ? stepWithDispose : stepWithTidy;
const rows = [];
const mib = (b) => (b / 1048576).toFixed(1);
const t0 = performance.now();
let loss = 0;
for (let i = 1; i <= steps; i++) {
  loss = step();
  if (i % every === 0 || i === 1) {
    globalThis.gc?.();
    const m = g.memory();
    const u = process.memoryUsage();
    rows.push({
      step: i,
      numTensors: m.numTensors,
      numBytes: m.numBytes,
      heapMiB: mib(u.heapUsed),
      rssMiB: mib(u.rss),
      loss: loss.toFixed(4),
    });
  }
}
console.table(rows);
const warm = rows[Math.min(2, rows.length - 1)];
const last = rows[rows.length - 1];
const growth = (a, b) => `${(((Number(b) - Number(a)) / Number(a)) * 100).toFixed(1)}%`;
console.log(
  `${steps} steps (${style}) in ${((performance.now() - t0) / 1000).toFixed(1)} s; after warm-up (step ${warm.step}) -> end: ` +
    `tensors ${warm.numTensors} -> ${last.numTensors}, bytes ${warm.numBytes} -> ${last.numBytes}, ` +
    `heap ${warm.heapMiB} -> ${last.heapMiB} MiB (${growth(warm.heapMiB, last.heapMiB)}), rss ${warm.rssMiB} -> ${last.rssMiB} MiB (${growth(warm.rssMiB, last.rssMiB)})`,
);
