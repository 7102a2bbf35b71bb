/**
 * Learning-rate schedulers against PyTorch (fixtures from
 * scripts/fixtures/generate_optim.py): chainable updates, state dicts both
 * ways, resuming; and every scheduler's options and state dicts checked.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as optim from '../src/index.js';
import fixtures from './fixtures/optim_state.json' with { type: 'json' };
import { close, decode, expectSameState, jsNumbers } from './helpers.js';

// The step(epoch) cases warn, as PyTorch does: check the warning once, keep the output clean.
const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
afterAll(() => {
  expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
    expect.stringMatching(/^The epoch parameter in `scheduler\.step\(\)` was not necessary/),
  ]);
  warn.mockRestore();
});

const LAMBDAS: Record<string, optim.lrScheduler.LrLambda> = {
  inv: (e) => 1 / (e + 1),
  pow95: (e) => 0.95 ** e,
  warmup: (e) => Math.min(1, (e + 1) / 5),
};

/** CyclicLR's scale functions of the generator (SCALE_FNS), by name. */
const SCALE_FNS: Record<string, optim.lrScheduler.ScaleFn> = {
  third_per_cycle: (x) => 1 / 3 ** (x - 1),
  decay_per_iteration: (x) => 0.8 ** x,
};

type Scheduler = optim.LRScheduler;
type AnyOptimizer = optim.Optimizer<{ lr: number }>;
type SchedulerCtor = new (opt: AnyOptimizer, options: Record<string, unknown>) => Scheduler;

/** The generator's optimizer: SGD (or another), two groups (lr 0.1 and 0.05). */
function sgd(kind = 'SGD'): optim.SGD {
  const Opt = (optim as unknown as Record<string, new (params: unknown, options: Record<string, unknown>) => optim.SGD>)[kind]!;
  return new Opt([{ params: [g.zeros(1, { requiresGrad: true })] }, { params: [g.zeros(1, { requiresGrad: true })], lr: 0.05 }], {
    lr: 0.1,
  });
}

/** A scheduler as the generator describes it: a kind and its options, named functions and nested schedulers included. */
function makeScheduler(opt: AnyOptimizer, kind: string, options: Record<string, unknown>): Scheduler {
  const o = { ...options };
  if (kind === 'LambdaLR' || kind === 'MultiplicativeLR')
    o['lrLambda'] = Array.isArray(o['lrLambda']) ? (o['lrLambda'] as string[]).map((n) => LAMBDAS[n]) : LAMBDAS[o['lrLambda'] as string];
  if (typeof o['scaleFn'] === 'string') o['scaleFn'] = SCALE_FNS[o['scaleFn']];
  if (Array.isArray(o['schedulers'])) {
    const inner = (o['schedulers'] as { kind: string; options: Record<string, unknown> }[]).map((s) =>
      makeScheduler(opt, s.kind, s.options),
    );
    if (kind === 'ChainedScheduler') return new optim.ChainedScheduler(inner);
    o['schedulers'] = inner;
  }
  return new (optim as unknown as Record<string, SchedulerCtor>)[kind]!(opt, o);
}

const lrsOf = (opt: AnyOptimizer) => opt.paramGroups.map((gr) => gr.lr);
/** The momentum of each group: `momentum`, or beta1 of `betas` (what CyclicLR and OneCycleLR cycle). */
const momentaOf = (opt: AnyOptimizer) =>
  opt.paramGroups.map((gr) => {
    const group = gr as unknown as { momentum?: number; betas?: number[] };
    return group.betas !== undefined ? group.betas[0]! : group.momentum!;
  });

