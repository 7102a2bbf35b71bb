/** Shared by the tests: decoding the PyTorch fixtures, comparing numbers, snapshots of an optimizer. */
import * as g from '@graft/core';
import { expect } from 'vitest';
import type { Optimizer } from '../src/index.js';

/** A tensor as the generators write it. */
export interface EncodedTensor {
  __tensor__: { dtype: string; shape: number[]; values: (number | { __float__: string })[] };
}

const floats: Record<string, number> = { inf: Infinity, '-inf': -Infinity, nan: NaN };

/** Fixture JSON → values: `{ __tensor__ }` → a Tensor, `{ __float__ }` → ±Infinity / NaN, the rest as is. */
export function decode(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(decode);
  if (typeof x !== 'object' || x === null) return x;
  if ('__float__' in x) return floats[(x as { __float__: string }).__float__];
  if ('__tensor__' in x) {
    const { dtype, shape, values } = (x as EncodedTensor).__tensor__;
    const numbers = values.map((v) => decode(v) as number);
    const data = dtype === 'float64' ? new Float64Array(numbers) : new Float32Array(numbers);
    return g.tensor(data, { shape });
  }
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, decode(v)]));
}

/** |a - b| ≤ tol · max(1, |b|) elementwise. */
export function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what = ''): void {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < b.length; i++) {
    const [x, y] = [Number(a[i]), Number(b[i])];
    if (Number.isNaN(y) || !Number.isFinite(y)) expect(x, what).toBe(y);
    else expect(Math.abs(x - y), `${what}[${i}]: ${x} vs ${y}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(y)));
  }
}

/**
 * Deep comparison of two decoded state dicts (or parts): same keys, same
 * plain values, tensors of the same shape and dtype with close values.
 */
export function expectSameState(actual: unknown, expected: unknown, tol: number, path = 'stateDict'): void {
  if (expected instanceof g.Tensor) {
    expect(actual, path).toBeInstanceOf(g.Tensor);
    const t = actual as g.Tensor;
    expect(t.shape, `${path}.shape`).toEqual(expected.shape);
    expect(t.dtype, `${path}.dtype`).toBe(expected.dtype);
    close(Array.from(t.dataSync() as Float64Array), Array.from(expected.dataSync() as Float64Array), tol, path);
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((e, i) => expectSameState((actual as unknown[])[i], e, tol, `${path}[${i}]`));
  } else if (typeof expected === 'object' && expected !== null) {
    expect(typeof actual === 'object' && actual !== null, path).toBe(true);
    expect(Object.keys(actual as object).map(String), `${path} keys`).toEqual(Object.keys(expected).map(String));
    for (const [k, v] of Object.entries(expected)) expectSameState((actual as Record<string, unknown>)[k], v, tol, `${path}.${k}`);
  } else if (typeof expected === 'number' && typeof actual === 'number' && !Number.isInteger(expected)) {
    close([actual], [expected], tol, path);
  } else expect(actual, path).toEqual(expected);
}

/** Everything observable about an optimizer, as plain values: groups, state, parameters. */
export function snapshot(opt: Optimizer<object>): unknown {
  const value = (v: unknown): unknown =>
    v instanceof g.Tensor
      ? { shape: [...v.shape], dtype: v.dtype, values: Array.from(v.dataSync() as Float64Array) }
      : Array.isArray(v)
        ? v.map(value)
        : v;
  return {
    groups: opt.paramGroups.map((group) =>
      Object.fromEntries(Object.entries(group).map(([k, v]) => [k, k === 'params' ? (v as g.Tensor[]).map(value) : value(v)])),
    ),
    state: [...opt.state.entries()].map(([p, s]) => [
      opt.paramGroups.flatMap((gr) => gr.params).indexOf(p),
      Object.fromEntries(Object.entries(s).map(([k, v]) => [k, value(v)])),
    ]),
  };
}

/** PyTorch's message with its numbers as JavaScript prints them (`1.0` → `1`, `-1e-08` → `-1e-8`). */
export function jsNumbers(message: string): string {
  return message.replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/g, (n) => String(Number(n)));
}
