/**
 * Optimizer: param groups, per-parameter state, and state dicts in PyTorch's
 * layout. Updates run under noGrad and write parameters in place.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { describe, finiteNumber, flag, isPlainObject } from './checks.js';
import {
  type OptimizerSpec,
  SCHEDULER_GROUP_KEYS,
  type SchedulerGroupKeys,
  optionKeys,
  ordered,
  resolveGroupOptions,
  specFromDefaults,
} from './spec.js';
import { type OptimizerStateDict, disposeState, packStateDict, planLoad } from './state-dict.js';

export type { OptimizerStateDict } from './state-dict.js';

/**
 * A param group as the optimizer holds it: its parameters, its complete
 * options, and the keys schedulers add (`initialLr`; OneCycleLR's `maxLr`,
 * `minLr`, `maxMomentum`, `baseMomentum`).
 */
export type ParamGroup<O> = { params: Tensor[] } & SchedulerGroupKeys & O;

/** A param group as given to the constructor or `addParamGroup`: parameters and any options to override. */
export type ParamGroupInit<O> = { params: Tensor | Iterable<Tensor> } & SchedulerGroupKeys & Partial<O>;

/** What an optimizer optimizes: an iterable of tensors, or a list of param groups. */
export type Params<O> = Iterable<Tensor> | readonly ParamGroupInit<O>[];

/** Options of `zeroGrad`. */
export interface ZeroGradOptions {
  /** Set gradients to null (default, as PyTorch 2) rather than to zeros (PyTorch 1.13's default). */
  setToNone?: boolean;
}

/**
 * Base of every optimizer, as `torch.optim.Optimizer`. A subclass passes its
 * table (an {@link OptimizerSpec}: hyperparameters with defaults and checks,
 * state entries) and implements `update`; a custom subclass may pass only its
 * defaults, as in PyTorch.
 *
 * @example
 * class PlainSGD extends Optimizer<{ lr: number }> {
 *   constructor(params: Iterable<g.Tensor>, lr = 0.1) { super(params, { lr }); }
 *   protected update(p: g.Tensor, grad: g.Tensor, _state: Record<string, unknown>, group: ParamGroup<{ lr: number }>) {
 *     p.sub_(grad, { alpha: group.lr });
 *   }
 * }
 */
export abstract class Optimizer<O extends object = Record<string, unknown>> {
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (momentum buffers, moment estimates, step counts), camelCase keys. */
  readonly state = new Map<Tensor, Record<string, unknown>>();
  /** The options every param group starts from. */
  readonly defaults: O;
  /** The table that drives option checks and state dicts. */
  protected readonly spec: OptimizerSpec<O>;

  constructor(params: Params<O>, defaults: O, spec?: OptimizerSpec<O>) {
    this.spec = spec ?? specFromDefaults(new.target.name, defaults);
    this.defaults = defaults;
    for (const group of paramGroupsOf(this.spec.name, params)) this.addParamGroup(group);
  }

  /**
   * Adds a group of parameters with its own options (the rest from the
   * defaults). Unknown keys and bad values throw, naming the group.
   *
   * @example
   * opt.addParamGroup({ params: head.parameters(), lr: 0.01 });
   */
  addParamGroup(group: ParamGroupInit<O>): void {
    const where = `${this.spec.name} param group ${this.paramGroups.length}`;
    if (!isPlainObject(group)) throw new TypeError(`${where}: expected an object { params, ...options }, got ${describe(group)}`);
    const checked = g.checkOptions(where, group, ['params', ...optionKeys(this.spec), ...SCHEDULER_GROUP_KEYS] as (keyof ParamGroupInit<O> &
      string)[]) as Record<string, unknown>;
    const given = checked['params'] as ParamGroupInit<O>['params'] | undefined;
    const overrides: Record<string, unknown> = {};
    for (const key of optionKeys(this.spec)) if (key in checked) overrides[key] = checked[key];
    if (given === undefined) throw new Error(`${where}: missing 'params'`);
    const params: unknown[] | null = given instanceof g.Tensor ? [given] : isIterable(given) ? [...given] : null;
    if (params === null) throw new TypeError(`${where}: params must be a Tensor or an iterable of Tensors, got ${describe(given)}`);
    for (const p of params) {
      if (!(p instanceof g.Tensor))
        throw new TypeError(`${where}: optimizer can only optimize Tensors, but one of the params is ${describe(p)}`);
      if (!p.isLeaf) throw new Error(`${where}: can't optimize a non-leaf Tensor`);
    }
    if (new Set(params).size !== params.length)
      throw new Error(`${where}: a parameter appears twice in the group (PyTorch warns and then updates it twice)`);
    if (this.paramGroups.some((other) => other.params.some((p) => params.includes(p)))) {
      throw new Error(`${where}: some parameters appear in more than one parameter group`);
    }
    const options: O & SchedulerGroupKeys = resolveGroupOptions(this.spec, this.defaults, overrides as Partial<O>, `${where}: `);
    for (const key of SCHEDULER_GROUP_KEYS) if (checked[key] !== undefined) options[key] = finiteNumber(key)(checked[key], `${where}: `);
    // The keys given first, then the defaults, as PyTorch's group (and so its state_dict) orders them.
    const full = { params: params as Tensor[], ...ordered(Object.keys(group), options) } as ParamGroup<O>;
    this.paramGroups.push(full);
    for (const p of full.params) this.initState(p, full);
  }

