/**
 * The Transformer family of PyTorch's `torch.nn` (1.13): encoder and decoder
 * layers, their stacks, and the full `Transformer`, with PyTorch's module
 * names (`self_attn`, `linear1`, `norm1`, `layers.0`, …), initialisation and
 * forward, so state dicts load unchanged and seeded models match PyTorch.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { checkDropoutProbability } from '../argument-checks.js';
import { keywordArguments } from '../arguments.js';
import * as F from '../functional.js';
import * as init from '../init.js';
import { Module, layerInputs, layersFreeIntermediates } from '../module.js';
import { Parameter, parameterFrom } from '../parameter.js';
import { MultiheadAttention } from './attention.js';
import { Dropout, FACTORY_KEYS, type FactoryOptions, LayerNorm, Linear } from './basic.js';
import { ModuleList } from './containers.js';

/** A layer's activation: `'relu'`, `'gelu'`, a function of a tensor, or a module (e.g. `new GELU()`). */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor) | Module;

/** Options of `TransformerEncoderLayer` and `TransformerDecoderLayer` (PyTorch's keyword arguments). */
export interface TransformerLayerOptions extends FactoryOptions {
  /** Hidden size of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout probability everywhere in the layer (default 0.1). */
  dropout?: number;
  /** The feed-forward block's activation (default 'relu'). */
  activation?: TransformerActivation;
  /** LayerNorm's eps (default 1e-5). */
  layerNormEps?: number;
  /** Inputs and outputs are `[N, L, E]` instead of `[L, N, E]` (default false). */
  batchFirst?: boolean;
  /** Normalise before each block (pre-LN) instead of after (default false). */
  normFirst?: boolean;
}

const LAYER_KEYS = ['dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst', ...FACTORY_KEYS] as const;

/** PyTorch's `_get_activation_fn`: the string names resolve to F.relu / F.gelu. */
function activationFn(op: string, a: TransformerActivation | undefined): ((x: Tensor) => Tensor) | Module {
  if (a === undefined || a === 'relu') return F.relu;
  if (a === 'gelu') return F.gelu;
  if (typeof a === 'function' || a instanceof Module) return a;
  throw new Error(`${op}: activation should be relu/gelu, not ${String(a)}`);
}

function applyActivation(a: ((x: Tensor) => Tensor) | Module, x: Tensor): Tensor {
  return a instanceof Module ? (a.call(x) as Tensor) : a(x);
}

function factoryOf(o: FactoryOptions): FactoryOptions {
  return { ...(o.device !== undefined ? { device: o.device } : {}), ...(o.dtype !== undefined ? { dtype: o.dtype } : {}) };
}

/** Options of `TransformerEncoderLayer.forward`. */
export interface EncoderLayerForwardOptions {
  /** `[L, L]` or `[N·nhead, L, L]`: bool (true = not allowed) or float (added). */
  srcMask?: Tensor | null;
  /** `[N, L]`: bool (true = padding) or float (added). */
  srcKeyPaddingMask?: Tensor | null;
  /** PyTorch 2.x's hint that `srcMask` is causal (it must be given; the result is the same). */
  isCausal?: boolean;
}

/**
 * Self-attention then a feed-forward block, each with a residual and a
 * LayerNorm (after, or before with `normFirst`): PyTorch's
 * `nn.TransformerEncoderLayer`. Positional arguments after nhead are
 * PyTorch's order (dimFeedforward, dropout, activation, …) or one options object.
 *
 * @example
 * const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true });
 * layer.call(g.randn(3, 5, 8)).shape; // [3, 5, 8]
 */
