/**
 * The CPU's conv2d kernel (im2col + GEMM in WebAssembly, float32) under
 * `F.conv2d` / `F.conv1d`: PyTorch's values and gradients from nn.json's
 * convolution fixtures, and more geometries against the CPU in float64 (the
 * composite), through @graft/testing's cases with the kernel's calls counted.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { runConvKernelCases } from '@graft/testing';
import { describe, it } from 'vitest';
import { F } from '../src/index.js';
import fixtures from './fixtures/nn.json' with { type: 'json' };

// The registry installs its allocation guard as an own property of the instance: count calls through it.
const backend = g.zeros(1).backend as unknown as Record<string, (...args: unknown[]) => unknown>;
const kernel = backend.conv2d!;
let calls = 0;
backend.conv2d = (...args) => {
  calls++;
  return kernel(...args);
};

describe("the conv2d kernel on 'cpu'", () => {
  runConvKernelCases(it, {
    device: 'cpu',
    conv2d: F.conv2d,
    conv1d: F.conv1d,
    fixtures: fixtures.layers.convs as never,
    kernelCalls: () => calls,
    takesGroupsAndDilation: true,
  });
});
