/**
 * Shape ops. Most are zero-copy views (new shape/strides/offset over the same
 * storage); `cat`, `stack`, `repeat` and non-viewable reshapes copy.
 */
import { needsGrad, record, recordMulti } from '../autograd/record.js';
import {
  checkAllocation,
  checkInteger,
  checkShape,
  formatShape,
  inferShape,
  isContiguous,
  normalizeDim,
  normalizeDims,
  numel,
  shapesEqual,
  viewStrides,
} from '../shape.js';
import type { Tensor } from '../tensor.js';
import { parseArgs } from './args.js';
import { checkTensor, expandView, mixedDevices, wrap } from './dispatch.js';
import { composite } from './composite.js';
import { pad } from './indexing.js';

type ShapeArgs = number[] | [number[]] | [readonly number[]];

/** A shape given as spread numbers `(2, 3)` or one array `([2, 3])`, not yet validated (`checkShape` does). */
function shapeFromArgs(args: ShapeArgs): unknown {
  return args.length === 1 && (Array.isArray(args[0]) || ArrayBuffer.isView(args[0])) ? args[0] : args;
}

function recordView(out: Tensor, name: string, x: Tensor, backward: (g: Tensor) => Tensor): Tensor {
  if (needsGrad(x)) record(out, name, [x], (g) => [backward(g)]);
  return out;
}

/**
 * This tensor if contiguous, else a contiguous copy.
 *
 * @example
 * g.ones(2, 3).t().contiguous().isContiguous(); // true
 */
export function contiguous(x: Tensor): Tensor {
  checkTensor('contiguous', x);
  if (isContiguous(x.shape, x.strides)) return x;
  return clone(x);
}

/**
 * A copy with its own contiguous storage (differentiable).
 *
 * @example
 * const y = x.clone(); y.add_(1); // x is unchanged
 */
export function clone(x: Tensor): Tensor {
  checkTensor('clone', x);
  const out = wrap(x, x.backend.contiguous(x), x.shape, x.dtype);
  return recordView(out, 'CloneBackward0', x, (g) => g);
}

/**
 * A view with a new shape; throws when the strides do not allow one (use `reshape`).
 *
 * @example
 * g.arange(6).view(2, 3).shape; // [2, 3]
 */
export function view(x: Tensor, ...shapeArgs: ShapeArgs): Tensor {
  checkTensor('view', x);
  const shape = inferShape('view', shapeFromArgs(shapeArgs), x.numel(), x.shape);
  const strides = viewStrides(x.shape, x.strides, shape);
  if (strides === null) {
    throw new Error(
      `view: size ${formatShape(shape)} is not compatible with input tensor's size ${formatShape(x.shape)} and stride ` +
        `${formatShape(x.strides)} (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.`,
    );
  }
  return recordView(x.viewWithLayout(shape, strides, x.offset, 'view'), 'ViewBackward0', x, (g) => g.reshape(x.shape));
}

/**
 * A tensor with a new shape: a view when the layout allows, else a copy. One dim may be -1.
 *
 * @example
 * g.arange(6).reshape(-1, 2).shape; // [3, 2]
 */
export function reshape(x: Tensor, ...shapeArgs: ShapeArgs): Tensor {
  checkTensor('reshape', x);
  const shape = inferShape('reshape', shapeFromArgs(shapeArgs), x.numel(), x.shape);
  const strides = viewStrides(x.shape, x.strides, shape);
  if (strides !== null) {
    return recordView(x.viewWithLayout(shape, strides, x.offset, 'reshape'), 'ViewBackward0', x, (g) => g.reshape(x.shape));
  }
  const copy = wrap(x, x.backend.contiguous(x), shape, x.dtype);
  return recordView(copy, 'UnsafeViewBackward0', x, (g) => g.reshape(x.shape));
}

