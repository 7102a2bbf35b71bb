import '@graft/backend-cpu';
import { runConformanceSuite } from '@graft/testing';
import { describe, it } from 'vitest';
import { webgpuAvailable } from '../src/index.js';
import { webgpuState } from '../src/init.js';
import { conformanceOptions } from './conformance-options.js';
import { replayingIt } from './replay.js';

// The device is made asynchronously after the import.
await webgpuAvailable();

// The CPU stays the default device; the suite runs every op on 'webgpu' and moves values to the CPU to compare.
// Sync reads go through the replay harness where the canvas path cannot serve them (test/replay.ts).
runConformanceSuite({ describe, it: replayingIt(it, () => webgpuState().backend!) }, conformanceOptions);
