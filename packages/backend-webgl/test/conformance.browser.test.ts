import '@graft/backend-cpu';
import { runConformanceSuite } from '@graft/core/testing';
import { describe, it } from 'vitest';
import { WebGLBackend } from '../src/index.js';

// The CPU stays the default device; the suite runs every op on 'webgl' and moves values to the CPU to compare.
void WebGLBackend;
// float32 tolerances are looser than the CPU's for one documented reason: GLSL's sin/cos/exp/log
// (SwiftShader's here, the GPU driver's elsewhere) are accurate to ~2e-4, not to an ulp.
runConformanceSuite({ describe, it }, { device: 'webgl', otherDevice: 'cpu', float32: { atol: 5e-4, rtol: 1e-3 }, engineScale: 0.01 });
