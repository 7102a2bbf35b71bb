/**
 * The Backend spec: the one contract between Graft's core and a device.
 *
 * A backend is storage plus a small set of primitive kernels. Core composes
 * every public op from these, so a new backend is small and autograd works on
 * it for free. Kernels receive views (shape, strides, offset over a handle) and
 * return fresh contiguous handles; a backend that wants contiguous inputs calls
 * its own `contiguous`. Strides may be 0 (broadcast) or negative (flip).
 * Core has already checked every argument (shapes agree, dims are in range,
 * operands have the dtypes stated below), so a kernel only computes.
 *
 * Every kernel is listed in kernels.ts (`KERNELS`), with whether it is
 * optional; the list is type-checked against {@link BackendKernels}.
 *
 * Changing this interface incompatibly is a breaking change: bump
 * {@link BACKEND_SPEC_VERSION}.
 */
import type { DType, TypedArray } from '../dtype.js';

/**
 * The version of this interface; a backend reports the one it implements
 * (`specVersion`) and core refuses a mismatch.
 *
 * - 3: new unary ops `trunc sinh cosh tan asin acos atan asinh acosh atanh
 *   log2 log10 exp2 erfc erfinv lgamma digamma trigamma` and binary ops
 *   `atan2 hypot zeta bitwiseAnd bitwiseOr bitwiseXor`.
 * - 2: `matmul`, `concat`, `scatterAdd` and `reduce` no longer take a result
 *   dtype (it is always their input's); `inverse` and `slogdet` are optional
 *   (core computes them on the host without them).
 * - 1: the first.
 */
export const BACKEND_SPEC_VERSION = 3;

