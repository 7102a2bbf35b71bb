/** GPGPU programs of ours, for what tfjs's webgl kernels lack. */
import { contiguousStrides } from '@graft/core/backend';

/** The shape of a tfjs webgl program (tfjs-backend-webgl's GPGPUProgram). */
export interface Program {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  customUniforms?: { name: string; type: 'float' }[];
}

const COORD = ['x', 'y', 'z', 'w', 'u', 'v'];

function coordsType(rank: number): string {
  return rank <= 1 ? 'int' : `ivec${rank}`;
}

function coord(rank: number, d: number): string {
  return rank <= 1 ? 'coords' : `coords.${COORD[d]}`;
}

/** out[coords] = A[offset + Σ coords·strides] over a flat A: a strided view made contiguous. */
export function stridedCopyProgram(shape: readonly number[], strides: readonly number[], offset: number): Program {
  const rank = shape.length;
  if (rank > 6) throw new Error(`@graft/backend-webgl: views of rank ${rank} > 6 are not supported`);
  if (rank === 0) {
    return { variableNames: ['A'], outputShape: [1], userCode: `void main() { setOutput(getA(${offset})); }` };
  }
  const terms = shape.map((_, d) => `${coord(rank, d)} * ${strides[d]}`).join(' + ');
  return {
    variableNames: ['A'],
    outputShape: [...shape],
    userCode: `void main() {
      ${coordsType(rank)} coords = getOutputCoords();
      setOutput(getA(${offset} + ${terms}));
    }`,
  };
}

/** PyTorch's gather: out[c] = X[c with dim replaced by I[c]], X flat with row-major `strides`. */
export function gatherProgram(indexShape: readonly number[], strides: readonly number[], dim: number): Program {
  const rank = indexShape.length;
  if (rank > 6) throw new Error(`@graft/backend-webgl: gather of rank ${rank} > 6 is not supported`);
  if (rank === 0) {
    return { variableNames: ['X', 'I'], outputShape: [1], userCode: `void main() { setOutput(getX(int(getI()))); }` };
  }
  const terms = indexShape
    .map((_, d) => (d === dim ? `int(getIAtOutCoords()) * ${strides[d]}` : `${coord(rank, d)} * ${strides[d]}`))
    .join(' + ');
  return {
    variableNames: ['X', 'I'],
    outputShape: [...indexShape],
    userCode: `void main() {
      ${coordsType(rank)} coords = getOutputCoords();
      setOutput(getX(${terms}));
    }`,
  };
}

/** An operand of an elementwise program: a texture read at the output coords (broadcast by tfjs), or a uniform scalar. */
export interface Operand {
  /** Its variable name in the shader, a capital letter ('A', 'B', 'C'); the expression sees it lowercased. */
  name: string;
  scalar: boolean;
}

/**
 * An elementwise program over `shape`: `expr` reads the operands by their
 * lowercase names. Scalars are uniforms, so `x / 2` and `x / 3` share one
 * compiled shader; textures broadcast through tfjs's getXAtOutCoords.
 */
export function elementwiseProgram(shape: readonly number[], operands: readonly Operand[], expr: string, helpers = ''): Program {
  const loads = operands
    .map((o) => `float ${o.name.toLowerCase()} = ${o.scalar ? `u${o.name}` : `get${o.name}AtOutCoords()`};`)
    .join('\n      ');
  return {
    variableNames: operands.filter((o) => !o.scalar).map((o) => o.name),
    outputShape: shape.length === 0 ? [1] : [...shape],
    customUniforms: operands.filter((o) => o.scalar).map((o) => ({ name: `u${o.name}`, type: 'float' as const })),
    userCode: `${helpers}
    void main() {
      ${loads}
      setOutput(${expr});
    }`,
  };
}

/**
 * PyTorch's scatter_add into zeros of `shape`: out[c] = Σ_k [I[c|dim=k] = c_dim] S[c|dim=k],
 * with I and S flat, contiguous, of `indexShape`. Each output sums over the index's extent
 * along `dim` only (tfjs's ScatterNd loops over every update, and needs its indices on the host).
 */
