/** Installs a family of Tensor methods on the prototype (see index.ts). */
import { Tensor } from '../tensor.js';

/**
 * Defines `methods` on `Tensor.prototype` as a class body would: non-enumerable,
 * writable, configurable. The type makes the object implement every name in
 * `Names` with the signature declared for it on `Tensor`.
 */
export function installMethods<Names extends keyof Tensor>(methods: { [K in Names]: Tensor[K] } & ThisType<Tensor>): void {
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(methods))) {
    Object.defineProperty(Tensor.prototype, name, { ...descriptor, enumerable: false });
  }
}
