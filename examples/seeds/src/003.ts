// Seed 003: Technion ECE 046211, Tutorial 04 — Differentiation & Autograd.
// Every code cell that uses autograd, plus the tutorial's formulas checked by autograd.
import * as g from '@graft/core';
import '@graft/backend-cpu';

const { forwardAd, functional } = g.autograd;
const maxDiff = (a: g.Tensor, b: g.Tensor) => a.sub(b).abs().max().item() as number;

// ---- Matrix calculus, checked by autograd (float64 for tight comparisons)
g.manualSeed(0);
const n = 4;
const A = g.randn([n, n], { dtype: 'float64' });
const B = g.randn([n, n], { dtype: 'float64' });
const a = g.randn([n], { dtype: 'float64' });

{
  // ∂(xᵀa)/∂x = a
  const x = g.randn([n], { dtype: 'float64', requiresGrad: true });
  x.dot(a).backward();
  console.log('d(x^T a)/dx = a:', maxDiff(x.grad!, a) < 1e-12);
}
{
  // ∇ₓ Ax = Aᵀ  (PyTorch's Jacobian of Ax is A itself; its transpose is the tutorial's layout)
  const J = functional.jacobian((x) => A.mv(x), g.zeros([n], { dtype: 'float64' })) as g.Tensor;
  console.log('grad_x Ax = A^T:', maxDiff(J.t(), A.t()) < 1e-12);
}
{
  // ∇ₓ xᵀAx = (A + Aᵀ)x
  const x = g.randn([n], { dtype: 'float64', requiresGrad: true });
  x.dot(A.mv(x)).backward();
  console.log('grad_x x^T A x = (A + A^T) x:', maxDiff(x.grad!, A.add(A.t()).mv(x.detach())) < 1e-12);
}
{
  // ∂ ln|A| / ∂A = A⁻ᵀ
  const M = A.matmul(A.t())
    .add(g.eye(n, { dtype: 'float64' }))
    .requiresGrad_();
  M.logdet().backward();
  console.log('d ln|A| / dA = A^-T:', maxDiff(M.grad!, M.detach().inverse().t()) < 1e-10);
}
{
  // ∂ Tr[AB] / ∂A = Bᵀ
  const Ar = A.clone().requiresGrad_();
  Ar.matmul(B).trace().backward();
  console.log('d Tr[AB] / dA = B^T:', maxDiff(Ar.grad!, B.t()) < 1e-12);
}
{
  // The chain rule: f = h(g(x)) ⇒ ∇f = h'(g(x)) ∇g, with g = ‖x‖², h = sin
  const x = g.randn([n], { dtype: 'float64', requiresGrad: true });
  x.square().sum().sin().backward();
  const gx = x.detach().square().sum();
  console.log('chain rule:', maxDiff(x.grad!, x.detach().mul(2).mul(gx.cos())) < 1e-12);
}

// ---- AutoDiff is not numerical differentiation: func(x) = 3x³ - 5x² at x = 1.5
const func = (x: g.Tensor) => x.pow(3).mul(3).sub(x.pow(2).mul(5));
const func_der = (x: number) => 9 * x ** 2 - 10 * x;
console.log('derivative', func_der(1.5));
for (const h of [1e-1, 1e-3, 1e-5]) {
  const at = (v: number) => func(g.tensor(v, { dtype: 'float64' })).item() as number;
  const forward = (at(1.5 + h) - at(1.5)) / h;
  const central = (at(1.5 + h) - at(1.5 - h)) / (2 * h);
  console.log(`h=${h}: forward difference ${forward.toFixed(6)}, central difference ${central.toFixed(6)}`);
}
{
  const x = g.tensor(1.5, { dtype: 'float64', requiresGrad: true });
  func(x).backward();
  console.log('reverse mode (autograd):', x.grad!.item());
}

// ---- AutoDiff forward mode: dual numbers x + εx', with ε² = 0
const tangent = forwardAd.dualLevel(() => {
  const x = forwardAd.makeDual(g.tensor(1.5, { dtype: 'float64' }), g.tensor(1, { dtype: 'float64' }));
  return forwardAd.unpackDual(func(x)).tangent!;
});
console.log('forward mode (dual numbers):', tangent.item());
// (x + εx')(y + εy') = xy + ε(x'y + xy'): the product rule falls out of the arithmetic.
forwardAd.dualLevel(() => {
  const x = forwardAd.makeDual(g.tensor(3), g.tensor(1));
  const y = forwardAd.makeDual(g.tensor(4), g.tensor(2));
  const { primal, tangent: t } = forwardAd.unpackDual(x.mul(y));
  console.log('dual product:', primal.item(), '+ ε', t!.item()); // 12 + ε 10
});

// ---- PyTorch's Autograd: Tensor
// create a tensor initialized from a random uniform distribution
let x = g.empty(5, 3).uniform_(-1, 1);
console.log('x: \n', x);
console.log('x size:', x.size());
console.log('same as x shape:', x.shape);

// from an integer array (the tutorial's numpy array; int32 is Graft's default integer type,
// so no dtype is printed where PyTorch on Windows printed dtype=torch.int32)
const z0 = g.tensor(new Int32Array([1, 2, 3, 4]), { shape: [2, 2] });
console.log('z: \n', z0);
const p = x.dataSync(); // torch -> numpy: a TypedArray copy
console.log('p = x.dataSync(): \n', p.length, 'values');

// ---- Gradients
x = g.ones([2, 2], { requiresGrad: true });
console.log(x);
let y = x.add(2);
console.log(y);
console.log(y.gradFn);
const z = y.mul(y).mul(3);
const out = z.mean();
console.log(z, out);
out.backward();
console.log(x.grad);

// ---- The vector-Jacobian product (seeded so the loop doubles ten times, as in the tutorial)
g.manualSeed(7);
x = g.randn([3], { requiresGrad: true });
y = x.mul(2);
while ((y.data.norm().item() as number) < 1000) y = y.mul(2);
console.log(y);
const v = g.tensor([0.1, 1.0, 0.0001], { dtype: 'float32' });
y.backward(v);
console.log(x.grad);

console.log(x.requiresGrad ? 'True' : 'False');
console.log(x.pow(2).requiresGrad ? 'True' : 'False');
g.noGrad(() => console.log(x.pow(2).requiresGrad ? 'True' : 'False'));

console.log(x.requiresGrad ? 'True' : 'False');
y = x.detach();
console.log(y.requiresGrad ? 'True' : 'False');
console.log(x.eq(y).all());

// ---- A graph is created on the fly
{
  const x = g.randn(1, 10);
  const prev_h = g.randn(1, 20);
  const W_h = g.randn(20, 20);
  const W_x = g.randn(20, 10);
  const next_h = g.mm(W_h, prev_h.t()).add(g.mm(W_x, x.t())).tanh();
  console.log('next_h:', next_h.shape);
}
