/**
 * The arguments `Module.call` hands to `forward`, checked as Python checks a
 * call: JavaScript would silently drop an extra argument
 * (`Sequential.call(a, b)` runs on `a` alone) and fill a missing one with
 * `undefined`, which then fails deep inside as a TypeError about some
 * property. Python's messages instead: "forward() takes 1 positional
 * argument but 2 were given", "forward() missing 1 required positional
 * argument: 'target'". (Python counts `self`; these counts do not.)
 */
import { Tensor } from '@graft/core';
import { kindOf } from './tensor-arguments.js';

interface Signature {
  /** The parameter names, in order. */
  names: string[];
  /** False when the list has a rest or a defaulted parameter (then any count of arguments may be right). */
  fixed: boolean;
}

const signatures = new WeakMap<object, Signature>();

/** The parameter list of `f`, read once from its source (unreadable: not `fixed`, so never checked). */
function signatureOf(f: (...args: never[]) => unknown): Signature {
  let s = signatures.get(f);
  if (s !== undefined) return s;
  const source = Function.prototype.toString.call(f);
  s = { names: [], fixed: false };
  const arrow = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (arrow !== null) s = { names: [arrow[1]!], fixed: true };
  else if (!source.includes('[native code]')) {
    const open = source.indexOf('(');
    let depth = 0;
    let close = -1;
    for (let i = open; i >= 0 && i < source.length; i++) {
      if (source[i] === '(') depth++;
      else if (source[i] === ')' && --depth === 0) {
        close = i;
        break;
      }
    }
    const list = close > open ? source.slice(open + 1, close) : '=';
    // A default (`=`), a rest (`...`), a destructuring or a comment: read no further, check nothing.
    if (!/[=.{}[\]/]/.test(list)) {
      const names = list
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '');
      if (names.length === f.length) s = { names, fixed: true };
    }
  }
  signatures.set(f, s);
  return s;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Checks the arguments of one `forward` call of `module`: no more than the
 * forward declares (when its parameter list is fixed), and, for the first
 * `requiredInputs` parameters, a Tensor each (`accepts` widens what an input
 * may be: an RNN's PackedSequence).
 *
 * @example
 * checkForwardArguments(new nn.Sequential(), [x, y], 0); // TypeError: Sequential.forward() takes 1 positional argument but 2 were given
 */
export function checkForwardArguments(
  module: object,
  forward: (...args: never[]) => unknown,
  args: readonly unknown[],
  requiredInputs: number,
  accepts?: (value: unknown) => boolean,
): void {
  const owner = `${module.constructor.name}.forward()`;
  const { names, fixed } = signatureOf(forward);
  if (fixed && args.length > names.length) {
    throw new TypeError(`${owner} takes ${plural(names.length, 'positional argument')} but ${args.length} were given`);
  }
  const required = Math.min(requiredInputs, fixed ? names.length : requiredInputs);
  const nameOf = (i: number) => names[i] ?? `input${i + 1}`;
  const missing = [];
  for (let i = args.length; i < required; i++) missing.push(`'${nameOf(i)}'`);
  if (missing.length > 0) {
    throw new TypeError(`${owner} missing ${plural(missing.length, 'required positional argument')}: ${missing.join(' and ')}`);
  }
  for (let i = 0; i < required; i++) {
    const value = args[i];
    if (!(value instanceof Tensor) && !(accepts?.(value) ?? false)) {
      throw new TypeError(`${owner}: argument '${nameOf(i)}' (position ${i + 1}) must be Tensor, not ${kindOf(value)}`);
    }
  }
}
