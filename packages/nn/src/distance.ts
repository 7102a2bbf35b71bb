/**
 * Distances and normalisation of `nn.functional`: `cosineSimilarity`,
 * `pairwiseDistance`, `normalize` — PyTorch's formulas (where its eps goes
 * decides the values near zero, so it goes where PyTorch puts it).
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { broadcastShape } from './argument-checks.js';
import { keywordArguments } from './arguments.js';
import { checkTensorArguments } from './tensor-arguments.js';

function checkFloating(op: string, t: Tensor, name: string): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64')
    throw new TypeError(`${op}: expected ${name} of a floating dtype (float32 or float64), got ${t.dtype}`);
}

/** Options of `cosineSimilarity`. */
export interface CosineSimilarityOptions {
  /** The dim of the vectors (default 1). */
  dim?: number;
  /** Each norm is at least eps (default 1e-8). */
  eps?: number;
}

/**
 * Cosine similarity along `dim` of the broadcast inputs. As PyTorch 1.13,
 * each input is divided by its norm (clamped to at least eps) before the
 * product is summed, which keeps the result within [-1, 1]; the gradients
 * are PyTorch's also where a norm is clamped.
 *
 * @example
 * F.cosineSimilarity(a, b); // along dim 1
 * F.cosineSimilarity(a, b, { dim: -1, eps: 1e-6 });
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim?: number, eps?: number): Tensor;
export function cosineSimilarity(x1: Tensor, x2: Tensor, options?: CosineSimilarityOptions): Tensor;
export function cosineSimilarity(x1: Tensor, x2: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('cosineSimilarity', { x1, x2 });
  return g.tidy(() => {
    const o = keywordArguments<CosineSimilarityOptions>('cosineSimilarity', rest, ['dim', 'eps']);
    checkFloating('cosineSimilarity', x1, 'x1');
    checkFloating('cosineSimilarity', x2, 'x2');
    const dim = o.dim ?? 1;
    const eps = o.eps ?? 1e-8;
    // Both broadcast first (PyTorch's expand_outplace), so each norm is over the common shape.
    const shape = broadcastShape('cosineSimilarity', x1.shape, x2.shape);
    const a = x1.expand(shape);
    const b = x2.expand(shape);
    const unit = (t: Tensor) => {
      // PyTorch clamps the norm in place under no_grad: its value is max(‖t‖, eps), and its gradient
      // reaches t as t / max(‖t‖, eps) — that of m = Σt² / (2·max(‖t‖, eps)), added as m − m (exactly 0).
      // Where the norm is not clamped, its own gradient (so second derivatives are right too).
      const norm = t.norm(2, dim, true);
      const clamped = norm.clamp(eps).detach();
      const m = t.square().sum(dim, true).div(clamped.mul(2));
      const path = g.where(norm.lt(eps), m, norm);
      return t.div(clamped.add(path.sub(path.detach())));
    };
    return unit(a).mul(unit(b)).sum(dim);
  });
}

/** Options of `pairwiseDistance`. */
export interface PairwiseDistanceOptions {
  /** The norm's order (default 2). */
  p?: number;
  /** Added to the difference before the norm (default 1e-6), as PyTorch. */
  eps?: number;
  /** Keep the reduced last dim (default false). */
  keepdim?: boolean;
}

/**
 * The p-norm of `x1 − x2 + eps` over the last dim (of the broadcast shape).
 *
 * @example
 * F.pairwiseDistance(a, b);
 * F.pairwiseDistance(a, b, { p: 1, keepdim: true });
 */
export function pairwiseDistance(x1: Tensor, x2: Tensor, p?: number, eps?: number, keepdim?: boolean): Tensor;
export function pairwiseDistance(x1: Tensor, x2: Tensor, options?: PairwiseDistanceOptions): Tensor;
export function pairwiseDistance(x1: Tensor, x2: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('pairwiseDistance', { x1, x2 });
  return g.tidy(() => {
    const o = keywordArguments<PairwiseDistanceOptions>('pairwiseDistance', rest, ['p', 'eps', 'keepdim']);
    return pairwiseDistanceOf(x1, x2, o.p ?? 2, o.eps ?? 1e-6, o.keepdim ?? false);
  });
}

/** @internal pairwiseDistance after its arguments are read. */
export function pairwiseDistanceOf(x1: Tensor, x2: Tensor, p: number, eps: number, keepdim: boolean): Tensor {
  checkFloating('pairwiseDistance', x1, 'x1');
  checkFloating('pairwiseDistance', x2, 'x2');
  const innermost = Math.max(x1.ndim, x2.ndim) - 1;
  return x1.sub(x2).add(eps).norm(p, Math.max(innermost, 0), keepdim);
}

/** Options of `normalize`. */
export interface NormalizeOptions {
  /** The norm's order (default 2). */
  p?: number;
  /** The dim to normalise (default 1). */
  dim?: number;
  /** The norm is at least eps (default 1e-12). */
  eps?: number;
}

/**
 * Divides by the p-norm along `dim`, clamped to at least eps: unit vectors.
 *
 * @example
 * F.normalize(x); // rows of unit L2 norm (dim 1)
 * F.normalize(x, { p: 1, dim: -1 });
 */
export function normalize(input: Tensor, p?: number, dim?: number, eps?: number): Tensor;
export function normalize(input: Tensor, options?: NormalizeOptions): Tensor;
export function normalize(input: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('normalize', { input });
  return g.tidy(() => {
    const o = keywordArguments<NormalizeOptions>('normalize', rest, ['p', 'dim', 'eps']);
    const norm = input.norm(o.p ?? 2, o.dim ?? 1, true);
    return input.div(norm.clamp(o.eps ?? 1e-12).expand(input.shape as number[]));
  });
}
