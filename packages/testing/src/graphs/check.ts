/**
 * Checks a random graph's gradients: against central finite differences in
 * float64 (`checkGraphByFiniteDifferences`), or against PyTorch's results from
 * the fixtures (`checkGraphAgainst`).
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { assertClose, fail, type Tolerance } from '../assert.js';
import { baseValues, graphTensor, runGraph, scalarAt } from './interpret.js';
import type { GraphResult, GraphSpec } from './spec.js';

/** Errors a random graph may legitimately raise (PyTorch raises them too): the loss does not depend on a leaf. */
const EXPECTED_ERRORS = [/does not require grad/, /no first-order gradient/];

/** What a finite-difference check found. */
export interface FiniteDifferenceReport {
  /** Gradient entries compared. */
  checked: number;
  /** The differentiation raised one of the expected errors (nothing to compare). */
  raised?: string;
}

/**
 * Compares every gradient a graph's mode produces (leaf gradients and
 * retained gradients) with central differences of the loss (for `double`:
 * of the weighted first-order gradient), in float64 on `device`. Hooks must
 * keep gradients unchanged (scale 1).
 *
 * @example
 * checkGraphByFiniteDifferences(generateGraph('g1', { hookScales: [1] }), 'cpu');
 */
export function checkGraphByFiniteDifferences(
  spec: GraphSpec,
  device: string,
  tol: Tolerance = { atol: 1e-5, rtol: 1e-3 },
  eps = 1e-6,
): FiniteDifferenceReport {
  if (spec.hooks.some((h) => h.scale !== 1)) fail(`${spec.name}: finite differences need hooks that keep the gradient (scale 1)`);
  const before = g.memory().numTensors;
  const result = runGraph(spec, { dtype: 'float64', device });
  if (result.error !== undefined) {
    if (EXPECTED_ERRORS.some((p) => p.test(result.error!))) return { checked: 0, raised: result.error };
    fail(`${spec.name}: differentiation raised: ${result.error}`);
  }
  const base = baseValues(spec, device);
  const times = spec.mode === 'backwardTwice' ? 2 : 1;
  const center = scalarAt(spec, { dtype: 'float64', device, frozen: base.frozen });
  let checked = 0;
  try {
    spec.leaves.forEach((leaf, i) => {
      if (!leaf.requiresGrad) {
        if (result.grads[i] !== null) fail(`${spec.name}: leaf ${i} does not require grad but got one`);
        return;
      }
      const data = spec.leaves.map((l) => Float64Array.from(l.data));
      const analytic = result.grads[i] ?? new Array<number>(leaf.data.length).fill(0);
      for (let j = 0; j < leaf.data.length; j++) {
        const x = data[i]![j]!;
        const numeric = derivative(
          (delta) => {
            data[i]![j] = x + delta;
            const value = scalarAt(spec, { dtype: 'float64', device, leafData: data, frozen: base.frozen });
            data[i]![j] = x;
            return value;
          },
          center,
          eps,
        );
        if (numeric === undefined) continue;
        assertClose(
          [analytic[j]!],
          [times * numeric],
          tol,
          `${spec.name} (${spec.mode}): gradient of leaf ${i}, element ${j}, against finite differences`,
        );
        checked++;
      }
    });
    if (spec.mode !== 'double') {
      spec.retain.forEach((id, k) => {
        const values = base.values[id]!;
        const analytic = result.retained[k] ?? new Array<number>(values.length).fill(0);
        for (let j = 0; j < values.length; j++) {
          const numeric = derivative(
            (delta) => {
              const perturbed = Float64Array.from(values);
              perturbed[j]! += delta;
              return g.tidy(() => {
                const override = new Map<number, Tensor>([[id, graphTensor(base.shapes[id]!, perturbed, 'float64', device)]]);
                return scalarAt(spec, { dtype: 'float64', device, override, frozen: base.frozen });
              });
            },
            center,
            eps,
          );
          if (numeric === undefined) continue;
          assertClose(
            [analytic[j]!],
            [times * numeric],
            tol,
            `${spec.name} (${spec.mode}): retained gradient of value ${id}, element ${j}, against finite differences`,
          );
          checked++;
        }
      });
    }
  } finally {
    for (const f of base.frozen.values()) f.dispose();
  }
  const after = g.memory().numTensors;
  if (after !== before) {
    fail(`${spec.name} (${spec.mode}): ${after - before} tensors left alive after the graph and its backward were released`);
  }
  return { checked };
}

/**
 * The central difference of `f` at 0, or undefined where `f` is not smooth
 * there: a kink (its one-sided slopes differ: a clamp bound, a max of two
 * different values) or a jump (the difference does not converge as the step
 * halves: a tie of max/min flips a first-order gradient). Gradients there
 * follow conventions, not limits, so they are not compared.
 */
function derivative(f: (delta: number) => number, center: number, eps: number): number | undefined {
  const up = f(eps);
  const down = f(-eps);
  const right = (up - center) / eps;
  const left = (center - down) / eps;
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-3 * (1 + Math.abs(a) + Math.abs(b));
  if (!close(right, left)) return undefined;
  const central = (up - down) / (2 * eps);
  const wide = (f(2 * eps) - f(-2 * eps)) / (4 * eps);
  return close(central, wide) ? central : undefined;
}

/** A graph and PyTorch's results for it (scripts/fixtures/generate_graphs.py). */
export interface GraphCase {
  spec: GraphSpec;
  expected: GraphResult;
}

/**
 * Runs a graph in Graft and compares it with PyTorch's results: the loss,
 * which leaves get a gradient (null where PyTorch gives None), the values,
 * the retained gradients, and whether differentiation raised.
 */
export function checkGraphAgainst(c: GraphCase, options: { dtype: 'float32' | 'float64'; device: string; tol: Tolerance }): void {
  const { spec, expected } = c;
  const got = runGraph(spec, { dtype: options.dtype, device: options.device });
  const what = `${spec.name} (${spec.mode})`;
  if (expected.error !== undefined || got.error !== undefined) {
    if (expected.error === undefined) fail(`${what}: Graft raised "${got.error}" where PyTorch did not`);
    if (got.error === undefined) fail(`${what}: PyTorch raised "${expected.error}" where Graft did not`);
    return;
  }
  assertClose([got.loss], [expected.loss], options.tol, `${what}: loss`);
  const compare = (kind: string, a: readonly (readonly number[] | null)[], e: readonly (readonly number[] | null)[]) => {
    e.forEach((exp, i) => {
      const act = a[i];
      if (exp === null || act === null || act === undefined) {
        if (exp !== (act ?? null))
          fail(
            `${what}: ${kind} ${i}: PyTorch gives ${exp === null ? 'None' : 'a gradient'}, Graft ${act === null || act === undefined ? 'null' : 'a gradient'}`,
          );
        return;
      }
      assertClose(act, exp, options.tol, `${what}: ${kind} ${i}`);
    });
  };
  compare('gradient of leaf', got.grads, expected.grads);
  compare('retained gradient', got.retained, expected.retained);
}
