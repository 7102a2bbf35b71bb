/**
 * PyTorch's arguments that may be given positionally or by keyword
 * (`F.dropout(x, 0.2, False)`, `F.dropout(x, p=0.2, training=False)`):
 * Graft takes them positionally, or in a trailing options object under their
 * camelCase names (`F.dropout(x, { p: 0.2, training: false })`), or both for
 * different arguments. The options object is checked by `g.checkOptions`, so
 * a misspelt keyword is an error, never a silently ignored setting.
 */
import * as g from '@graft/core';

/** A plain object used as options (not a tensor, array, Map, or class instance). */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Merges the arguments after the required ones (`rest`) into one record:
 * values given positionally take `names` in order; a trailing plain object
 * holds the rest by name. An argument given both ways, or too many
 * positional ones, is an error naming `op`.
 *
 * @example
 * keywordArguments('dropout', [0.2, { training: false }], ['p', 'training', 'inplace']);
 * // { p: 0.2, training: false }
 */
export function keywordArguments<T extends object>(op: string, rest: readonly unknown[], names: readonly (keyof T & string)[]): Partial<T> {
  let given = rest.length;
  while (given > 0 && rest[given - 1] === undefined) given--;
  let keywords: Record<string, unknown> = {};
  if (given > 0 && isOptionsObject(rest[given - 1])) {
    keywords = g.checkOptions(op, rest[given - 1] as Record<string, unknown>, names as readonly string[]);
    given--;
  }
  if (given > names.length) {
    throw new TypeError(
      `${op}: takes at most ${names.length} optional positional argument(s) (${names.join(', ')}), but ${given} were given`,
    );
  }
  const out: Record<string, unknown> = {};
  for (let i = 0; i < given; i++) {
    const value = rest[i];
    if (isOptionsObject(value))
      throw new TypeError(`${op}: an options object must be the last argument (got one in the place of '${names[i]}')`);
    if (value !== undefined) out[names[i]!] = value;
  }
  for (const [key, value] of Object.entries(keywords)) {
    if (value === undefined) continue;
    if (key in out) throw new TypeError(`${op}: got multiple values for argument '${key}' (positionally and in the options object)`);
    out[key] = value;
  }
  return out as Partial<T>;
}
