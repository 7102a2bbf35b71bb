/**
 * `node bench/dist/conv-ab.js`: the conv kernel's A/B (conv-ab-page.ts) in
 * headless Debian Chromium with WebGPU enabled, printed as medians (ms) and
 * the kernel's speed-up. BENCH_ROUNDS (default 5), BENCH_DEVICES
 * (default 'webgl,webgpu') and BENCH_ONLY (a part of the workloads' names) apply.
 */
import { build } from 'esbuild';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { ConvAbResult } from './conv-ab-page.js';
import { markdownTable, median } from './timing.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const DEVICES = (process.env['BENCH_DEVICES'] ?? 'webgl,webgpu').split(',');
const ONLY = process.env['BENCH_ONLY'];

const bundle = await build({
  entryPoints: [fileURLToPath(new URL('./conv-ab-page.js', import.meta.url))],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  write: false,
  logLevel: 'error',
});
const script = bundle.outputFiles[0]!.text;
const server = createServer((req, res) => {
  res.setHeader('content-type', req.url === '/ab.js' ? 'text/javascript' : 'text/html');
  res.end(req.url === '/ab.js' ? script : '<!doctype html><title>conv a/b</title><script type="module" src="/ab.js"></script>');
});
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-quic', '--disable-dev-shm-usage', '--enable-unsafe-webgpu'],
});
try {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (!m.text().includes('GL Driver')) process.stderr.write(`${m.text()}\n`);
  });
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => 'graftConvAb' in globalThis);
  const result = await page.evaluate(
    ([rounds, devices, only]) =>
      (
        globalThis as unknown as { graftConvAb: { runConvAb(r: number, d: string[], o?: string): Promise<ConvAbResult> } }
      ).graftConvAb.runConvAb(rounds as number, devices as string[], (only as string) || undefined),
    [ROUNDS, DEVICES, ONLY ?? ''] as const,
  );
  console.log(`\nconv2d kernel A/B, ${ROUNDS} rounds interleaved, medians in ms (speed-up = composite / kernel)`);
  const rows = result.rows.map((r) => {
    const [k, c] = [median(r.kernel), median(r.composite)];
    return [r.device, r.workload, k.toFixed(1), c.toFixed(1), `${(c / k).toFixed(2)}x`];
  });
  console.log(markdownTable(['device', 'workload', 'kernel', 'composite', 'speed-up'], rows));
} finally {
  await browser.close();
  server.close();
}
