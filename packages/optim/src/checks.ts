/**
 * Value checks shared by optimizer options, param groups, scheduler options
 * and loaded state dicts. Each check takes the value and a `where` prefix
 * (`'Adam: '`, `'Adam.loadStateDict: param_groups[1]: '`) and either returns
 * the value or throws an Error that names where, what was given and what was
 * expected — so a bad value is refused at the boundary, never turned into a
 * NaN learning rate or an internal TypeError later.
 */
import * as g from '@graft/core';

/** Returns `value` as the type it was checked to be, or throws. */
export type Check<V> = (value: unknown, where: string) => V;

/** A value as an error message shows it: `-1`, `NaN`, `'0.1'`, `null`, `a Tensor of shape [2]`. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value instanceof g.Tensor) return `a Tensor of shape [${value.shape.join(', ')}]`;
  if (Array.isArray(value)) return value.length > 8 ? `an array of length ${value.length}` : `[${value.map(describe).join(', ')}]`;
  if (typeof value === 'function') return 'a function';
  if (value instanceof Map) return 'a Map';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/** A plain object (not null, an array, a Map or a Tensor): what options objects and state dicts are. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Map) && !(value instanceof g.Tensor);
}

/**
 * torch.optim's own range check with its message: a finite number ≥ `min`
 * (and < `below` when given), else `Invalid <label>: <value>`.
 */
export function pytorchRange(label: string, min: number, below?: number): Check<number> {
  return (value, where) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`${where}Invalid ${label}: ${describe(value)} (expected a finite number)`);
    }
    if (value < min || (below !== undefined && value >= below)) throw new Error(`${where}Invalid ${label}: ${value}`);
    return value;
  };
}

/** torch.optim's check of a closed interval, `min ≤ value ≤ max`, with its message (Adadelta's rho). */
export function pytorchInterval(label: string, min: number, max: number): Check<number> {
  return (value, where) => {
    const v = pytorchRange(label, min)(value, where);
    if (v > max) throw new Error(`${where}Invalid ${label}: ${v}`);
    return v;
  };
}

/** PyTorch's betas check (Adam and its kin): two numbers in [0, 1), "Invalid beta parameter at index i". */
export const betas: Check<[number, number]> = (value, where) => {
  if (!Array.isArray(value) || value.length !== 2)
    throw new Error(`${where}Invalid betas: ${describe(value)} (expected two numbers [beta1, beta2])`);
  return [
    pytorchRange('beta parameter at index 0', 0, 1)(value[0], where),
    pytorchRange('beta parameter at index 1', 0, 1)(value[1], where),
  ];
};

/** Two finite numbers (Rprop's `stepSizes`, which PyTorch does not check). */
export function numberPair(name: string): Check<[number, number]> {
  return (value, where) => {
    if (!Array.isArray(value) || value.length !== 2) throw new Error(`${where}${name} must be two numbers, got ${describe(value)}`);
    return [finiteNumber(`${name}[0]`)(value[0], where), finiteNumber(`${name}[1]`)(value[1], where)];
  };
}

/** `null`, or what `check` accepts (LBFGS's `maxEval`, `lineSearchFn`). */
export function orNull<V>(check: Check<V>): Check<V | null> {
  return (value, where) => (value === null ? null : check(value, where));
}

/** Any finite number (what PyTorch leaves unchecked, but a NaN would poison every step). */
export function finiteNumber(name: string): Check<number> {
  return (value, where) => {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new Error(`${where}${name} must be a finite number, got ${describe(value)}`);
    return value;
  };
}

/** A finite number > 0. */
export function positiveNumber(name: string): Check<number> {
  return (value, where) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      throw new Error(`${where}${name} must be a positive number, got ${describe(value)}`);
    return value;
  };
}

