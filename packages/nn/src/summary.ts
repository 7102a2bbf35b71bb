/**
 * `summary(model, inputShape)`: a model's layers, output shapes and parameter
 * counts as a table, in the spirit of torchinfo's `summary`. The model runs
 * once on a random input (in eval mode, without gradients; its training flags
 * are restored after), its modules seen through forward pre-hooks (the
 * order they run in) and forward hooks (their outputs).
 */
import * as g from '@graft/core';
import type { DType, Tensor } from '@graft/core';
import type { HookHandle } from './hooks.js';
import type { Module } from './module.js';

/** Options of `summary`. */
export interface SummaryOptions {
  /** The deepest level of nesting shown (default 3, as torchinfo). */
  depth?: number;
  /** The dtype of the generated inputs (default float32; int32 inputs are zeros, for embeddings). */
  dtype?: DType;
  /** The device of the generated inputs. */
  device?: string;
}

/** One row: a module call. */
export interface SummaryRow {
  /** The module's dotted path in the model ('' for the model). */
  readonly name: string;
  /** Its class name. */
  readonly type: string;
  /** Its nesting depth (0 for the model). */
  readonly depth: number;
  /** torchinfo's `depth-index`: the how-manieth module at this depth (from 1). */
  readonly index: number;
  /** The shape of its output (the first tensor of an array or a PackedSequence's data; null when it returned no tensor). */
  outputShape: number[] | null;
  /** The parameters it shows: its own, or for a module whose children are not shown, all of its subtree's. */
  readonly params: number;
}

/** What `summary` returns: the rows and totals; `toString()` is the table. */
export class ModelSummary {
  constructor(
    readonly rows: readonly SummaryRow[],
    /** Every parameter, each counted once. */
    readonly totalParams: number,
    /** The parameters that require grad. */
    readonly trainableParams: number,
    /** Bytes of the inputs. */
    readonly inputBytes: number,
    /** Bytes of the shown leaf layers' outputs, twice (forward and backward), as torchinfo estimates. */
    readonly forwardBackwardBytes: number,
    /** Bytes of the parameters. */
    readonly paramBytes: number,
  ) {}

  /** The parameters that do not require grad. */
  get nonTrainableParams(): number {
    return this.totalParams - this.trainableParams;
  }

  /**
   * The table, as torchinfo prints it.
   *
   * @example
   * console.log(String(nn.summary(model, [16, 4])));
   */
  toString(): string {
    const widths = [40, 25, 15];
    const rule = '='.repeat(widths.reduce((a, b) => a + b));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i]!) : c))
        .join('')
        .trimEnd();
    const count = (n: number) => n.toLocaleString('en-US');
    const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
    const out = [rule, line(['Layer (type:depth-idx)', 'Output Shape', 'Param #']), rule];
    for (const r of this.rows) {
      const tree = r.depth === 0 ? '' : `${'│    '.repeat(r.depth - 1)}${r.depth === 1 ? '├─' : '└─'}`;
      const label = r.depth === 0 ? r.type : `${tree}${r.type}: ${r.depth}-${r.index}`;
      const shape = r.outputShape === null ? '--' : `[${r.outputShape.join(', ')}]`;
      out.push(line([label, shape, r.params === 0 ? '--' : count(r.params)]));
    }
    out.push(
      rule,
      `Total params: ${count(this.totalParams)}`,
      `Trainable params: ${count(this.trainableParams)}`,
      `Non-trainable params: ${count(this.nonTrainableParams)}`,
      rule,
      `Input size (MB): ${mb(this.inputBytes)}`,
      `Forward/backward pass size (MB): ${mb(this.forwardBackwardBytes)}`,
      `Params size (MB): ${mb(this.paramBytes)}`,
      `Estimated Total Size (MB): ${mb(this.inputBytes + this.forwardBackwardBytes + this.paramBytes)}`,
      rule,
    );
    return out.join('\n');
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

const BYTES: Record<string, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };
const bytesOf = (t: Tensor) => t.numel() * (BYTES[t.dtype] ?? 4);

/** The first tensor in a module's output (a tensor, an array of them, a PackedSequence's data). */
function firstTensor(value: unknown): Tensor | null {
  if (value instanceof g.Tensor) return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const t = firstTensor(v);
      if (t) return t;
    }
  }
  return null;
}

/** A shape, or a list of shapes (one per input). */
function isShapeList(input: unknown): input is number[][] {
  return Array.isArray(input) && input.length > 0 && input.every((s) => Array.isArray(s));
}

