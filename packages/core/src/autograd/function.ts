/**
 * Custom autograd functions, as `torch.autograd.Function`: subclass with
 * static `forward(ctx, ...args)` and `backward(ctx, ...grads)`, call with
 * `MyFn.apply(...args)`.
 */
import { Tensor } from '../tensor.js';
import { noGrad } from './grad-mode.js';
import { isTensorLike, needsGrad, recordMulti } from './record.js';

/** What `forward` and `backward` share. */
export class FunctionCtx {
  private saved: Tensor[] = [];
  /** For each input: whether it needs a gradient. */
  needsInputGrad: boolean[] = [];
  [key: string]: unknown;

  /** Keeps tensors for backward (kept alive and checked for in-place changes). */
  saveForBackward(...tensors: Tensor[]): void {
    this.saved = tensors;
  }

  get savedTensors(): Tensor[] {
    return this.saved;
  }
}

type Grads = Tensor | null | undefined | (Tensor | null | undefined)[];

/**
 * Base class of custom differentiable ops.
 *
 * @example
 * class Exp extends g.autograd.Function {
 *   static forward(ctx: g.autograd.FunctionCtx, x: g.Tensor) { const y = x.exp(); ctx.saveForBackward(y); return y; }
 *   static backward(ctx: g.autograd.FunctionCtx, grad: g.Tensor) { return grad.mul(ctx.savedTensors[0]!); }
 * }
 * const y = Exp.apply(x); // y.gradFn.name === 'ExpBackward'
 */
// biome-ignore lint/suspicious/noShadowRestrictedNames: PyTorch's name (torch.autograd.Function), used as g.autograd.Function
export class Function {
  /** Computes the outputs (runs without recording); override it. */
  static forward(_ctx: FunctionCtx, ..._args: unknown[]): Tensor | Tensor[] {
    throw new Error(`${this.name}.forward is not implemented: override the static forward(ctx, ...args)`);
  }

  /** Maps output gradients to one gradient per input (null where none); override it. */
  static backward(_ctx: FunctionCtx, ..._grads: Tensor[]): Grads {
    throw new Error(`${this.name}.backward is not implemented: override the static backward(ctx, ...grads)`);
  }

  /** Runs `forward` and records a node whose backward is `backward` (PyTorch's `Fn.apply`). */
  static apply<T extends Tensor | Tensor[]>(this: typeof Function, ...args: unknown[]): T {
    const ctx = new FunctionCtx();
    ctx.needsInputGrad = args.map((a) => typeof a === 'object' && a !== null && (a as Tensor).requiresGrad === true);
    const result = noGrad(() => this.forward(ctx, ...args));
    const outs = Array.isArray(result) ? result : [result];
    if (args.some((a) => needsGrad(a))) {
      recordMulti(
        outs,
        `${this.name}Backward`,
        args,
        (grads) => {
          // An output that got no gradient gets zeros (PyTorch's materialize_grads), made from
          // its metadata: the output itself may be disposed by now.
          const gs = outs.map((o, i) => grads[i] ?? zerosShaped(o));
          const r = this.backward(ctx, ...gs);
          const list = Array.isArray(r) ? r : [r];
          const wrongCount = () =>
            new Error(
              `function ${this.name}Backward returned an incorrect number of gradients (expected ${args.length}, got ${list.length})`,
            );
          // Extra trailing gradients must be null, as PyTorch allows.
          if (list.length >= args.length) {
            if (list.slice(args.length).some((x) => x !== null && x !== undefined)) throw wrongCount();
            return args.map((_, i) => list[i] ?? null);
          }
          // One gradient per tensor argument (a Graft convenience: PyTorch wants a None for every other argument).
          const tensorAt = args.flatMap((a, i) => (isTensorLike(a) ? [i] : []));
          if (list.length !== tensorAt.length) throw wrongCount();
          const out: (Tensor | null)[] = args.map(() => null);
          tensorAt.forEach((at, k) => (out[at] = list[k] ?? null));
          return out;
        },
        ctx.savedTensors,
      );
    }
    return result as T;
  }
}

function zerosShaped(like: Tensor): Tensor {
  const backend = like.storage.backend;
  return Tensor.fromHandle(backend, like.storage.device, backend.fill(like.numel(), 0, like.dtype), like.shape, like.dtype);
}
