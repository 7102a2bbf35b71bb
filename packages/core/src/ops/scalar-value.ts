/**
 * A Python-like number written into a tensor of a given dtype (`full`,
 * `fill_`, `maskedFill`, `indexFill`, `indexPut_`, `scatter` with a value):
 * converted as PyTorch's `checked_convert` converts it, so a value the dtype
 * cannot hold is an error, never a silently wrapped or infinite element.
 */
import type { DType } from '../dtype.js';

/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * `value` as `dtype` holds it: bool is nonzero (NaN included, as Python's
 * `bool`), int32 truncates toward zero, floats as they are. Throws a
 * RangeError naming `op` for NaN or a value beyond int32 into int32, and for a
 * finite value beyond float32's range into float32 (±Infinity and NaN are
 * float values, as in PyTorch).
 *
 * @example
 * scalarAs('fill_', 2.7, 'int32'); // 2
 * scalarAs('fill_', 1e40, 'float32'); // RangeError: fill_: value 1e+40 cannot be converted to float32 without overflow
 */
export function scalarAs(op: string, value: number | boolean, dtype: DType): number {
  const v = Number(value);
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  if (dtype === 'int32') {
    // The value itself must lie in int32's range (PyTorch's check comes before the truncation: 2147483647.5 overflows).
    if (!(v >= -2147483648 && v <= 2147483647)) {
      throw new RangeError(
        `${op}: value ${v} cannot be converted to int32 without overflow (int32 is Graft's integer type, where PyTorch's int64 would hold it: use a float64 tensor for it)`,
      );
    }
    return Math.trunc(v);
  }
  if (dtype === 'float32' && Number.isFinite(v) && Math.abs(v) > FLOAT32_MAX) {
    throw new RangeError(`${op}: value ${v} cannot be converted to float32 without overflow (use a float64 tensor for it)`);
  }
  return v;
}

/** Throws a TypeError naming `op` unless `value` is a number or a boolean. */
export function checkScalar(op: string, value: unknown): asserts value is number | boolean {
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new TypeError(`${op}: the value must be a number, a boolean or a 0-d tensor, got ${got}`);
  }
}
