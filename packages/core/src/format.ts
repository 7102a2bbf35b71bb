/**
 * PyTorch's tensor repr, exactly (torch/_tensor_str.py): the same formatter
 * choice (integer, fixed or scientific), widths, line wrapping at 80 columns,
 * summarisation above 1000 elements and the suffixes.
 *
 * Numbers are formatted like Python's `'{:.4f}'` and `'{:.4e}'`: exact decimal
 * expansion of the double, rounded half to even (JavaScript's toFixed rounds
 * ties away from zero, which differs on values like 0.03125).
 */
import type { DType, TypedArray } from './dtype.js';
import { isFloating } from './dtype.js';
import { checkOptions } from './options.js';
import type { Tensor } from './tensor.js';

/** Print options, as `torch.set_printoptions`. */
export interface PrintOptions {
  /** Digits after the point (default 4). */
  precision: number;
  /** Above this many elements a tensor is summarised (default 1000; `Infinity` never). */
  threshold: number;
  /** Elements kept at each end of a summarised dim (default 3). */
  edgeitems: number;
  /** Characters per line before wrapping (default 80). */
  linewidth: number;
  /** Scientific notation always (true), never (false) or as PyTorch chooses (undefined, the default). */
  sciMode: boolean | undefined;
  /** A preset applied before the other options: 'default', 'short' (precision 2, edgeitems 2) or 'full' (never summarise). */
  profile: PrintProfile;
}

/** `set_printoptions`' presets. */
export type PrintProfile = 'default' | 'short' | 'full';

const PROFILES: Record<PrintProfile, Pick<PrintOptions, 'precision' | 'threshold' | 'edgeitems' | 'linewidth'>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

const PRINT_OPTS: Omit<PrintOptions, 'profile'> = { ...PROFILES.default, sciMode: undefined };

/** A value PyTorch would fail on only later, at print time ("Invalid format specifier '.2.5f'", "slice indices must be integers"): refused here, naming the option. */
function checkPrintOption(key: string, value: unknown, allowInfinity = false): void {
  const ok = typeof value === 'number' && ((Number.isSafeInteger(value) && value >= 0) || (allowInfinity && value === Infinity));
  if (!ok) {
    const shown = typeof value === 'number' ? String(value) : typeof value === 'string' ? `'${value}'` : typeof value;
    throw new RangeError(`setPrintOptions: ${key} must be a non-negative integer${allowInfinity ? ' or Infinity' : ''}, got ${shown}`);
  }
}

/**
 * Changes how tensors print (PyTorch's `set_printoptions`), with its
 * semantics: a `profile` first resets precision, threshold, edgeitems and
 * linewidth, then the options given are set, and `sciMode` is set on every
 * call — to `undefined` (PyTorch's choice) unless given, as
 * `torch.set_printoptions(precision=2)` resets `sci_mode`. Values are checked
 * before anything changes.
 *
 * @example
 * g.setPrintOptions({ precision: 2 });
 * g.setPrintOptions({ profile: 'full' }); // never summarise
 */
export function setPrintOptions(options: Partial<PrintOptions>): void {
  const o = checkOptions('setPrintOptions', options, ['precision', 'threshold', 'edgeitems', 'linewidth', 'sciMode', 'profile']);
  if (o.profile != null && !Object.hasOwn(PROFILES, o.profile)) {
    throw new RangeError(`setPrintOptions: profile must be 'default', 'short' or 'full', got ${JSON.stringify(o.profile)}`);
  }
  // null is Python's None: not given.
  for (const key of ['precision', 'edgeitems', 'linewidth'] as const) if (o[key] != null) checkPrintOption(key, o[key]);
  if (o.threshold != null) checkPrintOption('threshold', o.threshold, true);
  if (o.sciMode != null && typeof o.sciMode !== 'boolean') {
    throw new TypeError(`setPrintOptions: sciMode must be a boolean or undefined, got ${typeof o.sciMode}`);
  }
  if (o.profile != null) Object.assign(PRINT_OPTS, PROFILES[o.profile]);
  for (const key of ['precision', 'threshold', 'edgeitems', 'linewidth'] as const) if (o[key] != null) PRINT_OPTS[key] = o[key];
  PRINT_OPTS.sciMode = o.sciMode ?? undefined;
}

// ------------------------------------------------------------ exact number formatting

const TWO52 = 2 ** 52;

/** |x| as an exact fraction num / 2^shift (x finite). */
function exactFraction(x: number): { num: bigint; shift: number } {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  const mant = BigInt(hi & 0xfffff) * 4294967296n + BigInt(lo);
  if (exp === 0) return { num: mant, shift: 1074 };
  const m = mant + BigInt(TWO52);
  const e = exp - 1075; // value = m * 2^e
  return e >= 0 ? { num: m << BigInt(e), shift: 0 } : { num: m, shift: -e };
}

