/**
 * Fused multiply-add, `a · b + c` rounded once, in float64 and float32: what
 * a C++ compiler emits for `a * b + c` when it contracts (GCC does, with
 * `-mfma`, in PyTorch's AVX2 kernels), which JavaScript has no instruction
 * for. Both are correctly rounded for every input, infinities and NaN
 * included (`a · b` infinite gives the infinity, or NaN against an opposite
 * infinite `c`, as the instruction does).
 *
 * fma64 is Boldo and Melquiond's emulation ("Emulation of FMA and correctly
 * rounded sums: proved algorithms using rounding to odd", IEEE TC 2008): the
 * exact product and sum as pairs of doubles, the low parts added with
 * rounding to odd, then one rounding to nearest. It is exact only while no
 * part overflows or underflows, so outside that range it falls back to exact
 * integer (BigInt) arithmetic.
 */

const f = Math.fround;

const bits = new Float64Array(1);
const words = new BigInt64Array(bits.buffer);

/** The next double from `x` (finite, nonzero) away from zero when `away`, toward it otherwise. */
function nudge(x: number, away: boolean): number {
  bits[0] = x;
  words[0] += away ? 1n : -1n; // the magnitude's bits, whatever the sign
  return bits[0];
}

/** Whether the last significand bit of a finite double is 1. */
function oddSignificand(x: number): boolean {
  bits[0] = x;
  return (words[0] & 1n) === 1n;
}

/** Knuth's two-sum: s = RN(a + b) and the exact error a + b − s (finite a, b, no overflow). */
function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

/** a + b rounded to odd: truncated, with the last bit set when inexact. */
function addRoundToOdd(a: number, b: number): number {
  const [s, e] = twoSum(a, b);
  if (e === 0 || oddSignificand(s)) return s;
  // s was rounded to an even neighbour; the odd one lies on e's side of it.
  return nudge(s, s > 0 === e > 0);
}

/** Dekker's split: a high part of 26 significant bits and the exact rest. */
function split(a: number): [number, number] {
  const c = 134217729 * a; // 2^27 + 1
  const hi = c - (c - a);
  return [hi, a - hi];
}

/** Dekker's product: p = RN(a · b) and the exact error a · b − p. */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

/** Where the pair arithmetic is exact: no split overflows, no error term underflows, no sum overflows. */
const SAFE_MAX = 2 ** 450;
const SAFE_MIN = 2 ** -450;
const inSafeRange = (x: number) => {
  const m = Math.abs(x);
  return m <= SAFE_MAX && m >= SAFE_MIN;
};

/** RN(a · b + c) for doubles. */
export function fma64(a: number, b: number, c: number): number {
  // An infinite or NaN factor: the plain expression's result (inf · 0 and inf − inf are NaN). An infinite
  // addend with finite factors is the result: the instruction's product is exact, it never overflows.
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a * b + c;
  if (!Number.isFinite(c)) return c;
  // A zero factor makes the product exact; a zero addend leaves one rounding, the product's.
  if (a === 0 || b === 0 || c === 0) return a * b + c;
  if (!inSafeRange(a) || !inSafeRange(b) || !(Math.abs(c) <= SAFE_MAX * SAFE_MAX)) return exactFma(a, b, c);
  const [uh, ul] = twoProduct(a, b);
  const [th, tl] = twoSum(c, uh);
  return th + addRoundToOdd(tl, ul);
}

/** RN(a · b + c) in float32 for float32 operands: the product is exact in a double, the sum is rounded to odd and then to float32 (a double has more than 2 · 24 + 2 bits, so that is one correct rounding). */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return f(p + c);
  if (!Number.isFinite(c)) return c;
  return f(addRoundToOdd(p, c));
}

// ---------------------------------------------------------------- exact fallback

const view = new DataView(new ArrayBuffer(8));

/** A finite double as integer significand · 2^exponent. */
function decompose(x: number): [bigint, number] {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased !== 0) m |= 1n << 52n;
  if (hi >>> 31) m = -m;
  return [m, (biased === 0 ? 1 : biased) - 1075];
}

/** 2^k as a double for -1074 ≤ k ≤ 1023, exactly (two factors keep each in range). */
const pow2 = (k: number) => 2 ** Math.trunc(k / 2) * 2 ** (k - Math.trunc(k / 2));

/** m · 2^e rounded to the nearest double, ties to even, subnormals and overflow included. */
function roundToDouble(m: bigint, e: number): number {
  if (m === 0n) return 0;
  const negative = m < 0n;
  let mag = negative ? -m : m;
  const length = mag.toString(2).length;
  // The exponent of the last bit kept: 53 bits, or fewer below the normal range.
  const lsb = Math.max(e + length - 53, -1074);
  if (lsb > e) {
    const shift = BigInt(lsb - e);
    const q = mag >> shift;
    const rest = mag - (q << shift);
    const half = 1n << (shift - 1n);
    mag = rest > half || (rest === half && (q & 1n) === 1n) ? q + 1n : q;
    e = lsb;
  }
  if (e > 1023) return negative ? -Infinity : Infinity;
  const value = Number(mag) * pow2(e); // exact: at most 54 bits, and representable or infinite
  return negative ? -value : value;
}

/** RN(a · b + c) for finite doubles, in integers. */
function exactFma(a: number, b: number, c: number): number {
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const ep = ea + eb;
  const e = Math.min(ep, ec);
  const sum = ((ma * mb) << BigInt(ep - e)) + (mc << BigInt(ec - e));
  if (sum === 0n) return a * b + c; // an exact zero: its sign as the plain expression gives it
  return roundToDouble(sum, e);
}
