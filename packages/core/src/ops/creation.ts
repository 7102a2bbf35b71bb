/**
 * Creation functions. Random ones draw from the one seeded generator
 * (random.ts), so the same seed gives the same values on every device.
 */
import { type DType, dtypeOfArray, isDType, type TypedArray, ARRAY_TYPE } from '../dtype.js';
import { normalValues, randintValues, uniformValues } from '../random.js';
import { formatShape, numel, parseShapeArgs } from '../shape.js';
import { checkOptions as validate } from '../options.js';
import { Tensor } from '../tensor.js';
import { fromValues, isTensor, resolveDevice } from './dispatch.js';

/** The trailing options every creation function takes. */
export interface CreationOptions {
  dtype?: DType;
  device?: string;
  requiresGrad?: boolean;
}

/** Options of `g.tensor`: a TypedArray also needs its `shape` (default: 1-D). */
export interface TensorOptions extends CreationOptions {
  shape?: readonly number[];
}

/** Nested arrays of numbers or booleans. */
export type NestedArray = number | boolean | readonly NestedArray[];

type ShapeAndOptions = (number | readonly number[] | CreationOptions | undefined)[];

/** The creation options, validated (`g.checkOptions`: a misspelt key throws) and with a known dtype. */
function checkOptions<O extends CreationOptions>(op: string, options: O | undefined, extra: readonly (keyof O & string)[] = []): O {
  const o = validate<O>(op, options, ['dtype', 'device', 'requiresGrad', ...extra]);
  if (o.dtype !== undefined && !isDType(o.dtype)) {
    throw new TypeError(`${op}: unknown dtype '${String(o.dtype)}' (expected 'float32', 'float64', 'int32' or 'bool')`);
  }
  return o;
}

function finish(t: Tensor, options: CreationOptions): Tensor {
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

function make(_op: string, values: TypedArray, shape: readonly number[], dtype: DType, options: CreationOptions): Tensor {
  return finish(fromValues(values, shape, dtype, options.device), options);
}

function castValues(values: ArrayLike<number>, dtype: DType, op = 'tensor'): TypedArray {
  const out = new ARRAY_TYPE[dtype](values.length);
  if (dtype === 'bool') for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0;
  else if (dtype === 'int32') for (let i = 0; i < values.length; i++) out[i] = int32Value(op, values[i]!);
  else out.set(values);
  return out;
}

/** A value for an int32 tensor, truncated toward zero; one outside int32 is an error, never wrapped (PyTorch's int64 would hold it). */
function int32Value(op: string, v: number): number {
  const t = Math.trunc(v);
  if (!(t >= -2147483648 && t <= 2147483647)) {
    throw new RangeError(`${op}: value ${v} does not fit in int32, Graft's integer type (PyTorch's int64 would hold it); use dtype 'float64' (or 'float32') for it`);
  }
  return t;
}

/**
 * A tensor from a number, nested arrays or a TypedArray (give `{ shape }` for
 * more than one dim). Numbers give float32 and booleans give bool, as PyTorch
 * does for float and bool literals; a TypedArray gives its own dtype.
 *
 * @example
 * g.tensor([[1, 2], [3, 4]]); // tensor([[1., 2.], [3., 4.]])
 * g.tensor(new Int32Array([1, 2, 3, 4]), { shape: [2, 2] }); // int32
 */
export function tensor(data: NestedArray | TypedArray | Tensor, options?: TensorOptions): Tensor {
  const o: TensorOptions = checkOptions('tensor', options, ['shape']);
  if (isTensor(data)) {
    const copy = data.detach().clone();
    return finish(o.dtype !== undefined ? copy.to(o.dtype) : copy, o);
  }
  if (ArrayBuffer.isView(data)) {
    const own = dtypeOfArray(data as TypedArray);
    if (own === undefined) throw new TypeError(`tensor: unsupported TypedArray ${data.constructor.name} (use Float32Array, Float64Array, Int32Array or Uint8Array)`);
    const arr = data as TypedArray;
    const shape = o.shape ?? [arr.length];
    if (numel(shape) !== arr.length) {
      throw new Error(`tensor: shape ${formatShape(shape)} has ${numel(shape)} elements but the array has ${arr.length}`);
    }
    const dtype = o.dtype ?? own;
    return make('tensor', castValues(arr, dtype), shape, dtype, o);
  }
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: number[] = [];
  let sawBool = false;
  let sawNumber = false;
  const walk = (node: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (typeof node === 'boolean') {
        sawBool = true;
        flat.push(node ? 1 : 0);
      } else if (typeof node === 'number') {
        sawNumber = true;
        flat.push(node);
      } else {
        throw new TypeError(`tensor: expected a number or boolean at depth ${dim}, got ${Array.isArray(node) ? 'a nested array' : typeof node}`);
      }
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[dim]) {
      const got = Array.isArray(node) ? node.length : typeof node;
      throw new Error(`tensor: expected sequence of length ${shape[dim]} at dim ${dim} (got ${got})`);
    }
    for (const child of node) walk(child, dim + 1);
  };
  walk(data, 0);
  const dtype = o.dtype ?? (sawBool && !sawNumber ? 'bool' : 'float32');
  return make('tensor', castValues(flat, dtype), shape, dtype, o);
}

