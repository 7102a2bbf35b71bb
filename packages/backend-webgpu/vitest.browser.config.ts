import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// Debian's chromium (apt-get install chromium); Playwright's own browser download is never used.
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export default defineConfig({
  optimizeDeps: { include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu'] },
  test: {
    include: ['test/**/*.browser.test.ts'],
    testTimeout: 300_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: CHROMIUM,
          args: ['--no-sandbox', '--disable-quic', '--disable-dev-shm-usage', '--enable-unsafe-webgpu'],
        },
      }),
      instances: [{ browser: 'chromium' }],
      screenshotFailures: false, // a failure's message says what went wrong; pictures of a blank page do not
    },
  },
});
