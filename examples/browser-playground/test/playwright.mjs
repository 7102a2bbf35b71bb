// Opens the built playground in headless Debian Chromium (playwright-core, no browser
// download), served from a sub-folder (relative asset paths) with the COOP/COEP headers,
// and checks: a URL's settings reach the controls; training lowers the loss and changes the
// boundary canvas on each backend (CPU, WebGL, WebGPU) and dataset; editing the settings frees
// every tensor of the old run; the Text tab's GPT trains on each backend; without WebGPU the page
// lists it disabled and still works; screenshots of both tabs are saved.
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
const started = performance.now();
// The site lives under /some/folder/: anything it asks for outside it (an absolute asset path) is a 404.
const BASE = '/some/folder/';
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
const server = createServer((req, res) => {
  const pathname = req.url.split('?')[0];
  if (!pathname.startsWith(BASE)) return res.writeHead(404).end();
  const path = join(dist, pathname === BASE ? 'index.html' : pathname.slice(BASE.length));
  if (!existsSync(path)) return res.writeHead(404).end();
  res
    .writeHead(200, {
      'content-type': types[extname(path)] ?? 'application/octet-stream',
      // Cross-origin isolation, as the README asks hosts to set: SharedArrayBuffer (the CPU backend's threads) is then allowed.
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    })
    .end(readFileSync(path));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}${BASE}`;
// WebGPU: headless Chromium on Linux offers it only behind --enable-unsafe-webgpu (its adapter is then SwiftShader's
// software fallback, which reads only asynchronously); the page is served from 127.0.0.1, a secure context, as WebGPU needs.
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-quic', '--disable-dev-shm-usage', '--enable-unsafe-webgpu'],
});
const out = join(here, '..', 'test-results');
mkdirSync(out, { recursive: true });

let passed = 0;
let failed = 0;
/** Prints one named check with its details; counts it. */
function check(name, ok, details = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${details ? `: ${details}` : ''}`);
  if (ok) passed++;
  else failed++;
}

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 640 } });
  // CI runs this beside the WebGL and WebGPU suites on 2 cores: waits are generous, never timed assertions.
  page.setDefaultTimeout(180_000);
  page.on('pageerror', (e) => check(`no page error (${e.message})`, false));
  page.on('response', (r) => r.status() === 404 && check(`no 404 (${r.url()})`, false));
  const pg = (fn, arg) => page.evaluate(fn, arg);
  /** Opens the page and waits for its first run (window.playground appears once the backends are checked: WebGPU asks for an adapter). */
  const open = async (address) => {
    await page.goto(address);
    await page.waitForFunction(() => 'playground' in window);
    await pg(() => window.playground.ready());
  };

  // 1. A shared URL sets the controls.
  const shared = '?dataset=xor&noise=0.12&train=0.7&hidden=8,4,3&activation=relu&optimizer=sgd&lr=0.1&batch=16&seed=7';
  await open(url + shared);
  const form = await pg(() => {
    const v = (id) => document.getElementById(id).value;
    const layers = [...document.querySelectorAll('#layers input')].map((i) => Number(i.value));
    return {
      dataset: v('dataset'),
      noise: v('noise'),
      train: v('train-ratio'),
      activation: v('activation'),
      optimizer: v('optimizer'),
      lr: v('lr'),
      batch: v('batch'),
      seed: v('seed'),
      layers,
    };
  });
  const want = {
    dataset: 'xor',
    noise: '0.12',
    train: '0.7',
    activation: 'relu',
    optimizer: 'sgd',
    lr: '0.1',
    batch: '16',
    seed: '7',
    layers: [8, 4, 3],
  };
  check('the URL sets the controls', JSON.stringify(form) === JSON.stringify(want), JSON.stringify(form));
  check('the page is cross-origin isolated (COOP/COEP)', await pg(() => crossOriginIsolated));
  check('the page is a secure context (WebGPU needs one)', await pg(() => isSecureContext));
  const menu = await pg(() =>
    [...document.querySelectorAll('#backend option')].map((o) => `${o.value}${o.disabled ? ` (disabled: ${o.title})` : ''}`),
  );
  check('the menu offers cpu, webgl and webgpu', JSON.stringify(menu) === '["cpu","webgl","webgpu"]', JSON.stringify(menu));
  check(
    'the backend info names a precision',
    /precision float32/.test(await page.textContent('#backend-info')),
    await page.textContent('#backend-info'),
  );

  // Values a URL cannot hold fall back to their defaults, one by one; the good ones stay.
  await open(`${url}?dataset=moons&hidden=8,1000&lr=0.02&batch=32&backend=tpu&noise=-1&seed=1.5&activation=tanh`);
  const fallback = await pg(() => window.playground.settings());
  const expected = {
    dataset: 'spirals',
    hidden: [16, 16],
    lr: 0.03,
    batchSize: 32,
    backend: 'cpu',
    noise: 0.05,
    seed: 1,
    activation: 'tanh',
  };
  const got = Object.fromEntries(Object.keys(expected).map((k) => [k, fallback[k]]));
  check('a bad URL falls back to the defaults where it is bad', JSON.stringify(got) === JSON.stringify(expected), JSON.stringify(got));

  // 2. The default page: train, the loss falls, the boundary changes; the controls write the URL.
  await open(url);
  const built = await pg(() => window.playground.liveTensors());
  /** Trains `steps` steps and checks the loss falls and the boundary canvas changes. */
  const trainAndCheck = async (what, steps, factor = 0.7) => {
    await pg(() => window.playground.snapshotBoundary());
    const r = await pg((n) => window.playground.train(n), steps);
    const changed = await pg(() => window.playground.boundaryChange());
    check(
      `${what}: the loss falls`,
      r.last < factor * r.first,
      `${r.first.toFixed(3)} -> ${r.last.toFixed(3)} in ${r.steps} steps, ${r.stepsPerSecond.toFixed(0)} steps/s`,
    );
    check(`${what}: the boundary canvas changed`, changed > 0.05, `${(100 * changed).toFixed(1)}% of its pixels`);
  };
  // WebGL and WebGPU first (both on SwiftShader, slow: short runs), then the CPU: the plot keeps the three curves,
  // which should agree (one seed, one initialisation and batch order; float32 on every device).
  await page.selectOption('#backend', 'webgl');
  await pg(() => window.playground.idle());
  await trainAndCheck('spirals on webgl', 100, 0.95);
  await page.selectOption('#backend', 'webgpu');
  await pg(() => window.playground.idle());
  const gpuInfo = await page.textContent('#backend-info');
  check('the webgpu backend info names its precision and adapter', /^precision float32.*·.*\S/.test(gpuInfo), gpuInfo);
  const isFallback = await pg(async () => {
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    return adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  });
  check(
    `the webgpu backend info says whether the adapter is a fallback one (it is${isFallback ? '' : ' not'})`,
    /fallback adapter/.test(gpuInfo) === isFallback,
    gpuInfo,
  );
  await trainAndCheck('spirals on webgpu', 100, 0.95);
  await page.selectOption('#backend', 'cpu');
  await pg(() => window.playground.idle());
  const leftOnGpu = await pg(() => window.playground.memory().byDevice.webgpu?.numTensors ?? 0);
  check('switching away from webgpu frees every webgpu tensor', leftOnGpu === 0, `${leftOnGpu} left`);
  await trainAndCheck('spirals on cpu', 400);
  const trained = await pg(() => window.playground.liveTensors());
  const curves = await pg(() => window.playground.curves());
  for (const device of ['webgl', 'webgpu']) {
    const gap = Math.max(...curves[device].map((p, i) => Math.abs(p.train - curves.cpu[i].train)));
    check(
      `one seed, one curve: ${device} and cpu losses agree`,
      curves[device].length === 21 && gap < 0.02,
      `largest difference ${gap.toExponential(2)} over ${curves[device].length} points`,
    );
  }
  await page.screenshot({ path: join(out, 'playground.png') });

  await page.selectOption('#dataset', 'circles');
  await pg(() => window.playground.idle());
  check('the URL follows the controls', page.url().includes('dataset=circles') && page.url().includes('hidden=16,16'), page.url());
  await trainAndCheck('circles on cpu', 100);
  // The buttons: Play trains in frames until Pause; Step takes one step.
  const lastStep = () => pg(() => window.playground.steps());
  const before = await lastStep();
  await page.click('#play');
  await page.waitForTimeout(1000);
  await page.click('#play');
  await pg(() => window.playground.idle());
  const played = await lastStep();
  await page.waitForTimeout(300);
  const paused = await lastStep();
  await page.click('#step');
  await pg(() => window.playground.idle());
  const stepped = await lastStep();
  check(
    'Play trains, Pause stops, Step steps once',
    played > before + 10 && paused === played && stepped === played + 1,
    `steps ${before} -> ${played} (played) -> ${paused} (paused) -> ${stepped} (step)`,
  );
  await page.click('#reset');
  await pg(() => window.playground.idle());
  const reset = { steps: await lastStep(), live: await pg(() => window.playground.liveTensors()) };
  check("Reset starts over at step 0 with a fresh run's tensors", reset.steps === 0 && reset.live === built, JSON.stringify(reset));

  await page.selectOption('#backend', 'webgl');
  await pg(() => window.playground.idle());
  const moved = await pg(() => window.playground.memory().byDevice);
  check('switching to webgl leaves no tensor on the cpu', (moved.cpu?.numTensors ?? 0) === 0, JSON.stringify(moved));
  check(
    'the webgl backend info names its GPU',
    /precision float(32|16).*·/.test(await page.textContent('#backend-info')),
    await page.textContent('#backend-info'),
  );
  await trainAndCheck('circles on webgl', 100);

  // 3. Edit everything, then come back to the defaults: the live tensors are those of a default run again.
  await page.click('#add-layer');
  await page.selectOption('#activation', 'gelu');
  await page.selectOption('#optimizer', 'adamw');
  await page.selectOption('#dataset', 'blobs');
  await pg(() => window.playground.train(20));
  await page.selectOption('#backend', 'cpu');
  await page.selectOption('#dataset', 'spirals');
  await page.click('#remove-layer');
  await page.selectOption('#activation', 'relu');
  await page.selectOption('#optimizer', 'adam');
  await pg(() => window.playground.idle());
  const rebuilt = await pg(() => window.playground.liveTensors());
  check('a rebuild frees the old run: live tensors as freshly built', rebuilt === built, `${rebuilt} (built ${built})`);
  await pg(() => window.playground.train(400));
  const retrained = await pg(() => window.playground.liveTensors());
  check('...and as after the same training', retrained === trained, `${retrained} (trained ${trained})`);
  check(
    'the URL is back to the defaults',
    new URL(page.url()).searchParams.get('hidden') === '16,16' && page.url().includes('optimizer=adam&'),
    page.url(),
  );
  await pg(() => window.playground.dispose());
  check('disposing the run leaves no tensor', (await pg(() => window.playground.liveTensors())) === 0);

  // 4. The Text tab: a tiny GPT (the CI machine has 2 cores and SwiftShader), a few steps per backend.
  await page.click('#tab-text');
  await page.waitForSelector('#text-panel', { state: 'visible' });
  check('the tab is in the URL', page.url().includes('tab=text'), page.url());
  const tiny = { steps: 30, sampleEvery: 10, sampleLength: 24, context: 16, batchSize: 8, width: 16, heads: 2, layers: 1, lr: 1e-2 };
  const baseline = await pg(() => window.playground.liveTensors());
  for (const device of ['webgl', 'webgpu', 'cpu']) {
    await page.selectOption('#backend', device);
    const textStart = performance.now();
    const r = await pg((o) => window.playground.text.train(o.device, o.tiny), { device, tiny });
    const live = await pg(() => window.playground.liveTensors());
    const samples = await page.locator('#text-samples .sample').count();
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(r.losses.slice(0, 3));
    const last = mean(r.losses.slice(-3));
    check(
      `text ${device}: the loss falls`,
      last < first * 0.9,
      `${first.toFixed(3)} -> ${last.toFixed(3)}, ${r.stepsPerSecond.toFixed(1)} steps/s`,
    );
    check(`text ${device}: all steps run`, r.steps === tiny.steps && !r.stopped);
    check(
      `text ${device}: samples streamed`,
      samples === 3 && r.sample.startsWith('Shall I ') && r.sample.length === 8 + tiny.sampleLength,
      JSON.stringify(r.sample),
    );
    check(`text ${device}: tensors freed`, live === baseline, `${live} (baseline ${baseline})`);
    const t = (performance.now() - textStart) / 1000;
    console.log(`     (text ${device}: ${t.toFixed(1)} s)`);
  }
  await page.screenshot({ path: join(out, 'playground-text.png') });

  // Switching backend mid-run stops the run and frees its tensors; the page stays responsive meanwhile.
  await pg((o) => {
    window.textRun = window.playground.text.train('cpu', { ...o, steps: 1000 });
  }, tiny);
  // At least step 3 (a slow poll may first see step 10 or later).
  await page.waitForFunction(() => Number(/step (\d+)\//.exec(document.getElementById('text-status').textContent)?.[1] ?? 0) >= 3);
  await page.selectOption('#backend', 'webgl');
  const stopped = await pg(() => window.textRun);
  await pg(() => window.playground.idle()); // the boundary tab's run moves to webgl meanwhile: count once it has
  const live = await pg(() => window.playground.liveTensors());
  check(
    'text: switching backend stops the run and frees it',
    stopped.stopped && stopped.steps < 1000 && live === baseline,
    `after ${stopped.steps} steps, live ${live}`,
  );

  // 5. Without WebGPU (no --enable-unsafe-webgpu: no adapter), the page still works: WebGPU is listed disabled with
  // its reason, and a link asking for it gets the CPU.
  const plain = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-quic', '--disable-dev-shm-usage'] });
  try {
    const other = await plain.newPage();
    other.setDefaultTimeout(180_000);
    other.on('pageerror', (e) => check(`no page error without WebGPU (${e.message})`, false));
    await other.goto(`${url}?backend=webgpu`);
    await other.waitForFunction(() => 'playground' in window);
    await other.evaluate(() => window.playground.ready());
    const options = await other.evaluate(() =>
      [...document.querySelectorAll('#backend option')].map((o) => ({ value: o.value, disabled: o.disabled, title: o.title })),
    );
    const gpu = options.find((o) => o.value === 'webgpu');
    check(
      'without WebGPU: listed disabled, with the reason',
      gpu?.disabled === true && gpu.title.length > 0 && options.filter((o) => !o.disabled).length === 2,
      JSON.stringify(options),
    );
    const backend = await other.evaluate(() => window.playground.settings().backend);
    const r = await other.evaluate(() => window.playground.train(20));
    check('without WebGPU: a webgpu link trains on the cpu', backend === 'cpu' && r.steps === 20, `${backend}, ${r.steps} steps`);
  } finally {
    await plain.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`${passed} passed, ${failed} failed in ${((performance.now() - started) / 1000).toFixed(1)} s; screenshots in ${out}`);
process.exit(failed ? 1 : 0);
