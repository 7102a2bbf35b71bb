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

type Scheduler = optim.LRScheduler;
type SchedulerCtor = new (opt: optim.SGD, options: Record<string, unknown>) => Scheduler;

/** The generator's optimizer: SGD, two groups (lr 0.1 and 0.05). */
function sgd(): optim.SGD {
  return new optim.SGD([{ params: [g.zeros(1, { requiresGrad: true })] }, { params: [g.zeros(1, { requiresGrad: true })], lr: 0.05 }], {
    lr: 0.1,
  });
}

function makeScheduler(opt: optim.SGD, kind: string, options: Record<string, unknown>): Scheduler {
  const o = { ...options };
  if (kind === 'LambdaLR')
    o['lrLambda'] = Array.isArray(o['lrLambda']) ? (o['lrLambda'] as string[]).map((n) => LAMBDAS[n]) : LAMBDAS[o['lrLambda'] as string];
  return new (optim as unknown as Record<string, SchedulerCtor>)[kind]!(opt, o);
}

const lrsOf = (opt: optim.SGD) => opt.paramGroups.map((gr) => gr.lr);

describe('schedulers follow torch.optim.lr_scheduler step by step (fixtures)', () => {
  for (const c of fixtures.schedulers) {
    const events = c.events as { scale?: Record<string, number>; epoch?: Record<string, number>; initialLr?: boolean };
    const advance = (opt: optim.SGD, scheds: Scheduler[], step: number) => {
      opt.step();
      const scale = events.scale?.[step];
      if (scale !== undefined) for (const gr of opt.paramGroups) gr.lr *= scale;
      const epoch = events.epoch?.[step];
      for (const s of scheds) epoch === undefined ? s.step() : s.step(epoch);
    };
    const build = () => {
      const opt = sgd();
      if (events.initialLr) for (const gr of opt.paramGroups) gr.initialLr = gr.lr * 2;
      return { opt, scheds: c.schedulers.map((s) => makeScheduler(opt, s.kind, s.options)) };
    };

    it(`${c.name}: learning rates, getLastLr and state dicts`, () => {
      const { opt, scheds } = build();
      const lrs = [lrsOf(opt)];
      for (let step = 1; step <= c.steps; step++) {
        advance(opt, scheds, step);
        lrs.push(lrsOf(opt));
        if (step === c.saveAt) {
          scheds.forEach((s, i) => expectSameState(s.stateDict(), decode(c.saved!.schedulers[i]), 1e-12, `schedulers[${i}].stateDict()`));
          expectSameState(opt.stateDict(), decode(c.saved!.optimizer), 1e-12, 'optimizer.stateDict()');
        }
      }
      close(lrs.flat(), c.lrs.flat(), 1e-12, 'lrs');
      scheds.forEach((s, i) => close(s.getLastLr(), c.lastLr[i]!, 1e-12, 'getLastLr'));
    });

    it(`${c.name}: resumes from PyTorch's optimizer and scheduler state dicts`, () => {
      const { opt, scheds } = build();
      opt.loadStateDict(decode(c.saved!.optimizer) as optim.OptimizerStateDict);
      scheds.forEach((s, i) => s.loadStateDict(decode(c.saved!.schedulers[i]) as optim.SchedulerStateDict));
      const lrs = [lrsOf(opt)];
      for (let step = c.saveAt + 1; step <= c.steps; step++) {
        advance(opt, scheds, step);
        lrs.push(lrsOf(opt));
      }
      close(lrs.flat(), c.lrs.slice(c.saveAt).flat(), 1e-12, 'lrs');
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
      for (let i = 0; i < 3; i++) (sched.step as (m?: number) => void)(1);
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
        // -1.5 is valid for a few keys (PyTorch checks no sign there), and ReduceLROnPlateau has
        // no _last_lr before its first step; everything else must be refused.
        if (error === undefined) {
          expect(`${name}: ${what}`).toMatch(
            /: (threshold|best|mode_worse|eta_min|gamma|factor) = -1\.5$|^ReduceLROnPlateau: without _last_lr$/,
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
