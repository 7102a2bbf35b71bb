/**
 * @graft/backend-webgl — Graft on the GPU through tfjs-backend-webgl's shaders.
 * Importing it registers the `'webgl'` device. As in PyTorch, where the GPU is
 * asked for, it is the default device only when no CPU backend is imported
 * (and a canvas exists); otherwise choose it with `g.setBackend('webgl')`,
 * `{ device: 'webgl' }` or `t.to('webgl')`.
 *
 * @example
 * import * as g from '@graft/core';
 * import '@graft/backend-cpu';
 * import '@graft/backend-webgl';
 * const x = g.randn([256, 256], { device: 'webgl' });
 * const y = await x.matmul(x).values(); // reads are async on the GPU
 */
import { registerBackend } from '@graft/core/backend';
import { hasCanvas, WebGLBackend } from './backend.js';

// Priority -1: where '@graft/backend-cpu' is imported too, the CPU stays the default device (as in
// PyTorch, the GPU is asked for); alone, 'webgl' is the default wherever a canvas exists.
registerBackend('webgl', () => new WebGLBackend(), { priority: -1, isAvailable: hasCanvas });

export { WebGLBackend, WebGLHandle, type WebGLBackendOptions } from './backend.js';
