/**
 * Grad modes and inference tensors against PyTorch (fixtures/inference.json,
 * written by scripts/fixtures/generate_inference.py): what nested scopes
 * report and record, which results are inference tensors, and where autograd
 * and in-place ops refuse inference tensors, with PyTorch's messages. All
 * sync: the async semantics are tested in core's and backend-cpu's tests.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { assertClose, assertEqual, fail, type Tolerance } from './assert.js';
import inferenceJson from './fixtures/inference.json' with { type: 'json' };
import type { TestApi } from './index.js';

type Role = 'inference' | 'leaf' | 'normal' | 'mask';
type Arg = { role: Role; shape: number[]; data: (number | boolean)[] } | { value: unknown } | { list: Arg[] };

interface Outcome {
  error?: string;
  isInference?: boolean;
  requiresGrad?: boolean;
  gradFn?: string | null;
  shape?: number[];
  values?: number[] | null;
}

interface ModeCase {
  name: string;
  kind: 'modes';
  scopes: string[];
  result: {
    grad: boolean;
    inference: boolean;
    records: boolean;
    madeInference: boolean;
    opInference: boolean;
    viewOfNormalInference: boolean;
  };
}

interface OpCase {
  name: string;
  kind: 'op' | 'inplace';
  op: string;
  call?: 'function' | 'method';
  args: Arg[];
  inside: boolean;
  result: Outcome;
}

const cases = (inferenceJson as unknown as { cases: (ModeCase | OpCase)[] }).cases;

/**
 * Where Graft knowingly differs from PyTorch 1.13, with the reason. A case
 * matched here is skipped (the runner shows the reason in the test name).
 */
const KNOWN_DIFFERENCES: [RegExp, string][] = [
  // PyTorch's DivBackward0 saves self (here the inference tensor); Graft's div computes that gradient from its output.
  [/^div\(inference, leaf\) outside/, "Graft's div saves its output for backward, PyTorch's saves self"],
  // PyTorch makes a view of a requires-grad tensor taken in inference mode a new leaf that requires grad
  // (its gradient never reaches the base); Graft's is a plain view that does not require grad.
  [
    /^(view|reshape|transpose|t|select|narrow|unsqueeze|flatten|expand)\(leaf\) inside/,
    'a view taken in inference mode does not require grad in Graft',
  ],
];

function knownDifference(name: string): string | undefined {
  return KNOWN_DIFFERENCES.find(([pattern]) => pattern.test(name))?.[1];
}

/** Throws for a KNOWN_DIFFERENCES pattern that matches no case: after a rename it would skip nothing, and nobody would know. */
function checkKnownDifferences(): void {
  const stale = KNOWN_DIFFERENCES.filter(([pattern]) => !cases.some((c) => pattern.test(c.name))).map(([pattern]) => String(pattern));
  if (stale.length !== 0) {
    throw new Error(
      `inference conformance: KNOWN_DIFFERENCES ${stale.join(', ')} ${stale.length === 1 ? 'matches' : 'match'} no case of fixtures/inference.json (renamed in scripts/fixtures/generate_inference.py?)`,
    );
  }
}

const SCOPE_GUARDS: Record<string, () => Disposable> = {
  noGrad: () => g.noGrad(),
  enableGrad: () => g.enableGrad(),
  inferenceMode: () => g.inferenceMode(),
  setGradEnabledTrue: () => g.setGradEnabled(true),
  setGradEnabledFalse: () => g.setGradEnabled(false),
};

function build(arg: Arg, device: string): unknown {
  if ('value' in arg) return arg.value;
  if ('list' in arg) return arg.list.map((a) => build(a, device));
  if (arg.role === 'mask') return g.tensor(arg.data.map(Boolean) as never, { device }).reshape(arg.shape);
  const t = g.tensor(new Float32Array(arg.data as number[]) as never, { shape: arg.shape, device });
  if (arg.role === 'inference') return g.inferenceMode(() => t.clone());
  if (arg.role === 'leaf') return t.requiresGrad_();
  return t;
}

