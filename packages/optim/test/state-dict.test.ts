/**
 * Optimizer state dicts: PyTorch's layout both ways (fixtures from
 * scripts/fixtures/generate_optim.py), and a bad state dict refused whole —
 * the optimizer exactly as it was after any failed load.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import * as optim from '../src/index.js';
import fixtures from './fixtures/optim_state.json' with { type: 'json' };
import { close, decode, expectSameState, jsNumbers, snapshot } from './helpers.js';

type AnyOptimizer = optim.Optimizer<{ lr: number }>;
type Ctor = new (params: unknown, options?: Record<string, unknown>) => AnyOptimizer;
type Case = (typeof fixtures.resume)[number];
type Dtype = 'float32' | 'float64';

const ctor = (name: string) => (optim as unknown as Record<string, Ctor>)[name]!;

/** Leaf parameters with the given values, in two groups as the generator made them: [p0, p1], [p2]. */
function build(c: Case, values: g.Tensor[], dtype: Dtype): { opt: AnyOptimizer; params: g.Tensor[] } {
  const params = values.map((v) => v.to(dtype).clone().requiresGrad_());
  const opt = new (ctor(c.optimizer))([{ params: params.slice(0, 2) }, { params: params.slice(2), ...c.group1 }], c.options);
  return { opt, params };
}

function run(opt: AnyOptimizer, params: g.Tensor[], grads: (g.Tensor | null)[][]): void {
  for (const step of grads) {
    params.forEach((p, i) => (p.grad = step[i] === null ? null : step[i]!.to(p.dtype)));
    opt.step();
  }
}

const values = (ts: g.Tensor[]) => ts.flatMap((t) => Array.from(t.dataSync() as Float64Array));

/** PyTorch < 1.12 kept `step` as a number: the same state dict with numbers. */
function withNumberSteps(dict: optim.OptimizerStateDict): optim.OptimizerStateDict {
  const state = Object.fromEntries(
    Object.entries(dict.state).map(([k, s]) => [
      k,
      Object.fromEntries(Object.entries(s).map(([key, v]) => [key, key === 'step' && v instanceof g.Tensor ? v.item() : v])),
    ]),
  );
  return { ...dict, state };
}