export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  /** The feed-forward activation: F.relu, F.gelu, your function, or a module (then a child, as in PyTorch). */
  activation: ((x: Tensor) => Tensor) | Module;

  constructor(dModel: number, nhead: number, options?: TransformerLayerOptions);
  constructor(
    dModel: number,
    nhead: number,
    dimFeedforward?: number,
    dropout?: number,
    activation?: TransformerActivation,
    layerNormEps?: number,
    batchFirst?: boolean,
    normFirst?: boolean,
    options?: FactoryOptions,
  );
  constructor(dModel: number, nhead: number, ...rest: unknown[]) {
    super();
    const o = keywordArguments<TransformerLayerOptions>('TransformerEncoderLayer', rest, LAYER_KEYS);
    const p = checkDropoutProbability(o.dropout ?? 0.1);
    const f = factoryOf(o);
    const eps = o.layerNormEps ?? 1e-5;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: o.batchFirst ?? false, ...f });
    this.linear1 = new Linear(dModel, o.dimFeedforward ?? 2048, f);
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(o.dimFeedforward ?? 2048, dModel, f);
    this.normFirst = o.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, { eps, ...f });
    this.norm2 = new LayerNorm(dModel, { eps, ...f });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.activation = activationFn('TransformerEncoderLayer', o.activation);
  }

  /** The layer on `src`, with PyTorch's positional arguments. */
  override forward(src: Tensor, srcMask?: Tensor | null, srcKeyPaddingMask?: Tensor | null, isCausal?: boolean): Tensor;
  /** The layer on `src`, with keyword options (`srcMask`, `srcKeyPaddingMask`, `isCausal`). */
  override forward(src: Tensor, options?: EncoderLayerForwardOptions): Tensor;
  override forward(src: Tensor, ...rest: unknown[]): Tensor {
    const o = keywordArguments<EncoderLayerForwardOptions>('TransformerEncoderLayer.forward', rest, [
      'srcMask',
      'srcKeyPaddingMask',
      'isCausal',
    ]);
    const mask = o.srcMask ?? null;
    const kpm = o.srcKeyPaddingMask ?? null;
    const sa = (x: Tensor) =>
      this.dropout1.call(
        this.self_attn.call(x, x, x, { attnMask: mask, keyPaddingMask: kpm, needWeights: false, isCausal: o.isCausal ?? false })[0],
      );
    const ff = (x: Tensor) =>
      this.dropout2.call(this.linear2.call(this.dropout.call(applyActivation(this.activation, this.linear1.call(x)))));
    let x = src;
    if (this.normFirst) {
      x = x.add(sa(this.norm1.call(x)));
      x = x.add(ff(this.norm2.call(x)));
    } else {
      x = this.norm1.call(x.add(sa(x)));
      x = this.norm2.call(x.add(ff(x)));
    }
    return x;
  }
}

/** Options of `TransformerDecoderLayer.forward` (and `TransformerDecoder.forward`). */
export interface DecoderLayerForwardOptions {
  /** `[T, T]` or `[N·nhead, T, T]` mask of the self-attention: bool (true = not allowed) or float (added). */
  tgtMask?: Tensor | null;
  /** `[T, S]` or `[N·nhead, T, S]` mask of the attention over the memory. */
  memoryMask?: Tensor | null;
  /** `[N, T]`: bool (true = padding) or float (added). */
  tgtKeyPaddingMask?: Tensor | null;
  /** `[N, S]`: bool (true = padding) or float (added). */
  memoryKeyPaddingMask?: Tensor | null;
  /** PyTorch 2.x's hint that `tgtMask` is causal (it must be given; the result is the same). */
  tgtIsCausal?: boolean;
  /** PyTorch 2.x's hint that `memoryMask` is causal (it must be given; the result is the same). */
  memoryIsCausal?: boolean;
}

const DECODER_FORWARD_KEYS = [
  'tgtMask',
  'memoryMask',
  'tgtKeyPaddingMask',
  'memoryKeyPaddingMask',
  'tgtIsCausal',
  'memoryIsCausal',
] as const;

