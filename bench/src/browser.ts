/**
 * The browser section of `pnpm bench`: bundles browser-page.js with esbuild,
 * opens it in headless Debian Chromium (playwright-core; no browser download)
 * and prints Graft-on-'webgl' against tfjs-webgl as ratios; then the same for
 * WebGPU (browser-webgpu-page.js, on a page served from 127.0.0.1 with
 * --enable-unsafe-webgpu): Graft-on-'webgpu' against tfjs-webgpu, and against
 * Graft-on-'webgl'. BENCH_WEBGPU=0 skips the WebGPU part.
 *
 * Without Chromium the section is skipped with a loud note (a bench is not a
 * test); BENCH_BROWSER=0 skips it on purpose. BENCH_ONLY and BENCH_ROUNDS apply.
 */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { BrowserBenchResult, BrowserRunner } from './browser-page.js';
import type { WebGpuBenchResult, WebGpuRunner } from './browser-webgpu-page.js';
import { formatValue, markdownTable, median, speedRatio } from './timing.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const ONLY = process.env['BENCH_ONLY'];

/**
 * Runs the browser section and prints its table; returns its numbers (for
 * main.ts's `--json`), or undefined when it was skipped.
 */
export async function browserSection(): Promise<BrowserBenchResult | undefined> {
  if (process.env['BENCH_BROWSER'] === '0') return undefined;
  if (!existsSync(CHROMIUM)) {
    console.log(`\n!!! browser section SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
    return undefined;
  }
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./browser-page.js', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'error',
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-quic', '--disable-dev-shm-usage', '--enable-unsafe-webgpu'],
  });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => process.stderr.write(`${m.text()}\n`));
    page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
    await page.setContent('<!doctype html><title>graft bench</title>');
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    const result = await page.evaluate(
      ([rounds, only]) =>
        (
          globalThis as unknown as { graftBench: { runBrowserBench(r: number, o?: string): Promise<BrowserBenchResult> } }
        ).graftBench.runBrowserBench(rounds as number, only as string | undefined),
      [ROUNDS, ONLY] as const,
    );
    report(result);
    if (process.env['BENCH_WEBGPU'] !== '0') await webgpuSection(browser);
    return result;
  } finally {
    await browser.close();
  }
}

/** The WebGPU part: its own page, served from 127.0.0.1 (WebGPU needs a secure context; about:blank is not one). */
async function webgpuSection(browser: Awaited<ReturnType<typeof chromium.launch>>): Promise<void> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./browser-webgpu-page.js', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'error',
  });
  const script = bundle.outputFiles[0]!.text;
  const server = createServer((req, res) => {
    if (req.url === '/bench.js') {
      res.setHeader('content-type', 'text/javascript');
      res.end(script);
    } else {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><title>graft webgpu bench</title><script type="module" src="/bench.js"></script>');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const page = await browser.newPage();
    page.on('console', (m) => process.stderr.write(`${m.text()}\n`));
    page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => 'graftWebGpuBench' in globalThis);
    const result = await page.evaluate(
      ([rounds, only]) =>
        (
          globalThis as unknown as { graftWebGpuBench: { runWebGpuBench(r: number, o?: string): Promise<WebGpuBenchResult> } }
        ).graftWebGpuBench.runWebGpuBench(rounds as number, only as string | undefined),
      [ROUNDS, ONLY] as const,
    );
    reportWebGpu(result);
  } catch (e) {
    console.log(`\n!!! WebGPU section failed: ${(e as Error).message.split('\n')[0]}`);
  } finally {
    server.close();
  }
}

function reportWebGpu(result: WebGpuBenchResult): void {
  console.log(`\nGraft WebGPU bench: Chromium, adapter ${result.adapter}, ${ROUNDS} rounds, ratios = Graft speed / other speed`);
  console.log('Reads are asynchronous in every runner; tfjs-webgpu runs the same kernels with CPU forwarding off, as Graft does.');
  const header = ['workload', "graft 'webgpu'", 'tfjs-webgpu', "graft 'webgl'", 'vs tfjs-webgpu', "vs graft 'webgl'"];
  const rows = result.workloads.map((w) => {
    const m = (r: WebGpuRunner) => median(w.values[r]);
    const ratio = (r: WebGpuRunner) => {
      const v = speedRatio(m('graft-webgpu'), m(r), w.unit);
      return Number.isNaN(v) ? 'n/a' : `${v.toFixed(2)}x`;
    };
    return [
      w.name,
      formatValue(m('graft-webgpu'), w.unit),
      formatValue(m('tfjs-webgpu'), w.unit),
      formatValue(m('graft-webgl'), w.unit),
      ratio('tfjs-webgpu'),
      ratio('graft-webgl'),
    ];
  });
  console.log(markdownTable(header, rows));
  for (const f of result.failures) console.log(`fails: ${f}`);
}

function report(result: BrowserBenchResult): void {
  const ua = `Chromium, ${result.renderer}, ${result.precision} textures`;
  console.log(`\nGraft browser bench: ${ua}, ${ROUNDS} rounds, ratios = Graft speed / tfjs speed`);
  console.log("tfjs same shaders: tfjs-webgl with WEBGL_PACK=false (the kernels Graft calls): the ratio is Graft's own overhead.");
  console.log('tfjs default: tfjs-webgl as shipped (packed textures).');
  const header = ['workload', "graft 'webgl'", 'tfjs same shaders', 'tfjs default', 'vs same shaders', 'vs tfjs default'];
  const rows = result.workloads.map((w) => {
    const m = (r: BrowserRunner) => median(w.values[r]);
    const ratio = (r: BrowserRunner) => {
      const v = speedRatio(m('graft'), m(r), w.unit);
      return Number.isNaN(v) ? 'n/a' : `${v.toFixed(2)}x`;
    };
    return [
      w.name,
      formatValue(m('graft'), w.unit),
      formatValue(m('tfjs-same-shaders'), w.unit),
      formatValue(m('tfjs-default'), w.unit),
      ratio('tfjs-same-shaders'),
      ratio('tfjs-default'),
    ];
  });
  console.log(markdownTable(header, rows));
  for (const f of result.failures) console.log(`fails: ${f}`);
}

// `pnpm bench:browser` runs this file alone; main.ts imports it.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await browserSection();