describe('optimizer state dicts follow PyTorch (fixtures)', () => {
  for (const c of fixtures.resume) {
    const tol = c.dtype === 'float32' ? 2e-5 : 1e-12;
    const load = (dtype: Dtype) => build(c, decode(c.atSave) as g.Tensor[], dtype);

    it(`${c.name}: stateDict() is PyTorch's state_dict() after the same steps`, () => {
      const { opt, params } = build(c, decode(c.initial) as g.Tensor[], c.dtype as Dtype);
      run(opt, params, decode(c.grads1) as (g.Tensor | null)[][]);
      close(values(params), values(decode(c.atSave) as g.Tensor[]), tol, 'params');
      expectSameState(opt.stateDict(), decode(c.saved), tol);
    });

    it(`${c.name}: loads PyTorch's state dict and continues to PyTorch's parameters`, () => {
      const { opt, params } = load(c.loadDtype as Dtype);
      const saved = decode(c.saved) as optim.OptimizerStateDict;
      opt.loadStateDict(saved);
      // The optimizer holds copies: changing the loaded dict afterwards changes nothing.
      for (const s of Object.values(saved.state)) for (const v of Object.values(s)) if (v instanceof g.Tensor) v.fill_(1e6);
      run(opt, params, decode(c.grads2) as g.Tensor[][]);
      close(values(params), values(decode(c.final) as g.Tensor[]), tol, 'params');
      expectSameState(opt.stateDict(), decode(c.finalStateDict), tol);
    });

    it(`${c.name}: also takes steps as numbers (PyTorch < 1.12)`, () => {
      const { opt, params } = load(c.loadDtype as Dtype);
      opt.loadStateDict(withNumberSteps(decode(c.saved) as optim.OptimizerStateDict));
      run(opt, params, decode(c.grads2) as g.Tensor[][]);
      close(values(params), values(decode(c.final) as g.Tensor[]), tol, 'params');
    });

    it(`${c.name}: Graft's stateDict() → loadStateDict() round trip continues the same`, () => {
      const first = build(c, decode(c.initial) as g.Tensor[], c.dtype as Dtype);
      run(first.opt, first.params, decode(c.grads1) as (g.Tensor | null)[][]);
      const { opt, params } = load(c.loadDtype as Dtype);
      opt.loadStateDict(first.opt.stateDict());
      run(opt, params, decode(c.grads2) as g.Tensor[][]);
      close(values(params), values(decode(c.final) as g.Tensor[]), tol, 'params');
    });
  }

  it("the reported example: PyTorch's 0-d tensor step loads as a count, not the string 'tensor(1.)1'", () => {
    const c = fixtures.resume.find((x) => x.optimizer === 'Adam')!;
    const { opt, params } = build(c, decode(c.atSave) as g.Tensor[], 'float64');
    opt.loadStateDict(decode(c.saved) as optim.OptimizerStateDict);
    expect(opt.state.get(params[0]!)!['step']).toBe(3);
    run(opt, params, decode(c.grads2) as g.Tensor[][]);
    expect(values(params).every(Number.isFinite)).toBe(true);
  });

  it("group count and group size mismatches raise PyTorch's messages", () => {
    const [a, b, c] = [0, 1, 2].map(() => g.zeros([2], { requiresGrad: true }));
    const twoGroups = new optim.SGD([{ params: [a!] }, { params: [b!, c!] }], { lr: 0.1 }).stateDict();
    expect(() => new optim.SGD([a!, b!, c!], { lr: 0.1 }).loadStateDict(twoGroups)).toThrow(fixtures.loadErrors.groupCount);
    expect(() => new optim.SGD([{ params: [a!, b!] }, { params: [c!] }], { lr: 0.1 }).loadStateDict(twoGroups)).toThrow(
      fixtures.loadErrors.groupSize,
    );
  });
});

/** An Adam with two groups, amsgrad in group 0, a few steps taken: the valid state dict the table below spoils. */
function trainedAdam(): { opt: optim.Adam; params: g.Tensor[] } {
  const params = [
    g.tensor([1, -2, 3], { requiresGrad: true }),
    g.tensor(
      [
        [0.5, 1],
        [2, -1],
      ],
      { requiresGrad: true },
    ),
    g.tensor([4], { requiresGrad: true }),
  ];
  const opt = new optim.Adam(
    [
      { params: params.slice(0, 2), amsgrad: true },
      { params: params.slice(2), lr: 0.01 },
    ],
    { lr: 0.1 },
  );
  for (let i = 0; i < 3; i++) {
    opt.zeroGrad();
    params.reduce((s, p) => s.add(p.pow(2).sum()), g.tensor(0)).backward();
    opt.step();
  }
  return { opt, params };
}

/** A closure whose loss is the sum of the parameters' squares. */
function sumOfSquares(opt: AnyOptimizer, params: g.Tensor[]): () => g.Tensor {
  return () => {
    opt.zeroGrad();
    const loss = params.reduce((s, p) => s.add(p.pow(2).sum()), g.tensor(0));
    loss.backward();
    return loss;
  };
}

/** The parameters of trainedAdam, given to another optimizer, which takes three steps. */
function trainedWith(make: (params: g.Tensor[]) => AnyOptimizer): { opt: AnyOptimizer; params: g.Tensor[] } {
  const params = [
    g.tensor([1, -2, 3]),
    g.tensor([
      [0.5, 1],
      [2, -1],
    ]),
    g.tensor([4]),
  ].map((p) => p.requiresGrad_());
  const opt = make(params);
  for (let i = 0; i < 3; i++) opt.step(sumOfSquares(opt, params));
  return { opt, params };
}

type Dict = { state: Record<string, Record<string, unknown>>; param_groups: Record<string, unknown>[] };

