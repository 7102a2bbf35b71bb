/**
 * Tensor methods of the random family (the in-place samplers, `bernoulli`,
 * `multinomial`) and the `Generator` methods that make or read tensors
 * (`getState`, `setState`): random.ts sits below the tensors, so they are
 * declared here by declaration merging and installed on the prototypes. See
 * methods/index.ts.
 */
import type { Tensor } from '../tensor.js';
import { bernoulli, type BernoulliOptions } from '../ops/random-sampling.js';
import { multinomial, type MultinomialOptions } from '../ops/multinomial.js';
import {
  type BernoulliInPlaceOptions,
  bernoulli_,
  type CauchyOptions,
  cauchy_,
  type ExponentialOptions,
  exponential_,
  type GeometricOptions,
  geometric_,
  type LogNormalOptions,
  logNormal_,
  type NormalOptions,
  normal_,
  type RandomOptions,
  random_,
  type UniformOptions,
  uniform_,
} from '../ops/random-inplace.js';
import type { GeneratorOptions } from '../ops/random-creation.js';
import { generatorState, setGeneratorState } from '../ops/rng-state.js';
import { Generator } from '../random.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * Fills this tensor with uniform samples in `[from, to)` (default [0, 1)),
     * PyTorch's numbers for the same seed; PyTorch's `uniform_`. A view is
     * filled in memory order, as PyTorch fills it.
     *
     * @example
     * g.empty(5, 3).uniform_(-1, 1);
     * g.empty(4, 4).uniform_(-0.1, 0.1, { generator: new g.Generator().manualSeed(1) });
     */
    uniform_(from?: number, to?: number, options?: GeneratorOptions): this;
    /** `uniform_` with its arguments by name: `{ from, to, generator }`. @example g.empty(3).uniform_({ from: -1, to: 1 }) */
    uniform_(options: UniformOptions): this;
    /**
     * Fills this tensor with normal samples of `mean` and `std` (default 0, 1),
     * PyTorch's numbers for the same seed; PyTorch's `normal_`.
     *
     * @example
     * g.empty(3).normal_(0, 0.1);
     * g.empty(4, 4).normal_({ std: 0.02, generator: new g.Generator().manualSeed(1) });
     */
    normal_(mean?: number, std?: number, options?: GeneratorOptions): this;
    /** `normal_` with its arguments by name: `{ mean, std, generator }`. @example g.empty(3).normal_({ std: 0.02 }) */
    normal_(options: NormalOptions): this;
    /**
     * Fills this tensor with Bernoulli draws: 1 with probability `p` (a
     * number, default 0.5, or a float tensor of probabilities broadcast to
     * this one), else 0; PyTorch's CPU `bernoulli_`.
     *
     * @example
     * g.manualSeed(0);
     * g.empty(4).bernoulli_(0.5); // the mask torch.empty(4).bernoulli_(0.5) gives after torch.manual_seed(0)
     */
    bernoulli_(p?: number | Tensor, options?: GeneratorOptions): this;
    /** `bernoulli_` with its arguments by name: `{ p, generator }`. @example g.empty(4).bernoulli_({ p: 0.9 }) */
    bernoulli_(options: BernoulliInPlaceOptions): this;
    /**
     * Fills this tensor with Exp(`lambd`) samples (default rate 1); PyTorch's
     * CPU `exponential_`.
     *
     * @example
     * g.empty(3).exponential_();
     * g.empty(3).exponential_(0.5, { generator: new g.Generator().manualSeed(1) });
     */
    exponential_(lambd?: number, options?: GeneratorOptions): this;
    /** `exponential_` with its arguments by name: `{ lambd, generator }`. @example g.empty(3).exponential_({ lambd: 2 }) */
    exponential_(options: ExponentialOptions): this;
    /**
     * Fills this tensor with Geometric(`p`) samples — the trial (1, 2, …) of
     * the first success; PyTorch's `geometric_`.
     *
     * @example
     * g.empty(4).geometric_(0.2);
     */
    geometric_(p: number, options?: GeneratorOptions): this;
    /** `geometric_` with its arguments by name: `{ p, generator }`. @example g.empty(3).geometric_({ p: 0.5 }) */
    geometric_(options: GeometricOptions): this;
    /**
     * Fills this tensor with Cauchy samples (default median 0, sigma 1);
     * PyTorch's `cauchy_`.
     *
     * @example
     * g.empty(3).cauchy_(0, 2);
     */
    cauchy_(median?: number, sigma?: number, options?: GeneratorOptions): this;
    /** `cauchy_` with its arguments by name: `{ median, sigma, generator }`. @example g.empty(3).cauchy_({ sigma: 2 }) */
    cauchy_(options: CauchyOptions): this;
    /**
     * Fills this tensor with exp(N(`mean`, `std`²)) samples (PyTorch's
     * defaults: mean 1, std 2); PyTorch's `log_normal_`.
     *
     * @example
     * g.empty(3).logNormal_(0, 0.25);
     */
    logNormal_(mean?: number, std?: number, options?: GeneratorOptions): this;
    /** `logNormal_` with its arguments by name: `{ mean, std, generator }`. @example g.empty(3).logNormal_({ mean: 0, std: 0.5 }) */
    logNormal_(options: LogNormalOptions): this;
    /**
     * Fills this tensor with integers: `random_()` over the dtype's exact
     * integers ([0, 2^24] for float32, [0, 2^53] for float64, [0, 2^31 − 1]
     * for int32, {0, 1} for bool), `random_(to)` in [0, to), `random_(from,
     * to)` in [from, to); PyTorch's `random_`.
     *
     * @example
     * g.zeros(5, { dtype: 'int32' }).random_(6); // dice faces 0…5
     */
    random_(to?: number, options?: GeneratorOptions): this;
    /** `random_(from, to)`: integers in [from, to); `to = null` for up to the dtype's largest. @example g.zeros(3, { dtype: 'int32' }).random_(-5, 5) */
    random_(from: number, to: number | null, options?: GeneratorOptions): this;
    /** `random_` with its arguments by name: `{ from, to, generator }`. @example g.zeros(3, { dtype: 'int32' }).random_({ to: 10 }) */
    random_(options: RandomOptions): this;
    /**
     * {@link @graft/core!"@graft/core".bernoulli | g.bernoulli}: 1 with
     * probability `this[i]` (or `p` for every element); PyTorch's
     * `Tensor.bernoulli`.
     *
     * @example
     * g.tensor([0.2, 0.8]).bernoulli();
     */
    bernoulli(p?: number, options?: GeneratorOptions): Tensor;
    /** `bernoulli` with its arguments by name: `{ p, generator }`. @example g.tensor([0.2, 0.8]).bernoulli({ generator: new g.Generator().manualSeed(1) }) */
    bernoulli(options: BernoulliOptions): Tensor;
    /**
     * {@link @graft/core!"@graft/core".multinomial | g.multinomial}: category
     * indices drawn from the rows of this tensor of weights; PyTorch's
     * `Tensor.multinomial`.
     *
     * @example
     * g.tensor([1, 2, 7]).multinomial(2);
     */
    multinomial(numSamples: number, replacement?: boolean, options?: GeneratorOptions): Tensor;
    /** `multinomial` with `{ replacement, generator }`. @example g.tensor([1, 2, 7]).multinomial(5, { replacement: true }) */
    multinomial(numSamples: number, options?: MultinomialOptions): Tensor;
  }
}