/**
 * Runs `model` once on random inputs of `inputShape` (one shape, or one per
 * forward argument; or the input tensors themselves) and tabulates every
 * module call: name and depth, output shape and parameter count, with the
 * totals and torchinfo's size estimates. `String(summary(…))` is the table.
 *
 * @example
 * const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
 * console.log(String(nn.summary(model, [16, 4])));
 * // ==========================================================================================
 * // Layer (type:depth-idx)                  Output Shape             Param #
 * // ==========================================================================================
 * // Sequential                              [16, 1]                  --
 * // ├─Linear: 1-1                           [16, 8]                  40
 * // ├─ReLU: 1-2                             [16, 8]                  --
 * // ├─Linear: 1-3                           [16, 1]                  9
 * // ==========================================================================================
 * // Total params: 49
 * // …
 */
export function summary(
  model: Module,
  inputShape: readonly number[] | readonly (readonly number[])[] | Tensor | readonly Tensor[],
  options?: SummaryOptions,
): ModelSummary {
  const o = g.checkOptions('summary', options, ['depth', 'dtype', 'device']);
  const depthLimit = o.depth ?? 3;
  if (!Number.isInteger(depthLimit) || depthLimit < 0)
    throw new Error(`summary: depth must be a non-negative integer, got ${String(o.depth)}`);
  const modules = model.namedModules();
  const pathOf = new Map<Module, string>(modules.map(([p, m]) => [m, p]));
  const rows: SummaryRow[] = [];
  const counters: number[] = [];
  const leafRows: SummaryRow[] = [];
  const outputBytes = new Map<SummaryRow, number>();
  const handles: HookHandle[] = [];
  const training = modules.map(([, m]) => m.training);
  const countParams = (m: Module, recurse: boolean) => m.parameters({ recurse }).reduce((n, p) => n + p.numel(), 0);
  return g.noGrad(() =>
    g.tidy(() => {
      try {
        for (const [path, m] of modules) {
          const depth = path === '' ? 0 : path.split('.').length;
          if (depth > depthLimit) continue;
          const open: SummaryRow[] = [];
          handles.push(
            m.registerForwardPreHook(() => {
              counters[depth] = (counters[depth] ?? 0) + 1;
              const showsChildren = depth < depthLimit && m.children().length > 0;
              const row: SummaryRow = {
                name: pathOf.get(m) ?? path,
                type: m.constructor.name,
                depth,
                index: counters[depth]!,
                outputShape: null,
                params: countParams(m, !showsChildren),
              };
              rows.push(row);
              open.push(row);
              if (!showsChildren) leafRows.push(row);
            }),
            m.registerForwardHook((_m: Module, _args: unknown[], output: unknown) => {
              const row = open.pop();
              const t = firstTensor(output);
              if (row && t) {
                row.outputShape = [...t.shape];
                outputBytes.set(row, bytesOf(t));
              }
            }),
          );
        }
        model.eval();
        const inputs = makeInputs(inputShape, o.dtype ?? 'float32', o.device);
        (model.call as (...a: unknown[]) => unknown)(...inputs);
        const unique = model.parameters();
        const total = unique.reduce((n, p) => n + p.numel(), 0);
        const trainable = unique.filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel(), 0);
        const fwd = 2 * leafRows.reduce((n, r) => n + (outputBytes.get(r) ?? 0), 0);
        return new ModelSummary(
          rows,
          total,
          trainable,
          inputs.reduce((n, t) => n + bytesOf(t), 0),
          fwd,
          unique.reduce((n, p) => n + bytesOf(p), 0),
        );
      } finally {
        for (const h of handles) h.remove();
        modules.forEach(([, m], i) => (m.training = training[i]!));
      }
    }),
  );
}

/** The forward arguments: the given tensors, or random ones of the given shapes. */
function makeInputs(input: unknown, dtype: DType, device: string | undefined): Tensor[] {
  if (input instanceof g.Tensor) return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((t) => t instanceof g.Tensor)) return input as Tensor[];
  const shapes = isShapeList(input) ? input : [input];
  return shapes.map((shape, i) => {
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new TypeError(
        `summary: input ${i} must be a shape (an array of non-negative integers) or a tensor, got ${JSON.stringify(shape)}`,
      );
    }
    const where = device ? { device } : {};
    return dtype === 'float32' || dtype === 'float64'
      ? g.randn(shape as number[], { dtype, ...where })
      : g.zeros(shape as number[], { dtype, ...where });
  });
}
