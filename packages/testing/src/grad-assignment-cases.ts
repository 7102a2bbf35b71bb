/**
 * Conformance cases for assigning `.grad`, checked as PyTorch's
 * `THPVariable_set_grad` checks it: `null`, or a live tensor of the same
 * shape, dtype and device that is not the tensor itself. Every combination of
 * a wrong shape, dtype and device, and values that are not tensors.
 */
import * as g from '@graft/core';
import type { DType, Tensor } from '@graft/core';
import { assertClose, assertEqual, assertThrows, fail } from './assert.js';
import type { TestApi } from './index.js';

interface Context {
  device: string;
  otherDevice: string | undefined;
  inDevice<T>(fn: () => T): T;
  supportsFloat64: boolean;
}

export function gradAssignmentCases(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));

  t.describe(`conformance on '${ctx.device}': assigning .grad is checked as PyTorch checks it`, () => {
    it("every mix of shape, dtype and device: only the tensor's own is accepted, with PyTorch's message otherwise", () => {
      const shapes: number[][] = [[3], [1], [2, 3], []];
      const dtypes: DType[] = ['float32', ...(ctx.supportsFloat64 ? (['float64'] as const) : []), 'int32', 'bool'];
      const devices = [ctx.device, ...(ctx.otherDevice !== undefined ? [ctx.otherDevice] : [])];
      for (const shape of shapes) {
        for (const dtype of dtypes) {
          for (const device of devices) {
            const w = g.ones(3, { requiresGrad: true });
            const previous = g.zeros(3);
            w.grad = previous;
            const value = g.zeros(shape, { dtype, device });
            const what = `grad of shape [${shape}], ${dtype} on ${device}`;
            // PyTorch's order: the type, then the device, then the size.
            const expected =
              dtype !== 'float32'
                ? 'assigned grad has data of a different type'
                : device !== ctx.device
                  ? 'assigned grad has data located on a different device'
                  : shape.length !== 1 || shape[0] !== 3
                    ? 'assigned grad has data of a different size'
                    : null;
            if (expected === null) {
              w.grad = value;
              assertEqual(w.grad, value, what);
            } else {
              assertThrows(() => (w.grad = value), [expected], what);
              // A refused assignment changes nothing.
              assertEqual(w.grad, previous, `${what}: .grad after the refusal`);
            }
          }
        }
      }
    });

    it('values that are not tensors, the tensor itself, a disposed tensor; null is accepted', () => {
      const w = g.ones(3, { requiresGrad: true });
      for (const value of ['oops', 3, [1, 2, 3], undefined, { shape: [3] }]) {
        let error: unknown;
        try {
          w.grad = value as unknown as Tensor;
        } catch (e) {
          error = e;
        }
        if (!(error instanceof TypeError) || !error.message.includes('assigned grad expected to be a Tensor or null')) {
          fail(`.grad = ${JSON.stringify(value)}: expected PyTorch's TypeError, got ${error}`);
        }
      }
      assertThrows(() => (w.grad = w), ["can't assign Variable as its own grad"], 'itself');
      const disposed = g.zeros(3);
      disposed.dispose();
      assertThrows(() => (w.grad = disposed), ['was disposed'], 'disposed');
      w.grad = null;
      assertEqual(w.grad, null, 'null');
    });

    it('an assigned gradient (a view included) is accumulated into in place, as PyTorch', () => {
      // PyTorch: w.grad = base.narrow(0, 0, 3); (2w).sum().backward() leaves base = [2, 2, 2, 0, 0, 0].
      const w = g.ones(3, { requiresGrad: true });
      const base = g.zeros(6);
      const view = base.narrow(0, 0, 3);
      w.grad = view;
      w.mul(2).sum().backward();
      assertEqual(w.grad, view, 'the same object');
      assertClose(Array.from(base.dataSync(), Number), [2, 2, 2, 0, 0, 0], { atol: 0, rtol: 0 }, 'base');
    });
  });
}