  /**
   * Creates a parameter's state when it joins (Adagrad's accumulators, as
   * PyTorch's constructor does); by default state is created at its first step.
   */
  protected initState(_p: Tensor, _group: ParamGroup<O>): void {}

  /**
   * Clears gradients: to null (the default, as PyTorch 2) or to
   * zeros. Also takes the flag positionally, as PyTorch's `zero_grad(set_to_none)`.
   *
   * @example
   * opt.zeroGrad();                      // grads become null
   * opt.zeroGrad({ setToNone: false });  // grads become zeros
   */
  zeroGrad(options?: ZeroGradOptions | boolean): void {
    const o = typeof options === 'boolean' ? { setToNone: options } : g.checkOptions(`${this.spec.name}.zeroGrad`, options, ['setToNone']);
    const setToNone = o.setToNone === undefined ? true : flag('setToNone')(o.setToNone, `${this.spec.name}.zeroGrad: `);
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (setToNone) {
          p.grad.dispose();
          p.grad = null;
        } else g.noGrad(() => p.grad!.zero_());
      }
    }
  }

  /**
   * One update of every parameter that has a gradient. `closure` re-evaluates
   * the loss (with grad enabled) and its result is returned.
   *
   * @example
   * opt.zeroGrad(); loss.backward(); opt.step();
   */
  step(closure?: () => Tensor): Tensor | undefined {
    if (closure !== undefined && typeof closure !== 'function')
      throw new TypeError(`${this.spec.name}.step: closure must be a function, got ${describe(closure)}`);
    const loss = closure === undefined ? undefined : g.enableGrad(closure);
    g.noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          let state = this.state.get(p);
          if (state === undefined) this.state.set(p, (state = {}));
          g.tidy(() => this.update(p, p.grad!, state!, group));
        }
      }
    });
    return loss;
  }

  /** The update rule for one parameter (runs under noGrad inside tidy; keep state tensors with g.keep). */
  protected abstract update(p: Tensor, grad: Tensor, state: Record<string, unknown>, group: ParamGroup<O>): void;

  /**
   * The optimizer's state in PyTorch's layout, exactly what
   * `torch.optim.Optimizer.state_dict()` gives: `state` keyed by parameter
   * index (in group order) with PyTorch's snake_case keys, and `param_groups`
   * with PyTorch's hyperparameter names and `params` as index lists. Tensors
   * are copies. `loadStateDict` takes this or a PyTorch state dict.
   *
   * @example
   * const saved = opt.stateDict(); // { state: { 0: { step, exp_avg, exp_avg_sq } }, param_groups: [{ lr, betas, …, params: [0] }] }
   * fresh.loadStateDict(saved);
   */
  stateDict(): OptimizerStateDict {
    return packStateDict(this.spec, this.paramGroups, this.state);
  }

  /**
   * Restores a state dict in PyTorch's layout (from `stateDict()` or from
   * PyTorch's `state_dict()` with tensors converted: `step` may be a 0-d
   * tensor or a number). Everything is checked before anything changes: the
   * group count and sizes (PyTorch's messages), every key, every
   * hyperparameter, every state tensor's shape. State tensors are copied to
   * each parameter's device and dtype.
   *
   * @example
   * opt.loadStateDict(saved);
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const plan = planLoad(this.spec, this.paramGroups, stateDict);
    // Nothing below can throw: the plan is complete.
    plan.groups.forEach((loaded, i) => {
      const group = this.paramGroups[i]! as Record<string, unknown>;
      for (const key of Object.keys(group)) if (key !== 'params') delete group[key];
      Object.assign(group, loaded);
    });
    for (const s of this.state.values()) disposeState(s);
    this.state.clear();
    for (const [p, s] of plan.state) this.state.set(p, s);
  }
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function';
}

/** The constructor's `params`: tensors make one group; a list of objects is a list of groups. */
function paramGroupsOf<O>(name: string, params: Params<O>): ParamGroupInit<O>[] {
  if (params instanceof g.Tensor || !isIterable(params)) {
    throw new TypeError(
      `${name}: params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${describe(params)}`,
    );
  }
  const list = [...(params as Iterable<unknown>)];
  if (list.length === 0) throw new Error(`${name}: optimizer got an empty parameter list`);
  return isPlainObject(list[0]) ? (list as ParamGroupInit<O>[]) : [{ params: list as Tensor[] } as unknown as ParamGroupInit<O>];
}

/** Replaces a state tensor, disposing the old one and keeping the new one past tidy. */
export function setState(state: Record<string, unknown>, key: string, value: Tensor): Tensor {
  const old = state[key];
  if (old instanceof g.Tensor && old !== value) old.dispose();
  state[key] = g.keep(value);
  return value;
}
