/** Shared by the tests: the PyTorch fixtures decoded, and batches encoded for comparison. */
import * as g from '@graft/core';

export interface EncodedTensor {
  __tensor__: { dtype: g.DType; shape: number[]; values: (number | boolean)[] };
}

/** Fixture JSON → samples: `{ __tensor__ }` → a tensor, `{ __dict__ }` → a plain object, arrays element by element. */
export function decode(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(decode);
  if (typeof x !== 'object' || x === null) return x;
  if ('__tensor__' in x) {
    const { dtype, shape, values } = (x as EncodedTensor).__tensor__;
    const Typed = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array }[dtype];
    return g.tensor(Typed.from(values.map(Number)), { shape });
  }
  if ('__dict__' in x) return Object.fromEntries(Object.entries((x as { __dict__: object }).__dict__).map(([k, v]) => [k, decode(v)]));
  return x;
}

/** A batch → the fixtures' JSON form (tensors as dtype, shape and values; objects as `{ __dict__ }`). */
export function encode(x: unknown): unknown {
  if (x instanceof g.Tensor) {
    const values = Array.from(x.dataSync() as ArrayLike<number>, (v) => (x.dtype === 'bool' ? v !== 0 : v));
    return { __tensor__: { dtype: x.dtype, shape: [...x.shape], values } };
  }
  if (Array.isArray(x)) return x.map(encode);
  if (x instanceof Map) return { __dict__: Object.fromEntries([...x].map(([k, v]) => [String(k), encode(v)])) };
  if (typeof x === 'object' && x !== null) return { __dict__: Object.fromEntries(Object.entries(x).map(([k, v]) => [k, encode(v)])) };
  return x;
}

/** PyTorch's message in Graft's spelling: snake_case names camelCased, None/True/False as null/true/false. */
export function inGraftSpelling(message: string): string {
  return message
    .replace(/\b([a-z]+(?:_[a-z]+)+)\b/g, (name) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()))
    .replace(/\bNone\b/g, 'null')
    .replace(/\bTrue\b/g, 'true')
    .replace(/\bFalse\b/g, 'false');
}
