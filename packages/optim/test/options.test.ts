/**
 * Every options object in @graft/optim is checked with g.checkOptions: a
 * misspelt key throws, naming the entry point, the key and the one meant.
 * The table is built from the package's exports, so a new optimizer or
 * scheduler cannot slip past it; and every value is checked as PyTorch checks
 * it (its messages, from fixtures) or, where PyTorch checks nothing, for NaN
 * and wrong types.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import * as optim from '../src/index.js';
import fixtures from './fixtures/optim_state.json' with { type: 'json' };
import { jsNumbers } from './helpers.js';

type AnyOptimizer = optim.Optimizer<Record<string, unknown>>;
type OptimizerCtor = new (params: unknown, options?: Record<string, unknown>) => AnyOptimizer;

const param = () => g.zeros([2], { requiresGrad: true });
const sgd = () => new optim.SGD([param()], { lr: 0.1 });

/** `lr` → `Lr`, `weightDecay` → `weight_decay`, `param_groups` → `paramGroups`: misspellings whose meaning is plain. */
function misspellings(key: string): string[] {
  const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return [...new Set([key[0]!.toUpperCase() + key.slice(1), snake, camel])].filter((k) => k !== key);
}

const exported = Object.entries(optim).filter(([, v]) => typeof v === 'function') as [
  string,
  (new (...args: never[]) => unknown) | ((...args: never[]) => unknown),
][];
const optimizers = exported.filter(([, v]) => v.prototype instanceof optim.Optimizer) as [string, OptimizerCtor][];

/** An entry point: its name in messages, the keys it takes, and a call with an options object. */
interface EntryPoint {
  name: string;
  keys: readonly string[];
  call: (options: Record<string, unknown>) => unknown;
}

/** The entry points of one optimizer class, found from the class itself. */
function optimizerEntryPoints(name: string, Opt: OptimizerCtor): EntryPoint[] {
  const keys = Object.keys(new Opt([param()]).defaults);
  const trained = () => {
    const p = param();
    const opt = new Opt([p]);
    // A closure, which every optimizer takes (and LBFGS needs).
    opt.step(() => {
      opt.zeroGrad();
      const loss = p.sub(1).square().sum();
      loss.backward();
      return loss;
    });
    return opt;
  };
  const sd = () =>
    trained().stateDict() as unknown as { state: Record<string, Record<string, unknown>>; param_groups: Record<string, unknown>[] };
  return [
    { name, keys, call: (o) => new Opt([param()], o) },
    { name: `${name} param group 0`, keys: ['params', ...keys, 'initialLr'], call: (o) => new Opt([{ params: [param()], ...o }]) },
    // LBFGS takes one group only (PyTorch's): its addParamGroup refuses a second one whatever it holds.
    ...(name === 'LBFGS'
      ? []
      : [
          {
            name: `${name} param group 1`,
            keys: ['params', ...keys, 'initialLr'],
            call: (o: Record<string, unknown>) => new Opt([param()]).addParamGroup({ params: [param()], ...o }),
          },
        ]),
    { name: `${name}.zeroGrad`, keys: ['setToNone'], call: (o) => new Opt([param()]).zeroGrad(o) },
    { name: `${name}.loadStateDict`, keys: ['state', 'param_groups'], call: (o) => trained().loadStateDict({ ...sd(), ...o } as never) },
    {
      name: `${name}.loadStateDict: param_groups[0]`,
      keys: Object.keys(sd().param_groups[0]!),
      call: (o) => {
        const d = sd();
        d.param_groups[0] = { ...d.param_groups[0], ...o };
        trained().loadStateDict(d as never);
      },
    },
    {
      name: `${name}.loadStateDict: state[0]`,
      keys: Object.keys(sd().state[0]!),
      call: (o) => {
        const d = sd();
        d.state[0] = { ...d.state[0], ...o };
        trained().loadStateDict(d as never);
      },
    },
  ];
}

