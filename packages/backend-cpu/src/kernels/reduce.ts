/**
 * Reductions. The input is seen as [kept dims..., reduced dims...] (a
 * permutation of strides, no copy); each output element reduces one strided
 * block. Sums accumulate in doubles.
 */
import { numel, type DType, type ReduceOp, type TypedArray, type View } from '@graft/core/backend';
import { address, alloc, arr, checkView, freeScratch, type Handle, scratch } from '../heap.js';
import { memory, wasmKernels } from '../wasm/module.js';
import { type KernelCall, REDUCTION_CHUNK, runCalls, TRANSCENDENTAL_GRAIN } from '../threads/parallel.js';
import { collapse, forEachRow, isDense } from '../strided.js';
import { expForF32 } from './math.js';

type Arr = TypedArray;

/** Splits a view's dims into kept and reduced (in that order). */
function split(x: View<Handle>, axes: readonly number[]) {
  const keptShape: number[] = [];
  const keptStrides: number[] = [];
  const redShape: number[] = [];
  const redStrides: number[] = [];
  x.shape.forEach((s, d) => {
    if (axes.includes(d)) {
      redShape.push(s);
      redStrides.push(x.strides[d]!);
    } else {
      keptShape.push(s);
      keptStrides.push(x.strides[d]!);
    }
  });
  return { keptShape, keptStrides, redShape, redStrides };
}

function initial(op: ReduceOp): number {
  switch (op) {
    case 'sum':
      return 0;
    case 'prod':
      return 1;
    case 'max':
      return -Infinity;
    case 'min':
      return Infinity;
  }
}

/** Reduces one row of `n` elements `s` apart from `p`. */
function reduceRow(op: ReduceOp, src: Arr, p: number, n: number, s: number, acc: number): number {
  switch (op) {
    case 'sum': {
      if (s === 1 && n >= 8) {
        // Four accumulators break the add dependency chain.
        let s0 = 0,
          s1 = 0,
          s2 = 0,
          s3 = 0;
        let i = 0;
        for (; i + 4 <= n; i += 4) {
          s0 += src[p + i]!;
          s1 += src[p + i + 1]!;
          s2 += src[p + i + 2]!;
          s3 += src[p + i + 3]!;
        }
        for (; i < n; i++) s0 += src[p + i]!;
        return acc + (s0 + s1 + s2 + s3);
      }
      for (let i = 0; i < n; i++, p += s) acc += src[p]!;
      return acc;
    }
    case 'prod':
      for (let i = 0; i < n; i++, p += s) acc *= src[p]!;
      return acc;
    case 'max':
      for (let i = 0; i < n; i++, p += s) {
        const v = src[p]!;
        if (v > acc || v !== v) acc = v;
        if (acc !== acc) break;
      }
      return acc;
    case 'min':
      for (let i = 0; i < n; i++, p += s) {
        const v = src[p]!;
        if (v < acc || v !== v) acc = v;
        if (acc !== acc) break;
      }
      return acc;
  }
}

/**
 * A function reducing one strided block (of `shape`/`strides`) from a base
 * offset. The block's dims are merged once, here: per output element only the
 * loop runs (small blocks, such as a sum over 9 patch positions, are common).
 */
function blockReducer(op: ReduceOp, shape: readonly number[], strides: readonly number[]): (src: Arr, base: number) => number {
  const c = collapse(shape, [strides]);
  const last = c.shape.length - 1;
  const n = c.shape[last]!;
  const s = c.strides[0]![last]!;
  if (last === 0) return (src, base) => reduceRow(op, src, base, n, s, initial(op));
  return (src, base) => {
    let acc = initial(op);
    forEachRow(c, [base], (o) => {
      acc = reduceRow(op, src, o[0]!, n, s, acc);
    });
    return acc;
  };
}

