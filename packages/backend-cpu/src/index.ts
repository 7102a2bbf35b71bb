/**
 * @graft/backend-cpu — Graft's CPU backend. Importing it registers the
 * `'cpu'` device (the default).
 *
 * @example
 * import * as g from '@graft/core';
 * import '@graft/backend-cpu';
 * g.ones(2, 2).matmul(g.ones(2, 2)); // tensor([[2., 2.], [2., 2.]])
 */
import { registerBackend } from '@graft/core/backend';
import { CpuBackend } from './backend.js';

registerBackend('cpu', () => new CpuBackend());

export { CpuBackend };