/** Schedulers: their required options, made for the optimizer they are given (a class exported and missing here fails below). */
const SCHEDULER_REQUIRED: Record<string, (opt: optim.SGD) => Record<string, unknown>> = {
  StepLR: () => ({ stepSize: 2 }),
  ExponentialLR: () => ({ gamma: 0.9 }),
  CosineAnnealingLR: () => ({ tMax: 10 }),
  LambdaLR: () => ({ lrLambda: () => 1 }),
  ReduceLROnPlateau: () => ({}),
  MultiplicativeLR: () => ({ lrLambda: () => 0.9 }),
  MultiStepLR: () => ({ milestones: [2, 4] }),
  ConstantLR: () => ({}),
  LinearLR: () => ({}),
  PolynomialLR: () => ({}),
  CosineAnnealingWarmRestarts: () => ({ t0: 5 }),
  CyclicLR: () => ({ baseLr: 0.01, maxLr: 0.1 }),
  OneCycleLR: () => ({ maxLr: 0.1, totalSteps: 10 }),
  SequentialLR: (opt) => ({ schedulers: [new optim.ConstantLR(opt), new optim.ExponentialLR(opt, { gamma: 0.9 })], milestones: [2] }),
  ChainedScheduler: () => ({}),
};
const SCHEDULER_KEYS: Record<string, string[]> = {
  StepLR: ['stepSize', 'gamma', 'lastEpoch', 'verbose'],
  ExponentialLR: ['gamma', 'lastEpoch', 'verbose'],
  CosineAnnealingLR: ['tMax', 'etaMin', 'lastEpoch', 'verbose'],
  LambdaLR: ['lrLambda', 'lastEpoch', 'verbose'],
  ReduceLROnPlateau: ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps', 'verbose'],
  MultiplicativeLR: ['lrLambda', 'lastEpoch', 'verbose'],
  MultiStepLR: ['milestones', 'gamma', 'lastEpoch', 'verbose'],
  ConstantLR: ['factor', 'totalIters', 'lastEpoch', 'verbose'],
  LinearLR: ['startFactor', 'endFactor', 'totalIters', 'lastEpoch', 'verbose'],
  PolynomialLR: ['totalIters', 'power', 'lastEpoch', 'verbose'],
  CosineAnnealingWarmRestarts: ['t0', 'tMult', 'etaMin', 'lastEpoch', 'verbose'],
  CyclicLR: [
    'baseLr',
    'maxLr',
    'stepSizeUp',
    'stepSizeDown',
    'mode',
    'gamma',
    'scaleFn',
    'scaleMode',
    'cycleMomentum',
    'baseMomentum',
    'maxMomentum',
    'lastEpoch',
    'verbose',
  ],
  OneCycleLR: [
    'maxLr',
    'totalSteps',
    'epochs',
    'stepsPerEpoch',
    'pctStart',
    'annealStrategy',
    'cycleMomentum',
    'baseMomentum',
    'maxMomentum',
    'divFactor',
    'finalDivFactor',
    'threePhase',
    'lastEpoch',
    'verbose',
  ],
  SequentialLR: ['schedulers', 'milestones', 'lastEpoch', 'verbose'],
  // ChainedScheduler(schedulers) takes no options object (torch 1.13's takes the list alone): only its loadStateDict.
  ChainedScheduler: [],
};
/** How each scheduler is made with options; ChainedScheduler takes a list of schedulers instead. */
function makeScheduler(name: string, Sched: SchedulerCtor, opt: optim.SGD, options: Record<string, unknown>) {
  if (name === 'ChainedScheduler')
    return new optim.ChainedScheduler([new optim.ConstantLR(opt), new optim.ExponentialLR(opt, { gamma: 0.9 })]);
  return new Sched(opt as never, { ...SCHEDULER_REQUIRED[name]!(opt), ...options });
}
type SchedulerCtor = new (
  opt: AnyOptimizer,
  options?: Record<string, unknown>,
) => { stateDict(): Record<string, unknown>; loadStateDict(sd: unknown): void };
const schedulers = exported.filter(([, v]) => v.prototype instanceof optim.LRScheduler || v === optim.ReduceLROnPlateau) as [
  string,
  SchedulerCtor,
][];

/** A scheduler written by a user: the base class's own options. */
class HalvingLR extends optim.LRScheduler {
  constructor(opt: optim.lrScheduler.SchedulableOptimizer, options?: optim.LRSchedulerOptions) {
    super(opt, options);
    this.initialStep();
  }
  protected getLr(): number[] {
    return this.optimizer.paramGroups.map((gr) => (this.lastEpoch === 0 ? gr.lr : gr.lr / 2));
  }
}

