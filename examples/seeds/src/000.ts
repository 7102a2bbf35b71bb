// Seed 000: "A graph is created on the fly" — an RNN cell built op by op, then
// back-propagated through the dynamically built graph.
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { Variable } from '@graft/core';

const x = Variable(g.randn(1, 10));
const prev_h = Variable(g.randn(1, 20));
const W_h = Variable(g.randn(20, 20));
const W_x = Variable(g.randn(20, 10));

const i2h = g.mm(W_x, x.t());
const h2h = g.mm(W_h, prev_h.t());
let next_h = i2h.add(h2h);
next_h = next_h.tanh();

// As in PyTorch 0.3, Variable() without requiresGrad gives tensors that need no gradient;
// current PyTorch (and Graft) then refuse backward: the tutorial's last line needs
// `requires_grad=True` on the weights. Here they get it, and backward runs.
W_h.requiresGrad_();
W_x.requiresGrad_();
const next = g.mm(W_x, x.t()).add(g.mm(W_h, prev_h.t())).tanh();
next.backward(g.ones(20, 1));
console.log(next_h.shape, W_h.grad!.shape, W_x.grad!.shape);
