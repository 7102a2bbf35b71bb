/**
 * Arguments of the wrong kind, missing or in excess are errors in Python's
 * words, naming the function or layer and the argument — never a TypeError
 * from inside (`input.relu is not a function`) nor a silently dropped
 * argument. The class: every F function, every layer's forward, any
 * module's arity.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { F, nn } from '../src/index.js';

const fns = Object.entries(F as unknown as Record<string, (...args: unknown[]) => unknown>).filter(
  // oneHot is core's g.oneHot, which checks its own argument.
  ([name, f]) => typeof f === 'function' && name !== 'oneHot',
);

describe('every F function checks its tensor arguments', () => {
  it.each(fns.map(([name]) => name))('%s refuses an array or nothing as its first tensor', (name) => {
    const f = (F as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!;
    const position1 = new RegExp(`^${name}\\(\\): argument '\\w+' \\(position 1\\) must be Tensor, not `);
    expect(() => f([1, 2], g.ones(2), g.ones(2), g.ones(2))).toThrow(position1);
    expect(() => f()).toThrow(position1);
    expect(() => f([1, 2])).toThrow(/must be Tensor, not Array/);
  });

  it('the later tensors too, by name and position', () => {
    expect(() => F.mseLoss(g.zeros(2), [1, 2] as never)).toThrow("mseLoss(): argument 'target' (position 2) must be Tensor, not Array");
    expect(() => F.linear(g.zeros(2), undefined as never)).toThrow(
      "linear(): argument 'weight' (position 2) must be Tensor, not undefined",
    );
    expect(() => F.tripletMarginLoss(g.zeros(2), g.zeros(2), 3 as never)).toThrow(
      "tripletMarginLoss(): argument 'negative' (position 3) must be Tensor, not number",
    );
    expect(() => F.softmax(3 as never, 0)).toThrow("softmax(): argument 'input' (position 1) must be Tensor, not number");
  });
});

describe("a layer's forward checks its inputs, any module's forward its arity", () => {
  it('a missing input is named', () => {
    expect(() => (new nn.Linear(2, 2).call as () => unknown)()).toThrow("Linear.forward() missing 1 required positional argument: 'x'");
    expect(() => (new nn.Conv2d(1, 1, 1).call as () => unknown)()).toThrow('Conv2d.forward() missing 1 required positional argument');
    expect(() => (new nn.CrossEntropyLoss().call as (x: g.Tensor) => unknown)(g.zeros(2, 3))).toThrow(
      "CrossEntropyLoss.forward() missing 1 required positional argument: 'target'",
    );
    expect(() => (new nn.Bilinear(2, 2, 2).call as (x: g.Tensor) => unknown)(g.zeros(1, 2))).toThrow(
      "Bilinear.forward() missing 1 required positional argument: 'input2'",
    );
    expect(() => (new nn.TripletMarginLoss().call as (x: g.Tensor) => unknown)(g.zeros(2))).toThrow(
      "TripletMarginLoss.forward() missing 2 required positional arguments: 'positive' and 'negative'",
    );
  });

  it('an input of another kind is named', () => {
    expect(() => new nn.Linear(2, 2).call([[1, 2]] as never)).toThrow(
      "Linear.forward(): argument 'x' (position 1) must be Tensor, not Array",
    );
    expect(() => new nn.MSELoss().call(g.zeros(2), [1, 2] as never)).toThrow(
      "MSELoss.forward(): argument 'target' (position 2) must be Tensor, not Array",
    );
    expect(() => new nn.LSTM(2, 3).call(null as never)).toThrow("LSTM.forward(): argument 'x' (position 1) must be Tensor, not null");
  });

  it('what PyTorch takes besides tensors still goes through', () => {
    expect(new nn.Identity().call([1, 2] as never)).toEqual([1, 2]);
    const packed = nn.utils.rnn.packSequence([g.randn(3, 2), g.randn(2, 2)]);
    expect(new nn.GRU(2, 3).call(packed)[0]).toBeInstanceOf(nn.utils.rnn.PackedSequence);
    const [logProbs, targets] = [g.randn(6, 4).logSoftmax(1), g.tensor([1, 2], { dtype: 'int32' })];
    expect(new nn.CTCLoss().call(logProbs, targets, 6, 2).ndim).toBe(0);
  });

  it('more arguments than the forward declares: an error, as in Python (not silently dropped)', () => {
    const seq = new nn.Sequential(new nn.Bilinear(2, 2, 2));
    expect(() => (seq.call as (...a: g.Tensor[]) => unknown)(g.randn(1, 2), g.randn(1, 2))).toThrow(
      'Sequential.forward() takes 1 positional argument but 2 were given',
    );
    expect(() => (new nn.ReLU().call as (...a: g.Tensor[]) => unknown)(g.zeros(1), g.zeros(1))).toThrow(
      'ReLU.forward() takes 1 positional argument but 2 were given',
    );
    class Two extends nn.Module {
      override forward(a: g.Tensor, b: g.Tensor) {
        return a.add(b);
      }
    }
    expect(() => (new Two().call as (...a: g.Tensor[]) => unknown)(g.zeros(1), g.zeros(1), g.zeros(1))).toThrow(
      'Two.forward() takes 2 positional arguments but 3 were given',
    );
    // A rest or a defaulted parameter: any count may be right, nothing is checked; nor are a module's own inputs.
    class Rest extends nn.Module {
      override forward(...xs: g.Tensor[]) {
        return xs.length;
      }
    }
    class Defaulted extends nn.Module {
      override forward(a: unknown, scale = 2) {
        return [a, scale];
      }
    }
    expect(new Rest().call(g.zeros(1), g.zeros(1), g.zeros(1))).toBe(3);
    expect(new Defaulted().call('a', 3)).toEqual(['a', 3]);
    expect(new Two().call(g.ones(1), g.ones(1)).item()).toBe(2);
    expect(() => new nn.ModuleList().call()).toThrow('missing the required "forward" function');
    expect(() => (new nn.ParameterList().call as (x: number) => unknown)(1)).toThrow('ParameterList should not be called.');
  });

  it('hooks see the same checks: a pre-hook that adds an argument is refused', () => {
    const relu = new nn.ReLU();
    relu.registerForwardPreHook((_m, args) => [...args, g.zeros(1)]);
    expect(() => relu.call(g.zeros(1))).toThrow('ReLU.forward() takes 1 positional argument but 2 were given');
  });
});
