/**
 * The optional conv2d kernel on 'webgpu' (tfjs's Conv2D and its backprop
 * kernels): @graft/nn's convolutions give PyTorch's values and gradients
 * through it, and declined geometries (groups, dilation) through the
 * composite — the kernel's calls are counted to tell which ran.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { F } from '@graft/nn';
import { runConvKernelCases } from '@graft/testing';
import { describe, it } from 'vitest';
import nn from '../../nn/test/fixtures/nn.json' with { type: 'json' };
import { webgpuAvailable } from '../src/index.js';
import { webgpuState } from '../src/init.js';
import { replayingIt } from './replay.js';

await webgpuAvailable();

// The registry installs its allocation guard as an own property of the instance: count calls through it.
const backend = g.zeros(1, { device: 'webgpu' }).backend as unknown as Record<string, (...args: unknown[]) => unknown>;
const kernel = backend.conv2d!;
let calls = 0;
backend.conv2d = (...args) => {
  calls++;
  return kernel(...args);
};

describe("the conv2d kernel on 'webgpu'", () => {
  runConvKernelCases(
    replayingIt(it, () => webgpuState().backend!),
    {
      device: 'webgpu',
      conv2d: F.conv2d,
      conv1d: F.conv1d,
      fixtures: nn.layers.convs as never,
      kernelCalls: () => calls,
    },
  );
});
