/**
 * PyTorch's calling convention for the classes here: positional arguments in
 * PyTorch's order, then (or instead) an options object with the same names in
 * camelCase. A name given both ways is an error, as in every Graft package.
 */
import * as g from '@graft/core';

/** An options object: a plain object (not an array, a tensor, a generator, a Map or a dataset). */
export function isOptionsObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return (proto === Object.prototype || proto === null) && !('get' in x && 'length' in x);
}

/**
 * `args` (what follows the required arguments) read as `names` positionally,
 * then a trailing options object checked against `names`; returns the values
 * by name.
 */
export function parseArgs(op: string, args: readonly unknown[], names: readonly string[]): Record<string, unknown> {
  const last = args[args.length - 1];
  const hasOptions = args.length > 0 && isOptionsObject(last);
  const positional = hasOptions ? args.slice(0, -1) : args;
  if (positional.length > names.length) {
    throw new TypeError(
      `${op}: expected at most ${names.length} arguments after the required ones (${names.join(', ')}), got ${positional.length}`,
    );
  }
  const options = hasOptions ? g.checkOptions(op, last as Record<string, unknown>, names) : {};
  const out: Record<string, unknown> = {};
  positional.forEach((v, i) => {
    out[names[i]!] = v;
  });
  for (const [key, value] of Object.entries(options)) {
    if (key in out && positional[names.indexOf(key)] !== undefined) {
      throw new TypeError(`${op}: '${key}' was given both positionally and in the options object`);
    }
    out[key] = value;
  }
  return out;
}

/** PyTorch prints Python values in its messages; these are their JavaScript spellings. */
export function show(x: unknown): string {
  if (typeof x === 'string') return `'${x}'`;
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return `[${x.map(show).join(', ')}]`;
  if (typeof x === 'object' && x !== null) return x.constructor?.name ?? 'object';
  return String(x);
}

/** A non-negative safe integer check with the caller's message. */
export function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** Checks `generator` is a `g.Generator` (or absent), naming the op. */
export function checkGenerator(op: string, generator: unknown): g.Generator | undefined {
  if (generator === undefined || generator === null) return undefined;
  if (!(generator instanceof g.Generator)) {
    throw new TypeError(`${op}: 'generator' must be a g.Generator (new g.Generator().manualSeed(seed)), got ${show(generator)}`);
  }
  return generator;
}
