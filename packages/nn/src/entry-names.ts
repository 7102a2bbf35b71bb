/**
 * The names a module registers its parameters, buffers and submodules under,
 * checked as PyTorch's `register_parameter`, `register_buffer` and
 * `add_module` check them: a name is a non-empty string without "." (the
 * dotted state-dict keys would be ambiguous, and `getSubmodule('a.b')` would
 * look for `a`). One check for the three, and for the containers.
 */

/** What a name is registered as (`module` for a submodule). */
export type EntryKind = 'parameter' | 'buffer' | 'module';

/** How a value is named in these errors: its type, or its class. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'Array';
  if (typeof v === 'object') return v.constructor?.name ?? 'Object';
  return typeof v;
}

/**
 * Checks `name` as the name of an entry of `kind`, with PyTorch's messages;
 * returns it.
 *
 * @example
 * checkEntryName('registerParameter', 'parameter', 'w'); // 'w'
 * checkEntryName('addModule', 'module', 'a.b'); // throws: module name can't contain ".", got: a.b
 */
export function checkEntryName(op: string, kind: EntryKind, name: unknown): string {
  if (typeof name !== 'string') throw new TypeError(`${op}: ${kind} name should be a string. Got ${describeValue(name)}`);
  if (name.includes('.')) throw new Error(`${op}: ${kind} name can't contain ".", got: ${name}`);
  if (name === '') throw new Error(`${op}: ${kind} name can't be empty string ""`);
  return name;
}