/** round(|x| * 10^digits) with ties to even, as an exact integer. */
function scaledRound(x: number, digits: number): bigint {
  const { num, shift } = exactFraction(x);
  let n = num;
  let d = 1n << BigInt(shift);
  if (digits >= 0) n *= 10n ** BigInt(digits);
  else d *= 10n ** BigInt(-digits);
  const q = n / d;
  const r2 = (n % d) * 2n;
  if (r2 > d || (r2 === d && q % 2n === 1n)) return q + 1n;
  return q;
}

function nonFinite(x: number): string | undefined {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return undefined;
}

/** Python's `'{:.Nf}'.format(x)`. */
export function formatFixed(x: number, digits: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const q = scaledRound(x, digits)
    .toString()
    .padStart(digits + 1, '0');
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const intPart = q.slice(0, q.length - digits);
  return digits === 0 ? sign + intPart : `${sign}${intPart}.${q.slice(q.length - digits)}`;
}

/** Python's `'{:.Ne}'.format(x)`. */
export function formatExp(x: number, digits: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}${(0).toFixed(digits)}e+00`;
  let e = Math.floor(Math.log10(Math.abs(x)));
  let q = scaledRound(x, digits - e);
  const lowest = 10n ** BigInt(digits);
  // log10 can be off by one near powers of ten; rounding can carry into a new digit.
  if (q < lowest) {
    e -= 1;
    q = scaledRound(x, digits - e);
  }
  if (q >= lowest * 10n) {
    e += 1;
    q = scaledRound(x, digits - e);
  }
  const s = q.toString();
  const mantissa = digits === 0 ? s : `${s[0]}.${s.slice(1)}`;
  const exp = `${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return `${sign}${mantissa}e${exp}`;
}

// ------------------------------------------------------------ the formatter

class Formatter {
  private readonly floating: boolean;
  private readonly bool: boolean;
  intMode = true;
  sciMode = false;
  maxWidth = 1;

  constructor(values: ArrayLike<number>, dtype: DType) {
    this.floating = isFloating(dtype);
    this.bool = dtype === 'bool';
    const p = PRINT_OPTS.precision;
    if (!this.floating) {
      for (let i = 0; i < values.length; i++) this.maxWidth = Math.max(this.maxWidth, this.plain(values[i]!).length);
    } else {
      const finite: number[] = [];
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (Number.isFinite(v) && v !== 0) finite.push(v);
      }
      if (finite.length !== 0) {
        let min = Infinity;
        let max = 0;
        for (const v of finite) {
          const a = Math.abs(v);
          if (a < min) min = a;
          if (a > max) max = a;
        }
        for (const v of finite) {
          if (v !== Math.ceil(v)) {
            this.intMode = false;
            break;
          }
        }
        if (this.intMode) {
          if (max / min > 1000 || max > 1e8) {
            this.sciMode = true;
            for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatExp(v, p).length);
          } else {
            for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatFixed(v, 0).length + 1);
          }
        } else if (max / min > 1000 || max > 1e8 || min < 1e-4) {
          this.sciMode = true;
          for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatExp(v, p).length);
        } else {
          for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatFixed(v, p).length);
        }
      }
    }
    if (PRINT_OPTS.sciMode !== undefined) this.sciMode = PRINT_OPTS.sciMode;
  }

  private plain(v: number): string {
    return this.bool ? (v ? 'True' : 'False') : String(v);
  }

  width(): number {
    return this.maxWidth;
  }

  format(v: number): string {
    let s: string;
    if (this.floating) {
      if (this.sciMode) s = formatExp(v, PRINT_OPTS.precision);
      else if (this.intMode) {
        s = formatFixed(v, 0);
        if (Number.isFinite(v)) s += '.';
      } else s = formatFixed(v, PRINT_OPTS.precision);
    } else s = this.plain(v);
    return s.length >= this.maxWidth ? s : ' '.repeat(this.maxWidth - s.length) + s;
  }
}

// ------------------------------------------------------------ layout

/** A row-major array with a shape, indexable like the tensor. */
interface Block {
  data: ArrayLike<number>;
  shape: readonly number[];
  offset: number;
}

function sub(b: Block, i: number): Block {
  let step = 1;
  for (let d = 1; d < b.shape.length; d++) step *= b.shape[d]!;
  return { data: b.data, shape: b.shape.slice(1), offset: b.offset + i * step };
}

