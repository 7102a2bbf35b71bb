/**
 * Option tables. An optimizer describes its hyperparameters (default and
 * check of each, in PyTorch's order) and its per-parameter state; a scheduler
 * its settings. One table drives the constructor's options, param groups,
 * `stateDict()` and `loadStateDict()`, so they cannot disagree.
 */
import * as g from '@graft/core';
import { type Check, snakeCase } from './checks.js';

/** One option (an optimizer's hyperparameter, a scheduler's setting): its default and its check. */
export interface OptionSpec<V> {
  /** Absent: the option is required. */
  readonly default?: V;
  readonly check: Check<V>;
  /**
   * A loaded param group may leave it out (it then takes the default), as
   * PyTorch's `__setstate__` fills in flags that older checkpoints lack.
   * Everything else must be in a loaded group.
   */
  readonly optionalOnLoad?: boolean;
}

/** An options object's table: the name for messages, each option in PyTorch's order, and cross-checks. */
export interface OptionsSpec<O> {
  readonly name: string;
  readonly options: { readonly [K in keyof O]-?: OptionSpec<O[K]> };
  /**
   * Checks that involve several options of a complete group (Nesterov needs
   * momentum); it may also fill in an option whose default comes from
   * another (LBFGS's `maxEval: null` from `maxIter`).
   */
  checkAll?(options: O, where: string): void;
}

/**
 * One per-parameter state entry (its PyTorch name is its snake_case, or
 * `torchName`). What a value is, by `kind`:
 * - `buffer`: a tensor shaped like its parameter (moment estimates);
 * - `flat`: a 1-D tensor as long as all the group's parameters together (LBFGS's directions);
 * - `scalar`: a {@link StateScalar}, PyTorch's 0-d tensor kept on the host (NAdam's `mu_product`);
 * - `step`: a count, a number in Graft;
 * - `number`: a plain number (LBFGS's `prev_loss`).
 */
export interface StateEntry {
  readonly kind: 'buffer' | 'flat' | 'scalar' | 'step' | 'number';
  /** An array of such values (LBFGS's `old_dirs`, `ro`). */
  readonly list?: boolean;
  /** The value, or each item of a list, may be null (PyTorch's None: SGD's momentum_buffer without momentum). */
  readonly nullable?: boolean;
  /** A `scalar` that may also be a plain number (LBFGS's `t` and `H_diag`: a Python float or a 0-d tensor). */
  readonly orNumber?: boolean;
  /** PyTorch's key, where it is not the snake_case of Graft's (`hDiag` is `H_diag`). */
  readonly torchName?: string;
  /**
   * Must a non-empty loaded state hold it? Default true; a function of the
   * (loaded) group and the loaded entry (PyTorch's names) for optional ones.
   */
  readonly required?: boolean | ((group: Readonly<Record<string, unknown>>, entry: Readonly<Record<string, unknown>>) => boolean);
  /** How `stateDict()` writes a step: a 0-d float32 tensor (Adam, Adagrad in torch ≥ 1.12) or a number (RMSprop in 1.13). */
  readonly savedAs?: 'tensor' | 'number';
}

/** PyTorch's name of a state entry. */
export function stateKey(key: string, entry: StateEntry | undefined): string {
  return entry?.torchName ?? snakeCase(key);
}

/** An optimizer's table: its options (hyperparameters, PyTorch's names in snake_case) and its state entries. */
export interface OptimizerSpec<O> extends OptionsSpec<O> {
  /** The state entries; absent (a custom optimizer without a table): any keys, tensors taken as they are. */
  readonly state?: { readonly [key: string]: StateEntry };
  /**
   * Checks that involve several entries of one loaded state (camelCase keys,
   * values as read): LBFGS's history lists must agree in length.
   */
  checkState?(state: Readonly<Record<string, unknown>>, group: Readonly<Record<string, unknown>>, where: string): void;
}

/**
 * Keys PyTorch's schedulers write into param groups: `initial_lr` (every
 * scheduler), `max_lr`, `min_lr`, `max_momentum` and `base_momentum`
 * (OneCycleLR). A group may hold them (finite numbers), and state dicts carry
 * them under PyTorch's names.
 */
export const SCHEDULER_GROUP_KEYS = ['initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum'] as const;

/** The scheduler keys of a param group, each optional. */
export type SchedulerGroupKeys = { [K in (typeof SCHEDULER_GROUP_KEYS)[number]]?: number };

/** The table of a custom Optimizer subclass that gave only its defaults: those keys, unchecked. */
export function specFromDefaults<O extends object>(name: string, defaults: O): OptimizerSpec<O> {
  const options = Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, { default: v, check: (x: unknown) => x }]));
  return { name, options: options as unknown as OptimizerSpec<O>['options'] };
}

/** The keys an options object may hold. */
export function optionKeys<O>(spec: OptionsSpec<O>): (keyof O & string)[] {
  return Object.keys(spec.options) as (keyof O & string)[];
}

/**
 * `values` with its keys in the order of `first` (those it has), then the
 * rest: PyTorch's param groups list the keys the user gave (or the state
 * dict held) first, and Graft keeps the same order so state dicts match.
 */
export function ordered<T extends object>(first: readonly string[], values: T): T {
  const out: Record<string, unknown> = {};
  for (const key of first) if (key in values) out[key] = (values as Record<string, unknown>)[key];
  return Object.assign(out, values) as T;
}

/** Defaults are shared by every call: give each options object its own copy of an array (betas). */
function own<V>(value: V): V {
  return (Array.isArray(value) ? [...value] : value) as V;
}

/**
 * A constructor's options: unknown keys refused (g.checkOptions), required
 * ones demanded, each given value checked, the rest from the defaults, then
 * the cross-checks.
 */
export function resolveOptions<O extends object>(spec: OptionsSpec<O>, options: Partial<O> | undefined): O {
  const given: Partial<O> = g.checkOptions<Partial<O>>(spec.name, options, optionKeys(spec));
  const where = `${spec.name}: `;
  const out = {} as O;
  for (const key of optionKeys(spec)) {
    const o = spec.options[key];
    if (given[key] !== undefined) out[key] = o.check(given[key], where);
    else if ('default' in o) out[key] = own(o.default as O[typeof key]);
    else throw new Error(`${where}missing required option '${key}' (PyTorch's ${snakeCase(key)})`);
  }
  spec.checkAll?.(out, where);
  return out;
}

/** A param group's own options over the optimizer's defaults, each checked (PyTorch checks only the defaults). */
export function resolveGroupOptions<O extends object>(spec: OptionsSpec<O>, defaults: O, overrides: Partial<O>, where: string): O {
  const out = {} as O;
  for (const key of optionKeys(spec)) {
    out[key] = overrides[key] !== undefined ? spec.options[key].check(overrides[key], where) : own(defaults[key]);
  }
  spec.checkAll?.(out, where);
  return out;
}

/** The hyperparameters of a loaded (PyTorch-layout, snake_case) param group, each checked. */
export function readLoadedGroup<O extends object>(spec: OptionsSpec<O>, saved: Record<string, unknown>, where: string): O {
  const out = {} as O;
  for (const key of optionKeys(spec)) {
    const o = spec.options[key];
    const value = saved[snakeCase(key)];
    if (value !== undefined) out[key] = o.check(value, where);
    else if (o.optionalOnLoad && 'default' in o) out[key] = own(o.default as O[typeof key]);
    else throw new Error(`${where}missing '${snakeCase(key)}'`);
  }
  spec.checkAll?.(out, where);
  return out;
}
