/** PyTorch's type promotion for op operands, and the unrecorded casts ops use. */
import { type DType, resultType, scalarDType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { isTensor, type TensorLike, wrap } from './dispatch.js';

/** Casts `t` to `dtype` (no copy when it already is). Not recorded: callers record. */
export function castTo(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  return wrap(t, t.backend.cast(t, dtype), t.shape, dtype);
}

function operandDType(x: TensorLike): { level: 0 | 1 | 2; dtype: DType } {
  if (isTensor(x)) return { level: x.shape.length === 0 ? 1 : 0, dtype: x.dtype };
  return { level: 2, dtype: scalarDType(x) };
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };
function widen(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** PyTorch's result type of two operands (tensors with dims > 0-d tensors > numbers). */
export function binaryResultType(a: TensorLike, b: TensorLike): DType {
  if (isTensor(a) && isTensor(b) && a.dtype === b.dtype) return a.dtype;
  const levels: (DType | undefined)[] = [undefined, undefined, undefined];
  for (const x of [a, b]) {
    const { level, dtype } = operandDType(x);
    const prev = levels[level];
    levels[level] = prev === undefined ? dtype : widen(prev, dtype);
  }
  return resultType(levels[0], levels[1], levels[2]);
}

/** A number (or boolean) operand as a number; anything else is an error naming the op. */
export function scalarValue(op: string, x: number | boolean): number {
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x !== 'number') throw new TypeError(`${op}(): expected a Tensor or a number, got ${x === null ? 'null' : typeof x}`);
  return x;
}

/** Zeros shaped like `t`, made by a fill (not recorded, and free of t's NaNs): PyTorch's `zeros_like`. */
export function zerosLike(t: Tensor): Tensor {
  return wrap(t, t.backend.fill(t.numel(), 0, t.dtype), t.shape, t.dtype);
}
