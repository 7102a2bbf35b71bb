/**
 * @graft/backend-webgpu — Graft on the GPU through WebGPU compute shaders
 * (tfjs-backend-webgpu's WGSL kernels and WGSL programs of ours). Importing it
 * registers the `'webgpu'` device and asks the browser for an adapter and a
 * device; `await webgpuAvailable()` waits for them (and says whether WebGPU
 * is here) before the first use. As in
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
// No top-level await (bundlers targeting ES2020 refuse it): webgpuAvailable() is the promise to wait on.
void initWebGpu().catch(() => undefined);

export { WebGPUBackend, WebGPUHandle, type WebGPUAdapterInfo, type WebGPUBackendOptions, type GPUDeviceLike } from './backend.js';
export { initWebGpu, webgpuAvailable, webgpuInfo, type GPULike, type InitWebGpuOptions, type WebGpuInfo } from './init.js';
