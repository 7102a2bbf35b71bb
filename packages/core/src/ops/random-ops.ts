/** The random family of ops (creation, sampling, in-place samplers, generator state), for ops/index.ts. */
export * from './random-creation.js';
export * from './random-sampling.js';
export * from './multinomial.js';
export * from './random-inplace.js';
export * from './rng-state.js';
