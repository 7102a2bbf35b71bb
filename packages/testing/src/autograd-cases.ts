/**
 * Autograd conformance: gradcheck (float64 finite differences) over every
 * differentiable fixture op, gradgradcheck over the elementwise and matmul
 * families, forward mode against the Jacobian, and the engine's semantics —
 * including the cases the JavaScript peers get wrong.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { assertClose, assertEqual, assertThrows, fail } from './assert.js';
import { allOpCases, applyViews, casesNamed, decodeNumber, type EncodedArg, makeTensor, type OpCase, opCaseFiles } from './fixtures.js';
import { opFunction } from './op-runner.js';
import type { TestApi } from './index.js';

interface Context {
  device: string;
  inDevice<T>(fn: () => T): T;
  supportsFloat64: boolean;
  engineScale: number;
}

/** Ops whose derivative is zero almost everywhere or undefined at ties: skip finite differences. */
const NOT_SMOOTH = new Set(['sign', 'floor', 'ceil', 'round', 'trunc', 'fix']);

/** Fixture cases (of any file in opCaseFiles) whose second derivatives gradgradcheck checks (an unknown name throws: see casesNamed). */
export const SECOND_ORDER_CASES: readonly string[] = [
  'exp',
  'log',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'sqrt',
  'rsqrt',
  'reciprocal',
  'erf',
  'square',
  'expm1',
  'log1p',
  'neg',
  'mul_same',
  'mul_bcast',
  'div_same',
  'div_scalar_left',
  'add_bcast',
  'sub_scalar_left',
  'pow_scalar',
  'pow_tensor',
  'pow_scalar_base',
  'matmul_2d',
  'matmul_batched',
  'matmul_bcast',
  'matmul_2d_1d',
  'mm',
  'bmm',
  'dot',
  'outer',
  'softmax',
  'logSoftmax',
  'logsumexp',
  'mean_dim',
  'sum_dims',
  'prod_all',
  'var_dim',
  'norm',
  'inverse',
  'det',
  // sorting.json: the gradient scatters back to the selected elements (its own gradient is a gather).
  'sort_grad_distinct',
  'sort_grad_noncontig',
  'topk_grad_distinct',
  'topk_grad_distinct_partial',
  'kthvalue_grad_distinct',
  'median_all_grad_distinct',
  'median_dim_grad_distinct_keepdim',
  'nanmedian_dim_grad_distinct',
  'mode_grad_distinct',
  'cummax_grad_distinct',
  'cummin_grad_distinct',
  // elementwise.json
  'sinh_normal',
  'cosh_normal',
  'tan_unit',
  'asin_unit',
  'acos_unit',
  'atan_normal',
  'asinh_normal',
  'acosh_above1',
  'atanh_unit',
  'log2_positive',
  'log10_positive',
  'exp2_normal',
  'erfc_normal',
  'erfinv_unit',
  'lgamma_positive',
  'digamma_positive',
  'polygamma_2',
  'logit_prob',
  'logit_eps_grad',
  'softplus_normal',
  'softplus_beta',
  'atan2_bcast',
  'hypot_same',
  'logaddexp_bcast',
  'logaddexp2_same',
  'xlogy_same',
  'xlogy_scalar_left',
  'lerp_tensor',
  'lerp_scalar_large',
  'addcmul_bcast',
  'addcdiv_value',
  'remainder_same',
  'fmod_bcast',
  'special.zeta_scalar_x',
  'frac_wide',
];

/** Fixture cases whose forward-mode derivatives (jvp, dual numbers) are checked against the Jacobian (an unknown name throws). */
export const FORWARD_CASES: readonly string[] = [
  'exp',
  'tanh',
  'sigmoid',
  'mul_bcast',
  'div_same',
  'pow_tensor',
  'matmul_2d',
  'matmul_batched',
  'softmax',
  'logsumexp',
  'sum_dims',
  'mean_dim',
  'amax_dim',
  'cumsum',
  'gather',
  'cat',
  'transpose',
  'slice',
  'pad_2d',
  'where',
  'clamp',
  'norm',
  'var_dim',
  'sort_grad_distinct_desc_dim0',
  'topk_grad_distinct_unsorted',
  'kthvalue_grad_distinct_keepdim',
  'median_all_grad_distinct',
  'cummax_grad_distinct',
  // elementwise.json
  'sinh_normal',
  'erfinv_unit',
  'digamma_positive',
  'atan2_same',
  'hypot_bcast',
  'logaddexp_same',
  'xlogy_same',
  'lerp_tensor_bcast',
  'addcdiv_bcast',
  'logit_prob',
  'softplus_beta',
  'nanToNum_normal',
  'clampMin_tensor',
  'remainder_bcast',
];

