/**
 * Semantics that go wrong silently, as property tests: every unary op on a
 * grid of extreme inputs (saturation, overflow, signed zeros) against
 * PyTorch; which leaves get a `.grad` after a second backward, against
 * PyTorch; and integer reductions against exact BigInt sums.
 */
import type { DType, Tensor } from '@graft/core';
import * as g from '@graft/core';
import { assertEqual, fail, type Tolerance } from './assert.js';
import {
  decodeData,
  doubleBackwardCases,
  type DoubleBackwardCase,
  type EncodedTensor,
  makeTensor,
  type SavedTensorsCase,
  savedTensorsCases,
  type UnaryGridCase,
  unaryGridCases,
} from './fixtures.js';
import { buildArgs, callOp, type RunContext, skipReason } from './op-runner.js';
import type { TestApi } from './index.js';

/** How close unary ops must come to PyTorch on the grid (see `ConformanceOptions.unaryGrid`). */
export interface UnaryGridTolerance {
  /** Largest distance in float32 units in the last place (default 2). */
  float32Ulps?: number;
  /** Largest distance in float64 units in the last place (default 2). */
  float64Ulps?: number;
  /**
   * The same for gradients (defaults 4 and 16): a gradient composes the op's
   * value with other ops (expm1' is expm1(x) + 1, which turns an ulp of
   * expm1(-2.5) into ten), so an ulp of difference in the value may grow.
   */
  gradientUlps?: { float32?: number; float64?: number };
  /** Also accept values within this absolute/relative tolerance (default none: ulps only). */
  tolerance?: Tolerance;
  /** Compare the sign of zero results (default true; GLSL does not keep it). */
  signedZeros?: boolean;
  /**
   * Inputs the device cannot evaluate as PyTorch does, with the reason (e.g.
   * subnormals, which GPUs flush to zero); `expected` is PyTorch's result.
   */
  skip?: (op: string, x: number, expected: number) => string | undefined;
}

interface Context extends RunContext {
  inDevice<T>(fn: () => T): T;
  skip: Record<string, string>;
  unaryGrid: UnaryGridTolerance;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigInt64Array(f64.buffer);

/** The position of x on the line of float32 (or float64) values, so ulp distances are differences. */
function ordinal(x: number, dtype: DType): bigint {
  if (dtype === 'float32') {
    f32[0] = x;
    const bits = u32[0]!;
    return BigInt(bits & 0x80000000 ? -(bits & 0x7fffffff) : bits);
  }
  f64[0] = x;
  const bits = u64[0]!;
  return bits < 0n ? -(bits & 0x7fffffffffffffffn) : bits;
}

/**
 * Results a kernel must hit exactly: saturation (±1), infinities, and zeros
 * (with their sign, when the kernel gives zero too: a denormal next to a zero
 * is an ulp, and PyTorch flushes some of those).
 */
function mustBeExact(e: number): boolean {
  return e === 0 || Math.abs(e) === 1 || !Number.isFinite(e);
}

function show(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function compareGrid(
  what: string,
  dtype: DType,
  inputs: number[],
  actual: ArrayLike<number>,
  expected: number[],
  tol: UnaryGridTolerance,
  op: string,
  gradient = false,
): void {
  const ulps = BigInt(
    gradient
      ? dtype === 'float32'
        ? (tol.gradientUlps?.float32 ?? 4)
        : (tol.gradientUlps?.float64 ?? 16)
      : dtype === 'float32'
        ? (tol.float32Ulps ?? 2)
        : (tol.float64Ulps ?? 2),
  );
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const x = inputs[i]!;
    const e = expected[i]!;
    if (tol.skip?.(op, x, e) !== undefined) continue;
    const a = Number(actual[i]);
    if (e === 0 && a === 0 && tol.signedZeros === false) continue;
    if (Number.isNaN(e)) {
      if (!Number.isNaN(a)) bad.push(`${op}(${show(x)}) = ${show(a)}, PyTorch nan`);
      continue;
    }
    if (mustBeExact(e) && !(e === 0 && a !== 0)) {
      if (!Object.is(a, e)) bad.push(`${op}(${show(x)}) = ${show(a)}, PyTorch exactly ${show(e)}`);
      continue;
    }
    if (Number.isNaN(a) || !Number.isFinite(a)) {
      bad.push(`${op}(${show(x)}) = ${show(a)}, PyTorch ${show(e)}`);
      continue;
    }
    let d = ordinal(a, dtype) - ordinal(e, dtype);
    if (d < 0n) d = -d;
    const close = tol.tolerance !== undefined && Math.abs(a - e) <= tol.tolerance.atol + tol.tolerance.rtol * Math.abs(e);
    if (d > ulps && !close) bad.push(`${op}(${show(x)}) = ${show(a)}, PyTorch ${show(e)} (${d} ulps apart)`);
  }
  if (bad.length !== 0) fail(`${what}: ${bad.length} of ${expected.length} differ from PyTorch:\n  ${bad.slice(0, 12).join('\n  ')}`);
}

/**
 * Checks one op's results on the unary grid against PyTorch's (`values`, or
 * `gradients` of the sum): saturated, infinite and zero results exactly,
 * others within the tolerance's ulps. For backend tests of other code paths
 * (a SIMD kernel on large tensors) as well as for the suite.
 *
 * @example
 * const c = unaryGridCases.find((c) => c.op === 'tanh' && c.dtype === 'float32')!;
 * assertUnaryGrid(c, 'values', g.tanh(makeTensor(c.input, 'cpu')).dataSync());
 */
export function assertUnaryGrid(
  c: UnaryGridCase,
  what: 'values' | 'gradients',
  actual: ArrayLike<number>,
  tolerance: UnaryGridTolerance = {},
): void {
  const expected = what === 'values' ? c.output : c.grad;
  if (expected === undefined) fail(`${c.op} has no gradient on the grid`);
  const op = what === 'values' ? c.op : `${c.op}'`;
  compareGrid(
    `${c.op} ${c.dtype} ${what}`,
    c.dtype as DType,
    decodeData(c.input),
    actual,
    decodeData(expected),
    tolerance,
    op,
    what === 'gradients',
  );
}

function unaryGrid(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));
  t.describe(
    `conformance on '${ctx.device}': every unary op on a grid of extreme inputs (saturation, overflow, signed zeros) against PyTorch`,
    () => {
      for (const c of unaryGridCases as UnaryGridCase[]) {
        const dtype = c.dtype as DType;
        if (ctx.skip[c.op] !== undefined || (dtype === 'float64' && !ctx.supportsFloat64)) continue;
        it(`${c.op} ${c.dtype}: values and gradients`, () => {
          const lib = g as unknown as Record<string, (x: Tensor) => Tensor>;
          const x = makeTensor(c.input, ctx.device);
          if (c.grad !== undefined) x.requiresGrad_(true);
          const y = lib[c.op]!(x);
          assertEqual(y.dtype, c.output.dtype, `${c.op} dtype`);
          assertUnaryGrid(c, 'values', y.dataSync(), ctx.unaryGrid);
          if (c.grad !== undefined) {
            const [gx] = g.autograd.grad(y, x, { gradOutputs: g.onesLike(y) });
            assertUnaryGrid(c, 'gradients', gx!.dataSync(), ctx.unaryGrid);
          }
        });
      }
    },
  );
}

