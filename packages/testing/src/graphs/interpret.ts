/**
 * Runs a random graph spec (spec.ts) in Graft: builds it, differentiates it
 * as its mode says, and reads the results back as numbers. Also evaluates the
 * loss (or, for `double`, the weighted first-order gradient) at perturbed
 * inputs, for finite differences.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import type { GraphResult, GraphSpec, Ref, Step } from './spec.js';

type FloatDType = 'float32' | 'float64';

/** A custom Function that hands the same gradient object to both of its inputs. */
class DupAdd extends g.autograd.Function {
  static override forward(_ctx: g.autograd.FunctionCtx, a: Tensor, b: Tensor): Tensor {
    return a.add(b);
  }
  static override backward(_ctx: g.autograd.FunctionCtx, grad: Tensor): Tensor[] {
    return [grad, grad];
  }
}

/** A custom Function with two outputs, [2x, x²]; its backward is differentiable (double backward). */
class TwoOut extends g.autograd.Function {
  static override forward(ctx: g.autograd.FunctionCtx, x: Tensor): Tensor[] {
    ctx.saveForBackward(x);
    return [x.mul(2), x.mul(x)];
  }
  static override backward(ctx: g.autograd.FunctionCtx, g1: Tensor, g2: Tensor): Tensor {
    const [x] = ctx.savedTensors;
    return g1.mul(2).add(g2.mul(x!).mul(2));
  }
}

type Arg = Tensor | number;
type OpFn = (args: Arg[], opts: Record<string, unknown>) => Tensor | Tensor[];

const t = (a: Arg): Tensor => a as Tensor;
const dims = (o: Record<string, unknown>) => (o.dim === null || o.dim === undefined ? undefined : (o.dim as number[]));

/** Every op a spec may name, as Graft calls it (PyTorch's calls are in generate_graphs.py). */
const OPS: Record<string, OpFn> = {
  add: ([a, b], o) => g.add(a!, b!, o.alpha !== undefined ? { alpha: o.alpha as number } : undefined),
  sub: ([a, b], o) => g.sub(a!, b!, o.alpha !== undefined ? { alpha: o.alpha as number } : undefined),
  mul: ([a, b]) => g.mul(a!, b!),
  div: ([a, b]) => g.div(a!, b!),
  pow: ([a, b]) => g.pow(a!, b!),
  maximum: ([a, b]) => (typeof a === 'number' ? g.maximum(t(b!), a) : g.maximum(a!, b!)),
  minimum: ([a, b]) => (typeof a === 'number' ? g.minimum(t(b!), a) : g.minimum(a!, b!)),
  where: ([c, a, b]) => g.where(t(c!), a!, b!),
  matmul: ([a, b]) => g.matmul(t(a!), t(b!)),
  sum: ([x], o) => t(x!).sum(dims(o), o.keepdim as boolean),
  mean: ([x], o) => t(x!).mean(dims(o), o.keepdim as boolean),
  prod: ([x], o) => t(x!).prod(dims(o), o.keepdim as boolean),
  amax: ([x], o) => t(x!).amax(dims(o), o.keepdim as boolean),
  amin: ([x], o) => t(x!).amin(dims(o), o.keepdim as boolean),
  logsumexp: ([x], o) => t(x!).logsumexp(dims(o)!, o.keepdim as boolean),
  var: ([x], o) => t(x!).var(dims(o), { keepdim: o.keepdim as boolean }),
  norm: ([x], o) => t(x!).norm(2, dims(o), o.keepdim as boolean),
  softmax: ([x], o) => t(x!).softmax(o.dim as number),
  logSoftmax: ([x], o) => t(x!).logSoftmax(o.dim as number),
  cumsum: ([x], o) => t(x!).cumsum(o.dim as number),
  maxDim: ([x], o) => {
    const r = t(x!).max(o.dim as number, o.keepdim as boolean);
    return [r.values, r.indices];
  },
  minDim: ([x], o) => {
    const r = t(x!).min(o.dim as number, o.keepdim as boolean);
    return [r.values, r.indices];
  },
  reshape: ([x], o) => t(x!).reshape(o.shape as number[]),
  transpose: ([x], o) => t(x!).transpose(o.dim0 as number, o.dim1 as number),
  permute: ([x], o) => t(x!).permute(o.dims as number[]),
  unsqueeze: ([x], o) => t(x!).unsqueeze(o.dim as number),
  squeeze: ([x], o) => (o.dim === null ? t(x!).squeeze() : t(x!).squeeze(o.dim as number)),
  expand: ([x], o) => t(x!).expand(o.shape as number[]),
  narrow: ([x], o) => t(x!).narrow(o.dim as number, o.start as number, o.length as number),
  select: ([x], o) => t(x!).select(o.dim as number, o.index as number),
  slice: ([x], o) => t(x!).slice(o.dim as number, o.start as number, o.end as number, o.step as number),
  flip: ([x], o) => t(x!).flip(o.dims as number[]),
  repeat: ([x], o) => t(x!).repeat(o.reps as number[]),
  pad: ([x], o) => t(x!).pad(o.pad as number[], o.value as number),
  split: ([x], o) => t(x!).split(o.size as number, o.dim as number),
  chunk: ([x], o) => t(x!).chunk(o.chunks as number, o.dim as number),
  cat: (xs, o) => g.cat(xs as Tensor[], o.dim as number),
  stack: (xs, o) => g.stack(xs as Tensor[], o.dim as number),
  gather: ([x, i], o) => t(x!).gather(o.dim as number, t(i!)),
  indexSelect: ([x, i], o) => t(x!).indexSelect(o.dim as number, t(i!)),
  maskedFill: ([x, m], o) => t(x!).maskedFill(t(m!), o.value as number),
  clamp: ([x], o) => t(x!).clamp(o.min as number | null, o.max as number | null),
  cloneMul_: ([x, n]) => t(x!).clone().mul_(n!),
  cloneAdd_: ([x, y]) => t(x!).clone().add_(y!),
  DupAdd: ([a, b]) => DupAdd.apply(a, b),
  TwoOut: ([x]) => TwoOut.apply(x),
  detach: ([x]) => t(x!).detach(),
};
for (const op of [
  'neg',
  'exp',
  'expm1',
  'log',
  'log1p',
  'sqrt',
  'rsqrt',
  'reciprocal',
  'tanh',
  'sigmoid',
  'sin',
  'cos',
  'erf',
  'square',
  'abs',
  'relu',
  'clone',
] as const) {
  OPS[op] = ([x]) => (t(x!)[op] as () => Tensor).call(x);
}