function schedulerEntryPoints(name: string, Sched: SchedulerCtor): EntryPoint[] {
  const make = () => makeScheduler(name, Sched, sgd(), {});
  const keys = SCHEDULER_KEYS[name] ?? [];
  const construct: EntryPoint[] =
    keys.length === 0 && name in SCHEDULER_KEYS ? [] : [{ name, keys, call: (o) => makeScheduler(name, Sched, sgd(), o) }];
  return [
    ...construct,
    {
      name: `${name}.loadStateDict`,
      keys: Object.keys(make().stateDict()),
      call: (o) => make().loadStateDict({ ...make().stateDict(), ...o }),
    },
  ];
}

const ENTRY_POINTS: EntryPoint[] = [
  ...optimizers.flatMap(([name, Opt]) => optimizerEntryPoints(name, Opt)),
  ...schedulers.flatMap(([name, Sched]) => schedulerEntryPoints(name, Sched)),
  { name: 'HalvingLR', keys: ['lastEpoch', 'verbose'], call: (o) => new HalvingLR(sgd() as never, o) },
  { name: 'clipGradNorm_', keys: ['normType', 'errorIfNonfinite', 'foreach'], call: (o) => optim.clipGradNorm_([param()], 1, o) },
  { name: 'clipGradValue_', keys: ['foreach'], call: (o) => optim.clipGradValue_([param()], 1, o) },
];

/** Exports that take no options object, and why. Everything else exported must have entry points above. */
const NO_OPTIONS: Record<string, string> = {
  Optimizer: 'abstract: its constructor, addParamGroup, zeroGrad and loadStateDict are tested through every subclass',
  LRScheduler: 'abstract: its options are tested through HalvingLR, a user-written subclass',
  StateScalar: 'a value of optimizer state (a 0-d tensor kept on the host): its constructor takes the value and the dtype',
};

