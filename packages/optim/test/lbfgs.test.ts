/**
 * LBFGS against PyTorch (fixtures from scripts/fixtures/generate_lbfgs.py):
 * every step's loss, parameters, closure calls and counters on Rosenbrock, a
 * least-squares problem and a small MLP, with and without the strong-Wolfe
 * line search, in float64 and float32; state dicts both ways, and resuming.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import * as optim from '../src/index.js';
import fixtures from './fixtures/lbfgs.json' with { type: 'json' };
import { close, decode, expectSameState } from './helpers.js';

type Case = (typeof fixtures.cases)[number];
type Step = Case['steps'][number];

/** The case's loss of the parameters, as the generator writes it. */
function lossOf(c: Case): (ps: g.Tensor[]) => g.Tensor {
  const data = decode(c.data) as Record<string, g.Tensor>;
  if (c.problem === 'rosenbrock') {
    return ([p]) => {
      const x = p!.select(0, 0);
      const y = p!.select(0, 1);
      return g
        .sub(1, x)
        .pow(2)
        .add(y.sub(x.pow(2)).pow(2).mul(100));
    };
  }
  if (c.problem === 'least squares') {
    const { a, b } = data as { a: g.Tensor; b: g.Tensor };
    return ([w, c0]) => a.matmul(w!).add(c0!).sub(b).square().sum().div(2);
  }
  const { x, y } = data as { x: g.Tensor; y: g.Tensor };
  return ([w1, b1, w2, b2]) => x.matmul(w1!.t()).add(b1!).tanh().matmul(w2!.t()).add(b2!).sub(y).square().mean();
}

const values = (ts: g.Tensor[]) => ts.flatMap((t) => Array.from(t.dataSync() as Float64Array));

/** Runs `steps` step(closure) calls and checks each against PyTorch's. */
function follow(c: Case, opt: optim.LBFGS, params: g.Tensor[], expected: Step[], tol: number, first = 1): void {
  const loss = lossOf(c);
  let calls = 0;
  const closure = () => {
    calls++;
    opt.zeroGrad();
    const l = loss(params);
    l.backward();
    return l;
  };
  expected.forEach((e, i) => {
    calls = 0;
    const value = opt.step(closure);
    const what = `${c.name}, step ${first + i}`;
    close([value.item() as number], [e.loss], tol, `${what}: loss`);
    close(values(params), values(decode(e.params) as g.Tensor[]), tol, `${what}: params`);
    const state = opt.state.get(params[0]!)!;
    expect([calls, state['funcEvals'], state['nIter']], `${what}: closure calls, func_evals, n_iter`).toEqual([
      e.calls,
      e.funcEvals,
      e.nIter,
    ]);
  });
}

/** float64 follows PyTorch to rounding (the problems amplify it over the steps); float32 to its own rounding. */
const tolerance = (c: Case) => (c.dtype === 'float64' ? 1e-8 : 1e-4);
/**
 * The state's `al` and `ro` are products of dot products that cancel: in float32, where Graft's sums
 * round in another order than PyTorch's, they agree to 1e-3 while the iterates agree to 1e-4.
 */
const stateTolerance = (c: Case) => (c.dtype === 'float64' ? 1e-8 : 1e-3);

function start(c: Case, values: g.Tensor[]): { opt: optim.LBFGS; params: g.Tensor[] } {
  const params = values.map((v) => v.clone().requiresGrad_());
  return { opt: new optim.LBFGS(params, c.options as Partial<optim.LBFGSOptions>), params };
}

describe('LBFGS follows torch.optim.LBFGS step by step (fixtures)', () => {
  for (const c of fixtures.cases) {
    const [tol, stateTol] = [tolerance(c), stateTolerance(c)];
    const rest = c.steps.slice(c.saveAt);
    it(`${c.name}: losses, iterates, evaluations; stateDict() is PyTorch's`, () => {
      const { opt, params } = start(c, decode(c.initial) as g.Tensor[]);
      follow(c, opt, params, c.steps.slice(0, c.saveAt), tol);
      expectSameState(opt.stateDict(), decode(c.saved), stateTol, 'stateDict() at saveAt');
      follow(c, opt, params, rest, tol, c.saveAt + 1);
      expectSameState(opt.stateDict(), decode(c.finalStateDict), stateTol, 'final stateDict()');
    });

    it(`${c.name}: loads PyTorch's state dict and continues as PyTorch`, () => {
      const { opt, params } = start(c, decode(c.steps[c.saveAt - 1]!.params) as g.Tensor[]);
      opt.loadStateDict(decode(c.saved) as optim.OptimizerStateDict);
      follow(c, opt, params, rest, tol, c.saveAt + 1);
    });

    it(`${c.name}: Graft's stateDict() → loadStateDict() continues exactly as the optimizer it came from`, () => {
      const first = start(c, decode(c.initial) as g.Tensor[]);
      follow(c, first.opt, first.params, c.steps.slice(0, c.saveAt), tol);
      const { opt, params } = start(
        c,
        first.params.map((p) => p.detach()),
      );
      opt.loadStateDict(first.opt.stateDict());
      follow(c, first.opt, first.params, rest, tol, c.saveAt + 1);
      follow(c, opt, params, rest, tol, c.saveAt + 1);
      expect(values(params)).toEqual(values(first.params));
    });
  }
});