/** Each way to spoil a valid state dict, and what the error must say. */
const spoilt: [what: string, spoil: (sd: Dict) => unknown, message: RegExp | string][] = [
  ['null', () => null, /Adam\.loadStateDict: expected a state dict \{ state, param_groups \}.*got null/],
  ['a number', () => 42, /expected a state dict .*got 42/],
  ['a string', () => 'state', /expected a state dict .*got 'state'/],
  ['an array', () => [], /expected a state dict .*got \[\]/],
  ['a Map', (sd) => new Map(Object.entries(sd)), /expected a state dict .*got a Map/],
  ['an empty object', () => ({}), /the state dict has no 'param_groups'/],
  ['no param_groups', (sd) => ({ state: sd.state }), /the state dict has no 'param_groups'/],
  ['no state', (sd) => ({ param_groups: sd.param_groups }), /the state dict has no 'state'/],
  [
    "Graft 0.1's camelCase paramGroups",
    (sd) => ({ state: sd.state, paramGroups: sd.param_groups }),
    /unknown option 'paramGroups' \(did you mean 'param_groups'\?\)/,
  ],
  ['an unknown top-level key', (sd) => ({ ...sd, extra: 1 }), /Adam\.loadStateDict: unknown option 'extra'/],
  ['param_groups not an array', (sd) => ({ ...sd, param_groups: {} }), /param_groups must be an array, got an object/],
  [
    'one group too few',
    (sd) => ({ ...sd, param_groups: sd.param_groups.slice(1) }),
    'loaded state dict has a different number of parameter groups (1 in the state dict, 2 in the optimizer)',
  ],
  [
    'a group of the wrong size (the last group: nothing of the first may be applied)',
    (sd) => {
      sd.param_groups[0]!['lr'] = 123;
      sd.param_groups[1]!['params'] = [2, 3];
      return sd;
    },
    "loaded state dict contains a parameter group that doesn't match the size of optimizer's group (param_groups[1] has 2 parameters in the state dict, 1 in the optimizer)",
  ],
  ['a group that is null', (sd) => (((sd.param_groups[0] as unknown) = null), sd), /param_groups\[0\]: expected an object, got null/],
  [
    'params missing',
    (sd) => (delete sd.param_groups[0]!['params'], sd),
    /param_groups\[0\]: params must be an array of parameter indices, got undefined/,
  ],
  [
    'params not indices',
    (sd) => ((sd.param_groups[0]!['params'] = ['a', 'b']), sd),
    /params must be an array of parameter indices, got \['a', 'b'\]/,
  ],
  ['a negative index', (sd) => ((sd.param_groups[1]!['params'] = [-1]), sd), /params must be an array of parameter indices, got \[-1\]/],
  [
    'an index in two groups',
    (sd) => ((sd.param_groups[1]!['params'] = [0]), sd),
    /param_groups\[1\]: parameter index 0 appears more than once/,
  ],
  [
    'lr a string (in the last group)',
    (sd) => ((sd.param_groups[0]!['lr'] = 0.5), (sd.param_groups[1]!['lr'] = 'abc'), sd),
    /param_groups\[1\]: Invalid learning rate: 'abc' \(expected a finite number\)/,
  ],
  ['lr NaN', (sd) => ((sd.param_groups[0]!['lr'] = NaN), sd), /param_groups\[0\]: Invalid learning rate: NaN/],
  ['lr negative', (sd) => ((sd.param_groups[1]!['lr'] = -1), sd), /param_groups\[1\]: Invalid learning rate: -1/],
  ['lr missing', (sd) => (delete sd.param_groups[0]!['lr'], sd), /param_groups\[0\]: missing 'lr'/],
  ['betas out of range', (sd) => ((sd.param_groups[0]!['betas'] = [1.5, 0.9]), sd), /Invalid beta parameter at index 0: 1\.5/],
  ['betas a number', (sd) => ((sd.param_groups[0]!['betas'] = 0.9), sd), /Invalid betas: 0\.9/],
  ['amsgrad not a boolean', (sd) => ((sd.param_groups[0]!['amsgrad'] = 'yes'), sd), /amsgrad must be true or false, got 'yes'/],
  [
    'a camelCase hyperparameter',
    (sd) => ((sd.param_groups[0]!['weightDecay'] = 0.1), sd),
    /param_groups\[0\]: unknown option 'weightDecay' \(did you mean 'weight_decay'\?\)/,
  ],
  ['initial_lr not a number', (sd) => ((sd.param_groups[0]!['initial_lr'] = 'x'), sd), /initial_lr must be a finite number, got 'x'/],
  ['fused: true', (sd) => ((sd.param_groups[0]!['fused'] = true), sd), /fused=true is not supported/],
  ['state not an object', (sd) => ({ ...sd, state: 5 }), /state must be an object keyed by parameter index, got 5/],
  ['state for an index no group lists', (sd) => ((sd.state['7'] = {}), sd), /state\[7\]: no param group lists parameter 7/],
  ['a state entry that is not an object', (sd) => ((sd.state['0'] = 3 as never), sd), /state\[0\]: expected an object, got 3/],
  [
    "a camelCase state key (Graft 0.1's)",
    (sd) => ((sd.state['0']!['expAvg'] = sd.state['0']!['exp_avg']), delete sd.state['0']!['exp_avg'], sd),
    /state\[0\]: unknown option 'expAvg' \(did you mean 'exp_avg'\?\)/,
  ],
  ['exp_avg_sq missing', (sd) => (delete sd.state['2']!['exp_avg_sq'], sd), /state\[2\]: missing 'exp_avg_sq'/],
  ['max_exp_avg_sq missing under amsgrad', (sd) => (delete sd.state['1']!['max_exp_avg_sq'], sd), /state\[1\]: missing 'max_exp_avg_sq'/],
  [
    'a state tensor of the wrong shape (PyTorch would broadcast it)',
    (sd) => ((sd.state['0']!['exp_avg'] = g.zeros([1])), sd),
    /state\[0\]: size mismatch for exp_avg: copying a tensor with shape \[1\] from the state dict, the shape of parameter 0 in the optimizer is \[3\]/,
  ],
  [
    'a state tensor of the wrong rank',
    (sd) => ((sd.state['1']!['exp_avg_sq'] = g.zeros([4])), sd),
    /size mismatch for exp_avg_sq: copying a tensor with shape \[4\] .* is \[2, 2\]/,
  ],
  ['a state value that is an array', (sd) => ((sd.state['2']!['exp_avg'] = [0]), sd), /state\[2\]\.exp_avg: expected a Tensor, got \[0\]/],
  ['a state value that is null', (sd) => ((sd.state['2']!['exp_avg'] = null), sd), /state\[2\]\.exp_avg: expected a Tensor, got null/],
  [
    "step the string 'tensor(1.)1'",
    (sd) => ((sd.state['0']!['step'] = 'tensor(1.)1'), sd),
    /state\[0\]\.step: expected a step count .*got 'tensor\(1\.\)1'/,
  ],
  ['step negative', (sd) => ((sd.state['0']!['step'] = -1), sd), /state\[0\]\.step: expected a step count/],
  [
    'step fractional',
    (sd) => ((sd.state['2']!['step'] = g.tensor(1.5)), sd),
    /state\[2\]\.step: expected a step count .*got a Tensor of shape \[\]/,
  ],
  [
    'step a tensor of two elements',
    (sd) => ((sd.state['0']!['step'] = g.tensor([1, 2])), sd),
    /step: expected a step count .*got a Tensor of shape \[2\]/,
  ],
];

