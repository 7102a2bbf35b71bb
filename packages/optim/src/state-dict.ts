/**
 * Optimizer state dicts in PyTorch's layout, both ways. `planLoad` reads and
 * checks a whole state dict into new groups and new state before the
 * optimizer changes anything, so a bad state dict leaves it as it was.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { type Check, camelCase, describe, finiteNumber, foreachFlag, isPlainObject, snakeCase, unsupportedFlag } from './checks.js';
import { StateScalar, scalarDType } from './scalar.js';
import {
  type OptimizerSpec,
  SCHEDULER_GROUP_KEYS,
  type SchedulerGroupKeys,
  type StateEntry,
  optionKeys,
  ordered,
  readLoadedGroup,
  stateKey,
} from './spec.js';

/**
 * An optimizer's state in PyTorch's layout (what `torch.optim.Optimizer.state_dict()`
 * returns, with PyTorch's snake_case names): `state` by parameter index, and
 * each param group's hyperparameters with its parameters as indices.
 */
export interface OptimizerStateDict {
  state: Record<number, Record<string, unknown>>;
  param_groups: ({ params: number[] } & Record<string, unknown>)[];
}

type Group = { params: Tensor[] } & SchedulerGroupKeys;

/** `optimizer.stateDict()`: copies of the state tensors, steps and 0-d scalars as PyTorch saves them, in the state's own key order. */
export function packStateDict<O extends object>(
  spec: OptimizerSpec<O>,
  groups: readonly (Group & O)[],
  state: ReadonlyMap<Tensor, Record<string, unknown>>,
): OptimizerStateDict {
  const index = new Map<Tensor, number>();
  const paramGroups = groups.map((group) => {
    const out: Record<string, unknown> = {};
    // In the group's own key order (PyTorch's: the keys given first), params last.
    const keys: string[] = [...optionKeys(spec), ...SCHEDULER_GROUP_KEYS];
    for (const [key, v] of Object.entries(group)) {
      if (keys.includes(key) && v !== undefined) out[snakeCase(key)] = Array.isArray(v) ? [...v] : v;
    }
    out['params'] = group.params.map((p) => {
      if (!index.has(p)) index.set(p, index.size);
      return index.get(p)!;
    });
    return out as OptimizerStateDict['param_groups'][number];
  });
  const packed: OptimizerStateDict['state'] = {};
  for (const [p, s] of state) {
    const i = index.get(p);
    if (i === undefined) continue;
    // The order the entries were made in, as PyTorch's state dicts keep it (LBFGS's `al` comes before or after `d`).
    const keys = spec.state === undefined ? Object.keys(s) : Object.keys(s).filter((k) => k in spec.state!);
    const entry: Record<string, unknown> = {};
    for (const key of keys) {
      const table = spec.state?.[key];
      const pack = (v: unknown): unknown =>
        v instanceof g.Tensor
          ? g.noGrad(() => v.clone())
          : v instanceof StateScalar
            ? g.tensor(v.value, { dtype: v.dtype, device: p.device })
            : table?.kind === 'step' && table.savedAs === 'tensor' && typeof v === 'number'
              ? g.tensor(v)
              : v;
      const v = s[key];
      entry[stateKey(key, table)] = table?.list && Array.isArray(v) ? v.map(pack) : pack(v);
    }
    packed[i] = entry;
  }
  return { state: packed, param_groups: paramGroups };
}

/** What `loadStateDict` will install: each group's options (camelCase) and the new state by parameter. */
export interface LoadPlan<O> {
  groups: (O & SchedulerGroupKeys)[];
  state: Map<Tensor, Record<string, unknown>>;
}

/**
 * Flags that newer PyTorch versions write into param groups of optimizers
 * that did not have them in 1.13 (SGD's `fused`, RMSprop's `capturable`, …):
 * accepted in a loaded group at their neutral value and dropped.
 */
const NEWER_PYTORCH_FLAGS: Record<string, Check<unknown>> = {
  foreach: foreachFlag('foreach'),
  capturable: unsupportedFlag('capturable', 'Graft has no CUDA graphs'),
  differentiable: unsupportedFlag('differentiable', "Graft's optimizers step under noGrad"),
  fused: unsupportedFlag('fused', 'Graft has no fused optimizer kernels'),
};

