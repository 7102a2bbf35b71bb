/**
 * Graft in one page: tensors that print like PyTorch, autograd, and a small
 * model fitted by gradient descent on the CPU backend.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';

g.manualSeed(0);

// Tensors print exactly as PyTorch prints them (and the seed gives PyTorch's numbers).
const x = g.randn(2, 3);
console.log(x);
console.log(x.matmul(x.t()));

// Autograd: y = 2x⁴ + x³ + 3x² + 5x + 1 at x = 2 (the seed tutorial 004).
const a = g.tensor(2.0, { requiresGrad: true });
const y = a.pow(4).mul(2).add(a.pow(3)).add(a.pow(2).mul(3)).add(a.mul(5)).add(1);
console.log(y); // tensor(63., grad_fn=<AddBackward0>)
y.backward();
console.log(a.grad); // tensor(93.)

// Fit y = 3x - 2 with a linear model and plain gradient descent.
const xs = g.linspace(-1, 1, 64).reshape(-1, 1);
const ys = xs.mul(3).sub(2).add(g.randn(64, 1).mul(0.05));
const w = g.zeros(1, 1, { requiresGrad: true });
const b = g.zeros(1, { requiresGrad: true });
for (let step = 0; step <= 200; step++) {
  const loss = g.tidy(() => {
    const pred = xs.matmul(w).add(b);
    const l = pred.sub(ys).square().mean();
    l.backward();
    g.noGrad(() => {
      w.sub_(w.grad!.mul(0.1));
      b.sub_(b.grad!.mul(0.1));
      // As PyTorch's w.grad.zero_(): the next backward accumulates into the same tensors.
      w.grad!.zero_();
      b.grad!.zero_();
    });
    return l.detach();
  });
  if (step % 50 === 0) console.log(`step ${String(step).padStart(3)}  loss ${(loss.item() as number).toFixed(5)}`);
  loss.dispose();
}
console.log('w =', String(w), ' b =', String(b));
console.log('live tensors:', g.memory().numTensors);
