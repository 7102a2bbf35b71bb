/**
 * The edits module.ts makes to the kernels' binary when it loads it: a
 * function body swapped by replaceFunctionBodies (how the relaxed-SIMD GEMM
 * ships: as a patch of the SIMD128 build), checked on a module small enough to
 * write by hand and on the shipped patch itself.
 */
import { describe, expect, it } from 'vitest';
import { replaceFunctionBodies } from '../src/wasm/binary-edit.js';
import { KERNELS_RELAXED_PATCH_BASE64, KERNELS_WASM_BASE64 } from '../src/wasm/kernels-binary.js';
import { relaxedSimd } from '../src/wasm/module.js';

const decode = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** A function body returning the i32 constant `v` (< 64): no locals, i32.const v, end. */
const returning = (v: number) => [0, 0x41, v, 0x0b];

/** A module exporting f0, f1, f2: () -> i32, returning 1, 2 and 3. */
function threeFunctions(): Uint8Array<ArrayBuffer> {
  const bodies = [1, 2, 3].map((v) => [4, ...returning(v)]);
  const code = [3, ...bodies.flat()];
  const exports = [3, ...[0, 1, 2].flatMap((i) => [2, 0x66, 0x30 + i, 0, i])];
  return Uint8Array.from([
    ...[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...[1, 5, 1, 0x60, 0, 1, 0x7f], // one type: () -> i32
    ...[3, 4, 3, 0, 0, 0], // three functions of it
    ...[7, exports.length, ...exports],
    ...[10, code.length, ...code],
  ]);
}

/** Sections as [id, contents] (the headers' length encodings aside). */
function sections(bytes: Uint8Array): [number, string][] {
  const out: [number, string][] = [];
  for (let p = 8; p < bytes.length; ) {
    let size = 0;
    let q = p + 1;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[q++]!;
      size += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
    }
    out.push([bytes[p]!, Buffer.from(bytes.subarray(q, q + size)).toString('hex')]);
    p = q + size;
  }
  return out;
}

const run = (bytes: Uint8Array<ArrayBuffer>) => {
  const e = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, () => number>;
  return [e.f0!(), e.f1!(), e.f2!()];
};

describe('replaceFunctionBodies', () => {
  it('replaces exactly the bodies the patch names and keeps the others', () => {
    const module = threeFunctions();
    expect(run(module)).toEqual([1, 2, 3]);
    const body = returning(42);
    expect(run(replaceFunctionBodies(module, Uint8Array.from([1, body.length, ...body])))).toEqual([1, 42, 3]);
    const two = [...[0, body.length, ...body], ...[2, 4, ...returning(7)]];
    expect(run(replaceFunctionBodies(module, Uint8Array.from(two)))).toEqual([42, 2, 7]);
    // a longer body (a length that changes the section's length encoding) still gives a valid module
    const long = [0, ...new Array<number>(200).fill(0x01), 0x41, 9, 0x0b]; // 200 nops
    expect(run(replaceFunctionBodies(module, Uint8Array.from([2, 0xcc, 0x01, ...long])))).toEqual([1, 2, 9]);
    expect(run(replaceFunctionBodies(module, new Uint8Array(0)))).toEqual([1, 2, 3]);
    expect(run(module)).toEqual([1, 2, 3]); // the input is not changed
  });

  it('refuses a patch naming a function the binary does not have', () => {
    expect(() => replaceFunctionBodies(threeFunctions(), Uint8Array.from([3, 4, ...returning(1)]))).toThrow(
      /3 functions; the patch names 3/,
    );
  });

  it('the shipped relaxed patch changes code only, and is the build in use where relaxed SIMD validates', () => {
    const plain = decode(KERNELS_WASM_BASE64);
    const relaxed = replaceFunctionBodies(plain, decode(KERNELS_RELAXED_PATCH_BASE64));
    const [a, b] = [sections(plain), sections(relaxed)];
    expect(b.map(([id]) => id)).toEqual(a.map(([id]) => id));
    for (let i = 0; i < a.length; i++) if (a[i]![0] !== 10) expect(b[i]![1]).toBe(a[i]![1]);
    expect(relaxed).not.toEqual(plain);
    expect(WebAssembly.validate(relaxed)).toBe(relaxedSimd());
    expect(WebAssembly.validate(plain)).toBe(true);
  });
});
