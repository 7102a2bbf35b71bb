/**
 * `pnpm bench`: Graft's CPU backend side by side with its peers, in one run:
 *
 * - tfjs-cpu (plain JavaScript; only with BENCH_PEERS naming it: it takes
 *   minutes at matmul 1024) and tfjs-wasm (XNNPACK SIMD, one thread), in
 *   this process;
 * - tfjs-wasm with 2 threads, in a child process (tfjs-peer.ts: tfjs turns
 *   threads off in Node, the bench patches that in tfjs-wasm-threads.ts);
 * - PyTorch on 2 threads, when /usr/bin/python3 has torch (torch_peer.py).
 *
 * Workloads and runners are interleaved across rounds; each cell is the
 * median of the rounds, each round the median of several timed runs after
 * warm-up. Ratios are Graft's speed over the peer's (above 1: Graft is
 * faster). A peer that cannot start is listed as missing with the reason;
 * one that cannot run a workload gets "fails" and the reason.
 *
 * `--json <file>` writes the numbers (and the machine, the peers' versions)
 * for the docs.
 */
import * as g from '@graft/core';
import { cpuInfo } from '@graft/backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserSection } from './browser.js';
import { Peer, type PeerResult } from './peers.js';
import { formatValue, markdownTable, median, speedRatio, timeIt, toUnit } from './timing.js';
import { EINSUM_ROW, MATMUL_ROW, selectWorkloads, type Workload } from './workloads.js';

const require = createRequire(import.meta.url);
setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

/** Every column the table can have, Graft first. */
const RUNNERS = ['graft', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-wasm-2t', 'torch-2t'] as const;
type Runner = (typeof RUNNERS)[number];
const LABELS: Record<Runner, string> = {
  graft: 'graft',
  'tfjs-cpu': 'tfjs-cpu',
  'tfjs-wasm': 'tfjs-wasm 1 thread',
  'tfjs-wasm-2t': 'tfjs-wasm 2 threads',
  'torch-2t': 'PyTorch 2 threads',
};
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
/** BENCH_PEERS=comma list: the peers to run (default all but tfjs-cpu, which takes minutes). */
const PEERS = (process.env['BENCH_PEERS'] ?? 'tfjs-wasm,tfjs-wasm-2t,torch-2t').split(',').map((s) => s.trim());
const unknown = PEERS.filter((p) => !RUNNERS.includes(p as Runner) || p === 'graft');
if (unknown.length > 0) throw new Error(`BENCH_PEERS: unknown peer(s) ${unknown.join(', ')}; known: ${RUNNERS.slice(1).join(', ')}`);
const PYTHON = process.env['BENCH_PYTHON'] ?? '/usr/bin/python3';
const jsonIndex = process.argv.indexOf('--json');
const JSON_OUT = jsonIndex >= 0 ? process.argv[jsonIndex + 1] : undefined;
if (jsonIndex >= 0 && JSON_OUT === undefined) throw new Error('--json needs a file name');

/**
 * Which build of Graft's wasm kernels runs. `pnpm bench` starts Node with
 * --experimental-wasm-relaxed-simd, so Node 20 loads the relaxed-SIMD build
 * (FMA in the GEMM) as browsers and Node 22+ do by default; `node
 * dist/main.js` without the flag measures Node 20's default, plain SIMD.
 */
const KERNELS = cpuInfo().kernels;

const workloads = selectWorkloads(process.env['BENCH_ONLY']);
const failures = new Set<string>();
/** Peers that could not start: runner → why. */
const missing = new Map<Runner, string>();

/** Starts the peers that run in processes of their own. */
async function startPeers(): Promise<Map<Runner, Peer>> {
  const peers = new Map<Runner, Peer>();
  const tryStart = async (runner: Runner, start: () => Promise<Peer | string>) => {
    if (!PEERS.includes(runner)) return;
    const p = await start();
    if (typeof p === 'string') missing.set(runner, p);
    else peers.set(runner, p);
  };
  await tryStart('tfjs-wasm-2t', () =>
    Peer.start(process.execPath, ['--expose-gc', fileURLToPath(new URL('./tfjs-peer.js', import.meta.url)), '2']),
  );
  await tryStart('torch-2t', () =>
    Peer.start(PYTHON, [fileURLToPath(new URL('../torch_peer.py', import.meta.url))], {
      BENCH_TORCH_THREADS: '2',
      // BENCH_TORCH_BLAS=<dir with libblas.so.3>: the BLAS torch uses (Debian's torch takes the system's libblas.so.3).
      ...(process.env['BENCH_TORCH_BLAS'] ? { LD_LIBRARY_PATH: process.env['BENCH_TORCH_BLAS'] } : {}),
    }),
  );
  return peers;
}

/** Times `w` in this process (Graft, or tfjs on its cpu/wasm backend): its value in the workload's unit. */
async function timeHere(w: Workload, runner: Runner): Promise<number> {
  if (runner !== 'graft') await tf.setBackend(runner === 'tfjs-cpu' ? 'cpu' : 'wasm');
  // Every runner here starts from a collected heap (`pnpm bench` passes --expose-gc): otherwise the
  // garbage the previous workload left (tfjs's or Graft's) is collected during this one's timing and
  // a per-op row measures its predecessor (dispatch read 0.4 or 1.1 µs depending on what ran before).
  (globalThis as { gc?: () => void }).gc?.();
  const { run, cleanup } = w.setup(runner === 'graft' ? 'graft' : 'tfjs');
  // tfjs-cpu matmul at 1024 takes seconds; the minimum of samples is plenty.
  const seconds = timeIt(run, w.unit === 'gflops' && runner === 'tfjs-cpu' ? 0 : 0.25);
  cleanup();
  return toUnit(seconds, w.unit, w.flops, w.perCall);
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  await tf.setBackend('cpu');
  const peers = await startPeers();
  const runners = RUNNERS.filter((r) => r === 'graft' || PEERS.includes(r));
  const results = new Map<string, Map<Runner, number[]>>();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const w of workloads) {
        for (const runner of runners) {
          let value = NaN;
          const peer = peers.get(runner);
          if (missing.has(runner)) {
            // reported under the table
          } else if (peer !== undefined) {
            const r: PeerResult = await peer.measure(w.id);
            if ('seconds' in r) value = toUnit(r.seconds, w.unit, w.flops, w.perCall);
            else failures.add(`${LABELS[runner]} on "${w.name}": ${r.error}`);
          } else {
            try {
              value = await timeHere(w, runner);
            } catch (e) {
              // A peer that cannot run a workload (a missing kernel, say) gets 'fails' in the table.
              if (runner === 'graft') throw e;
              failures.add(`${LABELS[runner]} on "${w.name}": ${(e as Error).message.split('\n')[0]}`);
            }
          }
          const byRunner = results.get(w.name) ?? new Map<Runner, number[]>();
          results.set(w.name, byRunner);
          byRunner.set(runner, [...(byRunner.get(runner) ?? []), value]);
        }
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
    }
  } finally {
    for (const p of peers.values()) p.close();
  }
  const json = report(runners, results, peers);
  const browser = await browserSection();
  if (JSON_OUT !== undefined) {
    writeFileSync(
      JSON_OUT,
      `${JSON.stringify({ ...json, browser }, (_k, v) => (typeof v === 'number' && Number.isNaN(v) ? null : v), 2)}\n`,
    );
    console.log(`wrote ${JSON_OUT}`);
  }
}

