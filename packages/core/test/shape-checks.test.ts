import { describe, expect, it } from 'vitest';
import { checkAllocation, checkLayout, checkShape, MAX_TENSOR_BYTES } from '../src/shape.js';

// The shape boundary's three checks, against independent oracles: exact
// BigInt products for shapes, and brute-force enumeration of every reachable
// element for views. Seeded, so a failure reproduces.

function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const SIZES: readonly unknown[] = [
  0,
  1,
  2,
  3,
  7,
  -1,
  -2,
  -0,
  0.5,
  NaN,
  Infinity,
  -Infinity,
  '2',
  null,
  undefined,
  true,
  2n,
  {},
  [],
  [3],
  1e300,
  2 ** 26,
  2 ** 27,
  2 ** 31,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  Number.MIN_VALUE,
];

/** The oracle: an array of non-negative safe integers whose exact product is at most 2^53 − 1. */
function validShape(shape: unknown[]): boolean {
  if (!shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) return false;
  const product = shape.reduce<bigint>((p, d) => p * BigInt(d as number), 1n);
  return product <= BigInt(Number.MAX_SAFE_INTEGER);
}

describe('checkShape: the one validator of shapes entering Graft', () => {
  it('accepts exactly the arrays of non-negative safe integers with a safe product (2 000 seeded shapes)', () => {
    const r = generator(0x5a17e);
    for (let i = 0; i < 2000; i++) {
      const shape = Array.from({ length: int(r, 0, 5) }, () => (r() < 0.5 ? int(r, 0, 4) : pick(r, SIZES)));
      let result: number[] | undefined;
      let error: unknown;
      try {
        result = checkShape('zeros', shape);
      } catch (e) {
        error = e;
      }
      if (validShape(shape)) {
        expect(error, `[${shape.map(String).join(', ')}]`).toBeUndefined();
        expect(result).toEqual(shape.map((d) => (d as number) + 0));
        expect(result).not.toBe(shape); // a copy: the caller may change its array later
      } else {
        expect(error, `[${shape.map(String).join(', ')}]`).toBeInstanceOf(Error);
        expect((error as Error).message).toMatch(
          /^zeros: a shape (must be non-negative integers, got \[|of \[.*\] has .* elements, more than)/,
        );
      }
    }
  });

  it('names the op and the shape as the user wrote it', () => {
    expect(() => checkShape('zeros', [0.5, 8])).toThrow('zeros: a shape must be non-negative integers, got [0.5, 8]');
    expect(() => checkShape('tensor', ['2', '2'])).toThrow("tensor: a shape must be non-negative integers, got ['2', '2']");
    expect(() => checkShape('tensor', [1e300, 0])).toThrow('tensor: a shape must be non-negative integers, got [1e+300, 0]');
    expect(() => checkShape('zeros', [2 ** 27, 2 ** 27])).toThrow(
      /zeros: a shape of \[134217728, 134217728\] has 18014398509481984 elements/,
    );
    expect(() => checkShape('zeros', 5)).toThrow('zeros: a shape must be an array of non-negative integers, got 5');
    expect(() => checkShape('reshape', [-1, -1], { minusOne: 'one' })).toThrow('reshape: only one dimension can be inferred');
    expect(checkShape('expand', [-1, 3, -1], { minusOne: 'any' })).toEqual([-1, 3, -1]);
    expect(checkShape('zeros', [2 ** 27, 2 ** 27, 0])).toEqual([2 ** 27, 2 ** 27, 0]); // empty: zero elements
  });
});

describe('checkLayout: the invariant of every tensor and view', () => {
  it('accepts a view exactly when every element it reaches is inside its storage (3 000 seeded views, brute force)', () => {
    const r = generator(0x1a7e);
    for (let i = 0; i < 3000; i++) {
      const nd = int(r, 0, 4);
      const shape = Array.from({ length: nd }, () => (r() < 0.1 ? 0 : int(r, 1, 4)));
      const strides = Array.from({ length: nd }, () => (r() < 0.05 ? pick(r, [2 ** 52, -(2 ** 52), 0.5, NaN]) : int(r, -6, 6)));
      const offset = r() < 0.05 ? pick(r, [-1, 0.5, NaN, 2 ** 60]) : int(r, 0, 40);
      const storage = int(r, 0, 60);
      // Oracle: walk every index.
      let ok = Number.isSafeInteger(offset) && offset >= 0 && strides.every((s) => Number.isSafeInteger(s));
      if (ok && !shape.includes(0)) {
        const index = new Array<number>(nd).fill(0);
        const n = shape.reduce((a, b) => a * b, 1);
        for (let k = 0; k < n && ok; k++) {
          const o = index.reduce((acc, x, d) => acc + x * strides[d]!, offset);
          if (o < 0 || o >= storage) ok = false;
          for (let d = nd - 1; d >= 0; d--) {
            if (++index[d]! < shape[d]!) break;
            index[d] = 0;
          }
        }
      }
      const what = `shape [${shape}] strides [${strides}] offset ${offset} storage ${storage}`;
      if (ok) expect(() => checkLayout('view', shape, strides, offset, storage), what).not.toThrow();
      else expect(() => checkLayout('view', shape, strides, offset, storage), what).toThrow(/^view: /);
    }
  });

  it('the reported example: select(0, 0) of a [0.5, 16384] tensor would reach 16384 elements of 8192', () => {
    expect(() => checkLayout('tensor', [0.5, 16384], [16384, 1], 0, 8192)).toThrow(
      'tensor: a shape must be non-negative integers, got [0.5, 16384]',
    );
    expect(() => checkLayout('select', [16384], [1], 0, 8192)).toThrow(
      'select: a view of shape [16384], strides [1] and offset 0 reaches elements 0 to 16383, outside its storage of 8192 elements',
    );
    expect(() => checkLayout('flip', [4], [-1], 2, 8)).toThrow(/reaches elements -1 to 2/);
  });
});

describe('checkAllocation: the per-tensor limit', () => {
  it(`allows up to ${MAX_TENSOR_BYTES} bytes, and names op, bytes, shape, dtype and device beyond`, () => {
    expect(() => checkAllocation('zeros', [Math.floor(MAX_TENSOR_BYTES / 4)], 'float32', 'cpu')).not.toThrow();
    expect(() => checkAllocation('zeros', [MAX_TENSOR_BYTES], 'bool', 'cpu')).not.toThrow();
    expect(() => checkAllocation('zeros', [2 ** 29], 'float32', 'cpu')).toThrow(
      "zeros: cannot allocate 2147483648 bytes (shape [536870912], float32) on 'cpu': a tensor may hold at most 2147483647 bytes",
    );
    expect(() => checkAllocation('ones', [1073725440], 'float32', 'webgl')).toThrow(
      /^ones: cannot allocate 4294901760 bytes \(shape \[1073725440\], float32\) on 'webgl'/,
    );
    expect(() => checkAllocation('fill', [NaN], 'float32', 'cpu')).toThrow(/fill: cannot allocate .* not a valid number of elements/);
  });
});
