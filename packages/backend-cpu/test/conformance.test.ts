import * as g from '@graft/core';
import { runConformanceSuite } from '@graft/testing';
import { describe, it } from 'vitest';
import { CpuBackend } from '../src/index.js';

// A second CPU device, so mixed-device errors and t.to(device) are exercised.
g.registerBackend('cpu-other', () => new CpuBackend());

runConformanceSuite({ describe, it }, { device: 'cpu', otherDevice: 'cpu-other' });
