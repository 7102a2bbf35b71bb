/**
 * The tfjs-wasm column with threads: a child process of the bench (peers.ts)
 * that starts tfjs-backend-wasm's threaded SIMD binary with `argv[2]` threads
 * and answers the bench's requests over stdin/stdout, one JSON line each (the
 * protocol of bench/torch_peer.py).
 */
import { createInterface } from 'node:readline';
import { startThreadedWasm } from './tfjs-wasm-threads.js';
import { timeIt } from './timing.js';
import { allWorkloads } from './workloads.js';

const threads = Number(process.argv[2] ?? 2);
const actual = await startThreadedWasm(threads);
const say = (x: unknown) => process.stdout.write(`${JSON.stringify(x)}\n`);
if (actual !== threads) {
  say({ ready: false, error: `tfjs-wasm started with ${actual} threads, not ${threads}` });
  process.exit(0);
}
say({ ready: true, threads: actual });
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue;
  const { id } = JSON.parse(line) as { id: string };
  const w = allWorkloads.find((x) => x.id === id);
  try {
    if (w === undefined) throw new Error(`no workload ${id}`);
    const { run, cleanup } = w.setup('tfjs');
    // From a collected heap, as the main process times its runners (started with --expose-gc).
    (globalThis as { gc?: () => void }).gc?.();
    const seconds = timeIt(run);
    cleanup();
    say({ id, seconds });
  } catch (e) {
    say({ id, error: (e as Error).message.split('\n')[0] });
  }
}
// The pthread workers would keep the process alive.
process.exit(0);
