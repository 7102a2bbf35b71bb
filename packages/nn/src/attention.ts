/**
 * Attention as functions: `scaledDotProductAttention` (PyTorch 2.0's
 * `F.scaled_dot_product_attention`) and `multiHeadAttentionForward`
 * (`F.multi_head_attention_forward`, what `MultiheadAttention` runs).
 * Both are composites of matmul, softmax and masking, so every backend runs
 * them and autograd differentiates them as PyTorch's math path does.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { checkDropoutProbability } from './argument-checks.js';
import { keywordArguments } from './arguments.js';
import { checkTensorArguments } from './tensor-arguments.js';

// functional.ts re-exports this file, so its linear and dropout are not imported here (no import cycles):
// these two are the same computations (dropout draws its mask exactly as F.dropout, PyTorch's CPU way).

/** `x Wᵀ + b`. */
function linear(x: Tensor, w: Tensor, b: Tensor | null | undefined): Tensor {
  const y = x.matmul(w.t());
  return b ? y.add(b) : y;
}

/** Training-mode dropout with 0 < p ≤ 1: `x · bernoulli(1 - p) / (1 - p)`, as F.dropout. */
function dropout(x: Tensor, p: number): Tensor {
  if (p === 1) return x.mul(0);
  const noise = g.noGrad(() =>
    g
      .empty(x.shape as number[], { dtype: x.dtype, device: x.device })
      .bernoulli_(1 - p)
      .div_(1 - p),
  );
  return x.mul(noise);
}

const shapeOf = (t: Tensor) => `[${t.shape.join(', ')}]`;
const isFloat = (t: Tensor) => t.dtype === 'float32' || t.dtype === 'float64';

/** Options of `scaledDotProductAttention` (PyTorch 2.x's keyword arguments). */
export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcastable to `[..., L, S]`. A bool mask says which positions TAKE PART
   * (true = attend, PyTorch's convention for this function — the opposite of
   * MultiheadAttention's); a float mask is added to the scores.
   */
  attnMask?: Tensor | null;
  /** Dropout probability on the attention weights (default 0; applied whenever > 0, as PyTorch). */
  dropoutP?: number;
  /** Mask out future positions (upper-left aligned lower triangle); not together with `attnMask`. */
  isCausal?: boolean;
  /** The factor of the scores (default 1/√E). */
  scale?: number | null;
}

/**
 * `softmax(Q Kᵀ · scale + mask) V` over the last two dims, PyTorch 2.0's
 * `F.scaled_dot_product_attention` (its documented reference formula; the
 * inputs are `[..., L, E]`, `[..., S, E]`, `[..., S, Ev]`).
 *
 * @example
 * const q = g.randn(2, 4, 5, 8); // batch, heads, length, head dim
 * F.scaledDotProductAttention(q, q, q, { isCausal: true }).shape; // [2, 4, 5, 8]
 */
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  attnMask?: Tensor | null,
  dropoutP?: number,
  isCausal?: boolean,
  options?: Pick<ScaledDotProductAttentionOptions, 'scale'>,
): Tensor;
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options?: ScaledDotProductAttentionOptions): Tensor;
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('scaledDotProductAttention', { query, key, value });
  return g.tidy(() => {
    const op = 'scaledDotProductAttention';
    const o = keywordArguments<ScaledDotProductAttentionOptions>(op, rest, ['attnMask', 'dropoutP', 'isCausal', 'scale']);
    for (const [name, t] of [
      ['query', query],
      ['key', key],
      ['value', value],
    ] as const) {
      if (!(t instanceof g.Tensor) || t.ndim < 2 || !isFloat(t)) {
        throw new Error(
          `${op}: expected ${name} to be a floating tensor of at least 2 dims, got ${t instanceof g.Tensor ? `${t.dtype} ${shapeOf(t)}` : String(t)}`,
        );
      }
    }
    const E = query.shape[query.ndim - 1]!;
    const L = query.shape[query.ndim - 2]!;
    const S = key.shape[key.ndim - 2]!;
    if (key.shape[key.ndim - 1] !== E)
      throw new Error(`${op}: query ${shapeOf(query)} and key ${shapeOf(key)} must share the last dim (E)`);
    if (value.shape[value.ndim - 2] !== S)
      throw new Error(`${op}: key ${shapeOf(key)} and value ${shapeOf(value)} must share the sequence dim (S, the second-to-last)`);
    const p = checkDropoutProbability(o.dropoutP ?? 0);
    const scale = o.scale ?? 1 / Math.sqrt(E);
    if (typeof scale !== 'number') throw new TypeError(`${op}: scale must be a number or null, got ${String(scale)}`);
    const mask = o.attnMask ?? null;
    if (o.isCausal && mask !== null) throw new Error(`${op}: Explicit attn_mask should not be set when isCausal is true`);
    let scores = query.matmul(key.transpose(-2, -1)).mul(scale);
    if (o.isCausal) {
      const allowed = g.ones([L, S], { dtype: 'bool', device: query.device }).tril();
      scores = scores.maskedFill(allowed.logicalNot(), Number.NEGATIVE_INFINITY);
    }
    if (mask !== null) {
      if (!(mask instanceof g.Tensor) || (mask.dtype !== 'bool' && mask.dtype !== query.dtype)) {
        throw new TypeError(
          `${op}: attnMask must be a bool tensor or a ${query.dtype} tensor like query, got ${mask instanceof g.Tensor ? mask.dtype : String(mask)}`,
        );
      }
      scores = mask.dtype === 'bool' ? scores.maskedFill(mask.logicalNot(), Number.NEGATIVE_INFINITY) : scores.add(mask);
    }
    let weights = scores.softmax(-1);
    if (p > 0) weights = dropout(weights, p);
    return weights.matmul(value);
  });
}

