import * as g from '@graft/core';
import '@graft/backend-cpu';
const T = 20,
  B = 16,
  H = 64;
const x = g.randn(T, B, 4 * H, { requiresGrad: true }),
  h0 = g.zeros(B, H),
  c0 = g.zeros(B, H),
  w = g
    .randn(4 * H, H, { requiresGrad: true })
    .mul(0.1)
    .detach()
    .requiresGrad_();
const fwd = () => g.noGrad(() => g.fused.lstmSequence(x, h0, c0, w).forEach((t) => t.dispose()));
const both = () =>
  g.tidy(() => {
    const [o] = g.fused.lstmSequence(x, h0, c0, w);
    o.sum().backward();
    x.grad.dispose();
    x.grad = null;
    w.grad.dispose();
    w.grad = null;
  });
const cellIn = [g.randn(B, 4 * H), g.randn(B, 4 * H), g.randn(B, H)];
const cell = () => g.noGrad(() => g.fused.lstmCell(...cellIn).forEach((t) => t.dispose()));
const hm = g.randn(B, H),
  wt = g.randn(H, 4 * H);
const mm = () => g.matmul(hm, wt).dispose();
function time(label, run, per) {
  for (let i = 0; i < 30; i++) run();
  let best = Infinity;
  for (let r = 0; r < 30; r++) {
    const t0 = performance.now();
    for (let i = 0; i < per; i++) run();
    best = Math.min(best, (performance.now() - t0) / per);
  }
  console.log(label, (best * 1000).toFixed(1), 'µs');
}
time('fwd seq', fwd, 10);
time('fwd+bwd seq', both, 10);
time('cell fwd', cell, 100);
time('mm 16x64x256', mm, 100);