/** Reads and checks a whole state dict; throws (naming the key) before anything is changed. */
export function planLoad<O extends object>(spec: OptimizerSpec<O>, groups: readonly (Group & O)[], dict: unknown): LoadPlan<O> {
  const op = `${spec.name}.loadStateDict`;
  if (!isPlainObject(dict)) {
    throw new TypeError(
      `${op}: expected a state dict { state, param_groups } (PyTorch's layout, as stateDict() returns), got ${describe(dict)}`,
    );
  }
  g.checkOptions(op, dict, ['state', 'param_groups']);
  const savedGroups = dict['param_groups'];
  if (savedGroups === undefined) throw new Error(`${op}: the state dict has no 'param_groups'`);
  if (!Array.isArray(savedGroups)) throw new Error(`${op}: param_groups must be an array, got ${describe(savedGroups)}`);
  if (savedGroups.length !== groups.length) {
    throw new Error(
      `${op}: loaded state dict has a different number of parameter groups (${savedGroups.length} in the state dict, ${groups.length} in the optimizer)`,
    );
  }
  const paramById = new Map<number, { param: Tensor; group: number }>();
  const loadedGroups = savedGroups.map((saved: unknown, i) => {
    const where = `${op}: param_groups[${i}]`;
    if (!isPlainObject(saved)) throw new Error(`${where}: expected an object, got ${describe(saved)}`);
    const own = optionKeys(spec).map(snakeCase);
    const newer = Object.keys(NEWER_PYTORCH_FLAGS).filter((k) => !own.includes(k));
    const schedulerKeys = SCHEDULER_GROUP_KEYS.map(snakeCase);
    g.checkOptions(where, saved, [...own, ...schedulerKeys, 'params', ...newer]);
    const ids = saved['params'];
    if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id) && id >= 0)) {
      throw new Error(`${where}: params must be an array of parameter indices, got ${describe(ids)}`);
    }
    const params = groups[i]!.params;
    if (ids.length !== params.length) {
      throw new Error(
        `${op}: loaded state dict contains a parameter group that doesn't match the size of optimizer's group (param_groups[${i}] has ${ids.length} parameters in the state dict, ${params.length} in the optimizer)`,
      );
    }
    ids.forEach((id: number, k) => {
      if (paramById.has(id)) throw new Error(`${where}: parameter index ${id} appears more than once in param_groups`);
      paramById.set(id, { param: params[k]!, group: i });
    });
    const options: O & SchedulerGroupKeys = readLoadedGroup(spec, saved, `${where}: `);
    for (const k of newer) if (saved[k] !== undefined) NEWER_PYTORCH_FLAGS[k]!(saved[k], `${where}: `);
    SCHEDULER_GROUP_KEYS.forEach((key, k) => {
      const value = saved[schedulerKeys[k]!];
      if (value !== undefined) options[key] = finiteNumber(schedulerKeys[k]!)(value, `${where}: `);
    });
    return ordered(Object.keys(saved).map(camelCase), options);
  });

  const savedState = dict['state'];
  if (savedState === undefined) throw new Error(`${op}: the state dict has no 'state'`);
  if (!isPlainObject(savedState) && !(savedState instanceof Map))
    throw new Error(`${op}: state must be an object keyed by parameter index, got ${describe(savedState)}`);
  const state = new Map<Tensor, Record<string, unknown>>();
  try {
    for (const [key, entry] of savedState instanceof Map ? savedState : Object.entries(savedState)) {
      const where = `${op}: state[${key}]`;
      const target = paramById.get(Number(key));
      if (target === undefined) throw new Error(`${where}: no param group lists parameter ${String(key)}`);
      if (!isPlainObject(entry)) throw new Error(`${where}: expected an object, got ${describe(entry)}`);
      const s: Record<string, unknown> = {};
      state.set(target.param, s); // before filling, so a throw below disposes what was copied
      const params = groups[target.group]!.params;
      const flatNumel = params.reduce((n, p) => n + p.numel(), 0);
      readState(spec, entry, target.param, Number(key), flatNumel, loadedGroups[target.group]!, where, s);
    }
  } catch (error) {
    for (const s of state.values()) disposeState(s);
    throw error;
  }
  return { groups: loadedGroups, state };
}

