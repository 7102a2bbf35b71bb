/**
 * A WebGPU for the Node tests: Dawn (the `webgpu` package, a dev dependency)
 * on Mesa's llvmpipe through Dawn's OpenGL ES backend, the fastest software
 * adapter on a machine without a GPU (README: "In Node").
 */
import { create, globals } from 'webgpu';
import { initWebGpu, type WebGpuInfo } from '../src/index.js';

process.env['EGL_PLATFORM'] ??= 'surfaceless';

/** Makes 'webgpu' a Dawn device; undefined (with the reason printed) where Dawn gives no adapter. */
export async function nodeWebGpu(): Promise<WebGpuInfo | undefined> {
  const info = await initWebGpu({
    gpu: create(['backend=opengles']) as never,
    globals: globals as Record<string, unknown>,
    adapter: { featureLevel: 'compatibility' },
  });
  if (info === undefined) console.error('@graft/backend-webgpu: Dawn gave no adapter here: the Node tests cannot run');
  return info;
}
