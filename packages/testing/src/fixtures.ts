/** Reading the PyTorch fixtures (written by scripts/fixtures/generate.py and generate_semantics.py). */
import type { DType, Tensor } from '@graft/core';
import * as g from '@graft/core';
import opsJson from './fixtures/ops.json' with { type: 'json' };
import printingJson from './fixtures/printing.json' with { type: 'json' };
import randomJson from './fixtures/random.json' with { type: 'json' };
import graphsJson from './fixtures/graphs.json' with { type: 'json' };
import type { GraphCase } from './graphs/check.js';
import semanticsJson from './fixtures/semantics.json' with { type: 'json' };
import elementwiseJson from './fixtures/elementwise.json' with { type: 'json' };
import constructionJson from './fixtures/construction.json' with { type: 'json' };
import samplingJson from './fixtures/sampling.json' with { type: 'json' };
import rangesJson from './fixtures/ranges.json' with { type: 'json' };
import sortingJson from './fixtures/sorting.json' with { type: 'json' };
import indexingJson from './fixtures/indexing.json' with { type: 'json' };
import contractionsJson from './fixtures/contractions.json' with { type: 'json' };
import linalgJson from './fixtures/linalg.json' with { type: 'json' };
import distanceJson from './fixtures/distance.json' with { type: 'json' };

export type JsonNumber = number | boolean | string;

export interface EncodedTensor {
  dtype: string;
  shape: number[];
  data: JsonNumber[];
}

export interface OpCase {
  name: string;
  op: string;
  args: EncodedArg[];
  kwargs: Record<string, unknown>;
  outputs?: EncodedTensor[];
  error?: string;
  gradOutputs?: EncodedTensor[];
  grads?: (EncodedTensor | null)[];
  /**
   * false where central differences cannot check the gradient at these inputs
   * (ties in a value-selecting op: PyTorch's gradient goes to one of the tied
   * elements, finite differences split it); PyTorch's gradients are still checked.
   */
  gradcheck?: false;
  /**
   * A named function applied to the outputs before they are compared and
   * differentiated, where PyTorch leaves them undetermined (eigenvector signs,
   * …): see output-processes.ts.
   */
  process?: string;
  /**
   * The case's matrices are too ill-conditioned for float32: its gradients
   * are checked only on a device with float64 (its forward needs float64
   * anyway, its inputs being float64).
   */
  needsFloat64?: boolean;
}

export type EncodedArg =
  | { tensor: EncodedTensor; views: unknown[][] }
  | { arange: [number, number]; dtype: string }
  | { list: EncodedArg[] }
  | { value: JsonNumber | null | number[] };

export interface PrintingCase extends EncodedTensor {
  name: string;
  requiresGrad: boolean;
  text: string;
}

export interface RandomCase {
  name: string;
  seed: number;
  fn: string;
  shape?: number[];
  shapes?: number[][];
  dtype?: string;
  low?: number;
  high?: number;
  mean?: number;
  std?: number;
  values: number[];
}

/** One unary op on a grid of extreme and ordinary inputs, with PyTorch's values and gradients (of the sum). */
export interface UnaryGridCase {
  op: string;
  dtype: string;
  input: EncodedTensor;
  output: EncodedTensor;
  grad?: EncodedTensor;
}

/**
 * A second backward through an op's first derivatives (built with createGraph):
 * which first derivatives PyTorch connects to the graph (`firstOrder`: null for
 * no gradient, true for connected, false for a constant), and what
 * `Σᵢ (gradᵢ · weightsᵢ).sum().backward()` leaves in each float leaf's `.grad`
 * (null: none; `secondOrder` is null when no first derivative is connected).
 */
export interface DoubleBackwardCase {
  name: string;
  op: string;
  args: EncodedArg[];
  kwargs: Record<string, unknown>;
  gradOutputs: EncodedTensor[];
  weights: EncodedTensor[];
  firstOrder: (boolean | null)[];
  secondOrder: (EncodedTensor | null)[] | null;
}

/** Op cases from PyTorch (scripts/fixtures/generate.py): inputs, views, keywords, outputs or the error, float64 gradients. */
export const opCases = (opsJson as { cases: OpCase[] }).cases;
/**
 * Sorting and searching against PyTorch (scripts/fixtures/generate_sorting.py): sort, argsort, topk, kthvalue,
 * median, nanmedian, mode, cummax, cummin, unique, uniqueConsecutive, bincount, searchsorted, bucketize, histc —
 * with ties and NaN, where the indices PyTorch picks are the point.
 */