function doubleBackward(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));
  t.describe(`conformance on '${ctx.device}': a second backward leaves PyTorch's .grad (None or zeros) on every leaf`, () => {
    for (const c of doubleBackwardCases as DoubleBackwardCase[]) {
      if (skipReason(c, ctx.skip) !== undefined || (!ctx.supportsFloat64 && c.kwargs['dtype'] === 'float64')) continue;
      it(`double backward ${c.name}`, () => {
        const floatDtype: DType = ctx.supportsFloat64 ? 'float64' : 'float32';
        const tol = ctx.supportsFloat64 ? ctx.float64 : { atol: 1e-3, rtol: 1e-3 };
        const leaves: Tensor[] = [];
        const outs = callOp(c, buildArgs(c.args, ctx.device, leaves, floatDtype));
        const floatLeaves = leaves.filter((l) => l.requiresGrad);
        const diff = outs.filter((o) => o.requiresGrad);
        const gradOutputs = c.gradOutputs.map((e) => makeTensor(e, ctx.device, floatDtype));
        const first = g.autograd.grad(diff, floatLeaves, { gradOutputs, createGraph: true, allowUnused: true });
        // (A missing first derivative and a constant one are told apart by the first-order gradient cases.)
        first.forEach((f, i) => {
          const connected = f !== null && f.requiresGrad;
          if (connected !== (c.firstOrder[i] === true)) {
            fail(
              `${c.name}: input ${i}'s first derivative is ${connected ? '' : 'not '}connected to the graph in Graft (createGraph), but ${connected ? 'not ' : ''}in PyTorch`,
            );
          }
        });
        let total: Tensor | undefined;
        first.forEach((f, i) => {
          if (f === null || !f.requiresGrad) return;
          const term = f.mul(makeTensor(c.weights[i]!, ctx.device, floatDtype)).sum();
          total = total === undefined ? term : total.add(term);
        });
        if (c.secondOrder === null) {
          if (total !== undefined) fail(`${c.name}: no first derivative is connected in PyTorch, but Graft's are`);
          return;
        }
        if (total === undefined) fail(`${c.name}: PyTorch backpropagates through the first derivatives, Graft's are not connected`);
        total.backward();
        floatLeaves.forEach((leaf, i) => {
          const expected = c.secondOrder![i];
          if (expected === null || expected === undefined) {
            if (leaf.grad !== null) fail(`${c.name}: leaf ${i}.grad should stay null (PyTorch: None), got a tensor`);
            return;
          }
          if (leaf.grad === null)
            fail(`${c.name}: leaf ${i}.grad is null; PyTorch gives ${expected.data.every((v) => v === 0) ? 'zeros' : 'a tensor'}`);
          const data = decodeData(expected as EncodedTensor);
          const got = Array.from(leaf.grad.dataSync());
          const bad = data.findIndex(
            // Equal infinities and NaN to NaN agree (inf − inf is NaN, which no tolerance admits).
            (e, k) =>
              !(Math.abs(got[k]! - e) <= tol.atol + tol.rtol * Math.abs(e)) && !(Number.isNaN(e) && Number.isNaN(got[k]!)) && got[k] !== e,
          );
          if (bad >= 0) fail(`${c.name}: leaf ${i}.grad[${bad}] = ${got[bad]}, PyTorch ${data[bad]}`);
        });
      });
    }
  });
}

