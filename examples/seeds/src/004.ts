// Seed 004: back-propagation on a polynomial and on two layers.
import * as g from '@graft/core';
import '@graft/backend-cpu';

// Step 2. Create a tensor with requiresGrad set to true
let x = g.tensor(2.0, { requiresGrad: true });

// Step 3. Define a function
let y = x.pow(4).mul(2).add(x.pow(3)).add(x.pow(2).mul(3)).add(x.mul(5)).add(1);
console.log(y);

// Step 4. Backprop
y.backward();

// Step 5. Display the resulting gradient
console.log(x.grad);

// Back-propagation on multiple steps
x = g.tensor(
  [
    [1, 2, 3],
    [3, 2, 1],
  ],
  { requiresGrad: true },
);
console.log(x);

// y = 3x + 2
y = g.add(g.mul(3, x), 2);
console.log(y);

// z = 2y²
const z = g.mul(2, y.pow(2));
console.log(z);

const out = z.mean();
console.log(out);

out.backward();
console.log(x.grad);