export function reduce(op: ReduceOp, x: View<Handle>, axes: readonly number[]): Handle {
  const { keptShape, keptStrides, redShape, redStrides } = split(x, axes);
  const n = numel(keptShape);
  const outH = alloc(x.dtype, n);
  const out = arr(outH);
  if (numel(redShape) === 0) {
    out.fill(initial(op));
    return outH;
  }
  const wasm = wasmKernels();
  if (op === 'sum' && n === 1 && wasm !== undefined && x.dtype === 'float32' && isDense(x)) {
    checkView('sum', x); // wasm reads numel elements from a raw address
    const p = address(x.handle, x.offset);
    if (p >= 0) {
      out[0] = sumChunks(p, numel(x.shape));
      return outH;
    }
  }
  const src = arr(x.handle);
  // Reducing leading dims of a contiguous tensor (a bias gradient): add whole rows, cache-friendly.
  const rows = numel(redShape);
  const leading = axes.every((a, i) => a === i) && x.strides.every((s, d) => s === numel(x.shape.slice(d + 1)));
  if (op === 'sum' && leading && keptShape.length !== 0 && rows > 1) {
    const xAt = wasm !== undefined && x.dtype === 'float32' ? address(x.handle, x.offset) : -1;
    // The sums (a bias's few hundred floats) usually live in a plain array: written to scratch, then copied.
    const outHeap = xAt >= 0 ? address(outH, 0) : -1;
    const outAt = xAt < 0 || outHeap >= 0 ? outHeap : scratch(4 * n);
    if (outAt >= 0) {
      // The same loop in wasm (doubles, rows in order: the same bits), two columns per SIMD add.
      checkView('sum', x);
      wasm!.sum_leading_f32(xAt, rows, n, outAt);
      if (outHeap < 0) {
        out.set(new Float32Array(memory!.buffer, outAt, n));
        freeScratch(outAt, 4 * n);
      }
      return outH;
    }
    const acc = new Float64Array(n);
    for (let r = 0; r < rows; r++) {
      const base = x.offset + r * n;
      for (let i = 0; i < n; i++) acc[i]! += src[base + i]!;
    }
    for (let i = 0; i < n; i++) out[i] = acc[i]!;
    return outH;
  }
  if (keptShape.length !== 0 && reduceOneDim(op, x, keptShape, keptStrides, redShape, redStrides, outH)) return outH;
  const reduceAt = blockReducer(op, redShape, redStrides);
  if (keptShape.length === 0) {
    out[0] = reduceAt(src, x.offset);
    return outH;
  }
  const c = collapse(keptShape, [keptStrides]);
  const inner = c.shape[c.shape.length - 1]!;
  const ks = c.strides[0]![c.shape.length - 1]!;
  forEachRow(c, [x.offset], (o, r) => {
    let p = o[0]!;
    for (let i = 0; i < inner; i++, p += ks) out[r * inner + i] = reduceAt(src, p);
  });
  return outH;
}

/**
 * A reduction whose reduced dims collapse to one (n elements, s apart), such
 * as pooling windows or a sum over patch positions: no call per output
 * element. Where the kept block's innermost dim is contiguous and the reduced
 * one is not, its rows are reduced side by side, one reduced index at a time
 * (sequential reads); each output still takes its elements in reduceRow's
 * order, from the same start, so the bits are those of the general path.
 * False where it does not apply.
 */
