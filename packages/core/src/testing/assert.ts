/** Assertions for the conformance suite: no test-runner dependency, plain errors. */
import type { Tensor } from '../tensor.js';

export interface Tolerance {
  atol: number;
  rtol: number;
}

export function fail(message: string): never {
  throw new Error(message);
}

export function assertEqual<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) fail(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Elementwise closeness with NaN == NaN and exact infinities. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, what: string): void {
  if (actual.length !== expected.length) fail(`${what}: expected ${expected.length} elements, got ${actual.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = Number(actual[i]);
    const e = Number(expected[i]);
    if (Number.isNaN(e)) {
      if (!Number.isNaN(a)) fail(`${what}: element ${i}: expected nan, got ${a}`);
      continue;
    }
    if (!Number.isFinite(e)) {
      if (a !== e) fail(`${what}: element ${i}: expected ${e}, got ${a}`);
      continue;
    }
    if (!(Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e))) {
      fail(`${what}: element ${i}: expected ${e}, got ${a} (|diff| ${Math.abs(a - e)} > atol ${tol.atol} + rtol ${tol.rtol}·|expected|)`);
    }
  }
}

export function assertTensor(t: Tensor, expected: { shape: number[]; dtype: string; data: ArrayLike<number> }, tol: Tolerance, what: string): void {
  assertEqual(JSON.stringify(t.shape), JSON.stringify(expected.shape), `${what}: shape`);
  assertEqual(t.dtype, expected.dtype, `${what}: dtype`);
  const tolerance = t.dtype === 'float32' || t.dtype === 'float64' ? tol : { atol: 0, rtol: 0 };
  assertClose(Array.from(t.dataSync()), expected.data, tolerance, what);
}

/** Runs fn and checks it throws an Error whose message matches every pattern. */
export function assertThrows(fn: () => unknown, patterns: readonly (string | RegExp)[], what: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  if (!(error instanceof Error)) fail(`${what}: expected an error, but none was thrown`);
  for (const p of patterns) {
    const ok = typeof p === 'string' ? error.message.includes(p) : p.test(error.message);
    if (!ok) fail(`${what}: error message ${JSON.stringify(error.message)} does not match ${String(p)}`);
  }
}