/**
 * Merges dims startDim..endDim into one.
 *
 * @example
 * g.zeros(2, 3, 4).flatten(1).shape; // [2, 12]
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor('flatten', x);
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.ndim);
  const e = normalizeDim('flatten', endDim, x.ndim);
  if (s > e) throw new Error(`flatten: start_dim (${startDim}) cannot come after end_dim (${endDim})`);
  if (s === e) return x;
  const shape = [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/**
 * Removes dims of size 1 (all of them, or the given ones).
 *
 * @example
 * g.zeros(1, 3, 1).squeeze().shape; // [3]
 */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  checkTensor('squeeze', x);
  const axes = dim === undefined ? x.shape.map((_, i) => i) : normalizeDims('squeeze', dim, x.ndim);
  const shape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < x.ndim; i++) {
    if (x.shape[i] === 1 && axes.includes(i)) continue;
    shape.push(x.shape[i]!);
    strides.push(x.strides[i]!);
  }
  const name = dim === undefined ? 'SqueezeBackward0' : 'SqueezeBackward1';
  return recordView(x.viewWithLayout(shape, strides, x.offset, 'squeeze'), name, x, (g) => g.reshape(x.shape));
}

/**
 * Inserts a dim of size 1 at `dim`.
 *
 * @example
 * g.zeros(3).unsqueeze(0).shape; // [1, 3]
 */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  checkTensor('unsqueeze', x);
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? x.shape[d]! * x.strides[d]! : 1);
  return recordView(x.viewWithLayout(shape, strides, x.offset, 'unsqueeze'), 'UnsqueezeBackward0', x, (g) => g.reshape(x.shape));
}

/**
 * Broadcasts size-1 dims to a larger shape without copying (-1 keeps a size).
 *
 * @example
 * g.tensor([[1], [2]]).expand(2, 3).shape; // [2, 3]
 */
export function expand(x: Tensor, ...shapeArgs: ShapeArgs): Tensor {
  checkTensor('expand', x);
  const target = checkShape('expand', shapeFromArgs(shapeArgs), { minusOne: 'any' });
  if (target.length < x.ndim) {
    throw new Error(
      `expand: the number of sizes provided (${target.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`,
    );
  }
  const lead = target.length - x.ndim;
  const shape = target.map((d, i) => {
    const own = i >= lead ? x.shape[i - lead]! : undefined;
    if (d === -1) {
      if (own === undefined) throw new Error(`expand: -1 is not allowed in a leading, non-existing dimension ${i}`);
      return own;
    }
    if (own !== undefined && own !== 1 && own !== d) {
      throw new Error(
        `expand: the expanded size of the tensor (${d}) must match the existing size (${own}) at non-singleton dimension ${i}. ` +
          `Target sizes: ${formatShape(target)}. Tensor sizes: ${formatShape(x.shape)}`,
      );
    }
    return d;
  });
  const v = expandView(x, shape);
  return recordView(x.viewWithLayout(shape, v.strides, x.offset, 'expand'), 'ExpandBackward0', x, (g) => g);
}

/**
 * Swaps two dims (a view).
 *
 * @example
 * g.zeros(2, 3).transpose(0, 1).shape; // [3, 2]
 */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  checkTensor('transpose', x);
  if (x.ndim === 0) return recordView(x.viewWithLayout(x.shape, x.strides, x.offset, 'transpose'), 'TransposeBackward0', x, (g) => g);
  const a = normalizeDim('transpose', dim0, x.ndim);
  const b = normalizeDim('transpose', dim1, x.ndim);
  const shape = [...x.shape];
  const strides = [...x.strides];
  [shape[a], shape[b]] = [shape[b]!, shape[a]!];
  [strides[a], strides[b]] = [strides[b]!, strides[a]!];
  return recordView(x.viewWithLayout(shape, strides, x.offset, 'transpose'), 'TransposeBackward0', x, (g) => g.transpose(a, b));
}

/**
 * The transpose of a matrix; 0-D and 1-D tensors come back as they are.
 *
 * @example
 * g.zeros(2, 3).t().shape; // [3, 2]
 */
