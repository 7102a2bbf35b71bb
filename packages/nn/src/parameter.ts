/** Parameter: a leaf tensor that a Module registers as trainable. */
import { Tensor } from '@graft/core';
import { keywordArguments } from './arguments.js';

/**
 * A tensor that is a module parameter (a leaf requiring grad by default).
 * It shares the data of the tensor it wraps.
 *
 * @example
 * const w = new Parameter(g.randn(3, 2));
 * const frozen = new Parameter(g.zeros(3), { requiresGrad: false });
 * String(w); // 'Parameter containing:\ntensor([[...]], requires_grad=True)'
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad?: boolean);
  constructor(data: Tensor, options?: { requiresGrad?: boolean });
  constructor(data: Tensor, ...rest: unknown[]) {
    const { requiresGrad = true } = keywordArguments<{ requiresGrad?: boolean }>('Parameter', rest, ['requiresGrad']);
    const leaf = data.detach();
    super(leaf.storage, leaf.shape, leaf.strides, leaf.offset);
    leaf.dispose();
    if (requiresGrad) this.requiresGrad_(true);
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/** A Parameter made from a temporary (`data` is disposed: the parameter keeps its storage alive). */
export function parameterFrom(data: Tensor): Parameter {
  const p = new Parameter(data);
  data.dispose();
  return p;
}
