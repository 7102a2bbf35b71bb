import type { ConformanceOptions } from '@graft/testing';

/**
 * The conformance options of 'webgpu', in the browser and in Node. The same
 * tolerances and skips as the WebGL backend's, for the same reasons: WGSL's
 * exp/log/sqrt builtins (SwiftShader's here, the driver's elsewhere) are
 * accurate to a few ulps, not one, and a GPU flushes subnormals and does not
 * keep the sign of zero. Nothing else is skipped.
 */
const SUBNORMAL = 1.1754943508222875e-38;
export const conformanceOptions: ConformanceOptions = {
  device: 'webgpu',
  otherDevice: 'cpu',
  float32: { atol: 5e-4, rtol: 1e-3 },
  engineScale: 0.01,
  skip: {
    digamma_signed_zeros: 'digamma(-0) is +inf: a GPU does not keep the sign of zero',
    polygamma_0_signed_zeros: 'polygamma(0, -0) is +inf: a GPU does not keep the sign of zero',
    signbit_signed_zeros: 'signbit(-0) is true: a GPU does not keep the sign of zero',
    atan2_signed_zeros: 'atan2(±0, -0) is ±π: a GPU does not keep the sign of zero',
    tan_specials: 'tan(±1e30): our float32 argument reduction is inexact for large arguments',
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
      if ((op === "log2'" || op === "log10'") && Math.abs(x) < 2e-38) return "the gradient's x·ln 2 is subnormal, which GPUs flush to zero";
      return undefined;
    },
  },
};
