/** Reading activations-losses.json (scripts/fixtures/generate_nn_activations_losses.py): tensors, arguments, comparisons. */
import * as g from '@graft/core';
import { expect } from 'vitest';
import { F, type Module, nn } from '../src/index.js';

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

export interface FnCase {
  name: string;
  fn: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  grad: boolean[];
  out: Encoded;
  w?: Encoded;
  grads?: (Encoded | null)[];
  module?: string;
  moduleKwargs?: Record<string, unknown>;
}

const functions = F as unknown as Record<string, (...args: unknown[]) => g.Tensor>;
const modules = nn as unknown as Record<string, new (...args: unknown[]) => Module>;

/** Runs one fixture case of F (forward, the gradients of sum(out·w), and the module form). */
export function checkFnCase(c: FnCase, tolerance: { rtol?: number; atol?: number } = {}): void {
  const float32 = c.out.dtype === 'float32';
  const rtol = tolerance.rtol ?? (float32 ? 2e-6 : 1e-10);
  const atol = tolerance.atol ?? (float32 ? 2e-6 : 1e-12);
  const args = c.args.map((a, i) => decodeArg(a, c.grad[i]));
  const kwargs = decodeArg(Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, decodeArg(v)]))) as Record<string, unknown>;
  const fn = functions[c.fn];
  expect(fn, `F.${c.fn}`).toBeTypeOf('function');
  const out = Object.keys(kwargs).length > 0 ? fn!(...args, kwargs) : fn!(...args);
  expectClose(out, c.out, rtol, atol, `${c.name} out`);
  if (c.grads) {
    out.mul(decode(c.w!)).sum().backward();
    c.grads.forEach((expected, i) => {
      if (expected) expectClose((args[i] as g.Tensor).grad!, expected, rtol * 10, atol * 10, `${c.name} grad ${i}`);
    });
  }
  if (c.module) {
    const ctorKwargs = Object.fromEntries(Object.entries(c.moduleKwargs ?? {}).map(([k, v]) => [k, decodeArg(v)]));
    const m = new modules[c.module]!(ctorKwargs);
    const tensors = c.args.map((a) => decodeArg(a)).filter((a) => a instanceof g.Tensor);
    expectClose(m.call(...tensors) as g.Tensor, c.out, rtol, atol, `${c.name} as nn.${c.module}`);
  }
}