export function t(x: Tensor): Tensor {
  checkTensor('t', x);
  if (x.ndim > 2) throw new Error(`t() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  const out =
    x.ndim < 2
      ? x.viewWithLayout(x.shape, x.strides, x.offset, 't')
      : x.viewWithLayout([x.shape[1]!, x.shape[0]!], [x.strides[1]!, x.strides[0]!], x.offset, 't');
  return recordView(out, 'TBackward0', x, (g) => g.t());
}

/**
 * Reorders dims (a view).
 *
 * @example
 * g.zeros(2, 3, 4).permute(2, 0, 1).shape; // [4, 2, 3]
 */
export function permute(x: Tensor, ...dimArgs: ShapeArgs): Tensor {
  checkTensor('permute', x);
  const given = shapeFromArgs(dimArgs);
  if (!Array.isArray(given)) throw new TypeError(`permute: dims must be an array of integers, got ${typeof given}`);
  const dims = given as number[];
  if (dims.length !== x.ndim) {
    throw new Error(
      `permute: number of dims don't match in permute (got ${dims.length} dims for a ${x.ndim}-D tensor of shape ${formatShape(x.shape)})`,
    );
  }
  const axes = dims.map((d) => normalizeDim('permute', d, x.ndim));
  if (new Set(axes).size !== axes.length) throw new Error(`permute: repeated dim in ${formatShape(dims)}`);
  const out = x.viewWithLayout(
    axes.map((a) => x.shape[a]!),
    axes.map((a) => x.strides[a]!),
    x.offset,
    'permute',
  );
  const inverse = new Array<number>(axes.length);
  axes.forEach((a, i) => (inverse[a] = i));
  return recordView(out, 'PermuteBackward0', x, (g) => g.permute(inverse));
}

/**
 * Elements `start, start+step, …` below `end` along `dim` (a view). Negative indices count from the end.
 *
 * @example
 * g.arange(6).slice(0, 1, 5, 2).tolist(); // [1, 3]
 */
export function slice(x: Tensor, dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
  checkTensor('slice', x);
  const d = normalizeDim('slice', dim, x.ndim);
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step <= 0)
    throw new Error(`slice: slice step must be a positive integer, got ${String(step)}`);
  if (start !== undefined && start !== null) checkInteger('slice', 'start', start, true);
  if (end !== undefined && end !== null) checkInteger('slice', 'end', end, true);
  const size = x.shape[d]!;
  const clampIndex = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const s = start === undefined || start === null ? 0 : clampIndex(start);
  const e = Math.max(end === undefined || end === null ? size : clampIndex(end), s);
  const len = Math.ceil((e - s) / step);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[d] = len;
  strides[d] = x.strides[d]! * step;
  const out = x.viewWithLayout(shape, strides, x.offset + s * x.strides[d]!, 'slice');
  return recordView(out, 'SliceBackward0', x, (g) => sliceBackward(g, x.shape, d, s, step));
}

/** Places `g` back at positions start, start+step, … of a zero tensor of `shape` (differentiably). */
function sliceBackward(g: Tensor, shape: readonly number[], dim: number, start: number, step: number): Tensor {
  let spread = g;
  if (step > 1) {
    // Interleave step-1 zeros after each element: [.., n, ..] -> [.., n, step, ..] -> [.., n*step, ..].
    const withAxis = g.unsqueeze(dim + 1);
    const padded = pad(withAxis, [...new Array(2 * (g.ndim - dim - 1)).fill(0), 0, step - 1]);
    spread = padded.flatten(dim, dim + 1);
  }
  const after = shape[dim]! - start - spread.shape[dim]!;
  const pads = new Array<number>(2 * (g.ndim - dim)).fill(0);
  pads[pads.length - 2] = start;
  pads[pads.length - 1] = after;
  return pad(spread, pads);
}