describe('schedulers follow torch.optim.lr_scheduler step by step (fixtures)', () => {
  for (const c of fixtures.schedulers) {
    const events = c.events as {
      scale?: Record<string, number>;
      epoch?: Record<string, number>;
      initialLr?: boolean;
      optimizer?: string;
    };
    const expectedMomenta = (c as { momenta?: number[][] }).momenta;
    const advance = (opt: AnyOptimizer, scheds: Scheduler[], step: number) => {
      opt.step();
      const scale = events.scale?.[step];
      if (scale !== undefined) for (const gr of opt.paramGroups) gr.lr *= scale;
      const epoch = events.epoch?.[step];
      for (const s of scheds) epoch === undefined ? s.step() : s.step(epoch);
    };
    const build = () => {
      const opt = sgd(events.optimizer);
      if (events.initialLr) for (const gr of opt.paramGroups) gr.initialLr = gr.lr * 2;
      return { opt, scheds: c.schedulers.map((s) => makeScheduler(opt, s.kind, s.options)) };
    };

    it(`${c.name}: learning rates, getLastLr and state dicts`, () => {
      const { opt, scheds } = build();
      const lrs = [lrsOf(opt)];
      const momenta = [momentaOf(opt)];
      for (let step = 1; step <= c.steps; step++) {
        advance(opt, scheds, step);
        lrs.push(lrsOf(opt));
        momenta.push(momentaOf(opt));
        if (step === c.saveAt) {
          scheds.forEach((s, i) => expectSameState(s.stateDict(), decode(c.saved!.schedulers[i]), 1e-12, `schedulers[${i}].stateDict()`));
          expectSameState(opt.stateDict(), decode(c.saved!.optimizer), 1e-12, 'optimizer.stateDict()');
        }
      }
      close(lrs.flat(), c.lrs.flat(), 1e-12, 'lrs');
      if (expectedMomenta !== undefined) close(momenta.flat(), expectedMomenta.flat(), 1e-12, 'momenta');
      scheds.forEach((s, i) => close(s.getLastLr(), c.lastLr[i]!, 1e-12, 'getLastLr'));
    });

    it(`${c.name}: resumes from PyTorch's optimizer and scheduler state dicts`, () => {
      const { opt, scheds } = build();
      opt.loadStateDict(decode(c.saved!.optimizer) as optim.OptimizerStateDict);
      scheds.forEach((s, i) => s.loadStateDict(decode(c.saved!.schedulers[i]) as optim.SchedulerStateDict));
      const lrs = [lrsOf(opt)];
      const momenta = [momentaOf(opt)];
      for (let step = c.saveAt + 1; step <= c.steps; step++) {
        advance(opt, scheds, step);
        lrs.push(lrsOf(opt));
        momenta.push(momentaOf(opt));
      }
      close(lrs.flat(), c.lrs.slice(c.saveAt).flat(), 1e-12, 'lrs');
      if (expectedMomenta !== undefined) close(momenta.flat(), expectedMomenta.slice(c.saveAt).flat(), 1e-12, 'momenta');
    });
  }
});

describe('ReduceLROnPlateau follows PyTorch (fixtures)', () => {
  for (const c of fixtures.plateau) {
    const metric = (m: number) => (c.name === 'metrics as tensors' ? g.tensor(m) : m);
    it(`${c.name}: learning rates and state dicts`, () => {
      const opt = sgd();
      const sched = new optim.ReduceLROnPlateau(opt, c.options as optim.ReduceLROnPlateauOptions);
      expectSameState(sched.stateDict(), decode(c.initialStateDict), 0, 'initial stateDict()');
      const lrs: number[][] = [];
      c.metrics.forEach((m, i) => {
        sched.step(metric(m));
        lrs.push(lrsOf(opt));
        if (i + 1 === c.saveAt) expectSameState(sched.stateDict(), decode(c.saved.scheduler), 1e-12, 'stateDict()');
      });
      close(lrs.flat(), c.lrs.flat(), 1e-12, 'lrs');
    });

    it(`${c.name}: resumes from PyTorch's state dicts`, () => {
      const opt = sgd();
      const sched = new optim.ReduceLROnPlateau(opt);
      opt.loadStateDict(decode(c.saved.optimizer) as optim.OptimizerStateDict);
      sched.loadStateDict(decode(c.saved.scheduler) as optim.SchedulerStateDict);
      const lrs = c.metrics.slice(c.saveAt).map((m) => (sched.step(metric(m)), lrsOf(opt)));
      close(lrs.flat(), c.lrs.slice(c.saveAt).flat(), 1e-12, 'lrs');
    });
  }
});

