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