function reduceOneDim(
  op: ReduceOp,
  x: View<Handle>,
  keptShape: readonly number[],
  keptStrides: readonly number[],
  redShape: readonly number[],
  redStrides: readonly number[],
  outH: Handle,
): boolean {
  const r = collapse(redShape, [redStrides]);
  if (r.shape.length !== 1) return false;
  const n = r.shape[0]!;
  const s = r.strides[0]![0]!;
  const c = collapse(keptShape, [keptStrides]);
  const inner = c.shape[c.shape.length - 1]!;
  const ks = c.strides[0]![c.shape.length - 1]!;
  const offset = x.offset;
  const wasm = wasmKernels();
  if (op === 'sum' && s === 1 && x.dtype === 'float32' && wasm !== undefined) {
    // Contiguous rows (a fold's patch positions): reduceRow's arithmetic, in wasm, row after row.
    const xAt = address(x.handle, 0);
    const outAt = address(outH, 0);
    if (xAt >= 0 && outAt >= 0) {
      checkView('sum', x);
      forEachRow(c, [offset], (o, row) => wasm.sum_rows_f32(xAt + 4 * o[0]!, n, ks, inner, outAt + 4 * row * inner));
      return true;
    }
  }
  const src = arr(x.handle);
  const out = arr(outH);
  const start = initial(op);
  if (ks === 1 && s !== 1 && inner > 1) {
    // reduceRow's sequential loop (the four-accumulator sum needs s === 1), across `inner` outputs at once.
    const acc = new Float64Array(inner);
    forEachRow(c, [offset], (o, row) => {
      const p0 = o[0]!;
      acc.fill(start);
      for (let j = 0, p = p0; j < n; j++, p += s) {
        if (op === 'sum') for (let i = 0; i < inner; i++) acc[i]! += src[p + i]!;
        else if (op === 'max')
          for (let i = 0; i < inner; i++) {
            const v = src[p + i]!;
            if (v > acc[i]! || v !== v) acc[i] = v;
          }
        else if (op === 'min')
          for (let i = 0; i < inner; i++) {
            const v = src[p + i]!;
            if (v < acc[i]! || v !== v) acc[i] = v;
          }
        else for (let i = 0; i < inner; i++) acc[i]! *= src[p + i]!;
      }
      const o0 = row * inner;
      for (let i = 0; i < inner; i++) out[o0 + i] = acc[i]!;
    });
    return true;
  }
  if (op === 'sum' && (s === 1 ? n < 8 : true)) {
    // reduceRow's sequential sum, inlined (a fold sums 1 to 9 patch positions per image element).
    forEachRow(c, [offset], (o, row) => {
      let p = o[0]!;
      const o0 = row * inner;
      for (let i = 0; i < inner; i++, p += ks) {
        let acc = 0;
        for (let j = 0, q = p; j < n; j++, q += s) acc += src[q]!;
        out[o0 + i] = acc;
      }
    });
    return true;
  }
  forEachRow(c, [offset], (o, row) => {
    let p = o[0]!;
    const o0 = row * inner;
    for (let i = 0; i < inner; i++, p += ks) out[o0 + i] = reduceRow(op, src, p, n, s, start);
  });
  return true;
}

/**
 * The float32 sum of `n` elements at address `p`: partial sums (in doubles)
 * of fixed chunks of REDUCTION_CHUNK elements, run on the pool's threads,
 * then added in chunk order. The chunks depend on `n` only, so the result has
 * the same bits whatever the thread count.
 */
function sumChunks(p: number, n: number): number {
  if (n <= REDUCTION_CHUNK) return wasmKernels()!.sum_f32(p, n);
  const calls: KernelCall[] = [];
  for (let start = 0; start < n; start += REDUCTION_CHUNK) {
    calls.push({ kernel: 'sum_f32', args: [p + 4 * start, Math.min(REDUCTION_CHUNK, n - start)] });
  }
  const partial = runCalls(calls);
  let total = 0;
  for (let i = 0; i < partial.length; i++) total += partial[i]!;
  return total;
}

export function argReduce(op: 'argmax' | 'argmin', x: View<Handle>, axis: number): Handle {
  const { keptShape, keptStrides } = split(x, [axis]);
  const n = numel(keptShape);
  const outH = alloc('int32', n);
  const out = arr(outH);
  const len = x.shape[axis]!;
  const step = x.strides[axis]!;
  const src = arr(x.handle);
  const isMax = op === 'argmax';
  const best = (base: number): number => {
    let bi = 0;
    let bv = src[base]!;
    if (bv !== bv) return 0;
    for (let i = 1, p = base + step; i < len; i++, p += step) {
      const v = src[p]!;
      if (v !== v) return i; // NaN wins, as in PyTorch.
      if (isMax ? v > bv : v < bv) {
        bv = v;
        bi = i;
      }
    }
    return bi;
  };
  const c = collapse(keptShape.length ? keptShape : [1], [keptShape.length ? keptStrides : [0]]);
  const inner = c.shape[c.shape.length - 1]!;
  const ks = c.strides[0]![c.shape.length - 1]!;
  const wasm = wasmKernels();
  const xAt = address(x.handle, 0);
  const outAt = address(outH, 0);
  if (ks === 1 && step !== 1 && inner > 1 && x.dtype === 'float32' && wasm !== undefined && xAt >= 0 && outAt >= 0) {
    // Pooling windows, in SIMD: the same comparisons as below, four lines at a time.
    checkView(op, x);
    forEachRow(c, [x.offset], (o, r) => wasm.arg_lines_f32(xAt + 4 * o[0]!, step, len, inner, isMax ? 1 : 0, outAt + 4 * r * inner));
    return outH;
  }
  if (ks === 1 && step !== 1 && inner > 1) {
    // Pooling windows: `inner` contiguous lines side by side, one position along the axis at a time
    // (sequential reads). A line keeps its first NaN, as `best` does.
    const bv = new Float64Array(inner);
    forEachRow(c, [x.offset], (o, r) => {
      const p0 = o[0]!;
      const o0 = r * inner;
      for (let i = 0; i < inner; i++) {
        bv[i] = src[p0 + i]!;
        out[o0 + i] = 0;
      }
      for (let k = 1, p = p0 + step; k < len; k++, p += step) {
        for (let i = 0; i < inner; i++) {
          const v = src[p + i]!;
          const b = bv[i]!;
          if (b === b && (v !== v || (isMax ? v > b : v < b))) {
            bv[i] = v;
            out[o0 + i] = k;
          }
        }
      }
    });
    return outH;
  }
  forEachRow(c, [x.offset], (o, r) => {
    let p = o[0]!;
    for (let i = 0; i < inner; i++, p += ks) out[r * inner + i] = best(p);
  });
  return outH;
}