/**
 * Every scheduler, made by a function of its optimizer. A scheduler class
 * exported by the package and missing here fails the completeness test.
 */
const SCHEDULERS: Record<
  string,
  (opt: optim.SGD) => {
    stateDict(): optim.SchedulerStateDict;
    loadStateDict(sd: optim.SchedulerStateDict): void;
    step(...args: never[]): void;
  }
> = {
  StepLR: (opt) => new optim.StepLR(opt, { stepSize: 2 }),
  ExponentialLR: (opt) => new optim.ExponentialLR(opt, { gamma: 0.9 }),
  CosineAnnealingLR: (opt) => new optim.CosineAnnealingLR(opt, { tMax: 5 }),
  LambdaLR: (opt) => new optim.LambdaLR(opt, { lrLambda: (e) => 1 / (e + 1) }),
  ReduceLROnPlateau: (opt) => new optim.ReduceLROnPlateau(opt, { patience: 0 }),
  MultiplicativeLR: (opt) => new optim.MultiplicativeLR(opt, { lrLambda: () => 0.9 }),
  MultiStepLR: (opt) => new optim.MultiStepLR(opt, { milestones: [1, 2] }),
  ConstantLR: (opt) => new optim.ConstantLR(opt),
  LinearLR: (opt) => new optim.LinearLR(opt),
  PolynomialLR: (opt) => new optim.PolynomialLR(opt),
  CosineAnnealingWarmRestarts: (opt) => new optim.CosineAnnealingWarmRestarts(opt, { t0: 2 }),
  CyclicLR: (opt) => new optim.CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2 }),
  OneCycleLR: (opt) => new optim.OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10 }),
  SequentialLR: (opt) =>
    new optim.SequentialLR(opt, { schedulers: [new optim.ConstantLR(opt), new optim.ExponentialLR(opt, { gamma: 0.9 })], milestones: [2] }),
  ChainedScheduler: (opt) => new optim.ChainedScheduler([new optim.ConstantLR(opt), new optim.ExponentialLR(opt, { gamma: 0.9 })]),
};

