// Seed 002: "Graphs, Automatic Differentiation and Autograd in PyTorch".
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { Variable } from '@graft/core';

{
  const [x, prev_h] = [Variable(g.randn(1, 10)), Variable(g.randn(1, 20))];
  const [W_h, W_x] = [Variable(g.randn(20, 20), { requiresGrad: true }), Variable(g.randn(20, 10), { requiresGrad: true })];

  const i2h = g.matmul(W_x, x.t());
  const h2h = g.matmul(W_h, prev_h.t());

  i2h.add(h2h).tanh().sum().backward();
  console.log(W_h.grad!.shape, W_x.grad!.shape);
}

// torch.Tensor(6.7) raises in current PyTorch ("new(): data must be a sequence");
// the tutorial meant a 0-d tensor holding 6.7, which is torch.tensor(6.7):
const my_tnsr = g.tensor(6.7);
console.log(my_tnsr);

const a = g.randn([5, 5], { requiresGrad: true });

const x1 = g.randn([5, 5], { requiresGrad: true });
const x2 = g.randn([5, 5], { requiresGrad: true });
const x3 = g.randn([5, 5], { requiresGrad: true });
const x4 = g.randn([5, 5], { requiresGrad: true });

const b = x1.mul(a);
const c = x2.mul(a);

const d = x3.mul(b).add(x4.mul(c));

const L = g.sub(10, d).sum();

L.backward();
// dL/da = -(x3·x1 + x4·x2), by hand:
const expected = x3.mul(x1).add(x4.mul(x2)).neg();
console.log(a.grad!.sub(expected).abs().max().item() === 0);
