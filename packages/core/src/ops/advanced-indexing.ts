/**
 * PyTorch's subscripts: `x[items]` (`index`) and `x[items] = values`
 * (`indexPut`, `indexPut_`), with PyTorch's semantics. Basic items give a
 * view (select, slice, unsqueeze: sharing storage and version counter);
 * advanced items (index tensors, arrays, masks) give a copy, read with one
 * `gather` at positions computed on the device (index-positions.ts), written
 * with `scatterAdd` and `where`. No kernel is added: every backend has these.
 */
import { isGraphRecordingEnabled, noGrad } from '../autograd/grad-mode.js';
import { needsGrad, record } from '../autograd/record.js';
import { sumToShape } from '../autograd/unbroadcast.js';
import { isFloating } from '../dtype.js';
import { tidy } from '../memory.js';
import { contiguousStrides, formatShape, numel } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { parseArgs } from './args.js';
import { arange } from './creation.js';
import { checkTensor, expandView, fromValues, isTensor, mixedDevices, wrap } from './dispatch.js';
import { castTo } from './promotion.js';
import { checkWritable, copy_, fill_, inplace } from './inplace.js';
import { exactFloat, int32Exact } from './integer.js';
import { type IndexItem, type IndexPlan, planIndex, type Step } from './index-items.js';
import {
  broadcastTo,
  gatherFlat,
  gatherRaw,
  hostPositions,
  kernelOp,
  type Layout,
  positionsOf,
  type ResultShape,
  rowMajor,
  scatterAddFlat,
  stepLayout,
  viewOf,
} from './index-positions.js';
import { lastWriters, type ResolvedSlots, resolveSlots } from './index-slots.js';
import { select, slice, unsqueeze } from './movement.js';
import { scalarAs } from './scalar-value.js';
import { where } from './where.js';

/** Options of `indexPut` and `indexPut_` (PyTorch's keyword argument). */
export interface IndexPutOptions {
  /** Add the values into the indexed places instead of writing them (repeated indices then sum). Default false. */
  accumulate?: boolean;
}

/** A view of all of `x` with its own graph node (PyTorch's `at::alias`, what `x[...]` gives). */
function alias(x: Tensor): Tensor {
  const out = x.viewWithLayout(x.shape, x.strides, x.offset, 'index');
  if (needsGrad(x)) record(out, 'AliasBackward0', [x], (g) => [g]);
  return out;
}

/** The basic view: the steps as recorded view ops (PyTorch's chain of Select/Slice/Unsqueeze nodes). */
function basicView(x: Tensor, steps: readonly Step[]): Tensor {
  if (steps.length === 0) return alias(x);
  let t = x;
  for (const s of steps) {
    const next =
      s.kind === 'select'
        ? select(t, s.dim, s.index)
        : s.kind === 'slice'
          ? slice(t, s.dim, s.start, s.length === 0 ? s.start : s.start + (s.length - 1) * s.step + 1, s.step)
          : unsqueeze(t, s.dim);
    if (t !== x) t.dispose();
    t = next;
  }
  return t;
}

/** The positions of `x[items]` in `layout`'s numbering, on x's device: from the host indices when all are there. */
function positionsFor(x: Tensor, layout: Layout, slots: ResolvedSlots): { positions: Tensor; result: ResultShape } {
  if (slots.host === undefined) return positionsOf(x, layout, slots.dims, slots.indices(), slots.bShape);
  const { positions, result } = hostPositions(layout, slots.dims, slots.host, slots.shapes, slots.bShape);
  return { positions: fromValues(positions, result.shape, 'int32', x.device), result };
}

/** The basic-only expression's "slots": no index, the view's elements themselves. */
const NO_SLOTS: ResolvedSlots = { dims: [], shapes: [], bShape: [], distinct: true, host: [], indices: () => [] };

