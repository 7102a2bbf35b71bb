import { defineConfig } from 'vitest/config';

// The conformance suite on Dawn (the `webgpu` package) in Node.
export default defineConfig({
  test: {
    include: ['test/**/*.node.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
