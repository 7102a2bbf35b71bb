import { defineConfig } from 'vite';

/**
 * Cross-origin isolation (these two headers) lets the page use
 * SharedArrayBuffer, which the CPU backend's worker threads need; without
 * them it runs on one thread. Static hosts need the same two headers (see README).
 */
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative asset paths: the built site runs from any folder of any file server.
  base: './',
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  // The GPU backends are imported lazily (WebGL when chosen, WebGPU at load where navigator.gpu exists); pre-bundle their tfjs
  // dependencies at start so the dev server does not reload then. They are the backend packages' dependencies, not this
  // example's: `a > b` names b as a resolves it.
  optimizeDeps: {
    include: [
      '@graft/backend-webgl > @tensorflow/tfjs-core',
      '@graft/backend-webgl > @tensorflow/tfjs-backend-webgl',
      '@graft/backend-webgpu > @tensorflow/tfjs-backend-webgpu',
    ],
  },
  // tfjs's WebGL shaders are one chunk of ~500 kB, fetched only when WebGL is chosen: expected, not a warning.
  build: { target: 'es2022', chunkSizeWarningLimit: 700 },
});