export function scatterAddProgram(shape: readonly number[], indexShape: readonly number[], dim: number): Program {
  const rank = shape.length;
  if (rank > 6) throw new Error(`@graft/backend-webgl: scatterAdd of rank ${rank} > 6 is not supported`);
  const strides = contiguousStrides(indexShape);
  const outside = shape
    .map((_, d) => (d !== dim && indexShape[d]! < shape[d]! ? `${coord(rank, d)} >= ${indexShape[d]}` : ''))
    .filter(Boolean);
  const base =
    shape
      .map((_, d) => (d === dim ? '' : `${coord(rank, d)} * ${strides[d]}`))
      .filter(Boolean)
      .join(' + ') || '0';
  return {
    variableNames: ['I', 'S'],
    outputShape: [...shape],
    userCode: `void main() {
      ${coordsType(rank)} coords = getOutputCoords();
      ${outside.length ? `if (${outside.join(' || ')}) { setOutput(0.0); return; }` : ''}
      int target = ${coord(rank, dim)};
      int base = ${base};
      float acc = 0.0;
      for (int k = 0; k < ${indexShape[dim]}; k++) {
        int p = base + k * ${strides[dim]};
        if (int(getI(p)) == target) acc += getS(p);
      }
      setOutput(acc);
    }`,
  };
}

/**
 * PyTorch's `self.scatter_reduce(dim, I, S, op, includeSelf)` (see the spec's
 * `scatterReduce`): each output loops over the index's extent along `dim`, in
 * order, as scatterAddProgram does, folding in the values sent to it; a
 * position nothing is sent to keeps X (self, read at the output's coords).
 */
export function scatterReduceProgram(
  shape: readonly number[],
  indexShape: readonly number[],
  dim: number,
  op: 'assign' | 'prod' | 'amax' | 'amin',
  includeSelf: boolean,
): Program {
  const rank = shape.length;
  if (rank > 6) throw new Error(`@graft/backend-webgl: scatterReduce of rank ${rank} > 6 is not supported`);
  const strides = contiguousStrides(indexShape);
  const outside = shape
    .map((_, d) => (d !== dim && indexShape[d]! < shape[d]! ? `${coord(rank, d)} >= ${indexShape[d]}` : ''))
    .filter(Boolean);
  const base =
    shape
      .map((_, d) => (d === dim ? '' : `${coord(rank, d)} * ${strides[d]}`))
      .filter(Boolean)
      .join(' + ') || '0';
  // NaN wins in amax/amin (a NaN accumulator stays: no comparison with NaN is true).
  const fold = {
    assign: 'v',
    prod: 'acc * v',
    amax: '(isnan(v) || v > acc) ? v : acc',
    amin: '(isnan(v) || v < acc) ? v : acc',
  }[op];
  const first = includeSelf || op === 'assign' ? fold : `hit ? (${fold}) : v`;
  return {
    variableNames: ['I', 'S', 'X'],
    outputShape: [...shape],
    userCode: `void main() {
      ${coordsType(rank)} coords = getOutputCoords();
      float self = getXAtOutCoords();
      ${outside.length ? `if (${outside.join(' || ')}) { setOutput(self); return; }` : ''}
      int target = ${coord(rank, dim)};
      int base = ${base};
      float acc = self;
      bool hit = false;
      for (int k = 0; k < ${indexShape[dim]}; k++) {
        int p = base + k * ${strides[dim]};
        if (int(getI(p)) == target) {
          float v = getS(p);
          acc = ${first};
          hit = true;
        }
      }
      setOutput(acc);
    }`,
  };
}

/** One dim of a strided view being written: its size, its stride in storage, its stride in the (contiguous) source. */
export interface WriteDim {
  size: number;
  stride: number;
  sourceStride: number;
}

/**
 * A strided write into a flat storage of `size` elements: out[p] = V[k] where
 * p = offset + Σ k_d·stride_d lies in the view, else D[p]. `dims` are sorted by
 * stride, largest first, and do not overlap, so p's coordinates come out by
 * greedy division.
 */
export function stridedWriteProgram(size: number, dims: readonly WriteDim[], offset: number): Program {
  const steps = dims.map(
    (d) => `k = r / ${d.stride}; if (k >= ${d.size}) { setOutput(getD(p)); return; } r -= k * ${d.stride}; src += k * ${d.sourceStride};`,
  );
  return {
    variableNames: ['D', 'V'],
    outputShape: [size],
    userCode: `void main() {
      int p = getOutputCoords();
      int r = p - ${offset};
      if (r < 0) { setOutput(getD(p)); return; }
      int k = 0;
      int src = 0;
      ${steps.join('\n      ')}
      setOutput(r == 0 ? getV(src) : getD(p));
    }`,
  };
}

