/**
 * Scheduler state dicts in PyTorch's layout (its attribute names: `last_epoch`,
 * `base_lrs`, `_step_count`, `_last_lr`, …). One list of fields per scheduler
 * drives both `stateDict()` and `loadStateDict()`; loading checks every field
 * before setting any.
 */
import * as g from '@graft/core';
import { type Check, describe, isPlainObject } from '../checks.js';

/** A scheduler's state in PyTorch's layout: what `scheduler.state_dict()` returns, keys and all. */
export type SchedulerStateDict = Record<string, unknown>;

/** One entry of a scheduler's state dict: PyTorch's key, its check, and where the scheduler keeps it. */
export interface SchedulerField {
  readonly torch: string;
  readonly check: Check<unknown>;
  readonly get: () => unknown;
  readonly set: (value: unknown) => void;
  /** May a loaded state dict leave it out (PyTorch's `verbose`, `_get_lr_called_within_step`)? */
  readonly optional?: boolean;
}

/** A field (typed at the call site, stored untyped). */
export function field<V>(torch: string, check: Check<V>, get: () => V, set: (value: V) => void, optional = false): SchedulerField {
  return { torch, check, get, set: set as (value: unknown) => void, optional };
}

/** The state dict: every field under its PyTorch key (arrays copied). */
export function packFields(fields: readonly SchedulerField[]): SchedulerStateDict {
  return Object.fromEntries(
    fields.map((f) => {
      const v = f.get();
      return [f.torch, Array.isArray(v) ? [...v] : v];
    }),
  );
}

/**
 * Checks every field of `dict` (unknown keys, missing ones, each value) and
 * returns what sets them all: nothing changes until it is called, so a
 * scheduler that holds others (SequentialLR) checks theirs before setting any.
 */
export function planFields(op: string, dict: unknown, fields: readonly SchedulerField[]): () => void {
  if (!isPlainObject(dict)) throw new TypeError(`${op}: expected a state dict (an object, as stateDict() returns), got ${describe(dict)}`);
  g.checkOptions(
    op,
    dict,
    fields.map((f) => f.torch),
  );
  const values = fields.map((f) => {
    const v = dict[f.torch];
    if (v === undefined) {
      if (f.optional) return undefined;
      throw new Error(
        `${op}: the state dict has no '${f.torch}' (a complete one has ${fields
          .filter((x) => !x.optional)
          .map((x) => `'${x.torch}'`)
          .join(', ')})`,
      );
    }
    return f.check(v, `${op}: `);
  });
  return () =>
    fields.forEach((f, i) => {
      if (values[i] !== undefined) f.set(values[i]);
    });
}

/** Checks every field of `dict` (unknown keys, missing ones, each value), then sets them all. */
export function loadFields(op: string, dict: unknown, fields: readonly SchedulerField[]): void {
  planFields(op, dict, fields)();
}
