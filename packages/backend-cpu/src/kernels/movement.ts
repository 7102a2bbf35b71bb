/** Movement kernels: strided copies, casts, concat, pad, gather, scatter-add and scatter-reduce. */
import { contiguousStrides, numel, type DType, type ScatterReduceOp, type View } from '@graft/core/backend';
import { address, alloc, arr, checkView, freeScratch, type Handle, handleLength, HeapArray, release, scratch } from '../heap.js';
import { copyStrided } from '../strided.js';
import { memory, wasmKernels } from '../wasm/module.js';

export function fill(size: number, value: number, dtype: DType): Handle {
  const out = alloc(dtype, size);
  fillHandle(out, value);
  return out;
}

const bitsOf32 = new Float32Array(1);
const bitsOf32Int = new Uint32Array(bitsOf32.buffer);

/**
 * Sets every element of `h` to `value` (as its dtype stores it). A heap
 * array of 4-byte elements (or of zeros) is filled in wasm (memory.fill for
 * zeros): TypedArray.prototype.fill on the pool's shared memory writes
 * element by element, 2–3× slower (0.45 against 0.2 ms for 5 MB).
 */
export function fillHandle(h: Handle, value: number): void {
  const at = address(h, 0);
  const wasm = wasmKernels();
  if (at >= 0 && wasm !== undefined && h instanceof HeapArray) {
    const n = h.length;
    if (value === 0 && !Object.is(value, -0) && h.dtype !== 'bool') {
      wasm.fill32(at, 0, (n * (h.dtype === 'float64' ? 8 : 4)) / 4);
      return;
    }
    if (h.dtype === 'float32' || h.dtype === 'int32') {
      if (h.dtype === 'float32') bitsOf32[0] = value;
      else bitsOf32Int[0] = value | 0;
      wasm.fill32(at, bitsOf32Int[0]!, n);
      return;
    }
  }
  arr(h).fill(value);
}

export function contiguous(x: View<Handle>): Handle {
  const n = numel(x.shape);
  const out = alloc(x.dtype, n);
  // One element expanded (the gradient of a sum or mean, `ones([]).expand(…)`): a fill, in wasm for the heap.
  if (n > 1 && x.strides.every((s, d) => s === 0 || x.shape[d] === 1)) {
    fillHandle(out, arr(x.handle)[x.offset]!);
    return out;
  }
  copyStrided(arr(x.handle), x.offset, x.strides, arr(out), 0, contiguousStrides(x.shape), x.shape);
  return out;
}

export function cast(x: View<Handle>, dtype: DType): Handle {
  const out = alloc(dtype, numel(x.shape));
  copyStrided(arr(x.handle), x.offset, x.strides, arr(out), 0, contiguousStrides(x.shape), x.shape, dtype === 'bool');
  return out;
}

/** Writes src into dst's strided view; copies src first when they share memory. */
export function assign(dst: View<Handle>, src: View<Handle>): void {
  // The one kernel that writes into an existing array: its views must fit, and src must be dst-shaped.
  if (src.shape.length !== dst.shape.length || src.shape.some((s, d) => s !== dst.shape[d])) {
    throw new RangeError(`cpu assign: source of shape [${src.shape.join(', ')}] does not match destination [${dst.shape.join(', ')}]`);
  }
  checkView('assign', dst);
  checkView('assign', src);
  let source = src.handle;
  let offset = src.offset;
  let strides = src.strides;
  let temp: Handle | undefined;
  if (overlaps(source, dst.handle)) {
    temp = source = contiguous(src);
    offset = 0;
    strides = contiguousStrides(src.shape);
  }
  copyStrided(arr(source), offset, strides, arr(dst.handle), dst.offset, dst.strides, dst.shape, dst.dtype === 'bool');
  if (temp !== undefined) release(temp);
}

/** Whether two handles may share memory (the same array; heap arrays never overlap each other). */
function overlaps(a: Handle, b: Handle): boolean {
  return a === b || (!(a instanceof HeapArray) && !(b instanceof HeapArray) && a.buffer === b.buffer);
}

export function concat(xs: readonly View<Handle>[], axis: number): Handle {
  const first = xs[0]!;
  const dtype = first.dtype;
  const shape = [...first.shape];
  shape[axis] = xs.reduce((n, x) => n + x.shape[axis]!, 0);
  const outH = alloc(dtype, numel(shape));
  const out = arr(outH);
  const outStrides = contiguousStrides(shape);
  let start = 0;
  for (const x of xs) {
    copyStrided(arr(x.handle), x.offset, x.strides, out, start * outStrides[axis]!, outStrides, x.shape);
    start += x.shape[axis]!;
  }
  return outH;
}

