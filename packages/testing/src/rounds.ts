/**
 * The rounds a randomized property runs, scaled by the suite's
 * `propertyScale`. A scaled run keeps rounds spread over the whole range
 * (0, k, 2k, …) rather than the first few: a property whose later rounds
 * draw larger cases (the repeated-index writes) still meets them.
 */

/**
 * The round numbers in [0, total) a property runs at `scale` (in (0, 1]):
 * every round at 1, else about `total · scale` of them (at least 2: the
 * first and one past the middle), evenly spaced.
 *
 * @example
 * roundsOf(150, 1).length; // 150
 * roundsOf(40, 0.1); // [0, 10, 20, 30]
 */
export function roundsOf(total: number, scale: number): number[] {
  if (!(scale > 0 && scale <= 1)) throw new Error(`propertyScale must be in (0, 1], got ${scale}`);
  const count = Math.min(total, Math.max(2, Math.round(total * scale)));
  const step = total / count;
  return Array.from({ length: count }, (_, i) => Math.floor(i * step));
}
