import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Generous timeouts: CI runs every package's tests at once on two cores.
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // memory.test.ts calls gc() to read a settled heap.
    execArgv: ['--expose-gc'],
  },
});
