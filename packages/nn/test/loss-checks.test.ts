/**
 * What the losses refuse and what they only warn about, as PyTorch 1.13
 * (each case was run there: the comment gives its message). The values of
 * the broadcast losses are the fixtures' (losses-more.test.ts).
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { F, nn } from '../src/index.js';

const int = (values: number[]) => g.tensor(values, { dtype: 'int32' });

afterEach(() => vi.restoreAllMocks());

describe('a target of another size', () => {
  it('the elementwise regression losses warn once per loss, naming both sizes, then broadcast', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    // PyTorch: UserWarning: Using a target size (torch.Size([3])) that is different to the input size (torch.Size([3, 1])) …
    for (const [op, loss] of [
      ['mseLoss', F.mseLoss],
      ['l1Loss', F.l1Loss],
      ['huberLoss', F.huberLoss],
      ['smoothL1Loss', F.smoothL1Loss],
    ] as const) {
      warn.mockClear();
      expect(loss(g.ones(3, 1), g.zeros(3), { reduction: 'sum' }).item()).toBeGreaterThan(0);
      expect(loss(g.ones(3, 1), g.zeros(3), { reduction: 'none' }).shape).toEqual([3, 3]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain(`${op}: Using a target size ([3]) that is different to the input size ([3, 1])`);
    }
    expect(new nn.MSELoss().call(g.ones(2, 1), g.zeros(2)).item()).toBe(1);
  });

  it('shapes that do not broadcast are an error naming both', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    // PyTorch: The size of tensor a (4) must match the size of tensor b (2) at non-singleton dimension 1
    expect(() => F.mseLoss(g.randn(3, 4), g.randn(2))).toThrow(/mseLoss: the shapes \[3, 4\] and \[2\] do not broadcast/);
  });

  it('the losses PyTorch refuses it for still refuse it', () => {
    // PyTorch: Using a target size … is deprecated (BCE); Target size … must be the same as input size (BCE with logits)
    expect(() => F.binaryCrossEntropy(g.rand(3, 1), g.rand(3))).toThrow('target size [3] must be the same as input size [3, 1]');
    expect(() => F.binaryCrossEntropyWithLogits(g.rand(3, 1), g.rand(3))).toThrow('must be the same as input size');
    // PyTorch: output with shape [3, 1] doesn't match the broadcast shape [3, 3]
    expect(() => F.softMarginLoss(g.rand(3, 1), g.ones(3))).toThrow(
      "softMarginLoss: output with shape [3, 1] doesn't match the broadcast shape [3, 3]",
    );
    expect(F.softMarginLoss(g.rand(3, 4), g.ones(4)).ndim).toBe(0); // a target that broadcasts into the input's shape is fine
  });
});

describe('class-index and probability targets', () => {
  const x = () => g.randn(3, 5);

  it('an out-of-range class index is named', () => {
    // PyTorch: IndexError: Target 7 is out of bounds.
    expect(() => F.crossEntropy(x(), int([0, 7, 1]))).toThrow(
      /crossEntropy: Target 7 is out of bounds \(class indices must be in \[0, 4\]/,
    );
    expect(() => F.nllLoss(x(), int([0, -1, 1]))).toThrow('nllLoss: Target -1 is out of bounds');
    expect(() => F.nllLoss(x(), int([0, -100, 9]))).toThrow('Target 9 is out of bounds'); // the ignored -100 is not the one
    expect(() => new nn.CrossEntropyLoss().call(g.randn(2, 3, 4), int([0, 1, 2, 3, 0, 1, 2, 1]).reshape(2, 4))).toThrow(
      'Target 3 is out of bounds',
    );
  });

  it('probability targets refuse ignoreIndex (the default -100 aside)', () => {
    const p = g.rand(3, 5).softmax(1);
    // PyTorch: ignore_index is not supported for floating point target
    expect(() => F.crossEntropy(x(), p, { ignoreIndex: 1 })).toThrow(
      'crossEntropy: ignore_index is not supported for floating point target',
    );
    expect(F.crossEntropy(x(), p, { ignoreIndex: -100 }).ndim).toBe(0);
  });

  it('a float target shaped as class indices says what a target can be', () => {
    // PyTorch: expected scalar type Long but found Float
    const message =
      "expected the target to be int32 class indices (of shape [3]) or float class probabilities of the input's shape [3, 5], got float32 of shape [3]";
    expect(() => F.crossEntropy(x(), g.tensor([0, 1, 2]))).toThrow(message);
    expect(() => F.crossEntropy(x(), g.tensor([true, false, true]))).toThrow('got bool of shape [3]');
  });

  it("binary cross entropy takes a target of the input's floating dtype", () => {
    // PyTorch: Found dtype Long but expected Float (and for BCE with logits: result type Float can't be cast to … Long)
    expect(() => F.binaryCrossEntropy(g.rand(3), int([0, 1, 1]))).toThrow('binaryCrossEntropy: Found dtype int32 but expected float32');
    expect(() => F.binaryCrossEntropy(g.rand(3), g.tensor([0, 1, 1], { dtype: 'float64' }))).toThrow(
      'Found dtype float64 but expected float32',
    );
    expect(() => F.binaryCrossEntropyWithLogits(g.rand(3), int([0, 1, 1]))).toThrow("can't be cast to the desired output type int32");
    expect(F.binaryCrossEntropyWithLogits(g.rand(3), g.tensor([0, 1, 1], { dtype: 'float64' })).ndim).toBe(0);
  });
});