export const sortingCases = (sortingJson as unknown as { cases: OpCase[] }).cases;
/** Cases for semantics that go wrong silently: rounding modes, decimals, integer exactness, empty reductions, keywords. */
export const semanticCases = (semanticsJson as unknown as { cases: OpCase[] }).cases;
/** Every unary op on a grid of extreme and ordinary inputs, in float32 and float64, with PyTorch's values and gradients. */
export const unaryGridCases = (semanticsJson as unknown as { unaryGrid: UnaryGridCase[] }).unaryGrid;
/** The elementwise family (scripts/fixtures/generate_elementwise.py): atan2 … polygamma, isclose, bitwise ops, with specials and errors. */
export const elementwiseCases = (elementwiseJson as unknown as { cases: OpCase[] }).cases;
/** One op of semantics.json's savedTensors: whether backward fails after its result, a or b is changed in place. */
export interface SavedTensorsCase {
  /** Graft's method name, called on `a`. */
  op: string;
  /** Its arguments: numbers, or 'a' and 'b' for the operands. */
  args: (number | string)[];
  /** The output to take of an op that returns several (`values`), else null. */
  output: string | null;
  out: 'ok' | 'error';
  a: 'ok' | 'error';
  b: 'ok' | 'error';
}
/** What each op saves for backward, as PyTorch's in-place checks reveal it (scripts/fixtures/generate_semantics.py). */
export const savedTensorsCases = (semanticsJson as unknown as { savedTensors: SavedTensorsCase[] }).savedTensors;
/** A second backward through each differentiable op case's first derivatives, as PyTorch connects and computes it. */
export const doubleBackwardCases = [
  ...(semanticsJson as unknown as { doubleBackward: DoubleBackwardCase[] }).doubleBackward,
  ...(elementwiseJson as unknown as { doubleBackward: DoubleBackwardCase[] }).doubleBackward,
];
/** einsum (generated equations and PyTorch's errors), tensordot, inner, vdot, ger, kron, cross, chainMatmul, addmm and friends (scripts/fixtures/generate_contractions.py). */
export const contractionCases = (contractionsJson as unknown as { cases: OpCase[] }).cases;
/** `g.linalg` and the legacy top-level linear algebra against PyTorch (scripts/fixtures/generate_linalg.py). */
export const linalgCases = (linalgJson as unknown as { cases: OpCase[] }).cases;
/** Indexing (`x[items]`, `x[items] = v`, nonzero, masked and take ops) from PyTorch (scripts/fixtures/generate_indexing.py). */
export const indexingOpCases = (indexingJson as unknown as { cases: OpCase[] }).cases;

/** Construction, shape and scatter-family cases (scripts/fixtures/generate_construction.py): tril…oneHot, scatter…maskedFill. */
export const constructionCases = (constructionJson as unknown as { cases: OpCase[] }).cases;
/** `cdist` against PyTorch (written by scripts/fixtures/generate_nn_activations_losses.py). */
export const distanceCases = (distanceJson as unknown as { cases: OpCase[] }).cases;

/**
 * Every file of op cases (ops.json's schema), with the title its tests run
 * under. The conformance suite runs each case forward, backward and for leaks,
 * and with `gradcheck` every differentiable case also against float64 central
 * differences (but cases marked `gradcheck: false`); a new family of ops adds
 * its generator's file here.
 */
export const opCaseFiles: readonly { readonly title: string; readonly cases: readonly OpCase[]; readonly gradcheck?: boolean }[] = [
  { title: 'ops against PyTorch', cases: opCases, gradcheck: true },
  { title: 'op semantics against PyTorch (rounding modes, decimals, integers, empty tensors, keywords)', cases: semanticCases },
  { title: 'construction, shape and scatter ops against PyTorch', cases: constructionCases },
  { title: 'sorting and searching against PyTorch (ties and NaN)', cases: sortingCases, gradcheck: true },
  { title: 'indexing against PyTorch (x[items], x[items] = v, masks, nonzero, take)', cases: indexingOpCases },
  { title: 'einsum and contractions against PyTorch', cases: contractionCases },
  { title: 'linear algebra (g.linalg) against PyTorch', cases: linalgCases },
  { title: 'cdist against PyTorch', cases: distanceCases, gradcheck: true },
  { title: 'elementwise and comparison ops against PyTorch (specials, dtypes, errors)', cases: elementwiseCases, gradcheck: true },
];

/** The op cases of every file in `opCaseFiles`. */
export const allOpCases: readonly OpCase[] = opCaseFiles.flatMap((f) => f.cases);
/** Tensors and the text PyTorch prints for them, character for character (scripts/fixtures/generate.py). */
export const printingCases = (printingJson as { cases: PrintingCase[] }).cases;
/** What `torch.manual_seed(seed)` followed by `rand`, `randn`, `randint`, `uniform_` or `normal_` produces. */
export const randomCases = (randomJson as { cases: RandomCase[] }).cases;
/**
 * One step of a sampling case (scripts/fixtures/generate_random.py): seed the
 * default generator (`seed`) or make a Generator (`generator`, seeded when
 * `seed` is given); or a `call` of a random function (`args`, `kwargs` with a
 * generator named by its key), of an in-place sampler on `self` (zeros of
 * `empty` and `dtype`, then `views`), or of `getRngState`/`setRngState`/
 * `initialSeed` — with PyTorch's result (`out`) or the error it raised
 * (`expectError`, a part of PyTorch's message).
 */