/**
 * Self-attention, attention over the encoder's output (the memory), then a
 * feed-forward block, each with a residual and a LayerNorm: PyTorch's
 * `nn.TransformerDecoderLayer`.
 *
 * @example
 * const layer = new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 });
 * layer.call(g.randn(4, 2, 8), g.randn(6, 2, 8)).shape; // [4, 2, 8]
 */
export class TransformerDecoderLayer extends Module {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  /** The feed-forward activation: F.relu, F.gelu, your function, or a module (then a child, as in PyTorch). */
  activation: ((x: Tensor) => Tensor) | Module;

  constructor(dModel: number, nhead: number, options?: TransformerLayerOptions);
  constructor(
    dModel: number,
    nhead: number,
    dimFeedforward?: number,
    dropout?: number,
    activation?: TransformerActivation,
    layerNormEps?: number,
    batchFirst?: boolean,
    normFirst?: boolean,
    options?: FactoryOptions,
  );
  constructor(dModel: number, nhead: number, ...rest: unknown[]) {
    super();
    const o = keywordArguments<TransformerLayerOptions>('TransformerDecoderLayer', rest, LAYER_KEYS);
    const p = checkDropoutProbability(o.dropout ?? 0.1);
    const f = factoryOf(o);
    const eps = o.layerNormEps ?? 1e-5;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: o.batchFirst ?? false, ...f });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: o.batchFirst ?? false, ...f });
    this.linear1 = new Linear(dModel, o.dimFeedforward ?? 2048, f);
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(o.dimFeedforward ?? 2048, dModel, f);
    this.normFirst = o.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, { eps, ...f });
    this.norm2 = new LayerNorm(dModel, { eps, ...f });
    this.norm3 = new LayerNorm(dModel, { eps, ...f });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.dropout3 = new Dropout(p);
    this.activation = activationFn('TransformerDecoderLayer', o.activation);
  }

  /** The layer on `tgt` attending to `memory`, with PyTorch's positional arguments. */
  override forward(
    tgt: Tensor,
    memory: Tensor,
    tgtMask?: Tensor | null,
    memoryMask?: Tensor | null,
    tgtKeyPaddingMask?: Tensor | null,
    memoryKeyPaddingMask?: Tensor | null,
    tgtIsCausal?: boolean,
    memoryIsCausal?: boolean,
  ): Tensor;
  /** The layer on `tgt` attending to `memory`, with keyword options (masks and causal hints). */
  override forward(tgt: Tensor, memory: Tensor, options?: DecoderLayerForwardOptions): Tensor;
  override forward(tgt: Tensor, memory: Tensor, ...rest: unknown[]): Tensor {
    const o = keywordArguments<DecoderLayerForwardOptions>('TransformerDecoderLayer.forward', rest, DECODER_FORWARD_KEYS);
    const sa = (x: Tensor) =>
      this.dropout1.call(
        this.self_attn.call(x, x, x, {
          attnMask: o.tgtMask ?? null,
          keyPaddingMask: o.tgtKeyPaddingMask ?? null,
          needWeights: false,
          isCausal: o.tgtIsCausal ?? false,
        })[0],
      );
    const mha = (x: Tensor) =>
      this.dropout2.call(
        this.multihead_attn.call(x, memory, memory, {
          attnMask: o.memoryMask ?? null,
          keyPaddingMask: o.memoryKeyPaddingMask ?? null,
          needWeights: false,
          isCausal: o.memoryIsCausal ?? false,
        })[0],
      );
    const ff = (x: Tensor) =>
      this.dropout3.call(this.linear2.call(this.dropout.call(applyActivation(this.activation, this.linear1.call(x)))));
    let x = tgt;
    if (this.normFirst) {
      x = x.add(sa(this.norm1.call(x)));
      x = x.add(mha(this.norm2.call(x)));
      x = x.add(ff(this.norm3.call(x)));
    } else {
      x = this.norm1.call(x.add(sa(x)));
      x = this.norm2.call(x.add(mha(x)));
      x = this.norm3.call(x.add(ff(x)));
    }
    return x;
  }
}

