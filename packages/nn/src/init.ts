/**
 * `nn.init`: in-place initialisers with PyTorch's formulas. They draw from
 * Graft's generator, which reproduces PyTorch's, so a seeded model starts from
 * PyTorch's exact weights.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { keywordArguments } from './arguments.js';

/** The nonlinearities `calculateGain` knows. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

const LINEAR_GAIN: readonly string[] = [
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
  'sigmoid',
];

/**
 * The recommended gain for a nonlinearity, as `torch.nn.init.calculate_gain`.
 *
 * @example
 * calculateGain('relu'); // 1.4142…
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  if (LINEAR_GAIN.includes(nonlinearity)) return 1;
  switch (nonlinearity) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || Number.isNaN(slope))
        throw new Error(`calculateGain: negative_slope ${String(slope)} not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new Error(`calculateGain: Unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/** fan_in and fan_out of a weight, as PyTorch computes them. */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2)
    throw new Error(`Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (shape [${t.shape.join(', ')}])`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

/** The `generator` keyword every initialiser that draws takes (PyTorch 2.x's `generator=`): draw from it instead of the default generator. */
export interface InitGeneratorOptions {
  generator?: g.Generator;
}

/** Options of `uniform_` (PyTorch's keyword arguments). */
export interface UniformOptions extends InitGeneratorOptions {
  a?: number;
  b?: number;
}

/**
 * Fills with U(a, b).
 *
 * @example
 * uniform_(w, -0.1, 0.1); uniform_(w, { a: -0.1, b: 0.1 });
 * uniform_(w, -0.1, 0.1, { generator: new g.Generator().manualSeed(0) });
 */
export function uniform_(t: Tensor, a?: number, b?: number, options?: InitGeneratorOptions): Tensor;
export function uniform_(t: Tensor, options?: UniformOptions): Tensor;
export function uniform_(t: Tensor, ...rest: unknown[]): Tensor {
  const { a = 0, b = 1, generator } = keywordArguments<UniformOptions>('uniform_', rest, ['a', 'b', 'generator']);
  return g.noGrad(() => t.uniform_(a, b, { generator }));
}

/** Options of `normal_` (PyTorch's keyword arguments). */
export interface NormalOptions extends InitGeneratorOptions {
  mean?: number;
  std?: number;
}

/** Fills with N(mean, std²). @example normal_(w, 0, 0.02); normal_(w, { std: 0.02, generator: gen }) */
export function normal_(t: Tensor, mean?: number, std?: number, options?: InitGeneratorOptions): Tensor;
export function normal_(t: Tensor, options?: NormalOptions): Tensor;
export function normal_(t: Tensor, ...rest: unknown[]): Tensor {
  const { mean = 0, std = 1, generator } = keywordArguments<NormalOptions>('normal_', rest, ['mean', 'std', 'generator']);
  return g.noGrad(() => t.normal_(mean, std, { generator }));
}
/** Fills with a constant. @example constant_(b, 0.1) */
export function constant_(t: Tensor, value: number): Tensor {
  return g.noGrad(() => t.fill_(value));
}
/** Fills with zeros. @example zeros_(b) */
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}
/** Fills with ones. @example ones_(w) */
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** Options of the Xavier initialisers. */
export interface XavierOptions extends InitGeneratorOptions {
  gain?: number;
}

/** Glorot uniform: U(-a, a), a = gain·√(6 / (fan_in + fan_out)). @example xavierUniform_(w); xavierUniform_(w, { gain: 2, generator: gen }) */
export function xavierUniform_(t: Tensor, gain?: number, options?: InitGeneratorOptions): Tensor;
export function xavierUniform_(t: Tensor, options?: XavierOptions): Tensor;
export function xavierUniform_(t: Tensor, ...rest: unknown[]): Tensor {
  const { gain = 1, generator } = keywordArguments<XavierOptions>('xavierUniform_', rest, ['gain', 'generator']);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a, { generator });
}
/** Glorot normal: N(0, gain²·2 / (fan_in + fan_out)). @example xavierNormal_(w); xavierNormal_(w, { generator: gen }) */
export function xavierNormal_(t: Tensor, gain?: number, options?: InitGeneratorOptions): Tensor;
export function xavierNormal_(t: Tensor, options?: XavierOptions): Tensor;
export function xavierNormal_(t: Tensor, ...rest: unknown[]): Tensor {
  const { gain = 1, generator } = keywordArguments<XavierOptions>('xavierNormal_', rest, ['gain', 'generator']);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), { generator });
}

/** Options of the Kaiming initialisers (PyTorch's keyword arguments). */
export interface KaimingOptions extends InitGeneratorOptions {
  /** The negative slope of the leaky ReLU after this layer (default 0). */
  a?: number;
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
}

const KAIMING_KEYS = ['a', 'mode', 'nonlinearity', 'generator'] as const;

function kaimingStd(op: string, t: Tensor, options: KaimingOptions): number {
  const mode = options.mode ?? 'fan_in';
  if (mode !== 'fan_in' && mode !== 'fan_out')
    throw new Error(`${op}: Mode ${String(mode)} not supported, please use one of fan_in, fan_out`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = mode === 'fan_in' ? fanIn : fanOut;
  return calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0) / Math.sqrt(fan);
}

/** He uniform: U(-b, b), b = gain·√(3 / fan). @example kaimingUniform_(w, { a: Math.sqrt(5) }); kaimingUniform_(w, { generator: gen }) */
export function kaimingUniform_(t: Tensor, options?: KaimingOptions): Tensor;
export function kaimingUniform_(
  t: Tensor,
  a?: number,
  mode?: 'fan_in' | 'fan_out',
  nonlinearity?: Nonlinearity,
  options?: InitGeneratorOptions,
): Tensor;
export function kaimingUniform_(t: Tensor, ...rest: unknown[]): Tensor {
  const o = keywordArguments<KaimingOptions>('kaimingUniform_', rest, KAIMING_KEYS);
  if (t.numel() === 0) return t; // PyTorch's no-op (its fan would be 0): nn.Linear(0, n) is a valid layer
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform_', t, o);
  return uniform_(t, -bound, bound, { generator: o.generator });
}
/** He normal: N(0, gain² / fan). @example kaimingNormal_(w, { nonlinearity: 'relu', generator: gen }) */
export function kaimingNormal_(t: Tensor, options?: KaimingOptions): Tensor;
export function kaimingNormal_(
  t: Tensor,
  a?: number,
  mode?: 'fan_in' | 'fan_out',
  nonlinearity?: Nonlinearity,
  options?: InitGeneratorOptions,
): Tensor;
export function kaimingNormal_(t: Tensor, ...rest: unknown[]): Tensor {
  const o = keywordArguments<KaimingOptions>('kaimingNormal_', rest, KAIMING_KEYS);
  if (t.numel() === 0) return t; // PyTorch's no-op, as kaimingUniform_'s
  return normal_(t, 0, kaimingStd('kaimingNormal_', t, o), { generator: o.generator });
}

export {
  truncNormal_,
  eye_,
  dirac_,
  orthogonal_,
  sparse_,
  type TruncNormalOptions,
  type DiracOptions,
  type OrthogonalOptions,
  type SparseOptions,
} from './init-structured.js';
