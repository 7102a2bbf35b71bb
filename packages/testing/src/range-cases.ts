/**
 * linspace and arange against PyTorch's CPU values, every bit (fixture
 * ranges.json, from scripts/fixtures/generate_ranges.py): ATen fills a vector
 * at a time from a per-vector base and the tail element by element, and Graft
 * reproduces both paths (core's ops/range-values.ts). A tolerance would hide
 * exactly what these cases are about, so there is none.
 */
import type { DType, Tensor } from '@graft/core';
import * as g from '@graft/core';
import { assertEqual, fail } from './assert.js';
import { decodeNumber, type LargeRangeCase, largeRangeCases, type RangeCase, rangeCases } from './fixtures.js';
import type { TestApi } from './index.js';

interface Context {
  device: string;
  inDevice: <T>(fn: () => T) => T;
  supportsFloat64: boolean;
}

function call(c: RangeCase | LargeRangeCase): Tensor {
  const [a, b, n] = c.args.map((v) => decodeNumber(v as number)) as [number, number, number];
  const options = { dtype: c.dtype as DType };
  return c.op === 'linspace' ? g.linspace(a, b, n, options) : g.arange(a, b, n, options);
}

/** Equal as doubles, NaN to NaN and -0 to -0 included; names the first index that differs. */
function assertSameValues(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assertEqual(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) fail(`${what}: element ${i} is ${actual[i]}, PyTorch's is ${expected[i]}`);
  }
}

/** Σ of the values' 32-bit words mod 2^32, as the generator sums them (float64: both halves of each). */
function wordSum(values: Float32Array | Float64Array | Int32Array): number {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.byteLength / 4);
  let sum = 0;
  for (let i = 0; i < words.length; i++) sum = (sum + words[i]!) % 2 ** 32;
  return sum;
}

export function rangeCasesSuite(t: TestApi, ctx: Context): void {
  const { device, inDevice } = ctx;
  t.describe(`conformance on '${device}': linspace and arange give PyTorch's exact values`, () => {
    for (const c of rangeCases) {
      if (c.dtype === 'float64' && !ctx.supportsFloat64) continue;
      t.it(c.name, () => inDevice(() => assertSameValues(call(c).dataSync(), c.values.map(decodeNumber), c.name)));
    }
    for (const c of largeRangeCases) {
      if (c.dtype === 'float64' && !ctx.supportsFloat64) continue;
      // Past 2^24 elements (64 MiB of float32) only on the CPU: the point is the host arithmetic, not the device's memory.
      if (c.digest.numel > 2 ** 24 && device !== 'cpu') continue;
      t.it(`${c.name} (digest)`, () =>
        inDevice(() => {
          const values = call(c).dataSync() as Float32Array | Float64Array;
          const { numel, head, tail, checksum } = c.digest;
          assertEqual(values.length, numel, `${c.name}: numel`);
          assertSameValues(values.subarray(0, head.length), head.map(decodeNumber), `${c.name} head`);
          assertSameValues(values.subarray(values.length - tail.length), tail.map(decodeNumber), `${c.name} tail`);
          assertEqual(wordSum(values), checksum, `${c.name}: the sum of its 32-bit words mod 2^32`);
        }),
      );
    }
  });
}
