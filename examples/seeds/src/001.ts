// Seed 001: "Autograd: automatic differentiation" (PyTorch's 0.3-era tutorial).
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { Variable } from '@graft/core';

// Create a variable:
let x = Variable(
  g.tensor([
    [1, 2],
    [3, 4],
  ]),
  { requiresGrad: true },
);
console.log(x);

// Do an operation of variable:
let y = x.sub(2);
console.log(y);

// y was created as a result of an operation, so it has a gradFn.
console.log(y.gradFn);
console.log(x.gradFn); // null: Python's None
console.log(y.gradFn!.nextFunctions[0]![0]);
console.log((y.gradFn!.nextFunctions[0]![0] as g.autograd.AccumulateGrad).variable);

// Do more operations on y
const z = y.mul(y).mul(3);
const out = z.mean();
console.log(z, out);

// out.backward() is equivalent to out.backward(g.tensor(1))
out.backward();
console.log(x.grad);

// Dynamic graphs! (seeded so the loop runs the tutorial's ten doublings)
g.manualSeed(7);
x = Variable(g.randn(3), { requiresGrad: true });
y = x.mul(2);
while ((y.data.norm().item() as number) < 1000) y = y.mul(2);
console.log(y);

const gradients = g.tensor([0.1, 1.0, 0.0001]);
y.backward(gradients);
console.log(x.grad);

// Inference
const d = 3;
const t = g.arange(1, d + 1); // int32, as torch.arange gives int64

// The tutorial (PyTorch 0.3) let an integer tensor require grad; current PyTorch
// refuses, and so does Graft:
try {
  Variable(t, { requiresGrad: true });
} catch (e) {
  console.log(`RuntimeError: ${(e as Error).message}`);
}
// ... so the inference cells use a float t:
const tf = t.float();

let t_v = Variable(tf, { requiresGrad: true });
let theta = Variable(g.ones(d), { requiresGrad: true });
let s = theta.matmul(t_v);
s.backward();
console.log(String(t_v.grad), String(theta.grad));

t_v = Variable(tf);
theta = Variable(g.ones(d), { requiresGrad: true });
s = theta.matmul(t_v);
s.backward();
console.log(t_v.grad);
console.log(theta.grad);

// volatile was removed from PyTorch: it warns and behaves as a tensor without grad.
t_v = Variable(tf, { volatile: true });
theta = Variable(g.ones(d), { requiresGrad: true });
s = theta.matmul(t_v);
s.backward();
console.log(t_v.grad);
console.log(theta.grad);
