/** Bilinear: `y = x1ᵀ A x2 + b`, with PyTorch's parameters, initialisation and repr. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { bilinear } from '../bilinear.js';
import * as init from '../init.js';
import { Module, layerInputs, layersFreeIntermediates } from '../module.js';
import { type Parameter, parameterFrom } from '../parameter.js';
import { pythonValue } from '../python-repr.js';
import { empty, FACTORY_KEYS, type LinearOptions } from './basic.js';

/**
 * A bilinear map of two inputs, `weight` [out, in1, in2] and `bias` [out],
 * both drawn from U(−1/√in1, 1/√in1) as PyTorch's `reset_parameters`.
 *
 * @example
 * const m = new Bilinear(20, 30, 40);
 * m.call(g.randn(128, 20), g.randn(128, 30)).shape; // [128, 40]
 */
export class Bilinear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly in1Features: number,
    readonly in2Features: number,
    readonly outFeatures: number,
    options?: LinearOptions,
  ) {
    super();
    const o = g.checkOptions('Bilinear', options, ['bias', ...FACTORY_KEYS]);
    this.weight = parameterFrom(empty([outFeatures, in1Features, in2Features], o));
    this.bias = (o.bias ?? true) ? parameterFrom(empty([outFeatures], o)) : null;
    this.resetParameters();
  }

  /**
   * Re-draws the parameters with PyTorch's initialisation.
   *
   * @example
   * m.resetParameters();
   */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.in1Features);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias !== null) init.uniform_(this.bias, -bound, bound);
  }

  override forward(input1: Tensor, input2: Tensor): Tensor {
    return bilinear(input1, input2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pythonValue(this.bias !== null)}`;
  }
}

// This layer frees what its forward makes on the way (Module.call).
layersFreeIntermediates(Bilinear);
layerInputs(2, [Bilinear]);
