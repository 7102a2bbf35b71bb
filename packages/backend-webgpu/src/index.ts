/**
 * @graft/backend-webgpu — Graft on the GPU through WebGPU compute shaders
 * (tfjs-backend-webgpu's WGSL kernels and WGSL programs of ours). Importing it
 * asks the browser for an adapter and a device (the import resolves once they
 * are ready, or known to be absent) and registers the `'webgpu'` device. As in
 * PyTorch, the GPU is asked for: choose it with `g.setBackend('webgpu')`,
 * `{ device: 'webgpu' }` or `t.to('webgpu')`; it is the default device only
 * when no CPU backend is imported. In Node, call `initWebGpu({ gpu, globals })`
 * with the `webgpu` package (see the README).
 *
 * @example
 * import * as g from '@graft/core';
 * import '@graft/backend-cpu';
 * import { webgpuAvailable } from '@graft/backend-webgpu';
 * if (await webgpuAvailable()) {
 *   const x = g.randn([256, 256], { device: 'webgpu' });
 *   console.log(await x.matmul(x).values()); // reads are async on the GPU
 * }
 */
import { initWebGpu, register } from './init.js';

register();
// Top-level await: `import '@graft/backend-webgpu'` and `await import(...)` leave 'webgpu' ready to use.
await initWebGpu().catch(() => undefined);

export { WebGPUBackend, WebGPUHandle, type WebGPUAdapterInfo, type WebGPUBackendOptions, type GPUDeviceLike } from './backend.js';
export { initWebGpu, webgpuAvailable, webgpuInfo, type GPULike, type InitWebGpuOptions, type WebGpuInfo } from './init.js';