/**
 * `length` elements from `start` along `dim` (a view).
 *
 * @example
 * g.arange(5).narrow(0, 1, 2).tolist(); // [1, 2]
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor('narrow', x);
  if (x.ndim === 0) throw new Error('narrow() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim('narrow', dim, x.ndim);
  checkInteger('narrow', 'start', start);
  checkInteger('narrow', 'length', length);
  const size = x.shape[d]!;
  const s = start < 0 ? start + size : start;
  if (s < 0 || length < 0 || s + length > size) {
    throw new RangeError(`narrow: start (${start}) + length (${length}) exceeds dimension size (${size}) of dim ${dim}`);
  }
  return slice(x, d, s, s + length);
}

/**
 * The sub-tensor at `index` along `dim`, with that dim removed (a view).
 *
 * @example
 * g.tensor([[1, 2], [3, 4]]).select(0, 1).tolist(); // [3, 4]
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  checkTensor('select', x);
  if (x.ndim === 0) throw new Error('select() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim('select', dim, x.ndim);
  const size = x.shape[d]!;
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new RangeError(`select(): index ${index} out of range for tensor of size ${formatShape(x.shape)} at dimension ${dim}`);
  }
  const i = index < 0 ? index + size : index;
  const shape = x.shape.filter((_, k) => k !== d);
  const strides = x.strides.filter((_, k) => k !== d);
  const out = x.viewWithLayout(shape, strides, x.offset + i * x.strides[d]!, 'select');
  return recordView(out, 'SelectBackward0', x, (g) => sliceBackward(g.unsqueeze(d), x.shape, d, i, 1));
}

/**
 * Reverses the order of elements along the given dims (a copy, as in PyTorch).
 *
 * @example
 * g.tensor([1, 2, 3]).flip(0).tolist(); // [3, 2, 1]
 */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  checkTensor('flip', x);
  const axes = normalizeDims('flip', dims, x.ndim);
  const strides = [...x.strides];
  let offset = x.offset;
  for (const a of axes) {
    if (x.shape[a]! > 0) offset += (x.shape[a]! - 1) * x.strides[a]!;
    strides[a] = -strides[a]!;
  }
  const reversed = { handle: x.handle, dtype: x.dtype, shape: x.shape, strides, offset };
  const out = wrap(x, x.backend.contiguous(reversed), x.shape, x.dtype);
  return recordView(out, 'FlipBackward0', x, (g) => g.flip(axes));
}

/**
 * Tiles the tensor `reps[i]` times along each dim (a copy).
 *
 * @example
 * g.tensor([1, 2]).repeat(2).tolist(); // [1, 2, 1, 2]
 */
export function repeat(x: Tensor, ...repArgs: ShapeArgs): Tensor {
  checkTensor('repeat', x);
  const reps = checkShape('repeat', shapeFromArgs(repArgs), { what: 'repeats' });
  if (reps.length < x.ndim) {
    throw new Error(
      `repeat: number of dimensions of repeat dims (${reps.length}) can not be smaller than number of dimensions of tensor (${x.ndim})`,
    );
  }
  const lead = reps.length - x.ndim;
  const base = [...new Array(lead).fill(1), ...x.shape] as number[];
  // View as [r0, s0, r1, s1, ...] with stride 0 on the repeat axes, then copy.
  const interleaved: number[] = [];
  const strides: number[] = [];
  const baseStrides = [...new Array(lead).fill(0), ...x.strides] as number[];
  for (let i = 0; i < reps.length; i++) {
    interleaved.push(reps[i]!, base[i]!);
    strides.push(0, baseStrides[i]!);
  }
  const outShape = checkShape(
    'repeat',
    reps.map((r, i) => r * base[i]!),
  );
  // The repeats set the size of a new tensor: check it here, at the boundary, with this op's name.
  checkAllocation('repeat', outShape, x.dtype, x.device);
  const handle = x.backend.contiguous({ handle: x.handle, dtype: x.dtype, shape: interleaved, strides, offset: x.offset });
  const out = wrap(x, handle, outShape, x.dtype);
  return recordView(out, 'RepeatBackward0', x, (g) => {
    const axes = reps.map((_, i) => 2 * i);
    return g.reshape(interleaved).sum(axes).reshape(x.shape);
  });
}

/** Keyword arguments of `cat`, `stack`, `split` and `chunk` (PyTorch's `dim=`). */
export interface DimOptions {
  /** The dim (default 0). */
  dim?: number;
}

/** The dim of `cat`, `stack`, `split`, `chunk`: positional or `{ dim }` (as PyTorch's keyword), 0 by default. */
function dimArgument(op: string, dim: unknown, options: unknown): number {
  const d = parseArgs(op, [dim, options], ['dim'])['dim'] ?? 0;
  if (typeof d !== 'number' || !Number.isInteger(d)) {
    throw new TypeError(`${op}(): argument 'dim' must be an integer, not ${typeof d === 'number' ? d : typeof d}`);
  }
  return d;
}

