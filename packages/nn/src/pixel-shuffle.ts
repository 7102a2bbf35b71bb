/** Pixel shuffle and unshuffle: sub-pixel rearrangements between channels and space, as reshapes and one permute. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { checkTensorArguments } from './tensor-arguments.js';

function checkFactor(op: string, name: string, r: unknown): number {
  if (typeof r !== 'number' || !Number.isSafeInteger(r) || r < 1)
    throw new Error(`${op}: ${name} must be a positive integer, got ${JSON.stringify(r)}`);
  return r;
}

/**
 * Rearranges x [*, C·r², H, W] into [*, C, H·r, W·r] (sub-pixel convolution's upscaling).
 *
 * @example
 * F.pixelShuffle(g.randn(1, 8, 3, 3), 2).shape; // [1, 2, 6, 6]
 */
export function pixelShuffle(x: Tensor, upscaleFactor: number): Tensor {
  checkTensorArguments('pixelShuffle', { input: x });
  return g.tidy(() => {
    const op = 'pixelShuffle';
    const r = checkFactor(op, 'upscale_factor', upscaleFactor);
    if (x.ndim < 3)
      throw new Error(`${op}: pixel_shuffle expects input to have at least 3 dimensions, but got input with ${x.ndim} dimension(s)`);
    const lead = x.shape.slice(0, -3);
    const [C, H, W] = x.shape.slice(-3) as [number, number, number];
    if (C % (r * r) !== 0)
      throw new Error(
        `${op}: pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${C} is not divisible by ${r * r}`,
      );
    const oc = C / (r * r);
    // The leading dims as one: the permuted view has rank 6 at most (WebGL's limit).
    return x
      .reshape(-1, oc, r, r, H, W)
      .permute(0, 1, 4, 2, 5, 3)
      .reshape([...lead, oc, H * r, W * r]);
  });
}

/**
 * Rearranges x [*, C, H·r, W·r] into [*, C·r², H, W], the inverse of `pixelShuffle`.
 *
 * @example
 * F.pixelUnshuffle(g.randn(1, 2, 6, 6), 2).shape; // [1, 8, 3, 3]
 */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number): Tensor {
  checkTensorArguments('pixelUnshuffle', { input: x });
  return g.tidy(() => {
    const op = 'pixelUnshuffle';
    const r = checkFactor(op, 'downscale_factor', downscaleFactor);
    if (x.ndim < 3)
      throw new Error(`${op}: pixel_unshuffle expects input to have at least 3 dimensions, but got input with ${x.ndim} dimension(s)`);
    const lead = x.shape.slice(0, -3);
    const [C, H, W] = x.shape.slice(-3) as [number, number, number];
    if (H % r !== 0)
      throw new Error(
        `${op}: pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=${H} is not divisible by ${r}`,
      );
    if (W % r !== 0)
      throw new Error(
        `${op}: pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=${W} is not divisible by ${r}`,
      );
    return x
      .reshape(-1, C, H / r, r, W / r, r)
      .permute(0, 1, 3, 5, 2, 4)
      .reshape([...lead, C * r * r, H / r, W / r]);
  });
}
