/**
 * Conformance cases for the arguments of the autograd entry points, checked
 * against PyTorch 1.13's errors and behaviour: gradient lists shorter than
 * the outputs, empty inputs, a disposed output, `detach_` of a view, saved
 * tensors read after backward freed them, and the function forms of
 * `setGradEnabled` and `inferenceMode(false, …)`.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { assertClose, assertEqual, assertThrows } from './assert.js';
import type { TestApi } from './index.js';

interface Context {
  device: string;
  inDevice<T>(fn: () => T): T;
}

const exact = { atol: 0, rtol: 0 };

export function autogradArgumentsCases(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));

  t.describe(`conformance on '${ctx.device}': autograd arguments are checked as PyTorch checks them`, () => {
    it('g.autograd.backward takes lists of outputs and gradients; fewer gradients than outputs is an error', () => {
      const x = g.tensor([1, 2], { requiresGrad: true });
      g.autograd.backward([x.sum(), x.mul(2).sum()]);
      assertClose(Array.from(x.grad!.dataSync(), Number), [3, 3], exact, 'implicit gradients');
      const y = g.tensor([1, 2], { requiresGrad: true });
      g.autograd.backward([y.mul(2), y.sum()], [g.tensor([1, 10]), 3]);
      assertClose(Array.from(y.grad!.dataSync(), Number), [5, 23], exact, 'given gradients');
      assertThrows(() => g.autograd.backward([x.sum(), x.mul(2).sum()], [g.tensor(1)]), ['got 2 tensors and 1 gradients'], 'backward');
      assertThrows(
        () => g.autograd.grad([x.sum(), x.mul(2).sum()], [x], { gradOutputs: [g.tensor(1)] }),
        ['got 2 tensors and 1 gradients'],
        'grad',
      );
      // PyTorch 1.13 ignores extra gradients (its zip), so does Graft.
      const [gx] = g.autograd.grad([x.sum()], [x], { gradOutputs: [g.tensor(1), g.tensor(5)] });
      assertClose(Array.from(gx!.dataSync(), Number), [1, 1], exact, 'extra gradOutputs');
      assertThrows(() => g.autograd.grad(x.sum(), []), ['grad requires non-empty inputs.'], 'empty inputs');
    });

    it('backward of a disposed output names the disposal', () => {
      const w = g.ones(3, { requiresGrad: true });
      const loss = w.exp().sum();
      loss.dispose();
      assertThrows(() => loss.backward(), ['backward', 'was disposed'], 'disposed loss');
    });

    it("detach_ of a view made while recording is PyTorch's error; of a non-view it works", () => {
      const x = g.tensor([1, 2], { requiresGrad: true });
      const v = x.mul(2).view(2);
      assertThrows(() => v.detach_(), ["Can't detach views in-place. Use detach() instead."], 'view');
      const y = x.mul(2);
      assertEqual(y.detach_().requiresGrad, false, 'non-view');
    });

    it('ctx.savedTensors after a backward freed them is the second-backward error; with retainGraph it stays', () => {
      let saved: g.autograd.FunctionCtx | undefined;
      class Saves extends g.autograd.Function {
        static override forward(c: g.autograd.FunctionCtx, x: Tensor): Tensor {
          saved = c;
          c.saveForBackward(x);
          return x.mul(2);
        }
        static override backward(_c: g.autograd.FunctionCtx, grad: Tensor): Tensor {
          return grad.mul(2);
        }
      }
      const x = g.tensor([1, 2], { requiresGrad: true });
      Saves.apply<Tensor>(x).sum().backward({ retainGraph: true });
      assertEqual(saved!.savedTensors.length, 1, 'after retainGraph');
      Saves.apply<Tensor>(x).sum().backward();
      assertThrows(() => saved!.savedTensors, ['Trying to backward through the graph a second time'], 'after a freeing backward');
    });

    it('setGradEnabled(flag, fn) and inferenceMode(false, fn) run fn in that mode, as PyTorch', () => {
      assertEqual(
        g.setGradEnabled(false, () => g.isGradEnabled()),
        false,
        'inside setGradEnabled(false, fn)',
      );
      assertEqual(g.isGradEnabled(), true, 'after setGradEnabled(false, fn)');
      // PyTorch: inside inference_mode(), inference_mode(False) turns grad on and inference off.
      const inner = g.inferenceMode(() => g.inferenceMode(false, () => [g.isGradEnabled(), g.isInferenceModeEnabled()]));
      assertEqual(JSON.stringify(inner), '[true,false]', 'inferenceMode(false, fn) inside inferenceMode');
      assertEqual(g.isInferenceModeEnabled(), false, 'after');
    });
  });
}