/**
 * A copy of a module with its own parameters and buffers (equal values,
 * separate storage) and no draw from the generator: Python's
 * `copy.deepcopy`, which PyTorch's `_get_clones` uses, so every layer of a
 * stack starts equal to the one given. Shared tensors and modules stay
 * shared within the copy; hooks registered on the given layer are not copied.
 */
function deepCopyModule<M extends Module>(m: M, memo = new Map<object, unknown>()): M {
  const copyValue = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (memo.has(v)) return memo.get(v);
    let out: unknown;
    if (v instanceof Parameter) {
      const p = parameterFrom(g.noGrad(() => v.clone()));
      out = v.requiresGrad ? p : p.requiresGrad_(false);
    } else if (v instanceof g.Tensor) out = g.noGrad(() => v.clone());
    else if (v instanceof Module) out = deepCopyModule(v, memo);
    else if (v instanceof Set) out = new Set(v);
    else if (Array.isArray(v)) out = v.map(copyValue);
    else out = v;
    memo.set(v, out);
    return out;
  };
  // Module's constructor only (with the copy's class as new.target): Module's own private state exists, and
  // nothing the subclass's constructor does (drawing initial weights) runs. Hooks are not copied (they live in
  // Module's private state).
  const copy = Reflect.construct(Module, [], m.constructor) as unknown as Record<string, unknown>;
  memo.set(m, copy);
  for (const [k, v] of Object.entries(m)) copy[k] = copyValue(v);
  return copy as unknown as M;
}

/** Options of `TransformerEncoder` (PyTorch's keyword arguments). */
export interface TransformerEncoderOptions {
  /** Applied to the output of the last layer (Transformer passes a LayerNorm). */
  norm?: Module | null;
  /**
   * Accepted for PyTorch compatibility. Graft has no nested tensors: where PyTorch's inference path would use
   * them (eval, no grad, a padding mask), it returns zeros at padded positions; Graft returns computed values there.
   */
  enableNestedTensor?: boolean;
  /** Accepted for PyTorch compatibility (it only concerns the nested-tensor path). */
  maskCheck?: boolean;
}

/**
 * `numLayers` copies of an encoder layer (all starting equal to it, as
 * PyTorch's deepcopy clones), then an optional norm: `nn.TransformerEncoder`.
 *
 * @example
 * const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
 * const encoder = new TransformerEncoder(layer, 3, { norm: new LayerNorm(8) });
 * encoder.call(g.randn(5, 2, 8), { mask: Transformer.generateSquareSubsequentMask(5) }).shape; // [5, 2, 8]
 */
export class TransformerEncoder extends Module {
  layers: ModuleList;
  readonly numLayers: number;
  norm: Module | null;
  readonly enableNestedTensor: boolean;
  readonly maskCheck: boolean;

  constructor(encoderLayer: Module, numLayers: number, options?: TransformerEncoderOptions) {
    super();
    const o = g.checkOptions('TransformerEncoder', options, ['norm', 'enableNestedTensor', 'maskCheck']);
    if (!(encoderLayer instanceof Module))
      throw new TypeError('TransformerEncoder: encoderLayer must be a Module (a TransformerEncoderLayer)');
    if (!Number.isSafeInteger(numLayers) || numLayers < 0)
      throw new Error(`TransformerEncoder: numLayers must be a non-negative integer, got ${String(numLayers)}`);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => deepCopyModule(encoderLayer)));
    this.numLayers = numLayers;
    this.norm = o.norm ?? null;
    this.enableNestedTensor = o.enableNestedTensor ?? true;
    this.maskCheck = o.maskCheck ?? true;
  }

  override forward(src: Tensor, options?: { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean }): Tensor {
    const o = g.checkOptions('TransformerEncoder.forward', options, ['mask', 'srcKeyPaddingMask', 'isCausal']);
    let out = src;
    for (const layer of this.layers)
      out = layer.call(out, { srcMask: o.mask ?? null, srcKeyPaddingMask: o.srcKeyPaddingMask ?? null, isCausal: o.isCausal ?? false });
    return this.norm ? (this.norm.call(out) as Tensor) : out;
  }
}

