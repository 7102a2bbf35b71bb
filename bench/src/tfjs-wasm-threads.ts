/**
 * tfjs-backend-wasm with its threaded SIMD binary in Node. tfjs turns threads
 * off in Node (`WASM_HAS_MULTITHREAD_SUPPORT` is false there, tfjs issue 3830);
 * forcing the flag is not enough, because the Emscripten glue then hands Node's
 * `Worker` blob URLs. This patch, for the bench only:
 *
 * - writes tfjs's pthread worker script to a temporary file and makes
 *   `URL.createObjectURL` return that file's path while the backend starts;
 * - gives the workers the path of the threaded module's glue
 *   (`wasm-out/tfjs-backend-wasm-threaded-simd.js`) instead of a Blob of it
 *   (a Node worker cannot load a Blob);
 * - reports twice the CPUs to the glue: tfjs's C side caps its XNNPACK thread
 *   pool below the number of logical cores it is told, so on a 2-core machine
 *   it would otherwise run one thread whatever `setThreadsCount` asks.
 *
 * A threaded tfjs-wasm is one per process (the wasm module is a singleton):
 * the bench runs it in a child process (tfjs-peer.ts).
 */
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';

/** Starts tfjs's 'wasm' backend with `threads` XNNPACK threads; returns the thread count tfjs reports. */
export async function startThreadedWasm(threads: number): Promise<number> {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  setWasmPaths(`${dist}/`);
  const dir = mkdtempSync(join(os.tmpdir(), 'graft-bench-tfjs-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const workerPath = join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js');
  const { wasmWorkerContents } = require(join(dist, '../wasm-out/tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // tfjs escapes newlines the same way before making its Blob.
  writeFileSync(workerPath, wasmWorkerContents.replace(/\n/g, '\\n'));
  const mainScript = join(dist, '../wasm-out/tfjs-backend-wasm-threaded-simd.js');
  // tfjs sets `mainScriptUrlOrBlob` on the factory's config object: have the assignment store the path instead.
  Object.defineProperty(Object.prototype, 'mainScriptUrlOrBlob', {
    configurable: true,
    set(this: object, _blob: unknown) {
      Object.defineProperty(this, 'mainScriptUrlOrBlob', { value: mainScript, writable: true, enumerable: true, configurable: true });
    },
  });
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  URL.createObjectURL = () => workerPath;
  const realCpus = cpus();
  os.cpus = () => [...realCpus, ...realCpus];
  try {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    setThreadsCount(threads);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs could not start its threaded wasm backend');
    await tf.ready();
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
    delete (Object.prototype as { mainScriptUrlOrBlob?: unknown }).mainScriptUrlOrBlob;
  }
  return getThreadsCount();
}
