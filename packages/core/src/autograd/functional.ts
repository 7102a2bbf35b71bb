/**
 * `g.autograd.functional`: vjp, jvp, jacobian, hessian and hvp of a function
 * of tensors, as `torch.autograd.functional` (returned as arrays: `[output, vjp]`).
 */
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor.js';
import { grad } from './backward.js';
import { stack } from '../ops/movement.js';
import { enableGrad } from './grad-mode.js';

type Inputs = Tensor | readonly Tensor[];
type Fn = (...xs: Tensor[]) => Tensor;

/** Options of the `functional` transforms. */
export interface FunctionalOptions {
  /** Keep the result differentiable (for higher-order derivatives). */
  createGraph?: boolean;
}

function asList(x: Inputs): Tensor[] {
  return Array.isArray(x) ? [...x] : [x as Tensor];
}

/** Fresh leaves sharing the inputs' values, so the caller's graph is untouched. */
function leaves(inputs: Inputs, createGraph: boolean): Tensor[] {
  return asList(inputs).map((x) => (createGraph && x.requiresGrad ? x : x.detach().requiresGrad_(true)));
}

function unwrap(list: Tensor[], inputs: Inputs): Tensor | Tensor[] {
  return Array.isArray(inputs) ? list : list[0]!;
}

function zerosFor(x: Tensor): Tensor {
  return x.detach().mul(0);
}

/**
 * The vector-Jacobian product vᵀJ of `func` at `inputs`.
 *
 * @example
 * const [y, vjp] = g.autograd.functional.vjp((x) => x.pow(2), g.tensor([1, 2]), g.tensor([1, 1])); // vjp: [2, 4]
 */
export function vjp(func: Fn, inputs: Inputs, v?: Tensor, options?: FunctionalOptions): [Tensor, Tensor | Tensor[]] {
  options = checkOptions('vjp', options, ['createGraph']);
  const createGraph = options.createGraph ?? false;
  const xs = leaves(inputs, createGraph);
  const out = enableGrad(() => func(...xs));
  const gs = grad(out, xs, { gradOutputs: v === undefined ? undefined : [v], createGraph, allowUnused: true });
  const result = gs.map((g, i) => g ?? zerosFor(xs[i]!));
  return [createGraph ? out : out.detach(), unwrap(result, inputs)];
}

/**
 * The Jacobian-vector product Jv of `func` at `inputs` (by the double-vjp trick).
 *
 * @example
 * const [y, jv] = g.autograd.functional.jvp((x) => x.pow(2), g.tensor([1, 2]), g.tensor([1, 0])); // jv: [2, 0]
 */
export function jvp(func: Fn, inputs: Inputs, v: Tensor | readonly Tensor[], options?: FunctionalOptions): [Tensor, Tensor] {
  options = checkOptions('jvp', options, ['createGraph']);
  const createGraph = options.createGraph ?? false;
  const xs = leaves(inputs, true);
  const vs = asList(v);
  return enableGrad(() => {
    const out = func(...xs);
    // u ↦ Jᵀu is linear, so Jv = ∂/∂u ⟨Jᵀu, v⟩.
    const u = out.detach().mul(0).requiresGrad_(true);
    const gs = grad(out, xs, { gradOutputs: [u], createGraph: true, allowUnused: true });
    let total: Tensor | undefined;
    gs.forEach((g, i) => {
      if (g === null) return;
      const term = g.mul(vs[i]!).sum();
      total = total === undefined ? term : total.add(term);
    });
    const jv = total === undefined ? null : grad(total, u, { createGraph, allowUnused: true })[0];
    return [createGraph ? out : out.detach(), jv ?? zerosFor(out)];
  });
}

/**
 * The Jacobian of `func` at `inputs`: shape output.shape + input.shape (one per input for a list).
 *
 * @example
 * g.autograd.functional.jacobian((x) => x.pow(2), g.tensor([1, 2])); // [[2, 0], [0, 4]]
 */
export function jacobian(func: Fn, inputs: Inputs, options?: FunctionalOptions): Tensor | Tensor[] {
  options = checkOptions('jacobian', options, ['createGraph']);
  const createGraph = options.createGraph ?? false;
  const xs = leaves(inputs, createGraph);
  const out = enableGrad(() => func(...xs));
  const flat = out.reshape(-1);
  const rows: Tensor[][] = xs.map(() => []);
  const n = flat.shape[0]!;
  for (let i = 0; i < n; i++) {
    const gs = grad(flat.select(0, i), xs, { retainGraph: true, createGraph, allowUnused: true });
    gs.forEach((g, k) => rows[k]!.push((g ?? zerosFor(xs[k]!)).reshape(-1)));
  }
  const result = xs.map((x, k) => {
    const shape = [...out.shape, ...x.shape];
    if (n === 0) return zerosFor(x).reshape(-1).narrow(0, 0, 0).reshape(shape);
    return stackRows(rows[k]!).reshape(shape);
  });
  return unwrap(result, inputs);
}

function stackRows(rows: Tensor[]): Tensor {
  return stack(rows);
}

/**
 * The Hessian of a scalar `func` at `inputs`.
 *
 * @example
 * g.autograd.functional.hessian((x) => x.pow(3).sum(), g.tensor([1, 2])); // [[6, 0], [0, 12]]
 */
export function hessian(func: Fn, inputs: Inputs, options?: FunctionalOptions): Tensor | Tensor[] {
  options = checkOptions('hessian', options, ['createGraph']);
  if (Array.isArray(inputs) && inputs.length !== 1) {
    throw new Error('hessian: only a single input tensor is supported in Graft (pass one tensor)');
  }
  const x = asList(inputs)[0]!;
  const gradient = (y: Tensor): Tensor => {
    const out = func(y);
    if (out.numel() !== 1)
      throw new Error(`hessian: the function must return a single-element tensor, got shape [${out.shape.join(', ')}]`);
    return grad(out, y, { createGraph: true })[0]!;
  };
  const h = jacobian(gradient, x, options) as Tensor;
  return Array.isArray(inputs) ? [h] : h;
}

/**
 * The Hessian-vector product Hv of a scalar `func` at `inputs`.
 *
 * @example
 * const [y, hv] = g.autograd.functional.hvp((x) => x.pow(3).sum(), g.tensor([1, 2]), g.tensor([1, 1])); // hv: [6, 12]
 */
export function hvp(func: Fn, inputs: Inputs, v: Tensor | readonly Tensor[], options?: FunctionalOptions): [Tensor, Tensor | Tensor[]] {
  options = checkOptions('hvp', options, ['createGraph']);
  const createGraph = options.createGraph ?? false;
  const xs = leaves(inputs, true);
  const vs = asList(v);
  return enableGrad(() => {
    const out = func(...xs);
    const gs = grad(out, xs, { createGraph: true, allowUnused: true });
    let total: Tensor | undefined;
    gs.forEach((g, i) => {
      if (g === null) return;
      const term = g.mul(vs[i]!).sum();
      total = total === undefined ? term : total.add(term);
    });
    const hv =
      total === undefined ? xs.map(zerosFor) : grad(total, xs, { createGraph, allowUnused: true }).map((g, i) => g ?? zerosFor(xs[i]!));
    return [createGraph ? out : out.detach(), unwrap(hv, inputs)];
  });
}
