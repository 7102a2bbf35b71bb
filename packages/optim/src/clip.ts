/** Gradient clipping, as `torch.nn.utils.clip_grad_norm_` / `clip_grad_value_`. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { describe, flag, foreachFlag } from './checks.js';

/** Options of `clipGradNorm_` (PyTorch's keyword arguments, camelCase). */
export interface ClipGradNormOptions {
  /** The p of the p-norm (default 2); `Infinity` (or PyTorch's `'inf'`) for the max norm. */
  normType?: number | 'inf';
  /** Throw when the total norm is NaN or infinite, instead of scaling by it (default false, as PyTorch). Reads the norm back. */
  errorIfNonfinite?: boolean;
  /** PyTorch's implementation choice; accepted, changes nothing in Graft. */
  foreach?: boolean | null;
}

/** Options of `clipGradValue_`. */
export interface ClipGradValueOptions {
  /** PyTorch's implementation choice; accepted, changes nothing in Graft. */
  foreach?: boolean | null;
}

/** PyTorch's `parameters`: a tensor or an iterable of tensors. */
function tensorsOf(op: string, params: Tensor | Iterable<Tensor>): Tensor[] {
  const list =
    params instanceof g.Tensor ? [params] : typeof params === 'object' && params !== null && Symbol.iterator in params ? [...params] : null;
  if (list === null) throw new TypeError(`${op}: parameters must be a Tensor or an iterable of Tensors, got ${describe(params)}`);
  for (const p of list) if (!(p instanceof g.Tensor)) throw new TypeError(`${op}: parameters must be Tensors, but one is ${describe(p)}`);
  return list;
}

/** A number that is not NaN (PyTorch's float(x); an infinite bound is allowed, as there). */
function number(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`${op}: ${name} must be a number, got ${describe(value)}`);
  return value;
}

/**
 * Scales gradients so their joint p-norm is at most `maxNorm`, in place, and
 * returns the norm before clipping as a 0-d tensor (as PyTorch). Nothing is
 * read back (unless `errorIfNonfinite`): on a GPU the step does not wait.
 * `normType` may be given positionally or in the options object.
 *
 * @example
 * const norm = clipGradNorm_(model.parameters(), 1.0);
 * clipGradNorm_(model.parameters(), 1.0, { normType: Infinity, errorIfNonfinite: true });
 * console.log(norm.item());
 */
export function clipGradNorm_(
  params: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType?: number | 'inf' | ClipGradNormOptions,
  options?: ClipGradNormOptions,
): Tensor {
  const op = 'clipGradNorm_';
  // clipGradNorm_(params, maxNorm, { normType, … }) or clipGradNorm_(params, maxNorm, normType, { … }).
  const optionsThird = typeof normType === 'object' && normType !== null;
  if (optionsThird && options !== undefined) throw new TypeError(`${op}: two options objects given; pass normType in one of them`);
  const o = g.checkOptions(op, optionsThird ? normType : options, ['normType', 'errorIfNonfinite', 'foreach']);
  const positional = optionsThird ? undefined : (normType as number | 'inf' | undefined);
  if (positional !== undefined && o.normType !== undefined)
    throw new TypeError(`${op}: normType given twice (positionally and in the options)`);
  const rawNorm = positional ?? o.normType ?? 2;
  const p = rawNorm === 'inf' ? Infinity : number(op, 'normType', rawNorm);
  const max = number(op, 'maxNorm', maxNorm);
  const errorIfNonfinite = o.errorIfNonfinite === undefined ? false : flag('errorIfNonfinite')(o.errorIfNonfinite, `${op}: `);
  if (o.foreach !== undefined) foreachFlag('foreach')(o.foreach, `${op}: `);
  const grads = tensorsOf(op, params)
    .map((t) => t.grad)
    .filter((x): x is Tensor => x !== null);
  if (grads.length === 0) return g.tensor(0);
  return g.noGrad(() => {
    const total = g.tidy(() => {
      if (p === Infinity) {
        const norms = grads.map((gr) => gr.abs().amax());
        return norms.length === 1 ? norms[0]! : g.stack(norms).amax();
      }
      return g.stack(grads.map((gr) => gr.norm(p))).norm(p);
    });
    if (errorIfNonfinite && !Number.isFinite(Number(total.item()))) {
      total.dispose();
      throw new Error(
        `${op}: The total norm of order ${p} for gradients from \`parameters\` is non-finite, so it cannot be clipped. ` +
          'To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite: false`',
      );
    }
    g.tidy(() => {
      // PyTorch's max_norm / (total_norm + 1e-6) is Tensor.__rdiv__: a reciprocal, then a product.
      // It multiplies by the clamped coefficient unconditionally, so nothing is read back.
      const coef = total.add(1e-6).reciprocal().mul(max).clamp(null, 1);
      for (const gr of grads) gr.mul_(coef);
    });
    return total;
  });
}

/**
 * Clamps every gradient element into [-clipValue, clipValue], in place.
 *
 * @example
 * clipGradValue_(model.parameters(), 0.5);
 */
export function clipGradValue_(params: Tensor | Iterable<Tensor>, clipValue: number, options?: ClipGradValueOptions): void {
  const op = 'clipGradValue_';
  const o = g.checkOptions(op, options, ['foreach']);
  if (o.foreach !== undefined) foreachFlag('foreach')(o.foreach, `${op}: `);
  const value = number(op, 'clipValue', clipValue);
  const tensors = tensorsOf(op, params);
  g.noGrad(() => {
    for (const p of tensors) p.grad?.clamp_(-value, value);
  });
}