/** A fixture case as a function of its float inputs (float64 leaves requiring grad). */
export function asFunction(c: OpCase, device: string): { fn: (...xs: Tensor[]) => Tensor | Tensor[]; inputs: Tensor[] } | undefined {
  const inputs: Tensor[] = [];
  const slots: EncodedArg[] = [];
  const collect = (args: readonly EncodedArg[]) => {
    for (const a of args) {
      if ('tensor' in a && (a.tensor.dtype === 'float32' || a.tensor.dtype === 'float64')) {
        inputs.push(makeTensor(a.tensor, device, 'float64').requiresGrad_(true));
        slots.push(a);
      } else if ('list' in a) collect(a.list);
    }
  };
  collect(c.args);
  if (inputs.length === 0) return undefined;
  const build = (xs: Tensor[], args: readonly EncodedArg[], k: { i: number }): unknown[] =>
    args.map((a) => {
      if ('tensor' in a) {
        if (a.tensor.dtype === 'float32' || a.tensor.dtype === 'float64') return applyViews(xs[k.i++]!, a.views);
        return applyViews(makeTensor(a.tensor, device), a.views);
      }
      if ('list' in a) return build(xs, a.list, k);
      if ('arange' in a) return g.arange(a.arange[0], a.arange[1], { dtype: a.dtype as never, device });
      return typeof a.value === 'string' ? decodeNumber(a.value) : a.value;
    });
  const fn = (...xs: Tensor[]) => {
    const args = build(xs, c.args, { i: 0 });
    const kw = Object.keys(c.kwargs).length !== 0 ? [c.kwargs] : [];
    if (c.op === 'max_dim' || c.op === 'min_dim') return (opFunction(c, args)(...args) as g.ValuesIndices).values;
    const out = opFunction(c, args)(...args, ...kw) as Tensor | Tensor[];
    if (!Array.isArray(out)) return out;
    // The floating (differentiable) outputs; one alone (the values of [values, indices]) as itself.
    const diff = out.filter((o) => o.dtype === 'float32' || o.dtype === 'float64');
    return diff.length === 1 ? diff[0]! : diff;
  };
  void slots;
  return { fn, inputs };
}

