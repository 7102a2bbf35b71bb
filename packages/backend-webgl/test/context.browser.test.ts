import * as g from '@graft/core';
import '@graft/backend-cpu';
import { GPGPUContext, MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { env } from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { WebGLBackend } from '../src/index.js';

describe("'webgl' says what it cannot do", () => {
  it('reports float32 here; where only float16 renders it says so, once', () => {
    g.setBackend('webgl');
    const gpu = g.getBackend() as unknown as WebGLBackend;
    g.setBackend('cpu');
    expect(gpu.precision).toBe('float32'); // this suite's tolerances assume float32 textures
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    env().set('WEBGL_RENDER_FLOAT32_ENABLED', false);
    try {
      expect(new WebGLBackend({ backend: gpu.tf }).precision).toBe('float16');
      expect(new WebGLBackend({ backend: gpu.tf }).precision).toBe('float16');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain('float16');
    } finally {
      env().set('WEBGL_RENDER_FLOAT32_ENABLED', true);
      warn.mockRestore();
    }
  });

  it('a lost WebGL context gives a clear error at the next op or read, never zeros', async () => {
    // A context of its own, so that losing it leaves the suite's 'webgl' alone.
    const gl = document.createElement('canvas').getContext('webgl2')!;
    const backend = new WebGLBackend({ backend: new MathBackendWebGL(new GPGPUContext(gl)) });
    g.registerBackend('webgl-doomed', () => backend);
    const x = g.ones(4, { device: 'webgl-doomed' });
    expect(Array.from(await x.add(1).values())).toEqual([2, 2, 2, 2]);
    gl.getExtension('WEBGL_lose_context')!.loseContext();
    expect(() => x.dataSync()).toThrow('WebGL context was lost');
    await expect(x.values()).rejects.toThrow("every tensor on 'webgl' is gone");
    await new Promise((r) => setTimeout(r, 50)); // the contextlost event arrives
    expect(() => x.mul(2)).toThrow('the browser reclaimed the GPU');
  });

  it('its options object rejects unknown keys, naming the one meant', () => {
    expect(() => new WebGLBackend({ backnd: undefined } as never)).toThrow(
      "WebGLBackend: unknown option 'backnd' (did you mean 'backend'?)",
    );
  });
});
