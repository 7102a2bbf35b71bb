/**
 * Checks of argument values that a function and its module share (the
 * module checks at construction, the function at each call), with
 * PyTorch's messages. Internal: not part of the public surface.
 */

/** The approximation, checked: PyTorch accepts only these two. */
export function checkApproximate(op: string, approximate: unknown): 'none' | 'tanh' {
  const a = approximate ?? 'none';
  if (a !== 'none' && a !== 'tanh') throw new Error(`${op}: approximate argument must be either none or tanh (got ${JSON.stringify(a)})`);
  return a;
}

/** The dropout probability, checked (NaN included). */
export function checkDropoutProbability(p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`dropout probability has to be between 0 and 1, but got ${String(p)}`);
  return p;
}

/** `paddingIdx` in [0, numEmbeddings), checked as PyTorch checks it; null when absent. */
export function normalizePaddingIdx(op: string, paddingIdx: number | null | undefined, numEmbeddings: number): number | null {
  if (paddingIdx === undefined || paddingIdx === null) return null;
  if (!Number.isSafeInteger(paddingIdx) || paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) {
    throw new Error(`${op}: Padding_idx must be within num_embeddings (got paddingIdx=${paddingIdx} for ${numEmbeddings} embeddings)`);
  }
  return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
}

const warnedImplicitDim = new Set<string>();

/** PyTorch's `_get_softmax_dim`: the implicit dim of softmax-like ops, with its deprecation warning (once per op). */
export function implicitSoftmaxDim(op: string, ndim: number): number {
  if (!warnedImplicitDim.has(op)) {
    warnedImplicitDim.add(op);
    console.warn(`UserWarning: Implicit dimension choice for ${op} has been deprecated. Change the call to include dim=X as an argument.`);
  }
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/** The shape two shapes broadcast to, or an error naming both. */
export function broadcastShape(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1)
      throw new Error(`${op}: the shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast (dim ${i}: ${x} vs ${y})`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/**
 * A layer's size argument (`inputSize`, `hiddenSize`, …): an integer of at
 * least `min`, checked at construction instead of failing later inside a
 * tensor factory (`empty: a shape must be non-negative integers`).
 *
 * @example
 * checkLayerSize('LSTM', 'hiddenSize', 0, 1); // throws: LSTM: hiddenSize must be an integer ≥ 1, got 0
 */
export function checkLayerSize(op: string, name: string, value: unknown, min: number, why = ''): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${op}: ${name} must be an integer ≥ ${min}, got ${String(value)}${why}`);
  }
  return value;
}
