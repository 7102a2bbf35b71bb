/**
 * Ternary pointwise ops (PyTorch's PointwiseOps and lerp): `lerp`,
 * `addcmul`, `addcdiv`. All three broadcast their tensor arguments together,
 * compute in PyTorch's order of operations, and record one node.
 */
import { needsGrad, record, wantsGrad } from '../autograd/record.js';
import { type DType, isFloating, promoteTypes, resultType } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { parseArgs } from './args.js';
import { composite } from './composite.js';
import { checkTensor, commonDevice, isTensor } from './dispatch.js';
import { div, sub, where } from './elementwise.js';
import { exactFloat, int32Exact } from './integer.js';
import { castTo } from './promotion.js';

/** Options of `lerp` (PyTorch's keyword argument). */
export interface LerpOptions {
  /** The interpolation weight: a number, or a tensor of the inputs' dtype (broadcast). */
  weight?: number | Tensor;
}

/**
 * Linear interpolation `input + weight · (end - input)`, by PyTorch's
 * formula (from `end` backwards when |weight| ≥ 0.5, so weight 1 gives `end`
 * exactly). `input`, `end` and a tensor `weight` share one floating dtype, as
 * in PyTorch, and broadcast.
 *
 * @example
 * g.lerp(g.tensor([0, 10]), g.tensor([10, 20]), 0.25); // tensor([ 2.5000, 12.5000])
 * g.lerp(g.zeros(2), g.ones(2), g.tensor([0.1, 0.9])); // tensor([0.1000, 0.9000])
 */
export function lerp(input: Tensor, end: Tensor, weight?: number | Tensor | LerpOptions, options?: LerpOptions): Tensor {
  checkTensor('lerp', input, 'input');
  checkTensor('lerp', end, 'end');
  const w = parseArgs('lerp', [weight, options], ['weight'])['weight'] as number | Tensor | undefined;
  if (w === undefined) throw new TypeError("lerp(): missing required argument 'weight'");
  if (typeof w !== 'number' && !isTensor(w)) throw new TypeError(`lerp(): argument 'weight' must be a number or a Tensor, not ${typeof w}`);
  commonDevice('lerp', input, end, w);
  if (!isFloating(input.dtype)) {
    throw new TypeError(
      `lerp(): not implemented for '${input.dtype}' (lerp_kernel_${isTensor(w) ? 'tensor' : 'scalar'}; convert with .float() first)`,
    );
  }
  for (const [name, t] of [
    ['end', end],
    ['weight', w],
  ] as const) {
    if (isTensor(t) && t.dtype !== input.dtype) {
      throw new TypeError(`lerp(): expected dtype ${input.dtype} for \`${name}\` but got dtype ${t.dtype}`);
    }
  }
  if (isTensor(w)) broadcastShapes('lerp', broadcastShapes('lerp', input.shape, end.shape), w.shape);
  const out = composite(() => {
    const diff = end.sub(input);
    if (!isTensor(w)) {
      // PyTorch rounds the weight to the tensors' dtype first, and computes 1 - weight there.
      const wr = input.dtype === 'float32' ? Math.fround(w) : w;
      return Math.abs(wr) < 0.5 ? input.add(diff.mul(wr)) : end.sub(diff.mul(input.dtype === 'float32' ? Math.fround(1 - wr) : 1 - wr));
    }
    const small = w.abs().lt(0.5);
    return where(small, input.add(w.mul(diff)), end.sub(diff.mul(sub(1, w))));
  });
  if (needsGrad(input, end, w)) {
    if (!isTensor(w)) {
      record(out, 'LerpBackward0', [input, end], (g) => [wantsGrad(input) ? g.mul(1 - w) : null, wantsGrad(end) ? g.mul(w) : null]);
    } else {
      record(
        out,
        'LerpBackward1',
        [input, end, w],
        (g) => [wantsGrad(input) ? g.mul(sub(1, w)) : null, wantsGrad(end) ? g.mul(w) : null, wantsGrad(w) ? g.mul(end.sub(input)) : null],
        [input, end, w],
      );
    }
  }
  return out;
}

/** Options of `addcmul` and `addcdiv` (PyTorch's keyword argument). */
export interface AddcOptions {
  /** The multiplier of the product or quotient (default 1); truncated to an integer for integer tensors, as in PyTorch. */
  value?: number;
}