/**
 * Where PyTorch saves an input only for its shape or dtype (so a change in
 * place makes its backward fail though the gradient would be right), Graft
 * does not save it: the op, the operand, and why.
 */
const SAVED_ONLY_IN_PYTORCH: Record<string, { which: 'a' | 'b'; why: string }> = {
  'mean(0)': { which: 'a', why: 'MeanBackward1 saves self for its sizes; the gradient is g / n, which reads nothing' },
  'cummax(0).values': { which: 'a', why: 'CummaxBackward0 saves self for its shape; the gradient scatters g at the saved indices' },
  'cummin(0).values': { which: 'a', why: 'CumminBackward0 saves self for its shape; the gradient scatters g at the saved indices' },
};

function savedTensors(t: TestApi, ctx: Context): void {
  if (!ctx.supportsFloat64) return;
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));
  t.describe(
    `conformance on '${ctx.device}': an op saves for backward what PyTorch saves (backward fails after a change in place exactly when PyTorch's does)`,
    () => {
      for (const c of savedTensorsCases as SavedTensorsCase[]) {
        const call = `${c.op}(${c.args.join(', ')})${c.output === null ? '' : `.${c.output}`}`;
        it(call, () => {
          for (const which of ['out', 'a', 'b'] as const) {
            const a = g.tensor([1.2, 0.7, 1.9], { dtype: 'float64', requiresGrad: true }).mul(1);
            const b = g.tensor([0.8, 1.3, 0.4], { dtype: 'float64', requiresGrad: true }).mul(1);
            const method = (a as unknown as Record<string, (...args: unknown[]) => unknown>)[c.op]!;
            const result = method.apply(
              a,
              c.args.map((v) => (v === 'a' ? a : v === 'b' ? b : v)),
            ) as Tensor & Record<string, Tensor>;
            const y = c.output === null ? result : result[c.output]!;
            ({ out: y, a, b })[which].add_(1);
            let got: 'ok' | 'error' = 'ok';
            try {
              y.sum().backward();
            } catch (e) {
              if (!/modified by an inplace operation/.test((e as Error).message)) throw e;
              got = 'error';
            }
            // 'ok' where PyTorch fails: the op reads a tensor it did not save (a wrong gradient after the change);
            // 'error' where PyTorch runs: it saved what PyTorch does not (a program PyTorch runs fails).
            if (got === 'ok' && SAVED_ONLY_IN_PYTORCH[call]?.which === which) continue;
            if (got !== c[which])
              fail(
                `${call}, then ${which === 'out' ? 'the result' : which}.add_(1): backward ${got === 'ok' ? 'ran' : 'failed'}; PyTorch's ${c[which] === 'ok' ? 'runs' : 'fails'}`,
              );
          }
        });
      }
    },
  );
}