/** The ops a spec may use (the PyTorch side must implement the same list). */
export const GRAPH_OPS: readonly string[] = Object.keys(OPS);

interface Built {
  leaves: Tensor[];
  consts: Tensor[];
  values: Tensor[];
  /** The output of each `detach` step, by value id (finite differences hold them fixed). */
  detached: Map<number, Tensor>;
}

interface BuildOptions {
  dtype: FloatDType;
  device: string;
  /** Leaf values to use instead of the spec's (finite differences). */
  leafData?: readonly Float64Array[];
  /** Values to replace after they are computed (finite differences w.r.t. an intermediate). */
  override?: Map<number, Tensor>;
  /** Values of `detach` steps to reuse (so perturbations do not flow through them). */
  frozen?: Map<number, Tensor>;
}

const ARRAYS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;

function makeTensor(shape: readonly number[], data: ArrayLike<number>, dtype: g.DType, device: string): Tensor {
  return g.tensor(ARRAYS[dtype].from(data), { shape, device });
}

function argOf(ref: Ref, built: Built): Arg {
  if ('v' in ref) return built.values[ref.v]!;
  if ('c' in ref) return built.consts[ref.c]!;
  return ref.n;
}

/** Builds the forward graph (the caller runs it in a tidy scope or under noGrad). */
function build(spec: GraphSpec, options: BuildOptions): Built {
  const { dtype, device } = options;
  const leaves = spec.leaves.map((l, i) => {
    const leaf = makeTensor(l.shape, options.leafData?.[i] ?? l.data, dtype, device);
    return l.requiresGrad ? leaf.requiresGrad_(true) : leaf;
  });
  const consts = spec.consts.map((c) => makeTensor(c.shape, c.data, c.dtype === 'float' ? dtype : c.dtype, device));
  const built: Built = { leaves, consts, values: [...leaves], detached: new Map() };
  for (const step of spec.steps) runStep(step, built, options);
  return built;
}

function runStep(step: Step, built: Built, options: BuildOptions): void {
  const first = built.values.length;
  const fn = OPS[step.op];
  if (fn === undefined) throw new Error(`random graph: unknown op '${step.op}'`);
  const frozen = step.op === 'detach' ? options.frozen?.get(first) : undefined;
  const out =
    frozen ??
    fn(
      step.args.map((a) => argOf(a, built)),
      step.opts ?? {},
    );
  const outs = Array.isArray(out) ? out : [out];
  if (outs.length !== step.outs) throw new Error(`random graph: ${step.op} gave ${outs.length} outputs, the spec says ${step.outs}`);
  outs.forEach((o, k) => {
    const id = first + k;
    built.values.push(options.override?.get(id) ?? o);
    if (step.op === 'detach') built.detached.set(id, o);
  });
}

function lossOf(spec: GraphSpec, built: Built): Tensor {
  let loss: Tensor | undefined;
  for (const [v, c] of spec.loss) {
    const term = built.values[v]!.mul(built.consts[c]!).sum();
    loss = loss === undefined ? term : loss.add(term);
  }
  return loss!;
}

