/**
 * The element types a tensor can hold, and PyTorch's type promotion between them.
 *
 * `int32` plays the role of PyTorch's default integer type (int64): JavaScript
 * numbers hold every int32 exactly, and every backend can store it.
 */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** The typed arrays tensors are read into (one per dtype). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/**
 * The TypedArray constructor of each dtype: what `read`/`readSync` return and
 * `write` takes (bool is stored as 0/1 bytes).
 *
 * @example
 * new ARRAY_TYPE['float64'](3); // Float64Array [0, 0, 0]
 */
export const ARRAY_TYPE = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;

/**
 * The size of one element of each dtype, in bytes.
 *
 * @example
 * BYTES_PER_ELEMENT['float32']; // 4
 */
export const BYTES_PER_ELEMENT: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

/** Category order of PyTorch's promotion: bool < integral < floating. */
const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };
const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'float64' || value === 'int32' || value === 'bool';
}

/** The wider of two dtypes (no category rules: both operands count fully). */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

export function dtypeOfArray(values: TypedArray | ArrayLike<unknown>): DType | undefined {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Float64Array) return 'float64';
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Uint8Array) return 'bool';
  return undefined;
}

/** The dtype PyTorch gives a Python scalar: bool, an integer or a float. */
export function scalarDType(value: number | boolean): DType {
  if (typeof value === 'boolean') return 'bool';
  return Number.isInteger(value) ? 'int32' : 'float32';
}

/**
 * PyTorch's `result_type` over three priority levels: tensors with dimensions,
 * zero-dimensional tensors, and plain numbers. A lower level only matters when
 * its category (bool < int < float) is higher than every level above it; a
 * number then gives its category's default type (float32 or int32).
 */
export function resultType(dimmed: DType | undefined, zeroDim: DType | undefined, scalar: DType | undefined): DType {
  let result = dimmed;
  if (zeroDim !== undefined) {
    if (result === undefined || CATEGORY[zeroDim] > CATEGORY[result]) result = zeroDim;
  }
  if (scalar !== undefined) {
    if (result === undefined) result = scalar;
    else if (CATEGORY[scalar] > CATEGORY[result]) result = scalar === 'bool' ? 'bool' : scalar === 'int32' ? 'int32' : 'float32';
  }
  return result ?? 'float32';
}

/** The floating dtype an op like `exp` or `div` computes in for this input dtype. */
export function toFloating(dtype: DType): DType {
  return dtype === 'float64' ? 'float64' : 'float32';
}

/** The dtype `sum`/`prod`/`cumsum` return: integral and bool inputs sum to int32. */
export function sumDType(dtype: DType): DType {
  return dtype === 'bool' ? 'int32' : dtype;
}
