/**
 * PyTorch's calling convention in JavaScript: positional arguments in
 * PyTorch's order, and a trailing options object holding any of them by name
 * (`x.sum(1, true)`, `x.sum(1, { keepdim: true })`, `x.sum({ dim: 1,
 * keepdim: true, dtype: 'float64' })`) plus the keyword-only ones. The
 * options object is validated by `checkOptions`: a misspelt key is an error.
 */
import { type DType, isDType } from '../dtype.js';
import { checkOptions } from '../options.js';

/** A plain `{ … }` object: what an options argument is (arrays, tensors and null are not). */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Maps an op's trailing arguments onto names: positional ones in order
 * (`positional`), then the options object, which may hold any positional
 * name and the `keywordOnly` ones. A name given both ways is an error, as in
 * Python ("got multiple values for argument").
 */
export function parseArgs(
  op: string,
  args: readonly unknown[],
  positional: readonly string[],
  keywordOnly: readonly string[] = [],
): Record<string, unknown> {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  let options: Record<string, unknown> | undefined;
  if (end > 0 && isOptionsObject(args[end - 1])) options = args[--end] as Record<string, unknown>;
  if (end > positional.length) {
    throw new TypeError(
      `${op}() takes at most ${positional.length} positional argument${positional.length === 1 ? '' : 's'} after the tensor (${positional.join(', ')}), but ${end} were given`,
    );
  }
  const out: Record<string, unknown> = {};
  for (let i = 0; i < end; i++) {
    if (isOptionsObject(args[i])) throw new TypeError(`${op}(): an options object must come last (got one at position ${i + 1})`);
    if (args[i] !== undefined) out[positional[i]!] = args[i];
  }
  if (options !== undefined) {
    checkOptions(op, options, [...positional, ...keywordOnly]);
    for (const [key, value] of Object.entries(options)) {
      if (value === undefined) continue;
      if (key in out) throw new TypeError(`${op}() got multiple values for argument '${key}'`);
      out[key] = value;
    }
  }
  return out;
}

/** `keepdim` as a boolean (default false); anything else is an error naming the op. */
export function keepdimArg(op: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(`${op}(): argument 'keepdim' must be a boolean, not ${typeof value}`);
  return value;
}

/** A `dtype` option (or undefined), checked. */
export function dtypeArg(op: string, value: unknown): DType | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isDType(value)) throw new TypeError(`${op}(): unknown dtype '${String(value)}' (expected 'float32', 'float64', 'int32' or 'bool')`);
  return value;
}

/** A `dim` argument: a number, a list of numbers, or undefined/null for all dims. */
export function dimsArg(op: string, value: unknown): number | readonly number[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' || (Array.isArray(value) && value.every((d) => typeof d === 'number'))) return value as number | number[];
  throw new TypeError(
    `${op}(): argument 'dim' must be a number or a list of numbers, not ${Array.isArray(value) ? 'a list of ' + typeof value[0] : typeof value}`,
  );
}

/** A single `dim` (a number), required unless `optional`. */
export function dimArg(op: string, value: unknown, optional = false): number | undefined {
  if (value === undefined || value === null) {
    if (optional) return undefined;
    throw new TypeError(`${op}(): missing required argument 'dim'`);
  }
  if (typeof value !== 'number')
    throw new TypeError(`${op}(): argument 'dim' must be a number, not ${Array.isArray(value) ? 'a list' : typeof value}`);
  return value;
}

/** A boolean argument (`fallback` when undefined or null); anything else is an error naming the op and the argument. */
export function boolArg(op: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${op}(): argument '${name}' must be a boolean, not ${typeof value}`);
  return value;
}

/** An integer argument (`fallback` when undefined, if given); anything else is an error naming the op and the argument. */
export function intArg(op: string, name: string, value: unknown, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (value === undefined) throw new TypeError(`${op}(): missing required argument '${name}'`);
  const got = typeof value === 'number' ? `${value} (not an integer)` : value === null ? 'null' : typeof value;
  throw new TypeError(`${op}(): argument '${name}' must be an integer, not ${got}`);
}
