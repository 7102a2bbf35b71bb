/**
 * Python's spelling of the values a module repr shows, so `String(model)`
 * prints what `print(model)` prints in PyTorch: `eps=1e-05`, `p=0.5`,
 * `dropout=1.0`, `kernel_size=(2, 3)`, `bias=False`, `momentum=None`.
 */

/** Python's `repr(x)` of an int, or of a value that already prints as Python does. */
type PythonValue = number | boolean | string | null | readonly number[];

/**
 * Splits a finite positive double into its shortest round-trip decimal
 * digits and the exponent of the first one (x = d.ddd × 10^exponent).
 * ECMAScript's Number-to-String picks the same digits as Python's repr:
 * the shortest string that reads back as x, and of those the closest to x.
 */
function shortestDigits(x: number): { digits: string; exponent: number } {
  const text = String(x);
  const e = text.indexOf('e');
  if (e !== -1) return { digits: text.slice(0, e).replace('.', ''), exponent: Number(text.slice(e + 1)) };
  const [whole, fraction = ''] = text.split('.') as [string, string?];
  if (whole !== '0') return { digits: (whole + fraction).replace(/0+$/, ''), exponent: whole.length - 1 };
  const leadingZeros = fraction.length - fraction.replace(/^0+/, '').length;
  return { digits: fraction.slice(leadingZeros), exponent: -leadingZeros - 1 };
}

/**
 * A JavaScript number as Python's `repr(float)`: the shortest digits that
 * round-trip, in positional form for exponents -4..15 (with `.0` when it is
 * a whole number) and in exponent form (`1e-05`, `1.5e+16`) otherwise;
 * `inf`, `-inf`, `nan`, `-0.0`.
 *
 * @example
 * pythonFloat(1e-5); // '1e-05'
 * pythonFloat(1);    // '1.0'
 * pythonFloat(0.1);  // '0.1'
 * pythonFloat(1e16); // '1e+16'
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const { digits, exponent } = shortestDigits(Math.abs(x));
  // Python's float_repr_style 'short': exponent form when the exponent is < -4 or >= 16.
  if (exponent < -4 || exponent >= 16) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/**
 * Python's `str()` of an int, bool, None or tuple of ints, as `'{}'.format(v)`
 * shows it in an extra_repr: `True`, `None`, `(2, 3)`, `(3,)`. Strings are
 * shown as given (PyTorch formats most with `{}`, not `{!r}`).
 *
 * @example
 * pythonValue([2, 3]); // '(2, 3)'
 * pythonValue(null);   // 'None'
 */
export function pythonValue(v: PythonValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`;
}
