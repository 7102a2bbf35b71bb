/**
 * Construction and shape ops: triangles and diagonals (`tril`, `triu`,
 * `diag`, `diagonal`, `diagEmbed`, `trilIndices`, `triuIndices`), moving
 * elements (`roll`, `rot90`, `repeatInterleave`, `tile`), grids
 * (`meshgrid`, `cartesianProd`), dims (`movedim`, `unflatten`, `unbind`,
 * `swapaxes`) and splits (`tensorSplit`, `hsplit`, `vsplit`, `dsplit`), and
 * `oneHot`.
 *
 * Views where PyTorch returns views (`diagonal`, `movedim`, `unflatten`,
 * `unbind`, the splits, `meshgrid`'s grids), copies elsewhere; each records
 * PyTorch's node (`DiagonalBackward0`, `Rot90Backward0`, …) or is made of
 * ops that do, as PyTorch's composite ops are.
 */
import { needsGrad, record, recordMulti } from '../autograd/record.js';
import type { DType } from '../dtype.js';
import { checkOptions } from '../options.js';
import { assertAsync } from '../checks.js';
import { noGrad } from '../autograd/grad-mode.js';
import { tidy } from '../memory.js';
import { checkShape, formatShape, normalizeDim, numel } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { isOptionsObject, parseArgs } from './args.js';
import { composite } from './composite.js';
import { arange, tensor as makeTensor } from './creation.js';
import { checkTensor, expandView, fromValues, isTensor, mixedDevices, wrap } from './dispatch.js';
import { indexSelect, pad } from './indexing.js';
import { cat, permute, repeat, slice, stack, transpose } from './movement.js';

// ---------------------------------------------------------------- helpers

/** A fill of `shape` on t's device (not recorded). */
function filled(t: Tensor, shape: readonly number[], value: number, dtype: DType): Tensor {
  return wrap(t, t.backend.fill(numel(shape), value, dtype), shape, dtype);
}

/** `cond ? x : 0` in x's dtype (any dtype: no promotion), broadcast to x's shape; not recorded. */
function keepWhere(cond: Tensor, x: Tensor): Tensor {
  const handle = x.backend.where(expandView(cond, x.shape), x, 0, x.shape, x.dtype);
  return wrap(x, handle, x.shape, x.dtype);
}

