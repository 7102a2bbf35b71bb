/** `parametersToVector` / `vectorToParameters`: every parameter as one flat vector and back, as `torch.nn.utils`. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';

/** The parameters as a list, checked to be tensors on one device (PyTorch's `_check_param_device`). */
function tensorsOf(op: string, parameters: Iterable<Tensor>): Tensor[] {
  if (parameters === null || typeof (parameters as Iterable<Tensor>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${op}: expected an iterable of parameters (e.g. model.parameters())`);
  }
  const list = [...parameters];
  list.forEach((p, i) => {
    if (!(p instanceof g.Tensor)) throw new TypeError(`${op}: parameter ${i} is not a Tensor`);
    if (p.device !== list[0]!.device) {
      throw new Error(
        `${op}: Found two parameters on different devices, this is currently not supported (${list[0]!.device} and ${p.device})`,
      );
    }
  });
  return list;
}

/**
 * Every parameter flattened and concatenated into one vector, in the order
 * given (PyTorch's `parameters_to_vector`); differentiable.
 *
 * @example
 * const model = new nn.Linear(3, 2);
 * nn.utils.parametersToVector(model.parameters()).shape; // [8]
 */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const list = tensorsOf('parametersToVector', parameters);
  if (list.length === 0) throw new Error('parametersToVector: expected a non-empty list of parameters');
  return g.tidy(() => g.cat(list.map((p) => p.reshape(-1))));
}

/**
 * Copies consecutive slices of `vec` into the parameters, in order (PyTorch's
 * `vector_to_parameters`): not recorded by autograd, as PyTorch's `.data`
 * assignment; `vec` must have exactly as many elements as the parameters.
 *
 * @example
 * const v = nn.utils.parametersToVector(model.parameters());
 * nn.utils.vectorToParameters(v.mul(0.5), model.parameters());
 */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  const op = 'vectorToParameters';
  if (!(vec instanceof g.Tensor)) throw new TypeError(`${op}: expected torch.Tensor, but got: ${vec === null ? 'null' : typeof vec}`);
  if (vec.ndim !== 1) throw new Error(`${op}: expected a 1-D vector, got shape [${vec.shape.join(', ')}]`);
  const list = tensorsOf(op, parameters);
  const total = list.reduce((n, p) => n + p.numel(), 0);
  if (total !== vec.shape[0]) throw new Error(`${op}: the vector has ${vec.shape[0]} elements, but the parameters have ${total}`);
  g.noGrad(() =>
    g.tidy(() => {
      let at = 0;
      for (const p of list) {
        const n = p.numel();
        p.copy_(vec.narrow(0, at, n).reshape(p.shape as number[]));
        at += n;
      }
    }),
  );
}