/** Walks every line along `axis`: calls line(srcStart, outStart) with the out buffer contiguous. */
function forEachLine(x: View<Handle>, axis: number, line: (src: number, out: number, outStep: number) => void): void {
  const shape = x.shape;
  const outStrides: number[] = [];
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    outStrides[d] = s;
    s *= shape[d]!;
  }
  const { keptShape, keptStrides } = split(x, [axis]);
  const keptOut = outStrides.filter((_, d) => d !== axis);
  if (keptShape.length === 0) {
    line(x.offset, 0, outStrides[axis] ?? 1);
    return;
  }
  const c = collapse(keptShape, [keptStrides, keptOut]);
  const last = c.shape.length - 1;
  const inner = c.shape[last]!;
  const ks = c.strides[0]![last]!;
  const os = c.strides[1]![last]!;
  forEachRow(c, [x.offset, 0], (o) => {
    for (let i = 0; i < inner; i++) line(o[0]! + i * ks, o[1]! + i * os, outStrides[axis]!);
  });
}

export function cumulative(op: 'cumsum' | 'cumprod', x: View<Handle>, axis: number, outDtype: DType): Handle {
  const outH = alloc(outDtype, numel(x.shape));
  const out = arr(outH);
  if (out.length === 0) return outH;
  const len = x.shape.length === 0 ? 1 : x.shape[axis]!;
  const step = x.shape.length === 0 ? 0 : x.strides[axis]!;
  const src = arr(x.handle);
  const sum = op === 'cumsum';
  forEachLine(x, axis, (p, o, os) => {
    let acc = sum ? 0 : 1;
    for (let i = 0; i < len; i++, p += step, o += os) {
      acc = sum ? acc + src[p]! : acc * src[p]!;
      out[o] = acc;
    }
  });
  return outH;
}

export function softmax(x: View<Handle>, axis: number, log: boolean): Handle {
  // A dim that does not exist (a 0-d view: core passes it as [1]) would leave the output unwritten.
  if (!(Number.isInteger(axis) && axis >= 0 && axis < x.shape.length)) {
    throw new RangeError(`cpu softmax: dim ${axis} is out of range for a view of shape [${x.shape.join(', ')}]`);
  }
  const outH = alloc(x.dtype, numel(x.shape));
  const out = arr(outH);
  if (out.length === 0) return outH;
  const len = x.shape[axis]!;
  if (x.dtype === 'float32' && axis === x.shape.length - 1 && isDense(x) && softmaxRowsWasm(x, len, log, outH)) return outH;
  const step = x.strides[axis]!;
  const src = arr(x.handle);
  // float32: the wasm kernel's e^ (the same bits on both paths); float64: Math.exp.
  const exp = x.dtype === 'float32' ? expForF32 : Math.exp;
  forEachLine(x, axis, (p0, o0, os) => {
    let m = -Infinity;
    for (let i = 0, p = p0; i < len; i++, p += step) {
      const v = src[p]!;
      if (v > m || v !== v) m = v;
    }
    // No guard for an infinite maximum: PyTorch's rows with one are nan (inf - inf), and so are these.
    let total = 0;
    for (let i = 0, p = p0; i < len; i++, p += step) total += exp(src[p]! - m);
    if (log) {
      // (x - max) - log(total), as PyTorch: adding max back first would lose log(total) next to a huge max.
      const logTotal = Math.log(total);
      for (let i = 0, p = p0, o = o0; i < len; i++, p += step, o += os) out[o] = src[p]! - m - logTotal;
    } else {
      for (let i = 0, p = p0, o = o0; i < len; i++, p += step, o += os) out[o] = exp(src[p]! - m) / total;
    }
  });
  return outH;
}