describe("every scheduler's loadStateDict checks everything before changing anything", () => {
  it('covers every exported scheduler class', () => {
    const exported = Object.entries(optim)
      .filter(([, v]) => typeof v === 'function' && (v.prototype instanceof optim.LRScheduler || v === optim.ReduceLROnPlateau))
      .map(([k]) => k);
    expect(exported.sort()).toEqual(Object.keys(SCHEDULERS).sort());
  });

  for (const [name, make] of Object.entries(SCHEDULERS)) {
    const trained = () => {
      const opt = sgd();
      const sched = make(opt);
      for (let i = 0; i < 3; i++) name === 'ReduceLROnPlateau' ? (sched.step as (m: number) => void)(1) : sched.step();
      return { opt, sched };
    };
    const bad: [string, (sd: Record<string, unknown>) => unknown][] = [
      ['null', () => null],
      ['42', () => 42],
      ['an array', () => []],
      ['an empty object (the reported StepLR example)', () => ({})],
      ['an unknown key', (sd) => ({ ...sd, extra: 1 })],
      [
        'a camelCase key',
        (sd) => {
          const { last_epoch: lastEpoch, ...rest } = sd;
          return { ...rest, lastEpoch };
        },
      ],
    ];
    // Each key of its own state dict: left out (unless optional), or spoilt.
    for (const key of Object.keys(trained().sched.stateDict())) {
      if (!['verbose', '_get_lr_called_within_step'].includes(key)) bad.push([`without ${key}`, (sd) => (delete sd[key], sd)]);
      for (const junk of ['bogus', NaN, null, -1.5, [1, 2, 3]]) bad.push([`${key} = ${String(junk)}`, (sd) => ({ ...sd, [key]: junk })]);
    }
    for (const [what, spoil] of bad) {
      it(`${name}: ${what}`, () => {
        const { opt, sched } = trained();
        const before = JSON.stringify([sched.stateDict(), opt.stateDict().param_groups]);
        const spoilt = spoil(sched.stateDict());
        let error: unknown;
        try {
          sched.loadStateDict(spoilt as optim.SchedulerStateDict);
        } catch (e) {
          error = e;
        }
        // -1.5 is valid for a few keys (PyTorch checks no sign there), ReduceLROnPlateau has no _last_lr
        // before its first step, and CyclicLR's _scale_fn_custom is null; everything else must be refused.
        if (error === undefined) {
          expect(`${name}: ${what}`).toMatch(
            /: (threshold|best|mode_worse|eta_min|gamma|factor|power|T_cur) = -1\.5$|^ReduceLROnPlateau: without _last_lr$|: _scale_fn_custom = null$/,
          );
          return;
        }
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toMatch(new RegExp(`^${name}\\.loadStateDict: `));
        expect(JSON.stringify([sched.stateDict(), opt.stateDict().param_groups])).toBe(before);
      });
    }
  }

  it('the reported example: StepLR.loadStateDict({}) throws and the lr stays a number', () => {
    const opt = sgd();
    const sched = new optim.StepLR(opt, { stepSize: 2 });
    expect(() => sched.loadStateDict({})).toThrow(/StepLR\.loadStateDict: the state dict has no 'step_size'/);
    sched.step();
    expect(lrsOf(opt)).toEqual([0.1, 0.05]);
  });

  it("loading keeps the optimizer's learning rates (PyTorch's semantics: load the optimizer's state dict too)", () => {
    const opt = sgd();
    const sched = new optim.StepLR(opt, { stepSize: 1, gamma: 0.5 });
    const saved = { ...sched.stateDict(), last_epoch: 4 };
    sched.loadStateDict(saved);
    expect(lrsOf(opt)).toEqual([0.1, 0.05]);
    sched.step();
    expect(lrsOf(opt)).toEqual([0.05, 0.025]);
  });

  it('LambdaLR saves its lambdas as nulls and keeps its own on load', () => {
    const opt = sgd();
    const sched = new optim.LambdaLR(opt, { lrLambda: [(e) => e + 1, (e) => 2 * (e + 1)] });
    expect(sched.stateDict()['lr_lambdas']).toEqual([null, null]);
    expect(() => sched.loadStateDict({ ...sched.stateDict(), lr_lambdas: [{ factor: 2 }, null] })).toThrow(
      /lr_lambdas must be 2 null\(s\)/,
    );
    sched.loadStateDict({ ...sched.stateDict(), last_epoch: 2 });
    sched.step();
    expect(lrsOf(opt)).toEqual([0.1 * 4, 0.05 * 8]);
  });
});

