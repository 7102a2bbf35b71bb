// The CPU backend's thread crossover: how long a step takes to dispatch to the pool, and from
// what size splitting an elementwise op or a sum over two threads pays. Runs the wasm kernels
// through runCalls directly (below the backend's thresholds too), alternating one and two
// threads in one process; prints medians (and the best ratio, which says what an idle second
// core would give on a loaded machine). Needs `pnpm build`. Usage:
//   node scripts/bench-threads.mjs [sizes, comma-separated]
import * as g from '../packages/core/dist/index.js';
import '../packages/backend-cpu/dist/index.js';
import { runCalls } from '../packages/backend-cpu/dist/threads/parallel.js';

const sizes = (process.argv[2] ?? '8192,16384,32768,65536,131072,262144,1048576').split(',').map(Number);
const ROUNDS = 21;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function compare(label, oneThread, twoThreads, reps) {
  const t = { 1: [], 2: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [threads, f] of [
      [1, oneThread],
      [2, twoThreads],
    ]) {
      g.setNumThreads(threads);
      f();
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) f();
      t[threads].push(((performance.now() - t0) / reps) * 1000);
    }
  }
  const [m1, m2] = [median(t[1]), median(t[2])];
  const best = Math.min(...t[1]) / Math.min(...t[2]);
  console.log(`| ${label} | ${m1.toFixed(2)} | ${m2.toFixed(2)} | ${(m1 / m2).toFixed(2)}x | ${best.toFixed(2)}x |`);
}

console.log('| work | 1 thread (µs) | 2 threads (µs) | speedup (medians) | speedup (best runs) |');
console.log('|---|---|---|---|---|');
const small = g.ones([1 << 14]);
const p = small.handle.ptr;
const tiny = [0, 1].map((i) => ({ kernel: 'sum_f32', args: [p + 64 * i, 16] }));
compare(
  'a step of two 16-element calls (dispatch)',
  () => runCalls(tiny.slice(0, 1)),
  () => runCalls(tiny),
  2000,
);

for (const n of sizes) {
  const a = g.randn([n]);
  const b = g.randn([n]);
  const out = g.empty([n]);
  const [pa, pb, po] = [a.handle.ptr, b.handle.ptr, out.handle.ptr];
  const half = Math.ceil(n / 2 / 16) * 16;
  const add = (parts) =>
    parts === 1
      ? [{ kernel: 'binary_f32', args: [0, pa, pb, po, n] }]
      : [
          { kernel: 'binary_f32', args: [0, pa, pb, po, half] },
          { kernel: 'binary_f32', args: [0, pa + 4 * half, pb + 4 * half, po + 4 * half, n - half] },
        ];
  const sum = (parts) =>
    parts === 1
      ? [{ kernel: 'sum_f32', args: [pa, n] }]
      : [
          { kernel: 'sum_f32', args: [pa, half] },
          { kernel: 'sum_f32', args: [pa + 4 * half, n - half] },
        ];
  const tanh = (parts) =>
    parts === 1
      ? [{ kernel: 'unary_f32', args: [5, pa, po, n] }]
      : [
          { kernel: 'unary_f32', args: [5, pa, po, half] },
          { kernel: 'unary_f32', args: [5, pa + 4 * half, po + 4 * half, n - half] },
        ];
  const reps = Math.max(3, Math.floor(4e5 / n));
  for (const [name, make, r] of [
    ['add', add, reps],
    ['sum', sum, reps],
    ['tanh', tanh, Math.max(2, reps >> 3)],
  ]) {
    const one = make(1);
    const two = make(2);
    compare(
      `${name}, ${n} elements`,
      () => runCalls(one),
      () => runCalls(two),
      r,
    );
  }
  for (const t of [a, b, out]) t.dispose();
}