/** An integer ≥ `min`; `Infinity` too when `allowInfinity` (ReduceLROnPlateau's patience). */
export function integerAtLeast(name: string, min: number, allowInfinity = false): Check<number> {
  return (value, where) => {
    const ok = typeof value === 'number' && (Number.isInteger(value) || (allowInfinity && value === Infinity)) && value >= min;
    if (!ok) throw new Error(`${where}${name} must be an integer ≥ ${min}, got ${describe(value)}`);
    return value as number;
  };
}

/** `true` or `false`. */
export function flag(name: string): Check<boolean> {
  return (value, where) => {
    if (typeof value !== 'boolean') throw new Error(`${where}${name} must be true or false, got ${describe(value)}`);
    return value;
  };
}

/**
 * PyTorch's `foreach`: `true`, `false` or `null` (PyTorch's None: let it
 * choose). Graft has one implementation, whose results PyTorch's both match,
 * so the value changes nothing; it is kept so state dicts round-trip.
 */
export function foreachFlag(name: string): Check<boolean | null> {
  return (value, where) => {
    if (value !== null && typeof value !== 'boolean')
      throw new Error(`${where}${name} must be true, false or null, got ${describe(value)}`);
    return value;
  };
}

/**
 * A PyTorch flag that asks for something Graft does not have (CUDA graphs,
 * fused CUDA kernels, a differentiable step): `false` (or `null`) is accepted;
 * `true` throws `why` rather than silently doing something else.
 */
export function unsupportedFlag(name: string, why: string): Check<boolean> {
  return (value, where) => {
    if (value === false || value === null) return false;
    if (value === true) throw new Error(`${where}${name}=true is not supported: ${why}`);
    throw new Error(`${where}${name} must be true or false, got ${describe(value)}`);
  };
}

/** One of a few strings, with PyTorch's message for anything else. */
export function oneOf<V extends string>(values: readonly V[], message: (value: string) => string): Check<V> {
  return (value, where) => {
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      throw new Error(
        `${where}${message(typeof value === 'string' ? value : describe(value))} (expected ${values.map((v) => `'${v}'`).join(' or ')})`,
      );
    }
    return value as V;
  };
}

/** An array of `length` values (one per param group: base_lrs, min_lrs), each passing the check `item(name[i])` makes. */
export function listOf<V>(name: string, length: number, item: (name: string) => Check<V>): Check<V[]> {
  return (value, where) => {
    if (!Array.isArray(value))
      throw new Error(`${where}${name} must be an array of ${length} (one per param group), got ${describe(value)}`);
    if (value.length !== length)
      throw new Error(`${where}${name} has ${value.length} entries, but the optimizer has ${length} param group(s)`);
    return value.map((v, i) => item(`${name}[${i}]`)(v, where));
  };
}

/** `snake_case` of a camelCase name: PyTorch's spelling of a Graft option or state key (`weightDecay` → `weight_decay`). */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** camelCase of a `snake_case` name (`exp_avg_sq` → `expAvgSq`). */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A check with PyTorch's own message for a value it refuses (`Expected positive integer T_0, but got 0`). */
export function pytorchCheck<V>(ok: (value: unknown) => boolean, message: (value: string) => string): Check<V> {
  return (value, where) => {
    if (!ok(value)) throw new Error(`${where}${message(describe(value))}`);
    return value as V;
  };
}

/** An integer > 0. */
export const isPositiveInteger = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** One finite number for every param group, or an array of them (one per group; its length is checked with the optimizer). */
export function numberOrList(name: string): Check<number | readonly number[]> {
  return (value, where) =>
    Array.isArray(value) ? value.map((v, i) => finiteNumber(`${name}[${i}]`)(v, where)) : finiteNumber(name)(value, where);
}

/** An array of integers (MultiStepLR's milestones, SequentialLR's). */
export function integerList(name: string): Check<number[]> {
  return (value, where) => {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isInteger(v)))
      throw new Error(`${where}${name} must be an array of integers, got ${describe(value)}`);
    return [...value];
  };
}
