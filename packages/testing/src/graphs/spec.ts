/**
 * Random autograd graphs as data: a program of op steps over leaves and
 * constants, a loss, and how to differentiate it. The same spec runs in Graft
 * (interpret.ts) and in PyTorch (scripts/fixtures/generate_graphs.py), so a
 * graph found by the generator can be checked against PyTorch's gradients and
 * against finite differences.
 *
 * Values are numbered in order of creation: leaves first, then each step's
 * outputs.
 */

/** An argument of a step: a value, a constant, or a plain number. */
export type Ref = { readonly v: number } | { readonly c: number } | { readonly n: number };

export interface Step {
  readonly op: string;
  readonly args: readonly Ref[];
  /** Op parameters (dims, sizes…), named as the interpreters expect. */
  readonly opts?: Readonly<Record<string, unknown>>;
  /** How many values this step adds (multi-output ops add several). */
  readonly outs: number;
}

export interface LeafSpec {
  readonly shape: readonly number[];
  readonly data: readonly number[];
  readonly requiresGrad: boolean;
}

export interface ConstSpec {
  readonly shape: readonly number[];
  readonly data: readonly number[];
  readonly dtype: 'float' | 'int32' | 'bool';
}

/**
 * How the graph is differentiated:
 * - `backward`: `loss.backward()`; leaves' `.grad` are compared.
 * - `backwardTwice`: `backward({ retainGraph: true })` then `backward()`: gradients accumulate.
 * - `grad`: `autograd.grad(loss, leaves, { allowUnused: true })`; `.grad` stays null.
 * - `double`: first-order gradients with `createGraph`, then `Σ (gradᵢ · wᵢ).sum()` backward
 *   (a Hessian-vector product accumulated into `.grad`).
 */
export type GraphMode = 'backward' | 'backwardTwice' | 'grad' | 'double';

export interface GraphSpec {
  readonly name: string;
  readonly leaves: readonly LeafSpec[];
  readonly consts: readonly ConstSpec[];
  readonly steps: readonly Step[];
  /** loss = Σ (value · const).sum() over these (value, const) pairs. */
  readonly loss: readonly (readonly [number, number])[];
  readonly mode: GraphMode;
  /** Values whose gradient is retained (`retainGrad`) and compared. */
  readonly retain: readonly number[];
  /** Values with a hook `g => g.mul(scale)` (scale 1 keeps the gradient, a new tensor all the same). */
  readonly hooks: readonly { readonly value: number; readonly scale: number }[];
  /** For `double` mode: one constant per leaf (same shape) weighting its first-order gradient. */
  readonly doubleWeights?: readonly number[];
}

/** What running a graph gives (Graft or PyTorch), as plain numbers. */
export interface GraphResult {
  readonly loss: number;
  /** Per leaf: its gradient (row-major) or null when it got none. */
  readonly grads: readonly (readonly number[] | null)[];
  /** Per retained value: its `.grad`, or null. */
  readonly retained: readonly (readonly number[] | null)[];
  /** When differentiation raised: the message (PyTorch's, in fixtures). */
  readonly error?: string;
}