/** An integer argument, checked (names the op and the argument). */
function intArg(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${op}(): argument '${name}' must be an integer, not ${value === null ? 'null' : typeof value}`);
  }
  return value;
}

/** A number or a list of numbers, as a list. */
function intList(op: string, name: string, value: unknown): number[] {
  if (typeof value === 'number') return [intArg(op, name, value)];
  if (Array.isArray(value)) return value.map((v, i) => intArg(op, `${name}[${i}]`, v));
  throw new TypeError(
    `${op}(): argument '${name}' must be an integer or a list of integers, not ${value === null ? 'null' : typeof value}`,
  );
}

// ---------------------------------------------------------------- tril, triu

/** Keyword arguments of `tril` and `triu`. */
export interface TriangleOptions {
  /** Which diagonal bounds the triangle: 0 the main one, positive above it, negative below (default 0). */
  diagonal?: number;
}

function triangle(op: 'tril' | 'triu', x: Tensor, args: unknown[]): Tensor {
  checkTensor(op, x);
  const a = parseArgs(op, args, ['diagonal']);
  const k = a['diagonal'] === undefined ? 0 : intArg(op, 'diagonal', a['diagonal']);
  if (x.ndim < 2) {
    // PyTorch's error: the dim of the rows, -2, is out of range.
    const rank = Math.max(x.ndim, 1);
    throw new RangeError(
      `${op}: dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got -2): ${op} needs matrices (at least 2 dims), got shape ${formatShape(x.shape)}`,
    );
  }
  const out = composite(() => keepWhere(triangleMask(x, op, k), x));
  record(out, op === 'tril' ? 'TrilBackward0' : 'TriuBackward0', [x], (g) => [op === 'tril' ? tril(g, k) : triu(g, k)]);
  return out;
}

/** True where column − row ≤ k (tril) or ≥ k (triu), over x's last two dims. */
function triangleMask(x: Tensor, op: 'tril' | 'triu', k: number): Tensor {
  const [n, m] = [x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!];
  const values = new Uint8Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) values[i * m + j] = (op === 'tril' ? j - i <= k : j - i >= k) ? 1 : 0;
  return fromValues(values, [n, m], 'bool', x.device);
}

/**
 * The lower triangle of the last two dims (the rest zero): elements on and
 * below the `diagonal`-th diagonal (0 the main one, positive above it,
 * negative below), batched over leading dims; PyTorch's `torch.tril`.
 *
 * @example
 * g.tril(g.ones(3, 3)); // tensor([[1., 0., 0.], [1., 1., 0.], [1., 1., 1.]])
 * g.tril(g.ones(2, 3), { diagonal: 1 }); // tensor([[1., 1., 0.], [1., 1., 1.]])
 */
export function tril(x: Tensor, diagonal?: number | TriangleOptions, options?: TriangleOptions): Tensor {
  return triangle('tril', x, [diagonal, options]);
}

/**
 * The upper triangle of the last two dims (the rest zero): elements on and
 * above the `diagonal`-th diagonal, batched; PyTorch's `torch.triu`.
 *
 * @example
 * g.triu(g.ones(3, 3), -1); // tensor([[1., 1., 1.], [1., 1., 1.], [0., 1., 1.]])
 */
export function triu(x: Tensor, diagonal?: number | TriangleOptions, options?: TriangleOptions): Tensor {
  return triangle('triu', x, [diagonal, options]);
}

// ---------------------------------------------------------------- diagonals

/** Keyword arguments of `diagonal` and `diagEmbed`. */
export interface DiagonalOptions {
  /** Which diagonal: 0 the main one, positive above it, negative below (default 0). */
  offset?: number;
  /** The first of the two dims (default 0 for `diagonal`, -2 for `diagEmbed`). */
  dim1?: number;
  /** The second of the two dims (default 1 for `diagonal`, -1 for `diagEmbed`). */
  dim2?: number;
}

/**
 * The `offset`-th diagonal of the matrices over dims `dim1` and `dim2`, as a
 * view: those dims are removed and the diagonal becomes the last dim;
 * PyTorch's `torch.diagonal` (writes through it reach `x`).
 *
 * @example
 * g.diagonal(g.tensor([[1, 2], [3, 4]])); // tensor([1., 4.])
 * g.diagonal(g.zeros(2, 3, 4), { offset: 1, dim1: 1, dim2: 2 }).shape; // [2, 3]
 */
export function diagonal(
  x: Tensor,
  offset?: number | DiagonalOptions,
  dim1?: number | DiagonalOptions,
  dim2?: number | DiagonalOptions,
  options?: DiagonalOptions,
): Tensor {
  checkTensor('diagonal', x);
  const a = parseArgs('diagonal', [offset, dim1, dim2, options], ['offset', 'dim1', 'dim2']);
  const off = a['offset'] === undefined ? 0 : intArg('diagonal', 'offset', a['offset']);
  const d1 = normalizeDim('diagonal', a['dim1'] === undefined ? 0 : intArg('diagonal', 'dim1', a['dim1']), x.ndim);
  const d2 = normalizeDim('diagonal', a['dim2'] === undefined ? 1 : intArg('diagonal', 'dim2', a['dim2']), x.ndim);
  if (d1 === d2) throw new Error(`diagonal dimensions cannot be identical ${String(a['dim1'] ?? 0)}, ${String(a['dim2'] ?? 1)}`);
  const [s1, s2] = [x.shape[d1]!, x.shape[d2]!];
  const length = Math.max(0, off >= 0 ? Math.min(s1, s2 - off) : Math.min(s1 + off, s2));
  const shape = x.shape.filter((_, k) => k !== d1 && k !== d2).concat(length);
  const strides = x.strides.filter((_, k) => k !== d1 && k !== d2).concat(x.strides[d1]! + x.strides[d2]!);
  const start = length === 0 ? x.offset : x.offset + (off >= 0 ? off * x.strides[d2]! : -off * x.strides[d1]!);
  const out = x.viewWithLayout(shape, strides, start, 'diagonal');
  if (needsGrad(x)) {
    record(out, 'DiagonalBackward0', [x], (g) => [diagonalBackward(g, x.shape, off, d1, d2)]);
  }
  return out;
}

/** Places `g` on the diagonal of zeros shaped like the input (differentiable: diagEmbed, then pad or crop). */
function diagonalBackward(g: Tensor, shape: readonly number[], off: number, d1: number, d2: number): Tensor {
  const embedded = diagEmbed(g, off, d1, d2);
  const pads: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) pads.push(0, shape[k]! - embedded.shape[k]!);
  return pads.every((p) => p === 0) ? embedded : pad(embedded, pads);
}

/**
 * Matrices with the last dim of `x` on their `offset`-th diagonal (zeros
 * elsewhere), over new dims `dim1` and `dim2` of the result (default the last
 * two); PyTorch's `torch.diag_embed`.
 *
 * @example
 * g.diagEmbed(g.tensor([1, 2])); // tensor([[1., 0.], [0., 2.]])
 * g.diagEmbed(g.ones(2, 3), { offset: 1 }).shape; // [2, 4, 4]
 */
export function diagEmbed(
  x: Tensor,
  offset?: number | DiagonalOptions,
  dim1?: number | DiagonalOptions,
  dim2?: number | DiagonalOptions,
  options?: DiagonalOptions,
): Tensor {
  checkTensor('diagEmbed', x);
  const a = parseArgs('diagEmbed', [offset, dim1, dim2, options], ['offset', 'dim1', 'dim2']);
  const off = a['offset'] === undefined ? 0 : intArg('diagEmbed', 'offset', a['offset']);
  const nd = x.ndim + 1;
  const d1 = normalizeDim('diagEmbed', a['dim1'] === undefined ? -2 : intArg('diagEmbed', 'dim1', a['dim1']), nd);
  const d2 = normalizeDim('diagEmbed', a['dim2'] === undefined ? -1 : intArg('diagEmbed', 'dim2', a['dim2']), nd);
  if (d1 === d2) throw new Error(`diagonal dimensions cannot be identical ${String(a['dim1'] ?? -2)}, ${String(a['dim2'] ?? -1)}`);
  const src = x.ndim === 0 ? x.reshape([1]) : x;
  const n = src.shape[src.ndim - 1]! + Math.abs(off);
  const out = composite(() => {
    // [..., n, n] with x along rows (offset ≥ 0: element (i, i + off) is x[i]) or columns (offset < 0).
    const line = pad(src, [0, Math.abs(off)]);
    const values = off >= 0 ? line.unsqueeze(-1) : line.unsqueeze(-2);
    const mask = new Uint8Array(n * n);
    for (let i = 0; i < n; i++) if (i + off >= 0 && i + off < n) mask[i * n + i + off] = 1;
    const square = keepWhere(fromValues(mask, [n, n], 'bool', x.device), values.expand([...src.shape.slice(0, -1), n, n]));
    // Rows to dim1 and columns to dim2: out.diagonal(offset, dim1, dim2) is x.
    return movedim(square, [nd - 2, nd - 1], [d1, d2]).contiguous();
  });
  record(out, 'DiagEmbedBackward0', [x], (g) => {
    const dg = diagonal(g, off, d1, d2);
    return [x.ndim === 0 ? dg.reshape([]) : dg];
  });
  return out;
}

/**
 * The `diagonal`-th diagonal of a matrix as a vector, or a square matrix
 * with a vector on that diagonal; PyTorch's `torch.diag` (a copy).
 *
 * @example
 * g.diag(g.tensor([1, 2])); // tensor([[1., 0.], [0., 2.]])
 * g.diag(g.tensor([[1, 2], [3, 4]]), 1); // tensor([2.])
 */
export function diag(x: Tensor, diagonal_?: number | TriangleOptions, options?: TriangleOptions): Tensor {
  checkTensor('diag', x);
  const a = parseArgs('diag', [diagonal_, options], ['diagonal']);
  const k = a['diagonal'] === undefined ? 0 : intArg('diag', 'diagonal', a['diagonal']);
  if (x.ndim !== 1 && x.ndim !== 2)
    throw new Error(`matrix or a vector expected (diag got a ${x.ndim}-D tensor of shape ${formatShape(x.shape)})`);
  const out = composite(() => (x.ndim === 1 ? diagEmbed(x, k, 0, 1) : diagonal(x, k).clone()));
  record(out, 'DiagBackward0', [x], (g) => [x.ndim === 1 ? diagonal(g, k) : diagonalBackward(g, x.shape, k, 0, 1)]);
  return out;
}

/** Keyword arguments of `trilIndices` and `triuIndices`. */
export interface TriangleIndicesOptions {
  /** Which diagonal bounds the triangle (default 0). */
  offset?: number;
  /** The indices' dtype: `'int32'` (the default; PyTorch's int64). */
  dtype?: DType;
  /** The device to make them on. */
  device?: string;
}

function triangleIndices(op: 'trilIndices' | 'triuIndices', row: number, col: number, args: unknown[]): Tensor {
  const a = parseArgs(op, args, ['offset'], ['dtype', 'device']);
  const torchOp = op === 'trilIndices' ? 'tril_indices' : 'triu_indices';
  intArg(op, 'row', row);
  intArg(op, 'col', col);
  const off = a['offset'] === undefined ? 0 : intArg(op, 'offset', a['offset']);
  const dtype = (a['dtype'] ?? 'int32') as DType;
  if (dtype !== 'int32') {
    throw new TypeError(`"${torchOp}" not implemented for '${String(dtype)}' (${op} makes int32 indices)`);
  }
  if (row < 0) throw new Error(`row must be non-negative, got${row}`);
  if (col < 0) throw new Error(`col must be non-negative, got${col}`);
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < row; i++) {
    for (let j = 0; j < col; j++) {
      if (op === 'trilIndices' ? j - i <= off : j - i >= off) {
        rows.push(i);
        cols.push(j);
      }
    }
  }
  return makeTensor(Int32Array.from([...rows, ...cols]), { shape: [2, rows.length], device: a['device'] as string | undefined });
}

/**
 * The coordinates of the lower triangle of a `row` × `col` matrix (on and
 * below the `offset`-th diagonal), as a 2 × N int32 tensor in row-major
 * order; PyTorch's `torch.tril_indices`.
 *
 * @example
 * g.trilIndices(3, 3); // tensor([[0, 1, 1, 2, 2, 2], [0, 0, 1, 0, 1, 2]])
 */
export function trilIndices(row: number, col: number, offset?: number | TriangleIndicesOptions, options?: TriangleIndicesOptions): Tensor {
  return triangleIndices('trilIndices', row, col, [offset, options]);
}

/**
 * The coordinates of the upper triangle of a `row` × `col` matrix (on and
 * above the `offset`-th diagonal), as a 2 × N int32 tensor; PyTorch's
 * `torch.triu_indices`.
 *
 * @example
 * g.triuIndices(3, 3, 1); // tensor([[0, 0, 1], [1, 2, 2]])
 */
export function triuIndices(row: number, col: number, offset?: number | TriangleIndicesOptions, options?: TriangleIndicesOptions): Tensor {
  return triangleIndices('triuIndices', row, col, [offset, options]);
}

// ---------------------------------------------------------------- roll, rot90

/** Keyword arguments of `roll`. */
export interface RollOptions {
  /** The dims to roll along (default: the flattened tensor). */
  dims?: number | readonly number[] | null;
}

/**
 * The elements shifted by `shifts` along `dims` (wrapping around); without
 * dims, along the flattened tensor. PyTorch's `torch.roll` (a copy).
 *
 * @example
 * g.roll(g.tensor([1, 2, 3, 4]), 1); // tensor([4., 1., 2., 3.])
 * g.roll(g.tensor([[1, 2], [3, 4]]), [1, -1], [0, 1]); // tensor([[4., 3.], [2., 1.]])
 */
export function roll(
  x: Tensor,
  shifts: number | readonly number[],
  dims?: number | readonly number[] | null | RollOptions,
  options?: RollOptions,
): Tensor {
  checkTensor('roll', x);
  const a = parseArgs('roll', [dims, options], ['dims']);
  const shiftList = intList('roll', 'shifts', shifts);
  const dimList = a['dims'] === undefined || a['dims'] === null ? [] : intList('roll', 'dims', a['dims']);
  if (dimList.length === 0 && shiftList.length !== 1) {
    throw new Error(`shifts and dimensions must align. shifts: ${shiftList.length}, dims:0 (roll without dims takes one shift)`);
  }
  if (dimList.length !== 0 && shiftList.length !== dimList.length) {
    throw new Error(`shifts and dimensions must align. shifts: ${shiftList.length}, dims:${dimList.length}`);
  }
  const axes = dimList.map((d) => normalizeDim('roll', d, x.ndim));
  const out = composite(() => {
    let r = x;
    if (x.numel() !== 0 && axes.length === 0) r = rollAlong(x.reshape([-1]), shiftList[0]!, 0).reshape(x.shape as number[]);
    else if (x.numel() !== 0) axes.forEach((d, i) => (r = rollAlong(r, shiftList[i]!, d)));
    // A shift by a multiple of the size moves nothing: still a copy, as PyTorch's.
    return r.storage === x.storage ? r.clone() : r;
  });
  record(out, 'RollBackward0', [x], (g) => [
    roll(
      g,
      shiftList.map((s) => -s),
      dimList.length === 0 ? null : dimList,
    ),
  ]);
  return out;
}

function rollAlong(x: Tensor, shift: number, d: number): Tensor {
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  const s = ((shift % n) + n) % n;
  if (s === 0 || x.ndim === 0) return x;
  return cat([x.narrow(d, n - s, s), x.narrow(d, 0, n - s)], d);
}

/** Keyword arguments of `rot90`. */
export interface Rot90Options {
  /** How many quarter turns (default 1; negative turns the other way). */
  k?: number;
  /** The plane of the rotation, from the first dim towards the second (default [0, 1]). */
  dims?: readonly number[];
}

/**
 * Rotated by `k` quarter turns in the plane of `dims`, from the first
 * towards the second; PyTorch's `torch.rot90` (a copy).
 *
 * @example
 * g.rot90(g.tensor([[1, 2], [3, 4]])); // tensor([[2., 4.], [1., 3.]])
 */
export function rot90(x: Tensor, k?: number | Rot90Options, dims?: readonly number[] | Rot90Options, options?: Rot90Options): Tensor {
  checkTensor('rot90', x);
  const a = parseArgs('rot90', [k, dims, options], ['k', 'dims']);
  const turns = a['k'] === undefined ? 1 : intArg('rot90', 'k', a['k']);
  const given = a['dims'] === undefined ? [0, 1] : intList('rot90', 'dims', a['dims']);
  if (given.length !== 2) throw new Error(`expected total rotation dims == 2, but got dims = ${given.length}`);
  if (x.ndim < 2) throw new Error(`expected total dims >= 2, but got total dims = ${x.ndim}`);
  if (given[0] === given[1] || Math.abs(given[0]! - given[1]!) === x.ndim) {
    throw new Error(`expected rotation dims to be different, but got dim0 = ${given[0]} and dim1 = ${given[1]}`);
  }
  if (given[0]! >= x.ndim || given[0]! < -x.ndim) throw new RangeError(`Rotation dim0 out of range, dim0 = ${given[0]}`);
  if (given[1]! >= x.ndim || given[1]! < -x.ndim) throw new RangeError(`Rotation dim1 out of range, dim1 = ${given[1]}`);
  const [d0, d1] = given.map((d) => normalizeDim('rot90', d, x.ndim)) as [number, number];
  const q = ((turns % 4) + 4) % 4;
  const out = composite(() => {
    if (q === 1) return transpose(x.flip(d1), d0, d1);
    if (q === 2) return x.flip([d0, d1]);
    if (q === 3) return transpose(x.flip(d0), d0, d1);
    return x.clone();
  });
  record(out, 'Rot90Backward0', [x], (g) => [rot90(g, -turns, given)]);
  return out;
}

// ---------------------------------------------------------------- repeatInterleave, tile

/** Keyword arguments of `repeatInterleave`. */
export interface RepeatInterleaveOptions {
  /** The dim to repeat along (default: the flattened tensor). */
  dim?: number | null;
  /** The total length along dim, if known: with tensor repeats, no read of them is needed to size the result. */
  outputSize?: number;
}

/**
 * Each element (or each slice along `dim`) repeated `repeats` times in place;
 * `repeats` is a number or an int32 tensor of one count per slice. With one
 * int32 tensor `r` alone, `repeatInterleave(r)` is the indices `0, 0, …, 1,
 * …` repeated by `r`. PyTorch's `torch.repeat_interleave`; without `dim` the
 * tensor is flattened first.
 *
 * @example
 * g.repeatInterleave(g.tensor([1, 2]), 2); // tensor([1., 1., 2., 2.])
 * g.repeatInterleave(g.tensor([[1, 2], [3, 4]]), g.tensor([1, 2], { dtype: 'int32' }), 0); // tensor([[1., 2.], [3., 4.], [3., 4.]])
 */
export function repeatInterleave(
  x: Tensor,
  repeats?: number | Tensor | RepeatInterleaveOptions,
  dim?: number | null | RepeatInterleaveOptions,
  options?: RepeatInterleaveOptions,
): Tensor {
  checkTensor('repeatInterleave', x);
  if (repeats === undefined || isOptionsObject(repeats)) {
    // repeat_interleave(repeats): the indices, repeated.
    const a = parseArgs('repeatInterleave', [repeats], [], ['outputSize']);
    checkRepeats(x, 'repeat_interleave only accept 1D vector as repeat');
    if (x.ndim !== 1) throw new Error('repeat_interleave only accept 1D vector as repeat');
    return composite(() => {
      const counts = x.reshape([-1]);
      const n = counts.shape[0]!;
      return repeatIndex(arange(n, { dtype: 'int32', device: x.device }), counts, n, a['outputSize']);
    });
  }
  const a = parseArgs('repeatInterleave', [dim, options], ['dim'], ['outputSize']);
  const flat = a['dim'] === undefined || a['dim'] === null;
  if (!flat && x.ndim === 0) throw new Error('Dimension specified as 0 but tensor has no dimensions');
  const d = flat ? 0 : normalizeDim('repeatInterleave', intArg('repeatInterleave', 'dim', a['dim']), x.ndim);
  const n = flat ? x.numel() : x.ndim === 0 ? 1 : x.shape[d]!;
  const reps = repeats as number | Tensor;
  if (typeof reps === 'number') {
    intArg('repeatInterleave', 'repeats', reps);
    if (reps < 0) throw new Error('repeats can not be negative');
  } else {
    checkRepeats(reps, 'repeats must be 0-dim or 1-dim tensor');
    if (reps.ndim === 1 && reps.shape[0] !== n && reps.shape[0] !== 1) {
      throw new Error(`repeats must have the same size as input along dim (got ${reps.shape[0]} repeats for size ${n} along dim ${d})`);
    }
  }
  // The result is an index_select (PyTorch's composite: IndexSelectBackward0), its intermediates freed.
  return composite(() => {
    const src = flat ? x.reshape([-1]) : x;
    let index: Tensor;
    if (typeof reps === 'number') {
      if (a['outputSize'] !== undefined && a['outputSize'] !== n * reps) {
        throw new Error(
          `allocated size does not match required size (repeatInterleave: outputSize ${String(a['outputSize'])}, repeats total ${n * reps})`,
        );
      }
      const values = new Int32Array(n * reps);
      for (let i = 0; i < values.length; i++) values[i] = Math.floor(i / reps);
      index = fromValues(values, [n * reps], 'int32', x.device);
    } else {
      const counts = reps.ndim === 0 || reps.shape[0] === 1 ? reps.reshape([1]).expand(n) : reps;
      index = repeatIndex(arange(n, { dtype: 'int32', device: x.device }), counts, n, a['outputSize']);
    }
    return indexSelect(src, d, index);
  });
}

function checkRepeats(repeats: Tensor, rankMessage: string): void {
  checkTensor('repeatInterleave', repeats, 'repeats');
  if (repeats.dtype !== 'int32') throw new TypeError(`repeat_interleave: not implemented for '${repeats.dtype}' (repeats must be int32)`);
  if (repeats.ndim > 1) throw new Error(rankMessage);
}

/**
 * `values` (one per repeat count) each repeated `counts[i]` times. With
 * `outputSize` the positions are computed on the device (a scatter-add of
 * the segment starts, then a cumulative sum); otherwise the counts are read.
 */
function repeatIndex(values: Tensor, counts: Tensor, n: number, outputSize: unknown): Tensor {
  if (outputSize === undefined) {
    const c = Array.from(counts.dataSync());
    const total = c.reduce((s, v) => s + v, 0);
    if (c.some((v) => v < 0)) throw new Error('repeats can not be negative');
    const out = new Int32Array(total);
    let p = 0;
    c.forEach((v, i) => out.fill(i, p, (p += v)));
    return indexSelect(values, 0, fromValues(out, [total], 'int32', values.device));
  }
  const size = intArg('repeatInterleave', 'outputSize', outputSize);
  if (size < 0) throw new Error(`repeat_interleave: outputSize must be non-negative, got ${size}`);
  if (counts.backend.deferChecks) {
    tidy(() => {
      assertAsync(
        noGrad(() => counts.ge(0)),
        'repeats can not be negative',
      );
      assertAsync(
        noGrad(() => counts.sum().eq(size)),
        `allocated size does not match required size (repeatInterleave: outputSize ${size})`,
      );
    });
  } else {
    const c = Array.from(counts.dataSync());
    if (c.some((v) => v < 0)) throw new Error('repeats can not be negative');
    const total = c.reduce((s, v) => s + v, 0);
    if (total !== size)
      throw new Error(`allocated size does not match required size (repeatInterleave: outputSize ${size}, repeats total ${total})`);
  }
  if (size === 0 || n === 0) return filled(values, [0], 0, values.dtype);
  // starts[i] = Σ_{k<i} counts[k]; position p belongs to the last i with starts[i] ≤ p.
  const ends = counts.cumsum(0);
  const starts = ends
    .sub(counts)
    .narrow(0, 1, n - 1)
    .clamp(0, size);
  const marks = wrap(
    values,
    values.backend.scatterAdd([size + 1], 0, starts, filled(values, [], 1, 'int32').expand(n - 1)),
    [size + 1],
    'int32',
  );
  const which = marks.cumsum(0).narrow(0, 0, size);
  return indexSelect(values, 0, which);
}

/**
 * The tensor tiled `dims[i]` times along each dim; with fewer dims than the
 * tensor has, the leading dims are not repeated. PyTorch's `torch.tile`.
 *
 * @example
 * g.tile(g.tensor([1, 2]), [2]); // tensor([1., 2., 1., 2.])
 * g.tile(g.ones(2, 2), [2]).shape; // [2, 4]
 */
export function tile(x: Tensor, ...dims: number[] | [readonly number[]]): Tensor {
  checkTensor('tile', x);
  const reps = checkShape('tile', dims.length === 1 && Array.isArray(dims[0]) ? dims[0] : dims, { what: 'dims' });
  const full = reps.length < x.ndim ? [...new Array<number>(x.ndim - reps.length).fill(1), ...reps] : reps;
  return repeat(x, full);
}

// ---------------------------------------------------------------- meshgrid, cartesianProd

/** Keyword arguments of `meshgrid`. */
export interface MeshgridOptions {
  /** `'ij'` (matrix indexing: the first tensor varies along dim 0) or `'xy'` (Cartesian: the first two swap). */
  indexing?: 'ij' | 'xy';
}

let warnedMeshgrid = false;

/** The tensors of a variadic op, spread or as one array, and a trailing options object. */
function tensorList<O>(op: string, args: readonly unknown[]): { tensors: Tensor[]; options: O | undefined } {
  let rest = [...args];
  let options: O | undefined;
  if (rest.length !== 0 && isOptionsObject(rest[rest.length - 1])) options = rest.pop() as O;
  if (rest.length === 1 && Array.isArray(rest[0])) rest = [...(rest[0] as unknown[])];
  rest.forEach((t, i) => checkTensor(op, t, `tensors[${i}]`));
  return { tensors: rest as Tensor[], options };
}

/**
 * Coordinate grids: for 1-D (or 0-d) tensors of sizes n₀, n₁, …, one tensor
 * each of shape [n₀, n₁, …] holding its values along its own dim (views:
 * expanded, no copies). `{ indexing: 'xy' }` swaps the first two dims
 * (Cartesian indexing); the default is `'ij'`, and like PyTorch 1.13 Graft
 * warns once when it is not given. Tensors spread or as one array.
 *
 * @example
 * const [xs, ys] = g.meshgrid(g.tensor([1, 2]), g.tensor([3, 4, 5]), { indexing: 'ij' });
 * xs.shape; // [2, 3]
 */
export function meshgrid(...args: (Tensor | readonly Tensor[] | MeshgridOptions)[]): Tensor[] {
  const { tensors, options } = tensorList<MeshgridOptions>('meshgrid', args);
  const { indexing } = checkOptions('meshgrid', options, ['indexing']);
  if (indexing === undefined && !warnedMeshgrid) {
    warnedMeshgrid = true;
    console.warn(
      "UserWarning: torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument. (g.meshgrid: pass { indexing: 'ij' } or { indexing: 'xy' })",
    );
  }
  if (indexing !== undefined && indexing !== 'ij' && indexing !== 'xy') {
    throw new Error(`torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${String(indexing)}`);
  }
  if (tensors.length === 0) throw new Error('meshgrid expects a non-empty TensorList');
  tensors.forEach((t) => {
    if (t.ndim > 1) throw new Error(`torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${formatShape(t.shape)}`);
    if (t.dtype !== tensors[0]!.dtype)
      throw new Error(`meshgrid expects all tensors to have the same dtype (got ${tensors[0]!.dtype} and ${t.dtype})`);
    if (t.device !== tensors[0]!.device) throw mixedDevices('meshgrid', tensors[0]!, t);
  });
  const order = tensors.slice();
  const swap = indexing === 'xy' && order.length >= 2;
  if (swap) [order[0], order[1]] = [order[1]!, order[0]!];
  const shape = order.map((t) => t.numel());
  // Views (reshape, then expand), recorded as PyTorch's; the reshapes in between are freed.
  const grids = composite(() => order.map((t, i) => t.reshape(shape.map((_, k) => (k === i ? -1 : 1))).expand(shape)));
  if (swap) [grids[0], grids[1]] = [grids[1]!, grids[0]!];
  return grids;
}

/**
 * The Cartesian product of 1-D tensors, as rows: `[N₀·N₁·…, k]` for k
 * tensors (one tensor comes back as it is, as a view); PyTorch's `torch.cartesian_prod`.
 * Tensors spread or as one array.
 *
 * @example
 * g.cartesianProd(g.tensor([1, 2]), g.tensor([3, 4])); // tensor([[1., 3.], [1., 4.], [2., 3.], [2., 4.]])
 */
export function cartesianProd(...args: (Tensor | readonly Tensor[])[]): Tensor {
  const { tensors } = tensorList<never>('cartesianProd', args);
  if (tensors.length === 0) throw new Error('cartesian_prod expects a non-empty TensorList');
  tensors.forEach((t) => {
    if (t.ndim !== 1) throw new Error(`Expect a 1D vector, but got shape ${formatShape(t.shape)}`);
  });
  // One tensor: itself, as PyTorch returns it (here a new view of it, so disposing one leaves the other).
  if (tensors.length === 1) return tensors[0]!.view(tensors[0]!.shape as number[]);
  return composite(() => {
    const grids = meshgrid(tensors, { indexing: 'ij' });
    return stack(
      grids.map((grid) => grid.flatten()),
      1,
    );
  });
}

// ---------------------------------------------------------------- dims

/**
 * The dims `source` moved to positions `destination` (numbers or lists), the
 * others keeping their order; a view. PyTorch's `torch.movedim`.
 *
 * @example
 * g.movedim(g.zeros(2, 3, 4), 0, -1).shape; // [3, 4, 2]
 */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  checkTensor('movedim', x);
  const src = intList('movedim', 'source', source);
  const dst = intList('movedim', 'destination', destination);
  if (src.length !== dst.length) {
    throw new Error(
      `movedim: Invalid source or destination dims: source (${formatShape(src)} dims) should contain the same number of dims as destination (${formatShape(dst)} dims)`,
    );
  }
  const s = src.map((d) => normalizeDim('movedim', d, x.ndim));
  const t = dst.map((d) => normalizeDim('movedim', d, x.ndim));
  if (new Set(s).size !== s.length) throw new Error(`movedim: repeated dim in \`source\` (${formatShape(src)})`);
  if (new Set(t).size !== t.length) throw new Error(`movedim: repeated dim in \`destination\` (${formatShape(dst)})`);
  if (x.ndim === 0) return permute(x, []);
  const order = new Array<number>(x.ndim).fill(-1);
  s.forEach((d, i) => (order[t[i]!] = d));
  const rest = x.shape.map((_, k) => k).filter((k) => !s.includes(k));
  for (let k = 0, r = 0; k < order.length; k++) if (order[k] === -1) order[k] = rest[r++]!;
  return permute(x, order);
}