/**
 * `x[items]`: PyTorch's indexing, as the method `t.index(...items)`. Each
 * item is an integer, a slice (`':'`, `'1:3'`, `'::2'`, `'-1:'`, or
 * `{ start, stop, step }`), `null` (a new axis), `'...'`, `true`/`false`,
 * an int32 tensor or nested arrays of integers (advanced indexing), or a
 * bool tensor or nested arrays of booleans (a mask over as many dims as it
 * has). Integers, slices, `null` and `'...'` alone give a view (sharing
 * storage and version counter: in-place writes through it reach `x`);
 * advanced items give a copy, with the index tensors broadcast together and
 * their dims in place when they are adjacent, first when a slice, integer or
 * `null` separates them. Negative indices count from the end; an index out of
 * range raises PyTorch's IndexError message (on a GPU backend at the next read).
 *
 * A mask is read on the host, once per call, to learn how many elements it
 * selects (the result's shape depends on it; PyTorch syncs there too).
 *
 * @example
 * const x = g.arange(12).reshape(3, 4);
 * x.index(0);                        // tensor([0, 1, 2, 3]): a view, x[0]
 * x.index(':', '1::2');              // x[:, 1::2]
 * x.index([0, 2], null);             // x[[0, 2], None]: shape [2, 1, 4]
 * x.index(x.gt(5));                  // x[x > 5]: tensor([ 6,  7,  8,  9, 10, 11])
 * x.index([0, 2], [1, 3]);           // x[[0, 2], [1, 3]]: tensor([1, 11])
 */
export function index(x: Tensor, ...items: IndexItem[]): Tensor {
  checkTensor('index', x);
  const plan = planIndex('index', x, items);
  if (plan.advanced.length === 0) return basicView(x, plan.steps);
  const grad = needsGrad(x);
  const { out, back } = tidy(() =>
    noGrad(() => {
      const slots = resolveSlots(x, plan);
      // Read straight from x's storage at the selected positions: no copy of x, whatever its strides.
      const storage = stepLayout(x, plan.steps);
      const { positions } = positionsFor(x, storage, slots);
      const out = gatherRaw(x, viewOf(x, [x.storage.size], [1], 0), positions);
      // The gradient scatters into x's row-major numbering (the same positions when x is contiguous from 0).
      const rowMajorToo = grad && !(x.offset === 0 && x.isContiguous());
      const back = rowMajorToo ? positionsFor(x, stepLayout(rowMajor(x.shape), plan.steps), slots).positions : positions;
      return { out, back };
    }),
  );
  if (grad) {
    const n = x.numel();
    record(out, 'IndexBackward0', [x], (g) => [scatterAddFlat(n, back, g).reshape(x.shape)], [back]);
  }
  if (back !== out) back.dispose();
  return out;
}

/** The items of `indexPut`: an array lists them (`[0, ':']` is `x[0, :]`); anything else is one item. */
function itemsOf(items: unknown): unknown[] {
  return Array.isArray(items) ? items : [items];
}

/** Leading 1s stripped (PyTorch's slicePrefix1sSize: `x[0] = v[None]` works). */
function strip1s(shape: readonly number[]): number[] {
  const first = shape.findIndex((s) => s !== 1);
  return first < 0 ? [] : shape.slice(first);
}

/** Checks that values of `vShape` broadcast to the indexed shape `target`, with PyTorch's message for its path. */
function checkValuesShape(op: string, vShape: readonly number[], target: readonly number[], advanced: boolean): void {
  const lead = target.length - vShape.length;
  if (advanced) {
    if (lead < 0 || vShape.some((s, i) => s !== 1 && s !== target[lead + i])) {
      throw new Error(
        `${op}(): shape mismatch: value tensor of shape ${formatShape(vShape)} cannot be broadcast to indexing result of shape ${formatShape(target)}`,
      );
    }
    return;
  }
  // The basic path is PyTorch's copy_to: an expand of the values to the view.
  if (lead < 0) {
    throw new Error(
      `${op}(): expand(${formatShape(vShape)}, size=${formatShape(target)}): the number of sizes provided (${target.length}) must be greater or equal to the number of dimensions in the tensor (${vShape.length})`,
    );
  }
  vShape.forEach((s, i) => {
    if (s !== 1 && s !== target[lead + i]) {
      throw new Error(
        `${op}(): The expanded size of the tensor (${target[lead + i]}) must match the existing size (${s}) at non-singleton dimension ${lead + i}.  Target sizes: ${formatShape(target)}.  Tensor sizes: ${formatShape(vShape)}`,
      );
    }
  });
}

/**
 * `values` checked against `x` and the path: a tensor on x's device (a 0-d
 * one is moved), of x's dtype on the advanced path — except one value written
 * through one mask, which PyTorch's index_put_ turns into a masked_fill_ that
 * converts it.
 */
