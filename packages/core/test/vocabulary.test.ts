/**
 * Issue 12's vocabulary (indexing, random, sorting and searching, construction
 * and scatter, elementwise and comparison, einsum and contractions, `g.linalg`) exists in the forms
 * PyTorch has: a `g.` function where `torch.X` exists, a Tensor method where
 * `torch.Tensor.X` does, and the in-place method `X_` where `torch.Tensor.X_`
 * does. The table was computed with PyTorch 1.13 (`hasattr(torch, snake)`,
 * `hasattr(torch.Tensor, snake)`, `hasattr(torch.Tensor, snake + '_')`,
 * `hasattr(torch.linalg, snake)` for each camelCase name's snake_case
 * spelling); `torch.nn.functional.one_hot` stands for `g.oneHot`, and
 * `x[items]` for `index` (a method only).
 */
import { describe, expect, it } from 'vitest';
import * as g from '../src/index.js';

/** fn: `torch.X`; method: `torch.Tensor.X`; inplace: `torch.Tensor.X_`. */
interface Forms {
  fn?: true;
  method?: true;
  inplace?: true;
}

const F: Forms = { fn: true };
const M: Forms = { method: true };
const FM: Forms = { fn: true, method: true };
const FMI: Forms = { fn: true, method: true, inplace: true };
const FI: Forms = { fn: true, inplace: true };

const vocabulary: Record<string, Record<string, Forms>> = {
  // The ninth session's shorthands (ops/stacking.ts, nan-reductions.ts, differences.ts, methods/shorthands.ts).
  shorthands: {
    hstack: F,
    vstack: F,
    rowStack: F,
    dstack: F,
    columnStack: F,
    atleast1d: F,
    atleast2d: F,
    atleast3d: F,
    broadcastTo: FM,
    broadcastTensors: F,
    broadcastShapes: F,
    flipud: FM,
    fliplr: FM,
    diff: FM,
    nansum: FM,
    nanmean: FM,
    countNonzero: FM,
    aminmax: FM,
    stdMean: F,
    varMean: F,
    clip: FMI,
    newZeros: M,
    newOnes: M,
    newFull: M,
    newEmpty: M,
    newTensor: M,
    isFloatingPoint: FM,
    isTensor: F,
    emptyLike: F,
    viewAs: M,
    reshapeAs: M,
    typeAs: M,
    expandAs: FM,
  },
  indexing: {
    index: M,
    indexPut: FMI,
    indexPut_: FM,
    nonzero: FM,
    argwhere: FM,
    where: FM,
    maskedSelect: FM,
    maskedScatter: FMI,
    take: FM,
    takeAlongDim: FM,
  },
  random: {
    randperm: F,
    multinomial: FM,
    bernoulli: FMI,
    normal: FI,
    randintLike: F,
    exponential_: M,
    getRngState: F,
    setRngState: F,
    seed: F,
    initialSeed: F,
    manualSeed: F,
  },
  sorting: {
    sort: FM,
    argsort: FM,
    topk: FM,
    kthvalue: FM,
    median: FM,
    nanmedian: FM,
    mode: FM,
    unique: FM,
    uniqueConsecutive: FM,
    bincount: FM,
    searchsorted: F,
    bucketize: F,
    histc: FM,
    cummax: FM,
    cummin: FM,
    max: FM,
    min: FM,
  },
  construction: {
    tril: FMI,
    triu: FMI,
    diag: FM,
    diagonal: FM,
    diagEmbed: FM,
    trilIndices: F,
    triuIndices: F,
    roll: FM,
    rot90: FM,
    repeatInterleave: FM,
    tile: FM,
    meshgrid: F,
    cartesianProd: F,
    movedim: FM,
    unflatten: FM,
    unbind: FM,
    hsplit: FM,
    vsplit: FM,
    tensorSplit: FM,
    cumprod: FMI,
    logcumsumexp: FM,
    oneHot: F,
    scatter: FMI,
    scatterAdd: FMI,
    scatterReduce: FMI,
    indexAdd: FMI,
    indexCopy: FMI,
    indexFill: FMI,
    maskedFill: FMI,
  },
  elementwise: {
    atan2: FMI,
    hypot: FMI,
    remainder: FMI,
    fmod: FMI,
    floorDivide: FMI,
    lerp: FMI,
    addcmul: FMI,
    addcdiv: FMI,
    xlogy: FMI,
    logaddexp: FM,
    logaddexp2: FM,
    logit: FMI,
    nanToNum: FMI,
    clampMin: FMI,
    clampMax: FMI,
    trunc: FMI,
    fix: FMI,
    frac: FMI,
    round: FMI,
    sinh: FMI,
    cosh: FMI,
    asin: FMI,
    acos: FMI,
    atan: FMI,
    asinh: FMI,
    acosh: FMI,
    atanh: FMI,
    tan: FMI,
    log2: FMI,
    log10: FMI,
    exp2: FMI,
    erfinv: FMI,
    erfc: FMI,
    lgamma: FMI,
    digamma: FMI,
    polygamma: FMI,
    isclose: FM,
    allclose: FM,
    isinf: FM,
    isneginf: FM,
    isposinf: FM,
    isreal: FM,
    equal: FM,
    signbit: FM,
    bitwiseAnd: FMI,
    bitwiseOr: FMI,
    bitwiseXor: FMI,
    bitwiseNot: FMI,
    bitwiseLeftShift: FMI,
    bitwiseRightShift: FMI,
    logicalXor: FMI,
    // torch.nn.functional.softplus; Graft also has it in core (g.softplus).
    softplus: F,
  },
  contractions: {
    einsum: F,
    tensordot: F,
    kron: FM,
    addmm: FMI,
    addmv: FMI,
    baddbmm: FMI,
    addbmm: FMI,
    chainMatmul: F,
    cross: FM,
    inner: FM,
    vdot: FM,
  },
};

const linalgNames = [
  'solve',
  'cholesky',
  'qr',
  'eigh',
  'eigvalsh',
  'svd',
  'svdvals',
  'det',
  'slogdet',
  'inv',
  'pinv',
  'lstsq',
  'matrixRank',
  'matrixPower',
  'matrixExp',
  'norm',
  'vectorNorm',
  'matrixNorm',
  'cond',
  'multiDot',
  'cross',
];

const functions = g as unknown as Record<string, unknown>;
const methods = g.Tensor.prototype as unknown as Record<string, unknown>;

describe("the vocabulary has PyTorch's forms", () => {
  for (const [family, names] of Object.entries(vocabulary)) {
    it(family, () => {
      const missing: string[] = [];
      for (const [name, forms] of Object.entries(names)) {
        if (forms.fn && typeof functions[name] !== 'function') missing.push(`g.${name}`);
        if (forms.method && typeof methods[name] !== 'function') missing.push(`Tensor.${name}`);
        if (forms.inplace && typeof methods[`${name}_`] !== 'function') missing.push(`Tensor.${name}_`);
      }
      expect(missing).toEqual([]);
    });
  }

  it('linalg', () => {
    const linalg = g.linalg as unknown as Record<string, unknown>;
    expect(linalgNames.filter((name) => typeof linalg[name] !== 'function')).toEqual([]);
  });

  it('Generator objects', () => {
    const generator = new g.Generator().manualSeed(1);
    expect(generator.initialSeed()).toBe(1);
  });
});