/** Prints the Node section's table; returns its numbers for `--json`. */
function report(runners: Runner[], results: Map<string, Map<Runner, number[]>>, peers: Map<Runner, Peer>): object {
  const others = runners.filter((r) => r !== 'graft');
  const header = ['workload', ...runners.map((r) => LABELS[r]), ...others.map((r) => `vs ${LABELS[r]}`)];
  const medians = (w: Workload) => {
    const byRunner = results.get(w.name)!;
    return Object.fromEntries(runners.map((r) => [r, median(byRunner.get(r)!)])) as Record<Runner, number>;
  };
  const rows = workloads.map((w) => {
    const m = medians(w);
    const ratio = (r: Runner) => {
      const v = speedRatio(m.graft, m[r], w.unit);
      return Number.isNaN(v) ? 'n/a' : `${v.toFixed(2)}x`;
    };
    return [w.name, ...runners.map((r) => (missing.has(r) ? 'missing' : formatValue(m[r], w.unit))), ...others.map(ratio)];
  });
  const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} logical CPUs`;
  console.log(`Graft bench: Node ${process.version}, ${machine}, ${ROUNDS} rounds, ratios = Graft speed / peer speed`);
  console.log(`Graft's wasm kernels: ${KERNELS}`);
  for (const [r, p] of peers) console.log(`${LABELS[r]}: ${JSON.stringify({ ...p.info, ready: undefined })}`);
  console.log(markdownTable(header, rows));
  for (const [r, why] of missing) console.log(`missing: ${LABELS[r]}: ${why}`);
  for (const r of RUNNERS) if (!runners.includes(r)) console.log(`not run: ${LABELS[r]} (BENCH_PEERS=${PEERS.join(',')})`);
  for (const f of failures) console.log(`fails: ${f}`);
  const einsumRow = results.get(EINSUM_ROW);
  const matmulRow = results.get(MATMUL_ROW);
  if (einsumRow !== undefined && matmulRow !== undefined) {
    // Measured, not asserted: einsum is lowered to the matmul kernel, so near 1 is expected.
    const ratio = median(einsumRow.get('graft')!) / median(matmulRow.get('graft')!);
    console.log(`einsum / matmul time in Graft (attention scores): ${ratio.toFixed(2)}`);
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    graftKernels: KERNELS,
    machine,
    rounds: ROUNDS,
    graftThreads: (g as { getNumThreads?: () => number }).getNumThreads?.() ?? 1,
    peers: Object.fromEntries([...peers].map(([r, p]) => [r, p.info])),
    missing: Object.fromEntries(missing),
    workloads: workloads.map((w) => ({ id: w.id, name: w.name, unit: w.unit, values: medians(w) })),
    failures: [...failures],
  };
}

await main();
