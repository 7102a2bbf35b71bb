/**
 * Advanced indexing as positions: every element that `x[items]` selects is
 * one position in `x`'s storage (or in `x`'s row-major numbering), computed
 * on the device from the index tensors and the strides of the basic view.
 * Reading is then one `gather` of the storage at those positions, and the
 * adjoint (the gradient, `index_put_` with accumulate) one `scatterAdd` — the
 * primitives every backend has, so no kernel is added for indexing.
 */
import { needsGrad, record } from '../autograd/record.js';
import type { BinaryOp, View } from '../backend/spec.js';
import type { DType } from '../dtype.js';
import { contiguousStrides, numel } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { arange } from './creation.js';
import { expandView, wrap } from './dispatch.js';
import type { Step } from './index-items.js';

/** Where a view's elements lie: its shape, strides and offset (in a storage, or in a row-major numbering). */
export interface Layout {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** `layout` after the view steps of an indexing expression (the arithmetic of select, slice and unsqueeze). */
export function stepLayout(layout: Layout, steps: readonly Step[]): Layout {
  const shape = [...layout.shape];
  const strides = [...layout.strides];
  let offset = layout.offset;
  for (const s of steps) {
    if (s.kind === 'select') {
      offset += s.index * strides[s.dim]!;
      shape.splice(s.dim, 1);
      strides.splice(s.dim, 1);
    } else if (s.kind === 'slice') {
      offset += s.start * strides[s.dim]!;
      shape[s.dim] = s.length;
      strides[s.dim] = strides[s.dim]! * s.step;
    } else {
      shape.splice(s.dim, 0, 1);
      strides.splice(s.dim, 0, 0);
    }
  }
  return { shape, strides, offset };
}

/** The row-major numbering of a tensor of `shape`: positions 0 … numel − 1. */
export function rowMajor(shape: readonly number[]): Layout {
  return { shape, strides: contiguousStrides(shape), offset: 0 };
}

/** A view of `t`'s elements with another shape and strides (kernels read views; nothing is copied). */
export function viewOf(t: Tensor, shape: readonly number[], strides: readonly number[], offset = t.offset): View {
  return { handle: t.handle, dtype: t.dtype, shape, strides, offset };
}

/** A contiguous tensor's elements as a 1-D view. */
function flatView(t: Tensor): View {
  return viewOf(t, [t.numel()], [1]);
}

/**
 * `a op b` through the kernel, `b` a view or a number, into `shape` and
 * `dtype`. For index arithmetic, whose results are positions inside a tensor
 * and so fit int32: it skips the overflow checks of integer ops.
 */
export function kernelOp(op: BinaryOp, like: Tensor, a: View, b: View | number, shape: readonly number[], dtype: DType = 'int32'): Tensor {
  return wrap(
    like,
    like.backend.binary(op, expandView(a, shape), typeof b === 'number' ? b : expandView(b, shape), shape, dtype),
    shape,
    dtype,
  );
}

/** Where the broadcast index dims go in the result, and the result's shape (PyTorch's rule). */
export interface ResultShape {
  /** The shape of `x[items]`. */
  readonly shape: readonly number[];
  /** The first result dim of the broadcast index shape. */
  readonly bStart: number;
  /** Whether the indexed dims were adjacent (the index dims then replace them in place; else they come first). */
  readonly adjacent: boolean;
}

/**
 * The shape of advanced indexing on a view of `viewShape` by index tensors on
 * `dims` (ascending) broadcast to `bShape`: when the indexed dims are
 * adjacent the index dims replace them in place, else they come first
 * (NumPy's and PyTorch's rule).
 */
export function resultShape(viewShape: readonly number[], dims: readonly number[], bShape: readonly number[]): ResultShape {
  if (dims.length === 0) return { shape: viewShape, bStart: 0, adjacent: true };
  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1]! + 1);
  if (adjacent) {
    const first = dims[0]!;
    return {
      shape: [...viewShape.slice(0, first), ...bShape, ...viewShape.slice(dims[dims.length - 1]! + 1)],
      bStart: first,
      adjacent,
    };
  }
  return { shape: [...bShape, ...viewShape.filter((_, d) => !dims.includes(d))], bStart: 0, adjacent };
}