describe('scheduler options are checked', () => {
  it.each([
    ['StepLR', () => new optim.StepLR(sgd(), {} as never), "StepLR: missing required option 'stepSize'"],
    ['ExponentialLR', () => new optim.ExponentialLR(sgd(), {} as never), "ExponentialLR: missing required option 'gamma'"],
    ['CosineAnnealingLR', () => new optim.CosineAnnealingLR(sgd(), {} as never), "CosineAnnealingLR: missing required option 'tMax'"],
    ['LambdaLR', () => new optim.LambdaLR(sgd(), {} as never), "LambdaLR: missing required option 'lrLambda'"],
    ['StepLR (no options at all)', () => new optim.StepLR(sgd(), undefined as never), "StepLR: missing required option 'stepSize'"],
  ])('a missing required option: %s', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it('the reported example: { TMax: 10 } throws and suggests tMax (it gave NaN learning rates)', () => {
    expect(() => new optim.CosineAnnealingLR(sgd(), { TMax: 10 } as never)).toThrow(
      "CosineAnnealingLR: unknown option 'TMax' (did you mean 'tMax'?); valid options are: tMax, etaMin, lastEpoch, verbose",
    );
  });

  it.each([
    [
      'StepLR stepSize 0 (PyTorch divides by it)',
      () => new optim.StepLR(sgd(), { stepSize: 0 }),
      'StepLR: stepSize must be an integer ≥ 1, got 0',
    ],
    ['StepLR stepSize 1.5', () => new optim.StepLR(sgd(), { stepSize: 1.5 }), 'stepSize must be an integer ≥ 1, got 1.5'],
    ['StepLR gamma NaN', () => new optim.StepLR(sgd(), { stepSize: 2, gamma: NaN }), 'StepLR: gamma must be a finite number, got NaN'],
    [
      'CosineAnnealingLR tMax 0',
      () => new optim.CosineAnnealingLR(sgd(), { tMax: 0 }),
      'CosineAnnealingLR: tMax must be a positive number, got 0',
    ],
    ['CosineAnnealingLR tMax -5', () => new optim.CosineAnnealingLR(sgd(), { tMax: -5 }), 'tMax must be a positive number, got -5'],
    [
      'CosineAnnealingLR tMax a string',
      () => new optim.CosineAnnealingLR(sgd(), { tMax: '10' as never }),
      "tMax must be a positive number, got '10'",
    ],
    [
      'CosineAnnealingLR etaMin NaN',
      () => new optim.CosineAnnealingLR(sgd(), { tMax: 5, etaMin: NaN }),
      'etaMin must be a finite number, got NaN',
    ],
    [
      'lastEpoch -2',
      () => new optim.ExponentialLR(sgd(), { gamma: 0.9, lastEpoch: -2 }),
      'ExponentialLR: lastEpoch must be an integer ≥ -1, got -2',
    ],
    [
      'LambdaLR lrLambda a number',
      () => new optim.LambdaLR(sgd(), { lrLambda: 0.5 as never }),
      'LambdaLR: lrLambda must be a function or an array of functions',
    ],
    [
      'LambdaLR returning undefined',
      () => new optim.LambdaLR(sgd(), { lrLambda: (() => undefined) as never }),
      'LambdaLR: lrLambda(0) for param group 0 returned undefined; expected a finite number',
    ],
    [
      'ReduceLROnPlateau patience -1',
      () => new optim.ReduceLROnPlateau(sgd(), { patience: -1 }),
      'ReduceLROnPlateau: patience must be an integer ≥ 0, got -1',
    ],
    [
      'ReduceLROnPlateau minLr negative',
      () => new optim.ReduceLROnPlateau(sgd(), { minLr: -0.1 }),
      'ReduceLROnPlateau: Invalid minLr: -0.1',
    ],
    ['not an optimizer', () => new optim.StepLR({ paramGroups: [] } as never, { stepSize: 1 }), 'StepLR: an object is not an Optimizer'],
  ])('%s', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it("PyTorch's own messages (fixtures)", () => {
    for (const c of fixtures.optionErrors.filter((x) => x.kind === 'scheduler')) {
      const opt = c.groups === 2 ? sgd() : new optim.SGD([g.zeros(1, { requiresGrad: true })], { lr: 0.1 });
      const options = { ...c.options } as Record<string, unknown>;
      if (options['lrLambda'] === 'three') options['lrLambda'] = [() => 1, () => 1, () => 1];
      const Ctor = (optim as unknown as Record<string, SchedulerCtor>)[c.name]!;
      expect(() => new Ctor(opt, options), `${c.name} ${JSON.stringify(c.options)}`).toThrow(jsNumbers(c.message));
    }
  });

  it('a failed step changes nothing', () => {
    const opt = sgd();
    let ok = true;
    const sched = new optim.LambdaLR(opt, { lrLambda: (e) => (ok ? 1 / (e + 1) : NaN) });
    sched.step();
    const before = [lrsOf(opt), sched.stateDict()];
    ok = false;
    expect(() => sched.step()).toThrow('LambdaLR: lrLambda(2) for param group 0 returned NaN');
    expect([lrsOf(opt), sched.stateDict()]).toEqual(before);
  });

  it('verbose prints what PyTorch prints', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const opt = sgd();
    const sched = new optim.StepLR(opt, { stepSize: 1, gamma: 0.5, verbose: true });
    sched.step();
    const plateau = new optim.ReduceLROnPlateau(opt, { patience: 0, verbose: true });
    plateau.step(1);
    plateau.step(2);
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      'Adjusting learning rate of group 0 to 1.0000e-01.',
      'Adjusting learning rate of group 1 to 5.0000e-02.',
      'Adjusting learning rate of group 0 to 5.0000e-02.',
      'Adjusting learning rate of group 1 to 2.5000e-02.',
      'Epoch 00002: reducing learning rate of group 0 to 5.0000e-03.',
      'Epoch 00002: reducing learning rate of group 1 to 2.5000e-03.',
    ]);
    log.mockRestore();
  });

  it("getLastLr is what the scheduler last set (PyTorch's _last_lr), not whatever the lr is now", () => {
    const opt = sgd();
    const sched = new optim.ExponentialLR(opt, { gamma: 0.5 });
    sched.step();
    opt.paramGroups[0]!.lr = 1;
    expect(sched.getLastLr()).toEqual([0.05, 0.025]);
  });

  it('ReduceLROnPlateau.step takes a number or a one-element tensor, nothing else', () => {
    const sched = new optim.ReduceLROnPlateau(sgd());
    expect(() => sched.step('1' as never)).toThrow("ReduceLROnPlateau.step: metrics must be a number or a one-element Tensor, got '1'");
    expect(() => sched.step(g.tensor([1, 2]))).toThrow('got a Tensor of shape [2]');
    sched.step(g.tensor([0.5]));
    expect(sched.best).toBe(0.5);
  });
});

