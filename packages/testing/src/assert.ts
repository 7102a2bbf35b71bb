/** Assertions for the conformance suite: no test-runner dependency, plain errors. */
import type { Tensor } from '@graft/core';

/** How close a value must be: `|actual − expected| ≤ atol + rtol·|expected|` (numpy's `allclose`). */
export interface Tolerance {
  /** The absolute tolerance. */
  atol: number;
  /** The tolerance relative to the expected value. */
  rtol: number;
}

/** Throws an Error with this message (the suite's one way of failing a check). */
export function fail(message: string): never {
  throw new Error(message);
}

/**
 * Checks `actual === expected`; the error names `what` and both values.
 *
 * @example
 * assertEqual(g.ones(2, 3).ndim, 2, 'ndim');
 */
export function assertEqual<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) fail(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/**
 * Elementwise closeness within `tol`, with NaN equal to NaN and infinities
 * exact; the error names `what`, the first element that differs, and by how much.
 *
 * @example
 * assertClose(g.tensor([0.1, 0.2]).add(0.1).dataSync(), [0.2, 0.3], { atol: 1e-6, rtol: 1e-5 }, 'add');
 */
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

/**
 * Checks a tensor's shape, dtype and values: floating values within `tol`
 * (as `assertClose`), integers and booleans exactly.
 *
 * @example
 * assertTensor(g.eye(2), { shape: [2, 2], dtype: 'float32', data: [1, 0, 0, 1] }, { atol: 0, rtol: 0 }, 'eye');
 */
export function assertTensor(
  t: Tensor,
  expected: { shape: number[]; dtype: string; data: ArrayLike<number> },
  tol: Tolerance,
  what: string,
): void {
  assertEqual(JSON.stringify(t.shape), JSON.stringify(expected.shape), `${what}: shape`);
  assertEqual(t.dtype, expected.dtype, `${what}: dtype`);
  const tolerance = t.dtype === 'float32' || t.dtype === 'float64' ? tol : { atol: 0, rtol: 0 };
  assertClose(Array.from(t.dataSync()), expected.data, tolerance, what);
}

/**
 * Runs `fn` and checks that it throws an Error whose message matches every
 * pattern (a string it must contain, or a RegExp).
 *
 * @example
 * assertThrows(() => g.ones(2).add(g.ones(3)), ['add', '[2]', '[3]'], 'broadcast error');
 */
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
