/**
 * gradcheck / gradgradcheck: analytical gradients (reverse mode) against
 * central finite differences, in float64, as `torch.autograd.gradcheck`.
 */
import { tensor } from '../ops/creation.js';
import { formatValues } from '../format.js';
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor.js';
import { grad } from './backward.js';
import { enableGrad, noGrad } from './grad-mode.js';

/** Options of `gradcheck` and `gradgradcheck` (PyTorch's defaults). */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Throw on mismatch (default) or return false. */
  raiseException?: boolean;
}

const GRADCHECK_KEYS = ['eps', 'atol', 'rtol', 'raiseException'] as const;

type Fn = (...xs: Tensor[]) => Tensor | readonly Tensor[];

function outputsOf(fn: Fn, inputs: readonly Tensor[]): Tensor[] {
  const out = fn(...inputs);
  return Array.isArray(out) ? [...out] : [out as Tensor];
}

function checkInputs(op: string, inputs: readonly Tensor[]): Tensor[] {
  const diff = inputs.filter((x) => x.requiresGrad);
  if (diff.length === 0) throw new Error(`${op}: at least one input tensor must require grad`);
  for (const x of diff) {
    if (x.dtype !== 'float64') {
      throw new Error(
        `${op}: inputs that require grad must be float64 for finite differences to be meaningful, got ${x.dtype} (use x.double())`,
      );
    }
  }
  return diff;
}

/** J[o][i]: rows = output elements, columns = input elements, as flat number arrays. */
function analyticalJacobian(outputs: readonly Tensor[], inputs: readonly Tensor[]): number[][][][] {
  return outputs.map((o) => {
    const perInput: number[][][] = inputs.map(() => []);
    const flat = o.reshape(-1);
    for (let j = 0; j < flat.shape[0]!; j++) {
      const gs = o.requiresGrad ? grad(flat.select(0, j), inputs, { retainGraph: true, allowUnused: true }) : inputs.map(() => null);
      gs.forEach((g, i) => perInput[i]!.push(g === null ? new Array(inputs[i]!.numel()).fill(0) : Array.from(g.dataSync())));
    }
    return perInput;
  });
}

function numericalJacobian(fn: Fn, all: readonly Tensor[], diff: readonly Tensor[], eps: number): number[][][][] {
  const result: number[][][][] = [];
  diff.forEach((x, i) => {
    const original = Array.from(x.dataSync());
    const evaluate = (k: number, delta: number): number[][] => {
      const values = original.slice();
      values[k]! += delta;
      noGrad(() => x.detach().copy_(tensor(new Float64Array(values), { shape: x.shape, device: x.device })));
      return enableGrad(() => outputsOf(fn, all).map((o) => Array.from(o.dataSync())));
    };
    for (let k = 0; k < original.length; k++) {
      const plus = evaluate(k, eps);
      const minus = evaluate(k, -eps);
      plus.forEach((p, o) => {
        result[o] ??= [];
        result[o]![i] ??= p.map(() => new Array<number>(original.length).fill(0));
        p.forEach((v, j) => (result[o]![i]![j]![k] = (v - minus[o]![j]!) / (2 * eps)));
      });
    }
    noGrad(() => x.detach().copy_(tensor(new Float64Array(original), { shape: x.shape, device: x.device })));
  });
  return result;
}

function describe(m: number[][]): string {
  const rows = m.length;
  const cols = m[0]?.length ?? 0;
  // PyTorch prints the Jacobians input-major: columns of ours are its rows.
  const t: number[] = [];
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) t.push(m[r]![c]!);
  return 'tensor(' + formatValues(t, [cols, rows], 'float64', 7) + ', dtype=float64)';
}

/**
 * Checks the gradients of `fn` at `inputs` against central differences.
 * Inputs that require grad must be float64.
 *
 * @example
 * const x = g.randn(3, { dtype: 'float64', requiresGrad: true });
 * g.autograd.gradcheck((t) => t.tanh().sum(), [x]); // true
 */
export function gradcheck(fn: Fn, inputs: Tensor | readonly Tensor[], options?: GradcheckOptions): boolean {
  options = checkOptions('gradcheck', options, GRADCHECK_KEYS);
  const all = Array.isArray(inputs) ? [...inputs] : [inputs as Tensor];
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const diff = checkInputs('gradcheck', all);
  const numerical = numericalJacobian(fn, all, diff, eps);
  const outputs = enableGrad(() => outputsOf(fn, all));
  const analytical = analyticalJacobian(outputs, diff);
  for (let o = 0; o < outputs.length; o++) {
    if (outputs[o]!.dtype !== 'float64') continue;
    for (let i = 0; i < diff.length; i++) {
      const a = analytical[o]![i]!;
      const n = numerical[o]?.[i] ?? a.map((row) => row.map(() => 0));
      const bad = a.some((row, r) => row.some((v, c) => !(Math.abs(v - n[r]![c]!) <= atol + rtol * Math.abs(n[r]![c]!))));
      if (bad) {
        if (options.raiseException === false) return false;
        throw new Error(
          `Jacobian mismatch for output ${o} with respect to input ${i},\nnumerical:${describe(n)}\nanalytical:${describe(a)}\n`,
        );
      }
    }
  }
  return true;
}

/**
 * Checks second derivatives: gradcheck of the function (inputs, gradOutputs) ↦
 * grad(fn(inputs), inputs, gradOutputs) built with `createGraph`.
 *
 * @example
 * const x = g.randn(3, { dtype: 'float64', requiresGrad: true });
 * g.autograd.gradgradcheck((t) => t.tanh(), [x]); // true
 */
export function gradgradcheck(
  fn: Fn,
  inputs: Tensor | readonly Tensor[],
  gradOutputs?: readonly Tensor[],
  options?: GradcheckOptions,
): boolean {
  options = checkOptions('gradgradcheck', options, GRADCHECK_KEYS);
  const all = Array.isArray(inputs) ? [...inputs] : [inputs as Tensor];
  const diff = checkInputs('gradgradcheck', all);
  const outputs = enableGrad(() => outputsOf(fn, all));
  // Fixed, non-trivial output gradients (seeded by position, not by the global generator).
  const gos =
    gradOutputs ??
    outputs.map((o) => {
      const n = o.numel();
      const v = Float64Array.from({ length: n }, (_, k) => Math.sin(1.3 * k + 0.7) + 0.1);
      return tensor(v, { shape: o.shape, device: o.device, requiresGrad: true });
    });
  const gradFn = (...xs: Tensor[]): Tensor[] => {
    const ins = xs.slice(0, all.length);
    const gOut = xs.slice(all.length);
    const outs = outputsOf(fn, ins);
    const diffIns = ins.filter((x) => x.requiresGrad);
    return grad(outs, diffIns, { gradOutputs: gOut, createGraph: true, allowUnused: true }).map((g, i) => g ?? diffIns[i]!.mul(0));
  };
  void diff;
  return gradcheck(gradFn, [...all, ...gos], options);
}
