/**
 * The optional conv2d kernel on 'webgl' (tfjs's Conv2D and its backprop
 * kernels): @graft/nn's convolutions give PyTorch's values and gradients
 * through it, and declined geometries (groups, dilation) through the
 * composite — the kernel's calls are counted to tell which ran.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { F } from '@graft/nn';
import { runConvKernelCases } from '@graft/testing';
import { describe, expect, it } from 'vitest';
import nn from '../../nn/test/fixtures/nn.json' with { type: 'json' };
import { WebGLBackend } from '../src/index.js';

void WebGLBackend;

// The registry installs its allocation guard as an own property of the instance: count calls through it.
const backend = g.zeros(1, { device: 'webgl' }).backend as unknown as Record<string, (...args: unknown[]) => unknown>;
const kernel = backend.conv2d!;
let calls = 0;
backend.conv2d = (...args) => {
  calls++;
  return kernel(...args);
};

describe("the conv2d kernel on 'webgl'", () => {
  runConvKernelCases(it, {
    device: 'webgl',
    conv2d: F.conv2d,
    conv1d: F.conv1d,
    fixtures: nn.layers.convs as never,
    kernelCalls: () => calls,
  });
});

describe("'webgl' declines what its filter gradient would loop over serially", () => {
  it("the bench's CNN layer (8 filters 5x5 over 32 images: loops of 18 432 per weight) goes to the composite", async () => {
    g.manualSeed(2);
    const x = g.randn(32, 1, 28, 28);
    const w = g.randn(8, 1, 5, 5);
    const before = calls;
    const wGpu = w.to('webgl').requiresGrad_();
    const gpu = F.conv2d(x.to('webgl'), wGpu);
    gpu.sum().backward();
    expect(calls - before).toBe(1); // asked once, declined: no gradient pass
    const expected = await F.conv2d(x, w).values();
    const got = await gpu.values();
    for (let i = 0; i < expected.length; i += 97) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThan(1e-3);
  });
});
