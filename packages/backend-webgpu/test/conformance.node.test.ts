import '@graft/backend-cpu';
import { runConformanceSuite } from '@graft/testing';
import { describe, it } from 'vitest';
import { webgpuState } from '../src/init.js';
import { conformanceOptions } from './conformance-options.js';
import { nodeWebGpu } from './node-gpu.js';
import { replayingIt } from './replay.js';

// Node has no synchronous reads on WebGPU: the suite runs under the replay harness (test/replay.ts).
await nodeWebGpu();
runConformanceSuite({ describe, it: replayingIt(it, () => webgpuState().backend!) }, conformanceOptions);