function addcArgs(op: string, input: Tensor, tensor1: Tensor, tensor2: Tensor, options: AddcOptions | undefined): number {
  checkTensor(op, input, 'input');
  checkTensor(op, tensor1, 'tensor1');
  checkTensor(op, tensor2, 'tensor2');
  commonDevice(op, input, tensor1, tensor2);
  const { value } = parseArgs(op, [options], [], ['value']) as AddcOptions;
  if (value !== undefined && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new TypeError(`${op}(): argument 'value' must be a number, not ${typeof value}`);
  }
  broadcastShapes(op, broadcastShapes(op, input.shape, tensor1.shape), tensor2.shape);
  return Number(value ?? 1);
}

/** PyTorch's result type of three tensors (dimensioned tensors over 0-d ones, by category). */
function promote3(...ts: Tensor[]): DType {
  let dimmed: DType | undefined;
  let zeroDim: DType | undefined;
  for (const t of ts) {
    if (t.ndim === 0) zeroDim = zeroDim === undefined ? t.dtype : promoteTypes(zeroDim, t.dtype);
    else dimmed = dimmed === undefined ? t.dtype : promoteTypes(dimmed, t.dtype);
  }
  return resultType(dimmed, zeroDim, undefined);
}

/**
 * `input + value · tensor1 · tensor2`, broadcasting (PyTorch's addcmul:
 * `(value · tensor1) · tensor2` added last). Integer tensors give exact
 * integer results (a result outside int32 raises), with `value` truncated.
 *
 * @example
 * g.addcmul(g.ones(2), g.tensor([1, 2]), g.tensor([3, 4]), { value: 0.5 }); // tensor([2.5000, 5.0000])
 */
export function addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, options?: AddcOptions): Tensor {
  const value = addcArgs('addcmul', input, tensor1, tensor2, options);
  const dtype = promote3(input, tensor1, tensor2);
  if (dtype === 'bool') throw new TypeError("addcmul(): not implemented for 'bool' (convert with .int() or .float() first)");
  const v = isFloating(dtype) ? value : Math.trunc(value);
  return composite(
    () => {
      if (isFloating(dtype)) return castTo(tensor1, dtype).mul(v).mul(castTo(tensor2, dtype)).add(castTo(input, dtype));
      const wide = exactFloat(input.backend);
      const exact = castTo(tensor1, wide).mul(castTo(tensor2, wide)).mul(v).add(castTo(input, wide));
      return int32Exact('addcmul', exact, 'input.double().addcmul(tensor1.double(), tensor2.double())');
    },
    {
      name: 'AddcmulBackward0',
      inputs: [input, tensor1, tensor2],
      saved: () => [wantsGrad(tensor2) ? tensor1 : null, wantsGrad(tensor1) ? tensor2 : null],
      backward: (g) => [
        wantsGrad(input) ? g : null,
        wantsGrad(tensor1) ? g.mul(tensor2.mul(v)) : null,
        wantsGrad(tensor2) ? g.mul(tensor1.mul(v)) : null,
      ],
    },
  );
}

/**
 * `input + value · tensor1 / tensor2`, broadcasting (PyTorch's addcdiv:
 * `(value · tensor1) / tensor2` added last). Integer `tensor1` and `tensor2`
 * are refused, as in PyTorch (integer division here was removed).
 *
 * @example
 * g.addcdiv(g.ones(2), g.tensor([1, 2]), g.tensor([4, 4]), { value: 2 }); // tensor([1.5000, 2.0000])
 */
export function addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, options?: AddcOptions): Tensor {
  const value = addcArgs('addcdiv', input, tensor1, tensor2, options);
  if (!isFloating(tensor1.dtype) && !isFloating(tensor2.dtype)) {
    throw new TypeError(
      'addcdiv(): Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. ' +
        'The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as ' +
        '(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.',
    );
  }
  const dtype = promote3(input, tensor1, tensor2);
  return composite(() => castTo(tensor1, dtype).mul(value).div(castTo(tensor2, dtype)).add(castTo(input, dtype)), {
    name: 'AddcdivBackward0',
    inputs: [input, tensor1, tensor2],
    saved: () => [tensor1, tensor2],
    backward: (g) => [
      wantsGrad(input) ? g : null,
      wantsGrad(tensor1) ? g.mul(div(value, tensor2)) : null,
      wantsGrad(tensor2) ? g.neg().mul(tensor1.mul(value).div(tensor2.mul(tensor2))) : null,
    ],
  });
}
