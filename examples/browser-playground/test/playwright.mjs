// Opens the built playground in headless Debian Chromium (playwright-core, no browser
// download), trains on each backend, checks the loss falls, and saves a screenshot.
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { extname, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`NO CHROMIUM at ${executablePath}: the playground test did NOT run (apt-get install -y chromium)`);
  process.exit(process.env.GRAFT_SKIP_BROWSER_TESTS === '1' ? 0 : 1);
}
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
const server = createServer((req, res) => {
  const path = join(dist, req.url === '/' ? 'index.html' : req.url.split('?')[0]);
  if (!existsSync(path)) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-quic', '--disable-dev-shm-usage'] });
let failed = 0;
try {
  const page = await browser.newPage({ viewport: { width: 720, height: 420 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url);
  await page.waitForFunction(() => 'playground' in window);
  for (const device of ['cpu', 'webgl']) {
    await page.selectOption('#backend', device);
    const before = await page.evaluate((d) => window.playground.memory(d), device);
    const r = await page.evaluate((d) => window.playground.train(d, 150), device);
    const after = await page.evaluate((d) => window.playground.memory(d), device);
    if (after.numTensors !== before.numTensors || after.numBytes !== before.numBytes) {
      console.log(
        `${device}: ${after.numTensors - before.numTensors} tensors (${after.numBytes - before.numBytes} bytes) left alive after a run`,
      );
      failed++;
    }
    const ok = r.last < r.first * 0.7;
    console.log(
      `${device}: loss ${r.first.toFixed(4)} -> ${r.last.toFixed(4)}, ${r.stepsPerSecond.toFixed(1)} steps/s ${ok ? 'ok' : 'DID NOT FALL'}`,
    );
    if (!ok) failed++;
  }
  const out = join(here, '..', 'test-results');
  mkdirSync(out, { recursive: true });
  await page.screenshot({ path: join(out, 'playground.png') });
  console.log(`screenshot: ${join(out, 'playground.png')}`);
} finally {
  await browser.close();
  server.close();
}
console.log(`${2 - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