/**
 * PyTorch's `torch.moveaxis`: {@link movedim}.
 *
 * @example
 * g.moveaxis(g.zeros(2, 3), 0, 1).shape; // [3, 2]
 */
export function moveaxis(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  return movedim(x, source, destination);
}

/**
 * PyTorch's `torch.swapaxes`: {@link transpose} (a view).
 *
 * @example
 * g.swapaxes(g.zeros(2, 3), 0, 1).shape; // [3, 2]
 */
export function swapaxes(x: Tensor, axis0: number, axis1: number): Tensor {
  return transpose(x, axis0, axis1);
}

/**
 * PyTorch's `torch.swapdims`: {@link transpose} (a view).
 *
 * @example
 * g.swapdims(g.zeros(2, 3), 0, 1).shape; // [3, 2]
 */
export function swapdims(x: Tensor, dim0: number, dim1: number): Tensor {
  return transpose(x, dim0, dim1);
}

/**
 * Dim `dim` split into dims of `sizes` (one may be -1); a view. PyTorch's
 * `torch.unflatten`.
 *
 * @example
 * g.unflatten(g.zeros(2, 12), 1, [3, -1]).shape; // [2, 3, 4]
 */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  checkTensor('unflatten', x);
  const d = normalizeDim('unflatten', intArg('unflatten', 'dim', dim), x.ndim);
  if (!Array.isArray(sizes) || sizes.length === 0) throw new Error('unflatten: sizes must be non-empty');
  const given = checkShape('unflatten', sizes, { minusOne: 'one' });
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  const known = given.filter((s) => s !== -1).reduce((p, s) => p * s, 1);
  const inferred = given.map((s) => (s === -1 ? (known === 0 ? 0 : size / known) : s));
  if (inferred.some((s) => !Number.isInteger(s)) || inferred.reduce((p, s) => p * s, 1) !== size) {
    throw new Error(
      `unflatten: Provided sizes ${formatShape(given)} don't multiply up to the size of dim ${dim} (${size}) in the input tensor`,
    );
  }
  return x.view([...x.shape.slice(0, d), ...inferred, ...x.shape.slice(d + 1)]);
}