describe('every options-taking entry point', () => {
  it('the table covers every export (a new optimizer or scheduler cannot be missed)', () => {
    const covered = new Set(ENTRY_POINTS.map((e) => e.name.split(/[ .:]/)[0]!));
    for (const [name] of exported) expect(covered.has(name) || name in NO_OPTIONS, `${name} is exported but in no table`).toBe(true);
    expect(optimizers.map(([n]) => n).sort()).toEqual([
      'ASGD',
      'Adadelta',
      'Adagrad',
      'Adam',
      'AdamW',
      'Adamax',
      'LBFGS',
      'NAdam',
      'RAdam',
      'RMSprop',
      'Rprop',
      'SGD',
    ]);
    expect(schedulers.map(([n]) => n).sort()).toEqual(Object.keys(SCHEDULER_REQUIRED).sort());
    // The lrScheduler namespace holds the same classes.
    for (const [k, v] of Object.entries(optim.lrScheduler))
      if (typeof v === 'function') expect((optim as Record<string, unknown>)[k]).toBe(v);
  });

  for (const entry of ENTRY_POINTS) {
    it(`${entry.name}: a misspelt key throws, naming it and the key meant`, () => {
      expect(entry.keys.length).toBeGreaterThan(0);
      for (const key of entry.keys) {
        for (const wrong of misspellings(key).filter((w) => !entry.keys.includes(w))) {
          expect(() => entry.call({ [wrong]: 1 }), `${entry.name} { ${wrong} }`).toThrow(
            `${entry.name}: unknown option '${wrong}' (did you mean '${key}'?)`,
          );
        }
      }
      let message = '';
      try {
        entry.call({ zzzNotAnOption: 1 });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(`${entry.name}: unknown option 'zzzNotAnOption'; valid options are: `);
      const listed = message.split('valid options are: ')[1]!.split(', ');
      for (const key of entry.keys) expect(listed, `${entry.name} lists ${key}`).toContain(key);
    });
  }

  it("the reported examples: { TMax: 10 } suggests tMax, a param group's learningRate suggests lr", () => {
    expect(() => new optim.CosineAnnealingLR(sgd(), { TMax: 10 } as never)).toThrow(
      "CosineAnnealingLR: unknown option 'TMax' (did you mean 'tMax'?)",
    );
    expect(() => new optim.SGD([{ params: [param()], learningRate: 0.1 } as never], { lr: 0.1 })).toThrow(
      "SGD param group 0: unknown option 'learningRate' (did you mean 'lr'?)",
    );
    expect(() => new optim.Adam([param()], { weight_decay: 0.1 } as never)).toThrow(
      "Adam: unknown option 'weight_decay' (did you mean 'weightDecay'?)",
    );
  });

  it('an options object that is not an object throws (new SGD(params, 0.1) would otherwise train at the default lr)', () => {
    expect(() => new optim.SGD([param()], 0.1 as never)).toThrow(
      'SGD: expected an options object { lr, momentum, dampening, weightDecay, nesterov, maximize, foreach, differentiable }, got number',
    );
    expect(() => new optim.StepLR(sgd(), 30 as never)).toThrow('StepLR: expected an options object');
  });
});

describe('every option value is checked', () => {
  for (const [name, Opt] of optimizers) {
    it(`${name}: every option refuses NaN and a string, naming the optimizer`, () => {
      for (const key of Object.keys(new Opt([param()]).defaults)) {
        for (const bad of [NaN, 'bogus', {}]) {
          expect(() => new Opt([param()], { [key]: bad }), `${name} { ${key}: ${String(bad)} }`).toThrow(new RegExp(`^${name}: `));
          expect(() => new Opt([{ params: [param()], [key]: bad }]), `${name} group { ${key}: ${String(bad)} }`).toThrow(
            new RegExp(`^${name} param group 0: `),
          );
        }
      }
    });
  }

  for (const [name, Sched] of schedulers) {
    it(`${name}: every option refuses NaN and a string, naming the scheduler`, () => {
      for (const key of SCHEDULER_KEYS[name]!) {
        for (const bad of [NaN, 'bogus']) {
          expect(() => makeScheduler(name, Sched, sgd(), { [key]: bad }), `${name} { ${key}: ${String(bad)} }`).toThrow(
            new RegExp(`^${name}: `),
          );
        }
      }
    });
  }

  it("PyTorch's checks and messages (fixtures)", () => {
    for (const c of fixtures.optionErrors.filter((x) => x.kind === 'optimizer')) {
      const Opt = (optim as unknown as Record<string, OptimizerCtor>)[c.name]!;
      expect(() => new Opt([param()], c.options), `${c.name} ${JSON.stringify(c.options)}`).toThrow(`${c.name}: ${jsNumbers(c.message)}`);
      // PyTorch checks only the defaults; Graft checks each param group's own options too.
      if (!('nesterov' in c.options)) {
        expect(() => new Opt([{ params: [param()], ...c.options }]), `group ${JSON.stringify(c.options)}`).toThrow(
          `${c.name} param group 0: ${jsNumbers(c.message)}`,
        );
      }
    }
  });

  it.each([
    ['lr Infinity', () => new optim.SGD([param()], { lr: Infinity }), 'SGD: Invalid learning rate: Infinity (expected a finite number)'],
    [
      'betas of one number',
      () => new optim.Adam([param()], { betas: [0.9] as never }),
      'Adam: Invalid betas: [0.9] (expected two numbers [beta1, beta2])',
    ],
    [
      'nesterov a number',
      () => new optim.SGD([param()], { lr: 0.1, momentum: 0.9, nesterov: 1 as never }),
      'SGD: nesterov must be true or false, got 1',
    ],
    [
      'Nesterov in a param group only',
      () => new optim.SGD([{ params: [param()], nesterov: true }], { lr: 0.1 }),
      'SGD param group 0: Nesterov momentum requires a momentum and zero dampening',
    ],
    [
      'capturable: true',
      () => new optim.Adam([param()], { capturable: true }),
      'Adam: capturable=true is not supported: Graft has no CUDA graphs',
    ],
    ['fused: true', () => new optim.Adam([param()], { fused: true }), 'Adam: fused=true is not supported'],
    [
      'differentiable: true',
      () => new optim.SGD([param()], { differentiable: true }),
      "SGD: differentiable=true is not supported: Graft's optimizers step under noGrad",
    ],
    ['AdamW has no fused in torch 1.13', () => new optim.AdamW([param()], { fused: false } as never), "AdamW: unknown option 'fused'"],
    [
      'a single tensor as params (PyTorch: TypeError)',
      () => new optim.SGD(param() as never),
      'SGD: params argument given to the optimizer should be an iterable of Tensors or dicts, but got a Tensor of shape [2]',
    ],
    [
      'params null',
      () => new optim.SGD(null as never),
      'SGD: params argument given to the optimizer should be an iterable of Tensors or dicts, but got null',
    ],
    ['an empty parameter list', () => new optim.SGD([]), 'SGD: optimizer got an empty parameter list'],
    [
      'a number among the params',
      () => new optim.SGD([param(), 3] as never),
      'SGD param group 0: optimizer can only optimize Tensors, but one of the params is 3',
    ],
    ['a group without params', () => new optim.SGD([{ lr: 0.1 }] as never), "SGD param group 0: missing 'params'"],
    [
      'a parameter twice in a group',
      () => {
        const p = param();
        return new optim.SGD([p, p]);
      },
      'SGD param group 0: a parameter appears twice in the group',
    ],
    [
      'a parameter in two groups',
      () => {
        const p = param();
        return new optim.SGD([{ params: [p] }, { params: [p] }]);
      },
      'SGD param group 1: some parameters appear in more than one parameter group',
    ],
    ['a non-leaf parameter', () => new optim.SGD([param().mul(2)]), "SGD param group 0: can't optimize a non-leaf Tensor"],
    [
      'zeroGrad setToNone a string',
      () => sgd().zeroGrad({ setToNone: 'no' as never }),
      "SGD.zeroGrad: setToNone must be true or false, got 'no'",
    ],
    ['step with a closure that is not a function', () => sgd().step(1 as never), 'SGD.step: closure must be a function, got 1'],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });

  it('a group given one tensor takes it as a list of one (as PyTorch)', () => {
    const p = param();
    expect(new optim.SGD([{ params: p }], { lr: 0.1 }).paramGroups[0]!.params).toEqual([p]);
  });

  it('PyTorch flags that change nothing in Graft are accepted and kept for the state dict', () => {
    const opt = new optim.Adam([param()], { foreach: true, capturable: false, differentiable: false, fused: false, maximize: false });
    expect(opt.stateDict().param_groups[0]!['foreach']).toBe(true);
    opt.zeroGrad(false); // PyTorch's positional set_to_none
  });

  it("defaults are PyTorch's, key order included (fixtures: torch.optim's defaults)", () => {
    for (const [name, expected] of Object.entries(fixtures.defaults)) {
      const defaults = new (optim as unknown as Record<string, OptimizerCtor>)[name]!([param()]).defaults;
      expect(defaults, name).toEqual(expected);
      expect(Object.keys(defaults), name).toEqual(Object.keys(expected));
    }
  });

  it("defaults are PyTorch's", () => {
    const defaults = (Opt: OptimizerCtor) => new Opt([param()]).defaults;
    expect(defaults(optim.Adam as never)).toEqual({
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      maximize: false,
      foreach: null,
      capturable: false,
      differentiable: false,
      fused: false,
    });
    expect(defaults(optim.AdamW as never)).toEqual({
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 1e-2,
      amsgrad: false,
      foreach: null,
      maximize: false,
      capturable: false,
    });
    expect(defaults(optim.RMSprop as never)).toEqual({
      lr: 1e-2,
      momentum: 0,
      alpha: 0.99,
      eps: 1e-8,
      centered: false,
      weightDecay: 0,
      foreach: null,
      maximize: false,
      differentiable: false,
    });
    expect(defaults(optim.Adagrad as never)).toEqual({
      lr: 1e-2,
      lrDecay: 0,
      eps: 1e-10,
      weightDecay: 0,
      initialAccumulatorValue: 0,
      foreach: null,
      maximize: false,
    });
    expect(defaults(optim.SGD as never)).toEqual({
      lr: 1e-3,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      maximize: false,
      foreach: null,
      differentiable: false,
    });
    // Each optimizer has its own copy of the default betas.
    const a = new optim.Adam([param()]);
    a.paramGroups[0]!.betas[0] = 0.5;
    expect(new optim.Adam([param()]).defaults.betas).toEqual([0.9, 0.999]);
  });
});