/** Up to this many bytes of scratch hold the softmax's e^(x - max) between its two passes (a double per element: 32 MiB is 4M elements). */
const KEEP_EXP_MAX_BYTES = 32 * 1024 * 1024;

/**
 * Softmax over the contiguous rows of a dense float32 tensor in wasm: the
 * loop above's arithmetic (each row's maximum, the sum of e^(x - max) in
 * doubles in order, then each output), the same bits, with Math.log of each
 * row's sum taken here between the two kernels; groups of rows on the worker
 * pool. Operands outside the wasm heap go through scratch; false (nothing
 * written) without scratch memory.
 */
function softmaxRowsWasm(x: View<Handle>, n: number, log: boolean, outH: Handle): boolean {
  const wasm = wasmKernels();
  if (wasm === undefined) return false;
  checkView('softmax', x); // wasm reads numel elements from a raw address
  const total = numel(x.shape);
  const rows = total / n;
  const inHeap = address(x.handle, x.offset);
  const outHeap = address(outH, 0);
  // The stats pass keeps each e^(x - max) (a double) for the outputs' pass, which would compute it again.
  const keepE = !log && 8 * total <= KEEP_EXP_MAX_BYTES;
  const bytes = 16 * rows + (inHeap < 0 ? 4 * total : 0) + (outHeap < 0 ? 4 * total : 0) + (keepE ? 8 * total : 0);
  const base = scratch(bytes);
  if (base < 0) return false;
  try {
    const buffer = memory!.buffer;
    const stats = base;
    let at = base + 16 * rows;
    let src = inHeap;
    if (src < 0) {
      src = at;
      at += 4 * total;
      new Float32Array(buffer, src, total).set(arr(x.handle).subarray(x.offset, x.offset + total));
    }
    const dst = outHeap >= 0 ? outHeap : at;
    if (outHeap < 0) at += 4 * total;
    const e = keepE ? at : 0;
    // Rows are independent: groups of rows (at least TRANSCENDENTAL_GRAIN elements) go to the pool, the same bits.
    const per = Math.max(1, Math.ceil(TRANSCENDENTAL_GRAIN / n));
    const onPool = total >= 2 * TRANSCENDENTAL_GRAIN;
    const groups = (call: (r0: number, count: number) => KernelCall): KernelCall[] => {
      const calls: KernelCall[] = [];
      for (let r0 = 0; r0 < rows; r0 += per) calls.push(call(r0, Math.min(per, rows - r0)));
      return calls;
    };
    runCalls(
      groups((r0, count) => ({ kernel: 'softmax_stats_f32', args: [src + 4 * r0 * n, count, n, stats + 16 * r0, e && e + 8 * r0 * n] })),
      onPool,
    );
    if (log) {
      const s = new Float64Array(memory!.buffer, stats, 2 * rows);
      for (let r = 0; r < rows; r++) s[2 * r + 1] = Math.log(s[2 * r + 1]!);
    }
    runCalls(
      groups((r0, count) => ({
        kernel: 'softmax_rows_f32',
        args: [src + 4 * r0 * n, count, n, stats + 16 * r0, log ? 1 : 0, dst + 4 * r0 * n, e && e + 8 * r0 * n],
      })),
      onPool,
    );
    if (outHeap < 0) arr(outH).set(new Float32Array(memory!.buffer, dst, total));
  } finally {
    freeScratch(base, bytes);
  }
  return true;
}
