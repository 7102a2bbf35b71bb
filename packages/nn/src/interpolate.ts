/**
 * Resampling (`F.interpolate`, `nn.Upsample`) with PyTorch 1.13's index
 * rules, one spatial dim at a time (separable, as ATen computes it):
 * 'nearest' reads input floor(dst·scale), the linear modes blend the two
 * neighbours of the source coordinate, both computed in the input's
 * precision as ATen's kernels. Each dim is an `indexSelect` (and a weighted sum), so the
 * gradients are PyTorch's.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { keywordArguments } from './arguments.js';
import { adaptiveAvgPool1d, adaptiveAvgPool2d } from './adaptive-pooling.js';
import { checkTensorArguments } from './tensor-arguments.js';

/** The resampling modes. */
export type InterpolateMode = 'nearest' | 'linear' | 'bilinear' | 'trilinear' | 'area';

/** Options of `interpolate` (PyTorch's keyword arguments). */
export interface InterpolateOptions {
  /** The output's spatial size (one number for every dim, or one per dim). */
  size?: number | readonly number[] | null;
  /** The multiplier of the spatial sizes (output = floor(input · scaleFactor)). */
  scaleFactor?: number | readonly number[] | null;
  /** Default 'nearest'. */
  mode?: InterpolateMode;
  /** Linear modes: the corner pixels' centres of input and output line up (default false). */
  alignCorners?: boolean | null;
  /** Compute the scale from the output size rather than use `scaleFactor` (default false). */
  recomputeScaleFactor?: boolean | null;
}

const KEYWORDS = ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor'] as const;
const LINEAR: Record<string, number> = { linear: 1, bilinear: 2, trilinear: 3 };

/**
 * ATen computes the source coordinates in the input's own precision (its
 * opmath type): float32 arithmetic for float32 tensors, double for float64.
 * For 'nearest' that decides which pixel is read where dst·scale lands near
 * an integer (6 → 74: output 37 reads input 2 in float32, 3 in float64).
 */
type Rounding = (v: number) => number;
const exact: Rounding = (v) => v;

/** ATen's nearest index: floor(dst · scale) in the input's precision, clamped to the input. */
function nearestIndex(inSize: number, outSize: number, scale: number | null, r: Rounding): Int32Array {
  const out = new Int32Array(outSize);
  const s = scale !== null && scale > 0 ? r(1 / scale) : r(r(inSize) / outSize);
  for (let i = 0; i < outSize; i++) {
    if (outSize === inSize) out[i] = i;
    else if (outSize === 2 * inSize) out[i] = i >> 1;
    else out[i] = Math.min(Math.floor(r(r(i) * s)), inSize - 1);
  }
  return out;
}

/** ATen's linear sources: the two neighbours and their weights for every output index, in the input's precision. */
function linearSources(inSize: number, outSize: number, alignCorners: boolean, scale: number | null, r: Rounding) {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const l0 = new Float64Array(outSize);
  const l1 = new Float64Array(outSize);
  const ratio = alignCorners
    ? outSize > 1
      ? r((inSize - 1) / (outSize - 1))
      : 0
    : scale !== null && scale > 0
      ? r(1 / scale)
      : r(inSize / outSize);
  for (let i = 0; i < outSize; i++) {
    // scale·(dst + 0.5) − 0.5 is a double expression in ATen (0.5 is a double), rounded once.
    let src = alignCorners ? r(ratio * r(i)) : r(ratio * (i + 0.5) - 0.5);
    if (src < 0) src = 0;
    const lo = Math.min(Math.trunc(src), inSize - 1);
    i0[i] = lo;
    i1[i] = lo < inSize - 1 ? lo + 1 : lo;
    l1[i] = Math.min(Math.max(r(src - lo), 0), 1);
    l0[i] = r(1 - l1[i]!);
  }
  return { i0, i1, l0, l1 };
}

function perDim(op: string, name: string, v: number | readonly number[], dims: number): number[] {
  const list = typeof v === 'number' ? Array(dims).fill(v) : [...v];
  if (list.length !== dims)
    throw new Error(
      `${op}: Input and ${name} must have the same number of spatial dimensions, but got input with spatial dimensions of ${dims} and ${name} of [${list.join(', ')}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and ${name} in (o1, o2, ...,oK) format.`,
    );
  return list;
}

/**
 * Resamples x [N, C, ...spatial] (1 to 3 spatial dims) to `size` or by
 * `scaleFactor`, as PyTorch's `F.interpolate`: modes 'nearest' (any dims),
 * 'linear' (3-D input), 'bilinear' (4-D), 'trilinear' (5-D), 'area'
 * (adaptive average pooling; 3-D and 4-D).
 *
 * @example
 * F.interpolate(g.randn(1, 3, 4, 4), { scaleFactor: 2 }).shape; // [1, 3, 8, 8]
 * F.interpolate(g.randn(1, 3, 4, 4), { size: [6, 5], mode: 'bilinear', alignCorners: true }).shape; // [1, 3, 6, 5]
 */
