/**
 * Graft's random number generators, drawn on the host: numbers are made here,
 * in TypeScript, and written to the device, so the same seed gives the same
 * tensor on the CPU and on the GPU.
 *
 * A `Generator` is PyTorch's CPU generator (ATen's `CPUGeneratorImpl`): the
 * same MT19937 engine with the same bookkeeping (`left`, `next`, the cached
 * second Box-Muller sample), so its state serialises to the 5056 bytes
 * `torch.get_rng_state()` returns and back. The distributions drawn from
 * it are in distributions.ts.
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** The seed every new generator starts from, as PyTorch's (`default_rng_seed_val`). */
export const DEFAULT_SEED = 67280421310721;

/** Bytes of PyTorch's generator state (`CPUGeneratorImplState`) and of the legacy one (`CPUGeneratorImplStateLegacy`). */
export const STATE_BYTES = 5056;
export const LEGACY_STATE_BYTES = 5048;

/**
 * The MT19937 engine and the generator's cached normal samples, laid out as
 * ATen's `mt19937_data_pod` and `CPUGeneratorImpl`. Only the ops layer uses it
 * (through `engineOf`); users hold a {@link Generator}.
 *
 * @internal
 */
export class Engine {
  readonly state = new Uint32Array(N);
  /** The seed it was last seeded with (uint64). */
  seed = 0n;
  /** Words left before the next twist, plus one (ATen's `left_`). */
  left = 1;
  /** Index of the next word of `state` (ATen's `next_`). */
  next = 0;
  seeded = true;
  /** The second sample of the last scalar Box-Muller pair (ATen's `next_double_normal_sample_`). */
  nextDoubleNormal: number | undefined;
  /** ATen's `next_float_normal_sample_`: no CPU kernel sets it, but a state carries it. */
  nextFloatNormal: number | undefined;

  constructor(seed: bigint) {
    this.reseed(seed);
  }