describe('schedulers made of schedulers, cycles and restarts', () => {
  const e = fixtures.compositeErrors;
  const snapshot = (opt: AnyOptimizer, sched: { stateDict(): unknown }) =>
    JSON.stringify([opt.stateDict().param_groups, sched.stateDict()]);

  it("PyTorch's messages (fixtures)", () => {
    const [a, b] = [sgd(), sgd()];
    expect(
      () =>
        new optim.SequentialLR(a, {
          schedulers: [new optim.StepLR(a, { stepSize: 2 }), new optim.StepLR(b, { stepSize: 2 })],
          milestones: [2],
        }),
    ).toThrow(`SequentialLR: ${e.sequentialOtherOptimizer}`);
    expect(
      () =>
        new optim.SequentialLR(a, {
          schedulers: [new optim.StepLR(a, { stepSize: 2 }), new optim.StepLR(a, { stepSize: 2 })],
          milestones: [2, 4],
        }),
    ).toThrow(`SequentialLR: ${e.sequentialMilestones}`);
    expect(() => new optim.ChainedScheduler([new optim.StepLR(a, { stepSize: 2 }), new optim.StepLR(b, { stepSize: 2 })])).toThrow(
      `ChainedScheduler: ${e.chainedOtherOptimizer}`,
    );
    expect(() => new optim.CyclicLR(sgd('Adam'), { baseLr: 0.01, maxLr: 0.1 })).toThrow(`CyclicLR: ${e.cyclicMomentumAdam}`);
    expect(() => new optim.OneCycleLR(sgd('Adagrad'), { maxLr: 0.1, totalSteps: 10 })).toThrow(`OneCycleLR: ${e.oneCycleMomentumAdagrad}`);
    expect(() => new optim.CosineAnnealingWarmRestarts(sgd(), { t0: 3 }).step(-1)).toThrow(
      `CosineAnnealingWarmRestarts.step: ${e.warmRestartsNegativeEpoch}`,
    );
  });

  it('OneCycleLR past its total steps throws (PyTorch message) and changes nothing', () => {
    const opt = sgd();
    const sched = new optim.OneCycleLR(opt, { maxLr: 0.1, totalSteps: 3 });
    for (let i = 0; i < 3; i++) sched.step();
    const before = snapshot(opt, sched);
    expect(() => sched.step()).toThrow(`OneCycleLR.step: ${e.oneCyclePastTotal}`);
    expect(snapshot(opt, sched)).toBe(before);
  });

  it('a failed step of a scheduler made of schedulers puts every one back (learning rates and momenta too)', () => {
    let ok = true;
    const opt = sgd();
    const chained = new optim.ChainedScheduler([
      new optim.CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2 }),
      new optim.LambdaLR(opt, { lrLambda: (epoch) => (ok ? 1 / (epoch + 1) : NaN) }),
    ]);
    chained.step();
    const before = [snapshot(opt, chained), chained.getLastLr()];
    ok = false;
    expect(() => chained.step()).toThrow('LambdaLR: lrLambda(2) for param group 0 returned NaN');
    expect([snapshot(opt, chained), chained.getLastLr()]).toEqual(before);
    ok = true;
    chained.step();

    const opt2 = sgd();
    const seq = new optim.SequentialLR(opt2, {
      schedulers: [new optim.ConstantLR(opt2), new optim.LambdaLR(opt2, { lrLambda: () => (ok ? 1 : NaN) })],
      milestones: [1],
    });
    const before2 = snapshot(opt2, seq);
    ok = false;
    expect(() => seq.step()).toThrow('LambdaLR: lrLambda(0) for param group 0 returned NaN');
    expect(snapshot(opt2, seq)).toBe(before2);
  });

  it('CyclicLR: a scaleFn that returns no number throws and changes nothing, the momentum included', () => {
    let ok = true;
    const opt = sgd();
    const sched = new optim.CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2, scaleFn: () => (ok ? 1 : (undefined as never)) });
    sched.step();
    const before = snapshot(opt, sched);
    ok = false;
    expect(() => sched.step()).toThrow('CyclicLR: scaleFn(1) returned undefined; expected a finite number');
    expect(snapshot(opt, sched)).toBe(before);
  });

  it('SequentialLR and ChainedScheduler take no epoch (torch 1.13)', () => {
    const opt = sgd();
    const seq = new optim.SequentialLR(opt, { schedulers: [new optim.ConstantLR(opt), new optim.ConstantLR(opt)], milestones: [2] });
    expect(() => (seq.step as (e: number) => void)(3)).toThrow('SequentialLR.step: takes no epoch');
    const chained = new optim.ChainedScheduler([new optim.ConstantLR(opt)]);
    expect(() => (chained.step as (e: number) => void)(3)).toThrow('ChainedScheduler.step: takes no epoch');
    expect(() => new optim.ChainedScheduler([])).toThrow('ChainedScheduler: schedulers must be a non-empty array of LRSchedulers');
    expect(() => new optim.ChainedScheduler([new optim.ReduceLROnPlateau(opt) as never])).toThrow(
      'schedulers[0] is an object, not an LRScheduler',
    );
  });

  it('resuming without the group keys names them as PyTorch does and as Graft reads them', () => {
    const opt = new optim.SGD([g.zeros(1, { requiresGrad: true })], { lr: 1 });
    expect(() => new optim.CosineAnnealingLR(opt, { tMax: 10, lastEpoch: 2 })).toThrow(
      '(Graft reads paramGroups[0].initialLr: set it in each group',
    );
    opt.paramGroups[0]!.initialLr = 1;
    expect(() => new optim.CosineAnnealingLR(opt, { tMax: 10, lastEpoch: 2 })).not.toThrow();
  });

  it('OneCycleLR writes its keys into the param groups, and resuming needs them', () => {
    const opt = sgd('Adam');
    new optim.OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10 });
    expect(Object.keys(opt.stateDict().param_groups[0]!)).toEqual(
      expect.arrayContaining(['initial_lr', 'max_lr', 'min_lr', 'max_momentum', 'base_momentum']),
    );
    expect(() => new optim.OneCycleLR(sgd(), { maxLr: 0.1, totalSteps: 10, lastEpoch: 3 })).toThrow(
      "OneCycleLR: param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer (Graft reads paramGroups[0].initialLr",
    );
  });

  it('CosineAnnealingWarmRestarts prints every step with its epoch, as PyTorch (its output, copied from torch 1.13)', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const opt = new optim.SGD([g.zeros(1, { requiresGrad: true })], { lr: 0.1 });
    const sched = new optim.CosineAnnealingWarmRestarts(opt, { t0: 2, verbose: true });
    sched.step();
    sched.step(2.5);
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      'Epoch 00000: adjusting learning rate of group 0 to 1.0000e-01.',
      'Epoch 00001: adjusting learning rate of group 0 to 5.0000e-02.',
      'Epoch 2.50: adjusting learning rate of group 0 to 8.5355e-02.',
    ]);
    log.mockRestore();
  });
});
