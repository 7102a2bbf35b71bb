/**
 * @graft/backend-webgl — Graft on the GPU through tfjs-backend-webgl's shaders.
 * Importing it registers the `'webgl'` device (where WebGL exists).
 *
 * @example
 * import * as g from '@graft/core';
 * import '@graft/backend-cpu';
 * import '@graft/backend-webgl';
 * const x = g.randn([256, 256], { device: 'webgl' });
 * const y = await x.matmul(x).values(); // reads are async on the GPU
 */
import { registerBackend } from '@graft/core/backend';
import { WebGLBackend } from './backend.js';

registerBackend('webgl', () => new WebGLBackend());

export { WebGLBackend, WebGLHandle, type WebGLBackendOptions } from './backend.js';
