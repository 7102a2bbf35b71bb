/** `t.backward()` and `g.autograd.grad()`: the user-facing entries to the engine. */
import { isFloating } from '../dtype.js';
import { checkOptions } from '../options.js';
import { full } from '../ops/creation.js';
import { formatShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { runBackward } from './engine.js';
import { isTensorLike } from './record.js';

/** Options of `Tensor.backward` (as PyTorch's keyword arguments). */
export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
  inputs?: Tensor | readonly Tensor[];
}

/** A plain object (not a Tensor, not an array): an options bag. */
function isOptionsObject(x: unknown): x is BackwardOptions {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !isTensorLike(x);
}

/** The seed gradient for a root: ones for a scalar, else the user's `gradient`. */
function seedFor(root: Tensor, gradient: Tensor | number | undefined, index: number): Tensor {
  if (!isTensorLike(root)) {
    throw new TypeError(`backward: element ${index} of tensors must be a Tensor, got ${Array.isArray(root) ? 'an array' : typeof root}`);
  }
  // A disposed output let go of its graph: say so, not "backward through the graph a second time".
  root.assertAlive('backward');
  root.checkViewGraph();
  if (!root.requiresGrad) {
    throw new Error(`element ${index} of tensors does not require grad and does not have a grad_fn`);
  }
  if (gradient === undefined) {
    if (root.numel() !== 1) throw new Error('grad can be implicitly created only for scalar outputs');
    return full(root.shape, 1, { dtype: root.dtype, device: root.device });
  }
  if (typeof gradient === 'number') return full(root.shape, gradient, { dtype: root.dtype, device: root.device });
  if (!isTensorLike(gradient)) {
    throw new TypeError(
      `backward: the gradient must be a Tensor or a number, got ${Array.isArray(gradient) ? 'an array' : typeof gradient}`,
    );
  }
  if (!shapesEqual(gradient.shape, root.shape)) {
    throw new Error(
      `Mismatch in shape: grad_output[${index}] has a shape of ${formatShape(gradient.shape)} and output[${index}] has a shape of ${formatShape(root.shape)}.`,
    );
  }
  if (gradient.device !== root.device) {
    throw new Error(`backward: gradient is on device ${gradient.device} but the output is on ${root.device}`);
  }
  return gradient.dtype === root.dtype ? gradient : gradient.to(root.dtype);
}

/** PyTorch's check that every output has a gradient (extra gradients are ignored, as its zip does). */
function checkGradientCount(outputs: number, gradients: number): void {
  if (gradients < outputs) throw new Error(`got ${outputs} tensors and ${gradients} gradients`);
}

/**
 * Accumulates d(root)/d(leaf) into every leaf's `.grad` (see `Tensor.backward`).
 * As `g.autograd.backward`, it also takes a list of outputs and a list of
 * their gradients (`torch.autograd.backward(tensors, grad_tensors)`).
 *
 * @example
 * const x = g.tensor([1, 2], { requiresGrad: true });
 * g.autograd.backward([x.sum(), x.mul(2).sum()]); // x.grad: [3, 3]
 */
export function backward(
  root: Tensor | readonly Tensor[],
  gradientOrOptions?: Tensor | number | readonly (Tensor | number | undefined)[] | BackwardOptions,
  options?: BackwardOptions,
): void {
  let gradient = gradientOrOptions as Tensor | number | readonly (Tensor | number | undefined)[] | undefined;
  // The options alone, as PyTorch's `backward(retain_graph=True)`: `backward({ retainGraph: true })`.
  if (options === undefined && isOptionsObject(gradientOrOptions)) {
    options = gradientOrOptions;
    gradient = undefined;
  }
  options = checkOptions('backward', options, ['retainGraph', 'createGraph', 'inputs']);
  const roots: readonly Tensor[] = Array.isArray(root) ? root : [root as Tensor];
  const gradients: readonly (Tensor | number | undefined)[] =
    gradient === undefined ? roots.map(() => undefined) : Array.isArray(gradient) ? gradient : [gradient as Tensor | number];
  if (roots.length === 0) throw new Error('backward: no tensors to differentiate');
  checkGradientCount(roots.length, gradients.length);
  const seeds = roots.map((r, i) => seedFor(r, gradients[i], i));
  const createGraph = options.createGraph ?? false;
  const inputs = options.inputs === undefined ? undefined : Array.isArray(options.inputs) ? options.inputs : [options.inputs as Tensor];
  if (inputs !== undefined && inputs.length === 0) throw new Error("backward: 'inputs' argument to backward() cannot be empty.");
  inputs?.forEach((t, i) => {
    if (!isTensorLike(t)) throw new TypeError(`backward: inputs[${i}] must be a Tensor, got ${typeof t}`);
    if (!t.requiresGrad) throw new Error(`One of the differentiated Tensors (input ${i}) does not require grad`);
    // A non-leaf input's gradient goes into its .grad, as PyTorch's (which calls retain_grad on it, for good).
    if (!t.isLeaf) t.retainGrad();
  });
  try {
    runBackward(roots, seeds, {
      retainGraph: options.retainGraph ?? createGraph,
      createGraph,
      ...(inputs !== undefined ? { accumulateOnly: inputs } : {}),
    });
  } finally {
    disposeSeeds(seeds, gradients);
  }
}