function checkValues(op: string, x: Tensor, values: unknown, plan: IndexPlan, accumulate: boolean): Tensor | number {
  if (typeof values === 'number' || typeof values === 'boolean') return scalarAs(`${op}()`, values, x.dtype);
  if (!isTensor(values))
    throw new TypeError(
      `${op}(): argument 'values' must be a Tensor, a number or a boolean, not ${values === null ? 'null' : typeof values}`,
    );
  checkTensor(op, values, 'values');
  const advanced = plan.advanced.length > 0;
  const maskFill = !accumulate && plan.advanced.length === 1 && 'mask' in plan.advanced[0]! && values.numel() === 1;
  if (advanced && !maskFill && values.dtype !== x.dtype) {
    throw new TypeError(
      `${op}(): Index put requires the source and destination dtypes match, got ${x.dtype} for the destination and ${values.dtype} for the source.`,
    );
  }
  if (values.device !== x.device && values.ndim !== 0) throw mixedDevices(op, x, values);
  return values;
}

/**
 * Which index tuples (over the broadcast index shape) make the last write to
 * their place: a bool tensor. Each tuple is coded as one number (its place in
 * the indexed dims); from host indices on the host, else on the device.
 */
function lastWriteOf(x: Tensor, plan: IndexPlan, slots: ResolvedSlots): Tensor {
  const sizes = slots.dims.map((d) => plan.viewShape[d]!);
  const domain = sizes.reduce((a, b) => a * b, 1);
  if (slots.host !== undefined) {
    const n = numel(slots.bShape);
    const code = new Int32Array(n);
    let scale = 1;
    for (let k = slots.dims.length - 1; k >= 0; k--) {
      const all = slots.host[k]!;
      const spread = all.length === n ? all : broadcastTo(all, slots.shapes[k]!, slots.bShape);
      for (let b = 0; b < n; b++) code[b]! += spread[b]! * scale;
      scale *= sizes[k]!;
    }
    return lastWriters(fromValues(code, slots.bShape, 'int32', x.device), domain, false, code);
  }
  const indices = slots.indices();
  let code: Tensor | undefined;
  let scale = 1;
  for (let k = slots.dims.length - 1; k >= 0; k--) {
    const term = kernelOp('mul', x, indices[k]!, scale, slots.bShape);
    code = code === undefined ? term : kernelOp('add', x, code, term, slots.bShape);
    scale *= sizes[k]!;
  }
  return lastWriters(code!, domain);
}

/**
 * `x[items] = values` (values checked): a new tensor of x's shape and dtype,
 * with a node `IndexPutBackward0` when a gradient is wanted — or, `inPlace`
 * (never with autograd), x itself, written. Positions are in x's row-major
 * numbering. With the backend's optional `put` kernel only the selected
 * places are written, in order (the last write to a place wins, as PyTorch's
 * CPU loop; accumulate adds in order). Without it the whole tensor is
 * computed: a `where` over x's elements of the values gathered by each
 * place's writer (the last, found on the device where an index repeats), or
 * with `accumulate` a scatterAdd of the values added to x.
 */