  /** ATen's `init_with_uint32`, and the cached normals cleared (`set_current_seed`). */
  reseed(seed: bigint): void {
    const s = this.state;
    this.seed = seed;
    this.seeded = true;
    s[0] = Number(seed & 0xffffffffn);
    for (let i = 1; i < N; i++) {
      const prev = s[i - 1]! ^ (s[i - 1]! >>> 30);
      // 1812433253 * prev + i, modulo 2^32, without losing bits to doubles.
      s[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.left = 1;
    this.next = 0;
    this.nextDoubleNormal = undefined;
    this.nextFloatNormal = undefined;
  }

  /** ATen's `next_state`: the twist, in its loop order. */
  private twist(): void {
    const s = this.state;
    const mix = (u: number, v: number) => (((u & UPPER_MASK) | (v & LOWER_MASK)) >>> 1) ^ (v & 1 ? MATRIX_A : 0);
    let i = 0;
    for (; i < N - M; i++) s[i] = (s[i + M]! ^ mix(s[i]!, s[i + 1]!)) >>> 0;
    for (; i < N - 1; i++) s[i] = (s[i + M - N]! ^ mix(s[i]!, s[i + 1]!)) >>> 0;
    s[N - 1] = (s[M - 1]! ^ mix(s[N - 1]!, s[0]!)) >>> 0;
    this.left = N;
    this.next = 0;
  }

  /** The next 32 random bits as an unsigned integer: ATen's `random()`. */
  random(): number {
    if (--this.left === 0) this.twist();
    let y = this.state[this.next++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** ATen's `random64()`: two words, the first one high. */
  random64(): bigint {
    const hi = this.random();
    const lo = this.random();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** `uniform_real_distribution<float>(0, 1)`: 24 bits of one word. */
  uniformFloat(): number {
    return (this.random() & 0xffffff) / 16777216;
  }

  /** `uniform_real_distribution<double>(0, 1)`: 53 bits of two words. */
  uniformDouble(): number {
    const hi = this.random();
    const lo = this.random();
    return ((hi & 0x1fffff) * 4294967296 + lo) / 9007199254740992;
  }

  /**
   * A standard normal sample, as `normal_distribution<double>`: the cached
   * second sample if there is one, else Box-Muller on two double uniforms,
   * caching `r·sin θ`.
   */
  normal(): number {
    if (this.nextDoubleNormal !== undefined) {
      const v = this.nextDoubleNormal;
      this.nextDoubleNormal = undefined;
      return v;
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.nextDoubleNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

let engineOfGenerator: (g: Generator) => Engine;

/** A non-deterministic 53-bit seed (an exact JavaScript number), from the platform's CSPRNG when it has one. */
function nonDeterministicSeed(): number {
  const words = new Uint32Array(2);
  const crypto = (globalThis as { crypto?: { getRandomValues?(a: Uint32Array): Uint32Array } }).crypto;
  if (crypto?.getRandomValues) crypto.getRandomValues(words);
  else for (let i = 0; i < 2; i++) words[i] = Math.floor(Math.random() * 4294967296);
  return (words[0]! & 0x1fffff) * 4294967296 + words[1]!;
}

/** A seed as PyTorch takes it: an integer in [-2^63, 2^64), negatives wrapped to uint64. */
function seedValue(op: string, seed: number | bigint): bigint {
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) {
    throw new TypeError(`${op}: expected an integer seed (a safe integer, or a bigint), got ${seed}`);
  }
  if (typeof seed !== 'number' && typeof seed !== 'bigint') throw new TypeError(`${op}: expected an integer seed, got ${typeof seed}`);
  const s = BigInt(seed);
  if (s < -(2n ** 63n) || s >= 2n ** 64n) throw new RangeError(`${op}: seed ${s} is outside [-2^63, 2^64) (PyTorch's range of seeds)`);
  return BigInt.asUintN(64, s);
}

/**
 * A random number generator: PyTorch's `torch.Generator()` (its CPU
 * generator). Each one has its own stream; pass it as `{ generator }` to any
 * random function (`g.rand`, `g.randperm`, `x.normal_`, `nn.init.uniform_`, …)
 * to draw from it instead of the default generator. Seeded with the same
 * number, it draws what PyTorch's does, on every device.
 *
 * @example
 * const gen = new g.Generator().manualSeed(42);
 * g.rand(3, { generator: gen }); // torch.rand(3, generator=torch.Generator().manual_seed(42))
 */
export class Generator {
  #engine = new Engine(BigInt(DEFAULT_SEED));

  static {
    engineOfGenerator = (g) => g.#engine;
  }

  /**
   * Seeds this generator (an integer in [-2^63, 2^64), a number or a bigint;
   * negative seeds wrap as in PyTorch) and returns it, as
   * `Generator.manual_seed`.
   *
   * @example
   * const gen = new g.Generator().manualSeed(0);
   */
  manualSeed(seed: number | bigint): this {
    this.#engine.reseed(seedValue('manualSeed', seed));
    return this;
  }

  /**
   * Seeds this generator from a non-deterministic source and returns the
   * seed, as `Generator.seed()`. Graft's seeds are 53-bit, so they are exact
   * JavaScript numbers (PyTorch's are 64-bit).
   *
   * @example
   * const gen = new g.Generator();
   * const s = gen.seed(); // later: gen.manualSeed(s) replays the stream
   */
  seed(): number {
    const s = nonDeterministicSeed();
    this.#engine.reseed(BigInt(s));
    return s;
  }

  /**
   * The seed this generator was last seeded with, as `Generator.initial_seed()`:
   * a number, or a bigint for a seed beyond 2^53 (a negative seed, or a state
   * loaded from PyTorch after `torch.seed()`).
   *
   * @example
   * new g.Generator().manualSeed(7).initialSeed(); // 7
   */
  initialSeed(): number | bigint {
    const s = this.#engine.seed;
    return s <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s) : s;
  }
}

/**
 * The generator every random function draws from unless given `{ generator }`:
 * PyTorch's `torch.default_generator`.
 *
 * @example
 * g.defaultGenerator.manualSeed(0); // as g.manualSeed(0)
 */
export const defaultGenerator = new Generator();

/**
 * The engine of `generator` (the default generator when undefined), checking
 * that it is one: what every random op draws from.
 *
 * @internal
 */
export function engineOf(op: string, generator?: unknown): Engine {
  if (generator === undefined || generator === null) return engineOfGenerator(defaultGenerator);
  if (!(generator instanceof Generator)) {
    const got = typeof generator === 'object' ? (generator.constructor?.name ?? 'object') : typeof generator;
    throw new TypeError(`${op}(): argument 'generator' must be a g.Generator (new g.Generator()), not ${got}`);
  }
  return engineOfGenerator(generator);
}

/**
 * Seeds the default generator and returns it, as `torch.manual_seed`.
 *
 * @example
 * g.manualSeed(0);
 * g.randn(3); // tensor([ 1.5410, -0.2934, -2.1788])
 */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

/**
 * Seeds the default generator non-deterministically and returns the seed, as
 * `torch.seed()`.
 *
 * @example
 * const s = g.seed(); // g.manualSeed(s) later replays what follows
 */
export function seed(): number {
  return defaultGenerator.seed();
}

/**
 * The seed of the default generator, as `torch.initial_seed()`.
 *
 * @example
 * g.manualSeed(3); g.initialSeed(); // 3
 */
export function initialSeed(): number | bigint {
  return defaultGenerator.initialSeed();
}

// ------------------------------------------------------------------ state bytes

/**
 * The generator's state as PyTorch's `CPUGeneratorImplState` bytes
 * (little-endian): the seed (u64), `left` (i32), `seeded` (i32), `next` (u64),
 * the 624 state words (each a u64), the legacy normal fields (`normal_x`,
 * `normal_y` = the cached double normal, `normal_rho`: f64; `normal_is_valid`:
 * i32), then the cached float normal (f32) and its flag (u8); padding is zero.
 *
 * @internal
 */
export function stateBytes(e: Engine): Uint8Array {
  const bytes = new Uint8Array(STATE_BYTES);
  const v = new DataView(bytes.buffer);
  v.setBigUint64(0, e.seed, true);
  v.setInt32(8, e.left, true);
  v.setInt32(12, e.seeded ? 1 : 0, true);
  v.setBigUint64(16, BigInt(e.next), true);
  for (let i = 0; i < N; i++) v.setUint32(24 + 8 * i, e.state[i]!, true);
  const legacyNormal = 24 + 8 * N;
  if (e.nextDoubleNormal !== undefined) {
    v.setFloat64(legacyNormal + 8, e.nextDoubleNormal, true);
    v.setInt32(legacyNormal + 24, 1, true);
  }
  if (e.nextFloatNormal !== undefined) {
    v.setFloat32(LEGACY_STATE_BYTES, e.nextFloatNormal, true);
    bytes[LEGACY_STATE_BYTES + 4] = 1;
  }
  return bytes;
}

/**
 * Loads PyTorch's state bytes (5056, or the legacy 5048) into `e`, as
 * `CPUGeneratorImpl::set_state`: PyTorch's errors for a wrong size or an
 * invalid MT19937 state, and nothing changes then.
 *
 * @internal
 */
export function loadStateBytes(op: string, e: Engine, bytes: Uint8Array): void {
  if (bytes.length !== STATE_BYTES && bytes.length !== LEGACY_STATE_BYTES) {
    throw new RangeError(
      `${op}: expected either a CPUGeneratorImplStateLegacy of size ${LEGACY_STATE_BYTES} or a CPUGeneratorImplState of size ${STATE_BYTES} ` +
        `but found the input RNG state size to be ${bytes.length}`,
    );
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const legacyNormal = 24 + 8 * N;
  let doubleNormal: number | undefined;
  let floatNormal: number | undefined;
  if (bytes.length === LEGACY_STATE_BYTES) {
    // The legacy state kept Box-Muller's intermediates: the cached sample is rho·sin(2π·x).
    if (v.getInt32(legacyNormal + 24, true) !== 0) {
      doubleNormal = v.getFloat64(legacyNormal + 16, true) * Math.sin(2 * Math.PI * v.getFloat64(legacyNormal, true));
    }
  } else {
    if (bytes[LEGACY_STATE_BYTES + 4] !== 0) floatNormal = v.getFloat32(LEGACY_STATE_BYTES, true);
    if (v.getInt32(legacyNormal + 24, true) !== 0) doubleNormal = v.getFloat64(legacyNormal + 8, true);
  }
  const left = v.getInt32(8, true);
  const seeded = v.getInt32(12, true) !== 0;
  const next = Number(v.getBigUint64(16, true) & 0xffffffffn);
  if (!(seeded && left > 0 && left <= N && next <= N)) {
    throw new Error(
      `${op}: Invalid mt19937 state (seeded=${seeded}, left=${left}, next=${next}: expected seeded, 0 < left <= 624, next <= 624)`,
    );
  }
  e.seed = v.getBigUint64(0, true);
  e.seeded = seeded;
  e.left = left;
  e.next = next;
  // The state words are u64 in the bytes and u32 in the engine (std::copy truncates).
  for (let i = 0; i < N; i++) e.state[i] = v.getUint32(24 + 8 * i, true);
  e.nextDoubleNormal = doubleNormal;
  e.nextFloatNormal = floatNormal;
}