function vectorStr(b: Block, indent: number, summarize: boolean, fmt: Formatter): string {
  const elementLength = fmt.width() + 2;
  const perLine = Math.max(1, Math.floor((PRINT_OPTS.linewidth - indent) / elementLength));
  const n = b.shape[0]!;
  const e = PRINT_OPTS.edgeitems;
  const at = (i: number) => fmt.format(b.data[b.offset + i]!);
  let data: string[];
  if (summarize && n > 2 * e) {
    data = [];
    for (let i = 0; i < e; i++) data.push(at(i));
    data.push(' ...');
    for (let i = n - e; i < n; i++) data.push(at(i));
  } else {
    data = [];
    for (let i = 0; i < n; i++) data.push(at(i));
  }
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(', '));
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
}

function blockStr(b: Block, indent: number, summarize: boolean, fmt: Formatter): string {
  const dim = b.shape.length;
  if (dim === 0) return fmt.format(b.data[b.offset]!);
  if (dim === 1) return vectorStr(b, indent, summarize, fmt);
  const n = b.shape[0]!;
  const e = PRINT_OPTS.edgeitems;
  const slices: string[] = [];
  if (summarize && n > 2 * e) {
    for (let i = 0; i < e; i++) slices.push(blockStr(sub(b, i), indent + 1, summarize, fmt));
    slices.push('...');
    for (let i = n - e; i < n; i++) slices.push(blockStr(sub(b, i), indent + 1, summarize, fmt));
  } else {
    for (let i = 0; i < n; i++) slices.push(blockStr(sub(b, i), indent + 1, summarize, fmt));
  }
  return '[' + slices.join(',' + '\n'.repeat(dim - 1) + ' '.repeat(indent + 1)) + ']';
}

/** The values PyTorch's formatter measures when summarising: only the printed edges. */
function summarizedValues(b: Block): number[] {
  const e = PRINT_OPTS.edgeitems;
  const dim = b.shape.length;
  if (dim === 0) return [b.data[b.offset]!];
  const n = b.shape[0]!;
  const idx = n > 2 * e ? [...Array(e).keys(), ...Array.from({ length: e }, (_, k) => n - e + k)] : [...Array(n).keys()];
  if (dim === 1) return idx.map((i) => b.data[b.offset + i]!);
  return idx.flatMap((i) => summarizedValues(sub(b, i)));
}

/** Formats row-major values with PyTorch's rules; `indent` is the prefix length. */
export function formatValues(data: TypedArray | ArrayLike<number>, shape: readonly number[], dtype: DType, indent: number): string {
  let n = 1;
  for (const s of shape) n *= s;
  if (n === 0) return '[]';
  const block: Block = { data, shape, offset: 0 };
  const summarize = n > PRINT_OPTS.threshold;
  const fmt = new Formatter(summarize ? summarizedValues(block) : data, dtype);
  return blockStr(block, indent, summarize, fmt);
}

function addSuffixes(body: string, suffixes: string[], indent: number): string {
  const parts = [body];
  let lastLineLen = body.length - body.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    // Wrap as PyTorch does for its own spelling, `dtype=torch.float64`, so the
    // text is PyTorch's minus the `torch.` prefix.
    const width = suffix.length + (suffix.startsWith('dtype=') ? 'torch.'.length : 0);
    if (lastLineLen + width + 2 > PRINT_OPTS.linewidth) {
      parts.push(',\n' + ' '.repeat(indent) + suffix);
      lastLineLen = indent + width;
    } else {
      parts.push(', ' + suffix);
      lastLineLen += width + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/** Tensor's `toString`: `tensor([...], dtype=…, device=…, grad_fn=<…>)`. */
export function formatTensor(t: Tensor, prefix = 'tensor('): string {
  if (t.isDisposed) return `tensor(<disposed>, shape=[${t.shape.join(', ')}], dtype=${t.dtype})`;
  const indent = prefix.length;
  const suffixes: string[] = [];
  if (t.device !== 'cpu') suffixes.push(`device='${t.device}'`);
  const n = t.numel();
  let body: string;
  if (n === 0) {
    if (t.ndim !== 1) suffixes.push(`size=(${t.shape.join(', ')}${t.ndim === 1 ? ',' : ''})`);
    if (t.dtype !== 'float32') suffixes.push(`dtype=${t.dtype}`);
    body = '[]';
  } else {
    if (t.dtype === 'float64') suffixes.push('dtype=float64');
    body = formatValues(t.dataSync(), t.shape, t.dtype, indent);
  }
  if (t.gradFn !== null) suffixes.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  if (t.tangent !== undefined) suffixes.push(`tangent=${formatTensor(t.tangent)}`);
  return addSuffixes(prefix + body, suffixes, indent);
}
