/**
 * Creation functions (the random ones are in random-creation.ts).
 *
 * Every shape is checked once here, at the boundary (`checkShape`), and the
 * bytes it needs against the per-tensor limit (`checkAllocation`) before any
 * host array is filled or any kernel runs.
 */
import { type DType, dtypeOfArray, isDType, type TypedArray, ARRAY_TYPE } from '../dtype.js';
import { checkOptions } from '../options.js';
import { checkAllocation, checkShape, formatShape, numel, parseShapeArgs } from '../shape.js';
import { Tensor } from '../tensor.js';
import { isTensor, resolveDevice } from './dispatch.js';
import { arangeValues, linspaceValues } from './range-values.js';
import { scalarAs } from './scalar-value.js';

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

const CREATION_KEYS = ['dtype', 'device', 'requiresGrad'] as const;

/** Checks a creation options object: known keys only (`g.checkOptions`), and a known dtype. */
export function creationOptions<O extends CreationOptions>(
  op: string,
  options: O | undefined,
  extra: readonly (keyof O & string)[] = [],
): O {
  const o = checkOptions<O>(op, options, [...CREATION_KEYS, ...extra] as (keyof O & string)[]);
  if (o.dtype !== undefined && !isDType(o.dtype)) {
    throw new TypeError(`${op}: unknown dtype '${String(o.dtype)}' (expected 'float32', 'float64', 'int32' or 'bool')`);
  }
  return o;
}

function finish(t: Tensor, options: CreationOptions): Tensor {
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

/**
 * The one path of every creation function: resolve the device, check the
 * dtype is supported there and that the tensor fits the per-tensor limit —
 * all before `values` fills any host array — then write it.
 */
export function make(op: string, shape: readonly number[], dtype: DType, options: CreationOptions, values: () => TypedArray): Tensor {
  const { backend, name } = resolveDevice(options.device);
  if (dtype === 'float64' && !backend.supportsFloat64) {
    throw new Error(`${op}: float64 is not supported on device '${name}' (use float32, or the 'cpu' device)`);
  }
  checkAllocation(op, shape, dtype, name);
  const handle = backend.write(values(), dtype);
  return finish(Tensor.fromHandle(backend, name, handle, shape, dtype, undefined, op), options);
}

/** A host array of `n` values of `dtype`, `at(i)` converted as a cast to `dtype` converts. */
function valuesOf(dtype: DType, n: number, at: (i: number) => number, op = 'tensor'): TypedArray {
  const out = new ARRAY_TYPE[dtype](n);
  if (dtype === 'bool') for (let i = 0; i < n; i++) out[i] = at(i) ? 1 : 0;
  else if (dtype === 'int32') for (let i = 0; i < n; i++) out[i] = int32Value(op, at(i));
  else for (let i = 0; i < n; i++) out[i] = at(i);
  return out;
}

export function castValues(values: ArrayLike<number>, dtype: DType, op = 'tensor'): TypedArray {
  return valuesOf(dtype, values.length, (i) => values[i]!, op);
}

/** A value for an int32 tensor, truncated toward zero; one outside int32 is an error, never wrapped (PyTorch's int64 would hold it). */
function int32Value(op: string, v: number): number {
  const t = Math.trunc(v);
  if (!(t >= -2147483648 && t <= 2147483647)) {
    throw new RangeError(
      `${op}: value ${v} does not fit in int32, Graft's integer type (PyTorch's int64 would hold it); use dtype 'float64' (or 'float32') for it`,
    );
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
  const o: TensorOptions = creationOptions('tensor', options, ['shape']);
  if (isTensor(data)) {
    if (o.shape !== undefined) throw new TypeError('tensor: { shape } applies to a TypedArray, not to a Tensor (use reshape)');
    const copy = data.detach().clone();
    return finish(o.dtype !== undefined ? copy.to(o.dtype) : copy, o);
  }
  if (ArrayBuffer.isView(data)) {
    const own = dtypeOfArray(data as TypedArray);
    if (own === undefined)
      throw new TypeError(
        `tensor: unsupported TypedArray ${data.constructor.name} (use Float32Array, Float64Array, Int32Array or Uint8Array)`,
      );
    const arr = data as TypedArray;
    const shape = o.shape === undefined ? [arr.length] : checkShape('tensor', o.shape);
    if (numel(shape) !== arr.length) {
      throw new Error(`tensor: shape ${formatShape(shape)} has ${numel(shape)} elements but the array has ${arr.length}`);
    }
    const dtype = o.dtype ?? own;
    return make('tensor', shape, dtype, o, () => castValues(arr, dtype));
  }
  if (o.shape !== undefined) throw new TypeError('tensor: { shape } applies to a TypedArray; nested arrays carry their own shape');
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
        throw new TypeError(
          `tensor: expected a number or boolean at depth ${dim}, got ${Array.isArray(node) ? 'a nested array' : typeof node}`,
        );
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
  return make('tensor', shape, dtype, o, () => castValues(flat, dtype));
}

function shapeAndOptions(op: string, args: ShapeAndOptions): { shape: number[]; options: CreationOptions } {
  const { shape, rest } = parseShapeArgs<CreationOptions>(op, args);
  return { shape, options: creationOptions(op, rest) };
}

function filled(op: string, shape: readonly number[], value: number, options: CreationOptions, dtype: DType): Tensor {
  const { backend, name } = resolveDevice(options.device);
  if (dtype === 'float64' && !backend.supportsFloat64) throw new Error(`${op}: float64 is not supported on device '${name}'`);
  checkAllocation(op, shape, dtype, name);
  const v = scalarAs(op, value, dtype);
  return finish(Tensor.fromHandle(backend, name, backend.fill(numel(shape), v, dtype), shape, dtype, undefined, op), options);
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
  const o = creationOptions('full', options);
  const { shape: s } = parseShapeArgs('full', [shape]);
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw new TypeError(`full: the fill value must be a number or a boolean, got ${typeof value}`);
  }
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
  const last = args[args.length - 1];
  const hasOptions = last === undefined || (typeof last === 'object' && last !== null);
  const nums = hasOptions ? args.slice(0, -1) : args;
  const o = creationOptions('arange', hasOptions ? (last as CreationOptions | undefined) : undefined);
  if (nums.length < 1 || nums.length > 3 || nums.some((n) => typeof n !== 'number')) {
    throw new TypeError(
      `arange: expected (end), (start, end) or (start, end, step) as numbers, got (${nums.map((n) => typeof n).join(', ')})`,
    );
  }
  const [start, end, step] = (nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1]) as [number, number, number];
  if (!Number.isFinite(step) || step === 0) throw new Error(`arange: step must be a finite nonzero number, got ${step}`);
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new Error(`arange: unsupported range: ${start} -> ${end}`);
  if ((step > 0 && end < start) || (step < 0 && end > start)) {
    throw new Error(`arange: upper bound and larger bound inconsistent with step sign (start=${start}, end=${end}, step=${step})`);
  }
  const size = Math.ceil((end - start) / step);
  const dtype = o.dtype ?? ((nums as number[]).every(Number.isInteger) ? 'int32' : 'float32');
  return make('arange', [size], dtype, o, () =>
    dtype === 'float32' || dtype === 'float64'
      ? arangeValues(dtype, size, start, step)
      : valuesOf(dtype, size, (i) => start + i * step, 'arange'),
  );
}

