/** Tensor methods: contractions and the fused products (addmm and friends, in place too). See methods/index.ts. */
import { addbmm, addmm, addmv, addr, baddbmm, type BetaAlphaOptions, fusedProductInPlace } from '../ops/addmm.js';
import { type CrossOptions, cross, ger, inner, kron, vdot } from '../ops/contractions.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * `beta · this + alpha · (mat1 @ mat2)`. See {@link @graft/core!"@graft/core".addmm | g.addmm}.
     *
     * @example
     * g.zeros(2, 2).addmm(g.ones(2, 3), g.ones(3, 2)).tolist(); // [[3, 3], [3, 3]]
     */
    addmm(mat1: Tensor, mat2: Tensor, options?: BetaAlphaOptions): Tensor;
    /**
     * In place: `this = beta · this + alpha · (mat1 @ mat2)`; PyTorch's `addmm_`.
     *
     * @example
     * const c = g.zeros(2, 2); c.addmm_(g.ones(2, 3), g.ones(3, 2), { beta: 0.5 }); // c is all 3
     */
    addmm_(mat1: Tensor, mat2: Tensor, options?: BetaAlphaOptions): this;
    /**
     * `beta · this + alpha · (mat @ vec)`. See {@link @graft/core!"@graft/core".addmv | g.addmv}.
     *
     * @example
     * g.ones(2).addmv(g.ones(2, 3), g.ones(3)).tolist(); // [4, 4]
     */
    addmv(mat: Tensor, vec: Tensor, options?: BetaAlphaOptions): Tensor;
    /**
     * In place: `this = beta · this + alpha · (mat @ vec)`; PyTorch's `addmv_`.
     *
     * @example
     * const y = g.ones(2); y.addmv_(g.ones(2, 3), g.ones(3)); // y is tensor([4., 4.])
     */
    addmv_(mat: Tensor, vec: Tensor, options?: BetaAlphaOptions): this;
    /**
     * `beta · this + alpha · (batch1 @ batch2)`, batched. See {@link @graft/core!"@graft/core".baddbmm | g.baddbmm}.
     *
     * @example
     * g.zeros(4, 2, 2).baddbmm(g.ones(4, 2, 3), g.ones(4, 3, 2)).shape; // [4, 2, 2]
     */
    baddbmm(batch1: Tensor, batch2: Tensor, options?: BetaAlphaOptions): Tensor;
    /**
     * In place: `this = beta · this + alpha · (batch1 @ batch2)`; PyTorch's `baddbmm_`.
     *
     * @example
     * const s = g.zeros(4, 2, 2); s.baddbmm_(g.ones(4, 2, 3), g.ones(4, 3, 2), { alpha: 0.5 });
     */
    baddbmm_(batch1: Tensor, batch2: Tensor, options?: BetaAlphaOptions): this;
    /**
     * `beta · this + alpha · Σᵢ batch1[i] @ batch2[i]`. See {@link @graft/core!"@graft/core".addbmm | g.addbmm}.
     *
     * @example
     * g.zeros(2, 2).addbmm(g.ones(4, 2, 3), g.ones(4, 3, 2)).tolist(); // [[12, 12], [12, 12]]
     */
    addbmm(batch1: Tensor, batch2: Tensor, options?: BetaAlphaOptions): Tensor;
    /**
     * In place: `this = beta · this + alpha · Σᵢ batch1[i] @ batch2[i]`; PyTorch's `addbmm_`.
     *
     * @example
     * const s = g.zeros(2, 2); s.addbmm_(g.ones(4, 2, 3), g.ones(4, 3, 2)); // s is all 12
     */
    addbmm_(batch1: Tensor, batch2: Tensor, options?: BetaAlphaOptions): this;
    /**
     * `beta · this + alpha · outer(vec1, vec2)`. See {@link @graft/core!"@graft/core".addr | g.addr}.
     *
     * @example
     * g.zeros(2, 3).addr(g.tensor([1, 2]), g.tensor([1, 2, 3])).tolist(); // [[1, 2, 3], [2, 4, 6]]
     */
    addr(vec1: Tensor, vec2: Tensor, options?: BetaAlphaOptions): Tensor;
    /**
     * In place: `this = beta · this + alpha · outer(vec1, vec2)`; PyTorch's `addr_`.
     *
     * @example
     * const m = g.zeros(2, 3); m.addr_(g.tensor([1, 2]), g.tensor([1, 2, 3])); // m is [[1, 2, 3], [2, 4, 6]]
     */
    addr_(vec1: Tensor, vec2: Tensor, options?: BetaAlphaOptions): this;
    /**
     * The cross product with `other` along `dim` (by default the first dim of
     * size 3, as PyTorch 1.13). See {@link @graft/core!"@graft/core".cross | g.cross}.
     *
     * @example
     * g.tensor([1, 0, 0]).cross(g.tensor([0, 1, 0])).tolist(); // [0, 0, 1]
     */
    cross(other: Tensor, dim?: number | null | CrossOptions, options?: CrossOptions): Tensor;
    /**
     * The inner product with `other` over the last dim. See {@link @graft/core!"@graft/core".inner | g.inner}.
     *
     * @example
     * g.ones(2, 3).inner(g.ones(4, 3)).shape; // [2, 4]
     */
    inner(other: Tensor): Tensor;
    /**
     * The dot product of two 1-D tensors (for real dtypes, `dot`).
     *
     * @example
     * g.tensor([1, 2]).vdot(g.tensor([3, 4])).item(); // 11
     */
    vdot(other: Tensor): Tensor;
    /**
     * The outer product of two 1-D tensors (`outer`'s old name).
     *
     * @example
     * g.tensor([1, 2]).ger(g.tensor([1, 10])).tolist(); // [[1, 10], [2, 20]]
     */
    ger(other: Tensor): Tensor;
    /**
     * The Kronecker product with `other`. See {@link @graft/core!"@graft/core".kron | g.kron}.
     *
     * @example
     * g.eye(2).kron(g.ones(2, 2)).shape; // [4, 4]
     */
    kron(other: Tensor): Tensor;
  }
}