/**
 * Concatenates tensors along `dim` (all other dims must agree); `dim` may
 * also go in an options object, as PyTorch's keyword.
 *
 * @example
 * g.cat([g.ones(2), g.zeros(1)]).tolist(); // [1, 1, 0]
 * g.cat([g.ones(2, 1), g.zeros(2, 1)], { dim: 1 }).shape; // [2, 2]
 */
export function cat(tensors: readonly Tensor[], dimOrOptions?: number | DimOptions, options?: DimOptions): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error('cat(): expected a non-empty list of Tensors');
  const dim = dimArgument('cat', dimOrOptions, options);
  tensors.forEach((x, i) => checkTensor('cat', x, `tensors[${i}]`));
  // PyTorch skips legacy empty 1-D tensors in cat.
  const parts = tensors.filter((x) => !(x.ndim === 1 && x.shape[0] === 0));
  const first = parts[0] ?? tensors[0]!;
  if (first.ndim === 0) throw new Error('cat(): zero-dimensional tensor (at position 0) cannot be concatenated');
  const d = normalizeDim('cat', dim, first.ndim);
  let dtype = first.dtype;
  for (const [i, x] of parts.entries()) {
    if (x.device !== first.device) throw mixedDevices('cat', first, x);
    if (x.ndim !== first.ndim) {
      throw new Error(
        `cat(): Tensors must have same number of dimensions: got ${first.ndim} and ${x.ndim} (tensor ${i} has shape ${formatShape(x.shape)})`,
      );
    }
    for (let k = 0; k < x.ndim; k++) {
      if (k !== d && x.shape[k] !== first.shape[k]) {
        throw new Error(
          `cat(): Sizes of tensors must match except in dimension ${d}. Expected size ${first.shape[k]} but got size ${x.shape[k]} ` +
            `for tensor number ${i} in the list (shapes ${formatShape(first.shape)} and ${formatShape(x.shape)})`,
        );
      }
    }
    dtype = widenDType(dtype, x.dtype);
  }
  const shape = [...first.shape];
  shape[d] = parts.reduce((n, x) => n + x.shape[d]!, 0);
  const casts = parts.map((x) => (x.dtype === dtype ? x : x.to(dtype)));
  // Only legacy empty 1-D tensors: nothing to concatenate (the kernel takes at least one input).
  const handle = casts.length === 0 ? first.backend.fill(0, 0, dtype) : first.backend.concat(casts, d);
  const out = wrap(first, handle, shape, dtype);
  casts.forEach((c, i) => c !== parts[i] && c.dispose());
  if (parts.some((x) => needsGrad(x))) {
    const sizes = parts.map((x) => x.shape[d]!);
    record(out, 'CatBackward0', parts, (g) => g.split(sizes, d));
  }
  return out;
}

function widenDType(a: Tensor['dtype'], b: Tensor['dtype']): Tensor['dtype'] {
  const rank = { bool: 0, int32: 1, float32: 2, float64: 3 } as const;
  return rank[a] >= rank[b] ? a : b;
}

/**
 * Stacks same-shaped tensors along a new dim (`dim`, or `{ dim }`).
 *
 * @example
 * g.stack([g.ones(2), g.zeros(2)]).shape; // [2, 2]
 * g.stack([g.ones(2), g.zeros(2)], { dim: 1 }).shape; // [2, 2]
 */
export function stack(tensors: readonly Tensor[], dimOrOptions?: number | DimOptions, options?: DimOptions): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error('stack(): expected a non-empty list of Tensors');
  const dim = dimArgument('stack', dimOrOptions, options);
  tensors.forEach((x, i) => checkTensor('stack', x, `tensors[${i}]`));
  const first = tensors[0]!;
  for (const [i, x] of tensors.entries()) {
    if (!shapesEqual(x.shape, first.shape)) {
      throw new Error(
        `stack expects each tensor to be equal size, but got ${formatShape(first.shape)} at entry 0 and ${formatShape(x.shape)} at entry ${i}`,
      );
    }
  }
  const d = normalizeDim('stack', dim, first.ndim + 1);
  return composite(
    () =>
      cat(
        tensors.map((x) => x.unsqueeze(d)),
        d,
      ),
    {
      name: 'StackBackward0',
      inputs: tensors,
      backward: (g) => tensors.map((_, i) => g.select(d, i)),
    },
  );
}