/** Keyword arguments of `unbind`. */
export interface UnbindOptions {
  /** The dim to take the slices along (default 0). */
  dim?: number;
}

/**
 * The slices along `dim` (default 0), as views with that dim removed;
 * PyTorch's `torch.unbind`.
 *
 * @example
 * g.unbind(g.tensor([[1, 2], [3, 4]])).map((t) => t.tolist()); // [[1, 2], [3, 4]]
 */
export function unbind(x: Tensor, dim?: number | UnbindOptions, options?: UnbindOptions): Tensor[] {
  checkTensor('unbind', x);
  const a = parseArgs('unbind', [dim, options], ['dim']);
  if (x.ndim === 0) throw new Error('Dimension specified as 0 but tensor has no dimensions');
  const d = normalizeDim('unbind', a['dim'] === undefined ? 0 : intArg('unbind', 'dim', a['dim']), x.ndim);
  const shape = x.shape.filter((_, k) => k !== d);
  const strides = x.strides.filter((_, k) => k !== d);
  const outs = Array.from({ length: x.shape[d]! }, (_, i) => x.viewWithLayout(shape, strides, x.offset + i * x.strides[d]!, 'unbind'));
  if (needsGrad(x)) {
    recordMulti(outs, 'UnbindBackward0', [x], (grads) => [
      stack(
        outs.map((o, i) => grads[i] ?? filled(o, o.shape, 0, o.dtype)),
        d,
      ),
    ]);
  }
  return outs;
}