type Rest = unknown[];
const call = <R>(fn: (t: Tensor, ...rest: Rest) => R) =>
  function (this: Tensor, ...rest: Rest): R {
    return fn(this, ...rest);
  };

installMethods<
  'uniform_' | 'normal_' | 'bernoulli_' | 'exponential_' | 'geometric_' | 'cauchy_' | 'logNormal_' | 'random_' | 'bernoulli' | 'multinomial'
>({
  uniform_: call(uniform_) as Tensor['uniform_'],
  normal_: call(normal_) as Tensor['normal_'],
  bernoulli_: call(bernoulli_) as Tensor['bernoulli_'],
  exponential_: call(exponential_) as Tensor['exponential_'],
  geometric_: call(geometric_) as Tensor['geometric_'],
  cauchy_: call(cauchy_) as Tensor['cauchy_'],
  logNormal_: call(logNormal_) as Tensor['logNormal_'],
  random_: call(random_) as Tensor['random_'],
  bernoulli: call(bernoulli as (t: Tensor, ...rest: Rest) => Tensor) as Tensor['bernoulli'],
  multinomial: call(multinomial as (t: Tensor, ...rest: Rest) => Tensor) as Tensor['multinomial'],
});

declare module '../random.js' {
  interface Generator {
    /**
     * This generator's state: PyTorch's 5056 state bytes
     * (`Generator.get_state()`), as an int32 tensor of byte values.
     *
     * @example
     * const gen = new g.Generator().manualSeed(0);
     * const s = gen.getState(); const a = g.rand(2, { generator: gen });
     * gen.setState(s); g.rand(2, { generator: gen }); // a again
     */
    getState(): Tensor;
    /**
     * Restores a state from `getState()` (this generator's or another's), or
     * PyTorch's state bytes as a `Uint8Array`; returns this generator, as
     * `Generator.set_state`.
     *
     * @example
     * const gen = new g.Generator();
     * gen.setState(g.getRngState()); // gen continues the default generator's stream
     */
    setState(state: Tensor | Uint8Array): this;
  }
}

for (const [name, value] of Object.entries({
  getState(this: Generator): Tensor {
    return generatorState(this);
  },
  setState(this: Generator, state: Tensor | Uint8Array): Generator {
    setGeneratorState('setState', this, state);
    return this;
  },
})) {
  Object.defineProperty(Generator.prototype, name, { value, writable: true, configurable: true, enumerable: false });
}
