// Opens the built playground in headless Debian Chromium (playwright-core, no browser
// download), trains on each backend in both tabs (Spirals: an MLP; Text: a tiny
// char-level GPT), checks the loss falls and every tensor is given back, and saves
// a screenshot of each tab.
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
  await page.screenshot({ path: join(out, 'playground.png'), fullPage: true });
  console.log(`screenshot: ${join(out, 'playground.png')}`);

  // The Text tab: a tiny GPT (the CI machine has 2 cores and SwiftShader), a few steps per backend.
  await page.click('#tab-text');
  await page.waitForSelector('#text-panel', { state: 'visible' });
  const tiny = { steps: 30, sampleEvery: 10, sampleLength: 24, context: 16, batchSize: 8, width: 16, heads: 2, layers: 1, lr: 1e-2 };
  const baseline = await page.evaluate(() => window.playground.liveTensors());
  for (const device of ['cpu', 'webgl']) {
    await page.selectOption('#backend', device);
    const r = await page.evaluate((o) => window.playground.text.train(o.device, o.tiny), { device, tiny });
    const live = await page.evaluate(() => window.playground.liveTensors());
    const samples = await page.locator('#text-samples .sample').count();
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(r.losses.slice(0, 3));
    const last = mean(r.losses.slice(-3));
    const checks = {
      'loss falls': last < first * 0.9,
      'all steps run': r.steps === tiny.steps && !r.stopped,
      'samples streamed': samples === 3 && r.sample.startsWith('Shall I ') && r.sample.length === 8 + tiny.sampleLength,
      'tensors freed': live === baseline,
    };
    const bad = Object.entries(checks)
      .filter(([, ok]) => !ok)
      .map(([name]) => name);
    console.log(
      `text ${device}: loss ${first.toFixed(3)} -> ${last.toFixed(3)}, ${r.stepsPerSecond.toFixed(1)} steps/s, ${samples} samples, ` +
        `live tensors ${live} (baseline ${baseline}), sample ${JSON.stringify(r.sample)} ${bad.length ? `FAILED: ${bad.join(', ')}` : 'ok'}`,
    );
    if (bad.length) failed++;
  }
  await page.screenshot({ path: join(out, 'playground-text.png'), fullPage: true });
  console.log(`screenshot: ${join(out, 'playground-text.png')}`);

  // Switching backend mid-run stops the run and frees its tensors; the page stays responsive meanwhile.
  await page.selectOption('#backend', 'cpu');
  await page.evaluate((o) => {
    window.textRun = window.playground.text.train('cpu', { ...o, steps: 1000 });
  }, tiny);
  await page.waitForFunction(() => /step [3-9]\//.test(document.getElementById('text-status').textContent));
  await page.selectOption('#backend', 'webgl');
  const stopped = await page.evaluate(() => window.textRun);
  const live = await page.evaluate(() => window.playground.liveTensors());
  const stopOk = stopped.stopped && stopped.steps < 1000 && live === baseline;
  console.log(
    `text: switching backend stopped the run after ${stopped.steps} steps, live tensors ${live} (baseline ${baseline}) ${stopOk ? 'ok' : 'FAILED'}`,
  );
  if (!stopOk) failed++;
} finally {
  await browser.close();
  server.close();
}
console.log(`${5 - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
