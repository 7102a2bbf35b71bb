/**
 * The activation modules beyond ReLU/LeakyReLU/GELU/Softmax: each a thin
 * wrapper over its `nn.functional` form, with PyTorch's constructor
 * arguments (positional or in an options object) and repr.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import * as A from '../activations.js';
import { keywordArguments } from '../arguments.js';
import * as F from '../functional.js';
import * as init from '../init.js';
import type { InplaceOptions } from '../inplace.js';
import { Module, layersFreeIntermediates } from '../module.js';
import { type Parameter, parameterFrom } from '../parameter.js';
import { pythonFloat, pythonValue } from '../python-repr.js';
import { empty, FACTORY_KEYS, type FactoryOptions, type NoOptions } from './basic.js';

const inplaceRepr = (inplace: boolean) => (inplace ? 'inplace=True' : '');
const inplaceSuffix = (inplace: boolean) => (inplace ? ', inplace=True' : '');

/** A module whose only argument is `inplace`. */
abstract class InplaceActivation extends Module {
  readonly inplace: boolean;
  constructor(op: string, args: unknown[]) {
    super();
    this.inplace = keywordArguments<InplaceOptions>(op, args, ['inplace']).inplace ?? false;
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}

/** A module that takes no arguments (an empty options object is accepted). */
abstract class PlainActivation extends Module {
  constructor(op: string, options: NoOptions | undefined) {
    super();
    g.checkOptions(op, options, []);
  }
}

/** ELU: x for x > 0, alpha·(eˣ − 1) otherwise. @example new ELU().call(x); new ELU(0.5); new ELU({ alpha: 0.5, inplace: true }) */
export class ELU extends Module {
  readonly alpha: number;
  readonly inplace: boolean;
  constructor(alpha?: number, inplace?: boolean);
  constructor(options?: A.EluOptions);
  constructor(alpha: number, options?: InplaceOptions);
  constructor(...args: unknown[]) {
    super();
    const o = keywordArguments<A.EluOptions>('ELU', args, ['alpha', 'inplace']);
    this.alpha = o.alpha ?? 1;
    this.inplace = o.inplace ?? false;
  }
  override forward(x: Tensor): Tensor {
    return A.elu(x, this.alpha, this.inplace);
  }
  override extraRepr(): string {
    return `alpha=${pythonFloat(this.alpha)}${inplaceSuffix(this.inplace)}`;
  }
}

/** CELU: x for x > 0, alpha·(e^(x/alpha) − 1) otherwise. @example new CELU(2).call(x) */
export class CELU extends Module {
  readonly alpha: number;
  readonly inplace: boolean;
  constructor(alpha?: number, inplace?: boolean);
  constructor(options?: A.EluOptions);
  constructor(alpha: number, options?: InplaceOptions);
  constructor(...args: unknown[]) {
    super();
    const o = keywordArguments<A.EluOptions>('CELU', args, ['alpha', 'inplace']);
    this.alpha = o.alpha ?? 1;
    this.inplace = o.inplace ?? false;
  }
  override forward(x: Tensor): Tensor {
    return A.celu(x, this.alpha, this.inplace);
  }
  override extraRepr(): string {
    return `alpha=${pythonFloat(this.alpha)}${inplaceSuffix(this.inplace)}`;
  }
}

/** SELU, with PyTorch's α and scale. @example new SELU().call(x) */
export class SELU extends InplaceActivation {
  constructor(inplace?: boolean);
  constructor(options?: InplaceOptions);
  constructor(...args: unknown[]) {
    super('SELU', args);
  }
  override forward(x: Tensor): Tensor {
    return A.selu(x, this.inplace);
  }
}

/** SiLU (swish): x·σ(x). @example new SiLU().call(x) */
export class SiLU extends InplaceActivation {
  constructor(inplace?: boolean);
  constructor(options?: InplaceOptions);
  constructor(...args: unknown[]) {
    super('SiLU', args);
  }
  override forward(x: Tensor): Tensor {
    return A.silu(x, this.inplace);
  }
}

/** Mish: x·tanh(softplus(x)). @example new Mish().call(x) */
export class Mish extends InplaceActivation {
  constructor(inplace?: boolean);
  constructor(options?: InplaceOptions);
  constructor(...args: unknown[]) {
    super('Mish', args);
  }
  override forward(x: Tensor): Tensor {
    return A.mish(x, this.inplace);
  }
}

/** Hardswish: x·relu6(x + 3)/6. @example new Hardswish().call(x) */
export class Hardswish extends InplaceActivation {
  constructor(inplace?: boolean);
  constructor(options?: InplaceOptions);
  constructor(...args: unknown[]) {
    super('Hardswish', args);
  }
  override forward(x: Tensor): Tensor {
    return A.hardswish(x, this.inplace);
  }
}

/** Hardsigmoid: relu6(x + 3)/6. @example new Hardsigmoid().call(x) */
export class Hardsigmoid extends InplaceActivation {
  constructor(inplace?: boolean);
  constructor(options?: InplaceOptions);
  constructor(...args: unknown[]) {
    super('Hardsigmoid', args);
  }
  override forward(x: Tensor): Tensor {
    return A.hardsigmoid(x, this.inplace);
  }
}

/** ReLU6: min(max(x, 0), 6). @example new ReLU6().call(x) */
export class ReLU6 extends InplaceActivation {
  constructor(inplace?: boolean);
  constructor(options?: InplaceOptions);
  constructor(...args: unknown[]) {
    super('ReLU6', args);
  }
  override forward(x: Tensor): Tensor {
    return A.relu6(x, this.inplace);
  }
}

/** Softplus: log(1 + e^(beta·x))/beta, linear above the threshold. @example new Softplus().call(x); new Softplus({ beta: 2, threshold: 10 }) */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(beta?: number, threshold?: number);
  constructor(options?: A.SoftplusOptions);
  constructor(...args: unknown[]) {
    super();
    const o = keywordArguments<A.SoftplusOptions>('Softplus', args, ['beta', 'threshold']);
    this.beta = o.beta ?? 1;
    this.threshold = o.threshold ?? 20;
  }
  override forward(x: Tensor): Tensor {
    return A.softplus(x, this.beta, this.threshold);
  }
  override extraRepr(): string {
    // PyTorch's defaults are the ints 1 and 20: they print without a decimal point.
    return `beta=${pythonValue(this.beta)}, threshold=${pythonValue(this.threshold)}`;
  }
}

