/**
 * The items of `t.index(...items)` and `t.indexPut_(items, …)` — PyTorch's
 * `x[items]` — parsed as PyTorch's `applySlicing` parses a subscript: basic
 * items (integers, slices, `null`, `'...'`) become view steps on `x`;
 * advanced items (index tensors and arrays, masks, booleans) become index
 * slots on the dims of that view. Everything here runs on the host; tensors
 * are only looked at for their dtype and shape (a 0-d index tensor is read,
 * as PyTorch's `item()` reads it).
 */
import { checkOptions } from '../options.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, isTensor } from './dispatch.js';

/** A slice as an object: PyTorch's `start:stop:step` (each may be omitted or null). */
export interface IndexSlice {
  start?: number | null;
  stop?: number | null;
  step?: number | null;
}

/** Nested arrays of integers (an index) or of booleans (a mask). */
export type IndexArray = number | boolean | readonly IndexArray[];

/**
 * One item of an indexing expression, PyTorch's `x[a, b, …]`: an integer, a
 * slice (`':'`, `'1:3'`, `'::2'`, `'-1:'` or `{ start, stop, step }`), `null`
 * (a new axis), `'...'`, `true`/`false`, an int32 tensor or nested arrays of
 * integers (advanced indexing), or a bool tensor or nested arrays of booleans
 * (a mask).
 */
export type IndexItem = number | boolean | null | string | IndexSlice | Tensor | readonly IndexArray[];

/** A view step on the tensor being indexed, with its parameters already normalised (in range, non-negative). */
export type Step =
  | { readonly kind: 'select'; readonly dim: number; readonly index: number }
  | { readonly kind: 'slice'; readonly dim: number; readonly start: number; readonly length: number; readonly step: number }
  | { readonly kind: 'unsqueeze'; readonly dim: number };

/**
 * An advanced index on dim `dim` of the basic view: an int32 tensor, or host
 * values with their shape (arrays, booleans, masks made coordinates), not yet
 * bounds-checked or normalised.
 */
export interface Slot {
  readonly dim: number;
  readonly tensor?: Tensor;
  readonly host?: { readonly values: Int32Array; readonly shape: readonly number[] };
}

/** A mask item before it is turned into index slots (which needs its values). */
interface MaskItem {
  readonly dim: number;
  readonly tensor?: Tensor;
  readonly host?: { readonly values: Uint8Array; readonly shape: readonly number[] };
}

/** A parsed indexing expression: the view steps, the shape they give, and the advanced items on it. */
export interface IndexPlan {
  readonly steps: readonly Step[];
  readonly viewShape: readonly number[];
  /** Advanced items in dim order: index slots and masks (a mask spans as many dims as it has). */
  readonly advanced: readonly ({ readonly slot: Slot } | { readonly mask: MaskItem })[];
  /** Whether the expression had a single item (PyTorch's single-item fast paths: no slice optimisation). */
  readonly single: boolean;
}

type Parsed =
  | { kind: 'int'; value: number }
  | { kind: 'slice'; start: number | null; stop: number | null; step: number }
  | { kind: 'ellipsis' }
  | { kind: 'none' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'index'; tensor?: Tensor; host?: { values: Int32Array; shape: number[] } }
  | { kind: 'mask'; tensor?: Tensor; host?: { values: Uint8Array; shape: number[] } };

function describe(item: unknown): string {
  if (item === undefined) return 'undefined';
  if (typeof item === 'number' || typeof item === 'boolean') return String(item);
  if (typeof item === 'string') return JSON.stringify(item);
  if (typeof item === 'function') return 'a function';
  return typeof item;
}

function invalidItem(op: string, item: unknown): TypeError {
  return new TypeError(
    `${op}(): only integers, slices ('1:3', '::2' or { start, stop, step }), '...', null, booleans, and int32 or bool ` +
      `tensors or arrays are valid indices (got ${describe(item)})`,
  );
}

const SLICE = /^\s*([+-]?\d+)?\s*:\s*([+-]?\d+)?\s*(?::\s*([+-]?\d+)?\s*)?$/;

/** A slice's step as Python checks it: an integer, not 0 ("slice step cannot be zero"), not negative (PyTorch has no negative steps). */
function checkStep(step: number): number {
  if (step === 0) throw new Error('slice step cannot be zero');
  if (step < 0) throw new Error('step must be greater than zero');
  return step;
}

