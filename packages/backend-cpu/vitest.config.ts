import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  // Generous timeouts: CI runs every package's tests at once on two cores.
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'cpu',
          include: ['test/**/*.test.ts'],
          // *.browser.test.ts run in headless Chromium (vitest.browser.config.ts, scripts/test-browser.mjs).
          exclude: [...configDefaults.exclude, 'test/**/*.browser.test.ts'],
          // memory.test.ts calls gc() to show what the collector gives back.
          execArgv: ['--expose-gc'],
        },
      },
      {
        // The GEMM and heap-kernel tests again on the relaxed-SIMD build of the kernels (browsers load it; Node
        // 20 only behind this flag), so both wasm binaries are checked.
        extends: true,
        test: {
          name: 'cpu-relaxed-simd',
          include: ['test/gemm.test.ts', 'test/info.test.ts', 'test/heap.test.ts', 'test/binary-edit.test.ts'],
          execArgv: ['--experimental-wasm-relaxed-simd'],
        },
      },
    ],
  },
});
