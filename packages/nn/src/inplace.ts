/** The `inplace` option of the activations. Internal: not part of the public surface. */
import type { Tensor } from '@graft/core';

/** Options of the activations that can work in place. */
export interface InplaceOptions {
  /** Write the result into the input (which must not be a leaf that requires grad), as PyTorch's `inplace=True`. */
  inplace?: boolean;
}

/** Writes `result` into `input` (as PyTorch's in-place forms) when asked, else returns `result`. */
export function maybeInPlace(input: Tensor, result: Tensor, inplace: boolean | undefined): Tensor {
  return inplace ? input.copy_(result) : result;
}