/**
 * `numLayers` copies of a decoder layer, then an optional norm: `nn.TransformerDecoder`.
 *
 * @example
 * const layer = new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 });
 * const decoder = new TransformerDecoder(layer, 2);
 * decoder.call(g.randn(4, 2, 8), g.randn(6, 2, 8), { tgtMask: Transformer.generateSquareSubsequentMask(4) }).shape; // [4, 2, 8]
 */
export class TransformerDecoder extends Module {
  layers: ModuleList;
  readonly numLayers: number;
  norm: Module | null;

  constructor(decoderLayer: Module, numLayers: number, options?: { norm?: Module | null }) {
    super();
    const o = g.checkOptions('TransformerDecoder', options, ['norm']);
    if (!(decoderLayer instanceof Module))
      throw new TypeError('TransformerDecoder: decoderLayer must be a Module (a TransformerDecoderLayer)');
    if (!Number.isSafeInteger(numLayers) || numLayers < 0)
      throw new Error(`TransformerDecoder: numLayers must be a non-negative integer, got ${String(numLayers)}`);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => deepCopyModule(decoderLayer)));
    this.numLayers = numLayers;
    this.norm = o.norm ?? null;
  }

  override forward(tgt: Tensor, memory: Tensor, options?: DecoderLayerForwardOptions): Tensor {
    const o = g.checkOptions('TransformerDecoder.forward', options, DECODER_FORWARD_KEYS);
    let out = tgt;
    for (const layer of this.layers) out = layer.call(out, memory, o);
    return this.norm ? (this.norm.call(out) as Tensor) : out;
  }
}

/** Options of `Transformer` (PyTorch's keyword arguments). */
export interface TransformerOptions extends TransformerLayerOptions {
  /** Model width (default 512). */
  dModel?: number;
  /** Attention heads (default 8). */
  nhead?: number;
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
  /** Used instead of the default encoder. */
  customEncoder?: Module | null;
  /** Used instead of the default decoder. */
  customDecoder?: Module | null;
}

/** Options of `Transformer.forward`. */
export interface TransformerForwardOptions {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
}

/**
 * The encoder-decoder Transformer of "Attention Is All You Need", PyTorch's
 * `nn.Transformer`: every weight matrix re-drawn xavier-uniform after
 * construction, as PyTorch's `_reset_parameters`.
 *
 * @example
 * const model = new Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16 });
 * const tgtMask = Transformer.generateSquareSubsequentMask(4);
 * model.call(g.randn(6, 2, 8), g.randn(4, 2, 8), { tgtMask }).shape; // [4, 2, 8]
 */
