/**
 * One seeded generator for every backend: numbers are drawn here, in
 * TypeScript, and written to the device, so the same seed gives the same
 * tensor on the CPU and on the GPU.
 *
 * It reproduces PyTorch's CPU generator: the same MT19937 engine and the same
 * transforms as ATen, so `g.manualSeed(0); g.randn(3)` prints what
 * `torch.manual_seed(0); torch.randn(3)` prints (values agree to float32
 * rounding of the transcendental functions).
 */
import type { DType } from './dtype.js';

const N = 624;
const M = 397;

class MT19937 {
  private readonly state = new Uint32Array(N);
  private index = N;

  seed(seed: number): void {
    const s = this.state;
    s[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = s[i - 1]! ^ (s[i - 1]! >>> 30);
      // 1812433253 * prev + i, modulo 2^32, without losing bits to doubles.
      s[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < N; i++) {
      const y = (s[i]! & 0x80000000) | (s[(i + 1) % N]! & 0x7fffffff);
      let next = s[(i + M) % N]! ^ (y >>> 1);
      if (y & 1) next ^= 0x9908b0df;
      s[i] = next >>> 0;
    }
    this.index = 0;
  }

  /** The next 32 random bits, as an unsigned integer. */
  next32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

const engine = new MT19937();
let cachedNormal: number | undefined;
engine.seed(67280421310721 % 2 ** 32);

/**
 * Seeds the generator, as `torch.manual_seed`.
 *
 * @example
 * g.manualSeed(0);
 * g.randn(3); // tensor([ 1.5410, -0.2934, -2.1788])
 */
export function manualSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) throw new TypeError(`manualSeed: expected an integer seed, got ${seed}`);
  engine.seed(Number(BigInt.asUintN(32, BigInt(seed))));
  cachedNormal = undefined;
}

/** A uniform float in [0, 1) with float32's 24 bits, as ATen's uniform_real_distribution<float>. */
function uniformFloat(): number {
  return (engine.next32() & 0xffffff) / 16777216;
}

/** A uniform double in [0, 1) with 53 bits from two draws, as ATen's uniform_real_distribution<double>. */
function uniformDouble(): number {
  const hi = engine.next32();
  const lo = engine.next32();
  // (hi << 32 | lo) & (2^53 - 1), divided by 2^53.
  return ((hi & 0x1fffff) * 4294967296 + lo) / 9007199254740992;
}

/** One normal sample from ATen's scalar path (Box-Muller in double, second value cached). */
function normalDouble(): number {
  if (cachedNormal !== undefined) {
    const v = cachedNormal;
    cachedNormal = undefined;
    return v;
  }
  const u1 = uniformDouble();
  const u2 = uniformDouble();
  const r = Math.sqrt(-2 * Math.log(1 - u2));
  const theta = 2 * Math.PI * u1;
  cachedNormal = r * Math.sin(theta);
  return r * Math.cos(theta);
}

const f32 = Math.fround;

/**
 * `size` uniform samples in [low, high), as `torch.empty(size).uniform_(low, high)`.
 */
export function uniformValues(size: number, dtype: DType, low = 0, high = 1): Float32Array | Float64Array {
  if (dtype === 'float64') {
    const out = new Float64Array(size);
    const range = high - low;
    for (let i = 0; i < size; i++) out[i] = uniformDouble() * range + low;
    return out;
  }
  const out = new Float32Array(size);
  const from = f32(low);
  const range = f32(f32(high) - from);
  // One rounding, as ATen's x·(to − from) + from compiles (a fused multiply-add): u·range is exact in a double.
  for (let i = 0; i < size; i++) out[i] = f32(uniformFloat() * range + from);
  return out;
}

/**
 * `size` normal samples, as `torch.empty(size).normal_(mean, std)`: tensors of
 * 16 or more elements use ATen's vectorised Box-Muller over blocks of 16,
 * smaller ones its scalar path.
 */
export function normalValues(size: number, dtype: DType, mean = 0, std = 1): Float32Array | Float64Array {
  const double = dtype === 'float64';
  const out = double ? new Float64Array(size) : new Float32Array(size);
  if (size < 16) {
    for (let i = 0; i < size; i++) out[i] = normalDouble() * std + mean;
    return out;
  }
  const draw = double ? uniformDouble : uniformFloat;
  const round = double ? (x: number) => x : f32;
  const m = round(mean);
  const s = round(std);
  const fill16 = (start: number) => {
    for (let j = 0; j < 8; j++) {
      const u1 = round(1 - out[start + j]!);
      const u2 = out[start + j + 8]!;
      const radius = round(Math.sqrt(round(-2 * round(Math.log(u1)))));
      const theta = round(2 * Math.PI * u2);
      out[start + j] = round(round(radius * round(Math.cos(theta))) * s) + m;
      out[start + j + 8] = round(round(radius * round(Math.sin(theta))) * s) + m;
    }
  };
  for (let i = 0; i < size; i++) out[i] = draw();
  for (let i = 0; i + 16 <= size; i += 16) fill16(i);
  if (size % 16 !== 0) {
    const start = size - 16;
    for (let i = 0; i < 16; i++) out[start + i] = draw();
    fill16(start);
  }
  return out;
}

/** `size` integers uniform in [low, high), as `torch.randint`. */
export function randintValues(size: number, low: number, high: number): Int32Array {
  const range = high - low;
  if (!(range > 0)) throw new RangeError(`randint: expected low < high, but got low=${low}, high=${high}`);
  const out = new Int32Array(size);
  if (range <= 2 ** 32) {
    for (let i = 0; i < size; i++) out[i] = (engine.next32() % range) + low;
  } else {
    for (let i = 0; i < size; i++) {
      const hi = BigInt(engine.next32());
      const lo = BigInt(engine.next32());
      out[i] = Number(((hi << 32n) | lo) % BigInt(range)) + low;
    }
  }
  return out;
}

/** `size` Bernoulli(p) draws as 0/1, as ATen's scalar bernoulli_ (a double uniform below p). */
export function bernoulliValues(size: number, p: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = uniformDouble() < p ? 1 : 0;
  return out;
}
