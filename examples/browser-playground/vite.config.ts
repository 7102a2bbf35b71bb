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
  // The WebGL backend is imported lazily (when chosen); pre-bundle its tfjs dependencies at start so the dev server does not reload then.
  optimizeDeps: { include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgl'] },
  // tfjs's WebGL shaders are one chunk of ~500 kB, fetched only when WebGL is chosen: expected, not a warning.
  build: { target: 'es2022', chunkSizeWarningLimit: 700 },
});
