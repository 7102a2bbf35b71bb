import { cpuInfo } from '../src/index.js';
import { describe, expect, it } from 'vitest';

describe('cpuInfo', () => {
  it('names the kernels this runtime loaded: relaxed SIMD only where the runtime validates it', () => {
    // This file also runs in the 'cpu-relaxed-simd' project, whose Node has the flag.
    const relaxed = process.execArgv.includes('--experimental-wasm-relaxed-simd');
    expect(cpuInfo().kernels).toBe(relaxed ? 'wasm-relaxed-simd' : 'wasm-simd');
  });

  it('says threads are available in Node (shared wasm memory)', () => {
    expect(cpuInfo()).toMatchObject({ threadsAvailable: true });
    expect(cpuInfo().threadsUnavailableBecause).toBeUndefined();
  });
});