/** One parameter's loaded state into `out` (camelCase keys, in the loaded order; tensors copied to the parameter's device and dtype). */
function readState<O extends object>(
  spec: OptimizerSpec<O>,
  entry: Record<string, unknown>,
  param: Tensor,
  id: number,
  flatNumel: number,
  group: O,
  where: string,
  out: Record<string, unknown>,
): void {
  if (spec.state === undefined) {
    // A custom optimizer without a state table: take every entry, copying tensors.
    for (const [k, v] of Object.entries(entry)) out[camelCase(k)] = v instanceof g.Tensor ? copyTo(param, v, k !== 'step') : v;
    return;
  }
  const table = spec.state;
  const byTorchName = new Map(Object.entries(table).map(([key, e]) => [stateKey(key, e), key] as const));
  g.checkOptions(where, entry, [...byTorchName.keys()]);
  if (Object.keys(entry).length === 0) return; // not started yet: created at the first step
  for (const [key, e] of Object.entries(table)) {
    const name = stateKey(key, e);
    const required =
      typeof e.required === 'function' ? e.required(group as Readonly<Record<string, unknown>>, entry) : (e.required ?? true);
    if (entry[name] === undefined && required)
      throw new Error(
        `${where}: missing '${name}' (a started ${spec.name} state has ${[...byTorchName.keys()].map((k) => `'${k}'`).join(', ')})`,
      );
  }
  for (const [name, v] of Object.entries(entry)) {
    if (v === undefined) continue;
    const key = byTorchName.get(name)!;
    const e = table[key]!;
    const read = (x: unknown, at: string): unknown => readValue(e, x, param, id, flatNumel, where, at, name);
    if (e.list) {
      if (!Array.isArray(v)) throw new Error(`${where}.${name}: expected an array, got ${describe(v)}`);
      out[key] = [];
      for (const [i, x] of v.entries()) (out[key] as unknown[]).push(read(x, `.${name}[${i}]`));
    } else out[key] = read(v, `.${name}`);
  }
  spec.checkState?.(out, group as Readonly<Record<string, unknown>>, `${where}: `);
}

/** One loaded state value (or list item) of the kind its table entry says, checked and copied. */
function readValue(
  e: StateEntry,
  v: unknown,
  param: Tensor,
  id: number,
  flatNumel: number,
  entryWhere: string,
  at: string,
  name: string,
): unknown {
  const where = `${entryWhere}${at}`;
  if (v === null && e.nullable) return null;
  switch (e.kind) {
    case 'step':
      return readStep(v, where);
    case 'number':
      if (typeof v !== 'number') throw new Error(`${where}: expected a number, got ${describe(v)}`);
      return v;
    case 'scalar':
      if (typeof v === 'number' && e.orNumber) return v;
      // PyTorch turns an old checkpoint's number into a float32 0-d tensor (__setstate__); a tensor is cast to the parameter's dtype.
      if (typeof v === 'number' && Number.isFinite(v)) return new StateScalar(v, 'float32');
      if (!(v instanceof g.Tensor) || v.ndim !== 0)
        throw new Error(`${where}: expected a 0-d tensor${e.orNumber ? ' or a number' : ''}, got ${describe(v)}`);
      return new StateScalar(Number(v.item()), scalarDType(param.dtype));
    default: {
      if (!(v instanceof g.Tensor)) throw new Error(`${where}: expected a Tensor, got ${describe(v)}`);
      const expected = e.kind === 'flat' ? [flatNumel] : param.shape;
      if (v.shape.join() !== expected.join()) {
        const what =
          e.kind === 'flat'
            ? `the group's parameters have ${flatNumel} elements in all (a flat [${flatNumel}])`
            : `the shape of parameter ${id} in the optimizer is [${param.shape.join(', ')}]`;
        throw new Error(
          `${entryWhere}: size mismatch for ${name}${at.slice(name.length + 1)}: copying a tensor with shape [${v.shape.join(', ')}] from the state dict, ${what}`,
        );
      }
      return copyTo(param, v, true);
    }
  }
}

/** A step count: a non-negative integer, given as a number or (PyTorch ≥ 1.12) a one-element tensor. */
function readStep(value: unknown, where: string): number {
  const n = value instanceof g.Tensor && value.numel() === 1 ? Number(value.dataSync()[0]) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new Error(`${where}: expected a step count (a non-negative integer, or a 0-d tensor holding one), got ${describe(value)}`);
  }
  return n;
}

/** A copy of a loaded tensor on the parameter's device (and, as PyTorch casts all but steps, in its dtype), kept past tidy. */
function copyTo(param: Tensor, value: Tensor, castDtype: boolean): Tensor {
  return g.keep(
    g.noGrad(() =>
      g.tidy(() => {
        let t = value.detach();
        if (t.device !== param.device) t = t.to(param.device);
        if (castDtype && t.dtype !== param.dtype) t = t.to(param.dtype);
        return t.clone();
      }),
    ),
  );
}

/** Disposes every tensor of one parameter's state, those in lists (LBFGS's history) included. */
export function disposeState(state: Record<string, unknown>): void {
  for (const v of Object.values(state)) {
    if (v instanceof g.Tensor) v.dispose();
    else if (Array.isArray(v)) for (const x of v) if (x instanceof g.Tensor) x.dispose();
  }
}