/** Infinity in both GLSL versions tfjs compiles for (WebGL 1 has tfjs's INFINITY uniform; GLSL ES 3 has bit casts). */
const DEFINE_INF = `
#if __VERSION__ >= 300
#define GRAFT_INF uintBitsToFloat(0x7f800000u)
#else
#define GRAFT_INF INFINITY
#endif
`;

/**
 * sin and cos as SLEEF computes them for moderate arguments, not as the GPU
 * driver does (SwiftShader's are off by 2e-4, and 0 for tiny x): the argument
 * reduced by π/2 in three parts (Cody and Waite), then Taylor polynomials on
 * [-π/4, π/4], accurate to float32. Arguments beyond a few thousand lose
 * accuracy (PyTorch reduces those exactly).
 */
export const SINCOS_GLSL = `
  float graftSinCos(float x, bool cosine) {
    float q = floor(x * 0.6366197723675814 + 0.5);
    float r = ((x - q * 1.5703125) - q * 4.837512969970703125e-4) - q * 7.54978995489188216e-8;
    float r2 = r * r;
    float s = r + r * r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 * (1.0 / 362880.0))));
    float c = 1.0 + r2 * (-0.5 + r2 * (1.0 / 24.0 + r2 * (-1.0 / 720.0 + r2 * (1.0 / 40320.0 + r2 * (-1.0 / 3628800.0)))));
    float k = mod(q + (cosine ? 1.0 : 0.0), 4.0);
    float v = (k == 0.0 || k == 2.0) ? s : c;
    return (k >= 2.0) ? -v : v;
  }
`;

/**
 * GLSL bodies of the unary ops whose tfjs shaders differ from PyTorch: each
 * reads `x` and sets `r`. (`NAN` is a uniform tfjs sets; GRAFT_INF is defined above.)
 * - log: IEEE edge cases (log(±0) = -inf, log(x < 0) = NaN; GLSL leaves them undefined).
 * - log1p: tfjs's log(1 + x) is 0 for tiny x and garbage below -1; here an
 *   atanh series near 0, NaN below -1, -inf at -1, inf beyond 1e38 (PyTorch's cut-off).
 * - expm1: tfjs's exp(x) - 1 is 0 for tiny x; here a Taylor series near 0,
 *   exactly -1 below -16.6355 where PyTorch's float32 expm1 is.
 * - tanh: tfjs's (1 - e⁻²ˣ)/(1 + e⁻²ˣ) is 0 for tiny x; here a rational
 *   approximation near 0, exactly ±1 beyond 8.664339742 where PyTorch's float32 tanh is.
 * - erf: tfjs's approximation has an absolute error (erf(1e-10) = 0); here the
 *   Taylor series near 0, the same approximation beyond, ±1 from |x| = 4.
 * - sin, cos: see SINCOS_GLSL.
 */