/** Runs `fn` in inference mode or not, and reports what PyTorch's generator reports. */
function outcome(fn: () => Tensor, inside: boolean): Outcome {
  let out: Tensor;
  try {
    out = inside ? g.inferenceMode(fn) : fn();
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  return {
    isInference: out.isInference(),
    requiresGrad: out.requiresGrad,
    gradFn: out.gradFn === null ? null : out.gradFn.name,
    shape: [...out.shape],
    values: out.dtype === 'bool' ? null : Array.from(out.dataSync()),
  };
}

function compare(actual: Outcome, expected: Outcome, tol: Tolerance, what: string): void {
  if (expected.error !== undefined) {
    if (actual.error === undefined) fail(`${what}: expected PyTorch's error ${JSON.stringify(expected.error)}, but none was thrown`);
    if (!actual.error.includes(expected.error))
      fail(`${what}: error ${JSON.stringify(actual.error)} does not contain PyTorch's ${JSON.stringify(expected.error)}`);
    return;
  }
  if (actual.error !== undefined) fail(`${what}: PyTorch runs this, Graft threw ${JSON.stringify(actual.error)}`);
  assertEqual(actual.isInference, expected.isInference, `${what}: isInference()`);
  assertEqual(actual.requiresGrad, expected.requiresGrad, `${what}: requiresGrad`);
  // Graft's backward-node names are tested elsewhere; here only whether a graph was recorded.
  assertEqual(actual.gradFn !== null, expected.gradFn !== null, `${what}: recorded a gradFn (PyTorch: ${expected.gradFn})`);
  assertEqual(JSON.stringify(actual.shape), JSON.stringify(expected.shape), `${what}: shape`);
  if (expected.values != null) assertClose(actual.values!, expected.values, tol, `${what}: values`);
}

export function inferenceCases(t: TestApi, ctx: { device: string; inDevice<T>(fn: () => T): T }): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));
  const tol = { atol: 1e-5, rtol: 1e-4 };
  checkKnownDifferences();

  t.describe(`conformance on '${ctx.device}': grad modes and inference tensors against PyTorch`, () => {
    for (const c of cases) {
      const skipped = knownDifference(c.name);
      if (skipped !== undefined) {
        t.it(`${c.name} (skipped: ${skipped})`, () => {});
        continue;
      }
      if (c.kind === 'modes') {
        it(c.name, () => {
          const leaf = g.ones(2, { requiresGrad: true });
          const normal = g.ones(2);
          const guards = c.scopes.map((s) => SCOPE_GUARDS[s]!());
          let seen: ModeCase['result'];
          try {
            seen = {
              grad: g.isGradEnabled(),
              inference: g.isInferenceModeEnabled(),
              records: leaf.mul(2).gradFn !== null,
              madeInference: g.zeros(2).isInference(),
              opInference: normal.add(1).isInference(),
              viewOfNormalInference: normal.view(2).isInference(),
            };
          } finally {
            for (const guard of guards.reverse()) guard[Symbol.dispose]();
          }
          for (const key of Object.keys(c.result) as (keyof ModeCase['result'])[])
            assertEqual(seen[key], c.result[key], `${c.name}: ${key}`);
          assertEqual(g.isGradEnabled() && !g.isInferenceModeEnabled(), true, `${c.name}: restored`);
        });
        continue;
      }
      it(c.name, () => {
        const args = c.args.map((a) => build(a, ctx.device));
        const lib = g as unknown as Record<string, (...a: unknown[]) => Tensor>;
        const fn =
          c.kind === 'inplace'
            ? () => {
                const self = args[0] as Tensor;
                const out = (self as unknown as Record<string, (...a: unknown[]) => Tensor>)[c.op]!(...args.slice(1));
                if (out !== self) fail(`${c.name}: ${c.op} did not return this`);
                return out;
              }
            : c.call === 'function'
              ? () => lib[c.op]!(...args)
              : () => (args[0] as unknown as Record<string, (...a: unknown[]) => Tensor>)[c.op]!(...args.slice(1));
        const expected = c.op === 'uniform_' || c.op === 'normal_' ? { ...c.result, values: null } : c.result;
        compare(outcome(fn, c.inside), expected, tol, c.name);
      });
    }

    it('custom Functions: saving an inference tensor for backward is refused (ctx.saveForBackward)', () => {
      class Scale extends g.autograd.Function {
        static override forward(ctx: g.autograd.FunctionCtx, x: Tensor, s: Tensor): Tensor {
          ctx.saveForBackward(s);
          return x.mul(s);
        }
        static override backward(ctx: g.autograd.FunctionCtx, grad: Tensor): (Tensor | null)[] {
          return [grad.mul(ctx.savedTensors[0]!), null];
        }
      }
      const w = g.ones(2, { requiresGrad: true });
      const s = g.inferenceMode(() => g.full([2], 3));
      let message = '';
      try {
        Scale.apply(w, s);
      } catch (e) {
        message = (e as Error).message;
      }
      const expected =
        'Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd.';
      if (!message.includes(expected)) fail(`Scale.apply: expected PyTorch's error, got ${JSON.stringify(message)}`);
      // The workaround PyTorch's message gives: a clone is a normal tensor.
      const y = Scale.apply<Tensor>(w, s.clone());
      y.sum().backward();
      assertClose(Array.from(w.grad!.dataSync()), [3, 3], { atol: 0, rtol: 0 }, 'the clone works in autograd');
    });

    it('a refused op pins nothing: the inference tensor can still be disposed', () => {
      const w = g.ones(2, { requiresGrad: true });
      const before = g.memory().numTensors;
      const s = g.inferenceMode(() => g.ones(2));
      try {
        w.mul(s);
      } catch {
        // refused, as PyTorch does
      }
      s.dispose();
      if (!s.isDisposed) fail('the inference tensor was pinned by a node that was never recorded');
      assertEqual(g.memory().numTensors <= before + 1, true, 'at most the refused output is left for the garbage collector');
    });
  });
}
