import { defineConfig } from 'vite';

export default defineConfig({
  optimizeDeps: { include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgl'] },
  build: { target: 'es2022' },
});
