/**
 * The random family against PyTorch's CPU streams (fixture sampling.json, from
 * scripts/fixtures/generate_random.py): each case is a program of random calls
 * from seeds — default generator and Generator objects — run on the device
 * under test; every result is PyTorch's, every error is PyTorch's, and the
 * next `rand(5)` of every generator afterwards is PyTorch's, which proves each
 * call consumed exactly PyTorch's words. Then what fixtures cannot say:
 * Generator objects, state tensors, memory, gradients.
 */
import type { DType, Tensor } from '@graft/core';
import * as g from '@graft/core';
import { assertClose, assertEqual, assertTensor, assertThrows, fail } from './assert.js';
import {
  applyViews,
  decodeData,
  type EncodedTensor,
  largeSamplingCases,
  makeTensor,
  type SamplingCase,
  type SamplingStep,
  samplingCases,
} from './fixtures.js';
import type { TestApi } from './index.js';

interface Context {
  device: string;
  inDevice: <T>(fn: () => T) => T;
  supportsFloat64: boolean;
}

// float32 values agree to the last bit except where a transcendental function (exp, tan, the scalar
// normal's log/cos) rounds differently in JavaScript than in glibc.
const F32 = { atol: 1e-6, rtol: 1e-6 };
const EXACT = { atol: 0, rtol: 0 };
/** The vectorised float32 normal (16 or more contiguous elements): PyTorch's AVX2 kernel emulated, so its exact bits. */
const VECTORISED_NORMAL = new Set(['randn', 'randnLike', 'normal_']);
/**
 * float64 samplers that go through a transcendental function (log, sin/cos, tan, exp: the normal's
 * Box–Muller, exponential, Cauchy, log-normal, geometric) use V8's Math functions, which differ from
 * glibc's in the last bit or two for a few percent of draws (measured on 200 000 draws: randn within
 * 4.5e-16 relative, exponential_ and cauchy_ 2.2e-16, logNormal_ 1.8e-15, exp amplifying its
 * argument's error). A few ulps, no more: anything else (a different word, a different formula) is
 * far outside this.
 */
const F64_TRANSCENDENTAL = { atol: 1e-15, rtol: 4e-15 };
const TRANSCENDENTAL_SAMPLERS = new Set(['randn', 'randnLike', 'normal', 'normal_', 'exponential_', 'cauchy_', 'logNormal_', 'geometric_']);
/** Every other float64 sampler (rand, uniform_, bernoulli, multinomial, randperm, …) is words and arithmetic: PyTorch's exact bits. */
const F64 = EXACT;

/** A fixture argument: an encoded tensor (with its views) on `device`, or the value itself (JSON's 'nan'/'inf' decoded). */
function argument(a: unknown, device: string): unknown {
  if (typeof a === 'object' && a !== null && 'tensor' in a) {
    const { tensor, views } = a as { tensor: EncodedTensor; views: unknown[][] };
    return applyViews(makeTensor(tensor, device), views);
  }
  if (a === 'nan') return NaN;
  if (a === 'inf') return Infinity;
  if (a === '-inf') return -Infinity;
  return a;
}

const seedOf = (s: number | string) => (typeof s === 'string' ? BigInt(s) : s);

/** Calls that check values on a GPU at the next read (after drawing): their errors leave the stream elsewhere there. */
const DEFERRED_VALUE_CHECKS = new Set(['bernoulli', 'bernoulli_', 'normal']);

function runStep(s: SamplingStep, gens: Map<string, g.Generator>, saved: Map<string, Tensor>, device: string): unknown {
  const gen = (key: string) => gens.get(key) ?? fail(`no generator '${key}'`);
  switch (s.call) {
    case 'getRngState': {
      const state = s.generator !== undefined ? gen(s.generator).getState() : g.getRngState();
      saved.set(s.save!, state);
      return state;
    }
    case 'setRngState': {
      // A saved tensor goes back as the tensor; PyTorch's bytes as a Uint8Array.
      const state = s.state !== undefined ? saved.get(s.state)! : new Uint8Array(s.bytes!);
      if (s.generator !== undefined) gen(s.generator).setState(state);
      else g.setRngState(state);
      return undefined;
    }
    case 'initialSeed':
      return String(s.generator !== undefined ? gen(s.generator).initialSeed() : g.initialSeed());
  }
  const args = (s.args ?? []).map((a) => argument(a, device));
  const kwargs = { ...(s.kwargs ?? {}) };
  if (typeof kwargs['generator'] === 'string') kwargs['generator'] = gen(kwargs['generator']);
  const withOptions = Object.keys(kwargs).length === 0 ? args : [...args, kwargs];
  if (s.self !== undefined) {
    const base = g.zeros(s.self.empty, { dtype: s.self.dtype as DType });
    const view = applyViews(base, s.self.views);
    return (view as unknown as Record<string, (...a: unknown[]) => Tensor>)[s.call!]!(...withOptions);
  }
  const fn = (g as unknown as Record<string, (...a: unknown[]) => unknown>)[s.call!];
  if (fn === undefined) fail(`unknown call ${s.call}`);
  return fn(...withOptions);
}