export const UNARY_GLSL: Partial<Record<string, string>> = {
  sin: `
      if (isnan(x) || isinf(x)) r = NAN;
      else r = graftSinCos(x, false);`,
  cos: `
      if (isnan(x) || isinf(x)) r = NAN;
      else r = graftSinCos(x, true);`,
  log: `
      if (isnan(x)) r = x;
      else if (x == 0.0) r = -GRAFT_INF;
      else if (x < 0.0) r = NAN;
      else r = log(x);`,
  log1p: `
      if (isnan(x) || x < -1.0) r = NAN;
      else if (x == -1.0) r = -GRAFT_INF;
      else if (x > 1e38) r = GRAFT_INF;
      else if (abs(x) < 1e-4) r = x * (1.0 - 0.5 * x);
      else if (x > -0.3 && x < 0.5) {
        float s = x / (2.0 + x);
        float s2 = s * s;
        r = 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (0.2 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 / 11.0)))));
      } else r = log(1.0 + x);`,
  expm1: `
      if (isnan(x)) r = x;
      else if (x < -16.635532333438687) r = -1.0;
      else if (abs(x) < 0.5) r = x * (1.0 + x / 2.0 * (1.0 + x / 3.0 * (1.0 + x / 4.0 * (1.0 + x / 5.0 * (1.0 + x / 6.0 * (1.0 + x / 7.0 * (1.0 + x / 8.0)))))));
      else r = exp(x) - 1.0;`,
  tanh: `
      float a = abs(x);
      if (isnan(x)) r = x;
      else if (a > 8.664339742) r = x > 0.0 ? 1.0 : -1.0;
      else if (a < 0.0004) r = x;
      else if (a < 0.625) {
        float x2 = x * x;
        float p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13;
        p = x2 * p + -8.60467152213735e-11;
        p = x2 * p + 5.12229709037114e-8;
        p = x2 * p + 1.48572235717979e-5;
        p = x2 * p + 6.37261928875436e-4;
        p = x2 * p + 4.89352455891786e-3;
        float q = x2 * 1.19825839466702e-6 + 1.18534705686654e-4;
        q = x2 * q + 2.268434632439e-3;
        q = x2 * q + 4.89352518554385e-3;
        r = x * p / q;
      } else {
        float t = 1.0 - 2.0 / (exp(2.0 * a) + 1.0);
        r = x > 0.0 ? t : -t;
      }`,
  erf: `
      float a = abs(x);
      if (isnan(x)) r = x;
      else if (a >= 4.0) r = x > 0.0 ? 1.0 : -1.0;
      else if (a < 0.5) {
        float x2 = x * x;
        r = 1.1283791670955126 * x * (1.0 + x2 * (-1.0 / 3.0 + x2 * (0.1 + x2 * (-1.0 / 42.0 + x2 * (1.0 / 216.0 + x2 * (-1.0 / 1320.0 + x2 / 9360.0))))));
      } else {
        float t = 1.0 / (1.0 + 0.3275911 * a);
        float e = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
        r = x > 0.0 ? e : -e;
      }`,
};

/** An elementwise unary program over `shape` with one of the bodies above. */
export function unaryProgram(shape: readonly number[], body: string): Program {
  return {
    variableNames: ['A'],
    outputShape: shape.length === 0 ? [1] : [...shape],
    userCode: `${DEFINE_INF}${SINCOS_GLSL}
    void main() {
      float x = getAAtOutCoords();
      float r;${body}
      setOutput(r);
    }`,
  };
}

/**
 * C's pow (PyTorch's), where tfjs's shader and GLSL's pow differ: pow(±0, y < 0)
 * is ±inf, pow(1, y) and pow(x, ±0) are 1 even with NaN, pow(-1, ±inf) is 1,
 * infinite operands follow C99 Annex F, a negative base with a non-integer
 * exponent is NaN, and odd integer exponents keep the base's sign.
 */
export const POW_GLSL = `${DEFINE_INF}
  float cpow(float a, float b) {
    if (b == 0.0 || a == 1.0) return 1.0;
    if (isnan(a) || isnan(b)) return NAN;
    float ab = abs(a);
    if (isinf(b)) {
      if (ab == 1.0) return 1.0;
      return (ab < 1.0) == (b < 0.0) ? GRAFT_INF : 0.0;
    }
    bool integral = floor(b) == b;
    bool odd = integral && mod(abs(b), 2.0) == 1.0;
    if (a < 0.0 && !integral) return NAN;
    bool negative = a < 0.0 || (a == 0.0 && 1.0 / a < 0.0);
    float magnitude;
    if (ab == 0.0) magnitude = b < 0.0 ? GRAFT_INF : 0.0;
    else if (isinf(a)) magnitude = b < 0.0 ? 0.0 : GRAFT_INF;
    else magnitude = pow(ab, b);
    return negative && odd ? -magnitude : magnitude;
  }
`;

/**
 * One pass of a fused optimizer update over flat textures of `size` elements:
 * `expr` reads the inputs by their lowercase names (p, g, m, v, …) at the
 * output's index and the hyperparameters as uniforms (`uLr`, …), so one
 * compiled shader serves every step (the bias corrections change each step).
 */
export function optimizerPassProgram(size: number, inputs: readonly string[], uniforms: readonly string[], expr: string): Program {
  const loads = inputs.map((n) => `float ${n.toLowerCase()} = get${n}AtOutCoords();`).join('\n      ');
  return {
    variableNames: [...inputs],
    outputShape: [size],
    customUniforms: uniforms.map((name) => ({ name, type: 'float' as const })),
    userCode: `void main() {
      ${loads}
      setOutput(${expr});
    }`,
  };
}
