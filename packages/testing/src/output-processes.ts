/**
 * Functions applied to an op's outputs before they are compared with
 * PyTorch's and differentiated, where PyTorch leaves the outputs undetermined
 * (a fixture case names one in its `process` field; the generator,
 * scripts/fixtures/generate_linalg.py, applies the same one to PyTorch's
 * outputs). As PyTorch's own tests do (output_process_fn_grad), the loss then
 * does not depend on the arbitrary choice, so the gradients compare too.
 */
import type { Tensor } from '@graft/core';
import * as g from '@graft/core';

/**
 * +1 or -1 per column of m [..., r, k] (a constant [..., 1, k] tensor): the
 * sign of the column's entry of largest magnitude (the first of equal ones;
 * +1 for a column of zeros). The generator checks that no column's sign
 * hangs on rounding.
 */
function columnSigns(m: Tensor): Tensor {
  const r = m.shape[m.ndim - 2]!;
  const k = m.shape[m.ndim - 1]!;
  const batch = m.shape.slice(0, -2);
  const count = batch.reduce((a, b) => a * b, 1);
  const data = m.dataSync();
  const signs = m.dtype === 'float64' ? new Float64Array(count * k) : new Float32Array(count * k);
  for (let b = 0; b < count; b++) {
    for (let j = 0; j < k; j++) {
      let best = 0;
      let value = 0;
      for (let i = 0; i < r; i++) {
        const v = data[b * r * k + i * k + j]!;
        if (Math.abs(v) > best) {
          best = Math.abs(v);
          value = v;
        }
      }
      signs[b * k + j] = value < 0 ? -1 : 1;
    }
  }
  return g.tensor(signs, { shape: [...batch, 1, k], device: m.device });
}

/** The processes, by the name a fixture case gives. */
export const OUTPUT_PROCESSES: Readonly<Record<string, (outs: readonly Tensor[]) => Tensor[]>> = {
  /** Eigenvectors signed by their entry of largest magnitude. */
  eigh: ([L, V]) => [L!, V!.mul(columnSigns(V!))],
  /** U and Vh cut to k = min(m, n) singular vectors, each pair signed by U's column. */
  svd: ([U, S, Vh]) => {
    const k = S!.shape[S!.ndim - 1]!;
    const u = U!.narrow(-1, 0, k);
    const s = columnSigns(u);
    return [u.mul(s), S!, Vh!.narrow(-2, 0, k).mul(s.transpose(-2, -1))];
  },
  /** The same for the legacy `g.svd`'s [U, S, V]. */
  svdLegacy: ([U, S, V]) => {
    const k = S!.shape[S!.ndim - 1]!;
    const u = U!.narrow(-1, 0, k);
    const s = columnSigns(u);
    return [u.mul(s), S!, V!.narrow(-1, 0, k).mul(s)];
  },
  /** Only the last output (`info`: the factor is unspecified where it is nonzero). */
  info: (outs) => [outs[outs.length - 1]!],
};

/**
 * The outputs after the case's process (as they are without one). The
 * outputs it replaces are disposed, and its intermediates freed, so the
 * result holds exactly the tensors it returns (the leak checks count them).
 *
 * @example
 * const [L, V] = processOutputs('eigh', g.linalg.eigh(A));
 */
export function processOutputs(name: string | undefined, outs: Tensor[]): Tensor[] {
  if (name === undefined) return outs;
  const fn = OUTPUT_PROCESSES[name];
  if (fn === undefined) throw new Error(`unknown output process '${name}' (known: ${Object.keys(OUTPUT_PROCESSES).join(', ')})`);
  const result = g.tidy(() => fn(outs));
  for (const o of new Set(outs)) if (!result.includes(o)) o.dispose();
  return result;
}