function sliceBound(op: string, name: string, v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new TypeError(`${op}(): slice ${name} must be an integer or null, got ${describe(v)}`);
  return v;
}

/** Nested arrays as flat host values and a shape: all integers (an index) or all booleans (a mask). */
function fromArray(op: string, data: readonly IndexArray[]): Parsed {
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: number[] = [];
  let bools = 0;
  const walk = (node: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (typeof node === 'boolean') {
        bools++;
        flat.push(node ? 1 : 0);
      } else if (typeof node === 'number' && Number.isInteger(node)) flat.push(node);
      else
        throw new TypeError(
          `${op}(): an index array holds integers (advanced indexing) or booleans (a mask), got ${Array.isArray(node) ? 'a ragged array' : describe(node)}`,
        );
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[dim]) {
      throw new Error(`${op}(): an index array must be rectangular: expected a sequence of length ${shape[dim]} at depth ${dim}`);
    }
    for (const child of node) walk(child, dim + 1);
  };
  walk(data, 0);
  if (bools !== 0 && bools !== flat.length) throw new TypeError(`${op}(): an index array mixes booleans and integers`);
  if (bools !== 0) return { kind: 'mask', host: { values: Uint8Array.from(flat), shape } };
  for (const v of flat) {
    if (v < -(2 ** 31) || v >= 2 ** 31) throw new RangeError(`${op}(): index ${v} does not fit in int32, Graft's index type`);
  }
  return { kind: 'index', host: { values: Int32Array.from(flat), shape } };
}

function parseItem(op: string, item: unknown): Parsed {
  if (item === null) return { kind: 'none' };
  if (typeof item === 'boolean') return { kind: 'bool', value: item };
  if (typeof item === 'number') {
    if (!Number.isInteger(item)) throw invalidItem(op, item);
    return { kind: 'int', value: item };
  }
  if (typeof item === 'string') {
    if (item.trim() === '...') return { kind: 'ellipsis' };
    const m = SLICE.exec(item);
    if (m === null) throw invalidItem(op, item);
    const step = m[3] === undefined ? 1 : checkStep(Number(m[3]));
    return { kind: 'slice', start: m[1] === undefined ? null : Number(m[1]), stop: m[2] === undefined ? null : Number(m[2]), step };
  }
  if (isTensor(item)) {
    checkTensor(op, item, 'index');
    if (item.dtype === 'bool') {
      // A 0-d mask is a boolean: PyTorch reads it (item()).
      if (item.ndim === 0) return { kind: 'bool', value: item.item() as boolean };
      return { kind: 'mask', tensor: item };
    }
    if (item.dtype !== 'int32')
      throw new TypeError(`${op}(): tensors used as indices must be int32 (long) or bool tensors, got ${item.dtype}`);
    // A 0-d index tensor is an integer: PyTorch reads it (item()) and selects.
    if (item.ndim === 0) return { kind: 'int', value: item.item() as number };
    return { kind: 'index', tensor: item };
  }
  if (Array.isArray(item)) return fromArray(op, item as readonly IndexArray[]);
  if (typeof item === 'object' && !ArrayBuffer.isView(item)) {
    const o = checkOptions<IndexSlice>(op, item as IndexSlice, ['start', 'stop', 'step']);
    const step = o.step === undefined || o.step === null ? 1 : checkStep(sliceBound(op, 'step', o.step)!);
    return { kind: 'slice', start: sliceBound(op, 'start', o.start), stop: sliceBound(op, 'stop', o.stop), step };
  }
  throw invalidItem(op, item);
}

/** How many dims of `x` the items index (PyTorch's count_specified_dimensions): all but null, '...' and booleans; a mask counts its dims. */
function specifiedDims(items: readonly Parsed[]): number {
  let n = 0;
  for (const p of items) {
    if (p.kind === 'int' || p.kind === 'slice' || p.kind === 'index') n++;
    else if (p.kind === 'mask') n += p.tensor?.ndim ?? p.host!.shape.length;
  }
  return n;
}

/** Python's slice of a dim of `size`, for a positive step: where it starts and how many elements it takes. */
export function sliceRange(size: number, start: number | null, stop: number | null, step: number): { start: number; length: number } {
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const s = start === null ? 0 : clamp(start);
  const e = stop === null ? size : clamp(stop);
  return { start: s, length: e > s ? Math.ceil((e - s) / step) : 0 };
}