/** Softsign: x / (1 + |x|). @example new Softsign().call(x) */
export class Softsign extends PlainActivation {
  constructor(options?: NoOptions) {
    super('Softsign', options);
  }
  override forward(x: Tensor): Tensor {
    return A.softsign(x);
  }
}

/** Tanhshrink: x − tanh(x). @example new Tanhshrink().call(x) */
export class Tanhshrink extends PlainActivation {
  constructor(options?: NoOptions) {
    super('Tanhshrink', options);
  }
  override forward(x: Tensor): Tensor {
    return A.tanhshrink(x);
  }
}

/** LogSigmoid: log σ(x), stable. @example new LogSigmoid().call(x) */
export class LogSigmoid extends PlainActivation {
  constructor(options?: NoOptions) {
    super('LogSigmoid', options);
  }
  override forward(x: Tensor): Tensor {
    return A.logsigmoid(x);
  }
}

/** Softmax over the channels (dim −3) of a [C, H, W] or [N, C, H, W] input. @example new Softmax2d().call(g.randn(1, 3, 2, 2)) */
export class Softmax2d extends PlainActivation {
  constructor(options?: NoOptions) {
    super('Softmax2d', options);
  }
  override forward(x: Tensor): Tensor {
    if (x.ndim !== 3 && x.ndim !== 4)
      throw new Error(`Softmax2d: expected input of 3 or 4 dimensions (got ${x.ndim}-D input of shape [${x.shape.join(', ')}])`);
    return x.softmax(-3);
  }
}