// ---------------------------------------------------------------- splits

/** Keyword arguments of `tensorSplit`. */
export interface TensorSplitOptions {
  /** The dim to split (default 0). */
  dim?: number;
}

/**
 * Views of `x` split along `dim`: into `n` parts as equal as can be (the
 * first `size % n` one longer), or at the given indices (Python slices:
 * `[0:i₀], [i₀:i₁], …, [iₖ:]`), the sections or indices given as a number, a
 * list, or an int32 tensor (0-d or 1-d); PyTorch's `torch.tensor_split`.
 *
 * @example
 * g.tensorSplit(g.arange(7), 3).map((t) => t.tolist()); // [[0, 1, 2], [3, 4], [5, 6]]
 * g.tensorSplit(g.arange(7), [1, 5]).map((t) => t.tolist()); // [[0], [1, 2, 3, 4], [5, 6]]
 */
export function tensorSplit(
  x: Tensor,
  indicesOrSections: number | readonly number[] | Tensor,
  dim?: number | TensorSplitOptions,
  options?: TensorSplitOptions,
): Tensor[] {
  checkTensor('tensorSplit', x);
  const a = parseArgs('tensorSplit', [dim, options], ['dim']);
  if (x.ndim === 0) throw new Error(`tensor_split expected at least a 1-dimensional tensor, but got a tensor with ${x.ndim} dims`);
  const d = normalizeDim('tensorSplit', a['dim'] === undefined ? 0 : intArg('tensorSplit', 'dim', a['dim']), x.ndim);
  let spec: number | number[];
  if (isTensor(indicesOrSections)) {
    const t = indicesOrSections;
    if (t.dtype !== 'int32') {
      throw new TypeError(`tensor_split expected tensor_indices_or_sections to have dtype of int32, but got ${t.dtype}`);
    }
    if (t.ndim > 1) {
      throw new Error(
        `tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a tensor with ${t.ndim} dims`,
      );
    }
    const values = Array.from(t.dataSync());
    spec = t.ndim === 0 ? values[0]! : values;
  } else
    spec =
      typeof indicesOrSections === 'number'
        ? intArg('tensorSplit', 'sections', indicesOrSections)
        : intList('tensorSplit', 'indices', indicesOrSections);
  return splitAt(x, d, spec);
}

