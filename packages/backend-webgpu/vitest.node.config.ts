import { defineConfig } from 'vitest/config';

// 'webgpu' on Dawn (the `webgpu` package) in Node: a quick check in `pnpm test`; the whole conformance suite
// with GRAFT_WEBGPU_NODE_CONFORMANCE=1 (`pnpm test:node-conformance`): ~5 minutes on this 2-core machine (9 under load),
// too long for every `pnpm test`.
const conformance = process.env['GRAFT_WEBGPU_NODE_CONFORMANCE'] === '1';
export default defineConfig({
  test: {
    include: conformance ? ['test/conformance.node.test.ts'] : ['test/**/*.node.test.ts'],
    exclude: conformance ? [] : ['test/conformance.node.test.ts'],
    testTimeout: 300_000,
    pool: 'forks',
  },
});
