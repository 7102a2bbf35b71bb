/** Tensor methods: in-place ops: each writes into this tensor (and the views of its storage), bumps `version` and returns `this`. See methods/index.ts. */
import type { TensorLike } from '../ops/dispatch.js';
import { type AlphaOptions, type ClampOptions, type DivOptions, add, clampAs, div, mul, sub } from '../ops/elementwise.js';
import { copy_, fill_, fillAs, inplaceOf } from '../ops/inplace.js';
import { checkOptions } from '../options.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * In-place {@link @graft/core!"@graft/core".add | g.add}: `this += alpha · other`; PyTorch's `add_`.
     *
     * @example
     * const w = g.zeros(2); w.add_(1); // w is tensor([1., 1.])
     */
    add_(other: TensorLike, options?: AlphaOptions): this;
    /**
     * In-place {@link @graft/core!"@graft/core".sub | g.sub}: `this -= alpha · other`; PyTorch's `sub_`.
     *
     * @example
     * const w = g.ones(2); w.sub_(g.tensor([1, 2]), { alpha: 0.5 }); // w is tensor([0.5000, 0.0000])
     */
    sub_(other: TensorLike, options?: AlphaOptions): this;
    /**
     * In-place {@link @graft/core!"@graft/core".mul | g.mul}: `this *= other`; PyTorch's `mul_`.
     *
     * @example
     * const w = g.ones(2); w.mul_(3); // w is tensor([3., 3.])
     */
    mul_(other: TensorLike): this;
    /**
     * In-place {@link @graft/core!"@graft/core".div | g.div}: `this /= other` (with `{ roundingMode }` too); PyTorch's `div_`.
     *
     * @example
     * const w = g.ones(2); w.div_(4); // w is tensor([0.2500, 0.2500])
     */
    div_(other: TensorLike, options?: DivOptions): this;
    /**
     * In-place {@link @graft/core!"@graft/core".clamp | g.clamp}: limits each element to `[min, max]`; PyTorch's `clamp_`.
     *
     * @example
     * const w = g.tensor([-2, 3]); w.clamp_(-1, 1); // w is tensor([-1.,  1.])
     */
    clamp_(min?: number | Tensor | null | ClampOptions, max?: number | Tensor | null | ClampOptions, options?: ClampOptions): this;
    /**
     * Sets every element to 0; PyTorch's `zero_`.
     *
     * @example
     * const w = g.ones(3); w.zero_(); // w is tensor([0., 0., 0.])
     */
    zero_(): this;
    /**
     * Sets every element to `value` (a number, boolean or 0-d tensor); PyTorch's `fill_`.
     *
     * @example
     * g.zeros(3).fill_(2); // tensor([2., 2., 2.])
     */
    fill_(value: number | boolean | Tensor): this;
    /**
     * Copies `src` into this tensor, broadcast, cast and moved across devices
     * as needed; PyTorch's `copy_`.
     *
     * @example
     * const a = g.zeros(2); a.copy_(g.tensor([1, 2])); // a is tensor([1., 2.])
     */
    copy_(src: Tensor | number): this;
  }
}

installMethods<'add_' | 'sub_' | 'mul_' | 'div_' | 'clamp_' | 'zero_' | 'fill_' | 'copy_'>({
  add_(other, options) {
    return inplaceOf(this, 'add_', (self) => add(self, other, checkOptions('add_', options, ['alpha'])), other);
  },
  sub_(other, options) {
    return inplaceOf(this, 'sub_', (self) => sub(self, other, checkOptions('sub_', options, ['alpha'])), other);
  },
  mul_(other) {
    return inplaceOf(this, 'mul_', (self) => mul(self, other), other);
  },
  div_(other, options) {
    return inplaceOf(this, 'div_', (self) => div(self, other, checkOptions('div_', options, ['roundingMode'])), other);
  },
  clamp_(min, max, options) {
    return inplaceOf(this, 'clamp_', (self) => clampAs('clamp_', self, min, max, options), min, max);
  },
  zero_() {
    return fillAs('zero_', this, 0);
  },
  fill_(value) {
    return fill_(this, value);
  },
  copy_(src) {
    return copy_(this, src);
  },
});
