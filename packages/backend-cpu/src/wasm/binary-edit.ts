/**
 * Edits of the kernels' wasm binary made when it is loaded: clearing the
 * memory import's shared flag (for a memory that cannot be shared), and
 * swapping function bodies (the relaxed-SIMD GEMM). Both walk the binary's
 * sections by their length prefixes and change nothing they do not name.
 */

/** LEB128 unsigned at `p`: [value, next position]. */
function leb(bytes: Uint8Array, p: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[p++]!;
    v += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [v, p];
  }
}

/** `v` as LEB128 unsigned. */
function lebBytes(v: number): number[] {
  const out: number[] = [];
  do {
    const low = v % 128;
    v = Math.floor(v / 128);
    out.push(v > 0 ? low | 0x80 : low);
  } while (v > 0);
  return out;
}

/**
 * The binary imports a shared memory (wasm/build.sh); for a plain memory the
 * import's limits lose their shared flag (bit 1), the one difference between
 * the two. Walks the sections to the memory import; changes nothing else.
 */
export function unshareMemoryImport<T extends Uint8Array>(bytes: T): T {
  let p = 8; // magic and version
  while (p < bytes.length) {
    const id = bytes[p]!;
    const [size, body] = leb(bytes, p + 1);
    if (id === 2) {
      let [count, q] = leb(bytes, body);
      for (; count > 0; count--) {
        const [moduleLength, m] = leb(bytes, q);
        const [fieldLength, f] = leb(bytes, m + moduleLength);
        q = f + fieldLength;
        const kind = bytes[q++]!;
        if (kind === 2) {
          bytes[q] = bytes[q]! & ~2; // limits flags: 1 = has maximum, 2 = shared
          return bytes;
        }
        // Skip the other kinds' descriptions: function (type index), table (type, limits), global (type, mutability).
        if (kind === 0) q = leb(bytes, q)[1];
        else if (kind === 1) q = skipLimits(bytes, q + 1);
        else if (kind === 3) q += 2;
        else q = leb(bytes, q + 1)[1]; // tag: attribute, type index
      }
      return bytes;
    }
    p = body + size;
  }
  return bytes;
}

function skipLimits(bytes: Uint8Array, p: number): number {
  const flags = bytes[p]!;
  let q = leb(bytes, p + 1)[1];
  if (flags & 1) q = leb(bytes, q)[1];
  return q;
}

/**
 * `bytes` with some of its functions' bodies replaced: `patch` is a run of
 * entries, each a function's index in the code section (LEB128), its new
 * body's length (LEB128) and the body (locals and code, as the code section
 * holds it). wasm/build.sh writes the relaxed-SIMD GEMM this way, as the
 * difference from the SIMD128 build, so that one binary ships instead of two.
 * Throws if the patch names a function the binary does not have.
 */
export function replaceFunctionBodies(bytes: Uint8Array, patch: Uint8Array): Uint8Array<ArrayBuffer> {
  const replaced = new Map<number, Uint8Array>();
  for (let p = 0; p < patch.length; ) {
    const [index, q] = leb(patch, p);
    const [length, body] = leb(patch, q);
    replaced.set(index, patch.subarray(body, body + length));
    p = body + length;
  }
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p]!;
    const [size, start] = leb(bytes, p + 1);
    const end = start + size;
    if (id === 10) {
      const [count, first] = leb(bytes, start);
      const parts: Uint8Array[] = [Uint8Array.from(lebBytes(count))];
      let q = first;
      for (let i = 0; i < count; i++) {
        const [length, body] = leb(bytes, q);
        const next = replaced.get(i);
        parts.push(next === undefined ? bytes.subarray(q, body + length) : Uint8Array.from([...lebBytes(next.length), ...next]));
        replaced.delete(i);
        q = body + length;
      }
      if (replaced.size > 0)
        throw new Error(`replaceFunctionBodies: the binary has ${count} functions; the patch names ${[...replaced.keys()].join(', ')}`);
      const sectionLength = parts.reduce((n, part) => n + part.length, 0);
      return concat([bytes.subarray(0, p), Uint8Array.of(10, ...lebBytes(sectionLength)), ...parts, bytes.subarray(end)]);
    }
    p = end;
  }
  throw new Error('replaceFunctionBodies: the binary has no code section');
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
