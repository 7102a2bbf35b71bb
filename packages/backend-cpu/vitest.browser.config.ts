import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// Debian's chromium (apt-get install chromium); Playwright's own browser download is never used.
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

// The worker pool needs SharedArrayBuffer, which a page has only when cross-origin isolated:
// the test server sends the two headers a host must send for threads (docs/performance.md § Threads).
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  server: { headers: ISOLATION_HEADERS },
  test: {
    include: ['test/**/*.browser.test.ts'],
    testTimeout: 120_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: { executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-quic', '--disable-dev-shm-usage'] },
      }),
      instances: [{ browser: 'chromium' }],
      screenshotFailures: false,
    },
  },
});