function splitAt(x: Tensor, d: number, spec: number | number[]): Tensor[] {
  const size = x.shape[d]!;
  const bounds: [number, number][] = [];
  if (typeof spec === 'number') {
    if (spec <= 0) throw new Error(`number of sections must be larger than 0, got ${spec}`);
    const base = Math.floor(size / spec);
    const extra = size % spec;
    let start = 0;
    for (let i = 0; i < spec; i++) {
      const len = base + (i < extra ? 1 : 0);
      bounds.push([start, start + len]);
      start += len;
    }
  } else {
    let start = 0;
    for (const i of [...spec, size]) {
      bounds.push([start, i]);
      start = i;
    }
  }
  return bounds.map(([s, e]) => slice(x, d, s, e));
}

function directionalSplit(op: 'hsplit' | 'vsplit' | 'dsplit', x: Tensor, indicesOrSections: number | readonly number[]): Tensor[] {
  checkTensor(op, x);
  const need = { hsplit: 1, vsplit: 2, dsplit: 3 }[op];
  if (x.ndim < need) {
    throw new Error(`torch.${op} requires a tensor with at least ${need} dimension, but got a tensor with ${x.ndim} dimensions!`);
  }
  const d = op === 'hsplit' ? (x.ndim === 1 ? 0 : 1) : op === 'vsplit' ? 0 : 2;
  if (typeof indicesOrSections === 'number') {
    const n = intArg(op, 'sections', indicesOrSections);
    if (n === 0 || x.shape[d]! % n !== 0) {
      throw new Error(
        `torch.${op} attempted to split along dimension ${d}, but the size of the dimension ${x.shape[d]} is not divisible by the split_size ${n}!`,
      );
    }
    return splitAt(x, d, n);
  }
  return splitAt(x, d, intList(op, 'indices', indicesOrSections));
}