function put(op: string, x: Tensor, plan: IndexPlan, values: Tensor | number, accumulate: boolean, inPlace = false): Tensor {
  const advanced = plan.advanced.length > 0;
  const v = isTensor(values) && values.device !== x.device ? values.to(x.device) : values;
  const vShape = isTensor(v) ? strip1s(v.shape) : [];
  const grad = !inPlace && isFloating(x.dtype) && needsGrad(x, v);
  const n = x.numel();
  // Integer sums are computed exactly and checked, which the kernel's in-place add cannot do.
  const kernel = x.backend.put !== undefined && (!accumulate || isFloating(x.dtype));
  const { out, positions, written, m } = tidy((): { out: Tensor; positions: Tensor; written?: Tensor; m: number } =>
    noGrad(() => {
      const slots = advanced ? resolveSlots(x, plan) : NO_SLOTS;
      const layout = stepLayout(rowMajor(x.shape), plan.steps);
      const { positions, result } = positionsFor(x, layout, slots);
      const target = result.shape;
      checkValuesShape(op, vShape, target, advanced);
      const m = numel(target);
      const copy = () => (inPlace ? x : wrap(x, x.backend.contiguous(x), x.shape, x.dtype));
      if (m === 0 || n === 0) return { out: copy(), positions, m };
      // A flat result of the scatter, read in x's shape (the kernels write fresh tensors of x's shape, never views).
      const shaped = (t: Tensor) => viewOf(t, x.shape, contiguousStrides(x.shape), 0);
      const fresh = (handle: unknown) => wrap(x, handle, x.shape, x.dtype);
      // The values over the indexed result, one per selected element.
      const value = (dtype = x.dtype): Tensor => {
        if (!isTensor(v)) return wrap(x, x.backend.fill(m, v, dtype), [m], dtype);
        const spread = castTo(v, dtype).reshape(vShape).expand(target);
        return wrap(x, x.backend.contiguous(spread), [m], dtype);
      };
      if (kernel) {
        // Only the selected places are written (the values first copied out: they may share x's memory).
        const dst = copy();
        x.backend.put!(dst, viewOf(positions, [m], [1]), viewOf(value(), [m], [1], 0), accumulate);
        return { out: dst, positions, m };
      }
      if (accumulate) {
        if (x.dtype === 'bool') {
          const hit = kernelOp('gt', x, scatterAddFlat(n, positions, value('int32')), 0, [n], 'bool');
          return { out: fresh(x.backend.binary('logicalOr', x, shaped(hit), x.shape, 'bool')), positions, m };
        }
        if (x.dtype === 'int32') {
          // Summed exactly in floating point and checked to fit int32, as integer add is.
          const wide = exactFloat(x.backend);
          const sum = scatterAddFlat(n, positions, value(wide));
          const exact = wrap(x, x.backend.binary('add', castTo(x, wide), shaped(sum), x.shape, wide), x.shape, wide);
          return { out: int32Exact(op, exact, 'x.double().indexPut(items, values.double(), { accumulate: true })'), positions, m };
        }
        return { out: fresh(x.backend.binary('add', x, shaped(scatterAddFlat(n, positions, value())), x.shape, x.dtype)), positions, m };
      }
      if (!isTensor(v) || numel(vShape) === 1) {
        // One value for every place: which write wins does not matter.
        const hits = scatterAddFlat(n, positions, wrap(x, x.backend.fill(m, 1, 'int32'), target, 'int32'));
        const written = kernelOp('gt', x, hits, 0, [n], 'bool');
        const one = isTensor(v) ? expandView(castTo(v, x.dtype), x.shape) : v;
        return { out: fresh(x.backend.where(shaped(written), one, x, x.shape, x.dtype)), positions, written: written.reshape(x.shape), m };
      }
      // Each place takes the value of its writer: write number k + 1 scattered to its place (0: none).
      let number = kernelOp('add', x, arange(m, { dtype: 'int32', device: x.device }), 1, [m]).reshape(target);
      if (advanced && !slots.distinct && numel(slots.bShape) > 1) {
        // An index tuple may repeat: only its last write counts, as on PyTorch's CPU.
        const keep = lastWriteOf(x, plan, slots);
        const bStrides = keep.strides;
        const keepView = viewOf(
          keep,
          target,
          target.map((_, q) => (q >= result.bStart && q < result.bStart + slots.bShape.length ? bStrides[q - result.bStart]! : 0)),
        );
        number = wrap(x, x.backend.where(keepView, number, 0, target, 'int32'), target, 'int32');
      }
      const writer = scatterAddFlat(n, positions, number);
      const written = kernelOp('gt', x, writer, 0, [n], 'bool');
      const from = kernelOp('maximum', x, kernelOp('sub', x, writer, 1, [n]), 0, [n]);
      const taken = gatherRaw(x, viewOf(value(), [m], [1], 0), from);
      return {
        out: fresh(x.backend.where(shaped(written), shaped(taken), x, x.shape, x.dtype)),
        positions,
        written: written.reshape(x.shape),
        m,
      };
    }),
  );
  if (inPlace) {
    if (v !== values) (v as Tensor).dispose();
    positions.dispose();
    written?.dispose();
    if (out === x) {
      x.versionCounter.value++;
      return x;
    }
    return inplace(x, op, out);
  }
  if (grad) {
    const vIn = v;
    // The places written (their old values get no gradient); computed here when the kernel wrote them.
    const writtenOf = () =>
      written ??
      noGrad(() =>
        kernelOp(
          'gt',
          positions,
          scatterAddFlat(n, positions, wrap(positions, positions.backend.fill(m, 1, 'int32'), positions.shape, 'int32')),
          0,
          [n],
          'bool',
        ).reshape(x.shape),
      );
    record(
      out,
      'IndexPutBackward0',
      [x, vIn],
      (g) => {
        const gx = accumulate || m === 0 || n === 0 ? g : where(writtenOf(), 0, g);
        if (!isTensor(vIn) || !(vIn.requiresGrad || vIn.tangent !== undefined)) return [gx, null];
        // With nothing selected this is zeros at the values' shape, as PyTorch's: never null for an input that needs a gradient.
        const picked = gatherFlat(g.reshape(n), positions);
        return [gx, sumToShape(picked, vShape).reshape(vIn.shape)];
      },
      [positions, written],
    );
  }
  positions.dispose();
  written?.dispose();
  if (v !== values) (v as Tensor).dispose();
  return out;
}

