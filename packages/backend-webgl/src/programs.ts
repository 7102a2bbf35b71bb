/** GPGPU programs of ours, for what tfjs's webgl kernels lack. */

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
  const terms = indexShape.map((_, d) => (d === dim ? `int(getIAtOutCoords()) * ${strides[d]}` : `${coord(rank, d)} * ${strides[d]}`)).join(' + ');
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
export function elementwiseProgram(shape: readonly number[], operands: readonly Operand[], expr: string): Program {
  const loads = operands.map((o) => `float ${o.name.toLowerCase()} = ${o.scalar ? `u${o.name}` : `get${o.name}AtOutCoords()`};`).join('\n      ');
  return {
    variableNames: operands.filter((o) => !o.scalar).map((o) => o.name),
    outputShape: shape.length === 0 ? [1] : [...shape],
    customUniforms: operands.filter((o) => o.scalar).map((o) => ({ name: `u${o.name}`, type: 'float' as const })),
    userCode: `void main() {
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
  const outside = shape.map((_, d) => (d !== dim && indexShape[d]! < shape[d]! ? `${coord(rank, d)} >= ${indexShape[d]}` : '')).filter(Boolean);
  const base = shape.map((_, d) => (d === dim ? '' : `${coord(rank, d)} * ${strides[d]}`)).filter(Boolean).join(' + ') || '0';
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
  const steps = dims.map((d) => `k = r / ${d.stride}; if (k >= ${d.size}) { setOutput(getD(p)); return; } r -= k * ${d.stride}; src += k * ${d.sourceStride};`);
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

/** Row-major strides of a shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides: number[] = [];
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return strides;
}

/** log with IEEE edge cases: log(±0) = -inf, log(x < 0) = NaN (GLSL leaves them undefined). */
export function logProgram(shape: readonly number[]): Program {
  return {
    variableNames: ['A'],
    outputShape: shape.length === 0 ? [1] : [...shape],
    userCode: `void main() {
      float x = getAAtOutCoords();
      float zero = 0.0 * abs(x);
      if (x != x) { setOutput(x); }
      else if (x == 0.0) { setOutput(-1.0 / zero); }
      else if (x < 0.0) { setOutput(zero / zero); }
      else { setOutput(log(x)); }
    }`,
  };
}