function checkOut(s: SamplingStep, result: unknown, what: string): void {
  if (s.out === undefined) return;
  if (typeof s.out === 'string') {
    assertEqual(result, s.out, what);
    return;
  }
  if (Array.isArray(s.out)) {
    assertClose(Array.from((result as Tensor).dataSync()), s.out, { atol: 0, rtol: 0 }, `${what} (state bytes)`);
    return;
  }
  const t = result as Tensor;
  assertEqual(t.device, g.currentDevice(), `${what}: device`);
  const exact = s.out.dtype === 'float32' && VECTORISED_NORMAL.has(s.call ?? '') && t.numel() >= 16 && t.isContiguous();
  const float64 = TRANSCENDENTAL_SAMPLERS.has(s.call ?? '') ? F64_TRANSCENDENTAL : F64;
  assertTensor(t, { ...s.out, data: decodeData(s.out) }, s.out.dtype === 'float64' ? float64 : exact ? EXACT : F32, what);
}

/** Runs a case on the current device: every step's result or error, then every generator's next rand(5). */
export function runSamplingCase(c: SamplingCase, device: string): void {
  g.manualSeed(0);
  const gens = new Map<string, g.Generator>();
  const saved = new Map<string, Tensor>();
  const deferred = g.getBackend().deferChecks === true;
  let afterIsPyTorchs = true;
  c.steps.forEach((s, i) => {
    const what = `step ${i + 1} (${s.call ?? 'seed'})`;
    if (s.call === undefined) {
      if (s.generator === undefined) g.manualSeed(seedOf(s.seed!));
      else gens.set(s.generator, s.seed === undefined ? new g.Generator() : new g.Generator().manualSeed(seedOf(s.seed)));
      return;
    }
    if (s.expectError !== undefined) {
      const expected = s.expectError.toLowerCase();
      let error: unknown;
      try {
        const r = runStep(s, gens, saved, device);
        if (r instanceof g.Tensor) r.dataSync(); // a GPU reports a value check at the next read
      } catch (e) {
        error = e;
      }
      if (!(error instanceof Error)) fail(`${what}: expected PyTorch's error (${s.expectError}), but none was thrown`);
      if (!error.message.toLowerCase().includes(expected))
        fail(`${what}: error ${JSON.stringify(error.message)} is not PyTorch's (${s.expectError})`);
      if (deferred && DEFERRED_VALUE_CHECKS.has(s.call)) afterIsPyTorchs = false;
      return;
    }
    checkOut(s, runStep(s, gens, saved, device), what);
  });
  if (!afterIsPyTorchs) return;
  for (const [key, expected] of Object.entries(c.after)) {
    const options = key === 'default' ? {} : { generator: gens.get(key)! };
    assertClose(
      Array.from(g.rand(5, options).dataSync()),
      expected,
      { atol: 0, rtol: 0 },
      `the next rand(5) of ${key === 'default' ? 'the default generator' : `generator '${key}'`}`,
    );
  }
}

/** Σ (i+1)·v_i mod 2^31 − 1, exactly (each product stays below 2^53). */
function checksum(values: ArrayLike<number>): number {
  const m = 2 ** 31 - 1;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum = (sum + ((((i + 1) % m) * values[i]!) % m)) % m;
  return sum;
}

const usesFloat64 = (c: SamplingCase) => JSON.stringify(c).includes('"float64"');