/**
 * Splits into chunks of `size` (the last may be smaller) or into the given section sizes,
 * along `dim` (or `{ dim }`). The chunks are views.
 *
 * @example
 * g.arange(5).split(2).map((c) => c.tolist()); // [[0, 1], [2, 3], [4]]
 * g.zeros(2, 4).split(2, { dim: 1 }).length; // 2
 */
export function split(
  x: Tensor,
  sizeOrSections: number | readonly number[],
  dimOrOptions?: number | DimOptions,
  options?: DimOptions,
): Tensor[] {
  checkTensor('split', x);
  const dim = dimArgument('split', dimOrOptions, options);
  if (x.ndim === 0) throw new Error('split expects at least a 1-dimensional tensor');
  const d = normalizeDim('split', dim, x.ndim);
  const size = x.shape[d]!;
  let sections: number[];
  if (typeof sizeOrSections === 'number') {
    // A size of 0 splits only an empty dim (into one empty piece), as PyTorch's.
    if (!Number.isInteger(sizeOrSections) || sizeOrSections < 0 || (sizeOrSections === 0 && size !== 0)) {
      throw new Error(`split: split_size must be a positive integer, but got ${sizeOrSections}`);
    }
    sections = [];
    for (let s = 0; s < size && sizeOrSections > 0; s += sizeOrSections) sections.push(Math.min(sizeOrSections, size - s));
    if (sections.length === 0) sections.push(0);
  } else {
    sections = checkShape('split', sizeOrSections, { what: 'list of split sizes' });
    const total = sections.reduce((a, b) => a + b, 0);
    if (total !== size) {
      throw new Error(
        `split_with_sizes expects split_sizes to sum exactly to ${size} (input tensor's size at dimension ${d}), but got split_sizes=${formatShape(sections)}`,
      );
    }
  }
  const outs: Tensor[] = [];
  let start = 0;
  for (const len of sections) {
    const shape = [...x.shape];
    shape[d] = len;
    outs.push(x.viewWithLayout(shape, x.strides, x.offset + start * x.strides[d]!, 'split'));
    start += len;
  }
  if (needsGrad(x)) {
    const name = typeof sizeOrSections === 'number' ? 'SplitBackward0' : 'SplitWithSizesBackward0';
    recordMulti(outs, name, [x], (grads) => {
      const parts = outs.map((o, i) => grads[i] ?? zerosShaped(o));
      return [cat(parts, d)];
    });
  }
  return outs;
}

function zerosShaped(like: Tensor): Tensor {
  return wrap(like, like.backend.fill(like.numel(), 0, like.dtype), like.shape, like.dtype);
}

/**
 * Splits into `chunks` nearly equal pieces (views) along `dim` (or `{ dim }`), as torch.chunk.
 *
 * @example
 * g.arange(5).chunk(2).map((c) => c.tolist()); // [[0, 1, 2], [3, 4]]
 * g.zeros(2, 4).chunk(2, { dim: 1 }).length; // 2
 */
export function chunk(x: Tensor, chunks: number, dimOrOptions?: number | DimOptions, options?: DimOptions): Tensor[] {
  checkTensor('chunk', x);
  const dim = dimArgument('chunk', dimOrOptions, options);
  if (x.ndim === 0) throw new Error('chunk expects at least a 1-dimensional tensor');
  if (!Number.isInteger(chunks) || chunks <= 0) throw new Error(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normalizeDim('chunk', dim, x.ndim);
  const size = x.shape[d]!;
  // An empty dim gives `chunks` empty pieces, as PyTorch's.
  if (size === 0) return split(x, new Array<number>(chunks).fill(0), d);
  return split(x, Math.ceil(size / chunks), d);
}
