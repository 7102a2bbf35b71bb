import '@graft/backend-cpu';
import { runConformanceSuite } from '@graft/testing';
import { describe, it } from 'vitest';
import { WebGLBackend } from '../src/index.js';

// The CPU stays the default device; the suite runs every op on 'webgl' and moves values to the CPU to compare.
void WebGLBackend;
// float32 tolerances are looser than the CPU's for one documented reason: GLSL's sin/cos/exp/log
// (SwiftShader's here, the GPU driver's elsewhere) are accurate to ~2e-4, not to an ulp.
//
// On the grid of extreme inputs every unary op must still saturate, overflow and give NaN exactly
// where PyTorch does (tanh(±100) is ±1); elsewhere GLSL's exp and log lose up to |x| ulps, so values
// agree to 1e-5 relative. What a GPU cannot do is skipped, with the reason: subnormal floats (flushed
// to zero), the sign of zero, and trigonometry far from 0 (GLSL reduces large arguments inexactly).
const SUBNORMAL = 1.1754943508222875e-38;
runConformanceSuite(
  { describe, it },
  {
    device: 'webgl',
    otherDevice: 'cpu',
    float32: { atol: 5e-4, rtol: 1e-3 },
    engineScale: 0.01,
    skip: {
      digamma_signed_zeros: 'digamma(-0) is +inf: a GPU does not keep the sign of zero',
      polygamma_0_signed_zeros: 'polygamma(0, -0) is +inf: a GPU does not keep the sign of zero',
      signbit_signed_zeros: 'signbit(-0) is true: a GPU does not keep the sign of zero',
      atan2_signed_zeros: 'atan2(±0, -0) is ±π: a GPU does not keep the sign of zero',
      tan_specials: 'tan(±1e30): GLSL reduces large arguments inexactly in float32',
    },
    unaryGrid: {
      tolerance: { atol: 0, rtol: 1e-5 },
      signedZeros: false,
      skip: (op, x, expected) => {
        const tiny = (v: number) => v !== 0 && Math.abs(v) < SUBNORMAL;
        if (tiny(x) || tiny(expected)) return 'GPUs flush subnormal floats to zero';
        const trig = ['sin', 'cos', 'tan', "sin'", "cos'", "tan'", "digamma'"]; // digamma' is trigamma: sin(π·x)
        if (trig.includes(op) && Math.abs(x) > 1000) return 'sin/cos/tan reduce large arguments inexactly in float32';
        if (Object.is(x, -0) && (op === 'digamma' || op === "lgamma'" || op === 'signbit'))
          return 'digamma(-0) is +inf and signbit(-0) true: a GPU does not keep the sign of zero';
        if ((op === "log2'" || op === "log10'") && Math.abs(x) < 2e-38)
          return "the gradient's x·ln 2 is subnormal, which GPUs flush to zero";
        return undefined;
      },
    },
  },
);
