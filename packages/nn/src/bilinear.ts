/** `F.bilinear`: `y = x1ᵀ A x2 + b`, as one matmul and a reduction. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { keywordArguments } from './arguments.js';
import { checkTensorArguments } from './tensor-arguments.js';

/**
 * `y[…, o] = Σᵢⱼ x1[…, i] · weight[o, i, j] · x2[…, j] + bias[o]`
 * (PyTorch's `F.bilinear`): `input1` [*, in1] and `input2` [*, in2] with the
 * same leading dims, `weight` [out, in1, in2], `bias` [out].
 *
 * @example
 * F.bilinear(g.randn(4, 3), g.randn(4, 5), g.randn(2, 3, 5)).shape; // [4, 2]
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor;
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, options?: { bias?: Tensor | null }): Tensor;
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, ...rest: unknown[]): Tensor {
  checkTensorArguments('bilinear', { input1, input2, weight });
  return g.tidy(() => {
    const { bias } = keywordArguments<{ bias?: Tensor | null }>('bilinear', rest, ['bias']);
    const shape = (t: Tensor) => `[${t.shape.join(', ')}]`;
    if (weight.ndim !== 3) throw new Error(`bilinear(): weight must be 3-D [out, in1, in2], got ${shape(weight)}`);
    const [out, in1, in2] = weight.shape as [number, number, number];
    if (input1.ndim < 1 || input1.ndim !== input2.ndim || input1.shape.slice(0, -1).join() !== input2.shape.slice(0, -1).join()) {
      throw new Error(`bilinear(): input batch dimensions do not match: got ${shape(input1)} and ${shape(input2)}`);
    }
    if (input1.shape[input1.ndim - 1] !== in1) {
      throw new Error(`bilinear(): input1 size does not match weight size: got ${input1.shape[input1.ndim - 1]} but expected ${in1}`);
    }
    if (input2.shape[input2.ndim - 1] !== in2) {
      throw new Error(`bilinear(): input2 size does not match weight size: got ${input2.shape[input2.ndim - 1]} but expected ${in2}`);
    }
    if (bias && (bias.ndim !== 1 || bias.shape[0] !== out)) {
      throw new Error(`bilinear(): bias size does not match weight size: got ${shape(bias)} but expected [${out}]`);
    }
    const lead = input1.shape.slice(0, -1) as number[];
    const x1 = input1.reshape(-1, in1);
    const x2 = input2.reshape(-1, in2);
    // x1 · A for every o at once: [M, in1] @ [in1, out·in2], then the inner product with x2.
    const projected = x1.matmul(weight.permute(1, 0, 2).reshape(in1, out * in2)).reshape(-1, out, in2);
    let y = projected.mul(x2.unsqueeze(1)).sum(2);
    if (bias) y = y.add(bias);
    return y.reshape([...lead, out]);
  });
}