/** Options of `multiHeadAttentionForward` (PyTorch's keyword arguments). */
export interface MultiHeadAttentionForwardOptions {
  /** Apply dropout (default true). */
  training?: boolean;
  /** `[N, S]` (or `[S]` unbatched): bool (true = ignore that key) or float (added). */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights too (default true). */
  needWeights?: boolean;
  /** `[L, S]` or `[N·numHeads, L, S]`: bool (true = not allowed) or float (added). */
  attnMask?: Tensor | null;
  /** Project with `qProjWeight`/`kProjWeight`/`vProjWeight` instead of `inProjWeight`. */
  useSeparateProjWeight?: boolean;
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
  /** Keys already projected and split into heads, `[N·numHeads, S, headDim]`. */
  staticK?: Tensor | null;
  /** Values already projected and split into heads, `[N·numHeads, S, headDim]`. */
  staticV?: Tensor | null;
  /** Average the returned weights over heads (default true). */
  averageAttnWeights?: boolean;
  /** PyTorch 2.x's hint that `attnMask` is the causal mask (it must be given; the result is the same). */
  isCausal?: boolean;
}

const MHA_KEYS = [
  'training',
  'keyPaddingMask',
  'needWeights',
  'attnMask',
  'useSeparateProjWeight',
  'qProjWeight',
  'kProjWeight',
  'vProjWeight',
  'staticK',
  'staticV',
  'averageAttnWeights',
  'isCausal',
] as const;