/**
 * The position, in `layout`'s numbering, of every element of the result of
 * indexing the view `layout` with `indices` (int32, non-negative, in range)
 * on `dims`: an int32 tensor of the result's shape, made on the device.
 */
export function positionsOf(
  like: Tensor,
  layout: Layout,
  dims: readonly number[],
  indices: readonly Tensor[],
  bShape: readonly number[],
): { positions: Tensor; result: ResultShape } {
  const result = resultShape(layout.shape, dims, bShape);
  const shape = result.shape;
  if (numel(shape) === 0) return { positions: wrap(like, like.backend.fill(0, 0, 'int32'), shape, 'int32'), result };
  // The indexed part, over the broadcast index shape: offset + Σ index_k · stride_k (only the offset without indices).
  let part: Tensor | undefined = indices.length === 0 ? wrap(like, like.backend.fill(1, layout.offset, 'int32'), [], 'int32') : undefined;
  indices.forEach((index, k) => {
    const stride = layout.strides[dims[k]!]!;
    const term = kernelOp('mul', like, index, stride, bShape);
    if (part === undefined) part = term;
    else part = kernelOp('add', like, part, term, bShape);
  });
  let positions: Tensor = layout.offset === 0 || indices.length === 0 ? part! : kernelOp('add', like, part!, layout.offset, bShape);
  // Placed in the result (stride 0 on the other dims), plus i · stride for each dim the indices leave.
  const bStrides = contiguousStrides(bShape);
  let current: View = viewOf(
    positions,
    shape,
    shape.map((_, q) => (q >= result.bStart && q < result.bStart + bShape.length ? bStrides[q - result.bStart]! : 0)),
    0,
  );
  let q = 0;
  for (let d = 0; d < layout.shape.length; d++) {
    if (dims.includes(d)) continue;
    // The result dim of view dim d: before the index dims, or after them.
    const at = dims.length === 0 ? d : !result.adjacent ? bShape.length + q : d < dims[0]! ? d : d - dims.length + bShape.length;
    q++;
    const size = layout.shape[d]!;
    if (size === 1 || layout.strides[d] === 0) continue;
    const steps = kernelOp('mul', like, viewOf(arange(size, { dtype: 'int32', device: like.device }), [size], [1], 0), layout.strides[d]!, [
      size,
    ]);
    const next = kernelOp(
      'add',
      like,
      current,
      viewOf(
        steps,
        shape,
        shape.map((_, r) => (r === at ? 1 : 0)),
        0,
      ),
      shape,
    );
    current = next;
    positions = next;
  }
  if (positions.shape.length !== shape.length || positions.shape.some((s, i) => s !== shape[i])) {
    // Only the index part: materialise it in the result's shape.
    positions = wrap(like, like.backend.contiguous(current), shape, 'int32');
  }
  return { positions, result };
}

/** `values` of `shape` read at every element of the broadcast `bShape` (row-major): themselves when the shapes agree. */
export function broadcastTo(values: Int32Array, shape: readonly number[], bShape: readonly number[]): Int32Array {
  const n = numel(bShape);
  if (values.length === n && shape.length === bShape.length) return values;
  const own = contiguousStrides(shape);
  const strides = bShape.map((_, j) => {
    const i = j - (bShape.length - shape.length);
    return i < 0 || shape[i] === 1 ? 0 : own[i]!;
  });
  const out = new Int32Array(n);
  const at = new Array<number>(bShape.length).fill(0);
  let p = 0;
  for (let e = 0; e < n; e++) {
    out[e] = values[p]!;
    for (let d = bShape.length - 1; d >= 0; d--) {
      p += strides[d]!;
      if (++at[d]! < bShape[d]!) break;
      p -= strides[d]! * bShape[d]!;
      at[d] = 0;
    }
  }
  return out;
}

