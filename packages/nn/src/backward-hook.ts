/**
 * Full backward hooks on modules, as PyTorch's `torch.utils.hooks.BackwardHook`:
 * the module's tensor inputs and outputs pass through an identity autograd
 * Function (`BackwardHookFunctionBackward`, as in PyTorch); the one on the
 * outputs collects the gradients with respect to them (grad_output), the one
 * on the inputs receives the gradients with respect to them (grad_input),
 * calls the user hooks with both, and passes on what they return.
 *
 * What the hooks see is PyTorch's: `null` for every argument or output that
 * is not a tensor and for an output that received no gradient; zeros for a
 * tensor input that got none (PyTorch materialises them), also for a tensor
 * input that does not require grad when another does; and when no input
 * requires grad, the hooks are called from the outputs' side with every
 * grad_input `null` (and may then only return nulls).
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';

/** A full backward hook: `(module, gradInput, gradOutput) => replacement gradInput | void`. */
// biome-ignore lint/suspicious/noExplicitAny: the module is whatever registered the hook
export type BackwardHookFn = (module: any, gradInput: (Tensor | null)[], gradOutput: (Tensor | null)[]) => (Tensor | null)[] | void | null;

/** The identity, recorded as one node over all its tensors; its backward is the callback the first argument carries. */
class BackwardHookFunction extends g.autograd.Function {
  static override forward(ctx: g.autograd.FunctionCtx, onBackward: (grads: Tensor[]) => (Tensor | null)[], ...tensors: Tensor[]): Tensor[] {
    ctx.onBackward = onBackward;
    // Views, as PyTorch's: the caller sees new tensor objects over the same data.
    return tensors.map((t) => t.reshape(t.shape as number[]));
  }
  static override backward(ctx: g.autograd.FunctionCtx, ...grads: Tensor[]): (Tensor | null)[] {
    return (ctx.onBackward as (grads: Tensor[]) => (Tensor | null)[])(grads);
  }
}

/** A tensor view of the same values that the user may keep (it holds the storage, not the engine's buffer). */
const alias = (t: Tensor): Tensor => t.reshape(t.shape as number[]);

/** One module call's backward hooks (made by `Module.call` when the module has any). */
export class BackwardHook {
  private gradOutputs: (Tensor | null)[] | null = null;
  private nInputs = 0;
  private inputTensors: { at: number; requiresGrad: boolean; shape: number[]; like: Tensor }[] | null = null;
  /** The views of the inputs the forward was given (ours: freed once the outputs are wrapped). */
  private inputViews: Tensor[] = [];
  /** Tensors newer than this were made during this module call. */
  private readonly start = g.tensorSerial();

  constructor(
    private readonly module: object,
    private readonly hooks: readonly BackwardHookFn[],
  ) {}

  /** Positions of the tensors in `args` that the Function takes (null when none requires grad or grad mode is off). */
  private static tracked(args: readonly unknown[]): number[] | null {
    const at = args.flatMap((a, i) => (a instanceof g.Tensor ? [i] : []));
    return g.isGradEnabled() && at.some((i) => (args[i] as Tensor).requiresGrad) ? at : null;
  }

  /** Runs the module's positional arguments through the Function whose backward calls the hooks. */
  setupInputHook(args: unknown[]): unknown[] {
    this.nInputs = args.length;
    const at = BackwardHook.tracked(args);
    if (at === null) return args;
    this.inputTensors = at.map((i) => {
      const t = args[i] as Tensor;
      return { at: i, requiresGrad: t.requiresGrad, shape: [...t.shape], like: t };
    });
    // Only the tensors that require grad go through (PyTorch marks the others non-differentiable).
    const through = this.inputTensors.filter((t) => t.requiresGrad);
    const views = BackwardHookFunction.apply<Tensor[]>((grads: Tensor[]) => this.onInputGrads(grads), ...through.map((t) => t.like));
    this.inputViews = views;
    const out = [...args];
    through.forEach((t, k) => (out[t.at] = views[k]));
    return out;
  }