export function autogradCases(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void | Promise<void>) => t.it(name, () => ctx.inDevice(fn as () => void));
  // Resolved on every device (float64 or not), so a stale name fails every run.
  const secondOrder = casesNamed('gradgradcheck (SECOND_ORDER_CASES)', SECOND_ORDER_CASES, allOpCases);
  const forward = casesNamed('forward mode (FORWARD_CASES)', FORWARD_CASES, allOpCases);

  if (ctx.supportsFloat64) {
    t.describe(`conformance on '${ctx.device}': gradcheck of every differentiable op (float64 central differences)`, () => {
      for (const c of opCaseFiles.flatMap((f) => (f.gradcheck === true ? f.cases : []))) {
        // Finite differences cost two evaluations per input element: keep the big matmuls to the fixtures.
        if (c.grads === undefined || c.gradcheck === false || NOT_SMOOTH.has(c.op) || c.name.startsWith('matmul_large')) continue;
        it(`gradcheck ${c.name}`, () => {
          const f = asFunction(c, ctx.device);
          if (f === undefined) return;
          g.autograd.gradcheck(f.fn, f.inputs, { eps: 1e-6, atol: 1e-5, rtol: 1e-3 });
        });
      }
    });

    t.describe(`conformance on '${ctx.device}': gradgradcheck (second derivatives)`, () => {
      for (const c of secondOrder) {
        it(`gradgradcheck ${c.name}`, () => {
          const f = asFunction(c, ctx.device)!;
          g.autograd.gradgradcheck(f.fn as (...xs: Tensor[]) => Tensor, f.inputs, undefined, { atol: 1e-5, rtol: 1e-3 });
        });
      }
    });

    t.describe(`conformance on '${ctx.device}': forward mode agrees with the Jacobian`, () => {
      for (const c of forward) {
        it(`jvp and dual numbers = J·v for ${c.name}`, () => {
          const f = asFunction(c, ctx.device)!;
          const fn = (...xs: Tensor[]) => f.fn(...xs) as Tensor;
          const vs = f.inputs.map((x) => g.randnLike(x));
          const jac = g.autograd.functional.jacobian(fn, f.inputs) as Tensor[];
          const out = g.noGrad(() => fn(...f.inputs));
          let expected = g.zeros(out.shape, { dtype: 'float64' });
          jac.forEach((J, i) => {
            const flatJ = J.reshape(out.numel(), -1);
            expected = expected.add(flatJ.matmul(vs[i]!.reshape(-1)).reshape(out.shape));
          });
          const [, jv] = g.autograd.functional.jvp(fn, f.inputs, vs);
          assertClose(Array.from(jv.dataSync()), Array.from(expected.dataSync()), { atol: 1e-9, rtol: 1e-7 }, 'jvp');
          const dual = g.autograd.forwardAd.dualLevel(() => {
            const xs = f.inputs.map((x, i) => g.autograd.forwardAd.makeDual(x.detach(), vs[i]!));
            return g.autograd.forwardAd.unpackDual(fn(...xs)).tangent!;
          });
          assertClose(Array.from(dual.dataSync()), Array.from(expected.dataSync()), { atol: 1e-9, rtol: 1e-7 }, 'dual tangent');
        });
      }

      it('a dual tensor returned from tidy keeps its tangent (alone, in arrays and objects); everything else, tangent derivations included, is freed', () => {
        g.autograd.forwardAd.dualLevel(() => {
          const x = g.autograd.forwardAd.makeDual(
            g.tensor([1, 2, 3], { device: ctx.device }),
            g.tensor([1, 0, -1], { device: ctx.device }),
          );
          const before = g.memory().numTensors;
          const one = g.tidy(() => x.mul(2).add(1));
          const [a, a2] = g.tidy(() => [x.mul(3), x.mul(3).exp()]);
          const { b } = g.tidy(() => ({ b: x.square().sum() }));
          const results = [one, a!, a2!, b];
          const unpacked = results.map((t) => g.autograd.forwardAd.unpackDual(t));
          const tangents = unpacked.map((u) => u.tangent!);
          for (const t of tangents) assertEqual(t.isDisposed, false, 'the tangent of a returned dual tensor');
          assertClose(Array.from(tangents[0]!.dataSync()), [2, 0, -2], { atol: 0, rtol: 0 }, 'tangent of 2x + 1');
          assertClose(Array.from(tangents[1]!.dataSync()), [3, 0, -3], { atol: 0, rtol: 0 }, 'tangent of 3x');
          assertClose(Array.from(tangents[3]!.dataSync()), [-4], { atol: 1e-6, rtol: 0 }, 'tangent of sum(x²)');
          // Only the results and their tangents were left (each op's tangent derivation frees what it made too).
          for (const t of [...results, ...tangents, ...unpacked.map((u) => u.primal)]) t.dispose();
          assertEqual(g.memory().numTensors, before, 'tensors left after disposing the results and their tangents');
        });
      });
    });
  }

  t.describe(`conformance on '${ctx.device}': the autograd engine`, () => {
    it('gradFn names, nextFunctions, AccumulateGrad.variable, isLeaf (seed 001)', () => {
      const x = g.tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { requiresGrad: true },
      );
      const y = x.sub(2);
      assertEqual(y.gradFn!.name, 'SubBackward0', 'name');
      const [acc, nr] = y.gradFn!.nextFunctions[0]!;
      assertEqual(acc!.name, 'AccumulateGrad', 'next');
      assertEqual(nr, 0, 'output nr');
      assertEqual((acc as g.autograd.AccumulateGrad).variable, x, 'variable');
      assertEqual(x.isLeaf && !y.isLeaf, true, 'isLeaf');
      assertEqual(y.gradFn!.nextFunctions[1]![0], null, 'a number has no edge');
      const names = [g.mul(2, x), x.mean(), x.pow(2), x.tanh(), x.mm(x), g.sub(10, x), x.sum(), x.t(), x.exp(), x.relu()].map(
        (t) => t.gradFn!.name,
      );
      assertEqual(
        names.join(),
        'MulBackward0,MeanBackward0,PowBackward0,TanhBackward0,MmBackward0,RsubBackward1,SumBackward0,TBackward0,ExpBackward0,ReluBackward0',
        'PyTorch names',
      );
    });
    it('an unused consumer does not block gradients (js-pytorch returns zeros here)', () => {
      const x = g.tensor([1, 2, 3], { requiresGrad: true });
      const h = x.mul(2);
      h.mul(5); // a dead branch
      h.sum().backward();
      assertClose(Array.from(x.grad!.dataSync()), [2, 2, 2], { atol: 0, rtol: 0 }, 'x.grad');
    });
    it('a second backward needs retainGraph, then accumulates (js-pytorch doubles)', () => {
      const a = g.tensor([1, 2], { requiresGrad: true });
      const y = a.mul(a).sum();
      y.backward(undefined, { retainGraph: true });
      assertClose(Array.from(a.grad!.dataSync()), [2, 4], { atol: 0, rtol: 0 }, 'first');
      y.backward();
      assertClose(Array.from(a.grad!.dataSync()), [4, 8], { atol: 0, rtol: 0 }, 'accumulated');
      assertThrows(() => y.backward(), ['backward through the graph a second time', 'retainGraph'], 'third backward');
    });
    const chain = Math.round(100_000 * ctx.engineScale);
    it(`a ${chain}-op chain backpropagates (iterative engine, no stack overflow)`, () => {
      const x = g.tensor([1], { requiresGrad: true });
      let h = x;
      for (let i = 0; i < chain; i++) h = h.add(1e-5);
      h.sum().backward();
      assertClose(Array.from(x.grad!.dataSync()), [1], { atol: 0, rtol: 0 }, 'grad');
    });
    it('higher-order gradients of tanh, sigmoid and exp (tfjs fails these)', () => {
      for (const [op, second] of [
        ['tanh', (v: number) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)],
        [
          'sigmoid',
          (v: number) => {
            const s = 1 / (1 + Math.exp(-v));
            return s * (1 - s) * (1 - 2 * s);
          },
        ],
        ['exp', Math.exp],
      ] as const) {
        const x = g.tensor(0.7, { requiresGrad: true });
        const y = (x as unknown as Record<string, () => Tensor>)[op]!.call(x);
        const [d1] = g.autograd.grad(y, x, { createGraph: true });
        const [d2] = g.autograd.grad(d1!, x);
        assertClose([d2!.item() as number], [second(0.7)], { atol: 1e-5, rtol: 1e-4 }, `${op}''`);
      }
    });
    it('detach, detach_, data and requiresGrad_ (tfjs has no detach)', () => {
      const x = g.tensor([1, 2], { requiresGrad: true });
      const y = x.mul(2);
      const d = y.detach();
      assertEqual(d.requiresGrad, false, 'detach');
      assertEqual(d.storage, y.storage, 'detach shares storage');
      y.detach_();
      assertEqual(y.isLeaf && !y.requiresGrad, true, 'detach_');
      assertEqual(x.data.requiresGrad, false, 'data');
      const z = g.zeros(2).requiresGrad_();
      assertEqual(z.requiresGrad, true, 'requiresGrad_');
    });
    it('retainGrad, hooks on leaves and non-leaves, backward inputs', () => {
      const x = g.tensor([1, 2], { requiresGrad: true });
      const y = x.mul(3);
      y.retainGrad();
      y.registerHook((grad) => grad.mul(10));
      x.registerHook((grad) => grad.add(1));
      y.sum().backward();
      assertClose(Array.from(y.grad!.dataSync()), [1, 1], { atol: 0, rtol: 0 }, 'retained grad (before the hook)');
      assertClose(Array.from(x.grad!.dataSync()), [31, 31], { atol: 0, rtol: 0 }, 'hooks applied');
      const a = g.tensor(1, { requiresGrad: true });
      const b = g.tensor(2, { requiresGrad: true });
      a.mul(b).backward(undefined, { inputs: [a] });
      assertEqual(a.grad!.item(), 2, 'inputs: a');
      assertEqual(b.grad, null, 'inputs: b untouched');
    });
    it('autograd.grad: allowUnused, createGraph, gradOutputs', () => {
      const x = g.tensor([1, 2], { requiresGrad: true });
      const unused = g.tensor(1, { requiresGrad: true });
      const y = x.pow(2);
      assertThrows(
        () => g.autograd.grad(y.sum(), [x, unused], { retainGraph: true }),
        ['appears to not have been used', 'allowUnused'],
        'unused',
      );
      const [gx, gu] = g.autograd.grad(y, [x, unused], { gradOutputs: [g.tensor([1, 10])], allowUnused: true, retainGraph: true });
      assertClose(Array.from(gx!.dataSync()), [2, 40], { atol: 0, rtol: 0 }, 'vjp');
      assertEqual(gu, null, 'unused is null');
      assertEqual(x.grad, null, 'grad() does not accumulate');
    });
    it('grad modes: noGrad (sync, async, using), enableGrad, setGradEnabled, inferenceMode', async () => {
      const x = g.tensor([1], { requiresGrad: true });
      assertEqual(g.noGrad(() => x.mul(2)).requiresGrad, false, 'noGrad');
      assertEqual(g.noGrad(() => g.enableGrad(() => x.mul(2))).requiresGrad, true, 'enableGrad inside noGrad');
      // What code beside a pending async scope sees depends on the runtime (docs/core.md: grad modes and async code).
      const pending = g.noGrad(async () => {
        await Promise.resolve();
        return [g.isGradEnabled(), x.mul(2).requiresGrad, g.enableGrad(() => x.mul(2).requiresGrad)];
      });
      assertEqual(JSON.stringify(await pending), '[false,false,true]', 'off inside the async function, across an await');
      assertEqual(g.isGradEnabled(), true, 'restored when the promise settles');
      {
        using _guard = g.noGrad();
        assertEqual(x.mul(2).requiresGrad, false, 'using form');
      }
      assertEqual(g.isGradEnabled(), true, 'using restores');
      const guard = g.setGradEnabled(false);
      assertEqual(g.isGradEnabled(), false, 'setGradEnabled');
      guard[Symbol.dispose]();
      assertEqual(g.inferenceMode(() => x.exp()).requiresGrad, false, 'inferenceMode');
      assertThrows(
        () =>
          g.noGrad(() => {
            throw new Error('boom');
          }),
        ['boom'],
        'errors propagate',
      );
      assertEqual(g.isGradEnabled(), true, 'restored after an error');
    });
    it('in-place: allowed on a leaf under noGrad, caught by the version counter', () => {
      const w = g.ones(2, { requiresGrad: true });
      g.noGrad(() => w.sub_(0.5));
      assertClose(Array.from(w.dataSync()), [0.5, 0.5], { atol: 0, rtol: 0 }, 'noGrad update');
      const y = w.exp();
      y.mul_(2);
      assertThrows(() => y.sum().backward(), ['modified by an inplace operation', 'version 1', 'version 0'], 'saved output changed');
      const x = w.mul(1);
      x.mul_(3); // mul by a number saves nothing: allowed, as in PyTorch
      x.sum().backward();
      assertClose(Array.from(w.grad!.dataSync()), [3, 3], { atol: 0, rtol: 0 }, 'in-place chain');
    });
    it('saved tensors are kept through tidy and released by backward', () => {
      const w = g.randn([8, 8], { requiresGrad: true });
      const before = g.memory().numTensors;
      const loss = g.tidy(() => w.tanh().matmul(w).exp().sum());
      const pinned = g.memory().numTensors;
      if (pinned <= before + 1) fail(`tidy should not free tensors the graph saved (before ${before}, after ${pinned})`);
      loss.backward();
      loss.dispose();
      w.grad!.dispose();
      w.grad = null;
      assertEqual(g.memory().numTensors, before, 'released after backward');
    });
    const steps = Math.max(10, Math.round(1000 * ctx.engineScale));
    it(`a ${steps}-step training loop keeps memory().numTensors flat`, () => {
      g.manualSeed(3);
      const xs = g.randn(16, 4);
      const ys = xs.sum(1, true);
      const w = g.zeros([4, 1], { requiresGrad: true });
      const step = () =>
        g.tidy(() => {
          const loss = xs.matmul(w).sub(ys).square().mean();
          loss.backward();
          g.noGrad(() => w.sub_(w.grad!.mul(0.1)));
          w.grad!.dispose();
          w.grad = null;
          return loss.item() as number;
        });
      step();
      const start = g.memory().numTensors;
      let last = 0;
      const first = (last = step());
      for (let i = 1; i < steps; i++) last = step();
      assertEqual(g.memory().numTensors, start, 'flat');
      if (!(last < first)) fail(`the loss should fall, got ${first} -> ${last}`);
    });
    it('custom Function with saveForBackward', () => {
      class Cube extends g.autograd.Function {
        static override forward(ctx: g.autograd.FunctionCtx, x: Tensor): Tensor {
          ctx.saveForBackward(x);
          return x.pow(3);
        }
        static override backward(ctx: g.autograd.FunctionCtx, grad: Tensor): Tensor {
          const [x] = ctx.savedTensors;
          return grad.mul(x!.square().mul(3));
        }
      }
      const x = g.tensor([1, 2], { requiresGrad: true });
      const y = Cube.apply<Tensor>(x);
      assertEqual(y.gradFn!.name, 'CubeBackward', 'name');
      y.sum().backward();
      assertClose(Array.from(x.grad!.dataSync()), [3, 12], { atol: 0, rtol: 0 }, 'grad');
    });
    it('custom Function arguments may be numbers and plain objects (they get no gradient)', () => {
      class Scale extends g.autograd.Function {
        static override forward(ctx: g.autograd.FunctionCtx, x: Tensor, options: { by: number }, offset: number): Tensor {
          ctx['by'] = options.by;
          return x.mul(options.by).add(offset);
        }
        static override backward(ctx: g.autograd.FunctionCtx, grad: Tensor): Tensor[] {
          return [grad.mul(ctx['by'] as number)];
        }
      }
      const x = g.tensor([1, 2], { requiresGrad: true });
      Scale.apply<Tensor>(x, { by: 3 }, 1).sum().backward();
      assertClose(Array.from(x.grad!.dataSync()), [3, 3], { atol: 0, rtol: 0 }, 'grad through a Function with an options object');
      class Shift extends g.autograd.Function {
        static override forward(_ctx: g.autograd.FunctionCtx, by: number, a: Tensor, b: Tensor): Tensor {
          return a.add(b.mul(2)).add(by);
        }
        static override backward(_ctx: g.autograd.FunctionCtx, grad: Tensor): Tensor[] {
          return [grad, grad.mul(2)]; // one per tensor argument, in order
        }
      }
      const a = g.tensor([1], { requiresGrad: true });
      const b = g.tensor([1], { requiresGrad: true });
      Shift.apply<Tensor>(5, a, b).sum().backward();
      assertClose(
        [a.grad!.item() as number, b.grad!.item() as number],
        [1, 2],
        { atol: 0, rtol: 0 },
        'gradients go to the tensor arguments, not by position',
      );
    });
    it('detectAnomaly names the forward op whose backward made NaN', () => {
      const x = g.tensor([0, 1], { requiresGrad: true });
      assertThrows(() => g.autograd.detectAnomaly(() => x.sqrt().mul(0).sum().backward()), ['SqrtBackward0', 'nan'], 'anomaly');
    });
    it('errors: non-scalar backward, integer requiresGrad, in-place on a leaf', () => {
      assertThrows(
        () => g.ones(2, { requiresGrad: true }).mul(2).backward(),
        ['grad can be implicitly created only for scalar outputs'],
        'non-scalar',
      );
      assertThrows(() => g.tensor([1, 2], { dtype: 'int32', requiresGrad: true }), ['Only Tensors of floating point', 'int32'], 'int');
      assertThrows(
        () => g.ones(2, { requiresGrad: true }).add_(1),
        ['a leaf Variable that requires grad is being used in an in-place operation'],
        'leaf',
      );
      assertThrows(() => g.ones(2).backward(), ['does not require grad and does not have a grad_fn'], 'no grad');
      const base = g.ones(2, 2, { requiresGrad: true }).mul(1);
      assertThrows(() => base.select(0, 0).mul_(2), ['mul_', 'view', 'not supported'], 'in-place on a view in a graph');
    });
  });
}
