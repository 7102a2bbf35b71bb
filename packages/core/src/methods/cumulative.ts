/** Tensor methods: cumulative ops beyond cumsum (reductions.ts): cumprod, cumprod_, logcumsumexp. See methods/index.ts. */
import { type CumprodOptions, type LogcumsumexpOptions, cumprod, logcumsumexp } from '../ops/cumulative.js';
import { inplaceOf } from '../ops/inplace.js';
import type { Tensor as T } from '../tensor.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * The cumulative product along `dim` (integers exact or raising; `{ dtype }`
     * casts first). See {@link @graft/core!"@graft/core".cumprod | g.cumprod}.
     *
     * @example
     * g.tensor([1, 2, 3]).cumprod(0); // tensor([1., 2., 6.])
     */
    cumprod(dim: number | CumprodOptions, options?: CumprodOptions): T;
    /**
     * In-place {@link Tensor.cumprod}; PyTorch's `cumprod_`.
     *
     * @example
     * const t = g.tensor([1, 2, 3]); t.cumprod_(0); // t is tensor([1., 2., 6.])
     */
    cumprod_(dim: number | CumprodOptions, options?: CumprodOptions): this;
    /**
     * `log(cumsum(exp(x)))` along `dim`, computed stably. See
     * {@link @graft/core!"@graft/core".logcumsumexp | g.logcumsumexp}.
     *
     * @example
     * g.tensor([0, 0]).logcumsumexp(0); // tensor([0.0000, 0.6931])
     */
    logcumsumexp(dim: number | LogcumsumexpOptions, options?: LogcumsumexpOptions): T;
  }
}

installMethods<'cumprod' | 'cumprod_' | 'logcumsumexp'>({
  cumprod(dim, options) {
    return cumprod(this, dim, options);
  },
  cumprod_(dim, options) {
    return inplaceOf(this, 'cumprod_', (self) => cumprod(self, dim, options), dim);
  },
  logcumsumexp(dim, options) {
    return logcumsumexp(this, dim, options);
  },
});
