/** Reading activations-losses.json (scripts/fixtures/generate_nn_activations_losses.py): tensors, arguments, comparisons. */
import * as g from '@graft/core';
import { expect } from 'vitest';

export interface Encoded {
  dtype: string;
  shape: number[];
  data: (number | string | boolean)[];
}

const toNumber = (v: number | string | boolean): number =>
  v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);

/** The tensor a fixture encodes (int64 in PyTorch is int32 here). */
export function decode(e: Encoded, requiresGrad = false): g.Tensor {
  const dtype = e.dtype as g.DType;
  const values = e.dtype === 'bool' ? e.data.map(Boolean) : e.data.map(toNumber);
  return g
    .tensor(values as number[], { dtype })
    .reshape(e.shape)
    .detach()
    .requiresGrad_(requiresGrad);
}

/** A fixture argument: {"t": tensor}, a list of arguments, or a plain value. */
export function decodeArg(a: unknown, requiresGrad = false): unknown {
  if (Array.isArray(a)) return a.map((v) => decodeArg(v));
  if (a !== null && typeof a === 'object' && 't' in a) return decode((a as { t: Encoded }).t, requiresGrad);
  if (a === 'nan') return Number.NaN;
  if (a === 'inf') return Infinity;
  if (a === '-inf') return -Infinity;
  return a;
}

/** Elementwise |a − b| ≤ atol + rtol·|b|, NaN where b is NaN and infinities equal. */
export function expectClose(actual: g.Tensor, expected: Encoded, rtol = 1e-6, atol = 1e-7, what = ''): void {
  expect(actual.shape, `${what} shape`).toEqual(expected.shape);
  const a = Array.from(actual.dataSync() as ArrayLike<number>, Number);
  const b = expected.data.map(toNumber);
  for (let i = 0; i < b.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(y)) expect(Number.isNaN(x), `${what}[${i}]: ${x} should be NaN`).toBe(true);
    else if (!Number.isFinite(y)) expect(x, `${what}[${i}]`).toBe(y);
    else expect(Math.abs(x - y), `${what}[${i}]: ${x} vs PyTorch's ${y}`).toBeLessThanOrEqual(atol + rtol * Math.abs(y));
  }
}