/** PyTorch's `_mha_shape_check`: whether the input is batched, with its messages. */
function mhaIsBatched(query: Tensor, key: Tensor, value: Tensor, kpm: Tensor | null, mask: Tensor | null, numHeads: number): boolean {
  const op = 'multiHeadAttentionForward';
  if (query.ndim === 3) {
    if (key.ndim !== 3 || value.ndim !== 3)
      throw new Error(
        `${op}: For batched (3-D) query, expected key and value to be 3-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`,
      );
    if (kpm !== null && kpm.ndim !== 2)
      throw new Error(`${op}: For batched (3-D) query, expected keyPaddingMask to be null or 2-D but found ${kpm.ndim}-D tensor instead`);
    if (mask !== null && mask.ndim !== 2 && mask.ndim !== 3)
      throw new Error(`${op}: For batched (3-D) query, expected attnMask to be null, 2-D or 3-D but found ${mask.ndim}-D tensor instead`);
    return true;
  }
  if (query.ndim === 2) {
    if (key.ndim !== 2 || value.ndim !== 2)
      throw new Error(
        `${op}: For unbatched (2-D) query, expected key and value to be 2-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`,
      );
    if (kpm !== null && kpm.ndim !== 1)
      throw new Error(`${op}: For unbatched (2-D) query, expected keyPaddingMask to be null or 1-D but found ${kpm.ndim}-D tensor instead`);
    if (mask !== null) {
      if (mask.ndim !== 2 && mask.ndim !== 3)
        throw new Error(
          `${op}: For unbatched (2-D) query, expected attnMask to be null, 2-D or 3-D but found ${mask.ndim}-D tensor instead`,
        );
      const expected = [numHeads, query.shape[0]!, key.shape[0]!];
      if (mask.ndim === 3 && mask.shape.join() !== expected.join())
        throw new Error(`${op}: Expected attnMask shape to be [${expected.join(', ')}] but got ${shapeOf(mask)}`);
    }
    return false;
  }
  throw new Error(`${op}: query should be unbatched 2D or batched 3D tensor but received ${query.ndim}-D query tensor`);
}

/** A mask as the float that is added to the scores: bool true → -inf (PyTorch's `_canonical_mask`). */
function additiveMask(op: string, name: string, mask: Tensor, dtype: Tensor['dtype']): Tensor {
  if (mask.dtype === 'bool')
    return g.zeros(mask.shape as number[], { dtype, device: mask.device }).maskedFill(mask, Number.NEGATIVE_INFINITY);
  if (!isFloat(mask)) throw new TypeError(`${op}: only bool and floating types of ${name} are supported, got ${mask.dtype}`);
  return mask.dtype === dtype ? mask : mask.to(dtype);
}

/** `t` with one more position of zeros at the end of its last dim (PyTorch's `pad(mask, (0, 1))`). */
function padLast(t: Tensor): Tensor {
  return g.cat([t, g.zeros([...t.shape.slice(0, -1), 1], { dtype: t.dtype, device: t.device })], -1);
}

/**
 * The forward of `MultiheadAttention`, as PyTorch's
 * `F.multi_head_attention_forward`: inputs are sequence-first
 * (`[L, N, E]`, or `[L, E]` unbatched); returns `[output, weights]` where
 * weights is null unless `needWeights` (the default), averaged over heads
 * unless `averageAttnWeights` is false. Masks: bool true = not allowed, or
 * float (added). PyTorch 1.13 merges a bool `attnMask` and a float
 * `keyPaddingMask` with logical or; here both are made additive first, as
 * PyTorch 2.x does (the same numbers for every pair 1.13 accepts otherwise).
 *
 * @example
 * const x = g.randn(5, 2, 8); // L, N, E
 * const w = g.randn(24, 8), b = g.zeros(24), wo = g.randn(8, 8), bo = g.zeros(8);
 * const [out, weights] = F.multiHeadAttentionForward(x, x, x, 8, 2, w, b, null, null, false, 0, wo, bo);
 * out.shape; // [5, 2, 8]; weights.shape: [2, 5, 5]
 */
