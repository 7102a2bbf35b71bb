import '@graft/backend-cpu';
import { runConformanceSuite } from '@graft/testing';
import { describe, it } from 'vitest';
import { webgpuState } from '../src/init.js';
import { conformanceOptions } from './conformance-options.js';
import { nodeWebGpu } from './node-gpu.js';
import { replayingIt } from './replay.js';

// Node has no synchronous reads on WebGPU: the suite runs under the replay harness (test/replay.ts).
await nodeWebGpu();
runConformanceSuite(
  { describe, it: replayingIt(it, () => webgpuState().backend!) },
  {
    ...conformanceOptions,
    // Every op and every fixture case run; the three long randomized properties (150 rounds of hostile
    // shapes, 150 view chains each for values and writes, 40 repeated-index draws) run a tenth of their
    // rounds, spread over the range: under the replay harness a test with R reads runs R + 1 times, so
    // they took 210 of the run's 345 seconds. Their full rounds run on the CPU, in Chromium and on WebGL.
    propertyScale: 0.1,
  },
);