/** Hardtanh: x clamped to [minVal, maxVal]. @example new Hardtanh().call(x); new Hardtanh(-2, 2); new Hardtanh({ minVal: 0, maxVal: 1 }) */
export class Hardtanh extends Module {
  readonly minVal: number;
  readonly maxVal: number;
  readonly inplace: boolean;
  constructor(minVal?: number, maxVal?: number, inplace?: boolean);
  constructor(options?: A.HardtanhOptions);
  constructor(minVal: number, maxVal: number, options?: InplaceOptions);
  constructor(...args: unknown[]) {
    super();
    const o = keywordArguments<A.HardtanhOptions>('Hardtanh', args, ['minVal', 'maxVal', 'inplace']);
    this.minVal = o.minVal ?? -1;
    this.maxVal = o.maxVal ?? 1;
    this.inplace = o.inplace ?? false;
    A.checkHardtanhBounds('Hardtanh', this.minVal, this.maxVal);
  }
  override forward(x: Tensor): Tensor {
    return A.hardtanh(x, this.minVal, this.maxVal, this.inplace);
  }
  override extraRepr(): string {
    return `min_val=${pythonFloat(this.minVal)}, max_val=${pythonFloat(this.maxVal)}${inplaceSuffix(this.inplace)}`;
  }
}

/** Options of `PReLU`. */
export interface PReLUOptions extends FactoryOptions {
  /** One slope, or one per channel (default 1). */
  numParameters?: number;
  /** The slopes' initial value (default 0.25). */
  init?: number;
}

/**
 * PReLU: x for x > 0, a·x otherwise, with a learnt slope `weight` (one, or
 * one per channel), initialised to 0.25 as PyTorch's.
 *
 * @example
 * new PReLU().call(x);
 * new PReLU({ numParameters: 3, init: 0.1 }).call(g.randn(2, 3, 4));
 */
export class PReLU extends Module {
  readonly numParameters: number;
  readonly init: number;
  weight: Parameter;
  constructor(numParameters?: number, init?: number, options?: FactoryOptions);
  constructor(options?: PReLUOptions);
  constructor(...args: unknown[]) {
    super();
    const o = keywordArguments<PReLUOptions>('PReLU', args, ['numParameters', 'init', ...FACTORY_KEYS]);
    this.numParameters = o.numParameters ?? 1;
    this.init = o.init ?? 0.25;
    if (!Number.isSafeInteger(this.numParameters) || this.numParameters < 1)
      throw new Error(`PReLU: numParameters must be a positive integer, got ${String(this.numParameters)}`);
    this.weight = parameterFrom(empty([this.numParameters], o));
    this.resetParameters();
  }
  /** Sets every slope back to `init`. */
  resetParameters(): void {
    init.constant_(this.weight, this.init);
  }
  override forward(x: Tensor): Tensor {
    return A.prelu(x, this.weight);
  }
  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}

/** Options of the modules that take a `dim`. */
export interface DimModuleOptions {
  dim?: number | null;
}