/** Registers the random family's conformance tests for one device. */
export function samplingCasesSuite(t: TestApi, ctx: Context): void {
  const { device, inDevice, supportsFloat64 } = ctx;
  const it = (name: string, fn: () => void) => t.it(name, () => inDevice(() => g.tidy(fn)));

  t.describe(`conformance on '${device}': random functions draw PyTorch's numbers and leave every generator where PyTorch does`, () => {
    for (const c of samplingCases) {
      if (!supportsFloat64 && usesFloat64(c)) continue;
      it(c.name, () => runSamplingCase(c, device));
    }
    for (const c of largeSamplingCases) {
      it(`${c.name} (a digest)`, () => {
        g.manualSeed(c.seed);
        const values = g.randperm(c.n).dataSync();
        assertEqual(values.length, c.digest.numel, 'numel');
        assertClose(Array.from(values.subarray(0, 16)), c.digest.head, { atol: 0, rtol: 0 }, 'head');
        assertClose(Array.from(values.subarray(values.length - 16)), c.digest.tail, { atol: 0, rtol: 0 }, 'tail');
        assertEqual(checksum(values), c.digest.checksum, 'Σ (i+1)·v_i mod 2^31 − 1');
        assertClose(Array.from(g.rand(5).dataSync()), c.after, { atol: 0, rtol: 0 }, 'the next rand(5)');
      });
    }
  });

  t.describe(`conformance on '${device}': generators and their states`, () => {
    it('a Generator is independent of the default generator and of other generators', () => {
      const a = new g.Generator().manualSeed(5);
      const b = new g.Generator().manualSeed(5);
      g.manualSeed(5);
      const fromA = Array.from(g.rand(4, { generator: a }).dataSync());
      const fromDefault = Array.from(g.rand(4).dataSync());
      g.rand(100, { generator: b }); // b moves on; a and the default do not care
      assertClose(fromDefault, fromA, { atol: 0, rtol: 0 }, 'the same seed gives the same stream');
      const nextA = Array.from(g.randn(3, { generator: a }).dataSync());
      const c = new g.Generator().manualSeed(5);
      g.rand(4, { generator: c });
      assertClose(Array.from(g.randn(3, { generator: c }).dataSync()), nextA, { atol: 0, rtol: 0 }, 'a is where c is');
    });
    it('seed() seeds non-deterministically and returns the seed; initialSeed() gives it back', () => {
      const gen = new g.Generator();
      assertEqual(gen.initialSeed(), 67280421310721, "a new generator's seed is PyTorch's default");
      const s1 = gen.seed();
      const first = Array.from(g.rand(3, { generator: gen }).dataSync());
      assertEqual(gen.initialSeed(), s1, 'initialSeed after seed()');
      if (!Number.isSafeInteger(s1) || s1 < 0) fail(`seed() gave ${s1}, expected a non-negative safe integer`);
      const s2 = gen.seed();
      if (s1 === s2) fail('two calls of seed() gave the same seed');
      gen.manualSeed(s1);
      assertClose(Array.from(g.rand(3, { generator: gen }).dataSync()), first, { atol: 0, rtol: 0 }, 'manualSeed(seed()) replays');
      const s = g.seed();
      assertEqual(g.initialSeed(), s, 'g.initialSeed() after g.seed()');
      assertEqual(g.manualSeed(3), g.defaultGenerator, 'manualSeed returns the default generator');
    });
    it('getRngState is an int32 tensor of 5056 bytes on the current device; setRngState takes it back', () => {
      g.manualSeed(1);
      const state = g.getRngState();
      assertEqual(JSON.stringify(state.shape), '[5056]', 'shape');
      assertEqual(state.dtype, 'int32', 'dtype');
      assertEqual(state.device, g.currentDevice(), 'device');
      const a = Array.from(g.randn(5).dataSync());
      g.setRngState(state);
      assertClose(Array.from(g.randn(5).dataSync()), a, { atol: 0, rtol: 0 }, 'the stream replays');
    });
    it('bad states and generators are clear errors that change nothing', () => {
      g.manualSeed(2);
      const before = Array.from(g.getRngState().dataSync());
      assertThrows(() => g.setRngState(g.zeros(5056)), ['setRngState', 'int32', 'float32'], 'a float tensor');
      assertThrows(() => g.setRngState(g.full([5056], 300, { dtype: 'int32' })), ['setRngState', 'bytes', '300'], 'a value beyond a byte');
      assertThrows(() => g.setRngState(new Uint8Array(12)), ['CPUGeneratorImplState', '5056', '12'], 'a wrong size');
      assertThrows(() => g.setRngState([1, 2] as never), ['setRngState', 'Tensor'], 'not a state');
      assertClose(Array.from(g.getRngState().dataSync()), before, { atol: 0, rtol: 0 }, 'the state after the errors');
      assertThrows(() => g.rand(2, { generator: 5 as never }), ['rand', 'generator', 'g.Generator'], 'generator: a number');
      assertThrows(() => g.randperm(3, { generator: {} as never }), ['randperm', 'generator'], 'generator: a plain object');
      assertThrows(() => g.zeros(2).uniform_(0, 1, { generator: 'a' as never }), ['uniform_', 'generator'], 'uniform_ generator');
      assertThrows(() => g.manualSeed(1.5), ['manualSeed', 'integer'], 'a fractional seed');
      assertThrows(() => g.manualSeed(2n ** 64n), ['manualSeed', '2^64'], 'a seed beyond uint64');
      assertThrows(() => g.multinomial(g.ones(3), 2.5), ['multinomial', 'numSamples', 'integer'], 'a fractional numSamples');
      assertThrows(() => (g.normal as (...a: unknown[]) => unknown)(0, 1), ['normal', 'size'], 'numbers without a size');
    });
  });

  t.describe(`conformance on '${device}': random functions and memory, gradients, devices`, () => {
    it('each random function leaves exactly its result alive, also when it throws', () => {
      const p = g.tensor([0.2, 0.3, 0.5]);
      const view = g.zeros(3, 2).t();
      const calls: [string, () => unknown][] = [
        ['multinomial', () => g.multinomial(p, 2)],
        ['multinomial with replacement', () => g.multinomial(p, 4, true)],
        ['bernoulli', () => g.bernoulli(p)],
        ['bernoulli p', () => g.bernoulli(p, 0.5)],
        ['normal tensor tensor', () => g.normal(p, p)],
        ['normal tensor number', () => g.normal(p, 2)],
        ['normal number tensor', () => g.normal(1, p)],
        ['normal numbers', () => g.normal(1, 2, [3])],
        ['randperm', () => g.randperm(6)],
        ['randintLike', () => g.randintLike(p, 5)],
        ['randLike of a view', () => g.randLike(view)],
      ];
      for (const [name, fn] of calls) {
        const before = g.memory().numTensors;
        const out = fn() as Tensor;
        out.dataSync();
        assertEqual(g.memory().numTensors, before + 1, `${name}: live tensors`);
        out.dispose();
      }
      const target = g.zeros(3);
      const inPlace: [string, () => unknown][] = [
        ['uniform_ of a view', () => view.uniform_()],
        ['normal_ of a view', () => view.normal_(0, 1)],
        ['bernoulli_ with a tensor p', () => target.bernoulli_(p)],
        ['exponential_', () => target.exponential_()],
        ['random_', () => target.random_(3)],
      ];
      for (const [name, fn] of inPlace) {
        const before = g.memory().numTensors;
        fn();
        assertEqual(g.memory().numTensors, before, `${name}: live tensors`);
      }
      const [negative, aboveOne, badStd] = [g.tensor([1, -1]), g.tensor([0.5, 2]), g.tensor([1, -1, 1])];
      const before = g.memory().numTensors;
      assertThrows(() => g.multinomial(negative, 1), ['multinomial'], 'multinomial error');
      // On a GPU these checks are reported at the next read: the call has made its result, which the caller frees.
      const made: Tensor[] = [];
      assertThrows(() => made.push(g.bernoulli(aboveOne)) && made.at(-1)!.dataSync(), ['bernoulli'], 'bernoulli error');
      assertThrows(() => made.push(g.normal(p, badStd)) && made.at(-1)!.dataSync(), ['normal'], 'normal error');
      for (const t of made) t.dispose();
      assertEqual(g.memory().numTensors, before, 'live tensors after the errors');
    });
    it("normal and bernoulli record PyTorch's nodes, with zero gradients", () => {
      const mean = g.tensor([[0], [1]], { requiresGrad: true });
      const std = g.tensor([1, 2, 3], { requiresGrad: true });
      const y = g.normal(mean, std);
      assertEqual(y.gradFn?.name, 'NormalBackward3', 'normal(Tensor, Tensor)');
      y.sum().backward();
      assertClose(Array.from(mean.grad!.dataSync()), [0, 0], { atol: 0, rtol: 0 }, 'mean.grad');
      assertClose(Array.from(std.grad!.dataSync()), [0, 0, 0], { atol: 0, rtol: 0 }, 'std.grad');
      assertEqual(g.normal(mean, 1).gradFn?.name, 'NormalBackward1', 'normal(Tensor, number)');
      assertEqual(g.normal(0, std).gradFn?.name, 'NormalBackward2', 'normal(number, Tensor)');
      const p = g.tensor([0.5, 0.5], { requiresGrad: true });
      assertEqual(g.bernoulli(p).gradFn?.name, 'BernoulliBackward0', 'bernoulli(Tensor)');
      assertEqual(g.bernoulli(p, 0.5).requiresGrad, false, 'bernoulli(Tensor, p) does not require grad');
    });
    it('results live on the device of their input, and in-place samplers write through views', () => {
      const p = g.tensor([
        [0.5, 0.5],
        [0.1, 0.9],
      ]);
      for (const out of [g.multinomial(p, 1), g.bernoulli(p), g.normal(p, 1), g.randintLike(p, 3), g.randperm(3)]) {
        assertEqual(out.device, g.currentDevice(), 'device');
      }
      const base = g.zeros(3, 4);
      base.t().slice(0, 1, 3).uniform_(1, 2);
      const v = Array.from(base.dataSync());
      for (let i = 0; i < 12; i++) {
        const inside = i % 4 === 1 || i % 4 === 2;
        if (inside !== v[i]! >= 1) fail(`uniform_ through a view wrote element ${i} (${v[i]}) wrongly`);
      }
    });
  });
}
