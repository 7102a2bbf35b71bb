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
/** Cases for semantics that go wrong silently: rounding modes, decimals, integer exactness, empty reductions, keywords. */
export const semanticCases = (semanticsJson as unknown as { cases: OpCase[] }).cases;
/** Every unary op on a grid of extreme and ordinary inputs, in float32 and float64, with PyTorch's values and gradients. */
export const unaryGridCases = (semanticsJson as unknown as { unaryGrid: UnaryGridCase[] }).unaryGrid;
/** The elementwise family (scripts/fixtures/generate_elementwise.py): atan2 … polygamma, isclose, bitwise ops, with specials and errors. */
export const elementwiseCases = (elementwiseJson as unknown as { cases: OpCase[] }).cases;
/** A second backward through each differentiable op case's first derivatives, as PyTorch connects and computes it. */
export const doubleBackwardCases = [
  ...(semanticsJson as unknown as { doubleBackward: DoubleBackwardCase[] }).doubleBackward,
  ...(elementwiseJson as unknown as { doubleBackward: DoubleBackwardCase[] }).doubleBackward,
];

/** Construction, shape and scatter-family cases (scripts/fixtures/generate_construction.py): tril…oneHot, scatter…maskedFill. */
export const constructionCases = (constructionJson as unknown as { cases: OpCase[] }).cases;

/**
 * Every file of op cases (ops.json's schema), with the title its tests run
 * under. The conformance suite runs each case forward, backward and for leaks,
 * and, in a file marked `gradcheck`, checks every differentiable case by
 * finite differences too; a new family of ops adds its generator's file here.
 */
export const opCaseFiles: readonly { readonly title: string; readonly cases: readonly OpCase[]; readonly gradcheck?: boolean }[] = [
  { title: 'ops against PyTorch', cases: opCases, gradcheck: true },
  { title: 'op semantics against PyTorch (rounding modes, decimals, integers, empty tensors, keywords)', cases: semanticCases },
  { title: 'construction, shape and scatter ops against PyTorch', cases: constructionCases },
  { title: 'elementwise and comparison ops against PyTorch (specials, dtypes, errors)', cases: elementwiseCases, gradcheck: true },
];

/** The op cases that gradcheck (and the second-order and forward-mode lists) draw from: the files marked `gradcheck`. */
export const gradcheckCases: readonly OpCase[] = opCaseFiles.filter((f) => f.gradcheck).flatMap((f) => f.cases);

/** The op cases of every file in `opCaseFiles`. */
export const allOpCases: readonly OpCase[] = opCaseFiles.flatMap((f) => f.cases);
/** Tensors and the text PyTorch prints for them, character for character (scripts/fixtures/generate.py). */
export const printingCases = (printingJson as { cases: PrintingCase[] }).cases;
/** What `torch.manual_seed(seed)` followed by `rand`, `randn`, `randint`, `uniform_` or `normal_` produces. */
export const randomCases = (randomJson as { cases: RandomCase[] }).cases;
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
