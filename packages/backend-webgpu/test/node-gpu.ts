/**
 * A WebGPU for the Node tests: Dawn (the `webgpu` package, a dev dependency)
 * on Mesa's llvmpipe through Dawn's OpenGL ES backend, the fastest software
 * adapter on a machine without a GPU; where that gives no adapter (no Mesa
 * EGL), Vulkan on Chromium's SwiftShader (README: "In Node"). scripts/test.mjs
 * sets the environment both need.
 */
import { create, globals } from 'webgpu';
import { initWebGpu, type WebGpuInfo } from '../src/index.js';

process.env['EGL_PLATFORM'] ??= 'surfaceless';
// The tests' dispatches are small: llvmpipe's worker threads only contend for the cores (~20 % slower on 2).
process.env['LP_NUM_THREADS'] ??= '1';

/** Makes 'webgpu' a Dawn device; undefined (with the reason printed) where Dawn gives no adapter. */
export async function nodeWebGpu(): Promise<WebGpuInfo | undefined> {
  const gles = await initWebGpu({
    gpu: create(['backend=opengles']) as never,
    globals: globals as Record<string, unknown>,
    adapter: { featureLevel: 'compatibility' },
  });
  if (gles !== undefined) return gles;
  const vulkan = await initWebGpu({ gpu: create([]) as never, globals: globals as Record<string, unknown> });
  if (vulkan === undefined) {
    console.error(
      '@graft/backend-webgpu: Dawn gave no adapter here (neither OpenGL ES on Mesa, EGL_PLATFORM=surfaceless, nor Vulkan, ' +
        `VK_ICD_FILENAMES=${process.env['VK_ICD_FILENAMES'] ?? '(unset)'}): the Node tests cannot run`,
    );
  } else console.error('@graft/backend-webgpu: no OpenGL ES adapter (Mesa EGL); the Node tests run on Vulkan');
  return vulkan;
}