/** Gated linear unit: a·σ(b) over the halves of `dim` (default -1). @example new GLU().call(g.randn(2, 6)).shape // [2, 3] */
export class GLU extends Module {
  readonly dim: number;
  constructor(dim?: number);
  constructor(options?: A.GluOptions);
  constructor(...args: unknown[]) {
    super();
    this.dim = keywordArguments<A.GluOptions>('GLU', args, ['dim']).dim ?? -1;
  }
  override forward(x: Tensor): Tensor {
    return A.glu(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** Log-softmax along `dim`. @example new LogSoftmax(-1).call(x); new LogSoftmax({ dim: 1 }) */
export class LogSoftmax extends Module {
  readonly dim: number | null;
  constructor(dim?: number | null);
  constructor(options?: DimModuleOptions);
  constructor(...args: unknown[]) {
    super();
    this.dim = keywordArguments<DimModuleOptions>('LogSoftmax', args, ['dim']).dim ?? null;
  }
  override forward(x: Tensor): Tensor {
    return F.logSoftmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${pythonValue(this.dim)}`;
  }
}

/** Softmin (softmax of −x) along `dim`. @example new Softmin(-1).call(x) */
export class Softmin extends Module {
  readonly dim: number | null;
  constructor(dim?: number | null);
  constructor(options?: DimModuleOptions);
  constructor(...args: unknown[]) {
    super();
    this.dim = keywordArguments<DimModuleOptions>('Softmin', args, ['dim']).dim ?? null;
  }
  override forward(x: Tensor): Tensor {
    return A.softmin(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${pythonValue(this.dim)}`;
  }
}

/** Options of `Threshold`. */
export interface ThresholdModuleOptions extends InplaceOptions {
  threshold?: number;
  value?: number;
}

/** Threshold: x where x > threshold, `value` elsewhere. @example new Threshold(0.1, 20).call(x) */
export class Threshold extends Module {
  readonly threshold: number;
  readonly value: number;
  readonly inplace: boolean;
  constructor(threshold: number, value: number, inplace?: boolean);
  constructor(threshold: number, value: number, options?: InplaceOptions);
  constructor(options: ThresholdModuleOptions);
  constructor(...args: unknown[]) {
    super();
    const o = keywordArguments<ThresholdModuleOptions>('Threshold', args, ['threshold', 'value', 'inplace']);
    if (typeof o.threshold !== 'number' || typeof o.value !== 'number')
      throw new TypeError(`Threshold: expected numbers 'threshold' and 'value', got ${String(o.threshold)} and ${String(o.value)}`);
    this.threshold = o.threshold;
    this.value = o.value;
    this.inplace = o.inplace ?? false;
  }
  override forward(x: Tensor): Tensor {
    return A.threshold(x, this.threshold, this.value, this.inplace);
  }
  override extraRepr(): string {
    return `threshold=${pythonValue(this.threshold)}, value=${pythonValue(this.value)}${inplaceSuffix(this.inplace)}`;
  }
}

/** Softshrink: x ∓ λ outside [−λ, λ], 0 inside. @example new Softshrink().call(x); new Softshrink(1) */
export class Softshrink extends Module {
  readonly lambd: number;
  constructor(lambd?: number);
  constructor(options?: A.ShrinkOptions);
  constructor(...args: unknown[]) {
    super();
    this.lambd = keywordArguments<A.ShrinkOptions>('Softshrink', args, ['lambd']).lambd ?? 0.5;
  }
  override forward(x: Tensor): Tensor {
    return A.softshrink(x, this.lambd);
  }
  override extraRepr(): string {
    return pythonFloat(this.lambd);
  }
}

/** Hardshrink: x outside [−λ, λ], 0 inside. @example new Hardshrink().call(x) */
export class Hardshrink extends Module {
  readonly lambd: number;
  constructor(lambd?: number);
  constructor(options?: A.ShrinkOptions);
  constructor(...args: unknown[]) {
    super();
    this.lambd = keywordArguments<A.ShrinkOptions>('Hardshrink', args, ['lambd']).lambd ?? 0.5;
  }
  override forward(x: Tensor): Tensor {
    return A.hardshrink(x, this.lambd);
  }
  override extraRepr(): string {
    return pythonFloat(this.lambd);
  }
}

// These layers free what their forward makes on the way (Module.call).
layersFreeIntermediates(
  ELU,
  CELU,
  SELU,
  SiLU,
  Mish,
  Hardswish,
  Hardsigmoid,
  ReLU6,
  Softplus,
  Softsign,
  Tanhshrink,
  LogSigmoid,
  Softmax2d,
  Hardtanh,
  PReLU,
  GLU,
  LogSoftmax,
  Softmin,
  Threshold,
  Softshrink,
  Hardshrink,
);