function outOfBounds(index: number, dim: number, size: number): RangeError {
  return new RangeError(`index ${index} is out of bounds for dimension ${dim} with size ${size}`);
}

/**
 * Parses `items` against `x`'s shape into view steps and advanced items, with
 * PyTorch's checks and messages, in PyTorch's order: too many indices, then
 * item by item (an integer out of range, a zero or negative slice step).
 * Masks span as many dims as they have (PyTorch ≥ 2.0; 1.13 advanced its dim
 * by one, which misplaces basic items after a mask of several dims).
 */
export function planIndex(op: string, x: Tensor, items: readonly unknown[]): IndexPlan {
  const parsed = items.map((item) => parseItem(op, item));
  const single = parsed.length === 1;
  const specified = specifiedDims(parsed);
  const shape = [...x.shape];
  if (!single || (parsed[0]!.kind !== 'int' && parsed[0]!.kind !== 'slice')) {
    if (specified > x.ndim) throw new RangeError(`too many indices for tensor of dimension ${x.ndim}`);
  }
  const steps: Step[] = [];
  const advanced: ({ slot: Slot } | { mask: MaskItem })[] = [];
  let dim = 0;
  parsed.forEach((p, realDim) => {
    switch (p.kind) {
      case 'int': {
        if (x.ndim === 0 && p.value === 0) {
          throw new RangeError('invalid index of a 0-dim tensor. Use `tensor.item()` to convert a 0-dim tensor to a number');
        }
        const size = shape[dim] ?? 0;
        if (!(p.value >= -size && p.value < size)) throw outOfBounds(p.value, realDim, size);
        steps.push({ kind: 'select', dim, index: p.value < 0 ? p.value + size : p.value });
        shape.splice(dim, 1);
        return;
      }
      case 'slice': {
        if (x.ndim === 0) throw new RangeError('slice() cannot be applied to a 0-dim tensor.');
        if (dim >= shape.length) throw new RangeError(`too many indices for tensor of dimension ${x.ndim}`);
        const size = shape[dim]!;
        // PyTorch skips a slice that keeps the whole dim (0:size:1) except when it is the only item.
        const whole = (p.start ?? 0) === 0 && p.stop === size && p.step === 1;
        if (!whole || single) {
          const { start, length } = sliceRange(size, p.start, p.stop, p.step);
          steps.push({ kind: 'slice', dim, start, length, step: p.step });
          shape[dim] = length;
        }
        dim++;
        return;
      }
      case 'ellipsis':
        dim += x.ndim - specified;
        return;
      case 'none':
        steps.push({ kind: 'unsqueeze', dim });
        shape.splice(dim, 0, 1);
        dim++;
        return;
      case 'bool':
        // A new axis of size 1, indexed as 0: (true) or as empty (false).
        steps.push({ kind: 'unsqueeze', dim });
        shape.splice(dim, 0, 1);
        advanced.push({ slot: { dim, host: { values: p.value ? Int32Array.of(0) : new Int32Array(0), shape: [p.value ? 1 : 0] } } });
        dim++;
        return;
      case 'index':
        advanced.push({ slot: { dim, ...(p.tensor !== undefined ? { tensor: p.tensor } : { host: p.host! }) } });
        dim++;
        return;
      case 'mask': {
        const nd = p.tensor?.ndim ?? p.host!.shape.length;
        advanced.push({ mask: { dim, ...(p.tensor !== undefined ? { tensor: p.tensor } : { host: p.host! }) } });
        dim += nd;
        return;
      }
    }
  });
  // A mask's sizes must be those of the dims it spans (checked on the final view, as PyTorch does).
  for (const a of advanced) {
    if (!('mask' in a)) continue;
    const m = a.mask;
    const maskShape = m.tensor?.shape ?? m.host!.shape;
    maskShape.forEach((size, j) => {
      if (size !== shape[m.dim + j]) {
        throw new RangeError(
          `The shape of the mask ${formatShape(maskShape)} at index ${j} does not match the shape of the indexed tensor ${formatShape(shape)} at index ${m.dim + j}`,
        );
      }
    });
  }
  return { steps, viewShape: shape, advanced, single };
}