export function pad(x: View<Handle>, pads: readonly (readonly [number, number])[], value: number): Handle {
  const shape = x.shape.map((s, d) => s + pads[d]![0] + pads[d]![1]);
  const outH = alloc(x.dtype, numel(shape));
  const out = arr(outH);
  out.fill(value);
  const outStrides = contiguousStrides(shape);
  const offset = pads.reduce((o, [before], d) => o + before * outStrides[d]!, 0);
  copyStrided(arr(x.handle), x.offset, x.strides, out, offset, outStrides, x.shape);
  return outH;
}

/**
 * Walks `index`'s shape row by row (the last dim): for each row, `visit` gets
 * the row's first index offset and step, the offset into a tensor with
 * `strides` at the same multi-index with `dim` taken as 0 and its step along
 * the row (0 when the row runs along `dim`), the row's first linear position
 * and its length. Callers loop over the row themselves: no call per element.
 */
function forEachIndexRow(
  index: View<Handle>,
  dim: number,
  strides: readonly number[],
  baseOffset: number,
  visit: (ip: number, ipStep: number, base: number, baseStep: number, linear: number, len: number) => void,
): void {
  const shape = index.shape;
  const nd = shape.length;
  if (numel(shape) === 0) return;
  if (nd === 0) {
    visit(index.offset, 0, baseOffset, 0, 0, 1);
    return;
  }
  const last = nd - 1;
  const len = shape[last]!;
  const ipStep = index.strides[last]!;
  const baseStep = last === dim ? 0 : strides[last]!;
  const rows = numel(shape) / len;
  const counter = new Array<number>(nd).fill(0);
  let ip = index.offset;
  let base = baseOffset;
  for (let row = 0; row < rows; row++) {
    visit(ip, ipStep, base, baseStep, row * len, len);
    for (let d = last - 1; d >= 0; d--) {
      counter[d]!++;
      ip += index.strides[d]!;
      if (d !== dim) base += strides[d]!;
      if (counter[d]! < shape[d]!) break;
      ip -= index.strides[d]! * shape[d]!;
      if (d !== dim) base -= strides[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
}

/** The error for an index outside [0, size): core checks indices first, so only a misuse of the backend meets it. */
function indexError(kernel: string, value: number, dim: number, size: number): RangeError {
  return new RangeError(`cpu ${kernel}: index ${value} is out of bounds for dimension ${dim} with size ${size}`);
}

export function gather(x: View<Handle>, dim: number, index: View<Handle>): Handle {
  checkView('gather', x);
  checkView('gather', index);
  const outH = alloc(x.dtype, numel(index.shape));
  const out = arr(outH);
  const idx = arr(index.handle);
  if (x.shape.length === 0) {
    forEachIndexRow(index, -1, [], 0, (ip, ipStep, _b, _s, _l, len) => {
      for (let i = 0; i < len; i++, ip += ipStep) if (idx[ip] !== 0) throw indexError('gather', idx[ip]!, 0, 1);
    });
    out.fill(arr(x.handle)[x.offset]!);
    return outH;
  }
  if (index.shape.length !== x.shape.length || index.shape.some((s, k) => k !== dim && s > x.shape[k]!)) {
    throw new RangeError(
      `cpu gather: index of shape [${index.shape.join(', ')}] does not fit input [${x.shape.join(', ')}] apart from dim ${dim}`,
    );
  }
  const step = x.strides[dim]!;
  const size = x.shape[dim]!;
  if (gatherRowsWasm(x, dim, index, outH)) return outH;
  const src = arr(x.handle);
  forEachIndexRow(index, dim, x.strides, x.offset, (ip, ipStep, base, baseStep, linear, len) => {
    if (ipStep === 0) {
      // One index for the whole row (an index expanded along the last dim: indexSelect, embedding, nearest
      // resampling): a strided copy, a block copy where the row is contiguous.
      const j = idx[ip]!;
      if (!(j >= 0 && j < size)) throw indexError('gather', j, dim, size);
      const from = base + j * step;
      if (baseStep === 1 && len >= BLOCK_COPY_MIN) out.set(src.subarray(from, from + len), linear);
      else for (let i = 0; i < len; i++) out[linear + i] = src[from + i * baseStep]!;
      return;
    }
    for (let i = 0; i < len; i++, ip += ipStep, base += baseStep) {
      const j = idx[ip]!;
      if (!(j >= 0 && j < size)) throw indexError('gather', j, dim, size);
      out[linear + i] = src[base + j * step]!;
    }
  });
  return outH;
}

/** Rows from this long are copied with one TypedArray.set rather than element by element in JavaScript. */
const BLOCK_COPY_MIN = 32;

/** Index rows at least this long go to the wasm gather (shorter ones stay in JavaScript, where a row costs no call). */
const WASM_GATHER_MIN_ROW = 16;

/**
 * A gather with contiguous index rows (unfold and fold take their patches
 * along the last dim; max along a window dim picks across rows), row by row in wasm: the same element moves as the
 * JavaScript loop, 10–20× faster. Arrays outside wasm memory (small ones) are
 * copied into scratch first (the output back after). False, with nothing
 * written, where it does not apply.
 */
function gatherRowsWasm(x: View<Handle>, dim: number, index: View<Handle>, outH: Handle): boolean {
  const wasm = wasmKernels();
  const width = x.dtype === 'float64' ? 8 : x.dtype === 'float32' || x.dtype === 'int32' ? 4 : 0;
  const last = index.shape.length - 1;
  if (wasm === undefined || width === 0 || index.dtype !== 'int32') return false;
  if (index.strides[last] !== 1 || index.shape[last]! < WASM_GATHER_MIN_ROW) return false;
  const held: [number, number][] = [];
  const place = (h: Handle, copyIn: boolean): number => {
    const at = address(h, 0);
    if (at >= 0) return at;
    const a = arr(h);
    const p = scratch(a.byteLength);
    if (p < 0) return -1;
    held.push([p, a.byteLength]);
    if (copyIn) new Uint8Array(memory!.buffer, p, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return p;
  };
  try {
    const srcAt = place(x.handle, true);
    const idxAt = place(index.handle, true);
    const outAt = place(outH, false);
    if (srcAt < 0 || idxAt < 0 || outAt < 0) return false;
    const row = width === 8 ? wasm.gather_row64 : wasm.gather_row32;
    const step = x.strides[dim]!;
    const size = x.shape[dim]!;
    forEachIndexRow(index, dim, x.strides, x.offset, (ip, _ipStep, base, baseStep, linear, len) => {
      const bad = row(srcAt + base * width, idxAt + 4 * ip, step, size, outAt + linear * width, len, baseStep);
      if (bad >= 0) throw indexError('gather', arr(index.handle)[ip + bad]!, dim, size);
    });
    if (address(outH, 0) < 0) {
      const a = arr(outH);
      new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(new Uint8Array(memory!.buffer, outAt, a.byteLength));
    }
    return true;
  } finally {
    for (const [p, bytes] of held) freeScratch(p, bytes);
  }
}

/** The offsets, in its array, of a view's elements in row-major order (below 2^31: core limits a tensor's bytes). */
function elementOffsets(v: View<Handle>): Int32Array | Float64Array {
  const out = handleLength(v.handle) <= 2 ** 31 ? new Int32Array(numel(v.shape)) : new Float64Array(numel(v.shape));
  forEachIndexRow(v, -1, v.strides, v.offset, (_ip, _ipStep, base, baseStep, linear, len) => {
    for (let i = 0; i < len; i++, base += baseStep) out[linear + i] = base;
  });
  return out;
}

/**
 * In place: dst's element at row-major position positions[k] becomes src[k],
 * in order (a later write wins), or has src[k] added with `accumulate`.
 */
export function put(dst: View<Handle>, positions: View<Handle>, src: View<Handle>, accumulate: boolean): void {
  checkView('put', dst);
  checkView('put', positions);
  checkView('put', src);
  if (src.shape.length !== positions.shape.length || src.shape.some((s, d) => s !== positions.shape[d])) {
    throw new RangeError(`cpu put: src of shape [${src.shape.join(', ')}] does not match positions [${positions.shape.join(', ')}]`);
  }
  const size = numel(dst.shape);
  const D = arr(dst.handle);
  const P = arr(positions.handle);
  const S = arr(src.handle);
  const at = elementOffsets(positions);
  const from = elementOffsets(src);
  // A contiguous dst is addressed directly; otherwise each position's coordinates give its offset.
  const contiguous = dst.shape.every((_, d) => dst.shape[d] === 1 || dst.strides[d] === contiguousStrides(dst.shape)[d]);
  const rowStrides = contiguousStrides(dst.shape);
  const offsetOf = (p: number): number => {
    if (contiguous) return dst.offset + p;
    let o = dst.offset;
    let rest = p;
    for (let d = 0; d < dst.shape.length; d++) {
      const c = Math.floor(rest / rowStrides[d]!);
      rest -= c * rowStrides[d]!;
      o += c * dst.strides[d]!;
    }
    return o;
  };
  for (let k = 0; k < at.length; k++) {
    const p = P[at[k]!]!;
    if (!(p >= 0 && p < size)) throw indexError('put', p, 0, size);
    const o = offsetOf(p);
    D[o] = accumulate ? D[o]! + S[from[k]!]! : S[from[k]!]!;
  }
}

/**
 * Float32 scatter-add of a contiguous src through contiguous index rows (the
 * backward of max over pooling windows), row by row in wasm: the same adds
 * in the same order. False, with nothing written, where it does not apply
 * (small arrays outside wasm memory included).
 */
function scatterAddWasm(shape: readonly number[], dim: number, index: View<Handle>, src: View<Handle>, outH: Handle): boolean {
  const wasm = wasmKernels();
  const last = index.shape.length - 1;
  if (wasm === undefined || src.dtype !== 'float32' || index.dtype !== 'int32' || last < 0 || shape.length !== index.shape.length)
    return false;
  if (index.strides[last] !== 1 || index.shape[last]! < WASM_GATHER_MIN_ROW) return false;
  const srcContiguous = src.strides.every((s, d) => src.shape[d] === 1 || s === contiguousStrides(src.shape)[d]);
  const outAt = address(outH, 0);
  const idxAt = address(index.handle, 0);
  const srcAt = address(src.handle, src.offset);
  if (!srcContiguous || outAt < 0 || idxAt < 0 || srcAt < 0) return false;
  const outStrides = contiguousStrides(shape);
  for (let k = 0; k < shape.length; k++) {
    if (k !== dim && index.shape[k]! > shape[k]!)
      throw new RangeError(
        `cpu scatterAdd: index of shape [${index.shape.join(', ')}] exceeds the output [${shape.join(', ')}] at dim ${k}`,
      );
  }
  const step = outStrides[dim]!;
  const size = shape[dim]!;
  forEachIndexRow(index, dim, outStrides, 0, (ip, _ipStep, base, baseStep, linear, len) => {
    const bad = wasm.scatter_add_row_f32(outAt + 4 * base, idxAt + 4 * ip, step, size, srcAt + 4 * linear, len, baseStep);
    if (bad >= 0) throw indexError('scatterAdd', arr(index.handle)[ip + bad]!, dim, size);
  });
  return true;
}

export function scatterAdd(shape: readonly number[], dim: number, index: View<Handle>, src: View<Handle>): Handle {
  checkView('scatterAdd', index);
  checkView('scatterAdd', src);
  if (src.shape.length !== index.shape.length || src.shape.some((s, d) => s !== index.shape[d])) {
    throw new RangeError(`cpu scatterAdd: src of shape [${src.shape.join(', ')}] does not match index [${index.shape.join(', ')}]`);
  }
  const outH = alloc(src.dtype, numel(shape));
  fillHandle(outH, 0);
  if (scatterAddWasm(shape, dim, index, src, outH)) return outH;
  const out = arr(outH);
  const values = arr(src.handle);
  const idx = arr(index.handle);
  // src has index's shape and may be strided: walk it alongside, row by row (its offsets by a second walk).
  // Offsets are element offsets into src's array, below 2^31 (core limits a tensor to 2^31 - 1 bytes): Int32 holds them.
  const srcOffsets = handleLength(src.handle) <= 2 ** 31 ? new Int32Array(numel(index.shape)) : new Float64Array(numel(index.shape));
  forEachIndexRow(src, -1, src.strides, src.offset, (_ip, _ipStep, base, baseStep, linear, len) => {
    for (let i = 0; i < len; i++, base += baseStep) srcOffsets[linear + i] = base;
  });
  if (shape.length === 0) {
    let total = 0;
    for (const o of srcOffsets) total += values[o]!;
    out[0] = total;
    return outH;
  }
  const outStrides = contiguousStrides(shape);
  const step = outStrides[dim]!;
  const size = shape[dim]!;
  for (let k = 0; k < shape.length; k++) {
    if (k !== dim && index.shape[k]! > shape[k]!)
      throw new RangeError(
        `cpu scatterAdd: index of shape [${index.shape.join(', ')}] exceeds the output [${shape.join(', ')}] at dim ${k}`,
      );
  }
  forEachIndexRow(index, dim, outStrides, 0, (ip, ipStep, base, baseStep, linear, len) => {
    if (ipStep === 0) {
      // One index for the whole row (the backward of indexSelect and embedding): the same adds, in the same order.
      const j = idx[ip]!;
      if (!(j >= 0 && j < size)) throw indexError('scatterAdd', j, dim, size);
      const to = base + j * step;
      for (let i = 0; i < len; i++) out[to + i * baseStep]! += values[srcOffsets[linear + i]!]!;
      return;
    }
    for (let i = 0; i < len; i++, ip += ipStep, base += baseStep) {
      const j = idx[ip]!;
      if (!(j >= 0 && j < size)) throw indexError('scatterAdd', j, dim, size);
      out[base + j * step]! += values[srcOffsets[linear + i]!]!;
    }
  });
  return outH;
}

/**
 * `self.scatter_reduce(dim, index, src, op, includeSelf)` as PyTorch's CPU
 * loop computes it: index is walked in row-major order, so where indices
 * repeat along `dim` the later one is applied later ('assign': the last wins).
 */
export function scatterReduce(
  op: ScatterReduceOp,
  self: View<Handle>,
  dim: number,
  index: View<Handle>,
  src: View<Handle>,
  includeSelf: boolean,
): Handle {
  checkView('scatterReduce', self);
  checkView('scatterReduce', index);
  checkView('scatterReduce', src);
  if (src.shape.length !== index.shape.length || src.shape.some((s, d) => s !== index.shape[d])) {
    throw new RangeError(`cpu scatterReduce: src of shape [${src.shape.join(', ')}] does not match index [${index.shape.join(', ')}]`);
  }
  const shape = self.shape;
  const outH = contiguous(self);
  const out = arr(outH);
  const values = arr(src.handle);
  const idx = arr(index.handle);
  const srcOffsets = handleLength(src.handle) <= 2 ** 31 ? new Int32Array(numel(index.shape)) : new Float64Array(numel(index.shape));
  forEachIndexRow(src, -1, src.strides, src.offset, (_ip, _ipStep, base, baseStep, linear, len) => {
    for (let i = 0; i < len; i++, base += baseStep) srcOffsets[linear + i] = base;
  });
  // Without includeSelf a position starts from the first value sent to it: remember which have one.
  const started = includeSelf || op === 'assign' ? undefined : new Uint8Array(out.length);
  const apply = (p: number, v: number): void => {
    if (started !== undefined && started[p] === 0) {
      started[p] = 1;
      out[p] = v;
      return;
    }
    const o = out[p]!;
    if (op === 'assign') out[p] = v;
    else if (op === 'prod') out[p] = o * v;
    else if (op === 'amax')
      out[p] = v !== v || v > o ? v : o; // NaN wins (a NaN o stays: v > NaN is false)
    else out[p] = v !== v || v < o ? v : o;
  };
  if (shape.length === 0) {
    forEachIndexRow(index, -1, [], 0, (ip, ipStep, _b, _s, linear, len) => {
      for (let i = 0; i < len; i++, ip += ipStep) {
        if (idx[ip] !== 0) throw indexError('scatterReduce', idx[ip]!, 0, 1);
        apply(0, values[srcOffsets[linear + i]!]!);
      }
    });
    return outH;
  }
  for (let k = 0; k < shape.length; k++) {
    if (k !== dim && index.shape[k]! > shape[k]!)
      throw new RangeError(`cpu scatterReduce: index of shape [${index.shape.join(', ')}] exceeds self [${shape.join(', ')}] at dim ${k}`);
  }
  const outStrides = contiguousStrides(shape);
  const step = outStrides[dim]!;
  const size = shape[dim]!;
  forEachIndexRow(index, dim, outStrides, 0, (ip, ipStep, base, baseStep, linear, len) => {
    for (let i = 0; i < len; i++, ip += ipStep, base += baseStep) {
      const j = idx[ip]!;
      if (!(j >= 0 && j < size)) throw indexError('scatterReduce', j, dim, size);
      apply(base + j * step, values[srcOffsets[linear + i]!]!);
    }
  });
  return outH;
}