/**
 * {@link tensorSplit} along dim 1 (dim 0 for a 1-D tensor), with sections
 * that must divide it evenly; PyTorch's `torch.hsplit`.
 *
 * @example
 * g.hsplit(g.zeros(2, 4), 2).map((t) => t.shape); // [[2, 2], [2, 2]]
 */
export function hsplit(x: Tensor, indicesOrSections: number | readonly number[]): Tensor[] {
  return directionalSplit('hsplit', x, indicesOrSections);
}

/**
 * {@link tensorSplit} along dim 0 of a tensor of at least 2 dims; PyTorch's `torch.vsplit`.
 *
 * @example
 * g.vsplit(g.zeros(4, 2), [1]).map((t) => t.shape); // [[1, 2], [3, 2]]
 */
export function vsplit(x: Tensor, indicesOrSections: number | readonly number[]): Tensor[] {
  return directionalSplit('vsplit', x, indicesOrSections);
}

/**
 * {@link tensorSplit} along dim 2 of a tensor of at least 3 dims; PyTorch's `torch.dsplit`.
 *
 * @example
 * g.dsplit(g.zeros(1, 2, 4), 2).map((t) => t.shape); // [[1, 2, 2], [1, 2, 2]]
 */
export function dsplit(x: Tensor, indicesOrSections: number | readonly number[]): Tensor[] {
  return directionalSplit('dsplit', x, indicesOrSections);
}

