/** GPGPU programs of ours, for what tfjs's webgl kernels lack. */

/** The shape of a tfjs webgl program (tfjs-backend-webgl's GPGPUProgram). */
export interface Program {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
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

/**
 * IEEE division of two same-shape inputs. tfjs's own shader returns 1 when
 * a == b (so 0/0 and inf/inf give 1, not NaN); PyTorch's semantics need IEEE.
 */
export function divProgram(shape: readonly number[]): Program {
  return {
    variableNames: ['A', 'B'],
    outputShape: shape.length === 0 ? [1] : [...shape],
    userCode: `void main() { setOutput(getAAtOutCoords() / getBAtOutCoords()); }`,
  };
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
