/**
 * @graft/backend-cpu — Graft's CPU backend. Importing it registers the
 * `'cpu'` device, the default device wherever it is imported (priority 0,
 * above the GPU backends', as PyTorch's default device is the CPU).
 *
 * @example
 * import * as g from '@graft/core';
 * import '@graft/backend-cpu';
 * g.ones(2, 2).matmul(g.ones(2, 2)); // tensor([[2., 2.], [2., 2.]])
 */
import { registerBackend } from '@graft/core/backend';
import { CpuBackend } from './backend.js';

registerBackend('cpu', () => new CpuBackend(), { priority: 0 });

export { CpuBackend };
export { type CpuInfo, cpuInfo } from './info.js';
