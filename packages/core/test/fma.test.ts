import { describe, expect, it } from 'vitest';
import { fma32, fma64 } from '../src/fma.js';

// An oracle independent of fma.ts: exact rationals (BigInt over a power of two), and a result
// accepted only if no neighbour of it is nearer the exact value (a tie only to an even significand).

const view = new DataView(new ArrayBuffer(8));
/** x = m · 2^e exactly. */
function parts(x: number): [bigint, number] {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  if (biased !== 0) m |= 1n << 52n;
  return [hi >>> 31 ? -m : m, (biased === 0 ? 1 : biased) - 1075];
}
/** Values as integers over the common scale 2^low. */
const LOW = -2400;
const scaled = (x: number): bigint => {
  const [m, e] = parts(x);
  return m << BigInt(e - LOW);
};
const exact = (a: number, b: number, c: number) => {
  const [ma, ea] = parts(a);
  const [mb, eb] = parts(b);
  return ((ma * mb) << BigInt(ea + eb - LOW)) + scaled(c);
};
const abs = (x: bigint) => (x < 0n ? -x : x);

function nextDouble(x: number, up: boolean): number {
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  view.setFloat64(0, x);
  const w = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 === up ? w + 1n : w - 1n);
  return view.getFloat64(0);
}
function nextFloat(x: number, up: boolean): number {
  if (x === 0) return up ? 2 ** -149 : -(2 ** -149);
  const word = new Uint32Array(new Float32Array([x]).buffer);
  word[0] = x > 0 === up ? word[0]! + 1 : word[0]! - 1;
  return new Float32Array(word.buffer)[0]!;
}
const evenSignificand = (x: number, single: boolean) => {
  if (single) return (new Uint32Array(new Float32Array([x]).buffer)[0]! & 1) === 0;
  view.setFloat64(0, x);
  return (view.getUint32(4) & 1) === 0;
};

/** Whether r is a·b + c rounded to nearest (ties to even) in double (single: float32). */
function correctlyRounded(a: number, b: number, c: number, r: number, single: boolean): boolean {
  const e = exact(a, b, c);
  const next = single ? nextFloat : nextDouble;
  const max = single ? 3.4028234663852886e38 : Number.MAX_VALUE;
  if (!Number.isFinite(r)) {
    // Overflow: the exact value lies at or beyond the midpoint above the largest finite value.
    const halfUlpAbove = scaled(max) + (scaled(max) - scaled(next(max, false))) / 2n;
    return (r > 0 ? e : -e) >= halfUlpAbove;
  }
  const d = abs(e - scaled(r));
  for (const up of [true, false]) {
    const n = next(r, up);
    if (!Number.isFinite(n)) continue;
    const dn = abs(e - scaled(n));
    if (dn < d || (dn === d && !evenSignificand(r, single))) return false;
  }
  return true;
}

/** Deterministic pseudo-random doubles with spread-out exponents. */
function* randomTriples(count: number, seed: number, single: boolean): Generator<[number, number, number]> {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const value = (spread: number) => {
    const v = (next() * 2 - 1) * 2 ** Math.floor((next() * 2 - 1) * spread);
    return single ? Math.fround(v) : v;
  };
  for (let i = 0; i < count; i++) {
    const spread = single ? 60 : [8, 60, 600, 1022][i % 4]!;
    const a = value(spread);
    const b = value(spread);
    const kind = i % 5;
    // Cancellation (c ≈ −a·b), ties and near-ties are where a double-rounded sum goes wrong.
    const c = kind === 0 ? -(a * b) : kind === 1 ? nextDouble(-(a * b), i % 2 === 0) : kind === 2 ? (a * b) / 2 ** 53 : value(spread);
    const triple: [number, number, number] = [a, b, single ? Math.fround(c) : c];
    if (triple.every(Number.isFinite)) yield triple; // the oracle is for finite operands; infinities are tested below
  }
}

describe('fma64 / fma32: a·b + c rounded once', () => {
  it('fma64 is correctly rounded on random, cancelling, tied, huge and subnormal operands', () => {
    const wrong: string[] = [];
    for (const [a, b, c] of randomTriples(20000, 7, false)) {
      if (!correctlyRounded(a, b, c, fma64(a, b, c), false)) wrong.push(`fma64(${a}, ${b}, ${c}) = ${fma64(a, b, c)}`);
    }
    // A compensated sum (th + (tl + ul)) rounds twice here: (1 + 2^-52)(2^-53 − 2^-106) + 1 is
    // 1 + 2^-53 + 2^-106 − 2^-158, just above the midpoint of 1 and 1 + 2^-52; tl + ul rounds to the midpoint.
    expect(fma64(1 + 2 ** -52, 2 ** -53 - 2 ** -106, 1)).toBe(1 + 2 ** -52);
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('fma32 is correctly rounded in float32 (the double sum rounded to odd first: no double rounding)', () => {
    const wrong: string[] = [];
    for (const [a, b, c] of randomTriples(20000, 11, true)) {
      if (!correctlyRounded(a, b, c, fma32(a, b, c), true)) wrong.push(`fma32(${a}, ${b}, ${c}) = ${fma32(a, b, c)}`);
    }
    // Math.fround(a * b + c) rounds twice here: (1 + 2^-12)² + 2^-60 lies just above the midpoint
    // 1 + 2^-11 + 2^-24 of two floats, but its double is the midpoint, which then goes to the even float.
    const a = 1 + 2 ** -12;
    expect(Math.fround(a * a + 2 ** -60)).toBe(1 + 2 ** -11);
    expect(fma32(a, a, 2 ** -60)).toBe(1 + 2 ** -11 + 2 ** -23);
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('passes infinities and NaN through as the instruction does', () => {
    for (const fma of [fma64, fma32]) {
      expect(fma(Infinity, 2, 1)).toBe(Infinity);
      expect(fma(2, -Infinity, 1e300)).toBe(-Infinity);
      expect(fma(3, 4, Infinity)).toBe(Infinity);
      expect(fma(3, 4, -Infinity)).toBe(-Infinity);
      expect(fma(Infinity, 0, 1)).toBeNaN();
      expect(fma(Infinity, 1, -Infinity)).toBeNaN();
      expect(fma(Number.NaN, 1, 1)).toBeNaN();
    }
    expect(fma64(1e300, 1e300, -Infinity)).toBe(-Infinity);
    expect(fma64(1e300, 1e300, 1)).toBe(Infinity); // the product overflows
    // The product 2^1024 overflows, the sum does not: 2^1024 − (2^1024 − 2^971).
    expect(fma64(2 ** 600, 2 ** 424, -Number.MAX_VALUE)).toBe(2 ** 971);
  });
});