/**
 * Frees the seeds this call made (ones, or a cast of the user's gradient),
 * also after an error and with createGraph: the engine seeded its buffers
 * with aliases of them, and what the new graph saves holds its own reference.
 */
function disposeSeeds(seeds: readonly Tensor[], given: readonly (Tensor | number | undefined)[]): void {
  seeds.forEach((s, i) => s !== given[i] && s.dispose());
}

export interface GradOptions {
  gradOutputs?: Tensor | readonly (Tensor | undefined)[];
  retainGraph?: boolean;
  createGraph?: boolean;
  allowUnused?: boolean;
}

/**
 * The gradients of `outputs` w.r.t. `inputs`, returned instead of accumulated
 * into `.grad`, as `torch.autograd.grad`.
 *
 * @example
 * const x = g.tensor(3, { requiresGrad: true });
 * const [dx] = g.autograd.grad(x.pow(2), x); // tensor(6.)
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options?: GradOptions): (Tensor | null)[] {
  options = checkOptions('grad', options, ['gradOutputs', 'retainGraph', 'createGraph', 'allowUnused']);
  const outs = Array.isArray(outputs) ? outputs : [outputs as Tensor];
  const ins = Array.isArray(inputs) ? inputs : [inputs as Tensor];
  const gradOutputs =
    options.gradOutputs === undefined
      ? outs.map(() => undefined)
      : Array.isArray(options.gradOutputs)
        ? options.gradOutputs
        : [options.gradOutputs as Tensor];
  if (ins.length === 0) throw new Error('grad requires non-empty inputs.');
  checkGradientCount(outs.length, gradOutputs.length);
  ins.forEach((t, i) => {
    if (!t.requiresGrad) throw new Error(`One of the differentiated Tensors (input ${i}) does not require grad`);
    if (!isFloating(t.dtype)) throw new Error(`grad: input ${i} must be floating point, got ${t.dtype}`);
  });
  const seeds = outs.map((o, i) => seedFor(o, gradOutputs[i], i));
  const createGraph = options.createGraph ?? false;
  let captured: (Tensor | undefined)[];
  try {
    captured = runBackward(outs, seeds, {
      retainGraph: options.retainGraph ?? createGraph,
      createGraph,
      captures: ins,
    });
  } finally {
    disposeSeeds(seeds, gradOutputs);
  }
  const unused = captured.indexOf(undefined);
  if (unused >= 0 && !options.allowUnused) {
    // The gradients of the other inputs were computed: they are ours until returned, so they go too.
    for (const g of new Set(captured)) g?.dispose();
    throw new Error(
      `One of the differentiated Tensors (input ${unused}) appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.`,
    );
  }
  const results = captured.map((g, i) => {
    if (g === undefined) return null;
    const shaped = shapesEqual(g.shape, ins[i]!.shape) ? g : g.reshape(ins[i]!.shape);
    if (createGraph) return shaped;
    const detached = shaped.detach();
    if (shaped !== g) shaped.dispose();
    return detached;
  });
  // Without createGraph the engine's gradients are ours: the detached views returned keep their storage.
  if (!createGraph) for (const g of new Set(captured)) g?.dispose();
  return results;
}
