/**
 * Custom autograd functions, as `torch.autograd.Function`: subclass with
 * static `forward(ctx, ...args)` and `backward(ctx, ...grads)`, call with
 * `MyFn.apply(...args)`.
 */
import { isFloating } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { noGrad } from './grad-mode.js';
import { FREED_GRAPH, type Node } from './node.js';
import { isTensorLike, needsGrad, recordMulti } from './record.js';

/** What `forward` and `backward` share. */
export class FunctionCtx {
  private saved: Tensor[] = [];
  /** The node recorded for this call: once it has freed what it saved, `savedTensors` is PyTorch's error. */
  private node: Node | undefined;
  /** For each input: whether it needs a gradient. */
  needsInputGrad: boolean[] = [];
  [key: string]: unknown;

  /** Keeps tensors for backward (kept alive and checked for in-place changes). */
  saveForBackward(...tensors: Tensor[]): void {
    this.saved = tensors;
  }

  /** What `saveForBackward` kept; an error after a backward without `retainGraph` freed it, as in PyTorch. */
  get savedTensors(): Tensor[] {
    if (this.node?.released === true) throw new Error(FREED_GRAPH);
    return this.saved;
  }

  /** @internal called by `Function.apply` once the node is recorded. */
  recordedAs(node: Node | null): void {
    if (node !== null) this.node = node;
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
  /** Computes the outputs (runs without recording); override it. Outputs may include numbers or other values. */
  static forward(_ctx: FunctionCtx, ..._args: unknown[]): Tensor | unknown[] {
    throw new Error(`${this.name}.forward is not implemented: override the static forward(ctx, ...args)`);
  }

  /**
   * Maps output gradients to one gradient per input (null where none); override it.
   * It gets one gradient per output: zeros for an integer output or one that
   * got no gradient, `null` for an output that is not a tensor.
   */
  static backward(_ctx: FunctionCtx, ..._grads: Tensor[]): Grads {
    throw new Error(`${this.name}.backward is not implemented: override the static backward(ctx, ...grads)`);
  }

  /**
   * Runs `forward` and records a node whose backward is `backward` (PyTorch's `Fn.apply`).
   *
   * As PyTorch's `_wrap_outputs`: an output that is one of the arguments, or
   * the same tensor object as an earlier output, is returned as a new alias
   * (a view of it), so the node goes on the alias and never on the argument
   * (which would stop being a leaf, and every later use of it would go
   * through this node). Integer and bool outputs are not differentiable (no
   * `gradFn`); outputs that are not tensors are returned as they are.
   *
   * @example
   * class Id extends g.autograd.Function {
   *   static forward(_ctx: g.autograd.FunctionCtx, x: g.Tensor) { return x; }
   *   static backward(_ctx: g.autograd.FunctionCtx, grad: g.Tensor) { return grad; }
   * }
   * const x = g.ones(2, { requiresGrad: true });
   * const y = Id.apply<g.Tensor>(x); // a new tensor: y.gradFn.name === 'IdBackward', x.isLeaf stays true
   */
  static apply<T extends Tensor | unknown[]>(this: typeof Function, ...args: unknown[]): T {
    const ctx = new FunctionCtx();
    ctx.needsInputGrad = args.map((a) => typeof a === 'object' && a !== null && (a as Tensor).requiresGrad === true);
    const result = noGrad(() => this.forward(ctx, ...args));
    const many = Array.isArray(result);
    const outs = aliasReturnedTensors(many ? result : [result], args);
    // The node's outputs: the floating-point tensors (PyTorch's isDifferentiableType), in order.
    const differentiable = outs.flatMap((o, i) => (isTensorLike(o) && isFloating(o.dtype) ? [i] : []));
    if (differentiable.length !== 0 && args.some((a) => needsGrad(a))) {
      recordMulti(
        differentiable.map((i) => outs[i] as Tensor),
        `${this.name}Backward`,
        args,
        (grads) => {
          const r = this.backward(ctx, ...(outputGrads(outs, differentiable, grads) as Tensor[]));
          return perArgument(this.name, args, Array.isArray(r) ? r : [r]);
        },
        ctx.savedTensors,
      );
      const node = (outs[differentiable[0]!] as Tensor).gradFn;
      ctx.recordedAs(node);
      // Tensors kept as ctx attributes live as long as the node (a tidy around the forward would free them).
      if (node !== null) for (const value of Object.values(ctx)) if (value instanceof Tensor && !value.isDisposed) node.keepAlive(value);
    }
    return (many ? outs : outs[0]) as T;
  }
}

/**
 * The outputs as the caller gets them: a tensor that is an argument, or that
 * appeared earlier in the outputs, becomes a new alias (PyTorch's `view_as`),
 * so each output is its own object with its own place in the graph.
 */
function aliasReturnedTensors(outs: readonly unknown[], args: readonly unknown[]): unknown[] {
  const seen = new Set<unknown>();
  return outs.map((o) => {
    if (!isTensorLike(o)) return o;
    const out = args.includes(o) || seen.has(o) ? o.detach() : o;
    seen.add(o);
    return out;
  });
}

/**
 * One gradient per output for `backward`: the node's gradient for a
 * differentiable output, or zeros when it got none (PyTorch's
 * materialize_grads), made from metadata (the output may be disposed by now);
 * zeros for an integer output; null for an output that is not a tensor.
 */
function outputGrads(
  outs: readonly unknown[],
  differentiable: readonly number[],
  grads: readonly (Tensor | undefined)[],
): (Tensor | null)[] {
  return outs.map((o, i) => {
    if (!isTensorLike(o)) return null;
    const k = differentiable.indexOf(i);
    return (k >= 0 ? grads[k] : undefined) ?? zerosShaped(o);
  });
}

/** What `backward` returned, as one gradient per argument (checked as PyTorch checks it). */
function perArgument(name: string, args: readonly unknown[], list: readonly (Tensor | null | undefined)[]): (Tensor | null)[] {
  const wrongCount = () =>
    new Error(`function ${name}Backward returned an incorrect number of gradients (expected ${args.length}, got ${list.length})`);
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
}

function zerosShaped(like: Tensor): Tensor {
  const backend = like.storage.backend;
  return Tensor.fromHandle(backend, like.storage.device, backend.fill(like.numel(), 0, like.dtype), like.shape, like.dtype);
}
