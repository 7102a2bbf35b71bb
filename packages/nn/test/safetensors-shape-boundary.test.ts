import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { loadSafetensors } from '../src/index.js';

/** A safetensors file whose header claims `shape` over `count` float32 values. */
function fileWithShape(shape: unknown[], count: number): Uint8Array {
  let header = JSON.stringify({ w: { dtype: 'F32', shape, data_offsets: [0, 4 * count] } });
  while ((8 + header.length) % 8 !== 0) header += ' ';
  const out = new Uint8Array(8 + header.length + 4 * count);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(new TextEncoder().encode(header), 8);
  return out;
}

// Whatever the loader's own header checks, the core boundary (g.tensor's shape
// validation) refuses a shape that is not non-negative integers: a file can never
// produce a tensor whose views reach past its storage.
describe('loadSafetensors: shapes are checked at the core boundary too', () => {
  it('the reported file: shape [0.5, 16384] over 8192 values does not load', () => {
    const other = g.full([16384], 7); // what select(0, 0) used to read half of
    expect(() => loadSafetensors(fileWithShape([0.5, 16384], 8192))).toThrow(/0\.5/);
    expect(Array.from(other.dataSync()).every((v) => v === 7)).toBe(true);
  });
  it.each([
    [[-2, -2], 4],
    [['2', '2'], 4],
    [[2.5, 2], 5],
    [[1e300, 0], 0],
  ])('shape %j does not load', (shape, count) => {
    expect(() => loadSafetensors(fileWithShape(shape, count))).toThrow(Error);
  });
});
