/**
 * The tensor arguments of every `F` function, checked at its entry as
 * PyTorch's argument parser checks them: a missing tensor or a value of
 * another kind (an array, a number) is an error naming the function, the
 * argument and what was given — never a TypeError from deep inside
 * (`input.relu is not a function`). The layers call these functions, so a
 * layer called without its input (or with an array) gets the same message.
 */
import { Tensor } from '@graft/core';

/** What a value is, in the words of PyTorch's "must be Tensor, not …" (JavaScript's names). */
export function kindOf(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'Array';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'Object';
  return typeof v;
}

/**
 * Checks that each of `tensors` (the function's required tensor arguments,
 * by name, in their positions) is a Tensor.
 *
 * @example
 * checkTensorArguments('mseLoss', { input, target });
 * // F.mseLoss(x, [1, 2]) → TypeError: mseLoss(): argument 'target' (position 2) must be Tensor, not Array
 */
export function checkTensorArguments(op: string, tensors: Record<string, unknown>): void {
  let position = 0;
  for (const [name, value] of Object.entries(tensors)) {
    position++;
    if (!(value instanceof Tensor)) {
      throw new TypeError(`${op}(): argument '${name}' (position ${position}) must be Tensor, not ${kindOf(value)}`);
    }
  }
}
