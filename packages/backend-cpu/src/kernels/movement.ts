/** Movement kernels: strided copies, casts, concat, pad, gather and scatter-add. */
import type { DType, View } from '@graft/core';
import { alloc, arr, type Handle, HeapArray, release } from '../heap.js';
import { contiguousStrides, copyStrided, numel } from '../strided.js';


export function fill(size: number, value: number, dtype: DType): Handle {
  const out = alloc(dtype, size);
  arr(out).fill(value);
  return out;
}

export function contiguous(x: View<Handle>): Handle {
  const out = alloc(x.dtype, numel(x.shape));
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

export function concat(xs: readonly View<Handle>[], axis: number, dtype: DType): Handle {
  const first = xs[0]!;
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
 * Calls visit(indexOffset, multiIndexOffsetExceptDim) over every element of
 * `index`'s shape: `base` is the offset into a tensor with strides `strides`
 * at the same multi-index with `dim` taken as 0.
 */
function forEachIndex(index: View<Handle>, dim: number, strides: readonly number[], baseOffset: number, visit: (indexPos: number, base: number, linear: number) => void): void {
  const shape = index.shape;
  const nd = shape.length;
  const n = numel(shape);
  if (n === 0) return;
  const counter = new Array<number>(nd).fill(0);
  let ip = index.offset;
  let base = baseOffset;
  for (let linear = 0; linear < n; linear++) {
    visit(ip, base, linear);
    for (let d = nd - 1; d >= 0; d--) {
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

export function gather(x: View<Handle>, dim: number, index: View<Handle>): Handle {
  const outH = alloc(x.dtype, numel(index.shape));
  const out = arr(outH);
  if (x.shape.length === 0) {
    out.fill(arr(x.handle)[x.offset]!);
    return outH;
  }
  const src = arr(x.handle);
  const idx = arr(index.handle);
  const step = x.strides[dim]!;
  forEachIndex(index, dim, x.strides, x.offset, (ip, base, linear) => {
    out[linear] = src[base + idx[ip]! * step]!;
  });
  return outH;
}

export function scatterAdd(shape: readonly number[], dim: number, index: View<Handle>, src: View<Handle>, dtype: DType): Handle {
  const outH = alloc(dtype, numel(shape));
  const out = arr(outH);
  out.fill(0);
  const values = arr(src.handle);
  if (shape.length === 0) {
    let total = 0;
    forEachIndex(index, 0, [0], 0, (_ip, _b, linear) => (total += values[src.offset + linear]!));
    out[0] = total;
    return outH;
  }
  const outStrides = contiguousStrides(shape);
  const idx = arr(index.handle);
  const step = outStrides[dim]!;
  // Walk src alongside index (same shape); src may be strided.
  const srcOffsets = new Array<number>(0);
  const srcIsContiguous = src.strides.every((s, d) => s === contiguousStrides(src.shape)[d]);
  if (!srcIsContiguous) {
    forEachIndex(src, -1, src.strides, src.offset, (_ip, base) => srcOffsets.push(base));
  }
  forEachIndex(index, dim, outStrides, 0, (ip, base, linear) => {
    const v = srcIsContiguous ? values[src.offset + linear]! : values[srcOffsets[linear]!]!;
    out[base + idx[ip]! * step]! += v;
  });
  return outH;
}
