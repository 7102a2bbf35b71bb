import * as g from '@graft/core';

/**
 * Frees every tensor in a batch — a tensor, or arrays, plain objects, Maps
 * and Sets holding tensors at any depth (what `g.tidy` would keep). A
 * `DataLoader` hands each batch to the caller, who owns it: free it when the
 * step is done, so that a long loop keeps `g.memory().numTensors` flat.
 * Tensors already freed are skipped, and so are those `only` (when given)
 * rejects.
 *
 * @example
 * for (const [x, y] of loader) {
 *   g.tidy(() => step(x, y));
 *   disposeBatch([x, y]);
 * }
 */
export function disposeBatch(batch: unknown, only?: (t: g.Tensor) => boolean): void {
  const seen = new Set<unknown>();
  const visit = (x: unknown): void => {
    if (typeof x !== 'object' || x === null || seen.has(x)) return;
    seen.add(x);
    if (x instanceof g.Tensor) {
      if (!x.isDisposed && (only === undefined || only(x))) x.dispose();
    } else if (Array.isArray(x) || x instanceof Set) {
      for (const v of x) visit(v);
    } else if (x instanceof Map) {
      for (const v of x.values()) visit(v);
    } else if (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null) {
      for (const v of Object.values(x)) visit(v);
    }
  };
  visit(batch);
}