export class Transformer extends Module {
  encoder: Module;
  decoder: Module;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  constructor(options?: TransformerOptions);
  constructor(dModel?: number, nhead?: number, numEncoderLayers?: number, numDecoderLayers?: number, options?: TransformerOptions);
  constructor(...args: unknown[]) {
    super();
    // PyTorch's positional order: d_model, nhead, num_encoder_layers, num_decoder_layers, dim_feedforward, dropout, activation, …
    const o = keywordArguments<TransformerOptions>('Transformer', args, [
      'dModel',
      'nhead',
      'numEncoderLayers',
      'numDecoderLayers',
      'dimFeedforward',
      'dropout',
      'activation',
      'customEncoder',
      'customDecoder',
      'layerNormEps',
      'batchFirst',
      'normFirst',
      ...FACTORY_KEYS,
    ]);
    const dModel = o.dModel ?? 512;
    const nhead = o.nhead ?? 8;
    const f = factoryOf(o);
    const layerOptions: TransformerLayerOptions = {
      dimFeedforward: o.dimFeedforward ?? 2048,
      dropout: o.dropout ?? 0.1,
      activation: o.activation ?? 'relu',
      layerNormEps: o.layerNormEps ?? 1e-5,
      batchFirst: o.batchFirst ?? false,
      normFirst: o.normFirst ?? false,
      ...f,
    };
    const eps = layerOptions.layerNormEps!;
    this.encoder =
      o.customEncoder ??
      new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, layerOptions), o.numEncoderLayers ?? 6, {
        norm: new LayerNorm(dModel, { eps, ...f }),
      });
    this.decoder =
      o.customDecoder ??
      new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, layerOptions), o.numDecoderLayers ?? 6, {
        norm: new LayerNorm(dModel, { eps, ...f }),
      });
    this.resetParameters();
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = layerOptions.batchFirst!;
  }

  /** Re-draws every parameter with more than one dim, xavier-uniform (PyTorch's `_reset_parameters`). */
  resetParameters(): void {
    for (const p of this.parameters()) if (p.ndim > 1) init.xavierUniform_(p);
  }

  override forward(src: Tensor, tgt: Tensor, options?: TransformerForwardOptions): Tensor {
    const o = g.checkOptions('Transformer.forward', options, [
      'srcMask',
      'tgtMask',
      'memoryMask',
      'srcKeyPaddingMask',
      'tgtKeyPaddingMask',
      'memoryKeyPaddingMask',
    ]);
    const batched = src.ndim === 3;
    const batchDim = this.batchFirst ? 0 : 1;
    if (batched && src.shape[batchDim] !== tgt.shape[batchDim])
      throw new Error(`Transformer: the batch number of src and tgt must be equal (src ${src.shape}, tgt ${tgt.shape})`);
    if (src.shape[src.ndim - 1] !== this.dModel || tgt.shape[tgt.ndim - 1] !== this.dModel)
      throw new Error(
        `Transformer: the feature number of src and tgt must be equal to d_model (${this.dModel}); got src [${src.shape.join(', ')}], tgt [${tgt.shape.join(', ')}]`,
      );
    const memory = this.encoder.call(src, { mask: o.srcMask ?? null, srcKeyPaddingMask: o.srcKeyPaddingMask ?? null }) as Tensor;
    return this.decoder.call(tgt, memory, {
      tgtMask: o.tgtMask ?? null,
      memoryMask: o.memoryMask ?? null,
      tgtKeyPaddingMask: o.tgtKeyPaddingMask ?? null,
      memoryKeyPaddingMask: o.memoryKeyPaddingMask ?? null,
    }) as Tensor;
  }

  /**
   * A `[sz, sz]` float mask with -inf above the diagonal and 0 elsewhere:
   * position i may attend to positions ≤ i.
   *
   * @example
   * Transformer.generateSquareSubsequentMask(3);
   * // tensor([[0., -inf, -inf], [0., 0., -inf], [0., 0., 0.]])
   */
  static generateSquareSubsequentMask(sz: number, options?: { device?: string; dtype?: 'float32' | 'float64' }): Tensor {
    const o = g.checkOptions('generateSquareSubsequentMask', options, ['device', 'dtype']);
    if (!Number.isSafeInteger(sz) || sz < 0)
      throw new Error(`generateSquareSubsequentMask: sz must be a non-negative integer, got ${String(sz)}`);
    return g.tidy(() =>
      g.full([sz, sz], Number.NEGATIVE_INFINITY, { dtype: o.dtype ?? 'float32', ...(o.device ? { device: o.device } : {}) }).triu(1),
    );
  }
}

// The stacks and Transformer too: a custom layer inside them that keeps a tensor it makes must `g.keep` it.
layersFreeIntermediates(TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder, TransformerDecoder, Transformer);
layerInputs(2, [TransformerDecoderLayer, TransformerDecoder, Transformer]);
