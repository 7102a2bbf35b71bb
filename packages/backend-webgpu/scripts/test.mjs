// The package's tests: the conformance suite (and the device, leak and nn tests) on 'webgpu' in headless
// Chromium (vitest browser mode), then the conformance suite in Node on Dawn (the `webgpu` dev dependency).
// Without a Chromium the run fails loudly instead of passing silently; GRAFT_SKIP_BROWSER_TESTS=1 skips the
// browser part on purpose, GRAFT_SKIP_NODE_WEBGPU=1 the Node part (each skip is printed).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const banner = '!'.repeat(78);
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const run = (config) => spawnSync(process.execPath, [vitest, 'run', '-c', config], { stdio: 'inherit' }).status ?? 1;

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (process.env.GRAFT_SKIP_BROWSER_TESTS === '1') {
  console.error(`${banner}\n@graft/backend-webgpu: GRAFT_SKIP_BROWSER_TESTS=1: the browser tests did NOT run.\n${banner}`);
} else if (!existsSync(chromium)) {
  console.error(
    `${banner}\n@graft/backend-webgpu: NO CHROMIUM at ${chromium}: the WebGPU conformance suite did NOT run.\n` +
      `Install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH.\n${banner}`,
  );
  process.exit(1);
} else {
  const status = run('vitest.browser.config.ts');
  if (status !== 0) process.exit(status);
}

if (process.env.GRAFT_SKIP_NODE_WEBGPU === '1') {
  console.error(`${banner}\n@graft/backend-webgpu: GRAFT_SKIP_NODE_WEBGPU=1: the Node (Dawn) conformance run did NOT run.\n${banner}`);
} else {
  process.exit(run('vitest.node.config.ts'));
}