  /** Runs the module's tensor outputs (the result, or the entries of a result array) through the Function that collects grad_output. */
  setupOutputHook(result: unknown): unknown {
    const isArray = Array.isArray(result);
    const outputs: unknown[] = isArray ? [...(result as unknown[])] : [result];
    const at = BackwardHook.tracked(outputs);
    if (at === null || !(isArray || result instanceof g.Tensor)) {
      // Outputs we do not wrap (or cannot see into) may hold the inputs' views: they stay.
      this.inputViews = [];
      return result;
    }
    const originals = new Set(outputs);
    const through = at.filter((i) => (outputs[i] as Tensor).requiresGrad);
    const received: (Tensor | null)[] = through.map(() => null);
    const views = BackwardHookFunction.apply<Tensor[]>(
      (grads: Tensor[]) => this.onOutputGrads(grads, through, received, outputs.length),
      ...through.map((i) => outputs[i] as Tensor),
    );
    views.forEach((v, k) => {
      outputs[through[k]!] = v;
      // A gradient that reaches this output is seen here first (and kept: it belongs to the caller's scope).
      v.registerHook((grad) => {
        received[k] = grad;
      });
    });
    // The caller gets the views; what they replace goes now, or a loop that disposes by hand leaks it (the
    // graph keeps what it needs). Only what this call made: a module may return its input or a tensor it keeps.
    const replaced = new Set<Tensor>();
    for (const i of through) {
      const t = (isArray ? (result as unknown[])[i] : result) as Tensor;
      if (t.serial > this.start) replaced.add(t);
    }
    for (const v of this.inputViews) if (!originals.has(v)) replaced.add(v);
    this.inputViews = [];
    for (const t of replaced) t.dispose();
    return isArray ? outputs : outputs[0];
  }

  private onOutputGrads(grads: Tensor[], through: number[], received: (Tensor | null)[], nOutputs: number): Tensor[] {
    const gradOutputs: (Tensor | null)[] = Array.from({ length: nOutputs }, () => null);
    through.forEach((i, k) => (gradOutputs[i] = received[k]!));
    received.fill(null);
    if (this.inputTensors === null) {
      // No input requires grad: the hooks run here, with every grad_input null.
      const gradInputs: (Tensor | null)[] = Array.from({ length: this.nInputs }, () => null);
      for (const hook of this.hooks) {
        const res = hook(this.module, gradInputs, gradOutputs);
        if (res !== undefined && res !== null && !(Array.isArray(res) && res.every((r) => r === null || r === undefined))) {
          throw new Error(
            'Backward hook for Modules where no input requires gradient should always return None or None for all gradients.',
          );
        }
      }
    } else this.gradOutputs = gradOutputs;
    return grads;
  }

  private onInputGrads(grads: Tensor[]): (Tensor | null)[] {
    const inputs = this.inputTensors!;
    const through = inputs.filter((t) => t.requiresGrad);
    const gradOutputs = this.gradOutputs;
    // The gradient reached the inputs without passing through the outputs (double backward): nothing to report.
    if (gradOutputs === null) return grads;
    this.gradOutputs = null;
    // The hooks run in the caller's memory scope and get their own objects (aliases of the engine's
    // gradients), which are the caller's: a hook may keep them or dispose them. The engine keeps its own.
    const res = g.autograd.inCallerScope(() => {
      let res: (Tensor | null)[] = Array.from({ length: this.nInputs }, () => null);
      let k = 0;
      for (const t of inputs) {
        res[t.at] = t.requiresGrad ? alias(grads[k++]!) : g.zeros(t.shape, { dtype: t.like.dtype, device: t.like.device });
      }
      let replaced = false;
      for (const hook of this.hooks) {
        const out = hook(this.module, res, gradOutputs);
        if (out === undefined || out === null) continue;
        if (!Array.isArray(out) || out.length !== res.length) {
          throw new Error(
            `Backward hook returned an invalid number of grad_input, got ${Array.isArray(out) ? out.length : typeof out}, but expected ${res.length}`,
          );
        }
        res = out.map((v) => v ?? null);
        replaced = true;
      }
      return replaced ? res : null;
    });
    // No replacement: the engine's own gradients pass on. A replacement is the user's: the engine gets aliases.
    if (res === null) return grads;
    return through.map((t) => {
      const r = res[t.at];
      return r === null || r === undefined ? null : alias(r);
    });
  }
}