/** A small seeded generator (mulberry32): the property tests' inputs are the same on every run and device. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

function integerProperties(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));
  // int32 on a float32 GPU is exact only below 2^24: such a device checks the small-value cases.
  const exactInts = ctx.supportsFloat64;
  t.describe(`conformance on '${ctx.device}': integer reductions are exact or raise (property tests against BigInt)`, () => {
    const kinds: [string, (r: () => number) => number][] = [
      // (Where int32 lives in float32, products of five must stay below 2^24: |values| ≤ 20.)
      ['small', exactInts ? (r) => Math.floor(r() * 201) - 100 : (r) => Math.floor(r() * 41) - 20],
      ['wide', (r) => Math.floor(r() * 2 ** 32) - 2 ** 31],
      ['near overflow', (r) => (r() < 0.5 ? -1 : 1) * (2 ** 31 - 1 - Math.floor(r() * 1000))],
      ['positive halves', (r) => 2 ** 30 + Math.floor(r() * 2 ** 29)],
    ];
    for (const [kind, draw] of kinds) {
      if (!exactInts && kind !== 'small') continue;
      it(`sum, cumsum and prod of random int32 tensors (${kind} values), over all dims and each dim`, () => {
        const r = rng(kind.length * 7919 + 17);
        for (let trial = 0; trial < 12; trial++) {
          const shape = [1 + Math.floor(r() * 4), 1 + Math.floor(r() * 5)];
          const n = shape[0]! * shape[1]!;
          const values = Int32Array.from({ length: n }, () => draw(r));
          const x = g.tensor(values, { shape, dtype: 'int32' });
          const big = Array.from(values, (v) => BigInt(v));
          const at = (i: number, j: number) => big[i * shape[1]! + j]!;
          // Each reduction: Graft's result, and BigInt's per output element.
          const checks: [string, () => Tensor, bigint[]][] = [
            ['sum()', () => x.sum(), [big.reduce((a, b) => a + b, 0n)]],
            [
              'sum(1)',
              () => x.sum(1),
              Array.from({ length: shape[0]! }, (_, i) =>
                Array.from({ length: shape[1]! }, (_, j) => at(i, j)).reduce((a, b) => a + b, 0n),
              ),
            ],
            [
              'sum(0)',
              () => x.sum(0),
              Array.from({ length: shape[1]! }, (_, j) =>
                Array.from({ length: shape[0]! }, (_, i) => at(i, j)).reduce((a, b) => a + b, 0n),
              ),
            ],
            [
              'cumsum(1)',
              () => x.cumsum(1),
              Array.from({ length: n }, (_, k) => {
                const i = Math.floor(k / shape[1]!);
                let s = 0n;
                for (let j = 0; j <= k % shape[1]!; j++) s += at(i, j);
                return s;
              }),
            ],
            [
              'prod(1)',
              () => x.prod(1),
              Array.from({ length: shape[0]! }, (_, i) =>
                Array.from({ length: shape[1]! }, (_, j) => at(i, j)).reduce((a, b) => a * b, 1n),
              ),
            ],
          ];
          for (const [what, run, expected] of checks) {
            const fits = expected.every((v) => v >= INT32_MIN && v <= INT32_MAX);
            let result: number[] | undefined;
            let error: Error | undefined;
            try {
              result = Array.from(run().dataSync());
            } catch (e) {
              error = e as Error;
            }
            const where = `${what} of int32 ${JSON.stringify(Array.from(values))} (shape [${shape}])`;
            if (fits) {
              if (error !== undefined) fail(`${where}: the exact result fits int32, but Graft raised: ${error.message}`);
              const wrong = expected.findIndex((v, k) => BigInt(result![k]!) !== v);
              if (wrong >= 0) fail(`${where}: element ${wrong} is ${result![wrong]}, exactly ${expected[wrong]}`);
            } else {
              if (error === undefined)
                fail(
                  `${where}: the exact result ${expected.find((v) => v < INT32_MIN || v > INT32_MAX)} does not fit int32, but Graft returned ${JSON.stringify(result)}`,
                );
              const name = what.slice(0, what.indexOf('('));
              for (const part of [name, 'int32', 'double()']) {
                if (!error.message.includes(part))
                  fail(`${where}: the overflow error should name ${JSON.stringify(part)}: ${error.message}`);
              }
            }
          }
        }
      });
    }
    it('g.arange(100000).sum() raises (PyTorch: 4999950000); .double().sum() and sum({ dtype }) give it exactly', () => {
      const x = g.arange(100000);
      let message = '';
      try {
        x.sum().dataSync();
      } catch (e) {
        message = (e as Error).message;
      }
      for (const part of ['sum', 'int32', 'double()'])
        if (!message.includes(part)) fail(`expected an overflow error naming ${part}, got ${JSON.stringify(message)}`);
      if (ctx.supportsFloat64) {
        assertEqual(x.double().sum().item(), 4999950000, 'x.double().sum()');
        assertEqual(x.sum({ dtype: 'float64' }).item(), 4999950000, "x.sum({ dtype: 'float64' })");
      }
    });
  });
}

/** Registers the semantics property tests for one device. */
export function semanticsCases(t: TestApi, ctx: Context): void {
  unaryGrid(t, ctx);
  doubleBackward(t, ctx);
  savedTensors(t, ctx);
  integerProperties(t, ctx);
}
