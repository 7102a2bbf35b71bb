/**
 * Spectral normalisation, as `torch.nn.utils.spectral_norm`: the parameter
 * `w` becomes `w_orig`, with buffers `w_u` and `w_v` (the singular vectors'
 * estimates), and `w = w_orig / σ` is recomputed before every forward, σ the
 * largest singular value of `w_orig` seen as a matrix, estimated by power
 * iteration (advanced in training, frozen in eval).
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import type { Module } from '../module.js';
import { entryOf, record, restore, setComputed, takeParameter } from './reparametrize.js';

/** Options of `spectralNorm` (PyTorch's arguments after name). */
export interface SpectralNormOptions {
  /** Power iterations per forward in training (default 1). */
  nPowerIterations?: number;
  /** Guards the normalisation of u and v (default 1e-12). */
  eps?: number;
  /** The dim of the output features (default 0; 1 for ConvTranspose layers). */
  dim?: number | null;
}

/** `x / max(‖x‖, eps)` (PyTorch's `F.normalize(x, dim=0, eps)` of a vector). */
function normalizeVector(x: Tensor, eps: number): Tensor {
  return x.div(x.norm().clamp({ min: eps }));
}

/** The weight as a matrix [size of `dim`, the rest] (PyTorch's `reshape_weight_to_matrix`). */
function asMatrix(weight: Tensor, dim: number): Tensor {
  const w = dim === 0 ? weight : weight.permute([dim, ...Array.from({ length: weight.ndim }, (_, i) => i).filter((i) => i !== dim)]);
  return w.reshape(w.shape[0]!, -1);
}

/** `w_orig / σ`, advancing the power iteration (in place on the buffers) first when `iterate`. */
function computeWeight(module: Module, name: string, dim: number, nPowerIterations: number, eps: number, iterate: boolean): Tensor {
  return g.tidy(() => {
    const weight = entryOf(module, `${name}_orig`) as Tensor;
    let u = entryOf(module, `${name}_u`) as Tensor;
    let v = entryOf(module, `${name}_v`) as Tensor;
    const matrix = asMatrix(weight, dim);
    if (iterate && nPowerIterations > 0) {
      g.noGrad(() => {
        const w = matrix.detach();
        for (let i = 0; i < nPowerIterations; i++) {
          v.copy_(normalizeVector(w.t().mv(u), eps));
          u.copy_(normalizeVector(w.mv(v), eps));
        }
      });
      // Clones, as PyTorch's: later updates of the buffers must not change what this step's backward reads.
      u = u.clone();
      v = v.clone();
    }
    const sigma = u.dot(matrix.mv(v));
    return weight.div(sigma);
  });
}

/**
 * Applies spectral normalisation to `module[name]` (PyTorch's
 * `torch.nn.utils.spectral_norm(module, name='weight', n_power_iterations=1,
 * eps=1e-12, dim=None)`): state-dict keys `weight_orig`, `weight_u`,
 * `weight_v`; u and v start as normalised N(0, 1) draws (PyTorch's numbers
 * for the same seed). `module[name]` is the weight the last forward used
 * (made in the caller's memory scope). Returns the module.
 *
 * @example
 * const m = nn.utils.spectralNorm(new nn.Linear(20, 40));
 * Object.keys(m.stateDict()); // ['bias', 'weight_orig', 'weight_u', 'weight_v']
 */
export function spectralNorm<M extends Module>(module: M, name = 'weight', options?: SpectralNormOptions): M & Record<string, Tensor> {
  const op = 'spectralNorm';
  const o = g.checkOptions(op, options, ['nPowerIterations', 'eps', 'dim']);
  const nPowerIterations = o.nPowerIterations ?? 1;
  const eps = o.eps ?? 1e-12;
  if (!Number.isInteger(nPowerIterations) || nPowerIterations < 0) {
    throw new Error(`${op}: Expected n_power_iterations to be positive, but got n_power_iterations=${nPowerIterations}`);
  }
  const weight = takeParameter(op, 'spectral_norm', module, name);
  const dim = o.dim ?? (module.constructor.name.startsWith('ConvTranspose') ? 1 : 0);
  if (!Number.isInteger(dim) || dim < 0 || dim >= weight.ndim)
    throw new RangeError(`${op}: dim must be in [0, ${weight.ndim - 1}], got ${dim}`);
  const [u, v] = g.noGrad(() =>
    g.tidy(() => {
      const matrix = asMatrix(weight, dim);
      const [h, w] = matrix.shape as [number, number];
      const draw = (n: number) => normalizeVector(g.empty([n], { dtype: weight.dtype, device: weight.device }).normal_(0, 1), eps);
      return [draw(h), draw(w)];
    }),
  );
  module.deleteAttribute(name);
  module.registerParameter(`${name}_orig`, weight);
  setComputed(module, name, weight.detach());
  module.registerBuffer(`${name}_u`, u!);
  module.registerBuffer(`${name}_v`, v!);
  const handle = module.registerForwardPreHook((m: Module) => {
    setComputed(m, name, computeWeight(m, name, dim, nPowerIterations, eps, m.training));
  });
  record(module, name, {
    kind: 'spectralNorm',
    handle,
    added: [`${name}_orig`, `${name}_u`, `${name}_v`],
    finalWeight: () => g.noGrad(() => computeWeight(module, name, dim, nPowerIterations, eps, false)),
  });
  return module as M & Record<string, Tensor>;
}

/**
 * Undoes `spectralNorm`: `module[name]` is a Parameter again, holding
 * `w_orig / σ` with the current u and v (PyTorch's `remove_spectral_norm`).
 * Returns the module.
 *
 * @example
 * nn.utils.removeSpectralNorm(m);
 */
export function removeSpectralNorm<M extends Module>(module: M, name = 'weight'): M {
  restore('removeSpectralNorm', 'spectral_norm', 'spectralNorm', module, name);
  return module;
}