/**
 * `x[items] = values` as a new tensor (PyTorch's `index_put`, with any
 * indexing items): `x` is unchanged. `items` is an array of the items `index`
 * takes (`[0, ':']` is `x[0, :]`; an index array is itself one item:
 * `[[0, 2]]` is `x[[0, 2]]`), or a single non-array item. `values` (a tensor
 * broadcastable to `x.index(...items)`'s shape, or a number) must have x's
 * dtype when an item is advanced, as PyTorch requires; with basic items only
 * it is cast, as `copy_` casts. Where an index repeats, the last write wins
 * (PyTorch's CPU); with `accumulate` the values are summed there, in order.
 * Differentiable in `x` and `values`. A mask is read on the host, once.
 *
 * @example
 * const x = g.zeros(5);
 * g.indexPut(x, [[0, 2]], g.tensor([1, 2]));                         // tensor([1., 0., 2., 0., 0.])
 * g.indexPut(x, [[1, 1, 3]], g.tensor([1, 2, 3]), { accumulate: true }); // tensor([0., 3., 0., 3., 0.])
 */
export function indexPut(
  x: Tensor,
  items: readonly IndexItem[] | IndexItem,
  values: Tensor | number | boolean,
  accumulate?: boolean | IndexPutOptions,
  options?: IndexPutOptions,
): Tensor {
  checkTensor('indexPut', x);
  const acc = accumulateArg('indexPut', accumulate, options);
  const plan = planIndex('indexPut', x, itemsOf(items));
  return put('indexPut', x, plan, checkValues('indexPut', x, values, plan, acc), acc);
}

function accumulateArg(op: string, accumulate: unknown, options: unknown): boolean {
  const a = parseArgs(op, [accumulate, options], ['accumulate']);
  if (a['accumulate'] !== undefined && typeof a['accumulate'] !== 'boolean') {
    throw new TypeError(`${op}(): argument 'accumulate' must be a boolean, not ${typeof a['accumulate']}`);
  }
  return a['accumulate'] === true;
}

/**
 * `x[items] = values` in place (PyTorch's `index_put_` and `__setitem__`);
 * returns `x`, bumps its version. Items and values as {@link indexPut}. With
 * basic items only and no autograd, the values are copied into the view
 * (only the selected elements are touched); otherwise the new contents are
 * computed out of place and written over `x`, which then takes the
 * `IndexPutBackward0` node: so `x` may be a tensor inside a graph (not a
 * leaf that requires grad, and not a view of one taking part in autograd:
 * Graft does not rebase a view's base as PyTorch's CopySlices does, and
 * refuses rather than give a wrong gradient).
 *
 * @example
 * const x = g.zeros(2, 3);
 * x.indexPut_([0, '1:'], 5);          // x[0, 1:] = 5
 * x.indexPut_([x.eq(0)], -1);         // x[x == 0] = -1
 */
export function indexPut_<T extends Tensor>(
  x: T,
  items: readonly IndexItem[] | IndexItem,
  values: Tensor | number | boolean,
  accumulate?: boolean | IndexPutOptions,
  options?: IndexPutOptions,
): T {
  checkTensor('indexPut_', x, 'self');
  const acc = accumulateArg('indexPut_', accumulate, options);
  checkWritable('indexPut_', x);
  const plan = planIndex('indexPut_', x, itemsOf(items));
  const advanced = plan.advanced.length > 0;
  const v = checkValues('indexPut_', x, values, plan, acc);
  const recording = isGraphRecordingEnabled() && needsGrad(x, v);
  if (!advanced && !acc && !recording) {
    // Only the view's elements are written: a copy into it, as PyTorch's copy_to.
    const view = noGrad(() => basicView(x, plan.steps));
    try {
      if (!isTensor(v)) fill_(view, v);
      else {
        const vShape = strip1s(v.shape);
        checkValuesShape('indexPut_', vShape, view.shape, false);
        // Values that share x's storage are copied first: the write must not read what it overwrote.
        const src = v.storage === x.storage ? noGrad(() => v.clone()) : v;
        const shaped = noGrad(() => src.reshape(vShape));
        copy_(view, shaped);
        if (shaped !== src) shaped.dispose();
        if (src !== v) src.dispose();
      }
    } finally {
      view.dispose();
    }
    return x;
  }
  if (!recording) return put('indexPut_', x, plan, v, acc, true) as T;
  return inplace(x, 'indexPut_', put('indexPut_', x, plan, v, acc));
}