describe('LBFGS checks', () => {
  const param = () => g.zeros([2], { requiresGrad: true });

  it("PyTorch's messages: one param group only, line search 'strong_wolfe' or null", () => {
    expect(() => new optim.LBFGS([{ params: [param()] }, { params: [param()] }])).toThrow(fixtures.errors.groups);
    expect(() => new optim.LBFGS([param()]).addParamGroup({ params: [param()] })).toThrow(fixtures.errors.groups);
    expect(() => new optim.LBFGS([param()], { lineSearchFn: 'wolfe' as never })).toThrow(`LBFGS: ${fixtures.errors.lineSearchFn}`);
  });

  it.each([
    ['no closure', (opt: optim.LBFGS) => opt.step(undefined as never), 'LBFGS.step: a closure is required'],
    [
      'a closure returning a number',
      (opt: optim.LBFGS) => opt.step((() => 1) as never),
      'the closure must return the loss as a one-element Tensor, got 1',
    ],
    [
      'a closure returning a vector',
      (opt: optim.LBFGS) => opt.step(() => g.ones(2)),
      'the closure must return the loss as a one-element Tensor, got a Tensor of shape [2]',
    ],
  ])('step: %s', (_, call, message) => {
    const opt = new optim.LBFGS([param()]);
    expect(() => call(opt)).toThrow(message);
  });

  it.each([
    ['maxIter 0', { maxIter: 0 }, 'LBFGS: maxIter must be an integer ≥ 1, got 0'],
    ['maxEval 2.5', { maxEval: 2.5 }, 'LBFGS: maxEval must be an integer ≥ 1, got 2.5'],
    ['historySize 0 (PyTorch fails at its first update)', { historySize: 0 }, 'LBFGS: historySize must be an integer ≥ 1, got 0'],
    ['toleranceGrad NaN', { toleranceGrad: NaN }, 'LBFGS: toleranceGrad must be a finite number, got NaN'],
    ['lr negative', { lr: -1 }, 'LBFGS: Invalid learning rate: -1'],
    ["lineSearchFn 'strongWolfe' (the value is PyTorch's string)", { lineSearchFn: 'strongWolfe' }, "only 'strong_wolfe' is supported"],
  ])('options: %s', (_, options, message) => {
    expect(() => new optim.LBFGS([param()], options as never)).toThrow(message);
  });

  it('maxEval defaults to maxIter · 5 / 4 rounded down, in the options as in PyTorch', () => {
    expect(new optim.LBFGS([param()], { maxIter: 10 }).paramGroups[0]!.maxEval).toBe(12);
    expect(new optim.LBFGS([param()], { maxIter: 10, maxEval: 3 }).paramGroups[0]!.maxEval).toBe(3);
  });

  it('a state dict whose history is inconsistent is refused whole', () => {
    const c = fixtures.cases.find((x) => x.name === 'rosenbrock history 3 max_iter 5')!;
    const { opt, params } = start(c, decode(c.initial) as g.Tensor[]);
    follow(c, opt, params, c.steps.slice(0, 1), 1e-8);
    const before = JSON.stringify(opt.stateDict(), (_, v) => (v instanceof g.Tensor ? Array.from(v.dataSync()) : v));
    const spoil = (f: (s: Record<string, unknown>) => void) => {
      const sd = decode(c.saved) as optim.OptimizerStateDict;
      f(sd.state[0]!);
      return sd;
    };
    for (const [sd, message] of [
      [spoil((s) => (s['ro'] as unknown[]).pop()), 'old_dirs, old_stps and ro must be as long as each other'],
      [spoil((s) => (s['al'] as unknown[]).pop()), 'al must have history_size (3) entries, got 2'],
      [spoil((s) => ((s['d'] as g.Tensor) = g.zeros(3))), 'size mismatch for d: copying a tensor with shape [3] from the state dict'],
      [spoil((s) => ((s['old_dirs'] as unknown[])[0] = g.zeros(1))), 'size mismatch for old_dirs[0]'],
      [spoil((s) => ((s['ro'] as unknown[])[0] = g.zeros(1))), 'state[0].ro[0]: expected a 0-d tensor, got a Tensor of shape [1]'],
      [spoil((s) => delete s['prev_loss']), "missing 'prev_loss'"],
      [spoil((s) => ((s['H_diag'] as unknown) = 'one')), "state[0].H_diag: expected a 0-d tensor or a number, got 'one'"],
      [spoil((s) => ((s['Hdiag'] as unknown) = 1)), "unknown option 'Hdiag' (did you mean 'H_diag'?)"],
    ] as const) {
      expect(() => opt.loadStateDict(sd), message).toThrow(message);
      expect(JSON.stringify(opt.stateDict(), (_, v) => (v instanceof g.Tensor ? Array.from(v.dataSync()) : v))).toBe(before);
    }
  });

  it('steps inside g.tidy keep the number of live tensors flat, and record no graph', () => {
    const c = fixtures.cases.find((x) => x.name === 'mlp strong_wolfe')!;
    const { opt, params } = start(c, decode(c.initial) as g.Tensor[]);
    const loss = lossOf(c);
    const step = () =>
      g.tidy(() => {
        opt.step(() => {
          opt.zeroGrad();
          const l = loss(params);
          l.backward();
          return l;
        });
      });
    for (let i = 0; i < 3; i++) step();
    const before = g.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(g.memory().numTensors).toBe(before);
    for (const p of params) expect([p.isLeaf, p.gradFn]).toEqual([true, null]);
  });
});
