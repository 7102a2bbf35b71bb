/** Tensor methods: conversion between dtypes and devices, copies, and `backward`. See methods/index.ts. */
import { type BackwardOptions, backward } from '../autograd/backward.js';
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { to } from '../ops/convert.js';
import { clone, contiguous } from '../ops/movement.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * This tensor as `target`: another dtype (`'float64'`) or another device
     * (`'webgl'`). Returns this tensor itself when nothing changes, as PyTorch's
     * `Tensor.to`. Differentiable across dtypes and devices.
     *
     * @example
     * g.tensor([1.7]).to('int32'); // tensor([1])
     * g.ones(2).to('webgl'); // on the GPU (with @graft/backend-webgl)
     */
    to(target: string | DType): Tensor;
    /**
     * This tensor as float32 (`t.to('float32')`).
     *
     * @example
     * g.tensor([1, 2], { dtype: 'int32' }).float(); // tensor([1., 2.])
     */
    float(): Tensor;
    /**
     * This tensor as float64 (`t.to('float64')`); the dtype to sum or multiply
     * int32 values in when the result may not fit int32.
     *
     * @example
     * g.tensor([0.1]).double().dtype; // 'float64'
     */
    double(): Tensor;
    /**
     * This tensor as int32 (`t.to('int32')`), rounding toward zero as PyTorch's `.int()`.
     *
     * @example
     * g.tensor([-1.7, 2.5]).int(); // tensor([-1,  2])
     */
    int(): Tensor;
    /**
     * This tensor as bool (`t.to('bool')`): nonzero is true.
     *
     * @example
     * g.tensor([0, 2]).bool(); // tensor([False,  True])
     */
    bool(): Tensor;
    /**
     * A copy with its own contiguous storage, differentiable (gradients flow
     * back to this tensor). See {@link @graft/core!"@graft/core".clone | g.clone}.
     *
     * @example
     * const y = x.clone(); y.add_(1); // x is unchanged
     */
    clone(): Tensor;
    /**
     * This tensor if its elements are laid out row-major without gaps, else
     * a contiguous copy. See {@link @graft/core!"@graft/core".contiguous | g.contiguous}.
     *
     * @example
     * g.ones(2, 3).t().contiguous().isContiguous(); // true
     */
    contiguous(): Tensor;

    /**
     * Computes the gradient of this tensor with respect to the graph's leaves
     * and accumulates it into their `.grad`, as PyTorch's `Tensor.backward`. A
     * non-scalar tensor needs `gradient` (the vector of a vector-Jacobian
     * product); options are `retainGraph`, `createGraph` (for higher-order
     * gradients) and `inputs` (accumulate only into these leaves), also
     * alone: `loss.backward({ retainGraph: true })`. See
     * {@link @graft/core!"@graft/core".autograd.backward | g.autograd.backward}.
     *
     * @example
     * const x = g.tensor(2, { requiresGrad: true });
     * x.pow(2).backward(); // x.grad is tensor(4.)
     */
    backward(gradient?: Tensor | number, options?: BackwardOptions): void;
    /**
     * `backward` with its options alone (PyTorch's `loss.backward(retain_graph=True)`).
     *
     * @example
     * const x = g.tensor(2, { requiresGrad: true });
     * const y = x.pow(2);
     * y.backward({ retainGraph: true });
     * y.backward(); // x.grad is tensor(8.)
     */
    backward(options: BackwardOptions): void;
  }
}

installMethods<'to' | 'float' | 'double' | 'int' | 'bool' | 'clone' | 'contiguous' | 'backward'>({
  to(target) {
    return to(this, target);
  },
  float() {
    return to(this, 'float32');
  },
  double() {
    return to(this, 'float64');
  },
  int() {
    return to(this, 'int32');
  },
  bool() {
    return to(this, 'bool');
  },
  clone() {
    return clone(this);
  },
  contiguous() {
    return contiguous(this);
  },
  backward(gradient?: Tensor | number | BackwardOptions, options?: BackwardOptions) {
    backward(this, gradient, options);
  },
});
