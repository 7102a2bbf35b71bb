/**
 * The draws the samplers make, as PyTorch's Python code makes them: each is
 * a core random function (so it takes PyTorch's numbers from the generator
 * and leaves it where PyTorch leaves it), read back as JavaScript numbers.
 * They run on the CPU when its backend is registered — indices come back to
 * JavaScript at once, and a GPU would stall on the read — else on the current
 * device.
 */
import * as g from '@graft/core';

/** Where the index draws run: see the module comment. */
function drawDevice(): string {
  return g.listBackends().includes('cpu') ? 'cpu' : g.currentDevice();
}

/** The values of an int32 tensor as numbers; the tensor is freed. */
function take(t: g.Tensor): number[] {
  try {
    return Array.from(t.dataSync());
  } finally {
    t.dispose();
  }
}

/**
 * `torch.empty((), dtype=torch.int64).random_(generator=…).item()`: ATen's
 * `random64() % 2^63`, two 32-bit words. Graft has no int64; its int32
 * `randint` draws as PyTorch's int64 one does (`random64() % range` for a
 * range of 2^32), so one value over the whole int32 range consumes the same
 * two words and gives the low word of the seed. The low word is all of the
 * seed that reaches the MT19937 state (`init_with_uint32`), so a generator
 * seeded with it draws what PyTorch's seeded with the whole seed draws.
 */
export function drawSeed(generator: g.Generator | undefined): number {
  const [low] = take(g.randint(-(2 ** 31), 2 ** 31, [1], { dtype: 'int32', generator, device: drawDevice() }));
  return low! + 2 ** 31;
}

/** `torch.randperm(n, generator=…).tolist()`. */
export function drawPermutation(n: number, generator: g.Generator | undefined): number[] {
  return take(g.randperm(n, { generator, device: drawDevice() }));
}

/** `torch.randint(high=n, size=(size,), dtype=torch.int64, generator=…).tolist()` (one word per value below 2^32). */
export function drawIntegers(n: number, size: number, generator: g.Generator | undefined): number[] {
  return take(g.randint(0, n, [size], { dtype: 'int32', generator, device: drawDevice() }));
}

/**
 * `torch.multinomial(weights, numSamples, replacement, generator=…).tolist()`
 * with the weights in float64, as `torch.as_tensor(weights, dtype=torch.double)`
 * (float32 on a device without float64: the sums are then float32's).
 */
export function drawCategories(
  weights: Float64Array,
  numSamples: number,
  replacement: boolean,
  generator: g.Generator | undefined,
): number[] {
  const device = drawDevice();
  const float64 = device === 'cpu' || g.getBackend().supportsFloat64;
  const w = g.tensor(float64 ? weights : Float32Array.from(weights), { device });
  try {
    return take(g.multinomial(w, numSamples, { replacement, generator }));
  } finally {
    w.dispose();
  }
}
