/** MultiheadAttention, with PyTorch's parameter names, initialisation and forward. */
import type { Tensor } from '@graft/core';
import { checkDropoutProbability } from '../argument-checks.js';
import { keywordArguments } from '../arguments.js';
import { multiHeadAttentionForward } from '../attention.js';
import * as init from '../init.js';
import { Module, layerInputs, layersFreeIntermediates } from '../module.js';
import { type Parameter, parameterFrom } from '../parameter.js';
import { FACTORY_KEYS, type FactoryOptions, Linear, empty } from './basic.js';

/**
 * The output projection of `MultiheadAttention`: a `Linear` under PyTorch's
 * class name (its repr, and its initialisation: kaiming-uniform weight).
 *
 * @example
 * new MultiheadAttention(8, 2).out_proj instanceof Linear; // true
 */
export class NonDynamicallyQuantizableLinear extends Linear {}

/** Options of `MultiheadAttention` (PyTorch's keyword arguments). */
export interface MultiheadAttentionOptions extends FactoryOptions {
  /** Dropout on the attention weights in training (default 0). */
  dropout?: number;
  /** Biases on the in- and out-projections (default true). */
  bias?: boolean;
  /** Learned `bias_k`/`bias_v` appended to the keys and values (default false). */
  addBiasKv?: boolean;
  /** Append a zero key and value (default false). */
  addZeroAttn?: boolean;
  /** The keys' feature size (default embedDim); when it differs, separate q/k/v weights are used. */
  kdim?: number | null;
  /** The values' feature size (default embedDim). */
  vdim?: number | null;
  /** Inputs and outputs are `[N, L, E]` instead of `[L, N, E]` (default false). */
  batchFirst?: boolean;
}

/** Options of `MultiheadAttention.forward` (PyTorch's keyword arguments). */
export interface MultiheadAttentionForwardOptions {
  /** `[N, S]` (`[S]` unbatched): bool (true = ignore that key) or float (added). */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** `[L, S]` or `[N·numHeads, L, S]`: bool (true = not allowed) or float (added). */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads (default true). */
  averageAttnWeights?: boolean;
  /** PyTorch 2.x's hint that `attnMask` is causal (it must be given; the result is the same). */
  isCausal?: boolean;
}

/**
 * Multi-head attention, PyTorch's `nn.MultiheadAttention`: parameters
 * `in_proj_weight` `[3E, E]` (or `q_proj_weight`/`k_proj_weight`/`v_proj_weight`
 * when kdim/vdim differ from embedDim), `in_proj_bias`, `out_proj.weight`/`.bias`,
 * `bias_k`/`bias_v`, so PyTorch state dicts load unchanged; initialised as
 * PyTorch does (xavier-uniform in-projection, zero biases), drawing in its
 * order so a seeded layer starts from PyTorch's weights. `forward` returns
 * `[output, weights]` (weights null when `needWeights` is false).
 *
 * @example
 * const mha = new MultiheadAttention(8, 2, { batchFirst: true });
 * const x = g.randn(3, 5, 8);
 * const [out, weights] = mha.call(x, x, x, { needWeights: true });
 * out.shape; // [3, 5, 8]; weights.shape: [3, 5, 5]
 */