// ---------------------------------------------------------------- oneHot

/** Keyword arguments of `oneHot`. */
export interface OneHotOptions {
  /** The length of the last dim (default -1: one more than the largest index). */
  numClasses?: number;
}

/**
 * One-hot rows: for int32 class indices of any shape, an int32 tensor with a
 * last dim of `numClasses` holding 1 at each index (`numClasses = -1`, the
 * default, is one more than the largest index, read from the tensor);
 * PyTorch's `torch.nn.functional.one_hot` (also `F.oneHot` in @graft/nn).
 *
 * @example
 * g.oneHot(g.tensor([0, 2], { dtype: 'int32' }), 3); // tensor([[1, 0, 0], [0, 0, 1]])
 */
export function oneHot(indices: Tensor, numClasses?: number | OneHotOptions, options?: OneHotOptions): Tensor {
  checkTensor('oneHot', indices, 'tensor');
  const a = parseArgs('oneHot', [numClasses, options], ['numClasses']);
  let n = a['numClasses'] === undefined ? -1 : intArg('oneHot', 'numClasses', a['numClasses']);
  if (indices.dtype !== 'int32')
    throw new TypeError(`one_hot is only applicable to index tensor. (oneHot got ${indices.dtype}; use int32)`);
  if (indices.numel() === 0) {
    if (n <= 0) throw new Error('Can not infer total number of classes from empty tensor.');
    return filled(indices, [...indices.shape, n], 0, 'int32');
  }
  if (n === -1 || !indices.backend.deferChecks) {
    // PyTorch reads the extremes on the CPU (and needs the max to size the result).
    const [low, high] = tidy(() => noGrad(() => [indices.min().item() as number, indices.max().item() as number]));
    if (low < 0) throw new Error('Class values must be non-negative.');
    if (n === -1) n = high + 1;
    else if (n <= high) throw new Error('Class values must be smaller than num_classes.');
  } else {
    const count = n;
    if (count < 1) throw new Error('Class values must be smaller than num_classes.');
    tidy(() => {
      assertAsync(
        noGrad(() => indices.ge(0)),
        'Class values must be non-negative.',
      );
      assertAsync(
        noGrad(() => indices.lt(count)),
        'Class values must be smaller than num_classes.',
      );
    });
  }
  const classes = n;
  return composite(() =>
    indices
      .unsqueeze(-1)
      .eq(arange(classes, { dtype: 'int32', device: indices.device }))
      .to('int32'),
  );
}