export function interpolate(x: Tensor, options?: InterpolateOptions): Tensor;
export function interpolate(
  x: Tensor,
  size?: number | readonly number[] | null,
  scaleFactor?: number | readonly number[] | null,
  mode?: InterpolateMode,
  alignCorners?: boolean | null,
  recomputeScaleFactor?: boolean | null,
): Tensor;
export function interpolate(x: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('interpolate', { input: x });
  return g.tidy(() => {
    const op = 'interpolate';
    const o = keywordArguments<InterpolateOptions>(op, rest, KEYWORDS);
    const mode = o.mode ?? 'nearest';
    if (!['nearest', 'area', ...Object.keys(LINEAR)].includes(mode))
      throw new Error(`${op}: mode '${mode}' is not supported (one of nearest | linear | bilinear | trilinear | area)`);
    const linear = LINEAR[mode];
    if (o.alignCorners != null && linear === undefined)
      throw new Error(`${op}: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear`);
    const alignCorners = o.alignCorners ?? false;
    const dims = x.ndim - 2;
    if (dims < 1 || dims > 3)
      throw new Error(
        `${op}: Input Error: Only 3D, 4D and 5D input Tensors supported (got ${x.ndim}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`,
      );
    if (linear !== undefined && linear !== dims)
      throw new Error(`${op}: Got ${x.ndim}D input, but ${mode} mode needs ${linear + 2}D input`);
    const hasSize = o.size != null;
    const hasScale = o.scaleFactor != null;
    if (hasSize && hasScale) throw new Error(`${op}: only one of size or scale_factor should be defined`);
    if (!hasSize && !hasScale) throw new Error(`${op}: either size or scale_factor should be defined`);
    const inSizes = x.shape.slice(2);
    let outSizes: number[];
    let scales: (number | null)[] = Array(dims).fill(null);
    if (hasSize) {
      outSizes = perDim(op, 'output_size', o.size!, dims);
      if (!outSizes.every((s) => Number.isSafeInteger(s) && s > 0))
        throw new Error(`${op}: size must be positive integers, got ${JSON.stringify(o.size)}`);
    } else {
      const factors = perDim(op, 'scale_factor', o.scaleFactor!, dims);
      if (!factors.every((f) => typeof f === 'number' && Number.isFinite(f) && f > 0))
        throw new Error(`${op}: scale_factor must be positive numbers, got ${JSON.stringify(o.scaleFactor)}`);
      outSizes = inSizes.map((n, i) => Math.floor(n * factors[i]!));
      if (!(o.recomputeScaleFactor ?? false)) scales = factors;
      if (outSizes.some((s) => s < 1))
        throw new Error(
          `${op}: Input and output sizes should be greater than 0, but got input (${inSizes.join(', ')}) and output (${outSizes.join(', ')})`,
        );
    }
    if (mode === 'area') {
      if (dims === 1) return adaptiveAvgPool1d(x, outSizes[0]!);
      if (dims === 2) return adaptiveAvgPool2d(x, outSizes);
      throw new Error(`${op}: mode 'area' is supported for 3-D and 4-D inputs only, got ${x.ndim}D`);
    }
    // The last dim first: ATen's bilinear is h0λ·(w0λ·x00 + w1λ·x01) + h1λ·(…), the W blend innermost.
    const rounding = x.dtype === 'float64' ? exact : Math.fround;
    let y = x;
    for (let d = dims - 1; d >= 0; d--) {
      const axis = d + 2;
      const [n, m, scale] = [inSizes[d]!, outSizes[d]!, scales[d]!];
      if (linear === undefined) {
        y = y.indexSelect(axis, g.tensor(nearestIndex(n, m, scale, rounding), { device: x.device }));
        continue;
      }
      const { i0, i1, l0, l1 } = linearSources(n, m, alignCorners, scale, rounding);
      const weight = (l: Float64Array) =>
        g.tensor(x.dtype === 'float64' ? l : Float32Array.from(l), { device: x.device }).reshape([m, ...Array(dims - 1 - d).fill(1)]);
      const a = y.indexSelect(axis, g.tensor(i0, { device: x.device })).mul(weight(l0));
      const b = y.indexSelect(axis, g.tensor(i1, { device: x.device })).mul(weight(l1));
      y = a.add(b);
    }
    return y === x ? x.clone() : y;
  });
}