/**
 * `steps` evenly spaced values from `start` to `end` inclusive.
 *
 * @example
 * g.linspace(0, 1, 5); // tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
 */
export function linspace(start: number, end: number, steps: number, options?: CreationOptions): Tensor {
  const o = creationOptions('linspace', options);
  if (typeof start !== 'number' || typeof end !== 'number')
    throw new TypeError(`linspace: start and end must be numbers, got ${typeof start} and ${typeof end}`);
  if (typeof steps !== 'number' || !Number.isSafeInteger(steps) || steps < 0) {
    throw new RangeError(`linspace: number of steps must be a non-negative integer, got ${String(steps)}`);
  }
  const dtype = o.dtype ?? 'float32';
  if (dtype === 'bool') throw new TypeError(`linspace: "linspace_cpu" not implemented for 'Bool'`);
  return make('linspace', [steps], dtype, o, () => {
    if (dtype === 'int32') {
      // ATen truncates the ends to the integer type first; every value lies between them.
      int32Value('linspace', start);
      int32Value('linspace', end);
    }
    return linspaceValues(dtype, steps, start, end);
  });
}

/**
 * The n×m identity matrix (m defaults to n).
 *
 * @example
 * g.eye(2); // tensor([[1., 0.], [0., 1.]])
 */
export function eye(n: number, m?: number | CreationOptions, options?: CreationOptions): Tensor {
  if (m !== undefined && typeof m !== 'number' && (typeof m !== 'object' || m === null || Array.isArray(m))) {
    throw new TypeError(
      `eye: m must be a number of columns (or an options object), got ${Array.isArray(m) ? 'an array' : m === null ? 'null' : typeof m}`,
    );
  }
  const cols = typeof m === 'number' ? m : n;
  const o = creationOptions('eye', typeof m === 'object' ? m : options);
  const shape = checkShape('eye', [n, cols]);
  const [rows, columns] = shape as [number, number];
  const dtype = o.dtype ?? 'float32';
  return make('eye', shape, dtype, o, () => {
    const values = new ARRAY_TYPE[dtype](rows * columns);
    for (let i = 0; i < Math.min(rows, columns); i++) values[i * columns + i] = 1;
    return values;
  });
}

function likeOptions(op: string, t: Tensor, options?: CreationOptions): CreationOptions {
  if (!isTensor(t)) throw new TypeError(`${op}(): argument 'input' must be a Tensor, not ${t === null ? 'null' : typeof t}`);
  return { dtype: t.dtype, device: t.device, ...creationOptions(op, options) };
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
  options = checkOptions('Variable', options, ['requiresGrad', 'volatile']);
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
