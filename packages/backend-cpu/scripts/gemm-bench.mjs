// Micro-benchmark of the CPU backend's matmul kernel on the shapes that matter: square
// 64–1024 and the GEMMs of an MLP training step (784-256-10, batch 64) and of LSTM cells,
// with their transposed operands as the autograd passes them (views, never copies).
//
//   node scripts/gemm-bench.mjs                      # this checkout's dist/
//   GEMM_OLD=/path/to/old/dist node scripts/gemm-bench.mjs   # interleaved against another build
//   GEMM_ROUNDS=7 GEMM_ONLY=mlp node scripts/gemm-bench.mjs
//
// Rounds interleave the builds; each cell is the median over rounds of the mean time per call
// (calls repeated for at least GEMM_MS milliseconds), or the best round with GEMM_STAT=min. Prints GFLOPS (2·M·N·K per call).
import { pathToFileURL } from 'node:url';

const here = new URL('../dist/', import.meta.url);
const builds = [['new', here]];
if (process.env.GEMM_OLD) builds.unshift(['old', pathToFileURL(`${process.env.GEMM_OLD.replace(/\/$/, '')}/`)]);
const rounds = Number(process.env.GEMM_ROUNDS ?? 5);
const minMs = Number(process.env.GEMM_MS ?? 40);
const only = process.env.GEMM_ONLY;
// 'median' (default) or 'min': the best round, steadier when others load the machine.
const stat = process.env.GEMM_STAT ?? 'median';

// [name, M, N, K, A transposed (A is a view of a K×M array), B transposed (a view of N×K)]
const shapes = [
  ...[8, 16, 24, 32, 64, 128, 256, 512, 1024].map((n) => [`square ${n}`, n, n, n, false, false]),
  ['mlp fwd x·W1ᵀ', 64, 256, 784, false, true],
  ['mlp fwd h·W2ᵀ', 64, 10, 256, false, true],
  ['mlp bwd g2·W2', 64, 256, 10, false, false],
  ['mlp bwd g2ᵀ·h', 10, 256, 64, true, false],
  ['mlp bwd g1·W1', 64, 784, 256, false, false],
  ['mlp bwd g1ᵀ·x', 256, 784, 64, true, false],
  ['lstm H=64 B=32 h·Whhᵀ', 32, 256, 64, false, true],
  ['lstm H=64 B=32 gᵀ·h', 256, 64, 32, true, false],
  ['lstm H=256 B=64 h·Whhᵀ', 64, 1024, 256, false, true],
  ['lstm H=256 B=64 g·Whh', 64, 256, 1024, false, false],
  ['lstm H=256 B=64 gᵀ·h', 1024, 256, 64, true, false],
].filter(([name]) => only === undefined || name.includes(only));

const mods = [];
for (const [label, url] of builds) {
  const heap = await import(new URL('heap.js', url).href);
  const { matmul } = await import(new URL('kernels/matmul.js', url).href);
  // Operands of the bench: the same values in every build's heap.
  mods.push({ label, heap, matmul });
}

function operand(heap, rows, cols, transposed) {
  const h = heap.alloc('float32', rows * cols);
  const a = heap.arr(h);
  for (let i = 0; i < a.length; i++) a[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  // rows×cols as a view: row-major, or the transpose of a cols×rows array
  return transposed
    ? { handle: h, dtype: 'float32', shape: [rows, cols], strides: [1, rows], offset: 0 }
    : { handle: h, dtype: 'float32', shape: [rows, cols], strides: [cols, 1], offset: 0 };
}

// GEMM_CLOCK=cpu times with the process's CPU time instead of the wall clock: on a machine
// others load, it leaves out the time this process waited for a core (one thread only).
const cpuClock = process.env.GEMM_CLOCK === 'cpu';
function now() {
  if (!cpuClock) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function timeOne(m, A, B) {
  m.heap.release(m.matmul(A, B));
  let calls = 0;
  const t0 = now();
  let t = t0;
  while (t - t0 < minMs) {
    const out = m.matmul(A, B);
    m.heap.release(out);
    calls++;
    t = now();
  }
  return (t - t0) / calls;
}

const results = new Map();
for (const [name, M, N, K, at, bt] of shapes) {
  const ops = mods.map((m) => [operand(m.heap, M, K, at), operand(m.heap, K, N, bt)]);
  const times = mods.map(() => []);
  for (let r = 0; r < rounds; r++) mods.forEach((m, i) => times[i].push(timeOne(m, ...ops[i])));
  const med = times.map((ts) => ts.sort((x, y) => x - y)[stat === 'min' ? 0 : Math.floor(ts.length / 2)]);
  results.set(
    name,
    med.map((ms) => (2 * M * N * K) / ms / 1e6),
  );
}
const labels = mods.map((m) => m.label);
console.log(`| shape (M×N×K) | ${labels.map((l) => `${l} GFLOPS`).join(' | ')}${labels.length > 1 ? ' | new/old' : ''} |`);
console.log(`|---|${labels.map(() => '---|').join('')}${labels.length > 1 ? '---|' : ''}`);
for (const [name, M, N, K, at, bt] of shapes) {
  const g = results.get(name);
  const ratio = g.length > 1 ? ` | ${(g[1] / g[0]).toFixed(2)}` : '';
  console.log(`| ${name} (${M}×${N}×${K}${at ? ', Aᵀ' : ''}${bt ? ', Bᵀ' : ''}) | ${g.map((x) => x.toFixed(1)).join(' | ')}${ratio} |`);
}
