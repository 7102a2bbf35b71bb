import { defineConfig } from 'vitest/config';

// 'webgpu' on Dawn (the `webgpu` package) in Node: the whole conformance suite and the Node checks, run by
// `pnpm test` through scripts/test.mjs, which sets the environment Dawn's software adapters need
// (README: "In Node"). About 2 minutes on this 2-core machine (docs/performance.md, WebGPU).
export default defineConfig({
  test: {
    include: ['test/**/*.node.test.ts'],
    testTimeout: 300_000,
    pool: 'forks',
  },
});