/** Σ i_d · stride_d over `dims` of `layout`, for every combination of their coordinates in row-major order. */
function offsetsOver(layout: Layout, dims: readonly number[]): Int32Array {
  let out = Int32Array.of(0);
  for (const d of dims) {
    const size = layout.shape[d]!;
    const stride = layout.strides[d]!;
    const next = new Int32Array(out.length * size);
    let k = 0;
    for (let j = 0; j < out.length; j++) for (let i = 0; i < size; i++) next[k++] = out[j]! + i * stride;
    out = next;
  }
  return out;
}

/**
 * `positionsOf` on the host, for indices already there (non-negative, in
 * range): the same positions as an Int32Array, without a kernel call — the
 * quick path for index arrays and masks, and on a backend whose reads are cheap.
 */
export function hostPositions(
  layout: Layout,
  dims: readonly number[],
  indices: readonly Int32Array[],
  shapes: readonly (readonly number[])[],
  bShape: readonly number[],
): { positions: Int32Array; result: ResultShape } {
  const result = resultShape(layout.shape, dims, bShape);
  const nB = numel(bShape);
  const part = new Int32Array(nB).fill(layout.offset);
  indices.forEach((values, k) => {
    const stride = layout.strides[dims[k]!]!;
    const all = broadcastTo(values, shapes[k]!, bShape);
    for (let b = 0; b < nB; b++) part[b]! += all[b]! * stride;
  });
  // The dims the indices leave: before the index dims (adjacent ones only), and after them.
  const rest = layout.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const before = result.adjacent && dims.length > 0 ? rest.filter((d) => d < dims[0]!) : [];
  const after = rest.filter((d) => !before.includes(d));
  const a = offsetsOver(layout, before);
  const c = offsetsOver(layout, after);
  const positions = new Int32Array(a.length * nB * c.length);
  let k = 0;
  const nc = c.length;
  for (let i = 0; i < a.length; i++) {
    for (let b = 0; b < nB; b++) {
      const base = a[i]! + part[b]!;
      for (let j = 0; j < nc; j++) positions[k++] = base + c[j]!;
    }
  }
  return { positions, result };
}

/**
 * `src` (1-D) at `positions` (int32, contiguous, any shape, in range): a
 * result of `positions`' shape. Differentiable in `src`; its adjoint is
 * `scatterAddFlat`. The positions are trusted (made by this module).
 */
export function gatherFlat(src: Tensor, positions: Tensor): Tensor {
  const out = gatherRaw(src, viewOf(src, src.shape, src.strides), positions);
  if (needsGrad(src)) {
    record(out, 'GatherBackward0', [src], (g) => [scatterAddFlat(src.shape[0]!, positions, g)], [positions]);
  }
  return out;
}

/** The gather kernel over any 1-D view of `like`'s storage (a whole storage, for reading a strided tensor without a copy). */
export function gatherRaw(like: Tensor, source: View, positions: Tensor): Tensor {
  // Nothing to read, or nothing to read from (every index was out of range: a deferred check reports it).
  if (positions.numel() === 0 || numel(source.shape) === 0) {
    return wrap(like, like.backend.fill(positions.numel(), 0, like.dtype), positions.shape, like.dtype);
  }
  return wrap(like, like.backend.gather(source, 0, flatView(positions)), positions.shape, like.dtype);
}

/**
 * Sums `src` (of `positions`' shape) into a zero vector of `n` elements at
 * `positions`, in `src`'s order (deterministic). Differentiable in `src`;
 * its adjoint is `gatherFlat`.
 */
export function scatterAddFlat(n: number, positions: Tensor, src: Tensor): Tensor {
  const flat = src.isContiguous() ? src : wrap(src, src.backend.contiguous(src), src.shape, src.dtype);
  const out = wrap(src, src.backend.scatterAdd([n], 0, flatView(positions), flatView(flat)), [n], src.dtype);
  if (flat !== src) flat.dispose();
  if (needsGrad(src)) {
    record(out, 'ScatterAddBackward0', [src], (g) => [gatherFlat(g, positions)], [positions]);
  }
  return out;
}

/** Whether `n` elements need a scatter at all (kernels are not asked for empty outputs). */
export function isEmpty(shape: readonly number[]): boolean {
  return numel(shape) === 0;
}
