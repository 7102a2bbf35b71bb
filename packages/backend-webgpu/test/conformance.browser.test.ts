import '@graft/backend-cpu';
import { runConformanceSuite } from '@graft/testing';
import { describe, it } from 'vitest';
import '../src/index.js';
import { webgpuState } from '../src/init.js';
import { replayingIt } from './replay.js';

// The CPU stays the default device; the suite runs every op on 'webgpu' and moves values to the CPU to compare.
// Sync reads go through the replay harness where the canvas path cannot serve them (test/replay.ts).
const backend = () => webgpuState().backend!;
runConformanceSuite(
  { describe, it: replayingIt(it, backend) },
  {
    device: 'webgpu',
    otherDevice: 'cpu',
    float32: { atol: 5e-4, rtol: 1e-3 },
    engineScale: 0.01,
  },
);