export interface SamplingStep {
  seed?: number | string;
  generator?: string;
  call?: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  self?: { empty: number[]; dtype: string; views: unknown[][] };
  out?: EncodedTensor | number[] | string;
  expectError?: string;
  save?: string;
  record?: boolean;
  state?: string;
  bytes?: number[];
}

/** A program of random calls from seeds, with PyTorch's results and the next `rand(5)` of each generator after it. */
export interface SamplingCase {
  name: string;
  steps: SamplingStep[];
  after: Record<string, number[]>;
  note?: string;
}

/** `randperm` of a large n after `manual_seed(seed)`: its first and last values, Σ (i+1)·v_i mod 2^31 − 1, and the next `rand(5)`. */
export interface LargeSamplingCase {
  name: string;
  seed: number;
  n: number;
  digest: { head: number[]; tail: number[]; checksum: number; numel: number };
  after: number[];
}

/** PyTorch's CPU streams for the random family: programs of calls from seeds (scripts/fixtures/generate_random.py). */
export const samplingCases = (samplingJson as unknown as { cases: SamplingCase[] }).cases;
/** `randperm` of large n, as digests. */
export const largeSamplingCases = (samplingJson as unknown as { large: LargeSamplingCase[] }).large;
/** A linspace or arange call and PyTorch's values, each exactly (scripts/fixtures/generate_ranges.py). */
export interface RangeCase {
  name: string;
  op: 'linspace' | 'arange';
  args: JsonNumber[];
  dtype: string;
  values: JsonNumber[];
}

/** A long linspace or arange as a digest: n, first and last 20 values, Σ of its 32-bit words mod 2^32. */
export interface LargeRangeCase {
  name: string;
  op: 'linspace' | 'arange';
  args: number[];
  dtype: string;
  digest: { numel: number; head: JsonNumber[]; tail: JsonNumber[]; checksum: number };
}

/** PyTorch's linspace and arange values (scripts/fixtures/generate_ranges.py). */
export const rangeCases = (rangesJson as unknown as { cases: RangeCase[] }).cases;
/** Lengths past ATen's GRAIN_SIZE and 2^24, as digests. */
export const largeRangeCases = (rangesJson as unknown as { large: LargeRangeCase[] }).large;

/** Random autograd graphs with PyTorch's results (scripts/fixtures/generate_graphs.py). */
export const graphCases = (graphsJson as unknown as { cases: GraphCase[] }).cases;

/**
 * The cases called `names`, in that order. A list that picks fixture cases by
 * name (for gradgradcheck, forward mode, a backend's skips) throws here, naming
 * every name that matches no case: a case renamed or removed in its generator
 * must not silently drop out of the check that lists it.
 *
 * @example
 * const [c] = casesNamed('my check', ['matmul_2d'], opCases);
 */
export function casesNamed<C extends { name: string }>(list: string, names: readonly string[], cases: readonly C[]): C[] {
  const byName = new Map(cases.map((c) => [c.name, c]));
  const unknown = names.filter((n) => !byName.has(n));
  if (unknown.length !== 0) {
    throw new Error(
      `${list}: no fixture case is called ${unknown.map((n) => JSON.stringify(n)).join(', ')} ` +
        `(renamed or removed in scripts/fixtures/? the case names are in the fixture JSON)`,
    );
  }
  return names.map((n) => byName.get(n)!);
}

/** JSON encodes NaN and infinities as strings. */
export function decodeNumber(v: JsonNumber): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v as number;
}

/**
 * A fixture tensor's values as numbers (the JSON holds NaN and infinities as
 * strings, booleans as true/false).
 *
 * @example
 * decodeData({ dtype: 'float32', shape: [3], data: [1, 'nan', '-inf'] }); // [1, NaN, -Infinity]
 */
export function decodeData(e: EncodedTensor): number[] {
  return e.data.map(decodeNumber);
}

/** A tensor on `device` holding the fixture's values (float64 may be narrowed to float32). */
export function makeTensor(e: EncodedTensor, device: string, dtypeOverride?: DType): Tensor {
  const dtype = (dtypeOverride ?? e.dtype) as DType;
  const data = decodeData(e);
  const Arr = dtype === 'float64' ? Float64Array : dtype === 'float32' ? Float32Array : dtype === 'int32' ? Int32Array : Uint8Array;
  return g.tensor(new Arr(data) as never, { shape: e.shape, dtype, device });
}

/** Applies the fixture's view transforms (the same ones the generator applied in PyTorch). */
export function applyViews(t: Tensor, views: readonly unknown[][]): Tensor {
  let x = t;
  for (const v of views) {
    switch (v[0]) {
      case 't':
        x = x.t();
        break;
      case 'transpose':
        x = x.transpose(v[1] as number, v[2] as number);
        break;
      case 'slice':
        x = x.slice(v[1] as number, v[2] as number, v[3] as number, v[4] as number);
        break;
      case 'expand':
        x = x.expand(v[1] as number[]);
        break;
      case 'permute':
        x = x.permute(v[1] as number[]);
        break;
      default:
        throw new Error(`unknown view ${String(v[0])}`);
    }
  }
  return x;
}
