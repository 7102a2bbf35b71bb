// Runs the browser tests (the worker pool in a cross-origin isolated page) in headless Chromium (vitest browser mode).
// Without a Chromium the run fails loudly instead of passing silently; set
// GRAFT_SKIP_BROWSER_TESTS=1 to skip on purpose (the skip is printed).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  const banner = '!'.repeat(78);
  console.error(
    `${banner}\n@graft/backend-cpu: NO CHROMIUM at ${chromium}: the browser tests of the worker pool did NOT run.\n` +
      `Install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH.\n${banner}`,
  );
  process.exit(process.env.GRAFT_SKIP_BROWSER_TESTS === '1' ? 0 : 1);
}
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', '-c', 'vitest.browser.config.ts'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
