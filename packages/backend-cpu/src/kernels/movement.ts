/** Movement kernels: strided copies, casts, concat, pad, gather and scatter-add. */
import type { DType, TypedArray, View } from '@graft/core';
import { alloc } from '../pool.js';
import { contiguousStrides, copyStrided, numel } from '../strided.js';

type Arr = TypedArray;

export function fill(size: number, value: number, dtype: DType): Arr {
  const out = alloc(dtype, size);
  out.fill(value);
  return out;
}

export function contiguous(x: View<Arr>): Arr {
  const out = alloc(x.dtype, numel(x.shape));
  copyStrided(x.handle, x.offset, x.strides, out, 0, contiguousStrides(x.shape), x.shape);
  return out;
}

export function cast(x: View<Arr>, dtype: DType): Arr {
  const out = alloc(dtype, numel(x.shape));
  copyStrided(x.handle, x.offset, x.strides, out, 0, contiguousStrides(x.shape), x.shape, dtype === 'bool');
  return out;
}

/** Writes src into dst's strided view; copies src first when they share memory. */
export function assign(dst: View<Arr>, src: View<Arr>): void {
  let source = src.handle;
  let offset = src.offset;
  let strides = src.strides;
  if (source.buffer === dst.handle.buffer) {
    source = contiguous(src);
    offset = 0;
    strides = contiguousStrides(src.shape);
  }
  copyStrided(source, offset, strides, dst.handle, dst.offset, dst.strides, dst.shape, dst.dtype === 'bool');
}

export function concat(xs: readonly View<Arr>[], axis: number, dtype: DType): Arr {
  const first = xs[0]!;
  const shape = [...first.shape];
  shape[axis] = xs.reduce((n, x) => n + x.shape[axis]!, 0);
  const out = alloc(dtype, numel(shape));
  const outStrides = contiguousStrides(shape);
  let start = 0;
  for (const x of xs) {
    copyStrided(x.handle, x.offset, x.strides, out, start * outStrides[axis]!, outStrides, x.shape);
    start += x.shape[axis]!;
  }
  return out;
}

export function pad(x: View<Arr>, pads: readonly (readonly [number, number])[], value: number): Arr {
  const shape = x.shape.map((s, d) => s + pads[d]![0] + pads[d]![1]);
  const out = alloc(x.dtype, numel(shape));
  out.fill(value);
  const outStrides = contiguousStrides(shape);
  const offset = pads.reduce((o, [before], d) => o + before * outStrides[d]!, 0);
  copyStrided(x.handle, x.offset, x.strides, out, offset, outStrides, x.shape);
  return out;
}

/**
 * Calls visit(indexOffset, multiIndexOffsetExceptDim) over every element of
 * `index`'s shape: `base` is the offset into a tensor with strides `strides`
 * at the same multi-index with `dim` taken as 0.
 */
function forEachIndex(index: View<Arr>, dim: number, strides: readonly number[], baseOffset: number, visit: (indexPos: number, base: number, linear: number) => void): void {
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

export function gather(x: View<Arr>, dim: number, index: View<Arr>): Arr {
  const out = alloc(x.dtype, numel(index.shape));
  if (x.shape.length === 0) {
    out.fill(x.handle[x.offset]!);
    return out;
  }
  const src = x.handle;
  const idx = index.handle;
  const step = x.strides[dim]!;
  forEachIndex(index, dim, x.strides, x.offset, (ip, base, linear) => {
    out[linear] = src[base + idx[ip]! * step]!;
  });
  return out;
}

export function scatterAdd(shape: readonly number[], dim: number, index: View<Arr>, src: View<Arr>, dtype: DType): Arr {
  const out = alloc(dtype, numel(shape));
  out.fill(0);
  if (shape.length === 0) {
    let total = 0;
    forEachIndex(index, 0, [0], 0, (_ip, _b, linear) => (total += src.handle[src.offset + linear]!));
    out[0] = total;
    return out;
  }
  const outStrides = contiguousStrides(shape);
  const idx = index.handle;
  const values = src.handle;
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
  return out;
}
