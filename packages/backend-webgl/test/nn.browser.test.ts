/**
 * @graft/nn's convolution, pooling and resampling family on 'webgl': each is
 * a composite of core ops (gathers through precomputed indices, matmul,
 * indexSelect, scatter, pad), so it must run there and give the CPU's values,
 * indices and gradients (the CPU's are checked against PyTorch in @graft/nn's
 * own tests). Shapes are small: every new shape compiles new shaders.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { F } from '@graft/nn';
import { describe, expect, it } from 'vitest';
import { WebGLBackend } from '../src/index.js';

void WebGLBackend;

type Result = g.Tensor | g.Tensor[];
/** [name, the shapes of its float32 inputs (randn), the call]. */
const calls: [string, number[][], (...xs: g.Tensor[]) => Result][] = [
  ['convTranspose2d', [[2, 4, 4, 3], [4, 3, 3, 2], [3]], (x, w, b) => F.convTranspose2d(x!, w!, b, 2, 1, 1, 1, 2)],
  [
    'convTranspose2d groups',
    [
      [1, 4, 3, 4],
      [4, 1, 3, 3],
    ],
    (x, w) => F.convTranspose2d(x!, w!, { groups: 4, stride: [2, 1] }),
  ],
  ['convTranspose1d', [[2, 3, 5], [3, 2, 3], [2]], (x, w, b) => F.convTranspose1d(x!, w!, b, { stride: 3, padding: 1, outputPadding: 2 })],
  ['maxPool1d indices', [[2, 3, 9]], (x) => F.maxPool1d(x!, 3, { stride: 2, padding: 1, ceilMode: true, returnIndices: true })],
  ['maxPool2d indices', [[2, 2, 7, 6]], (x) => F.maxPool2d(x!, [2, 3], { dilation: 2, ceilMode: true, returnIndices: true })],
  ['avgPool1d', [[2, 3, 9]], (x) => F.avgPool1d(x!, 3, { stride: 2, padding: 1, countIncludePad: false })],
  ['adaptiveAvgPool2d', [[2, 2, 7, 5]], (x) => F.adaptiveAvgPool2d(x!, [3, null])],
  ['adaptiveMaxPool2d indices', [[2, 2, 7, 5]], (x) => F.adaptiveMaxPool2d(x!, [3, 2], { returnIndices: true })],
  ['adaptiveMaxPool1d', [[2, 3, 7]], (x) => F.adaptiveMaxPool1d(x!, 4)],
  [
    'maxUnpool2d',
    [[1, 2, 6, 6]],
    (x) => {
      const [y, i] = F.maxPool2d(x!, 2, { returnIndices: true });
      return F.maxUnpool2d(y, i, 2);
    },
  ],
  ['interpolate nearest', [[1, 2, 4, 5]], (x) => F.interpolate(x!, { size: [7, 3] })],
  ['interpolate bilinear', [[1, 2, 4, 5]], (x) => F.interpolate(x!, { scaleFactor: 1.7, mode: 'bilinear' })],
  ['interpolate trilinear', [[1, 1, 3, 4, 2]], (x) => F.interpolate(x!, { size: [4, 3, 5], mode: 'trilinear', alignCorners: true })],
  ['interpolate area', [[1, 2, 6]], (x) => F.interpolate(x!, { size: 4, mode: 'area' })],
  ['pad reflect', [[2, 1, 4, 5]], (x) => F.pad(x!, [2, 1, -1, 3], 'reflect')],
  ['pad replicate 3-D', [[1, 1, 3, 4, 5]], (x) => F.pad(x!, [1, 2, 0, 1, 2, 0], 'replicate')],
  ['pad circular', [[1, 2, 5]], (x) => F.pad(x!, [3, 2], 'circular')],
  ['pad constant 5-D', [[1, 1, 3, 4, 5]], (x) => F.pad(x!, [1, 1, 0, 2, 1, 0], { value: 2.5 })],
  ['pixelShuffle 5-D', [[2, 1, 8, 2, 2]], (x) => F.pixelShuffle(x!, 2)],
  ['pixelUnshuffle', [[2, 2, 6, 4]], (x) => F.pixelUnshuffle(x!, 2)],
  ['unfold', [[2, 3, 6, 7]], (x) => F.unfold(x!, [2, 3], { dilation: [2, 1], padding: 1, stride: [1, 2] })],
  ['fold', [[2, 18, 12]], (x) => F.fold(x!, [6, 7], 3, { stride: 2, padding: 1 })],
];

function run(shapes: number[][], call: (...xs: g.Tensor[]) => Result, device: string) {
  g.manualSeed(shapes.flat().reduce((a, b) => a * 31 + b, 7) % 100000);
  const inputs = shapes.map((s) => g.randn(s).to(device).requiresGrad_());
  const result = call(...inputs);
  const [out, indices] = Array.isArray(result) ? result : [result];
  const n = out!.numel();
  const w = g
    .tensor(
      Float32Array.from({ length: n }, (_, i) => (((i * 13) % 11) - 5) / 4),
      { shape: out!.shape },
    )
    .to(device);
  out!.mul(w).sum().backward();
  return {
    out: Array.from(out!.to('cpu').dataSync() as Float32Array),
    indices: indices ? Array.from(indices.to('cpu').dataSync() as Int32Array) : undefined,
    grads: inputs.map((t) => Array.from(t.grad!.to('cpu').dataSync() as Float32Array)),
  };
}

function close(actual: number[], expected: number[], what: string) {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i]! - expected[i]!) > 1e-4 * Math.max(1, Math.abs(expected[i]!)))
      expect(actual[i], `${what}[${i}]`).toBe(expected[i]);
  }
}

describe("@graft/nn's convolution, pooling and resampling on webgl give the CPU's values, indices and gradients", () => {
  for (const [name, shapes, call] of calls) {
    it(name, () => {
      const gpu = run(shapes, call, 'webgl');
      const cpu = run(shapes, call, 'cpu');
      close(gpu.out, cpu.out, 'out');
      expect(gpu.indices).toEqual(cpu.indices);
      gpu.grads.forEach((grad, k) => close(grad, cpu.grads[k]!, `grad of input ${k}`));
    });
  }
});