/**
 * Builds a graph's forward values and its loss in the current scope, for
 * checks that differentiate it their own way (graph pruning). Values are
 * numbered as in the spec: leaves first, then each step's outputs.
 *
 * @example
 * const { values, loss } = buildGraph(generateGraph('graph-1'), { dtype: 'float64', device: 'cpu' });
 */
export function buildGraph(spec: GraphSpec, options: { dtype: FloatDType; device: string }): { values: Tensor[]; loss: Tensor } {
  const built = build(spec, options);
  return { values: built.values, loss: lossOf(spec, built) };
}

const read = (x: Tensor | null): number[] | null => (x === null ? null : Array.from(x.dataSync(), Number));

/**
 * Builds and differentiates a graph in Graft, as its mode says.
 *
 * @example
 * const result = runGraph(generateGraph('graph-1'), { dtype: 'float64', device: 'cpu' });
 */
export function runGraph(spec: GraphSpec, options: { dtype: FloatDType; device: string }): GraphResult {
  return g.tidy(() => {
    const built = build(spec, options);
    for (const h of spec.hooks) built.values[h.value]!.registerHook((grad) => grad.mul(h.scale));
    for (const r of spec.retain) built.values[r]!.retainGrad();
    const loss = lossOf(spec, built);
    const lossValue = Number(loss.item());
    // Free every forward value but the leaves, as a tidy scope around a forward pass would:
    // backward must need only what the graph saved.
    for (const v of built.values) if (!built.leaves.includes(v)) v.dispose();
    let error: string | undefined;
    let grads: (Tensor | null)[] = built.leaves.map(() => null);
    try {
      grads = differentiate(spec, built, loss);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const result = {
      loss: lossValue,
      grads: grads.map(read),
      retained: spec.retain.map((r) => read(built.values[r]!.grad)),
      ...(error !== undefined ? { error } : {}),
    };
    // `.grad` outlives tidy scopes (it belongs to its tensor): release it with the graph.
    for (const v of built.values) v.grad?.dispose();
    return result;
  });
}

function differentiate(spec: GraphSpec, built: Built, loss: Tensor): (Tensor | null)[] {
  const { leaves } = built;
  const needing = leaves.filter((l) => l.requiresGrad);
  switch (spec.mode) {
    case 'backward':
      loss.backward();
      return leaves.map((l) => l.grad);
    case 'backwardTwice':
      loss.backward(undefined, { retainGraph: true });
      loss.backward();
      return leaves.map((l) => l.grad);
    case 'grad': {
      const gs = g.autograd.grad(loss, needing, { allowUnused: true });
      if (leaves.some((l) => l.grad !== null)) throw new Error('autograd.grad wrote into .grad');
      return leaves.map((l) => (l.requiresGrad ? gs[needing.indexOf(l)]! : null));
    }
    case 'double': {
      const first = g.autograd.grad(loss, needing, { createGraph: true, allowUnused: true });
      let s: Tensor | undefined;
      first.forEach((gr, i) => {
        if (gr === null) return;
        const w = built.consts[spec.doubleWeights![leaves.indexOf(needing[i]!)]!]!;
        const term = gr.mul(w).sum();
        s = s === undefined ? term : s.add(term);
      });
      if (s === undefined) throw new Error('double: no first-order gradient');
      s.backward();
      return leaves.map((l) => l.grad);
    }
  }
}

/**
 * The scalar whose gradient a graph's mode computes, at other inputs: the
 * loss, or for `double` the weighted first-order gradient. `detach` outputs
 * stay at the values of `frozen` (made by `frozenValues`).
 */
export function scalarAt(spec: GraphSpec, options: BuildOptions): number {
  return g.tidy(() => {
    if (spec.mode !== 'double') {
      return g.noGrad(() => Number(lossOf(spec, build(spec, options)).item()));
    }
    const built = build(spec, options);
    const needing = built.leaves.filter((l) => l.requiresGrad);
    const first = g.autograd.grad(lossOf(spec, built), needing, { allowUnused: true });
    let s = 0;
    first.forEach((gr, i) => {
      if (gr === null) return;
      const w = built.consts[spec.doubleWeights![built.leaves.indexOf(needing[i]!)]!]!;
      s += Number(gr.mul(w).sum().item());
    });
    return s;
  });
}

/** The outputs of `detach` steps and every value, at the spec's own inputs (float64, for finite differences). */
export function baseValues(spec: GraphSpec, device: string): { frozen: Map<number, Tensor>; values: Float64Array[]; shapes: number[][] } {
  return g.tidy(() => {
    const built = g.noGrad(() => build(spec, { dtype: 'float64', device }));
    const frozen = new Map<number, Tensor>();
    for (const [id, x] of built.detached) frozen.set(id, g.keep(x.clone()));
    const values = built.values.map((v) => (v.dtype === 'float64' ? Float64Array.from(v.dataSync()) : new Float64Array(0)));
    const shapes = built.values.map((v) => [...v.shape]);
    return { frozen, values, shapes };
  });
}

export { makeTensor as graphTensor };