describe('loadStateDict checks everything before changing anything', () => {
  for (const [what, spoil, message] of spoilt) {
    it(what, () => {
      const { opt } = trainedAdam();
      const dict = opt.stateDict() as unknown as Dict;
      const before = snapshot(opt);
      const bad = spoil(dict);
      let error: unknown;
      try {
        opt.loadStateDict(bad as optim.OptimizerStateDict);
      } catch (e) {
        error = e;
      }
      expect(error, 'it must throw').toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(
        typeof message === 'string' ? new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : message,
      );
      expect(snapshot(opt)).toEqual(before);
    });
  }

  /** Trained optimizers whose state dicts the fuzz spoils: each kind of state entry (buffers, 0-d scalars, LBFGS's lists). */
  const FUZZED: [string, () => { opt: AnyOptimizer; params: g.Tensor[] }][] = [
    ['Adam', trainedAdam as () => { opt: AnyOptimizer; params: g.Tensor[] }],
    ['NAdam', () => trainedWith((ps) => new optim.NAdam([{ params: ps.slice(0, 2) }, { params: ps.slice(2), lr: 0.01 }], { lr: 0.1 }))],
    ['ASGD', () => trainedWith((ps) => new optim.ASGD(ps, { t0: 1 }))],
    ['Rprop', () => trainedWith((ps) => new optim.Rprop(ps))],
    ['LBFGS', () => trainedWith((ps) => new optim.LBFGS(ps, { historySize: 3, maxIter: 3 }))],
  ];

  for (const [name, trained] of FUZZED) {
    it(`fuzz (${name}): any value anywhere either loads (and steps) or throws a clear error and changes nothing`, () => {
      const junk: unknown[] = [
        null,
        undefined,
        NaN,
        Infinity,
        -1,
        0.5,
        1e300,
        'x',
        true,
        [],
        {},
        [1, 2],
        g.zeros([7]),
        g.tensor(2),
        () => 1,
      ];
      // A small seeded generator: the same cases every run.
      let seed = 12345;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const paths = (x: unknown, prefix: (string | number)[] = []): (string | number)[][] =>
        typeof x === 'object' && x !== null && !(x instanceof g.Tensor)
          ? [prefix, ...Object.entries(x).flatMap(([k, v]) => paths(v, [...prefix, Array.isArray(x) ? Number(k) : k]))]
          : [prefix];
      let loaded = 0;
      let refused = 0;
      const trials = 300;
      for (let trial = 0; trial < trials; trial++) {
        const { opt, params } = trained();
        const dict = opt.stateDict() as unknown as Record<string, unknown>;
        const all = paths(dict);
        const path = all[Math.floor(random() * all.length)]!;
        const value = junk[Math.floor(random() * junk.length)];
        let bad: unknown = value;
        if (path.length > 0) {
          let parent = dict as Record<string | number, unknown>;
          for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
          if (value === undefined) delete parent[path.at(-1)!];
          else parent[path.at(-1)!] = value;
          bad = dict;
        }
        const before = snapshot(opt);
        const what = `${path.join('.')} = ${String(value)}`;
        try {
          opt.loadStateDict(bad as optim.OptimizerStateDict);
          loaded++;
          opt.step(sumOfSquares(opt, params));
        } catch (e) {
          refused++;
          expect(e, what).toBeInstanceOf(Error);
          expect((e as Error).message, what).toMatch(new RegExp(`^${name}\\.loadStateDict: `));
          expect(snapshot(opt), what).toEqual(before);
        }
      }
      expect(loaded).toBeGreaterThan(0);
      expect(refused).toBeGreaterThan(trials / 2);
    });
  }

  it("PyTorch's messages are part of Graft's (numbers printed the JavaScript way)", () => {
    expect(jsNumbers('Invalid beta parameter at index 1: 1.0')).toBe('Invalid beta parameter at index 1: 1');
  });
});