export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly numHeads: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly headDim: number;
  readonly addZeroAttn: boolean;
  q_proj_weight: Parameter | null = null;
  k_proj_weight: Parameter | null = null;
  v_proj_weight: Parameter | null = null;
  in_proj_weight: Parameter | null = null;
  in_proj_bias: Parameter | null;
  out_proj: NonDynamicallyQuantizableLinear;
  bias_k: Parameter | null;
  bias_v: Parameter | null;

  constructor(embedDim: number, numHeads: number, options?: MultiheadAttentionOptions);
  constructor(
    embedDim: number,
    numHeads: number,
    dropout?: number,
    bias?: boolean,
    addBiasKv?: boolean,
    addZeroAttn?: boolean,
    kdim?: number | null,
    vdim?: number | null,
    batchFirst?: boolean,
    options?: FactoryOptions,
  );
  constructor(embedDim: number, numHeads: number, ...rest: unknown[]) {
    super();
    const o = keywordArguments<MultiheadAttentionOptions>('MultiheadAttention', rest, [
      'dropout',
      'bias',
      'addBiasKv',
      'addZeroAttn',
      'kdim',
      'vdim',
      'batchFirst',
      ...FACTORY_KEYS,
    ]);
    for (const [name, n] of [
      ['embedDim', embedDim],
      ['numHeads', numHeads],
    ] as const) {
      if (!Number.isSafeInteger(n) || n < 1) throw new Error(`MultiheadAttention: ${name} must be a positive integer, got ${String(n)}`);
    }
    this.embedDim = embedDim;
    this.kdim = o.kdim ?? embedDim;
    this.vdim = o.vdim ?? embedDim;
    this.numHeads = numHeads;
    this.dropout = checkDropoutProbability(o.dropout ?? 0);
    this.batchFirst = o.batchFirst ?? false;
    this.headDim = Math.floor(embedDim / numHeads);
    if (this.headDim * numHeads !== embedDim)
      throw new Error(`MultiheadAttention: embed_dim must be divisible by num_heads (got embedDim=${embedDim}, numHeads=${numHeads})`);
    if (this.qkvSameEmbedDim) {
      this.in_proj_weight = parameterFrom(empty([3 * embedDim, embedDim], o));
    } else {
      this.q_proj_weight = parameterFrom(empty([embedDim, embedDim], o));
      this.k_proj_weight = parameterFrom(empty([embedDim, this.kdim], o));
      this.v_proj_weight = parameterFrom(empty([embedDim, this.vdim], o));
    }
    const bias = o.bias ?? true;
    this.in_proj_bias = bias ? parameterFrom(empty([3 * embedDim], o)) : null;
    // Linear's constructor draws its own initialisation first, as PyTorch's does.
    this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias, ...factoryOf(o) });
    const addBiasKv = o.addBiasKv ?? false;
    this.bias_k = addBiasKv ? parameterFrom(empty([1, 1, embedDim], o)) : null;
    this.bias_v = addBiasKv ? parameterFrom(empty([1, 1, embedDim], o)) : null;
    this.addZeroAttn = o.addZeroAttn ?? false;
    this.resetParameters();
  }

  /** Whether keys and values have embedDim features (one packed `in_proj_weight`). */
  get qkvSameEmbedDim(): boolean {
    return this.kdim === this.embedDim && this.vdim === this.embedDim;
  }

  /** Re-draws the parameters as PyTorch's `_reset_parameters`. */
  resetParameters(): void {
    if (this.in_proj_weight) init.xavierUniform_(this.in_proj_weight);
    else for (const w of [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) init.xavierUniform_(w!);
    if (this.in_proj_bias) {
      init.constant_(this.in_proj_bias, 0);
      init.constant_(this.out_proj.bias!, 0);
    }
    if (this.bias_k) init.xavierNormal_(this.bias_k);
    if (this.bias_v) init.xavierNormal_(this.bias_v);
  }

  /** Attention of `query` over `key`/`value`, with PyTorch's positional arguments: returns `[output, weights | null]`. */
  override forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    keyPaddingMask?: Tensor | null,
    needWeights?: boolean,
    attnMask?: Tensor | null,
    averageAttnWeights?: boolean,
    isCausal?: boolean,
  ): [Tensor, Tensor | null];
  /** Attention of `query` over `key`/`value`, with keyword options: returns `[output, weights | null]`. */
  override forward(query: Tensor, key: Tensor, value: Tensor, options?: MultiheadAttentionForwardOptions): [Tensor, Tensor | null];
  override forward(query: Tensor, key: Tensor, value: Tensor, ...rest: unknown[]): [Tensor, Tensor | null] {
    const o = keywordArguments<MultiheadAttentionForwardOptions>('MultiheadAttention.forward', rest, [
      'keyPaddingMask',
      'needWeights',
      'attnMask',
      'averageAttnWeights',
      'isCausal',
    ]);
    const batched = query.ndim === 3;
    const flip = this.batchFirst && batched;
    // Transposed once per distinct tensor: the functional form recognises self-attention by identity (as PyTorch's does).
    const flipped = new Map<Tensor, Tensor>();
    const batchSecond = (t: Tensor) => {
      if (!flipped.has(t)) flipped.set(t, t.transpose(1, 0));
      return flipped.get(t)!;
    };
    const [q, k, v] = flip ? [query, key, value].map(batchSecond) : [query, key, value];
    const [out, weights] = multiHeadAttentionForward(
      q!,
      k!,
      v!,
      this.embedDim,
      this.numHeads,
      this.in_proj_weight,
      this.in_proj_bias,
      this.bias_k,
      this.bias_v,
      this.addZeroAttn,
      this.dropout,
      this.out_proj.weight,
      this.out_proj.bias,
      {
        training: this.training,
        keyPaddingMask: o.keyPaddingMask ?? null,
        needWeights: o.needWeights ?? true,
        attnMask: o.attnMask ?? null,
        averageAttnWeights: o.averageAttnWeights ?? true,
        isCausal: o.isCausal ?? false,
        ...(this.qkvSameEmbedDim
          ? {}
          : {
              useSeparateProjWeight: true,
              qProjWeight: this.q_proj_weight,
              kProjWeight: this.k_proj_weight,
              vProjWeight: this.v_proj_weight,
            }),
      },
    );
    return [flip ? out.transpose(1, 0) : out, weights];
  }
}

function factoryOf(o: FactoryOptions): FactoryOptions {
  return { ...(o.device !== undefined ? { device: o.device } : {}), ...(o.dtype !== undefined ? { dtype: o.dtype } : {}) };
}

layersFreeIntermediates(MultiheadAttention, NonDynamicallyQuantizableLinear);
layerInputs(3, [MultiheadAttention]);