function shapeAndOptions(op: string, args: ShapeAndOptions): { shape: number[]; options: CreationOptions } {
  const { shape, rest } = parseShapeArgs<CreationOptions>(op, args);
  return { shape, options: checkOptions(op, rest) };
}

function filled(op: string, shape: readonly number[], value: number, options: CreationOptions, dtype: DType): Tensor {
  const { backend, name } = resolveDevice(options.device);
  if (dtype === 'float64' && !backend.supportsFloat64) throw new Error(`${op}: float64 is not supported on device '${name}'`);
  const v = dtype === 'bool' ? (value ? 1 : 0) : dtype === 'int32' ? int32Value(op, value) : value;
  return finish(Tensor.fromHandle(backend, name, backend.fill(numel(shape), v, dtype), shape, dtype), options);
}

/**
 * A tensor of zeros. @example g.zeros(2, 3); g.zeros([2, 3], { dtype: 'int32' })
 */
export function zeros(...args: ShapeAndOptions): Tensor {
  const { shape, options } = shapeAndOptions('zeros', args);
  return filled('zeros', shape, 0, options, options.dtype ?? 'float32');
}

/** A tensor of ones. @example g.ones(2, 2) // tensor([[1., 1.], [1., 1.]]) */
export function ones(...args: ShapeAndOptions): Tensor {
  const { shape, options } = shapeAndOptions('ones', args);
  return filled('ones', shape, 1, options, options.dtype ?? 'float32');
}

/** An uninitialised tensor (Graft zero-fills it). @example g.empty(3).shape // [3] */
export function empty(...args: ShapeAndOptions): Tensor {
  const { shape, options } = shapeAndOptions('empty', args);
  return filled('empty', shape, 0, options, options.dtype ?? 'float32');
}

/**
 * A tensor filled with `value` (float32 unless the value is boolean or a dtype is given).
 *
 * @example
 * g.full([2], 7); // tensor([7., 7.])
 */
export function full(shape: readonly number[], value: number | boolean, options?: CreationOptions): Tensor {
  const o = checkOptions('full', options);
  const { shape: s } = parseShapeArgs('full', [shape]);
  const dtype = o.dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  return filled('full', s, Number(value), o, dtype);
}

/**
 * Values from `start` to `end` (exclusive) by `step`; int32 when all arguments
 * are integers, as PyTorch's integer arange.
 *
 * @example
 * g.arange(3); // tensor([0, 1, 2])
 * g.arange(0, 1, 0.25); // tensor([0.0000, 0.2500, 0.5000, 0.7500])
 */
export function arange(end: number, options?: CreationOptions): Tensor;
export function arange(start: number, end: number, options?: CreationOptions): Tensor;
export function arange(start: number, end: number, step: number, options?: CreationOptions): Tensor;
export function arange(...args: (number | CreationOptions | undefined)[]): Tensor {
  const nums = args.filter((a): a is number => typeof a === 'number');
  const o = checkOptions('arange', args.find((a): a is CreationOptions => typeof a === 'object' && a !== null));
  const [start, end, step] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
  if (step === 0) throw new Error('arange: step must be nonzero');
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new Error(`arange: unsupported range: ${start} -> ${end}`);
  if ((step > 0 && end < start) || (step < 0 && end > start)) {
    throw new Error(`arange: upper bound and larger bound inconsistent with step sign (start=${start}, end=${end}, step=${step})`);
  }
  const size = Math.ceil((end - start) / step);
  const dtype = o.dtype ?? (nums.every(Number.isInteger) ? 'int32' : 'float32');
  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) values[i] = start + i * step;
  return make('arange', castValues(values, dtype, 'arange'), [size], dtype, o);
}

/**
 * `steps` evenly spaced values from `start` to `end` inclusive.
 *
 * @example
 * g.linspace(0, 1, 5); // tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
 */