/** A strided view over a backend handle, as kernels see their inputs. */
export interface View<H = unknown> {
  readonly handle: H;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * The unary primitives every backend implements. Each is the PyTorch function
 * of the same name (`trigamma` is `polygamma(1, x)`), with PyTorch's values at
 * the edges: see writing-a-backend.md for the list of what they must give at
 * poles, infinities and domain errors.
 */
export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'reciprocal'
  | 'square'
  | 'sqrt'
  | 'rsqrt'
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'erf'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'logicalNot'
  | 'isnan'
  | 'isfinite'
  | 'trunc'
  | 'sinh'
  | 'cosh'
  | 'tan'
  | 'asin'
  | 'acos'
  | 'atan'
  | 'asinh'
  | 'acosh'
  | 'atanh'
  | 'log2'
  | 'log10'
  | 'exp2'
  | 'erfc'
  | 'erfinv'
  | 'lgamma'
  | 'digamma'
  | 'trigamma';

/**
 * The binary primitives every backend implements (operands pre-broadcast by
 * core). `zeta` is the Hurwitz zeta function ζ(a, b) (PyTorch's
 * `special.zeta`); the bitwise ops take int32 operands.
 */
export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'logicalAnd'
  | 'logicalOr'
  | 'atan2'
  | 'hypot'
  | 'zeta'
  | 'bitwiseAnd'
  | 'bitwiseOr'
  | 'bitwiseXor';

/** The reductions every backend implements. */
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min';

/**
 * The reductions of the optional `scatterReduce` kernel: what a scatter-add
 * cannot compose exactly. `'assign'` is PyTorch's `scatter` without a
 * reduction (where indices repeat, the last along the dim wins).
 */
export type ScatterReduceOp = 'assign' | 'prod' | 'amax' | 'amin';

/** What a backend reports about its memory. */
export interface BackendMemory {
  /** Bytes of device memory held by live handles. */
  numBytes: number;
}

/** What a backend says about itself. */
export interface BackendInfo {
  /** The backend's own name (`'cpu'`, `'webgl'`); the device it is registered as may differ. */
  readonly name: string;
  /** The spec version this backend implements ({@link BACKEND_SPEC_VERSION}); core refuses a mismatch. */
  readonly specVersion: number;
  /** Whether float64 tensors can live here (a GPU backend may say no). */
  readonly supportsFloat64: boolean;
  /**
   * True where a host read stalls the device (a GPU): core then checks values
   * (index bounds, `assertAsync`) on the device and reports a violation at the
   * next read, instead of reading them back at once. Default false.
   */
  readonly deferChecks?: boolean;
}

/** Where tensors' elements live: handles, and moving values in and out of them. */
export interface BackendStorage<H = unknown> {
  /** A handle holding a copy of `values`, stored as `dtype`. */
  write(values: TypedArray, dtype: DType): H;
  /** The handle's contents, in the TypedArray type of its dtype (may be a shared buffer: copy before mutating). */
  read(handle: H): Promise<TypedArray>;
  /** The handle's contents, synchronously (a stall on a GPU). */
  readSync(handle: H): TypedArray;
  /** Frees the handle's memory (core calls it when the last tensor viewing it goes). */
  dispose(handle: H): void;
  /**
   * Bytes held by live handles, as the device counts them. Core counts
   * tensors itself (`g.memory()`); this is the backend's own account, for
   * finding memory a kernel leaks (temporaries, textures).
   */
  memory(): BackendMemory;
}

/**
 * The kernels. Each returns a new contiguous handle of the stated shape (all
 * but `assign` and `put`, which write in place). Tensor operands of one kernel share a
 * dtype unless said otherwise, and the result has that dtype unless an
 * `outDtype` or `dtype` says otherwise. Optional kernels have a fallback in
 * core, which calls the backend's kernel when there is one.
 */
export interface BackendKernels<H = unknown> {
  /** `size` elements of `value`. */
  fill(size: number, value: number, dtype: DType): H;
  /** A contiguous copy of a strided view: the one movement kernel. */
  contiguous(x: View<H>): H;
  /** Writes `src` (already broadcast to dst's shape, of dst's dtype) into the strided view `dst`, in place. */
  assign(dst: View<H>, src: View<H>): void;
  /** A contiguous copy converted to `dtype` (to bool: nonzero is true; to int32: toward zero). */
  cast(x: View<H>, dtype: DType): H;
  /**
   * An elementwise unary op. `x` has the dtype the op computes in (core
   * promotes integers to float32 for the floating ops); `outDtype` is x's,
   * or bool for `isnan`, `isfinite` and `logicalNot`.
   */
  unary(op: UnaryOp, x: View<H>, outDtype: DType): H;
  /**
   * Elementwise `a op b` over `shape`. Tensor operands are already expanded to
   * `shape` (stride 0 on broadcast dims) and cast to one dtype, the one the op
   * computes in; a number operand is a scalar of that dtype. `outDtype` is that
   * dtype, or bool for the comparisons and logical ops.
   */
  binary(op: BinaryOp, a: View<H> | number, b: View<H> | number, shape: readonly number[], outDtype: DType): H;
  /** `cond ? a : b` over `shape` (cond is bool); operands expanded to `shape`, numbers are scalars; the result is `dtype`. */
  where(cond: View<H>, a: View<H> | number, b: View<H> | number, shape: readonly number[], dtype: DType): H;
  /** Reduces over `axes` (sorted, distinct); the result has x's shape with those axes removed. */
  reduce(op: ReduceOp, x: View<H>, axes: readonly number[]): H;
  /** Index (int32) of the first max/min along `axis`; the axis is removed. */
  argReduce(op: 'argmax' | 'argmin', x: View<H>, axis: number): H;
  /** Inclusive cumulative sum or product along `axis`, into `outDtype`. */
  cumulative(op: 'cumsum' | 'cumprod', x: View<H>, axis: number, outDtype: DType): H;
  /**
   * Batched matrix product: a is [...batch, M, K], b is [...batch, K, N], with
   * the batch dims already broadcast to the same sizes (strides may be 0).
   */
  matmul(a: View<H>, b: View<H>): H;
  /** Concatenation along `axis` of one or more inputs, which share every other dim. */
  concat(xs: readonly View<H>[], axis: number): H;
  /** Constant padding: `pads[d] = [before, after]` for every dim, non-negative. */
  pad(x: View<H>, pads: readonly (readonly [number, number])[], value: number): H;
  /** torch.gather: out[i][j][k] = x[i][index[i][j][k]][k] for dim 1; the result has index's shape. Index is int32. */
  gather(x: View<H>, dim: number, index: View<H>): H;
  /** zeros(shape).scatter_add_(dim, index, src), of src's dtype: the adjoint of gather. Index is int32. */
  scatterAdd(shape: readonly number[], dim: number, index: View<H>, src: View<H>): H;
  /**
   * Optional: the inverse of every matrix of [...batch, n, n] (floating).
   * Without it core reads the values back and inverts them on the host
   * (LU with partial pivoting in doubles, `hostLinalg`).
   */
  inverse?(x: View<H>): H;
  /**
   * Optional: sign, log|det| and det of every matrix of [...batch, n, n], as
   * three handles of shape batch. Without it core computes them on the host.
   */
  slogdet?(x: View<H>): [H, H, H];
  /** Optional: numerically stable softmax (or log-softmax) along `axis`; core composes it otherwise. */
  softmax?(x: View<H>, axis: number, log: boolean): H;
  /**
   * Optional: C's `fmod(a, b)` elementwise, exactly (the remainder is
   * representable, so an IEEE kernel gets it exact). Floor division
   * (`div(a, b, { roundingMode: 'floor' })`) needs it to match PyTorch where
   * `a / b` rounds across an integer (1 // 0.1 is 9); without it core uses
   * `a - trunc(a / b) * b`. Operands are expanded to `shape` and of `dtype`
   * (float32 or float64).
   */
  fmod?(a: View<H>, b: View<H>, shape: readonly number[], dtype: DType): H;
  /**
   * Optional: `self.scatter_reduce(dim, index, src, op, include_self)` as
   * PyTorch's CPU computes it, into a new handle of self's shape and dtype.
   * `index` (int32, every value in [0, self.shape[dim])) and `src` have the
   * same shape, no larger than self's in every dim but `dim`; element
   * `index[i][j][k]` (for dim 1) names the position `[i][index[i][j][k]][k]`
   * that `src[i][j][k]` goes to. Positions no index names keep self's value.
   * With `includeSelf` a named position starts from self's value, without it
   * from the first value sent to it. `'assign'` keeps the value sent last
   * along `dim` (includeSelf is ignored); `'prod'` multiplies; `'amax'` and
   * `'amin'` keep the largest or smallest, and NaN wins. Dtypes: float32,
   * float64, int32 (core sends integer products as floats, to check them).
   * Without it core composes the op from one-hot comparisons, whose memory
   * grows with index.numel() × self.shape[dim].
   */
  scatterReduce?(op: ScatterReduceOp, self: View<H>, dim: number, index: View<H>, src: View<H>, includeSelf: boolean): H;
  /**
   * Optional: sorts along `axis`, returning `[values, indices]` handles of
   * x's shape (values of x's dtype, indices int32: where each value was along
   * `axis`). NaN sorts as the greatest value (last ascending, first
   * `descending`). `stable` keeps equal values in index order; otherwise
   * equal values must come out in the order PyTorch's CPU sort gives them
   * (libstdc++'s `std::sort`: `hostSort.sortLines` computes it), which the
   * conformance suite checks. Without it core sorts on the host: it reads the
   * input back and writes both results.
   */
  sort?(x: View<H>, axis: number, descending: boolean, stable: boolean): [H, H];
  /**
   * Optional, in place (as `assign`): for k in order, the element of `dst` at
   * row-major position `positions[k]` becomes `src[k]` (a later write to the
   * same place wins), or with `accumulate` has `src[k]` added (float dtypes
   * only). `positions` (int32) and `src` (dst's dtype) have one shape; core
   * checks every position lies in [0, numel(dst)) and that `src` does not
   * share dst's memory. It is the write of `x[items] = v` (`indexPut_`):
   * without it core computes the whole new tensor (a scatter and a where over
   * every element of `dst`, the last write found without a read) and assigns
   * it, which costs dst's size instead of the number of elements written.
   */
  put?(dst: View<H>, positions: View<H>, src: View<H>, accumulate: boolean): void;
  /**
   * Optional: PyTorch's `threshold_backward`, `source <= threshold ? 0 : grad`
   * elementwise in one pass (relu's backward), into a new handle of grad's
   * shape and dtype. `grad` and `source` are dense from their offsets, of one
   * shape and float dtype (core checks, else it composes). NaN in `source`
   * keeps the gradient, as `<=` is false for NaN. Without it core compares and
   * selects (`where(source <= threshold, 0, grad)`), two passes and a bool mask.
   */
  thresholdBackward?(grad: View<H>, source: View<H>, threshold: number): H;
  /**
   * Optional: PyTorch's `tanh_backward`, `grad · (1 - y)(1 + y)` elementwise
   * in one pass (tanh's backward from its output `y`), into a new handle of
   * grad's shape and dtype; each of the three ops rounded to the dtype, as
   * core's composite rounds them (the same bits). `grad` and `output` are
   * dense from their offsets, of one shape and float dtype (core checks,
   * else it composes). Without it core runs the three ops (three passes,
   * two intermediates).
   */
  tanhBackward?(grad: View<H>, output: View<H>): H;
  /**
   * Optional, in place: one `torch.optim.Adam` (or AdamW, `o.decoupled`)
   * update of one parameter, in one pass: `param`, `expAvg`, `expAvgSq` and
   * (with `o.amsgrad`) `maxExpAvgSq` are rewritten; `grad` is read. Every view
   * is dense from its offset, of one shape and one float dtype, and none
   * shares memory with another (core checks, else it composes). The result
   * must equal core's composite (`fused.adam_` without the kernel) element
   * for element: each of its ops rounded to the dtype, scalars rounded to the
   * dtype first; the formula is in `ops/fused-optim.ts`. Without it core runs
   * those ops one by one (about ten passes over memory). Return `false`,
   * having written nothing, to leave a call to that composite (where the
   * backend's separate kernels are faster at that size or dtype).
   */
  adamStep?(param: View<H>, grad: View<H>, expAvg: View<H>, expAvgSq: View<H>, maxExpAvgSq: View<H> | null, o: AdamStepOptions): boolean;
  /**
   * Optional, in place: one `torch.optim.SGD` update of one parameter
   * (momentum, dampening, Nesterov, weight decay, maximize), in one pass;
   * `momentumBuffer` is null without momentum. The same contract as
   * `adamStep`.
   */
  sgdStep?(param: View<H>, grad: View<H>, momentumBuffer: View<H> | null, o: SgdStepOptions): boolean;
  /**
   * Optional: the pointwise part of one LSTM step (PyTorch's
   * `_thnn_fused_lstm_cell`), in one pass. `inputGates` and `hiddenGates`
   * have shape [..., 4·H], `cx` [..., H] (the same leading dims), all dense
   * from their offsets and of one float dtype (core checks, else it
   * composes). With `gates = inputGates + hiddenGates` split along the last
   * dim into i, f, g, o: `cy = σ(f)·cx + σ(i)·tanh(g)`, `hy = σ(o)·tanh(cy)`.
   * Returns new handles `[hy, cy, workspace]`: hy and cy of cx's shape, the
   * workspace of the gates' shape holding the activated gates σ(i), σ(f),
   * tanh(g), σ(o) (what `lstmCellBackward` reads). Each value must equal
   * core's composite (`fused.lstmCell` without the kernel, in
   * `ops/fused-rnn.ts`) within the dtype's rounding of each op. A backend
   * that has it has `lstmCellBackward` too (core uses neither otherwise).
   * Without them core runs the formula op by op (about a dozen ops and
   * graph nodes per time step).
   */
  lstmCell?(inputGates: View<H>, hiddenGates: View<H>, cx: View<H>): [H, H, H];
  /**
   * Optional: the gradient of `lstmCell` (PyTorch's
   * `_thnn_fused_lstm_cell_backward`) from the gradients of hy and cy (null
   * for none: zeros), the cell state `cx`, the result `cy` and the
   * `workspace` `lstmCell` returned; every view dense from its offset, of
   * one float dtype. Returns new handles `[gradGates, gradCx]` of the gates'
   * and cx's shapes.
   */
  lstmCellBackward?(gradHy: View<H> | null, gradCy: View<H> | null, cx: View<H>, cy: View<H>, workspace: View<H>): [H, H];
  /**
   * Optional: one direction of an LSTM layer over a whole sequence (core's
   * `fused.lstmSequence`) in one call, for a backend that can run the
   * recurrence without a round trip per step. `inputGates` [T, B, 4·H],
   * `hx` and `cx` [B, H], `weightHh` [4·H, H], every view dense from its
   * offset and float (core checks). Step t (from T - 1 down when `reverse`)
   * is `lstmCell(inputGates[t], h · weightHhᵀ, c)` with h and c the states
   * the step before left (hx and cx first). Returns new handles
   * `[output, cells, workspaces]`, row t of each the step at time t: the
   * hidden states [T, B, H], the cell states [T, B, H] and the cells'
   * workspaces [T, B, 4·H]. Each value must equal what `matmul` and
   * `lstmCell` give step by step, to the last bit: core mixes the two paths
   * (the backward may run per step when this one ran whole). Return null to
   * decline (for a dtype or a size the backend leaves to the per-step path);
   * core then runs those kernels per step. Used only where the backend has
   * `lstmCell` and `lstmCellBackward`; the forward and the backward kernel
   * are used independently (either may be absent or decline).
   */
  lstmSequence?(inputGates: View<H>, hx: View<H>, cx: View<H>, weightHh: View<H>, reverse: boolean): [H, H, H] | null;
  /**
   * Optional: BPTT through `lstmSequence` from the gradients of the output
   * [T, B, H], of the final hidden and cell states [B, H] (null for none:
   * zeros), the initial cell state `cx`, `weightHh`, and the `cells` and
   * `workspaces` the forward returned (every view dense from its offset).
   * Returns new handles `[gradInputGates, gradHx, gradCx]` ([T, B, 4·H],
   * [B, H], [B, H]), equal to the last bit to core's per-step path: per step
   * from the last visited, the hidden gradient `gradOutput[t] + gh` (either
   * alone when the other is missing), `lstmCellBackward`, and `gh = gradGates
   * · weightHh` by `matmul`; a step reached by no gradient at all gets zero
   * gate gradients. Null to decline, as `lstmSequence`.
   */
  lstmSequenceBackward?(
    gradOutput: View<H> | null,
    gradHn: View<H> | null,
    gradCn: View<H> | null,
    cx: View<H>,
    weightHh: View<H>,
    cells: View<H>,
    workspaces: View<H>,
    reverse: boolean,
  ): [H, H, H] | null;
  /**
   * Optional: the pointwise part of one GRU step (PyTorch's
   * `_thnn_fused_gru_cell`), in one pass. `inputGates` and `hiddenGates`
   * have shape [..., 3·H] (r, z, n along the last dim), `hx` [..., H], all
   * dense from their offsets, of one float dtype (core checks, else it
   * composes): `r = σ(i_r + h_r)`, `z = σ(i_z + h_z)`,
   * `n = tanh(i_n + r·h_n)`, `hy = (1 - z)·n + z·hx`. Returns new handles
   * `[hy, workspace]`: hy of hx's shape, the workspace [..., 4·H] holding r,
   * z, n and h_n (what `gruCellBackward` reads). Each value must equal core's
   * composite (`fused.gruCell` without the kernel, in `ops/fused-rnn.ts`)
   * within the dtype's rounding of each op. A backend that has it has
   * `gruCellBackward` too.
   */
  gruCell?(inputGates: View<H>, hiddenGates: View<H>, hx: View<H>): [H, H];
  /**
   * Optional: the gradient of `gruCell` from the gradient of hy, hx and the
   * workspace `gruCell` returned (dense, one float dtype): new handles
   * `[gradInputGates, gradHiddenGates, gradHx]`; tanh' as (1 - y)(1 + y)
   * and σ' as (1 - y)·y, as core's backward rules compute them.
   */
  gruCellBackward?(gradHy: View<H>, hx: View<H>, workspace: View<H>): [H, H, H];
  /**
   * Optional: PyTorch's 2-D convolution (cross-correlation, no bias) and its
   * two gradients, on NCHW data, for the geometry `o` (core has checked it
   * and computed the output size). `pass` says which:
   * - `'forward'`: a = input [N, C, H, W], b = weight [O, C/groups, kh, kw] → output [N, O, OH, OW];
   * - `'inputGrad'`: a = gradient of the output, b = weight → gradient of the input [N, C, H, W];
   * - `'weightGrad'`: a = input, b = gradient of the output → gradient of the weight [O, C/groups, kh, kw].
   *
   * Views are of one float dtype, any strides. Return null from `'forward'`,
   * having allocated nothing, to decline a geometry (groups, dilation, a
   * dtype the backend's kernels lack): core then composes the convolution
   * (`@graft/nn`'s unfold, matmul and scatter-add). A backend that accepts a
   * geometry's forward must compute both of its gradients (core never asks
   * for them otherwise). Without the kernel core composes every convolution.
   */
  conv2d?(pass: Conv2dPass, a: View<H>, b: View<H>, o: Conv2dGeometry): H | null;
  /**
   * Optional: one of `@graft/nn`'s pointwise activations in one pass (ATen's
   * fused kernels: `hardtanh`, `elu`, `softplus`, …; see {@link Activation}
   * for each one's formula). With `grad` null, f(x) into a new handle of x's
   * shape; with `grad` (x's shape and dtype), ATen's backward `grad · f'(x)`
   * from the input. Views are of one float dtype, any strides. Values follow
   * ATen's CPU formulas (each op rounded to the dtype); NaN takes the branch
   * ATen's comparisons give it. Return null, having allocated nothing, to
   * decline (a dtype, a size): core then composes the activation op by op.
   * Without the kernel core composes every activation (five to ten passes
   * and as many graph nodes).
   */
  activation?(activation: Activation, x: View<H>, grad: View<H> | null): H | null;
}

/**
 * A pointwise activation of the optional `activation` kernel, with its
 * parameters (as the dtype computes them: float32 kernels round each to
 * float32 first, as ATen's `opmath` does). Forward and backward formulas
 * (ATen's CPU kernels):
 * - `hardtanh`: clamp(x, min, max); grad where min < x < max (or x is NaN), 0 at and beyond the bounds.
 * - `leakyRelu`: x > 0 ? x : x·negativeSlope; grad or grad·negativeSlope by the same test.
 * - `elu` (ELU, SELU, CELU): x <= 0 ? (exp(x·inputScale) − 1)·(alpha·scale) : x·scale;
 *   grad·inputScale·(alpha·scale)·exp(x·inputScale) or grad·scale.
 * - `softplus`: x·beta > threshold ? x : log1p(exp(x·beta))/beta; grad, or grad·z/(z + 1) with z = exp(x·beta).
 * - `silu`: x·σ(x) (ATen's x/(1 + exp(−x)), within an ulp); grad·s·(1 + x·(1 − s)) with s = σ(x).
 * - `gelu`: x·0.5·(1 + erf(x·√½)); grad·(cdf + x·pdf) with cdf = 0.5·(1 + erf(x·√½)), pdf = exp(−x²/2)/√(2π).
 * - `geluTanh`: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) and ATen's derivative of it.
 * - `hardsigmoid`: min(max(x + 3, 0), 6)/6; grad/6 where −3 < x < 3, else 0.
 * - `hardswish`: x·min(max(x + 3, 0), 6)/6; 0 where x < −3, grad·(x/3 + 0.5) where x < 3, else grad.
 * - `mish`: x·tanh(log1p(exp(x))); grad·(t + x·σ(x)·(1 − t²)) with t = tanh(log1p(exp(x))).
 */
export type Activation =
  | { readonly kind: 'hardtanh'; readonly min: number; readonly max: number }
  | { readonly kind: 'leakyRelu'; readonly negativeSlope: number }
  | { readonly kind: 'elu'; readonly alpha: number; readonly scale: number; readonly inputScale: number }
  | { readonly kind: 'softplus'; readonly beta: number; readonly threshold: number }
  | { readonly kind: 'silu' | 'gelu' | 'geluTanh' | 'hardsigmoid' | 'hardswish' | 'mish' };

/** Which of the three convolutions `conv2d` computes: the output, or the gradient of the input or of the weight. */
export type Conv2dPass = 'forward' | 'inputGrad' | 'weightGrad';

/**
 * A 2-D convolution's geometry (the `conv2d` kernel): the shapes of its
 * input, weight and output (NCHW; weight [O, C/groups, kh, kw]) and
 * PyTorch's stride, padding (top, bottom, left, right: zeros), dilation and
 * groups, as `F.conv2d` resolved them.
 */
export interface Conv2dGeometry {
  input: readonly [number, number, number, number];
  weight: readonly [number, number, number, number];
  output: readonly [number, number, number, number];
  stride: readonly [number, number];
  padding: readonly [number, number, number, number];
  dilation: readonly [number, number];
  groups: number;
}

/**
 * The hyperparameters of one Adam/AdamW update (`adamStep`), as the optimizer
 * computes them for this step: `step` is the step's number (1 on the first),
 * `first` says the moment buffers hold nothing yet (the kernel writes them
 * without reading them), `decoupled` is AdamW's weight decay.
 */
export interface AdamStepOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  decoupled: boolean;
  step: number;
  first: boolean;
}

/** The hyperparameters of one SGD update (`sgdStep`); `first`: the momentum buffer holds nothing yet. */
export interface SgdStepOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
  first: boolean;
}

/** A device: what it says about itself, its storage, and its kernels. */
export interface Backend<H = unknown> extends BackendInfo, BackendStorage<H>, BackendKernels<H> {}

/** The name of a kernel of the spec. */
export type KernelName = keyof BackendKernels;

/** Makes the backend for a device; `registerBackend` calls it once, on first use. */
export type BackendFactory = () => Backend;