describe('state dict layout', () => {
  it("stateDict() uses PyTorch's names, initial_lr included, and copies its tensors", () => {
    const { opt, params } = trainedAdam();
    new optim.StepLR(opt, { stepSize: 2 });
    const sd = opt.stateDict();
    expect(Object.keys(sd)).toEqual(['state', 'param_groups']);
    // PyTorch's order: the keys the group was given first, then the defaults, initial_lr (set by the scheduler), params.
    expect(Object.keys(sd.param_groups[0]!)).toEqual([
      'amsgrad',
      'lr',
      'betas',
      'eps',
      'weight_decay',
      'maximize',
      'foreach',
      'capturable',
      'differentiable',
      'fused',
      'initial_lr',
      'params',
    ]);
    expect(Object.keys(sd.param_groups[1]!)).toEqual([
      'lr',
      'betas',
      'eps',
      'weight_decay',
      'amsgrad',
      'maximize',
      'foreach',
      'capturable',
      'differentiable',
      'fused',
      'initial_lr',
      'params',
    ]);
    expect(sd.param_groups.map((gr) => gr.params)).toEqual([[0, 1], [2]]);
    expect(Object.keys(sd.state[0]!)).toEqual(['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']);
    expect(Object.keys(sd.state[2]!)).toEqual(['step', 'exp_avg', 'exp_avg_sq']);
    const step = sd.state[0]!['step'] as g.Tensor;
    expect([step.shape, step.dtype, step.item()]).toEqual([[], 'float32', 3]);
    (sd.state[0]!['exp_avg'] as g.Tensor).fill_(0);
    expect(Array.from((opt.state.get(params[0]!)!['expAvg'] as g.Tensor).dataSync()).some((v) => v !== 0)).toBe(true);
    (sd.param_groups[0]!['betas'] as number[])[0] = 0.1;
    expect(opt.paramGroups[0]!.betas[0]).toBe(0.9);
  });

  it('a parameter holding inf does not poison new state (zeros and fills, not p · 0)', () => {
    for (const make of [
      (p: g.Tensor) => new optim.RMSprop([p], { centered: true, momentum: 0.5 }),
      (p: g.Tensor) => new optim.Adagrad([p], { initialAccumulatorValue: 0.1 }),
      (p: g.Tensor) => new optim.Adamax([p]),
      (p: g.Tensor) => new optim.NAdam([p]),
      (p: g.Tensor) => new optim.RAdam([p]),
      (p: g.Tensor) => new optim.Adadelta([p]),
      (p: g.Tensor) => new optim.Rprop([p]),
    ]) {
      const p = g.tensor([Infinity, 1], { requiresGrad: true });
      const opt = make(p);
      p.grad = g.tensor([1, 1]);
      opt.step();
      for (const v of Object.values(opt.state.get(p)!))
        if (v instanceof g.Tensor) expect(Array.from(v.dataSync()).every(Number.isFinite)).toBe(true);
    }
  });

  it('state tensors load onto the parameter dtype (PyTorch casts all but the step)', () => {
    const p = g.tensor(new Float64Array([1, 2]), { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    const sd = opt.stateDict();
    sd.state[0] = { momentum_buffer: g.tensor([0.5, 0.5]) };
    opt.loadStateDict(sd);
    expect((opt.state.get(p)!['momentumBuffer'] as g.Tensor).dtype).toBe('float64');
  });

  it('a custom optimizer (defaults only, no table) round-trips its state under snake_case names', () => {
    class PlainMomentum extends optim.Optimizer<{ lr: number; beta: number }> {
      constructor(params: Iterable<g.Tensor>) {
        super(params, { lr: 0.1, beta: 0.5 });
      }
      protected update(
        p: g.Tensor,
        grad: g.Tensor,
        state: Record<string, unknown>,
        group: optim.ParamGroup<{ lr: number; beta: number }>,
      ): void {
        const prev = state['velocityBuffer'] as g.Tensor | undefined;
        const v = g.keep(prev === undefined ? grad.clone() : prev.mul(group.beta).add(grad));
        prev?.dispose();
        state['velocityBuffer'] = v;
        p.sub_(v, { alpha: group.lr });
      }
    }
    const p = g.tensor([1, 2], { requiresGrad: true });
    const opt = new PlainMomentum([p]);
    p.grad = g.ones(2);
    opt.step();
    const sd = opt.stateDict();
    expect(sd.param_groups[0]).toEqual({ lr: 0.1, beta: 0.5, params: [0] });
    expect(Object.keys(sd.state[0]!)).toEqual(['velocity_buffer']);
    const q = g.tensor([1, 2], { requiresGrad: true });
    const other = new PlainMomentum([q]);
    other.loadStateDict(sd);
    expect(Array.from((other.state.get(q)!['velocityBuffer'] as g.Tensor).dataSync())).toEqual([1, 1]);
    expect(() => other.loadStateDict({ ...sd, param_groups: [{ ...sd.param_groups[0]!, learning_rate: 1 }] })).toThrow(
      /unknown option 'learning_rate' \(did you mean 'lr'\?\)/,
    );
  });
});