installMethods<
  | 'addmm'
  | 'addmm_'
  | 'addmv'
  | 'addmv_'
  | 'baddbmm'
  | 'baddbmm_'
  | 'addbmm'
  | 'addbmm_'
  | 'addr'
  | 'addr_'
  | 'cross'
  | 'inner'
  | 'vdot'
  | 'ger'
  | 'kron'
>({
  addmm(mat1, mat2, options) {
    return addmm(this, mat1, mat2, options);
  },
  addmm_(mat1, mat2, options) {
    return fusedProductInPlace('addmm', this, mat1, mat2, options);
  },
  addmv(mat, vec, options) {
    return addmv(this, mat, vec, options);
  },
  addmv_(mat, vec, options) {
    return fusedProductInPlace('addmv', this, mat, vec, options);
  },
  baddbmm(batch1, batch2, options) {
    return baddbmm(this, batch1, batch2, options);
  },
  baddbmm_(batch1, batch2, options) {
    return fusedProductInPlace('baddbmm', this, batch1, batch2, options);
  },
  addbmm(batch1, batch2, options) {
    return addbmm(this, batch1, batch2, options);
  },
  addbmm_(batch1, batch2, options) {
    return fusedProductInPlace('addbmm', this, batch1, batch2, options);
  },
  addr(vec1, vec2, options) {
    return addr(this, vec1, vec2, options);
  },
  addr_(vec1, vec2, options) {
    return fusedProductInPlace('addr', this, vec1, vec2, options);
  },
  cross(other, dim, options) {
    return cross(this, other, dim, options);
  },
  inner(other) {
    return inner(this, other);
  },
  vdot(other) {
    return vdot(this, other);
  },
  ger(other) {
    return ger(this, other);
  },
  kron(other) {
    return kron(this, other);
  },
});
