/**
 * `g.fused.conv2d`: a 2-D convolution through the backend's optional
 * `conv2d` kernel (im2col + GEMM in WebAssembly on the CPU, for float32;
 * tfjs's Conv2D / Conv2DBackpropInput / Conv2DBackpropFilter on the GPU
 * backends), differentiable to any order. Where the backend has
 * no such kernel, or declines the geometry, it returns null and the caller
 * composes the convolution (`@graft/nn`'s `F.conv2d`: unfold by gather, one
 * matmul, scatter-add backward), so core holds no second convolution.
 *
 * @module
 */
import { needsGrad, record, wantsGrad } from '../autograd/record.js';
import type { Conv2dGeometry, Conv2dPass } from '../backend/spec.js';
import { isFloating } from '../dtype.js';
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, wrap } from './dispatch.js';

/** Options of `g.fused.conv2d`, resolved as `F.conv2d` resolves PyTorch's arguments. */
export interface FusedConv2dOptions {
  /** [height, width]; default [1, 1]. */
  stride?: readonly [number, number];
  /** Zeros added [top, bottom, left, right]; default none. */
  padding?: readonly [number, number, number, number];
  /** [height, width]; default [1, 1]. */
  dilation?: readonly [number, number];
  /** Default 1. */
  groups?: number;
}

const KEYS = ['stride', 'padding', 'dilation', 'groups'] as const;

/** One pass of the kernel as a tensor, recorded with the rule that keeps the three passes closed under differentiation. */
function pass(kind: Conv2dPass, a: Tensor, b: Tensor, geometry: Conv2dGeometry, handle = a.backend.conv2d!(kind, a, b, geometry)): Tensor {
  if (handle === null) {
    throw new Error(
      `conv2d: the '${a.device}' backend declined the ${kind} pass of a convolution whose forward it computed (input [${geometry.input.join(', ')}], weight [${geometry.weight.join(', ')}]): a backend's conv2d kernel must compute both gradients of a geometry it accepts`,
    );
  }
  const shape = kind === 'forward' ? geometry.output : kind === 'inputGrad' ? geometry.input : geometry.weight;
  const out = wrap(a, handle, [...shape], a.dtype);
  if (!needsGrad(a, b)) return out;
  // Each pass is linear in each operand, and the gradient of one pass is another pass:
  // forward(x, w):      dx = inputGrad(g, w),   dw = weightGrad(x, g)
  // inputGrad(gy, w):   dgy = forward(g, w),    dw = weightGrad(g, gy)
  // weightGrad(x, gy):  dx = inputGrad(gy, g),  dgy = forward(x, g)
  const name = kind === 'forward' ? 'ConvolutionBackward0' : 'ConvolutionBackwardBackward0';
  return record(
    out,
    name,
    [a, b],
    (g) => {
      const wa = wantsGrad(a);
      const wb = wantsGrad(b);
      if (kind === 'forward') return [wa ? pass('inputGrad', g, b, geometry) : null, wb ? pass('weightGrad', a, g, geometry) : null];
      if (kind === 'inputGrad') return [wa ? pass('forward', g, b, geometry) : null, wb ? pass('weightGrad', g, a, geometry) : null];
      return [wa ? pass('inputGrad', b, g, geometry) : null, wb ? pass('forward', a, g, geometry) : null];
    },
    [a, b],
  );
}

/**
 * 2-D convolution (cross-correlation, no bias) of x [N, C, H, W] with weight
 * [O, C/groups, kh, kw] through the backend's optional `conv2d` kernel, its
 * gradients (to any order) through the same kernel; null where the backend
 * has no such kernel or declines this geometry or dtype. `@graft/nn`'s
 * `F.conv2d` calls it first and composes the convolution when it gets null.
 *
 * @example
 * const y = g.fused.conv2d(g.ones(1, 1, 3, 3), g.ones(1, 1, 2, 2), { padding: [0, 0, 0, 0] });
 * y === null || y.shape; // [1, 1, 2, 2] where the backend has the kernel (the CPU's takes float32; null for float64)
 */
export function conv2d(x: Tensor, weight: Tensor, options: FusedConv2dOptions = {}): Tensor | null {
  checkTensor('fused.conv2d', x, 'input');
  checkTensor('fused.conv2d', weight, 'weight');
  const o = checkOptions('fused.conv2d', options, KEYS);
  const kernel = x.backend.conv2d;
  if (kernel === undefined) return null;
  if (x.ndim !== 4 || weight.ndim !== 4) {
    throw new Error(
      `fused.conv2d: expected a 4-D input [N, C, H, W] and a 4-D weight [O, C/groups, kh, kw], got [${x.shape.join(', ')}] and [${weight.shape.join(', ')}]`,
    );
  }
  // Anything else a composite reports in PyTorch's words (mixed devices or dtypes, integers).
  if (x.device !== weight.device || x.dtype !== weight.dtype || !isFloating(x.dtype)) return null;
  const stride = o.stride ?? [1, 1];
  const padding = o.padding ?? [0, 0, 0, 0];
  const dilation = o.dilation ?? [1, 1];
  const groups = o.groups ?? 1;
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, Cg, kh, kw] = weight.shape as [number, number, number, number];
  const OH = Math.floor((H + padding[0] + padding[1] - dilation[0] * (kh - 1) - 1) / stride[0]) + 1;
  const OW = Math.floor((W + padding[2] + padding[3] - dilation[1] * (kw - 1) - 1) / stride[1]) + 1;
  const positive = (v: readonly number[]) => v.every((n) => Number.isSafeInteger(n) && n >= 1);
  if (!positive([...stride, ...dilation, groups]) || padding.some((p) => !Number.isSafeInteger(p) || p < 0)) {
    throw new Error(
      `fused.conv2d: stride, dilation and groups must be positive integers and padding non-negative integers, got stride [${stride.join(', ')}], padding [${padding.join(', ')}], dilation [${dilation.join(', ')}], groups ${groups}`,
    );
  }
  if (C !== Cg * groups || O % groups !== 0 || OH <= 0 || OW <= 0 || N * C * H * W === 0 || O === 0) {
    return null; // the composite reports PyTorch's error, or computes PyTorch's empty result
  }
  const geometry: Conv2dGeometry = {
    input: [N, C, H, W],
    weight: [O, Cg, kh, kw],
    output: [N, O, OH, OW],
    stride: [stride[0], stride[1]],
    padding: [padding[0], padding[1], padding[2], padding[3]],
    dilation: [dilation[0], dilation[1]],
    groups,
  };
  const handle = kernel.call(x.backend, 'forward', x, weight, geometry);
  if (handle === null) return null;
  return pass('forward', x, weight, geometry, handle);
}