export function multiHeadAttentionForward(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  embedDimToCheck: number,
  numHeads: number,
  inProjWeight: Tensor | null,
  inProjBias: Tensor | null,
  biasK: Tensor | null,
  biasV: Tensor | null,
  addZeroAttn: boolean,
  dropoutP: number,
  outProjWeight: Tensor,
  outProjBias: Tensor | null,
  options?: MultiHeadAttentionForwardOptions,
): [Tensor, Tensor | null] {
  checkTensorArguments('multiHeadAttentionForward', { query, key, value });
  return g.tidy(() => {
    const op = 'multiHeadAttentionForward';
    const o = g.checkOptions(op, options, MHA_KEYS);
    let kpm = o.keyPaddingMask ?? null;
    let mask = o.attnMask ?? null;
    if (o.isCausal && mask === null)
      throw new Error(`${op}: Need attnMask if specifying the isCausal hint (Transformer.generateSquareSubsequentMask makes one)`);
    const batched = mhaIsBatched(query, key, value, kpm, mask, numHeads);
    let q0 = query;
    let k0 = key;
    let v0 = value;
    if (!batched) {
      q0 = query.unsqueeze(1);
      k0 = key.unsqueeze(1);
      v0 = value.unsqueeze(1);
      if (kpm !== null) kpm = kpm.unsqueeze(0);
    }
    const [tgtLen, bsz, embedDim] = q0.shape as [number, number, number];
    let srcLen = k0.shape[0]!;
    if (embedDim !== embedDimToCheck)
      throw new Error(`${op}: was expecting embedding dimension of ${embedDimToCheck}, but got ${embedDim}`);
    const headDim = Math.floor(embedDim / numHeads);
    if (!Number.isInteger(numHeads) || numHeads < 1 || headDim * numHeads !== embedDim)
      throw new Error(`${op}: embed_dim ${embedDim} not divisible by num_heads ${numHeads}`);
    if (o.useSeparateProjWeight) {
      if (k0.shape.slice(0, 2).join() !== v0.shape.slice(0, 2).join())
        throw new Error(
          `${op}: key's sequence and batch dims [${k0.shape.slice(0, 2).join(', ')}] do not match value's [${v0.shape.slice(0, 2).join(', ')}]`,
        );
    } else if (k0.shape.join() !== v0.shape.join()) {
      throw new Error(`${op}: key shape ${shapeOf(k0)} does not match value shape ${shapeOf(v0)}`);
    }

    // In-projection (PyTorch's _in_projection_packed / _in_projection: the same numbers either way).
    let q: Tensor;
    let k: Tensor;
    let v: Tensor;
    const [bq, bk, bv] = inProjBias ? inProjBias.chunk(3) : [null, null, null];
    if (!o.useSeparateProjWeight) {
      if (!inProjWeight) throw new Error(`${op}: useSeparateProjWeight is false but inProjWeight is null`);
      if (inProjWeight.shape.join() !== [3 * embedDim, embedDim].join())
        throw new Error(`${op}: expecting inProjWeight of shape [${3 * embedDim}, ${embedDim}], but got ${shapeOf(inProjWeight)}`);
      // As PyTorch's _in_projection_packed: one matmul when query, key and value are one tensor, two when key is value.
      if (key === value && query === key) {
        [q, k, v] = linear(q0, inProjWeight, inProjBias).chunk(3, -1) as [Tensor, Tensor, Tensor];
      } else if (key === value) {
        const [wq, wkv] = inProjWeight.split([embedDim, 2 * embedDim]);
        const [bq1, bkv] = inProjBias ? inProjBias.split([embedDim, 2 * embedDim]) : [null, null];
        q = linear(q0, wq!, bq1);
        [k, v] = linear(k0, wkv!, bkv).chunk(2, -1) as [Tensor, Tensor];
      } else {
        const [wq, wk, wv] = inProjWeight.chunk(3);
        q = linear(q0, wq!, bq);
        k = linear(k0, wk!, bk);
        v = linear(v0, wv!, bv);
      }
    } else {
      const { qProjWeight, kProjWeight, vProjWeight } = o;
      if (!qProjWeight || !kProjWeight || !vProjWeight)
        throw new Error(`${op}: useSeparateProjWeight is true but qProjWeight, kProjWeight or vProjWeight is null`);
      q = linear(q0, qProjWeight, bq);
      k = linear(k0, kProjWeight, bk);
      v = linear(v0, vProjWeight, bv);
    }

    if (mask !== null) {
      if (mask.dtype !== 'bool' && !isFloat(mask))
        throw new TypeError(`${op}: Only float and bool types are supported for attnMask, not ${mask.dtype}`);
      if (mask.ndim === 2) {
        if (mask.shape.join() !== [tgtLen, srcLen].join())
          throw new Error(`${op}: The shape of the 2D attnMask is ${shapeOf(mask)}, but should be [${tgtLen}, ${srcLen}].`);
        mask = mask.unsqueeze(0);
      } else if (mask.shape.join() !== [bsz * numHeads, tgtLen, srcLen].join()) {
        throw new Error(
          `${op}: The shape of the 3D attnMask is ${shapeOf(mask)}, but should be [${bsz * numHeads}, ${tgtLen}, ${srcLen}].`,
        );
      }
    }
    if (kpm !== null && kpm.dtype !== 'bool' && !isFloat(kpm))
      throw new TypeError(`${op}: only bool and floating types of keyPaddingMask are supported, got ${kpm.dtype}`);

    if (biasK && biasV) {
      if (o.staticK || o.staticV) throw new Error(`${op}: bias cannot be added to static key or value.`);
      k = g.cat([k, biasK.repeat(1, bsz, 1)]);
      v = g.cat([v, biasV.repeat(1, bsz, 1)]);
      if (mask !== null) mask = padLast(mask);
      if (kpm !== null) kpm = padLast(kpm);
    } else if (biasK || biasV) {
      throw new Error(`${op}: biasK and biasV must be given together`);
    }

    // Heads into the batch dim: [N·H, L, headDim].
    q = q.reshape([tgtLen, bsz * numHeads, headDim]).transpose(0, 1);
    k = splitHeads(op, 'staticK', k, o.staticK ?? null, bsz * numHeads, headDim);
    v = splitHeads(op, 'staticV', v, o.staticV ?? null, bsz * numHeads, headDim);

    if (addZeroAttn) {
      const zeros = g.zeros([bsz * numHeads, 1, headDim], { dtype: k.dtype, device: k.device });
      k = g.cat([k, zeros], 1);
      v = g.cat([v, zeros], 1);
      if (mask !== null) mask = padLast(mask);
      if (kpm !== null) kpm = padLast(kpm);
    }
    srcLen = k.shape[1]!;

    let bias: Tensor | null = mask === null ? null : additiveMask(op, 'attnMask', mask, q.dtype);
    if (kpm !== null) {
      if (kpm.shape.join() !== [bsz, srcLen].join())
        throw new Error(`${op}: expecting keyPaddingMask shape of [${bsz}, ${srcLen}], but got ${shapeOf(kpm)}`);
      const padding = additiveMask(op, 'keyPaddingMask', kpm, q.dtype)
        .reshape([bsz, 1, 1, srcLen])
        .expand([bsz, numHeads, 1, srcLen])
        .reshape([bsz * numHeads, 1, srcLen]);
      bias = bias === null ? padding : bias.add(padding);
    }

    const p = (o.training ?? true) ? checkDropoutProbability(dropoutP) : 0;
    let scores = q.div(Math.sqrt(headDim)).matmul(k.transpose(-2, -1));
    if (bias !== null) scores = bias.add(scores);
    let weights = scores.softmax(-1);
    if (p > 0) weights = dropout(weights, p);
    let out = weights
      .matmul(v)
      .transpose(0, 1)
      .reshape([tgtLen * bsz, embedDim]);
    out = linear(out, outProjWeight, outProjBias).reshape([tgtLen, bsz, out.shape[1]!]);
    if (!batched) out = out.squeeze(1);
    if (!(o.needWeights ?? true)) return [out, null];
    let w = weights.reshape([bsz, numHeads, tgtLen, srcLen]);
    if (o.averageAttnWeights ?? true) w = w.sum(1).div(numHeads);
    if (!batched) w = w.squeeze(0);
    return [out, w];
  });
}

/** `[S, N·H·headDim]`-projected keys or values split into heads, `[N·H, S, headDim]`, or the given static ones (checked). */
function splitHeads(op: string, name: string, t: Tensor, fixed: Tensor | null, batchHeads: number, headDim: number): Tensor {
  if (fixed === null) return t.reshape([t.shape[0]!, batchHeads, headDim]).transpose(0, 1);
  if (fixed.ndim !== 3 || fixed.shape[0] !== batchHeads || fixed.shape[2] !== headDim)
    throw new Error(`${op}: expecting ${name} of shape [${batchHeads}, S, ${headDim}], but got ${shapeOf(fixed)}`);
  return fixed;
}
