/**
 * The Backend spec: the one contract between Graft's core and a device.
 *
 * A backend is storage plus a small set of primitive kernels. Core composes
 * every public op from these, so a new backend is small and autograd works on
 * it for free. Kernels receive views (shape, strides, offset over a handle) and
 * return fresh contiguous handles; a backend that wants contiguous inputs calls
 * its own `contiguous`. Strides may be 0 (broadcast) or negative (flip).
 *
 * Changing this interface is a breaking change: bump {@link BACKEND_SPEC_VERSION}.
 */
import type { DType, TypedArray } from '../dtype.js';

/** The version of this interface; a backend reports the one it implements. */
export const BACKEND_SPEC_VERSION = 1;

/** A strided view over a backend handle, as kernels see their inputs. */
export interface View<H = unknown> {
  readonly handle: H;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** The unary primitives every backend implements. */
export type UnaryOp =
  | 'neg' | 'abs' | 'sign' | 'reciprocal' | 'square' | 'sqrt' | 'rsqrt'
  | 'exp' | 'expm1' | 'log' | 'log1p' | 'sin' | 'cos' | 'tanh' | 'sigmoid'
  | 'relu' | 'erf' | 'floor' | 'ceil' | 'round' | 'logicalNot' | 'isnan' | 'isfinite';

/** The binary primitives every backend implements (operands pre-broadcast by core). */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'logicalAnd' | 'logicalOr';

/** The reductions every backend implements. */
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min';

/** What a backend reports about its memory. */
export interface BackendMemory {
  /** Bytes of device memory held by live handles. */
  numBytes: number;
}

/**
 * A device. Every method is required unless marked optional; optional fused
 * kernels have a composite fallback in core.
 */
export interface Backend<H = unknown> {
  readonly name: string;
  /** The spec version this backend implements; core refuses a mismatch. */
  readonly specVersion: number;
  /** Whether float64 tensors can live here (a GPU backend may say no). */
  readonly supportsFloat64: boolean;
  /**
   * True where a host read stalls the device (a GPU): core then checks values
   * (index bounds, `assertAsync`) on the device and reports a violation at the
   * next read, instead of reading them back at once. Default false.
   */
  readonly deferChecks?: boolean;

  // ---- storage ----
  /** A handle holding a copy of `values`, stored as `dtype`. */
  write(values: TypedArray, dtype: DType): H;
  /** The handle's contents, in the TypedArray type of its dtype (may be a shared buffer: copy before mutating). */
  read(handle: H): Promise<TypedArray>;
  /** The handle's contents, synchronously (a stall on a GPU). */
  readSync(handle: H): TypedArray;
  /** Frees the handle's memory (core calls it when the last tensor viewing it goes). */
  dispose(handle: H): void;
  /** Bytes held by live handles. */
  memory(): BackendMemory;

  // ---- primitives; each returns a new contiguous handle of the stated shape ----
  /** `size` elements of `value`. */
  fill(size: number, value: number, dtype: DType): H;
  /** A contiguous copy of a strided view: the one movement kernel. */
  contiguous(x: View<H>): H;
  /** Writes `src` (already broadcast to dst's shape) into the strided view `dst`, in place. */
  assign(dst: View<H>, src: View<H>): void;
  /** A contiguous copy converted to `dtype` (to bool: nonzero is true). */
  cast(x: View<H>, dtype: DType): H;
  /** An elementwise unary op (inputs already promoted by core). */
  unary(op: UnaryOp, x: View<H>, outDtype: DType): H;
  /**
   * Elementwise `a op b`. Tensor operands are already expanded to `shape`
   * (stride 0 on broadcast dims) and cast to `computeDtype`; numbers are scalars.
   */
  binary(op: BinaryOp, a: View<H> | number, b: View<H> | number, shape: readonly number[], outDtype: DType): H;
  /** `cond ? a : b`, operands expanded to `shape`; numbers are scalars. */
  where(cond: View<H>, a: View<H> | number, b: View<H> | number, shape: readonly number[], dtype: DType): H;
  /** Reduces over `axes` (sorted); the result has x's shape with those axes removed. */
  reduce(op: ReduceOp, x: View<H>, axes: readonly number[], outDtype: DType): H;
  /** Index (int32) of the first max/min along `axis`; the axis is removed. */
  argReduce(op: 'argmax' | 'argmin', x: View<H>, axis: number): H;
  /** Inclusive cumulative sum or product along `axis`. */
  cumulative(op: 'cumsum' | 'cumprod', x: View<H>, axis: number, outDtype: DType): H;
  /**
   * Batched matrix product: a is [...batch, M, K], b is [...batch, K, N], with
   * the batch dims already broadcast to the same sizes (strides may be 0).
   */
  matmul(a: View<H>, b: View<H>, outDtype: DType): H;
  /** Concatenation along `axis`; inputs share every other dim. */
  concat(xs: readonly View<H>[], axis: number, outDtype: DType): H;
  /** Constant padding: `pads[d] = [before, after]` for every dim, non-negative. */
  pad(x: View<H>, pads: readonly (readonly [number, number])[], value: number): H;
  /** torch.gather: out[i][j][k] = x[i][index[i][j][k]][k] for dim 1; the result has index's shape. */
  gather(x: View<H>, dim: number, index: View<H>): H;
  /** zeros(shape).scatter_add_(dim, index, src): the adjoint of gather. */
  scatterAdd(shape: readonly number[], dim: number, index: View<H>, src: View<H>, dtype: DType): H;
  /** LU-based linear algebra on [...batch, n, n]: inverse, or determinant and log|det| with sign. */
  inverse(x: View<H>): H;
  /** Returns [sign, logAbsDet, det] handles, each of shape batch. */
  slogdet(x: View<H>): [H, H, H];

  // ---- optional fused kernels ----
  /** Numerically stable softmax (or log-softmax) along `axis`. */
  softmax?(x: View<H>, axis: number, log: boolean): H;
  /**
   * C's `fmod(a, b)` elementwise, exactly (the remainder is representable, so
   * an IEEE kernel gets it exact). Floor division (`div(a, b, { roundingMode:
   * 'floor' })`) needs it to match PyTorch where `a / b` rounds across an
   * integer (1 // 0.1 is 9); without it core uses `a - trunc(a / b) * b`.
   * Operands are expanded to `shape` and of `dtype` (float32 or float64).
   */
  fmod?(a: View<H>, b: View<H>, shape: readonly number[], dtype: DType): H;
}

/** What `registerBackend` takes: a name and a factory, called once on first use. */
export type BackendFactory = () => Backend;