export function linspace(start: number, end: number, steps: number, options?: CreationOptions): Tensor {
  const o = checkOptions('linspace', options);
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: number of steps must be non-negative, got ${steps}`);
  const values = new Float64Array(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Like ATen: fill from both ends so the last value is exactly `end`.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) values[i] = i < half ? start + step * i : end - step * (steps - i - 1);
  const dtype = o.dtype ?? 'float32';
  return make('linspace', castValues(values, dtype, 'linspace'), [steps], dtype, o);
}

/**
 * The n×m identity matrix (m defaults to n).
 *
 * @example
 * g.eye(2); // tensor([[1., 0.], [0., 1.]])
 */
export function eye(n: number, m?: number | CreationOptions, options?: CreationOptions): Tensor {
  const cols = typeof m === 'number' ? m : n;
  const o = checkOptions('eye', typeof m === 'object' ? m : options);
  const dtype = o.dtype ?? 'float32';
  const values = new ARRAY_TYPE[dtype](n * cols);
  for (let i = 0; i < Math.min(n, cols); i++) values[i * cols + i] = 1;
  return make('eye', values, [n, cols], dtype, o);
}

function floatDType(op: string, options: CreationOptions): DType {
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') throw new TypeError(`${op}: expected a floating dtype, got ${dtype}`);
  return dtype;
}

/**
 * Uniform samples in [0, 1), from the seeded generator.
 *
 * @example
 * g.manualSeed(0); g.rand(3); // tensor([0.4963, 0.7682, 0.0885])
 */
export function rand(...args: ShapeAndOptions): Tensor {
  const { shape, options } = shapeAndOptions('rand', args);
  const dtype = floatDType('rand', options);
  return make('rand', uniformValues(numel(shape), dtype), shape, dtype, options);
}

/**
 * Standard normal samples, from the seeded generator (PyTorch's exact stream).
 *
 * @example
 * g.manualSeed(0); g.randn(3); // tensor([ 1.5410, -0.2934, -2.1788])
 */
export function randn(...args: ShapeAndOptions): Tensor {
  const { shape, options } = shapeAndOptions('randn', args);
  const dtype = floatDType('randn', options);
  return make('randn', normalValues(numel(shape), dtype), shape, dtype, options);
}

/**
 * Integers uniform in [low, high) (int32). `randint(high, shape)` starts at 0.
 *
 * @example
 * g.randint(0, 10, [3]); // e.g. tensor([4, 9, 3])
 */
export function randint(low: number, high: number | readonly number[], shape?: readonly number[] | CreationOptions, options?: CreationOptions): Tensor {
  let lo = low;
  let hi: number;
  let s: readonly number[];
  let o: CreationOptions | undefined;
  if (Array.isArray(high)) {
    lo = 0;
    hi = low;
    s = high;
    o = shape as CreationOptions | undefined;
  } else {
    hi = high as number;
    s = (shape as readonly number[] | undefined) ?? [];
    o = options;
  }
  const opts = checkOptions('randint', o);
  if (!Number.isInteger(lo) || !Number.isInteger(hi)) throw new TypeError(`randint: low and high must be integers, got ${lo} and ${hi}`);
  const values = randintValues(numel(s), lo, hi);
  const dtype = opts.dtype ?? 'int32';
  return make('randint', castValues(values, dtype, 'randint'), s, dtype, opts);
}

function likeOptions(op: string, t: Tensor, options?: CreationOptions): CreationOptions {
  return { dtype: t.dtype, device: t.device, ...checkOptions(op, options) };
}

/** Zeros shaped like `t` (same dtype and device). @example g.zerosLike(x) */
export function zerosLike(t: Tensor, options?: CreationOptions): Tensor {
  return zeros(t.shape as number[], likeOptions('zerosLike', t, options));
}
/** Ones shaped like `t`. @example g.onesLike(x) */
export function onesLike(t: Tensor, options?: CreationOptions): Tensor {
  return ones(t.shape as number[], likeOptions('onesLike', t, options));
}
/** `value` shaped like `t`. @example g.fullLike(x, 3) */
export function fullLike(t: Tensor, value: number | boolean, options?: CreationOptions): Tensor {
  return full(t.shape, value, likeOptions('fullLike', t, options));
}
/** Uniform samples shaped like `t`. @example g.randLike(x) */
export function randLike(t: Tensor, options?: CreationOptions): Tensor {
  return rand(t.shape as number[], likeOptions('randLike', t, options));
}
/** Normal samples shaped like `t`. @example g.randnLike(x) */
export function randnLike(t: Tensor, options?: CreationOptions): Tensor {
  return randn(t.shape as number[], likeOptions('randnLike', t, options));
}

let volatileWarned = false;

/**
 * Legacy `torch.autograd.Variable`: returns a leaf sharing `t`'s storage.
 * `volatile` is gone from PyTorch; it warns once and gives a tensor that does
 * not require grad.
 *
 * @example
 * const x = g.Variable(g.ones(2), { requiresGrad: true });
 */
export function Variable(t: Tensor, options?: { requiresGrad?: boolean; volatile?: boolean }): Tensor {
  if (!isTensor(t)) throw new TypeError(`Variable: expected a Tensor, got ${typeof t}`);
  options = validate('Variable', options, ['requiresGrad', 'volatile']);
  const leaf = t.detach();
  if (options.volatile) {
    if (!volatileWarned) {
      volatileWarned = true;
      console.warn('UserWarning: volatile was removed and now has no effect. Use `with torch.no_grad():` instead.');
    }
    return leaf;
  }
  if (options.requiresGrad) leaf.requiresGrad_(true);
  return leaf;
}
